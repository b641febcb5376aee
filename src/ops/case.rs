//! Cases over the store, for both fronts: open a case, write a prepared
//! version, and the whole operations the command line runs in one call (a
//! new case, an edit, a return for correction, a void, a conflict's
//! resolution), each following `domain::save` exactly as the screens do.
//!
//! Returns data and typed errors; prints nothing and takes no language.

use std::collections::BTreeMap;

use crate::clock;
use crate::domain::commune::Role;
use crate::domain::form::{self, Context, FormSpec};
use crate::domain::resolve::{self, Choices};
use crate::domain::save::{self, Base, Consent, Prepared, ReturnRefused, VoidRefused, Who};
use crate::domain::version::Version;
use crate::domain::work::WorkItem;
use crate::error::{Error, Result};
use crate::store::{SavedDraft, Store, StoreError};

/// A form by its id.
pub fn spec_of(form_id: &str) -> Result<&'static FormSpec> {
    form::form(form_id).ok_or_else(|| Error::UnknownForm {
        form: form_id.to_string(),
    })
}

/// Who saves on this device: its id and role, and `author`.
pub fn who(store: &Store, author: String) -> Result<Who> {
    let device = store.device()?;
    Ok(Who {
        device: device.id,
        role: device.role,
        author,
    })
}

/// The heads of a case: one, or several while it is in conflict.
pub fn heads(store: &Store, record: &str) -> Result<Vec<Version>> {
    let no_case = || Error::from(StoreError::NoSuchCase(record.to_string()));
    let Some(entry) = store.case(record)? else {
        return Err(no_such_case(store, record)?);
    };
    let mut heads = Vec::with_capacity(entry.heads.len());
    for id in &entry.heads {
        heads.push(store.version(record, id)?.ok_or_else(no_case)?);
    }
    Ok(heads)
}

/// Why there is no case `record` here: none was ever seen, or (on a team
/// device) the commune moved it to another team.
pub fn no_such_case(store: &Store, record: &str) -> Result<Error> {
    Ok(match store.gone(record)? {
        Some(moved) => Error::MovedAway {
            record: record.to_string(),
            team: moved.team,
        },
        None => StoreError::NoSuchCase(record.to_string()).into(),
    })
}

/// The one head of a case; a case in conflict must be resolved first.
pub fn single_head(store: &Store, record: &str) -> Result<Version> {
    let mut heads = heads(store, record)?;
    if heads.len() > 1 {
        return Err(Error::InConflict {
            record: record.to_string(),
            heads: heads.len(),
        });
    }
    Ok(heads.remove(0))
}

/// What opening a case finds: its heads (none for a work item not yet
/// worked, or a new case), its work item and what was being typed.
#[derive(Clone, Debug, Default)]
pub struct Opened {
    pub heads: Vec<Version>,
    pub item: Option<WorkItem>,
    pub draft: Option<SavedDraft>,
}

/// Opens a case by its record id, or a new case by its typing-draft key
/// (`new:<form>`).
pub fn open(store: &Store, key: &str) -> Result<Opened> {
    let heads = if key.starts_with("new:") || store.case(key)?.is_none() {
        Vec::new()
    } else {
        heads(store, key)?
    };
    Ok(Opened {
        heads,
        item: store.work_item(key)?,
        draft: store.draft(key)?,
    })
}

/// A version written, and how many problems it still has (a draft's).
#[derive(Clone, Debug)]
pub struct Saved {
    pub version: Version,
    pub open_problems: usize,
}

/// Writes a prepared version now, in one transaction, and drops the typing
/// draft it came from. The version is its case's team's: on a team device
/// the device's team, at the office the team of the case's work item (the
/// commune may have moved it). A team device saves nothing for a case the
/// commune moved to another team.
pub fn write(store: &Store, mut prepared: Prepared, typing_draft: Option<&str>) -> Result<Saved> {
    if !prepared.record.is_empty() {
        match store.device()?.role {
            Role::Team(team) => {
                if let Some(moved) = store.gone(&prepared.record)? {
                    return Err(Error::MovedAway {
                        record: prepared.record,
                        team: moved.team,
                    });
                }
                prepared.team = team;
            }
            Role::Commune => {
                if let Some(item) = store.work_item(&prepared.record)? {
                    prepared.team = item.team;
                }
            }
        }
    }
    // A save that changes nothing of its one head writes nothing.
    if let [parent] = prepared.parents.as_slice()
        && let Some(head) = store.version(&prepared.record, parent)?
        && head.values == prepared.values
        && head.status == prepared.status
        && head.team == prepared.team
        && head.confirmed == prepared.confirmed
    {
        // What was typed came back to the case as it is: no draft to keep.
        if let Some(key) = typing_draft {
            store.drop_draft(key)?;
        }
        return Err(Error::Unchanged {
            record: prepared.record,
        });
    }
    // Only with a form this device holds, as it is in force: a form a
    // bundle brought is known while the bundle is read, and held only once
    // it is taken in.
    let in_force = form::forms().iter().find(|f| f.id == prepared.form);
    if !store.holds_form(&prepared.form, in_force.map_or(u32::MAX, |f| f.version))? {
        return Err(Error::UnknownForm {
            form: prepared.form,
        });
    }
    let open_problems = prepared.open_problems;
    let version = store.save(prepared.at(clock::now()), typing_draft)?;
    Ok(Saved {
        version,
        open_problems,
    })
}

