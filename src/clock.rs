//! The one place that reads the clock, so tests and demos can pin it.
//!
//! `TOTHON_NOW` (RFC 3339, e.g. `2026-11-26T09:00:00+07:00`) fixes "now" for
//! tests and screenshots; otherwise it is the local time with its offset.

use chrono::{DateTime, FixedOffset, Local, NaiveDate};

pub fn now() -> DateTime<FixedOffset> {
    std::env::var("TOTHON_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .unwrap_or_else(|| Local::now().fixed_offset())
}

pub fn today() -> NaiveDate {
    now().date_naive()
}
