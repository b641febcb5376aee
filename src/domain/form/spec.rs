//! The types a form spec is read into, the specs shipped in the binary
//! (`data/forms/*.json`), and finding a form's fields and their values.
//! Reading only: judging values is `check`'s and `kind`'s.

use std::collections::BTreeMap;
use std::sync::{OnceLock, RwLock};

use serde::Deserialize;

use super::MULTI_SEP;
use crate::domain::embedded::text as data;
use crate::domain::lang::Lang;

/// The form specs shipped in the binary (deflated at build time:
/// `domain::embedded`), inflated.
///
/// Stored versions name their form and fields by their places here and in
/// each form's field list (schema 5): add forms and fields at the end only.
/// A test in `store::codec` pins the places.
fn specs() -> [String; 8] {
    [
        data!("forms/household_check.json"),
        data!("forms/missing_field.json"),
        data!("forms/activation.json"),
        data!("forms/duplicate.json"),
        // The commune's other data-cleaning groups (issue 21).
        data!("forms/id_cancellation.json"),
        data!("forms/id_card_mismatch.json"),
        data!("forms/subscriber.json"),
        data!("forms/social_insurance.json"),
    ]
}

/// The forms shipped in the binary, parsed once, in [`specs`]' order: the
/// store's compact layouts number these (and only these).
pub fn builtin() -> &'static [FormSpec] {
    static FORMS: OnceLock<Vec<FormSpec>> = OnceLock::new();
    FORMS.get_or_init(|| {
        specs()
            .iter()
            .map(|s| serde_json::from_str(s).expect("form specs are checked by the tests"))
            .collect()
    })
}

/// The forms the commune added (`tothon form add`), every version known to
/// this process, and whether each is in force. Each spec is kept for the
/// process's life (a few kilobytes a form), so a `&'static` to one stays
/// good when a later version comes.
struct Added {
    /// Every version known: the store's, and those a bundle being read
    /// brought (the bundle's rows are read and checked with them).
    known: Vec<&'static FormSpec>,
    /// Of those, the ones the store holds (`id`, `version`): only these are
    /// in force, listed and saved with.
    held: Vec<(String, u32)>,
}

static ADDED: RwLock<Added> = RwLock::new(Added {
    known: Vec::new(),
    held: Vec::new(),
});

/// The forms shipped, then the latest version of each added form held
/// ([`forms`]), or known ([`known_forms`]), in the order they came.
static IN_FORCE: RwLock<Option<&'static [FormSpec]>> = RwLock::new(None);
static KNOWN: RwLock<Option<&'static [FormSpec]>> = RwLock::new(None);

fn slice(lock: &RwLock<Option<&'static [FormSpec]>>) -> &'static [FormSpec] {
    let made = *lock
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    made.unwrap_or_else(builtin)
}

/// All form specs in force: the shipped ones, then the latest version of
/// each the commune added that this device holds.
pub fn forms() -> &'static [FormSpec] {
    slice(&IN_FORCE)
}

/// [`forms`], and the forms a bundle being read brought: what the bundle's
/// files are read with.
pub fn known_forms() -> &'static [FormSpec] {
    slice(&KNOWN)
}

/// The form `id` at `version` (0: a shipped form), for a version made with
/// it: an older form's cases are read and checked with the form they were
/// made with.
pub fn form_at(id: &str, version: u32) -> Option<&'static FormSpec> {
    if version == 0 {
        return builtin().iter().find(|f| f.id == id);
    }
    let added = ADDED
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    added
        .known
        .iter()
        .find(|f| f.id == id && f.version == version)
        .copied()
}

/// Makes a version of a form the commune added known (a bundle being read
/// brought it): its rows can be read and checked; it is not in force.
pub fn know(spec: FormSpec) {
    remember(spec, false);
}

/// Puts a version of a form the commune added in force (the store holds
/// it): the latest version of a form is the one new cases are made with.
pub fn put_in_force(spec: FormSpec) {
    remember(spec, true);
}