/// Values changed by name: a value replaces the field's, an empty one
/// clears it. Every name must be a field of the form.
pub fn apply_changes(
    spec: &FormSpec,
    values: &mut BTreeMap<String, String>,
    changes: &[(String, String)],
) -> Result<()> {
    for (field, value) in changes {
        let field = field.trim();
        if spec.field(field).is_none() {
            return Err(Error::UnknownField {
                form: spec.id.clone(),
                field: field.to_string(),
            });
        }
        if value.trim().is_empty() {
            values.remove(field);
        } else {
            values.insert(field.to_string(), value.clone());
        }
    }
    Ok(())
}

/// Drops from `raw` the values carried over (from the case or its work
/// item, not among `changes`) of fields that no longer apply, as the
/// screens do (a blocker, once the case is activated). A value given in
/// `changes` for such a field stays, for the check to refuse.
fn drop_carried_over(
    spec: &FormSpec,
    raw: &mut BTreeMap<String, String>,
    changes: &[(String, String)],
    ctx: &Context,
) {
    for p in spec.check(raw, ctx).problems {
        let carried = !changes.iter().any(|(f, _)| f.trim() == p.field);
        if carried
            && matches!(
                p.kind,
                crate::domain::rules::ProblemKind::NotRelevant { .. }
            )
        {
            raw.remove(&p.field);
        }
    }
}

/// Prepares with the form's checks as of today, in this commune.
/// `raw` is the values carried over with `changes` applied (see
/// [`drop_carried_over`]).
fn prepare(
    store: &Store,
    spec: &FormSpec,
    (raw, changes): (&BTreeMap<String, String>, &[(String, String)]),
    base: Base,
    consent: Consent,
    who: &Who,
) -> Result<Prepared> {
    let commune = store.commune()?;
    let ctx = Context {
        today: clock::today(),
        villages: &commune.villages,
    };
    let mut raw = raw.clone();
    drop_carried_over(spec, &mut raw, changes, &ctx);
    save::prepare(spec, &raw, base, &ctx, consent, who).map_err(|blocked| Error::Blocked {
        form: spec.id.clone(),
        blocked,
    })
}

/// What to do with a new case opened in the field about a person or
/// household that a work item or another case of its form covers already
/// (see `ops::covered`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfCovered {
    /// Write nothing: [`Error::AlreadyCovered`] names that work.
    Refuse,
    /// Make it all the same (the person was told, and chose to).
    MakeAnyway,
}

/// [`IfCovered::Refuse`]: the error naming what covers a new case of
/// `spec` with `values` (as saved), if anything does.
fn refuse_if_covered(
    store: &Store,
    spec: &FormSpec,
    values: &BTreeMap<String, String>,
) -> Result<()> {
    let covering = super::covered::covering(store, &spec.id, values, None)?;
    if covering.is_empty() {
        return Ok(());
    }
    Err(Error::AlreadyCovered {
        subject: spec.subject,
        covering,
    })
}

/// Writes a prepared new case opened in the field (as [`write`] does),
/// unless other work covers its person or household and `if_covered`
/// refuses it. A work item's first version is the work itself, never
/// refused.
pub fn write_new(
    store: &Store,
    prepared: Prepared,
    typing_draft: Option<&str>,
    if_covered: IfCovered,
) -> Result<Saved> {
    if prepared.opens_a_case() && if_covered == IfCovered::Refuse {
        refuse_if_covered(store, spec_of(&prepared.form)?, &prepared.values)?;
    }
    write(store, prepared, typing_draft)
}

