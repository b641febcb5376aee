//! The terminal screens. A key press flows one way: event (presses only) →
//! keymap → `app::update` (no I/O) → `effect::run` (the store) → `app::apply`
//! → `render::render(&State)`, which only reads. Each screen's state, keys
//! and drawing sit in `screens/`. The terminal is put back on exit, on
//! Ctrl+C and on panic.

pub mod app;
pub mod dialog;
pub mod draw;
pub mod effect;
pub mod input;
pub mod keymap;
pub mod list;
pub mod render;
pub mod screens;
pub mod typing;
pub mod unlock;

use std::collections::{HashSet, VecDeque};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyEvent, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::layout::Size;
use ratatui::widgets::{Paragraph, Wrap};

use crate::bundle::key::Signer;
use crate::clock;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang, Text};
use crate::store::{ListSnapshot, Store, StoreError};
use app::{Effect, Loaded, Outcome, State};
use keymap::Action;
use typing::{Method, ToneStyle};

/// The screens over one open store.
pub struct App {
    pub state: State,
    store: Arc<Store>,
    /// This device's key, opened with the store at the start of the
    /// sitting: what signs its bundles.
    signer: Option<Arc<Signer>>,
    /// The work list while it loads on its own thread, which it does while
    /// the first screen ("who is working") is drawn and answered.
    loading: Option<JoinHandle<Result<list::WorkList, StoreError>>>,
    /// Why the screens had to close, once they have.
    failed: Option<Error>,
    /// Long work ([`Effect::is_long`]) on a thread of its own, so that the
    /// screen draws how far it has got. One effect runs at a time, so the
    /// store keeps one writer.
    running: Option<Running>,
    /// Effects still to run, in order: what the running work's round
    /// asked for after it, and what its outcome asks for.
    effects: VecDeque<Effect>,
    /// Keys and pastes that came while work ran, taken in order once it has
    /// ended, on the state it left: none is lost, none acts on what was
    /// on the screen before.
    held: VecDeque<Event>,
    /// Whether the effects since the last key may have written.
    wrote: bool,
}

/// An effect running on its own thread.
struct Running {
    /// `None`: redb panicked reading the store (a file damaged outside
    /// tothon), which is said as damage, as on the screens' own thread.
    outcome: JoinHandle<Option<Option<Outcome>>>,
    /// Closed when the thread ends, however it ends.
    ended: Receiver<()>,
}

impl App {
    /// Opens the screens over `store` on the clock's day.
    pub fn open(store: Store, lang: Lang) -> Result<App> {
        App::open_on(store, lang, clock::today())
    }

    /// Gives the screens this device's key, to sign bundles with.
    pub fn with_key(mut self, signer: Signer) -> App {
        self.signer = Some(Arc::new(signer));
        self
    }

    /// Opens the screens as on `today`, which judges what is due, how old a
    /// team's last bundle is and the report's default date. Tests and
    /// screenshots pass a fixed day; the device is the store's own.
    pub fn open_on(store: Store, lang: Lang, today: NaiveDate) -> Result<App> {
        let device = store.device()?;
        let typing = match store.setting::<String>("typing")?.as_deref() {
            Some("telex") => Method::Telex,
            Some("vni") => Method::Vni,
            _ => Method::Off,
        };
        let tone = match store.setting::<String>("tone_style")?.as_deref() {
            Some("modern") => ToneStyle::Modern,
            _ => ToneStyle::Classic,
        };
        let all_drafts = store.drafts()?;
        let drafts: HashSet<String> = all_drafts.iter().map(|(k, _)| k.clone()).collect();
        let new_drafts = all_drafts
            .into_iter()
            .filter(|(k, _)| k.starts_with("new:"))
            .collect();
        let snapshot = store.list_snapshot()?;
        let loading = std::thread::spawn(move || load_list(&snapshot, &drafts));
        let mut state = State::new(Loaded {
            lang,
            commune: store.commune()?,
            role: device.role,
            device: device.id,
            today,
            members: store.setting("members")?.unwrap_or_default(),
            last_member: store.setting("last_member")?,
            demo: store.setting::<bool>("demo")?.unwrap_or(false),
            typing,
            tone,
            list: list::WorkList::default(),
            imports: store.imports()?,
        });
        state.unsent = store.unsent()?;
        state.new_drafts = new_drafts;
        Ok(App {
            state,
            store: Arc::new(store),
            signer: None,
            loading: Some(loading),
            failed: None,
            running: None,
            effects: VecDeque::new(),
            held: VecDeque::new(),
            wrote: false,
        })
    }

