//! The commune's numbers on the demo: the progress tables, the report and
//! `tothon cases --format csv` must agree, and the planted duplicates must
//! be found.

mod common;

use std::collections::HashMap;

use common::{cases, csv_maps, demo, demo_built, stdout, tothon};
use tothon::domain::{duplicates, progress};

/// The demo commune of 900 people the numbers are checked on.
fn demo_commune() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path(), 900);
    dir
}

#[test]
fn report_progress_and_cases_agree_number_for_number() {
    let dir = demo_commune();
    let activation = csv_maps(&stdout(tothon(dir.path()).args([
        "cases",
        "--format",
        "csv",
        "--form",
        "activation",
    ])));
    let missing = csv_maps(&stdout(tothon(dir.path()).args([
        "cases",
        "--format",
        "csv",
        "--form",
        "missing_field",
    ])));
    let count = |rows: &[HashMap<String, String>], field: &str, value: &str| {
        rows.iter().filter(|r| r[field] == value).count()
    };
    let report: HashMap<String, HashMap<String, String>> = csv_maps(&stdout(
        tothon(dir.path()).args(["report", "--format", "csv"]),
    ))
    .into_iter()
    .filter(|r| r["village"].is_empty())
    .map(|r| (r["key"].clone(), r))
    .collect();
    let value = |key: &str| report[key]["value"].parse::<usize>().unwrap();
    // The e-ID status is the form's own `status` field, beside the case's.
    assert_eq!(
        value("eid_level1"),
        count(&activation, "field_status", "activated_level1")
    );
    assert_eq!(
        value("eid_level2"),
        count(&activation, "field_status", "activated_level2")
    );
    assert_eq!(
        value("eid_pending"),
        count(&activation, "field_status", "pending")
    );
    assert_eq!(
        value("eid_not_done"),
        count(&activation, "field_status", "not_registered")
            + count(&activation, "field_status", "failed")
    );
    assert_eq!(
        value("missing_fields"),
        count(&missing, "outcome", "corrected")
            + count(&missing, "outcome", "no_document")
            + count(&missing, "outcome", "referred")
    );
    assert!(value("eid_level2") > 0 && value("missing_fields") > 0);

    // The progress tables count the same cases.
    let store = common::open(dir.path());
    let cells = progress::tally(&store.work_items().unwrap(), &store.cases().unwrap());
    drop(store);
    let all_cases = cases(dir.path());
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
    let summary = demo_built(dir.path(), 1500, 11);
    let store = common::open(dir.path());
    let people = store.people().unwrap();
    drop(store);
    // The register went in through the register import, whole.
    assert_eq!(people.len(), summary.people);
    assert!(people.iter().all(|p| p.key.starts_with("NK-")));
    // Each team holds its own village's part, from the commune's bundle.
    let team = common::open(&tothon::demo::team_dir(dir.path(), 2));
    let theirs = team.people().unwrap();
    assert!(!theirs.is_empty());
    let ours: Vec<_> = people.iter().filter(|p| p.team == 2).cloned().collect();
    assert_eq!(theirs, ours);
    drop(team);
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
    let listed = stdout(tothon(dir.path()).args(["duplicates", "--format", "csv"]));
    assert_eq!(listed.lines().count() - 1, pairs.len());
}

