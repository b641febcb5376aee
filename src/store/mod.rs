//! The store: one redb file per installation holding the commune, this device
//! and its key pair, the keys it trusts, people, work items, every case
//! version, the derived case index, drafts, the imports log and the sequence
//! numbers of the bundles it sent.
//!
//! Every save is one committed write transaction, so a power cut loses at most
//! what was being typed, never a saved case. Only redb lives here; decisions
//! (validation, heads) come from `domain`.

mod codec;
mod migrate;
mod rows;
mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use chrono::NaiveDate;

use crate::domain::case::CaseEntry;
use crate::domain::commune::{Commune, Device};
use crate::domain::form;
use crate::domain::listing::{ListRow, iso_day};
use crate::domain::version::{Draft, Version};
use crate::domain::work::{Person, WorkItem};
pub use codec::StoredVersion;
use tables::*;

/// The schema this binary writes. Older stores are migrated on open; newer
/// ones are refused.
pub const SCHEMA: u32 = migrate::SCHEMA;

/// How the derived case index is computed. When `CaseEntry` gains a field,
/// this goes up and every store rebuilds its index from the versions on
/// open: derived data needs no schema migration. (When its layout changes
/// so that an older tothon could not read it, `SCHEMA` goes up too, or the
/// older one would find entries it cannot read instead of refusing.)
const CASE_INDEX: u32 = 6;

/// The store's file name inside the data directory.
pub const FILE_NAME: &str = "tothon.redb";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no store in {0}")]
    NotSetUp(PathBuf),
    #[error("a store already exists in {0}")]
    AlreadySetUp(PathBuf),
    #[error("the store is open in another window")]
    AlreadyOpen,
    #[error("store schema {found} is newer than this program's {supported}")]
    NewerSchema { found: u32, supported: u32 },
    #[error("the store's {what} is damaged: {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("case {0} not found")]
    NoSuchCase(String),
    #[error("storage error: {0}")]
    Db(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

/// Every redb error becomes `Db` except the ones a user can act on.
macro_rules! db_error {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
db_error!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<redb::DatabaseError> for StoreError {
    fn from(e: redb::DatabaseError) -> Self {
        match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::AlreadyOpen,
            other => StoreError::Db(other.to_string()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A form being typed, kept so a closed window or power cut loses nothing.
/// Drafts are not versions: they never travel in bundles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDraft {
    pub form: String,
    /// The case being edited; `None` for a new case.
    pub record: Option<String>,
    pub parents: Vec<String>,
    pub values: BTreeMap<String, String>,
    pub author: String,
    pub saved_at: String,
}

/// One bundle seen, whatever became of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEntry {
    pub file: String,
    /// As bundles name it: `commune`, `team-3` (empty when unreadable).
    pub sender: String,
    pub sequence: u64,
    pub received_at: String,
    pub accepted: bool,
    /// Why it was refused, in the words shown at the time: only in entries
    /// logged before the reason was kept as data (`refusal`); empty since.
    pub detail: String,
    /// Why it was refused, as data: `ops::exchange::Refusal` in its stored
    /// form, put into words when shown. The store does not read it, so an
    /// entry whose reason this tothon does not know still reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<serde_json::Value>,
    #[serde(default)]
    pub sender_device: String,
    #[serde(default)]
    pub key_id: String,
    /// When the sender made it (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub new: usize,
    #[serde(default)]
    pub known: usize,
    #[serde(default)]
    pub new_conflicts: usize,
    /// The sender had already delivered a bundle with a higher sequence: this
    /// one is older than what the store holds from them.
    #[serde(default)]
    pub stale: bool,
}

/// This device's key pair. The secret half is minisign's secret-key text,
/// encrypted with the passphrase chosen at set-up; it is never decrypted
/// here and never leaves the store except into memory to sign a bundle.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnKey {
    /// minisign key id (16 hex digits).
    pub id: String,
    /// The `.pub` text.
    pub public: String,
    pub encrypted_secret: String,
    pub created_at: String,
}

impl std::fmt::Debug for OwnKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A public key this device accepts bundles from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    /// minisign key id (16 hex digits).
    pub id: String,
    /// The key in base64, as on the second line of a `.pub` file.
    pub public: String,
    /// The team whose device holds it; `None` for the commune's key.
    pub team: Option<u8>,
    pub added_at: String,
    /// Set by `untrust`: bundles signed by it are refused from then on.
    #[serde(default)]
    pub revoked_at: Option<String>,
    /// The device id its first accepted bundle named; later bundles signed
    /// with this key must name the same device.
    #[serde(default)]
    pub device: Option<String>,
}

/// What adding a batch of versions changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddSummary {
    pub new: usize,
    pub known: usize,
    pub new_conflicts: usize,
}

impl std::ops::AddAssign for AddSummary {
    fn add_assign(&mut self, other: AddSummary) {
        self.new += other.new;
        self.known += other.known;
        self.new_conflicts += other.new_conflicts;
    }
}

/// redb's page cache. Its default (1 GiB) is more than the old laptops have;
/// a few dozen MiB keep a commune of 100,000 quick to browse. (64 MiB made a
/// 100,000-version merge about 5 % faster, but browsing 100,000 cases then
/// peaks over its 60 MB budget.)
const CACHE_BYTES: usize = 16 * 1024 * 1024;

fn builder() -> redb::Builder {
    let mut b = Database::builder();
    b.set_cache_size(CACHE_BYTES);
    b
}

