//! Bundles cross operating systems. The golden bundles in
//! `tests/data/golden/` were written by other builds (`make.sh` there says
//! how): `windows/` by the Windows build run under Wine, `linux-0.1/` by the
//! Linux build from before the zip's "made by" byte was pinned. A fresh
//! commune and a fresh team 3 device of this build must verify and import
//! each of them, whatever system this build runs on.

mod common;

use std::path::{Path, PathBuf};

use common::{COMMUNE, cases, stdout, tothon};

fn golden(set: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(set)
}

/// The one file of `dir` whose name starts with `prefix` and ends in `.zip`.
fn bundle(dir: &Path, prefix: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(".zip")
        })
        .collect();
    assert_eq!(found.len(), 1, "one {prefix}*.zip in {}", dir.display());
    found.pop().unwrap()
}

/// The current cases of a store: (record, status, title), by record.
fn listed(dir: &Path) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = cases(dir)
        .into_iter()
        .map(|r| (r["record"].clone(), r["status"].clone(), r["title"].clone()))
        .collect();
    rows.sort();
    rows
}

fn a_commune_takes_in_the_team_bundle_of(set: &str) {
    let set = golden(set);
    let root = tempfile::tempdir().unwrap();
    let commune = root.path().join("commune");
    stdout(tothon(&commune).args(["init", "commune", "--name", COMMUNE]));
    let list = golden("worklist.csv");
    stdout(
        tothon(&commune)
            .args(["worklist", "import", "--form", "activation", "--yes"])
            .arg(&list),
    );
    stdout(
        tothon(&commune)
            .args(["trust", "--team", "3"])
            .arg(set.join("team3.pub")),
    );

    let team_bundle = bundle(&set, "team3-");
    let verified = stdout(
        tothon(&commune)
            .args(["--lang", "en", "bundle", "verify"])
            .arg(&team_bundle),
    );
    assert!(verified.contains("team 3"), "{verified}");
    stdout(
        tothon(&commune)
            .args(["bundle", "import"])
            .arg(&team_bundle),
    );

    let found = listed(&commune);
    let expected = [
        ("done", "Nguyễn Văn An · 034090123456"),
        ("blocked", "Đỗ Thị Mai · 034192004567"),
    ];
    let seen: Vec<_> = found
        .iter()
        .map(|(_, s, t)| (s.as_str(), t.as_str()))
        .collect();
    assert_eq!(seen, expected, "{found:?}");
    assert_eq!(found[0].0, "AC-00001");
    assert!(
        found[1].0.starts_with("AC-") && found[1].0.ends_with("-0001"),
        "a device-made id: {found:?}"
    );
}

fn a_team_takes_in_the_commune_bundle_of(set: &str) {
    let set = golden(set);
    let root = tempfile::tempdir().unwrap();
    let team = root.path().join("team3");
    stdout(
        tothon(&team)
            .args([
                "init",
                "team",
                "--team",
                "3",
                "--commune",
                COMMUNE,
                "--commune-key",
            ])
            .arg(set.join("commune.pub")),
    );
    let commune_bundle = bundle(&set, "commune-");
    stdout(
        tothon(&team)
            .args(["bundle", "verify"])
            .arg(&commune_bundle),
    );
    stdout(
        tothon(&team)
            .args(["bundle", "import"])
            .arg(&commune_bundle),
    );

    let found = listed(&team);
    let seen: Vec<_> = found
        .iter()
        .map(|(r, s, _)| (r.as_str(), s.as_str()))
        .collect();
    assert_eq!(seen.len(), 2, "{found:?}");
    assert_eq!(
        seen[0],
        ("AC-00001", "needs_correction"),
        "returned for correction"
    );
    assert_eq!(seen[1].1, "blocked");
}

#[test]
fn bundles_written_by_the_windows_build_are_taken_in() {
    a_commune_takes_in_the_team_bundle_of("windows");
    a_team_takes_in_the_commune_bundle_of("windows");
}

#[test]
fn bundles_written_by_an_older_linux_build_are_taken_in() {
    a_commune_takes_in_the_team_bundle_of("linux-0.1");
    a_team_takes_in_the_commune_bundle_of("linux-0.1");
}
