//! Bundles as files (DESIGN §4): one `.zip` holding `manifest.csv`, its
//! minisign signature `manifest.csv.minisig`, one CSV per form and, from the
//! commune, `work_items.csv`.
//!
//! This module owns the format — zip, CSV, minisign — and nothing else:
//! [`read`] turns untrusted bytes into a [`Bundle`] or a [`BundleError`] that
//! says which file, row and column (it never panics, whatever the input);
//! [`write`] turns [`Contents`] into the bytes of a signed bundle. Whether a
//! bundle is welcome (a trusted key, the right team, the form rules) is decided
//! in `domain::admit`; storing it is `store`'s business.
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1.

pub mod archive;
mod cells;
pub mod key;

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};
use std::io::{Cursor, Read, Seek, SeekFrom};

use chrono::{DateTime, FixedOffset, NaiveDate};
use sha2::{Digest, Sha256};

use crate::domain::commune::Role;
use crate::domain::form::{self, FormSpec};
use crate::domain::version::{ID_LEN, Status, Version};
use crate::domain::work::WorkItem;
use crate::store::StoredVersion;
use archive::Limits;
use key::{Public, Signer};

pub const MANIFEST: &str = "manifest.csv";
pub const SIGNATURE: &str = "manifest.csv.minisig";
pub const WORK_ITEMS: &str = "work_items.csv";
/// The format written in the manifest; a later incompatible layout gets a new one.
pub const FORMAT: &str = "tothon-bundle-1";

/// The version columns every form's CSV starts with, before the form's fields.
pub const VERSION_COLUMNS: [&str; 10] = [
    "id",
    "record",
    "parents",
    "form",
    "team",
    "device",
    "author",
    "edited_at",
    "status",
    "confirmed",
];
const WORK_ITEM_COLUMNS: [&str; 4] = ["id", "form", "team", "due"];
const MANIFEST_COLUMNS: [&str; 4] = ["field", "value", "sha256", "rows"];
const MANIFEST_FIELDS: [&str; 8] = [
    "format",
    "commune",
    "sender",
    "sender_device",
    "sender_key",
    "receiver",
    "sequence",
    "created_at",
];
/// Longest value of a field (the longest a form allows is 1,000 characters).
const MAX_VALUE_CHARS: usize = 2000;
const MAX_NAME_CHARS: usize = 200;

/// One end of a bundle's journey, as the manifest writes it: `commune`, `team-3`.
pub fn party_text(role: Role) -> String {
    match role {
        Role::Commune => "commune".into(),
        Role::Team(t) => format!("team-{t}"),
    }
}

/// Reads [`party_text`] back; anything else is `None`.
pub fn parse_party(s: &str) -> Option<Role> {
    if s == "commune" {
        return Some(Role::Commune);
    }
    let n = s.strip_prefix("team-")?;
    let team: u8 = n.parse().ok()?;
    (team > 0 && team.to_string() == n).then_some(Role::Team(team))
}

/// As file names write a party: `commune`, `team3`.
fn file_tag(role: Role) -> String {
    match role {
        Role::Commune => "commune".into(),
        Role::Team(t) => format!("team{t}"),
    }
}

/// Who sent a bundle to whom, and when: the manifest's metadata rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub commune: String,
    pub sender: Role,
    /// The sending device's id, as written into the versions it authors.
    pub sender_device: String,
    pub receiver: Role,
    /// Counts the bundles this device has made for this receiver, from 1.
    pub sequence: u64,
    pub created_at: DateTime<FixedOffset>,
}

impl Header {
    /// The bundle's file name: sender, sender device, receiver and sequence.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}-to-{}-{:04}.zip",
            file_tag(self.sender),
            self.sender_device,
            file_tag(self.receiver),
            self.sequence
        )
    }

    fn created_at_text(&self) -> String {
        crate::domain::version::time_text(&self.created_at)
    }

    /// minisign's trusted comment: signed together with the signature, and
    /// printed by `minisign -V`, so a person checking by hand sees who sent
    /// what. It repeats the manifest's metadata and must agree with it.
    pub fn trusted_comment(&self, key_id: &str) -> String {
        let one_line: String = self
            .commune
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!(
            "tothon bundle; commune: {}; sender: {} {} key {}; receiver: {}; sequence: {}; created_at: {}",
            one_line.trim(),
            party_text(self.sender),
            self.sender_device,
            key_id,
            party_text(self.receiver),
            self.sequence,
            self.created_at_text()
        )
    }
}

/// What a bundle carries: versions owned, or read in place from a store
/// for writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contents<V = Version> {
    pub header: Header,
    pub versions: Vec<V>,
    /// Only from the commune.
    pub work_items: Vec<WorkItem>,
}

/// One data file as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    pub name: String,
    pub rows: usize,
    pub sha256: String,
}

/// Where a row came from, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub row: usize,
}

/// A bundle read from bytes: every file present, listed and hashed as the
/// manifest says, every row parsed, every version id matching its content.
/// The signature is checked by [`Bundle::verify`] once the caller has found
/// the signer's public key.
#[derive(Clone)]
pub struct Bundle {
    pub contents: Contents,
    /// The id of the key that signed the manifest.
    pub key_id: String,
    pub files: Vec<FileInfo>,
    /// Where each of `contents.versions` was read, index for index.
    pub version_places: Vec<Place>,
    manifest: Vec<u8>,
    signature: minisign::SignatureBox,
}

