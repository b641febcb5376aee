//! Suspected duplicate citizens as work with an outcome, for both fronts:
//! the pairs the register holds, each with how it was settled; settling a
//! pair (a version of a `duplicate` case, which travels like any other);
//! and the household check each pair is looked into with.
//!
//! Returns data and typed errors; prints nothing and takes no language.

use std::collections::{BTreeMap, HashMap};

use super::case::{self, Saved};
use super::covered;
use crate::domain::duplicates::{self, Why};
use crate::domain::form;
use crate::domain::merge;
use crate::domain::save::{Consent, Who};
use crate::domain::standing::{Stage, Standing};
use crate::domain::version::Version;
use crate::domain::work::Person;
use crate::error::{Error, Result};
use crate::store::Store;

/// The form a pair is settled in.
pub const FORM: &str = "duplicate";

/// The form a pair's household is looked into with.
const HOUSEHOLD_CHECK: &str = "household_check";

/// How a pair was settled: the choice ids of the form's `resolution`.
pub const RESOLUTIONS: [&str; 3] = ["deleted_duplicate", "not_duplicate", "referred"];

/// A pair's case and its resolution as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settled {
    pub record: String,
    /// A choice id of [`RESOLUTIONS`].
    pub resolution: String,
}

/// Two people of the commune's register who may be the same citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuspectedPair {
    pub why: Why,
    pub first: Person,
    pub second: Person,
    /// `None` while nobody has settled it.
    pub settled: Option<Settled>,
    /// The household check the first person's household already has (its
    /// record id), if any.
    pub check: Option<String>,
}

impl SuspectedPair {
    /// What names the pair in its case: the two register keys.
    pub fn key(&self) -> String {
        pair_key(&self.first, &self.second)
    }
}

fn pair_key(first: &Person, second: &Person) -> String {
    format!("{} {}", first.key, second.key)
}

/// The pairs' cases, by pair key: the latest of each, voided ones left out
/// (a draft over a void too), each with the resolution of the version that
/// counts (`Standing::result`: a draft over it changes nothing; none yet,
/// an empty one).
fn settled(store: &Store) -> Result<HashMap<String, Settled>> {
    let mut out = HashMap::new();
    for row in store.list_rows()? {
        if row.form != FORM || row.stage == Stage::Voided {
            continue;
        }
        let versions = store.versions_of(&row.record)?;
        let refs: Vec<&Version> = versions.iter().collect();
        let Some(head) = merge::newest(&merge::heads(&refs)) else {
            continue;
        };
        let Some(pair) = head.values.get("pair") else {
            continue;
        };
        let counted = Standing::from_head(head, &refs).result;
        out.insert(
            pair.clone(),
            Settled {
                record: row.record.clone(),
                resolution: counted
                    .and_then(|v| v.values.get("resolution"))
                    .cloned()
                    .unwrap_or_default(),
            },
        );
    }
    Ok(out)
}

/// Every suspected pair of the register, each once, in a stable order, with
/// how it was settled.
pub fn list(store: &Store) -> Result<Vec<SuspectedPair>> {
    let people = store.people()?;
    let mut settled = settled(store)?;
    // Looking into a pair opens its household's own check, never a second
    // one: that would count the household twice.
    let checks = covered::covered(store, HOUSEHOLD_CHECK)?;
    let check_of = |p: &Person| {
        let code = BTreeMap::from([("household_code".to_string(), p.household.clone())]);
        checks.find(&code).into_iter().next().map(|c| c.record)
    };
    Ok(duplicates::find(&people)
        .into_iter()
        .map(|p| SuspectedPair {
            why: p.why,
            settled: settled.remove(&pair_key(p.first, p.second)),
            check: check_of(p.first),
            first: p.first.clone(),
            second: p.second.clone(),
        })
        .collect())
}

/// Whether `who` may settle a pair as `resolution`. The office settles
/// pairs: a team holds only its village's part of the register, and two
/// devices settling one pair apart would open two cases for it.
fn may_settle(resolution: &str, who: &Who) -> Result<()> {
    if who.role != crate::domain::commune::Role::Commune {
        return Err(Error::CommuneOnly);
    }
    if !RESOLUTIONS.contains(&resolution) {
        return Err(Error::UnknownResolution {
            resolution: resolution.to_string(),
        });
    }
    Ok(())
}

