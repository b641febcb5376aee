//! The tables a change to cases writes together: the versions, the work
//! items and the work list's lines, each case's index entry kept after its
//! line. Used by the facade's saves, by a bundle merge and by migrations,
//! inside the caller's write transaction; nothing here commits one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use redb::{ReadableTable, WriteTransaction};

use super::merge::Prepared;
use super::records::AddSummary;
use super::seal::{Sealed, Vault};
use super::tables::*;
use super::{Result, StoreError, codec, rows};
use crate::domain::case::CaseEntry;
use crate::domain::listing::{ListRow, iso_day};
use crate::domain::version::Version;
use crate::domain::work::WorkItem;

/// The tables a change to cases writes, open for one write transaction.
pub(super) struct CaseTables<'t> {
    pub(super) versions: redb::Table<'t, (&'static str, &'static str), &'static [u8]>,
    pub(super) items: redb::Table<'t, &'static str, &'static [u8]>,
    pub(super) lines: redb::Table<'t, &'static str, &'static [u8]>,
    /// Cases moved away from this team device (see [`GONE`]).
    pub(super) gone: redb::Table<'t, &'static str, &'static [u8]>,
    pub(super) vault: Vault,
    /// A line and entry put together before they are written.
    joined: Vec<u8>,
    /// A value sealed before it is written, or opened after it is read.
    sealed: Vec<u8>,
}

impl<'t> CaseTables<'t> {
    pub(super) fn open(txn: &'t WriteTransaction, vault: &Vault) -> Result<Self> {
        Ok(CaseTables {
            versions: txn.open_table(VERSIONS)?,
            items: txn.open_table(WORK_ITEMS)?,
            lines: txn.open_table(LINES)?,
            gone: txn.open_table(GONE)?,
            vault: vault.clone(),
            joined: Vec::new(),
            sealed: Vec::new(),
        })
    }

    /// The team and conflict flag of the case's line in the work list (a
    /// case, or a work item not begun).
    fn team_and_conflict(&mut self, record: &str) -> Result<Option<(u8, bool)>> {
        let Some(v) = self.lines.get(record)? else {
            return Ok(None);
        };
        let line = self
            .vault
            .open(Sealed::Lines, record, v.value(), &mut self.sealed)?;
        Ok(rows::team_and_conflict(line))
    }

    /// Writes a version, sealed.
    fn put_version(&mut self, record: &str, id: &str, plain: &[u8]) -> Result<()> {
        let key = (record, id);
        let value = self
            .vault
            .seal(Sealed::Versions, key, plain, &mut self.sealed);
        self.versions.insert(key, value)?;
        Ok(())
    }

    /// Writes the line (and entry) in `joined`, sealed.
    fn put_joined(&mut self, record: &str) -> Result<()> {
        let value = self
            .vault
            .seal(Sealed::Lines, record, &self.joined, &mut self.sealed);
        self.lines.insert(record, value)?;
        Ok(())
    }

    /// Adds versions of one case that this store does not hold yet and
    /// recomputes the case's index entry and list line. The case's stored
    /// versions are read once, before the new ones are written.
    pub(super) fn add_case(&mut self, record: &str, new: &[&Version]) -> Result<AddSummary> {
        let mut summary = AddSummary::default();
        if new.is_empty() {
            return Ok(summary);
        }
        let existing = versions_in(&self.versions, &self.vault, record)?;
        let all: Vec<&Version> = existing.iter().chain(new.iter().copied()).collect();
        let item = item_facts(&self.items, &self.vault, record)?;
        if let Some(entry) = CaseEntry::of_item(&all, item.map(|(team, _)| team)) {
            let was_conflict =
                !existing.is_empty() && self.team_and_conflict(record)?.is_some_and(|(_, c)| c);
            if entry.in_conflict() && !was_conflict {
                summary.new_conflicts += 1;
            }
            self.put_case(&entry, item.and_then(|(_, due)| due))?;
        }
        for v in new {
            self.put_version(record, v.id.as_str(), &codec::encode_version(v))?;
            summary.new += 1;
        }
        Ok(summary)
    }

    /// Writes a case the store held no version of, made ahead by
    /// [`prepare`](super::prepare) (and sealed there, with this store's
    /// vault); `due` is its work item's due date.
    pub(super) fn add_prepared(
        &mut self,
        prepared: &Prepared,
        due: Option<NaiveDate>,
    ) -> Result<AddSummary> {
        let record = prepared.record.as_str();
        match due {
            // The line as it was sealed ahead.
            None => {
                self.lines.insert(record, prepared.sealed_line())?;
            }
            Some(_) => self.put_entry(record, prepared.entry(), prepared.row(), due)?,
        }
        for (id, sealed) in prepared.versions() {
            self.versions.insert((record, id), sealed)?;
        }
        Ok(AddSummary {
            new: prepared.ends.len(),
            known: 0,
            new_conflicts: usize::from(prepared.conflict),
        })
    }

    /// Writes a case's index entry and list line (`due`: its work item's
    /// due date). A case moved away from this team device has neither.
    fn put_case(&mut self, entry: &CaseEntry, due: Option<NaiveDate>) -> Result<()> {
        if self.gone.get(entry.record.as_str())?.is_some() {
            self.lines.remove(entry.record.as_str())?;
            return Ok(());
        }
        let line = ListRow::from_case(entry, None);
        let mut bytes = Vec::new();
        codec::encode_case_after_line(entry, &line, &mut bytes);
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
        self.put_joined(record)
    }

