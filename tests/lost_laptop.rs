//! Issue 19 point 5, "a lost laptop costs nothing sent": the whole story of
//! a team laptop lost after its last bundle, run as the office and the team
//! would run it, every step a `tothon` process.
//!
//! A commune set up from scratch with named villages imports its work
//! lists; team 2's laptop takes its part, works (cases edited several
//! times, one returned by the office and corrected, one opened in the
//! field under the laptop's own id, a draft, a voided one, a household
//! check) and sends its last bundle. The laptop is lost. A new laptop is
//! set up for team 2, the commune revokes the old key and trusts the new
//! one, and the commune's next bundle must bring back exactly what the old
//! laptop held as of its last bundle: the same `cases --format csv`, every
//! version of every case, the same work list. The new laptop then carries
//! on, and what the old key signs from then on is refused.
//!
//! What the old laptop held only for itself and never sent is lost with it,
//! by design: a case saved after its last bundle (below), and typing kept as
//! a draft in the screens but never saved as a version (README, "Lost
//! passphrase or lost laptop").

mod common;

use std::collections::HashMap;
use std::path::Path;

use assert_cmd::Command;

use common::{
    Commune, case_row, cases_csv, content, csv_maps, fails, key_id_of, save_activation, stdout,
    store_content, tothon,
};

const TEAM: u8 = 2;

const VILLAGES: [&str; 4] = ["Thôn Đông", "Thôn Đoài", "Thôn Trung", "Thôn Nam"];

/// The activation follow-ups the commune is given: four people of team 2's
/// village (Thôn Đoài, written as a spreadsheet would), one of team 1's.
const ACTIVATION_LIST: &str = "Họ và tên,Số CCCD,Ngày sinh,Giới tính,Thôn,SĐT\n\
    Nguyễn Văn An,034070005555,02/02/1970,Nam,Đông,0912000555\n\
    Trần Văn Bình,034088001111,12/03/1988,Nam,Đoài,0912000111\n\
    Lê Thị Cúc,034190002222,05/07/1990,Nữ,thon doai,0912000222\n\
    Phạm Văn Dũng,034085003333,20/11/1985,Nam,Thôn Đoài,0912000333\n\
    Ngô Thị Hoa,034192004444,01/01/1992,Nữ,Đoài,0912000444\n";

/// The household checks: one in each of teams 1 and 2.
const HOUSEHOLD_LIST: &str = "Mã hộ,Thôn,Chủ hộ,Số định danh chủ hộ,Địa chỉ\n\
    HK-0101,Thôn Đông,Nguyễn Văn An,034070005555,Số 1 Thôn Đông\n\
    HK-0201,Thôn Đoài,Trần Văn Bình,034088001111,Số 7 Thôn Đoài\n";

/// `tothon worklist list --format csv` of the device in `dir`.
fn worklist_csv(dir: &Path) -> String {
    stdout(tothon(dir).args(["worklist", "list", "--format", "csv"]))
}

/// The work item, on the device in `dir`, whose `column` (a field it was
/// given, such as `person_id`) is `value`.
fn item(dir: &Path, column: &str, value: &str) -> String {
    let row = csv_maps(&worklist_csv(dir))
        .into_iter()
        .find(|r| r.get(column).map(String::as_str) == Some(value));
    match row {
        Some(row) => row["item"].clone(),
        None => panic!("no work item with {column} {value} in {}", dir.display()),
    }
}

/// `tothon case show RECORD --history`: every version and what it changed.
fn history(dir: &Path, record: &str) -> String {
    stdout(tothon(dir).args(["case", "show", record, "--history"]))
}

/// Imports bundles into the device in `dir`; returns what it said.
fn import(dir: &Path, bundles: &[std::path::PathBuf]) -> String {
    stdout(tothon(dir).args(["bundle", "import"]).args(bundles))
}

/// The commune's next bundle for team 2, taken in on the device in `dir`.
fn commune_to_team(c: &Commune, dir: &Path, into: &str) -> String {
    let bundles = c.export_for_team(TEAM, into);
    assert_eq!(bundles.len(), 1, "{bundles:?}");
    import(dir, &bundles)
}

