//! Work-list import: reads a spreadsheet of the people or households the
//! commune hands out (a workbook, .xlsx/.xls/.ods, or its text export, CSV or
//! "Unicode Text" in UTF-8 or UTF-16), checks every row exactly as a save
//! would, and turns the good rows into work items for the team of each row's
//! village.
//!
//! Both kinds of file come down to rows of text cells fed to one
//! [`Importer`]: header mapping, fill-down, the rows after the data that are
//! not data, the row checks and duplicates are the same for either.
//!
//! [`preview`] decides everything and writes nothing: both fronts show the
//! same [`Preview`] (in the words of `i18n::worklist::preview_lines`).
//! Pure: never sees the store, the clock or the screens; `ops::worklist`
//! previews a file against the store, writes a preview and reassigns items.

mod columns;
mod decode;
#[cfg(any(test, feature = "test-hooks"))]
pub mod fixtures;
mod footer;
mod rows;
pub mod workbook;
pub mod xlsform;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read};

use chrono::NaiveDate;

use crate::domain::commune::Commune;
use crate::domain::form::{self, FieldProblem, FormSpec};
use crate::domain::rules::ProblemKind;
use crate::domain::work::WorkItem;
use columns::{Column, FormPlan, Target};
pub use decode::Encoding;
pub use footer::NotData;
pub use workbook::{OtherFile, SheetSource, WorkbookFormat};

/// Largest file accepted. A commune's list of 100,000 people is about 15 MB
/// (30 MB as UTF-16); anything far beyond that is not a work list, and the
/// accepted items are held in memory until they are written.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Most rows a workbook's sheet may have: twice a commune of 100,000 people.
/// A workbook unpacks to far more than its size on disk, so it is bounded by
/// rows as well (and by cells, see `workbook::MAX_CELLS`); a sheet of a
/// million rows is refused before it is read into memory.
pub const MAX_ROWS: usize = 200_000;

/// How to read a work list.
#[derive(Clone, Debug)]
pub struct Options {
    /// The form of every row without a form column (an id, code or label);
    /// `None`: inferred from the columns.
    pub form: Option<String>,
    /// Every row is of this spec, whatever the columns say, and no form
    /// column is read: the population register (`form::register`).
    pub fixed: Option<&'static FormSpec>,
    /// Apply the suggested leading-zero repairs instead of refusing the rows.
    pub fix_leading_zeros: bool,
    /// Birth dates may not be after it; passed in so checks do not read the clock.
    pub today: NaiveDate,
    pub max_bytes: u64,
    /// The sheet of a workbook to read, by its name (accents and case may
    /// differ when only one sheet matches); `None`: the first visible sheet
    /// with a header row (notes or instructions often come first). Ignored
    /// for a text file.
    pub sheet: Option<String>,
    /// Fill the cells a merged cell leaves empty (village, team, household
    /// code, address, head of household) from the row above; every filled
    /// cell is listed in the preview.
    pub fill_down: bool,
    /// Most rows a workbook's sheet may have.
    pub max_rows: usize,
}

impl Options {
    pub fn new(today: NaiveDate) -> Options {
        Options {
            form: None,
            fixed: None,
            fix_leading_zeros: false,
            today,
            max_bytes: MAX_BYTES,
            sheet: None,
            fill_down: false,
            max_rows: MAX_ROWS,
        }
    }
}

/// What a column is used as (for duplicate columns and the column list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnRole {
    Village,
    Team,
    Form,
    Due,
    Field { form: String, field: String },
}

/// Why a whole file cannot be imported. Nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum WorklistError {
    #[error("the file is larger than {limit} bytes")]
    TooBig { limit: u64 },
    #[error("row {row} is not UTF-8 text")]
    NotUtf8 { row: usize },
    #[error("reading the file: {detail}")]
    Read { detail: String },
    #[error("the file has no header row")]
    Empty,
    #[error("no known column in the first rows; first row: {first_row}")]
    NoKnownColumn { first_row: String },
    #[error("columns {first} and {second} are both {role:?}")]
    DuplicateColumn {
        role: ColumnRole,
        first: String,
        second: String,
    },
    #[error("unknown form {form}")]
    UnknownForm { form: String },
    #[error("cannot tell the form from the columns (candidates: {candidates:?})")]
    AmbiguousForm { candidates: Vec<String> },
    #[error("form {form} needs columns for {fields:?}")]
    MissingColumns { form: String, fields: Vec<String> },
    #[error("no village or team column")]
    NoVillageColumn,
    #[error("this is team {team}'s device; work lists are the commune's")]
    NotCommune { team: u8 },
    #[error("the work list changed since the preview")]
    ListChanged,
    #[error("no work item {id}")]
    NoSuchItem { id: String },
    #[error("{count} items not imported: no terminal to confirm and no --yes")]
    NeedsYes { count: usize },
    #[error("the workbook has no sheet {sheet:?}; its sheets are {sheets:?}")]
    UnknownSheet { sheet: String, sheets: Vec<String> },
    #[error("the workbook is protected with a password")]
    Encrypted,
    /// A damaged workbook, or one the reader cannot follow; `format` is
    /// `None` when even its kind could not be told.
    #[error("the workbook cannot be read: {detail}")]
    Unreadable {
        format: Option<WorkbookFormat>,
        detail: String,
    },
    #[error("not a workbook tothon reads: {kind:?}")]
    NotAWorkbook { kind: OtherFile },
    #[error("a sheet has more than {limit} rows")]
    TooManyRows { limit: usize },
    #[error("the workbook's sheets hold more than {limit} cells")]
    TooManyCells { limit: usize },
    #[error("the workbook unpacks to more than {limit} bytes")]
    UnpacksTooBig { limit: u64 },
}

