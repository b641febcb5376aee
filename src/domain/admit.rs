//! Whether a bundle is welcome here (README: "What is checked"): who may
//! send to this device, and which versions a sender may bring.
//!
//! Pure decisions over facts the caller looked up (the key record, which
//! versions and cases the store already holds). The file format is checked
//! before this (`bundle`), the writing happens after (`store`).

use super::case::{CORRECTION_FIELD, VOID_FIELD};
use super::commune::{Commune, Role, Village};
use super::form::{self, Context};
use super::rules::ProblemKind;
use super::text;
use super::version::{Status, Version};

/// What the bundle says about itself (signed, so true of the key holder).
#[derive(Clone, Copy, Debug)]
pub struct Claim<'a> {
    pub commune: &'a str,
    pub sender: Role,
    pub sender_device: &'a str,
    pub receiver: Role,
    pub key_id: &'a str,
}

/// This device.
#[derive(Clone, Copy, Debug)]
pub struct Here<'a> {
    pub commune: &'a Commune,
    pub role: Role,
    pub device: &'a str,
}

/// What this device knows of the key that signed the bundle.
#[derive(Clone, Copy, Debug)]
pub struct KeyFacts<'a> {
    /// The team whose device holds the key; `None` for the commune's key.
    pub team: Option<u8>,
    pub revoked: bool,
    /// The device its earlier bundles named, if any.
    pub device: Option<&'a str>,
}

/// Kept in the imports log, within a refused bundle's reason: a variant's
/// name is stored, so renaming one loses the reason of entries logged before.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderRefusal {
    /// This device made the bundle itself.
    OwnBundle,
    /// Meant for another device.
    NotForHere {
        receiver: Role,
        here: Role,
    },
    /// From another commune (or a team set up with another commune's name).
    OtherCommune {
        bundle: String,
        here: String,
    },
    /// (At the office) From a team device set up with the commune's name
    /// spelt otherwise (accents, capitals: "Xa Tan Phong"). Names that
    /// differ only so may still be two communes ("Tân Phòng", "Tân
    /// Phong"), so the office takes only its own spelling; the team device
    /// takes it from the commune's next bundle.
    CommuneSpelling {
        bundle: String,
        here: String,
    },
    UnknownKey {
        key_id: String,
    },
    RevokedKey {
        key_id: String,
    },
    /// A key trusted for one team (or the commune) used to speak for another.
    KeyOfOther {
        key_id: String,
        key_team: Option<u8>,
        claimed: Role,
    },
    /// The key was first used by another device.
    DeviceChanged {
        key_id: String,
        first: String,
        now: String,
    },
    /// The device id claimed belongs to another key or to this commune.
    DeviceTaken {
        device: String,
    },
    /// A team that is not one of this commune's villages.
    NoSuchTeam {
        team: u8,
    },
}

