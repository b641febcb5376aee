//! English texts (`--lang en`).

use super::{Lang, Msg, Text};
use crate::domain::commune::VillageProblem;
use crate::domain::save::Blocked;
use crate::domain::text::printable;
use crate::error::Error;
use crate::store::StoreError;

pub fn text(t: Text) -> &'static str {
    match t {
        Text::AppTitle => "tothon — Project 06 working teams",
        Text::Commune => "Commune",
        Text::Team => "Team",
        Text::Village => "Village",
        Text::Cases => "Cases",
        Text::Record => "Code",
        Text::Form => "Form",
        Text::Status => "Status",
        Text::Title => "Subject",
        Text::EditedAt => "Edited",
        Text::Author => "Author",
        Text::Versions => "Saves",
        Text::Conflict => "Conflict",
        Text::History => "History",
        Text::Field => "Field",
        Text::Value => "Value",
        Text::StatusDraft => "Draft",
        Text::StatusInProgress => "In progress",
        Text::StatusDone => "Done",
        Text::StatusBlocked => "Blocked",
        Text::StatusNeedsCorrection => "Needs correction",
        Text::StatusVoided => "Voided",
        Text::StageNotStarted => "Not started",
        Text::NotSetUpHint => {
            "This computer is not set up yet. Run `tothon demo` to try it, or `tothon init commune --name NAME` / `tothon init team --team N --commune NAME`."
        }
        Text::NoCases => "No cases yet.",
        Text::DemoReady => "The demo commune is ready.",
        Text::Working => "Working, please wait…",
        Text::TooSmall => "The window is too small: enlarge it (at least 40×10).",
        Text::TypingOff => "off",
        Text::Typing => "Typing",
        Text::DraftKept => "The draft is kept; open this case again to go on.",
        Text::ConflictNotice => {
            "This case is in conflict; the commune will resolve it. Showing the newest edit."
        }
        Text::NothingToShow => "Nothing to show.",
        Text::LoadingList => "Opening the work list…",
        Text::Search => "Search",
        Text::All => "All",
        Text::Due => "Due",
        Text::SortBy => "Sort",
        Text::NoMatches => "No case matches. Esc: clear the search, F3/F4: change the filters.",
        Text::PickHint => "‹Enter or type to choose›",
        Text::PickNone => "(leave empty)",
        Text::NewCase => "New",
        Text::FirstVersion => "First save",
        Text::NoChanges => "No changes.",
        Text::Progress => "Progress",
        Text::Assigned => "Assigned",
        Text::Total => "Total",
        Text::BlockedBy => "Blocked by reason",
        Text::ChooseForm => "Choose the form of the new case",
        Text::ChooseVillage => "Which village is this case in?",
        Text::FindPerson => "Find the person on the register",
        Text::FindPersonHint => "type a name, personal ID, household code or phone",
        Text::FindHouseholdHint => "pick anyone of the household, or type its code",
        Text::Relation => "Relation",
        Text::Born => "Born",
        Text::Household => "Household",
        Text::HelpOpenFromRegister => "Open for this person",
        Text::HelpBlankForm => "Blank form",
        Text::AlreadyCoveredKeys => {
            "Enter: open that case · Delete: make a new one all the same · Esc: go back"
        }
        Text::WhoIsWorking => "Who is working?",
        Text::AddMember => "Add a person",
        Text::LeaveFormQuestion => "Unsaved changes",
        Text::LeaveFormKeys => "Enter: leave, keep a draft · Delete: discard changes · Esc: stay",
        Text::QuitQuestion => "Quit?",
        Text::QuitKeys => "The open form will be kept as a draft. Enter: quit · Esc: stay",
        Text::OfferDraftQuestion => "There is an unsaved draft of this case",
        Text::OfferDraftKeys => "Enter: use the draft · Delete: discard it",
        Text::SaveAsDraftQuestion => "The form has errors",
        Text::SaveAsDraftKeys => "Enter: save as a draft, fix later · Esc: go back and fix",
        Text::ConfirmWarningsQuestion => "Warnings to confirm",
        Text::ConfirmWarningsKeys => "Enter: confirm it is right and save · Esc: go back",
        Text::HelpTitle => "Keys (F1)",
        Text::BundleFolder => "Bundle folder",
        Text::BundlePath => "Type a folder or a .zip bundle (Tab completes)",
        Text::NoBundlesHere => "No .zip bundle in this folder.",
        Text::HelpCompletePath => "Complete the path",
        Text::FollowUpsDue => "Due (today or overdue)",
        Text::HelpRemoveMember => "Take the name off the list",
        Text::NotAFolder => "no such folder",
        Text::CloseFormFirst => {
            "Save or close the open form (Esc) before importing a bundle; exporting (Ctrl+E) works now."
        }
        Text::MarkConflict => "conflict: two edits differ, office picks",
        Text::MarkDraft => "unsaved draft (open the case to go on)",
        Text::MarkCorrection => "sent back by the office (with a comment)",
        Text::HelpOpen => "Open",
        Text::HelpCycleForm => "Form filter",
        Text::HelpCycleStage => "Status filter",
        Text::HelpCycleSort => "Sort order",
        Text::HelpHistory => "Edit history",
        Text::HelpProgress => "Progress",
        Text::HelpNewCase => "New case",
        Text::HelpMove => "Move",
        Text::HelpPage => "Page up/down",
        Text::HelpTopBottom => "Top/bottom of the list",
        Text::HelpSearchEdit => "Erase a search letter",
        Text::HelpClearSearch => "Clear the search",
        Text::HelpSave => "Save",
        Text::HelpNextField => "Next field",
        Text::HelpPrevField => "Previous field",
        Text::HelpFieldEnter => "Choose/next",
        Text::HelpCursor => "Move the cursor",
        Text::HelpErase => "Erase",
        Text::HelpLeaveForm => "Leave the form",
        Text::HelpPick => "Pick",
        Text::HelpToggleChoice => "Tick (multi-choice)",
        Text::HelpCancel => "Cancel",
        Text::HelpPickVersion => "Pick a save",
        Text::HelpMarkVersion => "Mark to compare",
        Text::HelpBack => "Back",
        Text::HelpChooseMember => "Choose",
        Text::HelpConfirm => "Confirm",
        Text::HelpDiscard => "Discard",
        Text::HelpHelp => "Help",
        Text::HelpTyping => "Typing",
        Text::Settings => "Settings",
        Text::ToneStyle => "Tone mark placement",
        Text::ToneClassic => "òa, úy, thủy (Unikey's default)",
        Text::ToneModern => "oà, uý, thuỷ (new style)",
        Text::HelpSettings => "Settings",
        Text::HelpChangeSetting => "Change",
        Text::DaysShort => "days",
        Text::LastBundle => "Last bundle",
        Text::SuspectedWith => "Suspected duplicate of",
        Text::EidAccounts => "e-ID accounts",
        Text::DoneOverTime => "Cases done over time",
        Text::DonePercent => "Done % per team",
        Text::Report => "Report",
        Text::AsOf => "As of (Enter to recompute)",
        Text::Duplicates => "Suspected duplicate citizens",
        Text::NoDuplicates => "No suspected duplicates found.",
        Text::SameId => "Same personal ID in two households",
        Text::SameNameAndBirth => "Same name and birth date, different IDs",
        Text::HelpExport => "Export Excel",
        Text::HelpCharts => "Charts",
        Text::HelpReport => "Report",
        Text::HelpDuplicates => "Duplicates",
        Text::HelpOpenCell => "Open the cases",
        Text::HelpPickCell => "Pick a cell",
        Text::HelpSaveReport => "Save the report",
        Text::ReportTableTooWide => {
            "Wider than the screen: Ctrl+S saves the report (.txt, .csv, .xlsx) to see it whole."
        }
        Text::HelpRecompute => "Recompute",
        Text::HelpOpenHouseholdCheck => "Open a household check",
        Text::ImportRegister => "Import the population register from a spreadsheet",
        Text::HelpSettleDeleted => "Duplicate deleted",
        Text::HelpSettleNotDuplicate => "Not a duplicate",
        Text::HelpSettleReferred => "Referred to police",
        Text::Unsettled => "not settled",
        Text::HelpWorkList => "Work list",
        Text::HelpScroll => "Scroll",
        Text::ImportWorklist => "Import a work list from a spreadsheet file",
        Text::FilePath => "File path (workbook or CSV)",
        Text::FixLeadingZeros => "Restore lost leading zeros",
        Text::FillDown => "Fill merged-cell blanks (village, household) from the row above",
        Text::ImportHint => {
            "Type or paste the file's path (.xlsx, .xls, .ods, .csv) and press Enter to preview; nothing is written until Ctrl+S."
        }
        Text::HelpImport => "Import a work list",
        Text::HelpPreview => "Preview",
        Text::HelpDoImport => "Import",
        Text::HelpFixZeros => "Leading zeros",
        Text::Villages => "The commune's villages",
        Text::VillagesHint => {
            "A team's number is its village's id: a rename moves no case, work item or count. The teams get the new names in the commune's next bundle."
        }
        Text::VillageName => "Village name",
        Text::RenameVillageQuestion => "Rename village",
        Text::AddVillageQuestion => "Add a village (it takes the next team number)",
        Text::VillageNameKeys => "Type the name · Enter: save · Esc: cancel",
        Text::HelpRenameVillage => "Rename",
        Text::HelpAddVillage => "Add a village",
        Text::DueDate => "Due",
        Text::NoWorkItems => "The work list has no items.",
        Text::HelpFillDown => "Fill merged cells",
        Text::HelpNextSheet => "The workbook's next sheet",
        Text::HelpReturnCase => "Return for correction",
        Text::Comment => "What to correct",
        Text::ReturnQuestion => "Return to the team for correction",
        Text::ReturnKeys => {
            "Type the comment · Enter: send in the team's next bundle · Esc: cancel"
        }
        Text::HelpVoidCase => "Void a case made by mistake",
        Text::VoidReason => "Why",
        Text::VoidQuestion => "Void a case made by mistake (the history keeps everything)",
        Text::VoidKeys => "Type the reason · Enter: void it · Esc: keep it",
        Text::ColInProgress => "Doing",
        Text::ColNotStarted => "To do",
        Text::ColBlocked => "Block",
        Text::ColNeedsCorrection => "Fix",
        Text::ColConflicts => "Confl",
        Text::Bundles => "Bundles: export, import, log",
        Text::ReceivedAt => "Received",
        Text::Sender => "From",
        Text::Result => "Result",
        Text::StaleBundle => "older than one already imported",
        Text::ImportsLog => "Imports log",
        Text::ConflictHint => {
            "↑↓ pick a field · ←→ pick the version for it · Ctrl+S save the resolution"
        }
        Text::HelpBundles => "Bundles",
        Text::HelpExportBundles => "Export bundles",
        Text::HelpImportBundle => "Import / open the folder",
        Text::Passphrase => "This device's passphrase",
        Text::PassphraseQuestion => "Open this device's data",
        Text::Unlocking => "Opening… (this takes a few seconds)",
        Text::DemoPassphrase => "(Demo commune: every device's passphrase is \"demo\")",
        Text::PassphraseKeys => "Type the passphrase · Enter: open · Esc: quit",
        Text::HelpPickField => "Pick a field",
        Text::HelpPickHead => "Pick a version",
        Text::HelpSaveResolution => "Save",
        Text::HelpQuit => "Quit",
    }
}

