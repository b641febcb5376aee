//! The screen state and `update`: an action changes the state and returns the
//! effects to carry out. No I/O happens here; `effect.rs` does the store work
//! and feeds the outcome back as an [`Outcome`].

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::dashboard::{self, ChartData, DashState, DupPair, DupState, ReportState};
use super::input::TextInput;
use super::keymap::{Action, Ctx};
use super::list::{Row, WorkList};
use super::typing::{Method, ToneStyle};
use crate::domain::commune::{Commune, Role};
use crate::domain::form::{self, Context, FieldSpec, FormSpec, Kind, MULTI_SEP};
use crate::domain::report::Report;
use crate::domain::rules::{PartialDate, ProblemKind};
use crate::domain::save::{self, Blocked, Consent, Who};
use crate::domain::version::{Status, Version};
use crate::domain::work::WorkItem;
use crate::i18n::Lang;
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
    /// Write a file for people (a table export, a saved report) into the
    /// data folder's `exports`.
    Export {
        name: String,
        bytes: Vec<u8>,
    },
    LoadCharts,
    /// Read a work-list file and show what importing it would do.
    PreviewWorklist {
        path: std::path::PathBuf,
        fix_zeros: bool,
    },
    /// Write a previewed work list (one transaction) and reload the list.
    ApplyWorklist(Box<crate::worklist::Preview>),
    LoadReport {
        as_of: NaiveDate,
    },
    LoadDuplicates,
    /// Sign and write this device's bundles.
    ExportBundles {
        passphrase: String,
    },
    /// Verify and merge one bundle file.
    ImportBundle {
        path: std::path::PathBuf,
    },
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
    Exported(std::path::PathBuf),
    WorklistPreview {
        preview: Box<crate::worklist::Preview>,
        lines: Vec<String>,
    },
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
    },
    Charts(ChartData),
    Report(Box<Report>),
    Duplicates(Vec<DupPair>),
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
    Exported(std::path::PathBuf),
    Imported(usize),
}

#[derive(Clone, Debug)]
pub enum Dialog {
    /// Leave the form: keep the draft (Enter), throw the changes away
    /// (Delete), or stay (Esc).
    LeaveForm,
    /// A draft of this case exists: use it (Enter) or discard it (Delete).
    OfferDraft(SavedDraft),
    /// Errors remain: save as a draft (Enter) or go back (Esc).
    SaveAsDraft { errors: Vec<(String, ProblemKind)> },
    /// Warnings to confirm before saving.
    ConfirmWarnings {
        warnings: Vec<(String, ProblemKind)>,
    },
    /// Quit with a form open and changed.
    Quit,
    /// (Commune) the comment to send a case back with.
    ReturnForCorrection { comment: TextInput },
    /// The signing key's passphrase, to export bundles.
    Passphrase { input: TextInput },
}

/// A pick list over a choice field's options, filtered by typing.
#[derive(Clone, Debug)]
pub struct Picker {
    pub field: usize,
    pub multi: bool,
    pub filter: TextInput,
    pub options: Vec<(String, String)>,
    /// Indices into `options` that match the filter.
    pub matches: Vec<usize>,
    pub selected: usize,
    pub picked: Vec<String>,
}

impl Picker {
    fn refilter(&mut self) {
        let q = crate::domain::text::fold(self.filter.text());
        self.matches = (0..self.options.len())
            .filter(|&i| {
                let (id, label) = &self.options[i];
                q.is_empty()
                    || crate::domain::text::fold(label).contains(&q)
                    || crate::domain::text::fold(id).contains(&q)
            })
            .collect();
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }

    pub fn highlighted(&self) -> Option<&(String, String)> {
        self.matches.get(self.selected).map(|&i| &self.options[i])
    }
}

/// What one field holds while it is edited.
#[derive(Clone, Debug, Default)]
pub struct FieldInput {
    pub text: TextInput,
    /// Picked choice ids (one for a choice field, any for multi-choice).
    pub choice: Vec<String>,
}

/// What a form was opened on.
#[derive(Clone, Debug)]
pub enum FormBase {
    /// A new case: of a work item (the form's record), or opened in the
    /// field, for a team.
    New { team: u8 },
    /// The case's head, which a save edits.
    Head(Box<Version>),
}

#[derive(Clone, Debug)]
pub struct FormState {
    pub spec: &'static FormSpec,
    pub record: Option<String>,
    pub base: FormBase,
    pub inputs: Vec<FieldInput>,
    pub focus: usize,
    /// Fields the user has left at least once: their problems show.
    pub visited: HashSet<usize>,
    /// Problems shown next to fields.
    pub problems: HashMap<usize, ProblemKind>,
    /// Raw values when opened or last kept as a draft.
    pub baseline: BTreeMap<String, String>,
    /// Raw values as saved (or opened); unsaved = differs from this.
    pub saved: BTreeMap<String, String>,
    pub picker: Option<Picker>,
}

