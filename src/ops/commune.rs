//! The commune's villages, named, added and renamed at the office. A
//! village's number is its id: a rename moves no case, work item or count,
//! and reaches every team device with the commune's next bundle.

use crate::domain::commune::{Commune, Role, Village, find_village};
use crate::error::{Error, Result};
use crate::store::Store;

/// The villages, by number.
pub fn villages(store: &Store) -> Result<Vec<Village>> {
    Ok(store.commune()?.villages)
}

/// The team of the village `name` names (as spreadsheets write it: with or
/// without "Thôn", accents and case aside, or its number).
pub fn team_of(store: &Store, name: &str) -> Result<u8> {
    let villages = villages(store)?;
    find_village(name, &villages).ok_or_else(|| Error::UnknownVillage {
        name: name.to_string(),
    })
}

/// Village `team` of the commune, or the error that names the teams there are.
pub fn village_of(commune: &Commune, team: u8) -> Result<&Village> {
    commune.village(team).ok_or_else(|| Error::NoSuchTeam {
        team,
        max: commune.villages.iter().map(|v| v.team).max().unwrap_or(0),
    })
}

pub(super) fn at_the_office(store: &Store) -> Result<()> {
    if store.device()?.role != Role::Commune {
        return Err(Error::CommuneOnly);
    }
    Ok(())
}

/// Adds a village with the next number; returns it.
pub fn add_village(store: &Store, name: &str) -> Result<Village> {
    at_the_office(store)?;
    let mut commune = store.commune()?;
    let team = commune.add_village(name)?;
    store.set_commune(&commune)?;
    Ok(commune.village(team).cloned().expect("just added"))
}

/// Renames village `team`.
pub fn rename_village(store: &Store, team: u8, name: &str) -> Result<Village> {
    at_the_office(store)?;
    let mut commune = store.commune()?;
    commune.rename_village(team, name)?;
    store.set_commune(&commune)?;
    Ok(commune.village(team).cloned().expect("just renamed"))
}

/// Sets the commune's target for a line of the report (`None`, or 0,
/// takes it away). The line must be one of the report's.
pub fn set_target(store: &Store, line: &str, target: Option<usize>) -> Result<()> {
    at_the_office(store)?;
    if !crate::domain::report::spec().lines().any(|l| l.key == line) {
        return Err(Error::NoSuchReportLine {
            line: line.to_string(),
        });
    }
    let mut all = super::queries::targets(store)?;
    // A target of nothing is no target.
    match target.filter(|n| *n > 0) {
        Some(n) => all.insert(line.to_string(), n),
        None => all.remove(line),
    };
    store.set_setting(super::queries::TARGETS, &all)?;
    Ok(())
}
