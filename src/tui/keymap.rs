//! Every key binding, in one table: one line per binding (where, key, what
//! it does, its help text, whether the footer shows it). The footer and the
//! F1 help are drawn from this table and name each key from the key itself,
//! so neither can drift from what the keys really do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::Text;

/// Where a binding applies: a screen, the pick list over a form, a dialog,
/// the help, or everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere (unless a dialog or the help is open).
    Global,
    Who,
    List,
    Form,
    Picker,
    History,
    Progress,
    Charts,
    Report,
    Duplicates,
    Import,
    Bundles,
    Conflict,
    /// Choosing the form of a new case.
    NewCase,
    /// Finding who a new case is about on the register.
    FindPerson,
    /// (The office) choosing the village of a blank new case.
    AskVillage,
    Settings,
    Villages,
    /// A question over a screen, answered with a key.
    Dialog,
    /// A dialog that asks for words (a comment, a reason, a passphrase),
    /// which are typed and edited in it.
    TextDialog,
    Help,
}

impl Ctx {
    /// A dialog or the help, in front of a screen: only its own keys (and
    /// Quit) work.
    fn is_modal(self) -> bool {
        matches!(self, Ctx::Dialog | Ctx::TextDialog | Ctx::Help)
    }
}

/// What this device is, as far as keys go: the office has keys a team
/// device does not (a key that would only say "not here" is not offered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Office,
    Team,
}

impl From<crate::domain::commune::Role> for Side {
    fn from(role: crate::domain::commune::Role) -> Side {
        match role {
            crate::domain::commune::Role::Commune => Side::Office,
            crate::domain::commune::Role::Team(_) => Side::Team,
        }
    }
}

impl Action {
    /// Deeds only the commune office does: sending a case back, importing
    /// a work list or the register, the commune's duplicate citizens.
    fn office_only(&self) -> bool {
        matches!(
            self,
            Action::ReturnForCorrection
                | Action::ShowWorklistImport
                | Action::ShowRegisterImport
                | Action::ShowDuplicates
        )
    }
}

/// What a key asks for, named for what it does. Typing that no binding
/// takes becomes `Type`; a paste becomes `Paste`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Leave the program (asks first if a form has unsaved changes).
    Quit,
    /// Show every key of the screen in front.
    ShowHelp,
    /// Close the key list.
    CloseHelp,
    /// Switch the built-in Vietnamese typing: off, Telex, VNI.
    CycleTyping,
    /// Go back to the screen before.
    GoBack,
    /// Move the selection one line up.
    MoveUp,
    /// Move the selection one line down.
    MoveDown,
    /// Move the selection one cell left.
    MoveLeft,
    /// Move the selection one cell right.
    MoveRight,
    /// Move the selection a page up.
    PageUp,
    /// Move the selection a page down.
    PageDown,
    /// Select the first line.
    GoToTop,
    /// Select the last line.
    GoToBottom,
    /// Scroll the text one line up.
    ScrollUp,
    /// Scroll the text one line down.
    ScrollDown,
    /// Scroll the text a page up.
    ScrollPageUp,
    /// Scroll the text a page down.
    ScrollPageDown,
    /// Erase the character before the cursor (a choice field: clear it).
    EraseBack,
    /// Erase the character under the cursor.
    EraseForward,
    /// Move the text cursor one character left.
    CursorLeft,
    /// Move the text cursor one character right.
    CursorRight,
    /// Move the text cursor to the start of the text.
    CursorHome,
    /// Move the text cursor to the end of the text.
    CursorEnd,
    /// (Work list) open the form of the selected case.
    OpenCase,
    /// (Work list) empty the search, or drop the team filter if it is empty.
    ClearSearch,
    /// Filter by the next form (then all forms again).
    CycleForm,
    /// (Work list) filter by the next status.
    CycleStage,
    /// (Work list) sort by the next order.
    CycleSort,
    /// The edit history of the selected (or open) case.
    ShowHistory,
    /// The progress table.
    ShowProgress,
    /// Start a case that is not on the work list: choose its form.
    NewCase,
    /// Per-device settings: typing, tone marks, who is working (and, at
    /// the office, the commune's villages).
    ShowSettings,
    /// Bundles: export, import, the imports log.
    ShowBundles,
    /// (Form) move to the next field.
    NextField,
    /// (Form) move to the previous field.
    PrevField,
    /// (Form) open the pick list of a choice field, or go to the next field.
    ChooseOrNextField,
    /// (Form) save the form as a version.
    SaveCase,
    /// (Form) leave, asking first if something is unsaved.
    LeaveForm,
    /// (Form, commune) send the case back to its team with a comment.
    ReturnForCorrection,
    /// (Form) void the case, made by mistake, with the reason.
    VoidCase,
    /// (Pick list) take the highlighted choice, or the ticked ones.
    PickChoice,
    /// (Pick list) tick or untick the highlighted choice of a multi-choice.
    TickChoice,
    /// (Pick list) close it without changing the field.
    CloseChoices,
    /// (History) mark the selected version to compare others with.
    MarkToCompare,
    /// (Progress) open the cases behind the selected cell.
    OpenCellCases,
    /// (Progress) write the table to a CSV file for Excel.
    ExportTable,
    /// (Progress) done over time and done % per team.
    ShowCharts,
    /// (Progress) the report's numbers as of a date.
    ShowReport,
    /// (Progress) suspected duplicate citizens across villages.
    ShowDuplicates,
    /// (Progress) import a work list from a spreadsheet export.
    ShowWorklistImport,
    /// (Progress) import the population register from a spreadsheet.
    ShowRegisterImport,
    /// (Report) count again as of the typed date.
    RecomputeReport,
    /// (Report) save the report as text and CSV.
    SaveReport,
    /// (Duplicates) open the household check of the selected pair's first
    /// person: the one the household has, else a new one.
    OpenHouseholdCheck,
    /// (Duplicates) settle the selected pair: the duplicate record deleted,
    /// not a duplicate, or referred to the commune police.
    SettlePair(u8),
    /// (New case) take the selected form, and find who the case is about
    /// on the register (a device that holds nobody opens it blank).
    ChooseForm,
    /// (New case) open the form with the highlighted person's values, or
    /// their household's.
    OpenFromRegister,
    /// (New case) open the chosen form empty, finding nobody on the
    /// register (at the office, once its village is chosen).
    OpenBlankForm,
    /// (Settings) change the selected setting.
    ChangeSetting,
    /// (Villages) give the selected village a new name (asks for it).
    RenameVillage,
    /// (Villages) add a village with the next team number (asks its name).
    AddVillage,
    /// (Who is working) take the selected name, or the one typed.
    ChooseMember,
    /// (Who is working) take the selected name off the list (what they
    /// saved keeps their name).
    RemoveMember,
    /// (Work-list import) show what importing the typed file would do.
    PreviewWorklist,
    /// (Work-list import) pad IDs and codes whose leading zeros a
    /// spreadsheet dropped, or stop doing so.
    ToggleLeadingZeros,
    /// (Work-list import) fill the blanks merged cells leave (village,
    /// household) from the row above, or stop doing so.
    ToggleFillDown,
    /// (Work-list import) read the workbook's next sheet.
    NextSheet,
    /// (Work-list import) import the previewed work list.
    ImportWorklist,
    /// (Bundles) verify and merge the bundle at the typed path.
    ImportBundle,
    /// (Bundles) sign and write this device's bundles into the folder shown.
    ExportBundles,
    /// (Bundles) complete the path being typed from what the disk holds.
    CompletePath,
    /// (Conflict) take the field's value from the head to the left.
    PreviousHead,
    /// (Conflict) take the field's value from the head to the right.
    NextHead,
    /// (Conflict) save the resolution as picked.
    SaveResolution,
    /// (Dialog) the first choice: confirm.
    Confirm,
    /// (Dialog) the second choice: discard a draft, leave without saving.
    Discard,
    /// (Dialog) close it and stay.
    Cancel,
    /// A typed character that no binding took.
    Type(char),
    /// Pasted text, inserted as one edit.
    Paste(String),
}

