//! Importing a work list from a spreadsheet (a workbook or its text
//! export): a file path and the person's choices (leading zeros,
//! fill-down, a workbook's sheet), the preview of what importing it would
//! do (as the command line prints it), then the import on confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::i18n::{self, Msg, Text};
use crate::ops::worklist::ImportChoices;
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::{Theme, input_line};
use crate::tui::input::TextInput;
use crate::tui::keymap::{Action, Ctx, keys_for};
use crate::tui::typing::{Method, ToneStyle};
use crate::worklist::Preview;

/// The work-list import screen: a file path, then the preview of what
/// importing it would do, then (on confirmation) the import.
#[derive(Clone, Debug, Default)]
pub struct ImportState {
    pub path: TextInput,
    /// What the next preview is asked with; the sheet is the one last read.
    pub choices: ImportChoices,
    /// The sheets of the workbook at `path`, once a preview has read it.
    pub sheets: Vec<String>,
    pub preview: Option<Box<Preview>>,
    /// The file is the population register (`Ctrl+R` on the progress
    /// table), not a work list: the same reader, the register's use case.
    pub register: bool,
    /// What the register file changes, once previewed.
    pub register_preview: Option<Box<crate::ops::register::RegisterPreview>>,
    /// The preview as the command line prints it.
    pub lines: Vec<String>,
    pub scroll: u16,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(Screen::Import(im)) = state.screens.last_mut() else {
        return vec![];
    };
    match action {
        Action::Type(c) => {
            im.path.type_char(c, Method::Off, ToneStyle::Classic);
            path_changed(im);
        }
        Action::Paste(p) => {
            im.path.insert_str(p.trim());
            path_changed(im);
        }
        Action::EraseBack => {
            im.path.backspace();
            path_changed(im);
        }
        Action::ScrollUp => im.scroll = im.scroll.saturating_sub(1),
        Action::ScrollDown => im.scroll = im.scroll.saturating_add(1),
        Action::ScrollPageUp => im.scroll = im.scroll.saturating_sub(10),
        Action::ScrollPageDown => im.scroll = im.scroll.saturating_add(10),
        Action::PreviewWorklist => return load(im),
        Action::ToggleLeadingZeros => {
            im.choices.fix_leading_zeros = !im.choices.fix_leading_zeros;
            return load(im);
        }
        Action::ToggleFillDown => {
            im.choices.fill_down = !im.choices.fill_down;
            return load(im);
        }
        Action::NextSheet if im.sheets.len() > 1 => {
            let at = sheet_at(im).unwrap_or(0);
            im.choices.sheet = Some(im.sheets[(at + 1) % im.sheets.len()].clone());
            return load(im);
        }
        Action::ImportWorklist if im.register => {
            im.preview = None;
            if let Some(p) = im
                .register_preview
                .take()
                .filter(|p| !p.plan.new.is_empty() || !p.plan.updated.is_empty())
            {
                return vec![Effect::ApplyRegister(p)];
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

/// Asks for the preview of the typed file with the choices made. The
/// preview shown until now no longer answers them: it goes, so Ctrl+S can
/// never import what the screen no longer says.
fn load(im: &mut ImportState) -> Vec<Effect> {
    if im.path.is_empty() {
        return vec![];
    }
    im.preview = None;
    im.register_preview = None;
    im.lines.clear();
    im.scroll = 0;
    vec![Effect::PreviewWorklist {
        path: std::path::PathBuf::from(im.path.text().trim()),
        choices: im.choices.clone(),
        register: im.register,
    }]
}

/// Another path typed: the preview shown was of the file before, so it
/// goes, and Ctrl+S can never import a file the screen did not preview.
fn path_changed(im: &mut ImportState) {
    another_file(im);
    im.preview = None;
    im.register_preview = None;
    im.lines.clear();
    im.scroll = 0;
}

/// A sheet name belongs to the file it came from.
fn another_file(im: &mut ImportState) {
    im.choices.sheet = None;
    im.sheets.clear();
}

/// Where the sheet asked for sits among the workbook's sheets.
fn sheet_at(im: &ImportState) -> Option<usize> {
    let sheet = im.choices.sheet.as_ref()?;
    im.sheets.iter().position(|s| s == sheet)
}

/// Shows the preview of the file, from its top; a workbook's sheet read is
/// the one the next preview reads, until another is chosen.
pub fn previewed(
    state: &mut State,
    preview: Box<Preview>,
    lines: Vec<String>,
    register: Option<Box<crate::ops::register::RegisterPreview>>,
) {
    if let Some(Screen::Import(im)) = state.screens.last_mut() {
        im.register_preview = register;
        match &preview.workbook {
            Some(source) => {
                im.sheets = source.sheets.clone();
                im.choices.sheet = Some(source.sheet.clone());
            }
            None => another_file(im),
        }
        im.preview = Some(preview);
        im.lines = lines;
        im.scroll = 0;
    }
}

/// A choice the screen offers, ticked or not, with the keys that change it.
fn choice_line(ticked: bool, label: &str, action: &Action) -> String {
    let mark = if ticked { "[x]" } else { "[ ]" };
    format!("{mark} {label} ({})", keys_for(Ctx::Import, action))
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, im: &ImportState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let title = if im.register {
        Text::ImportRegister
    } else {
        Text::ImportWorklist
    };
    let block = Block::bordered().title(format!(" {} ", t(title)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let sheet_lines = u16::from(im.sheets.len() > 1);
    let [path_line, choice_lines, sheet_line, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(sheet_lines),
        Constraint::Min(1),
    ])
    .areas(inner);
    input_line(frame, path_line, t(Text::FilePath), &im.path, state, theme);
    let choices = [
        choice_line(
            im.choices.fix_leading_zeros,
            t(Text::FixLeadingZeros),
            &Action::ToggleLeadingZeros,
        ),
        choice_line(
            im.choices.fill_down,
            t(Text::FillDown),
            &Action::ToggleFillDown,
        ),
    ];
    frame.render_widget(
        Paragraph::new(choices.map(Line::raw).to_vec()).style(theme.dim()),
        choice_lines,
    );
    if let (Some(sheet), Some(at)) = (&im.choices.sheet, sheet_at(im)) {
        let read = i18n::msg(
            lang,
            &Msg::SheetRead {
                sheet,
                at: at + 1,
                of: im.sheets.len(),
            },
        );
        let keys = keys_for(Ctx::Import, &Action::NextSheet);
        frame.render_widget(
            Paragraph::new(format!("{read} · {keys} {}", t(Text::HelpNextSheet)))
                .style(theme.dim()),
            sheet_line,
        );
    }
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
