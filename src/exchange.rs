//! Carrying work between devices: this device's keys, the keys it trusts,
//! bundles made from the store and bundles taken into it.
//!
//! The shell around three pure or narrow parts: `bundle` (the file format),
//! `domain::admit` (who may bring what) and `store` (writing). The command
//! line, the demo and the screens call these functions; none of them prints.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::bundle::key::{self, KeyError, Public, Signer};
use crate::bundle::{self, BundleError, Contents, Header};
use crate::domain::admit::{self, Claim, Here, KeyFacts, RowRefusal, SenderRefusal};
use crate::domain::commune::Role;
use crate::domain::version::Version;
use crate::domain::work::WorkItem;
use crate::i18n::{self, Lang};
use crate::store::{
    AddSummary, ImportEntry, Merge, OwnKey, Store, StoreError, StoredVersion, TrustedKey,
    VersionBytes,
};

/// Where refused bundles are kept, inside the data folder.
pub const REJECTED_DIR: &str = "rejected";

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("this device has no key pair")]
    NoKey,
    #[error("this device already has key {id}")]
    KeyExists { id: String },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("no passphrase: set TOTHON_PASSPHRASE or run in a terminal")]
    NoPassphrase,
    #[error("the two passphrases differ")]
    PassphrasesDiffer,
    #[error("{path}: {error}")]
    PublicKeyFile { path: PathBuf, error: KeyError },
    #[error("a team's key is trusted with --team on the commune device")]
    TeamNeeded,
    #[error("a team device trusts only the commune's key (no --team)")]
    NoTeamHere,
    #[error("there is no team {team}")]
    NoSuchTeam { team: u8 },
    #[error("that is this device's own key")]
    OwnKey,
    #[error("no trusted key {key_id}")]
    UnknownKey { key_id: String },
    #[error(transparent)]
    Rejected(Box<Rejection>),
    #[error("file {path}: {detail}")]
    File { path: PathBuf, detail: String },
    #[error("cannot write the bundle: {0}")]
    Unwritable(BundleError),
}

pub type Result<T, E = ExchangeError> = std::result::Result<T, E>;

