//! The progress table (the commune's home; a team sees its own row): per
//! team, for one form or all, the cases assigned, done, in progress, not
//! started, blocked, returned, in conflict, % done and the last bundle
//! received; below it e-ID accounts by level and blockers by reason. The
//! counts are kept in `State::counts`, recounted by `refresh` when the list
//! changes, never while drawing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row as TableRow, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::import::ImportState;
use super::report::ReportState;
use super::settings::SettingsState;
use crate::domain::form;
use crate::domain::progress::{self, COLUMNS, Column, Progress};
use crate::domain::standing::Stage;
use crate::i18n::{self, Lang, Text};
use crate::store::ImportEntry;
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::Theme;
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::list::{self, StageFilter};
use crate::xlsx::{Cell, Sheet};

/// Which cases a column's cell stands for: the list it opens.
fn cases_of(column: Column) -> StageFilter {
    match column {
        Column::Assigned => StageFilter::All,
        Column::Done | Column::Percent => StageFilter::Only(Stage::Done),
        Column::InProgress => StageFilter::Only(Stage::InProgress),
        Column::NotStarted => StageFilter::Only(Stage::NotStarted),
        Column::Blocked => StageFilter::Only(Stage::Blocked),
        Column::NeedsCorrection => StageFilter::Only(Stage::NeedsCorrection),
        Column::Conflicts => StageFilter::Conflicts,
    }
}

#[derive(Clone, Debug, Default)]
pub struct ProgressState {
    /// The form the table is about; `None` for all forms together.
    pub form: Option<String>,
    /// Selected row (teams, then the total).
    pub row: usize,
    pub col: usize,
}

/// The teams a device's tables show.
fn teams(state: &State) -> Vec<u8> {
    progress::teams(state.role, &state.commune)
}

/// The counts behind the progress screens, kept until the list changes:
/// counting a hundred thousand rows every frame would blow the frame budget.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    generation: u64,
    form: Option<String>,
    pub table: Vec<(Option<u8>, Progress)>,
    /// Activation cases by the e-ID level reached (outcome), and by blocker.
    pub levels: BTreeMap<&'static str, usize>,
    pub blockers: BTreeMap<&'static str, usize>,
}

/// Recounts if the list changed or another form is chosen, when a progress
/// screen is in front. Called after every change (`app::settle`), never
/// while drawing.
pub fn refresh(state: &mut State) {
    let form = match state.screens.last() {
        Some(Screen::Progress(d)) => d.form.clone(),
        Some(Screen::Charts(_)) => None,
        _ => return,
    };
    let fresh = state
        .counts
        .as_ref()
        .is_some_and(|c| c.generation == state.list.generation && c.form == form);
    if fresh {
        return;
    }
    let dash = ProgressState {
        form: form.clone(),
        ..ProgressState::default()
    };
    let mut counts = Counts {
        generation: state.list.generation,
        form,
        table: count_table(state, &dash),
        ..Counts::default()
    };
    // A voided case counts nowhere; the rest by the version whose values
    // count (`CaseEntry::outcome`, `blocker`).
    for r in state
        .list
        .views()
        .filter(|r| r.form == "activation" && r.stage != Stage::Voided)
    {
        if let Some(o) = r.outcome {
            *counts.levels.entry(o).or_default() += 1;
        }
        if let Some(b) = r.blocker {
            *counts.blockers.entry(b).or_default() += 1;
        }
    }
    state.counts = Some(counts);
}

/// The table as last counted, for drawing: one row per team, then the
/// total.
pub fn counted(state: &State) -> &[(Option<u8>, Progress)] {
    state.counts.as_ref().map_or(&[], |c| &c.table)
}

/// The table: one row per team (with its cell counts), then the total;
/// counted now if the kept counts are of another list or form.
pub fn table(state: &State, dash: &ProgressState) -> Vec<(Option<u8>, Progress)> {
    match &state.counts {
        Some(c) if c.generation == state.list.generation && c.form == dash.form => c.table.clone(),
        _ => count_table(state, dash),
    }
}

fn count_table(state: &State, dash: &ProgressState) -> Vec<(Option<u8>, Progress)> {
    progress::by_team(
        state
            .list
            .views()
            .filter(|r| dash.form.as_ref().is_none_or(|f| r.form == f))
            .map(|r| r.unit()),
        &teams(state),
    )
}

/// The newest accepted bundle of a team: (sequence, when, days old).
fn last_bundle(imports: &[ImportEntry], team: u8, today: NaiveDate) -> Option<(u64, String, i64)> {
    let sender = format!("team-{team}");
    imports
        .iter()
        .filter(|e| e.accepted && e.sender == sender)
        .max_by_key(|e| e.sequence)
        .map(|e| {
            let day = e
                .received_at
                .get(..10)
                .and_then(|d| d.parse::<NaiveDate>().ok());
            let age = day.map(|d| (today - d).num_days()).unwrap_or(0);
            (e.sequence, e.received_at.clone(), age)
        })
}

