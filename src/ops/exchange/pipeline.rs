//! The import pipeline, tuned for speed (see BENCHMARKS.md): a bundle read
//! as it streams, its container checked beside the merge, its rows gathered
//! case by case and handed in batches between a reader, a judge and the
//! merge, which holds the store's one write transaction.
//!
//! Change it only with the benchmarks at hand. Nothing here names a
//! language; refusals leave it as [`Refusal`]s.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::import::{file_label, latest_sequences};
use super::{ExchangeError, Refusal, Rejection, stamp};
use crate::bundle::key::Public;
use crate::bundle::{self, BundleError, Header};
use crate::domain::admit::{self, Claim, Here, KeyFacts, RowRefusal};
use crate::domain::commune::Role;
use crate::domain::version::Version;
use crate::domain::work::Moved;
use crate::store::{AddSummary, ImportEntry, Merge, Store, StoreError, TrustedKey};

/// Where a bundle's bytes are.
#[derive(Clone)]
pub(super) enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// A bundle being read: from memory, or streamed from its file (with a
/// second handle on the file, opened with the first, for [`Input::again`]).
pub(super) enum Input<'a> {
    Bytes(std::io::Cursor<&'a [u8]>),
    File(std::io::BufReader<std::fs::File>, Option<std::fs::File>),
}

impl<'a> Input<'a> {
    /// Opens a bundle file, refusing one too big to be a bundle before
    /// reading it.
    pub(super) fn file(path: &Path) -> Result<Input<'static>, Refusal> {
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

    pub(super) fn of(source: &Source) -> Result<Input<'_>, Refusal> {
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
pub(super) enum Failed {
    Refused(Refusal),
    Store(StoreError),
    /// The bundle reader was told to stop, the merge having failed first;
    /// never reported (the merge's own failure is).
    Stopped,
    /// The bundle is encrypted and this device's key has not been opened:
    /// not the bundle's fault; nothing is logged or set aside.
    Locked,
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
    pub(super) fn refusal(self) -> Refusal {
        match self {
            Failed::Refused(r) => r,
            Failed::Store(e) => Refusal::Local {
                detail: e.to_string(),
            },
            Failed::Stopped => Refusal::Local {
                detail: "stopped".into(),
            },
            Failed::Locked => Refusal::Format(BundleError::Locked),
        }
    }

