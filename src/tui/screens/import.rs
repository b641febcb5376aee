//! Importing a work list from a spreadsheet export: a file path, the
//! preview of what importing it would do (as the command line prints it),
//! then the import on confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::i18n::{self, Text};
use crate::ops::worklist::ImportChoices;
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::{Theme, input_line};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::typing::{Method, ToneStyle};

/// The work-list import screen: a file path, then the preview of what
/// importing it would do, then (on confirmation) the import.
#[derive(Clone, Debug, Default)]
pub struct ImportState {
    pub path: TextInput,
    pub choices: ImportChoices,
    pub preview: Option<Box<crate::worklist::Preview>>,
    /// The preview as the command line prints it.
    pub lines: Vec<String>,
    pub scroll: u16,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Screen::Import(im)) = state.screens.last_mut() else {
        return vec![];
    };
    let load = |im: &ImportState| Effect::PreviewWorklist {
        path: std::path::PathBuf::from(im.path.text().trim()),
        choices: im.choices.clone(),
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
            im.choices.fix_leading_zeros = !im.choices.fix_leading_zeros;
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

/// Shows the preview of the file, from its top.
pub fn previewed(state: &mut State, preview: Box<crate::worklist::Preview>, lines: Vec<String>) {
    if let Some(Screen::Import(im)) = state.screens.last_mut() {
        im.preview = Some(preview);
        im.lines = lines;
        im.scroll = 0;
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, im: &ImportState, theme: &Theme) {
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
    input_line(frame, path_line, t(Text::FilePath), &im.path, state, theme);
    let zeros = if im.choices.fix_leading_zeros {
        "[x]"
    } else {
        "[ ]"
    };
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
