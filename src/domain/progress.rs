//! Progress of the work: per team and form, how much was assigned and where
//! it stands. The team's own screen and the commune's tables both come from
//! here, so the two can never disagree.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::case::CaseEntry;
use super::version::Status;
use super::work::WorkItem;

/// Where one piece of work stands, for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    NotStarted,
    /// Saved, not finished (drafts included: they are work begun).
    InProgress,
    Done,
    Blocked,
    /// Returned by the commune with a comment, until the team saves again.
    NeedsCorrection,
    /// Voided: made by mistake. Counted nowhere, not even as assigned.
    Voided,
}

impl Stage {
    pub fn of(status: Status) -> Stage {
        match status {
            Status::Draft | Status::InProgress => Stage::InProgress,
            Status::Done => Stage::Done,
            Status::Blocked => Stage::Blocked,
            Status::NeedsCorrection => Stage::NeedsCorrection,
            Status::Voided => Stage::Voided,
        }
    }
}

/// The counts of one team × form cell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Work items assigned, plus cases the team opened itself.
    pub assigned: usize,
    pub not_started: usize,
    pub in_progress: usize,
    pub done: usize,
    pub blocked: usize,
    /// Returned by the commune for correction (not counted as done).
    pub needs_correction: usize,
    /// Cases with two heads, counted in their stage too.
    pub conflicts: usize,
    /// Blocked cases by reason (choice id).
    pub blockers: BTreeMap<String, usize>,
}

impl Progress {
    fn add(&mut self, stage: Stage, conflict: bool, blocker: Option<&str>) {
        if stage == Stage::Voided {
            return;
        }
        self.assigned += 1;
        match stage {
            Stage::NotStarted => self.not_started += 1,
            Stage::InProgress => self.in_progress += 1,
            Stage::Done => self.done += 1,
            Stage::NeedsCorrection => self.needs_correction += 1,
            Stage::Voided => {}
            Stage::Blocked => {
                self.blocked += 1;
                *self
                    .blockers
                    .entry(blocker.unwrap_or("other").to_string())
                    .or_default() += 1;
            }
        }
        self.conflicts += usize::from(conflict);
    }

    fn merge(&mut self, other: &Progress) {
        self.assigned += other.assigned;
        self.not_started += other.not_started;
        self.in_progress += other.in_progress;
        self.done += other.done;
        self.blocked += other.blocked;
        self.needs_correction += other.needs_correction;
        self.conflicts += other.conflicts;
        for (k, n) in &other.blockers {
            *self.blockers.entry(k.clone()).or_default() += n;
        }
    }

    /// Share done, in whole percent (0 when nothing is assigned).
    pub fn percent_done(&self) -> u32 {
        (self.done * 100 + self.assigned / 2)
            .checked_div(self.assigned)
            .unwrap_or(0) as u32
    }
}

/// One piece of work as counted: a work item, with its case if begun, or a
/// case the team opened itself.
#[derive(Clone, Copy, Debug)]
pub struct Unit<'a> {
    pub team: u8,
    pub form: &'a str,
    pub stage: Stage,
    pub conflict: bool,
    pub blocker: Option<&'a str>,
}

/// Progress per (team, form) of any set of units.
pub fn tally_units<'a>(
    units: impl IntoIterator<Item = Unit<'a>>,
) -> BTreeMap<(u8, String), Progress> {
    // Keyed by the borrowed form id while counting: one allocation per cell,
    // not per unit.
    let mut cells: HashMap<(u8, &str), Progress> = HashMap::new();
    for u in units {
        cells
            .entry((u.team, u.form))
            .or_default()
            .add(u.stage, u.conflict, u.blocker);
    }
    cells
        .into_iter()
        .map(|((team, form), p)| ((team, form.to_string()), p))
        .collect()
}

/// The units of a work list and its current cases.
pub fn units<'a>(items: &'a [WorkItem], cases: &'a [CaseEntry]) -> Vec<Unit<'a>> {
    let by_record: HashMap<&str, &CaseEntry> =
        cases.iter().map(|c| (c.record.as_str(), c)).collect();
    let of_case = |c: &'a CaseEntry| Unit {
        team: c.team,
        form: &c.form,
        stage: Stage::of(c.status),
        conflict: c.in_conflict(),
        blocker: c.blocker.as_deref(),
    };
    let mut out: Vec<Unit> = items
        .iter()
        .map(|item| match by_record.get(item.id.as_str()) {
            Some(c) => of_case(c),
            None => Unit {
                team: item.team,
                form: &item.form,
                stage: Stage::NotStarted,
                conflict: false,
                blocker: None,
            },
        })
        .collect();
    let assigned: HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
    out.extend(
        cases
            .iter()
            .filter(|c| !assigned.contains(c.record.as_str()))
            .map(of_case),
    );
    out
}

