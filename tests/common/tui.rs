//! The screens driven in-process with key presses against ratatui's
//! TestBackend, and what they show read back as text.

use std::path::Path;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tothon::i18n::Lang;
use tothon::tui::App;

/// The sizes every screen is checked at: the smallest usual terminal, and
/// a roomy one.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Presses a key and waits for any long work it starts (an import, an
/// export), as a person waits for the screen.
pub fn press(app: &mut App, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE));
    app.finish_work();
}

pub fn ctrl(app: &mut App, c: char) {
    app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    app.finish_work();
}

/// Presses Tab `n` times (the next field, `n` times over).
pub fn tab(app: &mut App, n: usize) {
    for _ in 0..n {
        press(app, KeyCode::Tab);
    }
}

/// Types `text` one key at a time, as a user would.
pub fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// On an activation follow-up's target level: level 2 (its digit), then
/// "awaiting approval" found in the status's list.
pub fn level2_awaiting_approval(app: &mut App) {
    typ(app, "2");
    press(app, KeyCode::Enter);
    typ(app, "cho duyet");
    press(app, KeyCode::Enter);
}

/// A blank activation follow-up filled in to be saved: the personal ID
/// (whole, it moves the cursor on), the name, level 2 and awaiting
/// approval; the visit date and who checked are there already.
pub fn fill_activation(app: &mut App, id: &str, name: &str) {
    typ(app, id);
    typ(app, name);
    tab(app, 4);
    level2_awaiting_approval(app);
}

/// The screen drawn at `w`×`h`, one line of text per row, trailing blanks
/// trimmed.
pub fn screen(app: &mut App, (w, h): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
            line.trim_end().to_string() + "\n"
        })
        .collect()
}

/// The screens on the store in `dir`, in Vietnamese, past "who is working"
/// (Enter: the first member the device keeps).
pub fn open(dir: &Path) -> App {
    let (store, signer) = super::sitting(dir);
    let mut app = App::open(store, Lang::Vi).unwrap().with_key(signer);
    press(&mut app, KeyCode::Enter);
    app
}
