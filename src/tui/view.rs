//! Drawing: reads the state, writes nothing but the frame. Lists build only
//! the rows on screen; every area is clamped so no terminal size can panic.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row as TableRow, Table, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::{Dialog, FormState, HistoryState, Notice, Screen, State, WhoState};
use super::dashboard;
use super::keymap::{self, Ctx};
use super::list::{Sort, StageFilter};
use super::typing::Method;
use crate::domain::commune::Role;
use crate::domain::form::{self, Kind};
use crate::domain::progress::Stage;
use crate::domain::rules::{ProblemKind, Severity};
use crate::domain::version::Version;
use crate::i18n::{self, Lang, Text, problems};

/// The smallest screen the layout is drawn for; below it, a notice.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Styles, without colour when `NO_COLOR` is set.
pub(super) struct Theme {
    color: bool,
}

impl Theme {
    fn new() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub(super) fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub(super) fn bar(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub(super) fn selected(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub(super) fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub(super) fn warning(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub(super) fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub(super) fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

pub fn render(state: &mut State, frame: &mut Frame) {
    let area = frame.area();
    let lang = state.lang;
    let theme = Theme::new();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        frame.render_widget(
            Paragraph::new(i18n::text(lang, Text::TooSmall)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    dashboard::refresh(state);
    let [top, body, notice, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(title_line(state)).style(theme.bar()), top);
    match state.screens.last().cloned() {
        Some(Screen::Who(w)) => who(frame, body, state, &w, &theme),
        Some(Screen::Form(f)) => form_screen(frame, body, state, &f, &theme),
        Some(Screen::History(h)) => history(frame, body, state, &h, &theme),
        Some(Screen::Dashboard(d)) => dashboard::render_dashboard(frame, body, state, &d, &theme),
        Some(Screen::Charts(c)) => dashboard::render_charts(frame, body, state, &c, &theme),
        Some(Screen::Report(r)) => dashboard::render_report(frame, body, state, &r, &theme),
        Some(Screen::Duplicates(d)) => dashboard::render_duplicates(frame, body, state, &d, &theme),
        Some(Screen::Import(im)) => dashboard::render_import(frame, body, state, &im, &theme),
        Some(Screen::Bundles(b)) => super::exchange::render_bundles(frame, body, state, &b, &theme),
        Some(Screen::Conflict(c)) => {
            super::exchange::render_conflict(frame, body, state, &c, &theme)
        }
        Some(Screen::NewCase { selected }) => new_case(frame, body, lang, selected, &theme),
        Some(Screen::Settings { selected }) => settings(frame, body, state, selected, &theme),
        Some(Screen::List) | None => list(frame, body, state, &theme),
    }
    if let Some(n) = &state.notice {
        let (text, style) = notice_text(lang, n, &theme);
        frame.render_widget(Paragraph::new(text).style(style), notice);
    }
    frame.render_widget(
        Paragraph::new(footer_line(state.ctx(), lang)).style(theme.bar()),
        footer,
    );
    if let Some(d) = &state.dialog {
        dialog(frame, body, state, d, &theme);
    }
    if state.help {
        help(frame, body, state.ctx_under_help(), lang, &theme);
    }
}

fn title_line(state: &State) -> String {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let place = match state.role {
        Role::Commune => state.commune.name.clone(),
        Role::Team(n) => format!(
            "{} {n} · {} · {}",
            t(Text::Team),
            state
                .commune
                .village(n)
                .map(|v| v.name.as_str())
                .unwrap_or(""),
            state.commune.name
        ),
    };
    let typing = match state.typing {
        Method::Off => t(Text::TypingOff),
        Method::Telex => "Telex",
        Method::Vni => "VNI",
    };
    let member = state.member.as_deref().unwrap_or("—");
    format!(
        " tothon · {place} · {}: {member} · {}: {typing}",
        t(Text::Author),
        t(Text::Typing)
    )
}

fn footer_line(ctx: Ctx, lang: Lang) -> String {
    keymap::footer(ctx)
        .iter()
        .map(|k| format!("{} {}", k.keys, i18n::text(lang, k.help)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn notice_text(lang: Lang, n: &Notice, theme: &Theme) -> (String, Style) {
    let t = |x| i18n::text(lang, x);
    match n {
        Notice::Saved { record, status } => (
            i18n::msg(
                lang,
                &i18n::Msg::Saved {
                    record,
                    status: i18n::status(lang, *status),
                },
            ),
            theme.fg(Color::Green),
        ),
        Notice::SavedDraft { record, problems } => (
            i18n::msg(
                lang,
                &i18n::Msg::SavedDraft {
                    record,
                    problems: *problems,
                },
            ),
            theme.warning(),
        ),
        Notice::DraftKept => (t(Text::DraftKept).into(), theme.warning()),
        Notice::Conflict => (t(Text::ConflictNotice).into(), theme.warning()),
        Notice::NothingToShow => (t(Text::NothingToShow).into(), theme.dim()),
        Notice::LoadingList => (t(Text::LoadingList).into(), theme.dim()),
        Notice::Error(e) => (e.clone(), theme.error()),
        Notice::Imported(count) => (
            i18n::msg(lang, &i18n::Msg::Imported { count: *count }),
            theme.fg(Color::Green),
        ),
        Notice::Exported(path) => (
            i18n::msg(
                lang,
                &i18n::Msg::Exported {
                    path: &path.display().to_string(),
                },
            ),
            theme.fg(Color::Green),
        ),
    }
}

fn stage_text(lang: Lang, stage: Stage, draft: bool) -> &'static str {
    let t = |x| i18n::text(lang, x);
    match stage {
        Stage::NotStarted => t(Text::StageNotStarted),
        Stage::InProgress if draft => t(Text::StatusDraft),
        Stage::InProgress => t(Text::StatusInProgress),
        Stage::Done => t(Text::StatusDone),
        Stage::Blocked => t(Text::StatusBlocked),
        Stage::NeedsCorrection => t(Text::StatusNeedsCorrection),
    }
}

/// dd/mm/yyyy from an ISO date or RFC 3339 time; empty stays empty.
pub(super) fn short_date(s: &str) -> String {
    match (s.get(0..4), s.get(5..7), s.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => s.to_string(),
    }
}

fn list(frame: &mut Frame, area: Rect, state: &mut State, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let [search, filters, table] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let query = state.list.query().to_string();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{}: ", t(Text::Search)), theme.bold()),
            Span::raw(query.clone()),
        ])),
        search,
    );
    frame.set_cursor_position(Position::new(
        (search.x + (t(Text::Search).width() + 2 + query.width()) as u16)
            .min(search.right().saturating_sub(1)),
        search.y,
    ));
    let form_name = state
        .list
        .form
        .as_ref()
        .and_then(|f| form::form(f))
        .map(|f| f.short.get(lang))
        .unwrap_or(t(Text::All));
    let stage_name = match state.list.stage {
        StageFilter::All => t(Text::All),
        StageFilter::Only(s) => stage_text(lang, s, false),
        StageFilter::Conflicts => t(Text::Conflict),
    };
    let sort_name = match state.list.sort {
        Sort::Code => t(Text::Record),
        Sort::Due => t(Text::Due),
        Sort::Edited => t(Text::EditedAt),
    };
    frame.render_widget(
        Paragraph::new(format!(
            "{}: {form_name} · {}: {stage_name} · {}: {sort_name} · {}/{}",
            t(Text::Form),
            t(Text::Status),
            t(Text::SortBy),
            state.list.shown(),
            state.list.total()
        ))
        .style(theme.dim()),
        filters,
    );
    let commune = state.role == Role::Commune;
    let height = table.height.saturating_sub(1) as usize;
    let mut rows = Vec::with_capacity(height);
    for (selected, r) in state.list.window(height) {
        let form_short = form::form(r.form)
            .map(|f| f.short.get(lang).to_string())
            .unwrap_or_else(|| r.form.to_string());
        let mut status = stage_text(lang, r.stage, r.draft_status).to_string();
        if r.conflict {
            status.push_str(" ⚠");
        }
        let mark = if r.has_draft { "✎" } else { " " };
        let mut cells = vec![
            Cell::from(format!("{mark}{}", r.record)),
            Cell::from(form_short),
            Cell::from(r.title),
        ];
        if commune {
            cells.push(Cell::from(r.team.to_string()));
        }
        cells.extend([
            Cell::from(status),
            Cell::from(
                r.due
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
            ),
            Cell::from(
                r.edited
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
            ),
        ]);
        let style = if selected {
            theme.selected()
        } else if r.conflict {
            theme.warning()
        } else {
            Style::new()
        };
        rows.push(TableRow::new(cells).style(style));
    }
    let mut header = vec![t(Text::Record), t(Text::Form), t(Text::Title)];
    let mut widths = vec![
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Min(16),
    ];
    if commune {
        header.push(t(Text::Team));
        widths.push(Constraint::Length(3));
    }
    header.extend([t(Text::Status), t(Text::Due), t(Text::EditedAt)]);
    widths.extend([
        Constraint::Length(11),
        Constraint::Length(10),
        Constraint::Length(10),
    ]);
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(t(Text::NoMatches)).style(theme.dim()), table);
        return;
    }
    frame.render_widget(
        Table::new(rows, widths)
            .header(TableRow::new(header).style(theme.bold()))
            .column_spacing(1),
        table,
    );
}

/// The part of `text` to show in `width` columns so the cursor stays in view,
/// and the cursor's column within it.
fn scroll_to_cursor(text: &str, cursor_col: usize, width: usize) -> (String, usize) {
    if width == 0 {
        return (String::new(), 0);
    }
    let skip = cursor_col.saturating_sub(width - 1);
    let mut col = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if col >= skip && col + w <= skip + width {
            out.push(c);
        }
        col += w;
    }
    (out, cursor_col - skip)
}

fn field_value(state: &State, f: &FormState, i: usize) -> String {
    let values = f.raw_values();
    let field = f.field(i);
    match field.kind_for(&values) {
        Kind::Choice { .. } | Kind::MultiChoice { .. } => {
            let raw = values.get(&field.id).cloned().unwrap_or_default();
            if raw.is_empty() {
                String::new()
            } else {
                f.spec
                    .display(field, &raw, &values, state.lang, &state.commune.villages)
            }
        }
        _ => f.inputs[i].text.text().to_string(),
    }
}

/// The lines of a problem shown under its field, wrapped to `width`.
fn problem_lines(
    lang: Lang,
    kind: &ProblemKind,
    confirmed: bool,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (mark, style) = match (kind.severity(), confirmed) {
        (Severity::Error, _) => ("✗ ", theme.error()),
        (Severity::Warning, false) => ("⚠ ", theme.warning()),
        (Severity::Warning, true) => ("✓ ", theme.dim()),
    };
    let text = format!("{mark}{}", problems::message(kind, lang));
    wrap(&text, width.saturating_sub(4).max(10))
        .into_iter()
        .map(|l| Line::from(Span::styled(format!("    {l}"), style)))
        .collect()
}

/// Word wrap by display width (words wider than a line are cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.width() + 1 + word.width() > width {
            lines.push(String::new());
        }
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(word);
    }
    lines
}

