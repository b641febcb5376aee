//! The demo commune: a realistic commune of six villages, its population,
//! the work the commune assigned and part of that work already done by each
//! team, with the problems a real commune has planted in realistic
//! proportions. Same seed and same day, same data.
//!
//! Layout: the commune's store in DIR, team N's store in DIR/team-N, the
//! bundles they exchanged in DIR/bundles.
//!
//! Work travels as it does in real use: the commune sends each team its work
//! list in a signed bundle; the teams' first visits come to the commune in
//! bundles; the office corrects some cases; the teams' second visits (some
//! to the same cases) come in the next bundles, one of them first cut short
//! on the way and refused, and one team's older bundle arrives late; the
//! commune's bundles take its corrections back. The commune's imports log,
//! conflicts and tables are therefore what real use leaves.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};

use crate::bundle::key::{Public, Signer};
use crate::clock;
use crate::domain::commune::{Commune, Device, Role, Village};
use crate::domain::form::{self, Context};
use crate::domain::reference;
use crate::domain::rules::Sex;
use crate::domain::version::{Draft, Version};
use crate::domain::work::{Person, WorkItem};
use crate::error::{Error, Result};
use crate::ops::exchange;
use crate::store::Store;

pub struct Options {
    pub people: usize,
    pub seed: u64,
}

/// What was built, with the planted problems counted so tests can check them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub people: usize,
    pub households: usize,
    pub teams: usize,
    pub work_items: usize,
    pub cases: usize,
    pub versions: usize,
    pub households_without_head: usize,
    /// People registered twice, in two villages, under the same personal ID.
    pub same_id_twice: usize,
    /// Different IDs under the same name and date of birth.
    pub same_name_and_birth: usize,
    pub conflicts: usize,
}

const COMMUNE: &str = "Xã Tân Phong";
/// Thái Bình: where most of the commune's births were registered.
const HOME_PROVINCE: &str = "034";
const VILLAGES: [&str; 6] = [
    "Thôn Đông",
    "Thôn Đoài",
    "Thôn Trung",
    "Thôn Thượng",
    "Thôn Hạ",
    "Thôn Tân Lập",
];
/// Share of each team's assigned work already done, so the tables differ.
const TEAM_PROGRESS: [u32; 6] = [72, 55, 38, 64, 30, 49];
const TEAM_MEMBERS: [&[&str]; 6] = [
    &["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Hoa"],
    &["Phạm Văn Dũng", "Nguyễn Thị Mai"],
    &["Vũ Thị Hằng", "Đỗ Văn Nam", "Bùi Thị Thu", "Ngô Văn Sơn"],
    &["Hoàng Văn Long", "Đặng Thị Yến"],
    &["Nguyễn Văn Tùng", "Trần Thị Nhung", "Lê Văn Kiên"],
    &["Phan Thị Hương", "Dương Văn Thắng", "Vũ Văn Bình"],
];

/// Family names with their rough share of the population (per mille).
const FAMILY: [(&str, u32); 16] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 39),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 15),
];
const MIDDLE_MALE: [&str; 10] = [
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh",
];
const MIDDLE_FEMALE: [&str; 8] = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng"];
const GIVEN_MALE: [&str; 28] = [
    "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hoàng", "Trung", "Thành", "Tùng", "Hiếu",
    "Kiên", "Lâm", "Toàn", "Quý", "Khoa",
];
const GIVEN_FEMALE: [&str; 28] = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Liên", "Linh",
    "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Thu", "Thủy", "Trang", "Tuyết",
    "Vân", "Yến", "Hòa", "Huyền", "Loan",
];
const ACTIVATION_BLOCKERS: [&str; 7] = [
    "no_smartphone",
    "old_phone",
    "sim_not_own",
    "lost_access",
    "away",
    "declined",
    "other",
];
const MISSING: [(&str, u32); 8] = [
    ("ethnicity", 18),
    ("religion", 16),
    ("cmnd", 20),
    ("birth_date", 8),
    ("place_of_origin", 14),
    ("birth_registration", 8),
    ("relation", 8),
    ("permanent_address", 8),
];

/// SplitMix64: small, fast and the same on every platform, which is what a
/// reproducible demo needs (no dependency on a random-number crate).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with `per_mille` chances in a thousand.
    fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if roll < *w {
                return item;
            }
            roll -= w;
        }
        &items[items.len() - 1].0
    }
}

/// Refuses to build over or open a folder whose store is not a demo.
pub fn check_is_demo(dir: &Path) -> Result<()> {
    let store = Store::open(dir)?;
    match store.setting::<bool>("demo")? {
        Some(true) => Ok(()),
        _ => Err(Error::NotADemo(dir.to_path_buf())),
    }
}

pub fn team_dir(dir: &Path, team: u8) -> PathBuf {
    dir.join(format!("team-{team}"))
}

