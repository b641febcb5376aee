//! Where data lives: `--data-dir`, else `TOTHON_HOME`, else the user's local
//! data directory from `directories` (`%LOCALAPPDATA%\tothon\tothon\data` on
//! Windows, `~/.local/share/tothon` on Linux).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(home) = std::env::var_os("TOTHON_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    let dirs = directories::ProjectDirs::from("vn", "tothon", "tothon").ok_or(Error::NoDataDir)?;
    Ok(local_data_dir(dirs.data_local_dir(), dirs.data_dir()))
}

/// On Windows the local folder, not the roaming one: a roaming profile is
/// copied to the domain's servers at every sign-out, and citizens' data
/// must stay on the laptop (elsewhere the two are the same folder). A
/// store that an earlier release left in the roaming folder, with none in
/// the local one, is moved there whole (one rename of the folder, on the
/// same disk); if it cannot be moved it is used where it is.
fn local_data_dir(local: &Path, roaming: &Path) -> PathBuf {
    let store = |dir: &Path| crate::store::Store::file_in(dir).exists();
    if local == roaming || store(local) || !store(roaming) {
        return local.to_path_buf();
    }
    let moved = local
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| match std::fs::remove_dir(local) {
            // An empty local folder (made and left) gives way.
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
        .and_then(|()| std::fs::rename(roaming, local));
    match moved {
        Ok(()) => local.to_path_buf(),
        Err(_) => roaming.to_path_buf(),
    }
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

/// Folders where a USB stick or a memory card shows up: on Windows every
/// drive letter but C: that answers; elsewhere the folders the desktop
/// mounts removable media under (`/media/USER/*`, `/run/media/USER/*`,
/// `/media/*`, `/mnt/*`). Best effort: a place that cannot be read is left
/// out.
pub fn removable_places() -> Vec<PathBuf> {
    #[cfg(feature = "test-hooks")]
    if let Some(places) = PRETEND_PLACES.get() {
        return places.clone();
    }
    let mut out = Vec::new();
    #[cfg(windows)]
    // Not A: and B: (floppy letters, which can hang or ask for a disk),
    // nor the system's C:.
    for letter in b'D'..=b'Z' {
        let root = PathBuf::from(format!("{}:\\", letter as char));
        if root.is_dir() {
            out.push(root);
        }
    }
    #[cfg(not(windows))]
    {
        let user = std::env::var("USER").unwrap_or_default();
        let mut roots = vec![PathBuf::from("/media"), PathBuf::from("/mnt")];
        if !user.is_empty() {
            roots.insert(0, PathBuf::from("/run/media").join(&user));
            roots.insert(0, PathBuf::from("/media").join(&user));
        }
        for root in roots {
            let Ok(entries) = std::fs::read_dir(&root) else {
                continue;
            };
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir() && !roots_contain(p, &user))
                .collect();
            crate::sort::sort(&mut found);
            out.extend(found);
        }
    }
    out
}

/// (Tests) the places to offer instead of the machine's, whose USB sticks
/// would change what a screen shows.
#[cfg(feature = "test-hooks")]
static PRETEND_PLACES: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();

/// (Tests) offers `places` instead of the machine's, for the whole process
/// (the first call wins).
#[cfg(feature = "test-hooks")]
pub fn pretend_places(places: Vec<PathBuf>) {
    let _ = PRETEND_PLACES.set(places);
}

/// Whether `p` is `/media/USER` itself (a folder of places, not a place).
#[cfg(not(windows))]
fn roots_contain(p: &Path, user: &str) -> bool {
    !user.is_empty() && p == Path::new("/media").join(user)
}

/// The bundles (`.zip` files) in `dir`, newest first, with when each was
/// last written.
pub fn bundle_files(dir: &Path) -> std::io::Result<Vec<(PathBuf, std::time::SystemTime)>> {
    let mut out: Vec<(PathBuf, std::time::SystemTime)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("zip"))
        })
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some((e.path(), meta.modified().unwrap_or(std::time::UNIX_EPOCH)))
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// `typed` (a path being typed) completed as a shell would: to the one
/// folder or `.zip` file its last part begins, or as far as all that it
/// begins agree (letters compared without case). A folder gets its
/// separator, ready for the next part. Unchanged when nothing matches.
pub fn complete(typed: &str) -> String {
    let sep = std::path::MAIN_SEPARATOR;
    let split = typed.rfind(['/', sep]).map_or(0, |i| i + 1);
    let (dir_part, prefix) = typed.split_at(split);
    let dir = if dir_part.is_empty() {
        Path::new(".")
    } else {
        Path::new(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return typed.to_string();
    };
    let folded = prefix.to_lowercase();
    let mut matches: Vec<(String, bool)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.path().is_dir();
            let wanted = is_dir
                || Path::new(&name)
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("zip"));
            (wanted && name.to_lowercase().starts_with(&folded)).then_some((name, is_dir))
        })
        .collect();
    crate::sort::sort(&mut matches);
    match matches.as_slice() {
        [] => typed.to_string(),
        [(name, is_dir)] => {
            let mut out = format!("{dir_part}{name}");
            if *is_dir {
                out.push(sep);
            }
            out
        }
        [first, rest @ ..] => {
            let mut common: Vec<char> = first.0.chars().collect();
            for (name, _) in rest {
                let same = common
                    .iter()
                    .zip(name.chars())
                    .take_while(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
                    .count();
                common.truncate(same);
            }
            let common: String = common.into_iter().collect();
            if common.chars().count() > prefix.chars().count() {
                format!("{dir_part}{common}")
            } else {
                typed.to_string()
            }
        }
    }
}

