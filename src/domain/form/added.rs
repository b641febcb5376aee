//! Forms the commune adds (`tothon form add`): a spec read from JSON (or
//! from an XLSForm-style workbook, `worklist::xlsform`), checked whole
//! before anything is installed, each problem named by where it is.
//!
//! The checks are those the shipped specs meet by test (every name a rule
//! or a list uses is a field, field names once, choice lists not empty),
//! and what a form must be to travel: an id and a case code of its own,
//! and the fields every form keeps for the commune (its request to correct
//! a case, the reason a case was voided), added when the spec lacks them.

use std::collections::HashSet;

use super::spec::{Choice, Cond, FieldSpec, FormSpec, Kind, Label, Subject, builtin, register};
use crate::domain::case::{CORRECTION_FIELD, VOID_FIELD};

/// Where in a spec a problem is: a form's own setting, or one of its fields
/// (by its place in the list) and which of its settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    Form(&'static str),
    Field(usize, &'static str),
    /// A line of the form's report (by its place) and which of its parts.
    Report(usize, &'static str),
    /// Where a JSON reader stopped: line and column.
    Text {
        line: usize,
        column: usize,
    },
}

/// What is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The JSON could not be read as a form spec.
    Json(String),
    /// The file is not UTF-8 text.
    NotUtf8,
    /// A name tothon cannot use for a form, field or choice (letters a–z,
    /// digits and `_`, starting with a letter).
    BadName(String),
    /// A form shipped with tothon has this id (or it is a file's name).
    ShippedId(String),
    /// A shipped form's case code, or not two or three capital letters.
    BadCode(String),
    /// A field's name used twice.
    DuplicateName(String),
    /// A name that should be a field's and is no field of the form.
    NoSuchField(String),
    /// A choice field with no choices and no list.
    NoChoices(String),
    /// A choice's id given twice in one field.
    DuplicateChoice(String),
    /// An empty label, or a list that must have something.
    Missing,
    /// Suspected pairs are the duplicates' own form.
    PairSubject,
    /// A count of the report names a form that does not exist.
    NoSuchForm(String),
    /// A label holding a control character (a terminal would run it).
    ControlCharacter,
    /// A workbook's field type tothon does not have.
    UnknownType(String),
    /// An expression or constraint tothon does not read.
    NotUnderstood(String),
    /// The form has this version already, or a later one.
    NotNewer { had: u32 },
    /// The commune holds this very spec already, as this version.
    Unchanged { had: u32 },
    /// Another form the commune added has this case code.
    CodeTaken(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecProblem {
    pub at: At,
    pub fault: Fault,
}

fn problem(at: At, fault: Fault) -> SpecProblem {
    SpecProblem { at, fault }
}

/// A name of a form, field or choice: a–z, digits and `_`, from a letter,
/// at most 40 characters (it is a file's and a column's name).
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether a field may not take this name: a bundle's column beside a
/// form's fields (a version's, its form's version, a work item's due date).
fn is_reserved_field(name: &str) -> bool {
    crate::bundle::VERSION_COLUMNS.contains(&name) || ["form_version", "due"].contains(&name)
}

/// Names no added form may take: the shipped forms' and the bundle files'.
const RESERVED: [&str; 6] = [
    "forms",
    "work_items",
    "villages",
    "register",
    "moved",
    "manifest",
];

/// A form spec read from JSON and checked ([`check`]); the fields every
/// form keeps are added when it lacks them.
pub fn from_json(text: &str) -> Result<FormSpec, Vec<SpecProblem>> {
    let spec = read(text)?;
    let problems = check(&spec);
    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(problems)
    }
}

/// A spec the commune added and checked, as a store or a bundle keeps it:
/// read as it is (a later release's checks never lock a store out of its
/// own forms), the fields every form keeps added; only a version from 1.
pub fn parse(text: &str) -> Result<FormSpec, Vec<SpecProblem>> {
    let spec = read(text)?;
    if spec.version == 0 {
        return Err(vec![problem(At::Form("version"), Fault::Missing)]);
    }
    Ok(spec)
}

fn read(text: &str) -> Result<FormSpec, Vec<SpecProblem>> {
    let mut spec: FormSpec =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            vec![problem(
                At::Text {
                    line: e.line(),
                    column: e.column(),
                },
                Fault::Json(e.to_string()),
            )]
        })?;
    keep_commune_fields(&mut spec);
    Ok(spec)
}

