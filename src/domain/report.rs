//! The numbers of the commune's periodic report, as of a date, counted as
//! the report spec (`data/report.json`) declares them: each line names the
//! counts behind its placeholders (a form's cases, those whose result meets
//! conditions on its values, or that ever did), and each is counted for the
//! whole commune and per village. Only versions edited on or before the day
//! count. (Work items carry no date they were assigned: the assigned totals
//! are the work list's as it stands, less the cases voided by the day.)
//! Pure: the words are `i18n::report`'s, the data the store's.
//!
//! A new data-cleaning group is a form spec and a few lines here: no code.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

use super::form::{self, Cond, FormSpec, Label};
use super::standing::Standing;
use super::version::Version;
use super::work::WorkItem;

/// The report's lines, by section.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub sections: Vec<SectionSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub heading: Label,
    pub lines: Vec<LineSpec>,
}

/// One line of the report: its wording in each language, with
/// placeholders (`{name}` a count, `{a%b}` the share of `a` in `b` to a
/// tenth of a percent, `{a%%b}` to a whole one, `{target}` the commune's
/// target for the line, `{with_target}` the `with_target` wording when a
/// target is set, empty otherwise) and the counts they name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSpec {
    /// Stable: the CSV's key, the target's name.
    pub key: String,
    /// The line in the per-village table.
    pub short: Label,
    pub counts: BTreeMap<String, CountSpec>,
    /// The count the line is about, and the one it is a share of (the
    /// CSV's `value` and `of`, the table's cells).
    pub value: String,
    #[serde(default)]
    pub of: Option<String>,
    pub vi: String,
    pub en: String,
    #[serde(default)]
    pub with_target: Option<Label>,
    /// The wording when a count is 0 (nothing to break down).
    #[serde(default)]
    pub zero: Option<Zero>,
}

