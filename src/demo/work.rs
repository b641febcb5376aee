//! What the demo's people do: each team's visits to part of its work items,
//! some in two visits, each checked by the form exactly as a save is; and
//! the few corrections the office makes, which meet a team's later visit
//! as a conflict. Versions only: nothing here touches a store.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};

use super::people::Hint;
use super::{COMMUNE, Rng, TEAM_MEMBERS, VILLAGES};
use crate::domain::commune::{Device, Role};
use crate::domain::form::{self, Context};
use crate::domain::version::{Draft, Version};
use crate::domain::work::WorkItem;

/// Share of each team's assigned work already done, so the tables differ.
const TEAM_PROGRESS: [u32; 6] = [72, 55, 38, 64, 30, 49];

const ACTIVATION_BLOCKERS: [&str; 7] = [
    "no_smartphone",
    "old_phone",
    "sim_not_own",
    "lost_access",
    "away",
    "declined",
    "other",
];

fn at(day: NaiveDate, rng: &mut Rng) -> DateTime<FixedOffset> {
    let tz = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let time = day
        .and_hms_opt(rng.range(7, 17) as u32, rng.range(0, 59) as u32, 0)
        .unwrap_or_default();
    tz.from_local_datetime(&time)
        .single()
        .unwrap_or_else(|| tz.from_utc_datetime(&time))
}

/// A team's saved versions: first visits, and later visits each with the
/// index of its parent among the first ones.
pub(super) struct TeamWork {
    pub(super) first: Vec<Version>,
    pub(super) later: Vec<Version>,
    pub(super) parent_of_later: Vec<usize>,
}

impl TeamWork {
    /// Up to `n` first visits, of different cases, that the team has since
    /// edited again, picked at random.
    pub(super) fn offer(&self, rng: &mut Rng, n: usize) -> Vec<Version> {
        let mut out: Vec<Version> = Vec::new();
        for _ in 0..n * 3 {
            if out.len() >= n || self.later.is_empty() {
                break;
            }
            let child = rng.below(self.later.len() as u64) as usize;
            let parent = &self.first[self.parent_of_later[child]];
            if out.iter().all(|o| o.record != parent.record) {
                out.push(parent.clone());
            }
        }
        out
    }
}

/// The versions a team has saved: part of its work items, some in several
/// visits, each checked by the form spec exactly as a save would be.
pub(super) fn do_team_work(
    rng: &mut Rng,
    items: &[WorkItem],
    hints: &HashMap<String, Hint>,
    device: &Device,
    ctx: &Context,
    now: DateTime<FixedOffset>,
) -> TeamWork {
    let mut out = TeamWork {
        first: Vec::new(),
        later: Vec::new(),
        parent_of_later: Vec::new(),
    };
    let Role::Team(team) = device.role else {
        return out;
    };
    let members = TEAM_MEMBERS[(team as usize - 1) % TEAM_MEMBERS.len()];
    let progress = TEAM_PROGRESS[(team as usize - 1) % TEAM_PROGRESS.len()];
    for item in items {
        if !rng.chance(progress * 10 + 150) {
            continue;
        }
        let Some(spec) = form::form(&item.form) else {
            continue;
        };
        let author = rng.pick(members).to_string();
        let days_ago = rng.range(1, 75);
        // Nobody is visited before they are born.
        let born = item
            .prefill
            .get("birth_date")
            .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
        let day = (ctx.today - Duration::days(days_ago)).max(born.unwrap_or(NaiveDate::MIN));
        let visits = fill(rng, item, hints.get(&item.id), day, ctx.today, &author);
        let mut parent: Option<usize> = None;
        for (n, raw) in visits.into_iter().enumerate() {
            let when = (at(day + Duration::days(n as i64 * 6), rng)).min(now);
            // Checked as of the day it is saved, as the form and every later
            // import judge it.
            let on_the_day = Context {
                today: when.date_naive(),
                villages: ctx.villages,
            };
            let checked = spec.check(&raw, &on_the_day);
            debug_assert!(!checked.has_errors(), "{}: {:?}", item.id, checked.problems);
            let v = Draft {
                record: item.id.clone(),
                parents: parent
                    .map(|i| vec![out.first[i].id.clone()])
                    .unwrap_or_default(),
                form: item.form.clone(),
                team,
                device: device.id.clone(),
                author: author.clone(),
                edited_at: when,
                status: spec.status(&checked),
                values: checked.values,
                confirmed: Vec::new(),
            }
            .seal();
            match parent {
                // Visits come at most two to a case (see `fill`): a later
                // visit's parent is always a first visit.
                Some(i) => {
                    out.later.push(v);
                    out.parent_of_later.push(i);
                }
                None => {
                    parent = Some(out.first.len());
                    out.first.push(v);
                }
            }
        }
    }
    out
}