impl FormState {
    /// What a save of this form starts from.
    pub fn save_base(&self) -> save::Base<'_> {
        match &self.base {
            FormBase::New { team } => save::Base::New {
                work_item: self.record.as_deref(),
                team: *team,
            },
            FormBase::Head(head) => save::Base::Edit(head),
        }
    }

    /// The head the form edits, if it is not a new case.
    pub fn head(&self) -> Option<&Version> {
        match &self.base {
            FormBase::New { .. } => None,
            FormBase::Head(head) => Some(head),
        }
    }

    /// Status of the version this form was opened from.
    pub fn status(&self) -> Option<Status> {
        self.head().map(|h| h.status)
    }

    /// Warnings the opened version recorded as confirmed.
    pub fn confirmed(&self) -> &[String] {
        self.head().map_or(&[], |h| &h.confirmed)
    }

    pub fn draft_key(&self) -> String {
        match &self.record {
            Some(r) => r.clone(),
            None => format!("new:{}", self.spec.id),
        }
    }

    pub fn field(&self, i: usize) -> &FieldSpec {
        &self.spec.fields[i]
    }

    /// The raw value of every field: choice ids, or the text as typed.
    pub fn raw_values(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        // Dependent kinds read the plain fields first.
        for pass in [false, true] {
            for (i, f) in self.spec.fields.iter().enumerate() {
                if matches!(f.kind, Kind::Depends { .. }) != pass {
                    continue;
                }
                let v = raw_of(f.kind_for(&out), &self.inputs[i]);
                if !v.is_empty() {
                    out.insert(f.id.clone(), v);
                }
            }
        }
        out
    }

    pub fn unsaved(&self) -> bool {
        self.raw_values() != self.saved
    }

    /// Whether field `i` takes a pick list (in its current kind).
    pub fn is_choice(&self, i: usize) -> bool {
        let values = self.raw_values();
        matches!(
            self.field(i).kind_for(&values),
            Kind::Choice { .. } | Kind::MultiChoice { .. }
        )
    }
}

fn raw_of(kind: &Kind, input: &FieldInput) -> String {
    match kind {
        Kind::Choice { .. } => input.choice.first().cloned().unwrap_or_default(),
        Kind::MultiChoice { .. } => input.choice.join(&MULTI_SEP.to_string()),
        _ => input.text.text().to_string(),
    }
}

