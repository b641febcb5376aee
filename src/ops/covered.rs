//! Which work items and cases already cover what a new case is about: the
//! same person or household, told by the form's identity
//! (`domain::form::Identity`: the personal ID or household code, else the
//! name and birth date; one household is checked once, a person followed
//! up once for activation, each missing field of a person its own work).
//! Both fronts ask before a second case is made (`ops::case` refuses it
//! unless told to make it anyway), and looking into a suspected pair opens
//! its household's own check.
//!
//! Returns data and typed errors; prints nothing and takes no language.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::case;
use crate::domain::form::{FormSpec, Identity};
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

/// What already covers a new case of `form_id` with `values` (as saved:
/// the form's check normalises them), leaving out `except` (the case
/// itself once it is saved, or the work item it answers): the work items
/// not begun and the cases of the form that are not voided.
///
/// Fast on a commune's 100,000 cases: one pass over the work list's lines
/// (their folded search text, which holds every form's ID and name) finds
/// the few that may be about the same person or household; only their
/// heads, or their work items' values, are then read to be sure.
pub fn covering(
    store: &Store,
    form_id: &str,
    values: &BTreeMap<String, String>,
    except: Option<&str>,
) -> Result<Vec<Covering>> {
    let spec = case::spec_of(form_id)?;
    let wanted = spec.identity_of(values);
    if wanted.is_unknown() {
        return Ok(Vec::new());
    }
    let mut maybe = Vec::new();
    let mut scratch = String::new();
    store.list_snapshot()?.each(|row| {
        if row.form == spec.id
            && row.stage != Stage::Voided
            && except != Some(row.record.as_str())
            && wanted.may_be_in(&row.search, &mut scratch)
        {
            maybe.push(Covering {
                record: row.record.clone(),
                title: row.title.clone(),
                stage: row.stage,
            });
        }
    })?;
    let mut out = Vec::new();
    for c in maybe {
        if about(store, &c.record)?
            .iter()
            .any(|values| wanted.same_work(&spec.identity_of(values)))
        {
            out.push(c);
        }
    }
    Ok(out)
}

/// What a line of the work list holds: its case's heads' values, or a work
/// item's as assigned while it is not begun.
fn about(store: &Store, record: &str) -> Result<Vec<BTreeMap<String, String>>> {
    if store.case(record)?.is_some() {
        return Ok(case::heads(store, record)?
            .into_iter()
            .map(|head| head.values)
            .collect());
    }
    Ok(store
        .work_item(record)?
        .map(|item| item.prefill)
        .into_iter()
        .collect())
}

/// The work items and cases of one form that are not voided, by what each
/// is about: for asking about many people at once (every suspected pair).
#[derive(Clone, Debug, Default)]
pub struct Covered {
    spec: Option<&'static FormSpec>,
    known: Vec<(Identity, String)>,
    /// Positions in `known`, by personal ID (household code), and by name
    /// and birth date.
    by_id: HashMap<String, Vec<usize>>,
    by_name: HashMap<Vec<String>, Vec<usize>>,
    lines: HashMap<String, (String, Stage)>,
}

impl Covered {
    fn add(&mut self, identity: Identity, record: &str) {
        let at = self.known.len();
        if let Some(id) = &identity.id {
            self.by_id.entry(id.clone()).or_default().push(at);
        }
        if let Some(name) = &identity.by_name {
            self.by_name.entry(name.clone()).or_default().push(at);
        }
        self.known.push((identity, record.to_string()));
    }

