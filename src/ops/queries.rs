//! Questions both fronts ask of the store: the report as of a date, the
//! suspected duplicate citizens and the done-over-time series of the charts.
//! Each reads what it needs and hands it to the pure computation in
//! `domain`, so the command line and the screens give the same numbers.
//!
//! Reads only; returns data, prints nothing and takes no language.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::duplicates::{self, Why};
use crate::domain::work::Person;
use crate::domain::{progress, report};
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

/// Two people of the commune's list who may be the same citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuspectedPair {
    pub why: Why,
    pub first: Person,
    pub second: Person,
}

/// Every suspected duplicate pair, each once, in a stable order.
pub fn duplicates(store: &Store) -> Result<Vec<SuspectedPair>> {
    let people = store.people()?;
    Ok(duplicates::find(&people)
        .into_iter()
        .map(|p| SuspectedPair {
            why: p.why,
            first: p.first.clone(),
            second: p.second.clone(),
        })
        .collect())
}

/// Each team's cases done so far, day by day: the progress-over-time chart.
pub fn done_over_time(store: &Store) -> Result<BTreeMap<u8, Vec<(NaiveDate, usize)>>> {
    Ok(progress::done_over_time(&store.all_versions()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::{Commune, Device, Role};

    fn person(key: &str, id: &str, name: &str, household: &str, team: u8) -> Person {
        Person {
            key: key.into(),
            personal_id: id.into(),
            full_name: name.into(),
            birth_date: "1985-03-12".into(),
            household: household.into(),
            team,
            ..Person::default()
        }
    }

    #[test]
    fn duplicates_are_the_domain_pairs_and_the_report_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(
            dir.path(),
            &Commune::with_numbered_villages("Xã Thử", 3),
            &Device {
                id: "C0FFEE".into(),
                role: Role::Commune,
            },
        )
        .unwrap();
        let people = [
            person("p1", "034085001234", "Nguyễn Văn An", "H1", 1),
            person("p2", "034085001234", "Nguyễn Văn An", "H2", 2),
            person("p3", "034190002345", "Trần Thị Bình", "H3", 3),
        ];
        store.put_people(&people).unwrap();
        let pairs = duplicates(&store).unwrap();
        assert_eq!(pairs.len(), 1);
        let keys = [pairs[0].first.key.as_str(), pairs[0].second.key.as_str()];
        assert_eq!(keys, ["p1", "p2"]);
        assert_eq!(pairs[0].why, Why::SameId);
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let report = report(&store, as_of).unwrap();
        assert_eq!(report.suspected_duplicates, pairs.len());
        assert_eq!(report.commune, "Xã Thử");
        assert!(done_over_time(&store).unwrap().is_empty());
    }
}
