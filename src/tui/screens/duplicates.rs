//! Suspected duplicate citizens across villages, side by side, each with
//! how it was settled; Enter opens the household's check (its own, or a new
//! one), 1/2/3 settle the pair.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::form;
use crate::domain::duplicates::Why;
use crate::domain::form::choice_label;
use crate::domain::work::Person;
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::{Theme, short_date};
use crate::tui::keymap::Action;

use crate::ops::duplicates::{self, SuspectedPair};

#[derive(Clone, Debug, Default)]
pub struct DuplicatesState {
    pub pairs: Vec<SuspectedPair>,
    pub selected: usize,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Screen::Duplicates(d)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => d.selected = d.selected.saturating_sub(1),
        Action::MoveDown => d.selected = (d.selected + 1).min(d.pairs.len().saturating_sub(1)),
        Action::OpenHouseholdCheck => {
            let Some(pair) = d.pairs.get(d.selected).cloned() else {
                return vec![];
            };
            // The household's own check when it has one: a second would
            // count the household twice.
            if let Some(record) = pair.check {
                return vec![Effect::LoadCase { record }];
            }
            let values = household_check_for(state, &pair);
            form::open_new(state, "household_check", values, pair.first.team);
        }
        Action::SettlePair(n) => {
            let (Some(pair), Some(&resolution)) = (
                d.pairs.get(d.selected),
                duplicates::RESOLUTIONS.get(usize::from(n)),
            ) else {
                return vec![];
            };
            let (first, second) = (pair.first.key.clone(), pair.second.key.clone());
            return vec![Effect::SettlePair {
                first,
                second,
                resolution,
                who: state.who(),
            }];
        }
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

/// A household check opened from a suspected pair: the first person's
/// household, the finding, both IDs, and where the other one lives.
fn household_check_for(state: &State, pair: &SuspectedPair) -> BTreeMap<String, String> {
    let other = state
        .commune
        .village(pair.second.team)
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let mut ids = vec![pair.first.personal_id.clone()];
    if pair.second.personal_id != pair.first.personal_id {
        ids.push(pair.second.personal_id.clone());
    }
    BTreeMap::from([
        ("household_code".to_string(), pair.first.household.clone()),
        ("village".to_string(), pair.first.team.to_string()),
        ("findings".to_string(), "duplicate".to_string()),
        ("person_ids".to_string(), ids.join(";")),
        (
            "note".to_string(),
            format!(
                "{} — {} ({}, {})",
                i18n::text(state.lang, Text::SuspectedWith),
                pair.second.full_name,
                pair.second.household,
                other
            ),
        ),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, d: &DuplicatesState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} · {} ", t(Text::Duplicates), d.pairs.len()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if d.pairs.is_empty() {
        frame.render_widget(
            Paragraph::new(t(Text::NoDuplicates)).style(theme.dim()),
            inner,
        );
        return;
    }
    let village = |team: u8| {
        state
            .commune
            .village(team)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| team.to_string())
    };
    let describe = |p: &Person| {
        format!(
            "{} · {} · {} · {} {}",
            p.full_name,
            p.personal_id,
            short_date(&p.birth_date),
            p.household,
            village(p.team)
        )
    };
    // The keys that settle a pair, under the pairs (the footer has no room).
    let [inner, keys] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(format!(
            "1 {} · 2 {} · 3 {}",
            t(Text::HelpSettleDeleted),
            t(Text::HelpSettleNotDuplicate),
            t(Text::HelpSettleReferred)
        ))
        .style(theme.dim()),
        keys,
    );
    // Two lines a pair, side by side in words: the first, then the second.
    let height = inner.height as usize / 3;
    let start = (d.selected + 1).saturating_sub(height.max(1));
    let mut lines = Vec::new();
    for (i, pair) in d.pairs.iter().enumerate().skip(start).take(height.max(1)) {
        let style = if i == d.selected {
            theme.selected()
        } else {
            Style::new()
        };
        let why = match pair.why {
            Why::SameId => t(Text::SameId),
            Why::SameNameAndBirth => t(Text::SameNameAndBirth),
        };
        let settled = match &pair.settled {
            Some(s) => format!(
                "{} ({})",
                choice_label(duplicates::FORM, "resolution", &s.resolution, lang),
                s.record
            ),
            None => t(Text::Unsettled).to_string(),
        };
        lines.push(Line::styled(
            format!("{}. {why} · {settled}", i + 1),
            style.patch(theme.bold()),
        ));
        lines.push(Line::styled(
            format!("   ① {}", describe(&pair.first)),
            style,
        ));
        lines.push(Line::styled(
            format!("   ② {}", describe(&pair.second)),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
