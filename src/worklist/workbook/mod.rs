//! Workbooks (.xlsx, .xls, .ods) as rows of typed cells, for the work-list
//! reader: which kind of file the bytes are, which sheet to read, and each of
//! the sheet's rows in order, numbered as the spreadsheet shows them.
//!
//! The reading is calamine's. Before calamine sees a file, `measure` reads
//! the counts it would trust and refuses a workbook too large to hold; an
//! `.xlsx` sheet is then streamed cell by cell, never held whole. Knows
//! nothing of columns, forms or the store: public so that the register and
//! the form specs (DESIGN.md §9: one reader for every spreadsheet) can read
//! sheets the same way: `Workbook::open`, `choose`, `rows`.

mod cfb;
mod measure;

#[cfg(any(test, feature = "test-hooks"))]
pub use cfb::write::compound as compound_file;

use std::cell::RefCell;
use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use calamine::{
    Data, Ods, OdsError, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsx, XlsxError,
};
use chrono::NaiveDate;

use super::WorklistError;
use crate::domain::text;

/// Cells a sheet may hold (counted as the rectangle the reader allocates):
/// a commune's 100,000 people over 30 columns, with room to spare.
pub const MAX_CELLS: usize = 3_000_000;
/// What the files inside an .xlsx or .ods may unpack to, together.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;

/// The kinds of workbook read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkbookFormat {
    Xlsx,
    Xls,
    Ods,
}

/// Files that are made like a workbook but are not one tothon reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherFile {
    /// Excel's binary workbook.
    Xlsb,
    /// Another zip: a Word document, a bundle...
    Zip,
    /// Another old Office file (a .doc...).
    Compound,
}

/// The sheet a preview read, and the others it could have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetSource {
    pub format: WorkbookFormat,
    pub sheet: String,
    /// Every worksheet of the workbook, in its order.
    pub sheets: Vec<String>,
}

/// How much of a workbook is read before it is refused.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_rows: usize,
    pub max_cells: usize,
    pub max_unpacked: u64,
}

/// Whether the first bytes are a workbook's container (zip or compound
/// file) rather than text.
pub fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || cfb::Cfb::is_compound(head)
}

/// One cell as the workbook typed it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A date-formatted cell: the day it shows, and the day count behind it
    /// where the file stores one (.xlsx, .xls; an .ods stores the date).
    Date {
        day: NaiveDate,
        serial: Option<f64>,
    },
    Bool(bool),
    /// An error value ("#N/A"), as the spreadsheet shows it.
    Error(String),
}

impl Value {
    fn from_data(data: Data) -> Value {
        match data {
            Data::Empty => Value::Empty,
            Data::String(s) => Value::Text(s),
            Data::Int(i) => Value::Text(i.to_string()),
            Data::Float(f) => Value::Number(f),
            Data::Bool(b) => Value::Bool(b),
            Data::Error(e) => Value::Error(e.to_string()),
            Data::DurationIso(s) => Value::Text(s),
            Data::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()) {
                Some(day) => Value::Date { day, serial: None },
                None => Value::Text(s),
            },
            Data::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                match NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                    Some(day) if dt.is_datetime() => Value::Date {
                        day,
                        serial: Some(dt.as_f64()),
                    },
                    // A duration, or Excel's 29/02/1900: the number it is.
                    _ => Value::Number(dt.as_f64()),
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.is_empty(),
            _ => false,
        }
    }

    /// The text the row checks read, as the cell shows it: a whole number
    /// without ".0" or exponent (so a personal ID stored as a number reads as
    /// its digits, and the leading-zero repair applies as for text), a date
    /// as dd/mm/yyyy. In a column of IDs or phone numbers (`digits`) a date
    /// format is a slip of the spreadsheet and the number behind it is read.
    pub fn into_text(self, digits: bool) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) | Value::Error(s) => s,
            Value::Number(f) => number_text(f),
            Value::Date {
                serial: Some(serial),
                ..
            } if digits => number_text(serial),
            Value::Date { day, .. } => day.format("%d/%m/%Y").to_string(),
            Value::Bool(true) => "TRUE".into(),
            Value::Bool(false) => "FALSE".into(),
        }
    }
}