fn form_screen(frame: &mut Frame, area: Rect, state: &State, f: &FormState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let status = match f.status() {
        Some(s) => i18n::status(lang, s),
        None => t(Text::StageNotStarted),
    };
    let record = f
        .record
        .clone()
        .unwrap_or_else(|| t(Text::NewCase).to_string());
    let title = format!(" {} · {record} · {status} ", f.spec.label.get(lang));
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let label_w = f
        .spec
        .fields
        .iter()
        .map(|x| x.label.get(lang).width() + 2)
        .max()
        .unwrap_or(10)
        .min(inner.width as usize / 2);
    let value_w = (inner.width as usize).saturating_sub(label_w + 1);
    let values = f.raw_values();
    // Each field takes a line, plus one for a problem shown under it.
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0;
    let mut cursor: Option<(usize, usize)> = None;
    for (i, field) in f.spec.fields.iter().enumerate() {
        let required = if field.is_required(&values) { "*" } else { " " };
        let label = format!("{}{required}", field.label.get(lang));
        let pad = label_w.saturating_sub(label.width());
        let focused = i == f.focus;
        let is_choice = f.is_choice(i);
        let mut value = field_value(state, f, i);
        let mut value_style = Style::new();
        if focused && !is_choice {
            let (shown, col) = scroll_to_cursor(&value, f.inputs[i].text.cursor_column(), value_w);
            value = shown;
            cursor = Some((lines.len(), label_w + 1 + col));
        } else if value.width() > value_w {
            value = scroll_to_cursor(&value, 0, value_w).0;
        }
        if value.is_empty() && focused && is_choice {
            value = t(Text::PickHint).to_string();
            value_style = theme.dim();
        }
        if focused {
            focus_line = lines.len();
        }
        let label_style = if focused {
            theme.selected()
        } else {
            theme.bold()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{label}{}", " ".repeat(pad)), label_style),
            Span::raw(" "),
            Span::styled(value, value_style),
        ]));
        if let Some(kind) = f.problems.get(&i) {
            let code = format!("{}:{}", field.id, kind.code());
            lines.extend(problem_lines(
                lang,
                kind,
                f.confirmed().contains(&code),
                inner.width as usize,
                theme,
            ));
        }
    }
    let height = inner.height as usize;
    let scroll = (focus_line + 2).saturating_sub(height);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    if let Some((line, col)) = cursor
        && line >= scroll
        && line - scroll < height
        && f.picker.is_none()
        && state.dialog.is_none()
    {
        frame.set_cursor_position(Position::new(
            inner.x + (col as u16).min(inner.width.saturating_sub(1)),
            inner.y + (line - scroll) as u16,
        ));
    }
    if let Some(p) = &f.picker {
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
}