/// Checks the sender before any row is looked at. `device_elsewhere` is true
/// when the claimed device id is already tied to another key.
pub fn admit_sender(
    claim: &Claim,
    here: &Here,
    key: Option<KeyFacts>,
    device_elsewhere: bool,
) -> Result<(), SenderRefusal> {
    if claim.sender_device == here.device {
        return Err(SenderRefusal::OwnBundle);
    }
    if claim.receiver != here.role {
        return Err(SenderRefusal::NotForHere {
            receiver: claim.receiver,
            here: here.role,
        });
    }
    // The commune's name exactly (as stored: NFC, spaces tidied). A team
    // device takes its commune's spelling from the commune's bundle, which
    // only the one commune key it trusts can sign.
    if text::clean(claim.commune) != text::clean(&here.commune.name) {
        let bundle = claim.commune.to_string();
        let here_name = here.commune.name.clone();
        let near = text::fold(claim.commune) == text::fold(&here.commune.name);
        match (near, here.role) {
            (true, Role::Team(_)) => {}
            (true, Role::Commune) => {
                return Err(SenderRefusal::CommuneSpelling {
                    bundle,
                    here: here_name,
                });
            }
            (false, _) => {
                return Err(SenderRefusal::OtherCommune {
                    bundle,
                    here: here_name,
                });
            }
        }
    }
    if let Role::Team(team) = claim.sender
        && here.commune.village(team).is_none()
    {
        return Err(SenderRefusal::NoSuchTeam { team });
    }
    let key = key.ok_or_else(|| SenderRefusal::UnknownKey {
        key_id: claim.key_id.to_string(),
    })?;
    if key.revoked {
        return Err(SenderRefusal::RevokedKey {
            key_id: claim.key_id.to_string(),
        });
    }
    let speaks_for = match key.team {
        Some(t) => Role::Team(t),
        None => Role::Commune,
    };
    if speaks_for != claim.sender {
        return Err(SenderRefusal::KeyOfOther {
            key_id: claim.key_id.to_string(),
            key_team: key.team,
            claimed: claim.sender,
        });
    }
    if let Some(first) = key.device
        && first != claim.sender_device
    {
        return Err(SenderRefusal::DeviceChanged {
            key_id: claim.key_id.to_string(),
            first: first.to_string(),
            now: claim.sender_device.to_string(),
        });
    }
    if key.device.is_none() && device_elsewhere {
        return Err(SenderRefusal::DeviceTaken {
            device: claim.sender_device.to_string(),
        });
    }
    Ok(())
}

/// Kept in the imports log, like [`SenderRefusal`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowRefusal {
    /// The version's team is not one of this commune's villages.
    NoSuchTeam { team: u8 },
    /// A team bundle carrying a new version of another team's case.
    OtherTeam { record: String, team: u8 },
    /// A new version written on another device than the one that signed the
    /// bundle (relaying is fine, but only of versions the commune holds).
    NotAuthor { device: String },
    /// The first version of a case whose id another device made
    /// (`AC-T31477-0001` is device T31477's): a team opens only cases under
    /// ids its own device made.
    NotMinter { record: String, minter: String },
    /// The first version of a case under an id the commune makes (a work
    /// item's, `AC-00012`) that is no work item here: a team works the
    /// commune's items, it does not make them.
    NoSuchItem { record: String },
    /// A saved (not draft) version whose value has an error.
    Invalid { problem: ProblemKind },
    /// A value not in the form a save stores it (not normalised).
    NotAsSaved,
    /// The status disagrees with what the form makes of the values.
    WrongStatus { status: Status, expected: Status },
}

/// A refused row: which version (index in the bundle), which column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub index: usize,
    pub column: Option<String>,
    pub refusal: RowRefusal,
}

