//! The population register (people and households) the commune loads from
//! its own spreadsheets: a row's checked values as a [`Person`], the identity
//! that says "the same entry", and what a re-import changes.
//!
//! Pure: rows in (already read and checked by `worklist`), a [`Plan`] out.

use std::collections::{BTreeMap, HashMap};

use super::rules::Sex;
use super::text;
use super::work::{Person, WorkItem};

/// The prefix of the keys the register gives its entries ("NK-000012").
pub const KEY_PREFIX: &str = "NK-";

/// A register row's checked values (the register spec's field ids) as the
/// person they describe, under `key`, in `team`'s village.
pub fn person_from(key: String, team: u8, values: &BTreeMap<String, String>) -> Person {
    let get = |field: &str| values.get(field).cloned().unwrap_or_default();
    Person {
        key,
        personal_id: get("person_id"),
        full_name: get("full_name"),
        birth_date: get("birth_date"),
        sex: match values.get("sex").map(String::as_str) {
            Some("male") => Some(Sex::Male),
            Some("female") => Some(Sex::Female),
            _ => None,
        },
        household: get("household_code"),
        team,
        relation: get("relation"),
        phone: get("phone"),
        ethnicity: get("ethnicity"),
        religion: get("religion"),
    }
}

/// What makes two entries one: the personal ID in one household, folded so
/// "HK 0101" and "hk-0101" agree. One ID in two households is two entries
/// (and a suspected duplicate for people to settle), as the import's
/// identity rule for the register says.
pub fn identity(p: &Person) -> String {
    format!(
        "{}\u{1f}{}",
        text::key(&p.personal_id),
        text::key(&p.household)
    )
}

/// What importing a register file would change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Entries not on the register yet, with new keys.
    pub new: Vec<Person>,
    /// Entries on the register whose details the file changes (their keys
    /// kept), with what they were.
    pub updated: Vec<(Person, Person)>,
    /// Rows the register already holds as they are.
    pub unchanged: usize,
    /// Entries on the register the file does not list: kept as they are.
    pub not_in_file: usize,
}

impl Plan {
    /// Every entry the import writes, new and updated.
    pub fn writes(&self) -> impl Iterator<Item = &Person> {
        self.new
            .iter()
            .chain(self.updated.iter().map(|(_, after)| after))
    }
}

/// Matches the accepted rows (as `worklist` reads them, one item a row,
/// each identity once) with the register as it is: the same identity keeps
/// its key, so a re-import updates and never duplicates.
pub fn plan(rows: &[WorkItem], existing: &[Person]) -> Plan {
    let by_identity: HashMap<String, &Person> = existing.iter().map(|p| (identity(p), p)).collect();
    let mut next = highest_number(existing);
    let mut out = Plan::default();
    let mut matched = 0usize;
    for row in rows {
        let read = person_from(String::new(), row.team, &row.prefill);
        match by_identity.get(&identity(&read)) {
            Some(before) => {
                matched += 1;
                let after = Person {
                    key: before.key.clone(),
                    ..read
                };
                if &after == *before {
                    out.unchanged += 1;
                } else {
                    out.updated.push(((*before).clone(), after));
                }
            }
            None => {
                next += 1;
                out.new.push(Person {
                    key: format!("{KEY_PREFIX}{next:06}"),
                    ..read
                });
            }
        }
    }
    out.not_in_file = existing.len().saturating_sub(matched);
    out
}

/// The highest number of the keys `NK-<n>` in use.
fn highest_number(existing: &[Person]) -> u64 {
    existing
        .iter()
        .filter_map(|p| p.key.strip_prefix(KEY_PREFIX))
        .filter(|n| !n.is_empty() && n.len() <= 18 && n.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|n| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, household: &str, team: u8) -> WorkItem {
        WorkItem {
            id: String::new(),
            form: "register".into(),
            team,
            due: None,
            prefill: BTreeMap::from([
                ("person_id".to_string(), id.to_string()),
                ("full_name".to_string(), name.to_string()),
                ("household_code".to_string(), household.to_string()),
                ("sex".to_string(), "female".to_string()),
                ("village".to_string(), team.to_string()),
            ]),
        }
    }

    #[test]
    fn a_reimport_keeps_keys_updates_changes_and_adds_the_rest() {
        let first = plan(
            &[
                row("034085001234", "Lê Thị Hoa", "HK-01", 1),
                row("034085001234", "Lê Thị Hoa", "HK-07", 2),
            ],
            &[],
        );
        assert_eq!(first.new.len(), 2);
        assert_eq!(first.new[0].key, "NK-000001");
        assert_eq!(first.new[1].key, "NK-000002");
        assert_eq!(first.new[1].sex, Some(Sex::Female));
        let register = first.new.clone();

        let again = plan(
            &[
                row("034085001234", "Lê Thị Hoà", "hk 01", 1),
                row("034085001234", "Lê Thị Hoa", "HK-07", 2),
                row("034190002345", "Trần Văn Nam", "HK-09", 3),
            ],
            &register,
        );
        assert_eq!(again.unchanged, 1);
        assert_eq!(again.updated.len(), 1);
        let (before, after) = &again.updated[0];
        assert_eq!(before.key, "NK-000001");
        assert_eq!(after.key, "NK-000001");
        assert_eq!(after.full_name, "Lê Thị Hoà");
        assert_eq!(again.new.len(), 1);
        assert_eq!(again.new[0].key, "NK-000003");
        assert_eq!(again.not_in_file, 0);
        assert_eq!(again.writes().count(), 2);

        let partial = plan(
            &[row("034190002345", "Trần Văn Nam", "HK-09", 3)],
            &register,
        );
        assert_eq!(partial.not_in_file, 2);
    }
}