pub struct Store {
    db: Database,
    path: PathBuf,
}

impl Store {
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    pub fn exists_in(dir: &Path) -> bool {
        Self::file_in(dir).exists()
    }

    /// Creates a new store for this device. Refuses to touch an existing one.
    pub fn create(dir: &Path, commune: &Commune, device: &Device) -> Result<Store> {
        let path = Self::file_in(dir);
        if path.exists() {
            return Err(StoreError::AlreadySetUp(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir)?;
        let db = builder().create(&path)?;
        let store = Store { db, path };
        let txn = store.db.begin_write()?;
        migrate::create_tables(&txn)?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert("schema", SCHEMA.to_le_bytes().as_slice())?;
            meta.insert("case_index", codec::encode(&CASE_INDEX).as_slice())?;
            meta.insert("commune", codec::encode(commune).as_slice())?;
            meta.insert("device", codec::encode(device).as_slice())?;
        }
        txn.commit()?;
        Ok(store)
    }

    /// Opens the store in `dir`, migrating an older schema and refusing a newer one.
    pub fn open(dir: &Path) -> Result<Store> {
        let path = Self::file_in(dir);
        if !path.exists() {
            return Err(StoreError::NotSetUp(dir.to_path_buf()));
        }
        // Read the schema through a read-only handle first, so that a store
        // from a newer tothon is refused without a single byte written.
        let found = match redb::ReadOnlyDatabase::open(&path) {
            Ok(ro) => schema_of(&ro)?,
            // A store that needs repair after a crash can only be opened for
            // writing; redb repairs it, and the schema is checked after.
            Err(redb::DatabaseError::RepairAborted) => 0,
            Err(e) => return Err(e.into()),
        };
        if found > SCHEMA {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA,
            });
        }
        let db = builder().open(&path)?;
        let found = schema_of(&db)?;
        if found > SCHEMA {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA,
            });
        }
        if found < SCHEMA {
            let txn = db.begin_write()?;
            // The migration rebuilds the case index as well.
            migrate::run(&txn, found)?;
            let mut meta = txn.open_table(META)?;
            meta.insert("schema", SCHEMA.to_le_bytes().as_slice())?;
            meta.insert("case_index", codec::encode(&CASE_INDEX).as_slice())?;
            drop(meta);
            txn.commit()?;
        }
        let store = Store { db, path };
        if store.meta::<u32>("case_index")?.unwrap_or(0) < CASE_INDEX {
            let txn = store.db.begin_write()?;
            migrate::rebuild_case_index(&txn)?;
            txn.open_table(META)?
                .insert("case_index", codec::encode(&CASE_INDEX).as_slice())?;
            txn.commit()?;
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn meta<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(META)?;
        table
            .get(key)?
            .map(|b| codec::decode(b.value(), key))
            .transpose()
    }

    fn set_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let txn = self.db.begin_write()?;
        txn.open_table(META)?
            .insert(key, codec::encode(value).as_slice())?;
        txn.commit()?;
        Ok(())
    }

    pub fn commune(&self) -> Result<Commune> {
        self.meta("commune")?.ok_or(StoreError::Corrupt {
            what: "commune",
            detail: "missing".into(),
        })
    }

    pub fn set_commune(&self, commune: &Commune) -> Result<()> {
        self.set_meta("commune", commune)
    }

    pub fn device(&self) -> Result<Device> {
        self.meta("device")?.ok_or(StoreError::Corrupt {
            what: "device",
            detail: "missing".into(),
        })
    }

    /// A free-form setting (typing mode, language...), `None` when never set.
    pub fn setting<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>> {
        self.meta(key)
    }

    pub fn set_setting<T: Serialize>(&self, key: &'static str, value: &T) -> Result<()> {
        self.set_meta(key, value)
    }

    /// Saves one version in one committed transaction. A draft with an empty
    /// `record` is a new case: its record id is allocated in the same
    /// transaction (`<form code>-<device>-<n>`). Any typing draft of the case
    /// is dropped, since what it held is now saved.
    pub fn save(&self, mut draft: Draft, draft_key: Option<&str>) -> Result<Version> {
        let txn = self.db.begin_write()?;
        if draft.record.is_empty() {
            draft.record = next_record_id(&txn, &draft.form, &draft.device)?;
        }
        let version = draft.seal();
        add_in(&txn, std::slice::from_ref(&version))?;
        if let Some(key) = draft_key {
            txn.open_table(DRAFTS)?.remove(key)?;
        }
        txn.open_table(DRAFTS)?.remove(version.record.as_str())?;
        txn.commit()?;
        Ok(version)
    }

    /// Adds versions (from a bundle, the demo or a resolution) in one
    /// transaction; already-known ones are skipped and heads recomputed.
    pub fn add_versions(&self, versions: &[Version]) -> Result<AddSummary> {
        let txn = self.db.begin_write()?;
        let summary = add_in(&txn, versions)?;
        txn.commit()?;
        Ok(summary)
    }

    pub fn case(&self, record: &str) -> Result<Option<CaseEntry>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(LINES)?;
        match table.get(record)? {
            Some(b) => entry_after_line(record, b.value()),
            None => Ok(None),
        }
    }

    /// Every case, in record order.
    pub fn cases(&self) -> Result<Vec<CaseEntry>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(LINES)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            out.extend(entry_after_line(k.value(), v.value())?);
        }
        Ok(out)
    }

    /// How many cases the store holds (not counting work items not begun).
    pub fn case_count(&self) -> Result<u64> {
        let txn = self.db.begin_read()?;
        // A scan (only the demo's summary counts them), reading each entry
        // as `cases` would.
        let mut n = 0;
        for row in txn.open_table(LINES)?.iter()? {
            let (k, v) = row?;
            n += u64::from(entry_after_line(k.value(), v.value())?.is_some());
        }
        Ok(n)
    }

    /// One version of a case.
    pub fn version(&self, record: &str, id: &str) -> Result<Option<Version>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(VERSIONS)?;
        table
            .get((record, id))?
            .map(|b| codec::decode_version(record, id, b.value()))
            .transpose()
    }

    /// All versions of a case, oldest first.
    pub fn versions_of(&self, record: &str) -> Result<Vec<Version>> {
        let txn = self.db.begin_read()?;
        let mut out = versions_in(&txn.open_table(VERSIONS)?, record)?;
        crate::domain::merge::history_order(&mut out);
        Ok(out)
    }

    /// Every version as stored, copied end to end into one buffer to be
    /// read in place ([`VersionBytes::versions`]), in store order (an
    /// export writes them from there).
    pub fn version_bytes(&self) -> Result<VersionBytes> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(VERSIONS)?;
        let mut out = VersionBytes {
            bytes: Vec::new(),
            ends: Vec::with_capacity(3 * table.len()? as usize),
        };
        for row in table.iter()? {
            let (k, v) = row?;
            let (record, id) = k.value();
            for part in [record.as_bytes(), id.as_bytes(), v.value()] {
                out.bytes.extend_from_slice(part);
                out.ends.push(out.bytes.len());
            }
        }
        Ok(out)
    }

    /// Every version in the store, case by case, decoded.
    pub fn all_versions(&self) -> Result<Vec<Version>> {
        let stored = self.version_bytes()?;
        Ok(stored
            .versions()?
            .iter()
            .map(StoredVersion::to_version)
            .collect())
    }

    pub fn put_people<'a>(&self, people: impl IntoIterator<Item = &'a Person>) -> Result<()> {
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(PEOPLE)?;
            for p in in_key_order(people, |p| &p.key) {
                table.insert(p.key.as_str(), codec::encode_person(p).as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    pub fn people(&self) -> Result<Vec<Person>> {
        self.all(PEOPLE, codec::decode_person)
    }

    pub fn put_work_items<'a>(&self, items: impl IntoIterator<Item = &'a WorkItem>) -> Result<()> {
        let txn = self.db.begin_write()?;
        CaseTables::open(&txn)?.put_items(items)?;
        txn.commit()?;
        Ok(())
    }

    /// Every line of the work list: cases, and work items not yet begun.
    pub fn list_rows(&self) -> Result<Vec<ListRow>> {
        let mut out = Vec::new();
        self.list_snapshot()?.each(|r| out.push(r.clone()))?;
        Ok(out)
    }

    /// The work list as it stands now, to read on any thread: the screens
    /// load it beside drawing their first frame.
    pub fn list_snapshot(&self) -> Result<ListSnapshot> {
        Ok(ListSnapshot {
            txn: self.db.begin_read()?,
        })
    }

    pub fn list_row(&self, record: &str) -> Result<Option<ListRow>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(LINES)?;
        Ok(table.get(record)?.and_then(|v| {
            let (line, _) = rows::split(v.value())?;
            rows::decode(record, line)
        }))
    }

    pub fn work_item(&self, id: &str) -> Result<Option<WorkItem>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(WORK_ITEMS)?;
        table
            .get(id)?
            .map(|b| codec::decode_work_item(id, b.value()))
            .transpose()
    }

    pub fn work_items(&self) -> Result<Vec<WorkItem>> {
        self.all(WORK_ITEMS, codec::decode_work_item)
    }

    pub fn put_draft(&self, key: &str, draft: &SavedDraft) -> Result<()> {
        let txn = self.db.begin_write()?;
        txn.open_table(DRAFTS)?
            .insert(key, codec::encode(draft).as_slice())?;
        txn.commit()?;
        Ok(())
    }

    pub fn draft(&self, key: &str) -> Result<Option<SavedDraft>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(DRAFTS)?;
        table
            .get(key)?
            .map(|b| codec::decode(b.value(), "draft"))
            .transpose()
    }

    pub fn drafts(&self) -> Result<Vec<(String, SavedDraft)>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(DRAFTS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            out.push((k.value().to_string(), codec::decode(v.value(), "draft")?));
        }
        Ok(out)
    }

    pub fn drop_draft(&self, key: &str) -> Result<()> {
        let txn = self.db.begin_write()?;
        txn.open_table(DRAFTS)?.remove(key)?;
        txn.commit()?;
        Ok(())
    }

    pub fn log_import(&self, entry: &ImportEntry) -> Result<()> {
        let txn = self.db.begin_write()?;
        log_in(&txn, entry)?;
        txn.commit()?;
        Ok(())
    }

    /// Runs `f` over one write transaction of bundle merges, then commits it
    /// when `commit` is true and `f` succeeded; otherwise nothing is
    /// written. A bundle is merged case by case as it is read, so even a
    /// million versions never sit in memory at once, and a refusal at its
    /// last row still leaves the store untouched.
    pub fn merge<T, E: From<StoreError>>(
        &self,
        commit: bool,
        f: impl FnOnce(&mut Merge<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let txn = self.db.begin_write().map_err(StoreError::from)?;
        // Taken while this transaction holds the store's only write lock,
        // so it sees exactly what the transaction started from.
        let before = Before::open(self.db.begin_read().map_err(StoreError::from)?)?;
        let out = {
            let mut merge = Merge {
                tables: CaseTables::open(&txn)?,
                txn: &txn,
                before: std::sync::Arc::new(before),
                written: Vec::new(),
                before_holds: true,
            };
            f(&mut merge)?
        };
        if commit {
            txn.commit().map_err(StoreError::from)?;
        } else {
            txn.abort().map_err(StoreError::from)?;
        }
        Ok(out)
    }

    pub fn imports(&self) -> Result<Vec<ImportEntry>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(IMPORTS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            out.push(codec::decode(row?.1.value(), "import")?);
        }
        Ok(out)
    }

    /// This device's key pair; `None` for a store set up before keys existed.
    pub fn own_key(&self) -> Result<Option<OwnKey>> {
        self.meta("key")
    }

    pub fn set_own_key(&self, key: &OwnKey) -> Result<()> {
        self.set_meta("key", key)
    }

    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>> {
        self.all(TRUSTED_KEYS, |_, b| codec::decode(b, "trusted key"))
    }

    pub fn trusted_key(&self, id: &str) -> Result<Option<TrustedKey>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(TRUSTED_KEYS)?;
        table
            .get(id)?
            .map(|b| codec::decode(b.value(), "trusted key"))
            .transpose()
    }

    /// Adds or replaces a trusted key.
    pub fn trust_key(&self, key: &TrustedKey) -> Result<()> {
        let txn = self.db.begin_write()?;
        txn.open_table(TRUSTED_KEYS)?
            .insert(key.id.as_str(), codec::encode(key).as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// Marks a trusted key revoked; the record stays, so a later bundle signed
    /// with it is refused as revoked rather than as unknown. Returns the key
    /// as it now stands, `None` if there is no such key.
    pub fn revoke_key(&self, id: &str, at: &str) -> Result<Option<TrustedKey>> {
        let txn = self.db.begin_write()?;
        let key = {
            let mut table = txn.open_table(TRUSTED_KEYS)?;
            let found = match table.get(id)? {
                Some(b) => Some(codec::decode::<TrustedKey>(b.value(), "trusted key")?),
                None => None,
            };
            match found {
                Some(mut key) => {
                    if key.revoked_at.is_none() {
                        key.revoked_at = Some(at.to_string());
                        table.insert(id, codec::encode(&key).as_slice())?;
                    }
                    Some(key)
                }
                None => None,
            }
        };
        txn.commit()?;
        Ok(key)
    }

    /// Takes the next bundle sequence number for `receiver` and keeps it.
    pub fn next_sequence(&self, receiver: &str) -> Result<u64> {
        let txn = self.db.begin_write()?;
        let next = {
            let mut table = txn.open_table(SEQUENCES)?;
            let next = table.get(receiver)?.map(|v| v.value()).unwrap_or(0) + 1;
            table.insert(receiver, next)?;
            next
        };
        txn.commit()?;
        Ok(next)
    }

    /// The last sequence number sent to each receiver.
    pub fn sequences(&self) -> Result<BTreeMap<String, u64>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(SEQUENCES)?;
        let mut out = BTreeMap::new();
        for row in table.iter()? {
            let (k, v) = row?;
            out.insert(k.value().to_string(), v.value());
        }
        Ok(out)
    }

    /// Every row of a table, each decoded from its key and value.
    fn all<T>(
        &self,
        def: redb::TableDefinition<&str, &[u8]>,
        decode: impl Fn(&str, &[u8]) -> Result<T, StoreError>,
    ) -> Result<Vec<T>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(def)?;
        let mut out = Vec::with_capacity(table.len()? as usize);
        for row in table.iter()? {
            let (k, v) = row?;
            out.push(decode(k.value(), v.value())?);
        }
        Ok(out)
    }
}