impl Action {
    /// Whether the action commits something the screen shows first: a
    /// save, an import, an export, a settlement, a choice confirmed.
    pub fn confirms(&self) -> bool {
        matches!(
            self,
            Action::SaveCase
                | Action::ReturnForCorrection
                | Action::VoidCase
                | Action::ExportTable
                | Action::SaveReport
                | Action::SettlePair(_)
                | Action::ImportWorklist
                | Action::ImportBundle
                | Action::ExportBundles
                | Action::SaveResolution
                | Action::Confirm
                | Action::Discard
        )
    }
}

/// A key and the modifiers held with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    const fn ctrl(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::CONTROL,
        }
    }

    const fn shift(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::SHIFT,
        }
    }

    /// The key as the footer and help name it: "Ctrl+S", "F4", "Esc", "↑".
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_uppercase().to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab | KeyCode::BackTab => "Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        for (m, word) in [
            (KeyModifiers::CONTROL, "Ctrl+"),
            (KeyModifiers::ALT, "Alt+"),
            (KeyModifiers::SHIFT, "Shift+"),
        ] {
            if self.mods.contains(m) {
                out.push_str(word);
            }
        }
        out + &name
    }

    fn is_arrow(self) -> bool {
        matches!(
            self.code,
            KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right
        ) && self.mods.is_empty()
    }

    /// Whether a pressed key is this one. Shift is not compared: it is part
    /// of the character typed ('Ê'), and Shift+Tab arrives as BackTab with
    /// or without it.
    fn matches(self, pressed: KeyEvent) -> bool {
        let unshifted = |m: KeyModifiers| m - KeyModifiers::SHIFT;
        // Ctrl+S and Alt+M are the same with Caps Lock or Shift on.
        let chord = self
            .mods
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let same_key = match (self.code, pressed.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) if chord => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        };
        same_key
            && (unshifted(self.mods) == unshifted(pressed.modifiers)
                || self.code == KeyCode::BackTab)
    }
}

pub struct Binding {
    pub ctx: Ctx,
    pub key: Key,
    pub action: Action,
    pub help: Text,
    /// Shown in the one-line footer (all bindings show in F1).
    pub footer: bool,
}

const fn bind(ctx: Ctx, key: Key, action: Action, help: Text, footer: bool) -> Binding {
    Binding {
        ctx,
        key,
        action,
        help,
        footer,
    }
}

const FOOTER: bool = true;
const F1_ONLY: bool = false;

