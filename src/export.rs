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

/// [`save`] to the file a person named (`--out FILE`): in its folder, the
/// current one when it names none.
pub fn save_file(file: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let (dir, name) = folder_and_name(file)?;
    save(dir, &name, bytes)
}

/// [`save_file`] of a secret (see [`save_private`]).
pub fn save_file_private(file: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let (dir, name) = folder_and_name(file)?;
    save_private(dir, &name, bytes)
}

/// The folder a named file goes in (the current one when it names none)
/// and its name.
fn folder_and_name(file: &Path) -> Result<(&Path, String)> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(name) = name else {
        return Err(Error::File {
            path: file.to_path_buf(),
            detail: "not a file name".into(),
        });
    };
    Ok((dir.unwrap_or(Path::new(".")), name))
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
    // A name no one else can have made first: created new (never an old
    // file, never through a link), owner-only from the start for a secret.
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| fail(std::io::Error::other(e.to_string())))?;
    let tmp = dir.join(format!(".{name}.{:016x}.tmp", u64::from_le_bytes(suffix)));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if owner_only {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = owner_only;
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
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
