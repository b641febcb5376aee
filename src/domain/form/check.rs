//! Checking a whole case against its form: each value judged and normalised
//! (fields that read others last), required fields asked for, problems in the
//! form's order, and the status the case is saved with. How one value meets
//! its kind is `kind`'s.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::MAX_VALUE_CHARS;
use super::kind::{check_kind, longer_than};
use super::spec::{FieldSpec, FormSpec, Kind, rule_holds};
use crate::domain::commune::Village;
use crate::domain::rules::{PartialDate, ProblemKind, Severity};
use crate::domain::text;
use crate::domain::version::Status;

/// What a form needs to know about the world to check values.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub today: NaiveDate,
    pub villages: &'a [Village],
}

/// A problem with one field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub kind: ProblemKind,
}

impl FieldProblem {
    pub fn is_error(&self) -> bool {
        self.kind.severity() == Severity::Error
    }

    /// How a confirmed warning is recorded in a version: `field:code`.
    pub fn confirm_code(&self) -> String {
        format!("{}:{}", self.field, self.kind.code())
    }
}

/// The outcome of checking a whole case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Normalised values where they passed, the cleaned text as typed where they
    /// did not: nothing the user typed is lost.
    pub values: BTreeMap<String, String>,
    pub problems: Vec<FieldProblem>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &FieldProblem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &FieldProblem> {
        self.problems.iter().filter(|p| !p.is_error())
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Warnings not among `confirmed` (codes as in [`FieldProblem::confirm_code`]).
    pub fn unconfirmed<'a>(
        &'a self,
        confirmed: &'a [String],
    ) -> impl Iterator<Item = &'a FieldProblem> {
        self.warnings()
            .filter(move |w| !confirmed.contains(&w.confirm_code()))
    }
}

impl FormSpec {
    /// Checks every field of a case. `raw` may hold values as typed or as stored;
    /// checking stored values gives them back unchanged.
    pub fn check(&self, raw: &BTreeMap<String, String>, ctx: &Context) -> Checked {
        let mut problems = Vec::new();
        // Which fields got a value, by position, so the required check below
        // need not look each one up again.
        let mut filled = vec![false; self.fields.len()];
        // Stored values come back as they are, so the values start as a copy
        // of `raw` and each is checked where it stands: kept, replaced by its
        // normal form, or dropped (empty, or not a field of this form).
        // Fields whose check reads other fields wait for those; the others
        // read nothing, so they are given nothing to read.
        let no_others = BTreeMap::new();
        let mut checked_values = raw.clone();
        checked_values.retain(|id, value| {
            let Some(i) = self.fields.iter().position(|f| f.id == *id) else {
                return false;
            };
            let field = &self.fields[i];
            if field.reads_other_fields() {
                return true;
            }
            let kept = self.kept_value(field, value, &no_others, ctx, &mut problems);
            if kept != *value {
                *value = kept.into_owned();
            }
            filled[i] = !value.is_empty();
            filled[i]
        });
        // Then those that read others. They only read fields checked above
        // (a test checks every form), so the values they read are final,
        // whatever this loop has reached.
        for (i, field) in self.fields.iter().enumerate() {
            if !field.reads_other_fields() {
                continue;
            }
            let raw_value = raw.get(&field.id).map(String::as_str).unwrap_or("");
            let kept = self.kept_value(field, raw_value, &checked_values, ctx, &mut problems);
            if kept.is_empty() {
                checked_values.remove(&field.id);
            } else {
                filled[i] = true;
                if kept != raw_value {
                    checked_values.insert(field.id.clone(), kept.into_owned());
                }
            }
        }
        // A field that does not apply given the others is not kept; a value
        // given for it is an error, so that none is dropped unseen.
        for (i, field) in self.fields.iter().enumerate() {
            if field.is_relevant(&checked_values) {
                continue;
            }
            if checked_values.remove(&field.id).is_some() {
                filled[i] = false;
                problems.push(FieldProblem {
                    field: field.id.clone(),
                    kind: ProblemKind::NotRelevant {
                        because: field.relevant_because().to_string(),
                    },
                });
            }
        }
        problems.extend(self.order_problems(&checked_values));
        for (field, filled) in self.fields.iter().zip(filled) {
            if !filled && field.is_required(&checked_values) {
                problems.push(FieldProblem {
                    field: field.id.clone(),
                    kind: ProblemKind::Required,
                });
            }
        }
        // Report in the order the form shows the fields.
        crate::sort::sort_by_key(&mut problems, |p| {
            self.fields.iter().position(|f| f.id == p.field)
        });
        Checked {
            values: checked_values,
            problems,
        }
    }

