//! A case's current state as lists show it, derived from its head versions.

use serde::{Deserialize, Serialize};

use super::form;
use super::merge;
use super::version::{Status, Version};

/// The field every form keeps the commune's correction request in.
pub const CORRECTION_FIELD: &str = "correction";

/// The summary of one case that lists, filters and progress tables read.
/// Always recomputed from the versions; never edited on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEntry {
    pub record: String,
    pub form: String,
    pub team: u8,
    /// Head version ids, sorted; more than one is a conflict.
    pub heads: Vec<String>,
    /// The status of the newest head.
    pub status: Status,
    pub title: String,
    /// Folded text search matches.
    pub search: String,
    /// RFC 3339 time of the newest head.
    pub edited_at: String,
    pub author: String,
    /// ISO date of the next planned visit, when the form has one.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// Why the case is blocked (a choice id), when it is.
    #[serde(default)]
    pub blocker: Option<String>,
    /// The value of the form's outcome field (e.g. the e-ID level reached).
    #[serde(default)]
    pub outcome: Option<String>,
    /// The commune's comment, while the case waits for correction.
    #[serde(default)]
    pub correction: Option<String>,
    pub versions: usize,
}

impl CaseEntry {
    /// Summarises a case from all its versions; `None` when there are none.
    pub fn from_versions(versions: &[&Version]) -> Option<CaseEntry> {
        let heads = merge::heads(versions);
        let newest = merge::newest(&heads)?;
        let spec = form::form(&newest.form);
        Some(CaseEntry {
            record: newest.record.clone(),
            form: newest.form.clone(),
            team: newest.team,
            heads: heads.iter().map(|v| v.id.clone()).collect(),
            status: newest.status,
            title: spec.map(|s| s.title(&newest.values)).unwrap_or_default(),
            search: spec
                .map(|s| s.search_key(&newest.values))
                .unwrap_or_default(),
            edited_at: newest.edited_at_text(),
            author: newest.author.clone(),
            follow_up: spec
                .and_then(|s| s.follow_up.as_ref())
                .and_then(|f| newest.values.get(f))
                .cloned(),
            blocker: spec
                .and_then(|s| s.blocker.as_ref())
                .filter(|_| newest.status == Status::Blocked)
                .and_then(|f| newest.values.get(f))
                .cloned(),
            outcome: spec
                .and_then(|s| s.outcome.as_ref())
                .and_then(|f| newest.values.get(f))
                .cloned(),
            correction: (newest.status == Status::NeedsCorrection)
                .then(|| newest.values.get(CORRECTION_FIELD).cloned())
                .flatten(),
            versions: versions.len(),
        })
    }

    pub fn in_conflict(&self) -> bool {
        self.heads.len() > 1
    }
}
