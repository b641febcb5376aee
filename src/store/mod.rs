//! The store: one redb file per installation holding the commune, this device
//! and its key pair, the keys it trusts, people, work items, every case
//! version, the derived case index, drafts, the imports log and the sequence
//! numbers of the bundles it sent.
//!
//! Every save is one committed write transaction, so a power cut loses at most
//! what was being typed, never a saved case. Only redb lives here; decisions
//! (validation, heads) come from `domain`.
//!
//! The facade is [`Store`]: every read and every committed write goes
//! through it. Beside it: `error` ([`StoreError`]), `records` (what the
//! store hands out and takes in besides domain types), `cases` (the tables
//! a change to cases writes together), `merge` (a bundle merged case by
//! case in one transaction); beneath them `tables`, `codec`, `rows` and
//! `migrate`.

pub mod backup;
mod cases;
mod check;
mod codec;
mod error;
mod merge;
mod migrate;
mod records;
mod rows;
pub mod seal;
mod tables;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Serialize, de::DeserializeOwned};

use crate::domain::case::CaseEntry;
use crate::domain::commune::{Commune, Device};
use crate::domain::form;
use crate::domain::listing::ListRow;
use crate::domain::version::{Draft, Version};
use crate::domain::work::{Moved, Moves, Person, WorkItem};
use cases::{CaseTables, add_in, entry_after_line, in_key_order, versions_in};
pub use check::Checked;
pub use codec::StoredVersion;
pub use error::{Result, StoreError};
pub use merge::{Before, Held, Merge, Prepared, Scratch, prepare};
pub use records::{
    AddSummary, ImportEntry, ListSnapshot, OwnKey, SavedDraft, TrustedKey, VersionBytes,
};
use seal::{Sealed, Vault, WrapKey};
use tables::*;

/// The schema this binary writes. Older stores are migrated on open; newer
/// ones are refused.
pub const SCHEMA: u32 = migrate::SCHEMA;

/// How the derived case index is computed. When `CaseEntry` gains a field,
/// this goes up and every store rebuilds its index from the versions on
/// open: derived data needs no schema migration. (When its layout changes
/// so that an older tothon could not read it, `SCHEMA` goes up too, or the
/// older one would find entries it cannot read instead of refusing.)
/// 7: a line's stage is where its case stands for counting
/// (`domain::standing`), no longer its newest version's status, and its
/// entry reads it from there (`CaseEntry::stage`): the layout is as it was,
/// so an older tothon still reads it.
const CASE_INDEX: u32 = 7;

/// The store's file name inside the data directory.
pub const FILE_NAME: &str = "tothon.redb";

/// Meta keys: the versions ever saved on this device, and how many of
/// them the last bundle written carried.
const SAVES_HERE: &str = "saves-here";
const SENT_UPTO: &str = "sent-upto";

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

/// [`builder`], noting in `repaired` whether redb had to repair the file
/// as it opened it: it was not closed cleanly (a crash, a kill, a power
/// cut), and the store is checked whole once it is unlocked.
fn noting_repair(repaired: &std::sync::Arc<std::sync::atomic::AtomicBool>) -> redb::Builder {
    let mut b = builder();
    let repaired = repaired.clone();
    b.set_repair_callback(move |_| repaired.store(true, std::sync::atomic::Ordering::Relaxed));
    b
}

pub struct Store {
    db: Database,
    path: PathBuf,
    /// This device's age identity once its key has been opened in this
    /// sitting (`ops::exchange::unlock`): what reads the bundles sent to it.
    /// Held in memory only.
    identity: std::sync::RwLock<Option<crate::bundle::age::Identity>>,
    /// The data key, once the store is unlocked (held in memory only), and
    /// the vault that seals and opens values with it. `None` while locked:
    /// every table that holds personal data is then refused.
    unlocked: Option<([u8; 32], Vault)>,
    /// This sitting's mark beside the store file, and whether a whole
    /// check is due (see [`OpenMark`]).
    open: OpenMark,
}

/// A file beside the store while a tothon has it open (`tothon.redb.open`),
/// removed when the store is closed. Found at the next open, it tells that
/// the last sitting did not end (a kill, a crash, a power cut), so a whole
/// check of the store is due. redb's own repair after such an end is
/// noted too, but redb repairs only when its last commit needs it.
///
/// The check is due while `due` (the last sitting did not end, or redb had
/// to repair the file): until it passes, the mark stays when this sitting
/// ends, so a sitting cut short, or one that never unlocked the store,
/// leaves it due for the next.
struct OpenMark {
    path: PathBuf,
    due: bool,
}

impl OpenMark {
    /// The mark of a sitting opening the store at `store`; a check is due
    /// if a sitting before it left its mark.
    fn make(store: &Path) -> OpenMark {
        let mut name = store.as_os_str().to_owned();
        name.push(".open");
        let path = PathBuf::from(name);
        let left = path.exists();
        // Best effort: a full disk may refuse even an empty file, and the
        // data is still read (redb's own repair is noted all the same).
        if !left {
            let _ = create_private(&path);
        }
        OpenMark { path, due: left }
    }
}