    /// The problems [`FormSpec::check`] finds in `values` when it would keep
    /// every one of them as it is, which values saved by tothon always are;
    /// `None` when it would change one (only `check` can then say which).
    /// It answers as `check` does without copying the values: every row of
    /// an import is judged by it. Like a version's check, it looks only at
    /// the form's fields (`check` drops any other key without a problem).
    pub fn as_saved(
        &self,
        values: &BTreeMap<String, String>,
        ctx: &Context,
    ) -> Option<Vec<FieldProblem>> {
        self.as_saved_by(values, ctx, true)
    }

    /// [`FormSpec::as_saved`] of a version brought in a bundle, which any
    /// release of tothon may have saved: which fields apply is the saving
    /// release's business (one from before `relevant` kept a blocker on an
    /// activated case), so a value of a field that does not apply now is
    /// judged like any other, never a reason to refuse the version.
    pub fn as_sent(
        &self,
        values: &BTreeMap<String, String>,
        ctx: &Context,
    ) -> Option<Vec<FieldProblem>> {
        self.as_saved_by(values, ctx, false)
    }

    fn as_saved_by(
        &self,
        values: &BTreeMap<String, String>,
        ctx: &Context,
        relevance: bool,
    ) -> Option<Vec<FieldProblem>> {
        let no_others = BTreeMap::new();
        let mut problems = Vec::new();
        // A form's values found on the stack, without an allocation a row
        // (every form has far fewer fields).
        let mut on_stack = [None; 32];
        let mut on_heap = Vec::new();
        let found = match on_stack.get_mut(..self.fields.len()) {
            Some(found) => found,
            None => {
                on_heap.resize(self.fields.len(), None);
                on_heap.as_mut_slice()
            }
        };
        self.field_values_into(values, found);
        let found = &*found;
        for (field, &value) in self.fields.iter().zip(found) {
            // `check` looks at a field that reads nothing else only where
            // it has a value; one that reads others, always.
            let others = match (field.reads_other_fields(), value) {
                (true, _) => values,
                (false, Some(_)) => &no_others,
                (false, None) => continue,
            };
            let kept = self.kept_value(field, value.unwrap_or(""), others, ctx, &mut problems);
            if Some(kept.as_ref()).filter(|k| !k.is_empty()) != value {
                return None;
            }
            // `check` drops a value of a field that does not apply.
            if relevance && value.is_some() && !field.is_relevant(values) {
                return None;
            }
        }
        problems.extend(self.order_problems(values));
        for (field, value) in self.fields.iter().zip(found) {
            let filled = value.is_some_and(|v| !v.is_empty());
            if !filled && field.is_required(values) {
                problems.push(FieldProblem {
                    field: field.id.clone(),
                    kind: ProblemKind::Required,
                });
            }
        }
        crate::sort::sort_by_key(&mut problems, |p| {
            self.fields.iter().position(|f| f.id == p.field)
        });
        Some(problems)
    }

