//! Suspected duplicate citizens ("công dân nghi trùng") across the commune:
//! the same personal ID in two households, or the same name and date of birth
//! under two IDs. Folded names only propose candidates; people decide.

use std::collections::HashMap;

use super::text;
use super::work::Person;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// One personal ID registered in two households.
    SameId,
    /// Same folded name and date of birth, different IDs.
    SameNameAndBirth,
}

/// Two records that may be the same person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair<'a> {
    pub why: Why,
    pub first: &'a Person,
    pub second: &'a Person,
}

impl Pair<'_> {
    /// The two live in different villages (the case the commune must settle).
    pub fn across_villages(&self) -> bool {
        self.first.team != self.second.team
    }
}

/// Every suspected pair, each once, in a stable order.
pub fn find(people: &[Person]) -> Vec<Pair<'_>> {
    let mut out = Vec::new();
    let mut by_id: HashMap<&str, Vec<&Person>> = HashMap::new();
    let mut by_name: HashMap<(String, &str), Vec<&Person>> = HashMap::new();
    for p in people {
        if !p.personal_id.is_empty() {
            by_id.entry(&p.personal_id).or_default().push(p);
        }
        if !p.full_name.is_empty() && !p.birth_date.is_empty() {
            by_name
                .entry((text::fold(&p.full_name), p.birth_date.as_str()))
                .or_default()
                .push(p);
        }
    }
    for group in by_id.values() {
        pairs_in(
            group,
            |a, b| a.household != b.household,
            Why::SameId,
            &mut out,
        );
    }
    for group in by_name.values() {
        pairs_in(
            group,
            |a, b| a.personal_id != b.personal_id,
            Why::SameNameAndBirth,
            &mut out,
        );
    }
    crate::sort::sort_by(&mut out, |a, b| {
        (a.why, &a.first.key, &a.second.key).cmp(&(b.why, &b.first.key, &b.second.key))
    });
    out
}

fn pairs_in<'a>(
    group: &[&'a Person],
    differ: impl Fn(&Person, &Person) -> bool,
    why: Why,
    out: &mut Vec<Pair<'a>>,
) {
    for (i, a) in group.iter().enumerate() {
        for b in &group[i + 1..] {
            if differ(a, b) {
                let (first, second) = if a.key <= b.key { (*a, *b) } else { (*b, *a) };
                out.push(Pair { why, first, second });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(key: &str, id: &str, name: &str, birth: &str, household: &str, team: u8) -> Person {
        Person {
            key: key.into(),
            personal_id: id.into(),
            full_name: name.into(),
            birth_date: birth.into(),
            household: household.into(),
            team,
            ..Person::default()
        }
    }

    #[test]
    fn finds_both_kinds_once_each() {
        let people = vec![
            person(
                "P1",
                "034090000001",
                "Nguyễn Văn An",
                "1990-01-01",
                "T1-1",
                1,
            ),
            person(
                "P2",
                "034090000001",
                "Nguyễn Văn An",
                "1990-01-01",
                "T4-9",
                4,
            ),
            person("P3", "034085000003", "Lê Thị Hoa", "1985-02-02", "T2-1", 2),
            person("P4", "034185000004", "LÊ THỊ HOA", "1985-02-02", "T3-7", 3),
            person("P5", "034070000005", "Trần Văn Bình", "1970", "T1-2", 1),
            person("P6", "034070000006", "Trần Văn Bình", "1971", "T1-3", 1),
        ];
        let pairs = find(&people);
        let got: Vec<(Why, &str, &str)> = pairs
            .iter()
            .map(|p| (p.why, p.first.key.as_str(), p.second.key.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Why::SameId, "P1", "P2"),
                (Why::SameNameAndBirth, "P3", "P4")
            ]
        );
        assert!(pairs.iter().all(Pair::across_villages));
    }
}