/// Builds the demo in `dir`, replacing an earlier demo there.
///
/// The population and work list are decided first, in one thread and one
/// order; then the commune writes its copy while the teams, as many at once
/// as there are cores, write theirs, do their visits and export. Each team
/// draws from its own random stream, so the same seed gives the same data
/// whatever order the threads run in.
pub fn build(dir: &Path, options: &Options) -> Result<Summary> {
    clear_earlier(dir)?;
    let now = clock::now();
    let commune = Commune {
        name: COMMUNE.to_string(),
        villages: VILLAGES
            .iter()
            .enumerate()
            .map(|(i, name)| Village {
                team: i as u8 + 1,
                name: name.to_string(),
            })
            .collect(),
    };
    let mut rng = Rng(options.seed ^ 0xD1CE);
    let commune_device = Device {
        id: format!("XA{:04X}", rng.below(0x10000)),
        role: Role::Commune,
    };
    let devices: Vec<Device> = commune
        .villages
        .iter()
        .map(|village| Device {
            id: format!("T{}{:04X}", village.team, rng.below(0x10000)),
            role: Role::Team(village.team),
        })
        .collect();
    // The seven devices are set up (each derives its key from a passphrase,
    // slowly on purpose) on a second core while the population is decided.
    let (world, set_up) = std::thread::scope(|s| {
        let set_up = s.spawn(|| set_up_devices(dir, &commune, &commune_device, &devices, now));
        let world = World::generate(options, now);
        (world, joined(set_up))
    });
    let ((commune_store, commune_signer), team_stores) = set_up?;
    let mut summary = world.summary.clone();
    summary.teams = commune.villages.len();
    let World {
        people,
        work_items,
        hints,
        ..
    } = world;
    let shares = share_by_team(people, work_items, devices.len());
    let bundles = dir.join(BUNDLES_DIR);
    let field = Field {
        dir,
        commune: &commune,
        bundles: &bundles,
        hints: &hints,
        seed: options.seed,
        now,
    };
    let teams = devices
        .into_iter()
        .zip(team_stores)
        .zip(shares)
        .map(|((device, (store, signer)), share)| Team {
            device,
            store,
            signer,
            share,
        })
        .collect();
    let (stores, done) = field.two_rounds(
        commune_store,
        commune_signer,
        teams,
        |pool, edited_twice| office_corrections(&mut rng, pool, edited_twice, &commune_device, now),
    )?;
    summary.conflicts = done.office_edits;
    summary.versions = done.versions + done.office_edits;
    let (round1, round2) = (done.round1, done.round2);
    // A copy of one of them cut short on its way (a USB stick pulled out too
    // early) is refused and set aside.
    if let Some(whole) = round2.get(1) {
        let bytes = std::fs::read(whole).map_err(|e| file_error(whole, e))?;
        let cut = bundles.join(format!(
            "cut-short-{}",
            whole
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).map_err(|e| file_error(&cut, e))?;
        let refused = exchange::import_file(&stores.commune, &cut, now);
        debug_assert!(refused.is_err(), "a bundle cut in half must be refused");
    }
    // Yesterday's bundle from one team arrives late: harmless, and flagged.
    if let Some(late) = round1.get(4) {
        receive(&stores.commune, late, now)?;
    }
    // The office's corrections go back to the teams.
    stores.commune_sends(&bundles, now)?;
    summary.cases = stores.commune.case_count()? as usize;
    Ok(summary)
}

/// Removes an earlier demo's stores and bundles from `dir`.
fn clear_earlier(dir: &Path) -> Result<()> {
    if Store::exists_in(dir) {
        check_is_demo(dir)?;
        remove_store(dir)?;
    }
    for team in 1..=VILLAGES.len() as u8 {
        remove_store(&team_dir(dir, team))?;
    }
    // Bundles and refused copies of an earlier build would mix with the new
    // ones (sequence numbers start again at 1).
    for sub in [BUNDLES_DIR, exchange::REJECTED_DIR] {
        let path = dir.join(sub);
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|e| file_error(&path, e))?;
        }
    }
    Ok(())
}

/// Where the demo's bundles are written, as if on the USB stick they travel on.
pub const BUNDLES_DIR: &str = "bundles";

/// The passphrase of every demo device's signing key (see the README). A
/// real device's passphrase is chosen at set-up; a demo has nothing to hide
/// and must build without anyone typing.
pub const DEMO_PASSPHRASE: &str = "demo";

fn file_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::File {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn joined<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    h.join()
        .map_err(|_| Error::Terminal("a demo worker panicked".into()))?
}

/// One village's people and work items. Shared by the commune (which
/// stores everyone) and the village's team; freed once both have stored it.
struct Share {
    people: Vec<Person>,
    items: Vec<WorkItem>,
}

/// Splits the population and work list by team, keeping their order.
fn share_by_team(people: Vec<Person>, items: Vec<WorkItem>, teams: usize) -> Vec<Arc<Share>> {
    let index = |team: u8| (team as usize).saturating_sub(1).min(teams - 1);
    // Each share's room is made once: growing six vectors of a million
    // people step by step took the allocator a third of a second more.
    let mut counts = vec![(0, 0); teams];
    people.iter().for_each(|p| counts[index(p.team)].0 += 1);
    items.iter().for_each(|w| counts[index(w.team)].1 += 1);
    let mut shares: Vec<Share> = counts
        .into_iter()
        .map(|(people, items)| Share {
            people: Vec::with_capacity(people),
            items: Vec::with_capacity(items),
        })
        .collect();
    for p in people {
        shares[index(p.team)].people.push(p);
    }
    for w in items {
        shares[index(w.team)].items.push(w);
    }
    shares.into_iter().map(Arc::new).collect()
}

/// A device's store and its unlocked signing key.
type Keyed = (Store, Signer);

/// Creates a store with its key pair, as set-up would.
fn setup_store(
    dir: &Path,
    commune: &Commune,
    device: &Device,
    now: DateTime<FixedOffset>,
) -> Result<Keyed> {
    let store = Store::create(dir, commune, device)?;
    store.set_setting("demo", &true)?;
    let members: Vec<&str> = match device.role {
        Role::Commune => vec!["Cán bộ xã"],
        Role::Team(t) => TEAM_MEMBERS[(t as usize - 1) % TEAM_MEMBERS.len()].to_vec(),
    };
    store.set_setting("members", &members)?;
    exchange::new_key(&store, DEMO_PASSPHRASE, false, now)?;
    let signer = exchange::unlock(&store, DEMO_PASSPHRASE)?;
    Ok((store, signer))
}

