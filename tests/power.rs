//! Power loss simulated, and a disk that fails (issue 19 point 6). The
//! store runs on a disk kept in memory (redb's `StorageBackend`) that holds
//! what was made durable apart from the writes not yet synced. The power
//! goes at a random write or sync: that call and every later one fail, and
//! what survives is the durable image with a random part of the unsynced
//! writes, some of them torn, as a real disk may leave them. The store is
//! then opened from what survived and must open, pass its whole check and
//! hold everything it held before and every save it acknowledged; an import
//! is there whole or not at all. The same disk fails one write, sync or
//! length change on demand: the user is told in one plain sentence, no
//! save is acknowledged that is not on the disk, and the store opened again
//! is whole.
//!
//! Saves go through `ops::case::create` and `ops::case::edit`, imports
//! through `ops::exchange::import_file`, and the store is unlocked through
//! `ops::exchange::unlock_with`: the paths both fronts take.
//!
//! The seed is printed; `TOTHON_POWER_SEED=N` replays a run.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};
use tothon::bundle::key::Signer;
use tothon::domain::save::Consent;
use tothon::domain::version::{Draft, Status, Version};
use tothon::error::Error;
use tothon::i18n::Lang;
use tothon::ops::{case, exchange};
use tothon::store::{Store, StoreError};

/// Simulated power cuts the saves and the imports get between them (the
/// issue asks for 1,000 at least).
const CUTS_DURING_SAVES: usize = 800;
const CUTS_DURING_IMPORTS: usize = 200;
/// Versions in the bundle imported (a few hundred).
const BUNDLE_VERSIONS: usize = 200;
/// Failures injected into a disk that keeps its power.
const FAULTS: usize = 300;

/// A reproducible random source (proptest's generator, seeded).
struct Dice(TestRng);