impl Drop for OpenMark {
    fn drop(&mut self) {
        if !self.due {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// What a store file that redb could not open says: damage when the file
/// is not what redb wrote (cut short, changed), otherwise redb's error.
fn damaged(path: &Path, e: redb::DatabaseError) -> StoreError {
    use redb::{DatabaseError as D, StorageError as S};
    let damage = |detail: String| StoreError::Damaged {
        file: path.to_path_buf(),
        detail,
    };
    match e {
        D::Storage(S::Corrupted(detail)) => damage(detail),
        D::Storage(S::Io(io))
            if matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
            ) =>
        {
            damage(io.to_string())
        }
        D::UpgradeRequired(_) => damage(e.to_string()),
        other => other.into(),
    }
}

/// A store file whose reading made redb panic: its structure is damaged.
fn damaged_by_panic(path: &Path) -> StoreError {
    StoreError::Damaged {
        file: path.to_path_buf(),
        detail: String::new(),
    }
}

/// A new store file, readable and writable by its owner only (on Windows a
/// user's own folders are already closed to other users).
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    Ok(())
}

/// Makes an existing store file readable by its owner only (a store
/// written before it was sealed was made readable by all). A store with no
/// file ([`Store::open_on_backend`]) has nothing to make private.
pub(crate) fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            found => found?.permissions().mode(),
        };
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl Store {
    pub fn file_in(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    pub fn exists_in(dir: &Path) -> bool {
        Self::file_in(dir).exists()
    }

    /// Keeps this device's age identity for the rest of the sitting.
    pub fn hold_identity(&self, identity: crate::bundle::age::Identity) {
        if let Ok(mut held) = self.identity.write() {
            *held = Some(identity);
        }
    }

    /// This device's age identity, when its key has been opened.
    pub fn identity(&self) -> Option<crate::bundle::age::Identity> {
        self.identity.read().ok().and_then(|held| held.clone())
    }

    /// Creates a new store for this device. Refuses to touch an existing one.
    pub fn create(dir: &Path, commune: &Commune, device: &Device) -> Result<Store> {
        let path = Self::file_in(dir);
        if path.exists() {
            return Err(StoreError::AlreadySetUp(dir.to_path_buf()));
        }
        // Folders made here are their owner's alone too (their files'
        // names say which bundles came and went).
        let mut folders = std::fs::DirBuilder::new();
        folders.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut folders, 0o700);
        folders.create(dir)?;
        create_private(&path)?;
        let db = builder().create(&path)?;
        let open = OpenMark::make(&path);
        let data_key = seal::new_data_key()?;
        let store = Store {
            db,
            open,
            path,
            identity: Default::default(),
            unlocked: Some((data_key, Vault::Sealed(seal::Seal::new(&data_key)?.into()))),
        };
        let txn = store.db.begin_write()?;
        migrate::create_tables(&txn)?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert("schema", SCHEMA.to_le_bytes().as_slice())?;
            meta.insert("case_index", codec::encode(&CASE_INDEX).as_slice())?;
            meta.insert(SAVES_HERE, codec::encode(&0u64).as_slice())?;
            meta.insert("commune", codec::encode(commune).as_slice())?;
            meta.insert("device", codec::encode(device).as_slice())?;
        }
        txn.commit()?;
        Ok(store)
    }

    /// Opens the store in `dir`, migrating an older schema and refusing a newer one.
    /// [`Store::open`] for a look at its settings only: the forms the
    /// commune added, which a process opening its store puts in force for
    /// all its work, are left out of force (a test harness looking at many
    /// communes' stores from one process).
    pub fn open_to_look(dir: &Path) -> Result<Store> {
        LOOKING_ONLY.with(|l| l.set(true));
        let store = Self::open(dir);
        LOOKING_ONLY.with(|l| l.set(false));
        store
    }

    pub fn open(dir: &Path) -> Result<Store> {
        let path = Self::file_in(dir);
        if !path.exists() {
            return Err(StoreError::NotSetUp(dir.to_path_buf()));
        }
        Self::open_file(path)
    }

    /// [`Store::open`] for the store file at `path` (a backup, say).
    pub fn open_file(path: PathBuf) -> Result<Store> {
        let file = path.clone();
        Self::open_with(
            path,
            || redb::ReadOnlyDatabase::open(&file),
            |b| b.open(&file),
        )
    }

    /// [`Store::open_file`] with its bytes on `disk` rather than in the
    /// file at `path` (a test's simulated disk, which can lose power or
    /// fail). `path` stands for the store's file all the same: the mark of
    /// a sitting is kept beside it, and refused bundles in its folder.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn open_on_backend(
        path: PathBuf,
        disk: impl redb::StorageBackend + Clone,
    ) -> Result<Store> {
        let read_only = disk.clone();
        Self::open_with(
            path,
            || Database::builder().open_read_only_with_backend(read_only),
            |b| b.create_with_backend(disk),
        )
    }

    /// Opens the store at `path` through `read_only` then `writable` (the
    /// builder given notes redb's repair).
    fn open_with(
        path: PathBuf,
        read_only: impl FnOnce() -> Result<redb::ReadOnlyDatabase, redb::DatabaseError>,
        writable: impl FnOnce(redb::Builder) -> Result<Database, redb::DatabaseError>,
    ) -> Result<Store> {
        // Read the schema through a read-only handle first, so that a store
        // from a newer tothon is refused without a single byte written.
        let found = match crate::crash::quietly(read_only) {
            Some(Ok(ro)) => schema_of(&ro)?,
            // A store that needs repair after a crash can only be opened for
            // writing; redb repairs it, and the schema is checked after.
            Some(Err(redb::DatabaseError::RepairAborted)) => 0,
            Some(Err(e)) => return Err(damaged(&path, e)),
            None => return Err(damaged_by_panic(&path)),
        };
        if found > SCHEMA {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA,
            });
        }
        let repaired = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let db = match crate::crash::quietly(|| writable(noting_repair(&repaired))) {
            Some(opened) => opened.map_err(|e| damaged(&path, e))?,
            None => return Err(damaged_by_panic(&path)),
        };
        let found = schema_of(&db)?;
        if found > SCHEMA {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA,
            });
        }
        // A store from before sealing is brought up to the last plain
        // schema here, as it always was; it is sealed when unlocked.
        if found < migrate::LAST_PLAIN {
            let txn = db.begin_write()?;
            // The migration rebuilds the case index as well.
            migrate::run(&txn, found)?;
            let mut meta = txn.open_table(META)?;
            meta.insert("schema", migrate::LAST_PLAIN.to_le_bytes().as_slice())?;
            meta.insert("case_index", codec::encode(&CASE_INDEX).as_slice())?;
            drop(meta);
            txn.commit()?;
        }
        let mut open = OpenMark::make(&path);
        open.due |= repaired.load(std::sync::atomic::Ordering::Relaxed);
        let store = Store {
            db,
            open,
            path,
            identity: Default::default(),
            unlocked: None,
        };
        // Before anything is read: the work list names their forms.
        if !LOOKING_ONLY.with(std::cell::Cell::get) {
            store.put_forms_in_force()?;
        }
        if found <= migrate::LAST_PLAIN {
            store.rebuild_if_stale(&Vault::Plain)?;
        }
        Ok(store)
    }

    /// The forms the commune added, as their specs' JSON, in the order
    /// they were taken (setting `forms`; not personal, so not sealed).
    pub fn added_forms(&self) -> Result<Vec<String>> {
        Ok(self
            .setting::<Vec<String>>(FORMS_SETTING)?
            .unwrap_or_default())
    }

    /// Whether this device holds version `version` of form `id`: shipped
    /// (0), or added by the commune and taken in (a form a bundle being
    /// read brought is known, and not held until the bundle is taken).
    pub fn holds_form(&self, id: &str, version: u32) -> Result<bool> {
        if version == 0 {
            return Ok(crate::domain::form::form_at(id, 0).is_some());
        }
        for json in self.added_forms()? {
            let held = read_added_form(&json)?;
            if held.id == id && held.version == version {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Takes a form the commune added (checked already), and puts it in
    /// force.
    pub fn add_form(&self, json: &str) -> Result<()> {
        let spec = read_added_form(json)?;
        let mut all = self.added_forms()?;
        all.push(json.to_string());
        self.set_setting(FORMS_SETTING, &all)?;
        crate::domain::form::put_in_force(spec);
        Ok(())
    }

    /// Puts the forms this store holds in force, in the order it took them.
    fn put_forms_in_force(&self) -> Result<()> {
        for json in self.added_forms()? {
            crate::domain::form::put_in_force(read_added_form(&json)?);
        }
        Ok(())
    }

    /// Rebuilds the derived case index when it is older than this binary's.
    fn rebuild_if_stale(&self, vault: &Vault) -> Result<()> {
        if self.meta::<u32>("case_index")?.unwrap_or(0) < CASE_INDEX {
            let txn = self.db.begin_write()?;
            migrate::rebuild_case_index(&txn, vault)?;
            txn.open_table(META)?
                .insert("case_index", codec::encode(&CASE_INDEX).as_slice())?;
            txn.commit()?;
        }
        Ok(())
    }

    /// Whether the store waits for its key: nothing personal can be read
    /// or written until [`Store::unlock`].
    pub fn is_locked(&self) -> bool {
        self.unlocked.is_none()
    }

    /// The vault values go through; `Locked` until the store is unlocked.
    fn vault(&self) -> Result<&Vault> {
        self.unlocked
            .as_ref()
            .map(|(_, vault)| vault)
            .ok_or(StoreError::Locked)
    }

    /// Unlocks the store with the key its data key is wrapped under (the
    /// device's, derived from its signing key). A store from before sealing
    /// is sealed first: every table is written, sealed, into a new file
    /// that then takes the old one's place, so a power cut leaves either
    /// store whole, and the old file's plain pages are not kept in the new
    /// one. A store without a data key yet (its key pair was never made)
    /// gets one.
    pub fn unlock(self, wrap: &WrapKey) -> Result<Store> {
        self.unlock_as(wrap, None)
    }

    /// Makes `own` this device's key pair, the store's data key wrapped
    /// under `wrap` (derived from it), in one transaction: a store without
    /// a key yet (set up before keys existed, or cut short while being set
    /// up) is unlocked by it, sealed first if it is from before sealing.
    /// On an unlocked store it replaces the key (the data key is kept, and
    /// wrapped under the new one).
    pub fn unlock_with_new_key(self, own: &OwnKey, wrap: &WrapKey) -> Result<Store> {
        self.unlock_as(wrap, Some(own))
    }

    fn unlock_as(self, wrap: &WrapKey, own: Option<&OwnKey>) -> Result<Store> {
        if !self.is_locked() {
            if let Some(own) = own {
                self.set_own_key_wrapping(own, wrap)?;
            }
            return Ok(self);
        }
        let found = schema_of(&self.db)?;
        let wrapped: Option<Vec<u8>> = self.meta_bytes("data_key")?;
        let store = match (found, wrapped, own) {
            (found, _, _) if found <= migrate::LAST_PLAIN => migrate::seal_file(self, wrap, own)?,
            // A locked store with a data key has a key that wraps it: a new
            // key replaces it only once the store was opened with it.
            (_, Some(_), Some(_)) => return Err(StoreError::Locked),
            (_, Some(wrapped), None) => {
                let data_key = seal::unwrap(&wrapped, wrap)?;
                let vault = Vault::Sealed(seal::Seal::new(&data_key)?.into());
                Store {
                    unlocked: Some((data_key, vault)),
                    ..self
                }
            }
            // Only a store that never held anything sealed may get a data
            // key now: one whose key went missing would be unreadable.
            (_, None, Some(own)) if self.holds_nothing_sealed()? => {
                let data_key = seal::new_data_key()?;
                let vault = Vault::Sealed(seal::Seal::new(&data_key)?.into());
                let store = Store {
                    unlocked: Some((data_key, vault)),
                    ..self
                };
                store.set_own_key_wrapping(own, wrap)?;
                store
            }
            (_, None, _) => return Err(StoreError::DataKeyMissing),
        };
        make_private(&store.path)?;
        let vault = store.vault()?.clone();
        store.rebuild_if_stale(&vault)?;
        store.start_unsent_count()?;
        Ok(store)
    }

    /// A store of a release before saves were counted: every version this
    /// device made counts as unsent until its next export (the safe side:
    /// it cannot tell which of them a bundle already carried).
    fn start_unsent_count(&self) -> Result<()> {
        if self.meta::<u64>(SAVES_HERE)?.is_some() {
            return Ok(());
        }
        let device = self.device()?.id;
        let made_here = {
            let stored = self.version_bytes()?;
            stored
                .versions()?
                .iter()
                .filter(|v| v.device == device)
                .count() as u64
        };
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert(SAVES_HERE, codec::encode(&made_here).as_slice())?;
            meta.insert(SENT_UPTO, codec::encode(&0u64).as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Whether no table that is sealed holds a row.
    fn holds_nothing_sealed(&self) -> Result<bool> {
        let txn = self.db.begin_read()?;
        Ok(txn.open_table(VERSIONS)?.is_empty()?
            && txn.open_table(LINES)?.is_empty()?
            && txn.open_table(WORK_ITEMS)?.is_empty()?
            && txn.open_table(PEOPLE)?.is_empty()?
            && txn.open_table(DRAFTS)?.is_empty()?
            && txn.open_table(IMPORTS)?.is_empty()?)
    }

    /// Makes `key` this device's key pair, and wraps the store's data key
    /// under `wrap` (derived from it) in the same transaction: the new
    /// key's passphrase opens the store from now on. The store must be
    /// unlocked.
    pub fn set_own_key_wrapping(&self, key: &OwnKey, wrap: &WrapKey) -> Result<()> {
        let (data_key, _) = self.unlocked.as_ref().ok_or(StoreError::Locked)?;
        let wrapped = seal::wrap(data_key, wrap)?;
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert("key", codec::encode(key).as_slice())?;
            meta.insert("data_key", wrapped.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    fn meta_bytes(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(META)?;
        Ok(table.get(key)?.map(|b| b.value().to_vec()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn meta<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>> {
        // The generic part kept to the decoding: one copy of the rest.
        match self.meta_bytes(key)? {
            Some(bytes) => codec::decode(&bytes, key).map(Some),
            None => Ok(None),
        }
    }

    fn set_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        self.put_meta(key, &codec::encode(value))
    }

    fn put_meta(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let txn = self.db.begin_write()?;
        txn.open_table(META)?.insert(key, bytes)?;
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
    /// One that names people ([`seal::PERSONAL_SETTINGS`]) is sealed, and
    /// read only once the store is unlocked.
    pub fn setting<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>> {
        match self.setting_bytes(key)? {
            Some(bytes) => codec::decode(&bytes, key).map(Some),
            None => Ok(None),
        }
    }

    pub fn set_setting<T: Serialize>(&self, key: &'static str, value: &T) -> Result<()> {
        self.put_setting(key, &codec::encode(value))
    }

    /// A setting as stored, opened if it is sealed.
    fn setting_bytes(&self, key: &'static str) -> Result<Option<Vec<u8>>> {
        let stored = self.meta_bytes(key)?;
        match stored {
            Some(stored) if seal::PERSONAL_SETTINGS.contains(&key) => self
                .vault()?
                .open_owned(Sealed::Settings, key, &stored)
                .map(Some),
            other => Ok(other),
        }
    }

    fn put_setting(&self, key: &'static str, plain: &[u8]) -> Result<()> {
        if !seal::PERSONAL_SETTINGS.contains(&key) {
            return self.put_meta(key, plain);
        }
        let mut buf = Vec::new();
        let sealed = self.vault()?.seal(Sealed::Settings, key, plain, &mut buf);
        self.put_meta(key, sealed)
    }

    /// Saves one version in one committed transaction. A draft with an empty
    /// `record` is a new case: its record id is allocated in the same
    /// transaction (`<form code>-<device>-<n>`). Any typing draft of the case
    /// is dropped, since what it held is now saved. The save is counted for
    /// [`Store::unsent`] in the same transaction.
    pub fn save(&self, mut draft: Draft, draft_key: Option<&str>) -> Result<Version> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        if draft.record.is_empty() {
            draft.record = next_record_id(&txn, &draft.form, &draft.device)?;
        }
        let version = draft.seal();
        add_in(&txn, vault, std::slice::from_ref(&version))?;
        {
            let mut meta = txn.open_table(META)?;
            let saved = match meta.get(SAVES_HERE)? {
                Some(b) => codec::decode::<u64>(b.value(), SAVES_HERE)?,
                None => 0,
            };
            meta.insert(SAVES_HERE, codec::encode(&(saved + 1)).as_slice())?;
        }
        if let Some(key) = draft_key {
            txn.open_table(DRAFTS)?.remove(key)?;
        }
        txn.open_table(DRAFTS)?.remove(version.record.as_str())?;
        txn.commit()?;
        Ok(version)
    }

    /// How many versions were saved on this device, ever (a store of an
    /// older release starts from the versions it holds that this device
    /// made: [`Store::start_unsent_count`]).
    pub fn saves_here(&self) -> Result<u64> {
        Ok(self.meta(SAVES_HERE)?.unwrap_or(0))
    }

    /// Marks every save up to `saves` (a [`Store::saves_here`] read before
    /// a bundle was made) as sent.
    pub fn mark_sent(&self, saves: u64) -> Result<()> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let sent = match meta.get(SENT_UPTO)? {
                Some(b) => codec::decode::<u64>(b.value(), SENT_UPTO)?,
                None => 0,
            };
            meta.insert(SENT_UPTO, codec::encode(&sent.max(saves)).as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Saves made on this device since its last bundle was written: what
    /// the end of the day must not forget.
    pub fn unsent(&self) -> Result<u64> {
        let sent: u64 = self.meta(SENT_UPTO)?.unwrap_or(0);
        Ok(self.saves_here()?.saturating_sub(sent))
    }

    /// Adds versions (from a bundle, the demo or a resolution) in one
    /// transaction; already-known ones are skipped and heads recomputed.
    pub fn add_versions(&self, versions: &[Version]) -> Result<AddSummary> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        let summary = add_in(&txn, vault, versions)?;
        txn.commit()?;
        Ok(summary)
    }

    pub fn case(&self, record: &str) -> Result<Option<CaseEntry>> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let table = txn.open_table(LINES)?;
        match table.get(record)? {
            Some(b) => {
                let mut buf = Vec::new();
                let line = vault.open(Sealed::Lines, record, b.value(), &mut buf)?;
                entry_after_line(record, line)
            }
            None => Ok(None),
        }
    }

    /// Every case, in record order.
    pub fn cases(&self) -> Result<Vec<CaseEntry>> {
        let mut out = Vec::new();
        self.each_line(|record, line| {
            out.extend(entry_after_line(record, line)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// How many cases the store holds (not counting work items not begun).
    pub fn case_count(&self) -> Result<u64> {
        // A scan (only the demo's summary counts them), reading each entry
        // as `cases` would.
        let mut n = 0;
        self.each_line(|record, line| {
            n += u64::from(entry_after_line(record, line)?.is_some());
            Ok(())
        })?;
        Ok(n)
    }

    /// Every stored line of the work list, opened, in record order.
    fn each_line(&self, mut take: impl FnMut(&str, &[u8]) -> Result<()>) -> Result<()> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let mut buf = Vec::new();
        for row in txn.open_table(LINES)?.iter()? {
            let (k, v) = row?;
            let record = k.value();
            take(
                record,
                vault.open(Sealed::Lines, record, v.value(), &mut buf)?,
            )?;
        }
        Ok(())
    }

    /// One version of a case.
    pub fn version(&self, record: &str, id: &str) -> Result<Option<Version>> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let table = txn.open_table(VERSIONS)?;
        let mut buf = Vec::new();
        match table.get((record, id))? {
            Some(b) => {
                let bytes = vault.open(Sealed::Versions, (record, id), b.value(), &mut buf)?;
                codec::decode_version(record, id, bytes).map(Some)
            }
            None => Ok(None),
        }
    }

    /// All versions of a case, oldest first.
    pub fn versions_of(&self, record: &str) -> Result<Vec<Version>> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let mut out = versions_in(&txn.open_table(VERSIONS)?, vault, record)?;
        crate::domain::merge::history_order(&mut out);
        Ok(out)
    }

    /// Every version as stored, copied end to end into one buffer to be
    /// read in place ([`VersionBytes::versions`]), in store order (an
    /// export writes them from there).
    pub fn version_bytes(&self) -> Result<VersionBytes> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let table = txn.open_table(VERSIONS)?;
        let mut out = VersionBytes {
            bytes: Vec::new(),
            ends: Vec::with_capacity(3 * table.len()? as usize),
        };
        let mut buf = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            let (record, id) = k.value();
            let value = vault.open(Sealed::Versions, (record, id), v.value(), &mut buf)?;
            for part in [record.as_bytes(), id.as_bytes(), value] {
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
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        put_people_in(&mut txn.open_table(PEOPLE)?, vault, people)?;
        txn.commit()?;
        Ok(())
    }

    /// Writes `people` when `still` holds of the register as it stands, read
    /// inside the same write transaction (one writer at a time): two
    /// imports made from one preview cannot both write. Returns whether it
    /// wrote.
    pub fn put_people_if<'a>(
        &self,
        still: impl FnOnce(&[Person]) -> bool,
        people: impl IntoIterator<Item = &'a Person>,
    ) -> Result<bool> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(PEOPLE)?;
            let now = rows_of(&table, vault, Sealed::People, codec::decode_person)?;
            if !still(&now) {
                return Ok(false);
            }
            put_people_in(&mut table, vault, people)?;
        }
        txn.commit()?;
        Ok(true)
    }

    pub fn people(&self) -> Result<Vec<Person>> {
        self.all(PEOPLE, Sealed::People, codec::decode_person)
    }

    /// Every person of the register, one at a time in key order, so a big
    /// register is never held whole while it is taken in.
    pub fn each_person(&self, take: impl FnMut(Person)) -> Result<()> {
        self.each(PEOPLE, Sealed::People, codec::decode_person, take)
    }

    /// Writes `items` when `still` holds of the work list as it stands, read
    /// inside the same write transaction (see [`Store::put_people_if`]).
    /// Returns whether it wrote.
    pub fn put_work_items_if<'a>(
        &self,
        still: impl FnOnce(&[WorkItem]) -> bool,
        items: impl IntoIterator<Item = &'a WorkItem>,
    ) -> Result<bool> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        {
            let now = rows_of(
                &txn.open_table(WORK_ITEMS)?,
                vault,
                Sealed::WorkItems,
                codec::decode_work_item,
            )?;
            if !still(&now) {
                return Ok(false);
            }
            CaseTables::open(&txn, vault)?.put_items(items)?;
        }
        txn.commit()?;
        Ok(true)
    }

    pub fn put_work_items<'a>(&self, items: impl IntoIterator<Item = &'a WorkItem>) -> Result<()> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        CaseTables::open(&txn, vault)?.put_items(items)?;
        txn.commit()?;
        Ok(())
    }

    /// (The commune) Gives work item `id` to team `team` as of `at`, in one
    /// transaction: its case, if begun, goes with it (the item's team is
    /// its case's), and the team it leaves is noted, so that its work on
    /// the item, begun before it learns of the move, is still taken.
    /// Returns the team it left; `None` when there is no such item.
    pub fn move_item(&self, id: &str, team: u8, at: &str) -> Result<Option<u8>> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        let from = {
            let mut tables = CaseTables::open(&txn, vault)?;
            let Some(mut item) = tables.work_item(id)? else {
                return Ok(None);
            };
            let from = item.team;
            item.team = team;
            tables.put_items([&item])?;
            let mut moves = txn.open_table(MOVES)?;
            let mut noted: Moves = match moves.get(id)? {
                Some(b) => codec::decode(b.value(), "moves")?,
                None => Moves::default(),
            };
            if !noted.from.contains(&from) {
                noted.from.push(from);
            }
            noted.from.retain(|t| *t != team);
            noted.at = at.to_string();
            moves.insert(id, codec::encode(&noted).as_slice())?;
            from
        };
        txn.commit()?;
        Ok(Some(from))
    }

    /// (The commune) The work items moved away from team `team` and not
    /// back, each with the team it is now with: what the team learns in
    /// its next bundle.
    pub fn moved_away_from(&self, team: u8) -> Result<Vec<Moved>> {
        let txn = self.db.begin_read()?;
        let moves = match txn.open_table(MOVES) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for row in moves.iter()? {
            let (id, bytes) = row?;
            let noted: Moves = codec::decode(bytes.value(), "moves")?;
            if !noted.from.contains(&team) {
                continue;
            }
            let id = id.value();
            if let Some(item) = self.work_item(id)?
                && item.team != team
            {
                out.push(Moved {
                    id: id.to_string(),
                    team: item.team,
                    at: noted.at,
                });
            }
        }
        Ok(out)
    }

    /// (A team device) Where the commune moved case `record`, if it moved
    /// it away from this team.
    pub fn gone(&self, record: &str) -> Result<Option<Moved>> {
        let txn = self.db.begin_read()?;
        let gone = match txn.open_table(GONE) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        match gone.get(record)? {
            Some(b) => Ok(Some(codec::decode(b.value(), "moved")?)),
            None => Ok(None),
        }
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
            vault: self.vault()?.clone(),
            txn: self.db.begin_read()?,
        })
    }

    pub fn list_row(&self, record: &str) -> Result<Option<ListRow>> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let table = txn.open_table(LINES)?;
        let Some(v) = table.get(record)? else {
            return Ok(None);
        };
        let mut buf = Vec::new();
        let bytes = vault.open(Sealed::Lines, record, v.value(), &mut buf)?;
        Ok(rows::split(bytes).and_then(|(line, _)| rows::decode(record, line)))
    }

    pub fn work_item(&self, id: &str) -> Result<Option<WorkItem>> {
        self.one(WORK_ITEMS, Sealed::WorkItems, id, codec::decode_work_item)
    }

    pub fn work_items(&self) -> Result<Vec<WorkItem>> {
        self.all(WORK_ITEMS, Sealed::WorkItems, codec::decode_work_item)
    }

    pub fn put_draft(&self, key: &str, draft: &SavedDraft) -> Result<()> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        let plain = codec::encode(draft);
        let mut buf = Vec::new();
        txn.open_table(DRAFTS)?
            .insert(key, vault.seal(Sealed::Drafts, key, &plain, &mut buf))?;
        txn.commit()?;
        Ok(())
    }

    pub fn draft(&self, key: &str) -> Result<Option<SavedDraft>> {
        self.one(DRAFTS, Sealed::Drafts, key, |_, b| {
            codec::decode(b, "draft")
        })
    }

    pub fn drafts(&self) -> Result<Vec<(String, SavedDraft)>> {
        self.all(DRAFTS, Sealed::Drafts, |k, b| {
            Ok((k.to_string(), codec::decode(b, "draft")?))
        })
    }

    pub fn drop_draft(&self, key: &str) -> Result<()> {
        let txn = self.db.begin_write()?;
        txn.open_table(DRAFTS)?.remove(key)?;
        txn.commit()?;
        Ok(())
    }

    pub fn log_import(&self, entry: &ImportEntry) -> Result<()> {
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        log_in(&txn, vault, entry)?;
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
        let vault = self.vault()?;
        let txn = self.db.begin_write().map_err(StoreError::from)?;
        // Taken while this transaction holds the store's only write lock,
        // so it sees exactly what the transaction started from.
        let before = Before::open(self.db.begin_read().map_err(StoreError::from)?, vault)?;
        let (out, forms) = {
            let mut merge = Merge::new(&txn, vault, before)?;
            let out = f(&mut merge)?;
            (out, std::mem::take(&mut merge.forms_taken))
        };
        if commit {
            txn.commit().map_err(StoreError::from)?;
            for spec in forms {
                crate::domain::form::put_in_force(spec);
            }
        } else {
            txn.abort().map_err(StoreError::from)?;
        }
        Ok(out)
    }

    pub fn imports(&self) -> Result<Vec<ImportEntry>> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let table = txn.open_table(IMPORTS)?;
        let mut out = Vec::new();
        let mut buf = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            let bytes = vault.open(Sealed::Imports, k.value(), v.value(), &mut buf)?;
            out.push(codec::decode(bytes, "import")?);
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
        let txn = self.db.begin_read()?;
        let mut out = Vec::new();
        for row in txn.open_table(TRUSTED_KEYS)?.iter()? {
            out.push(codec::decode(row?.1.value(), "trusted key")?);
        }
        Ok(out)
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

    /// The sequence number the next bundle to `receiver` will carry, not
    /// taken: [`Store::take_sequences`] takes it once the bundle is written.
    pub fn peek_sequence(&self, receiver: &str) -> Result<u64> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(SEQUENCES)?;
        Ok(table.get(receiver)?.map(|v| v.value()).unwrap_or(0) + 1)
    }

    /// Keeps each `(receiver, sequence)` as the last sent, all in one
    /// transaction, if each is still the one [`Store::peek_sequence`] gave
    /// (nothing took it since). Returns false, keeping nothing, if one was.
    pub fn take_sequences(&self, taken: &[(&str, u64)]) -> Result<bool> {
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(SEQUENCES)?;
            for &(receiver, sequence) in taken {
                let last = table.get(receiver)?.map(|v| v.value()).unwrap_or(0);
                if last.checked_add(1) != Some(sequence) {
                    return Ok(false);
                }
                table.insert(receiver, sequence)?;
            }
        }
        txn.commit()?;
        Ok(true)
    }

    /// Gives back numbers taken for bundles that could not then be put in
    /// place: each is untaken if it is still the last one sent.
    pub fn give_back_sequences(&self, taken: &[(&str, u64)]) -> Result<()> {
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(SEQUENCES)?;
            for &(receiver, sequence) in taken {
                let last = table.get(receiver)?.map(|v| v.value());
                if last == Some(sequence) {
                    table.insert(receiver, sequence - 1)?;
                }
            }
        }
        txn.commit()?;
        Ok(())
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

    /// One row of a sealed table, opened and decoded.
    fn one<T>(
        &self,
        def: redb::TableDefinition<&str, &[u8]>,
        sealed: Sealed,
        key: &str,
        decode: impl Fn(&str, &[u8]) -> Result<T, StoreError>,
    ) -> Result<Option<T>> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        let table = txn.open_table(def)?;
        let Some(b) = table.get(key)? else {
            return Ok(None);
        };
        let mut buf = Vec::new();
        decode(key, vault.open(sealed, key, b.value(), &mut buf)?).map(Some)
    }

    /// Every row of a sealed table, each opened and decoded from its key
    /// and value.
    fn all<T>(
        &self,
        def: redb::TableDefinition<&str, &[u8]>,
        sealed: Sealed,
        decode: impl Fn(&str, &[u8]) -> Result<T, StoreError>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(def, sealed, decode, |row| out.push(row))?;
        Ok(out)
    }

    /// Every row of a sealed table in key order, opened, decoded and
    /// handed to `take` one at a time.
    fn each<T>(
        &self,
        def: redb::TableDefinition<&str, &[u8]>,
        sealed: Sealed,
        decode: impl Fn(&str, &[u8]) -> Result<T, StoreError>,
        take: impl FnMut(T),
    ) -> Result<()> {
        let vault = self.vault()?;
        let txn = self.db.begin_read()?;
        each_row(&txn.open_table(def)?, vault, sealed, decode, take)
    }
}