/// A number as plain text: whole numbers as integers, others in full
/// decimals (Rust never writes an exponent here).
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

type Bytes<'a> = Cursor<&'a [u8]>;

enum Book<'a> {
    Xlsx(Xlsx<Bytes<'a>>),
    Xls(Xls<Bytes<'a>>),
    Ods(Ods<Bytes<'a>>),
}

/// An open workbook, measured and found safe to read.
pub struct Workbook<'a> {
    book: Book<'a>,
    format: WorkbookFormat,
    limits: Limits,
}

fn xlsx_error(e: XlsxError) -> WorklistError {
    match e {
        XlsxError::Password => WorklistError::Encrypted,
        e => unreadable(Some(WorkbookFormat::Xlsx), e),
    }
}

fn xls_error(e: XlsError) -> WorklistError {
    match e {
        XlsError::Password => WorklistError::Encrypted,
        e => unreadable(Some(WorkbookFormat::Xls), e),
    }
}

fn ods_error(e: OdsError) -> WorklistError {
    match e {
        OdsError::Password => WorklistError::Encrypted,
        e => unreadable(Some(WorkbookFormat::Ods), e),
    }
}

/// A workbook that cannot be read, and what the reader said. The reader's
/// words may quote the file (a damaged tag's name): they are made printable,
/// so a hostile file cannot break the sentence's line or drive the terminal.
fn unreadable(format: Option<WorkbookFormat>, detail: impl std::fmt::Display) -> WorklistError {
    WorklistError::Unreadable {
        format,
        detail: crate::domain::text::printable(&detail.to_string(), 200),
    }
}

impl<'a> Workbook<'a> {
    /// Measures the bytes, then opens them with calamine.
    pub fn open(bytes: &'a [u8], limits: Limits) -> Result<Workbook<'a>, WorklistError> {
        let format = measure::measure(bytes, &limits)?;
        let book = contain(format, || {
            let cursor = Cursor::new(bytes);
            Ok(match format {
                WorkbookFormat::Xlsx => Book::Xlsx(Xlsx::new(cursor).map_err(xlsx_error)?),
                WorkbookFormat::Xls => Book::Xls(Xls::new(cursor).map_err(xls_error)?),
                WorkbookFormat::Ods => Book::Ods(Ods::new(cursor).map_err(ods_error)?),
            })
        })?;
        Ok(Workbook {
            book,
            format,
            limits,
        })
    }

    fn sheets_metadata(&self) -> &[calamine::Sheet] {
        match &self.book {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
        }
    }

    /// The sheets to try, in order: the one named (as [`Workbook::choose`]
    /// finds it), or else every visible worksheet, the hidden ones after.
    pub fn candidates(&self, wanted: Option<&str>) -> Result<Vec<SheetSource>, WorklistError> {
        if wanted.is_some() {
            return Ok(vec![self.choose(wanted)?]);
        }
        let first = self.choose(None)?;
        let mut worksheets: Vec<&calamine::Sheet> = self
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .collect();
        crate::sort::sort_by_key(&mut worksheets, |s| s.visible != SheetVisible::Visible);
        Ok(worksheets
            .into_iter()
            .map(|s| SheetSource {
                sheet: s.name.clone(),
                ..first.clone()
            })
            .collect())
    }

    /// The sheet to read: the one named (exactly, or else the only one whose
    /// name matches with accents and case ignored), or the first visible
    /// worksheet. Chart sheets are not sheets of rows.
    pub fn choose(&self, wanted: Option<&str>) -> Result<SheetSource, WorklistError> {
        let worksheets: Vec<&calamine::Sheet> = self
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .collect();
        let sheets: Vec<String> = worksheets.iter().map(|s| s.name.clone()).collect();
        let sheet = match wanted {
            Some(wanted) => {
                let key = text::fold(wanted);
                let folded: Vec<&String> = sheets
                    .iter()
                    .filter(|name| text::fold(name) == key)
                    .collect();
                match (
                    sheets.iter().find(|name| *name == wanted),
                    folded.as_slice(),
                ) {
                    (Some(name), _) | (None, &[name]) => name.clone(),
                    _ => {
                        return Err(WorklistError::UnknownSheet {
                            sheet: wanted.to_string(),
                            sheets,
                        });
                    }
                }
            }
            None => worksheets
                .iter()
                .find(|s| s.visible == SheetVisible::Visible)
                .or(worksheets.first())
                .map(|s| s.name.clone())
                .ok_or(WorklistError::Empty)?,
        };
        Ok(SheetSource {
            format: self.format,
            sheet,
            sheets,
        })
    }

    /// Hands each row of the sheet to `push`, in order, with its number as
    /// the spreadsheet shows it (A1's row is 1); rows with no value come as
    /// empty rows, so numbers never skip. Stops at `push`'s first error.
    pub fn rows(
        &mut self,
        sheet: &str,
        push: &mut dyn FnMut(usize, Vec<Value>) -> Result<(), WorklistError>,
    ) -> Result<(), WorklistError> {
        let limits = self.limits;
        let format = self.format;
        let book = &mut self.book;
        contain(format, move || {
            let mut rows = RowBuilder::new(push, limits, format);
            match book {
                // Streamed: an .xlsx sheet is never held whole.
                Book::Xlsx(b) => {
                    let mut cells = b.worksheet_cells_reader(sheet).map_err(xlsx_error)?;
                    while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
                        let (row, col) = cell.get_position();
                        rows.add(row, col, Value::from_data(cell.get_value().clone().into()))?;
                    }
                }
                // calamine reads these whole when opening; measured already.
                Book::Xls(b) => rows.range(b.worksheet_range(sheet).map_err(xls_error)?)?,
                Book::Ods(b) => rows.range(b.worksheet_range(sheet).map_err(ods_error)?)?,
            }
            rows.finish()
        })
    }
}

/// Gathers cells into rows and hands the rows out in order.
struct RowBuilder<'p> {
    push: &'p mut dyn FnMut(usize, Vec<Value>) -> Result<(), WorklistError>,
    limits: Limits,
    format: WorkbookFormat,
    /// The next row to hand out, 0-based.
    next: u32,
    current: Option<(u32, Vec<Value>)>,
    /// Cells handed out so far, empty ones between values included.
    cells: usize,
}

