//! Files for people to open in Excel. CSV: UTF-8 with a BOM (so Vietnamese
//! shows right), text in NFC, and cells a spreadsheet would execute
//! (starting with `=`, `+`, `-`, `@`, tab or CR) neutralised with a leading
//! apostrophe. Only for human viewing: bundles keep values exactly. And a
//! sheet's cells typed and put in words for a workbook ([`person_sheet`]).
//! Both fronts write through here.

use std::io::Write;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::domain::commune::Village;
use crate::domain::form::{self, FormSpec, Kind};
use crate::domain::rules::PartialDate;
use crate::domain::standing::Stage;
use crate::domain::version::Status;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};
use crate::xlsx::{Cell, Sheet};

/// A cell as a spreadsheet should show it, never run it.
pub fn neutralise(cell: &str) -> String {
    let nfc: String = cell.nfc().collect();
    match nfc.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{nfc}"),
        _ => nfc,
    }
}

/// The bytes of a CSV table for Excel.
pub fn to_bytes(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
    let _step = crate::progress::step(crate::progress::Step::WritingTable, rows.len() as u64);
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            crate::progress::advance(1);
            let cells: Vec<String> = row.iter().map(|c| neutralise(c)).collect();
            // Writing into a Vec cannot fail.
            let _ = w.write_record(&cells);
        }
        let _ = w.flush();
    }
    out
}

/// A sheet's first line: what it is (`vi`, `en`, with any filter), of
/// which commune, as of when.
pub fn sheet_title(
    lang: Lang,
    (vi, en): (&str, &str),
    commune: &str,
    day: chrono::NaiveDate,
) -> String {
    let day = day.format("%d/%m/%Y");
    match lang {
        Lang::Vi => format!("{vi} — {commune}, tính đến ngày {day}"),
        Lang::En => format!("{en} — {commune}, as of {day}"),
    }
}

/// Which columns of a sheet are its own and which are a form's fields.
#[derive(Clone, Copy, Debug)]
pub struct Columns<'a> {
    /// How many columns, from the first, are the sheet's own (known by the
    /// names `cli::tables::write_csv` gives them); the rest are fields.
    pub fixed: usize,
    /// The form the fields are of (`cases --form`); else a row's `form`
    /// column, or the first form that has the field.
    pub form: Option<&'a FormSpec>,
    /// The commune's villages, for a field that names one by its team.
    pub villages: &'a [Village],
}

impl Columns<'_> {
    /// A sheet with no field columns.
    pub fn all_fixed(header: &[String]) -> Columns<'static> {
        Columns {
            fixed: header.len(),
            form: None,
            villages: &[],
        }
    }
}

/// A sheet as a person reads it (`--format xlsx`): the columns named in
/// `lang`, a form's fields by their labels; codes as words (a status, a
/// choice, yes or no); days as dates, counts as numbers, a share as a
/// percentage (worked out exactly from its two numbers); IDs, phones and
/// everything else as text, exactly.
pub fn person_sheet(
    lang: Lang,
    (name, title): (&str, String),
    header: &[String],
    rows: &[Vec<String>],
    columns: Columns,
) -> Sheet {
    let form_column = header[..columns.fixed.min(header.len())]
        .iter()
        .position(|h| h == "form");
    // A field column's id (the sheet may have put a prefix on it, to keep
    // its name apart from a fixed column's) and the form it is of.
    let field_of = |column: &str, row_form: Option<&'static FormSpec>| {
        let id = column
            .strip_prefix("field_")
            .or_else(|| column.strip_prefix("prefill_"))
            .unwrap_or(column);
        let has = |f: &&FormSpec| f.field(id).is_some();
        let spec = columns
            .form
            .filter(has)
            .or(row_form.filter(has))
            .or_else(|| form::forms().iter().find(has))?;
        Some((spec, spec.field(id)?.id.clone()))
    };
    let people_header = header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let word = if c < columns.fixed {
                i18n::sheet_column(lang, h).map(str::to_string)
            } else {
                field_of(h, None)
                    .and_then(|(spec, id)| spec.field(&id).map(|f| f.label.get(lang).to_string()))
            };
            word.unwrap_or_else(|| h.clone())
        })
        .collect();
    let at = |name: &str| header.iter().position(|h| h == name);
    // A share beside its two numbers is worked out exactly (the CSV's is
    // a whole percentage).
    let share = match (at("value"), at("of"), at("percent")) {
        (Some(v), Some(o), Some(p)) => Some((v, o, p)),
        _ => match (at("done"), at("assigned"), at("percent_done")) {
            (Some(v), Some(o), Some(p)) => Some((v, o, p)),
            _ => None,
        },
    };
    let people_rows = rows
        .iter()
        .map(|row| {
            let exact = share.and_then(|(v, o, p)| {
                let n = |c: usize| row.get(c).and_then(|x| x.parse::<f64>().ok());
                Some((p, n(v)? / n(o).filter(|o| *o > 0.0)?))
            });
            let row_form = form_column
                .and_then(|c| row.get(c))
                .and_then(|f| form::form(f));
            row.iter()
                .zip(header)
                .enumerate()
                .map(|(c, (value, column))| match exact {
                    Some((p, share)) if p == c => Cell::Percent(share),
                    _ if c < columns.fixed => fixed_cell(lang, column, value),
                    _ => match field_of(column, row_form) {
                        Some((spec, id)) => field_cell(lang, spec, &id, value, columns.villages),
                        None => Cell::Text(value.clone()),
                    },
                })
                .collect()
        })
        .collect();
    Sheet {
        name: name.to_string(),
        title,
        header: people_header,
        rows: people_rows,
    }
}

