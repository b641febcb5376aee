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
        // Only where it happened: a panic's message can quote what was
        // being read (a name cut at a wrong byte, a value), and the note
        // stays on disk. The message goes to the terminal, below.
        let at = info
            .location()
            .map(|l| format!("panicked at {}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "panicked".into());
        let note = write_note(&dir, &at);
        // The default hook prints the raw message for developers; users get
        // the sentence below.
        previous(info);
        let line = match &note {
            Some(path) => i18n::crash_sentence(lang, Some(&path.display().to_string())),
            None => i18n::crash_sentence(lang, None),
        };
        let _ = writeln!(std::io::stderr(), "{line}");
    }));
}

fn write_note(dir: &Path, what: &str) -> Option<PathBuf> {
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
        "tothon {} crashed at {}\n\n{what}\n(The panic's message is not kept here: it may quote personal data. It was shown in the terminal.)\n\nHow to report: send this file, with what you were doing just before, to whoever set tothon up for the commune. Your data was not changed by the crash: every save is a whole transaction.\n\n{backtrace}",
        env!("CARGO_PKG_VERSION"),
        now.to_rfc3339(),
    )
    .ok()?;
    Some(path)
}