impl<'p> RowBuilder<'p> {
    fn new(
        push: &'p mut dyn FnMut(usize, Vec<Value>) -> Result<(), WorklistError>,
        limits: Limits,
        format: WorkbookFormat,
    ) -> Self {
        RowBuilder {
            push,
            limits,
            format,
            next: 0,
            current: None,
            cells: 0,
        }
    }

    fn add(&mut self, row: u32, col: u32, value: Value) -> Result<(), WorklistError> {
        if value.is_empty() {
            return Ok(());
        }
        match &self.current {
            Some((r, _)) if *r == row => {}
            Some((r, _)) if row < *r => {
                return Err(unreadable(Some(self.format), "rows out of order"));
            }
            _ => {
                self.flush()?;
                self.start(row)?;
            }
        }
        let col = col as usize;
        if let Some((_, cells)) = self.current.as_mut() {
            if col >= cells.len() {
                self.cells += col + 1 - cells.len();
                if self.cells > self.limits.max_cells {
                    return Err(WorklistError::TooManyCells {
                        limit: self.limits.max_cells,
                    });
                }
                cells.resize(col + 1, Value::Empty);
            }
            cells[col] = value;
        }
        Ok(())
    }

    fn start(&mut self, row: u32) -> Result<(), WorklistError> {
        if row as usize >= self.limits.max_rows {
            return Err(WorklistError::TooManyRows {
                limit: self.limits.max_rows,
            });
        }
        while self.next < row {
            self.next += 1;
            (self.push)(self.next as usize, Vec::new())?;
        }
        self.current = Some((row, Vec::new()));
        Ok(())
    }

