//! Drawing the whole terminal: `render(&State, &mut Frame)` reads the state
//! and writes nothing but the frame. The title, the notice line, the footer,
//! a dialog and the help are drawn here; each screen draws its own body
//! (`screens/`). Whatever needs counting or scrolling is done by `update`
//! before a frame is drawn (`app::settle`). Every area is clamped so no
//! terminal size can panic.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::app::{Notice, Screen, State};
use super::dialog;
use super::draw::{Theme, centered};
use super::keymap::{self, Ctx};
use super::screens::{
    bundles, charts, conflict, duplicates, form, history, import, new_case, progress, report,
    settings, villages, who, work_list,
};
use super::typing::Method;
use crate::domain::commune::Role;
use crate::i18n::{self, Lang, Text};

/// The smallest screen the layout is drawn for; below it, a notice.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Draws what is in front of the user. Reads the state; writes only the frame.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let lang = state.lang;
    let theme = Theme::from_env();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        frame.render_widget(
            Paragraph::new(i18n::text(lang, Text::TooSmall)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let [top, body, notice, footer] = layout(area);
    frame.render_widget(Paragraph::new(title_line(state)).style(theme.bar()), top);
    match state.screen() {
        Screen::Who(w) => who::render(frame, body, state, w, &theme),
        Screen::List => work_list::render(frame, body, state, &theme),
        Screen::Form(f) => form::render(frame, body, state, f, &theme),
        Screen::History(h) => history::render(frame, body, state, h, &theme),
        Screen::Progress(p) => progress::render(frame, body, state, p, &theme),
        Screen::Charts(c) => charts::render(frame, body, state, c, &theme),
        Screen::Report(r) => report::render(frame, body, state, r, &theme),
        Screen::Duplicates(d) => duplicates::render(frame, body, state, d, &theme),
        Screen::Import(im) => import::render(frame, body, state, im, &theme),
        Screen::Bundles(b) => bundles::render(frame, body, state, b, &theme),
        Screen::Conflict(c) => conflict::render(frame, body, state, c, &theme),
        Screen::NewCase(n) => new_case::render(frame, body, state, n, &theme),
        Screen::Settings(s) => settings::render(frame, body, state, s, &theme),
        Screen::Villages(v) => villages::render(frame, body, state, v, &theme),
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
        dialog::render(frame, body, state, d, &theme);
    }
    if state.help {
        help(frame, body, state.ctx_under_help(), lang, &theme);
    }
}

/// The title line, the screen's body, the notice line and the footer.
pub fn layout(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
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
        Notice::RegisterWritten(count) => (
            i18n::register::say(lang, &i18n::register::Say::Written { count: *count }),
            theme.fg(Color::Green),
        ),
        Notice::Imported(count) => (
            i18n::msg(lang, &i18n::Msg::Imported { count: *count }),
            theme.fg(Color::Green),
        ),
        Notice::VillageNamed { village, added } => {
            let (team, name) = (village.team, village.name.as_str());
            let said = if *added {
                i18n::Msg::ScreenVillageAdded { team, name }
            } else {
                i18n::Msg::ScreenVillageRenamed { team, name }
            };
            (i18n::msg(lang, &said), theme.fg(Color::Green))
        }
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
