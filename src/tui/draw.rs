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

/// `text` in at most `width` columns, ending in "…" when cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` in at most `width` columns, its start giving way ("…der/bundles"):
/// for a path, whose end says the most.
pub fn cut_start(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    if width == 0 {
        return String::new();
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// The separator of a title's parts and of a bar's items.
const SEP: &str = " · ";

/// Items joined by " · " in `width` columns: while the line is too wide,
/// the item of lowest rank goes (the last of equal rank first); what is
/// kept keeps its order. A line whose kept item alone is too wide is cut.
pub fn fit_ranked(items: &[(u8, String)], width: usize) -> String {
    let mut kept: Vec<bool> = vec![true; items.len()];
    let line = |kept: &[bool]| {
        items
            .iter()
            .zip(kept)
            .filter(|(_, k)| **k)
            .map(|((_, s), _)| s.as_str())
            .collect::<Vec<_>>()
            .join(SEP)
    };
    while line(&kept).width() > width && kept.iter().filter(|k| **k).count() > 1 {
        let lowest = (0..items.len())
            .filter(|&i| kept[i])
            .min_by_key(|&i| (items[i].0, std::cmp::Reverse(i)))
            .expect("more than one kept");
        kept[lowest] = false;
    }
    cut(&line(&kept), width)
}

/// Whether a part of a title is a code (a personal ID, a household code,
/// IDs listed with `;`): one word of ASCII letters and digits with their
/// separators, holding a digit; never cut.
fn is_code(part: &str) -> bool {
    part.chars().any(|c| c.is_ascii_digit())
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/;._".contains(c))
}

/// A list title ("Nguyễn Văn An · 034090123456") in `width` columns: codes
/// stay whole and the other parts (names, a correction's comment) give way,
/// cut with "…" or, with no room left at all, dropped. Only a title whose
/// codes alone are too wide is cut at its end.
pub fn fit_title(title: &str, width: usize) -> String {
    if title.width() <= width {
        return title.to_string();
    }
    let parts: Vec<&str> = title.split(SEP).collect();
    let codes: usize = parts.iter().filter(|p| is_code(p)).map(|p| p.width()).sum();
    let seps = SEP.width() * parts.len().saturating_sub(1);
    let Some(mut room) = width.checked_sub(codes + seps) else {
        // Even the codes do not fit: keep them alone, then cut.
        let codes: Vec<&str> = parts.iter().copied().filter(|p| is_code(p)).collect();
        return cut(&codes.join(SEP), width);
    };
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    for part in parts {
        if is_code(part) {
            out.push(part.to_string());
        } else if room > 1 {
            let shown = cut(part, room);
            room -= shown.width();
            out.push(shown);
        } else {
            // No room for even one letter and "…": the part goes, and its
            // separator's columns are room for the next.
            room += SEP.width();
        }
    }
    cut(&out.join(SEP), width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_gives_way_by_its_name_never_by_its_code() {
        let t = "NGUYỄN VĂN ÁNH · 034085012345";
        assert_eq!(fit_title(t, 40), t);
        assert_eq!(fit_title(t, 22), "NGUYỄN… · 034085012345");
        assert_eq!(fit_title(t, 17), "N… · 034085012345");
        // No room for a letter: the name goes, the code stays whole.
        assert_eq!(fit_title(t, 15), "034085012345");
        assert_eq!(fit_title(t, 12), "034085012345");
        // Too narrow even for the code: cut at the end, never panics.
        assert_eq!(fit_title(t, 8), "0340850…");
        assert_eq!(fit_title("H-0042 · Lê Văn Cường", 14), "H-0042 · Lê V…");
        for w in 0..40 {
            assert!(fit_title(t, w).width() <= w, "{w}");
        }
    }

    #[test]
    fn a_bar_drops_its_lowest_ranked_items_first() {
        let items = [
            (9, "F1 Trợ giúp".to_string()),
            (5, "Enter Mở".to_string()),
            (4, "F3 Lọc mẫu".to_string()),
            (9, "F10 Thoát".to_string()),
        ];
        assert_eq!(
            fit_ranked(&items, 80),
            "F1 Trợ giúp · Enter Mở · F3 Lọc mẫu · F10 Thoát"
        );
        assert_eq!(fit_ranked(&items, 40), "F1 Trợ giúp · Enter Mở · F10 Thoát");
        assert_eq!(fit_ranked(&items, 25), "F1 Trợ giúp · F10 Thoát");
        assert_eq!(fit_ranked(&items, 10), "F1 Trợ gi…");
        assert_eq!(cut("Nguyễn", 0), "");
    }
}
