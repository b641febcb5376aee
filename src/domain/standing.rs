//! Where a case stands, for counting: the one definition behind every
//! number tothon gives (the progress tables and charts, the report, the
//! command line's counts). Pure: it reads a case's versions, nothing else.
//!
//! * A draft is work begun, never a result: it changes no number. A case
//!   stands where the version before its drafts left it, and a case of
//!   drafts alone has not started.
//! * A version whose status counts ([`Status::counts`]: in progress, done,
//!   blocked) says where the case stands, and its values are what the case
//!   counts as (the report's lines, the e-ID levels).
//! * Sent back by the commune, the case needs correction until the team
//!   saves without errors; its last result still says what its values count
//!   as.
//! * Voided, it counts nowhere, not even as assigned, until a save without
//!   errors opens it again.

use super::merge;
use super::version::{Status, Version};

/// Where one piece of work stands, for counting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Assigned, and nothing saved that counts yet (drafts aside).
    #[default]
    NotStarted,
    /// Saved without errors, not finished.
    InProgress,
    Done,
    Blocked,
    /// Returned by the commune with a comment, until the team saves again.
    NeedsCorrection,
    /// Voided: made by mistake. Counted nowhere, not even as assigned.
    Voided,
}

impl Stage {
    /// Every stage, in the order stores number them: a new one goes last.
    pub const ALL: [Stage; 6] = [
        Stage::NotStarted,
        Stage::InProgress,
        Stage::Done,
        Stage::Blocked,
        Stage::NeedsCorrection,
        Stage::Voided,
    ];

    /// The stable identifier used on the command line and in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::NotStarted => "not_started",
            Stage::InProgress => "in_progress",
            Stage::Done => "done",
            Stage::Blocked => "blocked",
            Stage::NeedsCorrection => "needs_correction",
            Stage::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The stage a version of `status` puts its case in, or `None` for a
    /// draft, which puts it nowhere new.
    fn set_by(status: Status) -> Option<Stage> {
        match status {
            Status::Draft => None,
            Status::InProgress => Some(Stage::InProgress),
            Status::Done => Some(Stage::Done),
            Status::Blocked => Some(Stage::Blocked),
            Status::NeedsCorrection => Some(Stage::NeedsCorrection),
            Status::Voided => Some(Stage::Voided),
        }
    }
}

/// Where a case stands, and the versions that say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing<'a> {
    pub stage: Stage,
    /// The version that put the case in its stage: the newest on the way
    /// back from the head that is not a draft (a return, a void, or a
    /// result); `None` for a case of drafts alone.
    pub by: Option<&'a Version>,
    /// The version whose values count: the newest on the way back from the
    /// head whose status counts, unless a void comes first; `None` when
    /// there is none (not started, voided).
    pub result: Option<&'a Version>,
}

impl<'a> Standing<'a> {
    /// Where the case of `versions` (one case's, any order, every one it
    /// has or every one up to a day) stands: from its head (the newest,
    /// in a conflict) back over drafts and returns. `None` without versions.
    pub fn of_case(versions: &[&'a Version]) -> Option<Standing<'a>> {
        let head = merge::newest(&merge::heads(versions))?;
        Some(Standing::from_head(head, versions))
    }

    /// [`Standing::of_case`] with the head already found. A version's
    /// parent is sought among `versions` (the newest parent, after a
    /// resolution); the walk ends at the first version that is not
    /// missing from them.
    pub fn from_head(head: &'a Version, versions: &[&'a Version]) -> Standing<'a> {
        let mut stage = None;
        let mut by = None;
        let mut at = Some(head);
        // Ids are hashes of the parents too, so there is no cycle; a bound
        // all the same, as for anything read from outside.
        let mut steps = versions.len() + 1;
        while let Some(v) = at.filter(|_| steps > 0) {
            steps -= 1;
            if let Some(set) = Stage::set_by(v.status) {
                by = by.or(Some(v));
                let stage = *stage.get_or_insert(set);
                if v.status.counts() || v.status == Status::Voided {
                    let result = v.status.counts().then_some(v);
                    return Standing { stage, by, result };
                }
            }
            // Nearly always a head that counts, so a case is walked back
            // only past drafts and returns, by a few versions.
            at = v
                .parents
                .iter()
                .filter_map(|p| versions.iter().copied().find(|x| &x.id == p))
                .max_by(|a, b| (a.edited_at, &a.id).cmp(&(b.edited_at, &b.id)));
        }
        Standing {
            stage: stage.unwrap_or(Stage::NotStarted),
            by,
            result: None,
        }
    }