fn remember(spec: FormSpec, held: bool) {
    let mut added = ADDED
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = (spec.id.clone(), spec.version);
    let at = added
        .known
        .iter()
        .position(|f| f.id == key.0 && f.version == key.1);
    let was_held = added.held.contains(&key);
    match at {
        // Held: the store's own spec, which nothing replaces.
        Some(_) if was_held => return,
        // Known only (a bundle read, perhaps refused after): the spec now
        // given replaces it, the store's when it is put in force.
        Some(n) => added.known[n] = Box::leak(Box::new(spec)),
        None => added.known.push(Box::leak(Box::new(spec))),
    }
    if held {
        added.held.push(key);
    }
    let latest = |only_held: bool| {
        let mut all: Vec<FormSpec> = builtin().to_vec();
        for f in &added.known {
            if only_held && !added.held.contains(&(f.id.clone(), f.version)) {
                continue;
            }
            match all.iter_mut().find(|g| g.id == f.id) {
                Some(g) if g.version < f.version => *g = (*f).clone(),
                Some(_) => {}
                None => all.push((*f).clone()),
            }
        }
        Some(&*Box::leak(all.into_boxed_slice()))
    };
    // Written under the lock of `ADDED`, so two callers cannot interleave.
    *KNOWN
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = latest(false);
    *IN_FORCE
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = latest(true);
}

/// Every version of a form the commune added, oldest first (none for a
/// shipped form).
pub fn versions_of(id: &str) -> Vec<&'static FormSpec> {
    let added = ADDED
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut all: Vec<&'static FormSpec> =
        added.known.iter().filter(|f| f.id == id).copied().collect();
    crate::sort::sort_by(&mut all, |a, b| a.version.cmp(&b.version));
    all
}

/// The columns a bundle's file of a form the commune added has: the fields
/// of its first version, then those each later one added, so the file of
/// a device that knows fewer versions is the start of one that knows more.
/// The spec of `versions`' latest with those fields.
pub fn across_versions(versions: &[&FormSpec]) -> Option<FormSpec> {
    let latest = versions.iter().max_by_key(|f| f.version)?;
    let mut fields: Vec<FieldSpec> = Vec::new();
    for v in versions {
        for f in &v.fields {
            if !fields.iter().any(|g| g.id == f.id) {
                fields.push(f.clone());
            }
        }
    }
    let mut spec = (*latest).clone();
    spec.fields = fields;
    spec.reset_field_order();
    Some(spec)
}

/// The form `id` in force (its latest version held): what a new version
/// is made and checked with.
pub fn form(id: &str) -> Option<&'static FormSpec> {
    forms().iter().find(|f| f.id == id)
}

/// The latest version of form `id` known (in force, or brought by a
/// bundle being read): what the cases and lines a bundle brings are
/// read with.
pub fn known(id: &str) -> Option<&'static FormSpec> {
    known_forms().iter().find(|f| f.id == id)
}

/// The forms a person can open a new case of, or a work list can hand out:
/// all but those about a suspected pair (opened from the duplicates only).
pub fn openable() -> Vec<&'static FormSpec> {
    forms()
        .iter()
        .filter(|f| f.subject != Subject::Pair)
        .collect()
}

/// A case form, or the register's row spec, by id: for naming fields and
/// forms in messages about either.
pub fn spec_named(id: &str) -> Option<&'static FormSpec> {
    form(id).or_else(|| (id == register().id).then(register))
}

/// The population register's row (`data/forms/register.json`): a person of
/// the commune's list, checked as a case's fields are. Not a case form: no
/// case is of it, so [`forms`] and [`form`] never return it.
pub fn register() -> &'static FormSpec {
    static REGISTER: OnceLock<FormSpec> = OnceLock::new();
    REGISTER.get_or_init(|| {
        serde_json::from_str(&data!("forms/register.json"))
            .expect("the register spec is checked by the tests")
    })
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
    /// The value is none of these (an empty value is none of them).
    #[serde(default)]
    pub not_in: Vec<String>,
    /// The field is filled (true) or empty (false).
    #[serde(default)]
    pub set: Option<bool>,
    /// A multi-choice field contains this choice.
    #[serde(default)]
    pub has: Option<String>,
    /// A multi-choice field does not contain this choice.
    #[serde(default)]
    pub lacks: Option<String>,
    /// A date field holds a day after this one ("a birth certificate
    /// after 01/07/2021"): a year or month alone only when all of it is.
    #[serde(default)]
    pub after: Option<chrono::NaiveDate>,
}

