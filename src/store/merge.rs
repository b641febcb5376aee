//! A bundle merged into the store: one write transaction ([`Merge`]), what
//! the store held as it began ([`Before`], read on other threads), what it
//! holds of one case ([`Held`]), and a new case's writes made ahead
//! ([`prepare`]). Deciding what to merge is the caller's; nothing here
//! commits.

use std::sync::Arc;

use chrono::NaiveDate;
use redb::{ReadableTable, WriteTransaction};

use super::cases::{CaseTables, item_due, version_ids};
use super::records::{AddSummary, ImportEntry, TrustedKey};
use super::seal::{Sealed, Vault};
use super::tables::*;
use super::{Result, codec, log_in, rows};
use crate::domain::case::CaseEntry;
use crate::domain::commune::{Commune, Village};
use crate::domain::listing::ListRow;
use crate::domain::version::Version;
use crate::domain::work::{Moved, Moves, Person, WorkItem};

/// A new case's writes, made ahead and away from the transaction (a bundle
/// merge makes them on another thread, which so also does their sealing):
/// the index entry and list line of its versions alone, and every version
/// encoded and sealed.
pub struct Prepared {
    pub(super) record: String,
    /// The team its versions give the case (its newest head's).
    team: u8,
    /// Whether its heads are of more than one team (a work item's case
    /// then depends on the item's team: see `CaseEntry::of_item`).
    mixed: bool,
    pub(super) conflict: bool,
    /// The index entry, the list line (as it is without a work item), then
    /// each version encoded and sealed, end to end.
    bytes: Vec<u8>,
    /// The list line then the entry, sealed: what is stored when the case
    /// has no work item's due date to take.
    sealed_line: Vec<u8>,
    entry_end: usize,
    row_end: usize,
    /// The versions' ids, end to end.
    ids: String,
    /// Where each version's id ends in `ids` and its encoding in `bytes`.
    pub(super) ends: Vec<(usize, usize)>,
}

impl Prepared {
    pub(super) fn entry(&self) -> &[u8] {
        &self.bytes[..self.entry_end]
    }

    pub(super) fn row(&self) -> &[u8] {
        &self.bytes[self.entry_end..self.row_end]
    }

    pub(super) fn sealed_line(&self) -> &[u8] {
        &self.sealed_line
    }

    /// Each version's id and sealed encoding.
    pub(super) fn versions(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let starts = std::iter::once((0, self.row_end)).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|((id, at), &(id_end, end))| (&self.ids[id..id_end], &self.bytes[at..end]))
    }
}

/// Memory [`prepare`] reuses from one case to the next, and the vault its
/// writes are sealed with (the store's: see [`Before::scratch`]).
pub struct Scratch {
    entry: CaseEntry,
    row: ListRow,
    vault: Vault,
    /// A version encoded, before it is sealed.
    plain: Vec<u8>,
    /// Writes already made, given back to be made again in their memory.
    spare: Vec<Prepared>,
}

impl Scratch {
    pub(super) fn new(vault: &Vault) -> Scratch {
        Scratch {
            entry: CaseEntry::blank(),
            row: ListRow::blank(),
            vault: vault.clone(),
            plain: Vec::new(),
            spare: Vec::new(),
        }
    }

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
    let Scratch {
        entry,
        row,
        vault,
        plain,
        spare,
    } = scratch;
    if !entry.fill(versions) {
        return None;
    }
    row.fill_from_case(entry, None);
    let mut p = spare.pop().unwrap_or_else(|| Prepared {
        record: String::new(),
        team: 0,
        mixed: false,
        conflict: false,
        bytes: Vec::with_capacity(512 + 256 * versions.len()),
        sealed_line: Vec::new(),
        entry_end: 0,
        row_end: 0,
        ids: String::new(),
        ends: Vec::new(),
    });
    p.record.clone_from(&entry.record);
    p.team = entry.team;
    // (Nearly always one team's versions, and so not: heads are sought only
    // when they are not.)
    p.mixed = versions.iter().any(|v| v.team != entry.team)
        && crate::domain::merge::heads(versions)
            .iter()
            .any(|h| h.team != entry.team);
    p.conflict = entry.in_conflict();
    p.bytes.clear();
    codec::encode_case_after_line(entry, row, &mut p.bytes);
    p.entry_end = p.bytes.len();
    rows::encode_into(row, &mut p.bytes);
    p.row_end = p.bytes.len();
    // Line then entry, as the list stores them, sealed.
    plain.clear();
    plain.extend_from_slice(&p.bytes[p.entry_end..p.row_end]);
    plain.extend_from_slice(&p.bytes[..p.entry_end]);
    let record = p.record.as_str();
    p.sealed_line.clear();
    vault.seal_append(Sealed::Lines, record, plain, &mut p.sealed_line);
    p.ids.clear();
    p.ends.clear();
    for v in versions {
        p.ids.push_str(&v.id);
        plain.clear();
        codec::encode_version_into(v, plain);
        vault.seal_append(
            Sealed::Versions,
            (record, v.id.as_str()),
            plain,
            &mut p.bytes,
        );
        p.ends.push((p.ids.len(), p.bytes.len()));
    }
    Some(p)
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

/// The tables [`held_in`] reads, and how their values open.
struct Reading<'a, V, L, I> {
    versions: &'a V,
    lines: &'a L,
    items: &'a I,
    vault: &'a Vault,
}