fn file_error(path: &Path, e: impl std::fmt::Display) -> ExchangeError {
    ExchangeError::File {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn stamp(t: DateTime<FixedOffset>) -> String {
    crate::domain::version::time_text(&t)
}

// ------------------------------------------------------------------- keys --

/// Makes this device's key pair and keeps it, the secret half encrypted with
/// `passphrase`. Refuses to replace a key unless `replace`.
pub fn new_key(
    store: &Store,
    passphrase: &str,
    replace: bool,
    now: DateTime<FixedOffset>,
) -> Result<Public> {
    if let Some(old) = store.own_key()?
        && !replace
    {
        return Err(ExchangeError::KeyExists { id: old.id });
    }
    let generated = key::generate(passphrase)?;
    store.set_own_key(&OwnKey {
        id: generated.public.id.clone(),
        public: generated.public.to_text(),
        encrypted_secret: generated.encrypted_secret,
        created_at: stamp(now),
    })?;
    Ok(generated.public)
}

/// This device's public key.
pub fn own_public(store: &Store) -> Result<Public> {
    let own = store.own_key()?.ok_or(ExchangeError::NoKey)?;
    Ok(Public::parse(&own.public)?)
}

/// Opens this device's secret key to sign with.
pub fn unlock(store: &Store, passphrase: &str) -> Result<Signer> {
    let own = store.own_key()?.ok_or(ExchangeError::NoKey)?;
    Ok(Signer::unlock(&own.encrypted_secret, passphrase)?)
}

/// Reads a `.pub` file.
pub fn read_public(path: &Path) -> Result<Public> {
    let meta = std::fs::metadata(path).map_err(|e| file_error(path, e))?;
    if meta.len() > 4096 {
        return Err(ExchangeError::PublicKeyFile {
            path: path.to_path_buf(),
            error: KeyError::NotAPublicKey("file too large".into()),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| file_error(path, e))?;
    Public::parse(&text).map_err(|error| ExchangeError::PublicKeyFile {
        path: path.to_path_buf(),
        error,
    })
}

/// Trusts a public key: on the commune a team device's key for `team`; on a
/// team device the commune's key (`team` = `None`). Trusting a key again
/// replaces what was known of it (and lifts a revocation).
pub fn trust(
    store: &Store,
    team: Option<u8>,
    public: &Public,
    now: DateTime<FixedOffset>,
) -> Result<TrustedKey> {
    let role = store.device()?.role;
    match (role, team) {
        (Role::Commune, None) => return Err(ExchangeError::TeamNeeded),
        (Role::Team(_), Some(_)) => return Err(ExchangeError::NoTeamHere),
        (Role::Commune, Some(t)) if store.commune()?.village(t).is_none() => {
            return Err(ExchangeError::NoSuchTeam { team: t });
        }
        _ => {}
    }
    if store.own_key()?.is_some_and(|k| k.id == public.id) {
        return Err(ExchangeError::OwnKey);
    }
    let key = TrustedKey {
        id: public.id.clone(),
        public: public.base64(),
        team,
        added_at: stamp(now),
        revoked_at: None,
        device: None,
    };
    store.trust_key(&key)?;
    Ok(key)
}

/// Revokes a trusted key: bundles it signs are refused from now on.
pub fn untrust(store: &Store, key_id: &str, now: DateTime<FixedOffset>) -> Result<TrustedKey> {
    let key_id = key_id.trim().to_ascii_uppercase();
    store
        .revoke_key(&key_id, &stamp(now))?
        .ok_or(ExchangeError::UnknownKey { key_id })
}

// ----------------------------------------------------------------- export --

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
/// work items and every version of the team's cases.
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
            Ok(commune
                .villages
                .iter()
                .map(|v| Contents {
                    header: header(Role::Team(v.team)),
                    versions: versions.remove(&v.team).unwrap_or_default(),
                    work_items: items.remove(&v.team).unwrap_or_default(),
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
    let mut all = outgoing(store, &stored, now)?;
    for contents in &mut all {
        contents.header.sequence =
            store.next_sequence(&bundle::party_text(contents.header.receiver))?;
    }
    let write_one = |contents: Contents<StoredVersion>| -> Result<Exported> {
        let bytes = bundle::write(&contents, signer).map_err(ExchangeError::Unwritable)?;
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

// ----------------------------------------------------------------- import --

/// Why a bundle was refused. Each names what a person needs to find the
/// problem: the file inside the bundle, the row and the column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The bundle file could not be read at all.
    Unreadable {
        detail: String,
    },
    /// This device's own data could not be read to check the bundle: not
    /// the bundle's fault, so it is neither logged nor set aside.
    Local {
        detail: String,
    },
    Format(BundleError),
    Sender(SenderRefusal),
    Row {
        file: String,
        row: usize,
        column: Option<String>,
        refusal: RowRefusal,
    },
}

/// A refused bundle, where it came from and where it was kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {refusal:?}")]
pub struct Rejection {
    pub file: PathBuf,
    pub refusal: Refusal,
    /// The copy in `rejected/`, when one was made.
    pub kept: Option<PathBuf>,
}

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

/// Where a bundle's bytes are.
#[derive(Clone)]
enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// A bundle being read: from memory, or streamed from its file (with a
/// second handle on the file, opened with the first, for [`Input::again`]).
enum Input<'a> {
    Bytes(std::io::Cursor<&'a [u8]>),
    File(std::io::BufReader<std::fs::File>, Option<std::fs::File>),
}

impl<'a> Input<'a> {
    /// Opens a bundle file, refusing one too big to be a bundle before
    /// reading it.
    fn file(path: &Path) -> Result<Input<'static>, Refusal> {
        let unreadable = |e: std::io::Error| Refusal::Unreadable {
            detail: e.to_string(),
        };
        let file = std::fs::File::open(path).map_err(unreadable)?;
        let twin = std::fs::File::open(path).map_err(unreadable)?;
        let len = file.metadata().map_err(unreadable)?.len();
        let limit = bundle::archive::LIMITS.bundle;
        if len > limit {
            return Err(Refusal::Format(BundleError::TooBig { size: len, limit }));
        }
        if twin.metadata().map_err(unreadable)?.len() != len {
            return Err(Refusal::Unreadable {
                detail: "the file changed while it was opened".into(),
            });
        }
        Ok(Input::File(Input::buffered(file), Some(twin)))
    }

    fn buffered(file: std::fs::File) -> std::io::BufReader<std::fs::File> {
        std::io::BufReader::with_capacity(64 * 1024, file)
    }

    /// A second reader of the same bytes, from the start (once).
    fn again(&mut self) -> Result<Input<'a>, Refusal> {
        match self {
            Input::Bytes(c) => Ok(Input::Bytes(std::io::Cursor::new(c.get_ref()))),
            Input::File(_, twin) => match twin.take() {
                Some(f) => Ok(Input::File(Input::buffered(f), None)),
                None => Err(Refusal::Unreadable {
                    detail: "the file was read twice".into(),
                }),
            },
        }
    }

    fn of(source: &Source) -> Result<Input<'_>, Refusal> {
        match source {
            Source::Bytes(b) => Ok(Input::Bytes(std::io::Cursor::new(b))),
            Source::File(p) => Input::file(p),
        }
    }
}

impl std::io::Read for Input<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Input::Bytes(c) => c.read(buf),
            Input::File(f, _) => f.read(buf),
        }
    }
}

impl std::io::Seek for Input<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        match self {
            Input::Bytes(c) => c.seek(to),
            Input::File(f, _) => f.seek(to),
        }
    }
}

/// Why a merge stopped: the bundle's fault, or this device's store.
enum Failed {
    Refused(Refusal),
    Store(StoreError),
    /// The bundle reader was told to stop, the merge having failed first;
    /// never reported (the merge's own failure is).
    Stopped,
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Self {
        Failed::Store(e)
    }
}

impl From<Refusal> for Failed {
    fn from(r: Refusal) -> Self {
        Failed::Refused(r)
    }
}

impl From<BundleError> for Failed {
    fn from(e: BundleError) -> Self {
        Failed::Refused(Refusal::Format(e))
    }
}

impl Failed {
    /// As a checking caller sees it: a store failure is not the bundle's
    /// fault, and says so.
    fn refusal(self) -> Refusal {
        match self {
            Failed::Refused(r) => r,
            Failed::Store(e) => Refusal::Local {
                detail: e.to_string(),
            },
            Failed::Stopped => Refusal::Local {
                detail: "stopped".into(),
            },
        }
    }

    fn into_error(self, file: &Path) -> ExchangeError {
        match self {
            Failed::Store(e) => ExchangeError::Store(e),
            Failed::Stopped => ExchangeError::Store(StoreError::Db("stopped".into())),
            Failed::Refused(refusal) => ExchangeError::Rejected(Box::new(Rejection {
                file: file.to_path_buf(),
                refusal,
                kept: None,
            })),
        }
    }
}

/// What this device knows that decides whether a bundle is welcome.
struct Receiver {
    device: crate::domain::commune::Device,
    commune: crate::domain::commune::Commune,
    trusted: Vec<TrustedKey>,
}

