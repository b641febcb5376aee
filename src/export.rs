//! CSV files for people to open in Excel: UTF-8 with a BOM (so Vietnamese
//! shows right), text in NFC, and cells a spreadsheet would execute
//! (starting with `=`, `+`, `-`, `@`, tab or CR) neutralised with a leading
//! apostrophe. Only for human viewing: bundles keep values exactly.

use std::io::Write;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// A cell as a spreadsheet should show it, never run it.
pub fn neutralise(cell: &str) -> String {
    let nfc: String = cell.nfc().collect();
    match nfc.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{nfc}"),
        _ => nfc,
    }
}

/// The bytes of a CSV table for Excel.
pub fn to_bytes(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            let cells: Vec<String> = row.iter().map(|c| neutralise(c)).collect();
            // Writing into a Vec cannot fail.
            let _ = w.write_record(&cells);
        }
        let _ = w.flush();
    }
    out
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename, so a
/// power cut never leaves half a file under the real name.
pub fn save(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    save_as(dir, name, bytes, false)
}

/// [`save`] of a secret: the file readable by its owner only (on Windows
/// the user's own folder is the guard).
pub fn save_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    save_as(dir, name, bytes, true)
}

fn save_as(dir: &Path, name: &str, bytes: &[u8], owner_only: bool) -> Result<PathBuf> {
    let path = dir.join(name);
    let fail = |e: std::io::Error| Error::File {
        path: path.clone(),
        detail: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if owner_only {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = owner_only;
        let mut f = options.open(&tmp).map_err(fail)?;
        f.write_all(bytes).map_err(fail)?;
        f.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, &path).map_err(fail)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_safe_bytes() {
        let bytes = to_bytes(
            &["Tên".into(), "Ghi chú".into()],
            &[
                vec!["Nguye\u{0302}\u{0303}n".into(), "=HYPERLINK(\"x\")".into()],
                vec!["-5".into(), "a,b".into()],
            ],
        );
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(text.contains("Nguyễn"));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""));
        assert!(text.contains("'-5,\"a,b\""));
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("0912"), "0912");
    }

    #[test]
    fn save_writes_the_whole_file_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = save(dir.path(), "a.csv", b"x,y\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x,y\n");
        assert!(!dir.path().join(".a.csv.tmp").exists());
    }
}
