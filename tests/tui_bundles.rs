//! Bundles and conflicts on the screens: a team exports a signed bundle with
//! the key its passphrase opened, the commune imports it by path and sees the case and the
//! log; the commune resolves a conflict side by side.

mod common;

use std::path::{Path, PathBuf};

use common::tui::{SIZES, ctrl, press, screen, typ};
use common::{Commune, demo_built, save_activation};
use ratatui::crossterm::event::KeyCode;
use tothon::i18n::Lang;
use tothon::tui::App;

/// Opens the screens past "who is working" (typing a name where none is kept).
fn open(dir: &Path) -> App {
    let (store, signer) = common::sitting(dir);
    let mut app = App::open(store, Lang::Vi).unwrap().with_key(signer);
    typ(&mut app, "Lan");
    press(&mut app, KeyCode::Enter);
    app
}

#[test]
fn a_team_bundle_travels_through_the_screens() {
    let c = Commune::with_teams([2]);
    let (commune, team) = (c.commune(), c.team(2));
    save_activation(&team, "034090123456", "pending", &[]);

    // The team exports with the key its passphrase opened at the start.
    let mut app = open(&team);
    ctrl(&mut app, 'b');
    assert!(screen(&mut app, SIZES[1]).contains("Gói dữ liệu"));
    ctrl(&mut app, 'e');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains(".zip"), "{s}");
    drop(app);
    let out = team.join("bundles-out");
    let bundle: PathBuf = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();

    // The commune imports it by path.
    let mut app = open(&commune);
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'b');
    app.paste(&bundle.display().to_string());
    // The bundle is encrypted to the commune: the key opened at the start
    // reads it.
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("team-2"), "the log shows the bundle: {s}");
    assert!(s.contains("+1"), "{s}");
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Nguyễn Văn An"), "the case is on the list: {s}");

    // The same bundle again adds nothing; a broken one is refused and logged.
    ctrl(&mut app, 'b');
    app.paste(&bundle.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, SIZES[1]).contains("+0"));
    let broken = c.write("broken.zip", b"PK\x03\x04 not really a zip");
    app.paste(&broken.display().to_string());
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("✗ tệp không phải tệp zip"), "{s}");
    drop(app);
    // The log tells the reason in the language the screens are in.
    let mut app = App::open(common::open(&commune), Lang::En).unwrap();
    typ(&mut app, "Lan");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'b');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("✗ the file is not a readable zip"), "{s}");
}

#[test]
fn the_commune_resolves_a_conflict_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let summary = demo_built(dir.path(), 900, 5);
    assert!(summary.conflicts > 0);
    let in_conflict = || {
        let cases = common::open(dir.path()).cases().unwrap();
        cases.iter().filter(|c| c.in_conflict()).count()
    };
    let before = in_conflict();
    let mut app = open(dir.path());
    press(&mut app, KeyCode::Esc);
    // The list puts conflicts first.
    let s = screen(&mut app, SIZES[1]);
    assert!(s.lines().nth(4).unwrap().contains('⚠'), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Xung đột ·"), "{s}");
    assert!(
        s.contains("1 ·") && s.contains("2 ·"),
        "two heads side by side: {s}"
    );
    assert!(
        s.contains("●") && s.contains("○"),
        "a choice per differing field: {s}"
    );
    press(&mut app, KeyCode::Left);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Đã lưu"), "{s}");
    drop(app);
    assert_eq!(in_conflict(), before - 1);
}

/// The end of a day: the title counts the saves no bundle has carried;
/// Ctrl+B writes the bundles into the folder shown (the last one used) and
/// says where in full; the office picks the bundle from the folder's list
/// instead of typing its path, after Tab completed the folder's name.
#[test]
fn the_end_of_a_day_names_what_is_unsent_and_where_bundles_go() {
    tothon::paths::pretend_places(vec![]);
    let c = Commune::with_teams([2]);
    let (commune, team) = (c.commune(), c.team(2));
    save_activation(&team, "034090123456", "pending", &[]);
    save_activation(&team, "034190123457", "pending", &[]);

    let mut app = open(&team);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.lines().next().unwrap().contains("Chưa gửi: 2"), "{s}");
    // A stick, as a folder the team types (Tab completes its name).
    let stick = c.path("USB-Lan");
    std::fs::create_dir(&stick).unwrap();
    ctrl(&mut app, 'b');
    app.paste(&c.path("usb").display().to_string());
    press(&mut app, KeyCode::Tab);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("USB-Lan"), "completed: {s}");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'e');
    let s = screen(&mut app, SIZES[1]);
    let written: Vec<PathBuf> = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{s}");
    let name = written[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    // The full path is said, and the bundle is on the folder's list.
    assert!(s.contains(&written[0].display().to_string()), "{s}");
    assert_eq!(s.matches(&name).count(), 2, "{s}");
    assert!(!s.lines().next().unwrap().contains("Chưa gửi"), "{s}");
    drop(app);
    // The next sitting starts in the same folder.
    let mut app = open(&team);
    ctrl(&mut app, 'b');
    let s = screen(&mut app, SIZES[1]);
    assert!(
        s.contains(&format!("Thư mục gói: {}", stick.display())),
        "{s}"
    );
    drop(app);

    // The office opens the stick's folder and picks the bundle.
    let mut app = open(&commune);
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'b');
    app.paste(&stick.display().to_string());
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains(&name), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("+2"), "imported: {s}");
}
