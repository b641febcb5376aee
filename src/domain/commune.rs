//! The commune, its villages (one working team each) and this installation's role.

use serde::{Deserialize, Serialize};

/// One village and the working team that covers it. Teams are numbered from 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Village {
    pub team: u8,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commune {
    pub name: String,
    pub villages: Vec<Village>,
}

impl Commune {
    /// A commune with `count` villages named "Thôn 1" ... "Thôn N".
    pub fn with_numbered_villages(name: &str, count: u8) -> Commune {
        Commune {
            name: name.to_string(),
            villages: (1..=count)
                .map(|team| Village {
                    team,
                    name: format!("Thôn {team}"),
                })
                .collect(),
        }
    }

    pub fn village(&self, team: u8) -> Option<&Village> {
        self.villages.iter().find(|v| v.team == team)
    }
}

/// What this installation is: the commune office or one village team's laptop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "role", content = "team")]
pub enum Role {
    Commune,
    Team(u8),
}

/// One installation of tothon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Short random id, written into every version this device saves.
    pub id: String,
    pub role: Role,
}