impl WorklistError {
    fn from_io(e: &std::io::Error, limit: u64) -> WorklistError {
        if decode::is_too_big(e) {
            WorklistError::TooBig { limit }
        } else {
            WorklistError::Read {
                detail: e.to_string(),
            }
        }
    }

    fn from_csv(e: csv::Error, limit: u64) -> WorklistError {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => WorklistError::from_io(&io, limit),
            other => WorklistError::Read {
                detail: format!("{other:?}"),
            },
        }
    }
}

/// Where the form of the rows came from, said in the preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormSource {
    /// Every row is a person of the population register.
    Register,
    /// `--form`.
    Given { form: String },
    /// From the columns: the column that told, or `None` when this was the
    /// only form whose needed columns are all present.
    Inferred {
        form: String,
        column: Option<String>,
    },
    /// Each row's own form column; rows leaving it empty use `fallback`.
    Column {
        column: String,
        fallback: Option<String>,
    },
}

/// Why one row is not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// The form's own check of a field failed, as it would on save.
    Field {
        field: String,
        kind: ProblemKind,
    },
    /// The number became valid with leading zeros put back (a spreadsheet
    /// read it as a number); not changed without `--fix-leading-zeros`.
    LostLeadingZero {
        field: String,
        found: String,
        suggested: String,
    },
    /// "3,40851E+11": the spreadsheet showed the number in scientific
    /// notation and its digits are gone.
    ScientificNotation {
        field: String,
        found: String,
    },
    /// A date cell that the spreadsheet turned into its day count.
    ExcelDateSerial {
        field: String,
        found: String,
        /// What the day count would be, dd/mm/yyyy, as a hint only.
        would_be: String,
    },
    UnknownVillage {
        value: String,
    },
    NoVillage,
    NoSuchTeam {
        value: String,
    },
    TeamMismatch {
        village: String,
        village_team: u8,
        team: u8,
    },
    UnknownForm {
        value: String,
    },
    /// The form column is empty and there is no `--form` to fall back on.
    NoForm,
    BadDue {
        value: String,
        kind: ProblemKind,
    },
    /// Non-empty cells to the right of the last header.
    ExtraCells {
        count: usize,
    },
    /// Same person or household as an earlier row, with different details:
    /// which one is right is for a person to say.
    Conflicting {
        same_as: usize,
    },
    /// The identity fields hold no letter or digit to tell the work apart.
    Unidentifiable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemRow {
    /// As the spreadsheet shows it: the first line of the file is row 1.
    pub row: usize,
    /// `None` when the row's form could not be told.
    pub form: Option<String>,
    pub problems: Vec<RowProblem>,
}

/// A leading-zero repair applied with `--fix-leading-zeros`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowFix {
    pub row: usize,
    pub form: String,
    pub field: String,
    pub found: String,
    pub fixed: String,
}

/// A warning of the form's checks on an imported row: the item is imported
/// and the team confirms or corrects it when saving the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowWarning {
    pub row: usize,
    pub form: String,
    pub problem: FieldProblem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub row: usize,
    pub same_as: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlreadyListed {
    pub row: usize,
    pub item: String,
}

/// A cell left empty (by a merged cell, usually) and filled with the value
/// above it, with `--fill-down`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilledCell {
    pub row: usize,
    /// 0-based, as in [`MappedColumn`].
    pub column: usize,
    pub header: String,
    pub value: String,
}

/// A row after the data that is not data: a total, a date or signature
/// line, a note. Listed, never imported, not a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotDataRow {
    pub row: usize,
    pub kind: NotData,
    /// The row's words, shortened, so the person sees which line it is.
    pub text: String,
}