/// Settles the pair of register keys `first` and `second` (in either order)
/// as `resolution`: the pair's case gets a new version, or is opened (for
/// the first person's team) the first time.
pub fn settle(
    store: &Store,
    first: &str,
    second: &str,
    resolution: &str,
    note: Option<&str>,
    who: &Who,
) -> Result<Saved> {
    may_settle(resolution, who)?;
    let pair = list(store)?
        .into_iter()
        .find(|p| {
            let keys = [p.first.key.as_str(), p.second.key.as_str()];
            keys == [first, second] || keys == [second, first]
        })
        .ok_or_else(|| Error::NoSuchPair {
            first: first.to_string(),
            second: second.to_string(),
        })?;
    settle_listed(store, &pair, resolution, note, who)
}

/// [`settle`] of a pair as [`list`] gave it, for settling many from one
/// listing (the demo's office): listing reads the whole register, and
/// listing once a pair made the demo of a million people settle for more
/// than ten minutes. Settling one pair leaves the others as listed.
pub fn settle_listed(
    store: &Store,
    pair: &SuspectedPair,
    resolution: &str,
    note: Option<&str>,
    who: &Who,
) -> Result<Saved> {
    may_settle(resolution, who)?;
    let mut changes = vec![("resolution".to_string(), resolution.to_string())];
    if let Some(note) = note {
        changes.push(("note".to_string(), note.to_string()));
    }
    // The IDs come from the register as it is: its warnings are the pair's
    // to settle, not a reason to stop.
    let consent = Consent {
        draft: false,
        confirm: true,
    };
    match &pair.settled {
        Some(s) => case::edit(store, &s.record, &changes, consent, who),
        None => {
            let mut ids = vec![pair.first.personal_id.clone()];
            if pair.second.personal_id != pair.first.personal_id {
                ids.push(pair.second.personal_id.clone());
            }
            let mut opening = vec![
                ("pair".to_string(), pair.key()),
                ("full_name".to_string(), pair.first.full_name.clone()),
                (
                    "person_ids".to_string(),
                    ids.join(&form::MULTI_SEP.to_string()),
                ),
            ];
            opening.extend(changes);
            case::create(
                store,
                FORM,
                None,
                Some(pair.first.team),
                &opening,
                consent,
                who,
                // A pair is settled in one case, found by `settled`.
                case::IfCovered::MakeAnyway,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::Role;

    fn person(key: &str, id: &str, name: &str, household: &str, team: u8) -> Person {
        Person {
            key: key.into(),
            personal_id: id.into(),
            full_name: name.into(),
            birth_date: "1985-03-12".into(),
            household: household.into(),
            team,
            ..Person::default()
        }
    }

    #[test]
    fn a_pair_is_settled_in_one_case_that_later_settlements_edit_and_the_report_counts_it() {
        let (_dir, store) = crate::ops::test_store(Role::Commune);
        store
            .put_people(&[
                person("NK-1", "034085001234", "Nguyễn Văn An", "H1", 2),
                person("NK-2", "034085001234", "Nguyễn Văn An", "H2", 3),
                person("NK-3", "034190002345", "Trần Thị Bình", "H3", 3),
            ])
            .unwrap();
        let as_of = crate::clock::today();
        let report = |store: &Store| crate::ops::queries::report(store, as_of).unwrap();
        let counted = |store: &Store| {
            let r = report(store);
            let line = r.line("duplicates_cleaned").unwrap();
            ["found", "cleaned", "referred"].map(|c| line.get(c, None))
        };
        assert_eq!(report(&store).commune, "Xã Thử");
        assert_eq!(counted(&store), [1, 0, 0]);
        let who = Who {
            device: "C0FFEE".into(),
            role: Role::Commune,
            author: "Cán bộ xã".into(),
        };
        assert!(list(&store).unwrap()[0].settled.is_none());
        let first = settle(&store, "NK-2", "NK-1", "referred", None, &who).unwrap();
        assert_eq!(first.version.team, 2, "the first person's team");
        let again = settle(&store, "NK-1", "NK-2", "deleted_duplicate", None, &who).unwrap();
        assert_eq!(again.version.record, first.version.record);
        let pairs = list(&store).unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].why, Why::SameId);
        assert_eq!(counted(&store), [1, 1, 0]);
        // The pair is counted for the first person's village.
        let r = report(&store);
        assert_eq!(
            r.line("duplicates_cleaned").unwrap().get("found", Some(2)),
            1
        );
        assert_eq!(
            pairs[0].settled,
            Some(Settled {
                record: first.version.record.clone(),
                resolution: "deleted_duplicate".into()
            })
        );
        assert!(matches!(
            settle(&store, "NK-1", "NK-9", "referred", None, &who),
            Err(Error::NoSuchPair { .. })
        ));
        assert!(matches!(
            settle(&store, "NK-1", "NK-2", "gone", None, &who),
            Err(Error::UnknownResolution { .. })
        ));
    }
}
