//! A sheet as an Excel workbook (.xlsx) for people to open: one worksheet,
//! the header in bold and frozen, columns as wide as their text, and every
//! cell a text cell (an inline string). A text cell is never a formula and
//! never a number, so "=1+1" stays what it says and a personal ID keeps its
//! leading zero, with no apostrophe added: the values are exactly the data's.
//!
//! Written as a zip of stored entries (`stored_zip`, which the format
//! allows), not a spreadsheet library: the few parts a workbook
//! needs are fixed text around the cells.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

/// The widest a column is made, in characters; longer text wraps on demand.
const MAX_WIDTH: usize = 60;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Two cell formats: 0 plain, 1 bold (the header).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

/// The workbook's bytes: one sheet named `name`, `header` in its first row,
/// then `rows`. Refused only past what a zip without zip64 holds (4 GB).
pub fn workbook(
    name: &str,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, crate::stored_zip::LayoutError> {
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("xl/workbook.xml", workbook_xml(name)),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
        ("xl/styles.xml", STYLES.to_string()),
        ("xl/worksheets/sheet1.xml", sheet_xml(header, rows)),
    ];
    let entries: Vec<(&str, &[u8])> = parts.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    crate::stored_zip::write(&entries)
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

fn sheet_xml(header: &[String], rows: &[Vec<String>]) -> String {
    let columns = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut widths = vec![8usize; columns];
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width().min(MAX_WIDTH));
        }
    }
    let mut out = String::with_capacity(64 * (rows.len() + 1) * columns.max(1));
    out.push_str(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>"#,
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
    for (r, row) in std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .enumerate()
    {
        let style = if r == 0 { r#" s="1""# } else { "" };
        let _ = write!(out, r#"<row r="{}">"#, r + 1);
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let _ = write!(
                out,
                r#"<c r="{}{}" t="inlineStr"{style}><is><t xml:space="preserve">{}</t></is></c>"#,
                column_letters(c),
                r + 1,
                escape(cell)
            );
        }
        out.push_str("</row>");
    }
    out.push_str("</sheetData></worksheet>");
    out
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
fn escape(text: &str) -> String {
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
        let bytes = workbook("Danh sách", &["Mã".into()], &[vec!["</t>=1+1".into()]]).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("&lt;/t&gt;=1+1"), "{text}");
        assert!(text.contains(r#"<sheet name="Danh sách""#), "{text}");
    }
}
