//! Crash safety: the real binary is killed (SIGKILL on Unix, TerminateProcess
//! on Windows) at random moments, many times, while it saves cases through
//! `tothon case new` and while it imports a large bundle. After each kill the
//! store must open, hold every save the binary acknowledged, whole, and no
//! half-written version or half an import. And a panic leaves a crash note.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{crash_notes, process, stdout, tothon};
use tothon::store::Store;

/// A small deterministic random source.
struct Lcg(u64);

impl Lcg {
    /// Seeded from the clock; the seed is printed, to replay a failure.
    fn from_clock() -> Lcg {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        println!("seed {seed}");
        Lcg(seed)
    }

    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below.max(1)
    }
}

/// The note of the `n`th save: its number, so the case it made can be found,
/// and a length that varies, so the transactions differ in size.
fn note(n: u64) -> String {
    format!("lần {n} {}", "x".repeat(1 + (n * 37 % 400) as usize))
}

/// `tothon case new` of a valid activation follow-up, the `n`th of the test:
/// its person ID, phone and note carry `n`.
fn case_new(dir: &Path, n: u64) -> std::process::Command {
    let mut cmd = process(dir);
    cmd.args(["--lang", "en", "case", "new", "--form", "activation"])
        .args(["--author", "Lan", "--set", "full_name=Nguyễn Văn An"])
        .args(["--set", &format!("person_id=034090{n:06}")])
        .args(["--set", "birth_date=1/5/1990", "--set", "sex=Nam"])
        .args(["--set", &format!("phone=09{n:08}")])
        .args([
            "--set",
            "target_level=level2",
            "--set",
            "status=activated_level2",
        ])
        .args(["--set", "visit_date=20/11/2026"])
        .args(["--set", &format!("note={}", note(n))]);
    cmd
}

/// The record a finished `case new` acknowledged ("Saved AC-… (Done).", a
/// whole line): a line cut short by the kill promised nothing.
fn acknowledged(out: &str) -> Option<String> {
    let line = out.strip_suffix('\n')?;
    assert!(line.starts_with("Saved "), "{out}");
    let record = line.split_whitespace().nth(1).unwrap();
    Some(record.to_string())
}

/// Which of the test's saves the store holds, by number, each checked whole:
/// a valid version, the only one of its case, which is indexed and listed.
fn saves_held(store: &Store) -> Vec<(u64, String)> {
    let versions = store.all_versions().unwrap();
    assert!(
        versions.iter().all(|v| v.id_is_valid()),
        "no half-written version"
    );
    assert_eq!(store.case_count().unwrap() as usize, versions.len());
    let mut held: Vec<(u64, String)> = versions
        .iter()
        .map(|v| {
            let n: u64 = v.values["note"]
                .strip_prefix("lần ")
                .and_then(|t| t.split(' ').next())
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("not a save of this test: {v:?}"));
            assert_eq!(v.values["note"], note(n), "{} whole", v.record);
            assert_eq!(v.values["person_id"], format!("034090{n:06}"));
            let entry = store.case(&v.record).unwrap().expect("indexed");
            assert_eq!(entry.heads, std::slice::from_ref(&v.id), "{}", v.record);
            assert!(store.list_row(&v.record).unwrap().is_some(), "listed");
            (n, v.record.clone())
        })
        .collect();
    held.sort();
    let count = held.len();
    held.dedup_by_key(|(n, _)| *n);
    assert_eq!(held.len(), count, "each save made one case");
    held
}