fn held_in<V, L, I>(
    t: Reading<'_, V, L, I>,
    record: &str,
    any_new: impl FnOnce(&[String]) -> bool,
    out: &mut Held,
) -> Result<()>
where
    V: ReadableTable<(&'static str, &'static str), &'static [u8]>,
    L: ReadableTable<&'static str, &'static [u8]>,
    I: ReadableTable<&'static str, &'static [u8]>,
{
    out.record.clear();
    out.record.push_str(record);
    version_ids(t.versions, record, &mut out.ids)?;
    // A case whose coming versions are all held needs nothing more.
    if !any_new(&out.ids) {
        out.team = None;
        out.due = None;
        return Ok(());
    }
    let stored = t.lines.get(record)?;
    let mut buf = Vec::new();
    let line = match &stored {
        Some(v) => Some(t.vault.open(Sealed::Lines, record, v.value(), &mut buf)?),
        None => None,
    };
    out.team = line.and_then(rows::team_and_conflict).map(|(team, _)| team);
    out.due = match (out.ids.is_empty(), line.and_then(rows::due)) {
        (false, _) => None,
        // A case without versions has the line of its work item, which
        // carries the item's due date: no need to read the item.
        (true, Some(due)) => due,
        (true, None) => item_due(t.items, t.vault, record)?,
    };
    Ok(())
}

/// The store as a merge's transaction began, read on other threads while
/// the transaction writes: a bundle merge looks up what the store holds of
/// each case on its judging thread.
pub struct Before {
    versions: redb::ReadOnlyTable<(&'static str, &'static str), &'static [u8]>,
    lines: redb::ReadOnlyTable<&'static str, &'static [u8]>,
    items: redb::ReadOnlyTable<&'static str, &'static [u8]>,
    vault: Vault,
}

impl Before {
    pub(super) fn open(txn: redb::ReadTransaction, vault: &Vault) -> Result<Before> {
        Ok(Before {
            versions: txn.open_table(VERSIONS)?,
            lines: txn.open_table(LINES)?,
            items: txn.open_table(WORK_ITEMS)?,
            vault: vault.clone(),
        })
    }

    /// Memory to [`prepare`] cases in, for this store: their writes are
    /// sealed with its vault.
    pub fn scratch(&self) -> Scratch {
        Scratch::new(&self.vault)
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
        let reading = Reading {
            versions: &self.versions,
            lines: &self.lines,
            items: &self.items,
            vault: &self.vault,
        };
        held_in(reading, record, any_new, out)
    }
}

/// A bundle merge in progress: one write transaction, committed or
/// abandoned by [`Store::merge`](super::Store::merge) as a whole.
pub struct Merge<'t> {
    txn: &'t WriteTransaction,
    tables: CaseTables<'t>,
    /// The store as the transaction began.
    before: Arc<Before>,
    /// The records this transaction has written cases of, as ranges: a
    /// bundle's files each hold their cases in record order, so each file
    /// makes one. `before` no longer tells what the store holds of these.
    written: Vec<(String, String)>,
    /// Whether `before` still tells what the store holds of any case
    /// outside `written` (false once work items were written).
    before_holds: bool,
    /// Forms taken in (`put_forms`): put in force once the transaction
    /// commits, not before (a check that writes nothing takes none).
    pub(super) forms_taken: Vec<crate::domain::form::FormSpec>,
}

