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
use unicode_width::UnicodeWidthStr;

use super::app::{Notice, Screen, State};
use super::dialog;
use super::draw::{Theme, centered, fit_ranked};
use super::keymap;
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
    let footer_lines = footer_lines(state, area);
    let [top, body, notice, footer] = layout(area, footer_lines.len() as u16);
    frame.render_widget(
        Paragraph::new(title_line(state, top.width)).style(theme.bar()),
        top,
    );
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
    if let Some(w) = &state.working {
        let line = match w.step {
            Some((step, done, total)) => crate::progress::line(lang, step, done, total),
            None => i18n::text(lang, Text::Working).to_string(),
        };
        frame.render_widget(Paragraph::new(line).style(theme.bar()), notice);
    } else if let Some(n) = &state.notice {
        let (text, style) = notice_text(lang, n, &theme);
        frame.render_widget(Paragraph::new(text).style(style), notice);
    }
    frame.render_widget(
        Paragraph::new(footer_lines.into_iter().map(Line::from).collect::<Vec<_>>())
            .style(theme.bar()),
        footer,
    );
    if let Some(d) = &state.dialog {
        dialog::render(frame, body, state, d, &theme);
    }
    if state.help {
        help(frame, body, state, &theme);
    }
}

/// The title line, the screen's body, the notice line and the footer (of
/// `footer` lines).
pub fn layout(area: Rect, footer: u16) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(footer),
    ])
    .areas(area)
}

/// Who and where, in `width` columns: the team, who is working and the
/// typing mode stay; the program's and the commune's names give way first.
fn title_line(state: &State, width: u16) -> String {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let mut items: Vec<(u8, String)> = vec![(1, "tothon".into())];
    match state.role {
        Role::Commune => items.push((8, state.commune.name.clone())),
        Role::Team(n) => {
            items.push((9, format!("{} {n}", t(Text::Team))));
            if let Some(v) = state.commune.village(n) {
                items.push((5, v.name.clone()));
            }
            items.push((3, state.commune.name.clone()));
        }
    }
    let typing = match state.typing {
        Method::Off => t(Text::TypingOff),
        Method::Telex => "Telex",
        Method::Vni => "VNI",
    };
    let member = state.member.as_deref().unwrap_or("—");
    items.push((6, format!("{}: {member}", t(Text::Author))));
    items.push((7, format!("{}: {typing}", t(Text::Typing))));
    if state.unsent > 0 {
        items.push((
            9,
            i18n::msg(
                lang,
                &i18n::Msg::Unsent {
                    count: state.unsent,
                },
            ),
        ));
    }
    format!(
        " {}",
        fit_ranked(&items, usize::from(width.saturating_sub(1)))
    )
}

/// The footer in `area`'s width: one line when every key fits in it;
/// else the screen's own keys on a line of their own above the ones every
/// screen has (help, bundles, typing, quit). A key with no room still
/// gives way, arrows first, then the screen's last ones (F1 lists them
/// all).
pub fn footer_lines(state: &State, area: Rect) -> Vec<String> {
    let width = usize::from(area.width);
    let keys = keymap::footer(state.ctx(), state.role.into());
    let item = |k: &keymap::FooterKey| {
        let text = format!("{} {}", k.key.keys, i18n::text(state.lang, k.key.help));
        // Of the keys always shown, help and quit stay longest.
        let rank = if k.always {
            match k.key.help {
                Text::HelpHelp | Text::HelpQuit => 9,
                _ => 8,
            }
        } else if k.key.keys.starts_with(['↑', '↓', '←', '→']) {
            4
        } else {
            5
        };
        (rank, text)
    };
    let all: Vec<(u8, String)> = keys.iter().map(item).collect();
    let (always, own): (Vec<_>, Vec<_>) = all.iter().cloned().partition(|(rank, _)| *rank >= 8);
    let fits = fit_ranked(&all, usize::MAX).width() <= width;
    // A small terminal keeps its lines for the screen.
    if own.is_empty() || always.is_empty() || fits || area.height < 20 {
        return vec![fit_ranked(&all, width)];
    }
    vec![fit_ranked(&own, width), fit_ranked(&always, width)]
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
        Notice::NewCaseDrafts(keys) => {
            let forms: Vec<&str> = keys
                .iter()
                .filter_map(|k| crate::domain::form::form(k.trim_start_matches("new:")))
                .map(|f| f.short.get(lang))
                .collect();
            (
                i18n::msg(
                    lang,
                    &i18n::Msg::NewCaseDrafts {
                        forms: &forms.join(", "),
                    },
                ),
                theme.warning(),
            )
        }
        Notice::MemberRemoved(name) => (
            i18n::msg(lang, &i18n::Msg::MemberRemoved { name }),
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
        Notice::Exported(paths) => (
            i18n::msg(
                lang,
                &i18n::Msg::Exported {
                    path: &exported_paths(paths),
                },
            ),
            theme.fg(Color::Green),
        ),
    }
}

