//! One data row of a work list: the cells its form's plan picks, the team
//! from the village, the due date, the leading-zero repair, the form's own
//! checks (the same as a save), and the identity key.
//!
//! Pure: cells in, an [`Outcome`] out. Knows nothing of files or the store.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};

use super::columns::{self, FormPlan};
use super::{RowProblem, identity_key};
use crate::domain::commune::{Village, find_village};
use crate::domain::form::{self, FieldProblem, FormSpec, Kind};
use crate::domain::rules::{self, DateRule, ProblemKind, When};
use crate::domain::text;

/// What every row of one file shares.
pub struct RowContext<'a> {
    pub ctx: form::Context<'a>,
    pub village_col: Option<usize>,
    pub team_col: Option<usize>,
    pub due_col: Option<usize>,
    pub header_len: usize,
    pub fix_leading_zeros: bool,
}

/// A suggested (or applied) leading-zero repair of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub field: String,
    pub found: String,
    pub fixed: String,
}

/// A row that can become a work item.
#[derive(Debug)]
pub struct Accepted {
    pub team: u8,
    pub due: Option<String>,
    /// Checked, normalised values: the item's prefill.
    pub values: BTreeMap<String, String>,
    pub key: String,
    /// Repairs applied (only with `--fix-leading-zeros`).
    pub fixes: Vec<Fix>,
    pub warnings: Vec<FieldProblem>,
    pub shorthands: Vec<Shorthand>,
}

/// A choice cell written as a number, read as the one choice it can mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shorthand {
    pub field: String,
    pub found: String,
    /// The choice's id.
    pub choice: String,
}

#[derive(Debug)]
pub enum Outcome {
    Accepted(Accepted),
    Problems(Vec<RowProblem>),
    /// The same work is already on the list, as this item.
    Already {
        item: String,
    },
}

/// A due date may be any full date; one in the past is the commune's call.
const DUE: DateRule = DateRule {
    year_only: false,
    when: When::Any,
};

