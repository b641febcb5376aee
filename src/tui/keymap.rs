//! Every key binding, in one table: the footer and the F1 help are drawn
//! from it, so they can never drift from what the keys really do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::Text;

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere (unless a dialog is open).
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
    NewCase,
    Settings,
    Dialog,
    Help,
}

/// What a key asks for. Typing that no binding takes becomes `Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Leave the program (asks first if a form has unsaved changes).
    Quit,
    /// Show every key of this screen.
    Help,
    /// Switch the built-in Vietnamese typing: off, Telex, VNI.
    ToggleTyping,
    /// Go back / close / cancel.
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Open the selected item, pick the highlighted choice, confirm a dialog.
    Enter,
    /// Start a case that is not on the work list.
    NewCase,
    /// The edit history of the selected case.
    History,
    /// The progress table.
    Progress,
    /// Per-device settings: typing, tone marks, who is working.
    Settings,
    /// Write the table on screen to a CSV file for Excel.
    Export,
    /// Progress over time and done % per team.
    Charts,
    /// The report's numbers as of a date.
    Report,
    /// Suspected duplicate citizens across villages.
    Duplicates,
    /// Import a work list from a spreadsheet export.
    Import,
    /// (Commune) send the case back to its team with a comment.
    ReturnCase,
    /// Bundles: export, import, the imports log.
    Bundles,
    CycleForm,
    CycleStage,
    CycleSort,
    NextField,
    PrevField,
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
    /// Save the form as a version.
    Save,
    /// Mark a version to compare with (history); toggle a choice (pick list).
    Mark,
    /// The second choice of a dialog (discard a draft, leave without saving).
    Discard,
    /// A typed character that no binding took.
    Type(char),
    /// Pasted text, inserted as one edit.
    Paste(String),
}

