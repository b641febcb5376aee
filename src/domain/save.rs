//! The save policy: how what a person typed, and the version it was typed
//! over, become the next version of a case. Both fronts follow it, the
//! command line through `ops::case` and the screens from their `update`, so
//! a save, a return for correction and a conflict's resolution mean the same
//! wherever they are made.
//!
//! * Errors block a finished save; with consent the case is kept as a draft
//!   that shows its problems.
//! * A warning needs a confirmation, which is recorded in the version and
//!   kept by later edits while the warning stands; a confirmation of a
//!   warning that no longer stands is dropped.
//! * A team's save answers the commune's correction request: the request is
//!   not carried on.
//! * A case opened at the office belongs to the team of the village its form
//!   names (a team's own cases are always its own).
//! * A case made by mistake is voided with a reason; a later save opens it
//!   again (the reason is not carried on).
//!
//! Pure: the results are typed ([`Blocked`], [`Prepared`]); no clock (the
//! time is stamped when the version is written), no store, no language.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::case::{CORRECTION_FIELD, VOID_FIELD};
use super::commune::Role;
use super::form::{Context, FieldProblem, FormSpec, Kind, RefList};
use super::merge;
use super::text;
use super::version::{Draft, Status, Version};

/// What the person has already agreed to for this save.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Consent {
    /// Keep the case as a draft if it has errors.
    pub draft: bool,
    /// The warnings shown are right as they are: record them as confirmed.
    pub confirm: bool,
}

/// Why a save did not happen. Nothing was written; the person decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// Values with errors: they can only be kept as a draft.
    Errors(Vec<FieldProblem>),
    /// Warnings nobody has confirmed yet.
    Unconfirmed(Vec<FieldProblem>),
}

impl Blocked {
    pub fn problems(&self) -> &[FieldProblem] {
        match self {
            Blocked::Errors(p) | Blocked::Unconfirmed(p) => p,
        }
    }
}

/// Who saves: the device, its role and the person working on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub device: String,
    pub role: Role,
    pub author: String,
}

/// What a save starts from.
#[derive(Clone, Copy, Debug)]
pub enum Base<'a> {
    /// A new case: of a work item (its id becomes the record's), or opened
    /// in the field (the store gives it an id), for `team`.
    New {
        work_item: Option<&'a str>,
        team: u8,
    },
    /// An edit of the case's one head.
    Edit(&'a Version),
    /// The resolution of a conflict: every head is a parent; the team is
    /// that of head `take` (numbered from 1 as `resolve::numbered` gives
    /// them), or of the newest head.
    Heads {
        heads: &'a [&'a Version],
        take: Option<usize>,
    },
}

impl Base<'_> {
    /// The confirmations the versions this save follows recorded.
    fn confirmed(&self) -> Vec<String> {
        match self {
            Base::New { .. } => Vec::new(),
            Base::Edit(head) => head.confirmed.clone(),
            Base::Heads { heads, .. } => heads.iter().flat_map(|h| h.confirmed.clone()).collect(),
        }
    }
}

/// A version ready to be written, but for its time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    /// Empty for a new case opened in the field: the store gives the id.
    pub record: String,
    pub parents: Vec<String>,
    pub form: String,
    pub team: u8,
    pub device: String,
    pub author: String,
    pub status: Status,
    pub values: BTreeMap<String, String>,
    pub confirmed: Vec<String>,
    /// Problems the version still has (a draft's errors and any warnings it
    /// leaves unconfirmed), to tell the person.
    pub open_problems: usize,
}

impl Prepared {
    /// A new case opened in the field: not a work item's, not an edit.
    pub fn opens_a_case(&self) -> bool {
        self.record.is_empty() && self.parents.is_empty()
    }

    /// The version's content as written at `edited_at`.
    pub fn at(self, edited_at: DateTime<FixedOffset>) -> Draft {
        Draft {
            record: self.record,
            parents: self.parents,
            form: self.form,
            team: self.team,
            device: self.device,
            author: self.author,
            edited_at,
            status: self.status,
            values: self.values,
            confirmed: self.confirmed,
        }
    }
}

