//! Form specs: the three forms of the work (and any later campaign) declared as
//! data in `data/forms/*.json`, and the validation they drive.
//!
//! A spec lists fields, their kinds, labels in both languages, choices,
//! required-ness and the rules that decide a case's status. The command line and
//! the form screen both validate through [`FormSpec::check`], so a value is
//! judged the same wherever it is typed. Pure: no storage, no clock (today is
//! passed in).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

use super::commune::Village;
use super::lang::Lang;
use super::reference;
use super::rules::{self, DateRule, PartialDate, ProblemKind, Severity, Sex, When};
use super::text;
use super::version::Status;

/// The form specs shipped in the binary.
///
/// Stored versions name their form and fields by their places here and in
/// each form's field list (schema 5): add forms and fields at the end only.
/// A test in `store::codec` pins the places.
const SPECS: [&str; 3] = [
    include_str!("../../data/forms/household_check.json"),
    include_str!("../../data/forms/missing_field.json"),
    include_str!("../../data/forms/activation.json"),
];

/// The longest value any field takes.
pub const MAX_VALUE_CHARS: usize = 2000;

/// The longest full name (the population data keeps 100 characters a part).
pub const MAX_NAME_CHARS: usize = 150;

/// Separator of the values of a multi-choice or multi-ID field, as stored.
pub const MULTI_SEP: char = ';';

/// All form specs, parsed once.
pub fn forms() -> &'static [FormSpec] {
    static FORMS: OnceLock<Vec<FormSpec>> = OnceLock::new();
    FORMS.get_or_init(|| {
        SPECS
            .iter()
            .map(|s| serde_json::from_str(s).expect("form specs are checked by the tests"))
            .collect()
    })
}

pub fn form(id: &str) -> Option<&'static FormSpec> {
    forms().iter().find(|f| f.id == id)
}

#[derive(Clone, Debug, Deserialize)]
pub struct Label {
    pub vi: String,
    pub en: String,
}

impl Label {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// One entry of an inline choice list; `id` is what is stored.
#[derive(Clone, Debug, Deserialize)]
pub struct Choice {
    pub id: String,
    pub vi: String,
    pub en: String,
}

impl Choice {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// Choice lists that live outside the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefList {
    Sex,
    Villages,
    EthnicGroups,
    Religions,
    Relationships,
}

/// A condition on another field's value, used by required-ness and status rules.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cond {
    pub field: String,
    /// The value is one of these.
    #[serde(default, rename = "in")]
    pub one_of: Vec<String>,
    /// The field is filled (true) or empty (false).
    #[serde(default)]
    pub set: Option<bool>,
    /// A multi-choice field contains this choice.
    #[serde(default)]
    pub has: Option<String>,
}

impl Cond {
    fn holds(&self, values: &BTreeMap<String, String>) -> bool {
        let value = values.get(&self.field).map(String::as_str).unwrap_or("");
        if !self.one_of.is_empty() && !self.one_of.iter().any(|v| v == value) {
            return false;
        }
        if let Some(set) = self.set
            && set == value.is_empty()
        {
            return false;
        }
        if let Some(has) = &self.has
            && !value.split(MULTI_SEP).any(|v| v == has)
        {
            return false;
        }
        true
    }
}

/// Any of these groups, each group all of its conditions.
pub type Rule = Vec<Vec<Cond>>;