impl fmt::Debug for Bundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bundle")
            .field("header", &self.contents.header)
            .field("key_id", &self.key_id)
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl Bundle {
    /// Checks the manifest's signature with the sender's public key.
    pub fn verify(&self, public: &Public) -> Result<(), BundleError> {
        verify_manifest(&self.manifest, &self.signature, &self.key_id, public)
    }
}

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
}

fn cell_error(file: &str, row: usize, column: Option<&str>, problem: CellProblem) -> BundleError {
    BundleError::Cell {
        file: file.to_string(),
        row,
        column: column.map(str::to_string),
        problem,
    }
}

/// The data files a bundle from `sender` holds, in the order they are listed.
fn data_files(sender: Role) -> Vec<String> {
    let mut names: Vec<String> = form::forms()
        .iter()
        .map(|f| format!("{}.csv", f.id))
        .collect();
    if sender == Role::Commune {
        names.push(WORK_ITEMS.to_string());
    }
    names.sort();
    names
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(2 * digest.len());
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

fn is_hex(s: &str, len: usize, upper: bool) -> bool {
    s.len() == len
        && s.bytes().all(|b| {
            b.is_ascii_digit()
                || if upper {
                    (b'A'..=b'F').contains(&b)
                } else {
                    (b'a'..=b'f').contains(&b)
                }
        })
}

/// A device id as tothon makes them: short, letters, digits, `-` and `_`.
pub fn is_device_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn write_err(e: impl fmt::Display) -> BundleError {
    BundleError::Unwritable {
        detail: e.to_string(),
    }
}

// ---------------------------------------------------------------- writing --

/// A version as a bundle's row is written from: owned, or read in place
/// from the store ([`StoredVersion`]).
pub trait VersionRow {
    fn id(&self) -> &str;
    fn record(&self) -> &str;
    fn form(&self) -> &str;
    fn team(&self) -> u8;
    fn device(&self) -> &str;
    fn author(&self) -> &str;
    fn edited_at(&self) -> DateTime<FixedOffset>;
    fn status(&self) -> Status;
    fn parents(&self) -> impl Iterator<Item = &str>;
    fn confirmed(&self) -> impl Iterator<Item = &str>;
    /// Each value, by field.
    fn values(&self) -> impl Iterator<Item = (&str, &str)>;
}

impl VersionRow for Version {
    fn id(&self) -> &str {
        &self.id
    }
    fn record(&self) -> &str {
        &self.record
    }
    fn form(&self) -> &str {
        &self.form
    }
    fn team(&self) -> u8 {
        self.team
    }
    fn device(&self) -> &str {
        &self.device
    }
    fn author(&self) -> &str {
        &self.author
    }
    fn edited_at(&self) -> DateTime<FixedOffset> {
        self.edited_at
    }
    fn status(&self) -> Status {
        self.status
    }
    fn parents(&self) -> impl Iterator<Item = &str> {
        self.parents.iter().map(String::as_str)
    }
    fn confirmed(&self) -> impl Iterator<Item = &str> {
        self.confirmed.iter().map(String::as_str)
    }
    fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl VersionRow for StoredVersion<'_> {
    fn id(&self) -> &str {
        self.id
    }
    fn record(&self) -> &str {
        self.record
    }
    fn form(&self) -> &str {
        self.form
    }
    fn team(&self) -> u8 {
        self.team
    }
    fn device(&self) -> &str {
        self.device
    }
    fn author(&self) -> &str {
        self.author
    }
    fn edited_at(&self) -> DateTime<FixedOffset> {
        self.edited_at
    }
    fn status(&self) -> Status {
        self.status
    }
    fn parents(&self) -> impl Iterator<Item = &str> {
        StoredVersion::parents(self)
    }
    fn confirmed(&self) -> impl Iterator<Item = &str> {
        StoredVersion::confirmed(self)
    }
    fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        StoredVersion::values(self)
    }
}

