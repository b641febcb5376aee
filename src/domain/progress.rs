//! Progress of the work: per team and form, how much was assigned and where
//! it stands. The team's own screen, the commune's tables and charts and the
//! command line's table all come from here, each case counted where
//! [`Standing`] puts it, so none can disagree.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::case::CaseEntry;
use super::commune::{Commune, Role};
use super::merge;
use super::standing::{Stage, Standing};
use super::version::Version;
use super::work::WorkItem;

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
        stage: c.stage,
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

/// How many of each team's cases stood done at the end of each day on
/// which that changed: the progress-over-time chart. A case counts where
/// [`Standing`] put it that day (a draft over a done case leaves it done; a
/// return or a void takes it off again), for the team it counts for in
/// the tables (its work item's, else its newest head's).
pub fn done_over_time(
    items: &[WorkItem],
    versions: &[Version],
) -> BTreeMap<u8, Vec<(chrono::NaiveDate, usize)>> {
    let item_team: HashMap<&str, u8> = items.iter().map(|i| (i.id.as_str(), i.team)).collect();
    let mut by_record: HashMap<&str, Vec<&Version>> = HashMap::new();
    for v in versions {
        by_record.entry(&v.record).or_default().push(v);
    }
    let mut change: BTreeMap<u8, BTreeMap<chrono::NaiveDate, isize>> = BTreeMap::new();
    let mut upto: Vec<&Version> = Vec::new();
    for (record, vs) in by_record {
        let mut days: Vec<chrono::NaiveDate> =
            vs.iter().map(|v| v.edited_at.date_naive()).collect();
        crate::sort::sort(&mut days);
        days.dedup();
        let mut was: Option<u8> = None;
        for day in days {
            upto.clear();
            upto.extend(
                vs.iter()
                    .copied()
                    .filter(|v| v.edited_at.date_naive() <= day),
            );
            let now = merge::newest(&merge::heads(&upto))
                .filter(|head| Standing::from_head(head, &upto).stage == Stage::Done)
                .map(|head| item_team.get(record).copied().unwrap_or(head.team));
            if now == was {
                continue;
            }
            for (team, step) in [(was, -1), (now, 1)] {
                if let Some(t) = team {
                    *change.entry(t).or_default().entry(day).or_default() += step;
                }
            }
            was = now;
        }
    }
    change
        .into_iter()
        .map(|(team, days)| {
            let mut total: isize = 0;
            let points = days
                .into_iter()
                .filter(|(_, n)| *n != 0)
                .map(|(d, n)| {
                    total += n;
                    (d, total.max(0) as usize)
                })
                .collect();
            (team, points)
        })
        .collect()
}

/// The teams a device's tables show: every village's at the commune, its
/// own at a team.
pub fn teams(role: Role, commune: &Commune) -> Vec<u8> {
    match role {
        Role::Commune => commune.villages.iter().map(|v| v.team).collect(),
        Role::Team(t) => vec![t],
    }
}

/// The progress table: one row per team of `teams` (its cells of every
/// form the units are of), then the total of those rows.
pub fn by_team<'a>(
    units: impl IntoIterator<Item = Unit<'a>>,
    teams: &[u8],
) -> Vec<(Option<u8>, Progress)> {
    let cells = tally_units(units);
    let mut out: Vec<(Option<u8>, Progress)> = teams
        .iter()
        .map(|&t| {
            let p = total(
                cells
                    .iter()
                    .filter(|((team, _), _)| *team == t)
                    .map(|(_, p)| p),
            );
            (Some(t), p)
        })
        .collect();
    let all = total(out.iter().map(|(_, p)| p));
    out.push((None, all));
    out
}

/// A column of the progress table, in the order both fronts show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Assigned,
    Done,
    InProgress,
    NotStarted,
    Blocked,
    NeedsCorrection,
    Conflicts,
    Percent,
}

pub const COLUMNS: [Column; 8] = [
    Column::Assigned,
    Column::Done,
    Column::InProgress,
    Column::NotStarted,
    Column::Blocked,
    Column::NeedsCorrection,
    Column::Conflicts,
    Column::Percent,
];

