//! The state shared by every screen, `update` and the effects' outcomes.
//! An action changes the state and returns the effects to carry out; no
//! I/O happens here (`effect.rs` does the store work and feeds the outcome
//! back as an [`Outcome`]). Each screen's own state, keys and drawing live
//! in `screens/`; this file routes an action to the screen in front and
//! keeps what is derived from the state (`settle`) ready for drawing.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use ratatui::layout::Size;

use super::dialog::{self, Dialog, Pending};
use super::input::TextInput;
use super::keymap::{self, Action, Ctx};
use super::list::{Row, WorkList};
use super::screens::bundles::{self, BundlesState};
use super::screens::charts::{self, ChartData};
use super::screens::conflict::{self, ConflictState};
use super::screens::duplicates::{self, DuplicatesState};
use super::screens::form::{self, FormState};
use super::screens::history::{self, HistoryState};
use super::screens::import::{self, ImportState};
use super::screens::new_case::{self, NewCaseState, Step};
use super::screens::picker;
use super::screens::progress::{self, ProgressState};
use super::screens::report::{self, ReportState};
use super::screens::settings::{self, SettingsState};
use super::screens::villages::{self, VillagesState};
use super::screens::who::{self, WhoState};
use super::screens::work_list;
use super::typing::{Method, ToneStyle};
use crate::domain::commune::{Commune, Role, Village, VillageProblem};
use crate::domain::form::{Context, FormSpec};
use crate::domain::register::Register;
use crate::domain::report::Report;
use crate::domain::save::{self, Who};
use crate::domain::version::{Status, Version};
use crate::domain::work::WorkItem;
use crate::i18n::Lang;
use crate::ops::covered::Covering;
use crate::ops::duplicates::SuspectedPair;
use crate::store::{ImportEntry, SavedDraft};

/// Work for `effect.rs`: everything that touches the store.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Read a case's head, work item and any typing draft, to open its form.
    LoadCase {
        record: String,
    },
    /// Read every version of a case for the history screen.
    LoadHistory {
        record: String,
    },
    /// Write a prepared version (one transaction) and drop the typing draft.
    Save {
        prepared: Box<save::Prepared>,
        draft_key: String,
    },
    /// Write a new case opened in the field as [`Effect::Save`] does,
    /// unless other work covers its person or household: then say what.
    SaveNew {
        prepared: Box<save::Prepared>,
        draft_key: String,
    },
    /// Keep what is being typed.
    PutDraft {
        key: String,
        draft: SavedDraft,
    },
    DropDraft {
        key: String,
    },
    /// Remember a per-device setting.
    PutSetting {
        key: &'static str,
        value: String,
    },
    PutMembers {
        members: Vec<String>,
    },
    /// Write files for people (a table export as a workbook and as CSV, a
    /// saved report) into the data folder's `exports`: (name, bytes).
    Export {
        files: Vec<(String, Vec<u8>)>,
    },
    LoadCharts,
    /// Read a work-list file and show what importing it would do.
    PreviewWorklist {
        path: std::path::PathBuf,
        choices: crate::ops::worklist::ImportChoices,
        /// The file is the population register, not a work list.
        register: bool,
    },
    /// Write a previewed register (one transaction).
    ApplyRegister(Box<crate::ops::register::RegisterPreview>),
    /// Write a previewed work list (one transaction) and reload the list.
    ApplyWorklist(Box<crate::worklist::Preview>),
    LoadReport {
        as_of: NaiveDate,
    },
    LoadDuplicates,
    /// Settle a suspected pair (register keys) as a `resolution` choice.
    SettlePair {
        first: String,
        second: String,
        resolution: &'static str,
        who: Who,
    },
    /// Sign and write this device's bundles into `folder` (with the key
    /// opened at the start of the sitting).
    ExportBundles {
        folder: std::path::PathBuf,
        /// A typed folder: it must exist (only the default one is made).
        typed: bool,
    },
    /// Verify, read and merge one bundle file.
    ImportBundle {
        path: std::path::PathBuf,
    },
    /// Read the bundles in `folder` (the last one used when `None`) and
    /// the places a USB stick shows up.
    ListBundleFolder {
        folder: Option<std::path::PathBuf>,
    },
    /// A typed path: a folder is read as [`Effect::ListBundleFolder`], a
    /// file imported.
    OpenBundlePath {
        path: std::path::PathBuf,
    },
    /// Complete a path being typed from what the disk holds.
    CompletePath {
        typed: String,
    },
    /// (Commune) give village `team` a new name.
    RenameVillage {
        team: u8,
        name: String,
    },
    /// (Commune) add a village with the next team number.
    AddVillage {
        name: String,
    },
    /// Read the register (once for the new-case screen), to find who a new
    /// case is about.
    LoadRegister,
    /// Find the work items and cases that already cover a new case of
    /// `form` with `values`, chosen on the register for `team`, before
    /// its form opens.
    FindCovering {
        form: String,
        values: BTreeMap<String, String>,
        team: u8,
    },
}

