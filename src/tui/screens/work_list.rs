//! The work list: every case and assigned item, searched as you type and
//! filtered by form, status and team. The rows themselves live in
//! `tui::list` (the model); this screen moves over them and draws the ones
//! in view.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table};
use unicode_width::UnicodeWidthStr;

use super::new_case::NewCaseState;
use super::progress::ProgressState;
use super::settings::SettingsState;
use crate::domain::commune::Role;
use crate::domain::form;
use crate::domain::standing::Stage;
use crate::i18n::{self, Lang, Text};
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::{Theme, fit_ranked, fit_title};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::list::{RowView, Sort, StageFilter};
use crate::tui::render::{self, MIN_HEIGHT, MIN_WIDTH, Mark};

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let page = 10;
    match action {
        Action::MoveUp => state.list.move_by(-1),
        Action::MoveDown => state.list.move_by(1),
        Action::PageUp => state.list.move_by(-page),
        Action::PageDown => state.list.move_by(page),
        Action::GoToTop => state.list.select_first(),
        Action::GoToBottom => state.list.select_last(),
        Action::CycleForm => state.list.cycle_form(),
        Action::CycleStage => state.list.cycle_stage(),
        Action::CycleSort => state.list.cycle_sort(),
        // Typed with the typing method on, as every text input is: Telex's
        // `nguyeenx` searches for "nguyễn" (accents are then ignored).
        Action::Type(c) => {
            let mut q = TextInput::new(state.list.query());
            q.type_char(c, state.typing, state.tone);
            state.list.set_query(q.text());
        }
        Action::Paste(s) => {
            let q = format!("{}{}", state.list.query(), s.replace(['\n', '\r'], " "));
            state.list.set_query(&q);
        }
        Action::EraseBack => {
            let mut q = TextInput::new(state.list.query());
            q.backspace();
            state.list.set_query(q.text());
        }
        Action::ClearSearch if state.list.query().is_empty() => state.list.clear_team(),
        Action::ClearSearch => state.list.set_query(""),
        Action::OpenCase => {
            if let Some(row) = state.list.selected_row() {
                return vec![Effect::LoadCase {
                    record: row.record.to_string(),
                }];
            }
        }
        Action::ShowHistory => {
            if let Some(row) = state.list.selected_row() {
                return vec![Effect::LoadHistory {
                    record: row.record.to_string(),
                }];
            }
        }
        Action::ShowProgress => state
            .screens
            .push(Screen::Progress(ProgressState::default())),
        Action::NewCase => state.screens.push(Screen::NewCase(NewCaseState::default())),
        Action::ShowSettings => state
            .screens
            .push(Screen::Settings(SettingsState::default())),
        _ => {}
    }
    vec![]
}

/// Scrolls the list so its selection shows in the rows the terminal has
/// room for. Done when the list is in front and after every change to it
/// or to the terminal's size, so drawing need not move anything.
pub fn keep_selection_in_view(state: &mut State) {
    let size = state.size;
    if !matches!(state.screen(), Screen::List) || size.width < MIN_WIDTH || size.height < MIN_HEIGHT
    {
        return;
    }
    let area = Rect::from((Position::ORIGIN, size));
    let footer = render::footer_lines(state, area).len() as u16;
    let [_, body, _, _] = render::layout(area, footer);
    let [_, _, table] = areas(body);
    state.list.keep_in_view(rows(table));
}

/// The search line, the filters line and the table.
fn areas(body: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(body)
}

/// How many rows the table shows below its header.
fn rows(table: Rect) -> usize {
    table.height.saturating_sub(1) as usize
}

