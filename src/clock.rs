//! The one place that reads the clock, so tests can pin it.
//!
//! In test builds (the `test-hooks` feature) `TOTHON_NOW` (RFC 3339, e.g.
//! `2026-11-26T09:00:00+07:00`) fixes "now"; otherwise, and always in a
//! release build, it is the local time with its offset.

use chrono::{DateTime, FixedOffset, Local, NaiveDate};

pub fn now() -> DateTime<FixedOffset> {
    pinned().unwrap_or_else(|| Local::now().fixed_offset())
}

pub fn today() -> NaiveDate {
    now().date_naive()
}

#[cfg(feature = "test-hooks")]
fn pinned() -> Option<DateTime<FixedOffset>> {
    std::env::var("TOTHON_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
}

#[cfg(not(feature = "test-hooks"))]
fn pinned() -> Option<DateTime<FixedOffset>> {
    None
}
