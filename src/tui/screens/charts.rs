//! Progress over time: cases done per team and day as lines, and done %
//! per team as bars (from the same counts as the progress table).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType};

use super::progress;
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, State};
use crate::tui::draw::Theme;
use crate::tui::keymap::Action;

/// Cumulative cases done per team and day.
#[derive(Clone, Debug, Default)]
pub struct ChartData {
    pub series: BTreeMap<u8, Vec<(NaiveDate, usize)>>,
}

const TEAM_COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Green,
    Color::Magenta,
    Color::Red,
    Color::Blue,
];

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::GoBack {
        state.screens.pop();
    }
    vec![]
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, data: &ChartData, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let start = data
        .series
        .values()
        .filter_map(|s| s.first().map(|p| p.0))
        .min()
        .unwrap_or(state.today);
    let end = state.today.max(start);
    let x = |d: NaiveDate| (d - start).num_days() as f64;
    let points: Vec<(u8, Vec<(f64, f64)>)> = data
        .series
        .iter()
        .map(|(team, s)| {
            let mut pts: Vec<(f64, f64)> = s.iter().map(|(d, n)| (x(*d), *n as f64)).collect();
            if let Some(&(_, last)) = pts.last() {
                pts.push((x(end), last));
            }
            (*team, pts)
        })
        .collect();
    let max_y = points
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .fold(1.0, f64::max);
    let datasets: Vec<Dataset> = points
        .iter()
        .map(|(team, pts)| {
            let name = state
                .commune
                .village(*team)
                .map(|v| v.name.clone())
                .unwrap_or_else(|| team.to_string());
            Dataset::default()
                .name(name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(
                    theme.fg(TEAM_COLORS[(*team as usize).saturating_sub(1) % TEAM_COLORS.len()]),
                )
                .data(pts)
        })
        .collect();
    let chart = Chart::new(datasets)
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)))
        .block(Block::bordered().title(format!(" {} ", t(Text::DoneOverTime))))
        .x_axis(Axis::default().bounds([0.0, x(end).max(1.0)]).labels(vec![
            Line::raw(start.format("%d/%m").to_string()),
            Line::raw(end.format("%d/%m").to_string()),
        ]))
        .y_axis(
            Axis::default()
                .bounds([0.0, max_y])
                .labels(vec![Line::raw("0"), Line::raw(format!("{max_y:.0}"))]),
        );
    frame.render_widget(chart, top);

    let rows = progress::counted(state);
    let bars: Vec<Bar> = rows
        .iter()
        .filter_map(|(team, p)| {
            team.map(|t| {
                Bar::default()
                    .value(u64::from(p.percent_done()))
                    .text_value(format!("{}%", p.percent_done()))
                    .label(Line::raw(
                        state
                            .commune
                            .village(t)
                            .map(|v| v.name.clone())
                            .unwrap_or_else(|| t.to_string()),
                    ))
            })
        })
        .collect();
    let width = if bars.is_empty() {
        1
    } else {
        ((bottom.width.saturating_sub(2) / bars.len() as u16).saturating_sub(1)).clamp(3, 14)
    };
    let bar_chart = BarChart::default()
        .block(Block::bordered().title(format!(" {} ", t(Text::DonePercent))))
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(1)
        .max(100);
    frame.render_widget(bar_chart, bottom);
}