pub fn error(e: &Error) -> String {
    match e {
        Error::Store(s) => store_error(s),
        Error::Exchange(e) => super::bundle::exchange_error(super::Lang::En, e),
        Error::Resolve(e) => super::bundle::resolve_error(super::Lang::En, e),
        Error::FormSpec { file, problems } => super::forms::refused(super::Lang::En, file, problems),
        Error::NoSuchReportLine { line } => format!(
            "The report has no line \"{line}\"; the lines a target can be set for: {}.",
            super::report_lines()
        ),
        Error::UnknownForm { form } => format!(
            "There is no form \"{form}\"; the forms are {}.",
            super::form_ids()
        ),
        Error::UnknownField { form, field } => {
            format!("Form \"{form}\" has no field \"{field}\"; `tothon forms` lists the fields.")
        }
        Error::BadSet { arg } => {
            format!("\"--set {arg}\" must look like field=value, e.g. --set phone=0912345678.")
        }
        Error::Blocked { form, blocked } => {
            let (field, message, more) = super::blocked_parts(Lang::En, form, blocked);
            let more = if more == 0 {
                String::new()
            } else {
                format!(" ({more} more problems)")
            };
            match blocked {
                Blocked::Errors(_) => format!(
                    "Field \"{field}\": {message}{more} Correct it, or add --draft to keep a draft. Nothing was saved."
                ),
                Blocked::Unconfirmed(_) => format!(
                    "Field \"{field}\": {message}{more} If this is right, add --confirm to confirm and save. Nothing was saved."
                ),
            }
        }
        Error::BadArg { flag, problem } => {
            format!(
                "\"{flag}\": {}",
                super::problems::message(problem, Lang::En)
            )
        }
        Error::Village(p) => match p {
            VillageProblem::Empty => "A village's name cannot be empty.".into(),
            VillageProblem::TooLong { max } => {
                format!("A village's name is at most {max} characters.")
            }
            VillageProblem::OnlyDigits => {
                "A village's name cannot be only digits (a number is read as a team number).".into()
            }
            VillageProblem::TooAlike { team, name } => format!(
                "This name is too like village {team}'s (\"{name}\"): a list could not tell them apart; choose another."
            ),
            VillageProblem::TooMany { max } => format!("A commune has at most {max} villages."),
            VillageProblem::NoSuchVillage { team } => format!("There is no village number {team}."),
            VillageProblem::NoVillages => "A commune needs at least one village.".into(),
        },
        Error::UnknownVillage { name } => {
            format!("The commune has no village \"{name}\"; `tothon village list` lists them.")
        }
        Error::NoVillage => {
            "A case opened at the office must say its village: add --village NAME (or --team N)."
                .into()
        }
        Error::TeamAndVillage { team, village } => format!(
            "--team {team} disagrees with the case's village field (team {village}'s village); drop --team or correct the field."
        ),
        Error::NoVoidReason => "Give the reason for voiding the case (--reason).".into(),
        Error::AlreadyVoided { record } => format!("Case {record} is voided already."),
        Error::NoComment => "Say what to correct (--comment) when returning a case.".into(),
        Error::InConflict { record, heads } => format!(
            "Case {record} has {heads} parallel versions (a conflict); resolve it before editing."
        ),
        Error::Unchanged { record } => {
            format!("Nothing changed in {record}; no new version written.")
        }
        Error::MovedAway { record, team } => format!(
            "The commune moved {record} to team {team}; this device saves nothing more for it (what it saved still goes to the commune)."
        ),
        Error::UnknownStatus { status } => format!(
            "There is no status \"{status}\"; use one of draft, in_progress, done, blocked, needs_correction, voided."
        ),
        Error::UnknownStage { stage } => format!(
            "There is no stage \"{stage}\"; use one of not_started, in_progress, done, blocked, needs_correction, voided."
        ),
        Error::NoSuchTeam { team, max } => {
            format!("There is no team {team}; this commune has teams 1 to {max}.")
        }
        Error::CommuneOnly => "Only the commune office's computer can do this.".into(),
        Error::NoSuchPair { first, second } => format!(
            "There is no suspected pair {first} – {second}; list the pairs with 'tothon duplicates'."
        ),
        Error::UnknownResolution { resolution } => format!(
            "There is no resolution \"{resolution}\"; choose deleted_duplicate, not_duplicate or referred."
        ),
        Error::NeedsOut => "An Excel workbook (xlsx) or a Word document (docx) needs somewhere to go: add --out FILE.xlsx (or FILE.docx).".into(),
        Error::RegisterChanged => {
            "The register changed since the preview; preview again, then import. Nothing was written."
                .into()
        }
        Error::RegisterNeedsYes { count } => format!(
            "Nothing written: there is no terminal to confirm on; run again with --yes to write {count} people."
        ),
        Error::NoDataDir => {
            "No user data directory was found; give one with --data-dir or TOTHON_HOME.".into()
        }
        Error::NotADemo(dir) => format!(
            "{} holds data that is not a demo commune; choose another folder with --dir.",
            printable(&dir.display().to_string(), 400)
        ),
        Error::Terminal(detail) => format!("The terminal screen could not be opened: {detail}."),
        Error::File { path, detail } => {
            format!("Could not read/write {}: {}.", printable(&path.display().to_string(), 400), printable(detail, 400))
        }
        Error::OutputClosed => "The output was closed before everything was printed.".into(),
        Error::Worklist(w) => super::worklist::error(super::Lang::En, w),
        Error::NotOnRegister { .. }
        | Error::SeveralOnRegister { .. }
        | Error::NotFromRegister { .. }
        | Error::AlreadyCovered { .. } => super::register::error(super::Lang::En, e),
    }
}

