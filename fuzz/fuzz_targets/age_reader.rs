//! The age reader on arbitrary bytes: a tampered copy of a signed bundle
//! reaches it before the bundle's hashes are all checked (they are checked
//! beside the rows, as they stream). It must return the plain text or an
//! error, never panic, and never hand out a byte after an error.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use tothon::bundle::age::{Decrypt, Identity};

fuzz_target!(|data: &[u8]| {
    // The identity the corpus's files are encrypted to.
    let identity = Identity::from_secret([7; 32]);
    if let Ok(mut reader) = Decrypt::new(data, &identity) {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(_) => {
                    assert!(reader.read(&mut buf).is_err(), "a byte after an error");
                    break;
                }
            }
        }
    }
});
