//! The commune report's numbers as of a date, in the report's own wording;
//! saved as text and CSV.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::report::Report;
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Notice, Screen, State};
use crate::tui::draw::{Theme, input_line};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::typing::{Method, ToneStyle};

#[derive(Clone, Debug)]
pub struct ReportState {
    pub as_of: TextInput,
    pub report: Option<Report>,
    /// Lines scrolled off the top, on a small screen.
    pub scroll: u16,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let today = state.today;
    let lang = state.lang;
    let Some(Screen::Report(r)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::ScrollUp => r.scroll = r.scroll.saturating_sub(1),
        Action::ScrollDown => r.scroll = r.scroll.saturating_add(1).min(MAX_SCROLL),
        Action::Type(c) => r.as_of.type_char(c, Method::Off, ToneStyle::Classic),
        Action::EraseBack => r.as_of.backspace(),
        Action::RecomputeReport => {
            let rule = crate::domain::rules::DateRule {
                year_only: false,
                when: crate::domain::rules::When::Past,
            };
            match crate::domain::rules::parse_date(r.as_of.text(), today, rule) {
                Ok(crate::domain::rules::PartialDate::Day(d)) => {
                    return vec![Effect::LoadReport { as_of: d }];
                }
                Ok(_) => {
                    let kind = crate::domain::rules::ProblemKind::DateFormat;
                    state.notice = Some(Notice::Error(crate::i18n::problems::message(&kind, lang)));
                }
                Err(kind) => {
                    state.notice = Some(Notice::Error(crate::i18n::problems::message(&kind, lang)));
                }
            }
        }
        Action::SaveReport => {
            if let Some(report) = &r.report {
                let text = i18n::report::render(report, lang, i18n::report::Format::Text);
                let (header, rows) = i18n::report::csv_rows(report, lang);
                let title = i18n::report::title(report, lang);
                let columns = crate::export::Columns::all_fixed(&header);
                let sheet =
                    crate::export::person_sheet(lang, ("Báo cáo", title), &header, &rows, columns);
                let day = report.as_of;
                let mut files = vec![
                    (format!("bao-cao-{day}.txt"), text.into_bytes()),
                    (
                        format!("bao-cao-{day}.csv"),
                        crate::export::to_bytes(&header, &rows),
                    ),
                ];
                files.extend(
                    sheet
                        .to_xlsx()
                        .ok()
                        .map(|x| (format!("bao-cao-{day}.xlsx"), x)),
                );
                return vec![Effect::Export { files }];
            }
        }
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

/// Shows the report as counted, and the date it was counted as of.
pub fn counted(state: &mut State, report: Report) {
    if let Some(Screen::Report(r)) = state.screens.last_mut() {
        r.as_of = TextInput::new(&report.as_of.format("%d/%m/%Y").to_string());
        r.report = Some(report);
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, r: &ReportState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::Report)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [line, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    input_line(frame, line, t(Text::AsOf), &r.as_of, state, theme);
    let Some(report) = &r.report else {
        return;
    };
    // The report as `tothon report` prints it: the title, each section's
    // lines, the per-village table (when its rows fit the screen: wrapped,
    // a table is no table; the saved report has it whole).
    let width = usize::from(body.width).max(1);
    let text = i18n::report::render(report, lang, i18n::report::Format::Text);
    let caption = i18n::report::table_caption(lang);
    let (before, table) = text
        .split_once(&format!("\n{caption}\n"))
        .unwrap_or((&text, ""));
    let mut lines: Vec<Line> = before.lines().map(|l| Line::raw(l.to_string())).collect();
    if let Some(first) = lines.first_mut() {
        *first = first.clone().style(theme.bold());
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(caption, theme.bold()));
    if table
        .lines()
        .all(|l| unicode_width::UnicodeWidthStr::width(l) <= width)
    {
        lines.extend(table.lines().map(|l| Line::raw(l.to_string())));
    } else {
        lines.push(Line::raw(i18n::text(lang, Text::ReportTableTooWide)));
    }
    // Scrolled no further than its last line shows.
    let wrapped: usize = lines
        .iter()
        .map(|l| crate::tui::draw::wrap(&l.to_string(), width).len())
        .sum();
    let last = wrapped.saturating_sub(usize::from(body.height)) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .scroll((r.scroll.min(last), 0)),
        body,
    );
}

/// How far the report scrolls at most, in lines (the drawing stops at its
/// last line).
const MAX_SCROLL: u16 = 400;