impl Effect {
    /// Whether this is long work (an import, an export, a count over every
    /// version or the whole register: seconds at 100,000 rows), which runs
    /// off the screen's thread while the screen draws how far it has got
    /// (`tui::App`).
    pub fn is_long(&self) -> bool {
        matches!(
            self,
            Effect::Export { .. }
                | Effect::LoadReport { .. }
                | Effect::LoadCharts
                | Effect::LoadDuplicates
                | Effect::PreviewWorklist { .. }
                | Effect::ApplyRegister(_)
                | Effect::ApplyWorklist(_)
                | Effect::ExportBundles { .. }
                | Effect::ImportBundle { .. }
                | Effect::OpenBundlePath { .. }
                | Effect::SettlePair { .. }
        )
    }
}

/// Long work under way: the step it is at, once it has said, and how far
/// it has got (see [`crate::progress::now`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Working {
    pub step: Option<(crate::progress::Step, u64, u64)>,
}

/// What an effect found or did, fed back into `update`.
#[derive(Clone, Debug)]
pub enum Outcome {
    CaseLoaded {
        record: String,
        heads: Vec<Version>,
        item: Option<Box<WorkItem>>,
        draft: Option<SavedDraft>,
    },
    HistoryLoaded {
        record: String,
        versions: Vec<Version>,
    },
    Saved {
        version: Box<Version>,
        row: Box<Row>,
        /// Problems the version still has (a draft's).
        open_problems: usize,
    },
    Failed(String),
    /// A save with nothing changed: no version, and no draft kept either.
    Unchanged {
        record: String,
        said: String,
    },
    Exported(Vec<std::path::PathBuf>),
    WorklistPreview {
        preview: Box<crate::worklist::Preview>,
        lines: Vec<String>,
        /// What a register file changes on the register.
        register: Option<Box<crate::ops::register::RegisterPreview>>,
    },
    /// The register was written: how many people.
    RegisterWritten(usize),
    /// A work list was imported; the list is read again.
    Imported {
        count: usize,
        rows: Vec<Row>,
    },
    /// What exporting or importing bundles did, line by line; the list and
    /// the imports log as they now are.
    Bundled {
        lines: Vec<String>,
        rows: Option<Vec<Row>>,
        imports: Vec<ImportEntry>,
        /// The folder bundles were written into, to show next.
        written_to: Option<std::path::PathBuf>,
    },
    /// A folder read for the bundles screen.
    BundleFolder {
        folder: std::path::PathBuf,
        places: Vec<std::path::PathBuf>,
        bundles: Vec<bundles::Entry>,
        /// Why this folder and not the last one used, if so.
        note: Option<String>,
    },
    /// A typed path, completed.
    PathCompleted(String),
    Charts(ChartData),
    Report(Box<Report>),
    Duplicates(Vec<SuspectedPair>),
    /// A village was renamed or added; the villages as they now are.
    VillageNamed {
        village: Village,
        added: bool,
        villages: Vec<Village>,
    },
    /// The name cannot be used; nothing was written.
    VillageRefused(VillageProblem),
    /// The register as this device holds it.
    Register(Arc<Register>),
    /// What already covers a new case (none: nothing does), held back
    /// until the person says what to do.
    Covering {
        covering: Vec<Covering>,
        pending: Pending,
    },
}