/// A new case of `form_id`: of work item `work_item` (its values filled
/// in), or opened in the field. On a team device it is the team's own; at
/// the office it belongs to the village its form names, else to `team`,
/// else to the village the register gives the person or household it is
/// about (when the register names exactly one); nothing else is guessed.
/// A case opened in the field about a person or household that other work
/// of the form covers already is refused before anything else is judged,
/// unless `if_covered` says to make it anyway.
#[allow(clippy::too_many_arguments)]
pub fn create(
    store: &Store,
    form_id: &str,
    work_item: Option<&str>,
    team: Option<u8>,
    changes: &[(String, String)],
    consent: Consent,
    who: &Who,
    if_covered: IfCovered,
) -> Result<Saved> {
    let spec = spec_of(form_id)?;
    let item = match work_item {
        Some(id) => Some(
            store
                .work_item(id)?
                .ok_or_else(|| StoreError::NoSuchCase(id.to_string()))?,
        ),
        None => None,
    };
    let mut raw = item.as_ref().map(|i| i.prefill.clone()).unwrap_or_default();
    apply_changes(spec, &mut raw, changes)?;
    let commune = store.commune()?;
    let ctx = Context {
        today: clock::today(),
        villages: &commune.villages,
    };
    let checked = spec.check(&raw, &ctx).values;
    if item.is_none() && if_covered == IfCovered::Refuse {
        refuse_if_covered(store, spec, &checked)?;
    }
    let named = save::village_named(spec, &checked);
    let team = match (who.role, &item, named, team) {
        (Role::Team(t), _, _, _) => t,
        (Role::Commune, Some(item), _, _) => item.team,
        (Role::Commune, None, Some(v), Some(t)) if v != t => {
            return Err(Error::TeamAndVillage {
                team: t,
                village: v,
            });
        }
        (Role::Commune, None, Some(v), _) => v,
        (Role::Commune, None, None, Some(t)) => t,
        (Role::Commune, None, None, None) => {
            super::register::village_of_subject(store, &raw)?.ok_or(Error::NoVillage)?
        }
    };
    super::commune::village_of(&commune, team)?;
    let base = Base::New {
        work_item: item.as_ref().map(|i| i.id.as_str()),
        team,
    };
    let prepared = prepare(store, spec, (&raw, changes), base, consent, who)?;
    write(store, prepared, None)
}

/// A new version of a case from its current state with `changes`.
pub fn edit(
    store: &Store,
    record: &str,
    changes: &[(String, String)],
    consent: Consent,
    who: &Who,
) -> Result<Saved> {
    let head = single_head(store, record)?;
    let spec = spec_of(&head.form)?;
    let mut raw = head.values.clone();
    apply_changes(spec, &mut raw, changes)?;
    let prepared = prepare(
        store,
        spec,
        (&raw, changes),
        Base::Edit(&head),
        consent,
        who,
    )?;
    write(store, prepared, None)
}

/// (Commune) sends a case back to its team with a comment.
pub fn return_for_correction(
    store: &Store,
    record: &str,
    comment: &str,
    who: &Who,
) -> Result<Saved> {
    if who.role != Role::Commune {
        return Err(Error::CommuneOnly);
    }
    let head = single_head(store, record)?;
    let prepared = save::return_for_correction(&head, comment, who).map_err(|e| match e {
        ReturnRefused::NotCommune => Error::CommuneOnly,
        ReturnRefused::NoComment => Error::NoComment,
    })?;
    write(store, prepared, None)
}

/// Voids a case made by mistake, with the reason.
pub fn void(store: &Store, record: &str, reason: &str, who: &Who) -> Result<Saved> {
    let head = single_head(store, record)?;
    let prepared = save::void(&head, reason, who).map_err(|e| match e {
        VoidRefused::NoReason => Error::NoVoidReason,
        VoidRefused::AlreadyVoided => Error::AlreadyVoided {
            record: record.to_string(),
        },
    })?;
    write(store, prepared, None)
}

/// Ends a conflict: the values of the chosen heads and `changes`, checked
/// like any save, in a version whose parents are every head.
pub fn resolve(
    store: &Store,
    record: &str,
    choices: &Choices,
    changes: &[(String, String)],
    consent: Consent,
    who: &Who,
) -> Result<Saved> {
    let heads = heads(store, record)?;
    let refs: Vec<&Version> = heads.iter().collect();
    let spec = spec_of(&heads[0].form)?;
    let mut choices = choices.clone();
    choices
        .typed
        .extend(changes.iter().map(|(field, _)| field.trim().to_string()));
    // One head of another team than the case's (a moved item, see
    // `CaseEntry::strayed`): its values, taken for the case's team.
    let strayed = heads.len() == 1 && store.case(record)?.is_some_and(|c| c.strayed);
    let mut values = match strayed {
        true => heads[0].values.clone(),
        false => resolve::merge(spec, &refs, &choices)?,
    };
    apply_changes(spec, &mut values, changes)?;
    let base = Base::Heads {
        heads: &refs,
        take: choices.take,
    };
    let prepared = prepare(store, spec, (&values, changes), base, consent, who)?;
    write(store, prepared, None)
}
