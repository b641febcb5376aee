//! The form of one case: its fields, typed into or picked from lists,
//! checked as they are left, kept as a draft while typed, saved as a
//! version. Saving is decided by `domain::save` and written by an effect.

use std::collections::{BTreeMap, HashMap, HashSet};

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::conflict;
use super::picker::{self, Picker};
use crate::domain::case::{CORRECTION_FIELD, VOID_FIELD};
use crate::domain::commune::{Commune, Role};
use crate::domain::form::{self, Context, FieldSpec, FormSpec, Kind, MULTI_SEP, Visit};
use crate::domain::rules::{PartialDate, ProblemKind, Severity};
use crate::domain::save::{self, Consent};
use crate::domain::version::{Status, Version};
use crate::domain::work::WorkItem;
use crate::i18n::{self, Lang, Text, problems};
use crate::store::SavedDraft;
use crate::tui::app::{Effect, Notice, Screen, State};
use crate::tui::dialog::{self, Dialog, Purpose};
use crate::tui::draw::{Theme, scroll_to_cursor, short_date, wrap};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::typing::Method;

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
    pub problems: HashMap<usize, Vec<ProblemKind>>,
    /// Raw values when opened or last kept as a draft.
    pub baseline: BTreeMap<String, String>,
    /// Raw values as saved (or opened); unsaved = differs from this.
    pub saved: BTreeMap<String, String>,
    pub picker: Option<Picker>,
    /// Dates the form worked out from other fields (the next follow-up by
    /// status), as shown: kept up to date until the person types another.
    pub worked_out: BTreeMap<String, String>,
    /// Whether the form records a visit (a new case, or a follow-up): its
    /// worked-out dates are proposed only then, not on an edit.
    pub visit: bool,
    /// (A new case) the work the person was told covers its person or
    /// household already, and chose to make this case beside: its save
    /// does not ask about that work again.
    pub beside: Vec<String>,
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

    /// A new case opened in the field (not a work item's, not an edit).
    pub fn is_new_in_field(&self) -> bool {
        self.record.is_none() && self.head().is_none()
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
        // A field that does not apply (a blocker once the case is
        // activated) is neither shown nor kept.
        self.spec.keep_relevant(&mut out);
        out
    }

    /// Whether the cursor stops at field `i`, the form holding `values`
    /// (its [`FormState::raw_values`]): the field applies given the others
    /// (`FieldSpec::relevant`; one that does not is hidden and skipped),
    /// and it is typed here (the office's correction request and a void's
    /// reason are written by their own dialogs, and only shown).
    pub fn stops_at(&self, i: usize, values: &BTreeMap<String, String>) -> bool {
        let field = self.field(i);
        let id = field.id.as_str();
        id != CORRECTION_FIELD && id != VOID_FIELD && field.is_relevant(values)
    }

    /// The last field the cursor stops at: Enter there saves.
    fn last_stop(&self, values: &BTreeMap<String, String>) -> Option<usize> {
        (0..self.inputs.len())
            .rev()
            .find(|&i| self.stops_at(i, values))
    }

    /// A single-choice field's options, when few enough to pick by number
    /// (1 to 9): what `1 Mức 1  2 Mức 2` shows and a digit picks.
    fn numbered_choices(
        &self,
        i: usize,
        lang: Lang,
        commune: &Commune,
    ) -> Option<Vec<(String, String)>> {
        match self.field(i).kind_for(&self.raw_values()) {
            kind @ Kind::Choice { .. } => {
                let options = form::choices_of(kind, lang, &commune.villages);
                (options.len() <= 9).then_some(options)
            }
            _ => None,
        }
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

/// Puts a kept draft's values into the form, as they were typed.
pub fn take_draft(state: &mut State, draft: &SavedDraft) {
    let lang = state.lang;
    let commune = state.commune.clone();
    if let Some(f) = state.form_mut() {
        f.inputs = inputs_for_raw(f.spec, &draft.values, lang, &commune);
        f.baseline = f.raw_values();
        f.visited.extend(
            f.spec
                .fields
                .iter()
                .enumerate()
                .filter(|(_, fl)| draft.values.contains_key(&fl.id))
                .map(|(i, _)| i),
        );
    }
    recheck(state, false);
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
pub fn open_case(
    state: &mut State,
    record: String,
    heads: Vec<Version>,
    item: Option<WorkItem>,
    draft: Option<SavedDraft>,
    initial: Option<(BTreeMap<String, String>, u8)>,
) {
    // A new case half-typed earlier is offered back whichever way a new
    // form of its kind opens (from the register too): it shares its key.
    let draft = draft.or_else(|| state.new_drafts.get(&record).cloned());
    let team_of_device = match state.role {
        Role::Team(t) => Some(t),
        Role::Commune => None,
    };
    let (spec_id, record_id, values, base, visit) = if let Some(new_form) =
        record.strip_prefix("new:")
    {
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
        if let Some(spec) = form::form(new_form) {
            spec.fill_defaults(&mut values, state.today, &state.author(), Visit::First);
        }
        (
            new_form.to_string(),
            None,
            values,
            FormBase::New { team },
            true,
        )
    } else {
        let newest = crate::domain::merge::newest(&heads.iter().collect::<Vec<_>>()).cloned();
        match newest {
            Some(head) => {
                if let Some(screen) = conflict::screen_for(state, &heads) {
                    state.screens.push(screen);
                    return;
                }
                if heads.len() > 1 {
                    state.notice = Some(Notice::Conflict);
                }
                // Open work a team sees again on a later day is a
                // follow-up visit: its date, who and the count are renewed.
                // (The office does not visit; a same-day opening edits.)
                let mut values = head.values.clone();
                let follow_up = team_of_device.is_some()
                    && matches!(
                        head.status,
                        Status::InProgress | Status::Blocked | Status::Draft
                    )
                    && form::form(&head.form).is_some_and(|spec| {
                        spec.visit_of(Some(&values), state.today) == Visit::FollowUp
                    });
                if let Some(spec) = form::form(&head.form).filter(|_| follow_up) {
                    spec.fill_defaults(&mut values, state.today, &state.author(), Visit::FollowUp);
                }
                (
                    head.form.clone(),
                    Some(record.clone()),
                    values,
                    FormBase::Head(Box::new(head)),
                    follow_up,
                )
            }
            None => match item {
                Some(item) => {
                    // A work item's case begins today, by whoever is working.
                    let mut values = item.prefill.clone();
                    if let Some(spec) = form::form(&item.form) {
                        spec.fill_defaults(&mut values, state.today, &state.author(), Visit::First);
                    }
                    (
                        item.form.clone(),
                        Some(record.clone()),
                        values,
                        FormBase::New { team: item.team },
                        true,
                    )
                }
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
        worked_out: BTreeMap::new(),
        visit,
        beside: Vec::new(),
    };
    work_out_dates(&mut f, state.today);
    f.saved = f.raw_values();
    f.baseline = f.saved.clone();
    // The cursor starts on the first required field still empty, else the
    // first empty one, so the person types what is missing first.
    let empty = |i: usize| f.stops_at(i, &f.saved) && !f.saved.contains_key(&f.field(i).id);
    f.focus = (0..f.inputs.len())
        .find(|&i| empty(i) && f.field(i).is_required(&f.saved))
        .or_else(|| (0..f.inputs.len()).find(|&i| empty(i)))
        .unwrap_or(0);
    state.screens.push(Screen::Form(Box::new(f)));
    recheck(state, false);
    if let Some(d) = draft {
        state.dialog = Some(Dialog::OfferDraft(d));
    }
}

/// Re-checks the form and shows the problems of visited fields (all fields,
/// with `Required`, when `all` is set: at save time).
pub fn recheck(state: &mut State, all: bool) {
    let ctx_today = state.today;
    let villages = state.commune.villages.clone();
    let Some(f) = state.form_mut() else {
        return;
    };
    work_out_dates(f, ctx_today);
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
        let listed = f.problems.entry(i).or_default();
        if shown && !listed.contains(&p.kind) {
            listed.push(p.kind);
        }
    }
}

/// Keeps the dates the spec works out from other fields (the next
/// follow-up by status) up to date, unless the person typed another.
fn work_out_dates(f: &mut FormState, today: chrono::NaiveDate) {
    if !f.visit {
        return;
    }
    let values = f.raw_values();
    for (id, date) in f.spec.days_after(&values, today) {
        let Some(i) = f.spec.fields.iter().position(|x| x.id == id) else {
            continue;
        };
        // Typed, or emptied, by the person: theirs.
        if values.get(id) != f.worked_out.get(id) {
            continue;
        }
        let text = date.as_deref().map(short_date).unwrap_or_default();
        f.inputs[i].text = TextInput::new(&text);
        if text.is_empty() {
            f.worked_out.remove(id);
        } else {
            f.worked_out.insert(id.to_string(), text);
        }
    }
}

/// Keeps what is typed as a draft if it changed since last kept.
pub fn keep_draft(state: &mut State) -> Vec<Effect> {
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
    state.mark_draft(&key, Some(&draft));
    vec![Effect::PutDraft { key, draft }]
}

/// Keeps the draft of the form open anywhere on the stack, the program
/// being about to close (the screens over the form are closed first).
pub fn keep_draft_to_quit(state: &mut State) -> Vec<Effect> {
    if let Some(at) = state
        .screens
        .iter()
        .rposition(|s| matches!(s, Screen::Form(_)))
    {
        state.screens.truncate(at + 1);
    }
    keep_draft(state)
}

pub fn move_focus(state: &mut State, delta: isize) -> Vec<Effect> {
    if let Some(f) = state.form_mut() {
        f.visited.insert(f.focus);
        let last = f.inputs.len() as isize - 1;
        // The next field the cursor stops at that way, if any; else stay.
        let values = f.raw_values();
        let mut at = f.focus as isize + delta;
        while delta != 0 && (0..=last).contains(&at) && !f.stops_at(at as usize, &values) {
            at += delta.signum();
        }
        if (0..=last).contains(&at) {
            f.focus = at as usize;
        }
    }
    recheck(state, false);
    keep_draft(state)
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let typing = state.typing;
    let tone = state.tone;
    let Some(f) = state.form() else {
        return vec![];
    };
    let focus = f.focus;
    let choice = f.is_choice(focus);
    // Vietnamese typing helps names and free text, never codes and numbers.
    let values = f.raw_values();
    let method = match f.field(focus).kind_for(&values) {
        Kind::Text { .. } | Kind::Name => typing,
        _ => Method::Off,
    };
    let last = f.last_stop(&values) == Some(focus);
    let numbered = f.numbered_choices(focus, state.lang, &state.commune);
    match action {
        Action::NextField => return move_focus(state, 1),
        Action::PrevField => return move_focus(state, -1),
        Action::ChooseOrNextField if choice => picker::open(state, None),
        // Enter on the last field saves (asking only if something is wrong).
        Action::ChooseOrNextField if last => {
            let mut effects = move_focus(state, 0);
            effects.extend(save(state, Consent::default()));
            return effects;
        }
        Action::ChooseOrNextField => return move_focus(state, 1),
        // A digit picks that choice of a short list and moves on.
        Action::Type(c @ '1'..='9') if numbered.is_some() => {
            let n = c as usize - '1' as usize;
            if let Some((id, _)) = numbered.and_then(|o| o.into_iter().nth(n))
                && let Some(f) = state.form_mut()
            {
                f.inputs[focus].choice = vec![id];
                return move_focus(state, 1);
            }
        }
        Action::Type(c) if choice => picker::open(state, (c != ' ').then_some(c)),
        Action::SaveCase => return save(state, Consent::default()),
        Action::ReturnForCorrection | Action::VoidCase => {
            let head = state.form().and_then(|f| f.head());
            let purpose = match action {
                Action::ReturnForCorrection => Purpose::Return,
                _ => Purpose::Void,
            };
            // A return is the office's; a case voided already stays so.
            let can = match purpose {
                Purpose::Return => state.role == Role::Commune && head.is_some(),
                Purpose::Void => head.is_some_and(|h| h.status != Status::Voided),
            };
            if can {
                state.dialog = Some(Dialog::Reason {
                    purpose,
                    text: TextInput::default(),
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
            f.inputs[focus].text.edit(&other, method, tone);
            // A field of a fixed length moves on once typed whole.
            if matches!(other, Action::Type(_)) && f.complete(focus) {
                return move_focus(state, 1);
            }
        }
    }
    vec![]
}

impl FormState {
    /// Whether field `i` holds a whole value of a fixed length, as typed:
    /// a 12-digit personal ID, or a full date (`03/12/2026`, `03122026`).
    fn complete(&self, i: usize) -> bool {
        let text = self.inputs[i].text.text();
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let only = |extra: &[char]| {
            text.chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || extra.contains(&c))
        };
        match self.field(i).kind_for(&self.raw_values()) {
            Kind::PersonalId { .. } => digits == 12 && only(&[]),
            Kind::Date { .. } => {
                let parts = text.split(['/', '-', '.']).count();
                digits == 8
                    && only(&['/', '-', '.'])
                    && (parts == 1 || (parts == 3 && text.len() == 10))
            }
            _ => false,
        }
    }
}

/// Ctrl+S: save if clean; otherwise ask (keep a draft, or confirm the
/// warnings), as `domain::save` decides for every front.
pub fn save(state: &mut State, consent: Consent) -> Vec<Effect> {
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
    dialog::saving(state, prepared, draft_key)
}

/// A decision on the open case made with `words`: (the commune) sent back
/// to its team with them as the comment, or voided with them as the reason.
pub fn decide(state: &mut State, purpose: Purpose, words: &str) -> Vec<Effect> {
    let who = state.who();
    let Some(f) = state.form() else {
        return vec![];
    };
    let Some(head) = f.head() else {
        return vec![];
    };
    let prepared = match purpose {
        Purpose::Return => save::return_for_correction(head, words, &who).ok(),
        Purpose::Void => save::void(head, words, &who).ok(),
    };
    match prepared {
        Some(prepared) => vec![Effect::Save {
            prepared: Box::new(prepared),
            draft_key: f.draft_key(),
        }],
        None => {
            state.notice = Some(Notice::NothingToShow);
            vec![]
        }
    }
}

fn field_value(state: &State, f: &FormState, i: usize) -> String {
    let values = f.raw_values();
    let field = f.field(i);
    match field.kind_for(&values) {
        Kind::Choice { .. } | Kind::MultiChoice { .. } => {
            let raw = values.get(&field.id).cloned().unwrap_or_default();
            if raw.is_empty() {
                String::new()
            } else {
                f.spec
                    .display(field, &raw, &values, state.lang, &state.commune.villages)
            }
        }
        _ => f.inputs[i].text.text().to_string(),
    }
}

/// The lines of a problem shown under its field, wrapped to `width`.
fn problem_lines(
    lang: Lang,
    kind: &ProblemKind,
    confirmed: bool,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (mark, style) = match (kind.severity(), confirmed) {
        (Severity::Error, _) => ("✗ ", theme.error()),
        (Severity::Warning, false) => ("⚠ ", theme.warning()),
        (Severity::Warning, true) => ("✓ ", theme.dim()),
    };
    let text = format!("{mark}{}", problems::message(kind, lang));
    wrap(&text, width.saturating_sub(4).max(10))
        .into_iter()
        .map(|l| Line::from(Span::styled(format!("    {l}"), style)))
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, f: &FormState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let status = match f.status() {
        Some(s) => i18n::status(lang, s),
        None => t(Text::StageNotStarted),
    };
    let record = f
        .record
        .clone()
        .unwrap_or_else(|| t(Text::NewCase).to_string());
    let title = format!(" {} · {record} · {status} ", f.spec.label.get(lang));
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let label_w = f
        .spec
        .fields
        .iter()
        .map(|x| x.label.get(lang).width() + 2)
        .max()
        .unwrap_or(10)
        .min(inner.width as usize / 2);
    let value_w = (inner.width as usize).saturating_sub(label_w + 1);
    let values = f.raw_values();
    // Each field takes a line, plus one for a problem shown under it.
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0;
    let mut cursor: Option<(usize, usize)> = None;
    for (i, field) in f.spec.fields.iter().enumerate() {
        if !field.is_relevant(&values) {
            continue;
        }
        let required = if field.is_required(&values) { "*" } else { " " };
        let label = format!("{}{required}", field.label.get(lang));
        let pad = label_w.saturating_sub(label.width());
        let focused = i == f.focus;
        let is_choice = f.is_choice(i);
        let mut value = field_value(state, f, i);
        let mut value_style = Style::new();
        if focused && !is_choice {
            let (shown, col) = scroll_to_cursor(&value, f.inputs[i].text.cursor_column(), value_w);
            value = shown;
            cursor = Some((lines.len(), label_w + 1 + col));
        } else if value.width() > value_w {
            value = scroll_to_cursor(&value, 0, value_w).0;
        }
        // A short list's choices, numbered for their digit, under the
        // field (wrapped: all of them show at 80 columns).
        let mut numbered = Vec::new();
        if value.is_empty() && focused && is_choice {
            value = t(Text::PickHint).to_string();
            value_style = theme.dim();
            if let Some(options) = f
                .numbered_choices(i, lang, &state.commune)
                .filter(|_| f.picker.is_none())
            {
                // Each choice whole on its line ("4 Đã kích hoạt mức 2").
                let width = (inner.width as usize).saturating_sub(4).max(10);
                let mut rows: Vec<String> = Vec::new();
                for (n, (_, label)) in options.iter().enumerate() {
                    let choice = format!("{} {label}", n + 1);
                    match rows.last_mut() {
                        Some(row) if row.width() + 3 + choice.width() <= width => {
                            row.push_str("   ");
                            row.push_str(&choice);
                        }
                        _ => rows.push(choice),
                    }
                }
                numbered = rows
                    .into_iter()
                    .map(|l| Line::from(Span::styled(format!("    {l}"), theme.dim())))
                    .collect();
            }
        }
        if focused {
            focus_line = lines.len();
        }
        let label_style = if focused {
            theme.selected()
        } else {
            theme.bold()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{label}{}", " ".repeat(pad)), label_style),
            Span::raw(" "),
            Span::styled(value, value_style),
        ]));
        let numbered_end = lines.len() + numbered.len();
        lines.extend(numbered);
        if focused {
            // Scrolled so that the numbered choices show too.
            focus_line = focus_line.max(numbered_end.saturating_sub(1));
        }
        // Every problem of the field, each on its own lines.
        for kind in f.problems.get(&i).into_iter().flatten() {
            let code = format!("{}:{}", field.id, kind.code());
            lines.extend(problem_lines(
                lang,
                kind,
                f.confirmed().contains(&code),
                inner.width as usize,
                theme,
            ));
        }
    }
    let height = inner.height as usize;
    let scroll = (focus_line + 2).saturating_sub(height);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    frame.render_widget(Paragraph::new(shown), inner);
    if let Some((line, col)) = cursor
        && line >= scroll
        && line - scroll < height
        && f.picker.is_none()
        && state.dialog.is_none()
    {
        frame.set_cursor_position(Position::new(
            inner.x + (col as u16).min(inner.width.saturating_sub(1)),
            inner.y + (line - scroll) as u16,
        ));
    }
    if let Some(p) = &f.picker {
        picker::render(frame, area, state, f, p, theme);
    }
}
