//! A new case found in the field: choose its form, then find who it is
//! about on the register (typing a name or an ID) and open the form with
//! their values, or their household's; or open it blank (at the office,
//! choosing its village when the form does not ask for one). The register
//! is read once for this screen; the search itself is `domain::register`'s.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::domain::commune::Role;
use crate::domain::form::{self, FormSpec, Kind, RefList, Subject};
use crate::domain::register::{Found, Register};
use crate::i18n::register::{Say, say};
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::{Theme, input_line, short_date};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;

#[derive(Clone, Debug, Default)]
pub struct NewCaseState {
    pub step: Step,
    /// The highlighted line: a form, a person found, or a village.
    pub selected: usize,
    /// The register, once read (the first time a form about a person or a
    /// household is chosen), for as long as this screen is open.
    pub register: Option<Arc<Register>>,
}

/// Where choosing a new case has got to.
#[derive(Clone, Debug, Default)]
pub enum Step {
    /// Which form.
    #[default]
    Form,
    /// Who it is about, found on the register. `form` indexes
    /// `form::openable()`.
    Person {
        form: usize,
        query: TextInput,
        found: Found,
    },
    /// (The office, a blank form that names no village) which village.
    Village { form: usize },
}

impl NewCaseState {
    /// The form chosen, once it is.
    fn form(&self) -> Option<&'static FormSpec> {
        match self.step {
            Step::Form => None,
            Step::Person { form, .. } | Step::Village { form } => {
                form::openable().get(form).copied()
            }
        }
    }
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
    let villages = state.commune.villages.len();
    let (typing, tone) = (state.typing, state.tone);
    let Screen::NewCase(n) = state.screen_mut() else {
        return vec![];
    };
    let count = match &n.step {
        Step::Form => form::openable().len(),
        Step::Person { found, .. } => found.len(),
        Step::Village { .. } => villages,
    };
    let last = count.saturating_sub(1);
    match action {
        Action::MoveUp => n.selected = n.selected.saturating_sub(1),
        Action::MoveDown => n.selected = (n.selected + 1).min(last),
        Action::PageUp => n.selected = n.selected.saturating_sub(PAGE),
        Action::PageDown => n.selected = (n.selected + PAGE).min(last),
        Action::GoBack => match std::mem::take(&mut n.step) {
            Step::Form => {
                state.screens.pop();
            }
            Step::Person { form, .. } | Step::Village { form } => n.selected = form,
        },
        Action::ChooseForm => return choose_form(state),
        Action::OpenBlankForm => return open_blank(state),
        Action::OpenFromRegister => return open_from_register(state),
        Action::Type(_) | Action::Paste(_) | Action::EraseBack => {
            let Step::Person { query, found, .. } = &mut n.step else {
                return vec![];
            };
            // Typed with the typing method on, as every text input is
            // (the search then ignores accents).
            query.edit(&action, typing, tone);
            if let Some(register) = &n.register {
                register.refine(found, query.text());
            }
            n.selected = 0;
        }
        _ => {}
    }
    vec![]
}

/// How far PgUp and PgDn move through the people found.
const PAGE: usize = 10;

/// The form highlighted is taken: who the case is about is looked for on
/// the register (read now if it has not been yet).
fn choose_form(state: &mut State) -> Vec<Effect> {
    let Some(Screen::NewCase(n)) = state.screens.last_mut() else {
        return vec![];
    };
    if n.selected >= form::openable().len() {
        return vec![];
    }
    n.step = Step::Person {
        form: n.selected,
        query: TextInput::default(),
        found: Found::default(),
    };
    n.selected = 0;
    match n.register.clone() {
        Some(register) => register_loaded(state, register),
        None => vec![Effect::LoadRegister],
    }
}

/// The register has been read: look for the person in it, or, when this
/// device holds nobody, open the form blank as if the search were skipped.
pub fn register_loaded(state: &mut State, register: Arc<Register>) -> Vec<Effect> {
    let Some(Screen::NewCase(n)) = state.screens.last_mut() else {
        return vec![];
    };
    if let Step::Person { found, .. } = &mut n.step {
        *found = register.find("");
    }
    let empty = register.is_empty();
    n.register = Some(register);
    if empty {
        return open_blank(state);
    }
    vec![]
}

/// Opens the chosen form blank; at the office a form that does not name
/// the village asks for it first (the case belongs to its team).
fn open_blank(state: &mut State) -> Vec<Effect> {
    let at_office = state.role == Role::Commune;
    let teams: Vec<u8> = state.commune.villages.iter().map(|v| v.team).collect();
    let Some(Screen::NewCase(n)) = state.screens.last_mut() else {
        return vec![];
    };
    let Some(spec) = n.form() else {
        return vec![];
    };
    match n.step {
        Step::Village { .. } => {
            let team = teams.get(n.selected).copied();
            state.screens.pop();
            if let Some(team) = team {
                super::form::open_new(state, &spec.id, Default::default(), team);
            }
        }
        Step::Person { form, .. } if at_office && !names_village(spec) => {
            n.step = Step::Village { form };
            n.selected = 0;
        }
        _ => {
            state.screens.pop();
            // Through the store: what was typed in a blank form of this
            // kind and not saved is offered back.
            return vec![Effect::LoadCase {
                record: format!("new:{}", spec.id),
            }];
        }
    }
    vec![]
}