#[test]
fn the_report_as_of_a_past_date_ignores_later_edits() {
    let dir = demo_commune();
    let now = stdout(tothon(dir.path()).args(["report", "--format", "csv"]));
    let early =
        stdout(tothon(dir.path()).args(["report", "--format", "csv", "--as-of", "01/09/2026"]));
    let value = |text: &str, key: &str| {
        csv_maps(text)
            .into_iter()
            .find(|r| r["key"] == key && r["village"].is_empty())
            .unwrap()["value"]
            .parse::<usize>()
            .unwrap()
    };
    assert!(value(&early, "eid_level2") < value(&now, "eid_level2"));
    assert!(value(&early, "missing_fields") < value(&now, "missing_fields"));
    let text = stdout(tothon(dir.path()).args(["report", "--as-of", "01/09/2026"]));
    assert!(text.contains("tính đến ngày 01/09/2026"), "{text}");
    let bad = tothon(dir.path())
        .args(["report", "--as-of", "31/02/2026"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

/// The demo's work list goes in as a commune's spreadsheets do, through
/// `worklist import`, and each team holds exactly its village's part of it,
/// under the same ids.
#[test]
fn the_demo_work_list_is_imported_and_each_team_holds_its_part() {
    let dir = demo_commune();
    let store = common::open(dir.path());
    let mut listed = store.work_items().unwrap();
    drop(store);
    assert!(listed.len() > 100, "{}", listed.len());
    let mut held = Vec::new();
    for team in 1..=6 {
        let store = common::open(&tothon::demo::team_dir(dir.path(), team));
        let mine = store.work_items().unwrap();
        assert!(!mine.is_empty() && mine.iter().all(|i| i.team == team));
        held.extend(mine);
    }
    listed.sort_by(|a, b| a.id.cmp(&b.id));
    held.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(listed, held);
}

/// Every line of the report, each number recomputed from `tothon cases
/// --format csv` (results) and `tothon progress` (what is assigned), on a
/// demo large enough that every line has something to show; and a past
/// `--as-of` changes every line the teams' work moves.
#[test]
fn every_line_of_the_report_is_recomputed_from_the_cases() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path(), 3000);
    let d = dir.path();
    let report = |as_of: Option<&str>| -> HashMap<String, HashMap<String, String>> {
        let mut args = vec!["report", "--format", "csv"];
        args.extend(as_of.map(|a| ["--as-of", a]).into_iter().flatten());
        csv_maps(&stdout(tothon(d).args(&args)))
            .into_iter()
            .filter(|r| r["village"].is_empty())
            .map(|r| (r["key"].clone(), r))
            .collect()
    };
    let now = report(None);
    let number = |r: &HashMap<String, HashMap<String, String>>, key: &str, col: &str| {
        r[key][col].parse::<usize>().unwrap()
    };
    let cases = |form: &str| {
        csv_maps(&stdout(
            tothon(d).args(["cases", "--format", "csv", "--form", form]),
        ))
    };
    let count = |rows: &[HashMap<String, String>], pairs: &[(&str, &str)]| {
        rows.iter()
            .filter(|r| r["stage"] != "voided")
            .filter(|r| {
                pairs.iter().all(|(f, v)| match *v {
                    "*" => !r[*f].is_empty(),
                    v => r[*f] == v,
                })
            })
            .count()
    };
    let assigned = |form: &str| {
        let rows = csv_maps(&stdout(
            tothon(d).args(["progress", "--format", "csv", "--form", form]),
        ));
        rows.iter().find(|r| r["team"] == "total").unwrap()["assigned"]
            .parse::<usize>()
            .unwrap()
    };
    let says = |key: &str, part: String| {
        let sentence = &now[key]["sentence"];
        assert!(
            sentence.contains(&part),
            "{key}: «{part}» not in «{sentence}»"
        );
    };

    let hc = cases("household_check");
    assert_eq!(
        number(&now, "household_checked", "value"),
        count(&hc, &[("outcome", "*")])
    );
    assert_eq!(
        number(&now, "household_checked", "of"),
        assigned("household_check")
    );

    let pairs = csv_maps(&stdout(tothon(d).args(["duplicates", "--format", "csv"])));
    let settled = cases("duplicate");
    assert_eq!(number(&now, "suspected_duplicates", "value"), pairs.len());
    assert_eq!(
        number(&now, "duplicates_cleaned", "value"),
        count(&settled, &[("resolution", "deleted_duplicate")])
    );
    says(
        "duplicates_cleaned",
        format!(
            "{} cặp xác định không trùng",
            count(&settled, &[("resolution", "not_duplicate")])
        ),
    );

    let mf = cases("missing_field");
    assert_eq!(
        number(&now, "missing_fields", "value"),
        count(&mf, &[("outcome", "*")])
    );
    assert_eq!(
        number(&now, "missing_fields", "of"),
        assigned("missing_field")
    );
    let cmnd = |outcome| count(&mf, &[("missing", "cmnd"), ("outcome", outcome)]);
    assert_eq!(number(&now, "cmnd_update", "value"), cmnd("corrected"));
    assert_eq!(number(&now, "cmnd_update", "of"), cmnd("*"));
    says(
        "cmnd_update",
        format!(
            "{} trường hợp không có thông tin số CMND",
            cmnd("no_document")
        ),
    );

    let hd = cases("id_cancellation");
    assert_eq!(
        number(&now, "id_cancellation", "of"),
        assigned("id_cancellation")
    );
    assert_eq!(
        number(&now, "id_cancellation", "value"),
        count(&hd, &[("outcome", "request_created")])
    );
    let after = hd
        .iter()
        .filter(|r| r["birth_certificate_date"].as_str() > "2021-07-01")
        .count();
    says(
        "id_cancellation",
        format!("Giấy khai sinh sau ngày 01/7/2021: {after}."),
    );

    let sl = cases("id_card_mismatch");
    assert_eq!(
        number(&now, "id_card_mismatch", "of"),
        assigned("id_card_mismatch")
    );
    assert_eq!(
        number(&now, "id_card_mismatch", "value"),
        count(
            &sl,
            &[("wrong_side", "population_data"), ("outcome", "corrected")]
        )
    );
    says(
        "id_card_mismatch",
        format!(
            "Sai CCCD: {} trường hợp",
            count(&sl, &[("wrong_side", "id_card")])
        ),
    );

    let tb = cases("subscriber");
    assert_eq!(
        number(&now, "subscriber", "value"),
        count(&tb, &[("outcome", "cleaned")])
    );
    assert_eq!(number(&now, "subscriber", "of"), assigned("subscriber"));

    let bh = cases("social_insurance");
    assert_eq!(
        number(&now, "social_insurance", "value"),
        count(&bh, &[("outcome", "corrected")])
    );
    says(
        "social_insurance",
        format!(
            "{} TH dữ liệu BHXH sai thông tin",
            count(&bh, &[("finding", "wrong_info")])
        ),
    );

    // Every line has something true to show.
    for (key, row) in &now {
        assert!(number(&now, key, "value") > 0, "{key}: {row:?}");
    }
    // The lines the teams' field work moves are lower a month and a half
    // earlier; the register's pairs are the register's.
    let early = report(Some("15/10/2026"));
    for key in [
        "household_checked",
        "missing_fields",
        "cmnd_update",
        "id_cancellation",
        "id_card_mismatch",
        "subscriber",
        "social_insurance",
        "eid_level2",
    ] {
        assert!(
            number(&early, key, "value") < number(&now, key, "value"),
            "{key}: {} then {}",
            number(&early, key, "value"),
            number(&now, key, "value")
        );
    }
}

/// `tothon target`: a line's target set, shown in the report as a whole
/// share (past 100 % when beaten), listed, and taken away by 0 or `clear`;
/// a line the report does not have is refused, naming those it has.
#[test]
fn a_target_is_set_shown_listed_and_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(tothon(d).args(["init", "commune", "--name", common::COMMUNE]));
    for id in ["034090123456", "034090123457", "034090123458"] {
        common::save_activation(d, id, "activated_level2", &["--team", "3"]);
    }
    let said = stdout(tothon(d).args(["target", "set", "eid_level2", "2"]));
    assert!(said.contains("«eid_level2»: 2"), "{said}");
    let report = stdout(tothon(d).arg("report"));
    assert!(
        report.contains("3 trường hợp (100,0%), đạt 150% chỉ tiêu (2 trường hợp)."),
        "{report}"
    );
    let listed = stdout(tothon(d).args(["target", "list"]));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("eid_level2") && l.ends_with(" 2")),
        "{listed}"
    );
    stdout(tothon(d).args(["target", "set", "eid_level2", "0"]));
    assert!(!stdout(tothon(d).arg("report")).contains("chỉ tiêu"));
    stdout(tothon(d).args(["target", "set", "eid_level1", "5"]));
    stdout(tothon(d).args(["target", "clear", "eid_level1"]));
    assert!(!stdout(tothon(d).arg("report")).contains("chỉ tiêu"));
    let err = common::fails(tothon(d).args(["target", "set", "eid_level3", "5"]));
    assert!(
        err.contains("«eid_level3»") && err.contains("eid_level2"),
        "{err}"
    );
}