/// Checks `raw` (values as typed) exactly as the form does and prepares
/// the version that saves them over `base`, or says why it cannot yet.
pub fn prepare(
    spec: &FormSpec,
    raw: &BTreeMap<String, String>,
    base: Base,
    ctx: &Context,
    consent: Consent,
    who: &Who,
) -> Result<Prepared, Blocked> {
    let checked = spec.check(raw, ctx);
    let errors: Vec<FieldProblem> = checked.errors().cloned().collect();
    if !errors.is_empty() && !consent.draft {
        return Err(Blocked::Errors(errors));
    }
    let kept = base.confirmed();
    let unconfirmed: Vec<FieldProblem> = checked.unconfirmed(&kept).cloned().collect();
    if errors.is_empty() && !unconfirmed.is_empty() && !consent.confirm {
        return Err(Blocked::Unconfirmed(unconfirmed));
    }
    // Only confirmations of warnings that still stand are recorded.
    let mut confirmed: Vec<String> = Vec::new();
    for w in checked.warnings() {
        let code = w.confirm_code();
        if (consent.confirm || kept.contains(&code)) && !confirmed.contains(&code) {
            confirmed.push(code);
        }
    }
    let open_problems = errors.len() + checked.warnings().count() - confirmed.len();
    let status = spec.status(&checked);
    let mut values = checked.values;
    if matches!(who.role, Role::Team(_)) {
        values.remove(CORRECTION_FIELD);
    }
    values.remove(VOID_FIELD);
    let (record, parents, team) = match base {
        Base::New { work_item, team } => {
            let team = match (who.role, work_item, village_named(spec, &values)) {
                (Role::Commune, None, Some(village)) => village,
                _ => team,
            };
            (work_item.unwrap_or_default().to_string(), Vec::new(), team)
        }
        Base::Edit(head) => (head.record.clone(), vec![head.id.clone()], head.team),
        Base::Heads { heads, take } => {
            let numbered = super::resolve::numbered(heads);
            let team = take
                .and_then(|n| numbered.get(n.wrapping_sub(1)))
                .copied()
                .or_else(|| merge::newest(heads))
                .map_or(0, |h| h.team);
            let record = heads.first().map(|h| h.record.clone()).unwrap_or_default();
            (record, heads.iter().map(|h| h.id.clone()).collect(), team)
        }
    };
    Ok(Prepared {
        record,
        parents,
        form: spec.id.clone(),
        team,
        device: who.device.clone(),
        author: who.author.clone(),
        status,
        values,
        confirmed,
        open_problems,
    })
}

/// The village (its team) a form's values name, when the form has a
/// village field and it is filled (checked values hold the team number).
pub fn village_named(spec: &FormSpec, values: &BTreeMap<String, String>) -> Option<u8> {
    spec.fields
        .iter()
        .find(|f| {
            matches!(
                f.kind,
                Kind::Choice {
                    list: Some(RefList::Villages),
                    ..
                }
            )
        })
        .and_then(|f| values.get(&f.id))
        .and_then(|v| v.parse().ok())
}

/// Why the commune could not send a case back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReturnRefused {
    /// Only the commune office sends cases back to the teams.
    NotCommune,
    /// The comment says what to correct; it cannot be empty.
    NoComment,
}

/// (Commune) the case as it stands, sent back to its team with a comment:
/// it travels in the next bundle and the team's next save clears it.
pub fn return_for_correction(
    head: &Version,
    comment: &str,
    who: &Who,
) -> Result<Prepared, ReturnRefused> {
    if who.role != Role::Commune {
        return Err(ReturnRefused::NotCommune);
    }
    let comment = text::clean(comment);
    if comment.is_empty() {
        return Err(ReturnRefused::NoComment);
    }
    let mut values = head.values.clone();
    values.remove(VOID_FIELD);
    values.insert(CORRECTION_FIELD.to_string(), comment);
    Ok(over_head(head, Status::NeedsCorrection, values, who))
}

/// The next version of `head` with `values` and a `status` that a decision
/// sets rather than the form's rules: its team and confirmations stay.
fn over_head(
    head: &Version,
    status: Status,
    values: BTreeMap<String, String>,
    who: &Who,
) -> Prepared {
    Prepared {
        record: head.record.clone(),
        parents: vec![head.id.clone()],
        form: head.form.clone(),
        team: head.team,
        device: who.device.clone(),
        author: who.author.clone(),
        status,
        values,
        confirmed: head.confirmed.clone(),
        open_problems: 0,
    }
}

