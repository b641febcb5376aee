//! The errors a user can meet at the edge (command line, TUI), each carrying
//! what and where. They become one plain sentence in `i18n`.

use std::path::PathBuf;

use crate::ops::exchange::ExchangeError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown form {form}")]
    UnknownForm { form: String },
    #[error("form {form} has no field {field}")]
    UnknownField { form: String, field: String },
    #[error("--set needs field=value, got {arg}")]
    BadSet { arg: String },
    /// A save the form's checks stopped: errors without consent to keep a
    /// draft, or warnings not confirmed. Nothing was written.
    #[error("a {form} case not saved: {blocked:?}")]
    Blocked {
        form: String,
        blocked: crate::domain::save::Blocked,
    },
    /// A value given on the command line that its flag cannot take.
    #[error("{flag}: {problem:?}")]
    BadArg {
        flag: String,
        problem: crate::domain::rules::ProblemKind,
    },
    #[error("village: {0:?}")]
    Village(crate::domain::commune::VillageProblem),
    #[error("no village is named {name}")]
    UnknownVillage { name: String },
    /// A case opened at the office must say its village.
    #[error("the case names no village")]
    NoVillage,
    #[error("--team {team} and the village field (team {village}) disagree")]
    TeamAndVillage { team: u8, village: u8 },
    #[error("a case is returned for correction with a comment")]
    NoComment,
    #[error("a case is voided with a reason")]
    NoVoidReason,
    #[error("case {record} is voided already")]
    AlreadyVoided { record: String },
    #[error("case {record} has {heads} heads")]
    InConflict { record: String, heads: usize },
    /// A save that would change nothing of the case: no version written.
    #[error("nothing changed in case {record}")]
    Unchanged { record: String },
    /// (A team device) The commune moved the case to another team.
    #[error("case {record} was moved to team {team}")]
    MovedAway { record: String, team: u8 },
    #[error("unknown status {status}")]
    UnknownStatus { status: String },
    #[error("unknown stage {stage}")]
    UnknownStage { stage: String },
    #[error("team {team} is not one of 1..={max}")]
    NoSuchTeam { team: u8, max: u8 },
    #[error("only the commune office can do this")]
    CommuneOnly,
    #[error("no suspected pair {first} {second}")]
    NoSuchPair { first: String, second: String },
    #[error("unknown resolution {resolution}")]
    UnknownResolution { resolution: String },
    /// A form spec `tothon form add` refused: every problem, where it is.
    /// Nothing was taken.
    #[error("form spec {file} refused: {problems:?}")]
    FormSpec {
        file: String,
        problems: Vec<FormProblem>,
    },
    #[error("the report has no line {line}")]
    NoSuchReportLine { line: String },
    #[error("an xlsx workbook or docx document needs --out FILE")]
    NeedsOut,
    #[error("the register changed since the preview")]
    RegisterChanged,
    #[error("{count} register entries not written: no terminal to confirm and no --yes")]
    RegisterNeedsYes { count: usize },
    /// No one on the register is named so (a key or a personal ID).
    #[error("no one on the register is {wanted}")]
    NotOnRegister { wanted: String },
    /// A personal ID the register lists more than once, with their keys.
    #[error("personal ID {id} is on the register as {keys:?}")]
    SeveralOnRegister { id: String, keys: Vec<String> },
    /// A new case about a person or household that work of its form
    /// covers already (`ops::case::IfCovered::Refuse`): nothing was written.
    #[error("already covered by {covering:?}")]
    AlreadyCovered {
        subject: crate::domain::form::Subject,
        covering: Vec<crate::ops::covered::Covering>,
    },
    /// A form about neither a person nor a household opens from no one.
    #[error("a {form} case is not started from the register")]
    NotFromRegister { form: String },
    #[error("no data directory could be found")]
    NoDataDir,
    #[error("{0} holds something other than a tothon demo")]
    NotADemo(PathBuf),
    #[error("terminal: {0}")]
    Terminal(String),
    #[error("file {path}: {detail}")]
    File { path: PathBuf, detail: String },
    /// Whoever read the standard output stopped reading (`| head`): the end
    /// of the output, as for a table, not a failure.
    #[error("the output was closed")]
    OutputClosed,
    #[error(transparent)]
    Worklist(#[from] crate::worklist::WorklistError),
    #[error(transparent)]
    Exchange(ExchangeError),
    #[error(transparent)]
    Resolve(#[from] crate::domain::resolve::ResolveError),
}

/// A store error met while carrying bundles is reported as any store error.
impl From<ExchangeError> for Error {
    fn from(e: ExchangeError) -> Error {
        match e {
            ExchangeError::Store(s) => Error::Store(s),
            other => Error::Exchange(other),
        }
    }
}

impl From<crate::domain::commune::VillageProblem> for Error {
    fn from(p: crate::domain::commune::VillageProblem) -> Error {
        Error::Village(p)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem of a form spec, where it is: in a JSON spec, or in a
/// workbook's sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormProblem {
    Spec(crate::domain::form::added::SpecProblem),
    Sheet(crate::worklist::xlsform::SheetProblem),
}
