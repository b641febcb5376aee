//! The first thing the screens ask: this device's passphrase, which opens
//! its data (sealed at rest), its signing key and the bundles sent to it,
//! once for the whole sitting. Nothing of the store but its commune and
//! device is read before it is given.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Position;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::draw::{Theme, centered};
use super::input::TextInput;
use super::typing::{Method, ToneStyle};
use crate::i18n::{self, Lang, Text};

pub struct Unlock {
    lang: Lang,
    /// The commune and this device, to say whose data this is.
    heading: String,
    demo: bool,
    input: TextInput,
    /// Why the last passphrase did not open the store.
    refused: Option<String>,
    /// The passphrase is being tried (a few seconds: it is costly on
    /// purpose).
    opening: bool,
}

/// What a key asks of the caller.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Wait,
    /// Try this passphrase.
    Try(String),
    Quit,
}

impl Unlock {
    pub fn new(lang: Lang, heading: String, demo: bool) -> Unlock {
        Unlock {
            lang,
            heading,
            demo,
            input: TextInput::default(),
            refused: None,
            opening: false,
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> Step {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return Step::Quit,
            KeyCode::Char('c' | 'q') if ctrl => return Step::Quit,
            KeyCode::Enter if !self.input.is_empty() => {
                self.opening = true;
                return Step::Try(self.input.text().to_string());
            }
            KeyCode::Char(c) if !ctrl => {
                self.input.type_char(c, Method::Off, ToneStyle::Classic);
            }
            KeyCode::Backspace => self.input.backspace(),
            KeyCode::Delete => self.input.delete(),
            KeyCode::Left => self.input.left(),
            KeyCode::Right => self.input.right(),
            KeyCode::Home => self.input.home(),
            KeyCode::End => self.input.end(),
            _ => {}
        }
        self.refused = None;
        Step::Wait
    }

    pub fn paste(&mut self, text: &str) {
        self.input.insert_str(text.trim_end_matches(['\r', '\n']));
    }

    /// The passphrase did not open the store: say why, and ask again.
    pub fn refused(&mut self, why: String) {
        self.opening = false;
        self.refused = Some(why);
        self.input.clear();
    }

    pub fn render(&self, frame: &mut Frame) {
        let theme = Theme::from_env();
        let t = |k| i18n::text(self.lang, k);
        let area = centered(frame.area(), 72, 10, 0);
        let block = Block::bordered().title(format!(" {} ", t(Text::PassphraseQuestion)));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let label = format!("{}: ", t(Text::Passphrase));
        let stars = "•".repeat(self.input.text().chars().count());
        let mut lines = vec![
            Line::styled(self.heading.clone(), theme.bold()),
            Line::raw(""),
            Line::raw(format!("{label}{stars}")),
        ];
        if self.demo {
            lines.push(Line::raw(t(Text::DemoPassphrase)));
        }
        lines.push(Line::raw(""));
        if self.opening {
            lines.push(Line::raw(t(Text::Unlocking)));
        } else if let Some(why) = &self.refused {
            lines.push(Line::styled(why.clone(), theme.error()));
        }
        lines.push(Line::styled(t(Text::PassphraseKeys), theme.dim()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        if !self.opening && inner.height > 2 {
            let column = label.chars().count() + self.input.text().chars().count();
            frame.set_cursor_position(Position::new(
                (inner.x + column as u16).min(inner.right().saturating_sub(1)),
                inner.y + 2,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;

    fn press(u: &mut Unlock, code: KeyCode) -> Step {
        u.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn text(u: &Unlock) -> String {
        let mut terminal = ratatui::Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| u.render(f)).unwrap();
        let buffer = terminal.backend().buffer();
        buffer.content().iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn typed_passphrase_is_hidden_tried_on_enter_and_a_refusal_is_shown() {
        let mut u = Unlock::new(Lang::Vi, "Xã Thử · máy XA0001".into(), true);
        assert_eq!(press(&mut u, KeyCode::Enter), Step::Wait, "nothing typed");
        for c in "demo".chars() {
            press(&mut u, KeyCode::Char(c));
        }
        let shown = text(&u);
        assert!(shown.contains("••••"), "{shown}");
        assert!(!shown.contains("demo»") || shown.contains("«demo»"));
        assert!(shown.contains("Xã Thử · máy XA0001"));
        assert_eq!(press(&mut u, KeyCode::Enter), Step::Try("demo".into()));
        assert!(text(&u).contains(i18n::text(Lang::Vi, Text::Unlocking)));
        u.refused("Sai mật khẩu.".into());
        let shown = text(&u);
        assert!(shown.contains("Sai mật khẩu."), "{shown}");
        assert!(!shown.contains("••••"), "the input starts again");
        assert_eq!(press(&mut u, KeyCode::Esc), Step::Quit);
    }
}
