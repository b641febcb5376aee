//! Writing this device's bundles: what it sends to whom, read in place from
//! the store, signed and written into a folder. Reads the store, never
//! writes it (but for the sequence number of each receiver, taken once its
//! bundle is written).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::{ExchangeError, Result, file_error};
use crate::bundle::age;
use crate::bundle::key::Signer;
use crate::bundle::{self, Contents, Header};
use crate::domain::commune::Role;
use crate::domain::work::{Person, WorkItem};
use crate::store::{Store, StoredVersion, VersionBytes};

/// One bundle written.
#[derive(Clone, Debug)]
pub struct Exported {
    pub path: PathBuf,
    pub header: Header,
    pub versions: usize,
    pub work_items: usize,
}

/// What this device sends, read in place from `stored` (the store's
/// versions): from a team device one bundle to the commune with every
/// version it holds; from the commune one bundle per team with the team's
/// work items, its village's part of the register and every version of the
/// team's cases.
fn outgoing<'s>(
    store: &Store,
    stored: &'s VersionBytes,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Contents<StoredVersion<'s>>>> {
    let device = store.device()?;
    let commune = store.commune()?;
    let header = |receiver: Role| Header {
        commune: commune.name.clone(),
        sender: device.role,
        sender_device: device.id.clone(),
        receiver,
        sequence: 0,
        created_at: now,
    };
    let all = stored.versions()?;
    match device.role {
        Role::Team(_) => Ok(vec![Contents {
            header: header(Role::Commune),
            versions: all,
            work_items: Vec::new(),
            villages: Vec::new(),
            people: Vec::new(),
            moved: Vec::new(),
            forms: Vec::new(),
        }]),
        Role::Commune => {
            // A case goes, whole history, to the team of its work item, or
            // for a case opened in the field, the team its latest version
            // names (as the case index does), even where an older version
            // named another team.
            let work_items = store.work_items()?;
            let mut team_of: HashMap<&str, &StoredVersion> = HashMap::new();
            for v in &all {
                let latest = team_of.entry(v.record).or_insert(v);
                if (v.edited_at, v.id) > (latest.edited_at, latest.id) {
                    *latest = v;
                }
            }
            let mut team_of: HashMap<&str, u8> =
                team_of.into_iter().map(|(r, v)| (r, v.team)).collect();
            for w in &work_items {
                if let Some(team) = team_of.get_mut(w.id.as_str()) {
                    *team = w.team;
                }
            }
            let mut versions: BTreeMap<u8, Vec<StoredVersion>> = BTreeMap::new();
            for v in &all {
                let team = team_of.get(v.record).copied().unwrap_or(v.team);
                versions.entry(team).or_default().push(*v);
            }
            let mut items: BTreeMap<u8, Vec<WorkItem>> = BTreeMap::new();
            for w in work_items {
                items.entry(w.team).or_default().push(w);
            }
            let forms = store.added_forms()?;
            let mut people: BTreeMap<u8, Vec<Person>> = BTreeMap::new();
            for p in store.people()? {
                people.entry(p.team).or_default().push(p);
            }
            commune
                .villages
                .iter()
                .map(|v| {
                    Ok(Contents {
                        header: header(Role::Team(v.team)),
                        versions: versions.remove(&v.team).unwrap_or_default(),
                        work_items: items.remove(&v.team).unwrap_or_default(),
                        villages: commune.villages.clone(),
                        people: people.remove(&v.team).unwrap_or_default(),
                        moved: store.moved_away_from(v.team)?,
                        forms: forms.clone(),
                    })
                })
                .collect()
        }
    }
}