/// The pieces of text the state asks the view to show, in the user's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Saved {
        record: String,
        status: Status,
    },
    SavedDraft {
        record: String,
        problems: usize,
    },
    DraftKept,
    Conflict,
    NothingToShow,
    /// The work list is still loading (a very large one, on a slow disk).
    LoadingList,
    Error(String),
    Exported(Vec<std::path::PathBuf>),
    Imported(usize),
    RegisterWritten(usize),
    /// A name taken off "who is working".
    MemberRemoved(String),
    /// New cases half-typed (their `new:FORM` keys), waiting under F8.
    NewCaseDrafts(Vec<String>),
    VillageNamed {
        village: Village,
        added: bool,
    },
}

/// A screen on the stack, holding its own state (the work list's rows are
/// shared, in [`State::list`]).
#[derive(Clone, Debug)]
pub enum Screen {
    Who(WhoState),
    List,
    Form(Box<FormState>),
    History(HistoryState),
    Progress(ProgressState),
    Charts(ChartData),
    Report(ReportState),
    Duplicates(DuplicatesState),
    Import(ImportState),
    Bundles(BundlesState),
    Conflict(ConflictState),
    NewCase(NewCaseState),
    Settings(SettingsState),
    Villages(VillagesState),
}

pub struct State {
    pub lang: Lang,
    pub commune: Commune,
    pub role: Role,
    pub device: String,
    pub today: NaiveDate,
    pub members: Vec<String>,
    pub member: Option<String>,
    /// A demo commune's device: its passphrase, known to all, is shown
    /// where it is asked for.
    pub demo: bool,
    pub typing: Method,
    pub tone: ToneStyle,
    pub list: WorkList,
    /// Every bundle seen, for the progress table's "last bundle".
    pub imports: Vec<ImportEntry>,
    /// Saves made here that no bundle has carried yet (the title shows it).
    pub unsent: u64,
    /// New cases half-typed and kept as drafts (`new:FORM` keys): they have
    /// no line on the list, so the start says so and F8 marks their forms.
    pub new_drafts: BTreeMap<String, SavedDraft>,
    /// Counts for the progress screens, recounted when the list changes.
    pub counts: Option<progress::Counts>,
    /// The terminal's size, as the event loop last saw it: how far the
    /// work list scrolls to keep its selection in view.
    pub size: Size,
    /// The screen stack; the last one is shown.
    pub screens: Vec<Screen>,
    pub dialog: Option<Dialog>,
    pub help: bool,
    /// How far the help (F1) is scrolled.
    pub help_scroll: u16,
    pub notice: Option<Notice>,
    /// Long work under way: its line is shown where the notice goes.
    pub working: Option<Working>,
    pub quit: bool,
}

/// Everything the state starts from, as read from the store.
pub struct Loaded {
    pub lang: Lang,
    pub commune: Commune,
    pub role: Role,
    pub device: String,
    pub today: NaiveDate,
    pub members: Vec<String>,
    pub last_member: Option<String>,
    pub demo: bool,
    pub typing: Method,
    pub tone: ToneStyle,
    /// The work list, loaded from the store.
    pub list: WorkList,
    pub imports: Vec<ImportEntry>,
}

