//! The commune's numbers on the demo: the progress tables, the report and
//! `tothon cases --format csv` must agree, and the planted duplicates must
//! be found.

use std::collections::HashMap;
use std::path::Path;

use assert_cmd::Command;
use tothon::domain::{duplicates, progress};
use tothon::store::Store;

const NOW: &str = "2026-11-26T10:00:00+07:00";

fn tothon(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tothon").unwrap();
    cmd.env("TOTHON_NOW", NOW).arg("--data-dir").arg(dir);
    cmd
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run(tothon(dir.path())
        .args(["demo", "--no-tui", "--people", "900", "--dir"])
        .arg(dir.path()));
    dir
}

/// Rows of a CSV as header-name → value maps.
fn csv_maps(text: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn report_progress_and_cases_agree_number_for_number() {
    let dir = demo();
    let activation = csv_maps(&run(tothon(dir.path()).args([
        "cases",
        "--format",
        "csv",
        "--form",
        "activation",
    ])));
    let missing = csv_maps(&run(tothon(dir.path()).args([
        "cases",
        "--format",
        "csv",
        "--form",
        "missing_field",
    ])));
    let count = |rows: &[HashMap<String, String>], field: &str, value: &str| {
        rows.iter().filter(|r| r[field] == value).count()
    };
    let report: HashMap<String, HashMap<String, String>> =
        csv_maps(&run(tothon(dir.path()).args(["report", "--format", "csv"])))
            .into_iter()
            .map(|r| (r["key"].clone(), r))
            .collect();
    let value = |key: &str| report[key]["value"].parse::<usize>().unwrap();
    assert_eq!(
        value("eid_level1"),
        count(&activation, "status", "activated_level1")
    );
    assert_eq!(
        value("eid_level2"),
        count(&activation, "status", "activated_level2")
    );
    assert_eq!(
        value("eid_pending"),
        count(&activation, "status", "pending")
    );
    assert_eq!(
        value("eid_not_done"),
        count(&activation, "status", "not_registered") + count(&activation, "status", "failed")
    );
    assert_eq!(
        value("missing_fields"),
        count(&missing, "outcome", "corrected")
            + count(&missing, "outcome", "no_document")
            + count(&missing, "outcome", "referred")
    );
    assert!(value("eid_level2") > 0 && value("missing_fields") > 0);

    // The progress tables count the same cases.
    let store = Store::open(dir.path()).unwrap();
    let cells = progress::tally(&store.work_items().unwrap(), &store.cases().unwrap());
    drop(store);
    let all_cases = csv_maps(&run(tothon(dir.path()).args(["cases", "--format", "csv"])));
    let total = progress::total(cells.values());
    assert_eq!(total.done, count(&all_cases, "status", "done"));
    assert_eq!(total.blocked, count(&all_cases, "status", "blocked"));
    assert_eq!(
        total.in_progress,
        count(&all_cases, "status", "in_progress") + count(&all_cases, "status", "draft")
    );
    assert_eq!(total.assigned - total.not_started, all_cases.len());
    let activation_cells = progress::total(
        cells
            .iter()
            .filter(|((_, f), _)| f == "activation")
            .map(|(_, p)| p),
    );
    assert_eq!(
        activation_cells.assigned,
        report["eid_level1"]["of"].parse::<usize>().unwrap()
    );
    let blocked_activations = all_cases
        .iter()
        .filter(|r| r["form"] == "activation" && r["status"] == "blocked")
        .count();
    assert_eq!(activation_cells.blocked, blocked_activations);
    assert_eq!(
        activation_cells.blockers.values().sum::<usize>(),
        blocked_activations
    );
}

#[test]
fn planted_duplicates_are_found_across_villages() {
    let dir = tempfile::tempdir().unwrap();
    let summary = tothon::demo::build(
        dir.path(),
        &tothon::demo::Options {
            people: 1500,
            seed: 11,
        },
    )
    .unwrap();
    let store = Store::open(dir.path()).unwrap();
    let people = store.people().unwrap();
    drop(store);
    let pairs = duplicates::find(&people);
    let planted = summary.same_id_twice + summary.same_name_and_birth;
    assert!(planted >= 10, "{planted}");
    let across = pairs.iter().filter(|p| p.across_villages()).count();
    assert!(across >= planted, "found {across} of {planted}");
    assert_eq!(
        pairs
            .iter()
            .filter(|p| p.why == duplicates::Why::SameId)
            .count(),
        summary.same_id_twice
    );
    let listed = run(tothon(dir.path()).args(["duplicates", "--format", "csv"]));
    assert_eq!(listed.lines().count() - 1, pairs.len());
}

#[test]
fn the_report_as_of_a_past_date_ignores_later_edits() {
    let dir = demo();
    let now = run(tothon(dir.path()).args(["report", "--format", "csv"]));
    let early =
        run(tothon(dir.path()).args(["report", "--format", "csv", "--as-of", "01/09/2026"]));
    let value = |text: &str, key: &str| {
        csv_maps(text)
            .into_iter()
            .find(|r| r["key"] == key)
            .unwrap()["value"]
            .parse::<usize>()
            .unwrap()
    };
    assert!(value(&early, "eid_level2") < value(&now, "eid_level2"));
    assert!(value(&early, "missing_fields") < value(&now, "missing_fields"));
    let text = run(tothon(dir.path()).args(["report", "--as-of", "01/09/2026"]));
    assert!(text.contains("tính đến ngày 01/09/2026"), "{text}");
    let bad = tothon(dir.path())
        .args(["report", "--as-of", "31/02/2026"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
