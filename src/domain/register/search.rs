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
    /// For each person, the [`initial`]s their text has: the letters its
    /// words begin with, the digits anywhere. A word can only be where its
    /// first character's is, so most people are passed over on one AND.
    initials: Vec<u64>,
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
    /// The shorter queries this one grew from, each with what it found:
    /// erasing a letter finds them again at once. Each holds no more than
    /// the one before it.
    before: Vec<(String, Vec<u32>)>,
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
        let mut initials = 0;
        let mut before = ' ';
        for c in folded.chars() {
            if c.is_ascii_digit() || !before.is_alphanumeric() {
                initials |= initial(c);
            }
            before = c;
        }
        self.initials.push(initials);
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
            hits: self.everyone(),
            ..Found::default()
        };
        self.refine(&mut found, query);
        found
    }

    fn everyone(&self) -> Vec<u32> {
        (0..self.len() as u32).collect()
    }

    /// Makes `found` what `query` finds. A query that grew (another letter
    /// typed) looks only at those found already; one that shrank back
    /// (a letter erased) takes what it found before.
    pub fn refine(&self, found: &mut Found, query: &str) {
        let folded = text::fold(query);
        if folded == found.folded {
            return;
        }
        if !folded.starts_with(found.folded.as_str()) {
            // Back to the longest earlier query this one grew from.
            while let Some((earlier, hits)) = found.before.pop() {
                if folded.starts_with(earlier.as_str()) {
                    found.folded = earlier;
                    found.hits = hits;
                    break;
                }
            }
            if !folded.starts_with(found.folded.as_str()) {
                found.folded.clear();
                found.hits = self.everyone();
            }
            if folded == found.folded {
                return;
            }
        }
        let words = words_of(&folded);
        let mut hits = if found.folded.is_empty() {
            self.scan(&words)
        } else {
            // The words the shorter query had whole are matched already.
            let known = words_of(&found.folded);
            let same = words
                .iter()
                .zip(&known)
                .take_while(|(w, k)| w.text == k.text)
                .count();
            self.narrow(&found.hits, &words[same..])
        };
        std::mem::swap(&mut found.hits, &mut hits);
        let earlier = std::mem::replace(&mut found.folded, folded);
        if !earlier.is_empty() {
            found.before.push((earlier, hits));
        }
    }

    /// Person `i`'s folded search text.
    fn searched(&self, i: u32) -> &str {
        let (a, b) = (self.starts[i as usize], self.starts[i as usize + 1]);
        &self.hay[a as usize..b as usize - 1]
    }

    fn has_all(&self, i: u32, words: &[Word]) -> bool {
        let text = self.searched(i);
        words.iter().all(|w| w.is_in(text))
    }

    /// Whether person `i` may have all of `words`, whose initials are
    /// `wanted`: a quick no for most who have not.
    fn may_have(&self, i: u32, wanted: u64) -> bool {
        self.initials[i as usize] & wanted == wanted
    }

    /// Everyone whose text has all of `words`. Words of one letter or
    /// digit are told by the initials alone; otherwise the buffer is
    /// searched for the longest word (likely the rarest), and each person
    /// it is found in is checked for the others.
    fn scan(&self, words: &[Word]) -> Vec<u32> {
        let wanted = initials_of(words);
        let Some(longest) = words.iter().max_by_key(|w| w.text.len()) else {
            return self.everyone();
        };
        let told_by_initials = |w: &Word| w.text.len() == 1 && initial(w.first) != 0;
        if words.iter().all(told_by_initials) {
            return (0..self.len() as u32)
                .filter(|&i| self.may_have(i, wanted))
                .collect();
        }
        let mut out = Vec::new();
        // The person whose text is being searched: the search only moves on.
        let mut i = 0;
        let mut from = 0;
        while let Some(at) = longest.next_in(&self.hay, from) {
            while self.starts[i + 1] as usize <= at {
                i += 1;
            }
            if words.len() == 1 || self.has_all(i as u32, words) {
                out.push(i as u32);
            }
            from = self.starts[i + 1] as usize;
        }
        out
    }

    /// Those of `hits` who have all of `words`.
    fn narrow(&self, hits: &[u32], words: &[Word]) -> Vec<u32> {
        let wanted = initials_of(words);
        hits.iter()
            .copied()
            .filter(|&i| self.may_have(i, wanted) && self.has_all(i, words))
            .collect()
    }
}

