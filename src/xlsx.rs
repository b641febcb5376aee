//! A sheet as an Excel workbook (.xlsx) for people to open: one worksheet,
//! a title row saying what it is (and which filter, as of when), the header
//! in bold and frozen below it, columns as wide as their text.
//!
//! Cells are typed by the caller, never guessed from the text: a personal
//! ID, CMND or phone is a text cell (an inline string), so it keeps its
//! leading zero with no apostrophe added; a count is a number, a date a date
//! (shown dd/mm/yyyy), a share a percentage. A text cell is never a formula,
//! so "=1+1" stays what it says: no formula is ever written from data.
//!
//! Written as a zip of stored entries (`stored_zip`, which the format
//! allows), not a spreadsheet library: the few parts a workbook needs are
//! fixed text around the cells.

use std::fmt::Write as _;

use chrono::NaiveDate;
use unicode_width::UnicodeWidthStr;

/// The widest a column is made, in characters; longer text wraps on demand.
const MAX_WIDTH: usize = 60;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Cell formats, by index: 0 plain, 1 bold (the header), 2 a date
/// dd/mm/yyyy, 3 a percentage with one decimal, 4 the title (bold, larger).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0.0%"/></numFmts><fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="13"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

const STYLE_HEADER: u8 = 1;
const STYLE_DATE: u8 = 2;
const STYLE_PERCENT: u8 = 3;
const STYLE_TITLE: u8 = 4;

/// One cell, typed by what it holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text as it is, IDs and phones included (never a number, never a
    /// formula).
    Text(String),
    /// A count.
    Number(i64),
    /// A day, shown dd/mm/yyyy.
    Date(NaiveDate),
    /// A share, 0.558 shown as 55.8%.
    Percent(f64),
}

