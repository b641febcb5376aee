//! Long work on the screens: an import runs off the screen's thread, the
//! screen says how far it has got, and a key pressed meanwhile waits for
//! the result (it moves and types, and confirms nothing it did not see). A
//! test binary of its own: how far work has
//! got is counted once per process, and other tests' imports would move
//! the count.

// Linux only: a named pipe opened without blocking (Linux's flag).
#![cfg(target_os = "linux")]

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

/// Waits until the running work has read `bytes` bytes of its file; fails
/// after a minute rather than hang.
fn until_read(bytes: usize) {
    let start = std::time::Instant::now();
    while progress::now() != Some((Step::ReadingFile, bytes as u64, 0)) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "the work did not read {bytes} bytes: {:?}",
            progress::now()
        );
        std::thread::yield_now();
    }
}

/// Opens the named pipe for writing once the work opens it for reading;
/// fails after a minute rather than hang (an open for writing waits for a
/// reader).
fn writer_of(pipe: &std::path::Path) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    let start = std::time::Instant::now();
    loop {
        // Without a reader yet, a non-blocking open fails (ENXIO).
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc_nonblock())
            .open(pipe);
        if let Ok(file) = opened {
            return file;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "the work never opened the file"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// `O_NONBLOCK` on Linux.
fn libc_nonblock() -> i32 {
    0o4000
}

// A named pipe holds the file half read, as a slow disk would (opened
// without blocking, so a test gone wrong fails rather than hangs).
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
    let mut writer = writer_of(&pipe);
    write_all_to_pipe(&mut writer, first);
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

    // Ctrl+S (import) pressed while the file is read is held, and then
    // confirms nothing: the preview it would import was not seen.
    app.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(app.working());
    write_all_to_pipe(&mut writer, rest);
    drop(writer);
    app.finish_work();
    assert!(!app.working());
    let shown = screen(&mut app, SIZES[0]);
    assert!(!shown.contains("Đã nhập"), "a held key imported: {shown}");
    assert_eq!(app.state.list.total(), 0, "nothing imported yet");
    // Pressed once the preview is shown, it imports.
    app.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    app.finish_work();
    let shown = screen(&mut app, SIZES[0]);
    assert!(
        shown.contains("Đã nhập 3000 việc vào danh sách."),
        "Ctrl+S on the preview imported it: {shown}"
    );
    assert_eq!(app.state.list.total(), 3000, "the list was read again");
    assert_eq!(progress::now(), None, "the step ended with the work");
}

/// Writes all of `bytes` into the pipe opened without blocking: waits
/// while the pipe is full (the work reads it meanwhile).
fn write_all_to_pipe(writer: &mut std::fs::File, mut bytes: &[u8]) {
    let start = std::time::Instant::now();
    while !bytes.is_empty() {
        match writer.write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(
                    start.elapsed() < std::time::Duration::from_secs(60),
                    "the work stopped reading"
                );
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(e) => panic!("{e}"),
        }
    }
}
