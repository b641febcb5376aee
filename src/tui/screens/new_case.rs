//! A new case found in the field: choose its form, then fill it in.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::domain::form;
use crate::i18n::{self, Lang, Text};
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::Theme;
use crate::tui::keymap::Action;

#[derive(Clone, Debug, Default)]
pub struct NewCaseState {
    /// The highlighted form, in `form::forms()`.
    pub selected: usize,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let Screen::NewCase(NewCaseState { selected }) = state.screen_mut() else {
        return vec![];
    };
    let count = form::forms().len();
    match action {
        Action::MoveUp => *selected = selected.saturating_sub(1),
        Action::MoveDown => *selected = (*selected + 1).min(count - 1),
        Action::GoBack => {
            state.screens.pop();
        }
        Action::OpenBlankForm => {
            let spec = &form::forms()[*selected];
            state.screens.pop();
            return vec![Effect::LoadCase {
                record: format!("new:{}", spec.id),
            }];
        }
        _ => {}
    }
    vec![]
}

pub fn render(frame: &mut Frame, area: Rect, lang: Lang, s: &NewCaseState, theme: &Theme) {
    let block = Block::bordered().title(format!(" {} ", i18n::text(lang, Text::ChooseForm)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = form::forms()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let style = if i == s.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {}", f.label.get(lang)), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
