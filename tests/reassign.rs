//! Reassignment that travels (issue 19 point 2), through the real binary:
//! the commune moves delivered work items from team 3 to team 4 while team 3
//! works them offline. Team 3's bundles are never refused for it; its work
//! arrives as a conflict for the office; team 3's next commune bundle takes
//! the items off its list, with a line saying where they went; the new team
//! carries on, and the conflict ends with the new team's save or the
//! office's resolution.

mod common;

use std::path::{Path, PathBuf};

use common::{COMMUNE, Commune, case_row, cases, fails, stdout, tothon};

/// The golden work list: AC-00001 and AC-00002 for team 3 (Thôn 3),
/// AC-00003 for team 4.
fn work_list() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden/worklist.csv")
}

fn import(dir: &Path, bundle: &Path) -> String {
    stdout(tothon(dir).args(["bundle", "import"]).arg(bundle))
}

/// Team device `dir` saves a version of work item `id`, begun here.
fn begin(dir: &Path, id: &str, author: &str) {
    stdout(
        tothon(dir)
            .args(["case", "new", "--form", "activation", "--work-item", id])
            .args(["--author", author, "--set", "status=pending"])
            .args(["--set", "visit_date=20/11/2026", "--confirm"]),
    );
}

/// The ids of the work items device `dir` lists.
fn items(dir: &Path) -> Vec<String> {
    common::open(dir)
        .work_items()
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect()
}

/// A commune with teams 3 and 4 and the golden work list; team 3's device
/// has taken in its items. Returns the commune and the office's folder.
fn set_up() -> (Commune, PathBuf) {
    let c = Commune::with_teams([3, 4]);
    let office = c.commune();
    stdout(
        tothon(&office)
            .args(["worklist", "import", "--form", "activation", "--yes"])
            .arg(work_list()),
    );
    import(&c.team(3), &c.export_for_team(3, "first")[0]);
    assert_eq!(items(&c.team(3)), ["AC-00001", "AC-00002"]);
    (c, office)
}

#[test]
fn a_moved_item_travels_to_the_old_team_and_its_offline_work_arrives_as_a_conflict() {
    let (c, office) = set_up();

    // Team 3 works both items in the village, offline.
    begin(&c.team(3), "AC-00001", "Lan");
    begin(&c.team(3), "AC-00002", "Lan");

    // Meanwhile the office gives both to team 4.
    for id in ["AC-00001", "AC-00002"] {
        let said = stdout(tothon(&office).args(["worklist", "assign", id, "--team", "4"]));
        assert!(
            said.contains(&format!("Đã giao việc {id} cho tổ 4 (trước đây là tổ 3)."))
                && said.contains("Danh sách của tổ 3 sẽ bỏ việc này khi nhận gói tới"),
            "{said}"
        );
    }
    // Team 4 gets AC-00002 and works it; its bundle reaches the office
    // before team 3's.
    let to_four = c.export_for_team(4, "to-four");
    import(&c.team(4), &to_four[0]);
    assert_eq!(items(&c.team(4)), ["AC-00001", "AC-00002", "AC-00003"]);
    stdout(
        tothon(&c.team(4))
            .args([
                "case",
                "new",
                "--form",
                "activation",
                "--work-item",
                "AC-00002",
            ])
            .args(["--author", "Minh", "--set", "status=activated_level2"])
            .args(["--set", "visit_date=21/11/2026", "--confirm"]),
    );
    let from_four = c.export(&c.team(4), "from-four");
    import(&office, &from_four[0]);

    // Team 3's bundle, made before it learnt of the moves, is taken whole.
    let from_three = c.export(&c.team(3), "from-three");
    let said = import(&office, &from_three[0]);
    assert!(
        said.contains("2 phiên bản mới") && said.contains("2 xung đột mới"),
        "{said}"
    );
    for id in ["AC-00001", "AC-00002"] {
        let row = case_row(&office, id);
        assert_eq!(
            (row["team"].as_str(), row["conflict"].as_str()),
            ("4", "yes"),
            "{id}"
        );
    }
    assert_eq!(
        common::open(&office).versions_of("AC-00002").unwrap().len(),
        2
    );

    // Team 3's next commune bundle takes both off its list, saying where
    // they went; what it saved stays on the device and still travels.
    let back = c.export_for_team(3, "back");
    let said = stdout(
        tothon(&c.team(3))
            .args(["--lang", "vi", "bundle", "import"])
            .arg(&back[0]),
    );
    for id in ["AC-00001", "AC-00002"] {
        assert!(
            said.contains(&format!("Xã đã chuyển việc {id} sang tổ 4 (Thôn 4)")),
            "{said}"
        );
    }
    assert!(items(&c.team(3)).is_empty());
    assert!(cases(&c.team(3)).is_empty(), "{:?}", cases(&c.team(3)));
    let err = fails(
        tothon(&c.team(3))
            .args(["case", "edit", "AC-00001", "--author", "Lan"])
            .args(["--set", "status=activated_level1"]),
    );
    assert!(
        err.contains("Xã đã chuyển việc AC-00001 sang tổ 4"),
        "{err}"
    );
    let err = fails(tothon(&c.team(3)).args(["case", "show", "AC-00001"]));
    assert!(err.contains("sang tổ 4"), "{err}");
    assert_eq!(common::open(&c.team(3)).all_versions().unwrap().len(), 2);
    // Its next bundle repeats its two versions; the office, which has
    // them, takes it without a word.
    let again = c.export(&c.team(3), "again");
    let said = import(&office, &again[0]);
    assert!(said.contains("0 phiên bản mới, 2 đã có"), "{said}");

    // The office settles AC-00001 (team 3's work alone) by taking it for
    // team 4, and AC-00002 by taking team 4's head.
    stdout(tothon(&office).args([
        "case",
        "resolve",
        "AC-00001",
        "--author",
        "Hoa",
        "--confirm",
    ]));
    let shown = stdout(tothon(&office).args(["--lang", "en", "case", "show", "AC-00002"]));
    assert!(shown.contains("] Minh"), "{shown}");
    let four = if shown.contains("[1] Minh") { "1" } else { "2" };
    stdout(
        tothon(&office)
            .args(["case", "resolve", "AC-00002", "--take", four])
            .args(["--author", "Hoa", "--confirm"]),
    );
    for id in ["AC-00001", "AC-00002"] {
        let row = case_row(&office, id);
        assert_eq!(
            (row["team"].as_str(), row["conflict"].as_str()),
            ("4", "no"),
            "{id}"
        );
    }
    assert_eq!(case_row(&office, "AC-00002")["status"], "done");

    // Team 4 gets both with their whole history and carries on; the office
    // takes its work.
    let to_four = c.export_for_team(4, "to-four-again");
    import(&c.team(4), &to_four[0]);
    stdout(
        tothon(&c.team(4))
            .args(["case", "edit", "AC-00001", "--author", "Minh"])
            .args(["--set", "status=activated_level1"]),
    );
    let from_four = c.export(&c.team(4), "from-four-again");
    import(&office, &from_four[0]);
    let row = case_row(&office, "AC-00001");
    assert_eq!(
        (row["team"].as_str(), row["conflict"].as_str()),
        ("4", "no")
    );
    assert_eq!(
        common::open(&office).versions_of("AC-00001").unwrap().len(),
        3
    );
    // The commune's name is the one the team devices were set up with.
    assert_eq!(common::open(&office).commune().unwrap().name, COMMUNE);
    // Every device's list is what its versions give (`tothon check`).
    for dir in [&office, &c.team(3), &c.team(4)] {
        index_whole(dir);
    }
}