impl Receiver {
    fn load(store: &Store) -> Result<Receiver, StoreError> {
        Ok(Receiver {
            device: store.device()?,
            commune: store.commune()?,
            trusted: store.trusted_keys()?,
        })
    }

    fn here(&self) -> Here<'_> {
        Here {
            commune: &self.commune,
            role: self.device.role,
            device: &self.device.id,
        }
    }

    /// The sender's checks: a trusted, unrevoked key of the party the
    /// bundle claims to come from, meant for this device, and a signature
    /// that holds. True when the key is not tied to a device yet.
    fn admit_sender<R>(&self, opened: &bundle::Opened<R>) -> Result<bool, Refusal> {
        let header = &opened.header;
        let record = self.trusted.iter().find(|k| k.id == opened.key_id);
        let facts = record.map(|k| KeyFacts {
            team: k.team,
            revoked: k.revoked_at.is_some(),
            device: k.device.as_deref(),
        });
        let device_elsewhere = self
            .trusted
            .iter()
            .any(|k| k.id != opened.key_id && k.device.as_deref() == Some(&header.sender_device));
        admit::admit_sender(&claim(opened), &self.here(), facts, device_elsewhere)
            .map_err(Refusal::Sender)?;
        let public = record
            .and_then(|k| Public::parse(&k.public).ok())
            .ok_or(Refusal::Format(BundleError::BadSignature))?;
        opened.verify(&public).map_err(Refusal::Format)?;
        Ok(record.is_some_and(|k| k.device.is_none()))
    }
}

fn claim<R>(opened: &bundle::Opened<R>) -> Claim<'_> {
    let header = &opened.header;
    Claim {
        commune: &header.commune,
        sender: header.sender,
        sender_device: &header.sender_device,
        receiver: header.receiver,
        key_id: &opened.key_id,
    }
}

/// One bundle merged (or, when checking, as it would be).
struct Merged {
    header: Header,
    key_id: String,
    files: Vec<bundle::FileInfo>,
    summary: AddSummary,
    work_items: usize,
    stale: bool,
}

/// Reads, checks and merges bundles, in this order, in one transaction,
/// committed only when `commit` is true and every bundle passed every
/// check; otherwise the store is left exactly as it was. Each version is
/// judged by the form and by who may bring it as it streams in, and each
/// case is merged as soon as its rows are read.
fn merge_bundles<'a>(
    store: &Store,
    bundles: impl IntoIterator<Item = (Input<'a>, &'a Path)>,
    commit: bool,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Merged>, Failed> {
    let receiver = Receiver::load(store)?;
    let mut latest = latest_sequences(&store.imports()?);
    store.merge(commit, |m| {
        let mut out = Vec::new();
        for (mut input, file) in bundles {
            let again = input.again();
            let mut opened = bundle::open_listed(input, &bundle::archive::LIMITS)?;
            // The pass over the whole file that checks the container runs
            // beside the merge, on its own reader; its refusal comes first,
            // as when it was made before anything else, and stops the merge.
            let container = opened.container();
            let refused = std::sync::atomic::AtomicBool::new(false);
            let (checked, merged) = std::thread::scope(|s| {
                let check = s.spawn(|| -> Result<(), Failed> {
                    let checked =
                        again.and_then(|mut a| container.check(&mut a).map_err(Refusal::Format));
                    refused.store(checked.is_err(), std::sync::atomic::Ordering::Relaxed);
                    Ok(checked?)
                });
                let merged = receiver
                    .admit_sender(&opened)
                    .map_err(Failed::from)
                    .and_then(|first| {
                        let here = receiver.here();
                        Ok((first, merge_rows(m, &mut opened, &here, &refused)?))
                    });
                (check.join(), merged)
            });
            checked
                .map_err(|_| Failed::Store(StoreError::Db("the bundle check stopped".into())))??;
            let (first_from_device, (summary, work_items)) = merged?;
            let header = opened.header.clone();
            let sender = bundle::party_text(header.sender);
            let seen = latest
                .entry((sender.clone(), header.sender_device.clone()))
                .or_default();
            let stale = *seen > header.sequence;
            *seen = (*seen).max(header.sequence);
            if first_from_device {
                m.bind_device(&opened.key_id, &header.sender_device)?;
            }
            m.log(&ImportEntry {
                file: file_label(file),
                sender,
                sequence: header.sequence,
                received_at: stamp(now),
                accepted: true,
                detail: String::new(),
                sender_device: header.sender_device.clone(),
                key_id: opened.key_id.clone(),
                created_at: stamp(header.created_at),
                new: summary.new,
                known: summary.known,
                new_conflicts: summary.new_conflicts,
                stale,
            })?;
            out.push(Merged {
                header,
                key_id: opened.key_id.clone(),
                files: opened.files.clone(),
                summary,
                work_items,
                stale,
            });
        }
        Ok(out)
    })
}

