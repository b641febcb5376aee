//! A commune names its own villages: at set-up, then added and renamed at
//! the office; the names travel to the teams in the commune's bundles, and
//! a village's number (its team) never changes, so nothing is lost.

mod common;

use std::path::Path;

use common::{COMMUNE, Commune, cases, fails, save_activation, stdout, tothon};

const NAMES: [&str; 6] = [
    "Thôn Đông",
    "Thôn Đoài",
    "Thôn Trung",
    "Thôn Nam",
    "Thôn Bắc",
    "Thôn Tân Lập",
];

fn villages(dir: &Path) -> String {
    stdout(tothon(dir).args(["village", "list"]))
}

/// The name `village list` gives village `team`.
fn named(dir: &Path, team: u8) -> String {
    let listed = villages(dir);
    listed
        .lines()
        .skip(1)
        .find_map(|l| {
            let (n, name) = l.trim().split_once(' ')?;
            (n == team.to_string()).then(|| name.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no village {team}: {listed}"))
}

#[test]
fn a_commune_set_up_with_six_named_villages_routes_a_list_by_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut init = tothon(dir);
    init.args(["init", "commune", "--name", COMMUNE]);
    for n in NAMES {
        init.args(["--village", n]);
    }
    stdout(&mut init);
    for (i, n) in NAMES.iter().enumerate() {
        assert_eq!(named(dir, i as u8 + 1), *n);
    }
    let list = dir.join("list.csv");
    std::fs::write(
        &list,
        "Họ và tên,Số CCCD,Ngày sinh,Giới tính,Thôn,SĐT\n\
         Nguyễn Văn An,034090123456,01/05/1990,Nam,Đông,0912345678\n\
         Trần Thị Bình,034190002345,05/07/1990,Nữ,thon doai,0987654321\n\
         Lê Văn Cường,034085001234,12/03/1985,Nam,Trung,0355512345\n",
    )
    .unwrap();
    let preview = stdout(
        tothon(dir)
            .args(["worklist", "import", "--dry-run"])
            .arg(&list),
    );
    for (name, team) in [("Thôn Đông", 1), ("Thôn Đoài", 2), ("Thôn Trung", 3)] {
        let row = preview
            .lines()
            .find(|l| l.contains(&format!("{name} (tổ {team})")))
            .unwrap_or_else(|| panic!("{preview}"));
        assert!(row.trim_end().ends_with('1'), "{row}");
    }
    assert!(preview.contains("0 dòng có lỗi"), "{preview}");
}

#[test]
fn a_villages_file_names_them_too_and_bad_names_are_refused_with_nothing_written() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("thon.txt");
    std::fs::write(&file, "\u{feff}Thôn Đông\n\nThôn Đoài\n").unwrap();
    let dir = root.path().join("xa");
    stdout(
        tothon(&dir)
            .args(["init", "commune", "--name", COMMUNE, "--villages-file"])
            .arg(&file),
    );
    assert_eq!(named(&dir, 2), "Thôn Đoài");

    let alike = root.path().join("alike");
    let err = fails(tothon(&alike).args([
        "init",
        "commune",
        "--name",
        COMMUNE,
        "--village",
        "Thôn Đông",
        "--village",
        "đông",
    ]));
    assert!(err.contains("quá giống tên thôn 1"), "{err}");
    assert!(!alike.join("tothon.redb").exists(), "nothing written");

    let err = fails(tothon(&dir).args(["village", "add", "DOAI"]));
    assert!(err.contains("quá giống"), "{err}");
    let err = fails(tothon(&dir).args(["--lang", "en", "village", "rename", "9", "Bắc"]));
    assert!(err.contains("no village number 9"), "{err}");
    stdout(tothon(&dir).args(["village", "add", "Thôn Bắc"]));
    assert_eq!(named(&dir, 3), "Thôn Bắc");
}

#[test]
fn a_rename_reaches_the_team_with_the_next_bundle_and_loses_nothing() {
    let c = Commune::with_teams([3]);
    let team = c.team(3);
    save_activation(&team, "034090123456", "activated_level2", &[]);
    let up = c.export(&team, "up");
    stdout(tothon(&c.commune()).args(["bundle", "import"]).args(&up));
    let before = cases(&c.commune());

    let err = fails(tothon(&team).args(["village", "rename", "3", "Thôn Trung"]));
    assert!(err.contains("máy của xã"), "{err}");
    stdout(tothon(&c.commune()).args(["village", "rename", "3", "Thôn Trung"]));
    assert_eq!(named(&c.commune(), 3), "Thôn Trung");
    assert_eq!(named(&team, 3), "Thôn 3", "not before the bundle");

    let for_team3 = c.export_for_team(3, "down");
    stdout(tothon(&team).args(["bundle", "import"]).args(&for_team3));
    assert_eq!(named(&team, 3), "Thôn Trung");
    assert_eq!(cases(&c.commune()), before, "no case moved at the commune");
    assert_eq!(cases(&team).len(), before.len(), "nor on the team's device");
}

#[test]
fn a_case_opened_at_the_office_goes_to_the_team_of_its_village() {
    let c = Commune::with_teams([1, 3]);
    let office = c.commune();
    for (n, name) in [(1, "Thôn Đông"), (3, "Thôn Trung")] {
        stdout(tothon(&office).args(["village", "rename", &n.to_string(), name]));
    }
    // A form with a village field: the field decides.
    let household = stdout(tothon(&office).args([
        "case",
        "new",
        "--form",
        "household_check",
        "--set",
        "household_code=HK-0042",
        "--set",
        "village=Thôn Trung",
        "--set",
        "head_name=Lê Văn Cường",
        "--set",
        "head_id=034085001234",
        "--set",
        "outcome=verified",
        "--set",
        "visit_date=20/11/2026",
    ]));
    assert!(household.contains("Đã lưu"), "{household}");
    // A form without one: --village says it; with neither, nothing is guessed.
    let err = fails(tothon(&office).args([
        "case",
        "new",
        "--form",
        "activation",
        "--set",
        "full_name=A",
    ]));
    assert!(err.contains("--village"), "{err}");
    let activation = save_activation(&office, "034090123456", "pending", &["--village", "trung"]);
    let err = fails(tothon(&office).args([
        "case",
        "new",
        "--form",
        "activation",
        "--village",
        "Thôn Bắc",
    ]));
    assert!(err.contains("không có thôn «Thôn Bắc»"), "{err}");

    let teams: Vec<(String, String)> = cases(&office)
        .into_iter()
        .map(|r| (r["record"].clone(), r["team"].clone()))
        .collect();
    assert_eq!(teams.len(), 2, "{teams:?}");
    assert!(teams.iter().all(|(_, team)| team == "3"), "{teams:?}");

    // They travel in team 3's bundle, not team 1's.
    let down = c.export(&office, "down");
    let bundle_for = |t: u8| {
        down.iter()
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .contains(&format!("-to-team{t}-"))
            })
            .unwrap()
            .clone()
    };
    stdout(
        tothon(&c.team(1))
            .args(["bundle", "import"])
            .arg(bundle_for(1)),
    );
    stdout(
        tothon(&c.team(3))
            .args(["bundle", "import"])
            .arg(bundle_for(3)),
    );
    assert!(cases(&c.team(1)).is_empty(), "team 1 got none");
    let on_team3: Vec<String> = cases(&c.team(3))
        .into_iter()
        .map(|r| r["record"].clone())
        .collect();
    assert!(on_team3.contains(&activation), "{on_team3:?}");
    assert_eq!(on_team3.len(), 2, "{on_team3:?}");
}
