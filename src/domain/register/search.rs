//! The register in memory, searched as you type: a person is found by
//! their name, personal ID, household code, phone, birth date or register
//! key, case and accents ignored. Every word typed must begin a word of
//! theirs, in any order: "nguyen van an" finds "Nguyễn Văn An" and "Nguyễn
//! Văn Anh", and "an nguyen" finds them too, but not "Nguyễn Văn Kiên"
//! (whose "văn" holds an "an"). Digits match anywhere, so the last digits
//! of an ID find it.
//!
//! A commune lists a hundred thousand people, so they are kept compact (as
//! the work list keeps its lines): the texts of everyone in one buffer, the
//! folded search texts in another, a person a few offsets into them. Built
//! once as the people are read; a keystroke is then one pass over one
//! buffer, or over those already found when the query only grew. Pure: no
//! store.

use std::collections::HashMap;

use super::{Household, household_key, is_head};
use crate::domain::rules::Sex;
use crate::domain::text;
use crate::domain::work::Person;

/// The texts of a person kept for finding, showing and opening a case:
/// key, personal ID, full name, birth date, household, relation, phone.
const TEXTS: usize = 7;

/// The people of the register with what search reads of them.
#[derive(Default)]
pub struct Register {
    /// Everyone's [`TEXTS`], one after the other.
    text: String,
    /// Where each of a person's texts ends in `text` (the first starts
    /// where the person before ended).
    ends: Vec<[u32; TEXTS]>,
    teams: Vec<u8>,
    sexes: Vec<Option<Sex>>,
    /// Everyone's folded search text, each followed by `\n`; person `i`'s
    /// is `starts[i]..starts[i + 1]` (once anyone is in, `starts` begins
    /// with 0).
    hay: String,
    starts: Vec<u32>,
    /// Each household's members and head (a person's index), by
    /// [`household_key`].
    households: HashMap<(u8, String), (usize, Option<u32>)>,
}

/// One person of the register, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub key: &'a str,
    pub personal_id: &'a str,
    pub full_name: &'a str,
    pub birth_date: &'a str,
    pub household: &'a str,
    pub relation: &'a str,
    pub phone: &'a str,
    pub team: u8,
    pub sex: Option<Sex>,
}

impl Entry<'_> {
    /// The person as the register lists them (ethnicity and religion,
    /// which no case opens with, are not kept here).
    pub fn to_person(&self) -> Person {
        Person {
            key: self.key.to_string(),
            personal_id: self.personal_id.to_string(),
            full_name: self.full_name.to_string(),
            birth_date: self.birth_date.to_string(),
            sex: self.sex,
            household: self.household.to_string(),
            team: self.team,
            relation: self.relation.to_string(),
            phone: self.phone.to_string(),
            ..Person::default()
        }
    }
}

/// The people a query finds, in the register's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The query as it was matched, folded.
    folded: String,
    /// Indices of the people found.
    pub hits: Vec<u32>,
}

impl Found {
    pub fn len(&self) -> usize {
        self.hits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Register({} people)", self.len())
    }
}

impl FromIterator<Person> for Register {
    fn from_iter<I: IntoIterator<Item = Person>>(people: I) -> Register {
        let mut register = Register::default();
        for p in people {
            register.push(&p);
        }
        register.finish();
        register
    }
}

impl Register {
    /// Takes in one more person, as they are read from the store.
    pub fn push(&mut self, p: &Person) {
        let i = self.ends.len() as u32;
        let texts = [
            &p.key,
            &p.personal_id,
            &p.full_name,
            &p.birth_date,
            &p.household,
            &p.relation,
            &p.phone,
        ];
        let mut ends = [0u32; TEXTS];
        for (end, t) in ends.iter_mut().zip(texts) {
            self.text.push_str(t);
            *end = self.text.len() as u32;
        }
        self.ends.push(ends);
        self.teams.push(p.team);
        self.sexes.push(p.sex);
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let searched = [
            &p.full_name,
            &p.personal_id,
            &p.household,
            &p.phone,
            &p.birth_date,
            &p.key,
        ];
        let mut folded = String::new();
        text::fold_joined_into(searched.iter().map(|s| s.as_str()), &mut folded);
        self.hay.push_str(&folded);
        self.hay.push('\n');
        self.starts.push(self.hay.len() as u32);
        let household = self
            .households
            .entry(household_key(p.team, &p.household))
            .or_default();
        household.0 += 1;
        if household.1.is_none() && is_head(&p.relation) {
            household.1 = Some(i);
        }
    }