/// Streams an admitted bundle's rows into the merge, case by case, on three
/// threads: one reads the rows and gathers each case's versions, one judges
/// each version on its own (the form's checks) and prepares a new case's
/// writes, and the last — this one, which holds the transaction — decides
/// what the store lacks and who may bring it, and writes. The first
/// refusal, in file order, stops all three; so does `refused`, set when
/// the bundle was refused elsewhere.
fn merge_rows<R: std::io::Read + std::io::Seek + Send>(
    m: &mut Merge<'_>,
    opened: &mut bundle::Opened<R>,
    here: &Here,
    refused: &std::sync::atomic::AtomicBool,
) -> Result<(AddSummary, usize), Failed> {
    let header = opened.header.clone();
    let key_id = opened.key_id.clone();
    let claim = Claim {
        commune: &header.commune,
        sender: header.sender,
        sender_device: &header.sender_device,
        receiver: header.receiver,
        key_id: &key_id,
    };
    let villages = &here.commune.villages;
    let before = m.before();
    std::thread::scope(|s| {
        let (read, to_judge) = std::sync::mpsc::sync_channel::<Vec<CaseRows>>(4);
        let (judged, batches) = std::sync::mpsc::sync_channel::<Vec<CaseRows>>(4);
        // Merged batches go back to the threads that made them, which make
        // the next ones in the same memory (the judge its judgements and
        // prepared writes, then the reader its cases and versions): a
        // steady import then allocates almost nothing, and nothing is freed
        // by a thread other than the one that allocated it (which makes
        // threads wait on the allocator's locks).
        let (done_with, merged) = std::sync::mpsc::channel::<Vec<CaseRows>>();
        let (judged_done, read_done) = std::sync::mpsc::channel::<Vec<CaseRows>>();
        let reader = s.spawn(move || read_cases(opened, read, read_done));
        let judge = s.spawn(move || {
            let mut scratch = crate::store::Scratch::default();
            for mut batch in to_judge {
                for mut old in merged.try_iter() {
                    for case in &mut old {
                        case.judged.clear();
                        if let Some(done) = case.fresh.take() {
                            scratch.give_back(done);
                        }
                    }
                    let _ = judged_done.send(old);
                }
                for case in &mut batch {
                    case.judge(villages, &mut scratch, &before);
                }
                if judged.send(batch).is_err() {
                    break;
                }
            }
        });
        let mut summary = AddSummary::default();
        let mut failure = None;
        'merging: for mut batch in &batches {
            if refused.load(std::sync::atomic::Ordering::Relaxed) {
                failure = Some(Failed::Stopped);
                break;
            }
            for case in &mut batch {
                match merge_case(m, case, &claim, here) {
                    Ok(done) => summary += done,
                    Err(e) => {
                        failure = Some(e);
                        break 'merging;
                    }
                }
            }
            // Once the reader is done, what is left is freed here.
            let _ = done_with.send(batch);
        }
        // Hanging up stops the judge, and so the reader, at their next batch.
        drop(batches);
        let stopped = || Failed::Store(StoreError::Db("the bundle reader stopped".into()));
        judge.join().map_err(|_| stopped())?;
        let read = reader.join().map_err(|_| stopped())?;
        if let Some(e) = failure {
            return Err(e);
        }
        let work_items = read?;
        m.put_work_items(&work_items)?;
        Ok((summary, work_items.len()))
    })
}

/// The versions of one case, adjacent in a bundle's file, each judged on
/// its own.
struct CaseRows {
    file: std::sync::Arc<str>,
    versions: Vec<(usize, Version)>,
    /// Each version's judgement, once judged; `None` for a version the
    /// store held as the merge began, which the merge passes unjudged.
    judged: Vec<Option<Judgement>>,
    /// The case's writes made from these versions alone, which are the
    /// writes when the store holds no version of the case yet.
    fresh: Option<crate::store::Prepared>,
    /// What the store held of the case as the merge began, when `looked`.
    held: crate::store::Held,
    looked: bool,
}

impl CaseRows {
    fn empty(file: std::sync::Arc<str>) -> CaseRows {
        CaseRows {
            file,
            versions: Vec::new(),
            judged: Vec::new(),
            fresh: None,
            held: crate::store::Held::default(),
            looked: false,
        }
    }

    /// Looks up what the store held of the case as the merge began (the
    /// merge checks it still holds), judges each version the store did not
    /// hold and, for a case the store held nothing of, prepares its writes
    /// once all passed. A full-state bundle repeats every version its
    /// sender has: most of each are held already, and their checks would
    /// go unused (a held version's id was recomputed from its content by
    /// the reader, so it is byte for byte the version checked when it came).
    fn judge(
        &mut self,
        villages: &[crate::domain::commune::Village],
        scratch: &mut crate::store::Scratch,
        before: &crate::store::Before,
    ) {
        let versions = &self.versions;
        let any_new = |held: &[String]| versions.iter().any(|(_, v)| !held.contains(&v.id));
        self.looked = match versions.first() {
            Some((_, v)) => before.look(&v.record, any_new, &mut self.held).is_ok(),
            None => false,
        };
        let held: &[String] = if self.looked { &self.held.ids } else { &[] };
        self.judged.clear();
        self.judged.extend(
            self.versions
                .iter()
                .map(|(_, v)| (!held.contains(&v.id)).then(|| admit::judge_version(v, villages))),
        );
        if held.is_empty() && self.judged.iter().all(|j| matches!(j, Some(Ok(())))) {
            let refs: Vec<&Version> = self.versions.iter().map(|(_, v)| v).collect();
            self.fresh = crate::store::prepare(&refs, scratch);
        }
    }
}

type Judgement = std::result::Result<(), (Option<String>, RowRefusal)>;