/// The table. Within a context, order matters for the footer and the help:
/// most useful first.
pub fn bindings() -> &'static [Binding] {
    use Action as A;
    use Ctx as C;
    use KeyCode as K;
    use Text as T;
    const fn key(code: KeyCode) -> Key {
        Key::plain(code)
    }
    const fn ctrl(c: char) -> Key {
        Key::ctrl(KeyCode::Char(c))
    }
    const fn alt(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::ALT,
        }
    }
    #[rustfmt::skip]
    static TABLE: &[Binding] = &[
        //    where          key                      does                       help                          shown
        bind(C::List,       key(K::Enter),           A::OpenCase,               T::HelpOpen,                  FOOTER),
        bind(C::List,       key(K::F(7)),            A::ShowProgress,           T::HelpProgress,              FOOTER),
        bind(C::List,       ctrl('p'),               A::ShowProgress,           T::HelpProgress,              F1_ONLY),
        bind(C::List,       key(K::F(8)),            A::NewCase,                T::HelpNewCase,               FOOTER),
        bind(C::List,       ctrl('n'),               A::NewCase,                T::HelpNewCase,               F1_ONLY),
        bind(C::List,       key(K::F(3)),            A::CycleForm,              T::HelpCycleForm,             FOOTER),
        bind(C::List,       alt('m'),                A::CycleForm,              T::HelpCycleForm,             F1_ONLY),
        bind(C::List,       key(K::F(4)),            A::CycleStage,             T::HelpCycleStage,            FOOTER),
        bind(C::List,       alt('t'),                A::CycleStage,             T::HelpCycleStage,            F1_ONLY),
        bind(C::List,       key(K::F(5)),            A::CycleSort,              T::HelpCycleSort,             F1_ONLY),
        bind(C::List,       alt('x'),                A::CycleSort,              T::HelpCycleSort,             F1_ONLY),
        bind(C::List,       key(K::F(6)),            A::ShowHistory,            T::HelpHistory,               F1_ONLY),
        bind(C::List,       ctrl('l'),               A::ShowHistory,            T::HelpHistory,               F1_ONLY),
        bind(C::List,       key(K::F(9)),            A::ShowSettings,           T::HelpSettings,              F1_ONLY),
        bind(C::List,       ctrl('o'),               A::ShowSettings,           T::HelpSettings,              F1_ONLY),
        bind(C::List,       key(K::Up),              A::MoveUp,                 T::HelpMove,                  F1_ONLY),
        bind(C::List,       key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::List,       key(K::PageUp),          A::PageUp,                 T::HelpPage,                  F1_ONLY),
        bind(C::List,       key(K::PageDown),        A::PageDown,               T::HelpPage,                  F1_ONLY),
        bind(C::List,       Key::ctrl(K::Home),      A::GoToTop,                T::HelpTopBottom,             F1_ONLY),
        bind(C::List,       Key::ctrl(K::End),       A::GoToBottom,             T::HelpTopBottom,             F1_ONLY),
        bind(C::List,       key(K::Backspace),       A::EraseBack,              T::HelpSearchEdit,            F1_ONLY),
        bind(C::List,       key(K::Esc),             A::ClearSearch,            T::HelpClearSearch,           F1_ONLY),

        bind(C::Bundles,    key(K::Enter),           A::ImportBundle,           T::HelpImportBundle,          FOOTER),
        bind(C::Bundles,    ctrl('e'),               A::ExportBundles,          T::HelpExportBundles,         FOOTER),
        bind(C::Bundles,    key(K::Up),              A::MoveUp,                 T::HelpMove,                  FOOTER),
        bind(C::Bundles,    key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::Bundles,    key(K::Tab),             A::CompletePath,           T::HelpCompletePath,          F1_ONLY),
        bind(C::Bundles,    key(K::Backspace),       A::EraseBack,              T::HelpErase,                 F1_ONLY),
        bind(C::Bundles,    key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Conflict,   key(K::Up),              A::MoveUp,                 T::HelpPickField,             FOOTER),
        bind(C::Conflict,   key(K::Down),            A::MoveDown,               T::HelpPickField,             F1_ONLY),
        bind(C::Conflict,   key(K::Left),            A::PreviousHead,           T::HelpPickHead,              FOOTER),
        bind(C::Conflict,   key(K::Right),           A::NextHead,               T::HelpPickHead,              F1_ONLY),
        bind(C::Conflict,   ctrl('s'),               A::SaveResolution,         T::HelpSaveResolution,        FOOTER),
        bind(C::Conflict,   key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Form,       ctrl('s'),               A::SaveCase,               T::HelpSave,                  FOOTER),
        bind(C::Form,       key(K::Tab),             A::NextField,              T::HelpNextField,             FOOTER),
        bind(C::Form,       Key::shift(K::BackTab),  A::PrevField,              T::HelpPrevField,             F1_ONLY),
        bind(C::Form,       key(K::Down),            A::NextField,              T::HelpNextField,             F1_ONLY),
        bind(C::Form,       key(K::Up),              A::PrevField,              T::HelpPrevField,             F1_ONLY),
        bind(C::Form,       key(K::Enter),           A::ChooseOrNextField,      T::HelpFieldEnter,            FOOTER),
        bind(C::Form,       key(K::Left),            A::CursorLeft,             T::HelpCursor,                F1_ONLY),
        bind(C::Form,       key(K::Right),           A::CursorRight,            T::HelpCursor,                F1_ONLY),
        bind(C::Form,       key(K::Home),            A::CursorHome,             T::HelpCursor,                F1_ONLY),
        bind(C::Form,       key(K::End),             A::CursorEnd,              T::HelpCursor,                F1_ONLY),
        bind(C::Form,       key(K::Backspace),       A::EraseBack,              T::HelpErase,                 F1_ONLY),
        bind(C::Form,       key(K::Delete),          A::EraseForward,           T::HelpErase,                 F1_ONLY),
        bind(C::Form,       key(K::F(6)),            A::ShowHistory,            T::HelpHistory,               F1_ONLY),
        bind(C::Form,       ctrl('l'),               A::ShowHistory,            T::HelpHistory,               F1_ONLY),
        bind(C::Form,       key(K::F(4)),            A::ReturnForCorrection,    T::HelpReturnCase,            F1_ONLY),
        bind(C::Form,       ctrl('r'),               A::ReturnForCorrection,    T::HelpReturnCase,            F1_ONLY),
        bind(C::Form,       ctrl('d'),               A::VoidCase,               T::HelpVoidCase,              F1_ONLY),
        bind(C::Form,       key(K::Esc),             A::LeaveForm,              T::HelpLeaveForm,             FOOTER),

        bind(C::Picker,     key(K::Enter),           A::PickChoice,             T::HelpPick,                  FOOTER),
        bind(C::Picker,     key(K::Char(' ')),       A::TickChoice,             T::HelpToggleChoice,          FOOTER),
        bind(C::Picker,     key(K::Up),              A::MoveUp,                 T::HelpMove,                  F1_ONLY),
        bind(C::Picker,     key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::Picker,     key(K::Backspace),       A::EraseBack,              T::HelpSearchEdit,            F1_ONLY),
        bind(C::Picker,     key(K::Esc),             A::CloseChoices,           T::HelpCancel,                FOOTER),

        bind(C::History,    key(K::Up),              A::MoveUp,                 T::HelpPickVersion,           FOOTER),
        bind(C::History,    key(K::Down),            A::MoveDown,               T::HelpPickVersion,           F1_ONLY),
        bind(C::History,    key(K::Char(' ')),       A::MarkToCompare,          T::HelpMarkVersion,           FOOTER),
        bind(C::History,    key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Progress,   key(K::Enter),           A::OpenCellCases,          T::HelpOpenCell,              FOOTER),
        bind(C::Progress,   key(K::Up),              A::MoveUp,                 T::HelpPickCell,              F1_ONLY),
        bind(C::Progress,   key(K::Down),            A::MoveDown,               T::HelpPickCell,              F1_ONLY),
        bind(C::Progress,   key(K::Left),            A::MoveLeft,               T::HelpPickCell,              F1_ONLY),
        bind(C::Progress,   key(K::Right),           A::MoveRight,              T::HelpPickCell,              F1_ONLY),
        bind(C::Progress,   key(K::F(5)),            A::ShowReport,             T::HelpReport,                FOOTER),
        bind(C::Progress,   alt('b'),                A::ShowReport,             T::HelpReport,                F1_ONLY),
        bind(C::Progress,   key(K::F(3)),            A::CycleForm,              T::HelpCycleForm,             FOOTER),
        bind(C::Progress,   alt('m'),                A::CycleForm,              T::HelpCycleForm,             F1_ONLY),
        bind(C::Progress,   key(K::F(4)),            A::ShowCharts,             T::HelpCharts,                FOOTER),
        bind(C::Progress,   alt('d'),                A::ShowCharts,             T::HelpCharts,                F1_ONLY),
        bind(C::Progress,   key(K::F(8)),            A::ShowWorklistImport,     T::HelpImport,                FOOTER),
        bind(C::Progress,   alt('n'),                A::ShowWorklistImport,     T::HelpImport,                F1_ONLY),
        bind(C::Progress,   key(K::F(6)),            A::ShowDuplicates,         T::HelpDuplicates,            FOOTER),
        bind(C::Progress,   alt('t'),                A::ShowDuplicates,         T::HelpDuplicates,            F1_ONLY),
        bind(C::Progress,   ctrl('r'),               A::ShowRegisterImport,     T::ImportRegister,            F1_ONLY),
        bind(C::Progress,   ctrl('e'),               A::ExportTable,            T::HelpExport,                FOOTER),
        bind(C::Progress,   key(K::F(9)),            A::ShowSettings,           T::HelpSettings,              F1_ONLY),
        bind(C::Progress,   ctrl('o'),               A::ShowSettings,           T::HelpSettings,              F1_ONLY),
        bind(C::Progress,   key(K::Esc),             A::GoBack,                 T::HelpWorkList,              FOOTER),

        bind(C::Import,     key(K::Enter),           A::PreviewWorklist,        T::HelpPreview,               FOOTER),
        bind(C::Import,     ctrl('s'),               A::ImportWorklist,         T::HelpDoImport,              FOOTER),
        bind(C::Import,     key(K::F(5)),            A::ToggleLeadingZeros,     T::HelpFixZeros,              F1_ONLY),
        bind(C::Import,     ctrl('l'),               A::ToggleLeadingZeros,     T::HelpFixZeros,              F1_ONLY),
        bind(C::Import,     ctrl('d'),               A::ToggleFillDown,         T::HelpFillDown,              F1_ONLY),
        bind(C::Import,     key(K::Tab),             A::NextSheet,              T::HelpNextSheet,             F1_ONLY),
        bind(C::Import,     key(K::Up),              A::ScrollUp,               T::HelpScroll,                F1_ONLY),
        bind(C::Import,     key(K::Down),            A::ScrollDown,             T::HelpScroll,                F1_ONLY),
        bind(C::Import,     key(K::PageUp),          A::ScrollPageUp,           T::HelpScroll,                F1_ONLY),
        bind(C::Import,     key(K::PageDown),        A::ScrollPageDown,         T::HelpScroll,                F1_ONLY),
        bind(C::Import,     key(K::Backspace),       A::EraseBack,              T::HelpErase,                 F1_ONLY),
        bind(C::Import,     key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Charts,     key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Report,     key(K::Enter),           A::RecomputeReport,        T::HelpRecompute,             FOOTER),
        bind(C::Report,     ctrl('s'),               A::SaveReport,             T::HelpSaveReport,            FOOTER),
        bind(C::Report,     key(K::Backspace),       A::EraseBack,              T::HelpErase,                 F1_ONLY),
        bind(C::Report,     key(K::Up),              A::ScrollUp,               T::HelpScroll,                F1_ONLY),
        bind(C::Report,     key(K::Down),            A::ScrollDown,             T::HelpScroll,                F1_ONLY),
        bind(C::Report,     key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Duplicates, key(K::Up),              A::MoveUp,                 T::HelpMove,                  FOOTER),
        bind(C::Duplicates, key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::Duplicates, key(K::Enter),           A::OpenHouseholdCheck,     T::HelpOpenHouseholdCheck,    FOOTER),
        bind(C::Duplicates, key(K::Char('1')),       A::SettlePair(0),          T::HelpSettleDeleted,         F1_ONLY),
        bind(C::Duplicates, key(K::Char('2')),       A::SettlePair(1),          T::HelpSettleNotDuplicate,    F1_ONLY),
        bind(C::Duplicates, key(K::Char('3')),       A::SettlePair(2),          T::HelpSettleReferred,        F1_ONLY),
        bind(C::Duplicates, key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::NewCase,    key(K::Up),              A::MoveUp,                 T::HelpMove,                  FOOTER),
        bind(C::NewCase,    key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::NewCase,    key(K::Enter),           A::ChooseForm,             T::HelpOpen,                  FOOTER),
        bind(C::NewCase,    key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::FindPerson, key(K::Enter),           A::OpenFromRegister,       T::HelpOpenFromRegister,      FOOTER),
        bind(C::FindPerson, ctrl('n'),               A::OpenBlankForm,          T::HelpBlankForm,             FOOTER),
        bind(C::FindPerson, key(K::Up),              A::MoveUp,                 T::HelpMove,                  F1_ONLY),
        bind(C::FindPerson, key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::FindPerson, key(K::PageUp),          A::PageUp,                 T::HelpPage,                  F1_ONLY),
        bind(C::FindPerson, key(K::PageDown),        A::PageDown,               T::HelpPage,                  F1_ONLY),
        bind(C::FindPerson, key(K::Backspace),       A::EraseBack,              T::HelpSearchEdit,            F1_ONLY),
        bind(C::FindPerson, key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::AskVillage, key(K::Up),              A::MoveUp,                 T::HelpMove,                  FOOTER),
        bind(C::AskVillage, key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::AskVillage, key(K::Enter),           A::OpenBlankForm,          T::HelpOpen,                  FOOTER),
        bind(C::AskVillage, key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Settings,   key(K::Up),              A::MoveUp,                 T::HelpMove,                  FOOTER),
        bind(C::Settings,   key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::Settings,   key(K::Enter),           A::ChangeSetting,          T::HelpChangeSetting,         FOOTER),
        bind(C::Settings,   key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Villages,   key(K::Up),              A::MoveUp,                 T::HelpMove,                  FOOTER),
        bind(C::Villages,   key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::Villages,   key(K::Enter),           A::RenameVillage,          T::HelpRenameVillage,         FOOTER),
        bind(C::Villages,   ctrl('n'),               A::AddVillage,             T::HelpAddVillage,            FOOTER),
        bind(C::Villages,   key(K::Esc),             A::GoBack,                 T::HelpBack,                  FOOTER),

        bind(C::Who,        key(K::Up),              A::MoveUp,                 T::HelpMove,                  FOOTER),
        bind(C::Who,        key(K::Down),            A::MoveDown,               T::HelpMove,                  F1_ONLY),
        bind(C::Who,        key(K::Enter),           A::ChooseMember,           T::HelpChooseMember,          FOOTER),
        bind(C::Who,        key(K::Delete),          A::RemoveMember,           T::HelpRemoveMember,          FOOTER),
        bind(C::Who,        key(K::Backspace),       A::EraseBack,              T::HelpErase,                 F1_ONLY),

        bind(C::Dialog,     key(K::Enter),           A::Confirm,                T::HelpConfirm,               FOOTER),
        bind(C::Dialog,     key(K::Delete),          A::Discard,                T::HelpDiscard,               FOOTER),
        bind(C::Dialog,     key(K::Esc),             A::Cancel,                 T::HelpCancel,                FOOTER),

        bind(C::TextDialog, key(K::Enter),           A::Confirm,                T::HelpConfirm,               FOOTER),
        bind(C::TextDialog, key(K::Esc),             A::Cancel,                 T::HelpCancel,                FOOTER),
        bind(C::TextDialog, key(K::Backspace),       A::EraseBack,              T::HelpErase,                 F1_ONLY),
        bind(C::TextDialog, key(K::Delete),          A::EraseForward,           T::HelpErase,                 F1_ONLY),
        bind(C::TextDialog, key(K::Left),            A::CursorLeft,             T::HelpCursor,                F1_ONLY),
        bind(C::TextDialog, key(K::Right),           A::CursorRight,            T::HelpCursor,                F1_ONLY),
        bind(C::TextDialog, key(K::Home),            A::CursorHome,             T::HelpCursor,                F1_ONLY),
        bind(C::TextDialog, key(K::End),             A::CursorEnd,              T::HelpCursor,                F1_ONLY),

        bind(C::Help,       key(K::Esc),             A::CloseHelp,              T::HelpBack,                  FOOTER),
        bind(C::Help,       key(K::Up),              A::ScrollUp,               T::HelpScroll,                FOOTER),
        bind(C::Help,       key(K::Down),            A::ScrollDown,             T::HelpScroll,                F1_ONLY),
        bind(C::Help,       key(K::F(1)),            A::CloseHelp,              T::HelpBack,                  F1_ONLY),
        bind(C::Help,       ctrl('g'),               A::CloseHelp,              T::HelpBack,                  F1_ONLY),

        bind(C::Global,     key(K::F(1)),            A::ShowHelp,               T::HelpHelp,                  FOOTER),
        bind(C::Global,     ctrl('g'),               A::ShowHelp,               T::HelpHelp,                  F1_ONLY),
        bind(C::Global,     ctrl('b'),               A::ShowBundles,            T::HelpBundles,               FOOTER),
        bind(C::Global,     key(K::F(2)),            A::CycleTyping,            T::HelpTyping,                FOOTER),
        bind(C::Global,     ctrl('t'),               A::CycleTyping,            T::HelpTyping,                F1_ONLY),
        bind(C::Global,     key(K::F(10)),           A::Quit,                   T::HelpQuit,                  FOOTER),
        bind(C::Global,     ctrl('q'),               A::Quit,                   T::HelpQuit,                  F1_ONLY),
        bind(C::Global,     ctrl('c'),               A::Quit,                   T::HelpQuit,                  F1_ONLY),
    ];
    TABLE
}