/// Puts stored (or draft) values into inputs, as a person reads them.
fn inputs_for(
    spec: &FormSpec,
    values: &BTreeMap<String, String>,
    lang: Lang,
    commune: &Commune,
) -> Vec<FieldInput> {
    spec.fields
        .iter()
        .map(|f| {
            let value = values.get(&f.id).cloned().unwrap_or_default();
            match f.kind_for(values) {
                Kind::Choice { .. } => FieldInput {
                    text: TextInput::default(),
                    choice: if value.is_empty() {
                        vec![]
                    } else {
                        vec![value]
                    },
                },
                Kind::MultiChoice { .. } => FieldInput {
                    text: TextInput::default(),
                    choice: value
                        .split(MULTI_SEP)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                },
                Kind::Date { .. } if PartialDate::parse_iso(&value).is_some() => FieldInput {
                    text: TextInput::new(&spec.display(f, &value, values, lang, &commune.villages)),
                    choice: vec![],
                },
                _ => FieldInput {
                    text: TextInput::new(&value),
                    choice: vec![],
                },
            }
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct HistoryState {
    pub record: String,
    /// Oldest first.
    pub versions: Vec<Version>,
    pub selected: usize,
    pub marked: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct WhoState {
    pub selected: usize,
    /// The name being typed for a new member (the last entry of the list).
    pub new_name: TextInput,
}

#[derive(Clone, Debug)]
pub enum Screen {
    Who(WhoState),
    List,
    Form(Box<FormState>),
    History(HistoryState),
    Dashboard(DashState),
    Charts(ChartData),
    Report(ReportState),
    Duplicates(DupState),
    Import(dashboard::ImportState),
    Bundles(super::exchange::BundlesState),
    Conflict(super::exchange::ConflictState),
    NewCase { selected: usize },
    Settings { selected: usize },
}

pub struct State {
    pub lang: Lang,
    pub commune: Commune,
    pub role: Role,
    pub device: String,
    pub today: NaiveDate,
    pub members: Vec<String>,
    pub member: Option<String>,
    pub typing: Method,
    pub tone: ToneStyle,
    pub list: WorkList,
    /// Every bundle seen, for the progress table's "last bundle".
    pub imports: Vec<ImportEntry>,
    /// Counts for the progress screens, recounted when the list changes.
    pub counts: Option<dashboard::Counts>,
    /// The screen stack; the last one is shown.
    pub screens: Vec<Screen>,
    pub dialog: Option<Dialog>,
    pub help: bool,
    pub notice: Option<Notice>,
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
            Role::Commune => vec![Screen::List, Screen::Dashboard(DashState::default()), who],
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
            typing: l.typing,
            tone: l.tone,
            list: l.list,
            imports: l.imports,
            counts: None,
            screens,
            dialog: None,
            help: false,
            notice: None,
            quit: false,
        }
    }

    /// Takes in the work list once it has loaded; what was counted from the
    /// empty one before is counted again.
    pub fn loaded(&mut self, list: WorkList) {
        self.list = list;
        self.counts = None;
    }

    pub fn screen(&self) -> &Screen {
        self.screens.last().unwrap_or(&Screen::List)
    }

    fn screen_mut(&mut self) -> &mut Screen {
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
        if self.dialog.is_some() {
            return Ctx::Dialog;
        }
        match self.screen() {
            Screen::Who(_) => Ctx::Who,
            Screen::List => Ctx::List,
            Screen::Form(f) if f.picker.is_some() => Ctx::Picker,
            Screen::Form(_) => Ctx::Form,
            Screen::History(_) => Ctx::History,
            Screen::Dashboard(_) => Ctx::Progress,
            Screen::Charts(_) => Ctx::Charts,
            Screen::Report(_) => Ctx::Report,
            Screen::Duplicates(_) => Ctx::Duplicates,
            Screen::Import(_) => Ctx::Import,
            Screen::Bundles(_) => Ctx::Bundles,
            Screen::Conflict(_) => Ctx::Conflict,
            Screen::NewCase { .. } => Ctx::NewCase,
            Screen::Settings { .. } => Ctx::Settings,
        }
    }

    pub fn context(&self) -> Context<'_> {
        Context {
            today: self.today,
            villages: &self.commune.villages,
        }
    }

    /// The spec of the form on screen, if one is open.
    pub fn form_spec(&self) -> Option<&'static FormSpec> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::Form(f) => Some(f.spec),
            _ => None,
        })
    }

    fn author(&self) -> String {
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

    fn form(&self) -> Option<&FormState> {
        match self.screen() {
            Screen::Form(f) => Some(f),
            _ => None,
        }
    }

    fn form_mut(&mut self) -> Option<&mut FormState> {
        match self.screen_mut() {
            Screen::Form(f) => Some(f),
            _ => None,
        }
    }
}

/// Applies one action. Returns what must be done to the store.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if !matches!(action, Action::Type(_) | Action::Paste(_)) {
        state.notice = None;
    }
    match action {
        Action::ShowHelp => {
            state.help = true;
            return vec![];
        }
        Action::CycleTyping => return next_typing(state),
        Action::Quit => {
            if state.dialog.is_none() && state.form().is_some_and(|f| f.unsaved()) {
                state.dialog = Some(Dialog::Quit);
                return vec![];
            }
            // Whatever is typed stays as a draft.
            let effects = keep_draft(state);
            state.quit = true;
            return effects;
        }
        _ => {}
    }
    if state.help {
        if action == Action::CloseHelp {
            state.help = false;
        }
        return vec![];
    }
    if let Some(dialog) = state.dialog.take() {
        return on_dialog(state, dialog, action);
    }
    match state.screen().clone_kind() {
        Kind_::Who => on_who(state, action),
        Kind_::List => on_list(state, action),
        Kind_::Form => on_form(state, action),
        Kind_::History => on_history(state, action),
        Kind_::Dashboard => dashboard::on_dashboard(state, action),
        Kind_::Charts => {
            if action == Action::GoBack {
                state.screens.pop();
            }
            vec![]
        }
        Kind_::Report => dashboard::on_report(state, action),
        Kind_::Duplicates => dashboard::on_duplicates(state, action),
        Kind_::Import => dashboard::on_import(state, action),
        Kind_::Bundles => super::exchange::on_bundles(state, action),
        Kind_::Conflict => super::exchange::on_conflict(state, action),
        Kind_::NewCase => on_new_case(state, action),
        Kind_::Settings => on_settings(state, action),
    }
}

/// Which screen is on top, without borrowing it.
enum Kind_ {
    Who,
    List,
    Form,
    History,
    Dashboard,
    Charts,
    Report,
    Duplicates,
    Import,
    Bundles,
    Conflict,
    NewCase,
    Settings,
}