/// Why a case could not be voided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VoidRefused {
    /// The reason is kept with the case; it cannot be empty.
    NoReason,
    /// The case is voided already.
    AlreadyVoided,
}

/// A case made by mistake, closed with a reason: a version like any other,
/// so it travels in bundles and the history keeps everything before it.
/// A voided case counts nowhere.
pub fn void(head: &Version, reason: &str, who: &Who) -> Result<Prepared, VoidRefused> {
    if head.status == Status::Voided {
        return Err(VoidRefused::AlreadyVoided);
    }
    let reason = text::clean(reason);
    if reason.is_empty() {
        return Err(VoidRefused::NoReason);
    }
    let mut values = head.values.clone();
    values.insert(VOID_FIELD.to_string(), reason);
    Ok(over_head(head, Status::Voided, values, who))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::Commune;
    use crate::domain::form::form;
    use chrono::NaiveDate;

    const NEW: Base<'static> = Base::New {
        work_item: None,
        team: 3,
    };
    const ASK: Consent = Consent {
        draft: false,
        confirm: false,
    };
    const CONFIRM: Consent = Consent {
        draft: false,
        confirm: true,
    };
    const DRAFT: Consent = Consent {
        draft: true,
        confirm: false,
    };

    fn who(role: Role) -> Who {
        Who {
            device: "T3A1B2".into(),
            role,
            author: "Lan".into(),
        }
    }

    /// An activation follow-up saved over `base` by `role`, checked on
    /// 26/11/2026 in a commune of six villages.
    fn try_save(
        raw: &BTreeMap<String, String>,
        base: Base,
        consent: Consent,
        role: Role,
    ) -> Result<Prepared, Blocked> {
        let commune = Commune::with_numbered_villages("Xã Tân Phong", 6);
        let ctx = Context {
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            villages: &commune.villages,
        };
        prepare(
            form("activation").unwrap(),
            raw,
            base,
            &ctx,
            consent,
            &who(role),
        )
    }

    /// An activation follow-up whose ID says "male, born 1991" for a man
    /// born in 1990 (a warning, not an error), with `changes`.
    fn warned(changes: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut raw: BTreeMap<String, String> = [
            ("person_id", "034091123456"),
            ("full_name", "Nguyễn Văn An"),
            ("birth_date", "01/05/1990"),
            ("sex", "male"),
            ("target_level", "level2"),
            ("status", "activated_level2"),
            ("visit_date", "20/11/2026"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        raw.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        raw
    }

    fn sealed(p: Prepared) -> Version {
        let mut p = p;
        if p.record.is_empty() {
            p.record = "AC-T3A1B2-0001".into();
        }
        p.at(DateTime::parse_from_rfc3339("2026-11-26T10:00:00+07:00").unwrap())
            .seal()
    }

    #[test]
    fn a_warning_needs_a_confirmation_once_and_it_is_kept_by_later_edits() {
        let team = Role::Team(3);
        let blocked = try_save(&warned(&[]), NEW, ASK, team);
        assert!(
            matches!(blocked, Err(Blocked::Unconfirmed(ref w)) if w.len() == 1 && w[0].field == "person_id")
        );
        let first = sealed(try_save(&warned(&[]), NEW, CONFIRM, team).unwrap());
        assert_eq!(first.confirmed, ["person_id:id_year_mismatch"]);
        // A later edit of another field asks nothing and keeps it.
        let second = try_save(
            &warned(&[("note", "gọi lại")]),
            Base::Edit(&first),
            ASK,
            team,
        );
        let second = second.unwrap();
        assert_eq!(second.confirmed, first.confirmed);
        assert_eq!(second.open_problems, 0);
        // Once the warning no longer stands, its confirmation goes.
        let fixed = warned(&[("person_id", "034090123456")]);
        let third = try_save(&fixed, Base::Edit(&first), ASK, team).unwrap();
        assert!(third.confirmed.is_empty());
    }

    #[test]
    fn errors_block_until_kept_as_a_draft_and_then_count_as_open() {
        let bad = warned(&[("visit_date", "31/02/2026")]);
        let blocked = try_save(&bad, NEW, ASK, Role::Team(3));
        assert!(matches!(blocked, Err(Blocked::Errors(ref e)) if e[0].field == "visit_date"));
        let kept = try_save(&bad, NEW, DRAFT, Role::Team(3)).unwrap();
        assert_eq!(kept.status, Status::Draft);
        // The error and the unconfirmed warning.
        assert_eq!(kept.open_problems, 2);
        assert!(kept.confirmed.is_empty());
    }

    #[test]
    fn a_team_save_answers_the_correction_and_a_commune_edit_keeps_it() {
        let fine = warned(&[("person_id", "034090123456")]);
        let saved = sealed(try_save(&fine, NEW, ASK, Role::Team(3)).unwrap());
        let returned = return_for_correction(&saved, "  Sửa  số điện thoại ", &who(Role::Commune));
        let returned = sealed(returned.unwrap());
        assert_eq!(returned.status, Status::NeedsCorrection);
        assert_eq!(returned.values[CORRECTION_FIELD], "Sửa số điện thoại");
        assert_eq!(returned.parents, std::slice::from_ref(&saved.id));
        assert_eq!(returned.team, 3);
        let as_returned = returned.values.clone();
        let by_office = try_save(&as_returned, Base::Edit(&returned), ASK, Role::Commune).unwrap();
        assert!(by_office.values.contains_key(CORRECTION_FIELD));
        let by_team = try_save(&as_returned, Base::Edit(&returned), ASK, Role::Team(3)).unwrap();
        assert!(!by_team.values.contains_key(CORRECTION_FIELD));
        assert_eq!(by_team.status, Status::Done);
    }

    #[test]
    fn only_the_commune_returns_and_only_with_a_comment() {
        let fine = warned(&[("person_id", "034090123456")]);
        let saved = sealed(try_save(&fine, NEW, ASK, Role::Team(3)).unwrap());
        assert_eq!(
            return_for_correction(&saved, "x", &who(Role::Team(3))),
            Err(ReturnRefused::NotCommune)
        );
        assert_eq!(
            return_for_correction(&saved, " \t", &who(Role::Commune)),
            Err(ReturnRefused::NoComment)
        );
    }

    #[test]
    fn a_resolution_follows_every_head_keeps_their_confirmations_and_the_chosen_team() {
        let first = sealed(try_save(&warned(&[]), NEW, CONFIRM, Role::Team(3)).unwrap());
        let edit = |note: &str, role: Role| {
            sealed(try_save(&warned(&[("note", note)]), Base::Edit(&first), ASK, role).unwrap())
        };
        let head_a = edit("a", Role::Team(3));
        let mut head_b = edit("b", Role::Commune);
        head_b.team = 4;
        head_b.id = head_b.compute_id();
        let heads = [&head_a, &head_b];
        let numbered = crate::domain::resolve::numbered(&heads);
        let base = Base::Heads {
            heads: &heads,
            take: Some(1),
        };
        let resolved = try_save(&warned(&[("note", "a")]), base, ASK, Role::Commune).unwrap();
        let mut parents = resolved.parents.clone();
        crate::sort::sort(&mut parents);
        let mut expected = vec![head_a.id.clone(), head_b.id.clone()];
        crate::sort::sort(&mut expected);
        assert_eq!(parents, expected);
        assert_eq!(
            resolved.confirmed, first.confirmed,
            "no new confirmation asked"
        );
        assert_eq!(resolved.team, numbered[0].team);
    }

    #[test]
    fn a_void_needs_a_reason_and_a_later_save_opens_the_case_again() {
        let fine = warned(&[("person_id", "034090123456")]);
        let saved = sealed(try_save(&fine, NEW, ASK, Role::Team(3)).unwrap());
        let office = who(Role::Commune);
        assert_eq!(void(&saved, "  ", &office), Err(VoidRefused::NoReason));
        let voided = sealed(void(&saved, "Trùng với AC-00007", &office).unwrap());
        assert_eq!(voided.status, Status::Voided);
        assert_eq!(voided.values[VOID_FIELD], "Trùng với AC-00007");
        assert_eq!(voided.parents, std::slice::from_ref(&saved.id));
        assert_eq!(voided.team, 3);
        assert_eq!(
            void(&voided, "again", &office),
            Err(VoidRefused::AlreadyVoided)
        );
        let reopened = try_save(&voided.values, Base::Edit(&voided), ASK, Role::Team(3)).unwrap();
        assert_eq!(reopened.status, Status::Done);
        assert!(!reopened.values.contains_key(VOID_FIELD));
    }
}
