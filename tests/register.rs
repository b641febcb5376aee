//! The population register of a commune set up from scratch: imported from
//! the commune's own spreadsheet, it yields exactly its suspected duplicate
//! pairs (on the command line, on the screen, in the report); settling one
//! changes what the report counts; a re-import never duplicates; each team
//! receives its own village's part in the commune's bundle. A new case is
//! started from someone found on it, and refused when the same person or
//! household has work already (unless --anyway).

mod common;

use std::collections::HashMap;
use std::path::Path;

use ratatui::crossterm::event::KeyCode;

use common::{Commune, csv_maps, fails, stdout, tothon};

const VILLAGES: [&str; 6] = [
    "Thôn Đông",
    "Thôn Đoài",
    "Thôn Trung",
    "Thôn Nam",
    "Thôn Bắc",
    "Thôn Tân Lập",
];

/// A register as a commune keeps it: a title, a running number, villages by
/// name (one without "Thôn"), dates as dd/mm/yyyy. Nguyễn Văn An has one ID
/// in two households; Lê Thị Hoa one name and birth date under two IDs.
const REGISTER: &str = "\
DANH SÁCH NHÂN KHẨU XÃ THỬ NGHIỆM
STT,Họ và tên,Số định danh,Ngày sinh,Giới tính,Mã hộ,Quan hệ với chủ hộ,Thôn,Số điện thoại
1,Nguyễn Văn An,034085001234,12/03/1985,Nam,HK-01,Chủ hộ,Thôn Đông,0912345678
2,Trần Thị Mai,034187001235,02/02/1987,Nữ,HK-01,Vợ,Thôn Đông,
3,Nguyễn Văn An,034085001234,12/03/1985,Nam,HK-77,Khác,Thôn Trung,
4,Lê Thị Hoa,034190002345,01/01/1990,Nữ,HK-02,Chủ hộ,Đoài,
5,Lê Thị Hoa,034190009999,01/01/1990,Nữ,HK-30,Chủ hộ,Thôn Tân Lập,
6,Phạm Văn Bình,034070003456,1970,Nam,HK-31,Chủ hộ,Thôn Trung,
";

/// Names the office's six villages as [`VILLAGES`] does.
fn name_villages(office: &Path) {
    for (n, name) in VILLAGES.iter().enumerate() {
        stdout(tothon(office).args(["village", "rename", &(n + 1).to_string(), name]));
    }
}

/// A commune of [`VILLAGES`] with the devices of `teams`, [`REGISTER`]
/// imported at the office.
fn with_register(teams: impl IntoIterator<Item = u8>) -> Commune {
    let c = Commune::with_teams(teams);
    name_villages(&c.commune());
    let file = c.write("nhan-khau.csv", REGISTER.as_bytes());
    import(&c.commune(), &file);
    c
}

fn import(dir: &Path, file: &Path) -> String {
    stdout(tothon(dir).args(["register", "import", "--yes"]).arg(file))
}

fn duplicates(dir: &Path) -> Vec<HashMap<String, String>> {
    csv_maps(&stdout(tothon(dir).args(["duplicates", "--format", "csv"])))
}

/// The report's CSV rows by key: (value, of).
fn report(dir: &Path) -> HashMap<String, (String, String)> {
    csv_maps(&stdout(tothon(dir).args(["report", "--format", "csv"])))
        .into_iter()
        .filter(|r| r["village"].is_empty())
        .map(|r| (r["key"].clone(), (r["value"].clone(), r["of"].clone())))
        .collect()
}