/// Checks a version exactly as saving it would have: every value is what the
/// form stores for it, and unless it is a draft, no value has an error and
/// the status is the one the form gives. Dates are judged as of the day the
/// version was saved, so a follow-up date that has since passed stays valid.
pub fn check_version(
    v: &Version,
    villages: &[Village],
) -> Result<(), (Option<String>, RowRefusal)> {
    // The form the values were made with (an older version of a form the
    // commune added stays as it was).
    let Some(spec) = form::form_at(&v.form, v.form_version) else {
        return Err((Some("form".into()), RowRefusal::NotAsSaved));
    };
    let ctx = Context {
        today: v.edited_at.date_naive(),
        villages,
    };
    // Values as saved pass as they are; for one the check would change,
    // the full check names the first such field. A draft keeps what did
    // not pass as it was typed, which a later release may read otherwise
    // (a date `20112026`): still that draft as it was saved.
    let mut problems = match spec.as_sent(&v.values, &ctx) {
        Some(problems) => problems,
        None if v.status == Status::Draft => spec.check(&v.values, &ctx).problems,
        None => return Err(not_as_saved(spec, v, &ctx)),
    };
    // What a release before would have saved stays admissible.
    problems.retain(|p| !p.kind.came_later());
    // Only a voided case carries a reason for being voided, and it must.
    let voided = v.values.get(VOID_FIELD).is_some_and(|r| !r.is_empty());
    if voided != (v.status == Status::Voided) {
        return Err((
            Some(VOID_FIELD.into()),
            RowRefusal::WrongStatus {
                status: v.status,
                expected: if voided {
                    Status::Voided
                } else {
                    spec.status_of(&v.values, &problems)
                },
            },
        ));
    }
    // A case returned for correction carries the commune's request; like a
    // draft (and a voided case), it may hold the very problems it is
    // returned for.
    if v.status == Status::NeedsCorrection {
        let requested = v
            .values
            .get(CORRECTION_FIELD)
            .is_some_and(|c| !c.is_empty());
        if !requested {
            return Err((
                Some(CORRECTION_FIELD.into()),
                RowRefusal::WrongStatus {
                    status: v.status,
                    expected: spec.status_of(&v.values, &problems),
                },
            ));
        }
    } else if !matches!(v.status, Status::Draft | Status::Voided) {
        if let Some(e) = problems.iter().find(|p| p.is_error()) {
            return Err((
                Some(e.field.clone()),
                RowRefusal::Invalid {
                    problem: e.kind.clone(),
                },
            ));
        }
        let expected = spec.status_of(&v.values, &problems);
        if v.status != expected {
            return Err((
                Some("status".into()),
                RowRefusal::WrongStatus {
                    status: v.status,
                    expected,
                },
            ));
        }
    }
    Ok(())
}

/// The refusal of a version whose values are not as a save stores them,
/// naming the first field the check would change.
fn not_as_saved(spec: &form::FormSpec, v: &Version, ctx: &Context) -> (Option<String>, RowRefusal) {
    let checked = spec.check(&v.values, ctx);
    let field = spec
        .fields
        .iter()
        .find(|f| checked.values.get(&f.id) != v.values.get(&f.id))
        .map(|f| f.id.clone());
    (field, RowRefusal::NotAsSaved)
}

/// Judges a version on its own, as saving it would have: its team one of
/// the commune's villages, and [`check_version`]. Needs nothing from the
/// store, so a bundle's rows can be judged while others are being written.
/// Returns the column at fault with the refusal.
pub fn judge_version(
    v: &Version,
    villages: &[Village],
) -> Result<(), (Option<String>, RowRefusal)> {
    if !villages.iter().any(|village| village.team == v.team) {
        return Err((Some("team".into()), RowRefusal::NoSuchTeam { team: v.team }));
    }
    check_version(v, villages)
}

/// Whether the sender of a bundle already admitted by [`admit_sender`] may
/// bring this version, new to this store (and judged by [`judge_version`]).
/// `case_team` is the team of its case, if this store knows the case.
pub fn admit_version(
    v: &Version,
    claim: &Claim,
    here: &Here,
    case_team: Option<u8>,
) -> Result<(), (Option<String>, RowRefusal)> {
    let refuse = |column: &str, refusal: RowRefusal| Err((Some(column.to_string()), refusal));
    // A team speaks only for its own cases, and only for what its own
    // device wrote; what it relays must already be here. The commune is
    // trusted by teams for everything it sends.
    if let (Role::Team(team), Role::Commune) = (claim.sender, here.role) {
        if v.team != team {
            return refuse(
                "team",
                RowRefusal::OtherTeam {
                    record: v.record.clone(),
                    team: v.team,
                },
            );
        }
        if let Some(t) = case_team
            && t != team
        {
            return refuse(
                "record",
                RowRefusal::OtherTeam {
                    record: v.record.clone(),
                    team: t,
                },
            );
        }
        if v.device != claim.sender_device {
            return refuse(
                "device",
                RowRefusal::NotAuthor {
                    device: v.device.clone(),
                },
            );
        }
        // A case the commune does not know yet is opened only under an id
        // the sending device made: another's id (a team's next one, the
        // commune's next work item) would block the rightful one for good.
        if case_team.is_none() {
            match minter(&v.record) {
                Minter::Device(device) if device == v.device => {}
                Minter::Device(device) => {
                    return refuse(
                        "record",
                        RowRefusal::NotMinter {
                            record: v.record.clone(),
                            minter: device.to_string(),
                        },
                    );
                }
                Minter::Commune => {
                    return refuse(
                        "record",
                        RowRefusal::NoSuchItem {
                            record: v.record.clone(),
                        },
                    );
                }
            }
        }
    }
    Ok(())
}