/// Adds the fields every form keeps for the commune, when missing: its
/// request to correct a case, and why a case was voided (at the end).
pub fn keep_commune_fields(spec: &mut FormSpec) {
    for (id, vi, en) in [
        (
            CORRECTION_FIELD,
            "Xã yêu cầu sửa",
            "Commune asks to correct",
        ),
        (VOID_FIELD, "Lý do huỷ phiếu", "Why voided"),
    ] {
        if spec.field(id).is_none() {
            spec.fields.push(FieldSpec {
                id: id.to_string(),
                label: Label {
                    vi: vi.to_string(),
                    en: en.to_string(),
                },
                kind: Kind::Text { max_len: Some(500) },
                required: false,
                required_when: Vec::new(),
                required_unless: Vec::new(),
                relevant: Vec::new(),
                default: None,
            });
        }
    }
    spec.reset_field_order();
}

/// Every problem of a spec the commune adds; empty when it can be installed.
pub fn check(spec: &FormSpec) -> Vec<SpecProblem> {
    let mut out = Vec::new();
    let shipped = builtin().iter().chain([register()]);
    if !is_name(&spec.id) {
        out.push(problem(At::Form("id"), Fault::BadName(spec.id.clone())));
    } else if shipped.clone().any(|f| f.id == spec.id) || RESERVED.contains(&spec.id.as_str()) {
        out.push(problem(At::Form("id"), Fault::ShippedId(spec.id.clone())));
    }
    let code_ok = (2..=3).contains(&spec.code.len())
        && spec.code.chars().all(|c| c.is_ascii_uppercase())
        && !shipped.clone().any(|f| f.code == spec.code);
    if !code_ok {
        out.push(problem(At::Form("code"), Fault::BadCode(spec.code.clone())));
    }
    for (key, label) in [("label", &spec.label), ("short", &spec.short)] {
        if label.vi.trim().is_empty() || label.en.trim().is_empty() {
            out.push(problem(At::Form(key), Fault::Missing));
        }
        if has_control(&[&label.vi, &label.en]) {
            out.push(problem(At::Form(key), Fault::ControlCharacter));
        }
    }
    if spec.subject == Subject::Pair {
        out.push(problem(At::Form("subject"), Fault::PairSubject));
    }
    if spec.fields.is_empty() {
        out.push(problem(At::Form("fields"), Fault::Missing));
    }
    let mut seen = HashSet::new();
    for (n, f) in spec.fields.iter().enumerate() {
        if !is_name(&f.id) || is_reserved_field(&f.id) {
            out.push(problem(At::Field(n, "name"), Fault::BadName(f.id.clone())));
        } else if !seen.insert(f.id.as_str()) {
            out.push(problem(
                At::Field(n, "name"),
                Fault::DuplicateName(f.id.clone()),
            ));
        }
        if f.label.vi.trim().is_empty() || f.label.en.trim().is_empty() {
            out.push(problem(At::Field(n, "label"), Fault::Missing));
        }
        if [&f.label.vi, &f.label.en]
            .iter()
            .any(|l| l.chars().any(char::is_control))
        {
            out.push(problem(At::Field(n, "label"), Fault::ControlCharacter));
        }
        check_kind(&f.kind, n, spec, &mut out);
        for (key, rule) in [
            ("relevant", &f.relevant),
            ("required", &f.required_when),
            ("required", &f.required_unless),
        ] {
            check_conds(rule.iter().flatten(), At::Field(n, key), spec, &mut out);
        }
        if let Some(super::FieldDefault::DaysAfter { field, .. }) = &f.default {
            need_field(spec, field, At::Field(n, "default"), &mut out);
        }
    }
    if spec.title.is_empty() {
        out.push(problem(At::Form("title"), Fault::Missing));
    }
    for (key, names) in [
        ("title", &spec.title),
        ("search", &spec.search),
        ("identity", &spec.identity),
        ("identity_by_name", &spec.identity_by_name),
    ] {
        for name in names {
            need_field(spec, name, At::Form(key), &mut out);
        }
    }
    for (key, name) in [
        ("follow_up", &spec.follow_up),
        ("blocker", &spec.blocker),
        ("outcome", &spec.outcome),
    ] {
        if let Some(name) = name {
            need_field(spec, name, At::Form(key), &mut out);
        }
    }
    check_conds(
        spec.done_when.iter().flatten(),
        At::Form("done_when"),
        spec,
        &mut out,
    );
    check_conds(
        spec.blocked_when.iter().flatten(),
        At::Form("blocked_when"),
        spec,
        &mut out,
    );
    // Report keys are the targets' and the CSV's: the shipped lines' and
    // the other added forms' are taken.
    let others = super::forms()
        .iter()
        .filter(|f| f.version != 0 && f.id != spec.id)
        .flat_map(crate::domain::report::added_lines);
    let shipped = crate::domain::report::shipped().lines().cloned();
    let mut keys: HashSet<String> = shipped.chain(others).map(|l| l.key).collect();
    for (n, line) in spec.report.iter().enumerate() {
        if !is_name(&line.key) {
            out.push(problem(
                At::Report(n, "key"),
                Fault::BadName(line.key.clone()),
            ));
        } else if !keys.insert(line.key.clone()) {
            out.push(problem(
                At::Report(n, "key"),
                Fault::DuplicateName(line.key.clone()),
            ));
        }
        let form = |id: &str| {
            if id == spec.id {
                Some(spec)
            } else {
                super::form(id)
            }
        };
        let with_target = line.with_target.iter().flat_map(|l| [&l.vi, &l.en]);
        let words = [&line.vi, &line.en, &line.short.vi, &line.short.en];
        if words
            .into_iter()
            .chain(with_target)
            .any(|w| has_control(&[w]))
        {
            out.push(problem(At::Report(n, "wording"), Fault::ControlCharacter));
        }
        for (part, name) in line.faults(form) {
            out.push(problem(At::Report(n, part), Fault::NoSuchField(name)));
        }
    }
    // The line made for a form without lines of its own has the form's id
    // as its key.
    if spec.report.is_empty() && keys.contains(&spec.id) {
        out.push(problem(
            At::Form("id"),
            Fault::DuplicateName(spec.id.clone()),
        ));
    }
    out
}