/// A full date (the date of a time) as a date cell; anything else as it is.
fn date_cell(value: &str) -> Cell {
    match PartialDate::parse_iso(value.get(..10).unwrap_or(value)) {
        Some(PartialDate::Day(day)) => Cell::Date(day),
        Some(partial) => Cell::Text(partial.display()),
        None => Cell::Text(value.to_string()),
    }
}

fn number_cell(value: &str) -> Cell {
    value
        .parse::<i64>()
        .map_or_else(|_| Cell::Text(value.to_string()), Cell::Number)
}

/// A fixed column's cell, by the column's name.
fn fixed_cell(lang: Lang, column: &str, value: &str) -> Cell {
    match column {
        "due" | "edited_at" | "as_of" | "birth_1" | "birth_2" => date_cell(value),
        "team" | "versions" | "value" | "of" | "assigned" | "done" | "in_progress"
        | "not_started" | "blocked" | "needs_correction" | "conflicts" => number_cell(value),
        "percent" | "percent_done" => value.trim_end_matches('%').parse::<f64>().map_or_else(
            |_| Cell::Text(value.to_string()),
            |p| Cell::Percent(p / 100.0),
        ),
        "status" => Status::parse(value)
            .map(|s| i18n::status(lang, s).to_string())
            .or_else(|| Stage::parse(value).map(|s| i18n::stage(lang, s).to_string()))
            .unwrap_or_else(|| value.to_string())
            .into(),
        "stage" => Stage::parse(value)
            .map_or(value.to_string(), |s| i18n::stage(lang, s).to_string())
            .into(),
        "conflict" => match value {
            "yes" => i18n::yes_no(lang, true).into(),
            "no" => i18n::yes_no(lang, false).into(),
            _ => value.into(),
        },
        "form" => form::form(value)
            .map_or(value.to_string(), |f| f.label.get(lang).to_string())
            .into(),
        _ => value.into(),
    }
}

/// A form field's cell: a full date as a date, a number as a number, a
/// choice as its label, everything else as text.
fn field_cell(lang: Lang, spec: &FormSpec, id: &str, value: &str, villages: &[Village]) -> Cell {
    let Some(field) = spec.field(id) else {
        return value.into();
    };
    match &field.kind {
        Kind::Date { .. } => date_cell(value),
        Kind::Number { .. } => number_cell(value),
        Kind::Choice { .. } | Kind::MultiChoice { .. } => spec
            .display(field, value, &Default::default(), lang, villages)
            .into(),
        _ => value.into(),
    }
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename, so a
/// power cut never leaves half a file under the real name.
pub fn save(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    save_as(dir, name, bytes, false)
}

/// [`save`] to the file a person named (`--out FILE`): in its folder, the
/// current one when it names none.
pub fn save_file(file: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let (dir, name) = folder_and_name(file)?;
    save(dir, &name, bytes)
}

/// [`save_file`] of a secret (see [`save_private`]).
pub fn save_file_private(file: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let (dir, name) = folder_and_name(file)?;
    save_private(dir, &name, bytes)
}

/// The folder a named file goes in (the current one when it names none)
/// and its name.
fn folder_and_name(file: &Path) -> Result<(&Path, String)> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(name) = name else {
        return Err(Error::File {
            path: file.to_path_buf(),
            detail: "not a file name".into(),
        });
    };
    Ok((dir.unwrap_or(Path::new(".")), name))
}

/// [`save`] of a secret: the file readable by its owner only (on Windows
/// the user's own folder is the guard).
pub fn save_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    save_as(dir, name, bytes, true)
}

fn save_as(dir: &Path, name: &str, bytes: &[u8], owner_only: bool) -> Result<PathBuf> {
    let path = dir.join(name);
    let fail = |e: std::io::Error| Error::File {
        path: path.clone(),
        detail: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    // A name no one else can have made first: created new (never an old
    // file, never through a link), owner-only from the start for a secret.
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| fail(std::io::Error::other(e.to_string())))?;
    let tmp = dir.join(format!(".{name}.{:016x}.tmp", u64::from_le_bytes(suffix)));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if owner_only {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = owner_only;
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_safe_bytes() {
        let bytes = to_bytes(
            &["Tên".into(), "Ghi chú".into()],
            &[
                vec!["Nguye\u{0302}\u{0303}n".into(), "=HYPERLINK(\"x\")".into()],
                vec!["-5".into(), "a,b".into()],
            ],
        );
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(text.contains("Nguyễn"));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""));
        assert!(text.contains("'-5,\"a,b\""));
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("0912"), "0912");
    }

    #[test]
    fn save_writes_the_whole_file_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = save(dir.path(), "a.csv", b"x,y\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x,y\n");
        assert!(!dir.path().join(".a.csv.tmp").exists());
    }
}