impl Screen {
    fn clone_kind(&self) -> Kind_ {
        match self {
            Screen::Who(_) => Kind_::Who,
            Screen::List => Kind_::List,
            Screen::Form(_) => Kind_::Form,
            Screen::History(_) => Kind_::History,
            Screen::Dashboard(_) => Kind_::Dashboard,
            Screen::Charts(_) => Kind_::Charts,
            Screen::Report(_) => Kind_::Report,
            Screen::Duplicates(_) => Kind_::Duplicates,
            Screen::Import(_) => Kind_::Import,
            Screen::Bundles(_) => Kind_::Bundles,
            Screen::Conflict(_) => Kind_::Conflict,
            Screen::NewCase { .. } => Kind_::NewCase,
            Screen::Settings { .. } => Kind_::Settings,
        }
    }
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
    state.list.generation = generation;
}

/// Applies the outcome of an effect.
pub fn apply(state: &mut State, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::Failed(msg) => {
            state.notice = Some(Notice::Error(msg));
            vec![]
        }
        Outcome::Exported(path) => {
            state.notice = Some(Notice::Exported(path));
            vec![]
        }
        Outcome::Bundled {
            lines,
            rows,
            imports,
        } => {
            if let Some(rows) = rows {
                reload_list(state, rows);
            }
            state.imports = imports;
            state.counts = None;
            if let Some(Screen::Bundles(b)) = state.screens.last_mut() {
                b.report = lines;
                b.path.clear();
            }
            vec![]
        }
        Outcome::WorklistPreview { preview, lines } => {
            if let Some(Screen::Import(im)) = state.screens.last_mut() {
                im.preview = Some(preview);
                im.lines = lines;
                im.scroll = 0;
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
            if let Some(Screen::Report(r)) = state.screens.last_mut() {
                r.as_of = TextInput::new(&report.as_of.format("%d/%m/%Y").to_string());
                r.report = Some(*report);
            }
            vec![]
        }
        Outcome::Duplicates(pairs) => {
            state
                .screens
                .push(Screen::Duplicates(DupState { pairs, selected: 0 }));
            vec![]
        }
        Outcome::CaseLoaded {
            record,
            heads,
            item,
            draft,
        } => {
            open_case(state, record, heads, item.map(|i| *i), draft, None);
            vec![]
        }
        Outcome::HistoryLoaded { record, versions } => {
            if versions.is_empty() {
                state.notice = Some(Notice::NothingToShow);
            } else {
                let selected = versions.len() - 1;
                state.screens.push(Screen::History(HistoryState {
                    record,
                    versions,
                    selected,
                    marked: None,
                }));
            }
            vec![]
        }
        Outcome::Saved {
            version,
            row,
            open_problems,
        } => {
            state.list.upsert(*row);
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
            if let Some(Screen::Form(_) | Screen::Conflict(_)) = state.screens.last() {
                state.screens.pop();
            }
            vec![]
        }
    }
}

fn on_who(state: &mut State, action: Action) -> Vec<Effect> {
    let count = state.members.len();
    let members = state.members.clone();
    let Screen::Who(who) = state.screen_mut() else {
        return vec![];
    };
    let adding = who.selected == count;
    match action {
        Action::MoveUp => who.selected = who.selected.saturating_sub(1),
        Action::MoveDown => who.selected = (who.selected + 1).min(count),
        Action::Type(c) if adding => who.new_name.type_char(c, Method::Off, ToneStyle::Classic),
        Action::Paste(s) if adding => who.new_name.insert_str(&s),
        Action::EraseBack if adding => who.new_name.backspace(),
        Action::ChooseMember => {
            let name = if adding {
                crate::domain::text::clean(who.new_name.text())
            } else {
                members[who.selected].clone()
            };
            if name.is_empty() {
                return vec![];
            }
            state.screens.pop();
            let mut effects = vec![Effect::PutSetting {
                key: "last_member",
                value: name.clone(),
            }];
            if !state.members.contains(&name) {
                state.members.push(name.clone());
                effects.push(Effect::PutMembers {
                    members: state.members.clone(),
                });
            }
            state.member = Some(name);
            return effects;
        }
        _ => {}
    }
    vec![]
}

fn on_list(state: &mut State, action: Action) -> Vec<Effect> {
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
        Action::Type(c) => {
            let mut q = state.list.query().to_string();
            q.push(c);
            state.list.set_query(&q);
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
        Action::ShowProgress => state.screens.push(Screen::Dashboard(DashState::default())),
        Action::NewCase => state.screens.push(Screen::NewCase { selected: 0 }),
        Action::ShowSettings => state.screens.push(Screen::Settings { selected: 0 }),
        Action::ShowBundles => state
            .screens
            .push(Screen::Bundles(super::exchange::BundlesState::default())),
        _ => {}
    }
    vec![]
}

/// The settings screen's lines, in order.
pub const SETTINGS: [Setting; 3] = [Setting::Typing, Setting::Tone, Setting::Member];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Typing,
    Tone,
    Member,
}