/// The commune's store and key, and each team's, trusting the commune's.
fn set_up_devices(
    dir: &Path,
    commune: &Commune,
    commune_device: &Device,
    teams: &[Device],
    now: DateTime<FixedOffset>,
) -> Result<(Keyed, Vec<Keyed>)> {
    let (commune_store, commune_signer) = setup_store(dir, commune, commune_device, now)?;
    let mut stores = Vec::new();
    for device in teams {
        let Role::Team(team) = device.role else {
            return Err(Error::NotADemo(dir.to_path_buf()));
        };
        let (store, signer) = setup_store(&team_dir(dir, team), commune, device, now)?;
        exchange::trust(&store, None, &commune_signer.public, now)?;
        stores.push((store, signer));
    }
    Ok(((commune_store, commune_signer), stores))
}

/// A team's device, set up, with its village's share of the work.
struct Team {
    device: Device,
    store: Store,
    signer: Signer,
    share: Arc<Share>,
}

/// Exports a team's one bundle (to the commune) and returns its path.
fn export_team(
    store: &Store,
    signer: &Signer,
    bundles: &Path,
    now: DateTime<FixedOffset>,
) -> Result<PathBuf> {
    exchange::export(store, signer, bundles, now)?
        .into_iter()
        .next()
        .map(|e| e.path)
        .ok_or_else(|| Error::NotADemo(bundles.to_path_buf()))
}

/// What every team's work needs to know, shared read-only by the threads.
struct Field<'a> {
    dir: &'a Path,
    commune: &'a Commune,
    bundles: &'a Path,
    hints: &'a HashMap<String, Hint>,
    seed: u64,
    now: DateTime<FixedOffset>,
}

/// A team between its two rounds: its store and its second visits.
struct Between {
    team: u8,
    store: Store,
    signer: Signer,
    later: Vec<Version>,
}

/// What a team's first round brings the commune.
struct FirstRound {
    team: u8,
    bundle: PathBuf,
    public: Public,
    /// How many of its cases the team visited twice.
    edited_twice: usize,
    /// First visits the team has since edited again, a few picked at random:
    /// what the office may correct.
    offered: Vec<Version>,
}

/// The bundles of the two rounds, in team order, and what was saved.
struct Rounds {
    round1: Vec<PathBuf>,
    round2: Vec<PathBuf>,
    versions: usize,
    office_edits: usize,
}

/// How many of its first visits edited since a team offers the office. More
/// than the office ever corrects (see [`office_corrections`]).
const OFFERED: usize = 12;

impl Field<'_> {
    /// Two rounds of field work carried to the commune. The commune stores
    /// the population and work list while the teams store theirs, save their
    /// first visits and export; the commune merges each team's first bundle
    /// as it comes (in team order, so that the imports log reads the same
    /// in every build) while the other teams go on; the office corrects a
    /// few cases (`office`, from the first visits the teams offered); the
    /// second round is merged.
    fn two_rounds(
        &self,
        commune: Store,
        commune_signer: Signer,
        teams: Vec<Team>,
        office: impl FnOnce(&[Version], usize) -> Vec<Version>,
    ) -> Result<(Stores, Rounds)> {
        let everyone: Vec<Arc<Share>> = teams.iter().map(|t| Arc::clone(&t.share)).collect();
        let mut in_order = teams
            .iter()
            .filter_map(|t| match t.device.role {
                Role::Team(team) => Some(team),
                Role::Commune => None,
            })
            .collect::<Vec<u8>>()
            .into_iter()
            .peekable();
        // One worker per core does the first rounds of its teams, then
        // their second rounds.
        let shares = exchange::deal_to_cores(teams.into_iter());
        let commune_ref = &commune;
        let (betweens, rounds) = std::thread::scope(|s| {
            let commune = commune_ref;
            let stored = s.spawn(move || -> Result<()> {
                commune.put_people(everyone.iter().flat_map(|s| &s.people))?;
                commune.put_work_items(everyone.iter().flat_map(|s| &s.items))?;
                Ok(())
            });
            let (sent, arrived) = std::sync::mpsc::channel::<Result<FirstRound>>();
            let handles: Vec<_> = shares
                .into_iter()
                .map(|mine| {
                    let sent = sent.clone();
                    s.spawn(move || self.teams_work(mine, sent))
                })
                .collect();
            drop(sent);
            joined(stored)?;
            let mut firsts = Vec::new();
            let mut waiting = HashMap::new();
            for first in &arrived {
                let first = first?;
                waiting.insert(first.team, first);
                while let Some(f) = in_order.peek().and_then(|team| waiting.remove(team)) {
                    in_order.next();
                    exchange::trust(commune, Some(f.team), &f.public, self.now)?;
                    receive(commune, &f.bundle, self.now)?;
                    firsts.push(f);
                }
            }
            let round1: Vec<PathBuf> = firsts.iter().map(|f| f.bundle.clone()).collect();
            // Meanwhile at the office.
            let edited_twice = firsts.iter().map(|f| f.edited_twice).sum();
            let offered: Vec<Version> = firsts.into_iter().flat_map(|f| f.offered).collect();
            let office_edits = office(&offered, edited_twice);
            commune.add_versions(&office_edits)?;
            let mut betweens = Vec::new();
            let mut round2 = Vec::new();
            let mut versions = 0;
            for h in handles {
                for (between, bundle, saved) in joined(h)? {
                    round2.push((between.team, bundle));
                    betweens.push(between);
                    versions += saved;
                }
            }
            round2.sort_by_key(|(team, _)| *team);
            betweens.sort_by_key(|b| b.team);
            let round2: Vec<PathBuf> = round2.into_iter().map(|(_, b)| b).collect();
            exchange::import_files(commune, &round2, self.now)?;
            let rounds = Rounds {
                round1,
                round2,
                versions,
                office_edits: office_edits.len(),
            };
            Ok::<_, Error>((betweens, rounds))
        })?;
        let stores = Stores {
            commune,
            commune_signer,
            teams: betweens.into_iter().map(|b| (b.store, b.signer)).collect(),
        };
        Ok((stores, rounds))
    }

    /// One worker's teams: the first round of each, sent to the commune as
    /// soon as exported, then the second round of each. Returns each team's
    /// store, second bundle and number of versions saved.
    fn teams_work(
        &self,
        teams: Vec<Team>,
        sent: std::sync::mpsc::Sender<Result<FirstRound>>,
    ) -> Result<Vec<(Between, PathBuf, usize)>> {
        let mut betweens = Vec::new();
        for team in teams {
            match self.first_round(team) {
                Ok((between, first, saved)) => {
                    betweens.push((between, saved));
                    // A send fails only when the commune has given up
                    // (another team failed): its error is the one reported.
                    let _ = sent.send(Ok(first));
                }
                Err(e) => {
                    let _ = sent.send(Err(e));
                    return Ok(Vec::new());
                }
            }
        }
        drop(sent);
        let mut out = Vec::new();
        for (mut between, first_saved) in betweens {
            let later = std::mem::take(&mut between.later);
            between.store.add_versions(&later)?;
            let bundle = export_team(&between.store, &between.signer, self.bundles, self.now)?;
            out.push((between, bundle, first_saved + later.len()));
        }
        Ok(out)
    }

    /// A team's store set up with its village's people and work items, its
    /// visits decided, the first visits saved and exported. Returns the team
    /// between rounds, what its first round brings the commune and how many
    /// versions it saved.
    fn first_round(&self, team: Team) -> Result<(Between, FirstRound, usize)> {
        let Team {
            device,
            store,
            signer,
            share,
        } = team;
        let Role::Team(team) = device.role else {
            return Err(Error::NotADemo(self.dir.to_path_buf()));
        };
        store.put_people(&share.people)?;
        // The work list is handed over with the laptop, at set-up; later
        // changes travel in the commune's bundles.
        store.put_work_items(&share.items)?;
        let ctx = Context {
            today: self.now.date_naive(),
            villages: &self.commune.villages,
        };
        let mut rng = team_rng(self.seed, team);
        let work = do_team_work(&mut rng, &share.items, self.hints, &device, &ctx, self.now);
        // The commune may still be storing its copy; the last of the two frees it.
        drop(share);
        let offered = work.offer(&mut rng, OFFERED);
        store.add_versions(&work.first)?;
        let bundle = export_team(&store, &signer, self.bundles, self.now)?;
        let first = FirstRound {
            team,
            bundle,
            public: signer.public.clone(),
            edited_twice: work.later.len(),
            offered,
        };
        let saved = work.first.len();
        let between = Between {
            team,
            store,
            signer,
            later: work.later,
        };
        Ok((between, first, saved))
    }
}

