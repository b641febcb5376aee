//! Measures a workbook from its bytes before calamine parses it: which kind
//! it is (from the zip's entries or the compound file's streams, not from a
//! file name), whether a password protects it, and how much reading it would
//! hold in memory.
//!
//! calamine trusts counts written in the file: it reserves room for an
//! `.xlsx`'s announced `uniqueCount` of strings, expands an `.ods`'s repeated
//! rows, cells and spaces, and allocates an `.xls` sheet as the rectangle its
//! cells span. A small hostile file can make any of these ask for gigabytes,
//! and a failed allocation ends the program where no error can be returned.
//! So the same counts are read here first, the same way, and refused above
//! [`Limits`]; the declared sizes of zip entries are trusted because the zip
//! reader refuses to unpack more than an entry declares.

use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::cfb::Cfb;
use super::{Limits, OtherFile, WorkbookFormat, unreadable};
use crate::worklist::WorklistError;

const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
/// calamine's own caps for an .ods sheet, which its expansion stops at.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// The kind of workbook, once it is known to be safe to hand to calamine.
pub fn measure(bytes: &[u8], limits: &Limits) -> Result<WorkbookFormat, WorklistError> {
    if Cfb::is_compound(bytes) {
        compound(bytes, limits)
    } else {
        zipped(bytes, limits)
    }
}

// ------------------------------------------------------------ zip: .xlsx, .ods

fn zipped(bytes: &[u8], limits: &Limits) -> Result<WorkbookFormat, WorklistError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(None, e))?;
    let mut unpacked = 0u64;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(|e| unreadable(None, e))?;
        if file.encrypted() {
            return Err(WorklistError::Encrypted);
        }
        unpacked = unpacked.saturating_add(file.size());
        names.push(String::from_utf8_lossy(file.name_raw()).to_ascii_lowercase());
    }
    if unpacked > limits.max_unpacked {
        return Err(WorklistError::UnpacksTooBig {
            limit: limits.max_unpacked,
        });
    }
    let find = |suffix: &str| names.iter().position(|n| n.ends_with(suffix));
    if find("workbook.bin").is_some() {
        return Err(WorklistError::NotAWorkbook {
            kind: OtherFile::Xlsb,
        });
    }
    if find("workbook.xml").is_some() {
        if let Some(i) = find("sharedstrings.xml") {
            let file = zip
                .by_index(i)
                .map_err(|e| unreadable(Some(WorkbookFormat::Xlsx), e))?;
            shared_strings(BufReader::new(file), limits)?;
        }
        return Ok(WorkbookFormat::Xlsx);
    }
    let mut mime = Vec::new();
    if let Ok(file) = zip.by_name("mimetype") {
        let _ = file.take(ODS_MIME.len() as u64).read_to_end(&mut mime);
    }
    if mime == ODS_MIME {
        let file = zip
            .by_name("content.xml")
            .map_err(|e| unreadable(Some(WorkbookFormat::Ods), e))?;
        ods_extent(BufReader::new(file), limits)?;
        return Ok(WorkbookFormat::Ods);
    }
    Err(WorklistError::NotAWorkbook {
        kind: OtherFile::Zip,
    })
}