/// Whether any of these words holds a control character: they are shown
/// on the screens and printed, and a terminal would run one.
fn has_control(words: &[&str]) -> bool {
    words.iter().any(|w| w.chars().any(char::is_control))
}

fn need_field(spec: &FormSpec, name: &str, at: At, out: &mut Vec<SpecProblem>) {
    if spec.field(name).is_none() {
        out.push(problem(at, Fault::NoSuchField(name.to_string())));
    }
}

fn check_conds<'a>(
    conds: impl Iterator<Item = &'a Cond>,
    at: At,
    spec: &FormSpec,
    out: &mut Vec<SpecProblem>,
) {
    for c in conds {
        need_field(spec, &c.field, at.clone(), out);
    }
}

fn check_kind(kind: &Kind, n: usize, spec: &FormSpec, out: &mut Vec<SpecProblem>) {
    let at = || At::Field(n, "type");
    match kind {
        Kind::Choice { choices, list } => {
            if choices.is_empty() && list.is_none() {
                out.push(problem(at(), Fault::NoChoices(spec.fields[n].id.clone())));
            }
            check_choices(choices, n, out);
        }
        Kind::MultiChoice { choices } => {
            if choices.is_empty() {
                out.push(problem(at(), Fault::NoChoices(spec.fields[n].id.clone())));
            }
            check_choices(choices, n, out);
        }
        Kind::PersonalId {
            sex_field,
            birth_field,
        } => {
            for name in sex_field.iter().chain(birth_field) {
                need_field(spec, name, at(), out);
            }
        }
        Kind::Date {
            not_after: Some(other),
            ..
        } => need_field(spec, other, At::Field(n, "constraint"), out),
        Kind::Depends {
            on,
            cases,
            otherwise,
        } => {
            need_field(spec, on, at(), out);
            for k in cases.values().chain([&**otherwise]) {
                check_kind(k, n, spec, out);
            }
        }
        _ => {}
    }
}

