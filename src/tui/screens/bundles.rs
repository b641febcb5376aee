//! Bundles: export this device's signed bundles into a folder (the last
//! one used, a USB stick found on the system, or a typed path, completed
//! with Tab), import one picked from the bundles found there or by its
//! path, and the imports log. The work is done by effects.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, Wrap};

use std::path::{Path, PathBuf};

use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Notice, Screen, State};
use crate::tui::draw::{Theme, cut_start, input_line, short_date};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::typing::{Method, ToneStyle};

#[derive(Clone, Debug, Default)]
pub struct BundlesState {
    /// A folder or a bundle's path, typed (Tab completes it).
    pub path: TextInput,
    /// The folder bundles are written to and looked for in, once read.
    pub folder: Option<PathBuf>,
    /// The places to pick (removable drives, the folder bundles are
    /// written to by default), then the bundles found in `folder`.
    pub entries: Vec<Entry>,
    pub selected: usize,
    /// What the last export or import said, line by line.
    pub report: Vec<String>,
}

/// One line of the bundles screen's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A folder to look in: a USB stick, a memory card, the default one.
    Place(PathBuf),
    /// A bundle found in the folder, and when it was written.
    Bundle {
        path: PathBuf,
        written: Option<chrono::DateTime<chrono::Local>>,
    },
}

impl Entry {
    fn path(&self) -> &Path {
        match self {
            Entry::Place(p) | Entry::Bundle { path: p, .. } => p,
        }
    }
}

/// The bundles screen, and what to read for it: the last folder used.
pub fn open(state: &mut State) -> Vec<Effect> {
    state.screens.push(Screen::Bundles(BundlesState::default()));
    vec![Effect::ListBundleFolder { folder: None }]
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    // A bundle imported under an open form would leave the form on the
    // case as it was: a save there would make a conflict of nothing.
    let form_below = state
        .screens
        .iter()
        .any(|s| matches!(s, Screen::Form(_) | Screen::Conflict(_)));
    let Some(Screen::Bundles(b)) = state.screens.last_mut() else {
        return vec![];
    };
    let importing = match &action {
        Action::ImportBundle if !b.path.is_empty() => {
            let typed = b
                .path
                .text()
                .trim()
                .trim_matches(['"', '\''])
                .to_lowercase();
            typed.ends_with(".zip")
        }
        Action::ImportBundle => matches!(b.entries.get(b.selected), Some(Entry::Bundle { .. })),
        _ => false,
    };
    if importing && form_below {
        state.notice = Some(Notice::Error(
            i18n::text(state.lang, Text::CloseFormFirst).to_string(),
        ));
        return vec![];
    }
    match action {
        Action::Type(c) => b.path.type_char(c, Method::Off, ToneStyle::Classic),
        Action::Paste(p) => b.path.insert_str(p.trim()),
        Action::EraseBack => b.path.backspace(),
        Action::CompletePath if !b.path.is_empty() => {
            return vec![Effect::CompletePath {
                typed: b.path.text().to_string(),
            }];
        }
        Action::MoveUp => b.selected = b.selected.saturating_sub(1),
        Action::MoveDown => {
            b.selected = (b.selected + 1).min(b.entries.len().saturating_sub(1));
        }
        // A typed path: a folder is looked in, a file imported.
        Action::ImportBundle if !b.path.is_empty() => {
            return vec![Effect::OpenBundlePath {
                path: PathBuf::from(b.path.text()),
            }];
        }
        Action::ImportBundle => match b.entries.get(b.selected) {
            Some(Entry::Place(p)) => {
                return vec![Effect::ListBundleFolder {
                    folder: Some(p.clone()),
                }];
            }
            Some(Entry::Bundle { path, .. }) => {
                return vec![Effect::ImportBundle { path: path.clone() }];
            }
            None => {}
        },
        // Into the folder typed, else the one shown.
        Action::ExportBundles => {
            let typed = Some(b.path.text().trim())
                .filter(|t| !t.is_empty())
                .map(PathBuf::from);
            let is_typed = typed.is_some();
            if let Some(folder) = typed.or_else(|| b.folder.clone()) {
                return vec![Effect::ExportBundles {
                    folder,
                    typed: is_typed,
                }];
            }
        }
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}

/// Takes in the folder read: its bundles after the places, the first
/// bundle selected (the newest), else what was selected if still there.
pub fn listed(state: &mut State, folder: PathBuf, places: Vec<PathBuf>, bundles: Vec<Entry>) {
    if let Some(Screen::Bundles(b)) = state.screens.last_mut() {
        let before = b.entries.get(b.selected).map(|e| e.path().to_path_buf());
        b.entries = places.into_iter().map(Entry::Place).collect();
        let first_bundle = b.entries.len();
        b.entries.extend(bundles);
        b.selected = if b.entries.len() > first_bundle && b.folder.as_ref() != Some(&folder) {
            first_bundle
        } else {
            before
                .and_then(|p| b.entries.iter().position(|e| e.path() == p))
                .unwrap_or(0)
        };
        b.folder = Some(folder);
        b.path.clear();
    }
}

/// A completed path, typed on.
pub fn completed(state: &mut State, text: String) {
    if let Some(Screen::Bundles(b)) = state.screens.last_mut() {
        b.path = TextInput::new(&text);
    }
}

/// Shows what an export or import did, and empties the path for the next.
pub fn done(state: &mut State, lines: Vec<String>) {
    if let Some(Screen::Bundles(b)) = state.screens.last_mut() {
        b.report = lines;
        b.path.clear();
    }
}

/// The folder of the bundles screen in front, to read again after an
/// export or an import changed what it holds.
pub fn folder(state: &State) -> Option<PathBuf> {
    match state.screens.last() {
        Some(Screen::Bundles(b)) => b.folder.clone(),
        _ => None,
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, b: &BundlesState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::Bundles)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let report_h = (b.report.len() as u16).min(4);
    let list_h = (b.entries.len() as u16).clamp(1, 6);
    let [folder_line, path_line, list, report, log] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(list_h),
        Constraint::Length(report_h),
        Constraint::Min(1),
    ])
    .areas(inner);
    let folder = b
        .folder
        .as_ref()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    let label = format!("{}: ", t(Text::BundleFolder));
    let room = usize::from(folder_line.width).saturating_sub(label.width());
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(label, theme.bold()),
            Span::raw(cut_start(&folder, room)),
        ])),
        folder_line,
    );
    input_line(frame, path_line, t(Text::BundlePath), &b.path, state, theme);
    let skip = b
        .selected
        .saturating_sub(usize::from(list_h).saturating_sub(1));
    let lines: Vec<Line> = if b.entries.is_empty() {
        vec![Line::styled(t(Text::NoBundlesHere), theme.dim())]
    } else {
        b.entries
            .iter()
            .enumerate()
            .skip(skip)
            .take(usize::from(list_h))
            .map(|(i, e)| {
                let text = match e {
                    Entry::Place(p) => format!("▸ {}", p.display()),
                    Entry::Bundle { path, written } => {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let when = written
                            .map(|w| w.format("%d/%m/%Y %H:%M").to_string())
                            .unwrap_or_default();
                        format!("  {name}  {when}")
                    }
                };
                let style = if i == b.selected {
                    theme.selected()
                } else {
                    Style::new()
                };
                Line::styled(text, style)
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), list);
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