/// The CSV of one form: the version columns, then one column per field of the
/// form, one row per version, sorted by case, time and id so that the same
/// versions always give the same bytes.
fn versions_csv<V: VersionRow + Sync>(
    spec: &FormSpec,
    versions: &[&V],
) -> Result<Vec<u8>, BundleError> {
    let mut rows: Vec<&V> = versions.to_vec();
    rows.sort_by(|a, b| {
        (a.record(), a.edited_at(), a.id()).cmp(&(b.record(), b.edited_at(), b.id()))
    });
    let mut out = Vec::with_capacity(rows.len() * 200);
    {
        let mut w = cells::writer(&mut out);
        let header = version_header(spec);
        w.write_record(&header).map_err(write_err)?;
        w.flush().map_err(write_err)?;
    }
    // Rows are written in chunks side by side, then joined: a CSV row does
    // not depend on the rows before it, so the bytes are the same.
    const CHUNK: usize = 8192;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = rows.len().div_ceil(workers).max(CHUNK);
    let chunks = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .chunks(per)
            .skip(1)
            .map(|chunk| s.spawn(move || version_rows(spec, chunk)))
            .collect();
        let first = version_rows(spec, rows.chunks(per).next().unwrap_or(&[]));
        let mut chunks = vec![first];
        for h in handles {
            chunks.push(
                h.join()
                    .unwrap_or_else(|_| Err(write_err("a CSV writer stopped"))),
            );
        }
        chunks
    });
    for chunk in chunks {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// The columns of a form's CSV: the version columns, then the form's fields.
fn version_header(spec: &FormSpec) -> Vec<&str> {
    VERSION_COLUMNS
        .iter()
        .copied()
        .chain(spec.fields.iter().map(|f| f.id.as_str()))
        .collect()
}

/// The rows of [`versions_csv`] for these versions, in this order.
fn version_rows<V: VersionRow>(spec: &FormSpec, rows: &[&V]) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::with_capacity(rows.len() * 200);
    {
        let mut w = cells::rows_writer(&mut out);
        // Cells made from several parts, reused from row to row.
        let [mut parents, mut team, mut edited_at, mut confirmed] = Default::default();
        let mut values: Vec<&str> = Vec::with_capacity(spec.fields.len());
        let join = |out: &mut String, items: &mut dyn Iterator<Item = &str>| {
            out.clear();
            for (i, item) in items.enumerate() {
                if i > 0 {
                    out.push(';');
                }
                out.push_str(item);
            }
        };
        for v in rows {
            values.clear();
            values.resize(spec.fields.len(), "");
            for (k, x) in v.values() {
                let Some(i) = spec.fields.iter().position(|f| f.id == k) else {
                    return Err(write_err(format!(
                        "version {} has a value for {k}, not a field of {}",
                        v.id(),
                        spec.id
                    )));
                };
                values[i] = x;
            }
            join(&mut parents, &mut v.parents());
            join(&mut confirmed, &mut v.confirmed());
            crate::domain::version::time_text_into(&v.edited_at(), &mut edited_at);
            team.clear();
            write!(team, "{}", v.team()).map_err(write_err)?;
            let meta = [
                v.id(),
                v.record(),
                &parents,
                v.form(),
                &team,
                v.device(),
                v.author(),
                &edited_at,
                v.status().as_str(),
                &confirmed,
            ];
            for cell in meta.into_iter().chain(values.iter().copied()) {
                w.write_field(cells::escape(cell).as_bytes())
                    .map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// The field columns of `work_items.csv`: every form's fields, in form order,
/// each once.
fn work_item_fields() -> Vec<&'static str> {
    let mut seen = HashSet::new();
    form::forms()
        .iter()
        .flat_map(|f| f.fields.iter().map(|fl| fl.id.as_str()))
        .filter(|id| seen.insert(*id))
        .collect()
}

fn work_items_csv(items: &[WorkItem]) -> Result<Vec<u8>, BundleError> {
    let fields = work_item_fields();
    let mut rows: Vec<&WorkItem> = items.iter().collect();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        let header: Vec<&str> = WORK_ITEM_COLUMNS
            .iter()
            .copied()
            .chain(fields.iter().copied())
            .collect();
        w.write_record(&header).map_err(write_err)?;
        for item in rows {
            let spec = form::form(&item.form)
                .ok_or_else(|| write_err(format!("work item {}: unknown form", item.id)))?;
            if let Some(k) = item.prefill.keys().find(|k| spec.field(k).is_none()) {
                return Err(write_err(format!(
                    "work item {} has a value for {k}, not a field of {}",
                    item.id, spec.id
                )));
            }
            let team = item.team.to_string();
            let meta = [
                item.id.as_str(),
                &item.form,
                &team,
                item.due.as_deref().unwrap_or(""),
            ];
            let values = fields
                .iter()
                .map(|f| item.prefill.get(*f).map(String::as_str).unwrap_or(""));
            for cell in meta.into_iter().chain(values) {
                w.write_field(cells::escape(cell).as_bytes())
                    .map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

fn manifest_csv(header: &Header, key_id: &str, files: &[FileInfo]) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        w.write_record(MANIFEST_COLUMNS).map_err(write_err)?;
        let meta = [
            FORMAT.to_string(),
            header.commune.clone(),
            party_text(header.sender),
            header.sender_device.clone(),
            key_id.to_string(),
            party_text(header.receiver),
            header.sequence.to_string(),
            header.created_at_text(),
        ];
        for (field, value) in MANIFEST_FIELDS.iter().zip(&meta) {
            w.write_record([*field, &cells::escape(value), "", ""])
                .map_err(write_err)?;
        }
        for f in files {
            w.write_record(["file", &f.name, &f.sha256, &f.rows.to_string()])
                .map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// The bytes of a signed bundle. The secret key signs the manifest only; it
/// is written nowhere.
pub fn write<V: VersionRow + Sync>(
    contents: &Contents<V>,
    signer: &Signer,
) -> Result<Vec<u8>, BundleError> {
    let header = &contents.header;
    if let Some(v) = contents
        .versions
        .iter()
        .find(|v| form::form(v.form()).is_none())
    {
        return Err(write_err(format!(
            "version {} has unknown form {}",
            v.id(),
            v.form()
        )));
    }
    let mut files = Vec::new();
    for spec in form::forms() {
        let of_form: Vec<&V> = contents
            .versions
            .iter()
            .filter(|v| v.form() == spec.id)
            .collect();
        files.push(DataFile {
            name: format!("{}.csv", spec.id),
            rows: of_form.len(),
            bytes: versions_csv(spec, &of_form)?,
        });
    }
    match header.sender {
        Role::Commune => files.push(DataFile {
            name: WORK_ITEMS.to_string(),
            rows: contents.work_items.len(),
            bytes: work_items_csv(&contents.work_items)?,
        }),
        Role::Team(_) if !contents.work_items.is_empty() => {
            return Err(write_err("a team bundle carries no work items"));
        }
        Role::Team(_) => {}
    }
    write_files(header, signer, files)
}

/// One data file, already written.
pub struct DataFile {
    pub name: String,
    pub rows: usize,
    pub bytes: Vec<u8>,
}

/// Lists, hashes and signs data files that are already written, and packs
/// them. [`write`] uses it; tests use it to make bundles that are properly
/// signed yet carry broken rows, as a faulty or hostile sender could.
pub fn write_files(
    header: &Header,
    signer: &Signer,
    mut files: Vec<DataFile>,
) -> Result<Vec<u8>, BundleError> {
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let infos: Vec<FileInfo> = files
        .iter()
        .map(|f| FileInfo {
            name: f.name.clone(),
            rows: f.rows,
            sha256: sha256_hex(&f.bytes),
        })
        .collect();
    let key_id = &signer.public.id;
    let manifest = manifest_csv(header, key_id, &infos)?;
    let signature = minisign::sign(
        Some(&signer.public.key),
        &signer.secret,
        Cursor::new(&manifest),
        Some(&header.trusted_comment(key_id)),
        Some(&untrusted_comment(key_id)),
    )
    .map_err(write_err)?
    .into_string();
    let mut entries: Vec<(&str, &[u8])> = vec![
        (MANIFEST, manifest.as_slice()),
        (SIGNATURE, signature.as_bytes()),
    ];
    entries.extend(files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())));
    archive::write(&entries)
}

fn untrusted_comment(key_id: &str) -> String {
    format!("signature from tothon key {key_id}")
}

// ---------------------------------------------------------------- reading --

/// Reads a bundle from untrusted bytes, with the standard size limits.
pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
    read_with(bytes, &archive::LIMITS)
}

/// [`read`] with explicit limits (tests use small ones): every version and
/// work item collected in memory.
pub fn read_with(bytes: &[u8], limits: &Limits) -> Result<Bundle, BundleError> {
    let mut opened = open(Cursor::new(bytes), limits)?;
    let mut versions = Vec::new();
    let mut version_places = Vec::new();
    let work_items = opened.read_rows(|place, v| {
        versions.push(std::mem::replace(v, Version::blank()));
        version_places.push(place.clone());
        Ok::<_, BundleError>(())
    })?;
    let Opened {
        header,
        key_id,
        files,
        manifest,
        signature,
        ..
    } = opened;
    Ok(Bundle {
        contents: Contents {
            header,
            versions,
            work_items,
        },
        key_id,
        files,
        version_places,
        manifest,
        signature,
    })
}

/// A bundle whose container, manifest, signature file and hashes have been
/// checked, its rows not read yet: [`Opened::read_rows`] streams them from
/// the source, so a bundle of a million versions is never held in memory.
pub struct Opened<R> {
    pub header: Header,
    /// The id of the key that signed the manifest.
    pub key_id: String,
    pub files: Vec<FileInfo>,
    manifest: Vec<u8>,
    signature: minisign::SignatureBox,
    source: R,
    entries: Vec<archive::Entry>,
}

impl<R> Opened<R> {
    /// Checks the manifest's signature with the sender's public key.
    pub fn verify(&self, public: &Public) -> Result<(), BundleError> {
        verify_manifest(&self.manifest, &self.signature, &self.key_id, public)
    }

    /// What the container must be, to check on a reader of the same bytes.
    pub fn container(&self) -> Container {
        Container {
            entries: self.entries.clone(),
            files: self.files.clone(),
        }
    }
}

/// The check [`open_listed`] leaves out: the container byte for byte what
/// [`write`] makes of its files, in their order, so that no byte of the
/// zip goes unchecked, and each data file with its listed SHA-256.
pub struct Container {
    entries: Vec<archive::Entry>,
    files: Vec<FileInfo>,
}

impl Container {
    /// Reads every byte of `source` once; the first problem, in the order
    /// [`open`] has always reported them, is the error.
    pub fn check<R: Read + Seek>(&self, source: &mut R) -> Result<(), BundleError> {
        let len = source
            .seek(SeekFrom::End(0))
            .map_err(|e| BundleError::NotAZip {
                detail: e.to_string(),
            })?;
        let mut hashers: Vec<Sha256> = self.entries.iter().map(|_| Sha256::new()).collect();
        let as_written =
            archive::check_written_by_tothon(source, len, &self.entries, |i, data| {
                hashers[i].update(data)
            })?;
        for (f, hasher) in self.files.iter().zip(hashers.into_iter().skip(2)) {
            if hex(&hasher.finalize()) != f.sha256 {
                return Err(BundleError::HashMismatch {
                    file: f.name.clone(),
                });
            }
        }
        if !as_written {
            return Err(BundleError::Repacked);
        }
        Ok(())
    }
}

fn verify_manifest(
    manifest: &[u8],
    signature: &minisign::SignatureBox,
    key_id: &str,
    public: &Public,
) -> Result<(), BundleError> {
    if public.id != key_id {
        return Err(BundleError::BadSignature);
    }
    minisign::verify(
        &public.key,
        signature,
        Cursor::new(manifest),
        true,
        false,
        false,
    )
    .map_err(|_| BundleError::BadSignature)
}

/// Opens an untrusted bundle: the zip's entries, the manifest and its
/// signature file, every listed file present with its SHA-256, nothing
/// unlisted, and the container byte for byte what [`write`] makes. The data
/// files are read once here (hashed as they stream by), not kept.
pub fn open<R: Read + Seek>(source: R, limits: &Limits) -> Result<Opened<R>, BundleError> {
    let mut opened = open_listed(source, limits)?;
    opened.container().check(&mut opened.source)?;
    Ok(opened)
}

/// [`open`] without its one pass over the data: every check but the
/// container's and the data files' hashes, which [`Opened::container`]
/// makes on a reader of its own (alongside [`Opened::read_rows`], which
/// hashes each file again as it reads it). Until that check passes, the
/// rows read are those of a bundle that may have been changed.
pub fn open_listed<R: Read + Seek>(
    mut source: R,
    limits: &Limits,
) -> Result<Opened<R>, BundleError> {
    let len = source
        .seek(SeekFrom::End(0))
        .map_err(|e| BundleError::NotAZip {
            detail: e.to_string(),
        })?;
    let known_data: HashSet<String> = data_files(Role::Commune).into_iter().collect();
    let entries = archive::entries(&mut source, len, limits, |name| {
        if name == MANIFEST || name == SIGNATURE {
            Some(limits.manifest)
        } else if known_data.contains(name) {
            Some(limits.data_file)
        } else {
            None
        }
    })?;
    let entry = |name: &str| -> Result<&archive::Entry, BundleError> {
        entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| BundleError::Missing {
                name: name.to_string(),
            })
    };
    let manifest = archive::read_entry(&mut source, entry(MANIFEST)?)?;
    let signature_file = archive::read_entry(&mut source, entry(SIGNATURE)?)?;
    let (signature, signature_key) = parse_signature(&signature_file)?;
    let (header, key_id, files) = parse_manifest(&manifest)?;
    if key_id != signature_key {
        return Err(BundleError::KeyMismatch {
            manifest: key_id,
            signature: signature_key,
        });
    }
    if signature
        .trusted_comment()
        .map_err(|_| BundleError::SignatureFile)?
        != header.trusted_comment(&key_id)
    {
        return Err(BundleError::CommentMismatch);
    }
    // Every listed file present with its hash; nothing unlisted.
    for e in &entries {
        if e.name != MANIFEST && e.name != SIGNATURE && !files.iter().any(|f| f.name == e.name) {
            return Err(cell_error(
                MANIFEST,
                1,
                None,
                CellProblem::Listing {
                    name: e.name.clone(),
                },
            ));
        }
    }
    // The entries in the order `write` puts them.
    let mut canonical = vec![entry(MANIFEST)?.clone(), entry(SIGNATURE)?.clone()];
    for f in &files {
        canonical.push(entry(&f.name)?.clone());
    }
    Ok(Opened {
        header,
        key_id,
        files,
        manifest,
        signature,
        source,
        entries: canonical,
    })
}

impl<R: Read + Seek> Opened<R> {
    /// Reads every data file's rows, in the manifest's order: each version,
    /// its id recomputed from its content, is handed to `visit` with where
    /// it was read; the work items are returned. Each file is hashed again
    /// as it is read, so a file changed since [`open`] is refused too.
    /// Versions come sorted by case, time and id within each file (tothon
    /// writes them so; anything else is refused), so a case's versions
    /// arrive together. Each row is read into the same `Version`, reusing
    /// its memory: to keep one, `visit` swaps it out (for a blank or a
    /// spare one it has done with).
    pub fn read_rows<E: From<BundleError>>(
        &mut self,
        mut visit: impl FnMut(&Place, &mut Version) -> Result<(), E>,
    ) -> Result<Vec<WorkItem>, E> {
        let mut work_items = Vec::new();
        for f in &self.files {
            let entry = self
                .entries
                .iter()
                .find(|e| e.name == f.name)
                .ok_or_else(|| BundleError::Missing {
                    name: f.name.clone(),
                })?;
            let mut data = Hashing {
                inner: archive::entry_reader(&mut self.source, entry)?,
                hasher: Sha256::new(),
            };
            let found = if f.name == WORK_ITEMS {
                work_items = parse_work_items(&mut data)?;
                work_items.len()
            } else {
                let form_id = f.name.trim_end_matches(".csv");
                let spec = form::form(form_id).ok_or_else(|| BundleError::UnexpectedName {
                    name: f.name.clone(),
                })?;
                parse_versions(&f.name, spec, &mut data, &mut visit)?
            };
            if hex(&data.hasher.finalize()) != f.sha256 {
                return Err(BundleError::HashMismatch {
                    file: f.name.clone(),
                }
                .into());
            }
            if found != f.rows {
                return Err(BundleError::RowCount {
                    file: f.name.clone(),
                    declared: f.rows,
                    found,
                }
                .into());
            }
        }
        Ok(work_items)
    }
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The `.minisig` file, exactly as tothon writes it: four lines, a known
/// untrusted comment, base64 of the right lengths. minisign's own parser
/// trusts lengths it should not, so they are checked first.
fn parse_signature(data: &[u8]) -> Result<(minisign::SignatureBox, String), BundleError> {
    let text = std::str::from_utf8(data).map_err(|_| BundleError::SignatureFile)?;
    let lines: Vec<&str> = text.split('\n').collect();
    let [untrusted, sig, trusted, global, ""] = lines.as_slice() else {
        return Err(BundleError::SignatureFile);
    };
    let b64 = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    };
    if !untrusted.starts_with("untrusted comment: ")
        || !trusted.starts_with("trusted comment: ")
        || !b64(sig, 100)
        || !b64(global, 88)
    {
        return Err(BundleError::SignatureFile);
    }
    let sig_box =
        minisign::SignatureBox::from_string(text).map_err(|_| BundleError::SignatureFile)?;
    let key_id = key::key_id(sig_box.keynum());
    if !sig_box.is_prehashed()
        || sig_box.to_string() != text
        || sig_box.untrusted_comment().ok().as_deref() != Some(&untrusted_comment(&key_id))
    {
        return Err(BundleError::SignatureFile);
    }
    Ok((sig_box, key_id))
}

/// Reads a CSV written by tothon: BOM, the expected header, then rows of
/// exactly as many cells. Calls `row` with each data row's number and its
/// cells, formula guards undone; returns the number of data rows. Rows are
/// visited one at a time as they stream in, in place.
fn each_row<E: From<BundleError>>(
    file: &str,
    mut data: impl Read,
    header: &[&str],
    mut row: impl FnMut(usize, &[&str]) -> Result<(), E>,
) -> Result<usize, E> {
    let mut bom = [0u8; 3];
    if data.read_exact(&mut bom).is_err() || bom != cells::BOM {
        return Err(cell_error(file, 1, None, CellProblem::NoBom).into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(data);
    let mut record = csv::StringRecord::new();
    let mut index = 0usize;
    loop {
        let number = index + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // Invalid UTF-8 is in one cell: name its column.
                let column = match e.kind() {
                    csv::ErrorKind::Utf8 { err, .. } => header.get(err.field()).copied(),
                    _ => None,
                };
                return Err(cell_error(
                    file,
                    number,
                    column,
                    CellProblem::Malformed(e.to_string()),
                )
                .into());
            }
        }
        if record.len() != header.len() {
            return Err(cell_error(
                file,
                number,
                None,
                CellProblem::Cells {
                    expected: header.len(),
                    found: record.len(),
                },
            )
            .into());
        }
        if index == 0 {
            for (got, want) in record.iter().zip(header) {
                if got != *want {
                    return Err(cell_error(
                        file,
                        1,
                        Some(want),
                        CellProblem::Header {
                            expected: want.to_string(),
                        },
                    )
                    .into());
                }
            }
        } else {
            let mut cells: Vec<&str> = Vec::with_capacity(header.len());
            for (cell, column) in record.iter().zip(header) {
                cells.push(
                    cells::unescape(cell).map_err(|p| cell_error(file, number, Some(column), p))?,
                );
            }
            row(number, &cells)?;
        }
        index += 1;
    }
    if index == 0 {
        return Err(cell_error(
            file,
            1,
            None,
            CellProblem::MissingRow {
                expected: header.join(","),
            },
        )
        .into());
    }
    Ok(index - 1)
}

/// Every data row of a small CSV (the manifest), as owned cells.
fn parse_csv(file: &str, data: &[u8], header: &[&str]) -> Result<Vec<Vec<String>>, BundleError> {
    let mut rows = Vec::new();
    each_row(file, data, header, |_, cells| {
        rows.push(cells.iter().map(|c| c.to_string()).collect());
        Ok::<_, BundleError>(())
    })?;
    Ok(rows)
}

type ManifestParts = (Header, String, Vec<FileInfo>);

fn parse_manifest(data: &[u8]) -> Result<ManifestParts, BundleError> {
    let rows = parse_csv(MANIFEST, data, &MANIFEST_COLUMNS)?;
    let bad = |row: usize, column: &str, problem: CellProblem| {
        cell_error(MANIFEST, row, Some(column), problem)
    };
    let mut meta = Vec::new();
    for (i, field) in MANIFEST_FIELDS.iter().enumerate() {
        let row = i + 2;
        let cells = rows.get(i).ok_or_else(|| {
            bad(
                row,
                "field",
                CellProblem::MissingRow {
                    expected: field.to_string(),
                },
            )
        })?;
        if cells[0] != *field {
            return Err(bad(
                row,
                "field",
                CellProblem::UnexpectedRow {
                    expected: field.to_string(),
                },
            ));
        }
        if !cells[2].is_empty() || !cells[3].is_empty() {
            return Err(bad(row, "sha256", CellProblem::NotValid));
        }
        meta.push((row, cells[1].as_str()));
    }
    let [
        format,
        commune,
        sender,
        device,
        key_id,
        receiver,
        sequence,
        created_at,
    ] = meta.as_slice()
    else {
        return Err(bad(1, "field", CellProblem::NotValid));
    };
    if format.1 != FORMAT {
        return Err(BundleError::UnknownFormat {
            found: archive::printable(format.1),
        });
    }
    cells::check_text(commune.1, MAX_NAME_CHARS).map_err(|p| bad(commune.0, "value", p))?;
    if commune.1.is_empty() {
        return Err(bad(commune.0, "value", CellProblem::Empty));
    }
    let party = |(row, s): &(usize, &str)| {
        parse_party(s).ok_or_else(|| bad(*row, "value", CellProblem::NotValid))
    };
    let sender_party = party(sender)?;
    let receiver_party = party(receiver)?;
    // Bundles go from a team to the commune or from the commune to a team.
    if matches!(
        (sender_party, receiver_party),
        (Role::Commune, Role::Commune) | (Role::Team(_), Role::Team(_))
    ) {
        return Err(bad(receiver.0, "value", CellProblem::NotValid));
    }
    if !is_device_id(device.1) {
        return Err(bad(device.0, "value", CellProblem::NotValid));
    }
    if !is_hex(key_id.1, 16, true) {
        return Err(bad(key_id.0, "value", CellProblem::NotValid));
    }
    let seq: u64 = sequence
        .1
        .parse()
        .ok()
        .filter(|n: &u64| *n > 0 && n.to_string() == sequence.1)
        .ok_or_else(|| bad(sequence.0, "value", CellProblem::NotValid))?;
    let created = parse_time(created_at.1)
        .ok_or_else(|| bad(created_at.0, "value", CellProblem::NotValid))?;
    let header = Header {
        commune: commune.1.to_string(),
        sender: sender_party,
        sender_device: device.1.to_string(),
        receiver: receiver_party,
        sequence: seq,
        created_at: created,
    };
    let expected = data_files(sender_party);
    let listed = &rows[MANIFEST_FIELDS.len()..];
    let mut files = Vec::new();
    for (i, cells) in listed.iter().enumerate() {
        let row = MANIFEST_FIELDS.len() + i + 2;
        if cells[0] != "file" {
            return Err(bad(
                row,
                "field",
                CellProblem::UnexpectedRow {
                    expected: "file".into(),
                },
            ));
        }
        match expected.get(i) {
            Some(name) if *name == cells[1] => {}
            _ => {
                return Err(bad(
                    row,
                    "value",
                    CellProblem::Listing {
                        name: archive::printable(&cells[1]),
                    },
                ));
            }
        }
        if !is_hex(&cells[2], 64, false) {
            return Err(bad(row, "sha256", CellProblem::NotValid));
        }
        let rows_n: usize = cells[3]
            .parse()
            .ok()
            .filter(|n: &usize| n.to_string() == cells[3])
            .ok_or_else(|| bad(row, "rows", CellProblem::NotValid))?;
        files.push(FileInfo {
            name: cells[1].clone(),
            rows: rows_n,
            sha256: cells[2].clone(),
        });
    }
    if let Some(name) = expected.get(files.len()) {
        return Err(bad(
            rows.len() + 2,
            "value",
            CellProblem::MissingRow {
                expected: name.clone(),
            },
        ));
    }
    Ok((header, key_id.1.to_string(), files))
}

/// RFC 3339 to the second with an offset, exactly as tothon writes times.
fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let t = DateTime::parse_from_rfc3339(s).ok()?;
    (crate::domain::version::time_text(&t) == s).then_some(t)
}

fn is_version_id(s: &str) -> bool {
    is_hex(s, ID_LEN, false)
}

/// Reads a `;`-separated list — sorted, each item once, each passing `ok` —
/// into `out`, reusing its memory; false when it is not one.
fn parse_list_into(s: &str, ok: impl Fn(&str) -> bool, out: &mut Vec<String>) -> bool {
    let items = || s.split(';').filter(|_| !s.is_empty());
    let sorted = items().zip(items().skip(1)).all(|(a, b)| a < b);
    if !sorted || !items().all(ok) {
        return false;
    }
    out.truncate(items().count());
    for (i, item) in items().enumerate() {
        match out.get_mut(i) {
            Some(old) => set_text(old, item),
            None => out.push(item.to_string()),
        }
    }
    true
}

fn is_confirm_code(s: &str) -> bool {
    match s.split_once(':') {
        Some((f, c)) => {
            let word = |w: &str| {
                !w.is_empty()
                    && w.len() <= 64
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            };
            word(f) && word(c)
        }
        None => false,
    }
}

/// A case or work-item id: short, visible text.
fn is_record_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 64
        && !s.contains(';')
        && s.chars().all(|c| !c.is_control() && !c.is_whitespace())
        && crate::domain::text::is_nfc(s)
}

/// Reads the versions of one form's file, handing each to `visit`; returns
/// how many there were.
fn parse_versions<E: From<BundleError>>(
    file: &str,
    spec: &FormSpec,
    data: impl Read,
    visit: &mut impl FnMut(&Place, &mut Version) -> Result<(), E>,
) -> Result<usize, E> {
    let header = version_header(spec);
    // Most rows of a bundle share a handful of authors: check each name once.
    let mut last_author = String::new();
    // The order key of the previous row: case, time, id.
    let mut previous: Option<(String, DateTime<FixedOffset>, String)> = None;
    let mut place = Place {
        file: file.to_string(),
        row: 0,
    };
    let mut v = Version::blank();
    each_row(file, data, &header, |row, cells| -> Result<(), E> {
        let bad = |column: &str, problem: CellProblem| cell_error(file, row, Some(column), problem);
        let invalid = |column: &str| bad(column, CellProblem::NotValid);
        let [
            id,
            record,
            parents,
            form_id,
            team,
            device,
            author,
            edited_at,
            status,
            confirmed,
        ] = std::array::from_fn(|k| cells[k]);
        if !is_version_id(id) {
            return Err(invalid("id").into());
        }
        if !is_record_id(record) {
            return Err(invalid("record").into());
        }
        if !parse_list_into(parents, is_version_id, &mut v.parents) {
            return Err(invalid("parents").into());
        }
        if form_id != spec.id {
            return Err(bad(
                "form",
                CellProblem::WrongForm {
                    file_form: spec.id.clone(),
                },
            )
            .into());
        }
        v.team = team
            .parse()
            .ok()
            .filter(|t: &u8| *t > 0 && t.to_string() == team)
            .ok_or_else(|| invalid("team"))?;
        if !is_device_id(device) {
            return Err(invalid("device").into());
        }
        if author != last_author {
            cells::check_text(author, MAX_NAME_CHARS).map_err(|p| bad("author", p))?;
            if author.is_empty() || crate::domain::text::clean(author) != author {
                return Err(invalid("author").into());
            }
            last_author = author.to_string();
        }
        v.edited_at = parse_time(edited_at).ok_or_else(|| invalid("edited_at"))?;
        v.status = Status::parse(status).ok_or_else(|| invalid("status"))?;
        if !parse_list_into(confirmed, is_confirm_code, &mut v.confirmed) {
            return Err(invalid("confirmed").into());
        }
        let values = &cells[VERSION_COLUMNS.len()..];
        for (field, value) in spec.fields.iter().zip(values) {
            if !value.is_empty() {
                cells::check_text(value, MAX_VALUE_CHARS).map_err(|p| bad(&field.id, p))?;
            }
        }
        let filled = spec
            .by_id()
            .iter()
            .map(|&i| (spec.fields[i].id.as_str(), values[i]))
            .filter(|(_, x)| !x.is_empty());
        fill_values(&mut v.values, filled);
        set_text(&mut v.id, id);
        set_text(&mut v.record, record);
        set_text(&mut v.form, &spec.id);
        set_text(&mut v.device, device);
        set_text(&mut v.author, author);
        if !v.id_is_valid() {
            return Err(BundleError::WrongId {
                file: file.to_string(),
                row,
            }
            .into());
        }
        if let Some((record, at, id)) = &previous {
            let before = (record.as_str(), *at, id.as_str());
            let this = (v.record.as_str(), v.edited_at, v.id.as_str());
            if this <= before {
                let problem = if this == before {
                    CellProblem::Duplicate
                } else {
                    CellProblem::OutOfOrder
                };
                return Err(bad("id", problem).into());
            }
        }
        match &mut previous {
            Some((record, at, id)) => {
                record.clone_from(&v.record);
                *at = v.edited_at;
                id.clone_from(&v.id);
            }
            None => previous = Some((v.record.clone(), v.edited_at, v.id.clone())),
        }
        place.row = row;
        visit(&place, &mut v)
    })
}

/// Sets a string, reusing its memory.
fn set_text(s: &mut String, to: &str) {
    s.clear();
    s.push_str(to);
}

/// Makes `map` hold exactly `pairs` (distinct keys, in order), reusing the
/// memory of the entries it keeps: rows of one form mostly fill the same
/// fields, and then the map is walked once beside them.
fn fill_values<'a>(
    map: &mut BTreeMap<String, String>,
    pairs: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) {
    let mut entries = map.iter_mut();
    let same_keys = pairs.clone().all(|(k, x)| match entries.next() {
        Some((key, value)) if key == k => {
            set_text(value, x);
            true
        }
        _ => false,
    }) && entries.next().is_none();
    if same_keys {
        return;
    }
    let mut count = 0;
    for (k, x) in pairs.clone() {
        match map.get_mut(k) {
            Some(old) => set_text(old, x),
            None => {
                map.insert(k.to_string(), x.to_string());
            }
        }
        count += 1;
    }
    if map.len() != count {
        map.retain(|k, _| pairs.clone().any(|(p, _)| p == k));
    }
}

