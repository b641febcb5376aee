//! Numbered migrations. Schema 1 kept versions, people, work items, drafts and
//! imports; schema 2 added the `cases` index, derived from the versions so
//! that lists open without reading every version; schema 3 added the trusted
//! keys and the bundle sequence numbers (and the device's own key in `meta`);
//! schema 4 keys versions by case and stores them in a compact binary layout
//! (`versions-2`), which makes merging a large bundle several times faster;
//! schema 5 writes a version's form and fields as numbers. Versions written
//! before stay as they are (both layouts are read), but a tothon that knows
//! only schema 4 cannot read the new ones, so it must refuse the store.
//! Schema 6 rewrote the case index and the list smaller; schema 7 writes
//! people and work items in a compact layout too (JSON before: both are
//! read, and a tothon of schema 6 must refuse what it cannot read).
//! Schema 8 keeps each case's index entry after its line in the work list
//! (`lines-1`), one row for both, instead of in two tables. Schema 9 leaves
//! an entry's title and search key to the line before it, which holds them
//! already (a tothon of schema 8 could not read such an entry).
//! Schema 10 seals every value that holds personal data (`seal.rs`); a
//! store is sealed when it is first unlocked ([`seal_file`]), since the
//! passphrase cannot be asked for while opening.

use std::path::Path;
use std::sync::Arc;

use redb::{ReadTransaction, ReadableTable, TableDefinition, TableHandle, WriteTransaction};

use super::cases::CaseTables;
use super::seal::{self, RowKey, Seal, Sealed, Vault, WrapKey};
use super::tables::*;
use redb::ReadableDatabase;

use super::{OwnKey, Result, Store, codec};
use crate::domain::version::Version;

/// The schema this binary writes.
pub const SCHEMA: u32 = 10;

/// The last schema whose values are plain: a store of this schema or older
/// is migrated to it on open, and sealed when unlocked.
pub const LAST_PLAIN: u32 = 9;

/// Creates every table of the current schema (a new store has them all, so
/// read transactions never meet a missing table).
pub fn create_tables(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(META)?;
    txn.open_table(VERSIONS)?;
    txn.open_table(WORK_ITEMS)?;
    txn.open_table(PEOPLE)?;
    txn.open_table(DRAFTS)?;
    txn.open_table(IMPORTS)?;
    txn.open_table(LINES)?;
    txn.open_table(TRUSTED_KEYS)?;
    txn.open_table(SEQUENCES)?;
    txn.open_table(MOVES)?;
    txn.open_table(GONE)?;
    Ok(())
}

/// Brings a store of schema `from` up to [`SCHEMA`], inside the caller's
/// transaction, so a failed migration leaves the store as it was.
pub fn run(txn: &WriteTransaction, from: u32) -> Result<()> {
    create_tables(txn)?;
    // 1 → 2 built the case index; 2 → 3 added the key tables, which start
    // empty (a store from before keys makes its key pair with `tothon key
    // new`, since a passphrase cannot be asked for while opening). Both are
    // covered by `create_tables` and the index rebuild below.
    if from < 4 {
        versions_by_case(txn)?;
    }
    // 5 → 6: case entries and list lines in a smaller layout (form by
    // number, head ids as bytes, times as numbers, no record in a line),
    // which the rebuild writes.
    // 6 → 7: people and work items are written in a compact layout from
    // now on; those written before stay in JSON, which is still read (the
    // first bundle from the commune then finds every work item changed
    // and writes it again, once).
    // 7 → 8: each case's entry after its line, in `lines-1`; the index and
    // list are derived, so the old tables go and the rebuild writes the
    // new one.
    // 8 → 9: an entry after its line leaves the title and search key to
    // the line; the rebuild writes every entry so.
    for old in [CASES, ROWS] {
        txn.delete_table(old)?;
    }
    rebuild_case_index(txn, &Vault::Plain)
}

