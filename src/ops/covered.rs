//! Which work items and cases already cover what a new case is about: the
//! same person or household, told by the form's identity fields as the
//! work-list import tells "already on the list" (one household is checked
//! once; a person followed up once for activation; a person's missing
//! field, each its own work). Both fronts ask before a second case is made,
//! and looking into a suspected pair opens its household's own check.
//!
//! Returns data and typed errors; prints nothing and takes no language.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::case;
use crate::domain::form::FormSpec;
use crate::domain::standing::Stage;
use crate::error::Result;
use crate::store::Store;

/// A work item or case of the same form about the same person or household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Covering {
    pub record: String,
    /// Its line on the work list: its title and how far it has got.
    pub title: String,
    pub stage: Stage,
}

/// The work items and cases of one form that are not voided, by what each
/// is about.
#[derive(Clone, Debug, Default)]
pub struct Covered {
    spec: Option<&'static FormSpec>,
    /// By the first identity key: the whole identity and the record.
    by_first: HashMap<String, Vec<(Vec<String>, String)>>,
    lines: HashMap<String, (String, Stage)>,
}

impl Covered {
    fn add(&mut self, identity: Vec<String>, record: &str) {
        if let Some(first) = identity.first() {
            self.by_first
                .entry(first.clone())
                .or_default()
                .push((identity, record.to_string()));
        }
    }

    /// What already covers a case with `values`, by record. What is not
    /// filled in yet does not tell cases apart: a new case about a missing
    /// field, before the field is chosen, is covered by every such case of
    /// the person.
    pub fn find(&self, values: &BTreeMap<String, String>) -> Vec<Covering> {
        let Some(spec) = self.spec else {
            return Vec::new();
        };
        let wanted = spec.identity_of(values);
        let Some(first) = wanted.first() else {
            return Vec::new();
        };
        let mut records: Vec<&str> = self
            .by_first
            .get(first)
            .into_iter()
            .flatten()
            .filter(|(known, _)| {
                let n = known.len().min(wanted.len());
                known[..n] == wanted[..n]
            })
            .map(|(_, record)| record.as_str())
            .collect();
        records.sort_unstable();
        records.dedup();
        records
            .into_iter()
            .filter_map(|record| {
                let (title, stage) = self.lines.get(record)?;
                Some(Covering {
                    record: record.to_string(),
                    title: title.clone(),
                    stage: *stage,
                })
            })
            .collect()
    }
}

/// The work items and cases of `form_id` this device holds, not voided, by
/// what each is about: a work item by its values as assigned, a case
/// opened in the field by its heads' values.
pub fn covered(store: &Store, form_id: &str) -> Result<Covered> {
    let spec = case::spec_of(form_id)?;
    let mut out = Covered {
        spec: Some(spec),
        ..Covered::default()
    };
    store.list_snapshot()?.each(|row| {
        if row.form == spec.id && row.stage != Stage::Voided {
            out.lines
                .insert(row.record.clone(), (row.title.clone(), row.stage));
        }
    })?;
    let mut listed = HashSet::new();
    for item in store.work_items()? {
        if item.form == spec.id {
            out.add(spec.identity_of(&item.prefill), &item.id);
            listed.insert(item.id);
        }
    }
    // Few: the work the commune hands out comes as work items.
    let opened: Vec<String> = out
        .lines
        .keys()
        .filter(|r| !listed.contains(*r))
        .cloned()
        .collect();
    for record in opened {
        for head in case::heads(store, &record)? {
            out.add(spec.identity_of(&head.values), &record);
        }
    }
    Ok(out)
}

/// What already covers a new case of `form_id` with `values` (leaving out
/// `except`, the case itself once it is saved).
pub fn covering(
    store: &Store,
    form_id: &str,
    values: &BTreeMap<String, String>,
    except: Option<&str>,
) -> Result<Vec<Covering>> {
    let mut found = covered(store, form_id)?.find(values);
    found.retain(|c| Some(c.record.as_str()) != except);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::Role;
    use crate::domain::save::{Consent, Who};
    use crate::domain::work::WorkItem;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn records(found: Vec<Covering>) -> Vec<String> {
        found.into_iter().map(|c| c.record).collect()
    }

    #[test]
    fn work_items_and_cases_cover_their_person_or_household_until_voided() {
        let (_dir, store) = crate::ops::test_store(Role::Commune);
        let item = |id: &str, form: &str, pairs: &[(&str, &str)]| WorkItem {
            id: id.into(),
            form: form.into(),
            team: 1,
            due: None,
            prefill: values(pairs),
        };
        store
            .put_work_items(&[
                item(
                    "AC-00001",
                    "activation",
                    &[
                        ("person_id", "034085001234"),
                        ("full_name", "Nguyễn Văn An"),
                    ],
                ),
                item(
                    "MF-00001",
                    "missing_field",
                    &[("person_id", "034085001234"), ("missing", "birth_date")],
                ),
                item(
                    "HC-00001",
                    "household_check",
                    &[("household_code", "HK-01")],
                ),
            ])
            .unwrap();
        let who = Who {
            device: "C0FFEE".into(),
            role: Role::Commune,
            author: "Cán bộ xã".into(),
        };
        let consent = Consent {
            draft: true,
            confirm: true,
        };
        let opened = |form: &str, pairs: &[(&str, &str)]| {
            let changes: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            case::create(&store, form, None, Some(1), &changes, consent, &who)
                .unwrap()
                .version
                .record
        };
        // A case opened in the field covers its person too.
        let field_case = opened(
            "activation",
            &[
                ("person_id", "034085 001234"),
                ("full_name", "Nguyễn Văn An"),
            ],
        );
        let an = values(&[("person_id", "034085001234")]);
        assert_eq!(
            records(covering(&store, "activation", &an, None).unwrap()),
            ["AC-00001".to_string(), field_case.clone()]
        );
        let found = covering(&store, "activation", &an, Some(&field_case)).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].stage, Stage::NotStarted);
        assert!(found[0].title.contains("Nguyễn Văn An"), "{found:?}");
        // Another person, another form: not covered.
        let other = values(&[("person_id", "034190002345")]);
        assert!(
            covering(&store, "activation", &other, None)
                .unwrap()
                .is_empty()
        );
        // A missing field: the same field is covered; before one is chosen,
        // every such case of the person.
        let missing = |field: &str| values(&[("person_id", "034085001234"), ("missing", field)]);
        assert_eq!(
            records(covering(&store, "missing_field", &missing("birth_date"), None).unwrap()),
            ["MF-00001"]
        );
        assert!(
            covering(&store, "missing_field", &missing("sex"), None)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            records(covering(&store, "missing_field", &an, None).unwrap()),
            ["MF-00001"]
        );
        // A household by its code, however it is written.
        let hk = values(&[("household_code", "hk 01")]);
        assert_eq!(
            records(covering(&store, "household_check", &hk, None).unwrap()),
            ["HC-00001"]
        );
        // Nothing to tell by: nothing covers it.
        assert!(
            covering(&store, "activation", &BTreeMap::new(), None)
                .unwrap()
                .is_empty()
        );
        // A voided case covers nothing.
        case::void(&store, &field_case, "Lập nhầm", &who).unwrap();
        assert_eq!(
            records(covering(&store, "activation", &an, None).unwrap()),
            ["AC-00001"]
        );
    }
}