impl Column {
    /// The column's stable name in CSV.
    pub fn id(self) -> &'static str {
        match self {
            Column::Assigned => "assigned",
            Column::Done => "done",
            Column::InProgress => "in_progress",
            Column::NotStarted => "not_started",
            Column::Blocked => "blocked",
            Column::NeedsCorrection => "needs_correction",
            Column::Conflicts => "conflicts",
            Column::Percent => "percent_done",
        }
    }

    /// The cell of `p` in this column.
    pub fn cell(self, p: &Progress) -> String {
        match self {
            Column::Assigned => p.assigned.to_string(),
            Column::Done => p.done.to_string(),
            Column::InProgress => p.in_progress.to_string(),
            Column::NotStarted => p.not_started.to_string(),
            Column::Blocked => p.blocked.to_string(),
            Column::NeedsCorrection => p.needs_correction.to_string(),
            Column::Conflicts => p.conflicts.to_string(),
            Column::Percent => format!("{}%", p.percent_done()),
        }
    }
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
    use crate::domain::version::Status;

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
        stage: Stage,
        heads: usize,
        blocker: Option<&str>,
    ) -> CaseEntry {
        CaseEntry {
            record: record.into(),
            form: "activation".into(),
            team,
            heads: (0..heads).map(|i| i.to_string()).collect(),
            strayed: false,
            status: Status::Done,
            stage,
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

    /// A version of an activation case of team 1 saved on `day` with
    /// `status`, over `parent`.
    fn saved(record: &str, parent: Option<&Version>, status: Status, day: &str) -> Version {
        let mut d = crate::domain::version::tests::draft(
            record,
            &parent
                .map(|p| p.id.as_str())
                .into_iter()
                .collect::<Vec<_>>(),
            day,
        );
        d.status = status;
        d.edited_at =
            chrono::DateTime::parse_from_rfc3339(&format!("{day}T09:00:00+07:00")).unwrap();
        if status == Status::Blocked {
            d.values.insert("blocker".into(), "no_smartphone".into());
        }
        d.seal()
    }

    fn day(d: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
    }

    /// The cells of `items` and the cases of `versions`, each summarised
    /// as the store summarises it.
    fn tally_of(items: &[WorkItem], versions: &[Version]) -> BTreeMap<(u8, String), Progress> {
        let mut by_record: BTreeMap<&str, Vec<&Version>> = BTreeMap::new();
        for v in versions {
            by_record.entry(&v.record).or_default().push(v);
        }
        let cases: Vec<CaseEntry> = by_record
            .iter()
            .filter_map(|(record, vs)| {
                let item = items.iter().find(|i| i.id == *record);
                CaseEntry::of_item(vs, item.map(|i| i.team))
            })
            .collect();
        tally(items, &cases)
    }

    #[test]
    fn done_over_time_counts_each_case_where_it_stood_each_day() {
        let a = saved("A", None, Status::Done, "2026-10-01");
        let a2 = saved("A", Some(&a), Status::Done, "2026-10-05");
        let b = saved("B", None, Status::Done, "2026-10-03");
        let c = saved("C", None, Status::InProgress, "2026-10-03");
        // A draft (with an error) over a done case leaves it done; a void
        // takes it off, for good.
        let b_draft = saved("B", Some(&b), Status::Draft, "2026-10-04");
        let d = saved("D", None, Status::Done, "2026-10-02");
        let d_void = saved("D", Some(&d), Status::Voided, "2026-10-06");
        // Drafts alone are nothing done; the case of a work item counts
        // for the item's team.
        let e = saved("E", None, Status::Draft, "2026-10-02");
        let f = saved("F", None, Status::Done, "2026-10-02");
        let versions = [a, a2, b, c, b_draft, d, d_void, e, f];
        let items = [item("F", 2, "activation")];
        let series = done_over_time(&items, &versions);
        assert_eq!(
            series[&1],
            vec![
                (day("2026-10-01"), 1),
                (day("2026-10-02"), 2),
                (day("2026-10-03"), 3),
                (day("2026-10-06"), 2),
            ]
        );
        assert_eq!(series[&2], vec![(day("2026-10-02"), 1)]);
        // The last point is the progress table's count.
        let now = tally_of(&items, &versions);
        assert_eq!(now[&(1, "activation".to_string())].done, 2);
        assert_eq!(now[&(2, "activation".to_string())].done, 1);
    }

    #[test]
    fn a_draft_with_an_error_and_a_voided_case_change_no_number() {
        let items: Vec<WorkItem> = ["A1", "A2", "A3", "A4"]
            .into_iter()
            .map(|id| item(id, 1, "activation"))
            .collect();
        let done = saved("A1", None, Status::Done, "2026-10-01");
        let blocked = saved("A2", None, Status::Blocked, "2026-10-01");
        let going = saved("A3", None, Status::InProgress, "2026-10-01");
        let mistake = saved("NEW-1", None, Status::Done, "2026-10-01");
        let before = vec![
            done.clone(),
            blocked.clone(),
            going.clone(),
            mistake.clone(),
        ];
        let cell =
            |versions: &[Version]| tally_of(&items, versions)[&(1, "activation".into())].clone();
        let base = cell(&before);
        assert_eq!(
            (
                base.assigned,
                base.done,
                base.blocked,
                base.in_progress,
                base.not_started
            ),
            (5, 2, 1, 1, 1)
        );
        assert_eq!(base.blockers["no_smartphone"], 1);
        // Drafts over a done, a blocked and an in-progress case, and over
        // the work item nobody had begun: no number moves.
        let mut drafted = before.clone();
        drafted.extend([
            saved("A1", Some(&done), Status::Draft, "2026-10-02"),
            saved("A2", Some(&blocked), Status::Draft, "2026-10-02"),
            saved("A3", Some(&going), Status::Draft, "2026-10-02"),
            saved("A4", None, Status::Draft, "2026-10-02"),
        ]);
        assert_eq!(cell(&drafted), base);
        // The case made by mistake, voided: gone from every number, even
        // from the assigned.
        drafted.push(saved("NEW-1", Some(&mistake), Status::Voided, "2026-10-03"));
        let voided = cell(&drafted);
        assert_eq!(
            voided,
            Progress {
                assigned: 4,
                done: 1,
                ..base
            }
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
            case("A1", 1, Stage::Done, 1, None),
            case("A2", 1, Stage::Blocked, 2, Some("no_smartphone")),
            case("A3", 1, Stage::InProgress, 1, None),
            case("NEW-1", 1, Stage::Done, 1, None),
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