    /// A work item, read in this transaction.
    pub(super) fn work_item(&mut self, id: &str) -> Result<Option<WorkItem>> {
        let Some(b) = self.items.get(id)? else {
            return Ok(None);
        };
        let plain = self
            .vault
            .open(Sealed::WorkItems, id, b.value(), &mut self.sealed)?;
        Ok(Some(codec::decode_work_item(id, plain)?))
    }

    /// Writes work items and their list lines (a begun case keeps its own
    /// line, with the item's due date).
    pub(super) fn put_items<'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a WorkItem>,
    ) -> Result<()> {
        for w in in_key_order(items, |w| &w.id) {
            let id = w.id.as_str();
            let plain = codec::encode_work_item(w);
            let value = self
                .vault
                .seal(Sealed::WorkItems, id, &plain, &mut self.sealed);
            self.items.insert(id, value)?;
            self.joined.clear();
            // A begun case is indexed again from its versions: the item's
            // team is its case's, and its due date its line's (one with
            // versions and no line is one that comes back to this team).
            if self.versions.range(case_range(id))?.next().is_some() {
                self.reindex(id)?;
                continue;
            }
            rows::encode_into(&ListRow::from_item(w), &mut self.joined);
            self.put_joined(id)?;
        }
        Ok(())
    }

    /// Recomputes one case's index entry from its stored versions.
    pub(super) fn reindex(&mut self, record: &str) -> Result<()> {
        let versions = versions_in(&self.versions, &self.vault, record)?;
        let refs: Vec<&Version> = versions.iter().collect();
        let item = item_facts(&self.items, &self.vault, record)?;
        match CaseEntry::of_item(&refs, item.map(|(team, _)| team)) {
            Some(entry) => self.put_case(&entry, item.and_then(|(_, due)| due)),
            None => Ok(()),
        }
    }
}

/// A stored line and what follows it (a case's index entry, or nothing
/// for a work item not begun).
pub(super) fn split_line<'a>(record: &str, bytes: &'a [u8]) -> Result<(&'a [u8], &'a [u8])> {
    rows::split(bytes).ok_or_else(|| corrupt_line(record))
}

pub(super) fn corrupt_line(record: &str) -> StoreError {
    StoreError::Corrupt {
        what: "list row",
        detail: record.to_string(),
    }
}

/// The index entry stored after a line, if the line is a case's.
pub(super) fn entry_after_line(record: &str, bytes: &[u8]) -> Result<Option<CaseEntry>> {
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
pub(super) fn in_key_order<'a, T>(
    rows: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&T) -> &str,
) -> Vec<&'a T> {
    let mut rows: Vec<&T> = rows.into_iter().collect();
    crate::sort::sort_by(&mut rows, |a, b| key(a).cmp(key(b)));
    rows
}

/// The due date of a case's work item, if it has one.
pub(super) fn item_due(
    items: &impl ReadableTable<&'static str, &'static [u8]>,
    vault: &Vault,
    record: &str,
) -> Result<Option<NaiveDate>> {
    Ok(item_facts(items, vault, record)?.and_then(|(_, due)| due))
}

/// The team and due date of a case's work item, if it is one's.
fn item_facts(
    items: &impl ReadableTable<&'static str, &'static [u8]>,
    vault: &Vault,
    record: &str,
) -> Result<Option<(u8, Option<NaiveDate>)>> {
    Ok(match items.get(record)? {
        Some(b) => {
            let mut buf = Vec::new();
            let item = vault.open(Sealed::WorkItems, record, b.value(), &mut buf)?;
            let (team, due) = codec::work_item_team_and_due(item)?;
            Some((team, due.as_deref().and_then(iso_day)))
        }
        None => None,
    })
}

/// The ids of the versions of `record`, into `out` (cleared first).
pub(super) fn version_ids(
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

/// The keys of every version of `record` (ids are lowercase hex, all
/// before `~`).
fn case_range(record: &str) -> std::ops::Range<(&str, &str)> {
    (record, "")..(record, "~")
}

pub(super) fn versions_in(
    versions: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    vault: &Vault,
    record: &str,
) -> Result<Vec<Version>> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for row in versions.range(case_range(record))? {
        let (k, v) = row?;
        let id = k.value().1;
        let bytes = vault.open(Sealed::Versions, (record, id), v.value(), &mut buf)?;
        out.push(codec::decode_version(record, id, bytes)?);
    }
    Ok(out)
}

/// Adds versions inside a write transaction, case by case, skipping those
/// already held, and recomputes the index entry of every case they touch.
pub(super) fn add_in<'a>(
    txn: &WriteTransaction,
    vault: &Vault,
    batch: impl IntoIterator<Item = &'a Version>,
) -> Result<AddSummary> {
    let mut by_record: BTreeMap<&str, Vec<&Version>> = BTreeMap::new();
    for v in batch {
        by_record.entry(v.record.as_str()).or_default().push(v);
    }
    let mut tables = CaseTables::open(txn, vault)?;
    let mut summary = AddSummary::default();
    let mut held = Vec::new();
    for (record, mut batch) in by_record {
        version_ids(&tables.versions, record, &mut held)?;
        let before = batch.len();
        crate::sort::sort_by(&mut batch, |a, b| a.id.cmp(&b.id));
        batch.dedup_by(|a, b| a.id == b.id);
        batch.retain(|v| !held.contains(&v.id));
        summary.known += before - batch.len();
        summary += tables.add_case(record, &batch)?;
    }
    Ok(summary)
}