impl<'t> Merge<'t> {
    /// A merge in `txn`, which began when `before` was read.
    pub(super) fn new(
        txn: &'t WriteTransaction,
        vault: &Vault,
        before: Before,
    ) -> Result<Merge<'t>> {
        Ok(Merge {
            tables: CaseTables::open(txn, vault)?,
            txn,
            before: Arc::new(before),
            written: Vec::new(),
            forms_taken: Vec::new(),
            before_holds: true,
        })
    }

    /// The store as this merge's transaction began, to look up cases in
    /// ahead of the merge, on other threads ([`Before::look`]).
    pub fn before(&self) -> Arc<Before> {
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
        let reading = Reading {
            versions: &t.versions,
            lines: &t.lines,
            items: &t.items,
            vault: &t.vault,
        };
        held_in(reading, record, any_new, held)?;
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
            // Made from the versions alone: not for a work item of another
            // team than theirs (one the commune moved), whose entry names
            // the item's team.
            Some(p)
                if current
                    && held.ids.is_empty()
                    && p.ends.len() == new.len()
                    && p.record == record
                    && held.team.is_none_or(|t| t == p.team && !p.mixed) =>
            {
                self.tables.add_prepared(p, held.due)
            }
            _ => self.tables.add_case(record, new),
        }
    }

    /// Writes the work items that differ from the stored ones (a bundle
    /// from the commune repeats all of them every time). An item of a case
    /// this team device had seen moved away comes back with its case when
    /// `revive` (the bundle is the newest from the commune); from an older
    /// bundle it is left out.
    pub fn put_work_items(&mut self, items: &[WorkItem], revive: bool) -> Result<()> {
        let mut changed = Vec::new();
        let mut buf = Vec::new();
        for w in items {
            let id = w.id.as_str();
            if self.tables.gone.get(id)?.is_some() {
                if revive {
                    self.tables.gone.remove(id)?;
                    changed.push(w);
                }
                continue;
            }
            let same = match self.tables.items.get(id)? {
                Some(b) => {
                    let stored =
                        self.tables
                            .vault
                            .open(Sealed::WorkItems, id, b.value(), &mut buf)?;
                    stored == codec::encode_work_item(w).as_slice()
                }
                None => false,
            };
            if !same {
                changed.push(w);
            }
        }
        if !changed.is_empty() {
            self.before_holds = false;
        }
        self.tables.put_items(changed)
    }

    /// Whether the commune moved work item `record` away from `team` (so
    /// that team's work on it, begun before it learnt of the move, is
    /// still taken).
    pub fn moved_from(&self, record: &str, team: u8) -> Result<bool> {
        let moves = self.txn.open_table(MOVES)?;
        Ok(match moves.get(record)? {
            Some(b) => codec::decode::<Moves>(b.value(), "moves")?
                .from
                .contains(&team),
            None => false,
        })
    }

    /// (A team device) Takes the moves the commune's bundle lists: each
    /// item moved to another team that this device holds (as an item, or
    /// as a case it worked) leaves the list and takes no new version; its
    /// versions stay, and still travel to the commune. Returns the moves
    /// that changed something here.
    pub fn put_moved(&mut self, moved: &[Moved], team: u8) -> Result<Vec<Moved>> {
        let mut taken = Vec::new();
        for m in moved {
            let id = m.id.as_str();
            if m.team == team {
                continue;
            }
            // Moved on again (3 → 4 → 5): where it is now.
            if self.tables.gone.get(id)?.is_some() {
                self.tables.gone.insert(id, codec::encode(m).as_slice())?;
                continue;
            }
            let item = self.tables.items.remove(id)?.is_some();
            let worked = self
                .tables
                .versions
                .range((id, "")..(id, "~"))?
                .next()
                .is_some();
            if !item && !worked {
                continue;
            }
            self.tables.gone.insert(id, codec::encode(m).as_slice())?;
            self.tables.lines.remove(id)?;
            taken.push(m.clone());
        }
        if !taken.is_empty() {
            self.before_holds = false;
        }
        Ok(taken)
    }

    /// Takes the commune's name and villages as its bundle gives them
    /// (villages: `None` from a bundle written before they travelled): a
    /// team device spells the commune and names its villages as the office
    /// does (a rename at the office reaches every device with its next
    /// bundle; a team set up as "Xa Tan Phong" takes "Xã Tân Phong").
    /// Numbers are ids, so nothing else moves.
    pub fn put_commune(&mut self, name: &str, villages: Option<Vec<Village>>) -> Result<()> {
        let mut meta = self.txn.open_table(META)?;
        let mut commune: Commune = match meta.get("commune")? {
            Some(b) => codec::decode(b.value(), "commune")?,
            None => {
                return Err(super::StoreError::Corrupt {
                    what: "commune",
                    detail: "missing".into(),
                });
            }
        };
        let name = crate::domain::text::clean(name);
        let villages = villages.unwrap_or_else(|| commune.villages.clone());
        if commune.villages != villages || commune.name != name {
            commune.villages = villages;
            commune.name = name;
            meta.insert("commune", codec::encode(&commune).as_slice())?;
        }
        Ok(())
    }

    /// Takes the forms the commune's bundle brings that this device lacks
    /// (each as its spec's JSON), in the bundle's order; they are put in
    /// force once the import commits (its rows were read with them, known).
    pub fn put_forms(&mut self, forms: &[String]) -> Result<()> {
        if forms.is_empty() {
            return Ok(());
        }
        let mut meta = self.txn.open_table(META)?;
        let mut held: Vec<String> = match meta.get("forms")? {
            Some(b) => codec::decode(b.value(), "forms")?,
            None => Vec::new(),
        };
        let known: Vec<(String, u32)> = held
            .iter()
            .map(|json| super::read_added_form(json).map(|f| (f.id, f.version)))
            .collect::<Result<_>>()?;
        let before = held.len();
        let mut taken = Vec::new();
        for json in forms {
            let spec = super::read_added_form(json)?;
            if !known.contains(&(spec.id.clone(), spec.version)) {
                held.push(json.clone());
                taken.push(spec);
            }
        }
        if held.len() > before {
            meta.insert("forms", codec::encode(&held).as_slice())?;
        }
        self.forms_taken.extend(taken);
        Ok(())
    }

    /// Takes the team's part of the register as the commune's bundle lists
    /// it, in place of what the device held: someone who moved to another
    /// village leaves this one's list with the next bundle.
    pub fn put_register(&mut self, people: &[Person]) -> Result<()> {
        let mut table = self.txn.open_table(PEOPLE)?;
        table.retain(|_, _| false)?;
        super::put_people_in(&mut table, &self.tables.vault, people)
    }

    /// Ties a signing key to the device its first bundle named.
    pub fn bind_device(&mut self, key_id: &str, device: &str) -> Result<()> {
        self.update_key(key_id, |key| {
            let unbound = key.device.is_none();
            if unbound {
                key.device = Some(device.to_string());
            }
            unbound
        })
    }

    /// Records the age key a trusted key's encrypted bundle named (signed
    /// with it), so bundles can be encrypted to its device from now on.
    pub fn learn_age(&mut self, key_id: &str, age: &str) -> Result<()> {
        self.update_key(key_id, |key| {
            let new = key.age.as_deref() != Some(age);
            if new {
                key.age = Some(age.to_string());
            }
            new
        })
    }

    /// Changes a trusted key with `change`, which says whether it changed
    /// anything (only then is the key written).
    fn update_key(
        &mut self,
        key_id: &str,
        change: impl FnOnce(&mut TrustedKey) -> bool,
    ) -> Result<()> {
        let mut keys = self.txn.open_table(TRUSTED_KEYS)?;
        let key = match keys.get(key_id)? {
            Some(b) => Some(codec::decode::<TrustedKey>(b.value(), "trusted key")?),
            None => None,
        };
        if let Some(mut key) = key
            && change(&mut key)
        {
            keys.insert(key_id, codec::encode(&key).as_slice())?;
        }
        Ok(())
    }

    /// Appends an entry to the imports log.
    pub fn log(&mut self, entry: &ImportEntry) -> Result<()> {
        log_in(self.txn, &self.tables.vault, entry)
    }
}