impl LineSpec {
    /// What in this line names nothing that exists: a placeholder, `value`,
    /// `of` or `zero` naming no count (or `{with_target}` inside its own
    /// words), a brace left open, a count's form or field that `form`
    /// does not know, conditions on an assigned count. Each as the part of
    /// the line and the name at fault.
    pub fn faults<'a>(
        &'a self,
        form: impl Fn(&str) -> Option<&'a FormSpec>,
    ) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let known = |n: &str| n == "target" || n == "with_target" || self.counts.contains_key(n);
        if !known(&self.value) {
            out.push(("value", self.value.clone()));
        }
        if let Some(of) = self.of.as_ref().filter(|of| !known(of) || *of == "target") {
            out.push(("of", of.clone()));
        }
        if let Some(z) = self.zero.as_ref().filter(|z| !known(&z.count)) {
            out.push(("zero", z.count.clone()));
        }
        let own = [&self.vi, &self.en].into_iter().map(|w| (w, true));
        let target = self
            .with_target
            .iter()
            .flat_map(|l| [(&l.vi, false), (&l.en, false)]);
        for (wording, outer) in own.chain(target) {
            if wording.matches('{').count() != wording.matches('}').count() {
                out.push(("wording", wording.clone()));
            }
            for piece in wording.split('{').skip(1) {
                let name = piece.split('}').next().unwrap_or("");
                let inner_loop = !outer && name == "with_target";
                if inner_loop || name.split('%').any(|p| !p.is_empty() && !known(p)) {
                    out.push(("wording", name.to_string()));
                }
            }
        }
        for (name, c) in &self.counts {
            if c.cases == Cases::Assigned && !(c.conds.is_empty() && c.ever.is_empty()) {
                out.push(("counts", name.clone()));
            }
            let Some(id) = &c.form else {
                if c.source.is_none() {
                    out.push(("counts", name.clone()));
                }
                continue;
            };
            let Some(f) = form(id) else {
                out.push(("counts", id.clone()));
                continue;
            };
            let fields = c.conds.iter().chain(&c.ever).map(|cond| &cond.field);
            for field in fields.chain(&c.by).filter(|field| f.field(field).is_none()) {
                out.push(("counts", field.clone()));
            }
        }
        out
    }

    pub fn wording(&self, lang: super::lang::Lang) -> &str {
        match lang {
            super::lang::Lang::Vi => &self.vi,
            super::lang::Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zero {
    pub count: String,
    pub vi: String,
    pub en: String,
}

/// What one placeholder counts.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountSpec {
    #[serde(default)]
    pub form: Option<String>,
    /// Counted from the work list and cases rather than the form's cases.
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub cases: Cases,
    /// Conditions the case's result (its values as they count) meets.
    #[serde(default, rename = "where")]
    pub conds: Vec<Cond>,
    /// Conditions some version of the case up to the day met.
    #[serde(default)]
    pub ever: Vec<Cond>,
    /// Counted again by this field's values (a breakdown: "no smartphone
    /// 3; declined 1").
    #[serde(default)]
    pub by: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cases {
    /// Cases with a result (the conditions apply to it).
    #[default]
    Result,
    /// Every piece of work of the form: the work list's items and the cases
    /// opened in the field by the day, voided ones aside.
    Assigned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Pairs of suspected duplicate citizens in the register.
    DuplicatePairs,
}

impl Spec {
    /// Every line, section after section.
    pub fn lines(&self) -> impl Iterator<Item = &LineSpec> {
        self.sections.iter().flat_map(|s| &s.lines)
    }
}

/// The report spec: the lines shipped in the binary, then a section with
/// the lines of the forms the commune added (their own, or one each of
/// its cases assigned and carried out). Made again only when the forms in
/// force change.
pub fn spec() -> &'static Spec {
    let shipped = shipped();
    let forms = form::forms();
    if forms.iter().all(|f| f.version == 0) {
        return shipped;
    }
    // The spec made for these forms (the forms in force change only when a
    // form is added; each change's spec is kept, a few kilobytes).
    static MADE: std::sync::Mutex<Option<(usize, &'static Spec)>> = std::sync::Mutex::new(None);
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = forms.as_ptr() as usize;
    if let Some((k, spec)) = *made
        && k == key
    {
        return spec;
    }
    let mut spec = shipped.clone();
    spec.sections.push(SectionSpec {
        heading: Label {
            vi: "Các việc khác của xã".into(),
            en: "The commune's other campaigns".into(),
        },
        lines: forms
            .iter()
            .filter(|f| f.version != 0)
            .flat_map(added_lines)
            .collect(),
    });
    let spec: &'static Spec = Box::leak(Box::new(spec));
    *made = Some((key, spec));
    spec
}

/// The report's lines shipped in the binary (`data/report.json`).
pub fn shipped() -> &'static Spec {
    static SHIPPED: OnceLock<Spec> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        serde_json::from_str(&crate::domain::embedded::text!("report.json"))
            .expect("the report spec is checked by the tests")
    })
}

/// The lines of a form the commune added: its own, or one of its cases
/// assigned and carried out (those done, by the form's first rule of done),
/// broken down by its outcome when it has one.
pub fn added_lines(f: &FormSpec) -> Vec<LineSpec> {
    if !f.report.is_empty() {
        return f.report.clone();
    }
    let count = |cases: Cases, conds: Vec<Cond>, by: Option<String>| CountSpec {
        form: Some(f.id.clone()),
        source: None,
        cases,
        conds,
        ever: Vec::new(),
        by,
    };
    let done: Vec<Cond> = match f.done_when.as_slice() {
        [one] => one.clone(),
        _ => Vec::new(),
    };
    let mut counts = BTreeMap::from([
        (
            "assigned".to_string(),
            count(Cases::Assigned, Vec::new(), None),
        ),
        ("done".to_string(), count(Cases::Result, done.clone(), None)),
    ]);
    let (mut vi, mut en) = (
        format!(
            "{}: Tổng số {{assigned}} trường hợp, đã thực hiện {{done}} trường hợp ({{done%assigned}})",
            f.label.vi
        ),
        format!(
            "{}: {{assigned}} cases, {{done}} carried out ({{done%assigned}})",
            f.label.en
        ),
    );
    if let Some(outcome) = &f.outcome {
        counts.insert(
            "outcomes".to_string(),
            count(Cases::Result, done, Some(outcome.clone())),
        );
        vi.push_str(", trong đó: {outcomes}");
        en.push_str(", of which: {outcomes}");
    }
    vi.push('.');
    en.push('.');
    vec![LineSpec {
        key: f.id.clone(),
        short: f.short.clone(),
        counts,
        value: "done".to_string(),
        of: Some("assigned".to_string()),
        vi,
        en,
        with_target: None,
        zero: None,
    }]
}