/// Each team's own random stream: a team's work does not depend on which
/// thread did the other teams' first.
fn team_rng(seed: u64, team: u8) -> Rng {
    let mut mixer = Rng(seed ^ 0x7EA4_0000 ^ u64::from(team));
    Rng(mixer.next())
}

/// The seven devices of the demo, each with its store and signing key.
struct Stores {
    commune: Store,
    commune_signer: Signer,
    teams: Vec<(Store, Signer)>,
}

impl Stores {
    /// The commune exports a bundle per team; each team imports its own, as
    /// many at once as there are cores (more would only hold more bundles in
    /// memory at the same time).
    fn commune_sends(&self, bundles: &Path, now: DateTime<FixedOffset>) -> Result<()> {
        let sent = exchange::export(&self.commune, &self.commune_signer, bundles, now)?;
        let at_once = std::thread::available_parallelism().map_or(2, |n| n.get());
        for teams in self.teams.chunks(at_once) {
            std::thread::scope(|s| {
                let handles: Vec<_> = teams
                    .iter()
                    .map(|(store, _)| {
                        let sent = &sent;
                        s.spawn(move || -> Result<()> {
                            let role = store.device()?.role;
                            for e in sent.iter().filter(|e| e.header.receiver == role) {
                                receive(store, &e.path, now)?;
                            }
                            Ok(())
                        })
                    })
                    .collect();
                handles.into_iter().try_for_each(joined)
            })?;
        }
        Ok(())
    }
}

fn receive(store: &Store, file: &Path, now: DateTime<FixedOffset>) -> Result<()> {
    exchange::import_files(store, &[file.to_path_buf()], now)?;
    Ok(())
}

fn remove_store(dir: &Path) -> Result<()> {
    let file = Store::file_in(dir);
    if file.exists() {
        std::fs::remove_file(&file).map_err(|e| Error::File {
            path: file,
            detail: e.to_string(),
        })?;
    }
    Ok(())
}

/// The population and the work list, before anyone has done anything.
struct World {
    people: Vec<Person>,
    work_items: Vec<WorkItem>,
    /// What a team will find at a household, by work-item id.
    hints: HashMap<String, Hint>,
    summary: Summary,
}

/// What a visit to a household will turn up, planted with the problems.
#[derive(Default)]
struct Hint {
    /// For a household without a head: the member who will be named (name, ID).
    head: Option<(String, String)>,
    /// Personal IDs of suspected duplicates living there.
    duplicates: Vec<String>,
}

struct Household {
    code: String,
    team: u8,
    address: String,
    members: Vec<usize>,
    head: Option<usize>,
}