impl Cell {
    /// The cell as a CSV file writes it: digits, an ISO date (which a
    /// spreadsheet reads as a date whatever its language), a whole
    /// percentage (no decimal separator, which Vietnamese and English
    /// write differently), or the text.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Percent(p) => format!("{}%", crate::domain::report::whole_percent(*p)),
        }
    }

    /// How many columns it takes on screen, for the column's width.
    fn width(&self) -> usize {
        match self {
            Cell::Text(t) => t.width(),
            Cell::Number(n) => n.to_string().len(),
            Cell::Date(_) => 10,
            Cell::Percent(_) => 6,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

/// A table for people: what it is, its columns, its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// The worksheet's name (cut to what Excel allows).
    pub name: String,
    /// The first line: what the table is, which filter, as of when.
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet of text cells.
    pub fn of_text(
        name: &str,
        title: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    ) -> Sheet {
        Sheet {
            name: name.to_string(),
            title,
            header,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(Cell::Text).collect())
                .collect(),
        }
    }

    /// The sheet as an Excel workbook. Refused only past what a zip
    /// without zip64 holds (4 GB).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, crate::stored_zip::LayoutError> {
        let parts: [(&str, String); 6] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("xl/workbook.xml", workbook_xml(&self.name)),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
            ("xl/styles.xml", STYLES.to_string()),
            ("xl/worksheets/sheet1.xml", self.sheet_xml()),
        ];
        let entries: Vec<(&str, &[u8])> = parts.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        crate::stored_zip::write(&entries)
    }

    /// The sheet as a CSV file for a spreadsheet (`export::to_bytes`: a
    /// byte-order mark, cells a spreadsheet would run neutralised), header
    /// first, without the title; cells as [`Cell::csv_text`] writes them.
    pub fn to_csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::csv_text).collect())
            .collect();
        crate::export::to_bytes(&self.header, &rows)
    }

    fn sheet_xml(&self) -> String {
        let rows = self.rows.len() as u64;
        let _step = crate::progress::step(crate::progress::Step::WritingTable, rows);
        let columns = self
            .header
            .len()
            .max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let mut widths = vec![8usize; columns];
        for (w, h) in widths.iter_mut().zip(&self.header) {
            *w = (*w).max(h.width().min(MAX_WIDTH));
        }
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width().min(MAX_WIDTH));
            }
        }
        let mut out = String::with_capacity(64 * (self.rows.len() + 2) * columns.max(1));
        out.push_str(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>"#,
        );
        for (i, w) in widths.iter().enumerate() {
            let _ = write!(
                out,
                r#"<col min="{n}" max="{n}" width="{}" customWidth="1"/>"#,
                w + 2,
                n = i + 1
            );
        }
        out.push_str("</cols><sheetData>");
        out.push_str(r#"<row r="1">"#);
        text_cell(&mut out, "A1", &self.title, Some(STYLE_TITLE));
        out.push_str("</row>");
        out.push_str(r#"<row r="2">"#);
        for (c, h) in self.header.iter().enumerate() {
            let at = format!("{}2", column_letters(c));
            text_cell(&mut out, &at, h, Some(STYLE_HEADER));
        }
        out.push_str("</row>");
        for (r, row) in self.rows.iter().enumerate() {
            crate::progress::advance(1);
            let n = r + 3;
            let _ = write!(out, r#"<row r="{n}">"#);
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{n}", column_letters(c));
                match cell {
                    Cell::Text(t) if t.is_empty() => {}
                    Cell::Text(t) => text_cell(&mut out, &at, t, None),
                    Cell::Number(v) => {
                        let _ = write!(out, r#"<c r="{at}"><v>{v}</v></c>"#);
                    }
                    Cell::Date(d) => {
                        let _ = write!(
                            out,
                            r#"<c r="{at}" s="{STYLE_DATE}"><v>{}</v></c>"#,
                            serial(*d)
                        );
                    }
                    Cell::Percent(p) if p.is_finite() => {
                        let _ = write!(out, r#"<c r="{at}" s="{STYLE_PERCENT}"><v>{p}</v></c>"#);
                    }
                    Cell::Percent(_) => {}
                }
            }
            out.push_str("</row>");
        }
        out.push_str("</sheetData></worksheet>");
        out
    }
}

/// An inline-string cell.
fn text_cell(out: &mut String, at: &str, text: &str, style: Option<u8>) {
    use unicode_normalization::UnicodeNormalization;
    let style = style.map(|s| format!(r#" s="{s}""#)).unwrap_or_default();
    let nfc: String = text.nfc().collect();
    let _ = write!(
        out,
        r#"<c r="{at}" t="inlineStr"{style}><is><t xml:space="preserve">{}</t></is></c>"#,
        escape(&nfc)
    );
}

/// A day as a spreadsheet counts it: days since 30/12/1899 (Excel's epoch,
/// which takes in its own 29/02/1900).
fn serial(day: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (day - epoch).num_days()
}

fn workbook_xml(name: &str) -> String {
    // A sheet name: at most 31 characters, none of []:*?/\.
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let name = if name.trim().is_empty() {
        "Sheet1".to_string()
    } else {
        name
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        escape(&name)
    )
}

/// "A", "B", ... "Z", "AA", ...: a column as a spreadsheet names it.
fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Text as XML character data: the five markup characters escaped, and a
/// character XML 1.0 cannot hold (most control characters) written as its
/// visible escape, `\u{1b}`, as the tables print it.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_a_spreadsheet_does() {
        let got: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(got, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn markup_and_control_characters_cannot_break_the_sheet() {
        assert_eq!(
            escape("<b>&\"'\u{1b}[31m"),
            "&lt;b&gt;&amp;&quot;&apos;\\u{1b}[31m"
        );
        let bytes = Sheet::of_text(
            "Danh sách",
            "Tiêu đề".into(),
            vec!["Mã".into()],
            vec![vec!["</t>=1+1".into()]],
        )
        .to_xlsx()
        .unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("&lt;/t&gt;=1+1"), "{text}");
        assert!(text.contains(r#"<sheet name="Danh sách""#), "{text}");
    }

    #[test]
    fn days_are_counted_as_a_spreadsheet_counts_them() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(serial(day(2000, 1, 1)), 36526);
        assert_eq!(serial(day(1900, 3, 1)), 61);
        assert_eq!(serial(day(2026, 12, 4)), 46360);
    }

    #[test]
    fn csv_cells_read_as_numbers_in_any_language() {
        assert_eq!(Cell::Percent(0.5583).csv_text(), "56%");
        assert_eq!(Cell::Percent(0.995).csv_text(), "99%");
        assert_eq!(Cell::Percent(0.004).csv_text(), "1%");
        assert_eq!(Cell::Number(-3).csv_text(), "-3");
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(Cell::Date(d).csv_text(), "2026-01-05");
    }
}