impl Cond {
    pub fn holds(&self, values: &BTreeMap<String, String>) -> bool {
        let value = values.get(&self.field).map(String::as_str).unwrap_or("");
        if !self.one_of.is_empty() && !self.one_of.iter().any(|v| v == value) {
            return false;
        }
        if self.not_in.iter().any(|v| v == value) {
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
        if let Some(lacks) = &self.lacks
            && value.split(MULTI_SEP).any(|v| v == lacks)
        {
            return false;
        }
        if let Some(after) = self.after
            && first_day(value).is_none_or(|first| first <= after)
        {
            return false;
        }
        true
    }
}

/// The first day a stored date can be: itself, or the first of its month
/// or year when only those are known ("2021" → 01/01/2021).
fn first_day(stored: &str) -> Option<chrono::NaiveDate> {
    let padded = match stored.len() {
        4 => format!("{stored}-01-01"),
        7 => format!("{stored}-01"),
        _ => stored.to_string(),
    };
    chrono::NaiveDate::parse_from_str(&padded, "%Y-%m-%d").ok()
}

/// Any of these groups, each group all of its conditions.
pub type Rule = Vec<Vec<Cond>>;

pub(super) fn rule_holds(rule: &Rule, values: &BTreeMap<String, String>) -> bool {
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
        /// A field whose date this one may not come after (a birth date's
        /// visit date), checked once both are final.
        #[serde(default)]
        not_after: Option<String>,
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
    /// When the field applies (XLSForm's `relevant`); empty: always. A
    /// field that does not apply is not shown, not asked and not stored.
    #[serde(default)]
    pub relevant: Rule,
    /// What a visit's form fills the field with, if anything.
    #[serde(default)]
    pub default: Option<FieldDefault>,
}

/// A value a form fills in for a visit (`"default"` in the spec).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldDefault {
    /// Today's date (the visit is today).
    Today,
    /// Who is working: the author of the sitting (the checker).
    Author,
    /// How many visits: 1 on the first, the last visit's count + 1 on a
    /// follow-up.
    Count,
    /// A date `days[value]` days after today, `value` being what `field`
    /// holds (`"next follow-up in 7 days while approval is pending"`);
    /// empty when the value is not in `days`. Worked out again as that
    /// field changes, unless the person typed the date themselves.
    DaysAfter {
        field: String,
        days: BTreeMap<String, u32>,
    },
}

/// Which visit a form is opened for: a case's first, or a follow-up (the
/// case was last visited on an earlier day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visit {
    First,
    FollowUp,
}

impl FieldSpec {
    /// Whether the field applies given the other values.
    pub fn is_relevant(&self, values: &BTreeMap<String, String>) -> bool {
        self.relevant.is_empty() || rule_holds(&self.relevant, values)
    }

    /// The field whose value decides that this one does not apply (the
    /// first its `relevant` rule reads).
    pub fn relevant_because(&self) -> &str {
        self.relevant
            .iter()
            .flatten()
            .next()
            .map_or("", |c| c.field.as_str())
    }

