//! The work-list importer on arbitrary bytes: it must return a preview or an
//! error, never panic, and never propose an item whose values the form would
//! refuse (fields the team fills later may still be empty).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use tothon::domain::commune::Commune;
use tothon::domain::form::{self, Context};
use tothon::worklist::{Options, preview};

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let commune = Commune::with_numbered_villages("Xã Thử", 6);
    for form_id in [None, Some("activation".to_string())] {
        let options = Options {
            form: form_id,
            ..Options::new(today)
        };
        if let Ok(p) = preview(data, &options, &commune, &[]) {
            let ctx = Context {
                today,
                villages: &commune.villages,
            };
            for item in &p.items {
                let spec = form::form(&item.form).expect("a known form");
                let checked = spec.check(&item.prefill, &ctx);
                let wrong: Vec<_> = checked
                    .errors()
                    .filter(|p| p.kind != tothon::domain::rules::ProblemKind::Required)
                    .collect();
                assert!(wrong.is_empty(), "{wrong:?}");
            }
        }
    }
});