fn schema_of(db: &impl ReadableDatabase) -> Result<u32> {
    let txn = db.begin_read()?;
    let meta = txn.open_table(META).map_err(|e| StoreError::Corrupt {
        what: "meta",
        detail: e.to_string(),
    })?;
    let bytes = meta.get("schema")?.ok_or(StoreError::Corrupt {
        what: "schema",
        detail: "missing".into(),
    })?;
    let raw: [u8; 4] = bytes.value().try_into().map_err(|_| StoreError::Corrupt {
        what: "schema",
        detail: "not a u32".into(),
    })?;
    Ok(u32::from_le_bytes(raw))
}

#[cfg(test)]
impl Store {
    /// Writes raw bytes as a work-list line (tests of an unreadable store).
    pub(crate) fn put_raw_list_row(&self, record: &str, bytes: &[u8]) -> Result<()> {
        let txn = self.db.begin_write()?;
        txn.open_table(LINES)?.insert(record, bytes)?;
        txn.commit()?;
        Ok(())
    }
}

/// Every stored version's record, id and encoding, end to end.
pub struct VersionBytes {
    bytes: Vec<u8>,
    /// Where each record, id and encoding ends, three to a version.
    ends: Vec<usize>,
}

impl VersionBytes {
    /// The versions, read in place; `Corrupt` at the first that does not read.
    pub fn versions(&self) -> Result<Vec<StoredVersion<'_>>> {
        let mut out = Vec::with_capacity(self.ends.len() / 3);
        let mut start = 0;
        for ends in self.ends.chunks_exact(3) {
            let record = &self.bytes[start..ends[0]];
            let id = &self.bytes[ends[0]..ends[1]];
            let value = &self.bytes[ends[1]..ends[2]];
            start = ends[2];
            let text = |b| std::str::from_utf8(b).ok();
            let version = text(record)
                .zip(text(id))
                .and_then(|(record, id)| codec::read_version(record, id, value));
            out.push(version.ok_or_else(|| StoreError::Corrupt {
                what: "version",
                detail: format!(
                    "{} {}",
                    String::from_utf8_lossy(record),
                    String::from_utf8_lossy(id)
                ),
            })?);
        }
        Ok(out)
    }
}