/// One count: for the whole commune, per team (village), and per value of
/// its `by` field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub total: usize,
    pub by_team: BTreeMap<u8, usize>,
    pub by_value: BTreeMap<String, usize>,
}

/// A line's counts, by placeholder name, and the commune's target.
#[derive(Clone, Debug)]
pub struct LineNumbers {
    pub spec: &'static LineSpec,
    pub counts: BTreeMap<&'static str, Count>,
    pub target: Option<usize>,
}

impl LineNumbers {
    pub fn count(&self, name: &str) -> Option<&Count> {
        self.counts.get(name)
    }

    /// The count named, for the whole commune or one team.
    pub fn get(&self, name: &str, team: Option<u8>) -> usize {
        let Some(c) = self.counts.get(name) else {
            return 0;
        };
        match team {
            None => c.total,
            Some(t) => c.by_team.get(&t).copied().unwrap_or(0),
        }
    }

    pub fn value(&self, team: Option<u8>) -> usize {
        self.get(&self.spec.value, team)
    }

    pub fn of(&self, team: Option<u8>) -> usize {
        self.spec.of.as_deref().map_or(0, |of| self.get(of, team))
    }
}

#[derive(Clone, Debug)]
pub struct Report {
    pub commune: String,
    pub as_of: NaiveDate,
    /// The commune's villages (team number, name), for the table.
    pub villages: Vec<(u8, String)>,
    /// Each section's heading and lines, as in the spec.
    pub sections: Vec<(&'static Label, Vec<LineNumbers>)>,
}

impl Report {
    pub fn lines(&self) -> impl Iterator<Item = &LineNumbers> {
        self.sections.iter().flat_map(|(_, lines)| lines)
    }

    /// The line of this key.
    pub fn line(&self, key: &str) -> Option<&LineNumbers> {
        self.lines().find(|l| l.spec.key == key)
    }
}

/// What the report is counted from.
pub struct Data<'a> {
    pub commune: &'a str,
    pub villages: Vec<(u8, String)>,
    pub items: &'a [WorkItem],
    pub versions: &'a [Version],
    /// The team of each suspected duplicate pair (its first entry's).
    pub pairs: &'a [u8],
    /// The commune's targets (chỉ tiêu), by line key.
    pub targets: &'a BTreeMap<String, usize>,
}

/// Percent of `part` in `whole`, one decimal, 0 when nothing is assigned.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// A share (0.0 to 1.0) as a whole percentage, rounded to the nearest but
/// never to 100 short of the whole, nor to 0 above nothing: "99" for 199
/// of 200, "1" for 1 of 200.
pub fn whole_percent(share: f64) -> u32 {
    let rounded = (share * 100.0).round().clamp(0.0, 100.0) as u32;
    match rounded {
        100 if share < 1.0 => 99,
        0 if share > 0.0 => 1,
        n => n,
    }
}

/// A case with a result: its result, its team, its versions up to the day.
type Counted<'a> = (&'a Version, u8, &'a [&'a Version]);

/// The cases as of the day: each case's standing and the team it is
/// counted for, by form.
struct Work<'a> {
    /// Per form, every piece of work assigned (record, team).
    assigned: HashMap<&'a str, Vec<(&'a str, u8)>>,
    /// Per form, each case with a result: (its result, its team, its
    /// versions up to the day).
    results: HashMap<&'a str, Vec<Counted<'a>>>,
}

