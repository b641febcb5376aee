//! What the commune hands out: the population extract and the work items.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rules::Sex;

/// One citizen as the population data lists them (fields may be missing:
/// that is part of the work).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Stable key within the commune's list (not the personal ID, which can be
    /// wrong or duplicated).
    pub key: String,
    pub personal_id: String,
    pub full_name: String,
    /// ISO date or year alone; empty when unknown.
    pub birth_date: String,
    pub sex: Option<Sex>,
    pub household: String,
    pub team: u8,
    pub relation: String,
    pub phone: String,
    pub ethnicity: String,
    pub religion: String,
}

/// A case the commune assigned to a team. Its id is the record id of the case
/// the team opens for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    pub id: String,
    pub form: String,
    pub team: u8,
    /// ISO date the work is due, if set.
    #[serde(default)]
    pub due: Option<String>,
    /// Values the form opens with (person, household, which field is missing...).
    pub prefill: BTreeMap<String, String>,
}

/// A work item the commune moved from one team to another: what the team
/// it left learns in its next commune bundle (`moved.csv`). Ids and team
/// numbers only: nothing personal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// The item's id (its case's record id).
    pub id: String,
    /// The team it went to.
    pub team: u8,
    /// When the commune moved it (RFC 3339).
    pub at: String,
}

/// What the commune keeps of an item's moves: every team it was moved
/// away from (and has not come back to), and when it last moved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moves {
    pub from: Vec<u8>,
    pub at: String,
}
