//! The population register of a commune set up from scratch: imported from
//! the commune's own spreadsheet, it yields exactly its suspected duplicate
//! pairs (on the command line, on the screen, in the report); settling one
//! changes what the report counts; a re-import never duplicates; each team
//! receives its own village's part in the commune's bundle.

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
        .map(|r| (r["key"].clone(), (r["value"].clone(), r["of"].clone())))
        .collect()
}

#[test]
fn a_register_gives_exactly_its_pairs_and_settling_one_is_counted() {
    let c = Commune::with_teams([3]);
    let office = c.commune();
    for (n, name) in VILLAGES.iter().enumerate() {
        stdout(tothon(&office).args(["village", "rename", &(n + 1).to_string(), name]));
    }
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
    let store = tothon::store::Store::open(&c.team(3)).unwrap();
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
