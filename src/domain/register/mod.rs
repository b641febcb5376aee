//! The population register (people and households) the commune loads from
//! its own spreadsheets: a row's checked values as a [`Person`], the identity
//! that says "the same entry", what a re-import changes, a person's
//! household, and the values a new case opens with when it is started from
//! someone on the register. Searching it as you type is `search`'s.
//!
//! Pure: rows in (already read and checked by `worklist`), a [`Plan`] out;
//! people in, a new case's values out.

mod search;

use std::collections::{BTreeMap, HashMap};

pub use search::{Entry, Found, Register};

use super::form::{FormSpec, Subject};
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
        sex: values.get("sex").and_then(|s| Sex::from_id(s)),
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
/// its key, so a re-import updates and never duplicates. A person the file
/// lists once, in another household than the one entry the register has
/// for them (a move, or a household code corrected), is that entry
/// updated, not a new one beside it; while both households list them, they
/// stay two entries (a suspected duplicate).
pub fn plan(rows: &[WorkItem], existing: &[Person]) -> Plan {
    let by_identity: HashMap<String, usize> = existing
        .iter()
        .enumerate()
        .map(|(i, p)| (identity(p), i))
        .collect();
    let read: Vec<Person> = rows
        .iter()
        .map(|row| person_from(String::new(), row.team, &row.prefill))
        .collect();
    let found: Vec<Option<usize>> = read
        .iter()
        .map(|p| by_identity.get(&identity(p)).copied())
        .collect();
    // Who the file lists once, and the register once, unmatched: moved.
    let mut in_file: HashMap<String, usize> = HashMap::new();
    for p in &read {
        *in_file.entry(text::key(&p.personal_id)).or_default() += 1;
    }
    let mut matched = vec![false; existing.len()];
    for &i in found.iter().flatten() {
        matched[i] = true;
    }
    let mut on_register: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in existing.iter().enumerate() {
        on_register
            .entry(text::key(&p.personal_id))
            .or_default()
            .push(i);
    }
    let moved_from = |p: &Person| {
        let id = text::key(&p.personal_id);
        match on_register.get(&id).map(Vec::as_slice) {
            Some(&[only]) if !id.is_empty() && !matched[only] && in_file[&id] == 1 => Some(only),
            _ => None,
        }
    };

    let mut next = highest_number(existing);
    let mut out = Plan::default();
    for (read, found) in read.into_iter().zip(found) {
        match found.or_else(|| moved_from(&read)) {
            Some(i) => {
                let before = &existing[i];
                let after = Person {
                    key: before.key.clone(),
                    ..read
                };
                if &after == before {
                    out.unchanged += 1;
                } else {
                    out.updated.push((before.clone(), after));
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
    out.not_in_file = existing.len() - out.unchanged - out.updated.len();
    out
}

/// Whether a relation to the head of household says "the head" ("Chủ hộ",
/// however it was written: "chủ hộ", "CHỦ HỘ", "Chu ho").
pub fn is_head(relation: &str) -> bool {
    text::key(relation) == "chuho"
}

/// What names a household on the register: its village's team and its code
/// as a key ("HK 0101" and "hk-0101" agree).
pub fn household_key(team: u8, code: &str) -> (u8, String) {
    (team, text::key(code))
}

/// A household of the register, as a household check opens with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    /// The code as the register writes it.
    pub code: String,
    pub team: u8,
    /// Its head (relation "Chủ hộ"), when the register names one.
    pub head: Option<Person>,
    /// How many people the register lists in it.
    pub members: usize,
}

/// The values a new case of `spec` opens with when it is started from
/// `person` of the register: on a form about a person, their ID, name,
/// birth, sex and phone; on a form about a household, the household's code,
/// village, head and how many the register lists in it. Only the fields the
/// form has, only what the register holds.
pub fn prefill(
    spec: &FormSpec,
    person: &Person,
    household: &Household,
) -> BTreeMap<String, String> {
    let head = |f: fn(&Person) -> &String| household.head.as_ref().map(f).cloned();
    let values: Vec<(&str, String)> = match spec.subject {
        Subject::Person => vec![
            ("person_id", person.personal_id.clone()),
            ("full_name", person.full_name.clone()),
            ("birth_date", person.birth_date.clone()),
            (
                "sex",
                person.sex.map(Sex::id).unwrap_or_default().to_string(),
            ),
            ("phone", person.phone.clone()),
        ],
        Subject::Household => vec![
            ("household_code", household.code.clone()),
            ("village", household.team.to_string()),
            ("head_name", head(|p| &p.full_name).unwrap_or_default()),
            ("head_id", head(|p| &p.personal_id).unwrap_or_default()),
            ("members_registered", household.members.to_string()),
        ],
        Subject::Pair => vec![],
    };
    values
        .into_iter()
        .filter(|(field, value)| !value.is_empty() && spec.field(field).is_some())
        .map(|(field, value)| (field.to_string(), value))
        .collect()
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
    use crate::domain::form::values;

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

    #[test]
    fn a_corrected_household_code_updates_the_entry_while_two_households_stay_two() {
        let register = plan(
            &[
                row("034085001234", "Lê Thị Hoa", "HK-01", 1),
                row("034190002345", "Trần Văn Nam", "HK-09", 3),
                row("034190002345", "Trần Văn Nam", "HK-10", 3),
            ],
            &[],
        )
        .new;
        // HK-01 was a typo for HK-11; Nam is still listed in two households.
        let again = plan(
            &[
                row("034085001234", "Lê Thị Hoa", "HK-11", 1),
                row("034190002345", "Trần Văn Nam", "HK-09", 3),
                row("034190002345", "Trần Văn Nam", "HK-12", 3),
            ],
            &register,
        );
        assert_eq!(again.updated.len(), 1);
        let (before, after) = &again.updated[0];
        assert_eq!(
            (before.key.as_str(), before.household.as_str()),
            ("NK-000001", "HK-01")
        );
        assert_eq!(
            (after.key.as_str(), after.household.as_str()),
            ("NK-000001", "HK-11")
        );
        assert_eq!(again.unchanged, 1);
        // Nam's HK-10 entry is not taken for HK-12: the file lists him twice.
        assert_eq!(again.new.len(), 1);
        assert_eq!(again.new[0].household, "HK-12");
        assert_eq!(again.new[0].key, "NK-000004");
        assert_eq!(again.not_in_file, 1);
    }

    fn nguyen_van_an() -> Person {
        Person {
            key: "NK-000001".into(),
            personal_id: "034085001234".into(),
            full_name: "Nguyễn Văn An".into(),
            birth_date: "1985-03-12".into(),
            sex: Some(Sex::Male),
            household: "HK-01".into(),
            team: 2,
            relation: "Con".into(),
            phone: "0912345678".into(),
            ethnicity: "Kinh".into(),
            religion: String::new(),
        }
    }

    fn household(head: Option<Person>) -> Household {
        Household {
            code: "HK-01".into(),
            team: 2,
            head,
            members: 4,
        }
    }

    #[test]
    fn a_case_about_a_person_opens_with_their_details_where_the_form_has_them() {
        let an = nguyen_van_an();
        let hh = household(None);
        let form = |id| crate::domain::form::form(id).unwrap();
        let person = [
            ("birth_date", "1985-03-12"),
            ("full_name", "Nguyễn Văn An"),
            ("person_id", "034085001234"),
            ("sex", "male"),
        ];
        let mut with_phone = person.to_vec();
        with_phone.push(("phone", "0912345678"));
        assert_eq!(prefill(form("activation"), &an, &hh), values(&with_phone));
        // The form about a missing field has no phone.
        assert_eq!(prefill(form("missing_field"), &an, &hh), values(&person));
        // What the register does not hold stays empty.
        let unknown = Person {
            sex: None,
            birth_date: String::new(),
            ..an.clone()
        };
        let filled = prefill(form("activation"), &unknown, &hh);
        assert!(!filled.contains_key("sex") && !filled.contains_key("birth_date"));
        // A pair is opened from the duplicates, never from one person.
        assert!(prefill(form("duplicate"), &an, &hh).is_empty());
    }

    #[test]
    fn a_household_check_opens_with_the_household_its_head_and_its_count() {
        let an = nguyen_van_an();
        let head = Person {
            key: "NK-000002".into(),
            personal_id: "034160002345".into(),
            full_name: "Lê Thị Hoa".into(),
            relation: "Chủ hộ".into(),
            ..an.clone()
        };
        let check = crate::domain::form::form("household_check").unwrap();
        assert_eq!(
            prefill(check, &an, &household(Some(head))),
            values(&[
                ("head_id", "034160002345"),
                ("head_name", "Lê Thị Hoa"),
                ("household_code", "HK-01"),
                ("members_registered", "4"),
                ("village", "2"),
            ])
        );
        let headless = prefill(check, &an, &household(None));
        assert!(!headless.contains_key("head_name") && !headless.contains_key("head_id"));
        assert_eq!(headless["members_registered"], "4");
    }

    #[test]
    fn the_head_is_named_however_the_relation_was_written() {
        for head in ["Chủ hộ", "CHỦ HỘ", "chu ho", "Chủ  hộ "] {
            assert!(is_head(head), "{head}");
        }
        for other in ["Con", "", "Vợ chủ hộ", "chủ"] {
            assert!(!is_head(other), "{other}");
        }
        assert_eq!(household_key(1, "HK 01"), household_key(1, "hk-01"));
        assert_ne!(household_key(1, "HK-01"), household_key(2, "HK-01"));
    }
}
