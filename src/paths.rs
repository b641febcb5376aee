//! Where data lives: `--data-dir`, else `TOTHON_HOME`, else the user's data
//! directory from `directories` (e.g. `%APPDATA%\tothon\data` on Windows,
//! `~/.local/share/tothon` on Linux).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(home) = std::env::var_os("TOTHON_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    directories::ProjectDirs::from("vn", "tothon", "tothon")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(Error::NoDataDir)
}

/// A short random id for this installation, written into every version.
/// Hashing the time, the process and the folder is enough to keep a handful of
/// devices of one commune apart without a dependency on a random source.
pub fn new_device_id(dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.update(nanos.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(dir.to_string_lossy().as_bytes());
    let d = h.finalize();
    d[..3].iter().map(|b| format!("{b:02X}")).collect()
}

/// Makes the renames in `dir` durable: on Unix the folder is synced.
/// Windows has no call to sync a folder (a directory cannot be opened for
/// it); NTFS journals renames itself, though a power cut just after one may
/// still roll it back (the store's sealing and restore leave both files
/// whole for that case).
pub fn sync_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
