//! Numbered migrations. Schema 1 kept versions, people, work items, drafts and
//! imports; schema 2 added the `cases` index, derived from the versions so
//! that lists open without reading every version; schema 3 added the trusted
//! keys and the bundle sequence numbers (and the device's own key in `meta`).

use redb::{ReadableMultimapTable, ReadableTable, WriteTransaction};

use super::tables::*;
use super::{Result, reindex};

/// The schema this binary writes.
pub const SCHEMA: u32 = 3;

/// Creates every table of the current schema (a new store has them all, so
/// read transactions never meet a missing table).
pub fn create_tables(txn: &WriteTransaction) -> Result<()> {
    txn.open_table(META)?;
    txn.open_table(VERSIONS)?;
    txn.open_multimap_table(CASE_VERSIONS)?;
    txn.open_table(CASES)?;
    txn.open_table(WORK_ITEMS)?;
    txn.open_table(PEOPLE)?;
    txn.open_table(DRAFTS)?;
    txn.open_table(IMPORTS)?;
    txn.open_table(ROWS)?;
    txn.open_table(TRUSTED_KEYS)?;
    txn.open_table(SEQUENCES)?;
    Ok(())
}

/// Brings a store of schema `from` up to [`SCHEMA`], inside the caller's
/// transaction, so a failed migration leaves the store as it was.
pub fn run(txn: &WriteTransaction, from: u32) -> Result<()> {
    create_tables(txn)?;
    for step in from..SCHEMA {
        // Each arm takes a store from schema `step` to `step + 1`.
        match step {
            1 => rebuild_case_index(txn)?,
            // 2 → 3: the trusted keys and sequence numbers start empty (made
            // by `create_tables` above). A store from before keys has no key
            // pair of its own: `tothon key new` makes one, since a passphrase
            // cannot be asked for in the middle of opening the store.
            2 => {}
            _ => {}
        }
    }
    Ok(())
}

/// 1 → 2, and whenever the index's shape changes: derive the case index
/// from the versions.
pub fn rebuild_case_index(txn: &WriteTransaction) -> Result<()> {
    create_tables(txn)?;
    let records: Vec<String> = {
        let case_versions = txn.open_multimap_table(CASE_VERSIONS)?;
        let mut out = Vec::new();
        for row in case_versions.iter()? {
            out.push(row?.0.value().to_string());
        }
        out
    };
    for record in records {
        reindex(txn, &record)?;
    }
    // Work items not yet begun have a list row of their own.
    let items: Vec<crate::domain::work::WorkItem> = {
        let table = txn.open_table(WORK_ITEMS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            out.push(super::codec::decode(row?.1.value(), "work item")?);
        }
        out
    };
    super::put_items_in(txn, items.iter())?;
    Ok(())
}