pub(super) fn store_error(e: &StoreError) -> String {
    match e {
        StoreError::NotSetUp(dir) => format!(
            "There is no tothon data in {}; run `tothon init commune --name NAME`, `tothon init team ...` or `tothon demo`.",
            printable(&dir.display().to_string(), 400)
        ),
        StoreError::AlreadySetUp(dir) => format!(
            "{} already holds tothon data; it was not overwritten. Use --data-dir for another folder.",
            printable(&dir.display().to_string(), 400)
        ),
        StoreError::AlreadyOpen => {
            "tothon is already open in another window; close it and try again.".into()
        }
        StoreError::Locked => {
            "This device's data is encrypted; its passphrase is needed to open it. Nothing was changed.".into()
        }
        StoreError::DataKeyDoesNotOpen => "This device's key does not open its encrypted data (the data file is not this device's, or was replaced). Nothing was changed; tell the commune.".into(),
        StoreError::DataKeyMissing => "The data file has lost the key its data is encrypted with, so it cannot be read; it may be damaged. Nothing was changed; back the file up and tell the commune.".into(),
        StoreError::NewerSchema { found, supported } => format!(
            "This data was written by a newer tothon (schema {found}; this one reads up to {supported}); update tothon. The data was not changed."
        ),
        StoreError::Damaged { file, detail } => format!(
            "The data file {} is damaged{} and does not read; nothing was changed. Restore the latest backup with `tothon restore FILE` (automatic backups are in the backups folder beside it), or tell the commune.",
            file.display(),
            super::parenthesised(detail)
        ),
        StoreError::Corrupt { what, detail } => format!(
            "The data is damaged in its {what} ({}); nothing was changed. Run `tothon check` to see how far the damage goes, then restore the latest backup with `tothon restore FILE`.",
            printable(detail, 400)
        ),
        StoreError::NoSuchCase(record) => format!("Case {} was not found.", printable(record, 100)),
        StoreError::Disk(Some(io)) if io.kind() == std::io::ErrorKind::StorageFull => "The disk is full, so what was just done may not have been saved, but nothing saved before it is lost; free some space on the disk, then open tothon again.".into(),
        StoreError::Disk(Some(io)) => format!(
            "The disk failed to read or write the data ({}), so what was just done may not have been saved, but nothing saved before it is lost; close tothon and open it again, and if this happens again, have the disk checked.",
            printable(&io.to_string(), 200)
        ),
        StoreError::Disk(None) => "The disk failed earlier, so tothon writes nothing more, but nothing saved before that failure is lost; close tothon and open it again.".into(),
        StoreError::Db(detail) => format!("Error reading/writing the data: {}.", printable(detail, 400)),
        StoreError::Io(io) => format!("File error: {}.", printable(&io.to_string(), 400)),
    }
}