fn next_typing(state: &mut State) -> Vec<Effect> {
    state.typing = match state.typing {
        Method::Off => Method::Telex,
        Method::Telex => Method::Vni,
        Method::Vni => Method::Off,
    };
    let value = match state.typing {
        Method::Off => "off",
        Method::Telex => "telex",
        Method::Vni => "vni",
    };
    vec![Effect::PutSetting {
        key: "typing",
        value: value.into(),
    }]
}

fn on_settings(state: &mut State, action: Action) -> Vec<Effect> {
    let members = state.members.clone();
    let current = state.member.clone();
    let Screen::Settings { selected } = state.screen_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => *selected = selected.saturating_sub(1),
        Action::MoveDown => *selected = (*selected + 1).min(SETTINGS.len() - 1),
        Action::GoBack => {
            state.screens.pop();
        }
        Action::ChangeSetting => match SETTINGS[*selected] {
            Setting::Typing => return next_typing(state),
            Setting::Tone => {
                state.tone = match state.tone {
                    ToneStyle::Classic => ToneStyle::Modern,
                    ToneStyle::Modern => ToneStyle::Classic,
                };
                let value = match state.tone {
                    ToneStyle::Classic => "classic",
                    ToneStyle::Modern => "modern",
                };
                return vec![Effect::PutSetting {
                    key: "tone_style",
                    value: value.into(),
                }];
            }
            Setting::Member => {
                let selected = current
                    .and_then(|m| members.iter().position(|x| *x == m))
                    .unwrap_or(0);
                state.screens.push(Screen::Who(WhoState {
                    selected,
                    new_name: TextInput::default(),
                }));
            }
        },
        _ => {}
    }
    vec![]
}

fn on_new_case(state: &mut State, action: Action) -> Vec<Effect> {
    let Screen::NewCase { selected } = state.screen_mut() else {
        return vec![];
    };
    let count = form::forms().len();
    match action {
        Action::MoveUp => *selected = selected.saturating_sub(1),
        Action::MoveDown => *selected = (*selected + 1).min(count - 1),
        Action::GoBack => {
            state.screens.pop();
        }
        Action::OpenBlankForm => {
            let spec = &form::forms()[*selected];
            state.screens.pop();
            return vec![Effect::LoadCase {
                record: format!("new:{}", spec.id),
            }];
        }
        _ => {}
    }
    vec![]
}

/// Opens a new case of `form_id` with `values` filled in, for `team`.
pub fn open_new(state: &mut State, form_id: &str, values: BTreeMap<String, String>, team: u8) {
    open_case(
        state,
        format!("new:{form_id}"),
        Vec::new(),
        None,
        None,
        Some((values, team)),
    );
}

/// Opens the form of a case (or a new one, `new:<form>`), offering a draft.
fn open_case(
    state: &mut State,
    record: String,
    heads: Vec<Version>,
    item: Option<WorkItem>,
    draft: Option<SavedDraft>,
    initial: Option<(BTreeMap<String, String>, u8)>,
) {
    let team_of_device = match state.role {
        Role::Team(t) => Some(t),
        Role::Commune => None,
    };
    let (spec_id, record_id, values, base) = if let Some(new_form) = record.strip_prefix("new:") {
        let mut values = BTreeMap::new();
        if let Some(t) = team_of_device
            && form::form(new_form)
                .and_then(|s| s.field("village"))
                .is_some()
        {
            values.insert("village".to_string(), t.to_string());
        }
        let mut team = team_of_device.unwrap_or(1);
        if let Some((given, t)) = initial {
            values.extend(given);
            team = t;
        }
        (new_form.to_string(), None, values, FormBase::New { team })
    } else {
        let newest = crate::domain::merge::newest(&heads.iter().collect::<Vec<_>>()).cloned();
        match newest {
            Some(head) => {
                if let Some(screen) = super::exchange::conflict_screen(state, &heads) {
                    state.screens.push(screen);
                    return;
                }
                if heads.len() > 1 {
                    state.notice = Some(Notice::Conflict);
                }
                (
                    head.form.clone(),
                    Some(record.clone()),
                    head.values.clone(),
                    FormBase::Head(Box::new(head)),
                )
            }
            None => match item {
                Some(item) => (
                    item.form.clone(),
                    Some(record.clone()),
                    item.prefill.clone(),
                    FormBase::New { team: item.team },
                ),
                None => {
                    state.notice = Some(Notice::NothingToShow);
                    return;
                }
            },
        }
    };
    let Some(spec) = form::form(&spec_id) else {
        state.notice = Some(Notice::NothingToShow);
        return;
    };
    let inputs = inputs_for(spec, &values, state.lang, &state.commune);
    let mut f = FormState {
        spec,
        record: record_id,
        base,
        inputs,
        focus: 0,
        // What is already filled in shows its problems at once.
        visited: spec
            .fields
            .iter()
            .enumerate()
            .filter(|(_, fl)| values.contains_key(&fl.id))
            .map(|(i, _)| i)
            .collect(),
        problems: HashMap::new(),
        baseline: BTreeMap::new(),
        saved: BTreeMap::new(),
        picker: None,
    };
    f.saved = f.raw_values();
    f.baseline = f.saved.clone();
    state.screens.push(Screen::Form(Box::new(f)));
    recheck(state, false);
    if let Some(d) = draft {
        state.dialog = Some(Dialog::OfferDraft(d));
    }
}

