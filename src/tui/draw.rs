//! Drawing pieces every screen shares: the theme, centred popups, a
//! labelled line of typed text, text fitted to a width, dates as people
//! write them. They read what they are given and draw; nothing else.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::State;
use super::input::TextInput;

/// Styles, without colour when `NO_COLOR` is set.
pub struct Theme {
    color: bool,
}

impl Theme {
    /// The styles for this terminal: colours unless `NO_COLOR` is set.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub(super) fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub(super) fn bar(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub(super) fn selected(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub(super) fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub(super) fn warning(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub(super) fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub(super) fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// dd/mm/yyyy from an ISO date or RFC 3339 time; empty stays empty.
pub fn short_date(s: &str) -> String {
    match (s.get(0..4), s.get(5..7), s.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => s.to_string(),
    }
}

/// One labelled line of typed text (a path, a date), with the terminal
/// cursor in it unless a dialog is in front.
pub fn input_line(
    frame: &mut Frame,
    area: Rect,
    label: &str,
    input: &TextInput,
    state: &State,
    theme: &Theme,
) {
    let prefix = format!("{label}: ");
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prefix.clone(), theme.bold()),
            Span::raw(input.text().to_string()),
        ])),
        area,
    );
    if state.dialog.is_none() && area.height > 0 {
        frame.set_cursor_position(Position::new(
            (area.x + (prefix.width() + input.cursor_column()) as u16)
                .min(area.right().saturating_sub(1)),
            area.y,
        ));
    }
}

/// A rectangle of at most `width`×`height`, centred in `area` (nudged down by `down`).
pub fn centered(area: Rect, width: u16, height: u16, down: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    let x = area.x + (area.width - w) / 2;
    let y = (area.y + (area.height - h) / 2 + down).min(area.bottom().saturating_sub(h));
    Rect::new(x, y, w, h)
}

/// The part of `text` to show in `width` columns so the cursor stays in view,
/// and the cursor's column within it.
pub fn scroll_to_cursor(text: &str, cursor_col: usize, width: usize) -> (String, usize) {
    if width == 0 {
        return (String::new(), 0);
    }
    let skip = cursor_col.saturating_sub(width - 1);
    let mut col = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if col >= skip && col + w <= skip + width {
            out.push(c);
        }
        col += w;
    }
    (out, cursor_col - skip)
}

/// Word wrap by display width (words wider than a line are cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.width() + 1 + word.width() > width {
            lines.push(String::new());
        }
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(word);
    }
    lines
}
