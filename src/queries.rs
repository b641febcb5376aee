//! Answers that combine what the store holds with a domain computation,
//! shared by the command line and the screens' effects so both give the same
//! numbers.

use chrono::NaiveDate;

use crate::domain::{duplicates, report};
use crate::store::{Result, Store};

/// The report as of a date.
pub fn report(store: &Store, as_of: NaiveDate) -> Result<report::Report> {
    let commune = store.commune()?;
    let people = store.people()?;
    let pairs = duplicates::find(&people).len();
    Ok(report::compute(
        &commune.name,
        &store.work_items()?,
        &store.all_versions()?,
        pairs,
        as_of,
    ))
}
