//! How listings are laid out: `--format table|csv`, plain aligned tables,
//! CSV sheets and cells cut to a width. Measures columns with
//! `unicode-width`, so Vietnamese text lines up.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;
use unicode_width::UnicodeWidthStr;

use super::stdout_error;
use crate::domain::version::Status;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang, Msg};

/// How a listing is written: a table for the terminal, CSV (for
/// programs, and for a spreadsheet: see [`write_csv`]), or an Excel
/// workbook for people (`--out FILE` needed).
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Xlsx,
}

/// A cell as it may reach a terminal: a control character or a bidi
/// control (in data from outside, a spreadsheet, a bundle) is written as
/// its escape, `\u{1b}`, so it can neither break a line nor drive the
/// terminal.
fn printable(cell: &str) -> String {
    crate::domain::text::printable(cell, usize::MAX)
}

/// A cell of a sheet written on standard output: [`printable`] when that
/// is a terminal, where a person reads it; else as it is (a file or another
/// program gets the data, with only [`write_csv`]'s formula guard).
pub(super) fn sheet_cell(cell: &str, to_terminal: bool) -> std::borrow::Cow<'_, str> {
    if to_terminal {
        printable(cell).into()
    } else {
        cell.into()
    }
}

/// A plain aligned table; the last column is not padded (it may be long).
/// Cells are [`printable`].
pub(crate) fn write_rows(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| printable(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(c, *w))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}

/// A sheet (a header, then rows of as many cells) as CSV for people to
/// open in a spreadsheet: RFC 4180, UTF-8, cells [`sheet_cell`], and a cell
/// a spreadsheet would run as a formula written with a `'` in front
/// (`export::neutralise`), after a byte-order mark when it goes to a file
/// or a program. Values keep their codes (`female`, `in_progress`), for
/// programs; `export::person_sheet` writes the same sheet for people.
pub(super) fn write_csv(
    mut out: impl Write,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<()> {
    let to_terminal = std::io::stdout().is_terminal();
    // A byte-order mark, so Excel opening the file reads UTF-8 (not on a
    // terminal, where it would only be an invisible character).
    if !to_terminal {
        out.write_all(b"\xEF\xBB\xBF").map_err(stdout_error)?;
    }
    let mut w = csv::Writer::from_writer(out);
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells = row
            .iter()
            .map(|c| crate::export::neutralise(&sheet_cell(c, to_terminal)));
        w.write_record(cells).map_err(stdout_error)?;
    }
    w.flush().map_err(stdout_error)?;
    Ok(())
}

/// Writes a sheet (its machine header and rows, as [`write_csv`] takes
/// them) as `format` asks: CSV on the standard output, or CSV or a
/// workbook into `out`, said on the standard output with a word that the
/// file holds personal data. A table is the caller's to print.
pub(super) fn write_sheet(
    format: Format,
    out: Option<&std::path::Path>,
    lang: Lang,
    what: (&str, String),
    (header, rows): (&[String], &[Vec<String>]),
    columns: crate::export::Columns,
) -> Result<()> {
    // `--out FILE.xlsx` without `--format` means a workbook.
    let xlsx = |path: &std::path::Path| {
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    };
    let bytes = match (format, out) {
        (Format::Xlsx, None) => return Err(Error::NeedsOut),
        (Format::Table | Format::Csv, None) => {
            return write_csv(std::io::stdout().lock(), header, rows);
        }
        (Format::Xlsx, Some(path)) | (Format::Table, Some(path))
            if format == Format::Xlsx || xlsx(path) =>
        {
            crate::export::person_sheet(lang, what, header, rows, columns)
                .to_xlsx()
                .map_err(|e| Error::File {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                })?
        }
        (_, Some(_)) => crate::export::to_bytes(header, rows),
    };
    let Some(path) = out else {
        return Ok(());
    };
    let saved = crate::export::save_file(path, &bytes)?;
    super::print_out(format_args!(
        "{}\n",
        i18n::msg(
            lang,
            &Msg::ExportedPersonal {
                path: &saved.display().to_string()
            }
        )
    ))
}

/// A sheet's header: the `fixed` columns, then the `more` (each once), each
/// of which a fixed column already names is written with `prefix` in front,
/// so that no two columns share a name and a reader by name finds both.
pub(super) fn unique_header(fixed: &[&str], more: &[&str], prefix: &str) -> Vec<String> {
    let mut header: Vec<String> = fixed.iter().map(|c| c.to_string()).collect();
    for column in more {
        let mut name = column.to_string();
        while header.contains(&name) {
            name = format!("{prefix}{name}");
        }
        header.push(name);
    }
    header
}

/// A case's status as tables show it: in words, with ⚠ when it is in
/// conflict.
pub(super) fn status_cell(lang: Lang, status: Status, conflict: bool) -> String {
    let word = i18n::status(lang, status);
    if conflict {
        format!("{word} ⚠")
    } else {
        word.to_string()
    }
}

/// Cuts a value to `width` columns, with an ellipsis when cut.
pub(super) fn fit(s: &str, width: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    if s.width() <= width {
        return pad(s, width);
    }
    let mut out = String::new();
    for g in s.graphemes(true) {
        if out.width() + g.width() + 1 > width {
            break;
        }
        out.push_str(g);
    }
    out.push('…');
    pad(&out, width)
}

pub(super) fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}