impl Dice {
    /// Seeded from `TOTHON_POWER_SEED`, else from the clock; the seed is
    /// printed, to replay a failure.
    fn seeded(test: &str) -> Dice {
        let seed: u64 = std::env::var("TOTHON_POWER_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        println!("{test}: seed {seed} (TOTHON_POWER_SEED={seed} replays it)");
        let mut bytes = [0; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        Dice(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

/// The calls a disk counts, to aim a power cut or a failure at one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Call {
    Write,
    Sync,
    SetLen,
}

/// A change made since the last sync: a real disk may have it or not.
enum Unsynced {
    Write { offset: usize, data: Vec<u8> },
    SetLen(usize),
}

impl Unsynced {
    /// Makes this change to `image`, writing only the sectors `whole`
    /// lets through (a write torn by a power cut).
    fn apply_to(&self, image: &mut Vec<u8>, mut whole: impl FnMut(usize) -> bool) {
        match self {
            Unsynced::SetLen(len) => image.resize(*len, 0),
            Unsynced::Write { offset, data } => {
                for (i, sector) in data.chunks(SECTOR).enumerate() {
                    let at = offset + i * SECTOR;
                    // Past an end that did not reach the disk, nothing.
                    if let Some(target) = image.get_mut(at..at + sector.len())
                        && whole(i)
                    {
                        target.copy_from_slice(sector);
                    }
                }
            }
        }
    }
}

/// What a disk holds and what is due to happen to it.
struct Platter {
    /// What a power cut leaves for certain: everything synced.
    durable: Vec<u8>,
    /// What reads see: the durable image and every change since.
    now: Vec<u8>,
    /// The changes since the last sync, in order.
    unsynced: Vec<Unsynced>,
    /// Writes, syncs and length changes since the disk was armed, of
    /// every kind, and of each kind.
    calls: u64,
    each: BTreeMap<Call, u64>,
    /// The call (counting all kinds) at which the power goes.
    cut_at: Option<u64>,
    /// The call of one kind (counting that kind) that fails.
    fault: Option<(Call, u64)>,
    /// The power went: every call fails.
    off: bool,
    /// The failure was injected.
    failed: bool,
}

impl Platter {
    fn holding(image: Vec<u8>) -> Platter {
        Platter {
            durable: image.clone(),
            now: image,
            unsynced: Vec::new(),
            calls: 0,
            each: BTreeMap::new(),
            cut_at: None,
            fault: None,
            off: false,
            failed: false,
        }
    }
}

/// A disk in memory that loses power and fails when told (see the
/// module). Clones are the same disk, as redb's read-only and writable
/// handles of one file are.
#[derive(Clone)]
struct Disk(Arc<Mutex<Platter>>);

impl std::fmt::Debug for Disk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Disk")
    }
}

/// Sectors are what a disk writes whole: a torn write is some of them.
const SECTOR: usize = 512;

impl Disk {
    /// A disk holding `image`, all of it durable.
    fn holding(image: Vec<u8>) -> Disk {
        Disk(Arc::new(Mutex::new(Platter::holding(image))))
    }

    /// The disk holds `image` instead, all of it durable.
    fn load(&self, image: Vec<u8>) {
        *self.platter() = Platter::holding(image);
    }

    fn platter(&self) -> MutexGuard<'_, Platter> {
        self.0.lock().unwrap()
    }

    /// Counts calls from nought; the power goes at call `cut_at`, and the
    /// `fault`'s call fails.
    fn arm(&self, cut_at: Option<u64>, fault: Option<(Call, u64)>) {
        let mut p = self.platter();
        p.calls = 0;
        p.each.clear();
        p.cut_at = cut_at;
        p.fault = fault;
        p.failed = false;
    }

    /// Calls since the disk was armed: all, and of `kind`.
    fn calls(&self) -> u64 {
        self.platter().calls
    }

    fn calls_of(&self, kind: Call) -> u64 {
        self.platter().each.get(&kind).copied().unwrap_or(0)
    }

    fn power_went(&self) -> bool {
        self.platter().off
    }

    fn failed(&self) -> bool {
        self.platter().failed
    }

    /// The power comes back: the disk holds its durable image and a random
    /// part of what was not synced, in order, some writes torn. How much
    /// of it reached the disk varies from cut to cut: none, about half,
    /// most, or all (as after a kill). What it holds is all durable now.
    fn reboot(&self, dice: &mut Dice) {
        let mut p = self.platter();
        let reached = [0, 4, 7, 8][dice.below(4) as usize];
        let mut image = std::mem::take(&mut p.durable);
        for change in std::mem::take(&mut p.unsynced) {
            if dice.below(8) >= reached {
                continue;
            }
            let torn = reached < 8 && dice.one_in(8);
            change.apply_to(&mut image, |_| !torn || dice.one_in(2));
        }
        p.now = image.clone();
        p.durable = image;
        p.off = false;
        p.cut_at = None;
        p.fault = None;
    }

    /// The program starts again on a disk that kept its power: it reads
    /// what was written, synced or not.
    fn restart(&self) {
        let mut p = self.platter();
        p.cut_at = None;
        p.fault = None;
    }

    /// A call of `kind`: fails if the power is off, goes now, or this call
    /// is the one to fail.
    fn call(p: &mut Platter, kind: Call) -> std::io::Result<()> {
        if p.off {
            return Err(power_off());
        }
        p.calls += 1;
        let nth = {
            let n = p.each.entry(kind).or_insert(0);
            *n += 1;
            *n
        };
        if p.cut_at == Some(p.calls) {
            p.off = true;
            return Err(power_off());
        }
        if p.fault == Some((kind, nth)) {
            p.failed = true;
            return Err(match kind {
                // A disk that has no room left says so when a file grows.
                Call::SetLen => {
                    std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left on device")
                }
                Call::Write | Call::Sync => std::io::Error::other("input/output error"),
            });
        }
        Ok(())
    }
}

fn power_off() -> std::io::Error {
    std::io::Error::other("the power is off")
}

fn out_of_range() -> std::io::Error {
    std::io::Error::from(std::io::ErrorKind::UnexpectedEof)
}

impl redb::StorageBackend for Disk {
    fn len(&self) -> std::io::Result<u64> {
        let p = self.platter();
        if p.off {
            return Err(power_off());
        }
        Ok(p.now.len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        let p = self.platter();
        if p.off {
            return Err(power_off());
        }
        let at = offset as usize;
        let bytes = p.now.get(at..at + out.len()).ok_or_else(out_of_range)?;
        out.copy_from_slice(bytes);
        Ok(())
    }

    fn set_len(&self, len: u64) -> std::io::Result<()> {
        let mut p = self.platter();
        Disk::call(&mut p, Call::SetLen)?;
        p.now.resize(len as usize, 0);
        p.unsynced.push(Unsynced::SetLen(len as usize));
        Ok(())
    }

    fn sync_data(&self) -> std::io::Result<()> {
        let mut p = self.platter();
        Disk::call(&mut p, Call::Sync)?;
        let Platter {
            durable, unsynced, ..
        } = &mut *p;
        for change in unsynced.drain(..) {
            change.apply_to(durable, |_| true);
        }
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        let mut p = self.platter();
        Disk::call(&mut p, Call::Write)?;
        let at = offset as usize;
        p.now
            .get_mut(at..at + data.len())
            .ok_or_else(out_of_range)?
            .copy_from_slice(data);
        p.unsynced.push(Unsynced::Write {
            offset: at,
            data: data.to_vec(),
        });
        Ok(())
    }
}

/// Where in a sitting the power went or the disk failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Moment {
    /// Opening or unlocking the store (redb's repair, the whole check).
    Opening,
    /// Saving or importing, before the commit reached the disk: the work
    /// in hand was lost (and never acknowledged).
    WorkLost,
    /// Saving or importing, after the commit reached the disk: the work
    /// was kept, though not acknowledged.
    WorkKeptUnacknowledged,
    /// Closing the store, after the last commit.
    Closing,
}

/// A store on a simulated disk, as tothon would find it in its folder.
struct Place {
    /// The folder the store's file would be in: its open mark goes there.
    dir: tempfile::TempDir,
    disk: Disk,
    signer: Signer,
}

impl Place {
    fn path(&self) -> PathBuf {
        Store::file_in(self.dir.path())
    }

