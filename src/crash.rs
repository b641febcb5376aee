//! When tothon panics: the terminal is put back (ratatui's hook, for the
//! screens), one plain sentence says what happened, and a crash note with
//! the details is left in the data folder for whoever helps the commune.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::i18n::{self, Lang};

/// Installs the hook. `dir` is the data folder; the note goes there.
pub fn install(dir: &Path, lang: Lang) {
    let dir = dir.to_path_buf();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A panic that the code around it turns into an error of its own
        // (see `quietly`) is no crash.
        if QUIET.get() {
            return;
        }
        let in_redb = info.location().is_some_and(|l| l.file().contains("redb"));
        if in_redb && GUARDED.get() {
            STORE_PANIC.set(true);
            return;
        }
        // Only where it happened: a panic's message can quote what was
        // being read (a name cut at a wrong byte, a value), and the note
        // stays on disk. The message goes to the terminal, below.
        let at = info
            .location()
            .map(|l| format!("panicked at {}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "panicked".into());
        // A panic inside redb or the store's own code may come from a
        // damaged file: then the data is not said to be safe.
        let store = info
            .location()
            .is_some_and(|l| l.file().contains("redb") || l.file().contains("src/store/"));
        let note = write_note(&dir, &at, store);
        // The default hook prints the raw message for developers; users get
        // the sentence below.
        previous(info);
        let line = match &note {
            Some(path) => i18n::crash_sentence(lang, Some(&path.display().to_string()), store),
            None => i18n::crash_sentence(lang, None, store),
        };
        let _ = writeln!(std::io::stderr(), "{line}");
    }));
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Inside [`store_damage_as_error`].
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// A panic inside redb was taken for a damaged store file.
    static STORE_PANIC: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`; a panic inside redb on this thread (which reads a store file
/// damaged outside it by panicking, not by an error) is `None`, with no
/// crash note, for the caller to say the store is damaged. Any other panic
/// goes on as it would have, crash note and all.
pub fn store_damage_as_error<T>(f: impl FnOnce() -> T) -> Option<T> {
    let before = GUARDED.replace(true);
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.set(before);
    match out {
        Ok(v) => Some(v),
        Err(_) if STORE_PANIC.replace(false) => None,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Runs `f`, giving `None` if it panicked, with no crash note or sentence:
/// for a call known to panic on input it cannot read (redb opening a file
/// damaged outside it), whose caller then says so in its own words.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    let before = QUIET.replace(true);
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    QUIET.set(before);
    out
}

fn write_note(dir: &Path, what: &str, store: bool) -> Option<PathBuf> {
    let now = crate::clock::now();
    let path = dir.join(format!("crash-{}.txt", now.format("%Y%m%d-%H%M%S")));
    std::fs::create_dir_all(dir).ok()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&path).ok()?;
    let backtrace = std::backtrace::Backtrace::force_capture();
    writeln!(
        f,
        "tothon {} crashed at {}\n\n{what}\n(The panic's message is not kept here: it may quote personal data. It was shown in the terminal.)\n\nHow to report: send this file, with what you were doing just before, to whoever set tothon up for the commune. {}\n\n{backtrace}",
        env!("CARGO_PKG_VERSION"),
        now.to_rfc3339(),
        if store {
            "It stopped while reading or writing the data file, which may be damaged: run `tothon check` before anything else."
        } else {
            "Your data was not changed by the crash: every save is a whole transaction."
        },
    )
    .ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, crash_sentence};

    /// A crash in reading or writing the store does not say the data is
    /// safe; it says to check it.
    #[test]
    fn a_crash_in_the_store_does_not_claim_the_data_is_safe() {
        for lang in [Lang::Vi, Lang::En] {
            let elsewhere = crash_sentence(lang, Some("crash-1.txt"), false);
            let store = crash_sentence(lang, Some("crash-1.txt"), true);
            assert!(elsewhere.contains("crash-1.txt") && store.contains("crash-1.txt"));
            assert!(store.contains("tothon check"), "{store}");
            assert!(!store.contains("không bị ảnh hưởng") && !store.contains("not affected"));
            assert!(!elsewhere.contains("tothon check"), "{elsewhere}");
        }
    }

    /// A panic inside redb, within the guard, is damage; any other goes on.
    #[test]
    fn only_a_panic_inside_redb_is_taken_for_damage() {
        let caught = std::panic::catch_unwind(|| {
            super::store_damage_as_error(|| panic!("not redb's"));
        });
        assert!(caught.is_err(), "a panic elsewhere is not swallowed");
        assert_eq!(super::store_damage_as_error(|| 7), Some(7));
    }
}