/// Whether a binding is offered in `ctx` on this `side`: its own context's,
/// or a global one (in a dialog or the help only Quit; the bundles not over
/// themselves); never an office deed on
/// a team device.
fn offered(b: &Binding, ctx: Ctx, side: Side) -> bool {
    let here = b.ctx == ctx
        || (b.ctx == Ctx::Global
            && if ctx.is_modal() {
                b.action == Action::Quit
            } else {
                b.action != Action::ShowBundles || ctx != Ctx::Bundles
            });
    here && (side == Side::Office || !b.action.office_only())
}

/// The action for a key in a context: the context's own bindings first,
/// then the global ones (only Quit in a dialog or the help), then plain
/// typing.
pub fn resolve(ctx: Ctx, side: Side, key: KeyEvent) -> Option<Action> {
    let found = bindings()
        .iter()
        .filter(|b| b.ctx == ctx && offered(b, ctx, side))
        .find(|b| b.key.matches(key))
        .or_else(|| {
            bindings()
                .iter()
                .filter(|b| b.ctx == Ctx::Global && offered(b, ctx, side))
                .find(|b| b.key.matches(key))
        });
    if let Some(b) = found {
        return Some(b.action.clone());
    }
    match key.code {
        // AltGr arrives as Ctrl+Alt on Windows: it is a character, not a
        // shortcut. Alt alone with a letter is a shortcut, never typing.
        KeyCode::Char(c)
            if key
                .modifiers
                .contains(KeyModifiers::CONTROL | KeyModifiers::ALT)
                || !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(Action::Type(c))
        }
        _ => None,
    }
}

