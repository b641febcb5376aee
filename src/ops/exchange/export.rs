//! Writing this device's bundles: what it sends to whom, read in place from
//! the store, signed and written into a folder. Reads the store, never
//! writes it (but for the next sequence number of each receiver).

use std::collections::{BTreeMap, HashMap};
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
        }]),
        Role::Commune => {
            // A case goes, whole history, to the team its latest version
            // names (as the case index does), even where an older version
            // named another team.
            let mut team_of: HashMap<&str, &StoredVersion> = HashMap::new();
            for v in &all {
                let latest = team_of.entry(v.record).or_insert(v);
                if (v.edited_at, v.id) > (latest.edited_at, latest.id) {
                    *latest = v;
                }
            }
            let team_of: HashMap<&str, u8> =
                team_of.into_iter().map(|(r, v)| (r, v.team)).collect();
            let mut versions: BTreeMap<u8, Vec<StoredVersion>> = BTreeMap::new();
            for v in &all {
                let team = team_of.get(v.record).copied().unwrap_or(v.team);
                versions.entry(team).or_default().push(*v);
            }
            let mut items: BTreeMap<u8, Vec<WorkItem>> = BTreeMap::new();
            for w in store.work_items()? {
                items.entry(w.team).or_default().push(w);
            }
            let mut people: BTreeMap<u8, Vec<Person>> = BTreeMap::new();
            for p in store.people()? {
                people.entry(p.team).or_default().push(p);
            }
            Ok(commune
                .villages
                .iter()
                .map(|v| Contents {
                    header: header(Role::Team(v.team)),
                    versions: versions.remove(&v.team).unwrap_or_default(),
                    work_items: items.remove(&v.team).unwrap_or_default(),
                    villages: commune.villages.clone(),
                    people: people.remove(&v.team).unwrap_or_default(),
                })
                .collect())
        }
    }
}

/// Writes this device's bundles into `out_dir`, each with the next sequence
/// number for its receiver. The commune's six bundles are written side by
/// side, one per core.
pub fn export(
    store: &Store,
    signer: &Signer,
    out_dir: &Path,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Exported>> {
    std::fs::create_dir_all(out_dir).map_err(|e| file_error(out_dir, e))?;
    let stored = store.version_bytes()?;
    let readers = readers(store)?;
    // A side with no key to encrypt to gets nothing (see [`unreadable`]).
    let mut all: Vec<_> = outgoing(store, &stored, now)?
        .into_iter()
        .filter(|c| readers.contains_key(&c.header.receiver))
        .collect();
    for contents in &mut all {
        contents.header.sequence =
            store.next_sequence(&bundle::party_text(contents.header.receiver))?;
    }
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
        write_atomically(&exported.path, &bytes)?;
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
        for h in handles {
            out.extend(h.join().map_err(|_| ExchangeError::File {
                path: out_dir.to_path_buf(),
                detail: "a bundle writer stopped".into(),
            })??);
        }
        Ok::<_, ExchangeError>(out)
    })?;
    done.sort_by_key(|(i, _)| *i);
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

/// Writes beside the target, then renames: a power cut leaves the old file
/// or the new one, never half a bundle under the real name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let part = path.with_extension("zip.part");
    std::fs::write(&part, bytes).map_err(|e| file_error(&part, e))?;
    std::fs::rename(&part, path).map_err(|e| file_error(path, e))
}