/// Writes people into the register's open table, sealed, in key order.
fn put_people_in<'a>(
    table: &mut redb::Table<'_, &'static str, &'static [u8]>,
    vault: &Vault,
    people: impl IntoIterator<Item = &'a Person>,
) -> Result<()> {
    let mut buf = Vec::new();
    for p in in_key_order(people, |p| &p.key) {
        let key = p.key.as_str();
        let plain = codec::encode_person(p);
        table.insert(key, vault.seal(Sealed::People, key, &plain, &mut buf))?;
    }
    Ok(())
}

/// Every row of an open sealed table in key order, opened, decoded and
/// handed to `take`.
fn each_row<T>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    vault: &Vault,
    sealed: Sealed,
    decode: impl Fn(&str, &[u8]) -> Result<T, StoreError>,
    mut take: impl FnMut(T),
) -> Result<()> {
    let mut buf = Vec::new();
    for row in table.iter()? {
        let (k, v) = row?;
        let key = k.value();
        take(decode(key, vault.open(sealed, key, v.value(), &mut buf)?)?);
    }
    Ok(())
}

/// Every row of an open sealed table in key order, decoded.
fn rows_of<T>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    vault: &Vault,
    sealed: Sealed,
    decode: impl Fn(&str, &[u8]) -> Result<T, StoreError>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    each_row(table, vault, sealed, decode, |row| out.push(row))?;
    Ok(out)
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
        let vault = self.vault()?;
        let txn = self.db.begin_write()?;
        let mut buf = Vec::new();
        txn.open_table(LINES)?
            .insert(record, vault.seal(Sealed::Lines, record, bytes, &mut buf))?;
        txn.commit()?;
        Ok(())
    }
}