/// A choice cell written as a number and read as the one choice it can
/// mean ("2" for "Mức 2").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowShorthand {
    pub row: usize,
    pub form: String,
    pub field: String,
    pub found: String,
    /// The choice's id.
    pub choice: String,
}

/// A column that is read, and what it fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedColumn {
    pub index: usize,
    pub header: String,
    pub role: ColumnRole,
}

/// A column that is not read: an unknown header (`unused_by: None`), or a
/// known one the row's form has no field for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoredColumn {
    pub index: usize,
    pub header: String,
    pub unused_by: Option<String>,
}

/// Everything an import would do, decided before anything is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// How a text file was read. For a workbook: UTF-8 and 0 (see `workbook`).
    pub encoding: Encoding,
    pub delimiter: u8,
    /// The workbook and sheet read; `None` for a text file.
    pub workbook: Option<SheetSource>,
    pub header_row: usize,
    pub form_source: FormSource,
    pub mapped: Vec<MappedColumn>,
    pub ignored: Vec<IgnoredColumn>,
    /// Rows below the header, blank ones included.
    pub rows_read: usize,
    pub blank: usize,
    pub duplicates: Vec<Duplicate>,
    pub already: Vec<AlreadyListed>,
    pub problems: Vec<ProblemRow>,
    pub warnings: Vec<RowWarning>,
    pub fixes: Vec<RowFix>,
    pub fix_leading_zeros: bool,
    /// Cells filled from the row above (only with `fill_down`), in order.
    pub filled: Vec<FilledCell>,
    pub fill_down: bool,
    /// Without `fill_down`: how many rows leave a cell empty that it would
    /// fill from the row above (a hint that the list has merged cells).
    pub fillable: usize,
    /// Rows after the data recognised as totals, signatures, notes.
    pub not_data: Vec<NotDataRow>,
    /// Choice cells read through their number, for the imported rows.
    pub shorthands: Vec<RowShorthand>,
    /// The new work items, with their ids, in file order.
    pub items: Vec<WorkItem>,
    /// The row each new item came from (parallel to `items`).
    pub item_rows: Vec<usize>,
}

impl Preview {
    /// New items per (team, form id).
    pub fn counts(&self) -> BTreeMap<(u8, String), usize> {
        let mut out = BTreeMap::new();
        for item in &self.items {
            *out.entry((item.team, item.form.clone())).or_insert(0) += 1;
        }
        out
    }

    /// The forms the new items are of, in the order the specs list them.
    pub fn forms(&self) -> Vec<&'static FormSpec> {
        form::forms()
            .iter()
            .chain([form::register()])
            .filter(|f| self.items.iter().any(|i| i.form == f.id))
            .collect()
    }

    /// Whether the work list `existing` already holds any of the new items,
    /// by id or by what they are about: the list changed since this preview
    /// was made, and writing it would hand out the same work twice.
    pub fn is_stale(&self, existing: &[WorkItem]) -> bool {
        let ids: HashSet<&str> = existing.iter().map(|w| w.id.as_str()).collect();
        let keys = existing_keys(existing);
        self.items.iter().any(|item| {
            ids.contains(item.id.as_str())
                || identity_key(&item.form, &identity_of(&item.form), &item.prefill)
                    .is_some_and(|k| keys.contains_key(&k))
        })
    }
}

/// The identity fields of a form (see `columns::FORM_RULES`).
fn identity_of(form_id: &str) -> Vec<&'static str> {
    form::form(form_id)
        .map(|spec| columns::rule_for(spec).1)
        .unwrap_or_default()
}

/// The key that says "the same work": the form and its identity fields,
/// folded so spacing and case do not make two household codes differ.
fn identity_key(
    form_id: &str,
    identity: &[&str],
    values: &BTreeMap<String, String>,
) -> Option<String> {
    if identity.is_empty() {
        return None;
    }
    let mut key = form_id.to_string();
    for field in identity {
        let part = crate::domain::text::key(values.get(*field)?);
        if part.is_empty() {
            return None;
        }
        key.push('\u{1f}');
        key.push_str(&part);
    }
    Some(key)
}

/// Identity key → work-item id, for the items already on the list.
fn existing_keys(existing: &[WorkItem]) -> HashMap<String, String> {
    let mut identities: HashMap<&str, Vec<&'static str>> = HashMap::new();
    let mut out = HashMap::new();
    for item in existing {
        let identity = identities
            .entry(item.form.as_str())
            .or_insert_with(|| identity_of(&item.form));
        if let Some(key) = identity_key(&item.form, identity, &item.prefill) {
            out.entry(key).or_insert_with(|| item.id.clone());
        }
    }
    out
}