/// Reads the rows, gathers each case's versions and hands the cases over
/// in batches; returns the work items. Stops early, without error, once
/// the other side hangs up (it has its own error to report).
fn read_cases<R: std::io::Read + std::io::Seek>(
    opened: &mut bundle::Opened<R>,
    send: std::sync::mpsc::SyncSender<Vec<CaseRows>>,
    merged: std::sync::mpsc::Receiver<Vec<CaseRows>>,
) -> Result<Vec<WorkItem>, Failed> {
    let mut gather = Gather::new(send, merged);
    let mut file: std::sync::Arc<str> = std::sync::Arc::from("");
    let work_items = opened.read_rows(|place, v| {
        let new_case = gather
            .case
            .versions
            .first()
            .is_some_and(|(_, c)| c.record != v.record);
        if *file != *place.file || new_case {
            if *file != *place.file {
                file = std::sync::Arc::from(place.file.as_str());
            }
            gather.next_case(&file)?;
        }
        let next = gather.spare_version();
        gather
            .case
            .versions
            .push((place.row, std::mem::replace(v, next)));
        Ok::<_, Failed>(())
    });
    let work_items = match work_items {
        Err(Failed::Stopped) => return Ok(Vec::new()),
        Err(e) => {
            // The versions read before the row that failed go to the merge
            // first: a refusal among them comes first in the file.
            let _ = gather.finish();
            return Err(e);
        }
        Ok(work_items) => work_items,
    };
    match gather.finish() {
        Err(Failed::Stopped) => return Ok(Vec::new()),
        other => other?,
    }
    Ok(work_items)
}

/// The reader's side of the hand-over: the case being gathered, the batch
/// being filled, and the memory of merged batches to fill again.
struct Gather {
    send: std::sync::mpsc::SyncSender<Vec<CaseRows>>,
    merged: std::sync::mpsc::Receiver<Vec<CaseRows>>,
    case: CaseRows,
    batch: Vec<CaseRows>,
    spare_batches: Vec<Vec<CaseRows>>,
    spare_cases: Vec<CaseRows>,
    spare_versions: Vec<Version>,
}

impl Gather {
    /// Cases a batch holds: one hand-over per case would cost more in
    /// waking threads than the case itself, and large batches make each
    /// thread find the memory it reuses gone cold from its caches. Since
    /// merged batches come back to be filled again, 256 cases a batch take
    /// ~5 % more CPU than 32 but an eighth of the hand-overs, and the
    /// import of 100,000 versions ~7 % less time (a million: 3.6 s, not
    /// 4.0, peak 29 MB, not 20).
    const BATCH: usize = 256;
    /// Most of each kind of spare kept: as many as are ever in flight.
    const SPARE: usize = 16 * Self::BATCH;

    fn new(
        send: std::sync::mpsc::SyncSender<Vec<CaseRows>>,
        merged: std::sync::mpsc::Receiver<Vec<CaseRows>>,
    ) -> Gather {
        Gather {
            send,
            merged,
            case: CaseRows::empty(std::sync::Arc::from("")),
            batch: Vec::with_capacity(Self::BATCH),
            spare_batches: Vec::new(),
            spare_cases: Vec::new(),
            spare_versions: Vec::new(),
        }
    }

    /// A version to read the next row into.
    fn spare_version(&mut self) -> Version {
        self.spare_versions.pop().unwrap_or_else(Version::blank)
    }

    /// Ends the case being gathered (if it has rows) and starts one in
    /// `file`; hands the batch over once it is full.
    fn next_case(&mut self, file: &std::sync::Arc<str>) -> Result<(), Failed> {
        let mut next = self
            .spare_cases
            .pop()
            .unwrap_or_else(|| CaseRows::empty(file.clone()));
        next.file.clone_from(file);
        let done = std::mem::replace(&mut self.case, next);
        if done.versions.is_empty() {
            self.spare_cases.push(done);
        } else {
            self.batch.push(done);
        }
        if self.batch.len() == Self::BATCH {
            self.hand_over()?;
        }
        Ok(())
    }

    /// Hands over the last case and batch.
    fn finish(&mut self) -> Result<(), Failed> {
        let file = self.case.file.clone();
        self.next_case(&file)?;
        if self.batch.is_empty() {
            return Ok(());
        }
        self.hand_over()
    }

    fn hand_over(&mut self) -> Result<(), Failed> {
        for mut old in self.merged.try_iter() {
            for mut case in old.drain(..) {
                let room = Self::SPARE.saturating_sub(self.spare_versions.len());
                self.spare_versions
                    .extend(case.versions.drain(..).map(|(_, v)| v).take(room));
                if self.spare_cases.len() < Self::SPARE {
                    self.spare_cases.push(case);
                }
            }
            if self.spare_batches.len() < Self::SPARE / Self::BATCH {
                self.spare_batches.push(old);
            }
        }
        let empty = self
            .spare_batches
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(Self::BATCH));
        let full = std::mem::replace(&mut self.batch, empty);
        self.send.send(full).map_err(|_| Failed::Stopped)
    }
}

/// Merges one case: versions the store holds are counted and passed as
/// they are (their ids were recomputed from their content, so they are
/// byte for byte versions checked when they came in); each new one must
/// have passed its judgement and may be brought by this sender.
fn merge_case(
    m: &mut Merge<'_>,
    case: &mut CaseRows,
    claim: &Claim,
    here: &Here,
) -> Result<AddSummary, Failed> {
    let Some((_, first)) = case.versions.first() else {
        return Ok(AddSummary::default());
    };
    if case.judged.len() != case.versions.len() {
        // Every batch passes the judge on its way here; this would be a bug.
        return Err(Failed::Store(StoreError::Db(
            "a case reached the merge unjudged".into(),
        )));
    }
    let record = first.record.as_str();
    let versions = &case.versions;
    let any_new = |held: &[String]| versions.iter().any(|(_, v)| !held.contains(&v.id));
    m.hold(record, any_new, &mut case.held, case.looked)?;
    let held = &case.held;
    let mut summary = AddSummary::default();
    let mut new = Vec::new();
    for ((row, v), judged) in case.versions.iter().zip(&case.judged) {
        if held.ids.contains(&v.id) {
            summary.known += 1;
            continue;
        }
        // Unjudged only if the store held it as the merge began, and so
        // holds it now: judged here all the same, should that ever change.
        let judged = match judged {
            Some(judged) => judged.clone(),
            None => admit::judge_version(v, &here.commune.villages),
        };
        judged
            .and_then(|()| admit::admit_version(v, claim, here, held.team()))
            .map_err(|(column, refusal)| Refusal::Row {
                file: case.file.to_string(),
                row: *row,
                column,
                refusal,
            })?;
        new.push(v);
    }
    summary += m.add_case(record, &new, case.fresh.as_ref(), held)?;
    Ok(summary)
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
            stale: m.stale,
        })
        .collect())
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Imports one bundle file: checks each row as it streams in and merges it
/// in one transaction, committed only if everything passed. A refused
/// bundle changes no case; it is logged, copied into `rejected/` in the
/// data folder beside a `.txt` giving the reason (in `lang`), and returned
/// as the error.
pub fn import_file(
    store: &Store,
    path: &Path,
    lang: Lang,
    now: DateTime<FixedOffset>,
) -> Result<Imported> {
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
                stale: m.stale,
            });
        }
        Err(failed @ (Failed::Store(_) | Failed::Stopped)) => return Err(failed.into_error(path)),
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
    let reason = i18n::bundle::refusal(lang, &rejection.refusal);
    rejection.kept = keep_rejected(store, path, &i18n::bundle::rejection(lang, &rejection));
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
        detail: reason,
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

