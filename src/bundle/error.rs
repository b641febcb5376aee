//! What goes wrong with a bundle, and where: which file, row and column.
//! Only the error types live here; nothing here reads or writes a bundle.

use super::SIGNATURE;

/// Why a cell or row was refused. Kept in the imports log within a
/// [`BundleError`]: a variant's name is stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellProblem {
    /// The file does not start with the UTF-8 byte-order mark tothon writes.
    NoBom,
    /// The CSV itself is broken (quotes, encoding).
    Malformed(String),
    /// A column header is not the expected one.
    Header {
        expected: String,
    },
    /// A row has the wrong number of cells.
    Cells {
        expected: usize,
        found: usize,
    },
    NotNfc,
    ControlCharacter,
    TooLong {
        max: usize,
    },
    /// A leading `'` that tothon's formula guard would not have written.
    BadEscape,
    Empty,
    /// Not what this column holds (a version id, a team number, a date...).
    NotValid,
    /// The `form` column disagrees with the file it is in.
    WrongForm {
        file_form: String,
    },
    UnknownForm,
    /// A work item carries a value in a field its form does not have.
    NotAFieldOfForm {
        form: String,
    },
    /// The same version twice in one bundle.
    Duplicate,
    /// A version row out of the order tothon writes them in (by case, time
    /// and id), which lets a reader merge case by case as it reads.
    OutOfOrder,
    /// A manifest row other than the one expected here.
    UnexpectedRow {
        expected: String,
    },
    MissingRow {
        expected: String,
    },
    /// A data file the manifest should list but does not, or lists twice.
    Listing {
        name: String,
    },
}

/// Why a bundle cannot be read or written. Kept in the imports log, within
/// a refused bundle's reason: a variant's name is stored, so renaming one
/// loses the reason of entries logged before.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleError {
    #[error("the bundle is {size} bytes, over the limit of {limit}")]
    TooBig { size: u64, limit: u64 },
    #[error("not a readable zip: {detail}")]
    NotAZip { detail: String },
    #[error("the zip has {count} entries, more than {limit}")]
    TooManyEntries { count: usize, limit: usize },
    #[error("an entry name appears twice")]
    DuplicateName,
    #[error("entry {name:?} is a path, not a plain file name")]
    UnsafeName { name: String },
    #[error("entry {name} does not belong in a bundle")]
    UnexpectedName { name: String },
    #[error("entry {name} is encrypted")]
    Encrypted { name: String },
    #[error("entry {name} is compressed or stored otherwise than tothon writes")]
    NotAsWritten { name: String },
    #[error("entry {name} is {size} bytes, over the limit of {limit}")]
    EntryTooBig { name: String, size: u64, limit: u64 },
    #[error("entry {name} is cut short")]
    Truncated { name: String },
    #[error("{name} is missing")]
    Missing { name: String },
    #[error("the zip was changed after it was written")]
    Repacked,
    #[error("{SIGNATURE} is not a tothon minisign signature")]
    SignatureFile,
    #[error("the signature does not match the manifest and key")]
    BadSignature,
    #[error("the signature's trusted comment disagrees with the manifest")]
    CommentMismatch,
    #[error("the manifest names key {manifest}, the signature key {signature}")]
    KeyMismatch { manifest: String, signature: String },
    #[error("bundle format {found} is not one this tothon reads")]
    UnknownFormat { found: String },
    #[error("{file}: SHA-256 differs from the manifest")]
    HashMismatch { file: String },
    #[error("{file} has {found} rows, the manifest says {declared}")]
    RowCount {
        file: String,
        declared: usize,
        found: usize,
    },
    #[error("{file} row {row}{}: {problem:?}", column.as_deref().map(|c| format!(" column {c}")).unwrap_or_default())]
    Cell {
        file: String,
        row: usize,
        column: Option<String>,
        problem: CellProblem,
    },
    #[error("{file} row {row}: the version id does not match its content")]
    WrongId { file: String, row: usize },
    #[error("cannot write a bundle: {detail}")]
    Unwritable { detail: String },
    /// An encrypted bundle read without this device's identity (its key
    /// not opened).
    #[error("the bundle is encrypted and this device's key is not open")]
    Locked,
    /// No identity of this device opens the file: it was encrypted for
    /// other devices.
    #[error("{file} is encrypted for other devices")]
    NotForThisDevice { file: String },
    #[error("{file} is not readable age: {detail}")]
    Sealed { file: String, detail: String },
}

pub(super) fn cell_error(
    file: &str,
    row: usize,
    column: Option<&str>,
    problem: CellProblem,
) -> BundleError {
    BundleError::Cell {
        file: file.to_string(),
        row,
        column: column.map(str::to_string),
        problem,
    }
}