fn rule_holds(rule: &Rule, values: &BTreeMap<String, String>) -> bool {
    rule.iter().any(|all| all.iter().all(|c| c.holds(values)))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenSpec {
    Past,
    Future,
    #[default]
    Any,
}

/// What a field holds and how its value is checked and normalised.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    Text {
        #[serde(default)]
        max_len: Option<usize>,
    },
    Name,
    PersonalId {
        #[serde(default)]
        sex_field: Option<String>,
        #[serde(default)]
        birth_field: Option<String>,
    },
    /// Several personal IDs, separated by `;`, `,` or spaces.
    PersonalIds,
    Cmnd,
    Phone,
    Date {
        #[serde(default)]
        year_only: bool,
        #[serde(default)]
        when: WhenSpec,
    },
    Number {
        min: i64,
        max: i64,
    },
    Choice {
        #[serde(default)]
        choices: Vec<Choice>,
        #[serde(default)]
        list: Option<RefList>,
    },
    MultiChoice {
        choices: Vec<Choice>,
    },
    /// The kind depends on the value of another (choice) field.
    Depends {
        on: String,
        cases: BTreeMap<String, Kind>,
        otherwise: Box<Kind>,
    },
}

#[derive(Clone, Debug, Deserialize)]
pub struct FieldSpec {
    pub id: String,
    pub label: Label,
    #[serde(flatten)]
    pub kind: Kind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub required_when: Rule,
    #[serde(default)]
    pub required_unless: Rule,
}

impl FieldSpec {
    pub fn is_required(&self, values: &BTreeMap<String, String>) -> bool {
        (self.required || rule_holds(&self.required_when, values))
            && !rule_holds(&self.required_unless, values)
    }

    /// The kind in force given the other values (resolves `depends`).
    pub fn kind_for<'a>(&'a self, values: &BTreeMap<String, String>) -> &'a Kind {
        let mut kind = &self.kind;
        while let Kind::Depends {
            on,
            cases,
            otherwise,
        } = kind
        {
            kind = values
                .get(on)
                .and_then(|v| cases.get(v))
                .unwrap_or(otherwise);
        }
        kind
    }

    /// True when this field's check reads other fields, so it runs after them.
    fn reads_other_fields(&self) -> bool {
        match &self.kind {
            Kind::PersonalId {
                sex_field,
                birth_field,
            } => sex_field.is_some() || birth_field.is_some(),
            Kind::Depends { .. } => true,
            _ => false,
        }
    }
}

/// Whether a form is about one person or one household.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Person,
    Household,
}

