//! The numbers of the commune's periodic report, as of a date: only versions
//! edited on or before that day count. Pure: the wording lives in
//! `i18n::report`, the data comes from the store.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::standing::Standing;
use super::version::Version;
use super::work::WorkItem;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Households {
    pub assigned: usize,
    /// Checks with an outcome.
    pub checked: usize,
    /// Households found without a head (in any version up to the date).
    pub no_head_found: usize,
    /// ... of which the current state names a head.
    pub no_head_fixed: usize,
    /// Checks that found a suspected duplicate citizen.
    pub duplicate_findings: usize,
    pub referred: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MissingFields {
    pub assigned: usize,
    /// Cases with an outcome: corrected, no document, or referred.
    pub processed: usize,
    /// Corrected: the information was found and supplemented.
    pub with_info: usize,
    /// No information or document to supplement from.
    pub without_info: usize,
    pub referred: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activation {
    pub assigned: usize,
    pub level1: usize,
    pub level2: usize,
    pub pending: usize,
    pub not_registered: usize,
    pub failed: usize,
    /// Not activated, by reason (blocker choice id).
    pub blockers: BTreeMap<String, usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub commune: String,
    pub as_of: NaiveDate,
    pub households: Households,
    pub missing: MissingFields,
    pub activation: Activation,
    pub duplicates: DuplicatePairs,
}

/// Suspected duplicate citizens: the pairs the register holds and how many
/// were settled, each way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DuplicatePairs {
    /// Pairs of suspected duplicate citizens across the commune's register.
    pub found: usize,
    /// Settled by deleting the duplicate record ("đã xoá phiếu trùng").
    pub cleaned: usize,
    pub not_duplicate: usize,
    pub referred: usize,
}

/// Percent of `part` in `whole`, one decimal, 0 when nothing is assigned.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// A share (0.0 to 1.0) as a whole percentage, rounded to the nearest but
/// never to 100 short of the whole, nor to 0 above nothing: "99" for 199
/// of 200, "1" for 1 of 200.
pub fn whole_percent(share: f64) -> u32 {
    let rounded = (share * 100.0).round().clamp(0.0, 100.0) as u32;
    match rounded {
        100 if share < 1.0 => 99,
        0 if share > 0.0 => 1,
        n => n,
    }
}

fn has(v: &Version, field: &str, choice: &str) -> bool {
    v.values
        .get(field)
        .is_some_and(|x| x.split(super::form::MULTI_SEP).any(|c| c == choice))
}

fn value<'a>(v: &'a Version, field: &str) -> &'a str {
    v.values.get(field).map(String::as_str).unwrap_or("")
}

