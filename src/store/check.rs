//! The whole check of a store (`tothon check`, and by itself after a
//! store was not closed cleanly): redb's own integrity check of every
//! page, every sealed value opened (its tag is a checksum of its row),
//! every version's content hashed again against its id, and the work
//! list's index rebuilt from the versions and compared with the one kept.
//!
//! Reading a store in daily use checks less, and enough: every value that
//! holds personal data is sealed, so one that was changed in any bit (or
//! moved to another row) does not open, and is reported as damage, never
//! shown, counted or exported as something else.

use std::collections::BTreeMap;

use redb::{ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition};

use super::seal::{PERSONAL_SETTINGS, RowKey, Sealed, Vault};
use super::tables::*;
use super::{Result, Store, StoreError, codec, migrate};

/// What the whole check found.
#[derive(Debug, Default)]
pub struct Checked {
    /// redb found pages that did not match their checksums and took the
    /// file back to its last whole state.
    pub file_repaired: bool,
    /// Values read and found whole.
    pub values: usize,
    /// Case versions among them.
    pub versions: usize,
    /// Rows whose value does not open, does not read, or whose version's
    /// content does not give its id: the first few, each as the part of
    /// the store (as [`StoreError::Corrupt`] names it) and the row's key.
    pub damaged: Vec<(&'static str, String)>,
    /// How many rows in all are damaged.
    pub damaged_count: usize,
    /// Cases and work items whose line in the work list differed from
    /// what their versions and items give; rebuilt when nothing else was
    /// damaged.
    pub index_rebuilt: usize,
}

impl Checked {
    /// Whether every value is whole (a rebuilt index is whole again).
    pub fn is_whole(&self) -> bool {
        self.damaged_count == 0
    }

    fn damage(&mut self, what: &'static str, row: String) {
        self.damaged_count += 1;
        if self.damaged.len() < 10 {
            self.damaged.push((what, row));
        }
    }
}

impl Store {
    /// Whether a whole check is due: the store was not closed cleanly
    /// since the last one passed.
    pub fn check_due(&self) -> bool {
        self.open.due
    }

    /// Checks the whole store (see the module). The store must be
    /// unlocked and no transaction of it open. A file redb cannot read is
    /// `Damaged`; damaged values are listed in [`Checked`], and the
    /// store is left as it is (but for redb's own repair, and a work-list
    /// index rebuilt from whole versions).
    pub fn check(&mut self) -> Result<Checked> {
        let mut checked = Checked::default();
        match crate::crash::quietly(|| self.db.check_integrity()) {
            Some(Ok(whole)) => checked.file_repaired = !whole,
            Some(Err(e)) => return Err(super::damaged(&self.path, e)),
            None => return Err(super::damaged_by_panic(&self.path)),
        }
        let vault = self.vault()?.clone();
        {
            let txn = self.db.begin_read()?;
            open_all(
                &txn,
                VERSIONS,
                Sealed::Versions,
                &vault,
                &mut checked,
                |c, key, plain| {
                    let (record, id) = key;
                    match codec::decode_version(record, id, plain) {
                        Ok(v) if v.record == record && v.id_is_valid() => c.versions += 1,
                        _ => c.damage("version", format!("{record} {id}")),
                    }
                },
            )?;
            for (def, sealed) in [
                (LINES, Sealed::Lines),
                (WORK_ITEMS, Sealed::WorkItems),
                (PEOPLE, Sealed::People),
                (DRAFTS, Sealed::Drafts),
            ] {
                open_all(&txn, def, sealed, &vault, &mut checked, |_, _, _| {})?;
            }
            open_all(
                &txn,
                IMPORTS,
                Sealed::Imports,
                &vault,
                &mut checked,
                |_, _, _| {},
            )?;
            let meta = txn.open_table(META)?;
            let mut buf = Vec::new();
            for key in PERSONAL_SETTINGS {
                if let Some(stored) = meta.get(key)? {
                    match vault.open(Sealed::Settings, key, stored.value(), &mut buf) {
                        Ok(_) => checked.values += 1,
                        Err(_) => checked.damage("setting", key.to_string()),
                    }
                }
            }
        }
        // The index is derived: rebuilt from the versions (in a
        // transaction kept only if it changed anything) and compared.
        if checked.is_whole() {
            let txn = self.db.begin_write()?;
            let kept = lines_in(&txn, &vault)?;
            migrate::rebuild_case_index(&txn, &vault)?;
            let rebuilt = lines_in(&txn, &vault)?;
            checked.index_rebuilt = kept
                .iter()
                .filter(|(record, line)| rebuilt.get(*record) != Some(line))
                .count()
                + rebuilt.keys().filter(|r| !kept.contains_key(*r)).count();
            if checked.index_rebuilt > 0 {
                txn.commit()?;
            } else {
                txn.abort()?;
            }
        }
        if checked.is_whole() {
            self.open.due = false;
        }
        Ok(checked)
    }
}

/// Opens every value of a sealed table, counting it whole or damaged, and
/// hands each whole one to `each`.
fn open_all<K>(
    txn: &ReadTransaction,
    def: TableDefinition<K, &'static [u8]>,
    sealed: Sealed,
    vault: &Vault,
    checked: &mut Checked,
    mut each: impl FnMut(&mut Checked, K::SelfType<'_>, &[u8]),
) -> Result<()>
where
    K: redb::Key + 'static,
    for<'a> K::SelfType<'a>: RowKey + Copy,
{
    let table = txn.open_table(def)?;
    let mut buf = Vec::new();
    for row in table.iter()? {
        let (k, v) = row?;
        let key = k.value();
        match vault.open(sealed, key, v.value(), &mut buf) {
            Ok(plain) => {
                checked.values += 1;
                each(checked, key, plain);
            }
            Err(StoreError::Corrupt { what, detail }) => checked.damage(what, detail),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Every line of the work list, opened.
fn lines_in(txn: &redb::WriteTransaction, vault: &Vault) -> Result<BTreeMap<String, Vec<u8>>> {
    let table = txn.open_table(LINES)?;
    let mut out = BTreeMap::new();
    for row in table.iter()? {
        let (k, v) = row?;
        let record = k.value();
        out.insert(
            record.to_string(),
            vault.open_owned(Sealed::Lines, record, v.value())?,
        );
    }
    Ok(out)
}
