//! The demo's seven devices and the bundles between them: each store set up
//! with its key as set-up would, the teams' two rounds of visits exported
//! and merged at the commune (teams side by side, one worker per core), and
//! the commune's bundles taken back to the teams.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use super::people::{self, Hint};
use super::work::do_team_work;
use super::{DEMO_PASSPHRASE, Rng, TEAM_MEMBERS, joined, team_dir};
use crate::bundle::key::{Cost, Public, Signer};
use crate::domain::commune::{Commune, Device, Role};
use crate::domain::form::Context;
use crate::domain::version::Version;
use crate::domain::work::{Person, WorkItem};
use crate::error::{Error, Result};
use crate::ops::{self, exchange};
use crate::store::Store;

/// One village's people and work items. Shared by the commune (which
/// stores everyone) and the village's team; freed once both have stored it.
pub(super) struct Share {
    pub(super) people: Vec<Person>,
    pub(super) items: Vec<WorkItem>,
}

/// Splits the population and work list by team, keeping their order.
pub(super) fn share_by_team(
    people: Vec<Person>,
    items: Vec<WorkItem>,
    teams: usize,
) -> Vec<Arc<Share>> {
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

/// Sets a device up as `init` does (a team's trusting the commune's key),
/// with its members named.
fn setup_store(
    dir: &Path,
    commune: &Commune,
    device: &Device,
    commune_key: Option<&Public>,
    now: DateTime<FixedOffset>,
) -> Result<Keyed> {
    let (store, signer) = ops::device::set_up_as(
        dir,
        commune,
        device,
        (DEMO_PASSPHRASE, Cost::LIGHT),
        commune_key,
        now,
    )?;
    store.set_setting("demo", &true)?;
    let members: Vec<String> = match device.role {
        Role::Commune => vec!["Cán bộ xã".into()],
        Role::Team(t) => TEAM_MEMBERS[(t as usize - 1) % TEAM_MEMBERS.len()]
            .iter()
            .map(|m| m.to_string())
            .collect(),
    };
    ops::device::set_members(&store, &members)?;
    Ok((store, signer))
}

/// The commune's store and key, and each team's, trusting the commune's.
pub(super) fn set_up_devices(
    dir: &Path,
    commune: &Commune,
    commune_device: &Device,
    teams: &[Device],
    now: DateTime<FixedOffset>,
) -> Result<(Keyed, Vec<Keyed>)> {
    let (commune_store, commune_signer) = setup_store(dir, commune, commune_device, None, now)?;
    let mut stores = Vec::new();
    for device in teams {
        let Role::Team(team) = device.role else {
            return Err(Error::NotADemo(dir.to_path_buf()));
        };
        let key = Some(&commune_signer.public);
        stores.push(setup_store(
            &team_dir(dir, team),
            commune,
            device,
            key,
            now,
        )?);
    }
    Ok(((commune_store, commune_signer), stores))
}

/// A team's device, set up, with its village's share of the work.
pub(super) struct Team {
    pub(super) device: Device,
    pub(super) store: Store,
    pub(super) signer: Signer,
    pub(super) share: Arc<Share>,
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

/// The campaign the teams work in: what every team's work needs to know,
/// shared read-only by the threads.
pub(super) struct Campaign<'a> {
    pub(super) dir: &'a Path,
    pub(super) commune: &'a Commune,
    pub(super) bundles: &'a Path,
    pub(super) hints: &'a HashMap<String, Hint>,
    pub(super) seed: u64,
    pub(super) now: DateTime<FixedOffset>,
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
pub(super) struct Rounds {
    pub(super) round1: Vec<PathBuf>,
    pub(super) round2: Vec<PathBuf>,
    pub(super) versions: usize,
    pub(super) office_edits: usize,
}

/// How many of its first visits edited since a team offers the office. More
/// than the office ever corrects (see [`office_corrections`]).
const OFFERED: usize = 12;

impl Campaign<'_> {
    /// Two rounds of field work carried to the commune. The commune stores
    /// the population and work list while the teams store theirs, save their
    /// first visits and export; the commune merges each team's first bundle
    /// as it comes (in team order, so that the imports log reads the same
    /// in every build) while the other teams go on; the office corrects a
    /// few cases (`office`, from the first visits the teams offered); the
    /// second round is merged.
    pub(super) fn two_rounds(
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
                // The register goes in as a commune's own spreadsheet does.
                let file =
                    people::register_file(everyone.iter().flat_map(|s| &s.people), self.commune);
                // A commune of a million people lists them in more than the
                // 64 MB a work-list file may have: the demo's own file is
                // taken whole.
                let options = crate::worklist::Options {
                    max_bytes: file.len() as u64,
                    ..ops::register::options(false)
                };
                let step =
                    crate::progress::step(crate::progress::Step::ReadingFile, file.len() as u64);
                let preview = ops::register::preview(commune, file.as_slice(), &options)?;
                drop((step, file));
                ops::register::apply(commune, &preview)?;
                drop(preview);
                // And the work list, one spreadsheet per form.
                let items = everyone.iter().flat_map(|s| &s.items);
                for (form, file) in people::worklist_files(items, self.commune) {
                    let choices = ops::worklist::ImportChoices {
                        form: Some(form),
                        ..Default::default()
                    };
                    let preview = ops::worklist::preview(commune, file.as_slice(), &choices)?;
                    // Every row is the demo's own, made to pass.
                    debug_assert!(
                        preview.problems.is_empty() && preview.duplicates.is_empty(),
                        "{:?}",
                        preview.problems
                    );
                    ops::worklist::apply(commune, &preview)?;
                }
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
            crate::sort::sort_by_key(&mut round2, |(team, _)| *team);
            crate::sort::sort_by_key(&mut betweens, |b| b.team);
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
        // The other data-cleaning groups' items come last, on their own
        // random stream (see `people::CAMPAIGNS`).
        let split = share
            .items
            .iter()
            .position(|i| people::is_campaign(&i.form))
            .unwrap_or(share.items.len());
        let (items, campaigns) = share.items.split_at(split);
        let mut work = do_team_work(&mut rng, items, self.hints, &device, &ctx, self.now);
        let mut campaign_rng = team_rng(!self.seed, team);
        let more = do_team_work(
            &mut campaign_rng,
            campaigns,
            self.hints,
            &device,
            &ctx,
            self.now,
        );
        // The commune may still be storing its copy; the last of the two frees it.
        drop(share);
        let offered = work.offer(&mut rng, OFFERED);
        // One visit each: no later versions to index.
        work.first.extend(more.first);
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
pub(super) struct Stores {
    pub(super) commune: Store,
    commune_signer: Signer,
    teams: Vec<(Store, Signer)>,
}

impl Stores {
    /// The commune exports a bundle per team; each team imports its own, as
    /// many at once as there are cores (more would only hold more bundles in
    /// memory at the same time).
    pub(super) fn commune_sends(&self, bundles: &Path, now: DateTime<FixedOffset>) -> Result<()> {
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

pub(super) fn receive(store: &Store, file: &Path, now: DateTime<FixedOffset>) -> Result<()> {
    exchange::import_files(store, &[file.to_path_buf()], now)?;
    Ok(())
}