/// Writes this device's bundles into `out_dir`, each with the next sequence
/// number for its receiver. The commune's six bundles are written side by
/// side, one per core.
///
/// All or nothing: a bundle that cannot be written (a full USB stick) leaves
/// no bundle and no partial file behind, and uses no sequence number, so the
/// next export carries the numbers this one would have. The order is: the
/// numbers peeked, every bundle written beside its name (`.zip.part`, synced),
/// the numbers taken in one transaction, the bundles renamed into place and
/// the folder synced. Taking the numbers before the renames means no bundle
/// is ever under its real name with a number the store has not kept: a power
/// cut after the take and before the renames loses a number (a gap, which
/// receivers accept), where the other order (rename, then take) could leave
/// a bundle whose number the next export would give to another bundle.
pub fn export(
    store: &Store,
    signer: &Signer,
    out_dir: &Path,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Exported>> {
    std::fs::create_dir_all(out_dir).map_err(|e| file_error(out_dir, e))?;
    // Read before the versions: a save made meanwhile stays unsent.
    let saves = store.saves_here()?;
    let stored = store.version_bytes()?;
    let readers = readers(store)?;
    // A side with no key to encrypt to gets nothing (see [`unreadable`]).
    let outgoing = outgoing(store, &stored, now)?;
    let every_side = outgoing
        .iter()
        .all(|c| readers.contains_key(&c.header.receiver));
    let mut all: Vec<_> = outgoing
        .into_iter()
        .filter(|c| readers.contains_key(&c.header.receiver))
        .collect();
    for contents in &mut all {
        contents.header.sequence =
            store.peek_sequence(&bundle::party_text(contents.header.receiver))?;
    }
    let receivers: Vec<(String, u64)> = all
        .iter()
        .map(|c| (bundle::party_text(c.header.receiver), c.header.sequence))
        .collect();
    let taken: Vec<(&str, u64)> = receivers.iter().map(|(r, n)| (r.as_str(), *n)).collect();
    let paths: Vec<PathBuf> = all
        .iter()
        .map(|c| out_dir.join(c.header.file_name()))
        .collect();
    let remove_parts = || {
        for path in &paths {
            let _ = std::fs::remove_file(part_of(path));
        }
    };
    let versions = all.iter().map(|c| c.versions.len() as u64).sum();
    let step = crate::progress::step(crate::progress::Step::WritingBundles, versions);
    let written = write_parts(all, signer, &readers, out_dir);
    drop(step);
    let exported = match written {
        Ok(exported) => exported,
        Err(e) => {
            remove_parts();
            return Err(e);
        }
    };
    match store.take_sequences(&taken) {
        Ok(true) => {}
        Ok(false) => {
            remove_parts();
            return Err(ExchangeError::SequenceTaken);
        }
        Err(e) => {
            remove_parts();
            return Err(e.into());
        }
    }
    if let Err(e) = put_in_place(&paths, out_dir) {
        remove_parts();
        for path in &paths {
            let _ = std::fs::remove_file(path);
        }
        // The bundles are gone again: so are their numbers.
        let _ = store.give_back_sequences(&taken);
        return Err(e);
    }
    // The bundles are in place: the saves are carried, if every side got
    // its bundle. A failure here only leaves saves counted as unsent that
    // are not, the safe side.
    if every_side {
        let _ = store.mark_sent(saves);
    }
    Ok(exported)
}

/// Writes each bundle of `all` beside its name in `out_dir`, side by side
/// on every core; the bundles in `all`'s order.
fn write_parts(
    all: Vec<Contents<StoredVersion>>,
    signer: &Signer,
    readers: &HashMap<Role, Vec<age::Recipient>>,
    out_dir: &Path,
) -> Result<Vec<Exported>> {
    let write_one = |contents: Contents<StoredVersion>| -> Result<Exported> {
        let to = readers
            .get(&contents.header.receiver)
            .map_or(&[][..], Vec::as_slice);
        let bytes = bundle::write(&contents, signer, to).map_err(ExchangeError::Unwritable)?;
        let exported = Exported {
            path: out_dir.join(contents.header.file_name()),
            versions: contents.versions.len(),
            work_items: contents.work_items.len(),
            header: contents.header,
        };
        write_part(&exported.path, &bytes)?;
        Ok(exported)
    };
    let shares = deal_to_cores(all.into_iter().enumerate());
    let mut done: Vec<(usize, Exported)> = std::thread::scope(|s| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                s.spawn(move || {
                    share
                        .into_iter()
                        .map(|(i, c)| write_one(c).map(|e| (i, e)))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut out = Vec::new();
        let mut failed = None;
        // Every writer is waited for, so that none is still writing a
        // partial file when the caller removes them.
        for h in handles {
            match h.join() {
                Ok(Ok(share)) => out.extend(share),
                Ok(Err(e)) => failed = failed.or(Some(e)),
                Err(_) => {
                    failed = failed.or(Some(ExchangeError::File {
                        path: out_dir.to_path_buf(),
                        detail: "a bundle writer stopped".into(),
                    }))
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(out),
        }
    })?;
    crate::sort::sort_by_key(&mut done, |(i, _)| *i);
    Ok(done.into_iter().map(|(_, e)| e).collect())
}
/// The age keys of each side this device sends to: on a team device the
/// commune's; on the commune every team's trusted (not revoked) devices.
/// A side none of whose keys has an age key yet is left out.
fn readers(store: &Store) -> Result<HashMap<Role, Vec<age::Recipient>>> {
    let mut out: HashMap<Role, Vec<age::Recipient>> = HashMap::new();
    for key in store.trusted_keys()? {
        if key.revoked_at.is_some() {
            continue;
        }
        let Some(age) = key
            .age
            .as_deref()
            .and_then(|a| age::Recipient::parse(a).ok())
        else {
            continue;
        };
        out.entry(key.team.map_or(Role::Commune, Role::Team))
            .or_default()
            .push(age);
    }
    Ok(out)
}

/// The sides this device sends to that it cannot encrypt a bundle to yet:
/// none of their trusted keys came with an age key (trusted from a `.pub`
/// file made before bundles were encrypted, and no encrypted bundle from
/// them since). [`export`] writes nothing for them; trusting their new
/// `.pub` file, or taking one of their bundles, mends it.
pub fn unreadable(store: &Store) -> Result<Vec<Role>> {
    let readers = readers(store)?;
    let sides: Vec<Role> = match store.device()?.role {
        Role::Team(_) => vec![Role::Commune],
        Role::Commune => store
            .commune()?
            .villages
            .iter()
            .map(|v| Role::Team(v.team))
            .collect(),
    };
    Ok(sides
        .into_iter()
        .filter(|side| !readers.contains_key(side))
        .collect())
}

/// Deals `items` round-robin into one hand per core (at most one per item,
/// at least one), for work done side by side.
pub(crate) fn deal_to_cores<T>(items: impl ExactSizeIterator<Item = T>) -> Vec<Vec<T>> {
    let hands = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, items.len().max(1));
    let mut dealt: Vec<Vec<T>> = (0..hands).map(|_| Vec::new()).collect();
    for (i, item) in items.enumerate() {
        dealt[i % hands].push(item);
    }
    dealt
}

/// Where a bundle is written before it is renamed to `path`: a power cut
/// leaves the old file or the new one, never half a bundle under the real
/// name.
fn part_of(path: &Path) -> PathBuf {
    path.with_extension("zip.part")
}

/// Writes `bytes` beside `path` and syncs them; on any failure the partial
/// file is removed.
fn write_part(path: &Path, bytes: &[u8]) -> Result<()> {
    let part = part_of(path);
    let written = (|| {
        let mut file = std::fs::File::create(&part)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&part);
        not_exported(path, e)
    })
}

/// Renames every written bundle to its name in `dir`, then makes the
/// renames durable.
fn put_in_place(paths: &[PathBuf], dir: &Path) -> Result<()> {
    for path in paths {
        std::fs::rename(part_of(path), path).map_err(|e| not_exported(path, e))?;
    }
    crate::paths::sync_folder(dir).map_err(|e| not_exported(dir, e))
}

fn not_exported(path: &Path, e: std::io::Error) -> ExchangeError {
    ExchangeError::NotExported {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}
