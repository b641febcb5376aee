//! The bundle reader on arbitrary bytes: it must return a bundle or an error,
//! never panic, and never hand back a bundle whose versions do not match
//! their ids or whose places do not line up with its versions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tothon::bundle::{self, archive};

fuzz_target!(|data: &[u8]| {
    // The zip layer alone, with every name welcome, so that the fuzzer
    // reaches entry reading without first guessing the names.
    let _ = archive::read(data, &archive::LIMITS, |_| Some(1 << 20));
    // Encrypted bundles in the corpus are encrypted to this identity.
    if let Ok(b) = bundle::read(data, Some(&bundle::age::Identity::from_secret([7; 32]))) {
        assert_eq!(b.contents.versions.len(), b.version_places.len());
        assert!(b.contents.versions.iter().all(|v| v.id_is_valid()));
        assert_eq!(b.key_id.len(), 16);
    }
});