#[derive(Clone, Debug, Deserialize)]
pub struct FormSpec {
    pub id: String,
    /// Prefix of the case codes of this form ("AC-0012").
    pub code: String,
    pub label: Label,
    pub short: Label,
    pub subject: Subject,
    /// Fields that name the case in lists.
    pub title: Vec<String>,
    /// Fields that search matches.
    pub search: Vec<String>,
    /// The date field that says when to come back, if any.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// The field that says why a blocked case is blocked, if any.
    #[serde(default)]
    pub blocker: Option<String>,
    /// The field whose value the progress tables break down (an outcome or
    /// the e-ID level reached), if any.
    #[serde(default)]
    pub outcome: Option<String>,
    pub fields: Vec<FieldSpec>,
    pub done_when: Rule,
    pub blocked_when: Rule,
    /// The positions of `fields` in the order of their ids, worked out once.
    #[serde(skip)]
    by_id: OnceLock<Vec<usize>>,
}

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
    pub fn field(&self, id: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.id == id)
    }

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
        for (field, filled) in self.fields.iter().zip(filled) {
            if !filled && field.is_required(&checked_values) {
                problems.push(FieldProblem {
                    field: field.id.clone(),
                    kind: ProblemKind::Required,
                });
            }
        }
        // Report in the order the form shows the fields.
        problems.sort_by_key(|p| self.fields.iter().position(|f| f.id == p.field));
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
        let no_others = BTreeMap::new();
        let mut problems = Vec::new();
        let found = self.field_values(values);
        for (field, &value) in self.fields.iter().zip(&found) {
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
        }
        for (field, value) in self.fields.iter().zip(found) {
            let filled = value.is_some_and(|v| !v.is_empty());
            if !filled && field.is_required(values) {
                problems.push(FieldProblem {
                    field: field.id.clone(),
                    kind: ProblemKind::Required,
                });
            }
        }
        problems.sort_by_key(|p| self.fields.iter().position(|f| f.id == p.field));
        Some(problems)
    }

    /// The positions of the fields in the order of their ids (the order of
    /// a version's values).
    pub fn by_id(&self) -> &[usize] {
        self.by_id.get_or_init(|| {
            let mut order: Vec<usize> = (0..self.fields.len()).collect();
            order.sort_by(|&a, &b| self.fields[a].id.cmp(&self.fields[b].id));
            order
        })
    }

    /// Each field's value in `values`, in the form's order: one walk over
    /// both in id order, rather than a look-up for each field.
    fn field_values<'v>(&self, values: &'v BTreeMap<String, String>) -> Vec<Option<&'v str>> {
        let mut out = vec![None; self.fields.len()];
        let mut entries = values.iter().peekable();
        for &i in self.by_id() {
            let id = self.fields[i].id.as_str();
            while let Some((key, value)) = entries.peek() {
                match key.as_str().cmp(id) {
                    std::cmp::Ordering::Less => {
                        entries.next();
                    }
                    std::cmp::Ordering::Equal => {
                        out[i] = Some(value.as_str());
                        entries.next();
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
        }
        out
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

    /// The case's name in lists: its title fields, as displayed.
    pub fn title(&self, values: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        self.title_into(values, &mut out);
        out
    }

    /// [`FormSpec::title`] into `out` (cleared first), reusing its memory.
    pub fn title_into(&self, values: &BTreeMap<String, String>, out: &mut String) {
        out.clear();
        for (i, v) in self.title.iter().filter_map(|f| values.get(f)).enumerate() {
            if i > 0 {
                out.push_str(" · ");
            }
            out.push_str(v);
        }
    }

    /// What search matches for this case, folded.
    pub fn search_key(&self, values: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        self.search_key_into(values, &mut out);
        out
    }

    /// [`FormSpec::search_key`] into `out` (cleared first), reusing its memory.
    pub fn search_key_into(&self, values: &BTreeMap<String, String>, out: &mut String) {
        let parts = self.search.iter().filter_map(|f| values.get(f));
        text::fold_joined_into(parts.map(String::as_str), out);
    }

    /// A stored value as a person reads it: choice labels, dd/mm/yyyy dates.
    pub fn display(
        &self,
        field: &FieldSpec,
        value: &str,
        values: &BTreeMap<String, String>,
        lang: Lang,
        villages: &[Village],
    ) -> String {
        match field.kind_for(values) {
            Kind::Date { .. } => PartialDate::parse_iso(value)
                .map(|d| d.display())
                .unwrap_or_else(|| value.to_string()),
            Kind::Choice {
                choices,
                list: None,
            }
            | Kind::MultiChoice { choices } => value
                .split(MULTI_SEP)
                .map(|v| {
                    choices
                        .iter()
                        .find(|c| c.id == v)
                        .map(|c| c.label(lang).to_string())
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
            Kind::Choice {
                list: Some(RefList::Sex),
                ..
            } => sex_label(value, lang).unwrap_or(value).to_string(),
            Kind::Choice {
                list: Some(RefList::Villages),
                ..
            } => value
                .parse::<u8>()
                .ok()
                .and_then(|t| villages.iter().find(|v| v.team == t))
                .map(|v| v.name.clone())
                .unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        }
    }
}

fn sex_label(value: &str, lang: Lang) -> Option<&'static str> {
    match (value, lang) {
        ("male", Lang::Vi) => Some("Nam"),
        ("female", Lang::Vi) => Some("Nữ"),
        ("male", Lang::En) => Some("Male"),
        ("female", Lang::En) => Some("Female"),
        _ => None,
    }
}

fn sex_value(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

/// Whether `value` has more than `max` characters. A character takes at least
/// a byte, so short values (nearly all) are not counted.
fn longer_than(value: &str, max: usize) -> bool {
    value.len() > max && value.chars().count() > max
}

/// Whether an integer that parsed is written as `to_string` writes it: no
/// `+`, no leading zero, no "-0". Stored numbers are.
fn is_written_plainly(integer: &str) -> bool {
    let digits = integer.strip_prefix('-').unwrap_or(integer);
    integer == "0" || !digits.starts_with(['+', '0'])
}

/// Checks a cleaned, non-empty value against a kind.
fn check_kind<'a>(
    kind: &'a Kind,
    value: &'a str,
    others: &BTreeMap<String, String>,
    ctx: &Context,
) -> Result<(Cow<'a, str>, Vec<ProblemKind>), ProblemKind> {
    let plain = |v: Cow<'a, str>| Ok((v, Vec::new()));
    let as_is = Cow::Borrowed(value);
    match kind {
        Kind::Text { max_len } => {
            let max = max_len.unwrap_or(1000);
            if longer_than(value, max) {
                return Err(ProblemKind::TooLong { max });
            }
            plain(as_is)
        }
        Kind::Name => {
            if longer_than(value, MAX_NAME_CHARS) {
                return Err(ProblemKind::TooLong {
                    max: MAX_NAME_CHARS,
                });
            }
            // Cleaned above, and cleaning again changes nothing.
            rules::check_clean_name(value)?;
            plain(as_is)
        }
        Kind::PersonalId {
            sex_field,
            birth_field,
        } => {
            let sex = sex_field
                .as_ref()
                .and_then(|f| others.get(f))
                .and_then(|v| rules::parse_sex(v));
            let birth = birth_field
                .as_ref()
                .and_then(|f| others.get(f))
                .and_then(|v| PartialDate::parse_iso(v));
            rules::check_personal_id(value, sex, birth)
        }
        Kind::PersonalIds => {
            let mut ids = Vec::new();
            let mut warnings = Vec::new();
            for part in value
                .split(|c: char| c == MULTI_SEP || c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty())
            {
                let (id, w) = rules::check_personal_id(part, None, None)?;
                warnings.extend(w);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Ok((Cow::Owned(ids.join(&MULTI_SEP.to_string())), warnings))
        }
        Kind::Cmnd => plain(rules::check_cmnd(value)?),
        Kind::Phone => rules::check_phone(value),
        Kind::Date { year_only, when } => {
            let rule = DateRule {
                year_only: *year_only,
                when: match when {
                    WhenSpec::Past => When::Past,
                    WhenSpec::Future => When::Future,
                    WhenSpec::Any => When::Any,
                },
            };
            match PartialDate::parse_iso(value) {
                // Stored already: every ISO date reads as typed to the same
                // date, and is its own ISO form.
                Some(date) => {
                    rules::check_date(date, ctx.today, rule)?;
                    plain(as_is)
                }
                None => plain(Cow::Owned(rules::parse_date(value, ctx.today, rule)?.iso())),
            }
        }
        Kind::Number { min, max } => {
            let n: i64 = value.parse().map_err(|_| ProblemKind::NotANumber)?;
            if n < *min || n > *max {
                return Err(ProblemKind::NumberOutOfRange {
                    min: *min,
                    max: *max,
                });
            }
            // A stored number is written as `to_string` writes it.
            if is_written_plainly(value) {
                plain(as_is)
            } else {
                plain(Cow::Owned(n.to_string()))
            }
        }
        Kind::Choice { choices, list } => match list {
            None => plain(Cow::Borrowed(find_choice(choices, value)?)),
            Some(list) => plain(find_in_list(*list, value, ctx)?),
        },
        Kind::MultiChoice { choices } => {
            let mut picked: Vec<&str> = Vec::new();
            for part in value
                .split([MULTI_SEP, ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let id = find_choice(choices, part)?;
                if !picked.contains(&id) {
                    picked.push(id);
                }
            }
            // Stored in the spec's order so the same picks give the same value.
            picked.sort_by_key(|id| choices.iter().position(|c| c.id == *id));
            plain(Cow::Owned(picked.join(&MULTI_SEP.to_string())))
        }
        Kind::Depends { .. } => unreachable!("kind_for resolves depends"),
    }
}

/// Matches a typed choice by id or by either label, ignoring case and accents.
/// A stored value is an id, found without folding every label; no id of a
/// spec reads as another choice's label (a test checks), so trying ids first
/// finds the same choice.
fn find_choice<'a>(choices: &'a [Choice], value: &str) -> Result<&'a str, ProblemKind> {
    if let Some(c) = choices.iter().find(|c| c.id == value) {
        return Ok(&c.id);
    }
    let key = text::fold(value);
    choices
        .iter()
        .find(|c| text::fold(&c.vi) == key || text::fold(&c.en) == key)
        .map(|c| c.id.as_str())
        .ok_or_else(|| ProblemKind::NotInList {
            value: value.to_string(),
        })
}

fn find_in_list<'a>(
    list: RefList,
    value: &'a str,
    ctx: &Context,
) -> Result<Cow<'a, str>, ProblemKind> {
    let found = match list {
        RefList::Sex => rules::parse_sex(value).map(|s| Cow::Borrowed(sex_value(s))),
        RefList::Villages => {
            // The team number the value is written as, if it is one: read
            // once, not written out for every village.
            let team = value
                .parse::<u8>()
                .ok()
                .filter(|_| is_written_plainly(value));
            let key = text::fold(value);
            ctx.villages
                .iter()
                .find(|v| team == Some(v.team) || text::folds_to(&v.name, &key))
                .map(|v| {
                    if team == Some(v.team) {
                        // Already written as the number it stands for.
                        Cow::Borrowed(value)
                    } else {
                        Cow::Owned(v.team.to_string())
                    }
                })
        }
        RefList::EthnicGroups => {
            reference::find_ethnic_group(value).map(|g| Cow::Borrowed(g.name.as_str()))
        }
        RefList::Religions => {
            reference::find_religion(value).map(|r| Cow::Borrowed(r.name.as_str()))
        }
        RefList::Relationships => {
            reference::find_relationship(value).map(|r| Cow::Borrowed(r.name.as_str()))
        }
    };
    found.ok_or_else(|| ProblemKind::NotInList {
        value: value.to_string(),
    })
}

/// The choices a field offers, as (stored value, label), for pick lists and help.
pub fn choices_of(kind: &Kind, lang: Lang, villages: &[Village]) -> Vec<(String, String)> {
    match kind {
        Kind::Choice {
            choices,
            list: None,
        }
        | Kind::MultiChoice { choices } => choices
            .iter()
            .map(|c| (c.id.clone(), c.label(lang).to_string()))
            .collect(),
        Kind::Choice {
            list: Some(list), ..
        } => match list {
            RefList::Sex => ["male", "female"]
                .iter()
                .map(|v| (v.to_string(), sex_label(v, lang).unwrap_or(v).to_string()))
                .collect(),
            RefList::Villages => villages
                .iter()
                .map(|v| (v.team.to_string(), v.name.clone()))
                .collect(),
            RefList::EthnicGroups => reference::ethnic_groups()
                .iter()
                .map(|g| (g.name.clone(), g.name.clone()))
                .collect(),
            RefList::Religions => reference::religions()
                .iter()
                .map(|r| (r.name.clone(), r.name.clone()))
                .collect(),
            RefList::Relationships => reference::relationships()
                .iter()
                .map(|r| (r.name.clone(), r.name.clone()))
                .collect(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> (NaiveDate, Vec<Village>) {
        let c = super::super::commune::Commune::with_numbered_villages("Xã Thử", 6);
        (NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), c.villages)
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn specs_parse_and_refer_only_to_their_own_fields() {
        assert_eq!(forms().len(), 3);
        for f in forms() {
            let known = |id: &String| f.field(id).is_some();
            let ids: std::collections::HashSet<&str> =
                f.fields.iter().map(|fl| fl.id.as_str()).collect();
            assert_eq!(ids.len(), f.fields.len(), "{}: field ids repeat", f.id);
            assert!(f.title.iter().all(known), "{}: title", f.id);
            assert!(f.search.iter().all(known), "{}: search", f.id);
            assert!(f.follow_up.iter().all(known), "{}: follow_up", f.id);
            assert!(f.blocker.iter().all(known), "{}: blocker", f.id);
            assert!(f.outcome.iter().all(known), "{}: outcome", f.id);
            let rules = f
                .fields
                .iter()
                .flat_map(|fl| fl.required_when.iter().chain(&fl.required_unless))
                .chain(f.done_when.iter())
                .chain(f.blocked_when.iter());
            for group in rules {
                for c in group {
                    assert!(known(&c.field), "{}: rule names {}", f.id, c.field);
                }
            }
            for fl in &f.fields {
                if let Kind::PersonalId {
                    sex_field,
                    birth_field,
                } = &fl.kind
                {
                    assert!(sex_field.iter().chain(birth_field).all(known));
                }
            }
        }
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

        #[test]
        fn field_values_finds_each_field_as_a_look_up_would(
            form_index in 0..3usize,
            picks in proptest::collection::vec(proptest::bool::ANY, 24),
            strays in proptest::collection::vec("[a-z_]{0,12}", 0..6),
        ) {
            let spec = &forms()[form_index];
            let mut values: BTreeMap<String, String> = spec
                .fields
                .iter()
                .zip(&picks)
                .filter(|(_, pick)| **pick)
                .map(|(f, _)| (f.id.clone(), format!("value of {}", f.id)))
                .collect();
            for stray in strays {
                values.entry(stray.clone()).or_insert(stray);
            }
            let found = spec.field_values(&values);
            for (field, found) in spec.fields.iter().zip(found) {
                proptest::prop_assert_eq!(found, values.get(&field.id).map(String::as_str));
            }
        }

        #[test]
        fn integers_written_plainly_are_their_own_to_string(s in "[+-]{0,2}[0-9]{1,4}") {
            if let Ok(n) = s.parse::<i64>() {
                proptest::prop_assert_eq!(is_written_plainly(&s), n.to_string() == s);
            }
            if let Ok(n) = s.parse::<u8>() {
                proptest::prop_assert_eq!(is_written_plainly(&s), n.to_string() == s);
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
        for f in forms() {
            for fl in &f.fields {
                assert_eq!(fl.reads_other_fields(), !fields_read(&fl.kind).is_empty());
                for id in fields_read(&fl.kind) {
                    let read = f.field(id).unwrap();
                    assert!(!read.reads_other_fields(), "{}: {} reads {id}", f.id, fl.id);
                }
            }
        }
    }

    /// Every inline choice list of a kind, including those of `depends` cases.
    fn choice_lists(kind: &Kind) -> Vec<&[Choice]> {
        match kind {
            Kind::Choice { choices, .. } | Kind::MultiChoice { choices } => vec![choices],
            Kind::Depends {
                cases, otherwise, ..
            } => cases
                .values()
                .chain([otherwise.as_ref()])
                .flat_map(choice_lists)
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_choice_id_is_no_other_choice_label() {
        // `find_choice` tries ids before labels; that only finds what
        // matching both in one pass would if no id reads as an earlier label.
        for f in forms() {
            for choices in f.fields.iter().flat_map(|fl| choice_lists(&fl.kind)) {
                for c in choices {
                    let key = text::fold(&c.id);
                    let first = choices
                        .iter()
                        .find(|o| {
                            o.id == c.id || text::fold(&o.vi) == key || text::fold(&o.en) == key
                        })
                        .map(|o| o.id.as_str());
                    assert_eq!(first, Some(c.id.as_str()), "{}: choice {}", f.id, c.id);
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
    fn blocked_when_a_blocker_is_given_and_not_done() {
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
        v.insert("status".into(), "activated_level1".into());
        assert_eq!(spec.status(&spec.check(&v, &c)), Status::Blocked);
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
}