    fn flush(&mut self) -> Result<(), WorklistError> {
        if let Some((row, cells)) = self.current.take() {
            self.next = row + 1;
            (self.push)(self.next as usize, cells)?;
        }
        Ok(())
    }

    fn range(&mut self, range: calamine::Range<Data>) -> Result<(), WorklistError> {
        let Some((row0, col0)) = range.start() else {
            return Ok(());
        };
        for (i, cells) in range.rows().enumerate() {
            for (j, data) in cells.iter().enumerate() {
                if *data != Data::Empty {
                    let value = Value::from_data(data.clone());
                    self.add(row0 + i as u32, col0 + j as u32, value)?;
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), WorklistError> {
        self.flush()
    }
}

thread_local! {
    /// Where and why the containing thread panicked, for [`contain`].
    static CAUGHT: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Runs calamine's part of a read so that a panic inside it says "cannot
/// read this workbook" instead of ending tothon. calamine's .xls reader is
/// known to panic on some damaged and even some real files (tafia/calamine
/// issues 612 and 721); the sizes it would allocate were already checked by
/// `measure`, since a failed allocation cannot be caught.
///
/// While `f` runs, this thread's panics are recorded quietly (other threads'
/// go to the usual hook). A panic raised in tothon's own code is not
/// calamine's: it is raised again, with the usual hook back in place.
fn contain<T>(
    format: WorkbookFormat,
    f: impl FnOnce() -> Result<T, WorklistError>,
) -> Result<T, WorklistError> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let previous = Arc::new(panic::take_hook());
    let forward = Arc::clone(&previous);
    let me = std::thread::current().id();
    panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() != me {
            return forward(info);
        }
        let file = info
            .location()
            .map(|l| l.file().to_string())
            .unwrap_or_default();
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default(),
        };
        CAUGHT.with(|c| *c.borrow_mut() = Some((file, message)));
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    drop(panic::take_hook());
    match Arc::try_unwrap(previous) {
        Ok(hook) => panic::set_hook(hook),
        Err(shared) => panic::set_hook(Box::new(move |info| shared(info))),
    }
    match result {
        Ok(result) => result,
        Err(_) => {
            let (file, message) = CAUGHT.with(|c| c.borrow_mut().take()).unwrap_or_default();
            // Our own files are named relative to the crate, or in full when
            // tothon is built as another crate's dependency (the fuzz targets).
            let ours = ["src/", "src\\", env!("CARGO_MANIFEST_DIR")];
            if ours.iter().any(|p| file.starts_with(p)) {
                panic!("{message} (at {file})");
            }
            Err(unreadable(
                Some(format),
                format!("the reader stopped: {message}"),
            ))
        }
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_their_text_without_point_or_exponent() {
        assert_eq!(number_text(34085001234.0), "34085001234");
        assert_eq!(number_text(912345678.0), "912345678");
        assert_eq!(number_text(2.0), "2");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(1e20), "100000000000000000000");
        assert_eq!(number_text(0.000001), "0.000001");
    }

    #[test]
    fn dates_read_as_dates_except_in_a_column_of_numbers() {
        let day = NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
        let date = Value::Date {
            day,
            serial: Some(31118.0),
        };
        assert_eq!(date.clone().into_text(false), "12/03/1985");
        assert_eq!(date.into_text(true), "31118");
        let ods = Value::from_data(Data::DateTimeIso("1985-03-12T00:00:00".into()));
        assert_eq!(ods, Value::Date { day, serial: None });
        assert_eq!(ods.into_text(true), "12/03/1985");
        assert_eq!(
            Value::from_data(Data::DateTimeIso("soon".into())),
            Value::Text("soon".into())
        );
        let excel =
            calamine::ExcelDateTime::new(31118.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(
            Value::from_data(Data::DateTime(excel)).into_text(false),
            "12/03/1985"
        );
        let duration =
            calamine::ExcelDateTime::new(1.5, calamine::ExcelDateTimeType::TimeDelta, false);
        assert_eq!(
            Value::from_data(Data::DateTime(duration)),
            Value::Number(1.5)
        );
    }

    #[test]
    fn other_values_read_as_a_spreadsheet_shows_them() {
        assert_eq!(Value::from_data(Data::Int(7)).into_text(false), "7");
        assert_eq!(Value::from_data(Data::Bool(true)).into_text(false), "TRUE");
        assert_eq!(
            Value::from_data(Data::Error(calamine::CellErrorType::NA)).into_text(false),
            "#N/A"
        );
        assert!(Value::Text(String::new()).is_empty());
        assert!(!Value::Number(0.0).is_empty());
    }

    fn collect(
        cells: &[(u32, u32, &str)],
        limits: Limits,
    ) -> Result<Vec<(usize, Vec<String>)>, WorklistError> {
        let mut out = Vec::new();
        let mut push = |row: usize, values: Vec<Value>| {
            out.push((
                row,
                values.into_iter().map(|v| v.into_text(false)).collect(),
            ));
            Ok(())
        };
        let mut rows = RowBuilder::new(&mut push, limits, WorkbookFormat::Xlsx);
        for &(r, c, v) in cells {
            rows.add(r, c, Value::Text(v.into()))?;
        }
        rows.finish()?;
        Ok(out)
    }

    fn limits() -> Limits {
        Limits {
            max_rows: 10,
            max_cells: 20,
            max_unpacked: 1 << 20,
        }
    }

    #[test]
    fn rows_come_in_order_with_the_numbers_the_sheet_shows() {
        let rows = collect(
            &[(1, 1, "b"), (1, 0, "a"), (3, 2, "c"), (3, 3, "")],
            limits(),
        );
        let want: Vec<(usize, Vec<String>)> = vec![
            (1, vec![]),
            (2, vec!["a".into(), "b".into()]),
            (3, vec![]),
            (4, vec!["".into(), "".into(), "c".into()]),
        ];
        assert_eq!(rows.unwrap(), want);
        assert!(matches!(
            collect(&[(2, 0, "a"), (1, 0, "b")], limits()),
            Err(WorklistError::Unreadable { .. })
        ));
        assert!(matches!(
            collect(&[(10, 0, "a")], limits()),
            Err(WorklistError::TooManyRows { limit: 10 })
        ));
        assert!(matches!(
            collect(&[(0, 0, "a"), (1, 20, "b")], limits()),
            Err(WorklistError::TooManyCells { limit: 20 })
        ));
    }

    #[test]
    fn the_readers_words_are_made_printable() {
        // quick-xml quotes a damaged tag's name, bytes of the file and all.
        let e = unreadable(
            Some(WorkbookFormat::Xlsx),
            "close tag `</\n<styleShe\u{1b}>` does not match",
        );
        let WorklistError::Unreadable { detail, .. } = e else {
            panic!("{e:?}")
        };
        assert_eq!(
            detail,
            "close tag `</\\u{a}<styleShe\\u{1b}>` does not match"
        );
    }

    #[test]
    fn a_panic_in_another_crate_is_contained_and_ours_is_not() {
        // A panic whose origin is not tothon's source (resumed without a
        // location, as a foreign one is classed).
        let caught = contain(WorkbookFormat::Xls, || -> Result<(), WorklistError> {
            panic::resume_unwind(Box::new("index out of range"))
        });
        assert!(
            matches!(caught, Err(WorklistError::Unreadable { .. })),
            "{caught:?}"
        );
        let ours = panic::catch_unwind(|| {
            contain(WorkbookFormat::Xls, || -> Result<(), WorklistError> {
                panic!("a bug of ours")
            })
        });
        assert!(ours.is_err());
        // The usual hook is back: a later read is not silenced.
        assert!(contain(WorkbookFormat::Xls, || Ok(1)).is_ok());
    }
}