/// The bit a character stands for among a person's initials: a letter
/// `a`–`z` or a digit; none for anything else (which then tells nothing).
fn initial(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        _ => 0,
    }
}

/// The initials a person must have to have all of `words`.
fn initials_of(words: &[Word]) -> u64 {
    words.iter().fold(0, |all, w| all | initial(w.first))
}

/// A word of a query, ready to be looked for.
struct Word<'a> {
    text: &'a str,
    first: char,
    /// Digits match anywhere (the last digits of an ID find it); anything
    /// else only at the start of a word.
    anywhere: bool,
}

/// The words of a folded query.
fn words_of(folded: &str) -> Vec<Word<'_>> {
    folded
        .split(' ')
        .filter_map(|text| {
            Some(Word {
                first: text.chars().next()?,
                anywhere: text.bytes().all(|b| b.is_ascii_digit()),
                text,
            })
        })
        .collect()
}

impl Word<'_> {
    /// Whether a person's (short) text has the word where it counts. Most
    /// words begin with an ASCII letter or digit: the text's bytes are
    /// then simply walked, which in a few dozen bytes beats any search.
    fn is_in(&self, text: &str) -> bool {
        if !self.first.is_ascii() {
            return self.find_from(text, 0, false).is_some();
        }
        let (bytes, word) = (text.as_bytes(), self.text.as_bytes());
        (0..bytes.len()).any(|at| {
            bytes[at] == word[0]
                && bytes[at..].starts_with(word)
                && (self.anywhere || begins_word(text, at))
        })
    }

    /// Where the word is next found in the whole buffer from byte `from`
    /// on, where it counts: a longer word is looked for whole (the rarer,
    /// the quicker), a letter as a character (the quickest search there is).
    fn next_in(&self, hay: &str, from: usize) -> Option<usize> {
        self.find_from(hay, from, self.text.len() > self.first.len_utf8())
    }

    /// Each place the word (`whole`), or its first character, is found is
    /// tried, overlapping ones too ("--" in "d---" counts from the second
    /// dash).
    fn find_from(&self, text: &str, mut from: usize, whole: bool) -> Option<usize> {
        loop {
            let found = match whole {
                true => text[from..].find(self.text),
                false => text[from..].find(self.first),
            };
            let at = from + found?;
            if text[at..].starts_with(self.text) && (self.anywhere || begins_word(text, at)) {
                return Some(at);
            }
            from = at + self.first.len_utf8();
        }
    }
}

/// Whether byte `at` of `text` begins a word: nothing, or no letter or
/// digit, before it.
fn begins_word(text: &str, at: usize) -> bool {
    match text.as_bytes()[..at].last() {
        None => true,
        Some(b) if b.is_ascii() => !b.is_ascii_alphanumeric(),
        Some(_) => !text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric),
    }
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
            assert_eq!(found.hits, r.find(query).hits, "{query}");
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
            typed in proptest::collection::vec("[a-dA-Dđж1-3 -]{0,4}", 0..4),
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
            // Typed on letter by letter, then erased back, for each of
            // `typed`: the query grows, shrinks and jumps.
            for more in &typed {
                let chars: Vec<char> = format!("{query}{more}").chars().collect();
                let steps = (0..=chars.len()).chain((0..chars.len()).rev());
                for n in steps {
                    let now: String = chars[..n].iter().collect();
                    r.refine(&mut found, &now);
                    proptest::prop_assert_eq!(&found.hits, &expect(&now), "{:?}", now);
                }
            }
        }
    }
}
