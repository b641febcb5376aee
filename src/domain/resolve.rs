//! Ending a conflict: the heads of a case shown side by side, field by field,
//! and the values of the version that resolves it from the user's choices
//! (take one head whole, pick single fields from others). Pure: the command
//! line and the conflict screen both call this and save what it returns,
//! with all heads as parents.

use std::collections::BTreeMap;

use super::form::FormSpec;
use super::version::Version;

/// The heads in the order they are numbered for the user (1, 2, ...): oldest
/// edit first, ties by id, so the numbers do not depend on arrival order.
pub fn numbered<'a>(heads: &[&'a Version]) -> Vec<&'a Version> {
    let mut out = heads.to_vec();
    crate::sort::sort_by(&mut out, |a, b| {
        a.edited_at.cmp(&b.edited_at).then(a.id.cmp(&b.id))
    });
    out
}

/// One line of the side-by-side view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRow<'a> {
    pub field: &'a str,
    /// The value in each head, in [`numbered`] order; `None` when empty.
    pub values: Vec<Option<&'a str>>,
    pub differs: bool,
}

/// Every field some head fills, in the form's order, marking those where the
/// heads disagree.
pub fn side_by_side<'a>(spec: &'a FormSpec, heads: &[&'a Version]) -> Vec<FieldRow<'a>> {
    spec.fields
        .iter()
        .filter_map(|f| {
            let values: Vec<Option<&str>> = heads
                .iter()
                .map(|h| h.values.get(&f.id).map(String::as_str))
                .collect();
            if values.iter().all(Option::is_none) {
                return None;
            }
            let differs = values.windows(2).any(|w| w[0] != w[1]);
            Some(FieldRow {
                field: &f.id,
                values,
                differs,
            })
        })
        .collect()
}

/// The fields where the heads disagree.
pub fn differing<'a>(spec: &'a FormSpec, heads: &[&'a Version]) -> Vec<&'a str> {
    side_by_side(spec, heads)
        .into_iter()
        .filter(|r| r.differs)
        .map(|r| r.field)
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("the case has one head: there is no conflict to resolve")]
    NotInConflict,
    #[error("there is no head {n}; the case has {heads}")]
    NoSuchHead { n: usize, heads: usize },
    #[error("{field} is not a field of the form")]
    UnknownField { field: String },
    #[error("the heads differ in {field}: choose a head for it")]
    Undecided { field: String },
    #[error("--pick {arg}: expected field=N")]
    BadPick { arg: String },
}

/// Reads a pick as typed: `field=N`.
pub fn parse_pick(arg: &str) -> Result<(String, usize), ResolveError> {
    let bad = || ResolveError::BadPick {
        arg: arg.to_string(),
    };
    let (field, n) = arg.split_once('=').ok_or_else(bad)?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    let field = field.trim();
    if field.is_empty() {
        return Err(bad());
    }
    Ok((field.to_string(), n))
}

/// What the user chose. Head numbers count from 1 as [`numbered`] gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choices {
    /// The head whose values are the starting point.
    pub take: Option<usize>,
    /// Single fields taken from another head.
    pub picks: Vec<(String, usize)>,
    /// Fields the user types a new value for (decided, whatever the heads say).
    pub typed: Vec<String>,
}