/// Reads one non-blank row for the form `plan` is for. `existing` maps
/// identity keys of the list's items to their ids.
pub fn read_row(
    rc: &RowContext,
    plan: &FormPlan,
    cells: &[String],
    existing: &HashMap<String, String>,
) -> Outcome {
    let spec = plan.spec;
    let cell = |i: usize| cells.get(i).map(String::as_str).filter(|s| !s.is_empty());
    let mut problems = Vec::new();
    let extra = cells
        .iter()
        .skip(rc.header_len)
        .filter(|c| !c.is_empty())
        .count();
    if extra > 0 {
        problems.push(RowProblem::ExtraCells { count: extra });
    }

    let mut raw = BTreeMap::new();
    for &(col, field) in &plan.fields {
        if let Some(v) = cell(col) {
            raw.insert(field.to_string(), v.to_string());
        }
    }
    if let Some(name) = &plan.name {
        let joined: Vec<&str> = name.parts.iter().filter_map(|&i| cell(i)).collect();
        if !joined.is_empty() {
            raw.insert(name.field.to_string(), joined.join(" "));
        }
    }

    let shorthands = read_shorthands(spec, &mut raw);

    let village_fields: Vec<&str> = columns::village_fields(spec).collect();
    let team = match resolve_team(
        rc.village_col.and_then(cell),
        rc.team_col.and_then(cell),
        rc.ctx.villages,
    ) {
        Ok(team) => {
            for f in &village_fields {
                raw.insert(f.to_string(), team.to_string());
            }
            Some(team)
        }
        Err(p) => {
            problems.push(p);
            None
        }
    };

    let due = match rc.due_col.and_then(cell) {
        None => None,
        Some(v) => match rules::parse_date(v, rc.ctx.today, DUE) {
            Ok(d) => Some(d.iso()),
            Err(kind) => {
                problems.push(RowProblem::BadDue {
                    value: v.to_string(),
                    kind,
                });
                None
            }
        },
    };

    let checked = spec.check(&raw, &rc.ctx);
    let fixes: Vec<Fix> = checked
        .errors()
        .filter_map(|p| {
            let found = raw.get(&p.field)?;
            let fixed = lost_zeros(spec, &p.field, found, &checked.values, &rc.ctx)?;
            Some(Fix {
                field: p.field.clone(),
                found: found.clone(),
                fixed,
            })
        })
        .collect();
    let repaired = (!fixes.is_empty()).then(|| {
        let mut fixed_raw = raw.clone();
        for f in &fixes {
            fixed_raw.insert(f.field.clone(), f.fixed.clone());
        }
        spec.check(&fixed_raw, &rc.ctx)
    });
    // Whether the work is on the list is judged with the repairs, applied or
    // not: a row imported once with `--fix-leading-zeros` is not new again.
    let tentative = repaired.as_ref().unwrap_or(&checked);
    let identity_ok = !tentative
        .errors()
        .any(|p| plan.identity.contains(&p.field.as_str()));
    let key = identity_ok
        .then(|| identity_key(&spec.id, &plan.identity, &tentative.values))
        .flatten();
    if let Some(item) = key.as_ref().and_then(|k| existing.get(k)) {
        return Outcome::Already { item: item.clone() };
    }

    let result = if rc.fix_leading_zeros {
        tentative
    } else {
        problems.extend(fixes.iter().map(|f| RowProblem::LostLeadingZero {
            field: f.field.clone(),
            found: f.found.clone(),
            suggested: f.fixed.clone(),
        }));
        &checked
    };
    for p in result.errors() {
        if !rc.fix_leading_zeros && fixes.iter().any(|f| f.field == p.field) {
            continue;
        }
        // A work list fills only part of a form; the team fills the rest.
        // The village's own "required" is already said by the village check.
        if p.kind == ProblemKind::Required
            && (!plan.needs.contains(&p.field.as_str())
                || village_fields.contains(&p.field.as_str()))
        {
            continue;
        }
        problems.push(explain(spec, p, raw.get(&p.field).map(String::as_str)));
    }
    if !problems.is_empty() {
        return Outcome::Problems(problems);
    }
    let (Some(team), Some(key)) = (team, key) else {
        return Outcome::Problems(vec![RowProblem::Unidentifiable]);
    };
    Outcome::Accepted(Accepted {
        team,
        due,
        values: result.values.clone(),
        key,
        fixes: if rc.fix_leading_zeros {
            fixes
        } else {
            Vec::new()
        },
        warnings: result.warnings().cloned().collect(),
        shorthands,
    })
}

/// Reads choice cells written as a bare number: "2" is the one choice whose
/// label ends in 2 ("Mức 2", "Level 2") or is numbered 2 ("2. …"). A value
/// the list already understands, or one that fits several choices or none,
/// is left as it is, for the form's own check to accept or refuse.
fn read_shorthands(spec: &FormSpec, raw: &mut BTreeMap<String, String>) -> Vec<Shorthand> {
    let mut out = Vec::new();
    for field in &spec.fields {
        let Some(value) = raw.get(&field.id) else {
            continue;
        };
        let Some(n) = bare_number(value) else {
            continue;
        };
        let Kind::Choice {
            choices,
            list: None,
        } = field.kind_for(raw)
        else {
            continue;
        };
        let key = text::fold(value);
        if choices
            .iter()
            .any(|c| c.id == *value || text::fold(&c.vi) == key || text::fold(&c.en) == key)
        {
            continue;
        }
        let mut fits = choices
            .iter()
            .filter(|c| is_numbered(&c.vi, n) || is_numbered(&c.en, n));
        if let (Some(choice), None) = (fits.next(), fits.next()) {
            out.push(Shorthand {
                field: field.id.clone(),
                found: value.clone(),
                choice: choice.id.clone(),
            });
        }
    }
    for s in &out {
        raw.insert(s.field.clone(), s.choice.clone());
    }
    out
}