    /// Dates that come after a date they may not (a birth after the visit),
    /// among final values: both must be dates as stored.
    fn order_problems<'a>(
        &'a self,
        values: &'a BTreeMap<String, String>,
    ) -> impl Iterator<Item = FieldProblem> + 'a {
        let date = |id: &str| values.get(id).and_then(|v| PartialDate::parse_iso(v));
        self.fields.iter().filter_map(move |field| {
            let Kind::Date {
                not_after: Some(other),
                ..
            } = field.kind_for(values)
            else {
                return None;
            };
            date(&field.id)?
                .is_wholly_after(&date(other)?)
                .then(|| FieldProblem {
                    field: field.id.clone(),
                    kind: ProblemKind::DateAfterField {
                        field: other.clone(),
                    },
                })
        })
    }

    /// [`FormSpec::check_field`] with its problems recorded: the value to
    /// keep is the normalised one, or the cleaned text as typed when it did
    /// not pass (empty for nothing to keep).
    fn kept_value<'a>(
        &'a self,
        field: &'a FieldSpec,
        raw: &'a str,
        others: &BTreeMap<String, String>,
        ctx: &Context,
        problems: &mut Vec<FieldProblem>,
    ) -> Cow<'a, str> {
        match self.checked_value(field, raw, others, ctx) {
            Ok((value, warnings)) => {
                // Nearly always none, and then nothing to set up.
                if !warnings.is_empty() {
                    problems.extend(warnings.into_iter().map(|kind| FieldProblem {
                        field: field.id.clone(),
                        kind,
                    }));
                }
                value
            }
            Err(kind) => {
                problems.push(FieldProblem {
                    field: field.id.clone(),
                    kind,
                });
                text::clean_cow(raw)
            }
        }
    }

    /// Checks one value. `others` are the (normalised) values of the other
    /// fields, read by ID checks (sex, birth date) and dependent kinds.
    /// An empty value passes here; whether it is required is the caller's call.
    pub fn check_field(
        &self,
        field: &FieldSpec,
        raw: &str,
        others: &BTreeMap<String, String>,
        ctx: &Context,
    ) -> Result<(String, Vec<ProblemKind>), ProblemKind> {
        self.checked_value(field, raw, others, ctx)
            .map(|(value, warnings)| (value.into_owned(), warnings))
    }

    /// [`FormSpec::check_field`], borrowing a value that is already in its
    /// normal form (from `raw`, or the spec's own choice ids) instead of
    /// copying it.
    fn checked_value<'a>(
        &'a self,
        field: &'a FieldSpec,
        raw: &'a str,
        others: &BTreeMap<String, String>,
        ctx: &Context,
    ) -> Result<(Cow<'a, str>, Vec<ProblemKind>), ProblemKind> {
        let cleaned = text::clean_cow(raw);
        if cleaned.is_empty() {
            return Ok((Cow::Borrowed(""), Vec::new()));
        }
        // No field of any form holds more than a short paragraph; a longer
        // value is a pasted document or a broken file, never data.
        if longer_than(&cleaned, MAX_VALUE_CHARS) {
            return Err(ProblemKind::TooLong {
                max: MAX_VALUE_CHARS,
            });
        }
        let kind = field.kind_for(others);
        match cleaned {
            Cow::Borrowed(value) => check_kind(kind, value, others, ctx),
            Cow::Owned(value) => check_kind(kind, &value, others, ctx)
                .map(|(value, warnings)| (Cow::Owned(value.into_owned()), warnings)),
        }
    }

    /// The status a case with these (checked) values is saved with.
    pub fn status(&self, checked: &Checked) -> Status {
        self.status_of(&checked.values, &checked.problems)
    }

    /// [`FormSpec::status`] of checked values and their problems.
    pub fn status_of(
        &self,
        values: &BTreeMap<String, String>,
        problems: &[FieldProblem],
    ) -> Status {
        if problems.iter().any(FieldProblem::is_error) {
            Status::Draft
        } else if rule_holds(&self.done_when, values) {
            Status::Done
        } else if rule_holds(&self.blocked_when, values) {
            Status::Blocked
        } else {
            Status::InProgress
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::values;
    use crate::domain::form::{MAX_NAME_CHARS, form, forms, register};

    fn ctx() -> (NaiveDate, Vec<Village>) {
        let c = crate::domain::commune::Commune::with_numbered_villages("Xã Thử", 6);
        (NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), c.villages)
    }

    /// What people type and what is stored, for any field: ids, labels,
    /// dates and numbers in both forms, and things that are wrong.
    const TYPED: &[&str] = &[
        "",
        "  ",
        "male",
        "Nữ",
        "nu",
        "x",
        "1",
        "3",
        "03",
        "+3",
        "Thôn 3",
        "thon  2",
        "1990",
        "1/5/1990",
        "1990-05-01",
        "2026-11-20",
        "20/11/2026",
        "31/02/2020",
        "2030-01-01",
        "0912345678",
        "+84 912.345.678",
        "01662345678",
        "024 3825 1234",
        "001090123456",
        "001 090 123 456",
        "034190123456",
        "00109012345",
        "012 345 678",
        "Nguyễn  Văn An",
        "Nguye\u{0302}\u{0303}n Văn 2",
        "H'Hen Niê",
        "level1",
        "Mức 2",
        "da kich hoat muc 2",
        "activated_level1",
        "failed",
        "no_smartphone",
        "Không có điện thoại thông minh",
        "no_head;other",
        "Hộ không có chủ hộ, other",
        "other, other",
        "verified",
        "corrected",
        "ethnicity",
        "religion",
        "cmnd",
        "birth_date",
        "relation",
        "khmer",
        "Kinh",
        "Phật giáo",
        "bố",
        "Elf",
        "05",
        "-0",
        "100",
        "HK-0012",
        "\u{FEFF}ghi\tchú\u{200B} ",
    ];

    proptest::proptest! {
        #[test]
        fn checking_what_check_kept_keeps_it(
            form_index in 0..3usize,
            picks in proptest::collection::vec(proptest::option::of(0..TYPED.len()), 16),
        ) {
            let (today, villages) = ctx();
            let c = Context { today, villages: &villages };
            let spec = &forms()[form_index];
            let raw: BTreeMap<String, String> = spec
                .fields
                .iter()
                .zip(&picks)
                .filter_map(|(f, pick)| Some((f.id.clone(), TYPED[(*pick)?].to_string())))
                .collect();
            let checked = spec.check(&raw, &c);
            let again = spec.check(&checked.values, &c);
            proptest::prop_assert_eq!(&again.values, &checked.values);
            // Without a copy, the same answer: the problems of what check
            // keeps as it is, nothing for what it would change.
            let kept_as_is = checked.values == raw;
            proptest::prop_assert_eq!(
                spec.as_saved(&raw, &c),
                kept_as_is.then(|| checked.problems.clone())
            );
            proptest::prop_assert_eq!(
                spec.as_saved(&checked.values, &c),
                Some(again.problems.clone())
            );
            proptest::prop_assert_eq!(
                spec.status_of(&checked.values, &checked.problems),
                spec.status(&checked)
            );
            // Stored values that passed come back exactly, problems and all.
            if checked.problems.is_empty() {
                proptest::prop_assert_eq!(&again, &checked);
            }
        }
    }

    /// The fields a kind's check reads, including those of `depends` cases.
    fn fields_read(kind: &Kind) -> Vec<&str> {
        match kind {
            Kind::PersonalId {
                sex_field,
                birth_field,
            } => sex_field
                .iter()
                .chain(birth_field)
                .map(String::as_str)
                .collect(),
            Kind::Depends {
                on,
                cases,
                otherwise,
            } => [on.as_str()]
                .into_iter()
                .chain(
                    cases
                        .values()
                        .chain([otherwise.as_ref()])
                        .flat_map(fields_read),
                )
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn checks_read_only_fields_that_read_nothing() {
        // `check` checks the fields that read others last, against values
        // that must be final by then.
        for f in forms().iter().chain([register()]) {
            for fl in &f.fields {
                assert_eq!(fl.reads_other_fields(), !fields_read(&fl.kind).is_empty());
                for id in fields_read(&fl.kind) {
                    let read = f.field(id).unwrap();
                    assert!(!read.reads_other_fields(), "{}: {} reads {id}", f.id, fl.id);
                }
            }
        }
    }

    #[test]
    fn a_valid_activation_is_normalised_and_done() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("activation").unwrap();
        let checked = spec.check(
            &values(&[
                ("person_id", "001 090 123 456"),
                ("full_name", "  Nguyễn   Văn  An "),
                ("birth_date", "1/5/1990"),
                ("sex", "Nam"),
                ("phone", "+84 912.345.678"),
                ("target_level", "Mức 2"),
                ("status", "da kich hoat muc 2"),
                ("visit_date", "20/11/2026"),
            ]),
            &c,
        );
        assert_eq!(checked.problems, vec![]);
        assert_eq!(checked.values["person_id"], "001090123456");
        assert_eq!(checked.values["full_name"], "Nguyễn Văn An");
        assert_eq!(checked.values["birth_date"], "1990-05-01");
        assert_eq!(checked.values["sex"], "male");
        assert_eq!(checked.values["phone"], "0912345678");
        assert_eq!(checked.values["status"], "activated_level2");
        assert_eq!(spec.status(&checked), Status::Done);
        // Checking stored values gives them back unchanged.
        assert_eq!(spec.check(&checked.values, &c), checked);
    }

    #[test]
    fn a_blocker_does_not_apply_to_an_activated_case() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("activation").unwrap();
        let with = |status: &str, blocker: &str| {
            spec.check(
                &values(&[
                    ("person_id", "001090123456"),
                    ("full_name", "Nguyễn Văn An"),
                    ("target_level", "level2"),
                    ("status", status),
                    ("blocker", blocker),
                    ("visit_date", "20/11/2026"),
                ]),
                &c,
            )
        };
        // Activated with a blocker: an error on the blocker, which is not
        // kept, so it can never be saved as done with one.
        let checked = with("activated_level2", "no_smartphone");
        assert_eq!(
            checked.problems,
            vec![FieldProblem {
                field: "blocker".into(),
                kind: ProblemKind::NotRelevant {
                    because: "status".into()
                },
            }]
        );
        assert!(!checked.values.contains_key("blocker"));
        assert!(checked.errors().next().is_some());
        // Activated without one: done.
        let checked = with("activated_level2", "");
        assert_eq!(checked.problems, vec![]);
        assert_eq!(spec.status(&checked), Status::Done);
        // Not registered: the blocker applies and is required.
        let checked = with("not_registered", "no_smartphone");
        assert_eq!(checked.problems, vec![]);
        assert_eq!(checked.values["blocker"], "no_smartphone");
        let checked = with("not_registered", "");
        assert_eq!(checked.problems[0].kind, ProblemKind::Required);
        // What the form keeps of values typed: the blocker goes once activated.
        let mut typed = values(&[("status", "activated_level1"), ("blocker", "away")]);
        spec.keep_relevant(&mut typed);
        assert_eq!(typed, values(&[("status", "activated_level1")]));
    }

    #[test]
    fn errors_make_a_draft_and_keep_what_was_typed() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("activation").unwrap();
        let checked = spec.check(
            &values(&[
                ("person_id", "00109012345"),
                ("full_name", "Lê Thị B"),
                ("target_level", "level1"),
                ("status", "failed"),
                ("visit_date", "20/11/2026"),
            ]),
            &c,
        );
        let errs: Vec<_> = checked.errors().map(|p| p.field.as_str()).collect();
        assert_eq!(errs, vec!["person_id", "blocker"]);
        assert_eq!(checked.values["person_id"], "00109012345");
        assert_eq!(spec.status(&checked), Status::Draft);
    }

    #[test]
    fn blocked_when_a_blocker_is_given_and_not_activated() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("activation").unwrap();
        let mut v = values(&[
            ("person_id", "001090123456"),
            ("full_name", "Lê Văn C"),
            ("target_level", "level2"),
            ("status", "not_registered"),
            ("blocker", "Không có điện thoại thông minh"),
            ("visit_date", "20/11/2026"),
        ]);
        let checked = spec.check(&v, &c);
        assert_eq!(checked.values["blocker"], "no_smartphone");
        assert_eq!(spec.status(&checked), Status::Blocked);
        // Once activated, a blocker does not apply (issue 20): the value
        // given is an error, so the version can only be a draft.
        v.insert("status".into(), "activated_level1".into());
        assert_eq!(spec.status(&spec.check(&v, &c)), Status::Draft);
        v.remove("blocker");
        v.insert("status".into(), "activated_level2".into());
        assert_eq!(spec.status(&spec.check(&v, &c)), Status::Done);
    }

    #[test]
    fn household_without_head_needs_no_head_fields() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("household_check").unwrap();
        let mut v = values(&[
            ("household_code", "HK-0012"),
            ("village", "Thôn 3"),
            ("visit_date", "20/11/2026"),
        ]);
        let missing: Vec<_> = spec
            .check(&v, &c)
            .errors()
            .map(|p| p.field.clone())
            .collect();
        assert_eq!(missing, vec!["head_name", "head_id"]);
        v.insert("findings".into(), "Hộ không có chủ hộ, other".into());
        let checked = spec.check(&v, &c);
        assert!(!checked.has_errors(), "{:?}", checked.problems);
        assert_eq!(checked.values["village"], "3");
        assert_eq!(checked.values["findings"], "no_head;other");
        assert_eq!(spec.status(&checked), Status::InProgress);
    }

    #[test]
    fn the_corrected_value_is_checked_by_the_missing_field_kind() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("missing_field").unwrap();
        let base = [
            ("person_id", "001090123456"),
            ("full_name", "Lê Văn C"),
            ("outcome", "corrected"),
            ("evidence", "statement"),
            ("visit_date", "20/11/2026"),
        ];
        let with = |missing: &str, value: &str| {
            let mut v = values(&base);
            v.insert("missing".into(), missing.into());
            v.insert("value".into(), value.into());
            spec.check(&v, &c)
        };
        assert_eq!(with("ethnicity", "khmer").values["value"], "Khơ-me");
        assert!(with("ethnicity", "Elf").has_errors());
        assert_eq!(with("cmnd", "012 345 678").values["value"], "012345678");
        assert!(with("cmnd", "12345").has_errors());
        assert_eq!(with("birth_date", "1990").values["value"], "1990");
        assert_eq!(
            with("place_of_origin", "Nam Định").values["value"],
            "Nam Định"
        );
        let mut v = values(&base);
        v.insert("missing".into(), "religion".into());
        let errs: Vec<_> = spec
            .check(&v, &c)
            .errors()
            .map(|p| p.field.clone())
            .collect();
        assert_eq!(errs, vec!["value"]);
    }

    #[test]
    fn overlong_values_are_refused() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("activation").unwrap();
        let name = spec.field("full_name").unwrap();
        let long = "A".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            spec.check_field(name, &long, &BTreeMap::new(), &c),
            Err(ProblemKind::TooLong {
                max: MAX_NAME_CHARS
            })
        );
        let note = spec.field("note").unwrap();
        let huge = "x ".repeat(MAX_VALUE_CHARS);
        assert!(spec.check_field(note, &huge, &BTreeMap::new(), &c).is_err());
    }

    #[test]
    fn warnings_are_reported_with_confirmable_codes() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("missing_field").unwrap();
        // Year digits say 1991, the birth date says 1990.
        let checked = spec.check(
            &values(&[
                ("person_id", "001091123456"),
                ("full_name", "Lê Văn C"),
                ("birth_date", "01/05/1990"),
                ("missing", "religion"),
                ("visit_date", "20/11/2026"),
            ]),
            &c,
        );
        assert!(!checked.has_errors());
        let codes: Vec<String> = checked.warnings().map(|w| w.confirm_code()).collect();
        assert_eq!(codes, vec!["person_id:id_year_mismatch".to_string()]);
        assert_eq!(checked.unconfirmed(&codes).count(), 0);
    }

    /// The value stored (or the problems) for `value` typed as the missing
    /// `what` of a missing-field case, through the check every front and
    /// the work-list importer use.
    fn missing_value(what: &str, value: &str) -> (Option<String>, Vec<ProblemKind>) {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let checked = form("missing_field").unwrap().check(
            &values(&[
                ("person_id", "001090123456"),
                ("full_name", "Lê Văn C"),
                ("missing", what),
                ("outcome", "corrected"),
                ("evidence", "statement"),
                ("value", value),
                ("visit_date", "20/11/2026"),
            ]),
            &c,
        );
        let problems = checked.problems.into_iter().map(|p| p.kind).collect();
        (checked.values.get("value").cloned(), problems)
    }

    /// Types every written form of every name (as written, in lower and upper case,
    /// without accents) as the missing `what`, and checks the name is what is stored.
    /// Returns how many values were typed.
    fn assert_stored_as_named<'a>(
        what: &str,
        names: impl Iterator<Item = (&'a str, Vec<&'a str>)>,
    ) -> usize {
        let mut tried = 0;
        for (name, forms) in names {
            for written in forms {
                for typed in [
                    written.to_string(),
                    written.to_lowercase(),
                    written.to_uppercase(),
                    text::fold(written),
                ] {
                    let (stored, problems) = missing_value(what, &typed);
                    assert_eq!(stored.as_deref(), Some(name), "{typed}");
                    assert_eq!(problems, vec![], "{typed}");
                    tried += 1;
                }
            }
        }
        tried
    }

    #[test]
    fn every_religion_name_and_synonym_is_stored_as_its_official_name() {
        use crate::domain::reference::{religion_written_forms, religions};
        let tried = assert_stored_as_named(
            "religion",
            religions()
                .iter()
                .map(|r| (r.name.as_str(), religion_written_forms(r).collect())),
        );
        // 17 names, their short names and 11 synonyms, four ways each.
        assert!(tried >= 4 * (17 + 11), "{tried}");
        for (typed, official) in [
            ("Thiên Chúa giáo", "Công giáo"),
            ("Thiên chúa", "Công giáo"),
            ("Hòa Hảo", "Phật giáo Hòa Hảo"),
            ("Đạo Phật", "Phật giáo"),
            ("Không tôn giáo", "Không"),
            ("Phật giáo Tứ Ân Hiếu Nghĩa", "Đạo Tứ Ân Hiếu Nghĩa"),
            ("Phật giáo Hiếu Nghĩa Tà Lơn", "Phật giáo Hiếu Nghĩa Tà Lơn"),
            ("Cơ Đốc Phục Lâm", "Cơ Đốc Phục Lâm"),
        ] {
            assert_eq!(
                missing_value("religion", typed).0.as_deref(),
                Some(official)
            );
        }
    }

    #[test]
    fn a_religion_not_listed_is_an_error_naming_the_nearest() {
        let (stored, problems) = missing_value("religion", "Tin Lành Cơ Đốc Phục Lâm");
        // Kept as typed, never as the religion its name starts with.
        assert_eq!(stored.as_deref(), Some("Tin Lành Cơ Đốc Phục Lâm"));
        let [ProblemKind::NotInNamedList { list, nearest, .. }] = problems.as_slice() else {
            panic!("{problems:?}");
        };
        assert_eq!(*list, crate::domain::rules::NamedList::Religions);
        assert!(
            nearest.contains(&"Cơ Đốc Phục Lâm".to_string()),
            "{nearest:?}"
        );
        assert!(nearest.contains(&"Tin Lành".to_string()), "{nearest:?}");
    }

    #[test]
    fn every_ethnic_name_spelling_and_synonym_is_stored_as_its_official_name() {
        use crate::domain::reference::{ethnic_groups, ethnic_written_forms};
        let tried = assert_stored_as_named(
            "ethnicity",
            ethnic_groups()
                .iter()
                .map(|g| (g.name.as_str(), ethnic_written_forms(g).collect())),
        );
        assert!(tried >= 4 * (55 + 7), "{tried}");
        for (typed, official) in crate::domain::reference::ISSUE_23_ETHNIC_SYNONYMS {
            assert_eq!(
                missing_value("ethnicity", typed).0.as_deref(),
                Some(official)
            );
        }
        let (_, problems) = missing_value("ethnicity", "Khơ Mu Lao");
        assert!(
            matches!(problems.as_slice(), [ProblemKind::NotInNamedList { nearest, .. }] if nearest.contains(&"Khơ-mú".to_string())),
            "{problems:?}"
        );
    }

    /// An activation with this birth and visit date, its ID fitting the
    /// birth year (no warning of its own).
    fn activation(birth: &str, visit: &str) -> Checked {
        let id = if birth.ends_with("2026") {
            "001226123456"
        } else {
            "001090123456"
        };
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        form("activation").unwrap().check(
            &values(&[
                ("person_id", id),
                ("full_name", "Nguyễn Văn An"),
                ("birth_date", birth),
                ("target_level", "Mức 2"),
                ("status", "da kich hoat muc 2"),
                ("visit_date", visit),
            ]),
            &c,
        )
    }

    #[test]
    fn a_birth_after_the_visit_is_an_error() {
        let checked = activation("10/11/2026", "05/11/2026");
        assert_eq!(
            checked.problems,
            vec![FieldProblem {
                field: "birth_date".into(),
                kind: ProblemKind::DateAfterField {
                    field: "visit_date".into()
                },
            }]
        );
        assert!(checked.has_errors());
        // Checked again as stored, the same.
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("activation").unwrap();
        assert_eq!(
            spec.as_saved(&checked.values, &c),
            Some(checked.problems.clone())
        );
        // A month or a year that may be before the visit is no problem.
        for birth in ["11/2026", "2026", "05/11/2026"] {
            assert_eq!(activation(birth, "05/11/2026").problems, vec![], "{birth}");
        }
        assert!(activation("12/2026", "05/11/2026").has_errors());
    }

    #[test]
    fn a_month_and_year_of_birth_is_stored_and_shown_as_such() {
        let checked = activation("02/1990", "20/11/2026");
        assert_eq!(checked.problems, vec![]);
        assert_eq!(checked.values["birth_date"], "1990-02");
        let spec = form("activation").unwrap();
        let field = spec.field("birth_date").unwrap();
        let shown = spec.display(
            field,
            "1990-02",
            &checked.values,
            crate::domain::lang::Lang::Vi,
            &[],
        );
        assert_eq!(shown, "02/1990");
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        assert_eq!(spec.check(&checked.values, &c), checked);
    }

    #[test]
    fn sex_is_never_read_from_a_digit() {
        let (today, villages) = ctx();
        let c = Context {
            today,
            villages: &villages,
        };
        let spec = form("activation").unwrap();
        let sex = spec.field("sex").unwrap();
        for digit in ["0", "1", "2", "M", "F"] {
            assert!(
                matches!(
                    spec.check_field(sex, digit, &BTreeMap::new(), &c),
                    Err(ProblemKind::NotInList { .. })
                ),
                "{digit}"
            );
        }
        for (word, id) in [
            ("nam", "male"),
            ("NỮ", "female"),
            ("Nu", "female"),
            ("MALE", "male"),
        ] {
            assert_eq!(
                spec.check_field(sex, word, &BTreeMap::new(), &c)
                    .map(|v| v.0),
                Ok(id.to_string())
            );
        }
    }
}
