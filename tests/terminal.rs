//! The real binary in a real terminal (tmux): a storm of resizes down to
//! 20×5 and back, and 10,000 pasted characters, must not stop it; it then
//! still draws its screen, quits on F10 with status 0, and leaves no crash
//! note. (The same inputs are driven through ratatui's TestBackend in
//! tests/tui.rs; this checks the terminal side: crossterm's events, the
//! alternate screen, raw mode.)
//!
//! Needs tmux (CI installs it). Where there is none the test says so and
//! passes without checking.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{crash_notes, stdout, tothon};

fn tmux(args: &[&str]) -> Output {
    Command::new("tmux").args(args).output().expect("tmux runs")
}

fn screen(session: &str) -> String {
    String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", session]).stdout).into_owned()
}

fn wait_for(session: &str, what: &str) -> String {
    let started = Instant::now();
    loop {
        let s = screen(session);
        if s.contains(what) || started.elapsed() > Duration::from_secs(20) {
            return s;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// True while the session's program is still running.
fn alive(session: &str) -> bool {
    let out = tmux(&["list-panes", "-t", session, "-F", "#{pane_dead}"]);
    out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn resizes_and_a_long_paste_in_a_real_terminal_do_not_stop_it() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("no tmux here: the real-terminal test is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_tothon");
    stdout(tothon(dir.path()).args(["init", "team", "--team", "2", "--commune", "Xã Thử"]));
    let session = format!("tothon-test-{}", std::process::id());
    let command = format!(
        "{exe} --data-dir '{}'; echo exit=$?; sleep 30",
        dir.path().display()
    );
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "80",
        "-y",
        "24",
        &command,
    ]);
    assert!(started.status.success(), "{:?}", started);
    // Kill the session whatever happens below.
    struct Session<'a>(&'a str);
    impl Drop for Session<'_> {
        fn drop(&mut self) {
            let _ = Command::new("tmux")
                .args(["kill-session", "-t", self.0])
                .output();
        }
    }
    let _guard = Session(&session);
    // First the device's passphrase, which opens its data: a wrong one is
    // said, and asked again.
    let asked = wait_for(&session, "Mật khẩu của máy này");
    assert!(asked.contains("Mật khẩu của máy này"), "{asked}");
    tmux(&["send-keys", "-t", &session, "-l", "sai mật khẩu"]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let refused = wait_for(&session, "không đúng");
    assert!(refused.contains("không đúng"), "{refused}");
    tmux(&["send-keys", "-t", &session, "-l", common::PASS]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let first = wait_for(&session, "F10");
    assert!(first.contains("F10"), "{first}");

    // A storm of resizes, down to 20×5 and up to 200×60.
    let sizes = [
        (20, 5),
        (200, 60),
        (21, 6),
        (80, 24),
        (40, 10),
        (120, 40),
        (19, 4),
    ];
    for i in 0..150 {
        let (w, h) = sizes[i % sizes.len()];
        tmux(&[
            "resize-window",
            "-t",
            &session,
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }
    tmux(&["resize-window", "-t", &session, "-x", "80", "-y", "24"]);
    assert!(
        alive(&session),
        "stopped by the resizes: {}",
        screen(&session)
    );

    // Pick who is working (a new name), then paste 10,000 characters into
    // the work list's search, as a bracketed paste.
    tmux(&["send-keys", "-t", &session, "-l", "Lan"]);
    tmux(&["send-keys", "-t", &session, "Enter"]);
    let long: String = "Nguyễn Văn Ánh ".chars().cycle().take(10_000).collect();
    tmux(&["set-buffer", "-b", "tothon-paste", &long]);
    tmux(&["paste-buffer", "-p", "-b", "tothon-paste", "-t", &session]);
    std::thread::sleep(Duration::from_millis(500));
    tmux(&["resize-window", "-t", &session, "-x", "20", "-y", "5"]);
    tmux(&["resize-window", "-t", &session, "-x", "80", "-y", "24"]);
    // The work list, its search line holding the paste.
    let after = wait_for(&session, "Nguyễn Văn Ánh");
    assert!(alive(&session), "stopped by the paste: {after}");
    assert!(after.contains("F1 "), "{after}");

    // It still quits cleanly.
    tmux(&["send-keys", "-t", &session, "F10"]);
    let mut last = wait_for(&session, "exit=");
    if !last.contains("exit=") {
        // F10 may first ask to confirm leaving with typed text.
        tmux(&["send-keys", "-t", &session, "Enter"]);
        last = wait_for(&session, "exit=");
    }
    assert!(last.contains("exit=0"), "{last}");
    assert_eq!(crash_notes(dir.path()), Vec::<std::path::PathBuf>::new());
}
