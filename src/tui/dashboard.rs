//! The progress tables (the commune's home; a team sees its own row), the
//! charts, the report and the suspected duplicates: their state, how keys
//! change it, and how they are drawn. No I/O: data arrives as outcomes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph, Row as TableRow,
    Table, Wrap,
};
use unicode_width::UnicodeWidthStr;

use super::app::{Effect, Screen, State};
use super::input::TextInput;
use super::keymap::Action;
use super::list::StageFilter;
use super::typing::{Method, ToneStyle};
use super::view::Theme;
use crate::domain::commune::Role;
use crate::domain::duplicates::Why;
use crate::domain::form;
use crate::domain::progress::{self, Progress, Stage};
use crate::domain::report::Report;
use crate::domain::work::Person;
use crate::i18n::{self, Lang, Text};
use crate::store::ImportEntry;

/// A column of the progress table; each opens the cases behind it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Assigned,
    Done,
    InProgress,
    NotStarted,
    Blocked,
    NeedsCorrection,
    Conflicts,
    Percent,
}

pub const COLUMNS: [Column; 8] = [
    Column::Assigned,
    Column::Done,
    Column::InProgress,
    Column::NotStarted,
    Column::Blocked,
    Column::NeedsCorrection,
    Column::Conflicts,
    Column::Percent,
];

