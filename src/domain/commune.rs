//! The commune, its villages (one working team each) and this installation's role.
//!
//! A village's team number is its id: it never changes, so a rename never
//! orphans a case, a work item or a count. Names are the commune's own, and
//! two villages may not be named so alike that a spreadsheet's "Thôn Đông"
//! or "dong" could mean either.

use serde::{Deserialize, Serialize};

use super::text;

/// The most villages a commune may have (team numbers are one byte, and a
/// commune has a handful to a few dozen).
pub const MAX_VILLAGES: usize = 50;
/// The longest village name, in characters.
pub const MAX_VILLAGE_NAME: usize = 60;

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

    /// A commune with these villages, numbered 1, 2, ... in this order.
    pub fn with_villages(name: &str, names: &[String]) -> Result<Commune, VillageProblem> {
        let mut commune = Commune {
            name: text::clean(name),
            villages: Vec::new(),
        };
        for n in names {
            commune.add_village(n)?;
        }
        if commune.villages.is_empty() {
            return Err(VillageProblem::NoVillages);
        }
        Ok(commune)
    }

    pub fn village(&self, team: u8) -> Option<&Village> {
        self.villages.iter().find(|v| v.team == team)
    }

    /// Adds a village with the next team number; returns that number.
    pub fn add_village(&mut self, name: &str) -> Result<u8, VillageProblem> {
        if self.villages.len() >= MAX_VILLAGES {
            return Err(VillageProblem::TooMany { max: MAX_VILLAGES });
        }
        let name = self.usable_name(name, None)?;
        let team = self.villages.iter().map(|v| v.team).max().unwrap_or(0) + 1;
        self.villages.push(Village { team, name });
        Ok(team)
    }

    /// Gives village `team` a new name; its number, and so everything of
    /// it, stays.
    pub fn rename_village(&mut self, team: u8, name: &str) -> Result<(), VillageProblem> {
        let name = self.usable_name(name, Some(team))?;
        let village = self
            .villages
            .iter_mut()
            .find(|v| v.team == team)
            .ok_or(VillageProblem::NoSuchVillage { team })?;
        village.name = name;
        Ok(())
    }

    /// `name` cleaned (NFC, one space between words), if it can name a
    /// village beside the others (all but `team`'s own).
    fn usable_name(&self, name: &str, team: Option<u8>) -> Result<String, VillageProblem> {
        let name = text::clean(name);
        if name.is_empty() {
            return Err(VillageProblem::Empty);
        }
        if name.chars().count() > MAX_VILLAGE_NAME {
            return Err(VillageProblem::TooLong {
                max: MAX_VILLAGE_NAME,
            });
        }
        if name.chars().all(|c| c.is_ascii_digit()) {
            return Err(VillageProblem::OnlyDigits);
        }
        let others: Vec<Village> = self
            .villages
            .iter()
            .filter(|v| Some(v.team) != team)
            .cloned()
            .collect();
        let keys = village_keys(&name);
        if keys.iter().all(String::is_empty) {
            return Err(VillageProblem::Empty);
        }
        if let Some(v) = others.iter().find(|v| {
            let theirs = village_keys(&v.name);
            keys.iter().any(|k| !k.is_empty() && theirs.contains(k))
        }) {
            return Err(VillageProblem::TooAlike {
                team: v.team,
                name: v.name.clone(),
            });
        }
        Ok(name)
    }
}

/// Why a village name cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VillageProblem {
    Empty,
    TooLong {
        max: usize,
    },
    /// A number is read as a team number in spreadsheets.
    OnlyDigits,
    /// Written alike (accents, case, "Thôn" aside) to another village's name.
    TooAlike {
        team: u8,
        name: String,
    },
    TooMany {
        max: usize,
    },
    NoSuchVillage {
        team: u8,
    },
    NoVillages,
}

/// Words a village name may or may not be written with.
const VILLAGE_WORDS: [&str; 7] = ["thon", "xom", "ap", "ban", "lang", "to dan pho", "village"];