/// One read of the work list's lines, which may move to another thread.
pub struct ListSnapshot {
    txn: redb::ReadTransaction,
}

impl ListSnapshot {
    /// How many lines the work list has (cases and work items not begun).
    pub fn count(&self) -> Result<u64> {
        Ok(self.txn.open_table(LINES)?.len()?)
    }

    /// Hands each line over in record order, one at a time, so a large list
    /// is never held twice: the row handed over is reused for the next line.
    pub fn each(&self, mut f: impl FnMut(&mut ListRow)) -> Result<()> {
        let table = self.txn.open_table(LINES)?;
        let mut line = ListRow::blank();
        for row in table.iter()? {
            let (k, v) = row?;
            let (bytes, _) = split_line(k.value(), v.value())?;
            rows::decode_into(k.value(), bytes, &mut line)
                .ok_or_else(|| corrupt_line(k.value()))?;
            f(&mut line);
        }
        Ok(())
    }
}

/// The tables a change to cases writes, open for one write transaction.
struct CaseTables<'t> {
    versions: redb::Table<'t, (&'static str, &'static str), &'static [u8]>,
    items: redb::Table<'t, &'static str, &'static [u8]>,
    lines: redb::Table<'t, &'static str, &'static [u8]>,
    /// A line and entry put together before they are written.
    joined: Vec<u8>,
}

