//! Bundles and conflicts on the screens: a team exports a signed bundle with
//! its passphrase, the commune imports it by path and sees the case and the
//! log; the commune resolves a conflict side by side.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tothon::i18n::Lang;
use tothon::store::Store;
use tothon::tui::App;

const PASS: &str = "mật khẩu thử";

fn tothon(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tothon").unwrap();
    cmd.env("TOTHON_PASSPHRASE", PASS)
        .env_remove("TOTHON_HOME")
        .arg("--data-dir")
        .arg(dir);
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

fn press(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(app: &mut App, c: char) {
    app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn screen(app: &mut App) -> String {
    let (w, h) = (120, 40);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let buf = terminal.backend().buffer().clone();
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
            line.trim_end().to_string() + "\n"
        })
        .collect()
}

/// Opens the screens past "who is working" (typing a name where none is kept).
fn open(dir: &Path) -> App {
    let mut app = App::open(Store::open(dir).unwrap(), Lang::Vi).unwrap();
    typ(&mut app, "Lan");
    press(&mut app, KeyCode::Enter);
    app
}

#[test]
fn a_team_bundle_travels_through_the_screens() {
    let root = tempfile::tempdir().unwrap();
    let commune = root.path().join("commune");
    let team = root.path().join("team-2");
    run(tothon(&commune).args(["init", "commune", "--name", "Xã Thử"]));
    let key = run(tothon(&commune).args(["key", "show"]));
    let commune_pub = root.path().join("commune.pub");
    std::fs::write(&commune_pub, key).unwrap();
    run(tothon(&team)
        .args([
            "init",
            "team",
            "--team",
            "2",
            "--commune",
            "Xã Thử",
            "--commune-key",
        ])
        .arg(&commune_pub));
    let key = run(tothon(&team).args(["key", "show"]));
    let team_pub = root.path().join("team2.pub");
    std::fs::write(&team_pub, key).unwrap();
    run(tothon(&commune)
        .args(["trust", "--team", "2"])
        .arg(&team_pub));
    run(tothon(&team).args([
        "case",
        "new",
        "--form",
        "activation",
        "--author",
        "Lan",
        "--set",
        "person_id=034090123456",
        "--set",
        "full_name=Nguyễn Văn An",
        "--set",
        "target_level=level2",
        "--set",
        "status=pending",
        "--set",
        "visit_date=20/11/2026",
    ]));

    // The team exports with its passphrase.
    let mut app = open(&team);
    ctrl(&mut app, 'b');
    assert!(screen(&mut app).contains("Gói dữ liệu"));
    ctrl(&mut app, 'e');
    let s = screen(&mut app);
    assert!(s.contains("Mật khẩu khoá ký"), "{s}");
    typ(&mut app, "sai mật khẩu");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
    assert!(
        s.contains("Mật khẩu không đúng"),
        "a wrong passphrase is said: {s}"
    );
    ctrl(&mut app, 'e');
    typ(&mut app, PASS);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
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
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
    assert!(s.contains("team-2"), "the log shows the bundle: {s}");
    assert!(s.contains("+1"), "{s}");
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app);
    assert!(s.contains("Nguyễn Văn An"), "the case is on the list: {s}");

    // The same bundle again adds nothing; a broken one is refused and logged.
    ctrl(&mut app, 'b');
    app.paste(&bundle.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app).contains("+0"));
    let broken = root.path().join("broken.zip");
    std::fs::write(&broken, b"PK\x03\x04 not really a zip").unwrap();
    app.paste(&broken.display().to_string());
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
    assert!(s.contains("✗ tệp không phải tệp zip"), "{s}");
    drop(app);
    // The log tells the reason in the language the screens are in.
    let mut app = App::open(Store::open(&commune).unwrap(), Lang::En).unwrap();
    typ(&mut app, "Lan");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'b');
    let s = screen(&mut app);
    assert!(s.contains("✗ the file is not a readable zip"), "{s}");
}

#[test]
fn the_commune_resolves_a_conflict_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let summary = tothon::demo::build(
        dir.path(),
        &tothon::demo::Options {
            people: 900,
            seed: 5,
        },
    )
    .unwrap();
    assert!(summary.conflicts > 0);
    let before = Store::open(dir.path())
        .unwrap()
        .cases()
        .unwrap()
        .iter()
        .filter(|c| c.in_conflict())
        .count();
    let mut app = open(dir.path());
    press(&mut app, KeyCode::Esc);
    // The list puts conflicts first.
    let s = screen(&mut app);
    assert!(s.lines().nth(4).unwrap().contains('⚠'), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
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
    let s = screen(&mut app);
    assert!(s.contains("Đã lưu"), "{s}");
    drop(app);
    let after = Store::open(dir.path())
        .unwrap()
        .cases()
        .unwrap()
        .iter()
        .filter(|c| c.in_conflict())
        .count();
    assert_eq!(after, before - 1);
}