/// "2", "02": a small whole number, as a choice would be numbered.
fn bare_number(value: &str) -> Option<u32> {
    let v = value.trim();
    if v.is_empty() || v.len() > 3 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// Whether a label ends in the number ("Mức 2") or starts with it as a
/// numbering ("2. Đã đăng ký", "2) …").
fn is_numbered(label: &str, n: u32) -> bool {
    let folded = text::fold(label);
    let number = |word: &str| word.parse::<u32>().ok() == Some(n);
    let mut words = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    if words.next_back().is_some_and(number) {
        return true;
    }
    let lead: String = folded.chars().take_while(char::is_ascii_digit).collect();
    !lead.is_empty() && number(&lead) && folded[lead.len()..].starts_with(['.', ')', '-', ':'])
}

/// Whether a row's village or team cell names one of the commune's teams.
pub fn names_a_team(village: Option<&str>, team: Option<&str>, villages: &[Village]) -> bool {
    village
        .filter(|v| !v.is_empty())
        .and_then(|v| find_village(v, villages))
        .is_some()
        || team
            .and_then(parse_team)
            .is_some_and(|n| villages.iter().any(|v| v.team == n))
}

/// A form's error, said more precisely when the cell shows what a
/// spreadsheet did to it.
fn explain(spec: &FormSpec, p: &FieldProblem, found: Option<&str>) -> RowProblem {
    let field = p.field.clone();
    let is_date = spec
        .field(&p.field)
        .is_some_and(|f| matches!(f.kind, Kind::Date { .. }));
    match (found, &p.kind) {
        (
            Some(v),
            ProblemKind::IdNotDigits | ProblemKind::PhoneNotDigits | ProblemKind::CmndNotDigits,
        ) if is_scientific(v) => RowProblem::ScientificNotation {
            field,
            found: v.to_string(),
        },
        (Some(v), ProblemKind::DateFormat) if is_date => match excel_serial_date(v) {
            Some(would_be) => RowProblem::ExcelDateSerial {
                field,
                found: v.to_string(),
                would_be,
            },
            None => RowProblem::Field {
                field,
                kind: p.kind.clone(),
            },
        },
        _ => RowProblem::Field {
            field,
            kind: p.kind.clone(),
        },
    }
}

/// "3,40851E+11", "3.4085E+10", "1E+11".
fn is_scientific(v: &str) -> bool {
    let upper = v.trim().to_ascii_uppercase();
    let Some((mantissa, exponent)) = upper.split_once("E+") else {
        return false;
    };
    mantissa.starts_with(|c: char| c.is_ascii_digit())
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// A five-digit day count is what Excel shows for a date in a number column
/// (day 1 = 1/1/1900, with its 1900 leap-year bug, hence 30/12/1899).
fn excel_serial_date(v: &str) -> Option<String> {
    if v.len() != 5 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = v.parse().ok()?;
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch
        .checked_add_signed(Duration::days(days))
        .map(|d| d.format("%d/%m/%Y").to_string())
}

/// The value with its leading zeros put back, when that makes it valid:
/// a 10- or 11-digit personal ID (province codes start 0, Hà Nội's is 001),
/// a 9-digit mobile number, an 8-digit CMND. A repair that would give an
/// unknown province or mobile prefix is no repair.
fn lost_zeros(
    spec: &FormSpec,
    field_id: &str,
    found: &str,
    others: &BTreeMap<String, String>,
    ctx: &form::Context,
) -> Option<String> {
    let field = spec.field(field_id)?;
    let (length, most_lost) = match field.kind_for(others) {
        Kind::PersonalId { .. } => (12, 2),
        Kind::Phone => (10, 1),
        Kind::Cmnd => (9, 1),
        _ => return None,
    };
    let digits: String = found
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.len() >= length
        || length - digits.len() > most_lost
    {
        return None;
    }
    let candidate = format!("{}{digits}", "0".repeat(length - digits.len()));
    let (value, warnings) = spec.check_field(field, &candidate, others, ctx).ok()?;
    let suspicious = warnings.iter().any(|w| {
        matches!(
            w,
            ProblemKind::IdUnknownProvince { .. } | ProblemKind::PhoneUnknownPrefix { .. }
        )
    });
    (!suspicious).then_some(value)
}

/// The team of a row, from its village (a name, with or without "Thôn",
/// accents and case ignored, or a team number) and/or its team column.
fn resolve_team(
    village: Option<&str>,
    team: Option<&str>,
    villages: &[Village],
) -> Result<u8, RowProblem> {
    let by_village = match village {
        Some(v) => Some(
            find_village(v, villages).ok_or_else(|| RowProblem::UnknownVillage {
                value: v.to_string(),
            })?,
        ),
        None => None,
    };
    let by_team = match team {
        Some(t) => Some(
            parse_team(t)
                .filter(|n| villages.iter().any(|v| v.team == *n))
                .ok_or_else(|| RowProblem::NoSuchTeam {
                    value: t.to_string(),
                })?,
        ),
        None => None,
    };
    match (by_village, by_team) {
        (Some(a), Some(b)) if a != b => Err(RowProblem::TeamMismatch {
            village: village.unwrap_or_default().to_string(),
            village_team: a,
            team: b,
        }),
        (Some(a), _) => Ok(a),
        (None, Some(b)) => Ok(b),
        (None, None) => Err(RowProblem::NoVillage),
    }
}

fn parse_number(s: &str) -> Option<u8> {
    let s = s.trim();
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// "3", "Tổ 3", "tổ công tác 3", "Team 3".
fn parse_team(value: &str) -> Option<u8> {
    let folded = text::fold(value);
    let rest = ["to cong tac", "to", "team"]
        .iter()
        .find_map(|w| folded.strip_prefix(w))
        .unwrap_or(&folded);
    parse_number(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::Commune;

    fn villages() -> Vec<Village> {
        let mut c = Commune::with_numbered_villages("Xã Thử", 3);
        c.villages[0].name = "Thôn Đông".into();
        c.villages[1].name = "Thôn Đoài".into();
        c.villages
    }

    #[test]
    fn villages_match_by_name_without_accents_or_the_word_thon() {
        let v = villages();
        for (typed, team) in [
            ("Thôn Đông", 1),
            ("thon dong", 1),
            ("ĐÔNG", 1),
            ("Đoài", 2),
            ("Tho\u{302}n Đoa\u{300}i", 2),
            ("3", 3),
            ("Thôn 3", 3),
        ] {
            assert_eq!(find_village(typed, &v), Some(team), "{typed}");
        }
        assert_eq!(find_village("Thôn Bắc", &v), None);
        assert_eq!(find_village("7", &v), None);
        assert_eq!(find_village("Thôn", &v), None);
        let mut named = v.clone();
        named[2].name = "Thôn Bàn Thạch".into();
        assert_eq!(find_village("Bàn Thạch", &named), Some(3));
        assert_eq!(find_village("ban thach", &named), Some(3));
    }

    #[test]
    fn the_team_comes_from_the_village_or_the_team_column_and_they_must_agree() {
        let v = villages();
        assert_eq!(resolve_team(Some("Đông"), None, &v), Ok(1));
        assert_eq!(resolve_team(None, Some("Tổ 2"), &v), Ok(2));
        assert_eq!(resolve_team(Some("Đông"), Some("1"), &v), Ok(1));
        assert_eq!(
            resolve_team(Some("Đông"), Some("2"), &v),
            Err(RowProblem::TeamMismatch {
                village: "Đông".into(),
                village_team: 1,
                team: 2
            })
        );
        assert_eq!(
            resolve_team(None, Some("Tổ 9"), &v),
            Err(RowProblem::NoSuchTeam {
                value: "Tổ 9".into()
            })
        );
        assert_eq!(resolve_team(None, None, &v), Err(RowProblem::NoVillage));
    }

    #[test]
    fn leading_zeros_are_put_back_only_where_that_makes_a_valid_number() {
        let v = villages();
        let ctx = form::Context {
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            villages: &v,
        };
        let ac = form::form("activation").unwrap();
        let none = BTreeMap::new();
        let fix = |field: &str, found: &str| lost_zeros(ac, field, found, &none, &ctx);
        assert_eq!(fix("person_id", "34085001234"), Some("034085001234".into()));
        // Hà Nội (001) loses two zeros.
        assert_eq!(fix("person_id", "1192004567"), Some("001192004567".into()));
        assert_eq!(
            fix("person_id", "1 192 004 567"),
            Some("001192004567".into())
        );
        // 0 + 99...: no province 099.
        assert_eq!(fix("person_id", "99085001234"), None);
        assert_eq!(fix("person_id", "123456789"), None);
        assert_eq!(fix("person_id", "034085001234"), None);
        assert_eq!(fix("phone", "912345678"), Some("0912345678".into()));
        assert_eq!(fix("phone", "12345678"), None);
        assert_eq!(fix("full_name", "12345678901"), None);
        let mf = form::form("missing_field").unwrap();
        let cmnd = BTreeMap::from([("missing".to_string(), "cmnd".to_string())]);
        assert_eq!(
            lost_zeros(mf, "value", "12345678", &cmnd, &ctx),
            Some("012345678".into())
        );
    }

    #[test]
    fn spreadsheet_damage_is_recognised() {
        assert!(is_scientific("3,40851E+11"));
        assert!(is_scientific("3.4085e+10"));
        assert!(is_scientific("1E+11"));
        assert!(!is_scientific("E+11"));
        assert!(!is_scientific("34085001234"));
        assert!(!is_scientific("Nguyễn E+1"));
        assert_eq!(excel_serial_date("32874"), Some("01/01/1990".into()));
        assert_eq!(excel_serial_date("1990"), None);
        assert_eq!(excel_serial_date("3287a"), None);
    }

    #[test]
    fn a_number_is_read_as_the_one_choice_it_numbers() {
        let ac = form::form("activation").unwrap();
        let read = |field: &str, value: &str| {
            let mut raw = BTreeMap::from([(field.to_string(), value.to_string())]);
            let found = read_shorthands(ac, &mut raw);
            (raw[field].clone(), found.len())
        };
        assert_eq!(read("target_level", "2"), ("level2".into(), 1));
        assert_eq!(read("target_level", "01"), ("level1".into(), 1));
        // Understood already, fitting none, or not a bare number: left as is.
        assert_eq!(read("target_level", "Mức 2"), ("Mức 2".into(), 0));
        assert_eq!(read("target_level", "3"), ("3".into(), 0));
        assert_eq!(read("target_level", "2a"), ("2a".into(), 0));
        // "Đã kích hoạt mức 2" is the only status ending in 2.
        assert_eq!(read("status", "2"), ("activated_level2".into(), 1));
        assert!(is_numbered("2. Đã đăng ký", 2));
        assert!(is_numbered("Level 2", 2));
        assert!(!is_numbered("Số CMND 9 số", 9));
        assert!(!is_numbered("12 tháng", 2));
    }

    #[test]
    fn ambiguous_numbers_are_not_guessed() {
        let spec: FormSpec = serde_json::from_str(
            r#"{ "id": "t", "code": "T", "label": { "vi": "T", "en": "T" }, "short": { "vi": "T", "en": "T" },
                 "subject": "person", "title": ["c"], "search": ["c"], "done_when": [], "blocked_when": [],
                 "fields": [
                 { "id": "c", "label": { "vi": "C", "en": "C" }, "kind": "choice", "choices": [
                   { "id": "a", "vi": "Nhóm 2", "en": "Group 2" },
                   { "id": "b", "vi": "2. Khác", "en": "2. Other" } ] } ] }"#,
        )
        .unwrap();
        let mut raw = BTreeMap::from([("c".to_string(), "2".to_string())]);
        assert!(read_shorthands(&spec, &mut raw).is_empty());
        assert_eq!(raw["c"], "2");
    }

    #[test]
    fn teams_are_read_from_common_spellings() {
        assert_eq!(parse_team("3"), Some(3));
        assert_eq!(parse_team("Tổ 3"), Some(3));
        assert_eq!(parse_team("TỔ CÔNG TÁC 12"), Some(12));
        assert_eq!(parse_team("Team 4"), Some(4));
        assert_eq!(parse_team("ba"), None);
        assert_eq!(parse_team("9999"), None);
    }
}