impl<'t> CaseTables<'t> {
    fn open(txn: &'t WriteTransaction) -> Result<Self> {
        Ok(CaseTables {
            versions: txn.open_table(VERSIONS)?,
            items: txn.open_table(WORK_ITEMS)?,
            lines: txn.open_table(LINES)?,
            joined: Vec::new(),
        })
    }

    /// The team and conflict flag of the case's line in the work list (a
    /// case, or a work item not begun).
    fn team_and_conflict(&self, record: &str) -> Result<Option<(u8, bool)>> {
        Ok(self
            .lines
            .get(record)?
            .and_then(|v| rows::team_and_conflict(v.value())))
    }

    /// Adds versions of one case that this store does not hold yet and
    /// recomputes the case's index entry and list line. The case's stored
    /// versions are read once, before the new ones are written.
    fn add_case(&mut self, record: &str, new: &[&Version]) -> Result<AddSummary> {
        let mut summary = AddSummary::default();
        if new.is_empty() {
            return Ok(summary);
        }
        let existing = versions_in(&self.versions, record)?;
        let all: Vec<&Version> = existing.iter().chain(new.iter().copied()).collect();
        if let Some(entry) = CaseEntry::from_versions(&all) {
            let was_conflict =
                !existing.is_empty() && self.team_and_conflict(record)?.is_some_and(|(_, c)| c);
            if entry.in_conflict() && !was_conflict {
                summary.new_conflicts += 1;
            }
            self.put_case(&entry)?;
        }
        for v in new {
            self.versions
                .insert((record, v.id.as_str()), codec::encode_version(v).as_slice())?;
            summary.new += 1;
        }
        Ok(summary)
    }

    /// Writes a case the store held no version of, made ahead by [`prepare`];
    /// `due` is its work item's due date.
    fn add_prepared(&mut self, prepared: &Prepared, due: Option<NaiveDate>) -> Result<AddSummary> {
        let record = prepared.record.as_str();
        self.put_entry(record, prepared.entry(), prepared.row(), due)?;
        for (id, bytes) in prepared.versions() {
            self.versions.insert((record, id), bytes)?;
        }
        Ok(AddSummary {
            new: prepared.ends.len(),
            known: 0,
            new_conflicts: usize::from(prepared.conflict),
        })
    }

    /// Writes a case's index entry and list line.
    fn put_case(&mut self, entry: &CaseEntry) -> Result<()> {
        let line = ListRow::from_case(entry, None);
        let mut bytes = Vec::new();
        codec::encode_case_after_line(entry, &line, &mut bytes);
        let due = item_due(&self.items, &entry.record)?;
        self.put_entry(&entry.record, &bytes, &rows::encode(&line), due)
    }

    /// Writes a case's index entry (encoded) and its list line, encoded as
    /// it is without a work item: the line takes the item's due date `due`
    /// when it has no date of its own (a planned follow-up comes first).
    fn put_entry(
        &mut self,
        record: &str,
        entry: &[u8],
        row: &[u8],
        due: Option<NaiveDate>,
    ) -> Result<()> {
        self.joined.clear();
        match due {
            Some(due) => self.joined.extend_from_slice(&rows::or_due(row, due)),
            None => self.joined.extend_from_slice(row),
        }
        self.joined.extend_from_slice(entry);
        self.lines.insert(record, self.joined.as_slice())?;
        Ok(())
    }