/// The field values of each visit to one work item (usually one visit).
fn fill(
    rng: &mut Rng,
    item: &WorkItem,
    hint: Option<&Hint>,
    day: NaiveDate,
    today: NaiveDate,
    author: &str,
) -> Vec<BTreeMap<String, String>> {
    let mut v = item.prefill.clone();
    v.insert("visit_date".into(), day.min(today).to_string());
    v.insert("checker".into(), author.to_string());
    match item.form.as_str() {
        "household_check" => {
            let registered: i64 = v
                .get("members_registered")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let mut findings = Vec::new();
            if !v.contains_key("head_name") {
                findings.push("no_head");
            }
            let mut found = registered;
            if rng.chance(40) {
                findings.push("deceased");
                found -= 1;
            }
            if rng.chance(60) {
                findings.push("moved_away");
                found -= 1;
            }
            if rng.chance(35) {
                findings.push("not_registered");
                found += 1;
            }
            if rng.chance(20) {
                findings.push("wrong_relation");
            }
            if let Some(h) = hint
                && !h.duplicates.is_empty()
            {
                findings.push("duplicate");
                v.insert("person_ids".into(), h.duplicates.join(";"));
            }
            v.insert("members_found".into(), found.max(0).to_string());
            if !findings.is_empty() {
                v.insert("findings".into(), findings.join(";"));
            }
            if rng.chance(120) {
                // Visited, not finished: no outcome yet.
                return vec![v];
            }
            let outcome = if findings.is_empty() {
                "verified"
            } else if rng.chance(200) {
                "referred"
            } else {
                "needs_update"
            };
            v.insert("outcome".into(), outcome.into());
            // Often a second visit settles who heads a household without one.
            if let Some((name, id)) = hint.and_then(|h| h.head.as_ref())
                && rng.chance(450)
            {
                let mut fixed = v.clone();
                findings.retain(|f| *f != "no_head");
                if findings.is_empty() {
                    fixed.remove("findings");
                } else {
                    fixed.insert("findings".into(), findings.join(";"));
                }
                fixed.insert("head_name".into(), name.clone());
                fixed.insert("head_id".into(), id.clone());
                fixed.insert("outcome".into(), "verified".into());
                fixed.insert(
                    "visit_date".into(),
                    (day + Duration::days(6)).min(today).to_string(),
                );
                return vec![v, fixed];
            }
            vec![v]
        }
        "missing_field" => {
            let missing = v.get("missing").cloned().unwrap_or_default();
            if rng.chance(60) {
                v.insert("outcome".into(), "no_document".into());
                v.insert("note".into(), "Gia đình không còn giấy tờ gốc".into());
                return vec![v];
            }
            if rng.chance(40) {
                v.insert("outcome".into(), "referred".into());
                return vec![v];
            }
            if rng.chance(100) {
                // Started, the document is still to be found.
                return vec![v];
            }
            let value = match missing.as_str() {
                "ethnicity" => "Kinh".to_string(),
                "religion" => "Không".to_string(),
                "cmnd" => format!("{:03}{:06}", 150 + rng.below(20), rng.below(1_000_000)),
                "birth_date" => {
                    let year = v
                        .get("birth_date")
                        .and_then(|b| b.get(..4))
                        .and_then(|y| y.parse().ok())
                        .unwrap_or(1950);
                    NaiveDate::from_ymd_opt(year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
                        .unwrap_or(day)
                        // A child born this year: not a date after the visit.
                        .min(day)
                        .to_string()
                }
                "relation" => "Con".to_string(),
                "permanent_address" => {
                    format!("{}, {COMMUNE}, Thái Bình", VILLAGES[item.team as usize - 1])
                }
                _ => "Thái Bình".to_string(),
            };
            v.insert("value".into(), value);
            let evidence = *rng.weighted(&[
                ("birth_certificate", 40),
                ("old_id_card", 25),
                ("household_book", 20),
                ("statement", 15),
            ]);
            v.insert("evidence".into(), evidence.into());
            v.insert("outcome".into(), "corrected".into());
            vec![v]
        }
        "id_cancellation" => {
            // Children registered since 01/07/2021 had a number made at
            // their birth registration; about half the cancellations.
            let born = v
                .get("birth_date")
                .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
            let registered = match born {
                Some(b) if b > NaiveDate::from_ymd_opt(2021, 7, 1).unwrap_or(b) => b,
                Some(b) if rng.chance(400) => {
                    // A birth registered late (đăng ký khai sinh quá hạn).
                    let late = NaiveDate::from_ymd_opt(2021, 7, 2).unwrap_or(b);
                    (late + Duration::days(rng.range(0, 900))).min(day)
                }
                Some(b) => b + Duration::days(rng.range(1, 60)),
                None => day,
            };
            v.insert(
                "birth_certificate_date".into(),
                registered.min(day).to_string(),
            );
            let outcome = if rng.chance(920) {
                "request_created"
            } else {
                "no_document"
            };
            v.insert("outcome".into(), outcome.into());
            vec![v]
        }
        "id_card_mismatch" => {
            // The seed's 58: 48 in the population data, 10 on the card.
            let card = rng.chance(170);
            v.insert(
                "wrong_side".into(),
                if card { "id_card" } else { "population_data" }.into(),
            );
            let outcome = match (card, rng.chance(900)) {
                (true, _) => "card_reissue",
                (false, true) => "corrected",
                (false, false) => "referred",
            };
            v.insert("outcome".into(), outcome.into());
            vec![v]
        }
        "subscriber" => {
            let finding = *rng.weighted(&[
                ("wrong_info", 50),
                ("matched", 30),
                ("not_owner", 10),
                ("not_in_use", 10),
            ]);
            v.insert("finding".into(), finding.into());
            let outcome = if rng.chance(950) {
                "cleaned"
            } else {
                "not_cleaned"
            };
            v.insert("outcome".into(), outcome.into());
            vec![v]
        }
        "social_insurance" => {
            v.insert("finding".into(), "wrong_info".into());
            let wrong = *rng.weighted(&[("birth_date", 60), ("full_name", 25), ("sex", 15)]);
            v.insert("wrong_fields".into(), wrong.into());
            let outcome = if rng.chance(800) {
                "corrected"
            } else {
                "sent_to_insurer"
            };
            v.insert("outcome".into(), outcome.into());
            vec![v]
        }
        _ => {
            let mut visits = Vec::new();
            let has_phone = v.contains_key("phone");
            let roll = rng.below(100);
            // Level 2 is registered in person at the commune police, so people
            // without a phone can have it; level 1 needs a smartphone.
            let (status, blocker) = if !has_phone {
                if roll < 55 {
                    ("activated_level2", None)
                } else {
                    ("not_registered", Some("no_smartphone"))
                }
            } else if roll < 52 {
                ("activated_level2", None)
            } else if roll < 64 {
                ("activated_level1", None)
            } else if roll < 74 {
                ("pending", None)
            } else if roll < 82 {
                ("not_registered", Some(*rng.pick(&ACTIVATION_BLOCKERS)))
            } else {
                ("failed", Some(*rng.pick(&ACTIVATION_BLOCKERS[1..])))
            };
            // Activations often take two visits: registered first, approved later.
            if status.starts_with("activated") && rng.chance(350) {
                let mut first = v.clone();
                first.insert("status".into(), "pending".into());
                first.insert("visits".into(), "1".into());
                first.insert(
                    "next_follow_up".into(),
                    (today + Duration::days(rng.range(1, 14))).to_string(),
                );
                visits.push(first);
                v.insert(
                    "visit_date".into(),
                    (day + Duration::days(6)).min(today).to_string(),
                );
            }
            v.insert("status".into(), status.into());
            v.insert("visits".into(), (visits.len() + 1).to_string());
            if let Some(b) = blocker {
                v.insert("blocker".into(), b.into());
            }
            if status != "activated_level2" {
                v.insert(
                    "next_follow_up".into(),
                    (today + Duration::days(rng.range(2, 21))).to_string(),
                );
            }
            visits.push(v);
            visits
        }
    }
}

/// A few office corrections made from a version the team has since edited
/// again: two heads, a real conflict for the commune to resolve. `offered`
/// are such versions, a few from each team; `edited_twice` is how many cases
/// the teams edited twice in all.
pub(super) fn office_corrections(
    rng: &mut Rng,
    offered: &[Version],
    edited_twice: usize,
    device: &Device,
    now: DateTime<FixedOffset>,
) -> Vec<Version> {
    let wanted = (edited_twice / 40).clamp(1, 12);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for _ in 0..wanted * 3 {
        if out.len() >= wanted || offered.is_empty() {
            break;
        }
        let parent = rng.pick(offered);
        if !seen.insert(parent.record.clone()) {
            continue;
        }
        let mut values = parent.values.clone();
        values.insert(
            "note".into(),
            "Xã đã gọi điện xác minh, đề nghị tổ kiểm tra lại số điện thoại".into(),
        );
        out.push(
            Draft {
                record: parent.record.clone(),
                parents: vec![parent.id.clone()],
                form: parent.form.clone(),
                team: parent.team,
                device: device.id.clone(),
                author: "Cán bộ xã".into(),
                edited_at: (parent.edited_at + Duration::days(1)).min(now),
                status: parent.status,
                values,
                confirmed: Vec::new(),
            }
            .seal(),
        );
    }
    out
}
