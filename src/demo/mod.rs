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
//!
//! Here: [`build`] and what it is given and returns, the commune, and the
//! random stream everything is drawn from. `people` generates the
//! population and the work list; `work` the teams' visits and the office's
//! corrections; `rounds` sets up the devices and carries the work between
//! them in bundles, round by round.

use std::path::{Path, PathBuf};

use crate::clock;
use crate::domain::commune::{Commune, Device, Role};
use crate::error::{Error, Result};
use crate::ops::exchange;
use crate::store::Store;

mod people;
mod rounds;
mod work;

use people::World;
use rounds::{Campaign, Team, receive, set_up_devices, share_by_team};
use work::office_corrections;

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

/// The demo commune's villages (team N's is the N-th); the work-list tests
/// name them in their lists too.
pub const VILLAGES: [&str; 6] = [
    "Thôn Đông",
    "Thôn Đoài",
    "Thôn Trung",
    "Thôn Thượng",
    "Thôn Hạ",
    "Thôn Tân Lập",
];

const TEAM_MEMBERS: [&[&str]; 6] = [
    &["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Hoa"],
    &["Phạm Văn Dũng", "Nguyễn Thị Mai"],
    &["Vũ Thị Hằng", "Đỗ Văn Nam", "Bùi Thị Thu", "Ngô Văn Sơn"],
    &["Hoàng Văn Long", "Đặng Thị Yến"],
    &["Nguyễn Văn Tùng", "Trần Thị Nhung", "Lê Văn Kiên"],
    &["Phan Thị Hương", "Dương Văn Thắng", "Vũ Văn Bình"],
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
    // Named as `init commune --village` names a commune's villages.
    let names: Vec<String> = VILLAGES.iter().map(|v| v.to_string()).collect();
    let commune = Commune::with_villages(COMMUNE, &names).map_err(Error::Village)?;
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
    let campaign = Campaign {
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
    let (stores, done) = campaign.two_rounds(
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
    // The office settles most suspected duplicate pairs (the report's
    // "làm sạch dữ liệu công dân nghi trùng"); the rest wait.
    settle_pairs(&stores.commune, &commune_device, &mut rng)?;
    // The office's corrections go back to the teams.
    stores.commune_sends(&bundles, now)?;
    summary.cases = stores.commune.case_count()? as usize;
    // Last of all: a build cut short (killed, a power cut) lacks it, and is
    // built again rather than opened half made.
    stores.commune.set_setting(BUILT, &true)?;
    Ok(summary)
}

/// Settles two pairs in three, as the office would after looking into them.
fn settle_pairs(store: &Store, device: &Device, rng: &mut Rng) -> Result<()> {
    let who = crate::domain::save::Who {
        device: device.id.clone(),
        role: device.role,
        author: "Cán bộ xã".into(),
    };
    for pair in crate::ops::duplicates::list(store)? {
        let resolution = match rng.below(6) {
            0..=2 => "deleted_duplicate",
            3 => "not_duplicate",
            4 => "referred",
            _ => continue,
        };
        crate::ops::duplicates::settle_listed(store, &pair, resolution, None, &who)?;
    }
    Ok(())
}

/// The setting a demo's commune store gets once the whole demo is built.
const BUILT: &str = "demo_built";

/// Whether the demo in `dir` was built to its end (see [`build`]).
pub fn is_whole(dir: &Path) -> Result<bool> {
    Ok(Store::open(dir)?.setting::<bool>(BUILT)? == Some(true))
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