/// Computes the report from the work list, every version, and the number of
/// suspected duplicate pairs.
pub fn compute(
    commune: &str,
    items: &[WorkItem],
    versions: &[Version],
    suspected_duplicates: usize,
    as_of: NaiveDate,
) -> Report {
    let mut r = Report {
        commune: commune.to_string(),
        as_of,
        households: Households::default(),
        missing: MissingFields::default(),
        activation: Activation::default(),
        duplicates: DuplicatePairs {
            found: suspected_duplicates,
            ..DuplicatePairs::default()
        },
    };
    // Each case counted where it stands as of the day (`Standing`): a
    // voided one nowhere, not even as assigned; a draft with an error
    // saved over a result, or the office sending it back, changes no line
    // (the last result stands); a case whose only versions are drafts is
    // assigned, nothing more.
    let mut by_record: HashMap<&str, Vec<&Version>> = HashMap::new();
    for v in versions
        .iter()
        .filter(|v| v.edited_at.date_naive() <= as_of)
    {
        by_record.entry(&v.record).or_default().push(v);
    }
    let standings: Vec<(&str, Standing)> = by_record
        .iter()
        .filter_map(|(record, vs)| Some((*record, Standing::of_case(vs)?)))
        .collect();
    let voided: HashSet<&str> = standings
        .iter()
        .filter(|(_, s)| !s.counts())
        .map(|(record, _)| *record)
        .collect();
    let mut assigned: HashMap<&str, usize> = HashMap::new();
    for i in items.iter().filter(|i| !voided.contains(i.id.as_str())) {
        *assigned.entry(&i.form).or_default() += 1;
    }
    let item_ids: HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
    // Cases opened in the field count as assigned too, as in the progress tables.
    for (record, s) in &standings {
        if s.counts() && !item_ids.contains(record) {
            let form = by_record[record].first().map_or("", |v| v.form.as_str());
            *assigned.entry(form).or_default() += 1;
        }
    }
    let no_head_ever: HashSet<&str> = versions
        .iter()
        .filter(|v| {
            v.edited_at.date_naive() <= as_of && v.status.counts() && has(v, "findings", "no_head")
        })
        .map(|v| v.record.as_str())
        .collect();
    r.households.assigned = assigned.get("household_check").copied().unwrap_or(0);
    r.missing.assigned = assigned.get("missing_field").copied().unwrap_or(0);
    r.activation.assigned = assigned.get("activation").copied().unwrap_or(0);
    for h in standings.iter().filter_map(|(_, s)| s.result) {
        match h.form.as_str() {
            "household_check" => {
                let hh = &mut r.households;
                if !value(h, "outcome").is_empty() {
                    hh.checked += 1;
                }
                if no_head_ever.contains(h.record.as_str()) {
                    hh.no_head_found += 1;
                    if !has(h, "findings", "no_head") && !value(h, "head_name").is_empty() {
                        hh.no_head_fixed += 1;
                    }
                }
                hh.duplicate_findings += usize::from(has(h, "findings", "duplicate"));
                hh.referred += usize::from(value(h, "outcome") == "referred");
            }
            "missing_field" => {
                let m = &mut r.missing;
                match value(h, "outcome") {
                    "corrected" => m.with_info += 1,
                    "no_document" => m.without_info += 1,
                    "referred" => m.referred += 1,
                    _ => continue,
                }
                m.processed += 1;
            }
            "duplicate" => {
                let d = &mut r.duplicates;
                match value(h, "resolution") {
                    "deleted_duplicate" => d.cleaned += 1,
                    "not_duplicate" => d.not_duplicate += 1,
                    "referred" => d.referred += 1,
                    _ => {}
                }
            }
            "activation" => {
                let a = &mut r.activation;
                match value(h, "status") {
                    "activated_level1" => a.level1 += 1,
                    "activated_level2" => a.level2 += 1,
                    "pending" => a.pending += 1,
                    "not_registered" => a.not_registered += 1,
                    "failed" => a.failed += 1,
                    _ => {}
                }
                let blocker = value(h, "blocker");
                if matches!(value(h, "status"), "not_registered" | "failed") && !blocker.is_empty()
                {
                    *a.blockers.entry(blocker.to_string()).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::version::{Draft, Status};
    use chrono::DateTime;

    fn v(record: &str, form: &str, parents: &[&str], day: &str, pairs: &[(&str, &str)]) -> Version {
        Draft {
            record: record.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            form: form.into(),
            team: 1,
            device: "d".into(),
            author: "a".into(),
            edited_at: DateTime::parse_from_rfc3339(&format!("{day}T10:00:00+07:00")).unwrap(),
            status: Status::InProgress,
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            confirmed: vec![],
        }
        .seal()
    }

    fn item(id: &str, form: &str) -> WorkItem {
        WorkItem {
            id: id.into(),
            form: form.into(),
            team: 1,
            due: None,
            prefill: Default::default(),
        }
    }

    #[test]
    fn counts_as_of_a_date_ignore_later_edits() {
        let a1 = v(
            "AC-1",
            "activation",
            &[],
            "2024-09-10",
            &[("status", "pending")],
        );
        let a1b = v(
            "AC-1",
            "activation",
            &[&a1.id],
            "2024-09-20",
            &[("status", "activated_level2")],
        );
        let a2 = v(
            "AC-2",
            "activation",
            &[],
            "2024-09-12",
            &[("status", "failed"), ("blocker", "old_phone")],
        );
        let m1 = v(
            "MF-1",
            "missing_field",
            &[],
            "2024-09-01",
            &[("outcome", "corrected")],
        );
        let m2 = v(
            "MF-2",
            "missing_field",
            &[],
            "2024-09-01",
            &[("outcome", "no_document")],
        );
        let h1 = v(
            "HC-1",
            "household_check",
            &[],
            "2024-09-01",
            &[("findings", "no_head"), ("outcome", "needs_update")],
        );
        let h1b = v(
            "HC-1",
            "household_check",
            &[&h1.id],
            "2024-09-16",
            &[("head_name", "Lê Văn A"), ("outcome", "verified")],
        );
        let versions = vec![a1, a1b, a2, m1, m2, h1, h1b];
        let items = vec![
            item("AC-1", "activation"),
            item("AC-2", "activation"),
            item("AC-3", "activation"),
            item("MF-1", "missing_field"),
            item("MF-2", "missing_field"),
            item("HC-1", "household_check"),
        ];
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let r = compute("Xã A", &items, &versions, 2, day("2024-09-15"));
        assert_eq!(r.activation.assigned, 3);
        assert_eq!(
            (
                r.activation.level2,
                r.activation.pending,
                r.activation.failed
            ),
            (0, 1, 1)
        );
        assert_eq!(r.activation.blockers["old_phone"], 1);
        assert_eq!(
            (
                r.missing.processed,
                r.missing.with_info,
                r.missing.without_info
            ),
            (2, 1, 1)
        );
        assert_eq!(
            (r.households.no_head_found, r.households.no_head_fixed),
            (1, 0)
        );

        let later = compute("Xã A", &items, &versions, 2, day("2024-09-30"));
        assert_eq!((later.activation.level2, later.activation.pending), (1, 0));
        assert_eq!(
            (
                later.households.no_head_found,
                later.households.no_head_fixed
            ),
            (1, 1)
        );

        let before = compute("Xã A", &items, &versions, 2, day("2024-08-01"));
        assert_eq!(before.missing.processed, 0);
        assert_eq!(before.activation.assigned, 3);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(1, 0), 0.0);
    }

    #[test]
    fn a_draft_a_returned_case_and_a_voided_one_change_no_line() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let items = vec![item("MF-1", "missing_field"), item("AC-1", "activation")];
        let m1 = v(
            "MF-1",
            "missing_field",
            &[],
            "2024-09-01",
            &[("outcome", "no_document")],
        );
        let a1 = v(
            "AC-1",
            "activation",
            &[],
            "2024-09-01",
            &[("status", "pending")],
        );
        let base = compute(
            "Xã A",
            &items,
            &[m1.clone(), a1.clone()],
            0,
            day("2024-09-30"),
        );
        assert_eq!((base.missing.with_info, base.missing.without_info), (0, 1));
        assert_eq!(base.activation.pending, 1);
        // On top: a draft (31/02, no evidence) claiming the value was found,
        // and the activation sent back by the office, or voided.
        let with_status = |mut v: Version, status: Status| {
            v.status = status;
            v.id = v.compute_id();
            v
        };
        let draft = with_status(
            v(
                "MF-1",
                "missing_field",
                &[&m1.id],
                "2024-09-02",
                &[("outcome", "corrected"), ("value", "31/02/2026")],
            ),
            Status::Draft,
        );
        for status in [Status::NeedsCorrection, Status::Voided] {
            let a2 = with_status(
                v(
                    "AC-1",
                    "activation",
                    &[&a1.id],
                    "2024-09-02",
                    &[("status", "activated_level2")],
                ),
                status,
            );
            let versions = [m1.clone(), a1.clone(), draft.clone(), a2];
            let r = compute("Xã A", &items, &versions, 0, day("2024-09-30"));
            // The draft changes nothing: the last result stands.
            assert_eq!(r.missing, base.missing, "{status:?}");
            // Sent back: the last result the team saved stands; voided:
            // counted nowhere, not even as assigned.
            let counted = usize::from(status != Status::Voided);
            assert_eq!((r.activation.level2, r.activation.pending), (0, counted));
            assert_eq!(r.activation.assigned, counted, "{status:?}");
        }
    }
}