fn history(frame: &mut Frame, area: Rect, state: &State, h: &HistoryState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let [left, right] =
        Layout::horizontal([Constraint::Length(36), Constraint::Min(20)]).areas(area);
    let block = Block::bordered().title(format!(" {} · {} ", t(Text::History), h.record));
    let inner = block.inner(left);
    frame.render_widget(block, left);
    let height = inner.height as usize;
    let start = (h.selected + 1).saturating_sub(height);
    let lines: Vec<Line> = h
        .versions
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, v)| {
            let mark = if h.marked == Some(i) { "●" } else { " " };
            let text = format!(
                "{mark}{} {} {}",
                v.edited_at.format("%d/%m %H:%M"),
                v.author,
                i18n::status(lang, v.status)
            );
            let style = if i == h.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);

    let Some(v) = h.versions.get(h.selected) else {
        return;
    };
    let base: Option<&Version> = match h.marked {
        Some(m) if m != h.selected => h.versions.get(m),
        _ => v
            .parents
            .first()
            .and_then(|p| h.versions.iter().find(|x| &x.id == p)),
    };
    let title = match base {
        Some(b) => format!(
            " {} → {} ",
            b.edited_at.format("%d/%m %H:%M"),
            v.edited_at.format("%d/%m %H:%M")
        ),
        None => format!(" {} ", t(Text::FirstVersion)),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(right);
    frame.render_widget(block, right);
    let mut lines: Vec<Line> = vec![Line::styled(
        format!(
            "{}: {} · {}",
            t(Text::Author),
            v.author,
            v.edited_at.format("%d/%m/%Y %H:%M")
        ),
        theme.dim(),
    )];
    if let Some(spec) = form::form(&v.form) {
        for field in &spec.fields {
            let old = base.and_then(|b| b.values.get(&field.id));
            let new = v.values.get(&field.id);
            if old == new {
                continue;
            }
            let show = |x: Option<&String>, from: &Version| {
                x.map(|s| spec.display(field, s, &from.values, lang, &state.commune.villages))
                    .unwrap_or_else(|| "∅".into())
            };
            let old_text = base.map(|b| show(old, b)).unwrap_or_else(|| "∅".into());
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", field.label.get(lang)), theme.bold()),
                Span::styled(old_text, theme.dim()),
                Span::raw(" → "),
                Span::raw(show(new, v)),
            ]));
        }
    }
    if lines.len() == 1 {
        lines.push(Line::raw(t(Text::NoChanges)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn new_case(frame: &mut Frame, area: Rect, lang: Lang, selected: usize, theme: &Theme) {
    let block = Block::bordered().title(format!(" {} ", i18n::text(lang, Text::ChooseForm)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = form::forms()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let style = if i == selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {}", f.label.get(lang)), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn settings(frame: &mut Frame, area: Rect, state: &State, selected: usize, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::Settings)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = super::app::SETTINGS
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (name, value) = match s {
                super::app::Setting::Typing => (
                    t(Text::Typing),
                    match state.typing {
                        Method::Off => t(Text::TypingOff).to_string(),
                        Method::Telex => "Telex".into(),
                        Method::Vni => "VNI".into(),
                    },
                ),
                super::app::Setting::Tone => (
                    t(Text::ToneStyle),
                    match state.tone {
                        super::typing::ToneStyle::Classic => t(Text::ToneClassic).to_string(),
                        super::typing::ToneStyle::Modern => t(Text::ToneModern).to_string(),
                    },
                ),
                super::app::Setting::Member => {
                    (t(Text::Author), state.member.clone().unwrap_or_default())
                }
            };
            let style = if i == selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {name:<24} {value}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn who(frame: &mut Frame, area: Rect, state: &State, w: &WhoState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let popup = centered(
        area,
        50,
        (state.members.len() as u16 + 5).min(area.height),
        1,
    );
    let block = Block::bordered().title(format!(" {} ", t(Text::WhoIsWorking)));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let mut lines: Vec<Line> = state
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let style = if i == w.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {m}"), style)
        })
        .collect();
    let adding = w.selected == state.members.len();
    let prefix = format!(" + {}: ", t(Text::AddMember));
    lines.push(Line::styled(
        format!("{prefix}{}", w.new_name.text()),
        if adding {
            theme.selected()
        } else {
            theme.dim()
        },
    ));
    let y = inner.y + state.members.len() as u16;
    frame.render_widget(Paragraph::new(lines), inner);
    if adding && y < inner.bottom() {
        frame.set_cursor_position(Position::new(
            (inner.x + (prefix.width() + w.new_name.cursor_column()) as u16)
                .min(inner.right().saturating_sub(1)),
            y,
        ));
    }
}

fn dialog(frame: &mut Frame, area: Rect, state: &State, d: &Dialog, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let label = |field: &str| {
        state
            .form_spec()
            .and_then(|s| s.field(field))
            .map(|f| f.label.get(lang).to_string())
            .unwrap_or_else(|| field.to_string())
    };
    let mut lines: Vec<Line> = Vec::new();
    let (title, keys) = match d {
        Dialog::LeaveForm => (t(Text::LeaveFormQuestion), t(Text::LeaveFormKeys)),
        Dialog::Quit => (t(Text::QuitQuestion), t(Text::QuitKeys)),
        Dialog::Passphrase { input } => {
            let stars = "•".repeat(input.text().chars().count());
            lines.push(Line::raw(format!("{}: {stars}", t(Text::Passphrase))));
            (t(Text::PassphraseQuestion), t(Text::PassphraseKeys))
        }
        Dialog::ReturnForCorrection { comment } => {
            lines.push(Line::raw(format!(
                "{}: {}",
                t(Text::Comment),
                comment.text()
            )));
            (t(Text::ReturnQuestion), t(Text::ReturnKeys))
        }
        Dialog::OfferDraft(draft) => {
            lines.push(Line::raw(format!(
                "{}: {} · {}",
                t(Text::Author),
                draft.author,
                short_date(&draft.saved_at)
            )));
            (t(Text::OfferDraftQuestion), t(Text::OfferDraftKeys))
        }
        Dialog::SaveAsDraft { errors } => {
            for (field, kind) in errors {
                lines.push(Line::styled(
                    format!("✗ {}: {}", label(field), problems::message(kind, lang)),
                    theme.error(),
                ));
            }
            (t(Text::SaveAsDraftQuestion), t(Text::SaveAsDraftKeys))
        }
        Dialog::ConfirmWarnings { warnings } => {
            for (field, kind) in warnings {
                lines.push(Line::styled(
                    format!("⚠ {}: {}", label(field), problems::message(kind, lang)),
                    theme.warning(),
                ));
            }
            (
                t(Text::ConfirmWarningsQuestion),
                t(Text::ConfirmWarningsKeys),
            )
        }
    };
    lines.push(Line::raw(""));
    lines.push(Line::styled(keys, theme.bold()));
    let width = area.width.saturating_sub(4).min(76);
    let height = (lines.len() as u16 * 2 + 2).min(area.height);
    let popup = centered(area, width, height, 1);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .style(theme.bold());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

fn help(frame: &mut Frame, area: Rect, ctx: Ctx, lang: Lang, theme: &Theme) {
    let bindings = keymap::help(ctx);
    let popup = centered(area, 64, (bindings.len() as u16 + 2).min(area.height), 0);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(format!(" {} ", i18n::text(lang, Text::HelpTitle)));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let lines: Vec<Line> = bindings
        .iter()
        .map(|k| {
            Line::from(vec![
                Span::styled(format!("{:<20} ", k.keys), theme.bold()),
                Span::raw(i18n::text(lang, k.help)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One labelled line of typed text (a path, a date), with the terminal
/// cursor in it unless a dialog is in front.
pub(super) fn input_line(
    frame: &mut Frame,
    area: Rect,
    label: &str,
    input: &super::input::TextInput,
    state: &State,
    theme: &Theme,
) {
    let prefix = format!("{label}: ");
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prefix.clone(), theme.bold()),
            Span::raw(input.text().to_string()),
        ])),
        area,
    );
    if state.dialog.is_none() && area.height > 0 {
        frame.set_cursor_position(Position::new(
            (area.x + (prefix.width() + input.cursor_column()) as u16)
                .min(area.right().saturating_sub(1)),
            area.y,
        ));
    }
}

/// A rectangle of at most `width`×`height`, centred in `area` (nudged down by `down`).
fn centered(area: Rect, width: u16, height: u16, down: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    let x = area.x + (area.width - w) / 2;
    let y = (area.y + (area.height - h) / 2 + down).min(area.bottom().saturating_sub(h));
    Rect::new(x, y, w, h)
}