impl State {
    pub fn new(l: Loaded) -> State {
        let selected = l
            .last_member
            .as_ref()
            .and_then(|m| l.members.iter().position(|x| x == m))
            .unwrap_or(0);
        let who = Screen::Who(WhoState {
            selected,
            new_name: TextInput::default(),
        });
        // The commune's home is the progress table; a team's, its work list.
        let screens = match l.role {
            Role::Commune => vec![
                Screen::List,
                Screen::Progress(ProgressState::default()),
                who,
            ],
            Role::Team(_) => vec![Screen::List, who],
        };
        State {
            lang: l.lang,
            commune: l.commune,
            role: l.role,
            device: l.device,
            today: l.today,
            members: l.members,
            member: None,
            demo: l.demo,
            typing: l.typing,
            tone: l.tone,
            list: l.list,
            imports: l.imports,
            unsent: 0,
            new_drafts: Default::default(),
            counts: None,
            size: Size::default(),
            screens,
            dialog: None,
            help: false,
            help_scroll: 0,
            notice: None,
            working: None,
            quit: false,
        }
    }

    /// Takes in the work list once it has loaded; what was counted from the
    /// empty one before is counted again.
    pub fn loaded(&mut self, list: WorkList) {
        self.list = list;
        self.list.open_on_follow_ups(self.today);
        self.counts = None;
        settle(self);
    }

    /// Takes in the terminal's new size.
    pub fn resized(&mut self, size: Size) {
        self.size = size;
        settle(self);
    }

    pub fn screen(&self) -> &Screen {
        self.screens.last().unwrap_or(&Screen::List)
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        if self.screens.is_empty() {
            self.screens.push(Screen::List);
        }
        let last = self.screens.len() - 1;
        &mut self.screens[last]
    }

    /// The key context of what is in front of the user.
    pub fn ctx(&self) -> Ctx {
        if self.help {
            return Ctx::Help;
        }
        self.ctx_under_help()
    }

    /// The context the help screen lists the keys of.
    pub fn ctx_under_help(&self) -> Ctx {
        if let Some(d) = &self.dialog {
            return if d.takes_text() {
                Ctx::TextDialog
            } else {
                Ctx::Dialog
            };
        }
        match self.screen() {
            Screen::Who(_) => Ctx::Who,
            Screen::List => Ctx::List,
            Screen::Form(f) if f.picker.is_some() => Ctx::Picker,
            Screen::Form(_) => Ctx::Form,
            Screen::History(_) => Ctx::History,
            Screen::Progress(_) => Ctx::Progress,
            Screen::Charts(_) => Ctx::Charts,
            Screen::Report(_) => Ctx::Report,
            Screen::Duplicates(_) => Ctx::Duplicates,
            Screen::Import(_) => Ctx::Import,
            Screen::Bundles(_) => Ctx::Bundles,
            Screen::Conflict(_) => Ctx::Conflict,
            Screen::NewCase(n) => match n.step {
                Step::Form => Ctx::NewCase,
                Step::Person { .. } => Ctx::FindPerson,
                Step::Village { .. } => Ctx::AskVillage,
            },
            Screen::Settings(_) => Ctx::Settings,
            Screen::Villages(_) => Ctx::Villages,
        }
    }

    pub fn context(&self) -> Context<'_> {
        Context {
            today: self.today,
            villages: &self.commune.villages,
        }
    }

    /// Marks a case's typing draft (`key`, a record or `new:FORM`) as kept
    /// (`Some`, what it holds) or gone: on the list's line, or for a new
    /// case, on the F8 forms (and held, so a new form of that kind offers it
    /// back, however it is opened).
    pub fn mark_draft(&mut self, key: &str, kept: Option<&SavedDraft>) {
        if key.starts_with("new:") {
            match kept {
                Some(d) => {
                    self.new_drafts.insert(key.to_string(), d.clone());
                }
                None => {
                    self.new_drafts.remove(key);
                }
            }
        } else {
            self.list.set_draft_mark(key, kept.is_some());
        }
    }

    /// The spec of the form on screen, if one is open.
    pub fn form_spec(&self) -> Option<&'static FormSpec> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::Form(f) => Some(f.spec),
            _ => None,
        })
    }

    pub fn author(&self) -> String {
        self.member.clone().unwrap_or_default()
    }

    /// Who saves: this device and the person working.
    pub fn who(&self) -> Who {
        Who {
            device: self.device.clone(),
            role: self.role,
            author: self.author(),
        }
    }

    /// The form in front, if it is.
    pub fn form(&self) -> Option<&FormState> {
        match self.screen() {
            Screen::Form(f) => Some(f),
            _ => None,
        }
    }

    pub fn form_mut(&mut self) -> Option<&mut FormState> {
        match self.screen_mut() {
            Screen::Form(f) => Some(f),
            _ => None,
        }
    }
}