/// The highest `n` of the ids `<code>-<n>` already used.
fn highest_number(existing: &[WorkItem], code: &str) -> u64 {
    let prefix = format!("{code}-");
    existing
        .iter()
        .filter_map(|w| w.id.strip_prefix(&prefix))
        .filter(|n| !n.is_empty() && n.len() <= 18 && n.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|n| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}

/// Excel's trick for keeping zeros, `="0123"`, arrives as that text.
fn clean_cell(raw: &str) -> String {
    let cleaned = crate::domain::text::clean(raw);
    match cleaned
        .strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(inner) => crate::domain::text::clean(inner),
        None => cleaned,
    }
}

/// Reads a work list and decides what importing it would do. Writes nothing;
/// never panics on any input. `existing` is the current work list (for
/// "already on the list" and the next ids).
///
/// The file's first bytes say what it is: a zip or compound file is read as
/// a workbook (`options.sheet` chooses the sheet), anything else as text.
pub fn preview<R: Read>(
    mut reader: R,
    options: &Options,
    commune: &Commune,
    existing: &[WorkItem],
) -> Result<Preview, WorklistError> {
    let limit = options.max_bytes;
    let given = match (&options.form, options.fixed) {
        (_, Some(spec)) => Some(spec),
        (Some(f), None) => Some(
            columns::match_form(f).ok_or_else(|| WorklistError::UnknownForm { form: f.clone() })?,
        ),
        (None, None) => None,
    };
    let mut head = [0u8; 8];
    let got =
        decode::read_head(&mut reader, &mut head).map_err(|e| WorklistError::from_io(&e, limit))?;
    let raw = Cursor::new(&head[..got]).chain(reader);
    let start = Start {
        given,
        options,
        commune,
        existing,
    };
    if workbook::is_workbook(&head[..got]) {
        let bytes =
            decode::read_bounded(raw, limit).map_err(|e| WorklistError::from_io(&e, limit))?;
        preview_workbook(&bytes, start)
    } else {
        preview_text(raw, start)
    }
}

/// What every import starts from, whatever the file.
#[derive(Clone, Copy)]
struct Start<'a> {
    given: Option<&'static FormSpec>,
    options: &'a Options,
    commune: &'a Commune,
    existing: &'a [WorkItem],
}

impl<'a> Start<'a> {
    fn importer(self, header: Header) -> Result<Importer<'a>, WorklistError> {
        Importer::new(
            header,
            self.given,
            self.options,
            self.commune,
            self.existing,
        )
    }
}

/// CSV or "Unicode Text": the header row and delimiter are found in the
/// first lines, then the rows stream through.
fn preview_text(raw: impl Read, start: Start) -> Result<Preview, WorklistError> {
    let limit = start.options.max_bytes;
    let (encoding, mut text) =
        decode::text_reader(raw, limit).map_err(|e| WorklistError::from_io(&e, limit))?;
    let prefix = decode::read_prefix(&mut *text).map_err(|e| WorklistError::from_io(&e, limit))?;
    let at = columns::find_header(&prefix)?;
    let stream = Cursor::new(prefix).chain(text);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(at.delimiter)
        .from_reader(decode::KeepBlankLines::new(stream));
    let mut record = csv::ByteRecord::new();
    let mut importer: Option<Importer> = None;
    let mut index = 0usize;
    while csv
        .read_byte_record(&mut record)
        .map_err(|e| WorklistError::from_csv(e, limit))?
    {
        index += 1;
        let row = index;
        if row <= at.record {
            continue;
        }
        let mut cells = Vec::with_capacity(record.len());
        for cell in record.iter() {
            let text = std::str::from_utf8(cell).map_err(|_| WorklistError::NotUtf8 { row })?;
            cells.push(clean_cell(text));
        }
        match &mut importer {
            None => {
                let header = Header {
                    cells,
                    row,
                    encoding,
                    delimiter: at.delimiter,
                    workbook: None,
                };
                importer = Some(start.importer(header)?)
            }
            Some(imp) => imp.row(row, cells)?,
        }
    }
    importer.map(Importer::finish).ok_or(WorklistError::Empty)
}

/// A workbook: its sheet's rows are typed cells, turned into text once the
/// header says which columns hold IDs and phone numbers.
fn preview_workbook(bytes: &[u8], start: Start) -> Result<Preview, WorklistError> {
    let limits = workbook::Limits {
        max_rows: start.options.max_rows,
        max_cells: workbook::MAX_CELLS,
        max_unpacked: workbook::MAX_UNPACKED,
    };
    let mut book = workbook::Workbook::open(bytes, limits)?;
    let mut first_refusal = None;
    for source in book.candidates(start.options.sheet.as_deref())? {
        let mut feed = SheetFeed {
            start,
            source: source.clone(),
            scan: Vec::new(),
            importer: None,
            digits: Vec::new(),
        };
        let read = book
            .rows(&source.sheet, &mut |row, values| feed.push(row, values))
            .and_then(|()| feed.finish());
        match read {
            // A sheet of notes before the list's: the next one may be it.
            // None is: the first sheet's words say why.
            Err(e @ (WorklistError::NoKnownColumn { .. } | WorklistError::Empty)) => {
                first_refusal.get_or_insert(e);
            }
            read => return read,
        }
    }
    Err(first_refusal.unwrap_or(WorklistError::Empty))
}

