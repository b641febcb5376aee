//! One line of the work list, derived from a case (or from a work item not yet
//! begun). Kept small — a few strings, the rest plain values and `'static`
//! ids — because a commune holds a hundred thousand of them in memory.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::case::CaseEntry;
use super::form::{self, FormSpec, Kind};
use super::progress::Unit;
use super::standing::Stage;
use super::text;
use super::version::{Status, parse_time_text};
use super::work::WorkItem;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRow {
    pub record: String,
    pub form: &'static str,
    pub team: u8,
    /// Where the case stands for counting (`CaseEntry::stage`).
    pub stage: Stage,
    /// Its newest version is a draft: saved with problems still open (shown
    /// so, counted where `stage` says).
    pub draft_status: bool,
    pub conflict: bool,
    pub title: String,
    /// Folded text that search matches: code, names, IDs, household, phone.
    pub search: String,
    /// The next follow-up if planned, else the due date.
    pub due: Option<NaiveDate>,
    /// When the case was last saved; `None` when not started.
    pub edited: Option<DateTime<FixedOffset>>,
    /// Typing not yet saved is waiting in a draft (not stored: drafts say it).
    pub has_draft: bool,
    /// Why the case is blocked, when it is (a choice id).
    pub blocker: Option<&'static str>,
    /// The value of the form's outcome field (a choice id).
    pub outcome: Option<&'static str>,
}

/// The `'static` id of a form, or the first form's for an unknown one (which
/// the store never holds: versions are checked against the specs).
pub fn static_form(id: &str) -> &'static FormSpec {
    form::known(id).unwrap_or(&form::forms()[0])
}

/// The `'static` id of a choice of `field` in `spec`, if `value` is one.
pub fn static_choice(
    spec: &'static FormSpec,
    field: Option<&String>,
    value: &str,
) -> Option<&'static str> {
    let field = spec.field(field?)?;
    match &field.kind {
        Kind::Choice { choices, .. } | Kind::MultiChoice { choices } => choices
            .iter()
            .find(|c| c.id == value)
            .map(|c| c.id.as_str()),
        _ => None,
    }
}

/// A date written `yyyy-mm-dd`.
pub fn iso_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// What a case's line shows before its title while the commune asks for a
/// correction: this mark, the commune's request, then this dash.
pub const CORRECTION_MARK: &str = "↩ ";
const CORRECTION_END: &str = " — ";

/// The title and search key of the case that [`ListRow::fill_from_case`]
/// made a line's `title` and `search` from (the case's record and
/// correction given): the line's own, without what the line adds before
/// them. `None` when the line was not made so.
pub fn case_texts<'a>(
    record: &str,
    correction: Option<&str>,
    title: &'a str,
    search: &'a str,
) -> Option<(&'a str, &'a str)> {
    let title = match correction {
        Some(c) => title
            .strip_prefix(CORRECTION_MARK)?
            .strip_prefix(c)?
            .strip_prefix(CORRECTION_END)?,
        None => title,
    };
    let search = text::after_fold_of(record, search)?.strip_prefix(' ')?;
    Some((title, search))
}

impl ListRow {
    pub fn from_item(item: &WorkItem) -> ListRow {
        let spec = static_form(&item.form);
        ListRow {
            record: item.id.clone(),
            form: spec.id.as_str(),
            team: item.team,
            stage: Stage::NotStarted,
            draft_status: false,
            conflict: false,
            title: spec.title(&item.prefill),
            search: format!(
                "{} {}",
                text::fold(&item.id),
                spec.search_key(&item.prefill)
            ),
            due: item.due.as_deref().and_then(iso_day),
            edited: None,
            has_draft: false,
            blocker: None,
            outcome: None,
        }
    }

    /// A line to fill (by [`ListRow::fill_from_case`], or from the store).
    pub fn blank() -> ListRow {
        ListRow {
            record: String::new(),
            form: "",
            team: 0,
            stage: Stage::NotStarted,
            draft_status: false,
            conflict: false,
            title: String::new(),
            search: String::new(),
            due: None,
            edited: None,
            has_draft: false,
            blocker: None,
            outcome: None,
        }
    }

    /// A case's row; `item_due` is the due date of its work item, if any.
    pub fn from_case(case: &CaseEntry, item_due: Option<&str>) -> ListRow {
        let mut row = ListRow::blank();
        row.fill_from_case(case, item_due);
        row
    }

    /// [`ListRow::from_case`] into this row, reusing its memory.
    pub fn fill_from_case(&mut self, case: &CaseEntry, item_due: Option<&str>) {
        let spec = static_form(&case.form);
        self.record.clone_from(&case.record);
        self.form = spec.id.as_str();
        self.team = case.team;
        self.stage = case.stage;
        self.draft_status = case.status == Status::Draft;
        self.conflict = case.in_conflict();
        self.title.clear();
        if let Some(c) = &case.correction {
            self.title.push_str(CORRECTION_MARK);
            self.title.push_str(c);
            self.title.push_str(CORRECTION_END);
        }
        self.title.push_str(&case.title);
        text::fold_into(&case.record, &mut self.search);
        self.search.push(' ');
        self.search.push_str(&case.search);
        self.due = case
            .follow_up
            .as_deref()
            .and_then(iso_day)
            .or_else(|| item_due.and_then(iso_day));
        // Nearly always written as tothon writes times, and read quicker so.
        self.edited = parse_time_text(&case.edited_at)
            .or_else(|| DateTime::parse_from_rfc3339(&case.edited_at).ok());
        self.has_draft = false;
        self.blocker = case
            .blocker
            .as_deref()
            .and_then(|b| static_choice(spec, spec.blocker.as_ref(), b));
        self.outcome = case
            .outcome
            .as_deref()
            .and_then(|o| static_choice(spec, spec.outcome.as_ref(), o));
    }

    /// This row as the progress tables count it.
    pub fn unit(&self) -> Unit<'static> {
        Unit {
            team: self.team,
            form: self.form,
            stage: self.stage,
            conflict: self.conflict,
            blocker: self.blocker,
        }
    }
}
