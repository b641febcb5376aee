//! The commune's villages (commune device only, from the settings): listed
//! with their team numbers, renamed and added through `ops::commune`, the
//! operations `tothon village` runs. The name is asked in a dialog that
//! keeps what was typed until the name is taken, and shows why when not.
//! A team device does not offer this screen: its names are the commune's,
//! and arrive with the commune's bundles.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::commune::Village;
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Notice, Screen, State};
use crate::tui::dialog::Dialog;
use crate::tui::draw::{Theme, wrap};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;

#[derive(Clone, Debug, Default)]
pub struct VillagesState {
    /// The highlighted village, by its place in the list.
    pub selected: usize,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let count = state.commune.villages.len();
    let Some(Screen::Villages(v)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => v.selected = v.selected.saturating_sub(1),
        Action::MoveDown => v.selected = (v.selected + 1).min(count.saturating_sub(1)),
        Action::GoBack => {
            state.screens.pop();
        }
        Action::RenameVillage => {
            if let Some(village) = state.commune.villages.get(v.selected) {
                state.dialog = Some(Dialog::VillageName {
                    team: Some(village.team),
                    text: TextInput::new(&village.name),
                    refused: None,
                });
            }
        }
        Action::AddVillage => {
            state.dialog = Some(Dialog::VillageName {
                team: None,
                text: TextInput::default(),
                refused: None,
            });
        }
        _ => {}
    }
    vec![]
}

/// A village was renamed or added: every screen now names the villages as
/// they are (the progress table gains a row for a new one), the dialog
/// closes and the village is highlighted.
pub fn named(state: &mut State, village: Village, added: bool, villages: Vec<Village>) {
    state.commune.villages = villages;
    state.counts = None;
    state.dialog = None;
    if let Some(Screen::Villages(v)) = state.screens.last_mut()
        && let Some(at) = state
            .commune
            .villages
            .iter()
            .position(|x| x.team == village.team)
    {
        v.selected = at;
    }
    state.notice = Some(Notice::VillageNamed { village, added });
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, v: &VillagesState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let villages = &state.commune.villages;
    let block = Block::bordered().title(format!(" {} · {} ", t(Text::Villages), villages.len()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let hint = t(Text::VillagesHint);
    let count = villages.len() as u16;
    // The hint goes below the list, when it leaves room for a few villages
    // (the list scrolls); on a small screen the villages come first.
    let hint_height = wrap(hint, inner.width.max(1) as usize).len() as u16;
    let hint_height = if inner.height >= 2 + hint_height + count.min(5) {
        hint_height
    } else {
        0
    };
    let room = inner
        .height
        .saturating_sub(1 + hint_height.min(1) + hint_height);
    let [head, list, _, note] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(count.clamp(1, room.max(1))),
        Constraint::Length(hint_height.min(1)),
        Constraint::Length(hint_height),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(format!(" {:>4}  {}", t(Text::Team), t(Text::Village))).style(theme.bold()),
        head,
    );
    // The window of villages that holds the highlighted one.
    let height = (list.height as usize).max(1);
    let start = (v.selected + 1).saturating_sub(height);
    let lines: Vec<Line> = villages
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, village)| {
            let style = if i == v.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {:>4}  {}", village.team, village.name), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(hint)
            .style(theme.dim())
            .wrap(Wrap { trim: true }),
        note,
    );
}