impl World {
    fn generate(options: &Options, now: DateTime<FixedOffset>) -> World {
        let mut rng = Rng(options.seed);
        let today = now.date_naive();
        let mut used_ids = HashSet::new();
        let mut people: Vec<Person> = Vec::with_capacity(options.people + options.people / 50);
        let mut households: Vec<Household> = Vec::new();
        let mut summary = Summary::default();
        let mut missing: BTreeMap<usize, &'static str> = BTreeMap::new();
        let mut activated: HashSet<usize> = HashSet::new();

        let mut per_team = [0usize; VILLAGES.len()];
        let mut head_candidate: HashMap<usize, usize> = HashMap::new();
        let mut duplicates_in: HashMap<usize, Vec<String>> = HashMap::new();
        while people.len() < options.people {
            let team = rng.range(1, VILLAGES.len() as i64) as u8;
            per_team[team as usize - 1] += 1;
            let seq = per_team[team as usize - 1];
            let size =
                *rng.weighted(&[(1, 10), (2, 18), (3, 22), (4, 25), (5, 15), (6, 7), (7, 3)]);
            let family = *rng.weighted(&FAMILY);
            let mut h = Household {
                code: format!("T{team}-{seq:04}"),
                team,
                address: format!("Số {}, {}", rng.range(1, 250), VILLAGES[team as usize - 1]),
                members: Vec::new(),
                head: None,
            };
            let head_age = rng.range(24, 82);
            for m in 0..size {
                let (relation, sex, age) = member_shape(&mut rng, m, head_age);
                let fam = if relation == "Vợ" || relation == "Con dâu" {
                    *rng.weighted(&FAMILY)
                } else {
                    family
                };
                let person = make_person(
                    &mut rng,
                    &mut used_ids,
                    people.len(),
                    fam,
                    sex,
                    age,
                    today,
                    &h,
                    relation,
                );
                if person.relation == "Chủ hộ" {
                    h.head = Some(people.len());
                }
                if age >= 14 && rng.chance(560) {
                    activated.insert(people.len());
                }
                h.members.push(people.len());
                people.push(person);
            }
            // Hộ không có chủ hộ: the head died or moved and nobody was named.
            if rng.chance(30)
                && let Some(head) = h.head.take()
            {
                people[head].relation = "Khác".to_string();
                head_candidate.insert(households.len(), head);
                summary.households_without_head += 1;
            }
            households.push(h);
        }

        // Missing fields: the person's data lacks one field.
        for (i, p) in people.iter_mut().enumerate() {
            if rng.chance(70) {
                let field = *rng.weighted(&MISSING);
                match field {
                    "ethnicity" => p.ethnicity.clear(),
                    "religion" => p.religion.clear(),
                    "birth_date" => p.birth_date.truncate(4),
                    "relation" => p.relation.clear(),
                    _ => {}
                }
                missing.insert(i, field);
            }
        }

        // The same person registered in two villages, and the same name and
        // birth date under two IDs: both show up as suspected duplicates.
        let twins = (people.len() / 250).max(2);
        for n in 0..twins * 2 {
            let original = rng.below(people.len() as u64) as usize;
            let target = loop {
                let h = rng.below(households.len() as u64) as usize;
                if households[h].team != people[original].team {
                    break h;
                }
            };
            let mut copy = people[original].clone();
            copy.key = format!("P{:06}", people.len() + 1);
            copy.team = households[target].team;
            copy.household = households[target].code.clone();
            copy.relation = "Khác".to_string();
            if n % 2 == 0 {
                summary.same_id_twice += 1;
            } else {
                copy.personal_id = new_id(&mut rng, &mut used_ids, &copy, HOME_PROVINCE);
                summary.same_name_and_birth += 1;
            }
            duplicates_in
                .entry(target)
                .or_default()
                .push(copy.personal_id.clone());
            households[target].members.push(people.len());
            people.push(copy);
        }

        // Work items are made in household and person order, and numbered
        // at the end (below).
        let mut work_items: Vec<WorkItem> = Vec::new();
        let due = |rng: &mut Rng| Some((today + Duration::days(rng.range(5, 45))).to_string());
        let mut hints_at = HashMap::new();
        for (index, h) in households.iter().enumerate() {
            let mut prefill = BTreeMap::from([
                ("household_code".to_string(), h.code.clone()),
                ("village".to_string(), h.team.to_string()),
                ("address".to_string(), h.address.clone()),
                (
                    "members_registered".to_string(),
                    h.members.len().to_string(),
                ),
            ]);
            if let Some(head) = h.head {
                prefill.insert("head_name".into(), people[head].full_name.clone());
                prefill.insert("head_id".into(), people[head].personal_id.clone());
            }
            let hint = Hint {
                head: head_candidate
                    .get(&index)
                    .map(|&p| (people[p].full_name.clone(), people[p].personal_id.clone())),
                duplicates: duplicates_in.remove(&index).unwrap_or_default(),
            };
            if hint.head.is_some() || !hint.duplicates.is_empty() {
                hints_at.insert(work_items.len(), hint);
            }
            work_items.push(WorkItem {
                id: String::new(),
                form: "household_check".into(),
                team: h.team,
                due: due(&mut rng),
                prefill,
            });
        }
        for (&i, &field) in &missing {
            let mut prefill = person_prefill(&people[i]);
            prefill.insert("missing".into(), field.to_string());
            work_items.push(WorkItem {
                id: String::new(),
                form: "missing_field".into(),
                team: people[i].team,
                due: due(&mut rng),
                prefill,
            });
        }
        for (i, p) in people.iter().enumerate() {
            let adult = PersonAge::of(p, today) >= 14;
            if adult && !activated.contains(&i) {
                let mut prefill = person_prefill(p);
                if !p.phone.is_empty() {
                    prefill.insert("phone".into(), p.phone.clone());
                }
                prefill.insert("target_level".into(), "level2".into());
                work_items.push(WorkItem {
                    id: String::new(),
                    form: "activation".into(),
                    team: p.team,
                    due: due(&mut rng),
                    prefill,
                });
            }
        }
        // Numbered village by village, as a commune lists its work: each
        // team's cases are then neighbours in the store, and a team's bundle
        // touches its own part of the commune's tables, not all of them.
        let mut numbering: Vec<usize> = (0..work_items.len()).collect();
        numbering.sort_by(|&a, &b| {
            let (a, b) = (&work_items[a], &work_items[b]);
            (&a.form, a.team).cmp(&(&b.form, b.team))
        });
        let mut counters: HashMap<String, usize> = HashMap::new();
        for i in numbering {
            let item = &mut work_items[i];
            let n = counters.entry(item.form.clone()).or_insert(0);
            *n += 1;
            let code = form::form(&item.form).map_or("CS", |f| f.code.as_str());
            item.id = format!("{code}-{n:05}");
        }
        let hints = hints_at
            .into_iter()
            .map(|(i, hint)| (work_items[i].id.clone(), hint))
            .collect();
        summary.people = people.len();
        summary.households = households.len();
        summary.work_items = work_items.len();
        World {
            people,
            work_items,
            hints,
            summary,
        }
    }
}