/// Applies one action. Returns what must be done to the store.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let effects = dispatch(state, action);
    settle(state);
    effects
}

fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    if !matches!(action, Action::Type(_) | Action::Paste(_)) {
        state.notice = None;
    }
    match action {
        Action::ShowHelp => {
            state.help = true;
            return vec![];
        }
        Action::CycleTyping => return settings::cycle_typing(state),
        Action::Quit => {
            // A form under another screen (the bundles over it) counts too.
            let unsaved = state
                .screens
                .iter()
                .any(|s| matches!(s, Screen::Form(f) if f.unsaved()));
            if state.dialog.is_none() && unsaved {
                state.dialog = Some(Dialog::Quit);
                return vec![];
            }
            // Whatever is typed stays as a draft.
            let effects = form::keep_draft_to_quit(state);
            state.quit = true;
            return effects;
        }
        _ => {}
    }
    if state.help {
        match action {
            Action::CloseHelp => {
                state.help = false;
                state.help_scroll = 0;
            }
            Action::ScrollUp => state.help_scroll = state.help_scroll.saturating_sub(1),
            Action::ScrollDown => {
                let lines = keymap::help(state.ctx_under_help(), state.role.into()).len();
                state.help_scroll = (state.help_scroll + 1).min(lines as u16);
            }
            _ => {}
        }
        return vec![];
    }
    if action == Action::ShowBundles {
        // Offered from every screen but the bundles themselves (the key
        // table does not offer it there).
        return bundles::open(state);
    }
    if let Some(dialog) = state.dialog.take() {
        return dialog::update(state, dialog, action);
    }
    // The screen in front takes the key. Looking it up ends before its
    // handler borrows the state.
    let handler: fn(&mut State, Action) -> Vec<Effect> = match state.screen() {
        Screen::Who(_) => who::update,
        Screen::List => work_list::update,
        Screen::Form(f) if f.picker.is_some() => picker::update,
        Screen::Form(_) => form::update,
        Screen::History(_) => history::update,
        Screen::Progress(_) => progress::update,
        Screen::Charts(_) => charts::update,
        Screen::Report(_) => report::update,
        Screen::Duplicates(_) => duplicates::update,
        Screen::Import(_) => import::update,
        Screen::Bundles(_) => bundles::update,
        Screen::Conflict(_) => conflict::update,
        Screen::NewCase(_) => new_case::update,
        Screen::Settings(_) => settings::update,
        Screen::Villages(_) => villages::update,
    };
    handler(state, action)
}

/// Replaces the list with rows read again from the store, keeping the
/// draft marks and telling derived tables to recount.
fn reload_list(state: &mut State, mut rows: Vec<Row>) {
    let drafts: HashSet<String> = state
        .list
        .views()
        .filter(|r| r.has_draft)
        .map(|r| r.record.to_string())
        .collect();
    super::list::mark_drafts(&mut rows, &drafts);
    let generation = state.list.generation + 1;
    state.list = WorkList::new(rows);
    state.list.today = state.today;
    state.list.generation = generation;
}

/// Applies the outcome of an effect.
pub fn apply(state: &mut State, outcome: Outcome) -> Vec<Effect> {
    let effects = take_in(state, outcome);
    settle(state);
    effects
}

