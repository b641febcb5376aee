//! The pick list over a form's choice field: its options filtered as you
//! type (accents ignored), one picked or several ticked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::form::{self, FormState};
use crate::domain::form::{self as spec, Kind};
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, State};
use crate::tui::draw::{Theme, centered};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;

/// A pick list over a choice field's options, filtered by typing.
#[derive(Clone, Debug)]
pub struct Picker {
    pub field: usize,
    pub multi: bool,
    pub filter: TextInput,
    pub options: Vec<(String, String)>,
    /// Indices into `options` that match the filter.
    pub matches: Vec<usize>,
    pub selected: usize,
    pub picked: Vec<String>,
}

impl Picker {
    fn refilter(&mut self) {
        let q = crate::domain::text::fold(self.filter.text());
        self.matches = (0..self.options.len())
            .filter(|&i| {
                let (id, label) = &self.options[i];
                // "Leave empty" is offered only before anything is typed.
                q.is_empty()
                    || (!id.is_empty()
                        && (crate::domain::text::fold(label).contains(&q)
                            || crate::domain::text::fold(id).contains(&q)))
            })
            .collect();
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }

    pub fn highlighted(&self) -> Option<&(String, String)> {
        self.matches.get(self.selected).map(|&i| &self.options[i])
    }
}

pub fn open(state: &mut State, initial: Option<char>) {
    let lang = state.lang;
    let (typing, tone) = (state.typing, state.tone);
    let villages = state.commune.villages.clone();
    let Some(f) = state.form_mut() else {
        return;
    };
    let i = f.focus;
    let values = f.raw_values();
    let kind = f.field(i).kind_for(&values);
    let multi = matches!(kind, Kind::MultiChoice { .. });
    let mut options = spec::choices_of(kind, lang, &villages);
    // A single choice starts on "leave empty": Enter on a field nobody has
    // chosen for keeps it empty, never records the list's first value.
    if !multi {
        options.insert(
            0,
            (String::new(), i18n::text(lang, Text::PickNone).to_string()),
        );
    }
    let mut p = Picker {
        field: i,
        multi,
        filter: TextInput::default(),
        options,
        matches: vec![],
        selected: 0,
        picked: f.inputs[i].choice.clone(),
    };
    // The filter is typed as every text is (Telex's `chuwa` is "chưa";
    // accents are then ignored).
    if let Some(c) = initial {
        p.filter.type_char(c, typing, tone);
    }
    p.refilter();
    if let Some(cur) = f.inputs[i].choice.first()
        && initial.is_none()
    {
        p.selected = p
            .matches
            .iter()
            .position(|&m| &p.options[m].0 == cur)
            .unwrap_or(0);
    }
    f.picker = Some(p);
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let (typing, tone) = (state.typing, state.tone);
    let Some(f) = state.form_mut() else {
        return vec![];
    };
    let Some(p) = f.picker.as_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => p.selected = p.selected.saturating_sub(1),
        Action::MoveDown => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
        Action::Type(c) => {
            p.filter.type_char(c, typing, tone);
            p.refilter();
        }
        Action::Paste(s) => {
            p.filter.insert_str(&s);
            p.refilter();
        }
        Action::EraseBack => {
            p.filter.backspace();
            p.refilter();
        }
        Action::TickChoice if p.multi => {
            if let Some((id, _)) = p.highlighted().cloned() {
                if let Some(pos) = p.picked.iter().position(|x| x == &id) {
                    p.picked.remove(pos);
                } else {
                    p.picked.push(id);
                }
            }
        }
        Action::TickChoice => {
            p.filter.type_char(' ', typing, tone);
            p.refilter();
        }
        Action::CloseChoices => f.picker = None,
        Action::PickChoice => {
            let field = p.field;
            let picked = if p.multi {
                // Keep the order of the options, as stored values are.
                let mut picked = p.picked.clone();
                crate::sort::sort_by_key(&mut picked, |id| {
                    p.options.iter().position(|(o, _)| o == id)
                });
                picked
            } else {
                match p.highlighted() {
                    Some((id, _)) if id.is_empty() => vec![],
                    Some((id, _)) => vec![id.clone()],
                    None => return vec![],
                }
            };
            f.inputs[field].choice = picked;
            f.picker = None;
            return form::move_focus(state, 1);
        }
        _ => {}
    }
    vec![]
}

/// The list over the form, the filter on its first line.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    f: &FormState,
    p: &Picker,
    theme: &Theme,
) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let label = f.field(p.field).label.get(lang);
    let popup = centered(area, 60, (p.options.len() as u16 + 4).min(area.height), 3);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(format!(" {label} "));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [filter, items] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(format!("{}: {}", t(Text::Search), p.filter.text())),
        filter,
    );
    let h = items.height as usize;
    let start = (p.selected + 1).saturating_sub(h);
    let rows: Vec<Line> = p
        .matches
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(pos, &i)| {
            let (id, label) = &p.options[i];
            let mark = if !p.multi {
                ""
            } else if p.picked.contains(id) {
                "[x] "
            } else {
                "[ ] "
            };
            let style = if pos == p.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!("{mark}{label}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), items);
}
