//! Replays the fuzz corpora (`fuzz/corpus/*`) through the same checks as the
//! fuzz targets, on the stable toolchain, so every `cargo test` re-runs
//! everything the fuzzers ever found interesting.

use std::path::Path;

use chrono::NaiveDate;
use tothon::domain::commune::Commune;
use tothon::domain::form::{self, Context};
use tothon::domain::rules::ProblemKind;
use tothon::worklist::{Options, preview};

fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(name);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        out.push(std::fs::read(entry.unwrap().path()).unwrap());
    }
    out
}

#[test]
fn the_worklist_corpus_previews_without_panics_or_invalid_items() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let commune = Commune::with_numbered_villages("Xã Thử", 6);
    let ctx = Context {
        today,
        villages: &commune.villages,
    };
    let inputs = corpus("worklist");
    assert!(inputs.len() >= 3);
    for data in &inputs {
        for form_id in [None, Some("activation".to_string())] {
            let options = Options {
                form: form_id,
                ..Options::new(today)
            };
            if let Ok(p) = preview(data.as_slice(), &options, &commune, &[]) {
                for item in &p.items {
                    let spec = form::form(&item.form).unwrap();
                    let checked = spec.check(&item.prefill, &ctx);
                    assert!(
                        checked.errors().all(|e| e.kind == ProblemKind::Required),
                        "{:?}",
                        checked.problems
                    );
                }
            }
        }
    }
}

#[test]
fn the_bundle_reader_corpus_reads_without_panics_or_unchecked_bundles() {
    use tothon::bundle::{self, archive};
    let inputs = corpus("bundle_reader");
    assert!(inputs.len() >= 3);
    let mut accepted = 0;
    for data in &inputs {
        let _ = archive::read(data, &archive::LIMITS, |_| Some(1 << 20));
        if let Ok(b) = bundle::read(data, Some(&bundle::age::Identity::from_secret([7; 32]))) {
            assert_eq!(b.contents.versions.len(), b.version_places.len());
            assert!(b.contents.versions.iter().all(|v| v.id_is_valid()));
            assert_eq!(b.key_id.len(), 16);
            accepted += 1;
        }
    }
    // The real bundles the corpus was seeded with still read.
    assert!(accepted >= 1, "no valid bundle left in the corpus");
}
