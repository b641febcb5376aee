//! One value against its field's kind: cleaned text in, the value as it is
//! stored (or the problem) out, matched against inline choices and the
//! reference lists. Whole cases are `check`'s.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::check::Context;
use super::spec::{Choice, Kind, RefList, WhenSpec};
use super::{MAX_NAME_CHARS, MULTI_SEP};
use crate::domain::reference;
use crate::domain::rules::{self, DateRule, NamedList, PartialDate, ProblemKind, When};
use crate::domain::text;

/// Whether `value` has more than `max` characters. A character takes at least
/// a byte, so short values (nearly all) are not counted.
pub(super) fn longer_than(value: &str, max: usize) -> bool {
    value.len() > max && value.chars().count() > max
}

/// Whether an integer that parsed is written as `to_string` writes it: no
/// `+`, no leading zero, no "-0". Stored numbers are.
fn is_written_plainly(integer: &str) -> bool {
    let digits = integer.strip_prefix('-').unwrap_or(integer);
    integer == "0" || !digits.starts_with(['+', '0'])
}

/// Checks a cleaned, non-empty value against a kind.
pub(super) fn check_kind<'a>(
    kind: &'a Kind,
    value: &'a str,
    others: &BTreeMap<String, String>,
    ctx: &Context,
) -> Result<(Cow<'a, str>, Vec<ProblemKind>), ProblemKind> {
    let plain = |v: Cow<'a, str>| Ok((v, Vec::new()));
    let as_is = Cow::Borrowed(value);
    match kind {
        Kind::Text { max_len } => {
            let max = max_len.unwrap_or(1000);
            if longer_than(value, max) {
                return Err(ProblemKind::TooLong { max });
            }
            plain(as_is)
        }
        Kind::Name => {
            if longer_than(value, MAX_NAME_CHARS) {
                return Err(ProblemKind::TooLong {
                    max: MAX_NAME_CHARS,
                });
            }
            // Cleaned above, and cleaning again changes nothing.
            rules::check_clean_name(value)?;
            plain(as_is)
        }
        Kind::PersonalId {
            sex_field,
            birth_field,
        } => {
            let sex = sex_field
                .as_ref()
                .and_then(|f| others.get(f))
                .and_then(|v| rules::parse_sex(v));
            let birth = birth_field
                .as_ref()
                .and_then(|f| others.get(f))
                .and_then(|v| PartialDate::parse_iso(v));
            rules::check_personal_id(value, sex, birth)
        }
        Kind::PersonalIds => {
            let mut ids = Vec::new();
            let mut warnings = Vec::new();
            for part in value
                .split(|c: char| c == MULTI_SEP || c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty())
            {
                let (id, w) = rules::check_personal_id(part, None, None)?;
                warnings.extend(w);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Ok((Cow::Owned(ids.join(&MULTI_SEP.to_string())), warnings))
        }
        Kind::Cmnd => plain(rules::check_cmnd(value)?),
        Kind::Phone => rules::check_phone(value),
        Kind::Date {
            year_only, when, ..
        } => {
            let rule = DateRule {
                year_only: *year_only,
                when: match when {
                    WhenSpec::Past => When::Past,
                    WhenSpec::Future => When::Future,
                    WhenSpec::Any => When::Any,
                },
            };
            match PartialDate::parse_iso(value) {
                // Stored already: every ISO date reads as typed to the same
                // date, and is its own ISO form.
                Some(date) => {
                    rules::check_date(date, ctx.today, rule)?;
                    plain(as_is)
                }
                None => plain(Cow::Owned(rules::parse_date(value, ctx.today, rule)?.iso())),
            }
        }
        Kind::Number { min, max } => {
            let n: i64 = value.parse().map_err(|_| ProblemKind::NotANumber)?;
            if n < *min || n > *max {
                return Err(ProblemKind::NumberOutOfRange {
                    min: *min,
                    max: *max,
                });
            }
            // A stored number is written as `to_string` writes it.
            if is_written_plainly(value) {
                plain(as_is)
            } else {
                plain(Cow::Owned(n.to_string()))
            }
        }
        Kind::Choice { choices, list } => match list {
            None => plain(Cow::Borrowed(find_choice(choices, value)?)),
            Some(list) => plain(find_in_list(*list, value, ctx)?),
        },
        Kind::MultiChoice { choices } => {
            let mut picked: Vec<&str> = Vec::new();
            for part in value
                .split([MULTI_SEP, ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let id = find_choice(choices, part)?;
                if !picked.contains(&id) {
                    picked.push(id);
                }
            }
            // Stored in the spec's order so the same picks give the same value.
            crate::sort::sort_by_key(&mut picked, |id| choices.iter().position(|c| c.id == *id));
            plain(Cow::Owned(picked.join(&MULTI_SEP.to_string())))
        }
        Kind::Depends { .. } => unreachable!("kind_for resolves depends"),
    }
}

/// Matches a typed choice by id or by either label, ignoring case and accents.
/// A stored value is an id, found without folding every label; no id of a
/// spec reads as another choice's label (a test checks), so trying ids first
/// finds the same choice.
fn find_choice<'a>(choices: &'a [Choice], value: &str) -> Result<&'a str, ProblemKind> {
    if let Some(c) = choices.iter().find(|c| c.id == value) {
        return Ok(&c.id);
    }
    let key = text::fold(value);
    choices
        .iter()
        .find(|c| text::fold(&c.vi) == key || text::fold(&c.en) == key)
        .map(|c| c.id.as_str())
        .ok_or_else(|| ProblemKind::NotInList {
            value: value.to_string(),
        })
}

