//! Honest numbers (issue 20 point 3): a draft with an error changes no
//! number, and a voided case counts nowhere, in the report, the progress
//! table and the counts of `tothon cases`, all read through the binary on
//! the demo commune.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{csv_maps, demo, save_activation, stdout, tothon};

/// Every number a commune reads, as the command line gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Numbers {
    /// `tothon report`, as printed.
    report: String,
    /// `tothon report --format csv`: each line's value and what it is of.
    lines: BTreeMap<String, (String, String)>,
    /// `tothon progress --format csv`: each row (a team, then `total`) by
    /// its columns.
    progress: BTreeMap<String, BTreeMap<String, String>>,
    /// How many rows `tothon cases --stage S` lists, for each stage.
    stages: BTreeMap<&'static str, usize>,
}

const STAGES: [&str; 6] = [
    "not_started",
    "in_progress",
    "done",
    "blocked",
    "needs_correction",
    "voided",
];

fn numbers(dir: &Path) -> Numbers {
    let csv = |args: &[&str]| csv_maps(&stdout(tothon(dir).args(args)));
    let lines = csv(&["report", "--format", "csv"])
        .into_iter()
        .filter(|r| r["village"].is_empty())
        .map(|r| (r["key"].clone(), (r["value"].clone(), r["of"].clone())))
        .collect();
    let progress = csv(&["progress", "--format", "csv"])
        .into_iter()
        .map(|r| (r["team"].clone(), r.into_iter().collect()))
        .collect();
    let stages = STAGES
        .into_iter()
        .map(|s| {
            let listed = csv(&["cases", "--stage", s, "--format", "csv"]);
            assert!(listed.iter().all(|r| r["stage"] == s), "{s}: {listed:?}");
            (s, listed.len())
        })
        .collect();
    Numbers {
        report: stdout(tothon(dir).arg("report")),
        lines,
        progress,
        stages,
    }
}

/// Adds `by` to the cell `column` of the progress rows `rows`.
fn add(n: &mut Numbers, rows: &[&str], column: &str, by: i64) {
    for row in rows {
        let cell = n.progress.get_mut(*row).unwrap().get_mut(column).unwrap();
        *cell = (cell.parse::<i64>().unwrap() + by).to_string();
    }
}

#[test]
fn a_draft_with_an_error_and_a_voided_case_change_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    demo(dir, 300);
    let before = numbers(dir);
    assert!(before.stages["done"] > 0 && before.stages["voided"] == 0);

    // A draft over a case done at activated level 2, saying the activation
    // failed for want of a smartphone, with an impossible date; a draft on
    // an activation nobody had begun, claiming level 2.
    let (done, item) = common::drafts_with_errors(dir);
    // A draft on a missing field nobody had looked at, claiming the value
    // found (a date of birth of 31/02) without any evidence: not "có thông
    // tin".
    let missing = common::item_not_started(dir, "missing_field");
    stdout(tothon(dir).args([
        "case",
        "new",
        "--form",
        "missing_field",
        "--work-item",
        &missing,
        "--set",
        "missing=birth_date",
        "--set",
        "value=31/02/2026",
        "--set",
        "outcome=corrected",
        "--set",
        "visit_date=31/02/2026",
        "--draft",
    ]));
    for record in [&done["record"], &item, &missing] {
        let row = common::case_row(dir, record);
        assert_eq!(row["status"], "draft", "{record}");
    }
    let mut drafted = numbers(dir);
    // The begun item is a case now: listed, not started, as before.
    assert_eq!(drafted.stages.remove("not_started"), Some(2));
    let mut expected = before.clone();
    expected.stages.remove("not_started");
    assert_eq!(drafted, expected);

    // A case made by mistake counts while it stands, then nowhere.
    let team = done["team"].as_str();
    let mistake = save_activation(dir, "034090123456", "activated_level2", &["--team", team]);
    let made = numbers(dir);
    assert_eq!(made.lines["eid_level2"].0, {
        let n: usize = before.lines["eid_level2"].0.parse().unwrap();
        (n + 1).to_string()
    });
    stdout(tothon(dir).args(["case", "void", &mistake, "--reason", "Lập nhầm"]));
    let mut voided = numbers(dir);
    assert_eq!(voided.stages.remove("voided"), Some(1));
    assert_eq!(voided.stages.remove("not_started"), Some(2));
    expected.stages.remove("voided");
    assert_eq!(voided, expected, "the mistake counts nowhere");

    // Voiding a case of the work list takes it out of every number, even
    // the assigned: exactly that, and nothing else.
    stdout(tothon(dir).args(["case", "void", &done["record"], "--reason", "Lập nhầm"]));
    let after = numbers(dir);
    let mut expected = before.clone();
    for key in ["eid_level1", "eid_level2", "eid_pending", "eid_not_done"] {
        let (value, of) = &before.lines[key];
        let of: usize = of.parse().unwrap();
        let value: usize = value.parse().unwrap();
        let value = value - usize::from(key == "eid_level2");
        expected
            .lines
            .insert(key.into(), (value.to_string(), (of - 1).to_string()));
    }
    add(&mut expected, &[team, "total"], "assigned", -1);
    add(&mut expected, &[team, "total"], "done", -1);
    for row in [team, "total"] {
        let p = &before.progress[row];
        let (done, assigned): (usize, usize) =
            (p["done"].parse().unwrap(), p["assigned"].parse().unwrap());
        let percent = ((done - 1) * 100 + (assigned - 1) / 2) / (assigned - 1);
        let cell = expected.progress.get_mut(row).unwrap();
        cell.insert("percent_done".into(), format!("{percent}%"));
    }
    *expected.stages.get_mut("done").unwrap() -= 1;
    *expected.stages.get_mut("voided").unwrap() += 2;
    *expected.stages.get_mut("not_started").unwrap() += 2;
    assert_eq!(after.lines, expected.lines);
    assert_eq!(after.progress, expected.progress);
    assert_eq!(after.stages, expected.stages);
}