    /// What already covers a case with `values`, by record (see
    /// [`Identity::same_work`]).
    pub fn find(&self, values: &BTreeMap<String, String>) -> Vec<Covering> {
        let Some(spec) = self.spec else {
            return Vec::new();
        };
        let wanted = spec.identity_of(values);
        let by_id = wanted.id.as_ref().and_then(|id| self.by_id.get(id));
        let by_name = wanted.by_name.as_ref().and_then(|n| self.by_name.get(n));
        let mut records: Vec<&str> = by_id
            .into_iter()
            .chain(by_name)
            .flatten()
            .map(|&at| &self.known[at])
            .filter(|(known, _)| wanted.same_work(known))
            .map(|(_, record)| record.as_str())
            .collect();
        crate::sort::sort(&mut records);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::Role;
    use crate::domain::form::values;
    use crate::domain::save::{Consent, Who};
    use crate::domain::work::WorkItem;
    use crate::error::Error;
    use crate::ops::case::IfCovered;

    fn records(found: Vec<Covering>) -> Vec<String> {
        found.into_iter().map(|c| c.record).collect()
    }

    fn item(id: &str, form: &str, pairs: &[(&str, &str)]) -> WorkItem {
        WorkItem {
            id: id.into(),
            form: form.into(),
            team: 1,
            due: None,
            prefill: values(pairs),
        }
    }

    /// Nguyễn Văn An's follow-up on the list: AC-00001, not begun.
    fn an_assigned(store: &Store) {
        let an = [
            ("person_id", "034085001234"),
            ("full_name", "Nguyễn Văn An"),
            ("birth_date", "1985-03-12"),
        ];
        store
            .put_work_items(&[item("AC-00001", "activation", &an)])
            .unwrap();
    }

    fn who() -> Who {
        Who {
            device: "C0FFEE".into(),
            role: Role::Commune,
            author: "Cán bộ xã".into(),
        }
    }

    /// A case of `form` opened in the field with `pairs`, as a draft.
    fn open(
        store: &Store,
        form: &str,
        pairs: &[(&str, &str)],
        if_covered: IfCovered,
    ) -> Result<String> {
        let changes: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let consent = Consent {
            draft: true,
            confirm: true,
        };
        let saved = case::create(
            store,
            form,
            None,
            Some(1),
            &changes,
            consent,
            &who(),
            if_covered,
        )?;
        Ok(saved.version.record)
    }

    #[test]
    fn work_items_and_cases_cover_their_person_or_household_until_voided() {
        let (_dir, store) = crate::ops::test_store(Role::Commune);
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
        // A case opened in the field about a person on the list is refused,
        // naming the work item; made all the same, it covers them too.
        let an_again = [
            ("person_id", "034085 001234"),
            ("full_name", "Nguyễn Văn An"),
        ];
        match open(&store, "activation", &an_again, IfCovered::Refuse) {
            Err(Error::AlreadyCovered { covering, .. }) => {
                assert_eq!(records(covering), ["AC-00001"]);
            }
            other => panic!("{other:?}"),
        }
        let field_case = open(&store, "activation", &an_again, IfCovered::MakeAnyway).unwrap();
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
        case::void(&store, &field_case, "Lập nhầm", &who()).unwrap();
        assert_eq!(
            records(covering(&store, "activation", &an, None).unwrap()),
            ["AC-00001"]
        );
    }

    #[test]
    fn ids_match_exactly_names_folded_with_the_same_birth_date() {
        let (_dir, store) = crate::ops::test_store(Role::Commune);
        an_assigned(&store);
        // A newborn not on the register: no ID, a name and a birth date.
        let baby = open(
            &store,
            "activation",
            &[("full_name", "Trần Thị Bé"), ("birth_date", "02/11/2026")],
            IfCovered::Refuse,
        )
        .unwrap();
        let found = |form: &str, pairs: &[(&str, &str)]| {
            records(covering(&store, form, &values(pairs), None).unwrap())
        };
        // The ID exactly (spaces aside); one digit off is someone else.
        assert_eq!(
            found("activation", &[("person_id", "034085001234")]),
            ["AC-00001"]
        );
        assert!(found("activation", &[("person_id", "034085001235")]).is_empty());
        // A name without accents or capitals, with the same birth date
        // (as saved: ISO) and no ID: the same person.
        let typed = [("full_name", "NGUYEN VAN AN"), ("birth_date", "1985-03-12")];
        assert_eq!(found("activation", &typed), ["AC-00001"]);
        assert_eq!(
            found(
                "activation",
                &[("full_name", "tran thi be"), ("birth_date", "2026-11-02")]
            ),
            std::slice::from_ref(&baby)
        );
        // Another birth date, or a name alone: nobody.
        assert!(
            found(
                "activation",
                &[("full_name", "Nguyễn Văn An"), ("birth_date", "1985-03-13")]
            )
            .is_empty()
        );
        assert!(found("activation", &[("full_name", "Nguyễn Văn An")]).is_empty());
        // Another ID with the same name and birth date: another person.
        let namesake = [
            ("person_id", "034085009999"),
            ("full_name", "Nguyễn Văn An"),
            ("birth_date", "1985-03-12"),
        ];
        assert!(found("activation", &namesake).is_empty());
        // Another form about the same person is other work.
        assert!(found("missing_field", &[("person_id", "034085001234")]).is_empty());
        // A voided case is no longer there.
        case::void(&store, &baby, "Lập nhầm", &who()).unwrap();
        assert!(
            found(
                "activation",
                &[("full_name", "Trần Thị Bé"), ("birth_date", "2026-11-02")]
            )
            .is_empty()
        );
        // So a case for the baby is made again without asking.
        open(
            &store,
            "activation",
            &[("full_name", "Trần Thị Bé"), ("birth_date", "02/11/2026")],
            IfCovered::Refuse,
        )
        .unwrap();
    }

    #[test]
    fn what_covers_many_people_at_once_follows_the_same_rules() {
        let (_dir, store) = crate::ops::test_store(Role::Commune);
        an_assigned(&store);
        let all = covered(&store, "activation").unwrap();
        for pairs in [
            &[("person_id", "034085 001234")][..],
            &[("full_name", "nguyen van an"), ("birth_date", "1985-03-12")],
            &[
                ("person_id", "034085009999"),
                ("full_name", "Nguyễn Văn An"),
                ("birth_date", "1985-03-12"),
            ],
        ] {
            assert_eq!(
                records(all.find(&values(pairs))),
                records(covering(&store, "activation", &values(pairs), None).unwrap()),
                "{pairs:?}"
            );
        }
    }
}