/// A path as typed or pasted, made whole: the quotes Windows' "Copy as
/// path" and file managers put around it gone, `~` the home folder, and a
/// relative path taken from where tothon runs, so what is remembered and
/// said is the full path.
pub fn typed_path(text: &str) -> PathBuf {
    let text = text.trim();
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| text.strip_prefix(*q).and_then(|t| t.strip_suffix(*q)))
        .unwrap_or(text);
    let home = || std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    let path = match unquoted.strip_prefix("~/").or(unquoted.strip_prefix("~\\")) {
        Some(rest) => {
            home().map_or_else(|| PathBuf::from(unquoted), |h| PathBuf::from(h).join(rest))
        }
        None => PathBuf::from(unquoted),
    };
    std::path::absolute(&path).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_in_the_roaming_folder_moves_to_the_local_one() {
        let top = tempfile::tempdir().unwrap();
        let local = top.path().join("Local/tothon/data");
        let roaming = top.path().join("Roaming/tothon/data");
        // Nothing anywhere: the local folder.
        assert_eq!(local_data_dir(&local, &roaming), local);
        // A store left in the roaming folder moves, with what is beside it.
        std::fs::create_dir_all(&roaming).unwrap();
        std::fs::write(crate::store::Store::file_in(&roaming), b"store").unwrap();
        std::fs::write(roaming.join("backup-1.redb"), b"backup").unwrap();
        assert_eq!(local_data_dir(&local, &roaming), local);
        assert_eq!(
            std::fs::read(crate::store::Store::file_in(&local)).unwrap(),
            b"store"
        );
        assert_eq!(
            std::fs::read(local.join("backup-1.redb")).unwrap(),
            b"backup"
        );
        assert!(!roaming.exists());
        // A store in both: the local one, the roaming one left alone.
        std::fs::create_dir_all(&roaming).unwrap();
        std::fs::write(crate::store::Store::file_in(&roaming), b"other").unwrap();
        assert_eq!(local_data_dir(&local, &roaming), local);
        assert!(crate::store::Store::file_in(&roaming).exists());
    }

    #[test]
    fn a_typed_path_completes_to_its_folder_or_bundle() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir(r.join("USB-Lan")).unwrap();
        std::fs::write(r.join("tothon-to3-0007.zip"), b"").unwrap();
        std::fs::write(r.join("tothon-to3-0008.zip"), b"").unwrap();
        std::fs::write(r.join("notes.txt"), b"").unwrap();
        let base = format!("{}{}", r.display(), std::path::MAIN_SEPARATOR);
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(
            complete(&format!("{base}usb")),
            format!("{base}USB-Lan{sep}")
        );
        assert_eq!(
            complete(&format!("{base}tot")),
            format!("{base}tothon-to3-000")
        );
        assert_eq!(
            complete(&format!("{base}tothon-to3-0007")),
            format!("{base}tothon-to3-0007.zip")
        );
        // A text file is not a bundle; nothing matches, nothing changes.
        assert_eq!(complete(&format!("{base}no")), format!("{base}no"));
        assert_eq!(complete("/no/such/folder/x"), "/no/such/folder/x");
        let found = bundle_files(r).unwrap();
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn a_typed_path_is_made_whole() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(typed_path("  \"x.zip\" "), cwd.join("x.zip"));
        assert_eq!(typed_path("'USB/b.zip'"), cwd.join("USB").join("b.zip"));
        // (Under Wine, HOME is the Linux one: not a Windows path.)
        #[cfg(unix)]
        if let Some(home) = std::env::var_os("HOME") {
            assert_eq!(typed_path("~/out"), PathBuf::from(home).join("out"));
        }
        let abs = cwd.join("a");
        assert_eq!(typed_path(&abs.display().to_string()), abs);
    }
}