    /// Opens and unlocks the store as a sitting does (the whole check
    /// first if the last sitting did not end).
    fn open(&self) -> Result<Store, Error> {
        let store = Store::open_on_backend(self.path(), self.disk.clone())?;
        store.hold_identity(self.signer.identity().clone());
        Ok(exchange::unlock_with(store, &self.signer)?)
    }

    /// The power came back, or the program started again: the store
    /// opens, whole. Returns it and whether its whole check was due.
    fn reopened(&self, after: &str) -> (Store, bool) {
        let store = Store::open_on_backend(self.path(), self.disk.clone())
            .unwrap_or_else(|e| panic!("the store does not open after {after}: {e}"));
        let due = store.check_due();
        store.hold_identity(self.signer.identity().clone());
        let mut store = exchange::unlock_with(store, &self.signer)
            .unwrap_or_else(|e| panic!("the store does not unlock after {after}: {e}"));
        // The unlock checked it whole when that was due (and refuses a
        // damaged store); otherwise it is checked here.
        if !due {
            let checked = store.check().unwrap();
            assert!(checked.is_whole(), "damaged after {after}: {checked:?}");
        }
        assert!(!store.check_due());
        (store, due)
    }

    /// A power cut takes the open mark too, if it finds it: its file was
    /// never synced. (redb's own repair must then see the check is due.)
    fn lose_mark(&self) {
        let mut mark = self.path().into_os_string();
        mark.push(".open");
        let _ = std::fs::remove_file(mark);
    }
}

/// The note of the `n`th save: its number, and a length that varies, so
/// that transactions differ in size.
fn note(n: u64) -> String {
    format!("lần {n} {}", "x".repeat(1 + (n * 37 % 400) as usize))
}

/// The save a note is of.
fn number(v: &Version) -> u64 {
    v.values["note"]
        .strip_prefix("lần ")
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("not a save of this test: {v:?}"))
}

