//! The questions asked over a screen: leave a form, take back a draft, save
//! with errors or warnings, quit, the comment to return a case with, the
//! signing key's passphrase, a village's name, the work that already covers
//! a new case (before a case chosen on the register opens, and at the first
//! save of a blank one). Their state, how keys answer them, and how they
//! are drawn.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::app::{Effect, Notice, Screen, State};
use super::draw::{Theme, centered, scroll_to_cursor, short_date};
use super::input::TextInput;
use super::keymap::Action;
use super::screens::new_case::Step;
use super::screens::{conflict, form};
use crate::domain::commune::VillageProblem;
use crate::domain::form::Subject;
use crate::domain::rules::ProblemKind;
use crate::domain::save::{self, Blocked, Consent};
use crate::error::Error;
use crate::i18n::{self, Text, problems};
use crate::ops::covered::Covering;
use crate::store::SavedDraft;

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
    /// The words a decision on the open case is made with: the comment a
    /// case goes back to its team with, or why it is voided.
    Reason { purpose: Purpose, text: TextInput },
    /// (Commune) a village's new name (`team` given), or the name of a
    /// village to add. Stays open, what was typed kept, until the name is
    /// taken; a refusal is shown in it.
    VillageName {
        team: Option<u8>,
        text: TextInput,
        refused: Option<VillageProblem>,
    },
    /// A new case is about someone (or a household) this work already
    /// covers: open the first of it instead (Enter), make the new case all
    /// the same (Delete), or go back to it (Esc).
    AlreadyCovered {
        covering: Vec<Covering>,
        subject: Subject,
        pending: Pending,
    },
}

/// A new case held back while the person is asked about the work that
/// covers it already.
#[derive(Clone, Debug)]
pub enum Pending {
    /// Someone chosen on the register: the form to open with their values,
    /// for `team`.
    Open {
        form: String,
        values: BTreeMap<String, String>,
        team: u8,
    },
    /// A form opened blank and saved: the version to write.
    Save {
        prepared: Box<save::Prepared>,
        draft_key: String,
    },
}

impl Dialog {
    /// Whether it asks for words, typed and edited in it.
    pub fn takes_text(&self) -> bool {
        matches!(self, Dialog::Reason { .. } | Dialog::VillageName { .. })
    }
}

/// What a [`Dialog::Reason`] decides on the open case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// (Commune) send it back to its team with a comment.
    Return,
    /// Void it, made by mistake.
    Void,
}

