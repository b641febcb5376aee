//! The edit history of one case: its versions, oldest first, and what
//! changed in the selected one (against its parent or a marked version).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::form;
use crate::domain::version::Version;
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Notice, Screen, State};
use crate::tui::draw::Theme;
use crate::tui::keymap::Action;

#[derive(Clone, Debug)]
pub struct HistoryState {
    pub record: String,
    /// Oldest first.
    pub versions: Vec<Version>,
    pub selected: usize,
    pub marked: Option<usize>,
}

/// Shows a case's versions, the newest selected; a case never saved has
/// nothing to show.
pub fn open(state: &mut State, record: String, versions: Vec<Version>) {
    if versions.is_empty() {
        state.notice = Some(Notice::NothingToShow);
    } else {
        let selected = versions.len() - 1;
        state.screens.push(Screen::History(HistoryState {
            record,
            versions,
            selected,
            marked: None,
        }));
    }
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let Screen::History(h) = state.screen_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => h.selected = h.selected.saturating_sub(1),
        Action::MoveDown => h.selected = (h.selected + 1).min(h.versions.len().saturating_sub(1)),
        Action::MarkToCompare => {
            h.marked = if h.marked == Some(h.selected) {
                None
            } else {
                Some(h.selected)
            }
        }
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, h: &HistoryState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let [left, right] =
        Layout::horizontal([Constraint::Length(36), Constraint::Min(20)]).areas(area);
    let block = Block::bordered().title(format!(" {} · {} ", t(Text::History), h.record));
    let inner = block.inner(left);
    frame.render_widget(block, left);
    let height = inner.height as usize;
    let start = (h.selected + 1).saturating_sub(height);
    let lines: Vec<Line> = h
        .versions
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, v)| {
            let mark = if h.marked == Some(i) { "●" } else { " " };
            let text = format!(
                "{mark}{} {} {}",
                v.edited_at.format("%d/%m %H:%M"),
                v.author,
                i18n::status(lang, v.status)
            );
            let style = if i == h.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);

    let Some(v) = h.versions.get(h.selected) else {
        return;
    };
    let base: Option<&Version> = match h.marked {
        Some(m) if m != h.selected => h.versions.get(m),
        _ => v
            .parents
            .first()
            .and_then(|p| h.versions.iter().find(|x| &x.id == p)),
    };
    let title = match base {
        Some(b) => format!(
            " {} → {} ",
            b.edited_at.format("%d/%m %H:%M"),
            v.edited_at.format("%d/%m %H:%M")
        ),
        None => format!(" {} ", t(Text::FirstVersion)),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(right);
    frame.render_widget(block, right);
    let mut lines: Vec<Line> = vec![Line::styled(
        format!(
            "{}: {} · {}",
            t(Text::Author),
            v.author,
            v.edited_at.format("%d/%m/%Y %H:%M")
        ),
        theme.dim(),
    )];
    if let Some(spec) = form::form(&v.form) {
        for field in &spec.fields {
            let old = base.and_then(|b| b.values.get(&field.id));
            let new = v.values.get(&field.id);
            if old == new {
                continue;
            }
            let show = |x: Option<&String>, from: &Version| {
                x.map(|s| spec.display(field, s, &from.values, lang, &state.commune.villages))
                    .unwrap_or_else(|| "∅".into())
            };
            let old_text = base.map(|b| show(old, b)).unwrap_or_else(|| "∅".into());
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", field.label.get(lang)), theme.bold()),
                Span::styled(old_text, theme.dim()),
                Span::raw(" → "),
                Span::raw(show(new, v)),
            ]));
        }
    }
    if lines.len() == 1 {
        lines.push(Line::raw(t(Text::NoChanges)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
