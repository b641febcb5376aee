//! Per-device settings: the Vietnamese typing method, the tone-mark style,
//! who is working; at the office, the way to the commune's villages.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::villages::VillagesState;
use super::who::WhoState;
use crate::domain::commune::Role;
use crate::i18n::{self, Text};
use crate::tui::app::{Effect, Screen, State};
use crate::tui::draw::Theme;
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::typing::{Method, ToneStyle};

#[derive(Clone, Debug, Default)]
pub struct SettingsState {
    pub selected: usize,
}

/// The settings screen's lines on a device in `role`, in order. The
/// villages are the commune's to name: a team device does not offer them.
pub fn lines_of(role: Role) -> &'static [Setting] {
    const TEAM: [Setting; 3] = [Setting::Typing, Setting::Tone, Setting::Member];
    const COMMUNE: [Setting; 4] = [
        Setting::Typing,
        Setting::Tone,
        Setting::Member,
        Setting::Villages,
    ];
    match role {
        Role::Commune => &COMMUNE,
        Role::Team(_) => &TEAM,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Typing,
    Tone,
    Member,
    /// (Commune) the villages screen.
    Villages,
}

/// The next typing method (F2 anywhere, or Enter here), remembered.
pub fn cycle_typing(state: &mut State) -> Vec<Effect> {
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

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let members = state.members.clone();
    let current = state.member.clone();
    let lines = lines_of(state.role);
    let Screen::Settings(SettingsState { selected }) = state.screen_mut() else {
        return vec![];
    };
    match action {
        Action::MoveUp => *selected = selected.saturating_sub(1),
        Action::MoveDown => *selected = (*selected + 1).min(lines.len() - 1),
        Action::GoBack => {
            state.screens.pop();
        }
        Action::ChangeSetting => match lines[*selected] {
            Setting::Typing => return cycle_typing(state),
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
            Setting::Villages => state
                .screens
                .push(Screen::Villages(VillagesState::default())),
        },
        _ => {}
    }
    vec![]
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    settings: &SettingsState,
    theme: &Theme,
) {
    let lang = state.lang;
    let t = |x| i18n::text(lang, x);
    let block = Block::bordered().title(format!(" {} ", t(Text::Settings)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = lines_of(state.role)
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (name, value) = match s {
                Setting::Typing => (
                    t(Text::Typing),
                    match state.typing {
                        Method::Off => t(Text::TypingOff).to_string(),
                        Method::Telex => "Telex".into(),
                        Method::Vni => "VNI".into(),
                    },
                ),
                Setting::Tone => (
                    t(Text::ToneStyle),
                    match state.tone {
                        ToneStyle::Classic => t(Text::ToneClassic).to_string(),
                        ToneStyle::Modern => t(Text::ToneModern).to_string(),
                    },
                ),
                Setting::Member => (t(Text::Author), state.member.clone().unwrap_or_default()),
                Setting::Villages => (t(Text::Villages), state.commune.villages.len().to_string()),
            };
            let style = if i == settings.selected {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {name:<24} {value}"), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