/// A sheet's rows on their way to the importer. The first rows are held
/// until the header is found among them, as for text (title rows above it
/// are skipped).
struct SheetFeed<'a> {
    start: Start<'a>,
    source: SheetSource,
    scan: Vec<(usize, Vec<workbook::Value>)>,
    importer: Option<Importer<'a>>,
    /// Per column: whether it holds IDs or phone numbers.
    digits: Vec<bool>,
}

impl SheetFeed<'_> {
    fn text(values: Vec<workbook::Value>, digits: &[bool]) -> Vec<String> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| clean_cell(&v.into_text(digits.get(i).copied().unwrap_or(false))))
            .collect()
    }

    fn push(&mut self, row: usize, values: Vec<workbook::Value>) -> Result<(), WorklistError> {
        if let Some(importer) = &mut self.importer {
            return importer.row(row, SheetFeed::text(values, &self.digits));
        }
        self.scan.push((row, values));
        if self.scan.len() >= decode::SCAN_LINES {
            self.begin()?;
        }
        Ok(())
    }

    /// Finds the header among the rows held, and feeds the rows below it.
    fn begin(&mut self) -> Result<(), WorklistError> {
        let scan = std::mem::take(&mut self.scan);
        let mut texts: Vec<Vec<String>> = scan
            .iter()
            .map(|(_, values)| SheetFeed::text(values.clone(), &[]))
            .collect();
        let Some(at) = columns::pick_header(&texts) else {
            let first = texts
                .iter()
                .map(|c| {
                    c.iter()
                        .filter(|s| !s.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .find(|c| !c.is_empty());
            return Err(match first {
                Some(first) => WorklistError::NoKnownColumn {
                    first_row: first.join(" | ").chars().take(120).collect(),
                },
                None => WorklistError::Empty,
            });
        };
        let mut below = scan.into_iter().skip(at);
        let Some((row, _)) = below.next() else {
            return Err(WorklistError::Empty);
        };
        let header = Header {
            cells: texts.swap_remove(at),
            row,
            encoding: Encoding::Utf8,
            delimiter: 0,
            workbook: Some(self.source.clone()),
        };
        let mut importer = self.start.importer(header)?;
        self.digits = importer.digit_columns();
        for (row, values) in below {
            importer.row(row, SheetFeed::text(values, &self.digits))?;
        }
        self.importer = Some(importer);
        Ok(())
    }

    fn finish(mut self) -> Result<Preview, WorklistError> {
        if self.importer.is_none() {
            self.begin()?;
        }
        self.importer
            .map(Importer::finish)
            .ok_or(WorklistError::Empty)
    }
}

/// The header row and how the file around it is written.
struct Header {
    cells: Vec<String>,
    row: usize,
    encoding: Encoding,
    delimiter: u8,
    workbook: Option<SheetSource>,
}

/// The state of one import while rows stream past.
struct Importer<'a> {
    columns: Vec<Column>,
    rows: rows::RowContext<'a>,
    form_col: Option<usize>,
    /// The form of rows that do not name one.
    fallback: Option<&'static FormSpec>,
    plans: HashMap<&'static str, FormPlan>,
    /// Forms seen in rows, in order of appearance.
    used: Vec<&'static str>,
    existing_keys: HashMap<String, String>,
    existing: &'a [WorkItem],
    next_number: HashMap<&'static str, u64>,
    /// Identity key → (row, index into items) of rows accepted so far.
    seen: HashMap<String, (usize, usize)>,
    /// Columns a merged cell commonly spans, which fill-down fills.
    fill_cols: Vec<usize>,
    /// The last value seen in each of `fill_cols`.
    carry: Vec<Option<String>>,
    /// Rows that may be the lines after the data, held until the end of
    /// the file says they were, or a data row says they were not.
    held: Vec<Held>,
    out: Preview,
}

/// A row held back: a line that reads as not data (`kind`), or a blank row
/// among such lines (`kind: None`).
struct Held {
    row: usize,
    cells: Vec<String>,
    kind: Option<NotData>,
}

impl<'a> Importer<'a> {
    fn new(
        header: Header,
        given: Option<&'static FormSpec>,
        options: &Options,
        commune: &'a Commune,
        existing: &'a [WorkItem],
    ) -> Result<Importer<'a>, WorklistError> {
        let headers = header.cells;
        let columns = columns::map_columns(&headers)?;
        let village_col = columns::find(&columns, &Target::Village);
        let team_col = columns::find(&columns, &Target::Team);
        if village_col.is_none() && team_col.is_none() {
            return Err(WorklistError::NoVillageColumn);
        }
        let form_col = columns::find(&columns, &Target::Form).filter(|_| options.fixed.is_none());
        let inferred = columns::infer_form(&columns);
        let (fallback, form_source) = match (form_col, given, inferred) {
            (None, Some(spec), _) if options.fixed.is_some() => (Some(spec), FormSource::Register),
            (None, Some(spec), _) => (
                Some(spec),
                FormSource::Given {
                    form: spec.id.clone(),
                },
            ),
            (None, None, Ok((spec, column))) => (
                Some(spec),
                FormSource::Inferred {
                    form: spec.id.clone(),
                    column,
                },
            ),
            (None, None, Err(candidates)) => {
                return Err(WorklistError::AmbiguousForm { candidates });
            }
            // In a list that names each row's form, an empty cell is not
            // guessed from the columns (they serve several forms): only
            // `--form` fills it.
            (Some(col), given, _) => {
                let fallback = given;
                (
                    fallback,
                    FormSource::Column {
                        column: headers.get(col).cloned().unwrap_or_default(),
                        fallback: fallback.map(|s| s.id.clone()),
                    },
                )
            }
        };
        let cols = |keep: fn(&Column) -> bool| -> Vec<usize> {
            columns
                .iter()
                .filter(|c| keep(c))
                .map(|c| c.index)
                .collect()
        };
        let fill_cols = cols(Column::spans_groups);
        let mut importer = Importer {
            carry: vec![None; fill_cols.len()],
            fill_cols,
            held: Vec::new(),
            rows: rows::RowContext {
                ctx: form::Context {
                    today: options.today,
                    villages: &commune.villages,
                },
                village_col,
                team_col,
                due_col: columns::find(&columns, &Target::Due),
                header_len: headers.len(),
                fix_leading_zeros: options.fix_leading_zeros,
            },
            columns,
            form_col,
            fallback,
            plans: HashMap::new(),
            used: Vec::new(),
            existing_keys: existing_keys(existing),
            existing,
            next_number: HashMap::new(),
            seen: HashMap::new(),
            out: Preview {
                encoding: header.encoding,
                delimiter: header.delimiter,
                workbook: header.workbook,
                header_row: header.row,
                form_source,
                mapped: Vec::new(),
                ignored: Vec::new(),
                rows_read: 0,
                blank: 0,
                duplicates: Vec::new(),
                already: Vec::new(),
                problems: Vec::new(),
                warnings: Vec::new(),
                fixes: Vec::new(),
                fix_leading_zeros: options.fix_leading_zeros,
                filled: Vec::new(),
                fill_down: options.fill_down,
                fillable: 0,
                not_data: Vec::new(),
                shorthands: Vec::new(),
                items: Vec::new(),
                item_rows: Vec::new(),
            },
        };
        // A file-wide form must fit the columns before any row is read.
        if form_col.is_none()
            && let Some(spec) = fallback
        {
            importer.use_form(spec)?;
        }
        Ok(importer)
    }

    /// Plans the columns for a form the first time a row uses it; a form
    /// whose needed columns are missing stops the import.
    fn use_form(&mut self, spec: &'static FormSpec) -> Result<(), WorklistError> {
        if !self.plans.contains_key(spec.id.as_str()) {
            let plan = columns::plan(&self.columns, spec)?;
            if !plan.missing.is_empty() {
                return Err(WorklistError::MissingColumns {
                    form: spec.id.clone(),
                    fields: plan.missing.iter().map(|f| f.to_string()).collect(),
                });
            }
            self.plans.insert(spec.id.as_str(), plan);
            self.used.push(spec.id.as_str());
        }
        Ok(())
    }

    fn problem(&mut self, row: usize, form: Option<&str>, problems: Vec<RowProblem>) {
        self.out.problems.push(ProblemRow {
            row,
            form: form.map(String::from),
            problems,
        });
    }

    /// Per column: whether it holds IDs or phone numbers (how a workbook's
    /// numbers and dates in it are read).
    fn digit_columns(&self) -> Vec<bool> {
        let mut out = vec![false; self.rows.header_len];
        for c in &self.columns {
            if let Some(slot) = out.get_mut(c.index) {
                *slot = c.holds_digits();
            }
        }
        out
    }

    /// Takes the next row below the header. A row that reads as a line
    /// after the data (a total, a signature block, a note) is held: at the
    /// end of the file it is listed as not data; if a data row follows, it
    /// was not after the data and is read as a row like any other.
    fn row(&mut self, row: usize, cells: Vec<String>) -> Result<(), WorklistError> {
        self.out.rows_read += 1;
        if cells.iter().all(String::is_empty) {
            if self.held.is_empty() {
                self.out.blank += 1;
            } else {
                self.held.push(Held {
                    row,
                    cells,
                    kind: None,
                });
            }
            return Ok(());
        }
        if let Some(kind) = self.not_data(&cells) {
            self.held.push(Held {
                row,
                cells,
                kind: Some(kind),
            });
            return Ok(());
        }
        for held in std::mem::take(&mut self.held) {
            match held.kind {
                None => self.out.blank += 1,
                Some(_) => self.data_row(held.row, held.cells)?,
            }
        }
        self.data_row(row, cells)
    }

    /// Whether a row reads as a line after the data: every word of it
    /// gives it away ("Tổng cộng: 44", "…, ngày … tháng … năm …", "Người lập
    /// biểu", "Ghi chú: …"; a total may carry its counts), or it comes below
    /// such a line and is only names: no digit (no ID, date or phone) and no
    /// village of the commune. Which columns the words sit in does not
    /// matter: a signature block spreads over whatever columns are there.
    fn not_data(&self, cells: &[String]) -> Option<NotData> {
        let words: Vec<&str> = cells
            .iter()
            .map(String::as_str)
            .filter(|c| !c.is_empty())
            .collect();
        let kinds: Vec<Option<NotData>> = words.iter().map(|w| footer::phrase(w)).collect();
        if let Some(&kind) = kinds.iter().flatten().next() {
            let all = words
                .iter()
                .zip(&kinds)
                .all(|(w, k)| k.is_some() || (kind == NotData::Total && footer::is_count(w)));
            return all.then_some(kind);
        }
        let cell = |col: Option<usize>| col.and_then(|i| cells.get(i)).map(String::as_str);
        let below_a_line = self.held.iter().any(|h| h.kind.is_some());
        let names_only = words.iter().all(|w| !w.chars().any(|c| c.is_ascii_digit()));
        let village = rows::names_a_team(
            cell(self.rows.village_col),
            cell(self.rows.team_col),
            self.rows.ctx.villages,
        );
        (below_a_line && names_only && !village).then_some(NotData::Signer)
    }

    /// Fills, with `fill_down`, the empty cells of the columns a merged cell
    /// spans from the last value above them; without it, counts the rows
    /// it would fill.
    fn fill(&mut self, row: usize, cells: &mut Vec<String>) {
        let mut would = false;
        for (slot, &col) in self.fill_cols.iter().enumerate() {
            match cells.get(col).filter(|v| !v.is_empty()) {
                Some(value) => self.carry[slot] = Some(value.clone()),
                None => {
                    let Some(above) = &self.carry[slot] else {
                        continue;
                    };
                    if !self.out.fill_down {
                        would = true;
                        continue;
                    }
                    if cells.len() <= col {
                        cells.resize(col + 1, String::new());
                    }
                    cells[col] = above.clone();
                    self.out.filled.push(FilledCell {
                        row,
                        column: col,
                        header: self
                            .columns
                            .get(col)
                            .map(|c| c.header.clone())
                            .unwrap_or_default(),
                        value: above.clone(),
                    });
                }
            }
        }
        if would {
            self.out.fillable += 1;
        }
    }

    fn data_row(&mut self, row: usize, mut cells: Vec<String>) -> Result<(), WorklistError> {
        self.fill(row, &mut cells);
        let named = self
            .form_col
            .and_then(|i| cells.get(i))
            .filter(|v| !v.is_empty());
        let spec = match (named, self.fallback) {
            (Some(value), _) => match columns::match_form(value) {
                Some(spec) => spec,
                None => {
                    let value = value.clone();
                    self.problem(row, None, vec![RowProblem::UnknownForm { value }]);
                    return Ok(());
                }
            },
            (None, Some(spec)) => spec,
            (None, None) => {
                self.problem(row, None, vec![RowProblem::NoForm]);
                return Ok(());
            }
        };
        self.use_form(spec)?;
        let plan = &self.plans[spec.id.as_str()];
        match rows::read_row(&self.rows, plan, &cells, &self.existing_keys) {
            rows::Outcome::Already { item } => self.out.already.push(AlreadyListed { row, item }),
            rows::Outcome::Problems(problems) => self.problem(row, Some(&spec.id), problems),
            rows::Outcome::Accepted(accepted) => self.accept(row, spec, accepted),
        }
        Ok(())
    }

    fn accept(&mut self, row: usize, spec: &'static FormSpec, a: rows::Accepted) {
        if let Some(&(first, index)) = self.seen.get(&a.key) {
            let earlier = &self.out.items[index];
            // Same identity (folded) and the same everything else: a repeat,
            // even when one row wrote the code as "HK 0101", the other "hk-0101".
            let identity = &self.plans[spec.id.as_str()].identity;
            let details = |values: &BTreeMap<String, String>| {
                values
                    .iter()
                    .filter(|(k, _)| !identity.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<BTreeMap<_, _>>()
            };
            if earlier.team == a.team
                && earlier.due == a.due
                && details(&earlier.prefill) == details(&a.values)
            {
                self.out.duplicates.push(Duplicate {
                    row,
                    same_as: first,
                });
            } else {
                self.problem(
                    row,
                    Some(&spec.id),
                    vec![RowProblem::Conflicting { same_as: first }],
                );
            }
            return;
        }
        let existing = self.existing;
        let n = self
            .next_number
            .entry(spec.id.as_str())
            .or_insert_with(|| highest_number(existing, &spec.code));
        *n += 1;
        let id = format!("{}-{:05}", spec.code, n);
        self.seen.insert(a.key, (row, self.out.items.len()));
        self.out
            .shorthands
            .extend(a.shorthands.into_iter().map(|h| RowShorthand {
                row,
                form: spec.id.clone(),
                field: h.field,
                found: h.found,
                choice: h.choice,
            }));
        self.out.fixes.extend(a.fixes.into_iter().map(|f| RowFix {
            row,
            form: spec.id.clone(),
            field: f.field,
            found: f.found,
            fixed: f.fixed,
        }));
        self.out
            .warnings
            .extend(a.warnings.into_iter().map(|problem| RowWarning {
                row,
                form: spec.id.clone(),
                problem,
            }));
        self.out.items.push(WorkItem {
            id,
            form: spec.id.clone(),
            team: a.team,
            due: a.due,
            prefill: a.values,
        });
        self.out.item_rows.push(row);
    }

    /// Lists the lines held at the end as not data, and says which columns
    /// were read, and which were not, for the forms used.
    fn finish(mut self) -> Preview {
        for held in std::mem::take(&mut self.held) {
            match held.kind {
                None => self.out.blank += 1,
                Some(kind) => {
                    let words: Vec<&str> = held
                        .cells
                        .iter()
                        .map(String::as_str)
                        .filter(|c| !c.is_empty())
                        .collect();
                    self.out.not_data.push(NotDataRow {
                        row: held.row,
                        kind,
                        text: words.join(" | ").chars().take(80).collect(),
                    });
                }
            }
        }
        let mut mapped: Vec<MappedColumn> = Vec::new();
        let mut ignored: Vec<IgnoredColumn> = Vec::new();
        for c in &self.columns {
            let role = match c.target {
                Some(Target::Village) => Some(ColumnRole::Village),
                Some(Target::Team) => Some(ColumnRole::Team),
                Some(Target::Form) => Some(ColumnRole::Form),
                Some(Target::Due) => Some(ColumnRole::Due),
                _ => None,
            };
            if let Some(role) = role {
                mapped.push(MappedColumn {
                    index: c.index,
                    header: c.header.clone(),
                    role,
                });
            } else if c.target.is_none() {
                ignored.push(IgnoredColumn {
                    index: c.index,
                    header: c.header.clone(),
                    unused_by: None,
                });
            }
        }
        for form_id in &self.used {
            let plan = &self.plans[form_id];
            let header = |i: usize| {
                self.columns
                    .get(i)
                    .map(|c| c.header.clone())
                    .unwrap_or_default()
            };
            let name_cols = plan
                .name
                .iter()
                .flat_map(|n| n.parts.iter().map(move |&i| (i, n.field)));
            for (index, field) in plan.fields.iter().copied().chain(name_cols) {
                mapped.push(MappedColumn {
                    index,
                    header: header(index),
                    role: ColumnRole::Field {
                        form: form_id.to_string(),
                        field: field.to_string(),
                    },
                });
            }
            for &index in &plan.unused {
                ignored.push(IgnoredColumn {
                    index,
                    header: header(index),
                    unused_by: Some(form_id.to_string()),
                });
            }
        }
        crate::sort::sort_by_key(&mut mapped, |m| m.index);
        crate::sort::sort_by_key(&mut ignored, |i| i.index);
        self.out.mapped = mapped;
        self.out.ignored = ignored;
        self.out
    }
}

/// Fixtures shared with `ops::worklist`'s tests.
#[cfg(test)]
pub(crate) mod tests;