    /// Gives back the room kept for more people once everyone is in.
    pub fn finish(&mut self) {
        self.text.shrink_to_fit();
        self.hay.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn entry(&self, i: u32) -> Entry<'_> {
        let i = i as usize;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1][TEXTS - 1],
        };
        let ends = self.ends[i];
        let at = |n: usize| {
            let from = if n == 0 { start } else { ends[n - 1] };
            &self.text[from as usize..ends[n] as usize]
        };
        Entry {
            key: at(0),
            personal_id: at(1),
            full_name: at(2),
            birth_date: at(3),
            household: at(4),
            relation: at(5),
            phone: at(6),
            team: self.teams[i],
            sex: self.sexes[i],
        }
    }

    /// The household person `i` lives in: the same code in the same village.
    pub fn household(&self, i: u32) -> Household {
        let e = self.entry(i);
        let (members, head) = self
            .households
            .get(&household_key(e.team, e.household))
            .copied()
            .unwrap_or((1, None));
        Household {
            code: e.household.to_string(),
            team: e.team,
            head: head.map(|h| self.entry(h).to_person()),
            members,
        }
    }

    /// The values a new case of `spec` opens with when started from person
    /// `i` (see [`super::prefill`]).
    pub fn prefill(
        &self,
        spec: &crate::domain::form::FormSpec,
        i: u32,
    ) -> std::collections::BTreeMap<String, String> {
        super::prefill(spec, &self.entry(i).to_person(), &self.household(i))
    }

    /// The people a register key ("NK-000012") or a personal ID names: the
    /// key's one person, else everyone listed under the ID (one ID in two
    /// households is two entries).
    pub fn named(&self, key_or_id: &str) -> Vec<u32> {
        let wanted = key_or_id.trim();
        let all = 0..self.len() as u32;
        let by_key: Vec<u32> = all
            .clone()
            .filter(|&i| self.entry(i).key == wanted)
            .collect();
        if !by_key.is_empty() {
            return by_key;
        }
        let id = text::key(wanted);
        if id.is_empty() {
            return Vec::new();
        }
        all.filter(|&i| text::key(self.entry(i).personal_id) == id)
            .collect()
    }

    /// Everyone `query` finds.
    pub fn find(&self, query: &str) -> Found {
        let mut found = Found {
            folded: String::new(),
            hits: (0..self.len() as u32).collect(),
        };
        self.refine(&mut found, query);
        found
    }

    /// Makes `found` what `query` finds. A query that only grew (another
    /// letter typed) looks again only at those found already.
    pub fn refine(&self, found: &mut Found, query: &str) {
        let folded = text::fold(query);
        if folded == found.folded {
            return;
        }
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        if !found.folded.is_empty() && folded.starts_with(found.folded.as_str()) {
            found.hits.retain(|&i| self.has_all(i, &words));
        } else {
            found.hits = self.scan(&words);
        }
        found.folded = folded;
    }

    /// Person `i`'s folded search text.
    fn searched(&self, i: u32) -> &str {
        let (a, b) = (self.starts[i as usize], self.starts[i as usize + 1]);
        &self.hay[a as usize..b as usize - 1]
    }

    fn has_all(&self, i: u32, words: &[&str]) -> bool {
        let text = self.searched(i);
        words.iter().all(|w| has_word(text, w))
    }

    /// Everyone whose text has all of `words`: the buffer is searched for
    /// the longest word (likely the rarest), and each person it is found
    /// in is checked for all of them.
    fn scan(&self, words: &[&str]) -> Vec<u32> {
        let Some(longest) = words.iter().max_by_key(|w| w.len()) else {
            return (0..self.len() as u32).collect();
        };
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(at) = self.hay[from..].find(longest) {
            let at = from + at;
            if !matches_at(&self.hay, at, longest) {
                from = after_char_at(&self.hay, at);
                continue;
            }
            // The person whose text holds byte `at`.
            let i = self.starts.partition_point(|&s| s as usize <= at) - 1;
            if self.has_all(i as u32, words) {
                out.push(i as u32);
            }
            from = self.starts[i + 1] as usize;
        }
        out
    }
}

/// Whether `word` found at byte `at` of `text` counts: digits anywhere,
/// anything else only at the start of a word.
fn matches_at(text: &str, at: usize, word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_digit())
        || text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// Whether `text` has `word` where it counts (see [`matches_at`]). Each
/// place is tried, overlapping ones too ("--" in "d---" counts from the
/// second dash).
fn has_word(text: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(at) = text[from..].find(word) {
        let at = from + at;
        if matches_at(text, at, word) {
            return true;
        }
        from = after_char_at(text, at);
    }
    false
}