/// Who makes a record id: a device, for a case it opens
/// (`AC-T31477-0001`: form code, device, number), or the commune, for a
/// work item (`AC-00012`: form code, number).
#[derive(Debug, PartialEq, Eq)]
pub enum Minter<'a> {
    Device(&'a str),
    Commune,
}

/// The maker of `record` (see [`Minter`]), from its shape.
pub fn minter(record: &str) -> Minter<'_> {
    let mut parts = record.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(device), Some(_)) => Minter::Device(device),
        _ => Minter::Commune,
    }
}

/// Checks every version of a bundle already admitted by [`admit_sender`].
/// `known(id)` says whether this store holds a version; `case_team(record)`
/// the team of a case it knows. Every new version is checked with
/// [`judge_version`] and [`admit_version`]; a version this store already holds is the same bytes
/// it accepted before and passes as it is (checking it again would add
/// nothing — except refusing, after a rule is tightened, bundles that only
/// repeat old data). Returns the indices of the new versions; the first
/// refused row stops everything (all or nothing).
pub fn admit_versions(
    versions: &[Version],
    claim: &Claim,
    here: &Here,
    known: impl Fn(&str) -> bool,
    case_team: impl Fn(&str) -> Option<u8>,
) -> Result<Vec<usize>, RowError> {
    let mut new = Vec::new();
    for (index, v) in versions.iter().enumerate() {
        if known(&v.id) {
            continue;
        }
        admit_version(v, claim, here, case_team(&v.record)).map_err(|(column, refusal)| {
            RowError {
                index,
                column,
                refusal,
            }
        })?;
        new.push(index);
    }
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::version::Draft;
    use chrono::DateTime;
    use std::collections::BTreeMap;

    fn commune() -> Commune {
        Commune::with_numbered_villages("Xã Tân Phong", 6)
    }

    fn claim<'a>(sender: Role, device: &'a str) -> Claim<'a> {
        Claim {
            commune: "Xã Tân Phong",
            sender,
            sender_device: device,
            receiver: Role::Commune,
            key_id: "ABCDEF0123456789",
        }
    }

    fn team_key(team: u8) -> KeyFacts<'static> {
        KeyFacts {
            team: Some(team),
            revoked: false,
            device: None,
        }
    }

    #[test]
    fn the_sender_must_hold_a_trusted_unrevoked_key_of_the_team_it_claims() {
        let c = commune();
        let here = Here {
            commune: &c,
            role: Role::Commune,
            device: "XA0001",
        };
        let ok = claim(Role::Team(3), "T3AB12");
        assert_eq!(admit_sender(&ok, &here, Some(team_key(3)), false), Ok(()));
        assert!(matches!(
            admit_sender(&ok, &here, None, false),
            Err(SenderRefusal::UnknownKey { .. })
        ));
        let revoked = KeyFacts {
            revoked: true,
            ..team_key(3)
        };
        assert!(matches!(
            admit_sender(&ok, &here, Some(revoked), false),
            Err(SenderRefusal::RevokedKey { .. })
        ));
        let as_four = claim(Role::Team(4), "T3AB12");
        assert_eq!(
            admit_sender(&as_four, &here, Some(team_key(3)), false),
            Err(SenderRefusal::KeyOfOther {
                key_id: "ABCDEF0123456789".into(),
                key_team: Some(3),
                claimed: Role::Team(4)
            })
        );
        let bound = KeyFacts {
            device: Some("T3FFFF"),
            ..team_key(3)
        };
        assert!(matches!(
            admit_sender(&ok, &here, Some(bound), false),
            Err(SenderRefusal::DeviceChanged { .. })
        ));
        assert!(matches!(
            admit_sender(&ok, &here, Some(team_key(3)), true),
            Err(SenderRefusal::DeviceTaken { .. })
        ));
        let own = claim(Role::Team(3), "XA0001");
        assert_eq!(
            admit_sender(&own, &here, Some(team_key(3)), false),
            Err(SenderRefusal::OwnBundle)
        );
        let mut elsewhere = ok;
        elsewhere.commune = "Xã Khác";
        assert!(matches!(
            admit_sender(&elsewhere, &here, Some(team_key(3)), false),
            Err(SenderRefusal::OtherCommune { .. })
        ));
        // The office takes its own spelling only: "Xã Tân Phòng" is
        // another commune, "Xa Tan Phong" a team set up without accents.
        for near in ["Xã Tân Phòng", "Xa Tan Phong", "XÃ TÂN PHONG"] {
            let mut spelt = ok;
            spelt.commune = near;
            assert_eq!(
                admit_sender(&spelt, &here, Some(team_key(3)), false),
                Err(SenderRefusal::CommuneSpelling {
                    bundle: near.into(),
                    here: here.commune.name.clone(),
                }),
                "{near}"
            );
        }
        // The same name in decomposed Unicode is the same name.
        let mut decomposed = ok;
        let nfd: String =
            unicode_normalization::UnicodeNormalization::nfd(here.commune.name.as_str()).collect();
        decomposed.commune = &nfd;
        assert_eq!(
            admit_sender(&decomposed, &here, Some(team_key(3)), false),
            Ok(())
        );
        let mut for_team = ok;
        for_team.receiver = Role::Team(3);
        assert!(matches!(
            admit_sender(&for_team, &here, Some(team_key(3)), false),
            Err(SenderRefusal::NotForHere { .. })
        ));
        let nine = claim(Role::Team(9), "T9AB12");
        assert_eq!(
            admit_sender(&nine, &here, Some(team_key(9)), false),
            Err(SenderRefusal::NoSuchTeam { team: 9 })
        );
    }

    fn at(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn activation(record: &str, team: u8, device: &str, values: &[(&str, &str)]) -> Version {
        let spec = form::form("activation").unwrap();
        let c = commune();
        let raw: BTreeMap<String, String> = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let edited_at = at("2026-11-20T09:30:00+07:00");
        let checked = spec.check(
            &raw,
            &Context {
                today: edited_at.date_naive(),
                villages: &c.villages,
            },
        );
        Draft {
            record: record.into(),
            parents: vec![],
            form: "activation".into(),
            team,
            device: device.into(),
            author: "Lan".into(),
            edited_at,
            status: spec.status(&checked),
            values: checked.values,
            confirmed: vec![],
        }
        .seal()
    }

    const GOOD: [(&str, &str); 6] = [
        ("person_id", "034090123456"),
        ("full_name", "Nguyễn Văn An"),
        ("target_level", "level2"),
        ("status", "pending"),
        ("visit_date", "2026-11-20"),
        ("next_follow_up", "2026-11-25"),
    ];

    #[test]
    fn a_saved_version_checks_to_itself_even_after_its_dates_have_passed() {
        let c = commune();
        let v = activation("AC-1", 3, "T3AB12", &GOOD);
        // The follow-up date is in the past by now, not when it was saved.
        assert_eq!(check_version(&v, &c.villages), Ok(()));
    }

    #[test]
    fn versions_an_earlier_release_saved_are_still_taken() {
        let c = commune();
        // An activated case with a blocker, which the form no longer lets
        // anyone save, as an earlier release saved it: Blocked.
        let mut v = activation("AC-1", 3, "T3AB12", &GOOD);
        v.values.insert("status".into(), "activated_level1".into());
        v.values.insert("blocker".into(), "away".into());
        v.status = Status::Blocked;
        assert_eq!(check_version(&v, &c.villages), Ok(()));
        // A draft holding a date as it was typed, which this release reads.
        let mut v = activation("AC-2", 3, "T3AB12", &GOOD);
        v.values.insert("visit_date".into(), "20112026".into());
        v.status = Status::Draft;
        assert_eq!(check_version(&v, &c.villages), Ok(()));
        // Not so a saved (not draft) version: its values must be as stored.
        v.status = Status::InProgress;
        assert_eq!(
            check_version(&v, &c.villages),
            Err((Some("visit_date".into()), RowRefusal::NotAsSaved))
        );
    }

    #[test]
    fn values_not_as_saved_errors_and_wrong_status_are_refused() {
        let c = commune();
        let mut v = activation("AC-1", 3, "T3AB12", &GOOD);
        v.values.insert("full_name".into(), "nguyễn  văn an".into());
        assert_eq!(
            check_version(&v, &c.villages),
            Err((Some("full_name".into()), RowRefusal::NotAsSaved))
        );
        let mut v = activation("AC-1", 3, "T3AB12", &GOOD);
        v.values.insert("person_id".into(), "12345".into());
        assert!(matches!(
            check_version(&v, &c.villages),
            Err((Some(f), RowRefusal::Invalid { .. })) if f == "person_id"
        ));
        // The same value in a draft is what a draft keeps.
        v.status = Status::Draft;
        assert_eq!(check_version(&v, &c.villages), Ok(()));
        let mut v = activation("AC-1", 3, "T3AB12", &GOOD);
        v.status = Status::Done;
        assert!(matches!(
            check_version(&v, &c.villages),
            Err((_, RowRefusal::WrongStatus { .. }))
        ));
    }

    /// Values a release before issue 23 saved (province 000, a CMND of nine
    /// zeros, a birth after the visit) are taken in as they were saved:
    /// every bundle repeats them, and refusing them would refuse it whole.
    #[test]
    fn values_a_release_before_saved_are_still_taken_in() {
        let c = commune();
        let ctx = Context {
            today: at("2026-11-20T09:30:00+07:00").date_naive(),
            villages: &c.villages,
        };
        let cases = [
            ("activation", vec![("person_id", "000090123456")]),
            (
                "activation",
                vec![("visit_date", "2026-11-10"), ("birth_date", "2026-11-15")],
            ),
            (
                "missing_field",
                vec![
                    ("missing", "cmnd"),
                    ("value", "000000000"),
                    ("visit_date", "2026-11-10"),
                ],
            ),
        ];
        for (form_id, changed) in cases {
            let mut v = activation("AC-1", 3, "T3AB12", &GOOD);
            v.form = form_id.into();
            if form_id == "missing_field" {
                v.values.retain(|k, _| k == "person_id" || k == "full_name");
            }
            for (field, value) in &changed {
                v.values.insert(field.to_string(), value.to_string());
            }
            v.id = v.compute_id();
            // A save now is held to the rules...
            let spec = form::form(form_id).unwrap();
            let now = spec.check(&v.values, &ctx);
            assert!(
                now.problems.iter().any(|p| p.kind.came_later()),
                "{changed:?}: {now:?}"
            );
            // ...the version saved before them is not refused.
            assert_eq!(check_version(&v, &c.villages), Ok(()), "{changed:?}");
        }
    }

    #[test]
    fn a_team_brings_only_its_own_new_versions_of_its_own_cases() {
        let c = commune();
        let here = Here {
            commune: &c,
            role: Role::Commune,
            device: "XA0001",
        };
        let cl = claim(Role::Team(3), "T3AB12");
        let mine = activation("AC-T3AB12-0001", 3, "T3AB12", &GOOD);
        let relayed = activation("AC-XA0001-0002", 3, "XA0001", &GOOD);
        let other_team = activation("AC-T3AB12-0003", 4, "T3AB12", &GOOD);
        let taken_case = activation("AC-00004", 3, "T3AB12", &GOOD);
        let known_id = relayed.id.clone();
        let case_team = |r: &str| (r == "AC-00004").then_some(4);
        let known = |id: &str| id == known_id;
        assert_eq!(
            admit_versions(
                &[mine.clone(), relayed.clone()],
                &cl,
                &here,
                known,
                case_team
            ),
            Ok(vec![0])
        );
        let err =
            admit_versions(&[mine.clone(), other_team], &cl, &here, known, case_team).unwrap_err();
        assert_eq!((err.index, err.column.as_deref()), (1, Some("team")));
        let err = admit_versions(&[taken_case], &cl, &here, known, case_team).unwrap_err();
        assert_eq!(
            err.refusal,
            RowRefusal::OtherTeam {
                record: "AC-00004".into(),
                team: 4
            }
        );
        // What the commune already holds is not judged again.
        let mut stored_draft = activation("AC-XA0001-0005", 4, "XA0001", &GOOD);
        stored_draft
            .values
            .insert("person_id".into(), "12345".into());
        let held = stored_draft.id.clone();
        assert_eq!(
            admit_versions(&[stored_draft], &cl, &here, |id| id == held, case_team),
            Ok(vec![])
        );
        // Relaying a version the commune does not hold is refused.
        let err = admit_versions(&[relayed], &cl, &here, |_| false, case_team).unwrap_err();
        assert_eq!(
            err.refusal,
            RowRefusal::NotAuthor {
                device: "XA0001".into()
            }
        );
    }

    /// The finding: team 2's key opened a case under team 3's next id and
    /// under the commune's next work item, which then refused every bundle
    /// of team 3. A case new to the commune opens only under an id the
    /// sending device made; a work item's id only if it is one, the team's.
    #[test]
    fn a_team_opens_a_case_only_under_an_id_its_own_device_made() {
        let c = commune();
        let here = Here {
            commune: &c,
            role: Role::Commune,
            device: "XA0001",
        };
        let two = claim(Role::Team(2), "T2CD34");
        let nobody = |_: &str| None;
        let squat = activation("AC-T3AB12-0001", 2, "T2CD34", &GOOD);
        let err = admit_versions(&[squat], &two, &here, |_| false, nobody).unwrap_err();
        assert_eq!(
            (err.column.as_deref(), err.refusal),
            (
                Some("record"),
                RowRefusal::NotMinter {
                    record: "AC-T3AB12-0001".into(),
                    minter: "T3AB12".into()
                }
            )
        );
        let next_item = activation("AC-00123", 2, "T2CD34", &GOOD);
        let err = admit_versions(
            std::slice::from_ref(&next_item),
            &two,
            &here,
            |_| false,
            nobody,
        )
        .unwrap_err();
        assert_eq!(
            err.refusal,
            RowRefusal::NoSuchItem {
                record: "AC-00123".into()
            }
        );
        // Its own id, and a work item given to it, are its to open.
        let own = activation("AC-T2CD34-0001", 2, "T2CD34", &GOOD);
        let given = |r: &str| (r == "AC-00123").then_some(2);
        assert_eq!(
            admit_versions(&[own, next_item], &two, &here, |_| false, given),
            Ok(vec![0, 1])
        );
    }

    #[test]
    fn a_team_device_takes_whatever_the_commune_sends_that_is_valid() {
        let c = commune();
        let here = Here {
            commune: &c,
            role: Role::Team(3),
            device: "T3AB12",
        };
        let cl = Claim {
            commune: "Xã Tân Phong",
            sender: Role::Commune,
            sender_device: "XA0001",
            receiver: Role::Team(3),
            key_id: "ABCDEF0123456789",
        };
        let office = activation("AC-1", 3, "XA0001", &GOOD);
        let other = activation("AC-2", 3, "T3FFFF", &GOOD);
        assert_eq!(
            admit_versions(&[office, other], &cl, &here, |_| false, |_| None),
            Ok(vec![0, 1])
        );
    }
}