/// Re-checks the form and shows the problems of visited fields (all fields,
/// with `Required`, when `all` is set: at save time).
fn recheck(state: &mut State, all: bool) {
    let ctx_today = state.today;
    let villages = state.commune.villages.clone();
    let Some(f) = state.form_mut() else {
        return;
    };
    let checked = f.spec.check(
        &f.raw_values(),
        &Context {
            today: ctx_today,
            villages: &villages,
        },
    );
    f.problems.clear();
    for p in checked.problems {
        let Some(i) = f.spec.fields.iter().position(|x| x.id == p.field) else {
            continue;
        };
        let shown = all || (f.visited.contains(&i) && p.kind != ProblemKind::Required);
        if shown && !f.problems.contains_key(&i) {
            f.problems.insert(i, p.kind);
        }
    }
}

/// Keeps what is typed as a draft if it changed since last kept.
fn keep_draft(state: &mut State) -> Vec<Effect> {
    let author = state.author();
    let Some(f) = state.form_mut() else {
        return vec![];
    };
    let values = f.raw_values();
    if values == f.baseline || values == f.saved {
        return vec![];
    }
    f.baseline = values.clone();
    let key = f.draft_key();
    let record = f.record.clone();
    let draft = SavedDraft {
        form: f.spec.id.clone(),
        record: record.clone(),
        parents: f.head().map(|h| vec![h.id.clone()]).unwrap_or_default(),
        values,
        author,
        // Stamped by the effect that writes it.
        saved_at: String::new(),
    };
    if let Some(r) = &record {
        state.list.set_draft_mark(r, true);
    }
    vec![Effect::PutDraft { key, draft }]
}

fn move_focus(state: &mut State, delta: isize) -> Vec<Effect> {
    if let Some(f) = state.form_mut() {
        f.visited.insert(f.focus);
        let last = f.inputs.len() as isize - 1;
        f.focus = (f.focus as isize + delta).clamp(0, last) as usize;
    }
    recheck(state, false);
    keep_draft(state)
}

fn open_picker(state: &mut State, initial: Option<char>) {
    let lang = state.lang;
    let villages = state.commune.villages.clone();
    let Some(f) = state.form_mut() else {
        return;
    };
    let i = f.focus;
    let values = f.raw_values();
    let kind = f.field(i).kind_for(&values);
    let multi = matches!(kind, Kind::MultiChoice { .. });
    let mut p = Picker {
        field: i,
        multi,
        filter: TextInput::default(),
        options: form::choices_of(kind, lang, &villages),
        matches: vec![],
        selected: 0,
        picked: f.inputs[i].choice.clone(),
    };
    if let Some(c) = initial {
        p.filter.type_char(c, Method::Off, ToneStyle::Classic);
    }
    p.refilter();
    if let Some(cur) = f.inputs[i].choice.first()
        && initial.is_none()
    {
        p.selected = p
            .matches
            .iter()
            .position(|&m| &p.options[m].0 == cur)
            .unwrap_or(0);
    }
    f.picker = Some(p);
}