/// The `uniqueCount` calamine reserves room for, before any string is read.
fn shared_strings(reader: impl BufRead, limits: &Limits) -> Result<(), WorklistError> {
    let mut xml = quick_xml::Reader::from_reader(reader);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                let count = attr(&e, "uniqueCount").and_then(|v| v.trim().parse::<u64>().ok());
                if count.is_some_and(|n| n > limits.max_cells as u64) {
                    return Err(WorklistError::TooManyCells {
                        limit: limits.max_cells,
                    });
                }
                return Ok(());
            }
            // Whatever is wrong, calamine finds it and says so.
            Ok(Event::Eof) | Err(_) => return Ok(()),
            _ => {}
        }
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// A count attribute as calamine reads it: absent is one.
fn count(e: &BytesStart, name: &str) -> u64 {
    attr(e, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// What one `.ods` table would become in memory.
#[derive(Default)]
struct OdsTable {
    /// Rows so far, repeats expanded (capped as calamine caps them).
    rows: u64,
    /// First and last (exclusive) expanded row holding a value.
    first_row: Option<u64>,
    end_row: u64,
    first_col: u64,
    end_col: u64,
}

/// The row being read: its repeat count, its width so far, and the span of
/// its cells that hold a value.
struct OdsRow {
    repeats: u64,
    col: u64,
    first: Option<u64>,
    end: u64,
}

/// Reads `content.xml` as calamine will, counting instead of storing: every
/// table becomes the rectangle between its first and last cell holding a
/// value (repeats expanded), and `<text:s text:c="N"/>` becomes N spaces.
fn ods_extent(reader: impl BufRead, limits: &Limits) -> Result<(), WorklistError> {
    let mut xml = quick_xml::Reader::from_reader(reader);
    xml.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut table: Option<OdsTable> = None;
    let mut row: Option<OdsRow> = None;
    let mut cells = 0u64;
    let mut spaces = 0u64;
    let too_many_cells = || WorklistError::TooManyCells {
        limit: limits.max_cells,
    };
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(Some(WorkbookFormat::Ods), e))?;
        let (start, closed) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        let mut ended: Option<String> = None;
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => table = Some(OdsTable::default()),
                "table:table-row" if table.is_some() => {
                    row = Some(OdsRow {
                        repeats: count(e, "table:number-rows-repeated"),
                        col: 0,
                        first: None,
                        end: 0,
                    })
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some(r) = row.as_mut() {
                        let n = count(e, "table:number-columns-repeated");
                        let from = r.col;
                        r.col = r.col.saturating_add(n).min(ODS_MAX_COLUMNS);
                        if holds_value(e) {
                            r.first.get_or_insert(from);
                            r.end = r.col;
                        }
                    }
                }
                "text:s" => {
                    spaces = spaces.saturating_add(count(e, "text:c"));
                    if spaces > limits.max_cells as u64 {
                        return Err(too_many_cells());
                    }
                }
                _ => {}
            }
            if closed {
                ended = Some(e.name().as_ref().to_string());
            }
        }
        if let Event::End(e) = &event {
            ended = Some(e.name().as_ref().to_string());
        }
        match ended.as_deref() {
            Some("table:table-row") => {
                if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                    let repeats = r.repeats.min(ODS_MAX_ROWS - t.rows.min(ODS_MAX_ROWS));
                    let from = t.rows;
                    t.rows += repeats;
                    if let Some(first) = r.first {
                        t.first_col = match t.first_row {
                            Some(_) => t.first_col.min(first),
                            None => first,
                        };
                        t.first_row.get_or_insert(from);
                        t.end_row = t.rows;
                        t.end_col = t.end_col.max(r.end);
                    }
                }
            }
            Some("table:table") => {
                if let Some(t) = table.take() {
                    if t.end_row > limits.max_rows as u64 {
                        return Err(WorklistError::TooManyRows {
                            limit: limits.max_rows,
                        });
                    }
                    let height = t.end_row - t.first_row.unwrap_or(t.end_row);
                    let width = t.end_col.saturating_sub(t.first_col);
                    cells = cells.saturating_add(height.saturating_mul(width));
                    if cells > limits.max_cells as u64 {
                        return Err(too_many_cells());
                    }
                }
            }
            _ => {}
        }
        if matches!(event, Event::Eof) {
            return Ok(());
        }
    }
}

/// Whether calamine keeps a value for this cell (it keeps a typed value or a
/// formula; a cell with neither is empty, whatever text it holds).
fn holds_value(e: &BytesStart) -> bool {
    e.attributes().with_checks(false).flatten().any(|a| {
        matches!(
            a.key.as_ref(),
            "office:value-type"
                | "office:value"
                | "office:string-value"
                | "office:date-value"
                | "office:time-value"
                | "office:boolean-value"
                | "table:formula"
        )
    })
}

