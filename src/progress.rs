//! How far a long piece of work has got, shown on the command line.
//!
//! The work says what it is doing ([`step`], which returns a guard that ends
//! the step when dropped) and how far it has got ([`advance`], an atomic
//! count: cheap enough for every row of an import). The command line draws
//! one line on the standard error while a step lasts, when that is a
//! terminal ([`shown_while`]): "Đang nhập gói tin: 41.200 / 100.000 (41%)".
//! A step shorter than half a second shows nothing, and the line is wiped
//! when the step ends, before anything else is printed or asked. The
//! screens run such work on a thread of its own ([`counted`]) and draw the
//! same line from [`now`] (`tui::App`).
//!
//! Written here rather than with a progress-bar crate: one line, redrawn a
//! few times a second, is all the commands need, and the binary has a 6 MB
//! budget (BENCHMARKS.md).

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::i18n::Lang;

/// What a long piece of work is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The demo's people and households, made up.
    DemoPeople,
    /// A work list or register file read (bytes).
    ReadingFile,
    /// A bundle's rows read and checked.
    ReadingBundle,
    /// Bundles' versions written (every bundle of an export together).
    WritingBundles,
    /// A table's rows written for a spreadsheet (CSV or .xlsx).
    WritingTable,
}

struct Shown {
    step: Option<(Step, Instant)>,
    /// Columns of the line drawn last (0: none on screen).
    drawn: usize,
}

static SHOWN: Mutex<Shown> = Mutex::new(Shown {
    step: None,
    drawn: 0,
});
static DONE: AtomicU64 = AtomicU64::new(0);
static TOTAL: AtomicU64 = AtomicU64::new(0);
/// Whether anyone draws the line (set by [`shown_while`]).
static WATCHED: AtomicBool = AtomicBool::new(false);

/// Ends its step when dropped, wiping the line if it was drawn.
#[must_use = "the step ends when this is dropped"]
pub struct Guard {
    /// Whether this step is the one shown (see [`step`]).
    shown: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let (true, Ok(mut shown)) = (self.shown, SHOWN.lock()) {
            shown.step = None;
            wipe(&mut shown);
        }
    }
}

/// Starts a step of `total` units (0 when not known); the count starts at 0.
/// A step started while another runs beside it (the demo's teams export
/// while the commune reads its register) is not shown, and leaves the one
/// shown alone; its units still count, the error of a line that is only
/// there to say the work moves.
pub fn step(step: Step, total: u64) -> Guard {
    let Ok(mut shown) = SHOWN.lock() else {
        return Guard { shown: false };
    };
    if shown.step.is_some() {
        return Guard { shown: false };
    }
    DONE.store(0, Ordering::Relaxed);
    TOTAL.store(total, Ordering::Relaxed);
    shown.step = Some((step, Instant::now()));
    Guard { shown: true }
}

/// Counts `n` more units of the current step done.
pub fn advance(n: u64) {
    if WATCHED.load(Ordering::Relaxed) {
        DONE.fetch_add(n, Ordering::Relaxed);
    }
}

/// Runs `work`, drawing the current step's line on the standard error a
/// few times a second when that is a terminal.
pub fn shown_while<T>(lang: Lang, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    /// Stops the drawing at once (it may be waiting), even if `work`
    /// panics.
    struct Stop<'a>(&'a AtomicBool, std::thread::Thread);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
            self.1.unpark();
        }
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let drawer = s.spawn(|| {
            loop {
                std::thread::park_timeout(Duration::from_millis(200));
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                draw(lang);
            }
        });
        let _stop = Stop(&stop, drawer.thread().clone());
        counted(work)
    })
}

/// Runs `work` with its steps counted, for whoever shows them: the
/// command line's line, or a screen that reads [`now`]. One piece of work
/// at a time: the counts are the process's own.
pub fn counted<T>(work: impl FnOnce() -> T) -> T {
    /// Stops the counting even if `work` panics.
    struct Unwatch;
    impl Drop for Unwatch {
        fn drop(&mut self) {
            WATCHED.store(false, Ordering::Relaxed);
        }
    }
    WATCHED.store(true, Ordering::Relaxed);
    let _unwatch = Unwatch;
    work()
}

/// The step under way, if one is, with how many units it has done and of
/// how many (0: not known).
pub fn now() -> Option<(Step, u64, u64)> {
    let (step, _) = SHOWN.lock().ok()?.step?;
    let counts = (DONE.load(Ordering::Relaxed), TOTAL.load(Ordering::Relaxed));
    Some((step, counts.0, counts.1))
}

fn draw(lang: Lang) {
    let Ok(mut shown) = SHOWN.lock() else {
        return;
    };
    let Some((step, since)) = shown.step else {
        return;
    };
    if since.elapsed() < Duration::from_millis(500) {
        return;
    }
    let line = line(
        lang,
        step,
        DONE.load(Ordering::Relaxed),
        TOTAL.load(Ordering::Relaxed),
    );
    let width = line.chars().count();
    let pad = shown.drawn.saturating_sub(width);
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r{line}{}", " ".repeat(pad));
    let _ = err.flush();
    shown.drawn = width;
}

fn wipe(shown: &mut Shown) {
    if shown.drawn > 0 {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}\r", " ".repeat(shown.drawn));
        let _ = err.flush();
        shown.drawn = 0;
    }
}

/// The line for a step: what, how many of how many, and the share.
pub fn line(lang: Lang, step: Step, done: u64, total: u64) -> String {
    let what = crate::i18n::progress_step(lang, step);
    let number = |n: u64| crate::i18n::number(lang, n);
    let so_far = done.min(total);
    let line = match (so_far * 100).checked_div(total) {
        Some(share) => format!("{what}: {} / {} ({share}%)", number(so_far), number(total)),
        None => format!("{what}: {}", number(done)),
    };
    // One line of an 80-column terminal.
    line.chars().take(79).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_how_far_and_the_share() {
        assert_eq!(
            line(Lang::Vi, Step::ReadingBundle, 41_200, 100_000),
            "Đang đọc và kiểm tra gói tin: 41.200 / 100.000 (41%)"
        );
        assert_eq!(
            line(Lang::En, Step::DemoPeople, 1_500, 0),
            "Making up the demo's people: 1,500"
        );
        // Never past the whole.
        assert!(line(Lang::En, Step::ReadingFile, 12, 10).ends_with("(100%)"));
    }
}