    /// Writes work items and their list lines (a begun case keeps its own
    /// line, with the item's due date).
    fn put_items<'a>(&mut self, items: impl IntoIterator<Item = &'a WorkItem>) -> Result<()> {
        for w in in_key_order(items, |w| &w.id) {
            self.items
                .insert(w.id.as_str(), codec::encode_work_item(w).as_slice())?;
            self.joined.clear();
            let case = match self.lines.get(w.id.as_str())? {
                Some(b) => entry_after_line(w.id.as_str(), b.value())?,
                None => None,
            };
            match case {
                Some(case) => {
                    let line = ListRow::from_case(&case, w.due.as_deref());
                    rows::encode_into(&line, &mut self.joined);
                    codec::encode_case_after_line(&case, &line, &mut self.joined);
                }
                None => rows::encode_into(&ListRow::from_item(w), &mut self.joined),
            }
            self.lines.insert(w.id.as_str(), self.joined.as_slice())?;
        }
        Ok(())
    }

    /// Recomputes one case's index entry from its stored versions.
    fn reindex(&mut self, record: &str) -> Result<()> {
        let versions = versions_in(&self.versions, record)?;
        let refs: Vec<&Version> = versions.iter().collect();
        match CaseEntry::from_versions(&refs) {
            Some(entry) => self.put_case(&entry),
            None => Ok(()),
        }
    }
}

/// A stored line and what follows it (a case's index entry, or nothing
/// for a work item not begun).
fn split_line<'a>(record: &str, bytes: &'a [u8]) -> Result<(&'a [u8], &'a [u8])> {
    rows::split(bytes).ok_or_else(|| corrupt_line(record))
}

fn corrupt_line(record: &str) -> StoreError {
    StoreError::Corrupt {
        what: "list row",
        detail: record.to_string(),
    }
}

/// The index entry stored after a line, if the line is a case's.
fn entry_after_line(record: &str, bytes: &[u8]) -> Result<Option<CaseEntry>> {
    match split_line(record, bytes)? {
        (_, []) => Ok(None),
        (line, entry) => Ok(Some(codec::decode_case_after_line(record, line, entry)?)),
    }
}

/// Rows in the order of their keys, the same key in the order given (the
/// last one written wins, as it would unsorted). A long run of inserts in
/// key order touches each page of the table once; in any other order, a
/// table larger than the page cache is written out and read back again and
/// again (a commune's million people arrive village by village, each
/// village's keys spread over the whole table).
fn in_key_order<'a, T>(
    rows: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&T) -> &str,
) -> Vec<&'a T> {
    let mut rows: Vec<&T> = rows.into_iter().collect();
    rows.sort_by(|a, b| key(a).cmp(key(b)));
    rows
}

/// A new case's writes, made ahead and away from the transaction (a bundle
/// merge makes them on another thread): the index entry and list line of
/// its versions alone, and every version encoded.
pub struct Prepared {
    record: String,
    conflict: bool,
    /// The index entry, the list line (as it is without a work item), then
    /// each version, encoded end to end.
    bytes: Vec<u8>,
    entry_end: usize,
    row_end: usize,
    /// The versions' ids, end to end.
    ids: String,
    /// Where each version's id ends in `ids` and its encoding in `bytes`.
    ends: Vec<(usize, usize)>,
}

impl Prepared {
    fn entry(&self) -> &[u8] {
        &self.bytes[..self.entry_end]
    }

    fn row(&self) -> &[u8] {
        &self.bytes[self.entry_end..self.row_end]
    }

    /// Each version's id and encoding.
    fn versions(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let starts = std::iter::once((0, self.row_end)).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|((id, at), &(id_end, end))| (&self.ids[id..id_end], &self.bytes[at..end]))
    }
}

/// Memory [`prepare`] reuses from one case to the next.
pub struct Scratch {
    entry: CaseEntry,
    row: ListRow,
    /// Writes already made, given back to be made again in their memory.
    spare: Vec<Prepared>,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            entry: CaseEntry::blank(),
            row: ListRow::blank(),
            spare: Vec::new(),
        }
    }
}

impl Scratch {
    /// Most spare writes kept: a few batches' worth.
    const SPARE: usize = 4096;

    /// Gives back writes that are done with, for their memory.
    pub fn give_back(&mut self, prepared: Prepared) {
        if self.spare.len() < Self::SPARE {
            self.spare.push(prepared);
        }
    }
}

/// Prepares the writes of a case from all its versions (one case's, none
/// of them stored yet); `None` when there are none.
pub fn prepare(versions: &[&Version], scratch: &mut Scratch) -> Option<Prepared> {
    let Scratch { entry, row, spare } = scratch;
    if !entry.fill(versions) {
        return None;
    }
    row.fill_from_case(entry, None);
    let mut p = spare.pop().unwrap_or_else(|| Prepared {
        record: String::new(),
        conflict: false,
        bytes: Vec::with_capacity(512 + 256 * versions.len()),
        entry_end: 0,
        row_end: 0,
        ids: String::new(),
        ends: Vec::new(),
    });
    p.record.clone_from(&entry.record);
    p.conflict = entry.in_conflict();
    p.bytes.clear();
    codec::encode_case_after_line(entry, row, &mut p.bytes);
    p.entry_end = p.bytes.len();
    rows::encode_into(row, &mut p.bytes);
    p.row_end = p.bytes.len();
    p.ids.clear();
    p.ends.clear();
    for v in versions {
        p.ids.push_str(&v.id);
        codec::encode_version_into(v, &mut p.bytes);
        p.ends.push((p.ids.len(), p.bytes.len()));
    }
    Some(p)
}