/// A bundle older than this many days is flagged.
pub const STALE_DAYS: i64 = 7;

fn team_name(state: &State, team: Option<u8>, lang: Lang) -> String {
    match team {
        Some(t) => state
            .commune
            .village(t)
            .map(|v| format!("{t} {}", v.name))
            .unwrap_or_else(|| t.to_string()),
        None => i18n::text(lang, Text::Total).to_string(),
    }
}

fn bundle_cell(state: &State, team: Option<u8>, lang: Lang) -> String {
    let Some(t) = team else {
        return String::new();
    };
    match last_bundle(&state.imports, t, state.today) {
        Some((seq, _, age)) => {
            let mark = if age > STALE_DAYS { " ⚠" } else { "" };
            format!("#{seq} · {age} {}{mark}", i18n::text(lang, Text::DaysShort))
        }
        None => "—".into(),
    }
}

/// The table as text cells, for drawing and for the CSV export.
pub fn table_cells(
    state: &State,
    table: &[(Option<u8>, Progress)],
) -> (Vec<String>, Vec<Vec<String>>) {
    let lang = state.lang;
    let mut header = vec![i18n::text(lang, Text::Team).to_string()];
    header.extend(
        COLUMNS
            .iter()
            .map(|c| i18n::progress_column(lang, *c).to_string()),
    );
    header.push(i18n::text(lang, Text::LastBundle).to_string());
    let rows = table
        .iter()
        .map(|(team, p)| {
            let mut cells = vec![team_name(state, *team, lang)];
            cells.extend(COLUMNS.iter().map(|c| c.cell(p)));
            cells.push(bundle_cell(state, *team, lang));
            cells
        })
        .collect();
    (header, rows)
}

