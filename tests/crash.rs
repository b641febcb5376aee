//! Crash safety: the real binary saving cases is killed (SIGKILL on Unix,
//! TerminateProcess on Windows) at random moments, many times; after each
//! kill the store must open, hold every save the binary acknowledged, whole,
//! and no half-written version. And a panic leaves a crash note.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tothon::store::Store;

fn tothon(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tothon"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("TOTHON_HOME")
        .env("TOTHON_PASSPHRASE", "thử nghiệm");
    cmd
}

/// A small deterministic random source, seeded from the clock.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below.max(1)
    }
}

#[test]
fn killed_at_random_moments_the_store_keeps_every_acknowledged_save() {
    let dir = tempfile::tempdir().unwrap();
    let ok = tothon(dir.path())
        .args(["init", "team", "--team", "2", "--commune", "Xã Thử"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("seed {seed}");
    let mut rng = Lcg(seed);
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let started = Instant::now();
    let mut kills = 0;
    while kills < 25 && started.elapsed() < Duration::from_secs(60) {
        let mut child = tothon(dir.path())
            .args(["stress-save", "--count", "1000000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(5 + rng.next(120)));
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        for line in reader.join().unwrap() {
            // A line cut short by the kill has no id of full length: the save
            // may or may not have landed, and nothing was promised.
            if let Some((record, id)) = line.split_once(' ')
                && id.len() == tothon::domain::version::ID_LEN
            {
                acknowledged.push((record.to_string(), id.to_string()));
            }
        }

        let store = Store::open(dir.path()).expect("the store opens after a kill");
        for (record, id) in &acknowledged {
            let v = store
                .version(record, id)
                .unwrap()
                .unwrap_or_else(|| panic!("acknowledged {record} {id} lost after kill {kills}"));
            assert_eq!(&v.record, record);
            assert!(v.id_is_valid(), "version {id} is whole");
            assert!(store.case(record).unwrap().is_some(), "{record} indexed");
            assert!(store.list_row(record).unwrap().is_some(), "{record} listed");
        }
        let all = store.all_versions().unwrap();
        assert!(
            all.iter().all(|v| v.id_is_valid()),
            "no half-written version"
        );
        for entry in store.cases().unwrap() {
            for head in &entry.heads {
                assert!(
                    store.version(&entry.record, head).unwrap().is_some(),
                    "head {head} exists"
                );
            }
        }
        assert_eq!(store.case_count().unwrap() as usize, all.len());
    }
    assert!(kills >= 5, "only {kills} kills ran");
    assert!(
        !acknowledged.is_empty(),
        "no save was acknowledged before the kills"
    );
    println!(
        "{kills} kills, {} acknowledged saves kept",
        acknowledged.len()
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
    let note = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("crash-")
        })
        .expect("a crash note");
    let text = std::fs::read_to_string(note).unwrap();
    assert!(text.contains("How to report"), "{text}");
    assert!(text.contains("TOTHON_PANIC_FOR_TEST"), "{text}");
}

/// A team store of `n` valid activation follow-ups, a commune that trusts
/// its key, and the team's signed bundle. Returns the commune's folder and
/// the bundle.
fn big_bundle(root: &Path, n: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    use tothon::domain::commune::{Commune, Device, Role};
    use tothon::domain::version::{Draft, Status};
    use tothon::ops::exchange;
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00+07:00").unwrap();
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
    let public = exchange::new_key(&team, "thử nghiệm", false, now).unwrap();
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
                record: format!("AC-K{i:06}"),
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
    let signer = exchange::unlock(&team, "thử nghiệm").unwrap();
    let bundle = exchange::export(&team, &signer, &root.join("out"), now).unwrap()[0]
        .path
        .clone();
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
    exchange::trust(&office, Some(1), &public, now).unwrap();
    (office_dir, bundle)
}

#[test]
fn killed_while_importing_a_large_bundle_the_store_has_all_of_it_or_none() {
    let root = tempfile::tempdir().unwrap();
    let n = 5_000;
    let (commune, bundle) = big_bundle(root.path(), n);
    let clean = root.path().join("commune.redb.clean");
    std::fs::copy(Store::file_in(&commune), &clean).unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("seed {seed}");
    let mut rng = Lcg(seed);
    // How long a whole import takes here, to aim the kills inside it.
    let started = Instant::now();
    let out = tothon(&commune)
        .args(["bundle", "import"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let whole = started.elapsed();
    println!("a whole import takes {whole:?}");
    let (mut kills, mut cut_short, mut finished) = (0, 0, 0);
    let started = Instant::now();
    while kills < 12 && started.elapsed() < Duration::from_secs(90) {
        std::fs::copy(&clean, Store::file_in(&commune)).unwrap();
        let mut child = tothon(&commune)
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

        let store = Store::open(&commune).expect("the store opens after a kill");
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
                cut_short += 1;
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
                finished += 1;
            }
            found => panic!("{found} of {n} versions after a kill: half an import"),
        }
    }
    println!("{kills} kills: {cut_short} imports cut short, {finished} finished");
    assert!(kills >= 5, "only {kills} kills ran");
    // After all that, the bundle goes in whole.
    let out = tothon(&commune)
        .args(["bundle", "import"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        Store::open(&commune).unwrap().all_versions().unwrap().len(),
        n
    );
}