#[test]
fn killed_at_random_moments_case_new_keeps_every_acknowledged_save() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(tothon(d).args(["init", "team", "--team", "2", "--commune", "Xã Thử"]));
    let file = Store::file_in(d);
    let mut rng = Lcg::from_clock();
    let mut promised: Vec<(u64, String)> = Vec::new();
    // How long a whole save takes here, to aim the kills inside one.
    let mut whole = Duration::ZERO;
    for n in 0..3 {
        let started = Instant::now();
        let out = stdout(&mut assert_cmd::Command::from_std(case_new(d, n)));
        whole = whole.max(started.elapsed());
        promised.push((n, acknowledged(&out).unwrap()));
    }
    println!("a whole save takes {whole:?}");
    let window = whole.as_micros() as u64 * 13 / 10;
    // Where the kills landed: after the acknowledgement; after the commit,
    // before the acknowledgement; with the store open, before the commit;
    // before the store was opened. (redb marks the file as soon as it is
    // opened for writing: a file the killed process left byte for byte as
    // it was had not been opened yet.)
    let (mut after, mut unacknowledged, mut mid_save, mut before) = (0, 0, 0, 0);
    let mut checks = 0;
    let started = Instant::now();
    let mut n = 3;
    while n < 103 && started.elapsed() < Duration::from_secs(60) {
        let untouched = std::fs::read(&file).unwrap();
        let mut child = case_new(d, n)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.next(window)));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let acked = acknowledged(&out);
        let touched = std::fs::read(&file).unwrap() != untouched;

        // A kill with the store open leaves it not closed cleanly: the
        // next unlock checks it whole first.
        checks += usize::from(Store::open(d).unwrap().check_due());
        let store = common::open(d);
        assert!(!store.check_due(), "checked whole after kill {n}");
        let held = saves_held(&store);
        drop(store);
        for (m, record) in &promised {
            assert!(
                held.contains(&(*m, record.clone())),
                "acknowledged save {m} ({record}) lost after kill {n}"
            );
        }
        let this = held.iter().find(|(m, _)| *m == n);
        match (acked, this) {
            (Some(record), Some((_, kept))) => {
                assert_eq!(&record, kept);
                promised.push((n, record));
                after += 1;
            }
            (Some(record), None) => panic!("save {n} acknowledged as {record}, not in the store"),
            (None, Some(_)) => unacknowledged += 1,
            (None, None) if touched => mid_save += 1,
            (None, None) => before += 1,
        }
        n += 1;
    }
    let runs = n - 3;
    println!(
        "{runs} saves killed: {after} after the acknowledgement, {unacknowledged} after the \
         commit but unacknowledged, {mid_save} with the store open before the commit, \
         {before} before the store was opened; {} acknowledged saves kept; the store \
         checked whole after {checks} kills",
        promised.len()
    );
    assert!(
        checks > 0 || unacknowledged + mid_save == 0,
        "no kill with the store open led to a check"
    );
    assert!(runs >= 20, "only {runs} saves ran");
    assert!(after > 0, "no kill came after an acknowledged save");
    assert!(
        unacknowledged + mid_save > 0,
        "no kill landed while a save was under way"
    );
}

#[test]
fn a_panic_restores_and_leaves_a_crash_note_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = tothon(dir.path())
        .arg("cases")
        .env("TOTHON_PANIC_FOR_TEST", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Ghi chú sự cố"), "{err}");
    let notes = crash_notes(dir.path());
    assert_eq!(notes.len(), 1, "{notes:?}");
    let text = std::fs::read_to_string(&notes[0]).unwrap();
    assert!(text.contains("How to report"), "{text}");
    // Where it happened, not the message (which can quote personal data):
    // that goes to the terminal only.
    assert!(text.contains("src/cli/mod.rs"), "{text}");
    assert!(!text.contains("panic asked for"), "{text}");
    assert!(err.contains("panic asked for"), "{err}");
}