/// Copies a refused bundle into `rejected/` with a `.txt` beside it. Keeping
/// it is a courtesy for whoever inspects it later: failing to must not hide
/// the refusal itself, so errors here only mean no copy.
fn keep_rejected(store: &Store, path: &Path, reason: &str) -> Option<PathBuf> {
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
    std::fs::write(&txt, format!("{reason}\n")).ok()?;
    Some(target)
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

#[cfg(test)]
mod tests {
    //! The merge algebra at the level users meet it: versions split across
    //! real signed bundles, imported through the real checks into a real
    //! store, in any order and any number of times, give the same heads.

    use super::*;
    use crate::domain::commune::{Commune, Device};
    use crate::domain::version::{Draft, Status};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    const TEAM_DEVICE: &str = "T3AB12";
    const COMMUNE_DEVICE: &str = "XA0001";

    fn signer() -> &'static Signer {
        static S: OnceLock<Signer> = OnceLock::new();
        S.get_or_init(|| Signer::generate_unencrypted().unwrap())
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-26T10:00:00+07:00").unwrap()
    }

    fn commune_store(dir: &Path, office: &[Version]) -> Store {
        let store = Store::create(
            dir,
            &Commune::with_numbered_villages("Xã Tân Phong", 6),
            &Device {
                id: COMMUNE_DEVICE.into(),
                role: Role::Commune,
            },
        )
        .unwrap();
        trust_team3(&store);
        store.add_versions(office).unwrap();
        store
    }

    fn trust_team3(store: &Store) {
        store
            .trust_key(&TrustedKey {
                id: signer().public.id.clone(),
                public: signer().public.base64(),
                team: Some(3),
                added_at: stamp(now()),
                revoked_at: None,
                device: None,
            })
            .unwrap();
    }

    /// A valid activation version, edited from `parents`.
    fn version(record: &str, parents: Vec<String>, device: &str, n: usize) -> Version {
        let values = [
            ("person_id", "034090123456"),
            ("full_name", "Nguyễn Văn An"),
            ("target_level", "level2"),
            ("status", "pending"),
            ("visit_date", "2026-11-20"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("note".to_string(), format!("lần {n}"))])
        .collect();
        Draft {
            record: record.into(),
            parents,
            form: "activation".into(),
            team: 3,
            device: device.into(),
            author: "Lan".into(),
            edited_at: DateTime::parse_from_rfc3339("2026-11-21T09:00:00+07:00").unwrap()
                + chrono::Duration::minutes(n as i64),
            status: Status::InProgress,
            values,
            confirmed: vec![],
        }
        .seal()
    }

    /// A random history over three cases: the team edits from earlier
    /// versions (sometimes two: merges), the office now and then; office
    /// versions are already at the commune, the team relays them.
    fn history() -> impl Strategy<Value = (Vec<Version>, Vec<Version>)> {
        prop::collection::vec(
            (0usize..3, any::<u8>(), any::<u8>(), 0u8..3, any::<bool>()),
            1..14,
        )
        .prop_map(|steps| {
            let mut all: Vec<Version> = Vec::new();
            let mut office = Vec::new();
            for (n, (case, p1, p2, k, by_office)) in steps.into_iter().enumerate() {
                let record = format!("AC-{case}");
                let earlier: Vec<&Version> = all.iter().filter(|v| v.record == record).collect();
                let mut parents = Vec::new();
                if !earlier.is_empty() && k > 0 {
                    parents.push(earlier[p1 as usize % earlier.len()].id.clone());
                    if k > 1 {
                        parents.push(earlier[p2 as usize % earlier.len()].id.clone());
                    }
                }
                let device = if by_office {
                    COMMUNE_DEVICE
                } else {
                    TEAM_DEVICE
                };
                let v = version(&record, parents, device, n);
                if by_office {
                    office.push(v.clone());
                }
                all.push(v);
            }
            (all, office)
        })
    }

    fn bundle_of(versions: Vec<Version>, sequence: u64) -> Vec<u8> {
        bundle::write(
            &Contents {
                header: Header {
                    commune: "Xã Tân Phong".into(),
                    sender: Role::Team(3),
                    sender_device: TEAM_DEVICE.into(),
                    receiver: Role::Commune,
                    sequence,
                    created_at: now(),
                },
                versions,
                work_items: vec![],
            },
            signer(),
        )
        .unwrap()
    }

    fn heads(store: &Store) -> Vec<(String, Vec<String>)> {
        store
            .cases()
            .unwrap()
            .into_iter()
            .map(|c| (c.record, c.heads))
            .collect()
    }

    fn import_all(office: &[Version], bundles: &[&[u8]]) -> Vec<(String, Vec<String>)> {
        let dir = tempfile::tempdir().unwrap();
        let store = commune_store(dir.path(), office);
        for b in bundles {
            let admitted = check(&store, b).unwrap();
            commit(&store, &admitted, Path::new("b.zip"), now()).unwrap();
        }
        heads(&store)
    }

    /// The case index and work list after importing `bundles` one by one,
    /// or all in one transaction.
    fn index_after(
        office: &[Version],
        bundles: &[&[u8]],
        together: bool,
    ) -> (
        Vec<crate::domain::case::CaseEntry>,
        Vec<crate::domain::listing::ListRow>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = commune_store(dir.path(), office);
        let admitted: Vec<Admitted> = bundles.iter().map(|b| check(&store, b).unwrap()).collect();
        if together {
            let all: Vec<(&Admitted, &Path)> =
                admitted.iter().map(|a| (a, Path::new("b.zip"))).collect();
            commit_all(&store, &all, now()).unwrap();
        } else {
            for a in &admitted {
                commit(&store, a, Path::new("b.zip"), now()).unwrap();
            }
        }
        (store.cases().unwrap(), store.list_rows().unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn bundles_merge_idempotently_commutatively_associatively(
            (all, office) in history(),
            picks in prop::collection::vec(any::<u8>(), 14),
        ) {
            // Three bundles over random subsets of the team's versions,
            // plus one with everything.
            let mut parts: [Vec<Version>; 3] = Default::default();
            for (v, p) in all.iter().zip(&picks) {
                for (i, part) in parts.iter_mut().enumerate() {
                    if p & (1 << i) != 0 {
                        part.push(v.clone());
                    }
                }
            }
            let [x, y, z] = parts.map(|p| bundle_of(p, 1));
            let whole = bundle_of(all.clone(), 2);
            // Together the parts hold what `whole` holds only when every
            // version landed in one of them; compare like with like.
            let covered: Vec<Version> = all
                .iter()
                .zip(&picks)
                .filter(|(_, p)| *p & 7 != 0)
                .map(|(v, _)| v.clone())
                .collect();
            let union = bundle_of(covered, 3);
            let reference = import_all(&office, &[&union]);
            prop_assert_eq!(&import_all(&office, &[&x, &y, &z]), &reference);
            prop_assert_eq!(&import_all(&office, &[&z, &y, &x]), &reference);
            prop_assert_eq!(&import_all(&office, &[&y, &x, &y, &z, &z, &x]), &reference);
            prop_assert_eq!(&import_all(&office, &[&union, &x, &union]), &reference);
            // Everything, in any order, once or twice.
            let everything = import_all(&office, &[&whole]);
            prop_assert_eq!(&import_all(&office, &[&x, &whole, &z]), &everything);
            prop_assert_eq!(&import_all(&office, &[&whole, &whole]), &everything);
            // Bundles merged in one transaction (later ones touching cases
            // earlier ones wrote) index exactly as one by one.
            let order: [&[u8]; 4] = [&y, &x, &whole, &z];
            prop_assert_eq!(index_after(&office, &order, true), index_after(&office, &order, false));
        }
    }

    #[test]
    fn dealing_to_cores_gives_every_item_once_in_turn() {
        let hands = deal_to_cores(0..7);
        assert!(!hands.is_empty() && hands.len() <= 7);
        for (h, hand) in hands.iter().enumerate() {
            assert!(
                hand.iter()
                    .enumerate()
                    .all(|(k, i)| *i == h + k * hands.len())
            );
        }
        assert_eq!(hands.iter().map(Vec::len).sum::<usize>(), 7);
        assert_eq!(
            deal_to_cores(std::iter::empty::<u8>()),
            vec![Vec::<u8>::new()]
        );
    }

    #[test]
    fn versions_read_in_place_are_the_stored_ones_and_write_the_same_files() {
        let a = version("AC-1", vec![], "T3AB12", 1);
        let b = version("AC-1", vec![a.id.clone()], "T3AB12", 2);
        let c = version("AC-1", vec![a.id.clone()], "XA0001", 3);
        let mut d = version("AC-1", vec![b.id.clone(), c.id.clone()], "T3AB12", 4);
        d.confirmed = vec!["person_id:id_year_mismatch".into()];
        d.values.remove("note");
        d.id = d.compute_id();
        let e = version("AC-2", vec![], "T3AB12", 5);
        let dir = tempfile::tempdir().unwrap();
        let store = commune_store(dir.path(), &[a, b, c, d, e]);
        let stored = store.version_bytes().unwrap();
        let in_place = stored.versions().unwrap();
        let owned = store.all_versions().unwrap();
        let copied: Vec<Version> = in_place.iter().map(StoredVersion::to_version).collect();
        assert_eq!(copied, owned);
        fn contents<V>(versions: Vec<V>) -> Contents<V> {
            Contents {
                header: bundle::Header {
                    commune: "Xã Tân Phong".into(),
                    sender: Role::Team(3),
                    sender_device: "T3AB12".into(),
                    receiver: Role::Commune,
                    sequence: 1,
                    created_at: now(),
                },
                versions,
                work_items: vec![],
            }
        }
        let files = |bytes: Vec<u8>| bundle::read(&bytes).unwrap().files;
        assert_eq!(
            files(bundle::write(&contents(in_place), signer()).unwrap()),
            files(bundle::write(&contents(owned), signer()).unwrap())
        );
    }

    #[test]
    fn a_refused_bundle_is_kept_aside_with_its_reason_and_logged() {
        let dir = tempfile::tempdir().unwrap();
        let store = commune_store(dir.path(), &[]);
        let mut bytes = bundle_of(vec![version("AC-1", vec![], TEAM_DEVICE, 1)], 1);
        let last = bytes.len() - 30;
        bytes[last] ^= 1;
        let file = dir.path().join("team3-T3AB12-to-commune-0001.zip");
        std::fs::write(&file, &bytes).unwrap();
        let err = import_file(&store, &file, Lang::Vi, now()).unwrap_err();
        let ExchangeError::Rejected(r) = err else {
            panic!("expected a rejection, got {err:?}");
        };
        let kept = r.kept.clone().unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), bytes);
        let txt = std::fs::read_to_string(format!("{}.txt", kept.display())).unwrap();
        assert!(txt.contains("không dùng được"), "{txt}");
        let log = store.imports().unwrap();
        assert_eq!(log.len(), 1);
        assert!(!log[0].accepted);
        assert!(store.all_versions().unwrap().is_empty());
        // The same bundle refused again is kept once, not twice.
        import_file(&store, &file, Lang::Vi, now()).unwrap_err();
        let kept_files = std::fs::read_dir(dir.path().join(REJECTED_DIR))
            .unwrap()
            .count();
        assert_eq!(kept_files, 2);
    }

    /// The container is checked beside the merge, on a reader of its own:
    /// a data file changed after signing is refused as changed, from
    /// memory or from its file, even where the change also breaks a row
    /// or comes from a key this store does not trust.
    #[test]
    fn a_changed_data_file_is_refused_as_changed_not_by_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let good = bundle_of(vec![version("AC-1", vec![], TEAM_DEVICE, 1)], 1);
        let at = good.windows(12).position(|w| w == b"034090123456").unwrap();
        let mut bytes = good.clone();
        bytes[at + 11] = b'X';
        let changed = Refusal::Format(BundleError::HashMismatch {
            file: "activation.csv".into(),
        });
        let store = commune_store(dir.path(), &[]);
        assert_eq!(check(&store, &bytes).err(), Some(changed.clone()));
        let file = dir.path().join("team3-T3AB12-to-commune-0001.zip");
        std::fs::write(&file, &bytes).unwrap();
        match import_file(&store, &file, Lang::Vi, now()) {
            Err(ExchangeError::Rejected(r)) => assert_eq!(r.refusal, changed),
            other => panic!("expected a rejection, got {other:?}"),
        }
        assert!(store.all_versions().unwrap().is_empty());
        // The unchanged bundle, read from the same file, is welcome.
        std::fs::write(&file, &good).unwrap();
        import_file(&store, &file, Lang::Vi, now()).unwrap();
        assert_eq!(store.all_versions().unwrap().len(), 1);

        let stranger = tempfile::tempdir().unwrap();
        let store = commune_store(stranger.path(), &[]);
        untrust(&store, &signer().public.id, now()).unwrap();
        assert_eq!(check(&store, &bytes).err(), Some(changed.clone()));
    }

    /// A row the form refuses, then a row that cannot be read as a
    /// version: the refusal first in the file is the one told, however the rows were
    /// batched between the threads.
    #[test]
    fn the_first_refusal_in_the_file_is_told_before_a_later_unreadable_row() {
        let mut wrong = version("AC-1", vec![], TEAM_DEVICE, 1);
        wrong.values.insert("person_id".into(), "12345".into());
        wrong.id = wrong.compute_id();
        let fine = version("AC-2", vec![], TEAM_DEVICE, 2);
        let dir = tempfile::tempdir().unwrap();
        let store = commune_store(dir.path(), &[]);
        let first = check(&store, &bundle_of(vec![wrong.clone()], 1))
            .err()
            .unwrap();
        assert!(matches!(first, Refusal::Row { row: 2, .. }), "{first:?}");

        // A later row whose id is not its content's: unreadable as a version.
        let mut unreadable = fine;
        unreadable.id = "0".repeat(32);
        let broken = bundle_of(vec![wrong, unreadable], 1);
        assert_eq!(check(&store, &broken).err(), Some(first));
    }

    #[test]
    fn the_first_bundle_ties_the_key_to_its_device_and_a_later_bundle_may_not_change_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = commune_store(dir.path(), &[]);
        let b = bundle_of(vec![version("AC-1", vec![], TEAM_DEVICE, 1)], 1);
        commit(
            &store,
            &check(&store, &b).unwrap(),
            Path::new("a.zip"),
            now(),
        )
        .unwrap();
        let key = store.trusted_key(&signer().public.id).unwrap().unwrap();
        assert_eq!(key.device.as_deref(), Some(TEAM_DEVICE));
        let mut other: Contents = Contents {
            header: Header {
                commune: "Xã Tân Phong".into(),
                sender: Role::Team(3),
                sender_device: "T3FFFF".into(),
                receiver: Role::Commune,
                sequence: 2,
                created_at: now(),
            },
            versions: vec![],
            work_items: vec![],
        };
        let b = bundle::write(&other, signer()).unwrap();
        assert!(matches!(
            check(&store, &b),
            Err(Refusal::Sender(SenderRefusal::DeviceChanged { .. }))
        ));
        // The commune's own device id cannot be claimed either.
        other.header.sender_device = COMMUNE_DEVICE.into();
        let b = bundle::write(&other, signer()).unwrap();
        assert!(matches!(
            check(&store, &b),
            Err(Refusal::Sender(SenderRefusal::OwnBundle))
        ));
    }
}