fn on_form(state: &mut State, action: Action) -> Vec<Effect> {
    if state.form().is_some_and(|f| f.picker.is_some()) {
        return on_picker(state, action);
    }
    let typing = state.typing;
    let tone = state.tone;
    let Some(f) = state.form() else {
        return vec![];
    };
    let focus = f.focus;
    let choice = f.is_choice(focus);
    // Vietnamese typing helps names and free text, never codes and numbers.
    let method = match f.field(focus).kind_for(&f.raw_values()) {
        Kind::Text { .. } | Kind::Name => typing,
        _ => Method::Off,
    };
    match action {
        Action::NextField => return move_focus(state, 1),
        Action::PrevField => return move_focus(state, -1),
        Action::ChooseOrNextField if choice => open_picker(state, None),
        Action::ChooseOrNextField => return move_focus(state, 1),
        Action::Type(c) if choice => open_picker(state, (c != ' ').then_some(c)),
        Action::SaveCase => return save(state, Consent::default()),
        Action::ReturnForCorrection => {
            let saved_case = state.form().is_some_and(|f| f.head().is_some());
            if state.role == Role::Commune && saved_case {
                state.dialog = Some(Dialog::ReturnForCorrection {
                    comment: TextInput::default(),
                });
            } else {
                state.notice = Some(Notice::NothingToShow);
            }
        }
        Action::ShowHistory => {
            if let Some(r) = state.form().and_then(|f| f.record.clone()) {
                return vec![Effect::LoadHistory { record: r }];
            }
        }
        Action::LeaveForm => {
            let unsaved = state.form().is_some_and(|f| f.unsaved());
            if unsaved {
                state.dialog = Some(Dialog::LeaveForm);
            } else {
                state.screens.pop();
            }
        }
        Action::EraseBack if choice => {
            if let Some(f) = state.form_mut() {
                f.inputs[focus].choice.clear();
            }
        }
        other => {
            let Some(f) = state.form_mut() else {
                return vec![];
            };
            let input = &mut f.inputs[focus].text;
            match other {
                Action::Type(c) => input.type_char(c, method, tone),
                Action::Paste(s) => input.insert_str(&s),
                Action::EraseBack => input.backspace(),
                Action::EraseForward => input.delete(),
                Action::CursorLeft => input.left(),
                Action::CursorRight => input.right(),
                Action::CursorHome => input.home(),
                Action::CursorEnd => input.end(),
                _ => {}
            }
        }
    }
    vec![]
}

fn on_picker(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(f) = state.form_mut() else {
        return vec![];
    };
    let Some(p) = f.picker.as_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => p.selected = p.selected.saturating_sub(1),
        Action::MoveDown => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
        Action::Type(c) => {
            p.filter.type_char(c, Method::Off, ToneStyle::Classic);
            p.refilter();
        }
        Action::Paste(s) => {
            p.filter.insert_str(&s);
            p.refilter();
        }
        Action::EraseBack => {
            p.filter.backspace();
            p.refilter();
        }
        Action::TickChoice if p.multi => {
            if let Some((id, _)) = p.highlighted().cloned() {
                if let Some(pos) = p.picked.iter().position(|x| x == &id) {
                    p.picked.remove(pos);
                } else {
                    p.picked.push(id);
                }
            }
        }
        Action::TickChoice => {
            p.filter.type_char(' ', Method::Off, ToneStyle::Classic);
            p.refilter();
        }
        Action::CloseChoices => f.picker = None,
        Action::PickChoice => {
            let field = p.field;
            let picked = if p.multi {
                // Keep the order of the options, as stored values are.
                let mut picked = p.picked.clone();
                picked.sort_by_key(|id| p.options.iter().position(|(o, _)| o == id));
                picked
            } else {
                match p.highlighted() {
                    Some((id, _)) => vec![id.clone()],
                    None => return vec![],
                }
            };
            f.inputs[field].choice = picked;
            f.picker = None;
            return move_focus(state, 1);
        }
        _ => {}
    }
    vec![]
}

/// Ctrl+S: save if clean; otherwise ask (keep a draft, or confirm the
/// warnings), as `domain::save` decides for every front.
fn save(state: &mut State, consent: Consent) -> Vec<Effect> {
    recheck(state, true);
    let who = state.who();
    let Some(f) = state.form() else {
        return vec![];
    };
    let prepared = save::prepare(
        f.spec,
        &f.raw_values(),
        f.save_base(),
        &state.context(),
        consent,
        &who,
    );
    let draft_key = f.draft_key();
    saving(state, prepared, draft_key)
}

/// The effect that writes a prepared version, or the question a blocked
/// save asks.
pub(super) fn saving(
    state: &mut State,
    prepared: Result<save::Prepared, Blocked>,
    draft_key: String,
) -> Vec<Effect> {
    let listed = |problems: Vec<crate::domain::form::FieldProblem>| {
        problems.into_iter().map(|p| (p.field, p.kind)).collect()
    };
    match prepared {
        Ok(prepared) => vec![Effect::Save {
            prepared: Box::new(prepared),
            draft_key,
        }],
        Err(Blocked::Errors(errors)) => {
            state.dialog = Some(Dialog::SaveAsDraft {
                errors: listed(errors),
            });
            vec![]
        }
        Err(Blocked::Unconfirmed(warnings)) => {
            state.dialog = Some(Dialog::ConfirmWarnings {
                warnings: listed(warnings),
            });
            vec![]
        }
    }
}