/// `tothon check` finds the device's list exactly as its versions give it.
fn index_whole(dir: &Path) {
    let out = stdout(tothon(dir).args(["check"]));
    assert!(
        out.contains("Dữ liệu nguyên vẹn") && !out.contains("Danh sách việc sai"),
        "{}: {out}",
        dir.display()
    );
}

#[test]
fn a_moved_case_with_heads_of_both_teams_is_listed_alike_however_it_arrives() {
    let (c, office) = set_up();
    begin(&c.team(3), "AC-00001", "Lan");
    import(&office, &c.export(&c.team(3), "begun")[0]);
    // The office moves the begun case and writes a version of its own
    // (team 4's); team 3, not knowing, edits it too, earlier that morning.
    stdout(tothon(&office).args(["worklist", "assign", "AC-00001", "--team", "4"]));
    stdout(
        tothon(&office)
            .args(["case", "edit", "AC-00001", "--author", "Hoa"])
            .args(["--set", "note=Tổ 4 làm tiếp"]),
    );
    stdout(
        tothon(&c.team(3))
            .env("TOTHON_NOW", "2026-11-26T09:00:00+07:00")
            .args(["case", "edit", "AC-00001", "--author", "Lan"])
            .args(["--set", "status=failed", "--set", "blocker=away"]),
    );
    import(&office, &c.export(&c.team(3), "edited")[0]);
    let row = case_row(&office, "AC-00001");
    assert_eq!(
        (row["team"].as_str(), row["conflict"].as_str()),
        ("4", "yes")
    );
    // Team 4 takes the case, both heads and the item, in one bundle.
    import(&c.team(4), &c.export_for_team(4, "to-four")[0]);
    let row = case_row(&c.team(4), "AC-00001");
    assert_eq!(
        (row["team"].as_str(), row["conflict"].as_str()),
        ("4", "yes")
    );
    for dir in [&office, &c.team(3), &c.team(4)] {
        index_whole(dir);
    }
}

#[test]
fn an_item_moved_back_returns_to_its_team_with_its_case() {
    let (c, office) = set_up();
    begin(&c.team(3), "AC-00001", "Lan");
    stdout(tothon(&office).args(["worklist", "assign", "AC-00001", "--team", "4"]));
    import(&c.team(3), &c.export_for_team(3, "away")[0]);
    assert_eq!(items(&c.team(3)), ["AC-00002"]);
    // The first bundle again, older, from the same stick: it does not
    // bring the moved item back.
    let first = std::fs::read_dir(c.path("first"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("-to-team3-"))
        .unwrap();
    import(&c.team(3), &first);
    assert_eq!(items(&c.team(3)), ["AC-00002"]);
    // Team 3's work reaches the office, then the office gives the item
    // back: team 3's again, no conflict, and its list has it back.
    import(&office, &c.export(&c.team(3), "work")[0]);
    stdout(tothon(&office).args(["worklist", "assign", "AC-00001", "--team", "3"]));
    let row = case_row(&office, "AC-00001");
    assert_eq!(
        (row["team"].as_str(), row["conflict"].as_str()),
        ("3", "no")
    );
    import(&c.team(3), &c.export_for_team(3, "back")[0]);
    assert_eq!(items(&c.team(3)), ["AC-00001", "AC-00002"]);
    let row = case_row(&c.team(3), "AC-00001");
    assert_eq!(row["team"], "3");
    stdout(
        tothon(&c.team(3))
            .args(["case", "edit", "AC-00001", "--author", "Lan"])
            .args(["--set", "status=activated_level1"]),
    );
    import(&office, &c.export(&c.team(3), "more")[0]);
    assert_eq!(
        common::open(&office).versions_of("AC-00001").unwrap().len(),
        2
    );
}
