//! Long work on the screens: an import runs off the screen's thread, the
//! screen says how far it has got, and a key pressed meanwhile waits for
//! the result and acts on it. A test binary of its own: how far work has
//! got is counted once per process, and other tests' imports would move
//! the count.

mod common;

use std::io::Write;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tothon::domain::commune::{Commune, Device, Role};
use tothon::i18n::Lang;
use tothon::progress::{self, Step};
use tothon::tui::App;

use common::tui::{SIZES, press, screen, typ};

/// A work list of `rows` men of Thôn Đông, each with a personal ID of his
/// own, as a commune's spreadsheet lists them.
fn work_list(rows: u32) -> Vec<u8> {
    const GIVEN: [&str; 5] = ["An", "Bình", "Cường", "Dũng", "Hải"];
    let mut csv = String::from("Họ và tên;Số CCCD;Ngày sinh;Giới tính;Thôn;SĐT\n");
    for n in 0..rows {
        let name = GIVEN[n as usize % GIVEN.len()];
        csv += &format!("Nguyễn Văn {name};034090{n:06};01/05/1990;Nam;Thôn Đông;0912345678\n");
    }
    csv.into_bytes()
}

/// Waits until the running work has read `bytes` bytes of its file.
fn until_read(bytes: usize) {
    while progress::now() != Some((Step::ReadingFile, bytes as u64, 0)) {
        std::thread::yield_now();
    }
}

#[cfg(unix)] // A named pipe holds the file half read, as a slow disk would.
#[test]
fn an_import_says_how_far_it_has_got_and_a_key_pressed_meanwhile_acts_on_its_result() {
    let dir = tempfile::tempdir().unwrap();
    let commune = Commune::with_villages(common::COMMUNE, &["Thôn Đông".to_string()]).unwrap();
    let device = Device {
        id: "XA0001".into(),
        role: Role::Commune,
    };
    let store = common::create(&dir.path().join("xa"), &commune, &device).unwrap();
    store.set_setting("members", &["Nguyễn Văn Tâm"]).unwrap();
    tothon::paths::pretend_places(vec![]);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let mut app = App::open_on(store, Lang::Vi, today).unwrap();
    press(&mut app, KeyCode::Enter);

    let pipe = dir.path().join("danh-sach.csv");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.unwrap().success());
    press(&mut app, KeyCode::F(8));
    typ(&mut app, &pipe.display().to_string());
    // Enter starts the preview, which waits for the file's bytes.
    app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let file = work_list(3000);
    let (first, rest) = file.split_at(100_000);
    let mut writer = std::fs::OpenOptions::new().write(true).open(&pipe).unwrap();
    writer.write_all(first).unwrap();
    until_read(first.len());
    assert!(app.working());
    let shown = screen(&mut app, SIZES[0]);
    assert!(
        shown.contains("Đang đọc tệp (byte): 100.000"),
        "the line says how far: {shown}"
    );
    // A temporary folder's name changes with each run: kept to its shape.
    insta::with_settings!({filters => vec![(r"/tmp/\.tmp[A-Za-z0-9]{6}", "/tmp/.tmpXXXXXX")]}, {
        insta::assert_snapshot!("import_reading_80x24", shown);
    });

    // Ctrl+S (import) pressed while the file is read is held: the preview
    // it imports is not there yet.
    app.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(app.working());
    writer.write_all(rest).unwrap();
    drop(writer);
    app.finish_work();
    assert!(!app.working());
    let shown = screen(&mut app, SIZES[0]);
    assert!(
        shown.contains("Đã nhập 3000 việc vào danh sách."),
        "the held Ctrl+S imported the preview: {shown}"
    );
    assert_eq!(app.state.list.total(), 3000, "the list was read again");
    assert_eq!(progress::now(), None, "the step ended with the work");
}
