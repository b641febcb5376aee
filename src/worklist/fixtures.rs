//! Small workbooks built in tests, for the formats no writer crate makes:
//! an .ods (a zip of XML), an .xls (BIFF8 records in a compound file), and
//! the compound file Office keeps a password-protected workbook in. Only
//! in test builds (`cfg(test)` or the `test-hooks` feature).

use std::io::{Cursor, Write};

use chrono::NaiveDate;

pub use super::workbook::compound_file;

/// One cell of a test workbook.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date-formatted cell.
    Date(NaiveDate),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }
}

/// A sheet: its name and its rows from row 1.
pub type Sheet = (String, Vec<Vec<Cell>>);

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An OpenDocument spreadsheet; `password` marks it encrypted the way
/// LibreOffice does (the content is then not meant to be read).
pub fn ods(sheets: &[Sheet], password: bool) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for (name, rows) in sheets {
        content.push_str(&format!(r#"<table:table table:name="{}">"#, escape(name)));
        for row in rows {
            content.push_str("<table:table-row>");
            for cell in row {
                content.push_str(&match cell {
                    Cell::Empty => "<table:table-cell/>".to_string(),
                    Cell::Text(s) => format!(
                        r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                        escape(s)
                    ),
                    Cell::Number(n) => format!(
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    ),
                    Cell::Date(d) => format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{}"><text:p>{}</text:p></table:table-cell>"#,
                        d.format("%Y-%m-%d"),
                        d.format("%d/%m/%Y")
                    ),
                });
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let encryption = if password {
        r#"<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/></manifest:encryption-data>"#
    } else {
        ""
    };
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{encryption}</manifest:file-entry></manifest:manifest>"#
    );
    let mut out = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [
        (
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet".to_string(),
        ),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content),
    ] {
        zip.start_file(name, stored).expect("zip entry");
        zip.write_all(data.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip end");
    out.into_inner()
}

fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = typ.to_le_bytes().to_vec();
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
    out
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// An Excel 97–2003 workbook (BIFF8): text as labels, numbers, and dates
/// as numbers in a date format, the way Excel stores them.
pub fn xls(sheets: &[Sheet]) -> Vec<u8> {
    let bof = |kind: u16| {
        let mut d = vec![0x00, 0x06];
        d.extend(kind.to_le_bytes());
        d.extend([0u8; 12]);
        record(0x0809, &d)
    };
    let eof = record(0x000A, &[]);
    // Formats of the cells: 0 is General, 1 a date (built-in format 14).
    let xf = |format: u16| {
        let mut d = vec![0u8; 20];
        d[2..4].copy_from_slice(&format.to_le_bytes());
        record(0x00E0, &d)
    };
    let bound = |at: u32, name: &str| {
        let mut d = at.to_le_bytes().to_vec();
        d.extend([0, 0, name.encode_utf16().count() as u8, 1]);
        d.extend(utf16(name));
        record(0x0085, &d)
    };
    let mut bodies = Vec::new();
    for (_, rows) in sheets {
        let mut body = bof(0x0010);
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let mut d = (r as u16).to_le_bytes().to_vec();
                d.extend((c as u16).to_le_bytes());
                let (typ, xf_index, value) = match cell {
                    Cell::Empty => continue,
                    Cell::Text(s) => {
                        let mut v = (s.encode_utf16().count() as u16).to_le_bytes().to_vec();
                        v.push(1);
                        v.extend(utf16(s));
                        (0x0204, 0u16, v)
                    }
                    Cell::Number(n) => (0x0203, 0, n.to_le_bytes().to_vec()),
                    Cell::Date(day) => {
                        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
                        let serial = (*day - epoch).num_days() as f64;
                        (0x0203, 1, serial.to_le_bytes().to_vec())
                    }
                };
                d.extend(xf_index.to_le_bytes());
                d.extend(value);
                body.extend(record(typ, &d));
            }
        }
        body.extend(&eof);
        bodies.push(body);
    }
    let mut globals = [
        bof(0x0005),
        record(0x0042, &1200u16.to_le_bytes()),
        xf(0),
        xf(14),
    ]
    .concat();
    let bounds_len: usize = sheets.iter().map(|(name, _)| bound(0, name).len()).sum();
    let mut at = globals.len() + bounds_len + eof.len();
    for ((name, _), body) in sheets.iter().zip(&bodies) {
        globals.extend(bound(at as u32, name));
        at += body.len();
    }
    globals.extend(&eof);
    for body in bodies {
        globals.extend(body);
    }
    compound_file(&[("Workbook", &globals)])
}
