//! Copies of the store: the backups tothon makes by itself and by hand,
//! and the file a restore puts back.
//!
//! A backup is the store's tables copied as they are into a new redb file:
//! sealed values stay sealed under the same data key, which stays wrapped
//! under the device's key, so a backup is protected exactly as the store
//! is (and opened by the same passphrase). It is written from one read
//! transaction, so it holds the store as of one moment, whole; into a
//! `.part` file first, owner-only, committed, then renamed into place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use redb::{ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use super::tables::*;
use super::{Result, Store, StoreError, migrate};

/// The folder, beside the store, that holds its automatic backups.
pub const FOLDER: &str = "backups";

/// How many automatic backups are kept: the oldest go first.
pub const KEEP: usize = 10;

impl Store {
    /// Writes a copy of the store as it is now into a new file at `path`,
    /// which must not exist yet. Nothing is left at `path` (nor beside it)
    /// if the copy fails.
    pub fn copy_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(StoreError::Io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} already exists", path.display()),
            )));
        }
        let part = part_of(path);
        match std::fs::remove_file(&part) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        let written = self.write_copy(&part).and_then(|()| {
            std::fs::rename(&part, path)?;
            migrate::sync_folder(path)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        written
    }

    fn write_copy(&self, part: &Path) -> Result<()> {
        super::create_private(part)?;
        let copy = super::builder().create(part)?;
        let to = copy.begin_write()?;
        let from = self.db.begin_read()?;
        copy_table(&from, &to, META)?;
        copy_table(&from, &to, VERSIONS)?;
        copy_table(&from, &to, LINES)?;
        copy_table(&from, &to, WORK_ITEMS)?;
        copy_table(&from, &to, PEOPLE)?;
        copy_table(&from, &to, DRAFTS)?;
        copy_table(&from, &to, IMPORTS)?;
        copy_table(&from, &to, TRUSTED_KEYS)?;
        copy_table(&from, &to, SEQUENCES)?;
        to.commit()?;
        Ok(())
    }

    /// The store's automatic backups, oldest first.
    pub fn backups(&self) -> Vec<PathBuf> {
        self.path
            .parent()
            .map(|dir| backups_in(&dir.join(FOLDER)))
            .unwrap_or_default()
    }

    /// The folder of this store's automatic backups.
    pub fn backup_folder(&self) -> PathBuf {
        self.path
            .parent()
            .map(|dir| dir.join(FOLDER))
            .unwrap_or_else(|| PathBuf::from(FOLDER))
    }

    /// The bundle sequence numbers of `other` that are higher than this
    /// store's, raised here: a restored store must not number a bundle as
    /// one it already sent.
    pub fn raise_sequences(&self, other: &BTreeMap<String, u64>) -> Result<()> {
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(SEQUENCES)?;
            for (receiver, n) in other {
                let held = table.get(receiver.as_str())?.map(|v| v.value());
                if held.is_none_or(|held| held < *n) {
                    table.insert(receiver.as_str(), n)?;
                }
            }
        }
        txn.commit()?;
        Ok(())
    }
}

/// The automatic backups in `folder`, oldest first (their names sort by
/// the time they were made).
pub fn backups_in(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("tothon-") && n.ends_with(".redb"))
        })
        .collect();
    crate::sort::sort(&mut found);
    found
}

/// The name of an automatic backup made at `stamp` (`YYYYMMDD-HHMMSS`).
pub fn backup_name(stamp: &str) -> String {
    format!("tothon-{stamp}.redb")
}

/// Removes the oldest automatic backups in `folder` beyond [`KEEP`].
pub fn rotate(folder: &Path) -> Result<()> {
    let found = backups_in(folder);
    for old in found.iter().take(found.len().saturating_sub(KEEP)) {
        std::fs::remove_file(old)?;
    }
    Ok(())
}

/// Where a file is written before it takes `path`'s place.
fn part_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

/// Copies one table's rows as they are.
fn copy_table<K, V>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<()>
where
    K: redb::Key + 'static,
    V: redb::Value + 'static,
{
    let source = match from.open_table(def) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut target = to.open_table(def)?;
    for row in source.iter()? {
        let (k, v) = row?;
        target.insert(k.value(), v.value())?;
    }
    Ok(())
}

/// Whether another tothon has the store file at `path` open (found
/// without writing to it).
pub fn is_open_elsewhere(path: &Path) -> bool {
    matches!(
        crate::crash::quietly(|| redb::ReadOnlyDatabase::open(path)),
        Some(Err(redb::DatabaseError::DatabaseAlreadyOpen))
    )
}

/// The device of the store file at `path`, read without writing to it.
pub fn device_of(path: &Path) -> Option<crate::domain::commune::Device> {
    let db = crate::crash::quietly(|| redb::ReadOnlyDatabase::open(path))?.ok()?;
    let txn = db.begin_read().ok()?;
    let meta = txn.open_table(META).ok()?;
    let bytes = meta.get("device").ok()??;
    super::codec::decode(bytes.value(), "device").ok()
}

/// The bundle sequence numbers of the store file at `path`, read without
/// writing to it (a store too damaged to open may still give them).
pub fn sequences_of(path: &Path) -> Option<BTreeMap<String, u64>> {
    let db = crate::crash::quietly(|| redb::ReadOnlyDatabase::open(path))?.ok()?;
    let txn = db.begin_read().ok()?;
    let table = txn.open_table(SEQUENCES).ok()?;
    let mut out = BTreeMap::new();
    for row in table.iter().ok()? {
        let (k, v) = row.ok()?;
        out.insert(k.value().to_string(), v.value());
    }
    Some(out)
}
