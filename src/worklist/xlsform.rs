//! A form spec from a workbook in the XLSForm style (`tothon form add
//! FILE.xlsx`): sheet `survey` (one field a row: `type`, `name`,
//! `label::vi`, `label::en`, `required`, `relevant`, `constraint`), sheet
//! `choices` (`list_name`, `name`, `label::vi`, `label::en`) and sheet
//! `settings` (`form_id`, `form_title::vi`/`::en`, `version`, and tothon's
//! own: `code`, `subject`, `title`, `search`, `outcome`, `done_when`).
//!
//! The workbook is turned into the spec's JSON, which is what the commune
//! stores and sends, and checked as a JSON spec is; every problem is named
//! by sheet, row and column. Read with the work list's workbook reader.
//!
//! Expressions (`relevant`, `required`, `done_when`) take XLSForm's simple
//! comparisons joined by `and` / `or`: `${f} = 'x'`, `${f} != 'x'`,
//! `${f} != ''` (filled), `${f} = ''` (empty), `selected(${f}, 'x')`,
//! `not(selected(${f}, 'x'))`, `${f} > '2021-07-01'` (a date after).

use std::collections::HashMap;

use serde_json::{Map, Value as Json, json};

use super::WorklistError;
use super::workbook::{self, Value, Workbook};
use crate::domain::form::added::{At, Fault, SpecProblem};

/// Where a problem of a workbook form is: sheet, row (as the spreadsheet
/// numbers it) and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub sheet: String,
    pub row: usize,
    pub column: String,
}

/// A problem of a workbook form, where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetProblem {
    pub cell: Cell,
    pub fault: Fault,
}

fn not_understood(text: &str) -> Fault {
    Fault::NotUnderstood(text.to_string())
}

/// Lists tothon keeps itself: a `select_one` of one of these needs no choices.
const LISTS: [&str; 5] = [
    "sex",
    "villages",
    "ethnic_groups",
    "religions",
    "relationships",
];

struct Sheet {
    /// Header cell text → column index.
    columns: HashMap<String, usize>,
    /// (row number, cells as text) of every row after the header with a value.
    rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn get<'a>(&self, cells: &'a [String], column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&i| cells.get(i))
            .map_or("", |s| s.trim())
    }

    /// A label column: `label::vi`, or `label` alone.
    fn label<'a>(&self, cells: &'a [String], base: &str, lang: &str) -> &'a str {
        let own = self.get(cells, &format!("{base}::{lang}"));
        if own.is_empty() {
            self.get(cells, base)
        } else {
            own
        }
    }
}

fn read_sheet(
    book: &mut Workbook,
    sheets: &[String],
    name: &str,
) -> Result<Option<Sheet>, WorklistError> {
    let Some(real) = sheets.iter().find(|s| s.trim().eq_ignore_ascii_case(name)) else {
        return Ok(None);
    };
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    book.rows(real, &mut |n, cells: Vec<Value>| {
        let text: Vec<String> = cells
            .into_iter()
            .map(|c| crate::domain::text::clean(&c.into_text(false)))
            .collect();
        if text.iter().all(String::is_empty) {
            return Ok(());
        }
        match header {
            None => header = Some(text.iter().map(|h| h.to_lowercase()).collect()),
            Some(_) => rows.push((n, text)),
        }
        Ok(())
    })?;
    let columns = header
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, h)| (h, i))
        .collect();
    Ok(Some(Sheet { columns, rows }))
}

/// The spec's JSON from a workbook, or every problem found. Without a
/// `settings` sheet (or its `form_id`, `code`, `form_title`) the form is
/// named after the file (`nuoc-sach.xlsx`: `nuoc_sach`, case code `NS`).
pub fn to_json(
    bytes: &[u8],
    file_stem: &str,
) -> Result<Result<String, Vec<SheetProblem>>, WorklistError> {
    let limits = workbook::Limits {
        max_rows: 5_000,
        max_cells: workbook::MAX_CELLS,
        max_unpacked: workbook::MAX_UNPACKED,
    };
    let mut book = Workbook::open(bytes, limits)?;
    let sheets = book.choose(None)?.sheets;
    let survey = read_sheet(&mut book, &sheets, "survey")?;
    let choices = read_sheet(&mut book, &sheets, "choices")?;
    let settings = read_sheet(&mut book, &sheets, "settings")?;
    Ok(build(survey, choices, settings, file_stem))
}

/// A form's name made from a file's: folded to a–z and digits, words
/// joined by `_` (`Nước sạch 2026` → `nuoc_sach_2026`).
fn name_of_file(stem: &str) -> String {
    let folded = crate::domain::text::fold(stem);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join("_")
}

