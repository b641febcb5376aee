//! Hostile spreadsheets through the real binary: each gives a clear error or
//! a preview naming its problems, changes nothing in the store, never panics.

mod common;

use std::path::Path;

use common::{cases_csv, stdout, tothon};

fn commune() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(tothon(dir.path()).args(["init", "commune", "--name", "Xã Thử"]));
    dir
}

/// What an import could change: the listing and the work items.
fn work_list(dir: &Path) -> String {
    let listing = cases_csv(dir);
    let items = tothon::store::Store::open(dir)
        .unwrap()
        .work_items()
        .unwrap()
        .len();
    format!("{listing}{items}")
}

/// Imports `bytes` with `--yes`; returns (success, stderr). Panics are
/// failures of the test (exit code 101 with a panic message).
fn import(dir: &Path, bytes: &[u8]) -> (bool, String) {
    let file = dir.join("list.csv");
    std::fs::write(&file, bytes).unwrap();
    let out = tothon(dir)
        .args(["worklist", "import", "--yes", "--form", "activation"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_ne!(out.status.code(), Some(101), "panic exit: {err}");
    (out.status.success(), err)
}

const HEADER: &str = "Họ và tên;Số định danh;Ngày sinh;Giới tính;Thôn\n";

#[test]
fn hostile_files_are_refused_or_reported_and_change_nothing() {
    let dir = commune();
    let before = work_list(dir.path());
    let huge_field = format!(
        "{HEADER}{};034090123456;01/01/1990;Nam;Thôn 1\n",
        "A".repeat(5_000_000)
    );
    let many_columns = format!(
        "{HEADER}{}\n",
        (0..100_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(";")
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty file", Vec::new()),
        ("only a BOM", b"\xEF\xBB\xBF".to_vec()),
        (
            "invalid UTF-8",
            b"H\xff\xfe\xfd;\x80\x81\n\xc3\x28;x\n".to_vec(),
        ),
        (
            "unbalanced quotes",
            format!("{HEADER}\"Nguyễn Văn An;034090123456;01/01/1990;Nam;Thôn 1\n").into_bytes(),
        ),
        (
            "wrong column counts",
            format!("{HEADER}Nguyễn Văn An;034090123456\nA;B;C;D;E;F;G;H\n").into_bytes(),
        ),
        ("an enormous field", huge_field.into_bytes()),
        ("a hundred thousand columns", many_columns.into_bytes()),
        (
            "binary noise",
            (0..20_000u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
        ("NUL bytes", b"\0\0\0;\0\n\0".to_vec()),
        (
            "formula cells",
            format!("{HEADER}=HYPERLINK(\"http://x\");@SUM(A1);+1;-1;Thôn 1\n").into_bytes(),
        ),
    ];
    for (what, bytes) in cases {
        let (_, err) = import(dir.path(), &bytes);
        assert!(err.lines().count() <= 1, "{what}: one line at most: {err}");
        assert_eq!(work_list(dir.path()), before, "{what} changed the store");
    }
}