pub struct Binding {
    pub ctx: Ctx,
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
    /// The key as the footer and help show it.
    pub label: &'static str,
    pub help: Text,
    /// Shown in the one-line footer (all bindings show in F1).
    pub footer: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

macro_rules! bind {
    ($ctx:ident, $code:expr, $mods:expr, $action:expr, $label:expr, $help:ident, $footer:expr) => {
        Binding {
            ctx: Ctx::$ctx,
            code: $code,
            mods: $mods,
            action: $action,
            label: $label,
            help: Text::$help,
            footer: $footer,
        }
    };
}

/// The table. Order matters for the footer: most useful first.
pub fn bindings() -> &'static [Binding] {
    use Action as A;
    use KeyCode as K;
    static TABLE: std::sync::OnceLock<Vec<Binding>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        vec![
            bind!(List, K::Enter, NONE, A::Enter, "Enter", HelpOpen, true),
            bind!(List, K::F(3), NONE, A::CycleForm, "F3", HelpCycleForm, true),
            bind!(
                List,
                K::F(4),
                NONE,
                A::CycleStage,
                "F4",
                HelpCycleStage,
                true
            ),
            bind!(
                List,
                K::F(5),
                NONE,
                A::CycleSort,
                "F5",
                HelpCycleSort,
                false
            ),
            bind!(List, K::F(6), NONE, A::History, "F6", HelpHistory, false),
            bind!(List, K::F(7), NONE, A::Progress, "F7", HelpProgress, true),
            bind!(List, K::F(8), NONE, A::NewCase, "F8", HelpNewCase, true),
            bind!(List, K::F(9), NONE, A::Settings, "F9", HelpSettings, false),
            bind!(
                List,
                K::Char('b'),
                CTRL,
                A::Bundles,
                "Ctrl+B",
                HelpBundles,
                true
            ),
            bind!(
                Progress,
                K::Char('b'),
                CTRL,
                A::Bundles,
                "Ctrl+B",
                HelpBundles,
                false
            ),
            bind!(
                Bundles,
                K::Enter,
                NONE,
                A::Enter,
                "Enter",
                HelpImportBundle,
                true
            ),
            bind!(
                Bundles,
                K::Char('e'),
                CTRL,
                A::Export,
                "Ctrl+E",
                HelpExportBundles,
                true
            ),
            bind!(
                Bundles,
                K::Backspace,
                NONE,
                A::Backspace,
                "Backspace",
                HelpErase,
                false
            ),
            bind!(Bundles, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(Conflict, K::Up, NONE, A::Up, "↑↓", HelpPickField, true),
            bind!(Conflict, K::Down, NONE, A::Down, "↓", HelpPickField, false),
            bind!(Conflict, K::Left, NONE, A::Left, "←→", HelpPickHead, true),
            bind!(Conflict, K::Right, NONE, A::Right, "→", HelpPickHead, false),
            bind!(
                Conflict,
                K::Char('s'),
                CTRL,
                A::Save,
                "Ctrl+S",
                HelpSaveResolution,
                true
            ),
            bind!(Conflict, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(
                List,
                K::Char('n'),
                CTRL,
                A::NewCase,
                "Ctrl+N",
                HelpNewCase,
                false
            ),
            bind!(List, K::Up, NONE, A::Up, "↑", HelpMove, false),
            bind!(List, K::Down, NONE, A::Down, "↓", HelpMove, false),
            bind!(List, K::PageUp, NONE, A::PageUp, "PgUp", HelpPage, false),
            bind!(
                List,
                K::PageDown,
                NONE,
                A::PageDown,
                "PgDn",
                HelpPage,
                false
            ),
            bind!(
                List,
                K::Home,
                CTRL,
                A::Top,
                "Ctrl+Home",
                HelpTopBottom,
                false
            ),
            bind!(
                List,
                K::End,
                CTRL,
                A::Bottom,
                "Ctrl+End",
                HelpTopBottom,
                false
            ),
            bind!(
                List,
                K::Backspace,
                NONE,
                A::Backspace,
                "Backspace",
                HelpSearchEdit,
                false
            ),
            bind!(List, K::Esc, NONE, A::Back, "Esc", HelpClearSearch, false),
            bind!(Form, K::Char('s'), CTRL, A::Save, "Ctrl+S", HelpSave, true),
            bind!(Form, K::Tab, NONE, A::NextField, "Tab", HelpNextField, true),
            bind!(
                Form,
                K::BackTab,
                SHIFT,
                A::PrevField,
                "Shift+Tab",
                HelpPrevField,
                false
            ),
            bind!(Form, K::Down, NONE, A::NextField, "↓", HelpNextField, false),
            bind!(Form, K::Up, NONE, A::PrevField, "↑", HelpPrevField, false),
            bind!(
                Form,
                K::Enter,
                NONE,
                A::Enter,
                "Enter",
                HelpFieldEnter,
                true
            ),
            bind!(Form, K::Left, NONE, A::Left, "←", HelpCursor, false),
            bind!(Form, K::Right, NONE, A::Right, "→", HelpCursor, false),
            bind!(Form, K::Home, NONE, A::Home, "Home", HelpCursor, false),
            bind!(Form, K::End, NONE, A::End, "End", HelpCursor, false),
            bind!(
                Form,
                K::Backspace,
                NONE,
                A::Backspace,
                "Backspace",
                HelpErase,
                false
            ),
            bind!(Form, K::Delete, NONE, A::Delete, "Delete", HelpErase, false),
            bind!(Form, K::F(6), NONE, A::History, "F6", HelpHistory, false),
            bind!(
                Form,
                K::F(4),
                NONE,
                A::ReturnCase,
                "F4",
                HelpReturnCase,
                false
            ),
            bind!(Form, K::Esc, NONE, A::Back, "Esc", HelpLeaveForm, true),
            bind!(Picker, K::Enter, NONE, A::Enter, "Enter", HelpPick, true),
            bind!(
                Picker,
                K::Char(' '),
                NONE,
                A::Mark,
                "Space",
                HelpToggleChoice,
                true
            ),
            bind!(Picker, K::Up, NONE, A::Up, "↑", HelpMove, false),
            bind!(Picker, K::Down, NONE, A::Down, "↓", HelpMove, false),
            bind!(
                Picker,
                K::Backspace,
                NONE,
                A::Backspace,
                "Backspace",
                HelpSearchEdit,
                false
            ),
            bind!(Picker, K::Esc, NONE, A::Back, "Esc", HelpCancel, true),
            bind!(History, K::Up, NONE, A::Up, "↑↓", HelpPickVersion, true),
            bind!(History, K::Down, NONE, A::Down, "↓", HelpPickVersion, false),
            bind!(
                History,
                K::Char(' '),
                NONE,
                A::Mark,
                "Space",
                HelpMarkVersion,
                true
            ),
            bind!(History, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(
                Progress,
                K::Enter,
                NONE,
                A::Enter,
                "Enter",
                HelpOpenCell,
                true
            ),
            bind!(Progress, K::Up, NONE, A::Up, "↑", HelpPickCell, false),
            bind!(Progress, K::Down, NONE, A::Down, "↓", HelpPickCell, false),
            bind!(Progress, K::Left, NONE, A::Left, "←", HelpPickCell, false),
            bind!(Progress, K::Right, NONE, A::Right, "→", HelpPickCell, false),
            bind!(
                Progress,
                K::F(3),
                NONE,
                A::CycleForm,
                "F3",
                HelpCycleForm,
                true
            ),
            bind!(Progress, K::F(4), NONE, A::Charts, "F4", HelpCharts, true),
            bind!(Progress, K::F(5), NONE, A::Report, "F5", HelpReport, true),
            bind!(Progress, K::F(8), NONE, A::Import, "F8", HelpImport, true),
            bind!(Import, K::Enter, NONE, A::Enter, "Enter", HelpPreview, true),
            bind!(
                Import,
                K::Char('s'),
                CTRL,
                A::Save,
                "Ctrl+S",
                HelpDoImport,
                true
            ),
            bind!(Import, K::F(5), NONE, A::Mark, "F5", HelpFixZeros, true),
            bind!(Import, K::Up, NONE, A::Up, "↑", HelpScroll, false),
            bind!(Import, K::Down, NONE, A::Down, "↓", HelpScroll, false),
            bind!(
                Import,
                K::PageUp,
                NONE,
                A::PageUp,
                "PgUp",
                HelpScroll,
                false
            ),
            bind!(
                Import,
                K::PageDown,
                NONE,
                A::PageDown,
                "PgDn",
                HelpScroll,
                false
            ),
            bind!(
                Import,
                K::Backspace,
                NONE,
                A::Backspace,
                "Backspace",
                HelpErase,
                false
            ),
            bind!(Import, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(
                Progress,
                K::F(6),
                NONE,
                A::Duplicates,
                "F6",
                HelpDuplicates,
                true
            ),
            bind!(
                Progress,
                K::Char('e'),
                CTRL,
                A::Export,
                "Ctrl+E",
                HelpExport,
                true
            ),
            bind!(Progress, K::Esc, NONE, A::Back, "Esc", HelpWorkList, true),
            bind!(Charts, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(
                Report,
                K::Enter,
                NONE,
                A::Enter,
                "Enter",
                HelpRecompute,
                true
            ),
            bind!(
                Report,
                K::Char('s'),
                CTRL,
                A::Save,
                "Ctrl+S",
                HelpSaveReport,
                true
            ),
            bind!(
                Report,
                K::Backspace,
                NONE,
                A::Backspace,
                "Backspace",
                HelpErase,
                false
            ),
            bind!(Report, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(Duplicates, K::Up, NONE, A::Up, "↑↓", HelpMove, true),
            bind!(Duplicates, K::Down, NONE, A::Down, "↓", HelpMove, false),
            bind!(
                Duplicates,
                K::Enter,
                NONE,
                A::Enter,
                "Enter",
                HelpOpenHouseholdCheck,
                true
            ),
            bind!(Duplicates, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(NewCase, K::Up, NONE, A::Up, "↑↓", HelpMove, true),
            bind!(NewCase, K::Down, NONE, A::Down, "↓", HelpMove, false),
            bind!(NewCase, K::Enter, NONE, A::Enter, "Enter", HelpOpen, true),
            bind!(NewCase, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(Settings, K::Up, NONE, A::Up, "↑↓", HelpMove, true),
            bind!(Settings, K::Down, NONE, A::Down, "↓", HelpMove, false),
            bind!(
                Settings,
                K::Enter,
                NONE,
                A::Enter,
                "Enter",
                HelpChangeSetting,
                true
            ),
            bind!(Settings, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(Who, K::Up, NONE, A::Up, "↑↓", HelpMove, true),
            bind!(Who, K::Down, NONE, A::Down, "↓", HelpMove, false),
            bind!(
                Who,
                K::Enter,
                NONE,
                A::Enter,
                "Enter",
                HelpChooseMember,
                true
            ),
            bind!(
                Who,
                K::Backspace,
                NONE,
                A::Backspace,
                "Backspace",
                HelpErase,
                false
            ),
            bind!(Dialog, K::Enter, NONE, A::Enter, "Enter", HelpConfirm, true),
            bind!(
                Dialog,
                K::Delete,
                NONE,
                A::Discard,
                "Delete",
                HelpDiscard,
                true
            ),
            bind!(Dialog, K::Esc, NONE, A::Back, "Esc", HelpCancel, true),
            bind!(Help, K::Esc, NONE, A::Back, "Esc", HelpBack, true),
            bind!(Help, K::F(1), NONE, A::Back, "F1", HelpBack, false),
            bind!(Global, K::F(1), NONE, A::Help, "F1", HelpHelp, true),
            bind!(
                Global,
                K::F(2),
                NONE,
                A::ToggleTyping,
                "F2",
                HelpTyping,
                true
            ),
            bind!(
                Global,
                K::Char('t'),
                CTRL,
                A::ToggleTyping,
                "Ctrl+T",
                HelpTyping,
                false
            ),
            bind!(Global, K::F(10), NONE, A::Quit, "F10", HelpQuit, true),
            bind!(
                Global,
                K::Char('q'),
                CTRL,
                A::Quit,
                "Ctrl+Q",
                HelpQuit,
                false
            ),
            bind!(
                Global,
                K::Char('c'),
                CTRL,
                A::Quit,
                "Ctrl+C",
                HelpQuit,
                false
            ),
        ]
    })
}

/// The action for a key in a context: the context's own bindings first,
/// then the global ones (not in dialogs), then plain typing.
pub fn resolve(ctx: Ctx, key: KeyEvent) -> Option<Action> {
    let mods = key.modifiers - KeyModifiers::SHIFT;
    let matches = |b: &&Binding| {
        b.code == key.code && (b.mods - KeyModifiers::SHIFT) == mods
            || (b.code == KeyCode::BackTab && key.code == KeyCode::BackTab)
    };
    let found = bindings()
        .iter()
        .filter(|b| b.ctx == ctx)
        .find(matches)
        .or_else(|| {
            let modal = matches!(ctx, Ctx::Dialog | Ctx::Help);
            bindings()
                .iter()
                .filter(|b| b.ctx == Ctx::Global && (!modal || b.action == Action::Quit))
                .find(matches)
        });
    if let Some(b) = found {
        return Some(b.action.clone());
    }
    match key.code {
        // AltGr arrives as Ctrl+Alt on Windows: it is a character, not a shortcut.
        KeyCode::Char(c)
            if !key.modifiers.contains(KeyModifiers::CONTROL)
                || key.modifiers.contains(KeyModifiers::ALT) =>
        {
            Some(Action::Type(c))
        }
        _ => None,
    }
}

/// The footer bindings: F1 first (it leads to the rest), then the
/// context's own, then the other global ones.
pub fn footer(ctx: Ctx) -> impl Iterator<Item = &'static Binding> {
    let modal = matches!(ctx, Ctx::Dialog | Ctx::Help);
    let global = move |b: &&Binding| !modal && b.footer && b.ctx == Ctx::Global;
    let is_help = |b: &&Binding| b.action == Action::Help;
    bindings()
        .iter()
        .filter(move |b| global(b) && is_help(b))
        .chain(bindings().iter().filter(move |b| b.footer && b.ctx == ctx))
        .chain(bindings().iter().filter(move |b| global(b) && !is_help(b)))
}

/// Every key of a context and the global ones, for F1: keys that do the
/// same thing share a line ("↑/↓ Move").
pub fn all(ctx: Ctx) -> Vec<(String, Text)> {
    let mut out: Vec<(String, Text)> = Vec::new();
    for b in bindings()
        .iter()
        .filter(|b| b.ctx == ctx || (b.ctx == Ctx::Global && ctx != Ctx::Dialog))
    {
        match out.iter_mut().find(|(_, help)| *help == b.help) {
            Some((labels, _)) => {
                labels.push('/');
                labels.push_str(b.label);
            }
            None => out.push((b.label.to_string(), b.help)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn context_first_then_global_then_typing() {
        assert_eq!(
            resolve(Ctx::Form, key(KeyCode::Char('s'), CTRL)),
            Some(Action::Save)
        );
        assert_eq!(
            resolve(Ctx::List, key(KeyCode::F(1), NONE)),
            Some(Action::Help)
        );
        assert_eq!(
            resolve(Ctx::List, key(KeyCode::Char('n'), NONE)),
            Some(Action::Type('n'))
        );
        assert_eq!(
            resolve(Ctx::Form, key(KeyCode::Char('Ê'), SHIFT)),
            Some(Action::Type('Ê'))
        );
        // AltGr+q on a Windows keyboard is Ctrl+Alt+q: a character.
        assert_eq!(
            resolve(Ctx::Form, key(KeyCode::Char('@'), CTRL | KeyModifiers::ALT)),
            Some(Action::Type('@'))
        );
        assert_eq!(resolve(Ctx::Dialog, key(KeyCode::F(2), NONE)), None);
        assert_eq!(
            resolve(Ctx::Form, key(KeyCode::BackTab, SHIFT)),
            Some(Action::PrevField)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let table = bindings();
        for (i, a) in table.iter().enumerate() {
            for b in &table[i + 1..] {
                assert!(
                    !(a.ctx == b.ctx && a.code == b.code && a.mods == b.mods),
                    "{:?} {:?} twice",
                    a.ctx,
                    a.code
                );
            }
        }
    }
}