/// Asks what already covers the highlighted person (their household, on a
/// household check); the form opens with their values, for their
/// village's team, once nothing does or the person says to make it all
/// the same (`dialog::ask_if_covered`).
fn open_from_register(state: &mut State) -> Vec<Effect> {
    let team_of_device = match state.role {
        Role::Team(t) => Some(t),
        Role::Commune => None,
    };
    let Some(Screen::NewCase(n)) = state.screens.last() else {
        return vec![];
    };
    let (Some(spec), Some(register), Step::Person { found, .. }) = (n.form(), &n.register, &n.step)
    else {
        return vec![];
    };
    let Some(&i) = found.hits.get(n.selected) else {
        return vec![];
    };
    let values = register.prefill(spec, i);
    let team = team_of_device.unwrap_or(register.entry(i).team);
    vec![Effect::FindCovering {
        form: spec.id.clone(),
        values,
        team,
    }]
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, s: &NewCaseState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let names: Vec<String> = match &s.step {
        Step::Person { query, found, .. } => {
            return render_search(frame, area, state, s, query, found, theme);
        }
        // A form with a new case half-typed is marked: it opens on it.
        Step::Form => form::openable()
            .iter()
            .map(|f| {
                let mark = if state.new_drafts.contains_key(&format!("new:{}", f.id)) {
                    "✎ "
                } else {
                    ""
                };
                format!("{mark}{}", f.label.get(lang))
            })
            .collect(),
        Step::Village { .. } => state
            .commune
            .villages
            .iter()
            .map(|v| format!("{} ({} {})", v.name, t(Text::Team), v.team))
            .collect(),
    };
    let title = match s.step {
        Step::Village { .. } => t(Text::ChooseVillage),
        _ => t(Text::ChooseForm),
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

/// The search over the register: what is typed, how many it finds, and the
/// people found that fit, the highlighted one kept in view.
fn render_search(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    s: &NewCaseState,
    query: &TextInput,
    found: &Found,
    theme: &Theme,
) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let short = s.form().map(|f| f.short.get(lang)).unwrap_or_default();
    let block = Block::bordered().title(format!(" {short} · {} ", t(Text::FindPerson)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [search, hint, table] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    input_line(frame, search, t(Text::Search), query, state, theme);
    let total = s.register.as_ref().map_or(0, |r| r.len());
    let household = s.form().is_some_and(|f| f.subject == Subject::Household);
    let hint_text = if household {
        t(Text::FindHouseholdHint)
    } else {
        t(Text::FindPersonHint)
    };
    frame.render_widget(
        Paragraph::new(format!(
            "{} · {hint_text}",
            say(
                lang,
                &Say::Matching {
                    found: found.len(),
                    total
                }
            )
        ))
        .style(theme.dim()),
        hint,
    );
    let Some(register) = &s.register else {
        return;
    };
    if found.is_empty() {
        let none = say(lang, &Say::Found { total: 0, shown: 0 });
        frame.render_widget(Paragraph::new(none).style(theme.dim()), table);
        return;
    }
    let label = |field: &str| {
        form::register()
            .field(field)
            .map_or("", |f| f.label.get(lang))
    };
    // A narrow terminal shows who they are and their ID; a wider one,
    // where they live too.
    let all = table.width >= 60;
    let mut header = vec![label("full_name"), label("person_id")];
    let mut widths = vec![Constraint::Max(30), Constraint::Length(12)];
    if all {
        header.extend([
            t(Text::Born),
            t(Text::Household),
            t(Text::Village),
            t(Text::Relation),
        ]);
        widths.extend([10, 9, 12].map(Constraint::Length));
        widths.push(Constraint::Min(9));
    }
    let height = table.height.saturating_sub(1) as usize;
    let start = (s.selected + 1).saturating_sub(height.max(1));
    let rows = found
        .hits
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(pos, &i)| {
            let e = register.entry(i);
            let style = if pos == s.selected {
                theme.selected()
            } else {
                Style::new()
            };
            let mut cells = vec![Cell::from(e.full_name), Cell::from(e.personal_id)];
            if all {
                let village = state.commune.village(e.team).map(|v| v.name.as_str());
                cells.extend([
                    Cell::from(short_date(e.birth_date)),
                    Cell::from(e.household),
                    Cell::from(village.unwrap_or_default()),
                    Cell::from(e.relation),
                ]);
            }
            Row::new(cells).style(style)
        });
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.bold()))
            .column_spacing(1),
        table,
    );
}