// ------------------------------------------------------------ compound: .xls

fn compound(bytes: &[u8], limits: &Limits) -> Result<WorkbookFormat, WorklistError> {
    let xls = Some(WorkbookFormat::Xls);
    let cfb = Cfb::open(bytes).ok_or_else(|| unreadable(xls, "damaged compound file"))?;
    // How Office stores a workbook saved with a password (.xlsx or .xls alike).
    if cfb.has("EncryptedPackage") || cfb.has("EncryptionInfo") {
        return Err(WorklistError::Encrypted);
    }
    if !cfb.has("Workbook") && !cfb.has("Book") {
        return Err(WorklistError::NotAWorkbook {
            kind: OtherFile::Compound,
        });
    }
    let stream = cfb
        .stream("Workbook")
        .or_else(|| cfb.stream("Book"))
        .ok_or_else(|| unreadable(xls, "damaged Workbook stream"))?;
    biff_extent(&stream, limits)
}

/// The records of a BIFF stream, as (type, data), up to the first one cut short.
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*stream.first()?, *stream.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*stream.get(2)?, *stream.get(3)?]));
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some((typ, data))
    })
}

fn u16_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The rectangle a sheet's cells span, as calamine will allocate it.
#[derive(Default)]
struct Span {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        let widen = |span: &mut Option<(u32, u32)>, v: u32| {
            *span = Some(match *span {
                None => (v, v),
                Some((lo, hi)) => (lo.min(v), hi.max(v)),
            })
        };
        widen(&mut self.rows, row);
        widen(&mut self.cols, col);
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => {
                u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
            }
            _ => 0,
        }
    }
}