/// A case code from a form's name: the first letter of each word, two or
/// three of them (`nuoc_sach` → `NS`).
fn code_of_name(name: &str) -> String {
    let mut code: String = name
        .split('_')
        .filter_map(|w| w.chars().find(char::is_ascii_alphabetic))
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase();
    if code.len() < 2 {
        code = name
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(2)
            .collect::<String>()
            .to_ascii_uppercase();
    }
    code
}

fn build(
    survey: Option<Sheet>,
    choices: Option<Sheet>,
    settings: Option<Sheet>,
    file_stem: &str,
) -> Result<String, Vec<SheetProblem>> {
    let mut problems = Vec::new();
    let at = |sheet: &str, row: usize, column: &str, fault: Fault| SheetProblem {
        cell: Cell {
            sheet: sheet.to_string(),
            row,
            column: column.to_string(),
        },
        fault,
    };
    let Some(survey) = survey else {
        return Err(vec![at("survey", 1, "type", Fault::Missing)]);
    };
    for column in ["type", "name"] {
        if !survey.columns.contains_key(column) {
            problems.push(at("survey", 1, column, Fault::Missing));
        }
    }
    // Choice lists by name: (id, vi, en) each.
    let mut lists: HashMap<String, Vec<Json>> = HashMap::new();
    if let Some(choices) = &choices {
        for (_, cells) in &choices.rows {
            let list = choices.get(cells, "list_name");
            let vi = choices.label(cells, "label", "vi");
            let en = choices.label(cells, "label", "en");
            let en = if en.is_empty() { vi } else { en };
            lists.entry(list.to_string()).or_default().push(json!({
                "id": choices.get(cells, "name"), "vi": vi, "en": en
            }));
        }
    }
    let mut fields = Vec::new();
    // The survey row of each field, for the spec's problems.
    let mut field_rows = Vec::new();
    for (row, cells) in &survey.rows {
        let row = *row;
        let typ = survey.get(cells, "type");
        let name = survey.get(cells, "name");
        let vi = survey.label(cells, "label", "vi");
        let en = survey.label(cells, "label", "en");
        let mut field = Map::new();
        field.insert("id".into(), json!(name));
        field.insert(
            "label".into(),
            json!({"vi": vi, "en": if en.is_empty() { vi } else { en }}),
        );
        let (base, list) = typ.split_once(' ').unwrap_or((typ, ""));
        let list = list.trim();
        match base {
            "text" => field.insert("kind".into(), json!("text")),
            "integer" => field.insert("kind".into(), json!("number")),
            "date" => field.insert("kind".into(), json!("date")),
            "name" | "personal_id" | "cmnd" | "phone" => field.insert("kind".into(), json!(base)),
            "select_one" | "select_multiple" => {
                let kind = if base == "select_one" {
                    "choice"
                } else {
                    "multi_choice"
                };
                field.insert("kind".into(), json!(kind));
                match lists.get(list) {
                    Some(entries) => field.insert("choices".into(), json!(entries)),
                    None if base == "select_one" && LISTS.contains(&list) => {
                        field.insert("list".into(), json!(list))
                    }
                    None => {
                        problems.push(at("survey", row, "type", Fault::NoChoices(list.into())));
                        field.insert("choices".into(), json!([]))
                    }
                }
            }
            _ => {
                problems.push(at("survey", row, "type", unknown_type(typ)));
                continue;
            }
        };
        if base == "integer" {
            field.insert("min".into(), json!(0));
            field.insert("max".into(), json!(999_999_999));
        }
        let constraint = survey.get(cells, "constraint");
        if !constraint.is_empty() && !apply_constraint(base, constraint, &mut field) {
            problems.push(at("survey", row, "constraint", not_understood(constraint)));
        }
        let required = survey.get(cells, "required");
        match required.to_lowercase().as_str() {
            "" | "no" | "false" | "0" | "false()" => {}
            "yes" | "true" | "1" | "true()" => {
                field.insert("required".into(), json!(true));
            }
            // An expression keeps its values as they are written.
            _ => match rule(required) {
                Some(r) => {
                    field.insert("required_when".into(), r);
                }
                None => problems.push(at("survey", row, "required", not_understood(required))),
            },
        }
        let relevant = survey.get(cells, "relevant");
        if !relevant.is_empty() {
            match rule(relevant) {
                Some(r) => {
                    field.insert("relevant".into(), r);
                }
                None => problems.push(at("survey", row, "relevant", not_understood(relevant))),
            }
        }
        fields.push(Json::Object(field));
        field_rows.push(row);
    }
    // The settings: one row under the header.
    let setting = |key: &str| -> String {
        settings
            .as_ref()
            .and_then(|s| {
                s.rows
                    .first()
                    .map(|(_, cells)| s.get(cells, key).to_string())
            })
            .unwrap_or_default()
    };
    let setting_label = |key: &str, lang: &str| -> String {
        settings
            .as_ref()
            .and_then(|s| {
                s.rows
                    .first()
                    .map(|(_, cells)| s.label(cells, key, lang).to_string())
            })
            .unwrap_or_default()
    };
    let settings_row = settings
        .as_ref()
        .and_then(|s| s.rows.first().map(|(n, _)| *n))
        .unwrap_or(2);
    let first_field = fields
        .first()
        .and_then(|f| f["id"].as_str())
        .unwrap_or("")
        .to_string();
    let names = |key: &str, or: &str| -> Vec<String> {
        let given = setting(key);
        let given = if given.is_empty() {
            or.to_string()
        } else {
            given
        };
        given
            .split([' ', ',', ';'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let title = names("title", &first_field);
    let search = names("search", &title.join(" "));
    let or = |given: String, made: String| if given.is_empty() { made } else { given };
    let id = or(setting("form_id"), name_of_file(file_stem));
    let code = or(setting("code"), code_of_name(&id));
    let vi = or(
        setting_label("form_title", "vi"),
        file_stem.trim().to_string(),
    );
    let en = setting_label("form_title", "en");
    let en = if en.is_empty() { vi.clone() } else { en };
    let short_vi = setting_label("short", "vi");
    let short_en = setting_label("short", "en");
    let short_vi = if short_vi.is_empty() {
        vi.clone()
    } else {
        short_vi
    };
    let short_en = if short_en.is_empty() {
        en.clone()
    } else {
        short_en
    };
    let mut spec = Map::new();
    spec.insert("id".into(), json!(id));
    spec.insert("code".into(), json!(code));
    let version = setting("version");
    if !version.is_empty() {
        match version.parse::<u32>() {
            Ok(v) => {
                spec.insert("version".into(), json!(v));
            }
            Err(_) => problems.push(at(
                "settings",
                settings_row,
                "version",
                not_understood(&version),
            )),
        }
    }
    spec.insert("label".into(), json!({"vi": vi, "en": en}));
    spec.insert("short".into(), json!({"vi": short_vi, "en": short_en}));
    let subject = setting("subject");
    spec.insert(
        "subject".into(),
        json!(if subject.is_empty() {
            "person"
        } else {
            subject.as_str()
        }),
    );
    spec.insert("title".into(), json!(title));
    spec.insert("search".into(), json!(search));
    let outcome = setting("outcome");
    if !outcome.is_empty() {
        spec.insert("outcome".into(), json!(outcome));
    }
    let done = setting("done_when");
    let done_when = if !done.is_empty() {
        rule(&done).unwrap_or_else(|| {
            problems.push(at(
                "settings",
                settings_row,
                "done_when",
                not_understood(&done),
            ));
            json!([])
        })
    } else if !outcome.is_empty() {
        // Done once the outcome is given.
        json!([[{"field": outcome, "set": true}]])
    } else {
        // Done once saved without errors.
        json!([[]])
    };
    spec.insert("done_when".into(), done_when);
    spec.insert("blocked_when".into(), json!([]));
    spec.insert("fields".into(), Json::Array(fields));
    // (Written as the store writes its JSON values.)
    let text = serde_json::to_string(&Json::Object(spec)).unwrap_or_default();
    // The spec's own problems too, each where it is; one per cell, the
    // workbook's first (a missing list is not also a field without choices).
    if let Err(found) = crate::domain::form::added::from_json(&text) {
        for p in found {
            let p = placed(p, &field_rows, settings_row);
            if !problems.iter().any(|q| q.cell == p.cell) {
                problems.push(p);
            }
        }
    }
    if problems.is_empty() {
        Ok(text)
    } else {
        crate::sort::sort_by(&mut problems, |a, b| {
            (&a.cell.sheet, a.cell.row).cmp(&(&b.cell.sheet, b.cell.row))
        });
        Err(problems)
    }
}

fn unknown_type(typ: &str) -> Fault {
    Fault::UnknownType(typ.to_string())
}

/// A JSON spec's problem, where it is in the workbook.
fn placed(p: SpecProblem, field_rows: &[usize], settings_row: usize) -> SheetProblem {
    let (sheet, row, column) = match p.at {
        At::Field(n, key) => (
            "survey",
            field_rows.get(n).copied().unwrap_or(1),
            match key {
                "label" => "label::vi",
                "choices" => "type",
                other => other,
            },
        ),
        At::Form(key) => (
            "settings",
            settings_row,
            match key {
                "id" => "form_id",
                "label" => "form_title::vi",
                other => other,
            },
        ),
        At::Report(..) | At::Text { .. } => ("settings", settings_row, "form_id"),
    };
    SheetProblem {
        cell: Cell {
            sheet: sheet.to_string(),
            row,
            column: column.to_string(),
        },
        fault: p.fault,
    }
}

/// XLSForm's `constraint` for the kinds tothon checks itself: a text's
/// length, a number's range, a date in the past or the future.
fn apply_constraint(base: &str, text: &str, field: &mut Map<String, Json>) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match base {
        "text" => match compact.strip_prefix("string-length(.)<=") {
            Some(n) => n.parse::<usize>().is_ok_and(|n| {
                field.insert("max_len".into(), json!(n));
                true
            }),
            None => false,
        },
        "integer" => compact.split("and").all(|part| {
            let (key, n) = if let Some(n) = part.strip_prefix(".>=") {
                ("min", n)
            } else if let Some(n) = part.strip_prefix(".<=") {
                ("max", n)
            } else {
                return false;
            };
            n.parse::<i64>().is_ok_and(|n| {
                field.insert(key.into(), json!(n));
                true
            })
        }),
        "date" => {
            let when = match compact.as_str() {
                ".<=today()" => "past",
                ".>=today()" => "future",
                _ => return false,
            };
            field.insert("when".into(), json!(when));
            true
        }
        _ => false,
    }
}

/// An expression as a rule: any of `or`'s parts, each all of its `and`'s.
fn rule(text: &str) -> Option<Json> {
    let mut any = Vec::new();
    for part in split_words(text, "or") {
        let mut all = Vec::new();
        for atom in split_words(&part, "and") {
            all.push(cond(atom.trim())?);
        }
        any.push(Json::Array(all));
    }
    Some(Json::Array(any))
}

/// `text` cut at the word `word` standing alone (outside quotes).
fn split_words(text: &str, word: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    let tokens: Vec<&str> = text.split(' ').collect();
    for token in tokens {
        if !quoted && token == word {
            parts.push(String::new());
            continue;
        }
        quoted ^= token.matches('\'').count() % 2 == 1;
        let last = parts.last_mut().expect("one part at least");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(token);
    }
    parts
}

/// One comparison as a condition.
fn cond(text: &str) -> Option<Json> {
    let field_ref = |s: &str| -> Option<String> {
        let s = s.trim();
        Some(s.strip_prefix("${")?.strip_suffix('}')?.trim().to_string())
    };
    // A value in quotes, holding none (`'x' and ${b} = 'y'` is two).
    let quoted = |s: &str| -> Option<String> {
        let s = s.trim();
        let inner = s
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))?;
        (!inner.contains(['\'', '"'])).then(|| inner.to_string())
    };
    let selected = |s: &str| -> Option<(String, String)> {
        let inner = s.trim().strip_prefix("selected(")?.strip_suffix(')')?;
        let (f, v) = inner.split_once(',')?;
        Some((field_ref(f)?, quoted(v)?))
    };
    if let Some(inner) = text.strip_prefix("not(").and_then(|s| s.strip_suffix(')')) {
        let (field, value) = selected(inner)?;
        return Some(json!({"field": field, "lacks": value}));
    }
    if let Some((field, value)) = selected(text) {
        return Some(json!({"field": field, "has": value}));
    }
    for op in ["!=", ">", "="] {
        if let Some((left, right)) = text.split_once(op) {
            let field = field_ref(left)?;
            let value = quoted(right)?;
            return Some(match (op, value.is_empty()) {
                ("=", true) => json!({"field": field, "set": false}),
                ("!=", true) => json!({"field": field, "set": true}),
                ("=", false) => json!({"field": field, "in": [value]}),
                ("!=", false) => json!({"field": field, "not_in": [value]}),
                (_, false) => json!({"field": field, "after": value}),
                _ => return None,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_read_as_rules() {
        assert_eq!(
            rule("${a} = 'x' and ${b} != '' or selected(${c}, 'y')").unwrap(),
            json!([
                [{"field": "a", "in": ["x"]}, {"field": "b", "set": true}],
                [{"field": "c", "has": "y"}]
            ])
        );
        assert_eq!(
            rule("not(selected(${c}, 'y'))").unwrap(),
            json!([[{"field": "c", "lacks": "y"}]])
        );
        assert_eq!(
            rule("${d} > '2021-07-01'").unwrap(),
            json!([[{"field": "d", "after": "2021-07-01"}]])
        );
        assert_eq!(
            rule("${a} = 'or and'").unwrap(),
            json!([[{"field": "a", "in": ["or and"]}]])
        );
        assert!(rule("count(${a}) > 2").is_none());
        assert!(rule("${code} = 'x' AND ${note} = 'y'").is_none());
        assert!(rule("${code} = 'x'and ${note} = 'y'").is_none());
        assert_eq!(name_of_file("Nước sạch 2026"), "nuoc_sach_2026");
        assert_eq!(code_of_name("nuoc_sach"), "NS");
        assert_eq!(code_of_name("kiem_tra_nuoc_sach"), "KTN");
        assert_eq!(code_of_name("water"), "WA");
        assert!(rule("${a} = x").is_none());
    }
}