/// The progress table as a sheet for people: the team, then the counts as
/// numbers and the share done as a percentage, then the last bundle.
fn progress_sheet(state: &State, header: Vec<String>, rows: Vec<Vec<String>>) -> Sheet {
    let counted = 1..=COLUMNS.len();
    let at = |c: Column| COLUMNS.iter().position(|x| *x == c).map(|i| i + 1);
    let rows = rows
        .into_iter()
        .map(|row| {
            // The share done worked out exactly (the table shows it whole).
            let number = |c: Option<usize>| c.and_then(|c| row.get(c)?.parse::<f64>().ok());
            let exact = number(at(Column::Done))
                .zip(number(at(Column::Assigned)).filter(|a| *a > 0.0))
                .map(|(d, a)| d / a);
            row.into_iter()
                .enumerate()
                .map(|(c, cell)| {
                    let column = counted.contains(&c).then(|| COLUMNS[c - 1]);
                    match column {
                        Some(Column::Percent) => match exact {
                            Some(share) => Cell::Percent(share),
                            None => Cell::Text(cell),
                        },
                        Some(_) => cell.parse().map_or(Cell::Text(cell.clone()), Cell::Number),
                        None => Cell::Text(cell),
                    }
                })
                .collect()
        })
        .collect();
    let what = ("Tiến độ theo tổ", "Progress by team");
    let title = crate::export::sheet_title(state.lang, what, &state.commune.name, state.today);
    Sheet {
        name: "Tiến độ".into(),
        title,
        header,
        rows,
    }
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let rows = teams(state).len() + 1;
    let Some(Screen::Progress(dash)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => dash.row = dash.row.saturating_sub(1),
        Action::MoveDown => dash.row = (dash.row + 1).min(rows - 1),
        Action::MoveLeft => dash.col = dash.col.saturating_sub(1),
        Action::MoveRight => dash.col = (dash.col + 1).min(COLUMNS.len() - 1),
        Action::CycleForm => dash.form = list::next_form(dash.form.as_deref()),
        Action::OpenCellCases => {
            let dash = dash.clone();
            let team = teams(state).get(dash.row).copied();
            state
                .list
                .set_filters(team, dash.form.clone(), cases_of(COLUMNS[dash.col]));
            state.screens.pop();
            if !matches!(state.screens.last(), Some(Screen::List)) {
                state.screens.push(Screen::List);
            }
        }
        Action::ExportTable => {
            let dash = dash.clone();
            let (header, rows) = table_cells(state, &table(state, &dash));
            let sheet = progress_sheet(state, header, rows);
            let name = format!("tien-do-{}", state.today);
            let mut files = vec![(format!("{name}.csv"), sheet.to_csv())];
            files.extend(sheet.to_xlsx().ok().map(|x| (format!("{name}.xlsx"), x)));
            return vec![Effect::Export { files }];
        }
        Action::ShowCharts => return vec![Effect::LoadCharts],
        Action::ShowReport => {
            let as_of = TextInput::new(&state.today.format("%d/%m/%Y").to_string());
            state.screens.push(Screen::Report(ReportState {
                as_of,
                report: None,
                scroll: 0,
            }));
            return vec![Effect::LoadReport { as_of: state.today }];
        }
        Action::ShowDuplicates => return vec![Effect::LoadDuplicates],
        Action::ShowWorklistImport => state.screens.push(Screen::Import(ImportState::default())),
        Action::ShowRegisterImport => state.screens.push(Screen::Import(ImportState {
            register: true,
            ..ImportState::default()
        })),
        Action::ShowSettings => state
            .screens
            .push(Screen::Settings(SettingsState::default())),
        Action::GoBack => {
            state.screens.pop();
            if state.screens.is_empty() {
                state.screens.push(Screen::List);
            }
        }
        _ => {}
    }
    vec![]
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, dash: &ProgressState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let form_name = dash
        .form
        .as_ref()
        .and_then(|f| form::form(f))
        .map(|f| f.short.get(lang))
        .unwrap_or(t(Text::All));
    let block = Block::bordered().title(format!(
        " {} · {}: {form_name} ",
        t(Text::Progress),
        t(Text::Form)
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (header, rows) = table_cells(state, counted(state));
    let height = (rows.len() as u16 + 1).min(inner.height);
    let [table_area, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(inner);
    let name_w = rows
        .iter()
        .map(|r| r[0].width())
        .max()
        .unwrap_or(4)
        .clamp(4, 16) as u16;
    let mut widths = vec![Constraint::Length(name_w)];
    // A column is as wide as its header or its widest count (a commune of
    // 100,000 cases has six-figure totals), within reason.
    widths.extend(COLUMNS.iter().enumerate().map(|(i, c)| {
        let widest = rows.iter().map(|r| r[i + 1].width()).max().unwrap_or(0);
        Constraint::Length(match c {
            Column::Percent => 4,
            _ => (i18n::progress_column(lang, *c).width().max(widest) as u16).clamp(4, 8),
        })
    }));
    widths.push(Constraint::Min(6));
    // A commune of many villages: the rows scroll with the selection.
    let room = usize::from(height.saturating_sub(1)).max(1);
    let first = dash.row.saturating_sub(room - 1);
    let body: Vec<TableRow> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(r, cells)| {
            let total = r == rows.len() - 1;
            TableRow::new(cells.iter().enumerate().map(|(c, text)| {
                let selected = r == dash.row && c == dash.col + 1;
                let style = if selected {
                    theme.selected()
                } else if total {
                    theme.bold()
                } else if text.ends_with('⚠') {
                    theme.warning()
                } else {
                    Style::new()
                };
                ratatui::widgets::Cell::from(text.clone()).style(style)
            }))
        })
        .collect();
    frame.render_widget(
        Table::new(body, widths)
            .header(TableRow::new(header).style(theme.bold()))
            .column_spacing(1),
        table_area,
    );
    if rest.height < 2 {
        return;
    }
    // e-ID accounts by level, and blockers by reason, from the same rows.
    let empty = Counts::default();
    let counts = state.counts.as_ref().unwrap_or(&empty);
    let (levels, blockers) = (&counts.levels, &counts.blockers);
    let label = |field: &str, id: &str| form::choice_label("activation", field, id, lang);
    let level_text: Vec<String> = ["activated_level1", "activated_level2", "pending", "failed"]
        .iter()
        .map(|id| {
            format!(
                "{}: {}",
                label("status", id),
                levels.get(id).copied().unwrap_or(0)
            )
        })
        .collect();
    let mut by_count: Vec<(&&str, &usize)> = blockers.iter().collect();
    crate::sort::sort_by(&mut by_count, |a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let blocker_text: Vec<String> = by_count
        .iter()
        .map(|(id, n)| format!("{} {n}", label("blocker", id)))
        .collect();
    let lines = vec![
        Line::from(vec![
            Span::styled(format!("{}: ", t(Text::EidAccounts)), theme.bold()),
            Span::raw(level_text.join(" · ")),
        ]),
        Line::from(vec![
            Span::styled(format!("{}: ", t(Text::BlockedBy)), theme.bold()),
            Span::raw(blocker_text.join(" · ")),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }),
        Rect {
            y: rest.y + 1,
            height: rest.height - 1,
            ..rest
        },
    );
}