/// The room calamine reserves for a sheet from its DIMENSIONS record,
/// computed as calamine computes it (including its wrap-around on a last row
/// before the first).
fn reserved(data: &[u8]) -> u64 {
    let (rf, rl, cf, cl) = match data.len() {
        10 => (
            u16_at(data, 0),
            u16_at(data, 2),
            u16_at(data, 4),
            u16_at(data, 6),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8),
            u16_at(data, 10),
        ),
        _ => return 0,
    };
    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else {
        return 0;
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (end_row, end_col) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    let rows = u64::from(end_row.wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from(end_col.wrapping_sub(cf).wrapping_add(1));
    rows.saturating_mul(cols)
}

/// Walks the globals (a FilePass record means a password) and every sheet
/// the globals list, as calamine does, and sums what its sheets will hold.
fn biff_extent(stream: &[u8], limits: &Limits) -> Result<WorkbookFormat, WorklistError> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x002F => return Err(WorklistError::Encrypted),
            0x0085 => sheets.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    let max_cells = limits.max_cells as u64;
    let too_many_cells = || WorklistError::TooManyCells {
        limit: limits.max_cells,
    };
    let mut cells = 0u64;
    for at in sheets {
        let Some(sheet) = stream.get(at as usize..) else {
            continue;
        };
        let mut span = Span::default();
        let mut depth = 0usize;
        let mut seen_bof = false;
        for (typ, data) in records(sheet) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let at = |i| (u16_at(data, i), u16_at(data, i + 2));
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 if reserved(data) > max_cells => return Err(too_many_cells()),
                // Number, Label, RString, BoolErr, RK, LabelSst, Formula.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(row), Some(col)) = at(0) {
                        span.add(row, col);
                    }
                }
                // MulRk: one row, columns from first to last.
                0x00BD => {
                    let last = data.len().checked_sub(2).and_then(|i| u16_at(data, i));
                    if let ((Some(row), Some(first)), Some(last)) = (at(0), last) {
                        span.add(row, first);
                        span.add(row, last.max(first));
                    }
                }
                0x000A => break,
                _ => {}
            }
        }
        if span
            .rows
            .is_some_and(|(_, last)| last as usize >= limits.max_rows)
        {
            return Err(WorklistError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        cells = cells.saturating_add(span.cells());
        if cells > max_cells {
            return Err(too_many_cells());
        }
    }
    Ok(WorkbookFormat::Xls)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    pub fn limits() -> Limits {
        Limits {
            max_rows: 1000,
            max_cells: 10_000,
            max_unpacked: 1 << 20,
        }
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in entries {
            zip.start_file(*name, stored).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    fn ods(content: &str) -> Vec<u8> {
        zip_of(&[("mimetype", ODS_MIME), ("content.xml", content.as_bytes())])
    }

    fn table(rows: &str) -> String {
        format!(
            "<office:document-content><office:body><office:spreadsheet><table:table table:name=\"A\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
        )
    }

    const CELL: &str = "<table:table-cell office:value-type=\"float\" office:value=\"1\"/>";

    #[test]
    fn zips_are_told_apart_by_their_entries() {
        let l = limits();
        let xlsx = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(measure(&xlsx, &l).unwrap(), WorkbookFormat::Xlsx);
        assert_eq!(measure(&ods(&table("")), &l).unwrap(), WorkbookFormat::Ods);
        let xlsb = zip_of(&[("xl/workbook.bin", b"")]);
        assert!(matches!(
            measure(&xlsb, &l),
            Err(WorklistError::NotAWorkbook {
                kind: OtherFile::Xlsb
            })
        ));
        let docx = zip_of(&[("word/document.xml", b"<w/>")]);
        assert!(matches!(
            measure(&docx, &l),
            Err(WorklistError::NotAWorkbook {
                kind: OtherFile::Zip
            })
        ));
        assert!(matches!(
            measure(b"PK\x03\x04broken", &l),
            Err(WorklistError::Unreadable { format: None, .. })
        ));
    }

    #[test]
    fn a_zip_unpacking_beyond_the_limit_is_refused_before_reading() {
        let big = vec![b' '; (1 << 20) + 1];
        let xlsx = zip_of(&[("xl/workbook.xml", &big)]);
        assert!(matches!(
            measure(&xlsx, &limits()),
            Err(WorklistError::UnpacksTooBig { limit }) if limit == 1 << 20
        ));
    }

    #[test]
    fn an_announced_string_count_beyond_the_limit_is_refused() {
        let sst = |n: u64| {
            format!(
                "<?xml version=\"1.0\"?><sst xmlns=\"x\" count=\"1\" uniqueCount=\"{n}\"><si><t>a</t></si></sst>"
            )
        };
        let book = |n| {
            zip_of(&[
                ("xl/workbook.xml", b"<workbook/>"),
                ("xl/sharedStrings.xml", sst(n).as_bytes()),
            ])
        };
        assert!(measure(&book(10_000), &limits()).is_ok());
        assert!(matches!(
            measure(&book(10_000_000_000), &limits()),
            Err(WorklistError::TooManyCells { .. })
        ));
    }

    #[test]
    fn ods_repeats_are_counted_as_calamine_expands_them() {
        let l = limits();
        let row = |repeat: u64, cells: &str| {
            format!(
                "<table:table-row table:number-rows-repeated=\"{repeat}\">{cells}</table:table-row>"
            )
        };
        // LibreOffice ends every sheet with a million empty rows: not counted.
        let tail = row(
            1_048_000,
            "<table:table-cell table:number-columns-repeated=\"1024\"/>",
        );
        let fine = table(&format!("{}{}", row(999, CELL), tail));
        assert!(measure(&ods(&fine), &l).is_ok());
        let tall = table(&row(1001, CELL));
        assert!(matches!(
            measure(&ods(&tall), &l),
            Err(WorklistError::TooManyRows { limit: 1000 })
        ));
        let wide_cell = "<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"4000\"/>";
        let wide = table(&row(2, wide_cell));
        assert!(measure(&ods(&wide), &l).is_ok());
        let wide = table(&row(3, wide_cell));
        assert!(matches!(
            measure(&ods(&wide), &l),
            Err(WorklistError::TooManyCells { .. })
        ));
        // Empty rows between two values are expanded too.
        let gap = table(&format!(
            "{}{}{}",
            row(
                1,
                &format!("{CELL}<table:table-cell table:number-columns-repeated=\"20\"/>{CELL}")
            ),
            row(900, ""),
            row(1, CELL)
        ));
        assert!(matches!(
            measure(&ods(&gap), &l),
            Err(WorklistError::TooManyCells { .. })
        ));
        let spaces = table(&row(
            1,
            "<table:table-cell office:value-type=\"string\"><text:p>a<text:s text:c=\"99999999999\"/></text:p></table:table-cell>",
        ));
        assert!(matches!(
            measure(&ods(&spaces), &l),
            Err(WorklistError::TooManyCells { .. })
        ));
    }

    /// A BIFF record.
    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    /// A workbook stream: globals naming one sheet, then the sheet's records.
    fn biff(sheet: &[Vec<u8>]) -> Vec<u8> {
        let bof = rec(0x0809, &[0, 6, 5, 0]);
        let eof = rec(0x000A, &[]);
        let mut bound = vec![0u8; 4];
        bound.extend([0, 0, 1, 0, b'S']);
        let globals_len = bof.len() + rec(0x0085, &bound).len() + eof.len();
        bound[..4].copy_from_slice(&(globals_len as u32).to_le_bytes());
        let mut out = [bof.clone(), rec(0x0085, &bound), eof.clone(), bof].concat();
        for r in sheet {
            out.extend(r);
        }
        out.extend(eof);
        out
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        rec(0x0203, &d)
    }

    fn xls(stream: &[u8]) -> Vec<u8> {
        super::super::cfb::write::compound(&[("Workbook", stream)])
    }

    #[test]
    fn xls_sheets_are_measured_as_the_rectangle_of_their_cells() {
        let l = limits();
        let ok = xls(&biff(&[number(0, 0), number(99, 9)]));
        assert_eq!(measure(&ok, &l).unwrap(), WorkbookFormat::Xls);
        // Two cells far apart: calamine would allocate everything between.
        let far = xls(&biff(&[number(0, 0), number(999, 255)]));
        assert!(matches!(
            measure(&far, &l),
            Err(WorklistError::TooManyCells { .. })
        ));
        let tall = xls(&biff(&[number(1000, 0)]));
        assert!(matches!(
            measure(&tall, &l),
            Err(WorklistError::TooManyRows { limit: 1000 })
        ));
        // A DIMENSIONS record whose last row comes before its first.
        let mut dims = 5u32.to_le_bytes().to_vec();
        dims.extend(1u32.to_le_bytes());
        dims.extend([0, 0, 1, 0, 0, 0]);
        let wrapped = xls(&biff(&[rec(0x0200, &dims)]));
        assert!(matches!(
            measure(&wrapped, &l),
            Err(WorklistError::TooManyCells { .. })
        ));
    }

    #[test]
    fn passwords_and_other_compound_files_are_told() {
        let l = limits();
        let encrypted = super::super::cfb::write::compound(&[
            ("EncryptionInfo", &[0u8; 100]),
            ("EncryptedPackage", &[0u8; 100]),
        ]);
        assert!(matches!(
            measure(&encrypted, &l),
            Err(WorklistError::Encrypted)
        ));
        let mut stream = biff(&[]);
        stream.splice(0..0, rec(0x002F, &[1, 0]));
        assert!(matches!(
            measure(&xls(&stream), &l),
            Err(WorklistError::Encrypted)
        ));
        let doc = super::super::cfb::write::compound(&[("WordDocument", &[0u8; 100])]);
        assert!(matches!(
            measure(&doc, &l),
            Err(WorklistError::NotAWorkbook {
                kind: OtherFile::Compound
            })
        ));
    }
}