/// A team store of `n` valid activation follow-ups, a commune that trusts
/// its key, and the team's signed bundle. Returns the commune's folder and
/// the bundle.
fn big_bundle(root: &Path, n: usize) -> (PathBuf, PathBuf) {
    use tothon::domain::commune::{Commune, Device, Role};
    use tothon::domain::version::{Draft, Status};
    use tothon::ops::exchange;
    let now = chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap();
    let commune = Commune::with_numbered_villages("Xã Thử", 6);
    let team = Store::create(
        &root.join("team"),
        &commune,
        &Device {
            id: "T1CRASH".into(),
            role: Role::Team(1),
        },
    )
    .unwrap();
    let (team, team_signer) = exchange::new_key(team, common::PASS, false, now).unwrap();
    let public = team_signer.public.clone();
    // The office's key, which the team's bundle is encrypted to.
    let office_dir = root.join("commune");
    let office = Store::create(
        &office_dir,
        &commune,
        &Device {
            id: "XACRASH".into(),
            role: Role::Commune,
        },
    )
    .unwrap();
    let (office, office_signer) = exchange::new_key(office, common::PASS, false, now).unwrap();
    let office_key = office_signer.public;
    exchange::trust(&team, None, &office_key, now).unwrap();
    let versions: Vec<_> = (0..n)
        .map(|i| {
            let values = [
                ("person_id", format!("034090{:06}", i)),
                ("full_name", "Nguyễn Văn An".to_string()),
                ("target_level", "level2".to_string()),
                ("status", "activated_level2".to_string()),
                ("visit_date", "2026-11-20".to_string()),
                ("phone", format!("09{:08}", i)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            Draft {
                record: format!("AC-T1CRASH-{:04}", i + 1),
                parents: Vec::new(),
                form: "activation".into(),
                team: 1,
                device: "T1CRASH".into(),
                author: "Lan".into(),
                edited_at: now - chrono::Duration::days(3),
                status: Status::Done,
                values,
                confirmed: Vec::new(),
            }
            .seal()
        })
        .collect();
    team.add_versions(&versions).unwrap();
    let bundle = exchange::export(&team, &team_signer, &root.join("out"), now).unwrap()[0]
        .path
        .clone();
    exchange::trust(&office, Some(1), &public, now).unwrap();
    (office_dir, bundle)
}

#[test]
fn killed_while_importing_a_large_bundle_the_store_has_all_of_it_or_none() {
    let root = tempfile::tempdir().unwrap();
    let n = 5_000;
    let (commune, bundle) = big_bundle(root.path(), n);
    let file = Store::file_in(&commune);
    let clean = std::fs::read(&file).unwrap();
    let mut rng = Lcg::from_clock();
    // How long a whole import takes here, to aim the kills inside it.
    let started = Instant::now();
    stdout(tothon(&commune).args(["bundle", "import"]).arg(&bundle));
    let whole = started.elapsed();
    println!("a whole import takes {whole:?}");
    // Where the kills landed: before the import opened the store (the file
    // byte for byte as it was); with the store open and nothing committed
    // (mid-import); after the commit.
    let (mut kills, mut before, mut mid_import, mut after) = (0, 0, 0, 0);
    let started = Instant::now();
    while (kills < 12 || mid_import == 0) && started.elapsed() < Duration::from_secs(90) {
        std::fs::write(&file, &clean).unwrap();
        let mut child = process(&commune)
            .args(["bundle", "import"])
            .arg(&bundle)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Mostly inside the import, now and then just after it.
        let wait = rng.next(whole.as_millis() as u64 * 13 / 10 + 20);
        std::thread::sleep(Duration::from_millis(wait));
        let done = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        let touched = std::fs::read(&file).unwrap() != clean;

        let store = common::open(&commune);
        let versions = store.all_versions().unwrap();
        let log = store.imports().unwrap();
        assert!(
            versions.iter().all(|v| v.id_is_valid()),
            "no half-written version"
        );
        match versions.len() {
            0 => {
                assert!(!done, "an import that finished lost its versions");
                assert!(log.is_empty(), "nothing merged, nothing logged");
                assert_eq!(store.case_count().unwrap(), 0);
                if touched {
                    mid_import += 1;
                } else {
                    before += 1;
                }
            }
            found if found == n => {
                assert_eq!(log.len(), 1);
                assert_eq!(log[0].new, n);
                assert_eq!(store.case_count().unwrap() as usize, n);
                for entry in store.cases().unwrap() {
                    assert!(
                        store
                            .version(&entry.record, &entry.heads[0])
                            .unwrap()
                            .is_some()
                    );
                }
                after += 1;
            }
            found => panic!("{found} of {n} versions after a kill: half an import"),
        }
    }
    println!(
        "{kills} kills: {before} before the import opened the store, {mid_import} mid-import, \
         {after} after its commit"
    );
    assert!(kills >= 5, "only {kills} kills ran");
    assert!(mid_import > 0, "no kill landed mid-import");
    // After all that, the bundle goes in whole.
    stdout(tothon(&commune).args(["bundle", "import"]).arg(&bundle));
    assert_eq!(common::open(&commune).all_versions().unwrap().len(), n);
}