fn on_dialog(state: &mut State, dialog: Dialog, action: Action) -> Vec<Effect> {
    if let Dialog::Passphrase { mut input } = dialog {
        match action {
            Action::Cancel => return vec![],
            Action::Confirm => {
                return vec![Effect::ExportBundles {
                    passphrase: input.text().to_string(),
                }];
            }
            Action::Type(c) => input.type_char(c, Method::Off, ToneStyle::Classic),
            Action::Paste(p) => input.insert_str(&p),
            Action::EraseBack => input.backspace(),
            _ => {}
        }
        state.dialog = Some(Dialog::Passphrase { input });
        return vec![];
    }
    if let Dialog::ReturnForCorrection { mut comment } = dialog {
        match action {
            Action::Cancel => return vec![],
            Action::Confirm if !comment.is_empty() => {
                return return_for_correction(state, comment.text());
            }
            Action::Type(c) => comment.type_char(c, state.typing, state.tone),
            Action::Paste(p) => comment.insert_str(&p),
            Action::EraseBack => comment.backspace(),
            _ => {}
        }
        state.dialog = Some(Dialog::ReturnForCorrection { comment });
        return vec![];
    }
    match (&dialog, action) {
        (_, Action::Cancel) => {
            // Esc on "leave?" or "quit?" means stay.
            vec![]
        }
        (Dialog::LeaveForm, Action::Confirm) => {
            let effects = keep_draft(state);
            state.notice = Some(Notice::DraftKept);
            state.screens.pop();
            effects
        }
        (Dialog::LeaveForm, Action::Discard) => {
            let key = state.form().map(|f| f.draft_key());
            let record = state.form().and_then(|f| f.record.clone());
            state.screens.pop();
            if let Some(r) = record {
                state.list.set_draft_mark(&r, false);
            }
            key.map(|key| vec![Effect::DropDraft { key }])
                .unwrap_or_default()
        }
        (Dialog::Quit, Action::Confirm) => {
            let effects = keep_draft(state);
            state.quit = true;
            effects
        }
        (Dialog::OfferDraft(d), Action::Confirm) => {
            let lang = state.lang;
            let commune = state.commune.clone();
            if let Some(f) = state.form_mut() {
                f.inputs = inputs_for_raw(f.spec, &d.values, lang, &commune);
                f.baseline = f.raw_values();
                f.visited.extend(
                    f.spec
                        .fields
                        .iter()
                        .enumerate()
                        .filter(|(_, fl)| d.values.contains_key(&fl.id))
                        .map(|(i, _)| i),
                );
            }
            recheck(state, false);
            vec![]
        }
        (Dialog::OfferDraft(_), Action::Discard) => {
            let key = state.form().map(|f| f.draft_key()).unwrap_or_default();
            if let Some(r) = state.form().and_then(|f| f.record.clone()) {
                state.list.set_draft_mark(&r, false);
            }
            vec![Effect::DropDraft { key }]
        }
        (Dialog::SaveAsDraft { .. } | Dialog::ConfirmWarnings { .. }, Action::Confirm) => {
            let consent = Consent {
                draft: matches!(dialog, Dialog::SaveAsDraft { .. }),
                confirm: matches!(dialog, Dialog::ConfirmWarnings { .. }),
            };
            match state.screen() {
                Screen::Conflict(_) => super::exchange::resolve_conflict(state, consent),
                _ => save(state, consent),
            }
        }
        (_, _) => {
            state.dialog = Some(dialog);
            vec![]
        }
    }
}

/// (Commune) sends the case as it was opened back to its team with the
/// comment; it travels to the team in the commune's next bundle.
fn return_for_correction(state: &mut State, comment: &str) -> Vec<Effect> {
    let who = state.who();
    let Some(f) = state.form() else {
        return vec![];
    };
    let Some(head) = f.head() else {
        return vec![];
    };
    match save::return_for_correction(head, comment, &who) {
        Ok(prepared) => vec![Effect::Save {
            prepared: Box::new(prepared),
            draft_key: f.draft_key(),
        }],
        Err(_) => {
            state.notice = Some(Notice::NothingToShow);
            vec![]
        }
    }
}

/// Draft values are raw (as typed): put them back without reformatting.
fn inputs_for_raw(
    spec: &FormSpec,
    values: &BTreeMap<String, String>,
    lang: Lang,
    commune: &Commune,
) -> Vec<FieldInput> {
    let mut inputs = inputs_for(spec, values, lang, commune);
    for (i, f) in spec.fields.iter().enumerate() {
        if let (Some(v), Kind::Date { .. }) = (values.get(&f.id), f.kind_for(values)) {
            inputs[i].text = TextInput::new(v);
        }
    }
    inputs
}

fn on_history(state: &mut State, action: Action) -> Vec<Effect> {
    let Screen::History(h) = state.screen_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => h.selected = h.selected.saturating_sub(1),
        Action::MoveDown => h.selected = (h.selected + 1).min(h.versions.len().saturating_sub(1)),
        Action::MarkToCompare => {
            h.marked = if h.marked == Some(h.selected) {
                None
            } else {
                Some(h.selected)
            }
        }
        Action::GoBack => {
            state.screens.pop();
        }
        _ => {}
    }
    vec![]
}