/// Progress per (team, form), from the work list and the current cases.
pub fn tally(items: &[WorkItem], cases: &[CaseEntry]) -> BTreeMap<(u8, String), Progress> {
    tally_units(units(items, cases))
}

/// When each team's cases were first saved as done, counted up day by day:
/// the progress-over-time chart. Uses version timestamps only.
pub fn done_over_time(
    versions: &[super::version::Version],
) -> BTreeMap<u8, Vec<(chrono::NaiveDate, usize)>> {
    let mut first_done: HashMap<&str, (u8, chrono::NaiveDate)> = HashMap::new();
    for v in versions.iter().filter(|v| v.status == Status::Done) {
        let day = v.edited_at.date_naive();
        first_done
            .entry(&v.record)
            .and_modify(|e| e.1 = e.1.min(day))
            .or_insert((v.team, day));
    }
    let mut per_day: BTreeMap<u8, BTreeMap<chrono::NaiveDate, usize>> = BTreeMap::new();
    for (team, day) in first_done.into_values() {
        *per_day.entry(team).or_default().entry(day).or_default() += 1;
    }
    per_day
        .into_iter()
        .map(|(team, days)| {
            let mut total = 0;
            let points = days
                .into_iter()
                .map(|(d, n)| {
                    total += n;
                    (d, total)
                })
                .collect();
            (team, points)
        })
        .collect()
}

/// Sums cells into one, e.g. a team's total or a form's total.
pub fn total<'a>(cells: impl IntoIterator<Item = &'a Progress>) -> Progress {
    let mut t = Progress::default();
    for c in cells {
        t.merge(c);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, team: u8, form: &str) -> WorkItem {
        WorkItem {
            id: id.into(),
            form: form.into(),
            team,
            due: None,
            prefill: Default::default(),
        }
    }

    fn case(
        record: &str,
        team: u8,
        status: Status,
        heads: usize,
        blocker: Option<&str>,
    ) -> CaseEntry {
        CaseEntry {
            record: record.into(),
            form: "activation".into(),
            team,
            heads: (0..heads).map(|i| i.to_string()).collect(),
            strayed: false,
            status,
            title: String::new(),
            search: String::new(),
            edited_at: String::new(),
            author: String::new(),
            follow_up: None,
            blocker: blocker.map(String::from),
            outcome: None,
            correction: None,
            versions: 1,
        }
    }

    #[test]
    fn done_over_time_counts_each_case_once_on_its_first_done_day() {
        use crate::domain::version::tests::draft;
        let at =
            |d: &str| chrono::DateTime::parse_from_rfc3339(&format!("{d}T09:00:00+07:00")).unwrap();
        let mut a = draft("A", &[], "a");
        a.status = Status::Done;
        a.edited_at = at("2026-10-01");
        let a = a.seal();
        let mut a2 = draft("A", &[&a.id], "a2");
        a2.status = Status::Done;
        a2.edited_at = at("2026-10-05");
        let mut b = draft("B", &[], "b");
        b.status = Status::Done;
        b.edited_at = at("2026-10-03");
        let c = draft("C", &[], "c").seal();
        let series = done_over_time(&[a, a2.seal(), b.seal(), c]);
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!(
            series[&1],
            vec![(day("2026-10-01"), 1), (day("2026-10-03"), 2)]
        );
    }

    #[test]
    fn counts_each_stage_and_cases_opened_in_the_field() {
        let items = vec![
            item("A1", 1, "activation"),
            item("A2", 1, "activation"),
            item("A3", 1, "activation"),
            item("A4", 1, "activation"),
            item("A5", 2, "activation"),
        ];
        let cases = vec![
            case("A1", 1, Status::Done, 1, None),
            case("A2", 1, Status::Blocked, 2, Some("no_smartphone")),
            case("A3", 1, Status::Draft, 1, None),
            case("NEW-1", 1, Status::Done, 1, None),
        ];
        let t = tally(&items, &cases);
        let team1 = &t[&(1, "activation".to_string())];
        assert_eq!(
            (
                team1.assigned,
                team1.done,
                team1.blocked,
                team1.in_progress,
                team1.not_started
            ),
            (5, 2, 1, 1, 1)
        );
        assert_eq!(team1.conflicts, 1);
        assert_eq!(team1.blockers["no_smartphone"], 1);
        assert_eq!(team1.percent_done(), 40);
        let all = total(t.values());
        assert_eq!((all.assigned, all.not_started), (6, 2));
        assert_eq!(Progress::default().percent_done(), 0);
    }
}
