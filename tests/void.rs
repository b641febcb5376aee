//! A case made by mistake is voided with a reason: a version like any other
//! (the history keeps what came before, bundles carry it), counted nowhere,
//! and opened again by a later save.

mod common;

use std::path::Path;

use common::{COMMUNE, csv_maps, fails, stdout, tothon};

const CASE: [&str; 14] = [
    "--set",
    "person_id=034090123456",
    "--set",
    "full_name=Nguyễn Văn An",
    "--set",
    "birth_date=01/05/1990",
    "--set",
    "sex=Nam",
    "--set",
    "target_level=level2",
    "--set",
    "status=activated_level2",
    "--set",
    "visit_date=20/11/2026",
];

fn new_case(dir: &Path, extra: &[&str]) -> String {
    let out = stdout(
        tothon(dir)
            .args(["case", "new", "--form", "activation"])
            .args(CASE)
            .args(extra),
    );
    let record = out
        .split_whitespace()
        .find(|w| w.starts_with("AC-"))
        .unwrap();
    record.trim_end_matches(['.', ',']).to_string()
}

/// The report's number `key` and the total it is out of.
fn report_line(dir: &Path, key: &str) -> (String, String) {
    let rows = csv_maps(&stdout(tothon(dir).args(["report", "--format", "csv"])));
    let row = rows.iter().find(|r| r["key"] == key).unwrap();
    (row["value"].clone(), row["of"].clone())
}

/// A case's row in `cases --format csv`: (status, versions).
fn case_row(dir: &Path, record: &str) -> (String, String) {
    let rows = csv_maps(&stdout(tothon(dir).args(["cases", "--format", "csv"])));
    let row = rows.iter().find(|r| r["record"] == record).unwrap();
    (row["status"].clone(), row["versions"].clone())
}

#[test]
fn a_voided_case_counts_nowhere_keeps_its_history_and_opens_again_when_saved() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    stdout(tothon(dir).args(["init", "commune", "--name", COMMUNE]));
    new_case(dir, &["--team", "3"]);
    let mistake = new_case(dir, &["--team", "3", "--set", "person_id=034090123457"]);
    assert_eq!(report_line(dir, "eid_level2"), ("2".into(), "2".into()));

    let err = fails(tothon(dir).args(["case", "void", &mistake, "--reason", "  "]));
    assert!(err.contains("lý do"), "{err}");
    stdout(tothon(dir).args([
        "case",
        "void",
        &mistake,
        "--reason",
        "Lập nhầm, trùng người",
    ]));
    assert_eq!(case_row(dir, &mistake), ("voided".into(), "2".into()));
    assert_eq!(
        report_line(dir, "eid_level2"),
        ("1".into(), "1".into()),
        "counted nowhere, not even as assigned"
    );
    let voided = stdout(tothon(dir).args(["cases", "--status", "voided"]));
    assert!(voided.contains(&mistake), "{voided}");
    let err = fails(tothon(dir).args(["--lang", "en", "case", "void", &mistake, "--reason", "x"]));
    assert!(err.contains("voided already"), "{err}");

    // A later save opens it again, without the reason.
    stdout(tothon(dir).args(["case", "edit", &mistake, "--set", "note=đúng người khác"]));
    assert_eq!(case_row(dir, &mistake), ("done".into(), "3".into()));
    let csv = stdout(tothon(dir).args(["cases", "--form", "activation", "--format", "csv"]));
    let row = csv_maps(&csv)
        .into_iter()
        .find(|r| r["record"] == mistake)
        .unwrap();
    assert_eq!(row["void_reason"], "");
    assert_eq!(report_line(dir, "eid_level2"), ("2".into(), "2".into()));
}

#[test]
fn a_void_travels_from_the_team_to_the_commune() {
    let root = tempfile::tempdir().unwrap();
    let (commune, team) = (root.path().join("commune"), root.path().join("team3"));
    let key = |dir: &Path, name: &str| {
        let file = root.path().join(name);
        std::fs::write(&file, stdout(tothon(dir).args(["key", "show"]))).unwrap();
        file
    };
    stdout(tothon(&commune).args(["init", "commune", "--name", COMMUNE]));
    let commune_pub = key(&commune, "commune.pub");
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
            .arg(&commune_pub),
    );
    let team_pub = key(&team, "team3.pub");
    stdout(
        tothon(&commune)
            .args(["trust", "--team", "3"])
            .arg(&team_pub),
    );

    let record = new_case(&team, &[]);
    stdout(tothon(&team).args(["case", "void", &record, "--reason", "Lập nhầm"]));
    let out = root.path().join("out");
    stdout(tothon(&team).args(["bundle", "export", "--out"]).arg(&out));
    let bundle = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    stdout(tothon(&commune).args(["bundle", "import"]).arg(&bundle));
    assert_eq!(case_row(&commune, &record), ("voided".into(), "2".into()));
}