fn check_choices(choices: &[Choice], n: usize, out: &mut Vec<SpecProblem>) {
    let mut seen = HashSet::new();
    for c in choices {
        if !is_name(&c.id) && !c.id.chars().all(|ch| ch.is_ascii_digit()) {
            out.push(problem(
                At::Field(n, "choices"),
                Fault::BadName(c.id.clone()),
            ));
        } else if !seen.insert(c.id.as_str()) {
            out.push(problem(
                At::Field(n, "choices"),
                Fault::DuplicateChoice(c.id.clone()),
            ));
        }
        if c.vi.trim().is_empty() || c.en.trim().is_empty() {
            out.push(problem(At::Field(n, "choices"), Fault::Missing));
        }
        if has_control(&[&c.vi, &c.en]) {
            out.push(problem(At::Field(n, "choices"), Fault::ControlCharacter));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WATER: &str = r#"{
      "id": "water_check", "code": "NS", "version": 1,
      "label": {"vi": "Kiểm tra nước sạch", "en": "Clean water check"},
      "short": {"vi": "Nước sạch", "en": "Water"},
      "subject": "household", "title": ["head_name"], "search": ["head_name"],
      "outcome": "result",
      "fields": [
        {"id": "head_name", "label": {"vi": "Chủ hộ", "en": "Head"}, "kind": "name", "required": true},
        {"id": "result", "label": {"vi": "Kết quả", "en": "Result"}, "kind": "choice", "choices": [
          {"id": "clean", "vi": "Có nước sạch", "en": "Clean water"},
          {"id": "none", "vi": "Không có", "en": "None"}]}
      ],
      "done_when": [[{"field": "result", "set": true}]], "blocked_when": []
    }"#;

    #[test]
    fn a_good_spec_is_taken_with_the_communes_fields_added() {
        let spec = from_json(WATER).unwrap();
        assert_eq!(spec.version, 1);
        assert!(spec.field(CORRECTION_FIELD).is_some());
        assert!(spec.field(VOID_FIELD).is_some());
        // Added once only.
        let mut again = spec.clone();
        keep_commune_fields(&mut again);
        assert_eq!(again.fields.len(), spec.fields.len());
    }

    #[test]
    fn every_problem_is_named_where_it_is() {
        let bad = WATER
            .replace("\"water_check\"", "\"activation\"")
            .replace("\"NS\"", "\"AC\"")
            .replace("\"id\": \"result\"", "\"id\": \"head_name\"")
            .replace("\"field\": \"result\"", "\"field\": \"nowhere\"");
        let problems = from_json(&bad).unwrap_err();
        let faults: Vec<(At, Fault)> = problems.into_iter().map(|p| (p.at, p.fault)).collect();
        assert!(faults.contains(&(At::Form("id"), Fault::ShippedId("activation".into()))));
        assert!(faults.contains(&(At::Form("code"), Fault::BadCode("AC".into()))));
        assert!(faults.contains(&(
            At::Field(1, "name"),
            Fault::DuplicateName("head_name".into())
        )));
        assert!(faults.contains(&(At::Form("done_when"), Fault::NoSuchField("nowhere".into()))));
        assert!(faults.contains(&(At::Form("outcome"), Fault::NoSuchField("result".into()))));
        let escape = WATER.replace("Kiểm tra nước sạch", "Kiểm tra\\u001b[2J");
        let problems = from_json(&escape).unwrap_err();
        assert_eq!(
            (problems[0].at.clone(), problems[0].fault.clone()),
            (At::Form("label"), Fault::ControlCharacter)
        );
        let broken = from_json("{\"id\": \"x\",\n \"code\": }").unwrap_err();
        assert!(
            matches!(broken[0].at, At::Text { line: 2, .. }),
            "{broken:?}"
        );
        let no_choices = WATER.replace(
            r#""choices": [
          {"id": "clean", "vi": "Có nước sạch", "en": "Clean water"},
          {"id": "none", "vi": "Không có", "en": "None"}]"#,
            r#""choices": []"#,
        );
        let problems = from_json(&no_choices).unwrap_err();
        assert_eq!(
            (problems[0].at.clone(), problems[0].fault.clone()),
            (At::Field(1, "type"), Fault::NoChoices("result".into()))
        );
    }
}