fn pairs(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The saves of a test, and what the store must hold.
#[derive(Default)]
struct Ledger {
    /// Every version the store held when the sitting began (found whole).
    held: BTreeMap<(String, String), Version>,
    /// The versions saves returned this sitting.
    acknowledged: Vec<Version>,
    /// Saves tried this sitting that returned an error, by number.
    unacknowledged: BTreeSet<u64>,
    /// The next save's number.
    next: u64,
}

impl Ledger {
    /// One save as a person makes it: a new activation follow-up, or an
    /// edit of the note and phone of a case this test made.
    fn save(&mut self, store: &Store, dice: &mut Dice) -> Result<(), Error> {
        let n = self.next;
        self.next += 1;
        let records: Vec<&String> = self
            .held
            .keys()
            .map(|(record, _)| record)
            .chain(self.acknowledged.iter().map(|v| &v.record))
            .collect();
        let who = case::who(store, "Lan".into())?;
        let consent = Consent {
            draft: false,
            confirm: true,
        };
        let visited = (tothon::clock::today() - chrono::Duration::days(2))
            .format("%d/%m/%Y")
            .to_string();
        let saved = if records.is_empty() || dice.one_in(3) {
            let changes = pairs(&[
                ("full_name", "Nguyễn Văn An".into()),
                ("person_id", format!("034090{n:06}")),
                ("birth_date", "1/5/1990".into()),
                ("sex", "Nam".into()),
                ("phone", format!("09{n:08}")),
                ("target_level", "level2".into()),
                ("status", "activated_level2".into()),
                ("visit_date", visited),
                ("note", note(n)),
            ]);
            let refuse = case::IfCovered::Refuse;
            case::create(
                store,
                "activation",
                None,
                None,
                &changes,
                consent,
                &who,
                refuse,
            )
        } else {
            let record = records[dice.below(records.len() as u64) as usize].clone();
            let changes = pairs(&[("note", note(n)), ("phone", format!("09{n:08}"))]);
            case::edit(store, &record, &changes, consent, &who)
        };
        match saved {
            Ok(saved) => {
                assert_eq!(number(&saved.version), n);
                self.acknowledged.push(saved.version);
                Ok(())
            }
            Err(e) => {
                self.unacknowledged.insert(n);
                Err(e)
            }
        }
    }

    /// The sitting ended cleanly: what it saved is held.
    fn settle(&mut self) {
        assert!(self.unacknowledged.is_empty());
        for v in self.acknowledged.drain(..) {
            self.held.insert((v.record.clone(), v.id.clone()), v);
        }
    }

    /// Checks the store holds everything it held and every acknowledged
    /// save, exactly, and nothing else but saves tried this sitting; each
    /// case has one head, its newest version. Returns the saves tried and
    /// not acknowledged that the store kept, and begins the next sitting
    /// from what it holds.
    fn verify(&mut self, store: &Store, after: &str) -> BTreeSet<u64> {
        let now: BTreeMap<(String, String), Version> = store
            .all_versions()
            .unwrap()
            .into_iter()
            .map(|v| ((v.record.clone(), v.id.clone()), v))
            .collect();
        for v in self.held.values() {
            let found = now.get(&(v.record.clone(), v.id.clone()));
            assert_eq!(found, Some(v), "a version held before lost after {after}");
        }
        for v in &self.acknowledged {
            let found = now.get(&(v.record.clone(), v.id.clone()));
            assert_eq!(
                found,
                Some(v),
                "acknowledged save {} lost after {after}",
                number(v)
            );
        }
        let mut kept = BTreeSet::new();
        let mut newest: BTreeMap<&str, &Version> = BTreeMap::new();
        for (key, v) in &now {
            let n = number(v);
            if !self.held.contains_key(key) && !self.acknowledged.contains(v) {
                assert!(
                    self.unacknowledged.contains(&n),
                    "a version no save made this sitting after {after}: {v:?}"
                );
                kept.insert(n);
            }
            let entry = newest.entry(&v.record).or_insert(v);
            if number(entry) < n {
                *entry = v;
            }
        }
        let cases = store.cases().unwrap();
        assert_eq!(cases.len(), newest.len(), "one case per record");
        for case in &cases {
            assert_eq!(
                case.heads,
                [newest[case.record.as_str()].id.clone()],
                "{}'s head after {after}",
                case.record
            );
        }
        self.held = now;
        self.acknowledged.clear();
        self.unacknowledged.clear();
        kept
    }
}

/// The team device whose saves are cut: a store as `init team` makes it,
/// on a disk in memory.
fn team_place() -> Place {
    let made = tempfile::tempdir().unwrap();
    let commune = tothon::domain::commune::Commune::with_numbered_villages("Xã Thử", 6);
    let device = tothon::domain::commune::Device {
        id: "T2POWER".into(),
        role: tothon::domain::commune::Role::Team(2),
    };
    let passphrase = (common::PASS, tothon::bundle::key::Cost::LIGHT);
    let (store, signer) =
        tothon::ops::device::set_up_as(made.path(), &commune, &device, passphrase, None, now())
            .unwrap();
    drop(store);
    Place {
        dir: tempfile::tempdir().unwrap(),
        disk: Disk::holding(std::fs::read(Store::file_in(made.path())).unwrap()),
        signer,
    }
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap()
}

/// A commune office whose store is on a disk in memory, and a bundle of
/// `versions` valid activation follow-ups to it from team 1 (set up and
/// exported through the library, as the team's device does). The folder
/// holds the bundle.
fn office_and_bundle(versions: usize) -> (Place, PathBuf, common::Commune) {
    let c = common::Commune::with_teams([1]);
    let (team, signer) = common::sitting(&c.team(1));
    let device = team.device().unwrap().id;
    let drafts: Vec<Version> = (0..versions)
        .map(|i| {
            let values = [
                ("person_id", format!("034090{i:06}")),
                ("full_name", "Nguyễn Văn An".to_string()),
                ("target_level", "level2".to_string()),
                ("status", "activated_level2".to_string()),
                ("visit_date", "2026-11-20".to_string()),
                ("phone", format!("09{i:08}")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            Draft {
                record: format!("AC-{device}-{:04}", i + 1),
                parents: Vec::new(),
                form: "activation".into(),
                team: 1,
                device: device.clone(),
                author: "Lan".into(),
                edited_at: now() - chrono::Duration::days(3),
                status: Status::Done,
                values,
                confirmed: Vec::new(),
            }
            .seal()
        })
        .collect();
    team.add_versions(&drafts).unwrap();
    let bundle = exchange::export(&team, &signer, &c.path("out"), now()).unwrap()[0]
        .path
        .clone();
    drop(team);
    let office = Place {
        dir: tempfile::tempdir().unwrap(),
        disk: Disk::holding(std::fs::read(Store::file_in(&c.commune())).unwrap()),
        signer: c.commune_signer(),
    };
    (office, bundle, c)
}

/// How a sitting ended other than cleanly: the power went or the disk
/// failed, at this moment.
struct Ended {
    moment: Moment,
    /// The number of the save in hand.
    in_hand: Option<u64>,
    /// What the user was told: the error of the work that failed, and, in
    /// a sitting of saves, the error of the save tried after it (a person
    /// tries again). Empty when the store was being closed.
    told: Vec<Error>,
}

/// The team's device through sitting after sitting of saves, and what
/// its store must hold. Now and then the story starts again from the new
/// store, so that the store stays small and the test quick.
struct SaveStory {
    place: Place,
    first: Vec<u8>,
    ledger: Ledger,
    tally: Tally,
}

impl SaveStory {
    fn new() -> SaveStory {
        let place = team_place();
        let first = place.disk.platter().durable.clone();
        SaveStory {
            place,
            first,
            ledger: Ledger::default(),
            tally: Tally::default(),
        }
    }

    /// A sitting of one to `most` saves on a disk armed so: open, save,
    /// close, stopping after the first error and one more save (a person
    /// tries again). `None` if the power stayed on and the disk did not
    /// fail.
    fn sitting(
        &mut self,
        most: u64,
        cut_at: Option<u64>,
        fault: Option<(Call, u64)>,
        dice: &mut Dice,
    ) -> Option<Ended> {
        if self.tally.sittings.is_multiple_of(12) {
            self.place.disk.load(self.first.clone());
            self.ledger = Ledger {
                next: self.ledger.next,
                ..Ledger::default()
            };
        }
        self.tally.sittings += 1;
        let (place, ledger) = (&self.place, &mut self.ledger);
        place.disk.arm(cut_at, fault);
        let store = match place.open() {
            Ok(store) => store,
            Err(e) => {
                return Some(Ended {
                    moment: Moment::Opening,
                    in_hand: None,
                    told: vec![e],
                });
            }
        };
        for _ in 0..1 + dice.below(most) {
            let n = ledger.next;
            if let Err(e) = ledger.save(&store, dice) {
                let mut told = vec![e];
                told.extend(ledger.save(&store, dice).err());
                return Some(Ended {
                    moment: Moment::WorkLost,
                    in_hand: Some(n),
                    told,
                });
            }
        }
        drop(store);
        let disk = &place.disk;
        (disk.power_went() || disk.failed()).then_some(Ended {
            moment: Moment::Closing,
            in_hand: None,
            told: Vec::new(),
        })
    }

    /// After a sitting that ended cleanly: the next one opens the store
    /// where this one left it, holding what it saved.
    fn ended_cleanly(&mut self) {
        self.place.disk.restart();
        self.ledger.settle();
    }

    /// The store, opened again after a sitting `ended` so, holds what it
    /// must; counts where the sitting ended.
    fn verify(&mut self, store: &Store, ended: &Ended, after: &str) {
        let kept = self.ledger.verify(store, after);
        self.tally.count(match (ended.moment, ended.in_hand) {
            (Moment::WorkLost, Some(n)) if kept.contains(&n) => Moment::WorkKeptUnacknowledged,
            (moment, _) => moment,
        });
    }
}

/// The commune office importing team 1's bundle, sitting after sitting,
/// each time into its store as it was before.
struct ImportStory {
    place: Place,
    first: Vec<u8>,
    bundle: PathBuf,
    versions: usize,
    tally: Tally,
    /// The folder the bundle is in.
    _made: common::Commune,
}

impl ImportStory {
    fn new(versions: usize) -> ImportStory {
        let (place, bundle, made) = office_and_bundle(versions);
        let first = place.disk.platter().durable.clone();
        ImportStory {
            place,
            first,
            bundle,
            versions,
            tally: Tally::default(),
            _made: made,
        }
    }

    /// A sitting that imports the bundle on a disk armed so: open, import,
    /// close. `None` if the power stayed on and the disk did not fail.
    fn sitting(&mut self, cut_at: Option<u64>, fault: Option<(Call, u64)>) -> Option<Ended> {
        let place = &self.place;
        place.disk.load(self.first.clone());
        self.tally.sittings += 1;
        place.disk.arm(cut_at, fault);
        let ended = |moment, told| {
            Some(Ended {
                moment,
                in_hand: None,
                told,
            })
        };
        let store = match place.open() {
            Ok(store) => store,
            Err(e) => return ended(Moment::Opening, vec![e]),
        };
        let imported = exchange::import_file(&store, &self.bundle, now());
        drop(store);
        let disk = &place.disk;
        match imported {
            Err(e) => ended(Moment::WorkLost, vec![e.into()]),
            Ok(_) if disk.power_went() || disk.failed() => ended(Moment::Closing, Vec::new()),
            Ok(_) => None,
        }
    }

    /// After a sitting that ended cleanly: the bundle is in, whole.
    fn ended_cleanly(&self) {
        self.place.disk.restart();
        let (store, _) = self.place.reopened("an import");
        assert!(all_or_none(&store, self.versions, "an import"));
    }

    /// The store, opened again after a sitting `ended` so, holds all of
    /// the bundle or none (all if the import returned); counts where the
    /// sitting ended.
    fn verify(&mut self, store: &Store, ended: &Ended, after: &str) {
        let whole = all_or_none(store, self.versions, after);
        self.tally.count(match (ended.moment, whole) {
            (Moment::WorkLost, true) => Moment::WorkKeptUnacknowledged,
            (Moment::Opening, true) => panic!("an import before it began after {after}"),
            (Moment::Closing, false) => panic!("an import returned, then lost, after {after}"),
            (moment, _) => moment,
        });
    }
}

/// The store after an import was tried: all of the bundle or none, the
/// imports log saying the same. Returns whether it is all there.
fn all_or_none(store: &Store, versions: usize, after: &str) -> bool {
    let held = store.all_versions().unwrap();
    let log = store.imports().unwrap();
    assert!(held.iter().all(Version::id_is_valid));
    match held.len() {
        0 => {
            assert!(log.is_empty(), "nothing merged, yet logged, after {after}");
            assert_eq!(store.case_count().unwrap(), 0);
            false
        }
        n if n == versions => {
            assert_eq!(log.len(), 1, "one import logged after {after}");
            assert!(log[0].accepted);
            assert_eq!(log[0].new, versions);
            assert_eq!(store.case_count().unwrap() as usize, versions);
            true
        }
        n => panic!("{n} of {versions} versions after {after}: half an import"),
    }
}

/// How many sittings, and where the power went or the disk failed.
#[derive(Default)]
struct Tally {
    sittings: usize,
    at: BTreeMap<Moment, usize>,
}

impl Tally {
    fn count(&mut self, moment: Moment) {
        *self.at.entry(moment).or_default() += 1;
    }

    fn hits(&self) -> usize {
        self.at.values().sum()
    }

    fn at(&self, moment: Moment) -> usize {
        self.at.get(&moment).copied().unwrap_or(0)
    }

    fn say(&self, what: &str, work: &str) -> String {
        format!(
            "{} {what} in {} sittings: {} while the store was opened or checked, {} mid-{work} \
             before its commit reached the disk (lost, never acknowledged), {} mid-{work} after \
             (kept, not acknowledged), {} while the store was closed after the last commit",
            self.hits(),
            self.sittings,
            self.at(Moment::Opening),
            self.at(Moment::WorkLost),
            self.at(Moment::WorkKeptUnacknowledged),
            self.at(Moment::Closing)
        )
    }
}

/// Where the next power cut or failure goes: the calls (of one kind, or
/// all) that the last few sittings made when nothing stopped them.
struct Aim(std::collections::VecDeque<u64>);

impl Aim {
    fn new() -> Aim {
        Aim(std::collections::VecDeque::from([0; 8]))
    }

    /// The call to stop at, `None` before a sitting has been seen whole.
    fn pick(&self, dice: &mut Dice) -> Option<u64> {
        let longest = self.0.iter().copied().max().unwrap_or(0);
        (longest > 0).then(|| 1 + dice.below(longest))
    }

    fn saw(&mut self, calls: u64) {
        self.0.pop_front();
        self.0.push_back(calls);
    }
}

#[test]
fn power_cuts_during_saves_lose_no_acknowledged_save() {
    let started = Instant::now();
    let mut dice = Dice::seeded("saves");
    let mut story = SaveStory::new();
    let mut aim = Aim::new();
    let mut checks = 0;
    while story.tally.hits() < CUTS_DURING_SAVES {
        let cut_at = aim.pick(&mut dice);
        let ended = story.sitting(4, cut_at, None, &mut dice);
        let place = &story.place;
        let Some(ended) = ended else {
            aim.saw(place.disk.calls());
            story.ended_cleanly();
            continue;
        };
        assert!(
            place.disk.power_went(),
            "an error with the power on: {:?}",
            ended.told
        );
        let acknowledged = !story.ledger.acknowledged.is_empty();
        place.lose_mark();
        place.disk.reboot(&mut dice);
        let after = format!("the cut at call {}", cut_at.unwrap_or(0));
        let (store, due) = place.reopened(&after);
        checks += usize::from(due);
        if acknowledged && ended.moment != Moment::Closing {
            assert!(due, "no whole check after {after}, though saves were made");
        }
        story.verify(&store, &ended, &after);
    }
    let tally = &story.tally;
    println!(
        "{}; the whole check ran at {checks} of the unlocks after them; {} saves tried; {:?}",
        tally.say("power cuts during saves", "save"),
        story.ledger.next,
        started.elapsed()
    );
    assert!(tally.at(Moment::WorkLost) > 0, "no cut mid-save");
    assert!(tally.at(Moment::Opening) > 0, "no cut while opening");
    assert!(tally.at(Moment::Closing) > 0, "no cut while closing");
}

#[test]
fn power_cuts_during_an_import_leave_all_of_it_or_none() {
    let started = Instant::now();
    let mut dice = Dice::seeded("imports");
    let mut story = ImportStory::new(BUNDLE_VERSIONS);
    let mut aim = Aim::new();
    while story.tally.hits() < CUTS_DURING_IMPORTS {
        let cut_at = aim.pick(&mut dice);
        let Some(ended) = story.sitting(cut_at, None) else {
            aim.saw(story.place.disk.calls());
            story.ended_cleanly();
            continue;
        };
        let place = &story.place;
        assert!(
            place.disk.power_went(),
            "an error with the power on: {:?}",
            ended.told
        );
        place.lose_mark();
        place.disk.reboot(&mut dice);
        let after = format!("the cut at call {}", cut_at.unwrap_or(0));
        let (store, _) = place.reopened(&after);
        story.verify(&store, &ended, &after);
    }
    println!(
        "{} of {BUNDLE_VERSIONS} versions; {:?}",
        story.tally.say("power cuts during imports", "import"),
        started.elapsed()
    );
    assert!(story.tally.at(Moment::WorkLost) > 0, "no cut mid-import");
}

/// Checks `e` is told as the disk failing, in one plain sentence in each
/// language, Vietnamese first, and returns the Vietnamese.
fn told_plainly(e: &Error) -> String {
    assert!(
        matches!(e, Error::Store(StoreError::Disk(_))),
        "not told as the disk failing: {e:?}"
    );
    let mut said = Vec::new();
    for (lang, disk) in [(Lang::Vi, "ổ đĩa"), (Lang::En, "disk")] {
        let line = tothon::i18n::error(lang, e);
        assert!(line.to_lowercase().contains(disk), "{line}");
        assert!(!line.contains('\n'), "{line}");
        // One sentence: one full stop, at its end (the disk's own words
        // are quoted in brackets).
        let mut depth = 0;
        let stops = line
            .chars()
            .filter(|&c| {
                depth += i32::from(c == '(') - i32::from(c == ')');
                depth == 0 && matches!(c, '.' | '!' | '?')
            })
            .count();
        assert!(
            line.ends_with('.') && stops == 1,
            "not one sentence: {line}"
        );
        for raw in ["redb", "I/O error", "Previous", "re-open", "Some(", "Disk("] {
            assert!(!line.contains(raw), "raw words in: {line}");
        }
        said.push(line);
    }
    said.swap_remove(0)
}

#[test]
fn a_failing_disk_is_told_in_one_sentence_and_damages_nothing() {
    let started = Instant::now();
    let mut dice = Dice::seeded("faults");
    let mut saves = SaveStory::new();
    let mut imports = ImportStory::new(BUNDLE_VERSIONS / 3);
    let mut failed: BTreeMap<Call, usize> = BTreeMap::new();
    let mut aims: BTreeMap<(bool, Call), Aim> = BTreeMap::new();
    let mut sentences = BTreeSet::new();
    let (mut restarts, mut reboots) = (0, 0);
    while saves.tally.hits() + imports.tally.hits() < FAULTS {
        let import = dice.one_in(5);
        let kind = [Call::Write, Call::Write, Call::Sync, Call::SetLen][dice.below(4) as usize];
        let aim = aims.entry((import, kind)).or_insert_with(Aim::new);
        let fault = aim.pick(&mut dice).map(|nth| (kind, nth));
        let ended = if import {
            imports.sitting(None, fault)
        } else {
            saves.sitting(3, None, fault, &mut dice)
        };
        let place = if import { &imports.place } else { &saves.place };
        assert!(!place.disk.power_went());
        let Some(ended) = ended else {
            assert!(!place.disk.failed());
            aim.saw(place.disk.calls_of(kind));
            if import {
                imports.ended_cleanly();
            } else {
                saves.ended_cleanly();
            }
            continue;
        };
        assert!(
            place.disk.failed(),
            "an error from a disk that did not fail: {:?}",
            ended.told
        );
        *failed.entry(kind).or_default() += 1;
        for e in &ended.told {
            sentences.insert(told_plainly(e));
        }
        // A save acknowledged after the failure must be on the disk: the
        // power goes at once to prove it. Otherwise the program starts
        // again, or the power goes, either way.
        let after = format!("a failed {kind:?} call");
        if !saves.ledger.acknowledged.is_empty() || dice.one_in(2) {
            place.disk.reboot(&mut dice);
            reboots += 1;
        } else {
            place.disk.restart();
            restarts += 1;
        }
        let (store, _) = place.reopened(&after);
        if import {
            imports.verify(&store, &ended, &after);
        } else {
            saves.verify(&store, &ended, &after);
        }
    }
    println!(
        "{}; {}; failed calls by kind {failed:?}; then the program started again {restarts} \
         times and the power went {reboots} times; {:?}",
        saves.tally.say("disk failures during saves", "save"),
        imports.tally.say("disk failures during imports", "import"),
        started.elapsed()
    );
    for sentence in &sentences {
        println!("told: {sentence}");
    }
    assert!(saves.tally.at(Moment::WorkLost) > 0, "no failure mid-save");
    assert!(
        imports.tally.at(Moment::WorkLost) > 0,
        "no failure mid-import"
    );
    assert!(
        failed.len() == 3,
        "not every kind of call failed: {failed:?}"
    );
}
