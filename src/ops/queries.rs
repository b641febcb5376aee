//! Questions both fronts ask of the store: the report as of a date, the
//! suspected duplicate citizens, the progress table and the done-over-time
//! series of the charts.
//! Each reads what it needs and hands it to the pure computation in
//! `domain`, so the command line and the screens give the same numbers.
//!
//! Reads only; returns data, prints nothing and takes no language.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::duplicates;
use crate::domain::{progress, report};
use crate::store::{Result, Store};

/// The report as of a date.
pub fn report(store: &Store, as_of: NaiveDate) -> Result<report::Report> {
    let commune = store.commune()?;
    let people = store.people()?;
    // The register as it is today: its entries carry no date, so the pairs
    // found do not move with `as_of` (their settling does).
    let pairs: Vec<u8> = duplicates::find(&people)
        .iter()
        .map(|p| p.first.team)
        .collect();
    let items = store.work_items()?;
    let versions = store.all_versions()?;
    let targets = targets(store)?;
    let data = report::Data {
        commune: &commune.name,
        villages: commune
            .villages
            .iter()
            .map(|v| (v.team, v.name.clone()))
            .collect(),
        items: &items,
        versions: &versions,
        pairs: &pairs,
        targets: &targets,
    };
    Ok(report::compute(report::spec(), &data, as_of))
}

/// The setting that holds the commune's targets (chỉ tiêu), by report line.
pub(super) const TARGETS: &str = "report_targets";

/// The commune's targets (chỉ tiêu), by report line key.
pub fn targets(store: &Store) -> Result<std::collections::BTreeMap<String, usize>> {
    Ok(store.setting(TARGETS)?.unwrap_or_default())
}

/// The progress table of one form, or of all (`None`): a row per team
/// this device shows, then the total, counted from the work list's lines
/// as the screens count them.
pub fn progress(
    store: &Store,
    form: Option<&str>,
) -> Result<Vec<(Option<u8>, progress::Progress)>> {
    let teams = progress::teams(store.device()?.role, &store.commune()?);
    let mut units = Vec::new();
    store.list_snapshot()?.each(|row| {
        if form.is_none_or(|f| row.form == f) {
            units.push(row.unit());
        }
    })?;
    Ok(progress::by_team(units, &teams))
}

/// Each team's cases done so far, day by day: the progress-over-time chart.
pub fn done_over_time(store: &Store) -> Result<BTreeMap<u8, Vec<(NaiveDate, usize)>>> {
    Ok(progress::done_over_time(
        &store.work_items()?,
        &store.all_versions()?,
    ))
}