/// The effect that writes a prepared version, or the question a blocked
/// save asks.
pub fn saving(
    state: &mut State,
    prepared: Result<save::Prepared, Blocked>,
    draft_key: String,
) -> Vec<Effect> {
    let listed = |problems: Vec<crate::domain::form::FieldProblem>| {
        problems.into_iter().map(|p| (p.field, p.kind)).collect()
    };
    match prepared {
        // A case opened in the field is written only if no other work
        // covers its person or household (else the person is asked).
        Ok(prepared) if prepared.opens_a_case() => {
            vec![Effect::SaveNew {
                prepared: Box::new(prepared),
                draft_key,
            }]
        }
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

/// Answers the dialog in front, taken out of the state; it is put back
/// unless the key closed it.
pub fn update(state: &mut State, dialog: Dialog, action: Action) -> Vec<Effect> {
    if let Dialog::VillageName {
        team,
        mut text,
        mut refused,
    } = dialog
    {
        let mut effects = vec![];
        match action {
            Action::Cancel => return vec![],
            Action::Confirm => {
                let name = text.text().to_string();
                effects.push(match team {
                    Some(team) => Effect::RenameVillage { team, name },
                    None => Effect::AddVillage { name },
                });
            }
            other => {
                if text.edit(&other, state.typing, state.tone) {
                    refused = None;
                }
            }
        }
        state.dialog = Some(Dialog::VillageName {
            team,
            text,
            refused,
        });
        return effects;
    }
    if let Dialog::Reason { purpose, mut text } = dialog {
        match action {
            Action::Cancel => return vec![],
            Action::Confirm if !text.is_empty() => {
                return form::decide(state, purpose, text.text());
            }
            other => {
                text.edit(&other, state.typing, state.tone);
            }
        }
        state.dialog = Some(Dialog::Reason { purpose, text });
        return vec![];
    }
    if let Dialog::AlreadyCovered {
        covering,
        subject,
        pending,
    } = dialog
    {
        return match action {
            Action::Confirm => {
                // What was typed into a blank form stays as its draft.
                let mut effects = form::keep_draft(state);
                state.screens.pop();
                effects.extend(
                    covering
                        .into_iter()
                        .next()
                        .map(|c| Effect::LoadCase { record: c.record }),
                );
                effects
            }
            Action::Discard => make_anyway(state, covering, pending),
            // Back to the search, or to the form.
            Action::Cancel => vec![],
            _ => {
                state.dialog = Some(Dialog::AlreadyCovered {
                    covering,
                    subject,
                    pending,
                });
                vec![]
            }
        };
    }
    match (&dialog, action) {
        (_, Action::Cancel) => {
            // Esc on "leave?" or "quit?" means stay.
            vec![]
        }
        (Dialog::LeaveForm, Action::Confirm) => {
            let effects = form::keep_draft(state);
            state.notice = Some(Notice::DraftKept);
            state.screens.pop();
            effects
        }
        (Dialog::LeaveForm, Action::Discard) => {
            let key = state.form().map(|f| f.draft_key());
            state.screens.pop();
            key.map(|key| {
                state.mark_draft(&key, None);
                vec![Effect::DropDraft { key }]
            })
            .unwrap_or_default()
        }
        (Dialog::Quit, Action::Confirm) => {
            let effects = form::keep_draft_to_quit(state);
            state.quit = true;
            effects
        }
        (Dialog::OfferDraft(d), Action::Confirm) => {
            form::take_draft(state, d);
            vec![]
        }
        (Dialog::OfferDraft(_), Action::Discard) => {
            let key = state.form().map(|f| f.draft_key()).unwrap_or_default();
            state.mark_draft(&key, None);
            vec![Effect::DropDraft { key }]
        }
        (Dialog::SaveAsDraft { .. } | Dialog::ConfirmWarnings { .. }, Action::Confirm) => {
            let consent = Consent {
                draft: matches!(dialog, Dialog::SaveAsDraft { .. }),
                confirm: matches!(dialog, Dialog::ConfirmWarnings { .. }),
            };
            match state.screen() {
                Screen::Conflict(_) => conflict::resolve(state, consent),
                _ => form::save(state, consent),
            }
        }
        (_, _) => {
            state.dialog = Some(dialog);
            vec![]
        }
    }
}

/// What covers a new case has been looked for: a case chosen on the
/// register opens when nothing does, a saved one is written when nothing
/// does but the work the person has chosen to make it beside; otherwise
/// the person is asked. Nothing happens if they have moved on meanwhile.
pub fn ask_if_covered(state: &mut State, covering: Vec<Covering>, pending: Pending) -> Vec<Effect> {
    let (form_id, still_there) = match &pending {
        Pending::Open { form, .. } => (
            form.as_str(),
            matches!(
                state.screen(),
                Screen::NewCase(n) if matches!(n.step, Step::Person { .. })
            ),
        ),
        Pending::Save { prepared, .. } => (
            prepared.form.as_str(),
            state
                .form()
                .is_some_and(|f| f.spec.id == prepared.form && f.is_new_in_field()),
        ),
    };
    if !still_there || state.dialog.is_some() {
        return vec![];
    }
    let beside = state.form().map_or(&[][..], |f| &f.beside);
    let all_seen = covering.iter().all(|c| beside.contains(&c.record));
    if all_seen {
        return make_anyway(state, covering, pending);
    }
    state.dialog = Some(Dialog::AlreadyCovered {
        subject: crate::domain::form::form(form_id).map_or(Subject::Person, |s| s.subject),
        covering,
        pending,
    });
    vec![]
}

/// The new case is made beside the work that covers it: the form opens
/// (remembering that work, so its save does not ask again), or the
/// version is written.
fn make_anyway(state: &mut State, covering: Vec<Covering>, pending: Pending) -> Vec<Effect> {
    match pending {
        Pending::Open { form, values, team } => {
            state.screens.pop();
            form::open_new(state, &form, values, team);
            if let Some(f) = state.form_mut() {
                f.beside = covering.into_iter().map(|c| c.record).collect();
            }
            vec![]
        }
        Pending::Save {
            prepared,
            draft_key,
        } => vec![Effect::Save {
            prepared,
            draft_key,
        }],
    }
}

/// A village's name was refused: the dialog that asked for it says why.
pub fn refused(state: &mut State, problem: VillageProblem) {
    if let Some(Dialog::VillageName { refused, .. }) = &mut state.dialog {
        *refused = Some(problem);
    }
}

/// How many of the cases that cover a new one its question lists.
const COVERING_SHOWN: usize = 4;

pub fn render(frame: &mut Frame, area: Rect, state: &State, d: &Dialog, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let label = |field: &str| {
        state
            .form_spec()
            .and_then(|s| s.field(field))
            .map(|f| f.label.get(lang).to_string())
            .unwrap_or_else(|| field.to_string())
    };
    let mut lines: Vec<Line> = Vec::new();
    // The text the dialog asks for, on its own line with the cursor in it.
    let mut field: Option<(&str, &TextInput)> = None;
    let (title, keys) = match d {
        Dialog::LeaveForm => (
            t(Text::LeaveFormQuestion).to_string(),
            t(Text::LeaveFormKeys),
        ),
        Dialog::Quit => (t(Text::QuitQuestion).to_string(), t(Text::QuitKeys)),
        Dialog::Reason { purpose, text } => {
            let (label, question, keys) = match purpose {
                Purpose::Return => (Text::Comment, Text::ReturnQuestion, Text::ReturnKeys),
                Purpose::Void => (Text::VoidReason, Text::VoidQuestion, Text::VoidKeys),
            };
            field = Some((t(label), text));
            (t(question).to_string(), t(keys))
        }
        Dialog::VillageName {
            team,
            text,
            refused,
        } => {
            field = Some((t(Text::VillageName), text));
            if let Some(problem) = refused {
                let said = i18n::error(lang, &Error::Village(problem.clone()));
                lines.push(Line::styled(said, theme.error()));
            }
            let title = match team {
                Some(team) => format!(
                    "{} · {} {team}",
                    t(Text::RenameVillageQuestion),
                    t(Text::Team)
                ),
                None => t(Text::AddVillageQuestion).to_string(),
            };
            (title, t(Text::VillageNameKeys))
        }
        Dialog::AlreadyCovered {
            covering, subject, ..
        } => {
            // A few lines at most: the title names them all.
            for c in covering.iter().take(COVERING_SHOWN) {
                lines.push(Line::raw(i18n::register::covering_line(lang, c)));
            }
            if covering.len() > COVERING_SHOWN {
                lines.push(Line::raw(format!(
                    "… (+{})",
                    covering.len() - COVERING_SHOWN
                )));
            }
            let records: Vec<&str> = covering.iter().map(|c| c.record.as_str()).collect();
            (
                i18n::register::already(lang, &records, *subject),
                t(Text::AlreadyCoveredKeys),
            )
        }
        Dialog::OfferDraft(draft) => {
            lines.push(Line::raw(format!(
                "{}: {} · {}",
                t(Text::Author),
                draft.author,
                short_date(&draft.saved_at)
            )));
            (
                t(Text::OfferDraftQuestion).to_string(),
                t(Text::OfferDraftKeys),
            )
        }
        Dialog::SaveAsDraft { errors } => {
            for (field, kind) in errors {
                lines.push(Line::styled(
                    format!("✗ {}: {}", label(field), problems::message(kind, lang)),
                    theme.error(),
                ));
            }
            (
                t(Text::SaveAsDraftQuestion).to_string(),
                t(Text::SaveAsDraftKeys),
            )
        }
        Dialog::ConfirmWarnings { warnings } => {
            for (field, kind) in warnings {
                lines.push(Line::styled(
                    format!("⚠ {}: {}", label(field), problems::message(kind, lang)),
                    theme.warning(),
                ));
            }
            (
                t(Text::ConfirmWarningsQuestion).to_string(),
                t(Text::ConfirmWarningsKeys),
            )
        }
    };
    lines.push(Line::raw(""));
    lines.push(Line::styled(keys, theme.bold()));
    let width = area.width.saturating_sub(4).min(76);
    let height = (lines.len() as u16 * 2 + 2 + u16::from(field.is_some())).min(area.height);
    let popup = centered(area, width, height, 1);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .style(theme.bold());
    let mut inner = block.inner(popup);
    frame.render_widget(block, popup);
    if let Some((label, input)) = field.filter(|_| inner.height > 0) {
        let prefix = format!("{label}: ");
        let room = (inner.width as usize).saturating_sub(prefix.width());
        let (shown, column) = scroll_to_cursor(input.text(), input.cursor_column(), room);
        frame.render_widget(Paragraph::new(format!("{prefix}{shown}")), inner);
        frame.set_cursor_position(Position::new(
            (inner.x + (prefix.width() + column) as u16).min(inner.right().saturating_sub(1)),
            inner.y,
        ));
        inner.y += 1;
        inner.height -= 1;
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