/// The due date of a case's work item, if it has one.
fn item_due(
    items: &impl ReadableTable<&'static str, &'static [u8]>,
    record: &str,
) -> Result<Option<NaiveDate>> {
    Ok(match items.get(record)? {
        Some(b) => codec::work_item_due(b.value())?
            .as_deref()
            .and_then(iso_day),
        None => None,
    })
}

/// What a store holds of one case, as a bundle merge needs it: looked up
/// by [`Merge::hold`], or ahead of the merge by [`Before::look`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Held {
    record: String,
    /// The ids of the case's versions.
    pub ids: Vec<String>,
    /// The team of its line in the work list (a case, or a work item not
    /// begun).
    team: Option<u8>,
    /// Its work item's due date, which a case without versions takes.
    due: Option<NaiveDate>,
    /// Looked up in the merge's transaction, not in [`Before`].
    in_merge: bool,
}

impl Held {
    /// The team of a case the store knows (from its line).
    pub fn team(&self) -> Option<u8> {
        self.team
    }
}

fn held_in(
    versions: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    lines: &impl ReadableTable<&'static str, &'static [u8]>,
    items: &impl ReadableTable<&'static str, &'static [u8]>,
    record: &str,
    any_new: impl FnOnce(&[String]) -> bool,
    out: &mut Held,
) -> Result<()> {
    out.record.clear();
    out.record.push_str(record);
    version_ids(versions, record, &mut out.ids)?;
    // A case whose coming versions are all held needs nothing more.
    if !any_new(&out.ids) {
        out.team = None;
        out.due = None;
        return Ok(());
    }
    let line = lines.get(record)?;
    let line = line.as_ref().map(|v| v.value());
    out.team = line.and_then(rows::team_and_conflict).map(|(team, _)| team);
    out.due = match (out.ids.is_empty(), line.and_then(rows::due)) {
        (false, _) => None,
        // A case without versions has the line of its work item, which
        // carries the item's due date: no need to read the item.
        (true, Some(due)) => due,
        (true, None) => item_due(items, record)?,
    };
    Ok(())
}

/// The ids of the versions of `record`, into `out` (cleared first).
fn version_ids(
    versions: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    record: &str,
    out: &mut Vec<String>,
) -> Result<()> {
    out.clear();
    for row in versions.range(case_range(record))? {
        out.push(row?.0.value().1.to_string());
    }
    Ok(())
}

/// The store as a merge's transaction began, read on other threads while
/// the transaction writes: a bundle merge looks up what the store holds of
/// each case on its judging thread.
pub struct Before {
    versions: redb::ReadOnlyTable<(&'static str, &'static str), &'static [u8]>,
    lines: redb::ReadOnlyTable<&'static str, &'static [u8]>,
    items: redb::ReadOnlyTable<&'static str, &'static [u8]>,
}

impl Before {
    fn open(txn: redb::ReadTransaction) -> Result<Before> {
        Ok(Before {
            versions: txn.open_table(VERSIONS)?,
            lines: txn.open_table(LINES)?,
            items: txn.open_table(WORK_ITEMS)?,
        })
    }

    /// What the store held of a case when the merge began; its line and
    /// work item only when `any_new` says some coming version is not among
    /// the ids it holds.
    pub fn look(
        &self,
        record: &str,
        any_new: impl FnOnce(&[String]) -> bool,
        out: &mut Held,
    ) -> Result<()> {
        out.in_merge = false;
        held_in(
            &self.versions,
            &self.lines,
            &self.items,
            record,
            any_new,
            out,
        )
    }
}

/// The keys of every version of `record` (ids are lowercase hex, all
/// before `~`).
fn case_range(record: &str) -> std::ops::Range<(&str, &str)> {
    (record, "")..(record, "~")
}

/// A bundle merge in progress: one write transaction, committed or
/// abandoned by [`Store::merge`] as a whole.
pub struct Merge<'t> {
    txn: &'t WriteTransaction,
    tables: CaseTables<'t>,
    /// The store as the transaction began.
    before: std::sync::Arc<Before>,
    /// The records this transaction has written cases of, as ranges: a
    /// bundle's files each hold their cases in record order, so each file
    /// makes one. `before` no longer tells what the store holds of these.
    written: Vec<(String, String)>,
    /// Whether `before` still tells what the store holds of any case
    /// outside `written` (false once work items were written).
    before_holds: bool,
}