/// Files written side by side: the first one's whole path, then the other
/// names, only their extension when they share its stem
/// ("…/exports/bao-cao.txt, .csv, .xlsx"), so the line fits.
fn exported_paths(paths: &[std::path::PathBuf]) -> String {
    let Some(first) = paths.first() else {
        return String::new();
    };
    let mut said = first.display().to_string();
    for p in &paths[1..] {
        said.push_str(", ");
        match p.extension() {
            Some(ext) if p.file_stem() == first.file_stem() => {
                said.push('.');
                said.push_str(&ext.to_string_lossy());
            }
            _ => said.push_str(&p.file_name().map_or(p.as_os_str(), |n| n).to_string_lossy()),
        }
    }
    said
}

#[cfg(test)]
mod exported_tests {
    #[test]
    fn files_side_by_side_are_named_by_their_extension() {
        let paths = [
            "/d/exports/bao-cao.txt",
            "/d/exports/bao-cao.csv",
            "/d/exports/khac.csv",
        ]
        .map(std::path::PathBuf::from);
        assert_eq!(
            super::exported_paths(&paths),
            "/d/exports/bao-cao.txt, .csv, khac.csv"
        );
    }
}

/// F1: every key of the screen under it, then what the list's marks mean.
fn help(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let bindings = keymap::help(state.ctx_under_help(), state.role.into());
    let mut lines: Vec<Line> = bindings
        .iter()
        .map(|k| {
            Line::from(vec![
                Span::styled(format!("{:<20} ", k.keys), theme.bold()),
                Span::raw(i18n::text(lang, k.help)),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.extend(Mark::ALL.iter().map(|mark| {
        Line::from(vec![
            Span::styled(format!("{:<20} ", mark.symbol()), theme.bold()),
            Span::raw(mark.meaning(lang)),
        ])
    }));
    let popup = centered(area, 64, (lines.len() as u16 + 2).min(area.height), 0);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(format!(" {} ", i18n::text(lang, Text::HelpTitle)));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let scroll = lines.len().saturating_sub(usize::from(inner.height)) as u16;
    frame.render_widget(
        Paragraph::new(lines).scroll((state.help_scroll.min(scroll), 0)),
        inner,
    );
}

/// The marks a list line can carry: F1 and the list's legend explain them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Conflict,
    Draft,
    Correction,
}

impl Mark {
    pub const ALL: [Mark; 3] = [Mark::Conflict, Mark::Draft, Mark::Correction];

    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Conflict => "⚠",
            Mark::Draft => "✎",
            Mark::Correction => crate::domain::listing::CORRECTION_MARK.trim_end(),
        }
    }

    /// What it means, whole (F1).
    pub fn meaning(self, lang: Lang) -> &'static str {
        i18n::text(
            lang,
            match self {
                Mark::Conflict => Text::MarkConflict,
                Mark::Draft => Text::MarkDraft,
                Mark::Correction => Text::MarkCorrection,
            },
        )
    }

    /// What it means in a word or two (the legend): the meaning up to its
    /// colon or bracket.
    pub fn word(self, lang: Lang) -> &'static str {
        let meaning = self.meaning(lang);
        meaning.split([':', '(']).next().unwrap_or(meaning).trim()
    }
}