struct PersonAge;

impl PersonAge {
    fn of(p: &Person, today: NaiveDate) -> i32 {
        p.birth_date
            .get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .map(|y| today.year() - y)
            .unwrap_or(0)
    }
}

/// Relation, sex and age of the m-th member of a household.
fn member_shape(rng: &mut Rng, m: usize, head_age: i64) -> (&'static str, Sex, i64) {
    let sex = |rng: &mut Rng| {
        if rng.chance(500) {
            Sex::Male
        } else {
            Sex::Female
        }
    };
    match m {
        0 => (
            "Chủ hộ",
            if rng.chance(800) {
                Sex::Male
            } else {
                Sex::Female
            },
            head_age,
        ),
        1 if head_age > 22 && rng.chance(850) => {
            ("Vợ", Sex::Female, (head_age + rng.range(-6, 2)).max(18))
        }
        _ if head_age > 62 && rng.chance(300) => {
            let s = sex(rng);
            let rel = if s == Sex::Male {
                "Con rể"
            } else {
                "Con dâu"
            };
            (rel, s, head_age - rng.range(22, 35))
        }
        _ if head_age < 55 && rng.chance(120) => {
            let s = sex(rng);
            let rel = if s == Sex::Male {
                "Cha đẻ"
            } else {
                "Mẹ đẻ"
            };
            (rel, s, (head_age + rng.range(20, 32)).min(99))
        }
        _ if head_age > 58 && rng.chance(400) => (
            "Cháu nội",
            sex(rng),
            rng.range(0, (head_age - 45).clamp(1, 25)),
        ),
        _ => ("Con", sex(rng), (head_age - rng.range(20, 40)).max(0)),
    }
}