    pub(super) fn into_error(self, file: &Path) -> ExchangeError {
        match self {
            Failed::Store(e) => ExchangeError::Store(e),
            Failed::Stopped => ExchangeError::Store(StoreError::Db("stopped".into())),
            Failed::Locked => ExchangeError::Locked,
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
pub(super) struct Merged {
    pub(super) header: Header,
    pub(super) key_id: String,
    pub(super) files: Vec<bundle::FileInfo>,
    pub(super) summary: AddSummary,
    pub(super) work_items: usize,
    /// (A team device) The work items the commune moved away from this
    /// team that left its list with this bundle.
    pub(super) moved: Vec<Moved>,
    pub(super) future: Future,
    pub(super) stale: bool,
}

/// The new versions of a bundle dated more than a day after it was taken
/// in: its device's clock is wrong (a year ahead, say), so they would
/// count on no day's report until then. Taken all the same (they are the
/// team's work), and said, naming the device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Future {
    pub count: usize,
    /// The latest such time.
    pub latest: Option<DateTime<FixedOffset>>,
}

impl Future {
    /// Notes a new version saved at `at`, the import running at `now`.
    fn note(&mut self, at: DateTime<FixedOffset>, now: DateTime<FixedOffset>) {
        if at > now + chrono::Duration::days(1) {
            self.count += 1;
            self.latest = self.latest.max(Some(at));
        }
    }
}

/// Reads, checks and merges bundles, in this order, in one transaction,
/// committed only when `commit` is true and every bundle passed every
/// check; otherwise the store is left exactly as it was. Each version is
/// judged by the form and by who may bring it as it streams in, and each
/// case is merged as soon as its rows are read.
pub(super) fn merge_bundles<'a>(
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
            match store.identity() {
                Some(identity) => opened.read_as(&identity),
                None if opened.sealed => return Err(Failed::Locked),
                None => {}
            }
            // The pass over the whole file that checks the container runs
            // beside the merge, on its own reader; its refusal comes first,
            // as when it was made before anything else, and stops the merge.
            let container = opened.container();
            // An older bundle than one already taken from the same device
            // still brings its versions, but not its villages or register:
            // those are the newer bundle's.
            let older = latest
                .get(&(
                    bundle::party_text(opened.header.sender),
                    opened.header.sender_device.clone(),
                ))
                .is_some_and(|seen| *seen > opened.header.sequence);
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
                        let merged = merge_rows(m, &mut opened, &here, &refused, older, now)?;
                        Ok((first, merged))
                    });
                (check.join(), merged)
            });
            checked
                .map_err(|_| Failed::Store(StoreError::Db("the bundle check stopped".into())))??;
            let (first_from_device, (summary, work_items, moved, future)) = merged?;
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
            if let Some(age) = &opened.sender_age {
                m.learn_age(&opened.key_id, &age.to_string())?;
            }
            m.log(&ImportEntry {
                file: file_label(file),
                sender,
                sequence: header.sequence,
                received_at: stamp(now),
                accepted: true,
                detail: String::new(),
                refusal: None,
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
                moved,
                future,
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
    older: bool,
    now: DateTime<FixedOffset>,
) -> Result<(AddSummary, usize, Vec<Moved>, Future), Failed> {
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
            let mut scratch = before.scratch();
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
        let mut future = Future::default();
        let mut failure = None;
        'merging: for mut batch in &batches {
            if refused.load(std::sync::atomic::Ordering::Relaxed) {
                failure = Some(Failed::Stopped);
                break;
            }
            for case in &mut batch {
                match merge_case(m, case, &claim, here, (now, &mut future)) {
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
        let received = read?;
        // An older bundle than one already taken neither moves an item away
        // nor brings one back: the newer one said where it is.
        let moved = match (here.role, older) {
            (Role::Team(team), false) => m.put_moved(&received.moved, team)?,
            _ => Vec::new(),
        };
        m.put_work_items(&received.work_items, !older)?;
        if let (Role::Team(_), false) = (here.role, older) {
            m.put_commune(&header.commune, received.villages)?;
        }
        if let (Some(people), Role::Team(_), false) = (received.people, here.role, older) {
            m.put_register(&people)?;
        }
        if let Role::Team(_) = here.role {
            m.put_forms(&received.forms)?;
        }
        Ok((summary, received.work_items.len(), moved, future))
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
) -> Result<bundle::Received, Failed> {
    let mut gather = Gather::new(send, merged);
    let mut file: std::sync::Arc<str> = std::sync::Arc::from("");
    let received = opened.read_rows(|place, v| {
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
    let received = match received {
        Err(Failed::Stopped) => return Ok(bundle::Received::default()),
        Err(e) => {
            // The versions read before the row that failed go to the merge
            // first: a refusal among them comes first in the file.
            let _ = gather.finish();
            return Err(e);
        }
        Ok(received) => received,
    };
    match gather.finish() {
        Err(Failed::Stopped) => return Ok(bundle::Received::default()),
        other => other?,
    }
    Ok(received)
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
    (now, future): (DateTime<FixedOffset>, &mut Future),
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
    // A team's work on an item the commune moved away from it, begun before
    // it learnt of the move, is taken as that team's: the case then shows
    // a conflict, for the office to settle (README: "Moving a work item").
    let case_team = match (claim.sender, here.role, held.team()) {
        (Role::Team(sender), Role::Commune, Some(team))
            if team != sender && any_new(&held.ids) && m.moved_from(record, sender)? =>
        {
            Some(sender)
        }
        (_, _, team) => team,
    };
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
            .and_then(|()| admit::admit_version(v, claim, here, case_team))
            .map_err(|(column, refusal)| Refusal::Row {
                file: case.file.to_string(),
                row: *row,
                column,
                refusal,
            })?;
        future.note(v.edited_at, now);
        new.push(v);
    }
    summary += m.add_case(record, &new, case.fresh.as_ref(), held)?;
    Ok(summary)
}
