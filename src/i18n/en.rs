//! English texts (`--lang en`).

use super::{Msg, Text};
use crate::error::Error;
use crate::store::StoreError;

pub fn text(t: Text) -> &'static str {
    match t {
        Text::AppTitle => "tothon — Project 06 working teams",
        Text::Commune => "Commune",
        Text::Team => "Team",
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
        Text::KeysQuit => "q/Esc: quit",
        Text::NotSetUpHint => {
            "This computer is not set up yet. Run `tothon demo` to try it, or `tothon init commune --name NAME` / `tothon init team --team N --commune NAME`."
        }
        Text::NoCases => "No cases yet.",
        Text::DemoReady => "The demo commune is ready.",
    }
}

pub fn error(e: &Error) -> String {
    match e {
        Error::Store(s) => store_error(s),
        Error::Exchange(e) => super::bundle::exchange_error(super::Lang::En, e),
        Error::Resolve(e) => super::bundle::resolve_error(super::Lang::En, e),
        Error::UnknownForm { form } => format!(
            "There is no form \"{form}\"; the forms are household_check, missing_field, activation."
        ),
        Error::UnknownField { form, field } => {
            format!("Form \"{form}\" has no field \"{field}\"; `tothon forms` lists the fields.")
        }
        Error::BadSet { arg } => {
            format!("\"--set {arg}\" must look like field=value, e.g. --set phone=0912345678.")
        }
        Error::Invalid {
            field,
            message,
            more: 0,
        } => format!("Field \"{field}\": {message} Nothing was saved."),
        Error::Invalid {
            field,
            message,
            more,
        } => format!("Field \"{field}\": {message} ({more} more problems). Nothing was saved."),
        Error::Unconfirmed { field, message } => format!(
            "Field \"{field}\": {message} If this is right, add --confirm to confirm and save. Nothing was saved."
        ),
        Error::InConflict { record, heads } => format!(
            "Case {record} has {heads} parallel versions (a conflict); resolve it before editing."
        ),
        Error::UnknownStatus { status } => format!(
            "There is no status \"{status}\"; use one of draft, in_progress, done, blocked."
        ),
        Error::NoSuchTeam { team, max } => {
            format!("There is no team {team}; this commune has teams 1 to {max}.")
        }
        Error::NoDataDir => {
            "No user data directory was found; give one with --data-dir or TOTHON_HOME.".into()
        }
        Error::NotADemo(dir) => format!(
            "{} holds data that is not a demo commune; choose another folder with --dir.",
            dir.display()
        ),
        Error::Terminal(detail) => format!("The terminal screen could not be opened: {detail}."),
        Error::File { path, detail } => {
            format!("Could not read/write {}: {detail}.", path.display())
        }
    }
}

pub(super) fn store_error(e: &StoreError) -> String {
    match e {
        StoreError::NotSetUp(dir) => format!(
            "There is no tothon data in {}; run `tothon init commune --name NAME`, `tothon init team ...` or `tothon demo`.",
            dir.display()
        ),
        StoreError::AlreadySetUp(dir) => format!(
            "{} already holds tothon data; it was not overwritten. Use --data-dir for another folder.",
            dir.display()
        ),
        StoreError::AlreadyOpen => {
            "tothon is already open in another window; close it and try again.".into()
        }
        StoreError::NewerSchema { found, supported } => format!(
            "This data was written by a newer tothon (schema {found}; this one reads up to {supported}); update tothon. The data was not changed."
        ),
        StoreError::Corrupt { what, detail } => format!(
            "The data is damaged in its {what} ({detail}); back up the data file and tell the commune."
        ),
        StoreError::NoSuchCase(record) => format!("Case {record} was not found."),
        StoreError::Db(detail) => format!("Error reading/writing the data: {detail}."),
        StoreError::Io(io) => format!("File error: {io}."),
    }
}

pub fn msg(m: &Msg) -> String {
    match m {
        Msg::Saved { record, status } => format!("Saved {record} ({status})."),
        Msg::SavedDraft { record, problems } => {
            format!("Saved {record} as a draft; {problems} problems still to fix.")
        }
        Msg::InitDone { dir } => format!("Set up the data in {dir}."),
        Msg::DemoBuilt {
            dir,
            people,
            cases,
            teams,
        } => format!(
            "Built the demo commune in {dir}: {people} people, {cases} cases, {teams} teams."
        ),
        Msg::WarningsConfirmed { count } => format!("Confirmed {count} warnings."),
    }
}
