//! Taking bundles in: checking one without writing, merging checked ones,
//! importing files (a refused one logged and set aside in `rejected/`), and
//! reading the imports log. The merge itself is `pipeline`'s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::pipeline::{Failed, Future, Input, Source, merge_bundles};
use super::{ExchangeError, Refusal, Rejection, Result, stamp};
use crate::bundle::{self, Header};
use crate::domain::work::Moved;
use crate::i18n;
use crate::store::{AddSummary, ImportEntry, Store};

/// Where refused bundles are kept, inside the data folder.
pub const REJECTED_DIR: &str = "rejected";

/// A bundle that passed every check, as [`check`] found it: nothing written.
pub struct Admitted {
    pub header: Header,
    /// The id of the key that signed it.
    pub key_id: String,
    pub files: Vec<bundle::FileInfo>,
    /// What merging it would do now.
    pub summary: AddSummary,
    pub work_items: usize,
    source: Source,
}

impl Admitted {
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Versions the bundle carries.
    pub fn versions(&self) -> usize {
        self.summary.new + self.summary.known
    }
}

/// Every check an import makes, without writing anything: the format and
/// hashes, the signature, a trusted unrevoked key of the sender it claims,
/// the receiver, and each row against the form specs and the rules of who
/// may bring what.
pub fn check(store: &Store, bytes: &[u8]) -> Result<Admitted, Refusal> {
    checked(store, Source::Bytes(bytes.to_vec()))
}

/// [`check`] of a bundle file, read as it streams (a big bundle is never
/// held in memory).
pub fn check_file(store: &Store, path: &Path) -> Result<Admitted, Refusal> {
    checked(store, Source::File(path.to_path_buf()))
}

fn checked(store: &Store, source: Source) -> Result<Admitted, Refusal> {
    let input = Input::of(&source)?;
    let mut merged = merge_bundles(store, [(input, Path::new(""))], false, crate::clock::now())
        .map_err(Failed::refusal)?;
    let m = merged.remove(0);
    Ok(Admitted {
        header: m.header,
        key_id: m.key_id,
        files: m.files,
        summary: m.summary,
        work_items: m.work_items,
        source,
    })
}

/// What importing one bundle did.
#[derive(Clone, Debug)]
pub struct Imported {
    pub file: PathBuf,
    pub header: Header,
    pub summary: AddSummary,
    /// (A team device) The work items the commune moved to other teams,
    /// which left this device's list with this bundle.
    pub moved: Vec<Moved>,
    /// New versions dated well after the import (the sender's clock).
    pub future: Future,
    /// The sender had already delivered a later bundle.
    pub stale: bool,
}

/// Merges a checked bundle in one transaction and logs it. It is checked
/// again as it is merged (the store may have changed since).
pub fn commit(
    store: &Store,
    admitted: &Admitted,
    file: &Path,
    now: DateTime<FixedOffset>,
) -> Result<Imported> {
    let mut done = commit_all(store, &[(admitted, file)], now)?;
    Ok(done.remove(0))
}

/// Merges several checked bundles, in this order, in one transaction, each
/// with its own log entry and summary: cheaper than one transaction each
/// when many bundles arrive together. All or nothing, as a batch.
pub fn commit_all(
    store: &Store,
    bundles: &[(&Admitted, &Path)],
    now: DateTime<FixedOffset>,
) -> Result<Vec<Imported>> {
    let inputs = bundles
        .iter()
        .map(|(a, file)| Ok((Input::of(&a.source)?, *file)))
        .collect::<Result<Vec<_>, Refusal>>()
        .map_err(|r| Failed::Refused(r).into_error(bundles[0].1))?;
    let merged = merge_bundles(store, inputs, true, now).map_err(|f| f.into_error(bundles[0].1))?;
    Ok(bundles
        .iter()
        .zip(merged)
        .map(|((_, file), m)| Imported {
            file: file.to_path_buf(),
            header: m.header,
            summary: m.summary,
            moved: m.moved,
            future: m.future,
            stale: m.stale,
        })
        .collect())
}

/// Imports bundle files that arrived together, in this order, in one
/// transaction (as the demo's six teams do): all or nothing.
pub fn import_files(
    store: &Store,
    paths: &[PathBuf],
    now: DateTime<FixedOffset>,
) -> Result<Vec<Imported>> {
    let Some(first) = paths.first() else {
        return Ok(Vec::new());
    };
    let inputs = paths
        .iter()
        .map(|p| Ok((Input::file(p)?, p.as_path())))
        .collect::<Result<Vec<_>, Refusal>>()
        .map_err(|r| Failed::Refused(r).into_error(first))?;
    let merged = merge_bundles(store, inputs, true, now).map_err(|f| f.into_error(first))?;
    Ok(paths
        .iter()
        .zip(merged)
        .map(|(file, m)| Imported {
            file: file.clone(),
            header: m.header,
            summary: m.summary,
            moved: m.moved,
            future: m.future,
            stale: m.stale,
        })
        .collect())
}