impl Column {
    /// Short headers: eight numbers and a name must fit in 80 columns.
    fn header(self, lang: Lang) -> &'static str {
        let t = |x| i18n::text(lang, x);
        match self {
            Column::Assigned => t(Text::Assigned),
            Column::Done => t(Text::StatusDone),
            Column::InProgress => t(Text::ColInProgress),
            Column::NotStarted => t(Text::ColNotStarted),
            Column::Blocked => t(Text::ColBlocked),
            Column::NeedsCorrection => t(Text::ColNeedsCorrection),
            Column::Conflicts => t(Text::ColConflicts),
            Column::Percent => "%",
        }
    }

    fn cell(self, p: &Progress) -> String {
        match self {
            Column::Assigned => p.assigned.to_string(),
            Column::Done => p.done.to_string(),
            Column::InProgress => p.in_progress.to_string(),
            Column::NotStarted => p.not_started.to_string(),
            Column::Blocked => p.blocked.to_string(),
            Column::NeedsCorrection => p.needs_correction.to_string(),
            Column::Conflicts => p.conflicts.to_string(),
            Column::Percent => format!("{}%", p.percent_done()),
        }
    }

    /// Which cases the cell stands for.
    fn stage(self) -> StageFilter {
        match self {
            Column::Assigned => StageFilter::All,
            Column::Done | Column::Percent => StageFilter::Only(Stage::Done),
            Column::InProgress => StageFilter::Only(Stage::InProgress),
            Column::NotStarted => StageFilter::Only(Stage::NotStarted),
            Column::Blocked => StageFilter::Only(Stage::Blocked),
            Column::NeedsCorrection => StageFilter::Only(Stage::NeedsCorrection),
            Column::Conflicts => StageFilter::Conflicts,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct DashState {
    /// The form the table is about; `None` for all forms together.
    pub form: Option<String>,
    /// Selected row (teams, then the total).
    pub row: usize,
    pub col: usize,
}

/// Cumulative cases done per team and day.
#[derive(Clone, Debug, Default)]
pub struct ChartData {
    pub series: BTreeMap<u8, Vec<(NaiveDate, usize)>>,
}

#[derive(Clone, Debug)]
pub struct ReportState {
    pub as_of: TextInput,
    pub report: Option<Report>,
    /// Lines scrolled off the top, on a small screen.
    pub scroll: u16,
}

/// One suspected pair, owned so the screen can keep it.
#[derive(Clone, Debug)]
pub struct DupPair {
    pub why: Why,
    pub first: Person,
    pub second: Person,
}

#[derive(Clone, Debug, Default)]
pub struct DupState {
    pub pairs: Vec<DupPair>,
    pub selected: usize,
}

/// The work-list import screen: a file path, then the preview of what
/// importing it would do, then (on confirmation) the import.
#[derive(Clone, Debug, Default)]
pub struct ImportState {
    pub path: TextInput,
    pub fix_zeros: bool,
    pub preview: Option<Box<crate::worklist::Preview>>,
    /// The preview as the command line prints it.
    pub lines: Vec<String>,
    pub scroll: u16,
}

pub fn on_import(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Screen::Import(im)) = state.screens.last_mut() else {
        return vec![];
    };
    let load = |im: &ImportState| Effect::PreviewWorklist {
        path: std::path::PathBuf::from(im.path.text().trim()),
        fix_zeros: im.fix_zeros,
    };
    match action {
        Action::Type(c) => im.path.type_char(c, Method::Off, ToneStyle::Classic),
        Action::Paste(p) => im.path.insert_str(p.trim()),
        Action::EraseBack => im.path.backspace(),
        Action::ScrollUp => im.scroll = im.scroll.saturating_sub(1),
        Action::ScrollDown => im.scroll = im.scroll.saturating_add(1),
        Action::ScrollPageUp => im.scroll = im.scroll.saturating_sub(10),
        Action::ScrollPageDown => im.scroll = im.scroll.saturating_add(10),
        Action::PreviewWorklist if !im.path.is_empty() => return vec![load(im)],
        Action::ToggleLeadingZeros => {
            im.fix_zeros = !im.fix_zeros;
            if !im.path.is_empty() {
                return vec![load(im)];
            }
        }
        Action::ImportWorklist => {
            if let Some(p) = im.preview.take().filter(|p| !p.items.is_empty()) {
                return vec![Effect::ApplyWorklist(p)];
            }
        }
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

pub(super) fn render_import(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    im: &ImportState,
    theme: &Theme,
) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::ImportWorklist)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [path_line, zeros_line, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    super::view::input_line(frame, path_line, t(Text::FilePath), &im.path, state, theme);
    let zeros = if im.fix_zeros { "[x]" } else { "[ ]" };
    frame.render_widget(
        Paragraph::new(format!("{zeros} {}", t(Text::FixLeadingZeros))).style(theme.dim()),
        zeros_line,
    );
    let lines: Vec<Line> = if im.lines.is_empty() {
        vec![Line::styled(t(Text::ImportHint), theme.dim())]
    } else {
        im.lines.iter().map(|l| Line::raw(l.clone())).collect()
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((im.scroll, 0)),
        body,
    );
}

/// The teams a device's tables show: all villages at the commune, its own
/// at a team.
fn teams(state: &State) -> Vec<u8> {
    match state.role {
        Role::Commune => state.commune.villages.iter().map(|v| v.team).collect(),
        Role::Team(t) => vec![t],
    }
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

/// Recounts if the list changed or another form is chosen. Called before
/// drawing, where the state may change.
pub fn refresh(state: &mut State) {
    let form = match state.screens.last() {
        Some(Screen::Dashboard(d)) => d.form.clone(),
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
    let dash = DashState {
        form: form.clone(),
        ..DashState::default()
    };
    let mut counts = Counts {
        generation: state.list.generation,
        form,
        table: count_table(state, &dash),
        ..Counts::default()
    };
    for r in state.list.views().filter(|r| r.form == "activation") {
        if let Some(o) = r.outcome {
            *counts.levels.entry(o).or_default() += 1;
        }
        if let Some(b) = r.blocker {
            *counts.blockers.entry(b).or_default() += 1;
        }
    }
    state.counts = Some(counts);
}

/// The table: one row per team (with its cell counts), then the total.
pub fn table(state: &State, dash: &DashState) -> Vec<(Option<u8>, Progress)> {
    match &state.counts {
        Some(c) if c.generation == state.list.generation && c.form == dash.form => c.table.clone(),
        _ => count_table(state, dash),
    }
}

fn count_table(state: &State, dash: &DashState) -> Vec<(Option<u8>, Progress)> {
    let cells = progress::tally_units(
        state
            .list
            .views()
            .filter(|r| dash.form.as_ref().is_none_or(|f| r.form == f))
            .map(|r| r.unit()),
    );
    let mut out: Vec<(Option<u8>, Progress)> = teams(state)
        .into_iter()
        .map(|t| {
            let p = progress::total(
                cells
                    .iter()
                    .filter(|((team, _), _)| *team == t)
                    .map(|(_, p)| p),
            );
            (Some(t), p)
        })
        .collect();
    let total = progress::total(out.iter().map(|(_, p)| p));
    out.push((None, total));
    out
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
pub fn table_cells(state: &State, dash: &DashState) -> (Vec<String>, Vec<Vec<String>>) {
    let lang = state.lang;
    let mut header = vec![i18n::text(lang, Text::Team).to_string()];
    header.extend(COLUMNS.iter().map(|c| c.header(lang).to_string()));
    header.push(i18n::text(lang, Text::LastBundle).to_string());
    let rows = table(state, dash)
        .into_iter()
        .map(|(team, p)| {
            let mut cells = vec![team_name(state, team, lang)];
            cells.extend(COLUMNS.iter().map(|c| c.cell(&p)));
            cells.push(bundle_cell(state, team, lang));
            cells
        })
        .collect();
    (header, rows)
}

pub fn on_dashboard(state: &mut State, action: Action) -> Vec<Effect> {
    let rows = teams(state).len() + 1;
    let Some(Screen::Dashboard(dash)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => dash.row = dash.row.saturating_sub(1),
        Action::MoveDown => dash.row = (dash.row + 1).min(rows - 1),
        Action::MoveLeft => dash.col = dash.col.saturating_sub(1),
        Action::MoveRight => dash.col = (dash.col + 1).min(COLUMNS.len() - 1),
        Action::CycleForm => {
            let forms = form::forms();
            dash.form = match &dash.form {
                None => forms.first().map(|f| f.id.clone()),
                Some(cur) => forms
                    .iter()
                    .skip_while(|f| &f.id != cur)
                    .nth(1)
                    .map(|f| f.id.clone()),
            };
        }
        Action::OpenCellCases => {
            let dash = dash.clone();
            let team = teams(state).get(dash.row).copied();
            state
                .list
                .set_filters(team, dash.form.clone(), COLUMNS[dash.col].stage());
            state.screens.pop();
            if !matches!(state.screens.last(), Some(Screen::List)) {
                state.screens.push(Screen::List);
            }
        }
        Action::ExportTable => {
            let dash = dash.clone();
            let (header, rows) = table_cells(state, &dash);
            let name = format!("tien-do-{}.csv", state.today);
            return vec![Effect::Export {
                name,
                bytes: crate::export::to_bytes(&header, &rows),
            }];
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
        Action::ShowBundles => state
            .screens
            .push(Screen::Bundles(super::exchange::BundlesState::default())),
        Action::ShowWorklistImport => state.screens.push(Screen::Import(ImportState::default())),
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

pub fn on_report(state: &mut State, action: Action) -> Vec<Effect> {
    let today = state.today;
    let lang = state.lang;
    let Some(Screen::Report(r)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::ScrollUp => r.scroll = r.scroll.saturating_sub(1),
        Action::ScrollDown => r.scroll = r.scroll.saturating_add(1).min(40),
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
                    state.notice = Some(super::app::Notice::Error(crate::i18n::problems::message(
                        &kind, lang,
                    )));
                }
                Err(kind) => {
                    state.notice = Some(super::app::Notice::Error(crate::i18n::problems::message(
                        &kind, lang,
                    )));
                }
            }
        }
        Action::SaveReport => {
            if let Some(report) = &r.report {
                let text = i18n::report::render(report, lang, i18n::report::Format::Text);
                let (header, rows) = i18n::report::csv_rows(report, lang);
                let day = report.as_of;
                return vec![
                    Effect::Export {
                        name: format!("bao-cao-{day}.txt"),
                        bytes: text.into_bytes(),
                    },
                    Effect::Export {
                        name: format!("bao-cao-{day}.csv"),
                        bytes: crate::export::to_bytes(&header, &rows),
                    },
                ];
            }
        }
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

pub fn on_duplicates(state: &mut State, action: Action) -> Vec<Effect> {
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
            let values = household_check_for(state, &pair);
            super::app::open_new(state, "household_check", values, pair.first.team);
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
fn household_check_for(state: &State, pair: &DupPair) -> BTreeMap<String, String> {
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

pub(super) fn render_dashboard(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    dash: &DashState,
    theme: &Theme,
) {
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
    let (header, rows) = table_cells(state, dash);
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
            _ => (c.header(lang).width().max(widest) as u16).clamp(4, 8),
        })
    }));
    widths.push(Constraint::Min(6));
    let body: Vec<TableRow> = rows
        .iter()
        .enumerate()
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
    let label = |field: &str, id: &str| {
        form::form("activation")
            .and_then(|f| f.field(field))
            .and_then(|f| {
                form::choices_of(&f.kind, lang, &[])
                    .into_iter()
                    .find(|(c, _)| c == id)
                    .map(|(_, l)| l)
            })
            .unwrap_or_else(|| id.to_string())
    };
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
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
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

const TEAM_COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Green,
    Color::Magenta,
    Color::Red,
    Color::Blue,
];

pub(super) fn render_charts(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    data: &ChartData,
    theme: &Theme,
) {
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

    let dash = DashState::default();
    let rows = table(state, &dash);
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

pub(super) fn render_report(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    r: &ReportState,
    theme: &Theme,
) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::Report)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [line, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    super::view::input_line(frame, line, t(Text::AsOf), &r.as_of, state, theme);
    let Some(report) = &r.report else {
        return;
    };
    let mut lines = vec![Line::styled(
        i18n::report::title(report, lang),
        theme.bold(),
    )];
    for (n, item) in i18n::report::items(report, lang).into_iter().enumerate() {
        lines.push(Line::raw(format!("{}. {}", n + 1, item.sentence)));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .scroll((r.scroll, 0)),
        body,
    );
}

pub(super) fn render_duplicates(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    d: &DupState,
    theme: &Theme,
) {
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
            super::view::short_date(&p.birth_date),
            p.household,
            village(p.team)
        )
    };
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
        lines.push(Line::styled(
            format!("{}. {why}", i + 1),
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