/// Counts the report as of `as_of` (every line of the spec).
pub fn compute(spec: &'static Spec, data: &Data, as_of: NaiveDate) -> Report {
    // Each case counted where it stands as of the day (`Standing`): a
    // voided one nowhere, not even as assigned; a draft with an error
    // saved over a result, or the office sending it back, changes no line
    // (the last result stands); a case whose only versions are drafts is
    // assigned, nothing more.
    let mut by_record: HashMap<&str, Vec<&Version>> = HashMap::new();
    for v in data
        .versions
        .iter()
        .filter(|v| v.edited_at.date_naive() <= as_of)
    {
        by_record.entry(&v.record).or_default().push(v);
    }
    let item_team: HashMap<&str, u8> = data.items.iter().map(|i| (i.id.as_str(), i.team)).collect();
    let mut cases = Work {
        assigned: HashMap::new(),
        results: HashMap::new(),
    };
    let mut voided: HashSet<&str> = HashSet::new();
    for (record, versions) in &by_record {
        let Some(standing) = Standing::of_case(versions) else {
            continue;
        };
        if !standing.counts() {
            voided.insert(record);
            continue;
        }
        let first = versions[0];
        let team = item_team
            .get(record)
            .copied()
            .unwrap_or_else(|| standing.by.unwrap_or(first).team);
        if !item_team.contains_key(record) {
            // Opened in the field: assigned too, as in the progress tables.
            cases
                .assigned
                .entry(first.form.as_str())
                .or_default()
                .push((record, team));
        }
        if let Some(result) = standing.result {
            cases
                .results
                .entry(result.form.as_str())
                .or_default()
                .push((result, team, versions));
        }
    }
    for i in data
        .items
        .iter()
        .filter(|i| !voided.contains(i.id.as_str()))
    {
        cases
            .assigned
            .entry(i.form.as_str())
            .or_default()
            .push((&i.id, i.team));
    }
    let sections = spec
        .sections
        .iter()
        .map(|section| {
            let lines = section
                .lines
                .iter()
                .map(|line| LineNumbers {
                    spec: line,
                    counts: line
                        .counts
                        .iter()
                        .map(|(name, c)| (name.as_str(), count(c, &cases, data.pairs)))
                        .collect(),
                    target: data.targets.get(&line.key).copied(),
                })
                .collect();
            (&section.heading, lines)
        })
        .collect();
    Report {
        commune: data.commune.to_string(),
        as_of,
        villages: data.villages.clone(),
        sections,
    }
}

