//! A case made by mistake is voided with a reason: a version like any other
//! (the history keeps what came before, bundles carry it), counted nowhere,
//! and opened again by a later save.

mod common;

use std::path::Path;

use common::{COMMUNE, Commune, case_row, csv_maps, fails, save_activation, stdout, tothon};

/// The report's number `key` and the total it is out of.
fn report_line(dir: &Path, key: &str) -> (String, String) {
    let rows = csv_maps(&stdout(tothon(dir).args(["report", "--format", "csv"])));
    let row = rows
        .iter()
        .find(|r| r["key"] == key && r["village"].is_empty())
        .unwrap();
    (row["value"].clone(), row["of"].clone())
}

/// A case's status and number of versions in `cases --format csv`.
fn status_and_versions(dir: &Path, record: &str) -> (String, String) {
    let row = case_row(dir, record);
    (row["status"].clone(), row["versions"].clone())
}

#[test]
fn a_voided_case_counts_nowhere_keeps_its_history_and_opens_again_when_saved() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    stdout(tothon(dir).args(["init", "commune", "--name", COMMUNE]));
    let team3 = ["--team", "3"];
    save_activation(dir, "034090123456", "activated_level2", &team3);
    let mistake = save_activation(dir, "034090123457", "activated_level2", &team3);
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
    assert_eq!(
        status_and_versions(dir, &mistake),
        ("voided".into(), "2".into())
    );
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
    assert_eq!(
        status_and_versions(dir, &mistake),
        ("done".into(), "3".into())
    );
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
    let c = Commune::with_teams([3]);
    let record = save_activation(&c.team(3), "034090123456", "pending", &[]);
    stdout(tothon(&c.team(3)).args(["case", "void", &record, "--reason", "Lập nhầm"]));
    let bundles = c.export(&c.team(3), "out");
    stdout(
        tothon(&c.commune())
            .args(["bundle", "import"])
            .args(&bundles),
    );
    assert_eq!(
        status_and_versions(&c.commune(), &record),
        ("voided".into(), "2".into())
    );
}
