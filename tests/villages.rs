//! A commune names its own villages: at set-up, then added and renamed at
//! the office, on the command line or on its villages screen (both run
//! `ops::commune`); the names travel to the teams in the commune's bundles,
//! and a village's number (its team) never changes, so nothing is lost.

mod common;

use std::path::Path;

use common::tui::{SIZES, ctrl, press, screen, typ};
use common::{COMMUNE, Commune, cases, fails, save_activation, stdout, tothon};
use ratatui::crossterm::event::KeyCode;
use tothon::i18n::Lang;
use tothon::tui::App;

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

/// A commune office set up with [`NAMES`] through the binary.
fn named_commune(dir: &Path) {
    let mut init = tothon(dir);
    init.args(["init", "commune", "--name", COMMUNE]);
    for n in NAMES {
        init.args(["--village", n]);
    }
    stdout(&mut init);
}

/// The screens on the store in `dir`, in `lang`, past "who is working" (a
/// fresh commune keeps no names: one is typed).
fn screens(dir: &Path, lang: Lang) -> App {
    let mut app = App::open(common::open(dir), lang).unwrap();
    typ(&mut app, "Lan");
    press(&mut app, KeyCode::Enter);
    app
}

/// From the commune's home: the settings (Ctrl+O), their last line, and
/// village `team` highlighted there.
fn to_village(app: &mut App, team: usize) {
    ctrl(app, 'o');
    for _ in 0..3 {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
    for _ in 1..team {
        press(app, KeyCode::Down);
    }
}

/// Erases `n` characters before the cursor.
fn erase(app: &mut App, n: usize) {
    for _ in 0..n {
        press(app, KeyCode::Backspace);
    }
}

#[test]
fn a_village_renamed_on_its_screen_is_named_so_on_the_other_screens_and_fronts() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    named_commune(dir);
    let record = save_activation(dir, "034090123456", "pending", &["--village", "Trung"]);
    let mut app = screens(dir, Lang::Vi);
    assert!(screen(&mut app, SIZES[0]).contains("│3 Thôn Trung "));
    to_village(&mut app, 3);
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, SIZES[0]).contains("Tên thôn: Thôn Trung"));
    erase(&mut app, "Trung".chars().count());
    // An input method's decomposed accents are kept in NFC.
    app.paste("Trung Hoa\u{0300}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("    3  Thôn Trung Hoà"), "{s}");
    assert!(s.contains("Thôn số 3 nay tên là «Thôn Trung Hoà»."), "{s}");
    assert!(!s.contains("Đổi tên thôn ·"), "the dialog closed: {s}");
    // Back home, the progress table names the village so.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    for size in SIZES {
        let s = screen(&mut app, size);
        let row = s.lines().find(|l| l.starts_with("│3 ")).unwrap_or_default();
        assert!(row.starts_with("│3 Thôn Trung Hoà "), "{s}");
    }
    drop(app);
    assert_eq!(named(dir, 3), "Thôn Trung Hoà");
    let case = cases(dir)
        .into_iter()
        .find(|c| c["record"] == record)
        .unwrap();
    assert_eq!(case["team"], "3", "the case stays with its team");
}

#[test]
fn a_name_the_screen_refuses_is_said_why_kept_to_correct_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    named_commune(dir);
    let mut app = screens(dir, Lang::Vi);
    to_village(&mut app, 2);
    press(&mut app, KeyCode::Enter);
    erase(&mut app, "Đoài".chars().count());
    typ(&mut app, "đông");
    press(&mut app, KeyCode::Enter);
    for size in SIZES {
        let s = screen(&mut app, size);
        assert!(
            s.contains("Tên thôn: Thôn đông"),
            "what was typed stays: {s}"
        );
        assert!(
            s.contains("Tên này quá giống tên thôn 1 («Thôn Đông»)"),
            "{s}"
        );
    }
    // Typing on clears the refusal; Esc leaves the name as it was.
    press(&mut app, KeyCode::Backspace);
    assert!(!screen(&mut app, SIZES[0]).contains("quá giống"));
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("    2  Thôn Đoài"), "{s}");
    // An empty name, and an added one too like another, are refused alike.
    press(&mut app, KeyCode::Enter);
    erase(&mut app, "Thôn Đoài".chars().count());
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, SIZES[0]).contains("Tên thôn không được để trống."));
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'n');
    typ(&mut app, "TAN LAP");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("quá giống tên thôn 6 («Thôn Tân Lập»)"), "{s}");
    drop(app);
    for (i, n) in NAMES.iter().enumerate() {
        assert_eq!(named(dir, i as u8 + 1), *n, "nothing written");
    }
    assert_eq!(villages(dir).lines().count(), 1 + NAMES.len());

    // In English, the same refusal in English.
    let mut app = screens(dir, Lang::En);
    to_village(&mut app, 2);
    press(&mut app, KeyCode::Enter);
    erase(&mut app, "Đoài".chars().count());
    typ(&mut app, "Dong");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(
        s.contains("This name is too like village 1's (\"Thôn Đông\")"),
        "{s}"
    );
}

#[test]
fn a_village_added_on_the_screen_takes_the_next_number_and_a_row_of_progress() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    named_commune(dir);
    let mut app = screens(dir, Lang::Vi);
    to_village(&mut app, 1);
    ctrl(&mut app, 'n');
    assert!(screen(&mut app, SIZES[0]).contains("Thêm thôn (nhận số tổ tiếp theo)"));
    app.paste("Tho\u{0302}n Mo\u{031B}\u{0301}i");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Thôn của xã · 7"), "{s}");
    assert!(s.contains("    7  Thôn Mới"), "{s}");
    assert!(s.contains("Đã thêm thôn «Thôn Mới», tổ 7."), "{s}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(screen(&mut app, SIZES[0]).contains("│7 Thôn Mới "));
    drop(app);
    assert_eq!(named(dir, 7), "Thôn Mới");
}

/// A team's names are the commune's, carried in its bundles: its settings
/// do not offer the villages.
#[test]
fn a_team_device_does_not_offer_the_villages() {
    let c = Commune::with_teams([3]);
    let mut app = screens(&c.team(3), Lang::Vi);
    ctrl(&mut app, 'o');
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Cài đặt"), "{s}");
    assert!(!s.contains("Thôn của xã"), "{s}");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, SIZES[0]).contains("Ai đang làm việc?"));
}

/// Thirty villages: the list scrolls to keep the highlighted one in view,
/// at 80×24 and on the smallest screen the layout is drawn for.
#[test]
fn a_long_list_of_villages_scrolls_to_the_highlighted_one() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    stdout(tothon(dir).args(["init", "commune", "--name", COMMUNE, "--villages", "30"]));
    let mut app = screens(dir, Lang::Vi);
    to_village(&mut app, 30);
    for size in [SIZES[0], (40, 10)] {
        let s = screen(&mut app, size);
        assert!(s.contains("   30  Thôn 30"), "{size:?}: {s}");
        assert!(!s.contains("    1  Thôn 1 "), "{size:?}: {s}");
    }
    assert!(screen(&mut app, SIZES[0]).contains("Số tổ là mã của thôn"));
    for _ in 1..30 {
        press(&mut app, KeyCode::Up);
    }
    assert!(screen(&mut app, (40, 10)).contains("    1  Thôn 1 "));
}