fn parse_work_items(data: impl Read) -> Result<Vec<WorkItem>, BundleError> {
    let fields = work_item_fields();
    let header: Vec<&str> = WORK_ITEM_COLUMNS
        .iter()
        .copied()
        .chain(fields.iter().copied())
        .collect();
    // Which of the shared columns each form has, worked out once.
    let columns_of: Vec<(&str, Vec<bool>)> = form::forms()
        .iter()
        .map(|f| {
            let has = fields.iter().map(|c| f.field(c).is_some()).collect();
            (f.id.as_str(), has)
        })
        .collect();
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    each_row(WORK_ITEMS, data, &header, |row, cells| {
        let bad =
            |column: &str, problem: CellProblem| cell_error(WORK_ITEMS, row, Some(column), problem);
        let [id, form_id, team, due] = std::array::from_fn(|k| cells[k]);
        if !is_record_id(id) {
            return Err(bad("id", CellProblem::NotValid));
        }
        if !ids.insert(id.to_string()) {
            return Err(bad("id", CellProblem::Duplicate));
        }
        let (form_id, has) = columns_of
            .iter()
            .find(|(f, _)| *f == form_id)
            .ok_or_else(|| bad("form", CellProblem::UnknownForm))?;
        let team: u8 = team
            .parse()
            .ok()
            .filter(|t: &u8| *t > 0 && t.to_string() == team)
            .ok_or_else(|| bad("team", CellProblem::NotValid))?;
        let due = if due.is_empty() {
            None
        } else {
            let d = NaiveDate::parse_from_str(due, "%Y-%m-%d")
                .ok()
                .filter(|d| d.to_string() == due)
                .ok_or_else(|| bad("due", CellProblem::NotValid))?;
            Some(d.to_string())
        };
        let mut prefill = BTreeMap::new();
        for ((field, value), known) in fields
            .iter()
            .zip(&cells[WORK_ITEM_COLUMNS.len()..])
            .zip(has)
        {
            if value.is_empty() {
                continue;
            }
            if !known {
                return Err(bad(
                    field,
                    CellProblem::NotAFieldOfForm {
                        form: form_id.to_string(),
                    },
                ));
            }
            cells::check_text(value, MAX_VALUE_CHARS).map_err(|p| bad(field, p))?;
            prefill.insert(field.to_string(), value.to_string());
        }
        out.push(WorkItem {
            id: id.to_string(),
            form: form_id.to_string(),
            team,
            due,
            prefill,
        });
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests;