fn find_in_list<'a>(
    list: RefList,
    value: &'a str,
    ctx: &Context,
) -> Result<Cow<'a, str>, ProblemKind> {
    let found = match list {
        RefList::Sex => rules::parse_sex(value).map(|s| Cow::Borrowed(s.id())),
        RefList::Villages => {
            // The team number the value is written as, if it is one: read
            // once, not written out for every village.
            let team = value
                .parse::<u8>()
                .ok()
                .filter(|_| is_written_plainly(value));
            let key = text::fold(value);
            ctx.villages
                .iter()
                .find(|v| team == Some(v.team) || text::folds_to(&v.name, &key))
                .map(|v| {
                    if team == Some(v.team) {
                        // Already written as the number it stands for.
                        Cow::Borrowed(value)
                    } else {
                        Cow::Owned(v.team.to_string())
                    }
                })
        }
        RefList::EthnicGroups => {
            return named(
                NamedList::EthnicGroups,
                value,
                reference::find_ethnic_group(value).map(|g| g.name.as_str()),
                reference::nearest_ethnic_groups,
            );
        }
        RefList::Religions => {
            return named(
                NamedList::Religions,
                value,
                reference::find_religion(value).map(|r| r.name.as_str()),
                reference::nearest_religions,
            );
        }
        RefList::Relationships => {
            return named(
                NamedList::Relationships,
                value,
                reference::find_relationship(value).map(|r| r.name.as_str()),
                reference::nearest_relationships,
            );
        }
    };
    found.ok_or_else(|| ProblemKind::NotInList {
        value: value.to_string(),
    })
}

/// The official name found in a reference list (stored borrowed: a name in
/// the list lives as long as the program), or the problem naming the nearest.
fn named<'a>(
    list: NamedList,
    value: &str,
    found: Option<&'static str>,
    nearest: fn(&str) -> Vec<String>,
) -> Result<Cow<'a, str>, ProblemKind> {
    found
        .map(Cow::Borrowed)
        .ok_or_else(|| ProblemKind::NotInNamedList {
            list,
            value: value.to_string(),
            nearest: nearest(value),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::{forms, register};

    proptest::proptest! {
        #[test]
        fn integers_written_plainly_are_their_own_to_string(s in "[+-]{0,2}[0-9]{1,4}") {
            if let Ok(n) = s.parse::<i64>() {
                proptest::prop_assert_eq!(is_written_plainly(&s), n.to_string() == s);
            }
            if let Ok(n) = s.parse::<u8>() {
                proptest::prop_assert_eq!(is_written_plainly(&s), n.to_string() == s);
            }
        }
    }

    /// Every inline choice list of a kind, including those of `depends` cases.
    fn choice_lists(kind: &Kind) -> Vec<&[Choice]> {
        match kind {
            Kind::Choice { choices, .. } | Kind::MultiChoice { choices } => vec![choices],
            Kind::Depends {
                cases, otherwise, ..
            } => cases
                .values()
                .chain([otherwise.as_ref()])
                .flat_map(choice_lists)
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_choice_id_is_no_other_choice_label() {
        // `find_choice` tries ids before labels; that only finds what
        // matching both in one pass would if no id reads as an earlier label.
        for f in forms().iter().chain([register()]) {
            for choices in f.fields.iter().flat_map(|fl| choice_lists(&fl.kind)) {
                for c in choices {
                    let key = text::fold(&c.id);
                    let first = choices
                        .iter()
                        .find(|o| {
                            o.id == c.id || text::fold(&o.vi) == key || text::fold(&o.en) == key
                        })
                        .map(|o| o.id.as_str());
                    assert_eq!(first, Some(c.id.as_str()), "{}: choice {}", f.id, c.id);
                }
            }
        }
    }
}