/// The byte after the character that starts at byte `at`.
fn after_char_at(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(key: &str, name: &str, id: &str, household: &str, relation: &str) -> Person {
        Person {
            key: key.into(),
            personal_id: id.into(),
            full_name: name.into(),
            birth_date: "1985-03-12".into(),
            household: household.into(),
            team: 1,
            relation: relation.into(),
            ..Person::default()
        }
    }

    fn register() -> Register {
        Register::from_iter([
            person("NK-000001", "Nguyễn Văn An", "034085001234", "HK-01", "Con"),
            person("NK-000002", "Lê Thị Hoa", "034190002345", "HK-01", "Chủ hộ"),
            person(
                "NK-000003",
                "NGUYỄN VĂN ÁNH",
                "034085009999",
                "HK-02",
                "Chủ hộ",
            ),
            person("NK-000004", "Trần Đức Nam", "", "hk 01", "con"),
            person("NK-000005", "Trần Đức Nam", "034085001234", "HK-09", ""),
        ])
    }

    fn keys(r: &Register, hits: &[u32]) -> Vec<String> {
        hits.iter().map(|&i| r.entry(i).key.to_string()).collect()
    }

    #[test]
    fn search_ignores_case_accents_and_word_order() {
        let r = register();
        let found = |q: &str| keys(&r, &r.find(q).hits);
        assert_eq!(found("nguyen van an"), ["NK-000001", "NK-000003"]);
        assert_eq!(found("NGUYỄN VĂN ÁNH"), ["NK-000003"]);
        assert_eq!(found("an nguyen"), ["NK-000001", "NK-000003"]);
        assert_eq!(found("duc"), ["NK-000004", "NK-000005"]);
        assert_eq!(found("0341900"), ["NK-000002"]);
        assert_eq!(found("nk-000004"), ["NK-000004"]);
        // A word begins a word of theirs; digits match anywhere.
        assert_eq!(found("an"), ["NK-000001", "NK-000003"]);
        assert!(found("guyen").is_empty());
        assert_eq!(found("2345"), ["NK-000002"]);
        assert_eq!(
            found("01"),
            ["NK-000001", "NK-000002", "NK-000004", "NK-000005"]
        );
        assert_eq!(r.find("").len(), 5);
        assert_eq!(r.find("  ").len(), 5);
        assert!(r.find("xyz").is_empty());
        // Words are matched within one person, never across two.
        assert!(r.find("an hoa").is_empty());
    }

    #[test]
    fn a_growing_query_narrows_and_a_shrinking_one_searches_again() {
        let r = register();
        let mut found = r.find("");
        for query in [
            "n",
            "ng",
            "nguyen van anh",
            "nguyen van a",
            "hk",
            "hk-01",
            "",
        ] {
            r.refine(&mut found, query);
            assert_eq!(found, r.find(query), "{query}");
        }
    }

    #[test]
    fn an_entry_is_kept_whole_and_named_by_its_key_or_its_id() {
        let r = register();
        let e = r.entry(2);
        assert_eq!(
            (e.key, e.full_name, e.household, e.relation),
            ("NK-000003", "NGUYỄN VĂN ÁNH", "HK-02", "Chủ hộ")
        );
        assert_eq!(r.entry(4).relation, "");
        assert_eq!(keys(&r, &r.named("NK-000002")), ["NK-000002"]);
        assert_eq!(
            keys(&r, &r.named(" 034085001234")),
            ["NK-000001", "NK-000005"]
        );
        assert!(r.named("").is_empty());
        assert!(r.named("NK-000099").is_empty());
    }

    #[test]
    fn a_household_is_its_code_in_its_village_with_its_head() {
        let r = register();
        let hk01 = r.household(0);
        assert_eq!(hk01.members, 3, "'hk 01' is HK-01");
        assert_eq!(hk01.head.map(|p| p.key), Some("NK-000002".to_string()));
        let hk02 = r.household(2);
        assert_eq!((hk02.members, hk02.code.as_str()), (1, "HK-02"));
        assert_eq!(r.household(4).head, None);
    }

    proptest::proptest! {
        #[test]
        fn found_is_everyone_whose_text_has_every_word(
            names in proptest::collection::vec("[a-dA-DăâđĐжЖ1-3 -]{0,12}", 0..20),
            query in "[a-dA-Dđж1-3 -]{0,5}",
            then in "[a-d1-3 ]{0,3}",
        ) {
            let r: Register = names
                .iter()
                .enumerate()
                .map(|(i, n)| person(&format!("X{i}"), n, "", "", ""))
                .collect();
            let expect = |q: &str| -> Vec<u32> {
                let folded = text::fold(q);
                let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
                (0..names.len() as u32)
                    .filter(|&i| {
                        // Every place a word could begin, tried one by one.
                        let text = r.searched(i);
                        let begins = |w: &str, p: usize| {
                            let digits = w.bytes().all(|b| b.is_ascii_digit());
                            let after = text[..p].chars().last().is_some_and(char::is_alphanumeric);
                            text[p..].starts_with(w) && (digits || !after)
                        };
                        words.iter().all(|w| text.char_indices().any(|(p, _)| begins(w, p)))
                    })
                    .collect()
            };
            let mut found = r.find(&query);
            proptest::prop_assert_eq!(&found.hits, &expect(&query));
            let longer = format!("{query}{then}");
            r.refine(&mut found, &longer);
            proptest::prop_assert_eq!(&found.hits, &expect(&longer));
        }
    }
}
