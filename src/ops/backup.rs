//! Backups, restore and the whole check of the store, for both fronts.
//!
//! tothon backs the store up by itself at each bundle export and at the
//! first start of a day, into `backups/` beside the store, keeping the
//! last [`backup::KEEP`]; `tothon backup --out FILE` writes one by hand.
//! A backup is protected as the store is (see `store::backup`). A restore
//! checks the backup whole before it replaces anything, and keeps the
//! store it replaces beside it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::exchange::{self, ExchangeError, Result};
use crate::store::backup;
use crate::store::{Checked, Store, StoreError};

/// Writes a backup of `store` to `out` (a file that must not exist yet).
pub fn backup_to(store: &Store, out: &Path) -> Result<()> {
    if out.exists() {
        return Err(ExchangeError::Exists {
            path: out.to_path_buf(),
        });
    }
    Ok(store.copy_to(out)?)
}

/// An automatic backup, made now, into the store's backups folder (made
/// owner-only if new); the oldest beyond [`backup::KEEP`] are removed.
pub fn automatic(store: &Store, now: DateTime<FixedOffset>) -> Result<PathBuf> {
    let folder = store.backup_folder();
    let mut folders = std::fs::DirBuilder::new();
    folders.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folders, 0o700);
    folders.create(&folder).map_err(StoreError::from)?;
    let mut path = folder.join(backup::backup_name(
        &now.format("%Y%m%d-%H%M%S").to_string(),
    ));
    // Two in the same second (an export right after the day's first
    // start): the later one gets its own name.
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = folder.join(backup::backup_name(&format!(
            "{}-{n}",
            now.format("%Y%m%d-%H%M%S")
        )));
    }
    store.copy_to(&path)?;
    backup::rotate(&folder)?;
    Ok(path)
}

/// At the first start of a day: an automatic backup, unless one was made
/// today already. `Some` with the backup's path when one was made. It needs
/// no passphrase (the copy is sealed as the store is): the screens make it
/// while the passphrase is typed.
pub fn start_of_day(store: &Store, now: DateTime<FixedOffset>) -> Result<Option<PathBuf>> {
    // A store due for its whole check (the last sitting did not end) is
    // not copied over the good backups before the check has passed.
    if store.check_due() {
        return Ok(None);
    }
    let today = backup::backup_name(&now.format("%Y%m%d").to_string());
    let today = today.trim_end_matches(".redb");
    let made_today = store.backups().iter().any(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(today))
    });
    if made_today {
        return Ok(None);
    }
    automatic(store, now).map(Some)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// Where the store it replaced was kept, if there was one.
    pub kept: Option<PathBuf>,
    /// The case versions the restored store holds.
    pub versions: usize,
}

/// Puts the backup `file` in place of the store in `dir`. The backup is
/// first copied beside the store and checked whole there, opened with
/// `passphrase` (the device's passphrase when the backup was made); it
/// must be this device's, when the store in `dir` still says which device
/// it is. Only then is the store kept aside (as
/// `tothon.redb.before-restore-TIME`) and the backup put in its place. Its
/// bundle sequence numbers are raised to the replaced store's, so that no
/// bundle is numbered as one already sent.
pub fn restore(
    dir: &Path,
    file: &Path,
    passphrase: &str,
    now: DateTime<FixedOffset>,
) -> Result<Restored> {
    let path = Store::file_in(dir);
    // Not under a tothon that has the store open (its window would keep
    // writing to the file put aside).
    if backup::is_open_elsewhere(&path) {
        return Err(StoreError::AlreadyOpen.into());
    }
    let restoring = path.with_extension("redb.restoring");
    let _ = std::fs::remove_file(&restoring);
    let mut folders = std::fs::DirBuilder::new();
    folders.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folders, 0o700);
    folders.create(dir).map_err(StoreError::from)?;
    let copied = std::fs::copy(file, &restoring)
        .map_err(|e| ExchangeError::File {
            path: file.to_path_buf(),
            detail: e.to_string(),
        })
        .and_then(|_| Ok(crate::store::make_private(&restoring)?));
    // Damage found in the copy is the backup's.
    let checked = copied
        .and_then(|()| check_restoring(&restoring, &path, passphrase))
        .map_err(|e| match e {
            ExchangeError::Store(StoreError::Damaged { detail, .. }) => {
                ExchangeError::BackupUnreadable {
                    file: file.to_path_buf(),
                    detail,
                }
            }
            other => other,
        });
    let versions = match checked {
        Ok(versions) => versions,
        Err(e) => {
            let _ = std::fs::remove_file(&restoring);
            // The copy's sitting mark, kept when its check did not pass.
            let _ = std::fs::remove_file(restoring.with_extension("restoring.open"));
            return Err(e);
        }
    };
    let kept = if path.exists() {
        let aside = path.with_extension(format!(
            "redb.before-restore-{}",
            now.format("%Y%m%d-%H%M%S")
        ));
        std::fs::rename(&path, &aside).map_err(StoreError::from)?;
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&restoring, &path).map_err(StoreError::from)?;
    crate::paths::sync_folder(dir).map_err(StoreError::from)?;
    Ok(Restored { kept, versions })
}

/// Opens the copy of a backup at `restoring`, checks it is the same
/// device's as the store at `current` (when that one tells), unlocks and
/// checks it whole, and raises its sequence numbers.
fn check_restoring(restoring: &Path, current: &Path, passphrase: &str) -> Result<usize> {
    let candidate = Store::open_file(restoring.to_path_buf())?;
    let device = candidate.device()?;
    if let Some(here) = backup::device_of(current)
        && here.id != device.id
    {
        return Err(ExchangeError::BackupOfAnotherDevice {
            backup: device.id,
            here: here.id,
        });
    }
    let (mut candidate, _) = exchange::unlock(candidate, passphrase)?;
    let checked = candidate.check()?;
    if !checked.is_whole() {
        return Err(ExchangeError::BackupDamaged(Box::new(checked)));
    }
    if let Some(sent) = backup::sequences_of(current) {
        candidate.raise_sequences(&sent)?;
    }
    Ok(checked.versions)
}

/// The whole check of `store` (see [`Store::check`]).
pub fn check(store: &mut Store) -> Result<Checked> {
    Ok(store.check()?)
}
