//! "Who is working": the name saved as the author of every version in
//! this sitting, picked from the team's members or typed as a new one.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Notice, Screen, State};
use crate::tui::draw::{Theme, centered};
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;

#[derive(Clone, Debug)]
pub struct WhoState {
    pub selected: usize,
    /// The name being typed for a new member (the last entry of the list).
    pub new_name: TextInput,
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let count = state.members.len();
    let members = state.members.clone();
    let (typing, tone) = (state.typing, state.tone);
    let Screen::Who(who) = state.screen_mut() else {
        return vec![];
    };
    let adding = who.selected == count;
    match action {
        Action::MoveUp => who.selected = who.selected.saturating_sub(1),
        Action::MoveDown => who.selected = (who.selected + 1).min(count),
        Action::Type(c) if adding => who.new_name.type_char(c, typing, tone),
        Action::Paste(s) if adding => who.new_name.insert_str(&s),
        Action::EraseBack if adding => who.new_name.backspace(),
        Action::RemoveMember if !adding => {
            let name = members[who.selected].clone();
            state.members.retain(|m| *m != name);
            state.notice = Some(Notice::MemberRemoved(name));
            return vec![Effect::PutMembers {
                members: state.members.clone(),
            }];
        }
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
            // Half-typed new cases have no line on the list: said at once.
            if !state.new_drafts.is_empty() {
                state.notice = Some(Notice::NewCaseDrafts(
                    state.new_drafts.keys().cloned().collect(),
                ));
            }
            return effects;
        }
        _ => {}
    }
    vec![]
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, w: &WhoState, theme: &Theme) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let popup = centered(
        area,
        50,
        (state.members.len() as u16 + 5).min(area.height),
        1,
    );
    let block = Block::bordered().title(format!(" {} ", t(Text::WhoIsWorking)));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let mut lines: Vec<Line> = state
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let style = if i == w.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {m}"), style)
        })
        .collect();
    let adding = w.selected == state.members.len();
    let prefix = format!(" + {}: ", t(Text::AddMember));
    lines.push(Line::styled(
        format!("{prefix}{}", w.new_name.text()),
        if adding {
            theme.selected()
        } else {
            theme.dim()
        },
    ));
    let y = inner.y + state.members.len() as u16;
    frame.render_widget(Paragraph::new(lines), inner);
    if adding && y < inner.bottom() {
        frame.set_cursor_position(Position::new(
            (inner.x + (prefix.width() + w.new_name.cursor_column()) as u16)
                .min(inner.right().saturating_sub(1)),
            y,
        ));
    }
}