pub fn msg(m: &Msg) -> String {
    match m {
        Msg::Saved { record, status } => format!("Saved {record} ({status})."),
        Msg::SavedDraft { record, problems } => {
            format!("Saved {record} as a draft; {problems} problems still to fix.")
        }
        Msg::InitDone { dir } => format!("Set up the data in {dir}."),
        Msg::VillageAdded { team, name } => format!(
            "Added village \"{name}\" (team {team}); the teams get the new list in the commune's next bundle."
        ),
        Msg::VillageRenamed { team, name } => format!(
            "Village {team} is now \"{name}\"; the teams get the new name in the commune's next bundle."
        ),
        Msg::ScreenVillageAdded { team, name } => {
            format!("Added village \"{name}\", team {team}.")
        }
        Msg::ScreenVillageRenamed { team, name } => format!("Village {team} is now \"{name}\"."),
        Msg::DemoBuilt {
            dir,
            people,
            cases,
            teams,
        } => format!(
            "Built the demo commune in {dir}: {people} people, {cases} cases, {teams} teams. Every demo device's passphrase is \"demo\"."
        ),
        Msg::Exported { path } => format!("Wrote {path}."),
        Msg::FormAdded {
            label,
            id,
            version,
            code,
            fields,
        } => format!(
            "Form \"{label}\" added ({id}, version {version}, case code {code}, {fields} fields). It reaches the teams in the commune's next bundles."
        ),
        Msg::Target {
            line,
            target: Some(n),
        } => format!("Target for \"{line}\" set: {n}."),
        Msg::Target { line, target: None } => format!("\"{line}\" has no target."),
        Msg::BackedUp { path } => format!(
            "Backed the data up to {path} (encrypted as the data file is; this device's passphrase opens it)."
        ),
        Msg::BackupFailed { why } => format!(
            "The data could not be backed up ({why}); the data itself is not affected. Check the disk's free space, then run `tothon backup`."
        ),
        Msg::Restored { versions, kept } => match kept {
            Some(kept) => format!(
                "Restored the backup: {versions} versions, checked whole. The data it replaced is kept in {kept}."
            ),
            None => format!("Restored the backup: {versions} versions, checked whole."),
        },
        Msg::CheckPassed {
            values,
            versions,
            repaired,
            index_rebuilt,
            latest_backup,
        } => {
            let mut out = format!(
                "The data is whole: {values} values read, {versions} versions match their ids."
            );
            if *repaired {
                out.push_str(" The file had damaged pages and went back to its last whole save: look over what was entered last.");
            }
            if *index_rebuilt > 0 {
                out.push_str(&format!(
                    " The work list differed from the versions in {index_rebuilt} lines; it was rebuilt from them."
                ));
            }
            match latest_backup {
                Some(b) => out.push_str(&format!(" Latest backup: {b}.")),
                None => out.push_str(" There is no backup yet: run `tothon backup`."),
            }
            out
        }
        Msg::ExportedPersonal { path } => format!(
            "Wrote {path}. It holds citizens' personal data, not encrypted: keep it safe, do not send it over the network, delete it when done."
        ),
        Msg::PersonalToOutput => "Note: this table holds citizens' personal data, not encrypted: keep whatever receives it safe, do not send it over the network, delete it when done.".into(),
        Msg::Imported { count } => format!("Imported {count} work items."),
        Msg::Unsent { count } => format!("Unsent: {count}"),
        Msg::LastFolderGone { path } => format!(
            "The last bundle folder ({}) is not there: USB stick out? Using the default folder.",
            printable(path, 200)
        ),
        Msg::NewCaseDrafts { forms } => format!(
            "A new case is half-typed ({forms}): F8 and the form marked ✎ go on with it."
        ),
        Msg::MemberRemoved { name } => format!(
            "{} is off the list of who works here; what they saved keeps their name.",
            printable(name, 60)
        ),
        Msg::WarningsConfirmed { count } => format!("Confirmed {count} warnings."),
        Msg::SheetRead { sheet, at, of } => {
            format!(
                "Sheet \"{}\" ({at} of {of})",
                super::worklist::sheet_name(sheet)
            )
        }
    }
}
