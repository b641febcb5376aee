//! The terminal front. For now one home screen: the commune, this device and
//! its cases counted by form and status, so the binary opens on real data.
//! The terminal is put back on exit, on Ctrl+C and on panic.

use std::path::Path;
use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table};

pub mod typing;

use crate::domain::case::CaseEntry;
use crate::domain::commune::{Commune, Role};
use crate::domain::form;
use crate::domain::version::Status;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang, Text};
use crate::store::{Store, StoreError};

/// What the home screen shows, read once from the store.
pub struct Home {
    pub lang: Lang,
    pub setup: Option<(Commune, Role)>,
    /// (form id, counts per status in `Status::ALL` order, conflicts)
    pub rows: Vec<(String, [usize; 4], usize)>,
}

impl Home {
    pub fn load(dir: &Path, lang: Lang) -> Result<Home> {
        let store = match Store::open(dir) {
            Ok(s) => s,
            Err(StoreError::NotSetUp(_)) => {
                return Ok(Home {
                    lang,
                    setup: None,
                    rows: Vec::new(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        let cases = store.cases()?;
        Ok(Home {
            lang,
            setup: Some((store.commune()?, store.device()?.role)),
            rows: count(&cases),
        })
    }
}

fn count(cases: &[CaseEntry]) -> Vec<(String, [usize; 4], usize)> {
    form::forms()
        .iter()
        .map(|f| {
            let mut by_status = [0; 4];
            let mut conflicts = 0;
            for c in cases.iter().filter(|c| c.form == f.id) {
                let i = Status::ALL.iter().position(|s| *s == c.status).unwrap_or(0);
                by_status[i] += 1;
                conflicts += usize::from(c.in_conflict());
            }
            (f.id.clone(), by_status, conflicts)
        })
        .collect()
}

pub fn render(home: &Home, frame: &mut Frame) {
    let lang = home.lang;
    let t = |x| i18n::text(lang, x);
    let [body, footer] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(frame.area());
    let title = match &home.setup {
        Some((commune, Role::Commune)) => format!(
            "{} · {} {}",
            t(Text::AppTitle),
            t(Text::Commune),
            commune.name
        ),
        Some((commune, Role::Team(n))) => {
            let village = commune.village(*n).map(|v| v.name.as_str()).unwrap_or("");
            format!(
                "{} · {} {n} · {village} · {}",
                t(Text::AppTitle),
                t(Text::Team),
                commune.name
            )
        }
        None => t(Text::AppTitle).to_string(),
    };
    let block = Block::bordered().title(Line::from(title));
    if home.setup.is_none() {
        let p = Paragraph::new(t(Text::NotSetUpHint))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block);
        frame.render_widget(p, body);
    } else {
        let header = Row::new(
            std::iter::once(t(Text::Form).to_string())
                .chain(
                    Status::ALL
                        .iter()
                        .map(|s| i18n::status(lang, *s).to_string()),
                )
                .chain(std::iter::once(t(Text::Conflict).to_string())),
        )
        .style(Style::new().add_modifier(Modifier::BOLD));
        let rows = home.rows.iter().map(|(form_id, counts, conflicts)| {
            let name = form::form(form_id)
                .map(|f| f.short.get(lang).to_string())
                .unwrap_or_else(|| form_id.clone());
            Row::new(
                std::iter::once(name)
                    .chain(counts.iter().map(|n| n.to_string()))
                    .chain(std::iter::once(conflicts.to_string())),
            )
        });
        let widths = [
            Constraint::Min(12),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Length(9),
        ];
        frame.render_widget(Table::new(rows, widths).header(header).block(block), body);
    }
    frame.render_widget(
        Paragraph::new(t(Text::KeysQuit)).style(Style::new().add_modifier(Modifier::REVERSED)),
        footer,
    );
}

/// Puts the terminal back however the screen ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

pub fn run(dir: &Path, lang: Lang) -> Result<()> {
    let home = Home::load(dir, lang)?;
    // `init` also installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::try_init().map_err(|e| Error::Terminal(e.to_string()))?;
    let _restore = Restore;
    loop {
        terminal
            .draw(|f| render(&home, f))
            .map_err(|e| Error::Terminal(e.to_string()))?;
        if !event::poll(Duration::from_millis(250)).map_err(|e| Error::Terminal(e.to_string()))? {
            continue;
        }
        match event::read().map_err(|e| Error::Terminal(e.to_string()))? {
            // Windows reports releases too: act on presses only.
            Event::Key(k) if k.kind == KeyEventKind::Press => match k.code {
                KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => return Ok(()),
                _ => {}
            },
            _ => {}
        }
    }
}