pub(super) fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Imports one bundle file: checks each row as it streams in and merges it
/// in one transaction, committed only if everything passed. A refused
/// bundle changes no case; it is logged, copied into `rejected/` in the
/// data folder beside a `.txt` giving the reason (in Vietnamese, then
/// English, for whoever opens the folder), and returned as the error. The
/// log keeps the reason as data, to be told in the reader's language.
pub fn import_file(store: &Store, path: &Path, now: DateTime<FixedOffset>) -> Result<Imported> {
    let merged = Input::file(path)
        .map_err(Failed::Refused)
        .and_then(|input| merge_bundles(store, [(input, path)], true, now));
    let refusal = match merged {
        Ok(mut done) => {
            let m = done.remove(0);
            return Ok(Imported {
                file: path.to_path_buf(),
                header: m.header,
                summary: m.summary,
                moved: m.moved,
                future: m.future,
                stale: m.stale,
            });
        }
        Err(failed @ (Failed::Store(_) | Failed::Stopped | Failed::Locked)) => {
            return Err(failed.into_error(path));
        }
        Err(Failed::Refused(refusal @ Refusal::Local { .. })) => {
            return Err(ExchangeError::Rejected(Box::new(Rejection {
                file: path.to_path_buf(),
                refusal,
                kept: None,
            })));
        }
        Err(Failed::Refused(refusal)) => refusal,
    };
    let mut rejection = Rejection {
        file: path.to_path_buf(),
        refusal,
        kept: None,
    };
    rejection.kept = keep_rejected(store, path, &i18n::bundle::rejection_note(&rejection));
    // What the bundle says of itself, where its container can be read.
    let header = Input::file(path)
        .ok()
        .and_then(|input| bundle::open(input, &bundle::archive::LIMITS).ok())
        .map(|b| (b.header, b.key_id));
    store.log_import(&ImportEntry {
        file: file_label(path),
        sender: header
            .as_ref()
            .map(|(h, _)| bundle::party_text(h.sender))
            .unwrap_or_default(),
        sequence: header.as_ref().map(|(h, _)| h.sequence).unwrap_or(0),
        received_at: stamp(now),
        accepted: false,
        refusal: rejection.refusal.logged(),
        sender_device: header
            .as_ref()
            .map(|(h, _)| h.sender_device.clone())
            .unwrap_or_default(),
        key_id: header.as_ref().map(|(_, k)| k.clone()).unwrap_or_default(),
        created_at: header
            .as_ref()
            .map(|(h, _)| stamp(h.created_at))
            .unwrap_or_default(),
        ..ImportEntry::default()
    })?;
    Err(ExchangeError::Rejected(Box::new(rejection)))
}

/// Copies a refused bundle into `rejected/` with `note` in a `.txt` beside it. Keeping
/// it is a courtesy for whoever inspects it later: failing to must not hide
/// the refusal itself, so errors here only mean no copy.
fn keep_rejected(store: &Store, path: &Path, note: &str) -> Option<PathBuf> {
    let dir = store.path().parent()?.join(REJECTED_DIR);
    std::fs::create_dir_all(&dir).ok()?;
    let name = file_label(path);
    let mut target = dir.join(&name);
    let mut n = 2;
    while target.exists() && !same_bytes(&target, path) {
        target = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    // A file too big to be a bundle is not copied (its reason is kept).
    let size = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if size.is_some_and(|len| len <= bundle::archive::LIMITS.bundle) {
        std::fs::copy(path, &target).ok()?;
    }
    let mut txt = target.clone().into_os_string();
    txt.push(".txt");
    std::fs::write(&txt, format!("{note}\n")).ok()?;
    trim_rejected(&dir);
    Some(target)
}

/// How many refused bundles `rejected/` keeps: a device that sends the same
/// broken bundle every day does not fill the disk. The oldest go first.
pub const REJECTED_KEPT: usize = 50;

/// Removes the oldest refusals from `dir` beyond [`REJECTED_KEPT`]: each is
/// its note (`NAME.txt`) and the bundle beside it, if it was kept.
fn trim_rejected(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut notes: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    if notes.len() <= REJECTED_KEPT {
        return;
    }
    crate::sort::sort(&mut notes);
    for (_, note) in &notes[..notes.len() - REJECTED_KEPT] {
        let _ = std::fs::remove_file(note.with_extension(""));
        let _ = std::fs::remove_file(note);
    }
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) if x.len() == y.len() => std::fs::read(a)
            .ok()
            .is_some_and(|x| std::fs::read(b).ok() == Some(x)),
        _ => false,
    }
}

/// The imports log with, for each sender device, the sequence of the latest
/// bundle accepted from it.
pub fn latest_sequences(entries: &[ImportEntry]) -> HashMap<(String, String), u64> {
    let mut out: HashMap<(String, String), u64> = HashMap::new();
    for e in entries.iter().filter(|e| e.accepted) {
        let k = (e.sender.clone(), e.sender_device.clone());
        let s = out.entry(k).or_default();
        *s = (*s).max(e.sequence);
    }
    out
}