/// The values of the resolving version, before the typed values are applied
/// and checked like any save. Fields all heads agree on keep their value;
/// every field they disagree on must be decided by `take`, a pick or typing.
pub fn merge(
    spec: &FormSpec,
    heads: &[&Version],
    choices: &Choices,
) -> Result<BTreeMap<String, String>, ResolveError> {
    if heads.len() < 2 {
        return Err(ResolveError::NotInConflict);
    }
    let heads = numbered(heads);
    let head = |n: usize| {
        n.checked_sub(1)
            .and_then(|i| heads.get(i))
            .copied()
            .ok_or(ResolveError::NoSuchHead {
                n,
                heads: heads.len(),
            })
    };
    let base = choices.take.map(head).transpose()?;
    for (field, n) in &choices.picks {
        if spec.field(field).is_none() {
            return Err(ResolveError::UnknownField {
                field: field.clone(),
            });
        }
        head(*n)?;
    }
    let mut out = BTreeMap::new();
    for row in side_by_side(spec, &heads) {
        let pick = choices
            .picks
            .iter()
            .rev()
            .find(|(f, _)| f == row.field)
            .map(|(_, n)| *n);
        let value = match (pick, base) {
            (Some(n), _) => head(n)?.values.get(row.field),
            (None, Some(b)) => b.values.get(row.field),
            (None, None) if !row.differs => heads[0].values.get(row.field),
            (None, None) if choices.typed.iter().any(|t| t == row.field) => None,
            (None, None) => {
                return Err(ResolveError::Undecided {
                    field: row.field.to_string(),
                });
            }
        };
        if let Some(v) = value {
            out.insert(row.field.to_string(), v.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form;
    use crate::domain::version::tests::{at, draft};

    fn head(note: &str, phone: Option<&str>, when: &str) -> Version {
        let mut d = draft("AC-1", &["0".repeat(32).as_str()], note);
        d.edited_at = at(when);
        if let Some(p) = phone {
            d.values.insert("phone".into(), p.into());
        }
        d.values.insert("full_name".into(), "Nguyễn Văn An".into());
        d.seal()
    }

    fn spec() -> &'static FormSpec {
        form::form("activation").unwrap()
    }

    #[test]
    fn heads_are_numbered_oldest_first_whatever_the_order_given() {
        let old = head("office", None, "2026-11-01T08:00:00+07:00");
        let new = head("team", Some("0912345678"), "2026-11-05T08:00:00+07:00");
        assert_eq!(numbered(&[&new, &old])[0].id, old.id);
        assert_eq!(numbered(&[&old, &new])[0].id, old.id);
    }

    #[test]
    fn side_by_side_marks_the_fields_that_differ() {
        let a = head("office", None, "2026-11-01T08:00:00+07:00");
        let b = head("team", Some("0912345678"), "2026-11-05T08:00:00+07:00");
        let rows = side_by_side(spec(), &[&a, &b]);
        let name = rows.iter().find(|r| r.field == "full_name").unwrap();
        assert!(!name.differs);
        let phone = rows.iter().find(|r| r.field == "phone").unwrap();
        assert_eq!(phone.values, vec![None, Some("0912345678")]);
        assert!(phone.differs);
        assert_eq!(differing(spec(), &[&a, &b]), vec!["phone", "note"]);
    }

    #[test]
    fn take_one_head_and_pick_fields_from_another() {
        let a = head("office", None, "2026-11-01T08:00:00+07:00");
        let b = head("team", Some("0912345678"), "2026-11-05T08:00:00+07:00");
        let all = Choices {
            take: Some(2),
            ..Choices::default()
        };
        let m = merge(spec(), &[&a, &b], &all).unwrap();
        assert_eq!(m, b.values);
        let mixed = Choices {
            take: Some(2),
            picks: vec![("note".into(), 1)],
            typed: vec![],
        };
        let m = merge(spec(), &[&b, &a], &mixed).unwrap();
        assert_eq!(m["note"], "office");
        assert_eq!(m["phone"], "0912345678");
        // Picking an empty field from a head empties it.
        let empty = Choices {
            take: Some(2),
            picks: vec![("phone".into(), 1)],
            typed: vec![],
        };
        assert!(
            !merge(spec(), &[&a, &b], &empty)
                .unwrap()
                .contains_key("phone")
        );
    }

    #[test]
    fn every_difference_must_be_decided() {
        let a = head("office", None, "2026-11-01T08:00:00+07:00");
        let b = head("team", Some("0912345678"), "2026-11-05T08:00:00+07:00");
        let partial = Choices {
            picks: vec![("phone".into(), 2)],
            ..Choices::default()
        };
        assert_eq!(
            merge(spec(), &[&a, &b], &partial),
            Err(ResolveError::Undecided {
                field: "note".into()
            })
        );
        let typed = Choices {
            picks: vec![("phone".into(), 2)],
            typed: vec!["note".into()],
            ..Choices::default()
        };
        let m = merge(spec(), &[&a, &b], &typed).unwrap();
        assert_eq!(m["full_name"], "Nguyễn Văn An");
        assert!(!m.contains_key("note"));
    }

    #[test]
    fn picks_are_read_as_field_equals_number() {
        assert_eq!(parse_pick("phone=2"), Ok(("phone".into(), 2)));
        assert_eq!(parse_pick(" note = 1"), Ok(("note".into(), 1)));
        for bad in ["phone", "phone=x", "=2", "phone=-1"] {
            assert!(
                matches!(parse_pick(bad), Err(ResolveError::BadPick { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn bad_choices_are_refused() {
        let a = head("office", None, "2026-11-01T08:00:00+07:00");
        let b = head("team", None, "2026-11-05T08:00:00+07:00");
        let three = Choices {
            take: Some(3),
            ..Choices::default()
        };
        assert_eq!(
            merge(spec(), &[&a, &b], &three),
            Err(ResolveError::NoSuchHead { n: 3, heads: 2 })
        );
        let zero = Choices {
            picks: vec![("note".into(), 0)],
            ..Choices::default()
        };
        assert!(matches!(
            merge(spec(), &[&a, &b], &zero),
            Err(ResolveError::NoSuchHead { n: 0, .. })
        ));
        let colour = Choices {
            take: Some(1),
            picks: vec![("colour".into(), 1)],
            typed: vec![],
        };
        assert!(matches!(
            merge(spec(), &[&a, &b], &colour),
            Err(ResolveError::UnknownField { .. })
        ));
        assert_eq!(
            merge(spec(), &[&a], &three),
            Err(ResolveError::NotInConflict)
        );
    }
}