/// 3 → 4: every version moves from `versions-1` (by id, JSON) to
/// `versions-2` (by case and id, binary); the old tables go.
fn versions_by_case(txn: &WriteTransaction) -> Result<()> {
    let exists = txn
        .list_tables()?
        .any(|t| t.name() == VERSIONS_BY_ID.name());
    if exists {
        let old = txn.open_table(VERSIONS_BY_ID)?;
        let mut new = txn.open_table(VERSIONS)?;
        for row in old.iter()? {
            let (_, bytes) = row?;
            let v: Version = codec::decode(bytes.value(), "version")?;
            new.insert(
                (v.record.as_str(), v.id.as_str()),
                codec::encode_version(&v).as_slice(),
            )?;
        }
        drop(old);
        txn.delete_table(VERSIONS_BY_ID)?;
    }
    txn.delete_multimap_table(CASE_VERSIONS)?;
    Ok(())
}

/// Whenever the index's shape changes: derive the case index and the work
/// list's lines from the versions and work items.
pub fn rebuild_case_index(txn: &WriteTransaction, vault: &Vault) -> Result<()> {
    // Built from nothing: a line of the old layout (or a damaged one) must
    // not be read as the line of a work item, or as a case's.
    txn.delete_table(LINES)?;
    create_tables(txn)?;
    let records: Vec<String> = {
        let versions = txn.open_table(VERSIONS)?;
        let mut out: Vec<String> = Vec::new();
        for row in versions.iter()? {
            let record = row?.0.value().0.to_string();
            if out.last() != Some(&record) {
                out.push(record);
            }
        }
        out
    };
    let mut tables = CaseTables::open(txn, vault)?;
    for record in records {
        tables.reindex(&record)?;
    }
    // Work items not yet begun have a list row of their own.
    let items: Vec<crate::domain::work::WorkItem> = {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        for row in tables.items.iter()? {
            let (id, bytes) = row?;
            let id = id.value();
            let item = vault.open(Sealed::WorkItems, id, bytes.value(), &mut buf)?;
            out.push(codec::decode_work_item(id, item)?);
        }
        out
    };
    tables.put_items(items.iter())
}

