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
