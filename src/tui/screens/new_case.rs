//! A new case found in the field: choose its form (and, at the office, its
//! village when the form does not ask for one), then fill it in.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::domain::commune::{Role, Village};
use crate::domain::form::{self, FormSpec, Kind, RefList};
use crate::i18n::{self, Lang, Text};
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::Theme;
use crate::tui::keymap::Action;

#[derive(Clone, Debug, Default)]
pub struct NewCaseState {
    /// The highlighted line: a form, or a village once the form is chosen.
    pub selected: usize,
    /// The form chosen, while its village is asked (index in `form::openable()`).
    pub form: Option<usize>,
}

/// Whether the form itself names the case's village (and so its team).
fn names_village(spec: &FormSpec) -> bool {
    spec.fields.iter().any(|f| {
        matches!(
            f.kind,
            Kind::Choice {
                list: Some(RefList::Villages),
                ..
            }
        )
    })
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let at_office = state.role == Role::Commune;
    let teams: Vec<u8> = state.commune.villages.iter().map(|v| v.team).collect();
    let Screen::NewCase(n) = state.screen_mut() else {
        return vec![];
    };
    let count = match n.form {
        None => form::openable().len(),
        Some(_) => teams.len(),
    };
    match action {
        Action::MoveUp => n.selected = n.selected.saturating_sub(1),
        Action::MoveDown => n.selected = (n.selected + 1).min(count.saturating_sub(1)),
        Action::GoBack if n.form.is_some() => {
            n.selected = n.form.take().unwrap_or(0);
        }
        Action::GoBack => {
            state.screens.pop();
        }
        Action::OpenBlankForm => match n.form {
            None => {
                let spec = form::openable()[n.selected];
                // At the office a case belongs to a village's team: a form
                // that does not name the village asks for it first.
                if at_office && !names_village(spec) {
                    n.form = Some(n.selected);
                    n.selected = 0;
                    return vec![];
                }
                state.screens.pop();
                return vec![Effect::LoadCase {
                    record: format!("new:{}", spec.id),
                }];
            }
            Some(f) => {
                let spec = form::openable()[f];
                let team = teams.get(n.selected).copied();
                state.screens.pop();
                if let Some(team) = team {
                    super::form::open_new(state, &spec.id, BTreeMap::new(), team);
                }
            }
        },
        _ => {}
    }
    vec![]
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    lang: Lang,
    villages: &[Village],
    s: &NewCaseState,
    theme: &Theme,
) {
    let (title, names): (_, Vec<String>) = match s.form {
        None => (
            i18n::text(lang, Text::ChooseForm),
            form::openable()
                .iter()
                .map(|f| f.label.get(lang).to_string())
                .collect(),
        ),
        Some(_) => (
            i18n::text(lang, Text::ChooseVillage),
            villages
                .iter()
                .map(|v| format!("{} ({} {})", v.name, i18n::text(lang, Text::Team), v.team))
                .collect(),
        ),
    };
    let block = Block::bordered().title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let style = if i == s.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {name}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