/// One line of the footer or of the help: the keys, named from the keys
/// themselves, and what they do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: String,
    pub help: Text,
}

/// Names keys together: arrows run on ("↑↓"), other keys take a slash
/// ("F10/Ctrl+Q").
fn join(keys: impl IntoIterator<Item = Key>) -> String {
    let mut out = String::new();
    let mut last: Option<Key> = None;
    for key in keys {
        if last.is_some_and(|l| !(l.is_arrow() && key.is_arrow())) {
            out.push('/');
        }
        out.push_str(&key.label());
        last = Some(key);
    }
    out
}

/// The keys that do `action` in `ctx`, named as the footer names them
/// ("F5/Ctrl+L"): for a screen that shows a choice beside its keys.
pub fn keys_for(ctx: Ctx, action: &Action) -> String {
    join(
        bindings()
            .iter()
            .filter(|b| b.ctx == ctx && b.action == *action)
            .map(|b| b.key),
    )
}

/// The bindings a context's footer and help draw from: its own, then the
/// global ones unless a dialog is open.
fn of(ctx: Ctx, side: Side) -> impl Iterator<Item = &'static Binding> {
    bindings()
        .iter()
        .filter(move |b| offered(b, ctx, side) && (b.ctx == ctx || !ctx.is_modal()))
}

