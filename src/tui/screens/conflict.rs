//! A case with several heads (edited on two devices), resolved field by
//! field side by side; the resolution is saved like any version.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, TableState};

use crate::domain::commune::Role;
use crate::domain::form::{self, FormSpec};
use crate::domain::resolve;
use crate::domain::save::{self, Consent};
use crate::domain::version::Version;
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Notice, Screen, State};
use crate::tui::dialog;
use crate::tui::draw::Theme;
use crate::tui::keymap::Action;

/// A case with several heads, resolved field by field.
#[derive(Clone, Debug)]
pub struct ConflictState {
    pub spec: &'static FormSpec,
    pub record: String,
    /// The heads, numbered as `tothon case show` numbers them.
    pub heads: Vec<Version>,
    /// Fields whose heads disagree, and the head (0-based) picked for each.
    pub fields: Vec<(String, usize)>,
    pub selected: usize,
}

impl ConflictState {
    pub fn new(spec: &'static FormSpec, heads: Vec<Version>) -> ConflictState {
        let refs: Vec<&Version> = heads.iter().collect();
        let numbered: Vec<Version> = resolve::numbered(&refs).into_iter().cloned().collect();
        let refs: Vec<&Version> = numbered.iter().collect();
        // Start from the newest head: that is what the list already shows.
        let newest = numbered.len().saturating_sub(1);
        let fields = resolve::differing(spec, &refs)
            .into_iter()
            .map(|f| (f.to_string(), newest))
            .collect();
        ConflictState {
            spec,
            record: numbered
                .first()
                .map(|v| v.record.clone())
                .unwrap_or_default(),
            heads: numbered,
            fields,
            selected: 0,
        }
    }
}

/// The heads of a case side by side, if it is in conflict and this is the
/// commune (teams leave resolution to the office).
pub fn screen_for(state: &State, heads: &[Version]) -> Option<Screen> {
    if heads.len() < 2 || state.role != Role::Commune {
        return None;
    }
    let spec = form::form(&heads[0].form)?;
    Some(Screen::Conflict(ConflictState::new(spec, heads.to_vec())))
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Screen::Conflict(c)) = state.screens.last_mut() else {
        return vec![];
    };
    let heads = c.heads.len();
    match action {
        Action::MoveUp => c.selected = c.selected.saturating_sub(1),
        Action::MoveDown => c.selected = (c.selected + 1).min(c.fields.len().saturating_sub(1)),
        Action::PreviousHead => {
            if let Some(f) = c.fields.get_mut(c.selected) {
                f.1 = f.1.saturating_sub(1);
            }
        }
        Action::NextHead => {
            if let Some(f) = c.fields.get_mut(c.selected) {
                f.1 = (f.1 + 1).min(heads - 1);
            }
        }
        Action::SaveResolution => return resolve(state, Consent::default()),
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

/// Saves the resolution as picked on screen: the newest head, with the
/// picked head's value for each field where they differ; checked like any
/// save, as `domain::save` decides for every front.
pub fn resolve(state: &mut State, consent: Consent) -> Vec<Effect> {
    let who = state.who();
    let Some(Screen::Conflict(c)) = state.screens.last() else {
        return vec![];
    };
    let refs: Vec<&Version> = c.heads.iter().collect();
    let choices = resolve::Choices {
        take: Some(refs.len()),
        picks: c.fields.iter().map(|(f, n)| (f.clone(), n + 1)).collect(),
        typed: Vec::new(),
    };
    let values = match resolve::merge(c.spec, &refs, &choices) {
        Ok(v) => v,
        Err(e) => {
            let msg = i18n::error(state.lang, &crate::error::Error::Resolve(e));
            state.notice = Some(Notice::Error(msg));
            return vec![];
        }
    };
    let base = save::Base::Heads {
        heads: &refs,
        take: choices.take,
    };
    let prepared = save::prepare(c.spec, &values, base, &state.context(), consent, &who);
    let draft_key = c.record.clone();
    dialog::saving(state, prepared, draft_key)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, c: &ConflictState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(
        " {} · {} · {} ",
        t(Text::Conflict),
        c.record,
        c.spec.label.get(lang)
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let refs: Vec<&Version> = c.heads.iter().collect();
    let mut header = vec![Cell::from(t(Text::Field))];
    header.extend(c.heads.iter().enumerate().map(|(i, h)| {
        Cell::from(format!(
            "{} · {} {}",
            i + 1,
            h.author,
            h.edited_at.format("%d/%m %H:%M")
        ))
    }));
    let display = |field: &str, v: &Version| {
        c.spec
            .field(field)
            .and_then(|f| {
                v.values.get(field).map(|x| {
                    c.spec
                        .display(f, x, &v.values, lang, &state.commune.villages)
                })
            })
            .unwrap_or_else(|| "∅".into())
    };
    let mut rows = Vec::new();
    let mut selected_row = None;
    for row in resolve::side_by_side(c.spec, &refs) {
        let label = c
            .spec
            .field(row.field)
            .map(|f| f.label.get(lang).to_string())
            .unwrap_or_default();
        let pick = c.fields.iter().position(|(f, _)| f == row.field);
        if pick == Some(c.selected) {
            selected_row = Some(rows.len());
        }
        let mut cells = vec![Cell::from(label)];
        for (i, h) in c.heads.iter().enumerate() {
            let chosen = pick.is_some_and(|p| c.fields[p].1 == i);
            let style = match (pick, chosen) {
                (Some(p), true) if p == c.selected => theme.selected(),
                (Some(_), true) => theme.bold(),
                (Some(_), false) => theme.dim(),
                (None, _) => Style::new(),
            };
            let mark = if chosen {
                "● "
            } else if pick.is_some() {
                "○ "
            } else {
                ""
            };
            cells.push(Cell::from(format!("{mark}{}", display(row.field, h))).style(style));
        }
        rows.push(TableRow::new(cells));
    }
    let n = c.heads.len() as u32;
    let mut widths = vec![Constraint::Length(18)];
    widths.extend((0..n).map(|_| Constraint::Ratio(1, n)));
    let [table, hint] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    // Many fields on a small screen: the table scrolls to the one picked.
    frame.render_stateful_widget(
        Table::new(rows, widths)
            .header(TableRow::new(header).style(theme.bold()))
            .column_spacing(1),
        table,
        &mut TableState::default().with_selected(selected_row),
    );
    frame.render_widget(
        Paragraph::new(t(Text::ConflictHint)).style(theme.dim()),
        hint,
    );
}