    /// Whether the case counts at all: assigned (or opened in the field)
    /// and not voided.
    pub fn counts(&self) -> bool {
        self.stage != Stage::Voided
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::version::tests::draft;

    /// A version of case `A` over `parents`, saved `minute` minutes in.
    fn v(name: &str, parents: &[&Version], status: Status, minute: u32) -> Version {
        let ids: Vec<&str> = parents.iter().map(|p| p.id.as_str()).collect();
        let mut d = draft("A", &ids, name);
        d.status = status;
        d.edited_at =
            chrono::DateTime::parse_from_rfc3339(&format!("2026-10-01T09:{minute:02}:00+07:00"))
                .unwrap();
        d.seal()
    }

    fn stage_of(versions: &[&Version]) -> (Stage, Option<String>, Option<String>) {
        let s = Standing::of_case(versions).unwrap();
        let name = |v: Option<&Version>| v.map(|v| v.values["note"].clone());
        (s.stage, name(s.by), name(s.result))
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn a_draft_changes_nothing_a_case_stands_as_its_last_version_that_is_not_one() {
        let done = v("done", &[], Status::Done, 1);
        let draft = v("draft", &[&done], Status::Draft, 2);
        let again = v("again", &[&draft], Status::Draft, 3);
        assert_eq!(
            stage_of(&[&done, &draft, &again]),
            (Stage::Done, some("done"), some("done"))
        );
        let blocked = v("blocked", &[&again], Status::Blocked, 4);
        assert_eq!(
            stage_of(&[&done, &draft, &again, &blocked]),
            (Stage::Blocked, some("blocked"), some("blocked"))
        );
        // Drafts alone: nothing counts yet.
        let first = v("first", &[], Status::Draft, 1);
        let second = v("second", &[&first], Status::Draft, 2);
        assert_eq!(
            stage_of(&[&first, &second]),
            (Stage::NotStarted, None, None)
        );
        let going = v("going", &[&second], Status::InProgress, 3);
        assert_eq!(
            stage_of(&[&first, &second, &going]),
            (Stage::InProgress, some("going"), some("going"))
        );
    }

    #[test]
    fn a_returned_case_needs_correction_until_a_save_without_errors() {
        let done = v("done", &[], Status::Done, 1);
        let back = v("back", &[&done], Status::NeedsCorrection, 2);
        assert_eq!(
            stage_of(&[&done, &back]),
            (Stage::NeedsCorrection, some("back"), some("done"))
        );
        let draft = v("draft", &[&back], Status::Draft, 3);
        assert_eq!(
            stage_of(&[&done, &back, &draft]),
            (Stage::NeedsCorrection, some("back"), some("done"))
        );
        let fixed = v("fixed", &[&draft], Status::Done, 4);
        assert_eq!(
            stage_of(&[&done, &back, &draft, &fixed]),
            (Stage::Done, some("fixed"), some("fixed"))
        );
    }

    #[test]
    fn a_voided_case_counts_nowhere_until_a_save_without_errors() {
        let done = v("done", &[], Status::Done, 1);
        let void = v("void", &[&done], Status::Voided, 2);
        let s = Standing::of_case(&[&done, &void]).unwrap();
        assert!(!s.counts());
        assert_eq!(
            stage_of(&[&done, &void]),
            (Stage::Voided, some("void"), None)
        );
        let draft = v("draft", &[&void], Status::Draft, 3);
        assert_eq!(
            stage_of(&[&done, &void, &draft]),
            (Stage::Voided, some("void"), None)
        );
        let open = v("open", &[&draft], Status::InProgress, 4);
        assert_eq!(
            stage_of(&[&done, &void, &draft, &open]),
            (Stage::InProgress, some("open"), some("open"))
        );
    }

    #[test]
    fn a_conflict_stands_as_its_newest_head_and_a_draft_resolution_as_its_newest_parent() {
        let base = v("base", &[], Status::InProgress, 1);
        let blocked = v("blocked", &[&base], Status::Blocked, 2);
        let done = v("done", &[&base], Status::Done, 3);
        assert_eq!(
            stage_of(&[&base, &blocked, &done]),
            (Stage::Done, some("done"), some("done"))
        );
        let resolved = v("resolved", &[&blocked, &done], Status::Draft, 4);
        assert_eq!(
            stage_of(&[&base, &blocked, &done, &resolved]),
            (Stage::Done, some("done"), some("done"))
        );
        // A parent not among the versions given (after the day asked
        // about, or not held) ends the walk.
        let draft = v("draft", &[&done], Status::Draft, 5);
        assert_eq!(stage_of(&[&draft]), (Stage::NotStarted, None, None));
        assert!(Standing::of_case(&[]).is_none());
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }
}