#[allow(clippy::too_many_arguments)]
fn make_person(
    rng: &mut Rng,
    used_ids: &mut HashSet<String>,
    index: usize,
    family: &str,
    sex: Sex,
    age: i64,
    today: NaiveDate,
    h: &Household,
    relation: &str,
) -> Person {
    let year = (today.year() as i64 - age).max(1902) as i32;
    let birth = NaiveDate::from_ymd_opt(year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
        .unwrap_or(today)
        .min(today - Duration::days(rng.range(1, 60)));
    // Old records often kept the year alone.
    let birth_date = if year < 1950 && rng.chance(250) {
        year.to_string()
    } else {
        birth.to_string()
    };
    let (middle, given) = match sex {
        Sex::Male => (*rng.pick(&MIDDLE_MALE), *rng.pick(&GIVEN_MALE)),
        Sex::Female => (*rng.pick(&MIDDLE_FEMALE), *rng.pick(&GIVEN_FEMALE)),
    };
    let mut p = Person {
        key: format!("P{:06}", index + 1),
        personal_id: String::new(),
        full_name: format!("{family} {middle} {given}"),
        birth_date,
        sex: Some(sex),
        household: h.code.clone(),
        team: h.team,
        relation: relation.to_string(),
        phone: String::new(),
        ethnicity: if rng.chance(960) { "Kinh" } else { "Tày" }.to_string(),
        religion: if rng.chance(880) {
            "Không"
        } else if rng.chance(800) {
            "Công giáo"
        } else {
            "Phật giáo"
        }
        .to_string(),
    };
    let province = if rng.chance(880) {
        HOME_PROVINCE.to_string()
    } else {
        rng.pick(reference::provinces()).code.clone()
    };
    p.personal_id = new_id(rng, used_ids, &p, &province);
    if age >= 15 && rng.chance(800) {
        p.phone = phone(rng);
    }
    p
}

/// A personal ID with the structure the rules check: province, century and
/// sex, year, then six random digits; unique within the demo.
fn new_id(rng: &mut Rng, used: &mut HashSet<String>, p: &Person, province: &str) -> String {
    let year: i32 = p
        .birth_date
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(1990);
    let century = (year - 1900) / 100;
    let female = i32::from(p.sex == Some(Sex::Female));
    let digit = century * 2 + female;
    loop {
        let id = format!(
            "{province}{digit}{:02}{:06}",
            year % 100,
            rng.below(1_000_000)
        );
        if used.insert(id.clone()) {
            return id;
        }
    }
}

fn phone(rng: &mut Rng) -> String {
    const PREFIXES: [&str; 12] = [
        "096", "097", "098", "086", "032", "035", "091", "094", "088", "090", "093", "070",
    ];
    format!("{}{:07}", rng.pick(&PREFIXES), rng.below(10_000_000))
}

fn person_prefill(p: &Person) -> BTreeMap<String, String> {
    let mut m = BTreeMap::from([
        ("person_id".to_string(), p.personal_id.clone()),
        ("full_name".to_string(), p.full_name.clone()),
    ]);
    if !p.birth_date.is_empty() {
        m.insert("birth_date".into(), p.birth_date.clone());
    }
    if let Some(sex) = p.sex {
        let v = if sex == Sex::Male { "male" } else { "female" };
        m.insert("sex".into(), v.into());
    }
    m
}

fn at(day: NaiveDate, rng: &mut Rng) -> DateTime<FixedOffset> {
    let tz = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let time = day
        .and_hms_opt(rng.range(7, 17) as u32, rng.range(0, 59) as u32, 0)
        .unwrap_or_default();
    tz.from_local_datetime(&time)
        .single()
        .unwrap_or_else(|| tz.from_utc_datetime(&time))
}

/// A team's saved versions: first visits, and later visits each with the
/// index of its parent among the first ones.
struct TeamWork {
    first: Vec<Version>,
    later: Vec<Version>,
    parent_of_later: Vec<usize>,
}

impl TeamWork {
    /// Up to `n` first visits, of different cases, that the team has since
    /// edited again, picked at random.
    fn offer(&self, rng: &mut Rng, n: usize) -> Vec<Version> {
        let mut out: Vec<Version> = Vec::new();
        for _ in 0..n * 3 {
            if out.len() >= n || self.later.is_empty() {
                break;
            }
            let child = rng.below(self.later.len() as u64) as usize;
            let parent = &self.first[self.parent_of_later[child]];
            if out.iter().all(|o| o.record != parent.record) {
                out.push(parent.clone());
            }
        }
        out
    }
}

/// The versions a team has saved: part of its work items, some in several
/// visits, each checked by the form spec exactly as a save would be.
fn do_team_work(
    rng: &mut Rng,
    items: &[WorkItem],
    hints: &HashMap<String, Hint>,
    device: &Device,
    ctx: &Context,
    now: DateTime<FixedOffset>,
) -> TeamWork {
    let mut out = TeamWork {
        first: Vec::new(),
        later: Vec::new(),
        parent_of_later: Vec::new(),
    };
    let Role::Team(team) = device.role else {
        return out;
    };
    let members = TEAM_MEMBERS[(team as usize - 1) % TEAM_MEMBERS.len()];
    let progress = TEAM_PROGRESS[(team as usize - 1) % TEAM_PROGRESS.len()];
    for item in items {
        if !rng.chance(progress * 10 + 150) {
            continue;
        }
        let Some(spec) = form::form(&item.form) else {
            continue;
        };
        let author = rng.pick(members).to_string();
        let days_ago = rng.range(1, 75);
        // Nobody is visited before they are born.
        let born = item
            .prefill
            .get("birth_date")
            .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
        let day = (ctx.today - Duration::days(days_ago)).max(born.unwrap_or(NaiveDate::MIN));
        let visits = fill(rng, item, hints.get(&item.id), day, ctx.today, &author);
        let mut parent: Option<usize> = None;
        for (n, raw) in visits.into_iter().enumerate() {
            let when = (at(day + Duration::days(n as i64 * 6), rng)).min(now);
            // Checked as of the day it is saved, as the form and every later
            // import judge it.
            let on_the_day = Context {
                today: when.date_naive(),
                villages: ctx.villages,
            };
            let checked = spec.check(&raw, &on_the_day);
            debug_assert!(!checked.has_errors(), "{}: {:?}", item.id, checked.problems);
            let v = Draft {
                record: item.id.clone(),
                parents: parent
                    .map(|i| vec![out.first[i].id.clone()])
                    .unwrap_or_default(),
                form: item.form.clone(),
                team,
                device: device.id.clone(),
                author: author.clone(),
                edited_at: when,
                status: spec.status(&checked),
                values: checked.values,
                confirmed: Vec::new(),
            }
            .seal();
            match parent {
                // Visits come at most two to a case (see `fill`): a later
                // visit's parent is always a first visit.
                Some(i) => {
                    out.later.push(v);
                    out.parent_of_later.push(i);
                }
                None => {
                    parent = Some(out.first.len());
                    out.first.push(v);
                }
            }
        }
    }
    out
}

/// The field values of each visit to one work item (usually one visit).
fn fill(
    rng: &mut Rng,
    item: &WorkItem,
    hint: Option<&Hint>,
    day: NaiveDate,
    today: NaiveDate,
    author: &str,
) -> Vec<BTreeMap<String, String>> {
    let mut v = item.prefill.clone();
    v.insert("visit_date".into(), day.min(today).to_string());
    v.insert("checker".into(), author.to_string());
    match item.form.as_str() {
        "household_check" => {
            let registered: i64 = v
                .get("members_registered")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let mut findings = Vec::new();
            if !v.contains_key("head_name") {
                findings.push("no_head");
            }
            let mut found = registered;
            if rng.chance(40) {
                findings.push("deceased");
                found -= 1;
            }
            if rng.chance(60) {
                findings.push("moved_away");
                found -= 1;
            }
            if rng.chance(35) {
                findings.push("not_registered");
                found += 1;
            }
            if rng.chance(20) {
                findings.push("wrong_relation");
            }
            if let Some(h) = hint
                && !h.duplicates.is_empty()
            {
                findings.push("duplicate");
                v.insert("person_ids".into(), h.duplicates.join(";"));
            }
            v.insert("members_found".into(), found.max(0).to_string());
            if !findings.is_empty() {
                v.insert("findings".into(), findings.join(";"));
            }
            if rng.chance(120) {
                // Visited, not finished: no outcome yet.
                return vec![v];
            }
            let outcome = if findings.is_empty() {
                "verified"
            } else if rng.chance(200) {
                "referred"
            } else {
                "needs_update"
            };
            v.insert("outcome".into(), outcome.into());
            // Often a second visit settles who heads a household without one.
            if let Some((name, id)) = hint.and_then(|h| h.head.as_ref())
                && rng.chance(450)
            {
                let mut fixed = v.clone();
                findings.retain(|f| *f != "no_head");
                if findings.is_empty() {
                    fixed.remove("findings");
                } else {
                    fixed.insert("findings".into(), findings.join(";"));
                }
                fixed.insert("head_name".into(), name.clone());
                fixed.insert("head_id".into(), id.clone());
                fixed.insert("outcome".into(), "verified".into());
                fixed.insert(
                    "visit_date".into(),
                    (day + Duration::days(6)).min(today).to_string(),
                );
                return vec![v, fixed];
            }
            vec![v]
        }
        "missing_field" => {
            let missing = v.get("missing").cloned().unwrap_or_default();
            if rng.chance(60) {
                v.insert("outcome".into(), "no_document".into());
                v.insert("note".into(), "Gia đình không còn giấy tờ gốc".into());
                return vec![v];
            }
            if rng.chance(40) {
                v.insert("outcome".into(), "referred".into());
                return vec![v];
            }
            if rng.chance(100) {
                // Started, the document is still to be found.
                return vec![v];
            }
            let value = match missing.as_str() {
                "ethnicity" => "Kinh".to_string(),
                "religion" => "Không".to_string(),
                "cmnd" => format!("{:03}{:06}", 150 + rng.below(20), rng.below(1_000_000)),
                "birth_date" => {
                    let year = v
                        .get("birth_date")
                        .and_then(|b| b.get(..4))
                        .and_then(|y| y.parse().ok())
                        .unwrap_or(1950);
                    NaiveDate::from_ymd_opt(year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
                        .unwrap_or(day)
                        // A child born this year: not a date after the visit.
                        .min(day)
                        .to_string()
                }
                "relation" => "Con".to_string(),
                "permanent_address" => {
                    format!("{}, {COMMUNE}, Thái Bình", VILLAGES[item.team as usize - 1])
                }
                _ => "Thái Bình".to_string(),
            };
            v.insert("value".into(), value);
            let evidence = *rng.weighted(&[
                ("birth_certificate", 40),
                ("old_id_card", 25),
                ("household_book", 20),
                ("statement", 15),
            ]);
            v.insert("evidence".into(), evidence.into());
            v.insert("outcome".into(), "corrected".into());
            vec![v]
        }
        _ => {
            let mut visits = Vec::new();
            let has_phone = v.contains_key("phone");
            let roll = rng.below(100);
            // Level 2 is registered in person at the commune police, so people
            // without a phone can have it; level 1 needs a smartphone.
            let (status, blocker) = if !has_phone {
                if roll < 55 {
                    ("activated_level2", None)
                } else {
                    ("not_registered", Some("no_smartphone"))
                }
            } else if roll < 52 {
                ("activated_level2", None)
            } else if roll < 64 {
                ("activated_level1", None)
            } else if roll < 74 {
                ("pending", None)
            } else if roll < 82 {
                ("not_registered", Some(*rng.pick(&ACTIVATION_BLOCKERS)))
            } else {
                ("failed", Some(*rng.pick(&ACTIVATION_BLOCKERS[1..])))
            };
            // Activations often take two visits: registered first, approved later.
            if status.starts_with("activated") && rng.chance(350) {
                let mut first = v.clone();
                first.insert("status".into(), "pending".into());
                first.insert("visits".into(), "1".into());
                first.insert(
                    "next_follow_up".into(),
                    (today + Duration::days(rng.range(1, 14))).to_string(),
                );
                visits.push(first);
                v.insert(
                    "visit_date".into(),
                    (day + Duration::days(6)).min(today).to_string(),
                );
            }
            v.insert("status".into(), status.into());
            v.insert("visits".into(), (visits.len() + 1).to_string());
            if let Some(b) = blocker {
                v.insert("blocker".into(), b.into());
            }
            if status != "activated_level2" {
                v.insert(
                    "next_follow_up".into(),
                    (today + Duration::days(rng.range(2, 21))).to_string(),
                );
            }
            visits.push(v);
            visits
        }
    }
}

/// A few office corrections made from a version the team has since edited
/// again: two heads, a real conflict for the commune to resolve. `offered`
/// are such versions, a few from each team; `edited_twice` is how many cases
/// the teams edited twice in all.
fn office_corrections(
    rng: &mut Rng,
    offered: &[Version],
    edited_twice: usize,
    device: &Device,
    now: DateTime<FixedOffset>,
) -> Vec<Version> {
    let wanted = (edited_twice / 40).clamp(1, 12);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for _ in 0..wanted * 3 {
        if out.len() >= wanted || offered.is_empty() {
            break;
        }
        let parent = rng.pick(offered);
        if !seen.insert(parent.record.clone()) {
            continue;
        }
        let mut values = parent.values.clone();
        values.insert(
            "note".into(),
            "Xã đã gọi điện xác minh, đề nghị tổ kiểm tra lại số điện thoại".into(),
        );
        out.push(
            Draft {
                record: parent.record.clone(),
                parents: vec![parent.id.clone()],
                form: parent.form.clone(),
                team: parent.team,
                device: device.id.clone(),
                author: "Cán bộ xã".into(),
                edited_at: (parent.edited_at + Duration::days(1)).min(now),
                status: parent.status,
                values,
                confirmed: Vec::new(),
            }
            .seal(),
        );
    }
    out
}