    /// Waits for the work list if it is still loading. A store that fails
    /// to give it closes the screens, with the reason.
    fn ready(&mut self) {
        let Some(loading) = self.loading.take() else {
            return;
        };
        match loading.join() {
            Ok(Ok(list)) => {
                self.state.loaded(list);
                if matches!(self.state.notice, Some(app::Notice::LoadingList)) {
                    self.state.notice = None;
                }
            }
            Ok(Err(e)) => {
                self.failed = Some(e.into());
                self.state.quit = true;
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// One terminal event. Windows reports key releases too: only presses act.
    pub fn event(&mut self, event: Event) {
        match event {
            Event::Key(k) if k.kind == KeyEventKind::Press => self.key(k),
            Event::Paste(text) => self.paste(&text),
            Event::Resize(width, height) => self.resize(Size::new(width, height)),
            _ => {}
        }
    }

    /// Takes in the terminal's size, so what scrolls is scrolled before the
    /// next frame is drawn.
    pub fn resize(&mut self, size: Size) {
        if self.state.size != size {
            self.state.resized(size);
        }
    }

    /// One key press, through to the store and back; held while long work
    /// runs (see [`App::wait_for`]).
    pub fn key(&mut self, key: KeyEvent) {
        self.input(Event::Key(key));
    }

    pub fn paste(&mut self, text: &str) {
        self.input(Event::Paste(text.to_string()));
    }

    fn input(&mut self, event: Event) {
        self.ready();
        self.wait_for(Some(Duration::ZERO));
        if self.running.is_some() {
            self.held.push_back(event);
        } else {
            self.take(event);
        }
    }

    fn take(&mut self, event: Event) {
        self.take_as(event, false);
    }

    /// [`App::take`]; a key `held` while work ran moves and types, and
    /// confirms nothing: what it would confirm (an import, a save, an
    /// export) came with the work, unseen when it was pressed.
    fn take_as(&mut self, event: Event, held: bool) {
        if self.quit() {
            return;
        }
        let action = match event {
            Event::Key(key) => keymap::resolve(self.state.ctx(), self.state.role.into(), key),
            Event::Paste(text) => Some(Action::Paste(text)),
            _ => None,
        };
        let action = action.filter(|a| !(held && a.confirms()));
        if let Some(action) = action {
            let effects = app::update(&mut self.state, action);
            self.wrote |= !effects.is_empty();
            self.effects.extend(effects);
            self.run_effects();
        }
    }

    /// Runs the effects waiting, in order, until none is left or one is
    /// long work, which is started on its own thread. Outcomes may ask for
    /// more effects; each round is bounded by what the state asks for, and
    /// outcomes never loop back to the same effect.
    fn run_effects(&mut self) {
        let lang = self.state.lang;
        while self.running.is_none() {
            let Some(e) = self.effects.pop_front() else {
                break;
            };
            if e.is_long() {
                let (store, signer) = (Arc::clone(&self.store), self.signer.clone());
                let (ended, ends) = std::sync::mpsc::channel::<()>();
                let outcome = std::thread::spawn(move || {
                    let _ended = ended;
                    crate::crash::store_damage_as_error(|| {
                        crate::progress::counted(|| effect::run(&store, signer.as_deref(), e, lang))
                    })
                });
                self.running = Some(Running {
                    outcome,
                    ended: ends,
                });
            } else if let Some(outcome) = effect::run(&self.store, self.signer.as_deref(), e, lang)
            {
                self.effects.extend(app::apply(&mut self.state, outcome));
            }
        }
        if self.running.is_none() && std::mem::take(&mut self.wrote) {
            // A save or an export changes it; a store that cannot say
            // keeps what was shown.
            if let Ok(n) = self.store.unsent() {
                self.state.unsent = n;
            }
        }
    }

    /// Waits up to `wait` (`None`: as long as it takes) for the long work
    /// running, if any; once it has ended, takes in its outcome, runs what
    /// it asks for and then the keys held meanwhile (which may start more).
    pub fn wait_for(&mut self, wait: Option<Duration>) {
        let Some(running) = &self.running else {
            return;
        };
        let waited = match wait {
            Some(d) => running.ended.recv_timeout(d),
            None => running.ended.recv().map_err(RecvTimeoutError::from),
        };
        if waited == Err(RecvTimeoutError::Timeout) {
            return;
        }
        let Some(running) = self.running.take() else {
            return;
        };
        match running.outcome.join() {
            Ok(Some(Some(outcome))) => self.effects.extend(app::apply(&mut self.state, outcome)),
            Ok(Some(None)) => {}
            // The store file is damaged: the screens close saying so.
            Ok(None) => {
                self.failed = Some(
                    crate::store::StoreError::Damaged {
                        file: self.store.path().to_path_buf(),
                        detail: String::new(),
                    }
                    .into(),
                );
                self.state.quit = true;
                self.held.clear();
                return;
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
        self.run_effects();
        while self.running.is_none() {
            let Some(event) = self.held.pop_front() else {
                break;
            };
            self.take_as(event, true);
        }
    }

    /// Waits until no work is running and no key is held.
    pub fn finish_work(&mut self) {
        while self.running.is_some() {
            self.wait_for(None);
        }
    }

    /// Whether long work is running.
    pub fn working(&self) -> bool {
        self.running.is_some()
    }

    /// Draws what is in front of the user; only the first screen may be
    /// drawn before the work list is in. A frame of another size than the
    /// state knows (the first one, a test's) is taken as a resize first.
    pub fn render(&mut self, frame: &mut Frame) {
        if !matches!(self.state.screen(), app::Screen::Who(_)) {
            self.ready();
        }
        self.resize(frame.area().as_size());
        self.wait_for(Some(Duration::ZERO));
        self.state.working = self.running.as_ref().map(|_| app::Working {
            step: crate::progress::now(),
        });
        render::render(&self.state, frame);
    }

    pub fn quit(&self) -> bool {
        self.state.quit
    }

    /// Whether `event` will wait for the work list, still loading: the
    /// screen should say so first (a million lines take seconds).
    pub fn will_wait(&self, event: &Event) -> bool {
        let acts = matches!(event, Event::Key(k) if k.kind == KeyEventKind::Press)
            || matches!(event, Event::Paste(_));
        acts && self.loading.as_ref().is_some_and(|l| !l.is_finished())
    }

    /// Says the work list is still loading.
    pub fn show_loading(&mut self) {
        self.state.notice = Some(app::Notice::LoadingList);
    }

    /// Why the screens closed, if something went wrong.
    pub fn take_error(&mut self) -> Option<Error> {
        self.failed.take()
    }
}

/// Builds the work list from the store's lines, marking those with typing
/// waiting in a draft.
fn load_list(
    snapshot: &ListSnapshot,
    drafts: &HashSet<String>,
) -> Result<list::WorkList, StoreError> {
    let mut list = list::WorkList::default();
    list.reserve(snapshot.count()? as usize);
    snapshot.each(|row| {
        row.has_draft = drafts.contains(&row.record);
        list.push_loaded(row);
    })?;
    list.finish_loading();
    Ok(list)
}

/// Puts the terminal back however the screen ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), event::DisableBracketedPaste);
        ratatui::restore();
    }
}

fn terminal_error(e: std::io::Error) -> Error {
    Error::Terminal(e.to_string())
}

/// Opens the screens on the store in `dir` until the user quits.
pub fn run(dir: &Path, lang: Lang) -> Result<()> {
    let store = match Store::open(dir) {
        Ok(store) => {
            // A store without a key cannot be opened: say so before the
            // screens start.
            crate::ops::exchange::own_public(&store)?;
            Some(store)
        }
        Err(StoreError::NotSetUp(_)) => None,
        Err(e) => return Err(e.into()),
    };
    // `try_init` also installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::try_init().map_err(terminal_error)?;
    let _restore = Restore;
    execute!(std::io::stdout(), event::EnableBracketedPaste).map_err(terminal_error)?;
    let mut app = match store {
        Some(store) => match unlock_screen(&mut terminal, store, lang)? {
            Some(app) => Some(app),
            None => return Ok(()),
        },
        None => None,
    };
    loop {
        terminal
            .draw(|f| match app.as_mut() {
                Some(app) => app.render(f),
                None => f.render_widget(
                    Paragraph::new(i18n::text(lang, Text::NotSetUpHint)).wrap(Wrap { trim: true }),
                    f.area(),
                ),
            })
            .map_err(terminal_error)?;
        // Drawing may have waited for the work list, and found it unreadable.
        if let Some(app) = app.as_mut().filter(|a| a.quit()) {
            return app.take_error().map_or(Ok(()), Err);
        }
        // Long work redraws its line a few times a second.
        let working = app.as_ref().is_some_and(App::working);
        let tick = Duration::from_millis(if working { 200 } else { 500 });
        if !event::poll(tick).map_err(terminal_error)? {
            continue;
        }
        // Take every event already waiting before drawing again, so a burst of
        // resizes or a fast typist costs one frame.
        loop {
            let ev = event::read().map_err(terminal_error)?;
            if let Some(app) = app.as_mut().filter(|a| a.will_wait(&ev)) {
                app.show_loading();
                terminal.draw(|f| app.render(f)).map_err(terminal_error)?;
            }
            match app.as_mut() {
                Some(app) => app.event(ev),
                None if matches!(ev, Event::Key(k) if k.kind == KeyEventKind::Press) => {
                    return Ok(());
                }
                None => {}
            }
            if let Some(app) = app.as_mut().filter(|a| a.quit()) {
                return app.take_error().map_or(Ok(()), Err);
            }
            if !event::poll(Duration::ZERO).map_err(terminal_error)? {
                break;
            }
        }
        // Work these keys started that ends at once is drawn done, with no
        // line flashing on the screen first.
        if let Some(app) = app.as_mut() {
            app.wait_for(Some(Duration::from_millis(300)));
        }
    }
}

/// Asks for this device's passphrase until it opens the store, then opens
/// the screens on it; `None` when the user leaves instead.
fn unlock_screen(
    terminal: &mut ratatui::DefaultTerminal,
    store: Store,
    lang: Lang,
) -> Result<Option<App>> {
    use crate::ops::exchange;
    let commune = store.commune()?;
    let device = store.device()?;
    let heading = format!(
        "{} · {} · {}",
        commune.name,
        i18n::bundle::party(lang, device.role),
        device.id
    );
    let demo = store.setting::<bool>("demo")?.unwrap_or(false);
    let mut screen = unlock::Unlock::new(lang, heading, demo);
    // The day's first backup is made while the passphrase is typed: it
    // needs none, and at 100,000 cases it takes most of a second.
    let (signer, backup) = std::thread::scope(|s| {
        let backup = s.spawn(|| crate::ops::backup::start_of_day(&store, crate::clock::now()));
        let signer = ask_passphrase(terminal, &store, &mut screen, lang);
        (signer, backup.join())
    });
    let Some(signer) = signer? else {
        return Ok(None);
    };
    let store = exchange::unlock_with(store, &signer)?;
    let mut app = App::open(store, lang)?.with_key(signer);
    // Only a failure is said.
    let failed = match backup {
        Ok(Err(e)) => Some(i18n::bundle::exchange_error(lang, &e)),
        Err(_) => Some("—".to_string()),
        Ok(Ok(_)) => None,
    };
    if let Some(why) = failed {
        app.state.notice = Some(app::Notice::Error(i18n::msg(
            lang,
            &i18n::Msg::BackupFailed { why: &why },
        )));
    }
    Ok(Some(app))
}

/// The unlock screen's loop: the device's key, once a passphrase opens it;
/// `None` when the user leaves instead.
fn ask_passphrase(
    terminal: &mut ratatui::DefaultTerminal,
    store: &Store,
    screen: &mut unlock::Unlock,
    lang: Lang,
) -> Result<Option<crate::bundle::key::Signer>> {
    use crate::bundle::key::KeyError;
    use crate::ops::exchange::{self, ExchangeError};
    loop {
        terminal
            .draw(|f| screen.render(f))
            .map_err(terminal_error)?;
        let step = match event::read().map_err(terminal_error)? {
            Event::Key(k) if k.kind == KeyEventKind::Press => screen.key(k),
            Event::Paste(text) => {
                screen.paste(&text);
                unlock::Step::Wait
            }
            _ => unlock::Step::Wait,
        };
        match step {
            unlock::Step::Wait => {}
            unlock::Step::Quit => return Ok(None),
            unlock::Step::Try(passphrase) => {
                // Say it is opening: the key's derivation takes seconds.
                terminal
                    .draw(|f| screen.render(f))
                    .map_err(terminal_error)?;
                match exchange::open_key(store, &passphrase) {
                    Ok(signer) => return Ok(Some(signer)),
                    Err(e @ ExchangeError::Key(KeyError::WrongPassphrase)) => {
                        screen.refused(i18n::error(lang, &e.into()));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::{Commune, Device, Role};
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn commune_store(dir: &Path) -> Store {
        Store::create(
            dir,
            &Commune::with_numbered_villages("Xã Thử", 6),
            &Device {
                id: "XA0001".into(),
                role: Role::Commune,
            },
        )
        .unwrap()
    }

    fn screen_text(terminal: &ratatui::Terminal<TestBackend>) -> String {
        let buffer = terminal.backend().buffer();
        buffer.content().iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn a_key_that_waits_for_the_list_is_told_so_and_the_notice_goes_once_it_is_in() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::open(commune_store(dir.path()), Lang::Vi).unwrap();
        let mut terminal = ratatui::Terminal::new(TestBackend::new(80, 24)).unwrap();
        app.show_loading();
        terminal.draw(|f| app.render(f)).unwrap();
        assert!(screen_text(&terminal).contains("Đang mở danh sách việc…"));
        app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        terminal.draw(|f| app.render(f)).unwrap();
        assert!(!screen_text(&terminal).contains("Đang mở danh sách việc…"));
        assert!(!app.will_wait(&Event::Paste("x".into())));
    }

    #[test]
    fn an_unreadable_work_list_closes_the_screens_with_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = commune_store(dir.path());
        store.put_raw_list_row("AC-1", &[0xff]).unwrap();
        let mut app = App::open(store, Lang::Vi).unwrap();
        // "Who is working" is drawn without the list.
        let mut terminal = ratatui::Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| app.render(f)).unwrap();
        assert!(!app.quit());
        app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert!(app.quit());
        assert!(matches!(
            app.take_error(),
            Some(Error::Store(StoreError::Corrupt { .. }))
        ));
    }
}