/// The footer: F1 first (it leads to the rest), then the context's own
/// keys, then the other global ones. A footer arrow brings its partners
/// with the same help ("↑↓ Move"). The global keys (help, bundles, typing,
/// quit) are `always` shown; where the line is short of room the context's
/// last keys give way first (F1 lists them all).
pub fn footer(ctx: Ctx, side: Side) -> Vec<FooterKey> {
    let global =
        |b: &&Binding| !ctx.is_modal() && b.footer && b.ctx == Ctx::Global && offered(b, ctx, side);
    let is_help = |b: &&Binding| b.action == Action::ShowHelp;
    let shown = bindings()
        .iter()
        .filter(|b| global(b) && is_help(b))
        .chain(
            bindings()
                .iter()
                .filter(|b| b.footer && b.ctx == ctx && offered(b, ctx, side)),
        )
        .chain(bindings().iter().filter(|b| global(b) && !is_help(b)));
    shown
        .map(|b| {
            let keys = if b.key.is_arrow() {
                join(
                    bindings()
                        .iter()
                        .filter(|o| o.ctx == b.ctx && o.help == b.help && o.key.is_arrow())
                        .map(|o| o.key),
                )
            } else {
                b.key.label()
            };
            FooterKey {
                key: KeyHelp { keys, help: b.help },
                always: b.ctx == Ctx::Global,
            }
        })
        .collect()
}