#[test]
fn a_register_gives_exactly_its_pairs_and_settling_one_is_counted() {
    let c = Commune::with_teams([3]);
    let office = c.commune();
    name_villages(&office);
    let file = c.write("nhan-khau.csv", REGISTER.as_bytes());

    // A dry run writes nothing; without a terminal and --yes, nothing either.
    let said = stdout(
        tothon(&office)
            .args(["register", "import", "--dry-run"])
            .arg(&file),
    );
    assert!(said.contains("6 người mới"), "{said}");
    let err = fails(tothon(&office).args(["register", "import"]).arg(&file));
    assert!(err.contains("--yes"), "{err}");
    assert!(duplicates(&office).is_empty());

    let said = import(&office, &file);
    assert!(said.contains("Đã ghi 6 nhân khẩu"), "{said}");
    let pairs = duplicates(&office);
    let got: Vec<(&str, &str, &str)> = pairs
        .iter()
        .map(|p| {
            (
                p["why"].as_str(),
                p["household_1"].as_str(),
                p["household_2"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("trùng số định danh", "HK-01", "HK-77"),
            ("trùng họ tên và ngày sinh", "HK-02", "HK-30"),
        ]
    );
    assert_eq!(pairs[0]["village_2"], "Thôn Trung");
    let r = report(&office);
    assert_eq!(r["suspected_duplicates"].0, "2");
    assert_eq!(r["duplicates_cleaned"], ("0".into(), "2".into()));

    // On the screen, the same two pairs.
    {
        let mut app = common::tui::open(&office);
        // Nobody works at this office yet: the first name is added.
        common::tui::typ(&mut app, "Lê Văn Xã");
        common::tui::press(&mut app, KeyCode::Enter);
        common::tui::press(&mut app, KeyCode::F(6));
        let s = common::tui::screen(&mut app, (80, 24));
        assert!(s.contains("Công dân nghi trùng · 2"), "{s}");
        assert!(
            s.contains("HK-77 Thôn Trung") && s.contains("HK-30 Thôn Tân Lập"),
            "{s}"
        );
    }

    // Settling the first pair as cleaned is counted; settling it again
    // changes its one case, not a second.
    let settle = |how: &str| {
        stdout(
            tothon(&office)
                .args([
                    "duplicates",
                    "settle",
                    &pairs[0]["key_1"],
                    &pairs[0]["key_2"],
                ])
                .args(["--as", how]),
        )
    };
    assert!(settle("referred").contains("Đã lưu NT-"));
    assert!(settle("deleted_duplicate").contains("Đã lưu NT-"));
    let r = report(&office);
    assert_eq!(r["suspected_duplicates"].0, "2");
    assert_eq!(r["duplicates_cleaned"], ("1".into(), "2".into()));
    let settled = duplicates(&office);
    assert_eq!(settled[0]["resolution"], "Đã xoá phiếu trùng");
    assert!(settled[1]["resolution"].is_empty());

    // A re-import with one detail changed updates, and adds nobody.
    let changed = REGISTER.replace(
        ",Trần Thị Mai,034187001235,02/02/1987,Nữ,HK-01,Vợ,",
        ",Trần Thị Mai,034187001235,02/02/1987,Nữ,HK-01,Vợ chủ hộ,",
    );
    let file = c.write("nhan-khau-2.csv", changed.as_bytes());
    let said = import(&office, &file);
    assert!(
        said.contains("0 người mới, 1 người thay đổi thông tin, 5 người giữ nguyên"),
        "{said}"
    );
    assert_eq!(duplicates(&office).len(), 2);

    // Team 3 gets Thôn Trung's part of the register, and only that.
    let to_team3 = c.export_for_team(3, "down");
    stdout(
        tothon(&c.team(3))
            .args(["bundle", "import"])
            .args(&to_team3),
    );
    let store = common::open(&c.team(3));
    let mut names: Vec<String> = store
        .people()
        .unwrap()
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    names.sort();
    assert_eq!(names, ["Nguyễn Văn An", "Phạm Văn Bình"]);
}

#[test]
fn a_team_device_imports_no_register_and_a_bad_file_writes_nothing() {
    let c = Commune::with_teams([2]);
    let file = c.write("nhan-khau.csv", REGISTER.as_bytes());
    let err = fails(
        tothon(&c.team(2))
            .args(["register", "import", "--yes"])
            .arg(&file),
    );
    assert!(err.contains("máy của xã"), "{err}");
    let err = fails(tothon(&c.team(2)).args([
        "duplicates",
        "settle",
        "NK-000001",
        "NK-000003",
        "--as",
        "referred",
    ]));
    assert!(err.contains("máy của xã"), "{err}");
    let file = c.write("rong.csv", b"Ho ten,Ghi chu\nA,B\n");
    let err = fails(
        tothon(&c.commune())
            .args(["register", "import", "--yes"])
            .arg(&file),
    );
    assert!(!err.is_empty());
    assert!(duplicates(&c.commune()).is_empty());
    let err = fails(tothon(&c.commune()).args([
        "duplicates",
        "settle",
        "NK-000001",
        "NK-000002",
        "--as",
        "referred",
    ]));
    assert!(err.contains("Không có cặp nghi trùng"), "{err}");
}

/// `tothon case new --form FORM --from-register WHO` with `extra`
/// arguments, as a process: its output, whether it worked or not.
fn new_from_register(dir: &Path, form: &str, who: &str, extra: &[&str]) -> std::process::Output {
    tothon(dir)
        .args(["case", "new", "--form", form, "--from-register", who])
        .args(extra)
        .output()
        .unwrap()
}

/// The record a "saved" line names.
fn saved_record(out: &std::process::Output) -> String {
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    said.split_whitespace()
        .find(|w| ["AC-", "HC-"].iter().any(|code| w.starts_with(code)))
        .unwrap_or_else(|| panic!("no record in {said}"))
        .trim_end_matches(',')
        .to_string()
}

/// An activation follow-up's own fields, the person's come from the register.
const FOLLOW_UP: [&str; 6] = [
    "--set",
    "target_level=level2",
    "--set",
    "status=pending",
    "--set",
    "visit_date=20/11/2026",
];

#[test]
fn a_case_is_started_from_someone_found_on_the_register() {
    let c = with_register([3]);
    let office = c.commune();
    let found = stdout(tothon(&office).args(["register", "find", "an nguyen"]));
    assert!(found.contains("Tìm thấy 2 người."), "{found}");
    for key in ["NK-000001", "NK-000003"] {
        assert!(found.contains(key), "{key}: {found}");
    }
    let found = stdout(tothon(&office).args(["register", "find", "hoa", "--limit", "1"]));
    assert!(
        found.contains("Tìm thấy 2 người; hiện 1 người đầu"),
        "{found}"
    );

    // One ID in two households: which entry is meant must be said.
    let err = common::refusal(&new_from_register(
        &office,
        "activation",
        "034085001234",
        &FOLLOW_UP,
    ));
    assert!(err.contains("NK-000001, NK-000003"), "{err}");
    let err = common::refusal(&new_from_register(
        &office,
        "activation",
        "NK-000099",
        &FOLLOW_UP,
    ));
    assert!(err.contains("Không có «NK-000099»"), "{err}");

    // By key: the person's details, and their village's team (Thôn Đông).
    let out = new_from_register(&office, "activation", "NK-000001", &FOLLOW_UP);
    let first = saved_record(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(common::case_row(&office, &first)["team"], "1");
    let shown = stdout(tothon(&office).args(["case", "show", &first]));
    for value in [
        "Nguyễn Văn An",
        "034085001234",
        "12/03/1985",
        "Nam",
        "0912345678",
    ] {
        assert!(shown.contains(value), "{value}: {shown}");
    }

    // A second follow-up of the same person is refused, naming the first;
    // --anyway makes it.
    let err = common::refusal(&new_from_register(
        &office,
        "activation",
        "NK-000001",
        &FOLLOW_UP,
    ));
    assert_eq!(
        err.trim_end(),
        format!(
            "tothon: Người này đã có phiếu {first} (Nguyễn Văn An · 034085001234, Đang làm); chưa lập phiếu mới: nếu đúng là cần thêm một phiếu, chạy lại với --anyway."
        )
    );
    let anyway = [&FOLLOW_UP[..], &["--anyway"]].concat();
    let out = new_from_register(&office, "activation", "NK-000001", &anyway);
    let second = saved_record(&out);
    assert!(out.stderr.is_empty(), "{out:?}");
    assert_ne!(first, second);

    // A household check from the wife: her household, its head, its count.
    let out = new_from_register(&office, "household_check", "NK-000002", &["--draft"]);
    let check = saved_record(&out);
    let shown = stdout(tothon(&office).args(["case", "show", &check]));
    for value in ["HK-01", "Thôn Đông", "Nguyễn Văn An", "034085001234"] {
        assert!(shown.contains(value), "{value}: {shown}");
    }
    let members = shown
        .lines()
        .find(|l| l.contains("Số nhân khẩu trên dữ liệu"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(members.trim_end().ends_with(" 2"), "{members}");
    let err = common::refusal(&new_from_register(&office, "duplicate", "NK-000001", &[]));
    assert!(err.contains("--from-register"), "{err}");
}

#[test]
fn a_team_starts_cases_from_its_own_villages_part_and_is_told_of_work_assigned() {
    let c = with_register([3]);
    let office = c.commune();
    // The commune assigns the follow-up of Phạm Văn Bình (Thôn Trung).
    {
        let store = common::open(&office);
        let item = tothon::domain::work::WorkItem {
            id: "AC-00001".into(),
            form: "activation".into(),
            team: 3,
            due: None,
            prefill: [
                ("person_id", "034070003456"),
                ("full_name", "Phạm Văn Bình"),
                ("target_level", "level2"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        store.put_work_items([&item]).unwrap();
    }
    let team3 = c.team(3);
    stdout(
        tothon(&team3)
            .args(["bundle", "import"])
            .args(c.export_for_team(3, "down")),
    );
    let found = stdout(tothon(&team3).args(["register", "find", "nguyen"]));
    assert!(
        found.contains("NK-000003") && !found.contains("NK-000001"),
        "{found}"
    );
    let err = common::refusal(&new_from_register(
        &team3,
        "activation",
        "NK-000001",
        &FOLLOW_UP,
    ));
    assert!(err.contains("danh sách nhân khẩu của máy này"), "{err}");

    let err = common::refusal(&new_from_register(
        &team3,
        "activation",
        "034070003456",
        &FOLLOW_UP,
    ));
    assert!(
        err.starts_with("tothon: Người này đã có phiếu AC-00001 (Phạm Văn Bình"),
        "{err}"
    );
    let anyway = [&FOLLOW_UP[..], &["--anyway"]].concat();
    let out = new_from_register(&team3, "activation", "034070003456", &anyway);
    let record = saved_record(&out);
    assert_eq!(common::case_row(&team3, &record)["team"], "3");
}

#[test]
fn a_case_typed_at_the_office_goes_to_the_village_the_register_gives_its_person() {
    let c = with_register([]);
    let office = c.commune();
    let typed = |id: &str| {
        tothon(&office)
            .args(["case", "new", "--form", "activation", "--set"])
            .arg(format!("person_id={id}"))
            .args(["--set", "full_name=Phạm Văn Bình"])
            .args(FOLLOW_UP)
            .output()
            .unwrap()
    };
    // Phạm Văn Bình lives in Thôn Trung: team 3, with no --village.
    let record = saved_record(&typed("034070003456"));
    assert_eq!(common::case_row(&office, &record)["team"], "3");
    // One ID in Thôn Đông and Thôn Trung: nothing is guessed.
    let err = common::refusal(&typed("034085001234"));
    assert!(err.contains("--village"), "{err}");
    // Nobody the register knows: as before.
    let err = common::refusal(&typed("034099000001"));
    assert!(err.contains("--village"), "{err}");
}

/// The register as a commune's workbook holds it: a title, the village in
/// a merged cell down its households, one person a row, a total at the end.
fn register_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Nhân khẩu").unwrap();
    ws.write_string(0, 0, "DANH SÁCH NHÂN KHẨU").unwrap();
    let header = ["Thôn", "Họ và tên", "Số định danh", "Ngày sinh", "Mã hộ"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let people = [
        ("Nguyễn Văn An", "034085001234", "12/03/1985", "HK-01"),
        ("Trần Thị Mai", "034187001235", "02/02/1987", "HK-01"),
        ("Phạm Văn Bình", "034070003456", "1970", "HK-31"),
    ];
    let plain = rust_xlsxwriter::Format::new();
    ws.merge_range(3, 0, 5, 0, "Thôn Trung", &plain).unwrap();
    for (i, (name, id, birth, household)) in people.iter().enumerate() {
        let r = 3 + i as u32;
        for (c, v) in [(1, name), (2, id), (3, birth), (4, household)] {
            ws.write_string(r, c, *v).unwrap();
        }
    }
    ws.write_string(6, 1, "Tổng cộng: 3 người").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn a_register_workbook_with_merged_villages_is_read_with_fill_down() {
    let c = Commune::with_teams([]);
    name_villages(&c.commune());
    let file = c.write("nhan-khau.xlsx", &register_workbook());
    // Without --fill-down the blanks under the merged village are problems.
    let said = stdout(
        tothon(&c.commune())
            .args(["register", "import", "--dry-run"])
            .arg(&file),
    );
    assert!(said.contains("1 người mới"), "{said}");
    let said = stdout(
        tothon(&c.commune())
            .args([
                "register",
                "import",
                "--fill-down",
                "--yes",
                "--sheet",
                "Nhân khẩu",
            ])
            .arg(&file),
    );
    assert!(said.contains("Đã ghi 3 nhân khẩu"), "{said}");
    let store = common::open(&c.commune());
    let people = store.people().unwrap();
    assert_eq!(people.len(), 3);
    assert!(people.iter().all(|p| p.team == 3), "{people:?}");
    drop(store);
    let err = fails(
        tothon(&c.commune())
            .args(["register", "import", "--yes", "--sheet", "Sheet9"])
            .arg(&file),
    );
    assert!(err.contains("Sheet9"), "{err}");
}

#[test]
fn the_register_is_imported_from_the_progress_table_with_the_same_preview() {
    use common::tui::{ctrl, open, press, screen, typ};
    let c = Commune::with_teams([]);
    name_villages(&c.commune());
    let file = c.write("nhan-khau.csv", REGISTER.as_bytes());
    let mut app = open(&c.commune());
    typ(&mut app, "Lê Văn Xã");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'r');
    typ(&mut app, &file.display().to_string());
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, (120, 40));
    assert!(s.contains("Nhập danh sách nhân khẩu"), "{s}");
    assert!(s.contains("6 người đọc được"), "{s}");
    assert!(s.contains("6 người mới"), "{s}");
    ctrl(&mut app, 's');
    let s = screen(&mut app, (80, 24));
    assert!(s.contains("Đã ghi 6 nhân khẩu"), "{s}");
    drop(app);
    assert_eq!(duplicates(&c.commune()).len(), 2);
}

#[test]
fn an_older_commune_bundle_taken_after_a_newer_one_keeps_the_newer_register() {
    let c = with_register([3]);
    let office = c.commune();
    let older = c.export_for_team(3, "down-1");
    let changed = REGISTER.replace("Phạm Văn Bình", "Phạm Văn Bính");
    let file = c.write("nhan-khau-2.csv", changed.as_bytes());
    import(&office, &file);
    stdout(tothon(&office).args(["village", "rename", "3", "Thôn Trung Hòa"]));
    let newer = c.export_for_team(3, "down-2");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&newer));
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&older));
    let store = common::open(&c.team(3));
    let names: Vec<String> = store
        .people()
        .unwrap()
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    assert!(names.contains(&"Phạm Văn Bính".to_string()), "{names:?}");
    assert_eq!(
        store.commune().unwrap().village(3).unwrap().name,
        "Thôn Trung Hòa"
    );
}