/// `tothon case ARGS... --author Lan --set PAIR...` on the device in `dir`,
/// to be run (a flag may be added first).
fn case(dir: &Path, args: &[&str], sets: &[&str]) -> Command {
    let mut cmd = tothon(dir);
    cmd.arg("case").args(args).args(["--author", "Lan"]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    cmd
}

/// Starts the case of a work item (`case new --work-item`).
fn start(dir: &Path, form: &str, item: &str, sets: &[&str]) -> Command {
    case(dir, &["new", "--form", form, "--work-item", item], sets)
}

/// Saves a new version of a case (`case edit`).
fn edit(dir: &Path, record: &str, sets: &[&str]) {
    stdout(&mut case(dir, &["edit", record], sets));
}

/// What the old laptop held as of its last bundle.
struct LastBundle {
    cases: String,
    worklist: String,
    histories: Vec<(String, String)>,
    store: Vec<String>,
    versions: usize,
}

#[test]
fn a_lost_laptop_costs_nothing_sent() {
    // ---- The commune, from scratch; its work lists; team 2's first laptop.
    let c = Commune::with_villages(&VILLAGES, [TEAM]);
    let office = c.commune();
    let old = c.team(TEAM);
    for (name, list) in [
        ("kich_hoat.csv", ACTIVATION_LIST),
        ("ho.csv", HOUSEHOLD_LIST),
    ] {
        let file = c.write(name, list.as_bytes());
        let said = stdout(
            tothon(&office)
                .args(["worklist", "import", "--yes"])
                .arg(&file),
        );
        assert!(said.contains("0 dòng có lỗi"), "{said}");
    }
    let said = commune_to_team(&c, &old, "down-1");
    assert!(said.contains("Đã nhận"), "{said}");
    let (edited, returned, draft, untouched) = (
        item(&old, "person_id", "034088001111"),
        item(&old, "person_id", "034190002222"),
        item(&old, "person_id", "034085003333"),
        item(&old, "person_id", "034192004444"),
    );
    let household = item(&old, "household_code", "HK-0201");
    let old_list = csv_maps(&worklist_csv(&old));
    assert_eq!(old_list.len(), 5, "team 2's part only: {old_list:?}");
    assert!(old_list.iter().all(|r| r["team"] == TEAM.to_string()));

    // ---- The team works.
    // A work item's case saved, then edited twice: three versions.
    stdout(&mut start(
        &old,
        "activation",
        &edited,
        &[
            "target_level=level2",
            "status=pending",
            "visit_date=20/11/2026",
            "next_follow_up=30/11/2026",
        ],
    ));
    edit(&old, &edited, &["visits=2", "note=Hẹn lại chiều thứ Sáu"]);
    edit(
        &old,
        &edited,
        &[
            "status=activated_level2",
            "next_follow_up=",
            "visit_date=24/11/2026",
        ],
    );
    // One done at once; the office will return it.
    stdout(&mut start(
        &old,
        "activation",
        &returned,
        &[
            "target_level=level2",
            "status=activated_level2",
            "visit_date=21/11/2026",
        ],
    ));
    // Opened in the field, under the laptop's own id, and edited once.
    let field = save_activation(
        &old,
        "034095006666",
        "pending",
        &["--set", "next_follow_up=30/11/2026"],
    );
    let old_device = common::open(&old).device().unwrap().id;
    assert!(
        field.starts_with(&format!("AC-{old_device}-")),
        "{field} is the old laptop's"
    );
    edit(&old, &field, &["phone=0912000666"]);
    // A draft, saved with what is still missing (no visit date yet).
    stdout(start(&old, "activation", &draft, &["status=pending"]).arg("--draft"));
    // Opened by mistake, then voided.
    let voided = save_activation(&old, "034095007777", "pending", &[]);
    stdout(tothon(&old).args(["case", "void", &voided, "--reason", "Lập nhầm, trùng người"]));
    // A household check.
    stdout(&mut start(
        &old,
        "household_check",
        &household,
        &[
            "members_found=4",
            "outcome=verified",
            "visit_date=22/11/2026",
        ],
    ));

    // The office takes the day's bundle and returns one case for correction;
    // the team takes the request in and corrects the case.
    import(&office, &c.export(&old, "up-1"));
    stdout(tothon(&office).args([
        "case",
        "return",
        &returned,
        "--comment",
        "Ghi lại ngày đến nhà",
    ]));
    commune_to_team(&c, &old, "down-2");
    assert_eq!(case_row(&old, &returned)["status"], "needs_correction");
    edit(&old, &returned, &["visit_date=25/11/2026"]);

    // ---- The last bundle: the office takes it in. What the old laptop
    // holds at this moment is what a new one must get back.
    let said = import(&office, &c.export(&old, "up-last"));
    assert!(said.contains("Đã nhận"), "{said}");
    let records = [&edited, &returned, &field, &draft, &voided, &household];
    let last = {
        let (cases, worklist) = (cases_csv(&old), worklist_csv(&old));
        let histories = records
            .iter()
            .map(|r| (r.to_string(), history(&old, r)))
            .collect();
        // The store is opened once the processes are done with it.
        let store = common::open(&old);
        LastBundle {
            cases,
            worklist,
            histories,
            versions: store.all_versions().unwrap().len(),
            store: store_content(&store),
        }
    };
    // The story is the one told: each kind of case is there, as it should be.
    let rows: HashMap<String, HashMap<String, String>> = csv_maps(&last.cases)
        .into_iter()
        .map(|r| (r["record"].clone(), r))
        .collect();
    let status_versions = |record: &str| {
        let r = &rows[record];
        (r["status"].as_str(), r["versions"].as_str())
    };
    assert_eq!(rows.len(), records.len(), "{}", last.cases);
    assert_eq!(status_versions(&edited), ("done", "3"));
    // Saved, returned by the office, corrected.
    assert_eq!(status_versions(&returned), ("done", "3"));
    assert_eq!(status_versions(&field), ("in_progress", "2"));
    assert_eq!(status_versions(&draft), ("draft", "1"));
    assert_eq!(status_versions(&voided), ("voided", "2"));
    assert_eq!(status_versions(&household), ("done", "1"));
    assert_eq!(last.versions, 3 + 3 + 2 + 1 + 2 + 1);
    assert!(!rows.contains_key(&untouched), "not started");

    // After its last bundle the old laptop saves a case and writes a bundle
    // onto a USB stick still on its way when the laptop is lost; then one
    // more case, never sent: that one is lost with the laptop.
    let on_stick = save_activation(&old, "034095008877", "pending", &[]);
    let stick = c.export(&old, "stick");
    let unsent = save_activation(&old, "034095008888", "activated_level2", &[]);

    // ---- The laptop is lost. Whoever found it keeps a copy; the team no
    // longer has it.
    let found = c.path("found-laptop");
    common::copy_store(&old, &found);
    std::fs::remove_dir_all(&old).unwrap();
    let old_key = key_id_of(&std::fs::read_to_string(c.path("team2.pub")).unwrap());

    // ---- The office revokes the old key; a new laptop is set up for team 2
    // and its key trusted (README, "Lost passphrase or lost laptop").
    stdout(tothon(&office).args(["untrust", &old_key]));
    let new = c.path("team-2-new");
    let new_pub = c.set_up_device(TEAM, &new, "team2-new.pub");
    let new_key = key_id_of(&std::fs::read_to_string(&new_pub).unwrap());
    assert_ne!(new_key, old_key);
    let revoked: Vec<(String, bool)> = common::open(&office)
        .trusted_keys()
        .unwrap()
        .into_iter()
        .filter(|k| k.team == Some(TEAM))
        .map(|k| (k.id, k.revoked_at.is_some()))
        .collect();
    assert_eq!(revoked.len(), 2, "{revoked:?}");
    assert!(revoked.contains(&(old_key.clone(), true)), "{revoked:?}");
    assert!(revoked.contains(&(new_key.clone(), false)), "{revoked:?}");
    let said = commune_to_team(&c, &new, "down-new");
    assert!(
        said.contains(&format!(": {} phiên bản mới, 0 đã có", last.versions)),
        "{said}"
    );

    // ---- Everything the old laptop sent is back, exactly.
    // Every column of the listing is the same: all of them come from the
    // versions (who saved them, when, on which device), none from the
    // device that lists them.
    assert_eq!(cases_csv(&new), last.cases);
    assert_eq!(worklist_csv(&new), last.worklist);
    for (record, before) in &last.histories {
        assert_eq!(&history(&new, record), before, "history of {record}");
    }
    // Every version, every case's heads and every work item, in the store.
    let store = common::open(&new);
    assert_eq!(store.all_versions().unwrap().len(), last.versions);
    assert_eq!(store_content(&store), last.store);
    let new_device = store.device().unwrap().id;
    drop(store);
    assert_ne!(new_device, old_device);
    let listed = cases_csv(&new);
    assert!(!listed.contains(&on_stick), "not at the office yet");
    assert!(
        !listed.contains(&unsent),
        "a case never sent cannot come back"
    );

    // ---- The new laptop carries on: it edits the case the old laptop
    // opened under its own id, completes the draft and starts a work item.
    edit(
        &new,
        &field,
        &["status=activated_level2", "next_follow_up="],
    );
    edit(
        &new,
        &draft,
        &["target_level=level2", "visit_date=26/11/2026"],
    );
    stdout(&mut start(
        &new,
        "activation",
        &untouched,
        &[
            "target_level=level1",
            "status=activated_level1",
            "visit_date=26/11/2026",
        ],
    ));
    let fresh = save_activation(&new, "034095009999", "pending", &[]);
    assert!(fresh.starts_with(&format!("AC-{new_device}-")), "{fresh}");
    // Its first bundle is numbered 1, after the old laptop's 3: the office
    // counts each device's bundles apart, so it is not taken for a late one.
    let said = import(&office, &c.export(&new, "up-new"));
    assert!(
        said.contains(&format!(
            "(số 1): 4 phiên bản mới, {} đã có, 0 xung đột mới.",
            last.versions
        )),
        "{said}"
    );
    assert!(!said.contains("Chú ý"), "{said}");
    for record in [&field, &draft, &untouched, &fresh] {
        assert_eq!(
            case_row(&office, record),
            case_row(&new, record),
            "the office holds {record} as the new laptop does"
        );
    }
    assert_eq!(case_row(&office, &field)["versions"], "3");
    assert_eq!(case_row(&office, &draft)["status"], "in_progress");
    assert_eq!(case_row(&office, &untouched)["status"], "done");

    // ---- What the old key signs is refused, in one sentence naming the
    // key and its revocation, and changes nothing at the office.
    edit(&found, &edited, &["note=Sửa từ máy bị mất"]);
    let stolen = c.export(&found, "up-found");
    let before = content(&office);
    let err = fails(tothon(&office).args(["bundle", "import"]).args(&stolen));
    assert!(
        err.contains(&format!("khoá {old_key}, khoá này đã bị thu hồi")),
        "{err}"
    );
    assert!(err.contains("Chưa nhận gì vào dữ liệu"), "{err}");
    let err = fails(
        tothon(&office)
            .args(["--lang", "en", "bundle", "import"])
            .args(&stolen),
    );
    assert!(
        err.contains(&format!(
            "signed with key {old_key}, which has been revoked"
        )),
        "{err}"
    );
    assert_eq!(content(&office), before, "the office's data changed");

    // The team's own bundle on the stick arrives after the revocation: it
    // is refused like anything the old key signs, and taken on purpose, as
    // README says, with the old key trusted again for that one import.
    let err = fails(tothon(&office).args(["bundle", "import"]).args(&stick));
    assert!(err.contains("đã bị thu hồi"), "{err}");
    stdout(
        tothon(&office)
            .args(["trust", "--again", "--team", &TEAM.to_string()])
            .arg(c.path("team2.pub")),
    );
    let said = import(&office, &stick);
    assert!(said.contains("(số 3): 1 phiên bản mới"), "{said}");
    stdout(tothon(&office).args(["untrust", &old_key]));
    let err = fails(tothon(&office).args(["bundle", "import"]).args(&stolen));
    assert!(err.contains("đã bị thu hồi"), "revoked again: {err}");
    assert!(!cases_csv(&office).contains(&unsent));

    // The office's next bundle for team 2 is for the new laptop only: the
    // lost one cannot read it.
    let down = c.export_for_team(TEAM, "down-after");
    let found_before = cases_csv(&found);
    let err = fails(tothon(&found).args(["bundle", "import"]).args(&down));
    assert!(err.contains("được mã hoá cho máy khác"), "{err}");
    assert_eq!(cases_csv(&found), found_before);
    import(&new, &down);
    assert_eq!(case_row(&new, &on_stick), case_row(&office, &on_stick));
    assert_eq!(case_row(&new, &on_stick)["status"], "in_progress");
}
