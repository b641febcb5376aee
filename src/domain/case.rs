//! A case's current state as lists show it, derived from its head versions.

use serde::{Deserialize, Serialize};

use super::form;
use super::merge;
use super::standing::{Stage, Standing};
use super::version::{Status, Version, time_text_into};

/// The field every form keeps the commune's correction request in.
pub const CORRECTION_FIELD: &str = "correction";

/// The field every form keeps the reason a case was voided in.
pub const VOID_FIELD: &str = "void_reason";

/// The summary of one case that lists, filters and progress tables read.
/// Always recomputed from the versions; never edited on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEntry {
    pub record: String,
    pub form: String,
    /// The team the case belongs to: its work item's, or, for a case
    /// opened in the field, its newest head's.
    pub team: u8,
    /// Head version ids, sorted; more than one is a conflict.
    pub heads: Vec<String>,
    /// A head was made by another team than the case's: work its team
    /// brought after the commune had moved the case to another team. A
    /// conflict too, until a version of the case's team follows it.
    #[serde(default)]
    pub strayed: bool,
    /// The status of the newest head.
    pub status: Status,
    /// Where the case stands for counting ([`Standing`]): what every
    /// table, chart and count takes, rather than `status` (a draft over a
    /// done case leaves it done). Stores keep it in the case's list line.
    #[serde(skip)]
    pub stage: Stage,
    pub title: String,
    /// Folded text search matches.
    pub search: String,
    /// RFC 3339 time of the newest head.
    pub edited_at: String,
    pub author: String,
    /// ISO date of the next planned visit, when the form has one.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// Why the case is blocked (a choice id), when it stands blocked: the
    /// blocker of the version that put it there.
    #[serde(default)]
    pub blocker: Option<String>,
    /// The value of the form's outcome field (e.g. the e-ID level reached)
    /// in the version whose values count ([`Standing::result`]).
    #[serde(default)]
    pub outcome: Option<String>,
    /// The commune's comment, while the case needs correction (a team's
    /// draft over the return leaves it waiting).
    #[serde(default)]
    pub correction: Option<String>,
    pub versions: usize,
}

impl CaseEntry {
    /// Summarises a case from all its versions; `None` when there are none.
    pub fn from_versions(versions: &[&Version]) -> Option<CaseEntry> {
        let mut entry = CaseEntry::blank();
        entry.fill(versions).then_some(entry)
    }

    /// An entry to [`CaseEntry::fill`].
    pub fn blank() -> CaseEntry {
        CaseEntry {
            record: String::new(),
            form: String::new(),
            team: 0,
            heads: Vec::new(),
            strayed: false,
            status: Status::Draft,
            stage: Stage::NotStarted,
            title: String::new(),
            search: String::new(),
            edited_at: String::new(),
            author: String::new(),
            follow_up: None,
            blocker: None,
            outcome: None,
            correction: None,
            versions: 0,
        }
    }

    /// Summarises a case of a work item of team `item_team` (the case is
    /// that team's, whatever its versions say: the commune may move an
    /// item); `None` when there are no versions.
    pub fn of_item(versions: &[&Version], item_team: Option<u8>) -> Option<CaseEntry> {
        let mut entry = CaseEntry::blank();
        entry.fill_for(versions, item_team).then_some(entry)
    }

    /// [`CaseEntry::from_versions`] into this entry, reusing its memory (a
    /// bundle import summarises every case it brings); false, and the entry
    /// left as it was, when there are no versions.
    pub fn fill(&mut self, versions: &[&Version]) -> bool {
        self.fill_for(versions, None)
    }

    /// [`CaseEntry::fill`] for a case of a work item of team `item_team`
    /// (see [`CaseEntry::of_item`]).
    pub fn fill_for(&mut self, versions: &[&Version], item_team: Option<u8>) -> bool {
        let heads = merge::heads(versions);
        let Some(newest) = merge::newest(&heads) else {
            return false;
        };
        // A form a bundle being taken brought is known, and read with.
        let spec = form::known(&newest.form);
        let value = |field: Option<&String>| value_in(Some(newest), field);
        self.record.clone_from(&newest.record);
        self.form.clone_from(&newest.form);
        self.team = item_team.unwrap_or(newest.team);
        self.strayed = item_team.is_some_and(|t| heads.iter().any(|h| h.team != t));
        self.heads.truncate(heads.len());
        for (i, h) in heads.iter().enumerate() {
            match self.heads.get_mut(i) {
                Some(id) => id.clone_from(&h.id),
                None => self.heads.push(h.id.clone()),
            }
        }
        self.status = newest.status;
        let standing = Standing::from_head(newest, versions);
        self.stage = standing.stage;
        match spec {
            Some(s) => {
                s.title_into(&newest.values, &mut self.title);
                s.search_key_into(&newest.values, &mut self.search);
            }
            None => {
                self.title.clear();
                self.search.clear();
            }
        }
        time_text_into(&newest.edited_at, &mut self.edited_at);
        self.author.clone_from(&newest.author);
        set(
            &mut self.follow_up,
            value(spec.and_then(|s| s.follow_up.as_ref())),
        );
        // What is counted comes from the versions that say where the case
        // stands, not from a draft over them.
        let blocked = standing.by.filter(|_| standing.stage == Stage::Blocked);
        set(
            &mut self.blocker,
            value_in(blocked, spec.and_then(|s| s.blocker.as_ref())),
        );
        set(
            &mut self.outcome,
            value_in(standing.result, spec.and_then(|s| s.outcome.as_ref())),
        );
        let returned = standing
            .by
            .filter(|_| standing.stage == Stage::NeedsCorrection);
        set(
            &mut self.correction,
            returned.and_then(|v| v.values.get(CORRECTION_FIELD)),
        );
        self.versions = versions.len();
        true
    }

    /// Several heads, or a head of another team (see [`CaseEntry::strayed`]).
    pub fn in_conflict(&self) -> bool {
        self.heads.len() > 1 || self.strayed
    }
}

/// The value of `field` in `version`, when both are there.
fn value_in<'v>(version: Option<&'v Version>, field: Option<&String>) -> Option<&'v String> {
    version?.values.get(field?)
}

/// Sets an optional string to `to`, reusing the memory it holds.
fn set(slot: &mut Option<String>, to: Option<&String>) {
    match (slot.as_mut(), to) {
        (Some(s), Some(t)) => s.clone_from(t),
        (_, t) => *slot = t.cloned(),
    }
}