fn log_in(txn: &WriteTransaction, vault: &Vault, entry: &ImportEntry) -> Result<()> {
    let mut table = txn.open_table(IMPORTS)?;
    let next = table.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
    let plain = codec::encode(entry);
    let mut buf = Vec::new();
    table.insert(next, vault.seal(Sealed::Imports, next, &plain, &mut buf))?;
    if table.len()? > LOG_KEPT as u64 {
        trim_log(&mut table, vault)?;
    }
    Ok(())
}

/// How many entries the imports log keeps: a device that sends a bundle a
/// day for years does not grow it without end. Beyond them, the oldest go,
/// except each device's latest accepted bundle, which tells whether a
/// bundle from it is older than one already taken.
pub const LOG_KEPT: usize = 1000;

fn trim_log(table: &mut redb::Table<u64, &'static [u8]>, vault: &Vault) -> Result<()> {
    let mut latest: HashMap<(String, String), (u64, u64)> = HashMap::new();
    let mut keys = Vec::new();
    let mut buf = Vec::new();
    for row in table.iter()? {
        let (k, v) = row?;
        let n = k.value();
        keys.push(n);
        let e: ImportEntry = codec::decode(
            vault.open(Sealed::Imports, n, v.value(), &mut buf)?,
            "import",
        )?;
        if e.accepted {
            let seen = latest
                .entry((e.sender, e.sender_device))
                .or_insert((n, e.sequence));
            if e.sequence >= seen.1 {
                *seen = (n, e.sequence);
            }
        }
    }
    let keep: std::collections::HashSet<u64> = latest.values().map(|(n, _)| *n).collect();
    for n in &keys[..keys.len() - LOG_KEPT] {
        if !keep.contains(n) {
            table.remove(*n)?;
        }
    }
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

#[cfg(test)]
mod tests;

thread_local! {
    /// Set while [`Store::open_to_look`] opens a store.
    static LOOKING_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The setting holding the forms the commune added.
const FORMS_SETTING: &str = "forms";

/// A form the commune added, from the JSON a store keeps: it was checked
/// when added, and is read as it is (a later release's checks do not lock
/// a store out of its own forms); one that no longer reads is damage.
pub fn read_added_form(json: &str) -> Result<crate::domain::form::FormSpec> {
    crate::domain::form::added::parse(json).map_err(|problems| StoreError::Corrupt {
        what: "form",
        detail: format!("{problems:?}"),
    })
}