/// One key of the footer, and whether it is one the footer always shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FooterKey {
    pub key: KeyHelp,
    pub always: bool,
}

/// Every key of a context and the global ones, for F1: keys that do the
/// same thing share a line ("↑↓ Move", "F10/Ctrl+Q/Ctrl+C Quit").
pub fn help(ctx: Ctx, side: Side) -> Vec<KeyHelp> {
    let mut out: Vec<KeyHelp> = Vec::new();
    for b in of(ctx, side) {
        if out.iter().any(|line| line.help == b.help) {
            continue;
        }
        let keys = join(of(ctx, side).filter(|o| o.help == b.help).map(|o| o.key));
        out.push(KeyHelp { keys, help: b.help });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn keys_of(footer: Vec<FooterKey>) -> Vec<KeyHelp> {
        footer.into_iter().map(|k| k.key).collect()
    }

    #[test]
    fn context_first_then_global_then_typing() {
        assert_eq!(
            resolve(Ctx::Form, Side::Office, key(KeyCode::Char('s'), CTRL)),
            Some(Action::SaveCase)
        );
        assert_eq!(
            resolve(Ctx::List, Side::Office, key(KeyCode::F(1), NONE)),
            Some(Action::ShowHelp)
        );
        assert_eq!(
            resolve(Ctx::List, Side::Office, key(KeyCode::Char('n'), NONE)),
            Some(Action::Type('n'))
        );
        assert_eq!(
            resolve(Ctx::Form, Side::Office, key(KeyCode::Char('Ê'), SHIFT)),
            Some(Action::Type('Ê'))
        );
        // AltGr+q on a Windows keyboard is Ctrl+Alt+q: a character.
        assert_eq!(
            resolve(
                Ctx::Form,
                Side::Office,
                key(KeyCode::Char('@'), CTRL | KeyModifiers::ALT)
            ),
            Some(Action::Type('@'))
        );
        assert_eq!(
            resolve(Ctx::Dialog, Side::Office, key(KeyCode::F(2), NONE)),
            None
        );
        // Caps Lock or Shift on: the chord is the same chord, and Alt with
        // a letter no binding takes types nothing.
        assert_eq!(
            resolve(
                Ctx::List,
                Side::Office,
                key(KeyCode::Char('M'), KeyModifiers::ALT | SHIFT)
            ),
            Some(Action::CycleForm)
        );
        assert_eq!(
            resolve(Ctx::Form, Side::Office, key(KeyCode::Char('S'), CTRL)),
            Some(Action::SaveCase)
        );
        assert_eq!(
            resolve(
                Ctx::Form,
                Side::Office,
                key(KeyCode::Char('q'), KeyModifiers::ALT)
            ),
            None
        );
        assert_eq!(
            resolve(Ctx::Form, Side::Office, key(KeyCode::BackTab, SHIFT)),
            Some(Action::PrevField)
        );
        assert_eq!(
            resolve(Ctx::Form, Side::Office, key(KeyCode::BackTab, NONE)),
            Some(Action::PrevField)
        );
        assert_eq!(
            resolve(Ctx::Dialog, Side::Office, key(KeyCode::Char('c'), CTRL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn one_key_does_one_deed_per_screen() {
        assert_eq!(
            resolve(Ctx::Import, Side::Office, key(KeyCode::F(5), NONE)),
            Some(Action::ToggleLeadingZeros)
        );
        assert_eq!(
            resolve(Ctx::Import, Side::Office, key(KeyCode::Char('d'), CTRL)),
            Some(Action::ToggleFillDown)
        );
        assert_eq!(
            resolve(Ctx::Form, Side::Office, key(KeyCode::Char('d'), CTRL)),
            Some(Action::VoidCase)
        );
        assert_eq!(
            resolve(Ctx::History, Side::Office, key(KeyCode::Char(' '), NONE)),
            Some(Action::MarkToCompare)
        );
        assert_eq!(
            resolve(Ctx::Picker, Side::Office, key(KeyCode::Char(' '), NONE)),
            Some(Action::TickChoice)
        );
        assert_eq!(
            resolve(Ctx::Progress, Side::Office, key(KeyCode::Char('e'), CTRL)),
            Some(Action::ExportTable)
        );
        assert_eq!(
            resolve(Ctx::Bundles, Side::Office, key(KeyCode::Char('e'), CTRL)),
            Some(Action::ExportBundles)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let table = bindings();
        for (i, a) in table.iter().enumerate() {
            for b in &table[i + 1..] {
                assert!(
                    !(a.ctx == b.ctx && a.key == b.key),
                    "{:?} {:?} twice",
                    a.ctx,
                    a.key
                );
            }
        }
    }

    /// Laptops often give the F-keys to brightness and volume: every deed
    /// of an F-key has another key too (F1 lists both).
    #[test]
    fn every_deed_of_an_f_key_has_another_key() {
        let is_f = |k: Key| matches!(k.code, KeyCode::F(_));
        for b in bindings().iter().filter(|b| is_f(b.key)) {
            let other = bindings()
                .iter()
                .find(|o| o.ctx == b.ctx && o.action == b.action && !is_f(o.key));
            assert!(
                other.is_some(),
                "{:?} {:?}: {} is its only key",
                b.ctx,
                b.action,
                b.key.label()
            );
        }
        // The settings, and so the commune's villages, from either home.
        for ctx in [Ctx::List, Ctx::Progress] {
            assert_eq!(
                resolve(ctx, Side::Office, key(KeyCode::Char('o'), CTRL)),
                Some(Action::ShowSettings)
            );
        }
    }

    #[test]
    fn a_team_device_is_not_offered_the_offices_deeds() {
        let f8 = key(KeyCode::F(8), NONE);
        assert_eq!(
            resolve(Ctx::Progress, Side::Office, f8),
            Some(Action::ShowWorklistImport)
        );
        assert_eq!(resolve(Ctx::Progress, Side::Team, f8), None);
        assert_eq!(
            resolve(Ctx::Form, Side::Team, key(KeyCode::F(4), NONE)),
            None
        );
        for ctx in [Ctx::Progress, Ctx::Form] {
            let help = help(ctx, Side::Team);
            assert!(
                help.iter()
                    .all(|l| l.help != Text::HelpImport && l.help != Text::HelpReturnCase),
                "{ctx:?}"
            );
            assert!(help.len() < super::help(ctx, Side::Office).len());
        }
    }

    #[test]
    fn every_footer_keeps_help_bundles_typing_and_quit() {
        for ctx in [
            Ctx::List,
            Ctx::Form,
            Ctx::Progress,
            Ctx::Report,
            Ctx::Picker,
        ] {
            let always: Vec<String> = footer(ctx, Side::Team)
                .into_iter()
                .filter(|k| k.always)
                .map(|k| k.key.keys)
                .collect();
            assert_eq!(always, ["F1", "Ctrl+B", "F2", "F10"], "{ctx:?}");
        }
        // Not over the bundles themselves.
        assert!(
            footer(Ctx::Bundles, Side::Team)
                .iter()
                .all(|k| k.key.help != Text::HelpBundles)
        );
        assert_eq!(
            resolve(Ctx::Bundles, Side::Team, key(KeyCode::Char('b'), CTRL)),
            None
        );
        assert_eq!(
            resolve(Ctx::Form, Side::Team, key(KeyCode::Char('b'), CTRL)),
            Some(Action::ShowBundles)
        );
    }

    #[test]
    fn labels_come_from_the_keys() {
        let label = |code, mods| Key { code, mods }.label();
        assert_eq!(label(KeyCode::Char('s'), CTRL), "Ctrl+S");
        assert_eq!(label(KeyCode::F(4), NONE), "F4");
        assert_eq!(label(KeyCode::Esc, NONE), "Esc");
        assert_eq!(label(KeyCode::BackTab, SHIFT), "Shift+Tab");
        assert_eq!(label(KeyCode::Char(' '), NONE), "Space");
        assert_eq!(label(KeyCode::Home, CTRL), "Ctrl+Home");
        assert_eq!(label(KeyCode::PageDown, NONE), "PgDn");
    }

    #[test]
    fn footer_and_help_name_the_same_keys() {
        let keys =
            |lines: Vec<KeyHelp>| -> Vec<String> { lines.into_iter().map(|l| l.keys).collect() };
        assert_eq!(
            keys(keys_of(footer(Ctx::History, Side::Office))),
            ["F1", "↑↓", "Space", "Esc", "Ctrl+B", "F2", "F10"]
        );
        assert_eq!(
            keys(keys_of(footer(Ctx::Conflict, Side::Office))),
            ["F1", "↑↓", "←→", "Ctrl+S", "Esc", "Ctrl+B", "F2", "F10"]
        );
        assert_eq!(
            keys(keys_of(footer(Ctx::Dialog, Side::Office))),
            ["Enter", "Delete", "Esc"]
        );
        // Finding the person of a new case: no F-key needed to pick or skip.
        assert_eq!(
            keys(keys_of(footer(Ctx::FindPerson, Side::Office))),
            ["F1", "Enter", "Ctrl+N", "Esc", "Ctrl+B", "F2", "F10"]
        );
        // Where words are typed, Delete erases and nothing is discarded.
        assert_eq!(
            keys(keys_of(footer(Ctx::TextDialog, Side::Office))),
            ["Enter", "Esc"]
        );
        assert_eq!(
            resolve(Ctx::TextDialog, Side::Office, key(KeyCode::Delete, NONE)),
            Some(Action::EraseForward)
        );
        // The import screen names its choices' keys beside them.
        assert_eq!(
            keys_for(Ctx::Import, &Action::ToggleLeadingZeros),
            "F5/Ctrl+L"
        );
        assert_eq!(keys_for(Ctx::Import, &Action::ToggleFillDown), "Ctrl+D");
        let help = help(Ctx::Form, Side::Office);
        let line = |h: Text| help.iter().find(|l| l.help == h).unwrap().keys.clone();
        assert_eq!(line(Text::HelpNextField), "Tab/↓");
        assert_eq!(line(Text::HelpPrevField), "Shift+Tab/↑");
        assert_eq!(line(Text::HelpQuit), "F10/Ctrl+Q/Ctrl+C");
        // Every footer line is a line of the help too.
        for ctx in [
            Ctx::List,
            Ctx::Form,
            Ctx::Progress,
            Ctx::Conflict,
            Ctx::Import,
            Ctx::NewCase,
            Ctx::FindPerson,
            Ctx::AskVillage,
        ] {
            let help = super::help(ctx, Side::Office);
            for f in keys_of(footer(ctx, Side::Office)) {
                let line = help.iter().find(|l| l.help == f.help).unwrap();
                assert!(line.keys.contains(&f.keys), "{ctx:?}: {f:?} in {line:?}");
            }
        }
    }
}