/// A line's status: "draft" while its newest version is one (the team has
/// problems to fix), though it is counted where `stage` says.
fn stage_text(lang: Lang, stage: Stage, draft: bool) -> &'static str {
    match draft {
        true => i18n::text(lang, Text::StatusDraft),
        false => i18n::stage(lang, stage),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let [search, filters, table] = areas(area);
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
        StageFilter::FollowUps => t(Text::FollowUpsDue),
        StageFilter::Only(s) => stage_text(lang, s, false),
        StageFilter::Conflicts => t(Text::Conflict),
    };
    let sort_name = match state.list.sort {
        Sort::Code => t(Text::Record),
        Sort::Due => t(Text::Due),
        Sort::Edited => t(Text::EditedAt),
    };
    let commune = state.role == Role::Commune;
    let height = rows(table);
    let window: Vec<(bool, RowView)> = state.list.window(height).collect();
    // The filters, the count and what the marks in view mean, as room allows.
    let mut items = vec![
        (8, format!("{}: {form_name}", t(Text::Form))),
        (8, format!("{}: {stage_name}", t(Text::Status))),
        (6, format!("{}: {sort_name}", t(Text::SortBy))),
        (9, format!("{}/{}", state.list.shown(), state.list.total())),
    ];
    for mark in Mark::ALL {
        let shown = window.iter().any(|(_, r)| match mark {
            Mark::Conflict => r.conflict,
            Mark::Draft => r.has_draft,
            Mark::Correction => r.title.starts_with(mark.symbol()),
        });
        if shown {
            items.push((4, format!("{} {}", mark.symbol(), mark.word(lang))));
        }
    }
    frame.render_widget(
        Paragraph::new(fit_ranked(&items, usize::from(filters.width))).style(theme.dim()),
        filters,
    );
    if window.is_empty() {
        frame.render_widget(Paragraph::new(t(Text::NoMatches)).style(theme.dim()), table);
        return;
    }
    // Every column but the title is as wide as what it shows; the title
    // takes the rest, its name giving way before its ID (never cut). Dates
    // lose their century first, where the title would be cut.
    let mut header = vec![t(Text::Record), t(Text::Form), t(Text::Title)];
    if commune {
        header.push(t(Text::Team));
    }
    header.extend([t(Text::Status), t(Text::Due), t(Text::EditedAt)]);
    let (mut cells, mut widths) = columns(state, &window, &header, "%d/%m/%Y");
    let mut title = TITLE;
    let title_room = |widths: &[usize], title: usize| {
        let others = widths.iter().sum::<usize>() - widths[title];
        usize::from(table.width).saturating_sub(others + widths.len() - 1)
    };
    if title_room(&widths, title) < widths[title] {
        (cells, widths) = columns(state, &window, &header, "%d/%m/%y");
    }
    // Still no room for an ID: the edit date, the due date, then the
    // form go (the status and the team stay).
    let give_way = [header.len() - 1, header.len() - 2, 1];
    for col in give_way {
        if title_room(&widths, title) >= ID_WIDTH {
            break;
        }
        header.remove(col);
        widths.remove(col);
        for row in &mut cells {
            row.remove(col);
        }
        if col < title {
            title -= 1;
        }
    }
    widths[title] = title_room(&widths, title);
    for row in &mut cells {
        row[title] = fit_title(&row[title], widths[title]);
    }
    let rows = window.iter().zip(cells).map(|((selected, r), row)| {
        let style = if *selected {
            theme.selected()
        } else if r.conflict {
            theme.warning()
        } else {
            Style::new()
        };
        TableRow::new(row.into_iter().map(Cell::from)).style(style)
    });
    let constraints = widths.iter().map(|w| Constraint::Length(*w as u16));
    frame.render_widget(
        Table::new(rows, constraints)
            .header(TableRow::new(header).style(theme.bold()))
            .column_spacing(1),
        table,
    );
}

/// The title's column in a list line.
const TITLE: usize = 2;

/// The columns a personal ID needs: the title's least before other columns
/// give way.
const ID_WIDTH: usize = 12;

/// The cells of the lines in view, and each column's width: the widest of
/// its cells and its header. Dates as `date_format`.
fn columns(
    state: &State,
    window: &[(bool, RowView)],
    header: &[&str],
    date_format: &str,
) -> (Vec<Vec<String>>, Vec<usize>) {
    let lang = state.lang;
    let date = |d: NaiveDate| d.format(date_format).to_string();
    let cells: Vec<Vec<String>> = window
        .iter()
        .map(|(_, r)| {
            let mark = if r.has_draft { "✎" } else { " " };
            let form_short = form::form(r.form)
                .map(|f| f.short.get(lang).to_string())
                .unwrap_or_else(|| r.form.to_string());
            let mut status = stage_text(lang, r.stage, r.draft_status).to_string();
            if r.conflict {
                status.push_str(" ⚠");
            }
            let mut row = vec![
                format!("{mark}{}", r.record),
                form_short,
                r.title.to_string(),
            ];
            if state.role == Role::Commune {
                row.push(r.team.to_string());
            }
            row.extend([
                status,
                r.due.map(date).unwrap_or_default(),
                r.edited.map(|d| date(d.date_naive())).unwrap_or_default(),
            ]);
            row
        })
        .collect();
    let widths = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|row| row[i].width())
                .max()
                .unwrap_or(0)
                .max(h.width())
        })
        .collect();
    (cells, widths)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Size;

    use super::*;
    use crate::domain::commune::Commune;
    use crate::domain::work::WorkItem;
    use crate::i18n::Lang;
    use crate::tui::app::{self, Loaded};
    use crate::tui::list::{self, WorkList};
    use crate::tui::typing::{Method, ToneStyle};

    fn state(rows: usize) -> State {
        let items: Vec<WorkItem> = (0..rows)
            .map(|i| WorkItem {
                id: format!("AC-{i:03}"),
                form: "activation".into(),
                team: 1,
                due: None,
                prefill: BTreeMap::from([("full_name".to_string(), format!("Người {i}"))]),
            })
            .collect();
        let mut state = State::new(Loaded {
            lang: Lang::Vi,
            commune: Commune::with_numbered_villages("Xã Thử", 6),
            role: Role::Team(1),
            device: "T1TEST".into(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            members: vec![],
            last_member: None,
            demo: false,
            typing: Method::Off,
            tone: ToneStyle::Classic,
            list: WorkList::new(list::rows(&items, &[], &HashSet::new())),
            imports: vec![],
        });
        state.screens = vec![Screen::List];
        state
    }

    #[test]
    fn the_selection_stays_in_view_as_it_moves_and_the_terminal_shrinks() {
        let mut state = state(100);
        state.resized(Size::new(80, 40));
        for _ in 0..50 {
            app::update(&mut state, Action::MoveDown);
        }
        // 40 lines less the title, notice, footer (two lines at 80
        // columns), search, filters and header.
        assert_eq!(state.list.offset, 50 + 1 - 33);
        state.resized(Size::new(80, 24));
        assert_eq!(state.list.offset, 50 + 1 - 17);
        // Drawing reads the offset as it is.
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|f| crate::tui::render::render(&state, f))
            .unwrap();
        let screen: String = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(screen.contains("AC-050") && screen.contains("AC-034"));
        assert!(!screen.contains("AC-033") && !screen.contains("AC-051"));
    }
}
