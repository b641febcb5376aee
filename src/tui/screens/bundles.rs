//! Bundles: export this device's signed bundles, import one by its path,
//! and the imports log. The work is done by effects.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, Wrap};

use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::{Theme, input_line, short_date};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::typing::{Method, ToneStyle};

#[derive(Clone, Debug, Default)]
pub struct BundlesState {
    /// Path of a bundle to import.
    pub path: TextInput,
    /// What the last export or import said, line by line.
    pub report: Vec<String>,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Screen::Bundles(b)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::Type(c) => b.path.type_char(c, Method::Off, ToneStyle::Classic),
        Action::Paste(p) => b.path.insert_str(p.trim()),
        Action::EraseBack => b.path.backspace(),
        Action::ImportBundle if !b.path.is_empty() => {
            return vec![Effect::ImportBundle {
                path: std::path::PathBuf::from(b.path.text().trim()),
            }];
        }
        Action::ExportBundles => return vec![Effect::ExportBundles],
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

/// Shows what an export or import did, and empties the path for the next.
pub fn done(state: &mut State, lines: Vec<String>) {
    if let Some(Screen::Bundles(b)) = state.screens.last_mut() {
        b.report = lines;
        b.path.clear();
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, b: &BundlesState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::Bundles)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let report_h = (b.report.len() as u16).min(6);
    let [path_line, report, log] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(report_h),
        Constraint::Min(1),
    ])
    .areas(inner);
    input_line(
        frame,
        path_line,
        t(Text::ImportBundlePath),
        &b.path,
        state,
        theme,
    );
    frame.render_widget(
        Paragraph::new(
            b.report
                .iter()
                .map(|l| Line::raw(l.clone()))
                .collect::<Vec<_>>(),
        )
        .wrap(Wrap { trim: true }),
        report,
    );
    let header = TableRow::new(vec![
        t(Text::ReceivedAt),
        t(Text::Sender),
        "#",
        t(Text::Result),
    ])
    .style(theme.bold());
    let rows: Vec<TableRow> = state
        .imports
        .iter()
        .rev()
        .take(log.height.saturating_sub(1) as usize)
        .map(|e| {
            let result = if e.accepted {
                let mut r = format!("+{} ={} ⚠{}", e.new, e.known, e.new_conflicts);
                if e.stale {
                    r.push_str(&format!(" · {}", t(Text::StaleBundle)));
                }
                r
            } else {
                format!("✗ {}", i18n::bundle::logged_refusal(lang, e))
            };
            let style = if !e.accepted || e.stale {
                theme.warning()
            } else {
                Style::new()
            };
            TableRow::new(vec![
                Cell::from(short_date(&e.received_at)),
                Cell::from(crate::domain::text::printable(&e.sender, 20)),
                Cell::from(e.sequence.to_string()),
                Cell::from(result),
            ])
            .style(style)
        })
        .collect();
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Length(9),
                Constraint::Length(4),
                Constraint::Min(10),
            ],
        )
        .header(header)
        .block(Block::default().title(t(Text::ImportsLog))),
        log,
    );
}
