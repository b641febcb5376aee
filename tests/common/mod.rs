//! Helpers the test files share: the binary as a process, run as a user or
//! a script would, with its answers checked the same way everywhere.
#![allow(dead_code)] // each test file uses its own part of these

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The clock every test's commands run at.
pub const NOW: &str = "2026-11-26T10:00:00+07:00";
/// The passphrase of every key a test makes.
pub const PASS: &str = "mật khẩu thử";
pub const COMMUNE: &str = "Xã Tân Phong";

/// `tothon --data-dir DIR`, at [`NOW`], with [`PASS`] as the passphrase and
/// no `TOTHON_HOME` from the environment.
pub fn tothon(dir: &Path) -> Command {
    Command::from_std(process(dir))
}

/// The same command as [`tothon`], as a plain process: for a test that
/// reads its output as it comes, or kills it.
pub fn process(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tothon"));
    cmd.env("TOTHON_NOW", NOW)
        .env("TOTHON_PASSPHRASE", PASS)
        .env_remove("TOTHON_HOME")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

/// Runs a command that must succeed; returns its standard output.
pub fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail; returns its standard error, checked to be
/// one line.
pub fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        !out.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

/// The rows of a CSV with a header, each as a map from column name to cell,
/// so a test reads a column by its name and never by its position.
pub fn csv_maps(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The crash notes tothon left in a data folder.
pub fn crash_notes(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("crash-")
        })
        .collect()
}