#[cfg(test)]
thread_local! {
    /// Stops [`seal_file`] where a power cut would: the sealed file written,
    /// the old one not yet replaced.
    pub(super) static CUT_SEALING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The file a store is sealed into before it takes the store's place.
fn sealing_file(path: &Path) -> std::path::PathBuf {
    path.with_extension("redb.sealing")
}

/// Schema 9 → 10: seals a plain store with a new data key, wrapped under
/// `wrap`. Every table is written into a new file, the personal ones
/// sealed, in one transaction; only once that file is committed (and so
/// on disk) does it take the old one's place, by a rename. A power cut
/// before the rename leaves the old store as it was (the half-made file
/// is made again next time); after it, the sealed one. Writing a new file
/// rather than sealing in place keeps the old plain values out of the
/// store's free pages.
pub(super) fn seal_file(store: Store, wrap: &WrapKey, own: Option<&OwnKey>) -> Result<Store> {
    let path = store.path.clone();
    let sealing = sealing_file(&path);
    // A sealed file whose rename a power cut undid (Windows) is whole, and
    // holds what was saved since: it takes the old one's place. Anything
    // else left there is a half-made one, made again.
    if own.is_none()
        && let Some(data_key) = sealed_whole(&sealing, wrap)
    {
        let Store {
            db, identity, open, ..
        } = store;
        drop(db);
        std::fs::rename(&sealing, &path)?;
        sync_folder(&path)?;
        let vault = Vault::Sealed(Arc::new(Seal::new(&data_key)?));
        return Ok(Store {
            db: super::builder().open(&path)?,
            open,
            path,
            identity,
            unlocked: Some((data_key, vault)),
        });
    }
    match std::fs::remove_file(&sealing) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    let data_key = seal::new_data_key()?;
    let vault = Vault::Sealed(Arc::new(Seal::new(&data_key)?));
    {
        super::create_private(&sealing)?;
        let new = super::builder().create(&sealing)?;
        let to = new.begin_write()?;
        create_tables(&to)?;
        let from = store.db.begin_read()?;
        // Meta and the trusted keys are copied as they are (the tag is not
        // used by a plain vault).
        seal_table(&from, &to, META, Sealed::Settings, &Vault::Plain)?;
        seal_table(&from, &to, TRUSTED_KEYS, Sealed::Settings, &Vault::Plain)?;
        {
            let mut sequences = to.open_table(SEQUENCES)?;
            for (receiver, n) in store.sequences()? {
                sequences.insert(receiver.as_str(), n)?;
            }
        }
        seal_table(&from, &to, VERSIONS, Sealed::Versions, &vault)?;
        seal_table(&from, &to, LINES, Sealed::Lines, &vault)?;
        seal_table(&from, &to, WORK_ITEMS, Sealed::WorkItems, &vault)?;
        seal_table(&from, &to, PEOPLE, Sealed::People, &vault)?;
        seal_table(&from, &to, DRAFTS, Sealed::Drafts, &vault)?;
        seal_table(&from, &to, IMPORTS, Sealed::Imports, &vault)?;
        {
            let mut meta = to.open_table(META)?;
            let mut buf = Vec::new();
            for key in seal::PERSONAL_SETTINGS {
                let plain = meta.get(key)?.map(|v| v.value().to_vec());
                if let Some(plain) = plain {
                    meta.insert(key, vault.seal(Sealed::Settings, key, &plain, &mut buf))?;
                }
            }
            meta.insert("schema", SCHEMA.to_le_bytes().as_slice())?;
            meta.insert("data_key", seal::wrap(&data_key, wrap)?.as_slice())?;
            // A store without a key gets the one it is sealed under with it.
            if let Some(own) = own {
                meta.insert("key", codec::encode(own).as_slice())?;
            }
        }
        to.commit()?;
    }
    #[cfg(test)]
    if CUT_SEALING.get() {
        return Err(super::StoreError::Db("sealing cut short for a test".into()));
    }
    let Store {
        db, identity, open, ..
    } = store;
    drop(db);
    std::fs::rename(&sealing, &path)?;
    sync_folder(&path)?;
    Ok(Store {
        db: super::builder().open(&path)?,
        open,
        path,
        identity,
        unlocked: Some((data_key, vault)),
    })
}

/// The data key of the sealed store at `sealing`, if it is one whole (its
/// schema and data key are written in the transaction that writes all
/// of it) and `wrap` opens it.
fn sealed_whole(sealing: &Path, wrap: &WrapKey) -> Option<[u8; 32]> {
    let db = redb::ReadOnlyDatabase::open(sealing).ok()?;
    if super::schema_of(&db).ok()? != SCHEMA {
        return None;
    }
    let txn = db.begin_read().ok()?;
    let meta = txn.open_table(META).ok()?;
    let wrapped = meta.get("data_key").ok()??;
    seal::unwrap(wrapped.value(), wrap).ok()
}

/// Makes a rename of the file at `path` durable ([`crate::paths::sync_folder`]
/// on its folder). A rename a power cut rolls back on Windows leaves the old
/// plain store in place and the sealed one beside it, which the next unlock
/// then puts in its place (see [`seal_file`]).
pub(super) fn sync_folder(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        crate::paths::sync_folder(dir)?;
    }
    Ok(())
}

/// Copies a table of plain values, each sealed in its row (as it is, when
/// `vault` is plain).
fn seal_table<K>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    def: TableDefinition<K, &'static [u8]>,
    sealed: Sealed,
    vault: &Vault,
) -> Result<()>
where
    K: redb::Key + 'static,
    for<'a> K::SelfType<'a>: RowKey + Copy,
{
    let source = from.open_table(def)?;
    let mut target = to.open_table(def)?;
    let mut buf = Vec::new();
    for row in source.iter()? {
        let (k, v) = row?;
        let key = k.value();
        target.insert(key, vault.seal(sealed, key, v.value(), &mut buf))?;
    }
    Ok(())
}