fn count(spec: &CountSpec, cases: &Work, pairs: &[u8]) -> Count {
    let mut c = Count::default();
    let mut add = |team: u8, values: Option<&BTreeMap<String, String>>| {
        c.total += 1;
        *c.by_team.entry(team).or_default() += 1;
        if let (Some(field), Some(values)) = (&spec.by, values) {
            let value = values.get(field).map(String::as_str).unwrap_or("");
            for v in value
                .split(super::form::MULTI_SEP)
                .filter(|v| !v.is_empty())
            {
                *c.by_value.entry(v.to_string()).or_default() += 1;
            }
        }
    };
    if spec.source == Some(Source::DuplicatePairs) {
        for team in pairs {
            add(*team, None);
        }
        return c;
    }
    let form = spec.form.as_deref().unwrap_or("");
    match spec.cases {
        Cases::Assigned => {
            for (_, team) in cases.assigned.get(form).into_iter().flatten() {
                add(*team, None);
            }
        }
        Cases::Result => {
            for (result, team, versions) in cases.results.get(form).into_iter().flatten() {
                let now = spec.conds.iter().all(|cond| cond.holds(&result.values));
                let ever = spec.ever.is_empty()
                    || versions.iter().any(|v| {
                        v.status.counts() && spec.ever.iter().all(|cond| cond.holds(&v.values))
                    });
                if now && ever {
                    add(*team, Some(&result.values));
                }
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::version::{Draft, Status};
    use chrono::DateTime;

    fn v(record: &str, form: &str, parents: &[&str], day: &str, pairs: &[(&str, &str)]) -> Version {
        Draft {
            record: record.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            form: form.into(),
            team: 1,
            device: "d".into(),
            author: "a".into(),
            edited_at: DateTime::parse_from_rfc3339(&format!("{day}T10:00:00+07:00")).unwrap(),
            status: Status::InProgress,
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            confirmed: vec![],
        }
        .seal()
    }

    fn report(items: &[WorkItem], versions: &[Version], as_of: NaiveDate) -> Report {
        let data = Data {
            commune: "Xã A",
            villages: vec![(1, "Thôn 1".into())],
            items,
            versions,
            pairs: &[1, 1],
            targets: &BTreeMap::new(),
        };
        compute(spec(), &data, as_of)
    }

    fn get(r: &Report, line: &str, count: &str) -> usize {
        r.line(line).unwrap().get(count, None)
    }

    fn item(id: &str, form: &str) -> WorkItem {
        WorkItem {
            id: id.into(),
            form: form.into(),
            team: 1,
            due: None,
            prefill: Default::default(),
        }
    }

    #[test]
    fn counts_as_of_a_date_ignore_later_edits() {
        let a1 = v(
            "AC-1",
            "activation",
            &[],
            "2024-09-10",
            &[("status", "pending")],
        );
        let a1b = v(
            "AC-1",
            "activation",
            &[&a1.id],
            "2024-09-20",
            &[("status", "activated_level2")],
        );
        let a2 = v(
            "AC-2",
            "activation",
            &[],
            "2024-09-12",
            &[("status", "failed"), ("blocker", "old_phone")],
        );
        let m1 = v(
            "MF-1",
            "missing_field",
            &[],
            "2024-09-01",
            &[("outcome", "corrected")],
        );
        let m2 = v(
            "MF-2",
            "missing_field",
            &[],
            "2024-09-01",
            &[("outcome", "no_document")],
        );
        let h1 = v(
            "HC-1",
            "household_check",
            &[],
            "2024-09-01",
            &[("findings", "no_head"), ("outcome", "needs_update")],
        );
        let h1b = v(
            "HC-1",
            "household_check",
            &[&h1.id],
            "2024-09-16",
            &[("head_name", "Lê Văn A"), ("outcome", "verified")],
        );
        let versions = vec![a1, a1b, a2, m1, m2, h1, h1b];
        let items = vec![
            item("AC-1", "activation"),
            item("AC-2", "activation"),
            item("AC-3", "activation"),
            item("MF-1", "missing_field"),
            item("MF-2", "missing_field"),
            item("HC-1", "household_check"),
        ];
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let r = report(&items, &versions, day("2024-09-15"));
        assert_eq!(get(&r, "eid_level1", "assigned"), 3);
        assert_eq!(
            (
                get(&r, "eid_level2", "level2"),
                get(&r, "eid_pending", "pending"),
                get(&r, "eid_not_done", "not_done")
            ),
            (0, 1, 1)
        );
        let reasons = r.line("eid_not_done").unwrap().count("reasons").unwrap();
        assert_eq!(reasons.by_value["old_phone"], 1);
        assert_eq!(
            (
                get(&r, "missing_fields", "processed"),
                get(&r, "missing_fields", "with_info"),
                get(&r, "missing_fields", "without_info")
            ),
            (2, 1, 1)
        );
        assert_eq!(
            (
                get(&r, "household_checked", "no_head_found"),
                get(&r, "household_checked", "no_head_fixed")
            ),
            (1, 0)
        );
        assert_eq!(get(&r, "suspected_duplicates", "found"), 2);

        let later = report(&items, &versions, day("2024-09-30"));
        assert_eq!(
            (
                get(&later, "eid_level2", "level2"),
                get(&later, "eid_pending", "pending")
            ),
            (1, 0)
        );
        assert_eq!(
            (
                get(&later, "household_checked", "no_head_found"),
                get(&later, "household_checked", "no_head_fixed")
            ),
            (1, 1)
        );

        let before = report(&items, &versions, day("2024-08-01"));
        assert_eq!(get(&before, "missing_fields", "processed"), 0);
        assert_eq!(get(&before, "eid_level1", "assigned"), 3);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(1, 0), 0.0);
    }

    #[test]
    fn a_draft_a_returned_case_and_a_voided_one_change_no_line() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let items = vec![item("MF-1", "missing_field"), item("AC-1", "activation")];
        let m1 = v(
            "MF-1",
            "missing_field",
            &[],
            "2024-09-01",
            &[("outcome", "no_document")],
        );
        let a1 = v(
            "AC-1",
            "activation",
            &[],
            "2024-09-01",
            &[("status", "pending")],
        );
        let base = report(&items, &[m1.clone(), a1.clone()], day("2024-09-30"));
        let missing = |r: &Report| {
            ["with_info", "without_info", "processed"].map(|c| get(r, "missing_fields", c))
        };
        assert_eq!(missing(&base), [0, 1, 1]);
        assert_eq!(get(&base, "eid_pending", "pending"), 1);
        // On top: a draft (31/02, no evidence) claiming the value was found,
        // and the activation sent back by the office, or voided.
        let with_status = |mut v: Version, status: Status| {
            v.status = status;
            v.id = v.compute_id();
            v
        };
        let draft = with_status(
            v(
                "MF-1",
                "missing_field",
                &[&m1.id],
                "2024-09-02",
                &[("outcome", "corrected"), ("value", "31/02/2026")],
            ),
            Status::Draft,
        );
        for status in [Status::NeedsCorrection, Status::Voided] {
            let a2 = with_status(
                v(
                    "AC-1",
                    "activation",
                    &[&a1.id],
                    "2024-09-02",
                    &[("status", "activated_level2")],
                ),
                status,
            );
            let versions = [m1.clone(), a1.clone(), draft.clone(), a2];
            let r = report(&items, &versions, day("2024-09-30"));
            // The draft changes nothing: the last result stands.
            assert_eq!(missing(&r), missing(&base), "{status:?}");
            // Sent back: the last result the team saved stands; voided:
            // counted nowhere, not even as assigned.
            let counted = usize::from(status != Status::Voided);
            assert_eq!(
                (
                    get(&r, "eid_level2", "level2"),
                    get(&r, "eid_pending", "pending")
                ),
                (0, counted)
            );
            assert_eq!(get(&r, "eid_level1", "assigned"), counted, "{status:?}");
        }
    }

    /// The spec names only forms, fields and choices that exist, every
    /// placeholder names a count (or the target), and keys do not repeat.
    #[test]
    fn the_report_spec_names_only_what_exists() {
        use crate::domain::{form, lang::Lang};
        let mut keys = HashSet::new();
        for line in spec().lines() {
            let key = line.key.as_str();
            assert!(keys.insert(key), "{key}: the key repeats");
            for (name, c) in &line.counts {
                let Some(id) = &c.form else {
                    assert!(c.source.is_some(), "{key}.{name}: a form or a source");
                    continue;
                };
                let f = form::form(id).unwrap_or_else(|| panic!("{key}.{name}: no form {id}"));
                let named = c.conds.iter().chain(&c.ever).map(|cond| {
                    let values = cond.one_of.iter().chain(&cond.has).chain(&cond.lacks);
                    (cond.field.as_str(), values.collect::<Vec<_>>())
                });
                for (field, values) in named.chain(c.by.iter().map(|b| (b.as_str(), vec![]))) {
                    let spec = f
                        .field(field)
                        .unwrap_or_else(|| panic!("{key}.{name}: {id} has no field {field}"));
                    let choices = form::choices_of(&spec.kind, Lang::Vi, &[]);
                    for v in values {
                        assert!(
                            choices.iter().any(|(c, _)| c == v),
                            "{key}.{name}: {id}.{field} has no choice {v}"
                        );
                    }
                }
            }
            for (name, c) in &line.counts {
                // `after` is a date's.
                for cond in c.conds.iter().chain(&c.ever).filter(|c| c.after.is_some()) {
                    let f = c.form.as_deref().and_then(form::form).unwrap();
                    let kind = &f.field(&cond.field).unwrap().kind;
                    assert!(
                        matches!(kind, form::Kind::Date { .. }),
                        "{key}.{name}: after on {}",
                        cond.field
                    );
                }
            }
            assert_eq!(line.faults(form::form), [], "{key}");
        }
    }
}
