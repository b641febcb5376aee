//! Hostile spreadsheets through the real binary: each gives a clear error or
//! a preview naming its problems, changes nothing in the store, never panics.

mod common;

use std::path::Path;

use common::{cases_csv, refusal, stdout, tothon};

fn commune() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(tothon(dir.path()).args(["init", "commune", "--name", "Xã Thử"]));
    dir
}

/// What an import could change: the listing and the work items.
fn work_list(dir: &Path) -> String {
    let listing = cases_csv(dir);
    let items = common::open(dir).work_items().unwrap().len();
    format!("{listing}{items}")
}

/// Imports `bytes` with `--yes`. It must be refused in one clear line (no
/// panic), or previewed naming its problem rows with nothing new to import.
fn import(dir: &Path, what: &str, bytes: &[u8]) {
    let file = dir.join("list.csv");
    std::fs::write(&file, bytes).unwrap();
    let out = tothon(dir)
        .args(["worklist", "import", "--yes", "--form", "activation"])
        .arg(&file)
        .output()
        .unwrap();
    if !out.status.success() {
        refusal(&out);
        return;
    }
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains(": 0 việc mới,") && said.contains("\n  Dòng 2: "),
        "{what}: {said}"
    );
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
        import(dir.path(), what, &bytes);
        assert_eq!(work_list(dir.path()), before, "{what} changed the store");
    }
}