fn take_in(state: &mut State, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::Failed(msg) => {
            state.notice = Some(Notice::Error(msg));
            vec![]
        }
        Outcome::Unchanged { record, said } => {
            state.mark_draft(&record, None);
            state.notice = Some(Notice::Error(said));
            vec![]
        }
        Outcome::Exported(paths) => {
            state.notice = Some(Notice::Exported(paths));
            vec![]
        }
        Outcome::Bundled {
            lines,
            rows,
            imports,
            written_to,
        } => {
            if let Some(rows) = rows {
                reload_list(state, rows);
            }
            state.imports = imports;
            state.counts = None;
            bundles::done(state, lines);
            // What the folder holds changed (an export) or is shown again.
            written_to
                .or_else(|| bundles::folder(state))
                .map(|folder| Effect::ListBundleFolder {
                    folder: Some(folder),
                })
                .into_iter()
                .collect()
        }
        Outcome::BundleFolder {
            folder,
            places,
            bundles,
            note,
        } => {
            bundles::listed(state, folder, places, bundles);
            if let Some(note) = note {
                bundles::done(state, vec![note]);
            }
            vec![]
        }
        Outcome::PathCompleted(text) => {
            bundles::completed(state, text);
            vec![]
        }
        Outcome::WorklistPreview {
            preview,
            lines,
            register,
        } => {
            import::previewed(state, preview, lines, register);
            vec![]
        }
        Outcome::RegisterWritten(count) => {
            state.notice = Some(Notice::RegisterWritten(count));
            if let Some(Screen::Import(_)) = state.screens.last() {
                state.screens.pop();
            }
            vec![]
        }
        Outcome::Imported { count, rows } => {
            reload_list(state, rows);
            state.notice = Some(Notice::Imported(count));
            if let Some(Screen::Import(_)) = state.screens.last() {
                state.screens.pop();
            }
            vec![]
        }
        Outcome::Charts(data) => {
            state.screens.push(Screen::Charts(data));
            vec![]
        }
        Outcome::Report(report) => {
            report::counted(state, *report);
            vec![]
        }
        Outcome::VillageNamed {
            village,
            added,
            villages,
        } => {
            villages::named(state, village, added, villages);
            vec![]
        }
        Outcome::VillageRefused(problem) => {
            dialog::refused(state, problem);
            vec![]
        }
        Outcome::Register(register) => new_case::register_loaded(state, register),
        Outcome::Covering { covering, pending } => dialog::ask_if_covered(state, covering, pending),
        Outcome::Duplicates(pairs) => {
            // Read again after a pair was settled: the same screen, the
            // same pair selected.
            if let Some(Screen::Duplicates(d)) = state.screens.last_mut() {
                d.selected = d.selected.min(pairs.len().saturating_sub(1));
                d.pairs = pairs;
            } else {
                state
                    .screens
                    .push(Screen::Duplicates(DuplicatesState { pairs, selected: 0 }));
            }
            vec![]
        }
        Outcome::CaseLoaded {
            record,
            heads,
            item,
            draft,
        } => {
            form::open_case(state, record, heads, item.map(|i| *i), draft, None);
            vec![]
        }
        Outcome::HistoryLoaded { record, versions } => {
            history::open(state, record, versions);
            vec![]
        }
        Outcome::Saved {
            version,
            row,
            open_problems,
        } => {
            state.list.upsert(*row);
            // The save took the typing draft with it (a new case's too).
            if let Some(key) = state.form().map(|f| f.draft_key()) {
                state.mark_draft(&key, None);
            }
            state.notice = Some(if version.status == Status::Draft {
                Notice::SavedDraft {
                    record: version.record.clone(),
                    problems: open_problems,
                }
            } else {
                Notice::Saved {
                    record: version.record.clone(),
                    status: version.status,
                }
            });
            match state.screens.last() {
                Some(Screen::Form(_) | Screen::Conflict(_)) => {
                    state.screens.pop();
                }
                // A pair settled: its line shows how.
                Some(Screen::Duplicates(_)) => return vec![Effect::LoadDuplicates],
                _ => {}
            }
            vec![]
        }
    }
}

/// Brings what is derived from the state up to date once it has changed
/// (after every action, outcome, resize and the list's arrival), so drawing
/// only reads: the progress counts when a progress screen is in front, and
/// the work list's scroll offset so its selection stays in view.
fn settle(state: &mut State) {
    progress::refresh(state);
    work_list::keep_selection_in_view(state);
}