    pub fn is_required(&self, values: &BTreeMap<String, String>) -> bool {
        (self.required || rule_holds(&self.required_when, values))
            && !rule_holds(&self.required_unless, values)
            && self.is_relevant(values)
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
    pub(super) fn reads_other_fields(&self) -> bool {
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
    /// Two entries of the register that may be one citizen: such a case is
    /// opened from the suspected duplicates, never as a new case or from a
    /// work list.
    Pair,
}

#[derive(Clone, Debug, Deserialize)]
pub struct FormSpec {
    pub id: String,
    /// 0 for a form shipped in the binary; from 1 up for a form the
    /// commune added, raised with each change it sends.
    #[serde(default)]
    pub version: u32,
    /// Prefix of the case codes of this form ("AC-0012").
    pub code: String,
    pub label: Label,
    pub short: Label,
    pub subject: Subject,
    /// Fields that name the case in lists.
    pub title: Vec<String>,
    /// Fields that search matches.
    pub search: Vec<String>,
    /// Fields that say what a case is about: a case or work item of the
    /// form with the same values there is the same work (one household is
    /// checked once; a person can miss several fields, each its own work).
    /// Empty: the title fields.
    #[serde(default)]
    pub identity: Vec<String>,
    /// Fields that tell the person a case is about when the personal ID
    /// (the first identity field) is missing on one side: a name (compared
    /// folded) and a birth date, all filled in. Empty: the ID alone.
    #[serde(default)]
    pub identity_by_name: Vec<String>,
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
    /// The report's lines about this form, for a form the commune added
    /// (the shipped forms' are in `data/report.json`): in the report
    /// spec's terms. None given: one line of its assigned and done cases.
    #[serde(default)]
    pub report: Vec<crate::domain::report::LineSpec>,
    /// The positions of `fields` in the order of their ids, worked out once.
    #[serde(skip)]
    by_id: OnceLock<Vec<usize>>,
}

impl FormSpec {
    /// Fills the empty fields of a new case that declare a default (see
    /// [`FieldDefault`]): today's date as stored (ISO), the author's name.
    ///
    /// On a follow-up the visit's own fields (its date, who, the count)
    /// are renewed over what the last visit left; on a first visit only
    /// empty fields are filled. A [`FieldDefault::DaysAfter`] date is
    /// [`FormSpec::days_after`]'s, for the form to keep up to date.
    pub fn fill_defaults(
        &self,
        values: &mut BTreeMap<String, String>,
        today: chrono::NaiveDate,
        author: &str,
        visit: Visit,
    ) {
        for field in &self.fields {
            let value = match &field.default {
                // The last visit's appointment is met: worked out anew.
                Some(FieldDefault::DaysAfter { .. }) if visit == Visit::FollowUp => {
                    values.remove(&field.id);
                    continue;
                }
                Some(FieldDefault::Today) => today.to_string(),
                Some(FieldDefault::Author) if !author.trim().is_empty() => author.to_string(),
                Some(FieldDefault::Count) => match visit {
                    Visit::First => "1".to_string(),
                    Visit::FollowUp => {
                        let last = values.get(&field.id).and_then(|v| v.parse::<u32>().ok());
                        (last.unwrap_or(1).max(1) + 1).to_string()
                    }
                },
                _ => continue,
            };
            if visit == Visit::FollowUp || values.get(&field.id).is_none_or(String::is_empty) {
                values.insert(field.id.clone(), value);
            }
        }
    }

    /// Which visit opening a case with `values` (its last version's; none
    /// for a new case) on `today` begins: a follow-up when its visit date
    /// (the field whose default is today) is an earlier day and its next
    /// appointment (a [`FieldDefault::DaysAfter`] date), if any, is due; a
    /// case opened before its appointment is being looked at or corrected.
    pub fn visit_of(
        &self,
        values: Option<&BTreeMap<String, String>>,
        today: chrono::NaiveDate,
    ) -> Visit {
        let Some(values) = values else {
            return Visit::First;
        };
        let last = self
            .fields
            .iter()
            .find(|f| f.default == Some(FieldDefault::Today))
            .and_then(|f| values.get(&f.id))
            .and_then(|v| v.parse::<chrono::NaiveDate>().ok());
        let due = self
            .fields
            .iter()
            .filter(|f| matches!(f.default, Some(FieldDefault::DaysAfter { .. })))
            .filter_map(|f| values.get(&f.id))
            .filter_map(|v| v.parse::<chrono::NaiveDate>().ok())
            .all(|appointment| appointment <= today);
        match last {
            Some(day) if day < today && due => Visit::FollowUp,
            _ => Visit::First,
        }
    }

    /// The dates the spec works out from other fields
    /// ([`FieldDefault::DaysAfter`]), as `values` now stand: each field's
    /// id and its date (ISO), or `None` where the value it follows has no
    /// number of days.
    pub fn days_after(
        &self,
        values: &BTreeMap<String, String>,
        today: chrono::NaiveDate,
    ) -> Vec<(&str, Option<String>)> {
        self.fields
            .iter()
            .filter_map(|f| match &f.default {
                Some(FieldDefault::DaysAfter { field, days }) => {
                    let n = values.get(field).and_then(|v| days.get(v));
                    let date = n.map(|n| (today + chrono::Days::new(u64::from(*n))).to_string());
                    Some((f.id.as_str(), date))
                }
                _ => None,
            })
            .collect()
    }

    /// Drops from `values` every field that does not apply given the
    /// others (in the form's order, so a field read by a later one's rule
    /// is settled first): what a form shows and saves.
    pub fn keep_relevant(&self, values: &mut BTreeMap<String, String>) {
        for field in &self.fields {
            if !field.relevant.is_empty() && !field.is_relevant(values) {
                values.remove(&field.id);
            }
        }
    }

    /// Forgets the order of the fields' ids, after the fields changed.
    pub fn reset_field_order(&mut self) {
        self.by_id = OnceLock::new();
    }

    pub fn field(&self, id: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The fields that say what a case is about (see [`FormSpec::identity`]).
    pub fn identity_fields(&self) -> &[String] {
        if self.identity.is_empty() {
            &self.title
        } else {
            &self.identity
        }
    }

    /// The positions of the fields in the order of their ids (the order of
    /// a version's values).
    pub fn by_id(&self) -> &[usize] {
        self.by_id.get_or_init(|| {
            let mut order: Vec<usize> = (0..self.fields.len()).collect();
            crate::sort::sort_by(&mut order, |&a, &b| {
                self.fields[a].id.cmp(&self.fields[b].id)
            });
            order
        })
    }

    /// Each field's value in `values`, in the form's order: one walk over
    /// both in id order, rather than a look-up for each field.
    #[cfg(test)]
    pub(super) fn field_values<'v>(
        &self,
        values: &'v BTreeMap<String, String>,
    ) -> Vec<Option<&'v str>> {
        let mut out = vec![None; self.fields.len()];
        self.field_values_into(values, &mut out);
        out
    }

    /// [`FormSpec::field_values`] into `out`, as long as the fields and all
    /// `None` (a caller's buffer: every row of an import is judged).
    pub(super) fn field_values_into<'v>(
        &self,
        values: &'v BTreeMap<String, String>,
        out: &mut [Option<&'v str>],
    ) {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follow_up_visit_renews_its_date_who_and_count_and_works_out_the_next() {
        let spec = forms().iter().find(|f| f.id == "activation").unwrap();
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        // The first visit: today, who, count 1; no status, no next date.
        let mut first = BTreeMap::new();
        spec.fill_defaults(&mut first, day(1), "Lan", Visit::First);
        assert_eq!(first["visit_date"], "2026-12-01");
        assert_eq!(first["checker"], "Lan");
        assert_eq!(first["visits"], "1");
        assert_eq!(spec.days_after(&first, day(1)), [("next_follow_up", None)]);
        first.insert("status".into(), "pending".into());
        first.insert("next_follow_up".into(), "2026-12-08".into());
        assert_eq!(
            spec.days_after(&first, day(1)),
            [("next_follow_up", Some("2026-12-08".to_string()))]
        );
        // Seen again the same day: the same visit.
        assert_eq!(spec.visit_of(Some(&first), day(1)), Visit::First);
        assert_eq!(spec.visit_of(None, day(9)), Visit::First);
        // Before the appointment: a look or a correction, not a visit.
        assert_eq!(spec.visit_of(Some(&first), day(5)), Visit::First);
        // A week later: a follow-up, by someone else.
        assert_eq!(spec.visit_of(Some(&first), day(8)), Visit::FollowUp);
        let mut again = first.clone();
        spec.fill_defaults(&mut again, day(8), "Hùng", Visit::FollowUp);
        assert_eq!(again["visit_date"], "2026-12-08");
        assert_eq!(again["checker"], "Hùng");
        assert_eq!(again["visits"], "2");
        assert!(
            !again.contains_key("next_follow_up"),
            "the last appointment is met"
        );
        assert_eq!(again["status"], "pending");
        again.insert("status".into(), "not_registered".into());
        assert_eq!(
            spec.days_after(&again, day(8)),
            [("next_follow_up", Some("2026-12-22".to_string()))]
        );
        again.insert("status".into(), "activated_level2".into());
        assert_eq!(spec.days_after(&again, day(8)), [("next_follow_up", None)]);
        // A first visit fills only what is empty.
        let mut given = BTreeMap::from([("checker".to_string(), "Tâm".to_string())]);
        spec.fill_defaults(&mut given, day(1), "Lan", Visit::First);
        assert_eq!(given["checker"], "Tâm");
    }

    #[test]
    fn specs_parse_and_refer_only_to_their_own_fields() {
        assert_eq!(forms().len(), specs().len());
        let codes: std::collections::HashSet<&str> =
            forms().iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes.len(), forms().len(), "case codes repeat");
        for f in forms().iter().chain([register()]) {
            let known = |id: &String| f.field(id).is_some();
            let ids: std::collections::HashSet<&str> =
                f.fields.iter().map(|fl| fl.id.as_str()).collect();
            assert_eq!(ids.len(), f.fields.len(), "{}: field ids repeat", f.id);
            assert!(f.title.iter().all(known), "{}: title", f.id);
            assert!(f.search.iter().all(known), "{}: search", f.id);
            assert!(f.identity.iter().all(known), "{}: identity", f.id);
            assert!(
                f.identity_by_name.iter().all(known),
                "{}: identity_by_name",
                f.id
            );
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
                if let Kind::Date {
                    not_after: Some(other),
                    ..
                } = &fl.kind
                {
                    assert!(known(other), "{}: not_after names {other}", f.id);
                }
            }
        }
    }

    proptest::proptest! {
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
    }
}