impl Merge<'_> {
    /// The store as this merge's transaction began, to look up cases in
    /// ahead of the merge, on other threads ([`Before::look`]).
    pub fn before(&self) -> std::sync::Arc<Before> {
        self.before.clone()
    }

    /// What the store holds of a case now, including what this
    /// transaction merged.
    #[cfg(test)]
    pub(crate) fn held(&self, record: &str) -> Result<Held> {
        let mut out = Held::default();
        self.hold(record, |_| true, &mut out, false)?;
        Ok(out)
    }

    /// Makes `held`, looked up in [`Merge::before`] when `looked`, what the
    /// store holds of `record` now: kept when nothing this transaction
    /// wrote can have changed it, looked up again otherwise (`any_new` as
    /// for [`Before::look`]).
    pub fn hold(
        &self,
        record: &str,
        any_new: impl FnOnce(&[String]) -> bool,
        held: &mut Held,
        looked: bool,
    ) -> Result<()> {
        if looked && held.record == record && self.before_holds && !self.wrote(record) {
            return Ok(());
        }
        let t = &self.tables;
        held_in(&t.versions, &t.lines, &t.items, record, any_new, held)?;
        held.in_merge = true;
        Ok(())
    }

    /// Whether this transaction has written a case of `record`.
    fn wrote(&self, record: &str) -> bool {
        self.written
            .iter()
            .any(|(first, last)| first.as_str() <= record && record <= last.as_str())
    }

    /// Adds versions of one case that `held` (what the store holds of it
    /// now, from [`Merge::hold`]) does not list. `prepared`,
    /// made by [`prepare`] from exactly these versions, spares the work
    /// when the store holds none: it is used only then, and only if it
    /// holds as many versions.
    pub fn add_case(
        &mut self,
        record: &str,
        new: &[&Version],
        prepared: Option<&Prepared>,
        held: &Held,
    ) -> Result<AddSummary> {
        if new.is_empty() {
            return Ok(AddSummary::default());
        }
        // A `held` from before this transaction wrote the case (or, from
        // the snapshot, before it wrote work items) may be stale.
        let current =
            held.record == record && (held.in_merge || self.before_holds) && !self.wrote(record);
        match self.written.last_mut() {
            Some((_, last)) if last.as_str() < record => {
                last.clear();
                last.push_str(record);
            }
            _ => self.written.push((record.to_string(), record.to_string())),
        }
        match prepared {
            Some(p)
                if current
                    && held.ids.is_empty()
                    && p.ends.len() == new.len()
                    && p.record == record =>
            {
                self.tables.add_prepared(p, held.due)
            }
            _ => self.tables.add_case(record, new),
        }
    }

    /// Writes the work items that differ from the stored ones (a bundle
    /// from the commune repeats all of them every time).
    pub fn put_work_items(&mut self, items: &[WorkItem]) -> Result<()> {
        let mut changed = Vec::new();
        for w in items {
            let same = self
                .tables
                .items
                .get(w.id.as_str())?
                .is_some_and(|b| b.value() == codec::encode_work_item(w).as_slice());
            if !same {
                changed.push(w);
            }
        }
        if !changed.is_empty() {
            self.before_holds = false;
        }
        self.tables.put_items(changed)
    }

    /// Ties a signing key to the device its first bundle named.
    pub fn bind_device(&mut self, key_id: &str, device: &str) -> Result<()> {
        let mut keys = self.txn.open_table(TRUSTED_KEYS)?;
        let key = match keys.get(key_id)? {
            Some(b) => Some(codec::decode::<TrustedKey>(b.value(), "trusted key")?),
            None => None,
        };
        if let Some(mut key) = key
            && key.device.is_none()
        {
            key.device = Some(device.to_string());
            keys.insert(key_id, codec::encode(&key).as_slice())?;
        }
        Ok(())
    }

    /// Appends an entry to the imports log.
    pub fn log(&mut self, entry: &ImportEntry) -> Result<()> {
        log_in(self.txn, entry)
    }
}

fn log_in(txn: &WriteTransaction, entry: &ImportEntry) -> Result<()> {
    let mut table = txn.open_table(IMPORTS)?;
    let next = table.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
    table.insert(next, codec::encode(entry).as_slice())?;
    Ok(())
}

/// Allocates the next record id for a case this device opens.
fn next_record_id(txn: &WriteTransaction, form_id: &str, device: &str) -> Result<String> {
    let mut meta = txn.open_table(META)?;
    let n: u64 = match meta.get("next_case")? {
        Some(b) => codec::decode(b.value(), "next_case")?,
        None => 1,
    };
    meta.insert("next_case", codec::encode(&(n + 1)).as_slice())?;
    let code = form::form(form_id).map(|f| f.code.as_str()).unwrap_or("CS");
    Ok(format!("{code}-{device}-{n:04}"))
}

fn versions_in(
    versions: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    record: &str,
) -> Result<Vec<Version>> {
    let mut out = Vec::new();
    for row in versions.range(case_range(record))? {
        let (k, v) = row?;
        out.push(codec::decode_version(record, k.value().1, v.value())?);
    }
    Ok(out)
}

/// Adds versions inside a write transaction, case by case, skipping those
/// already held, and recomputes the index entry of every case they touch.
fn add_in<'a>(
    txn: &WriteTransaction,
    batch: impl IntoIterator<Item = &'a Version>,
) -> Result<AddSummary> {
    let mut by_record: BTreeMap<&str, Vec<&Version>> = BTreeMap::new();
    for v in batch {
        by_record.entry(v.record.as_str()).or_default().push(v);
    }
    let mut tables = CaseTables::open(txn)?;
    let mut summary = AddSummary::default();
    let mut held = Vec::new();
    for (record, mut batch) in by_record {
        version_ids(&tables.versions, record, &mut held)?;
        let before = batch.len();
        batch.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        batch.dedup_by(|a, b| a.id == b.id);
        batch.retain(|v| !held.contains(&v.id));
        summary.known += before - batch.len();
        summary += tables.add_case(record, &batch)?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests;