/// A village name folded, with and without its leading "Thôn"/"Xóm"...:
/// "Thôn Đông" and "Đông" match, and so do "Thôn Bàn Thạch" and "Bàn Thạch"
/// (where "Bàn" is not the word "Bản").
fn village_keys(name: &str) -> [String; 2] {
    let folded = text::fold(name);
    let mut rest = folded.as_str();
    for word in VILLAGE_WORDS {
        if let Some(r) = rest.strip_prefix(word)
            && r.starts_with(' ')
        {
            rest = r;
            break;
        }
    }
    let compact = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    [compact(&folded), compact(rest)]
}

/// The team of the village `value` names, as a spreadsheet writes it: its
/// number, or its name with or without "Thôn", accents and case aside.
pub fn find_village(value: &str, villages: &[Village]) -> Option<u8> {
    let digits = value.trim();
    if !digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n: u8 = digits.parse().ok()?;
        return villages.iter().find(|v| v.team == n).map(|v| v.team);
    }
    let keys = village_keys(value);
    villages
        .iter()
        .find(|v| {
            let names = village_keys(&v.name);
            keys.iter().any(|k| !k.is_empty() && names.contains(k))
        })
        .map(|v| v.team)
}

/// What this installation is: the commune office or one village team's laptop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn villages_are_numbered_in_order_and_named_as_given_in_nfc() {
        let decomposed = "Tho\u{302}n \u{110}o\u{302}ng";
        let c = Commune::with_villages(
            " Xã  Tân Phong ",
            &names(&[decomposed, "Thôn Đoài", "Trung"]),
        )
        .unwrap();
        assert_eq!(c.name, "Xã Tân Phong");
        let listed: Vec<(u8, &str)> = c
            .villages
            .iter()
            .map(|v| (v.team, v.name.as_str()))
            .collect();
        assert_eq!(listed, [(1, "Thôn Đông"), (2, "Thôn Đoài"), (3, "Trung")]);
        assert_eq!(find_village("thon trung", &c.villages), Some(3));
        assert_eq!(find_village("DONG", &c.villages), Some(1));
        assert_eq!(find_village("2", &c.villages), Some(2));
    }

    #[test]
    fn names_too_alike_empty_or_numeric_are_refused() {
        let c = Commune::with_villages("Xã", &names(&["Thôn Đông"])).unwrap();
        let mut c2 = c.clone();
        assert_eq!(
            c2.add_village("đông"),
            Err(VillageProblem::TooAlike {
                team: 1,
                name: "Thôn Đông".into()
            })
        );
        assert_eq!(c2.add_village("  "), Err(VillageProblem::Empty));
        assert_eq!(c2.add_village("- -"), Err(VillageProblem::Empty));
        assert_eq!(c2.add_village("7"), Err(VillageProblem::OnlyDigits));
        assert_eq!(c2, c, "nothing changed");
        assert_eq!(
            Commune::with_villages("Xã", &[]),
            Err(VillageProblem::NoVillages)
        );
    }

    #[test]
    fn a_rename_keeps_the_number_and_may_keep_its_own_name_alike() {
        let mut c = Commune::with_villages("Xã", &names(&["Thôn 1", "Thôn 2"])).unwrap();
        c.rename_village(2, "Thôn Đoài").unwrap();
        assert_eq!(c.village(2).unwrap().name, "Thôn Đoài");
        c.rename_village(2, "thôn đoài").unwrap();
        assert_eq!(c.village(2).unwrap().name, "thôn đoài");
        assert_eq!(
            c.rename_village(1, "Đoài"),
            Err(VillageProblem::TooAlike {
                team: 2,
                name: "thôn đoài".into()
            })
        );
        assert_eq!(
            c.rename_village(9, "Bắc"),
            Err(VillageProblem::NoSuchVillage { team: 9 })
        );
        assert_eq!(c.add_village("Bắc").unwrap(), 3);
    }
}
