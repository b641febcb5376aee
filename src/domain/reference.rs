//! Reference lists embedded from `data/*.csv` (provinces, ID century/sex codes,
//! ethnic groups, religions, household relationships, mobile prefixes, and
//! the synonyms of list values) and their look-ups. The files are compiled in
//! and parsed once; no I/O.
//!
//! A value is found in a list only when it is a listed name, spelling or
//! synonym after normalisation ([`text::key`]: case, accents, spacing,
//! hyphens): never by a prefix or a guess. What is not found gets the nearest
//! names ([`nearest_names`]) for the user to choose from.
//!
//! The CSV files are part of the source: a malformed row is a build-time
//! mistake caught by the tests here, so parsing skips bad rows instead of
//! panicking at run time.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::embedded::text as data;
use super::rules::Sex;
use super::text;

/// The cells of `columns` (named in the header row), in that order, of
/// every row; a row that is malformed or lacks one of them is skipped, and a
/// file lacking a column gives no rows. Read without serde: a derived reader
/// per row type was seven copies of the csv crate's generic code (about
/// 30 KB of the binary, whose budget is 6 MB).
fn rows<const N: usize>(csv_text: &str, columns: [&str; N]) -> Vec<[String; N]> {
    cells(csv_text, &columns)
        .into_iter()
        .filter_map(|row| row.try_into().ok())
        .collect()
}

fn cells(csv_text: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let Ok(headers) = reader.headers() else {
        return Vec::new();
    };
    let Some(at) = columns
        .iter()
        .map(|c| headers.iter().position(|h| h == *c))
        .collect::<Option<Vec<usize>>>()
    else {
        return Vec::new();
    };
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| at.iter().map(|&i| r.get(i).map(str::to_string)).collect())
        .collect()
}

/// Index from [`text::key`] to a row position. The first row wins on a clash;
/// a test checks that no two rows share a key.
fn key_index<'a>(rows: impl Iterator<Item = (usize, Vec<&'a str>)>) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (i, names) in rows {
        for name in names {
            let k = text::key(name);
            if !k.is_empty() {
                index.entry(k).or_insert(i);
            }
        }
    }
    index
}

/// Rows by their three-digit code (provinces, mobile prefixes), the first row
/// winning on a clash as a search from the top would. Every ID and phone
/// number checked looks one up, so the code's number indexes a table. All
/// codes are three digits (the tests check), so none is left out.
struct ByCode(Vec<Option<usize>>);

impl ByCode {
    fn new<'a>(codes: impl Iterator<Item = &'a str>) -> Self {
        let mut rows = vec![None; 1000];
        for (i, code) in codes.enumerate() {
            if let Some(n) = three_digits(code) {
                rows[n].get_or_insert(i);
            }
        }
        ByCode(rows)
    }

    fn get(&self, code: &str) -> Option<usize> {
        self.0[three_digits(code)?]
    }
}

fn three_digits(code: &str) -> Option<usize> {
    match *code.as_bytes() {
        [a, b, c] if [a, b, c].iter().all(u8::is_ascii_digit) => {
            Some(usize::from(a - b'0') * 100 + usize::from(b - b'0') * 10 + usize::from(c - b'0'))
        }
        _ => None,
    }
}

fn non_empty(s: String) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

// ---------------------------------------------------------------- synonyms

/// A list that other written forms of its values are kept for in
/// `data/synonyms.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SynonymList {
    Religions,
    EthnicGroups,
}

/// (list, written form, official name) of every row of `data/synonyms.csv`.
fn synonyms() -> &'static [(SynonymList, String, String)] {
    static CELL: OnceLock<Vec<(SynonymList, String, String)>> = OnceLock::new();
    CELL.get_or_init(|| {
        rows(&data!("synonyms.csv"), ["list", "written", "official"])
            .into_iter()
            .filter_map(|[list, written, official]| {
                let list = match list.as_str() {
                    "religion" => SynonymList::Religions,
                    "ethnic" => SynonymList::EthnicGroups,
                    _ => return None,
                };
                Some((list, text::clean(&written), text::clean(&official)))
            })
            .collect()
    })
}

/// The synonyms of one official name in one list.
fn synonyms_of<'a>(
    list: SynonymList,
    official: &'a str,
) -> impl Iterator<Item = &'static str> + 'a {
    synonyms()
        .iter()
        .filter(move |(l, _, o)| *l == list && o == official)
        .map(|(_, written, _)| written.as_str())
}

/// How far apart two keys are: the edits (insert, delete, replace a letter)
/// that turn one into the other.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let replaced = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = replaced.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// At most three official names nearest to `input` among `(written form,
/// official name)` pairs, nearest first: those a few letters away, or that
/// share a whole word with it ("Phật giáo Tứ Ân" is near both "Phật giáo"
/// and "Đạo Tứ Ân Hiếu Nghĩa"). Empty when nothing is near.
pub fn nearest_names<'a>(
    input: &str,
    written: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<String> {
    let input_key = text::key(input);
    let input_folded = text::fold(input);
    let input_words: Vec<&str> = input_folded.split(' ').filter(|w| w.len() > 1).collect();
    let mut scored: Vec<(usize, &str)> = written
        .filter_map(|(form, official)| {
            let key = text::key(form);
            let distance = edit_distance(&input_key, &key);
            let close = distance <= 2.max(key.chars().count().max(input_key.chars().count()) / 3);
            let folded = text::fold(form);
            let shares_word = folded.split(' ').any(|w| input_words.contains(&w));
            (close || shares_word).then_some((distance, official))
        })
        .collect();
    crate::sort::sort_by_key(&mut scored, |(distance, official)| (*distance, *official));
    let mut names: Vec<String> = Vec::new();
    for (_, official) in scored {
        if names.len() < 3 && !names.iter().any(|n| n == official) {
            names.push(official.to_string());
        }
    }
    names
}

// ---------------------------------------------------------------- provinces

/// A province code of the personal ID (digits 1–3), TT 07/2016 Phụ lục I.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Province {
    pub code: String,
    pub name: String,
}

pub fn provinces() -> &'static [Province] {
    static CELL: OnceLock<Vec<Province>> = OnceLock::new();
    CELL.get_or_init(|| {
        rows(&data!("provinces.csv"), ["code", "name"])
            .into_iter()
            .map(|[code, name]| Province { code, name })
            .collect()
    })
}

/// Exact 3-digit code. Codes have gaps (001–096), so never use a numeric range.
pub fn province(code: &str) -> Option<&'static Province> {
    static INDEX: OnceLock<ByCode> = OnceLock::new();
    let index = INDEX.get_or_init(|| ByCode::new(provinces().iter().map(|p| p.code.as_str())));
    provinces().get(index.get(code)?)
}

// ---------------------------------------------------------- century / sex

/// Meaning of digit 4 of the personal ID: sex and the century of birth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CenturySexCode {
    pub digit: u8,
    pub sex: Sex,
    pub year_from: i32,
    pub year_to: i32,
}

pub fn century_sex_codes() -> &'static [CenturySexCode] {
    static CELL: OnceLock<Vec<CenturySexCode>> = OnceLock::new();
    CELL.get_or_init(|| {
        rows(
            &data!("century_sex_codes.csv"),
            ["digit", "gender", "year_from", "year_to"],
        )
        .into_iter()
        .filter_map(|[digit, gender, year_from, year_to]| {
            let sex = match gender.as_str() {
                "male" => Sex::Male,
                "female" => Sex::Female,
                _ => return None,
            };
            Some(CenturySexCode {
                digit: digit.parse().ok()?,
                sex,
                year_from: year_from.parse().ok()?,
                year_to: year_to.parse().ok()?,
            })
        })
        .collect()
    })
}

pub fn century_sex_code(digit: u8) -> Option<&'static CenturySexCode> {
    century_sex_codes().iter().find(|c| c.digit == digit)
}

// ------------------------------------------------------------ ethnic groups

/// Which official code list an ethnic-group code belongs to. The two lists
/// disagree from code 04 on, so a code is meaningless without its scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EthnicScheme {
    /// QĐ 121-TCTK/PPCĐ (1979), also used by the health-insurance standard.
    Qd121Of1979,
    /// QĐ 1019/QĐ-TCTK (2008), reproduced in QCVN 109:2017 Phụ lục E.
    Qd1019Of2008,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EthnicGroup {
    pub code_1979: String,
    pub code_2008: String,
    pub name: String,
    /// Other written forms, e.g. "Khmer", "H'Mông", "Mèo", "Việt".
    pub spellings: Vec<String>,
    /// Confidence/source tag of each code, as in the data file.
    pub code_1979_status: String,
    pub code_2008_status: String,
}

impl EthnicGroup {
    pub fn code(&self, scheme: EthnicScheme) -> &str {
        match scheme {
            EthnicScheme::Qd121Of1979 => &self.code_1979,
            EthnicScheme::Qd1019Of2008 => &self.code_2008,
        }
    }
}

/// Splits "Khmer; Khơ me" and unwraps "Kinh (Việt)" into both the written form
/// and the alternative in brackets; "(old)" is only an annotation.
fn parse_spellings(field: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = text::clean(s);
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    for item in field.split(';') {
        match item.split_once('(') {
            Some((base, rest)) => {
                let inner = rest.trim_end().trim_end_matches(')').trim();
                if inner.eq_ignore_ascii_case("old") {
                    push(base);
                } else {
                    push(item);
                    push(inner);
                }
            }
            None => push(item),
        }
    }
    out
}

pub fn ethnic_groups() -> &'static [EthnicGroup] {
    static CELL: OnceLock<Vec<EthnicGroup>> = OnceLock::new();
    CELL.get_or_init(|| {
        let columns = [
            "code_qd121_1979",
            "name",
            "code_qd121_status",
            "code_qd1019_2008",
            "code_qd1019_status",
            "other_spellings",
        ];
        rows(&data!("ethnic_groups.csv"), columns)
            .into_iter()
            .map(
                |[
                    code_1979,
                    name,
                    code_1979_status,
                    code_2008,
                    code_2008_status,
                    spellings,
                ]| {
                    EthnicGroup {
                        spellings: parse_spellings(&spellings),
                        code_1979,
                        code_2008,
                        name,
                        code_1979_status,
                        code_2008_status,
                    }
                },
            )
            .collect()
    })
}

fn ethnic_index() -> &'static HashMap<String, usize> {
    static CELL: OnceLock<HashMap<String, usize>> = OnceLock::new();
    CELL.get_or_init(|| {
        key_index(
            ethnic_groups()
                .iter()
                .enumerate()
                .map(|(i, g)| (i, ethnic_written_forms(g).collect())),
        )
    })
}

/// A group's name, its other spellings and its synonyms.
pub(crate) fn ethnic_written_forms(g: &'static EthnicGroup) -> impl Iterator<Item = &'static str> {
    [g.name.as_str()]
        .into_iter()
        .chain(g.spellings.iter().map(String::as_str))
        .chain(synonyms_of(SynonymList::EthnicGroups, &g.name))
}

/// By name, any known spelling or a synonym (`data/synonyms.csv`: "Vân
/// Kiều" is Bru-Vân Kiều), ignoring case, accents, hyphens, apostrophes and
/// spaces. Codes are not accepted here: their scheme is unknown (see
/// [`ethnic_group_by_code`]).
pub fn find_ethnic_group(input: &str) -> Option<&'static EthnicGroup> {
    let i = *ethnic_index().get(&text::key(input))?;
    ethnic_groups().get(i)
}

/// The groups nearest to a value not found (see [`nearest_names`]).
pub fn nearest_ethnic_groups(input: &str) -> Vec<String> {
    nearest_names(
        input,
        ethnic_groups()
            .iter()
            .flat_map(|g| ethnic_written_forms(g).map(|w| (w, g.name.as_str()))),
    )
}

/// By a 2-digit code in a known scheme ("5" is read as "05").
pub fn ethnic_group_by_code(code: &str, scheme: EthnicScheme) -> Option<&'static EthnicGroup> {
    let code = two_digit_code(code)?;
    ethnic_groups().iter().find(|g| g.code(scheme) == code)
}

fn two_digit_code(code: &str) -> Option<String> {
    let code = code.trim();
    match code.len() {
        1 | 2 if code.bytes().all(|b| b.is_ascii_digit()) => Some(format!("{code:0>2}")),
        _ => None,
    }
}

// ---------------------------------------------------------------- religions

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Religion {
    /// QĐ 1019/QĐ-TCTK code; `None` for "Không", whose code is not known.
    pub code: Option<String>,
    pub name: String,
    pub notes: String,
    pub confidence: String,
}

pub fn religions() -> &'static [Religion] {
    static CELL: OnceLock<Vec<Religion>> = OnceLock::new();
    CELL.get_or_init(|| {
        rows(
            &data!("religions.csv"),
            ["code_qd1019", "name", "notes", "confidence"],
        )
        .into_iter()
        .map(|[code, name, notes, confidence]| Religion {
            code: non_empty(code),
            name,
            notes,
            confidence,
        })
        .collect()
    })
}

/// The short name before any bracket: "Mặc Môn (Giáo hội …)" → "Mặc Môn".
fn short_name(name: &str) -> &str {
    name.split_once('(').map_or(name, |(base, _)| base.trim())
}

/// A religion's name, its short name and its synonyms.
pub(crate) fn religion_written_forms(r: &'static Religion) -> impl Iterator<Item = &'static str> {
    [r.name.as_str(), short_name(&r.name)]
        .into_iter()
        .chain(synonyms_of(SynonymList::Religions, &r.name))
}

fn religion_index() -> &'static HashMap<String, usize> {
    static CELL: OnceLock<HashMap<String, usize>> = OnceLock::new();
    CELL.get_or_init(|| {
        key_index(
            religions()
                .iter()
                .enumerate()
                .map(|(i, r)| (i, religion_written_forms(r).collect())),
        )
    })
}

/// By code ("1", "01"), full or short name, or a synonym (`data/synonyms.csv`:
/// "Thiên Chúa giáo" is Công giáo), ignoring case, accents and spacing. Only
/// exactly: "Phật giáo Hiếu Nghĩa Tà Lơn" is its own religion, and a
/// denomination not listed ("Tin Lành Cơ Đốc Phục Lâm") is not found, never
/// read as the religion its name starts with. "Không rõ" is not "Không".
pub fn find_religion(input: &str) -> Option<&'static Religion> {
    let all = religions();
    if let Some(code) = two_digit_code(input) {
        return all
            .iter()
            .find(|r| r.code.as_deref() == Some(code.as_str()));
    }
    // A stored value is a name as written here: found without folding.
    if let Some(r) = all.iter().find(|r| r.name == input) {
        return Some(r);
    }
    let i = *religion_index().get(&text::key(input))?;
    all.get(i)
}

/// The religions nearest to a value not found (see [`nearest_names`]).
pub fn nearest_religions(input: &str) -> Vec<String> {
    nearest_names(
        input,
        religions()
            .iter()
            .flat_map(|r| religion_written_forms(r).map(|w| (w, r.name.as_str()))),
    )
}

// ------------------------------------------------------------ relationships

/// A "quan hệ với chủ hộ" value. No official code list exists; these are the
/// common written forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relationship {
    pub name: String,
    pub english: String,
    /// Other ways people write the same relationship ("Bố", "Cha" for "Cha đẻ").
    pub synonyms: Vec<String>,
}

struct RelationshipRow {
    value_vi: String,
    english: String,
    notes: String,
}

/// "also written Bố đẻ / Bố / Cha" → ["Bố đẻ", "Bố", "Cha"]; other notes
/// (legal references) carry no synonyms.
fn synonyms_from_notes(notes: &str) -> Vec<String> {
    let notes = notes.trim();
    let list = notes
        .strip_prefix("also written")
        .or_else(|| notes.strip_prefix("also"));
    list.map(|l| {
        l.split('/')
            .map(text::clean)
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// One CSV row can hold distinct relationships ("Anh rể / Em rể": an older or
/// a younger sister's husband). They are split into separate values; the
/// English is split alongside when it lists as many parts.
fn split_relationship_row(row: RelationshipRow) -> Vec<Relationship> {
    let names: Vec<String> = row.value_vi.split(" / ").map(text::clean).collect();
    let english: Vec<String> = row.english.split(" / ").map(text::clean).collect();
    let synonyms = synonyms_from_notes(&row.notes);
    let paired = names.len() > 1 && english.len() == names.len();
    names
        .into_iter()
        .enumerate()
        .filter(|(_, n)| !n.is_empty())
        .map(|(i, name)| Relationship {
            name,
            english: if paired {
                capitalise(&english[i])
            } else {
                text::clean(&row.english)
            },
            synonyms: synonyms.clone(),
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn relationships() -> &'static [Relationship] {
    static CELL: OnceLock<Vec<Relationship>> = OnceLock::new();
    CELL.get_or_init(|| {
        rows(
            &data!("relationships.csv"),
            ["value_vi", "english", "notes"],
        )
        .into_iter()
        .flat_map(|[value_vi, english, notes]| {
            split_relationship_row(RelationshipRow {
                value_vi,
                english,
                notes,
            })
        })
        .collect()
    })
}

fn relationship_index() -> &'static HashMap<String, usize> {
    static CELL: OnceLock<HashMap<String, usize>> = OnceLock::new();
    CELL.get_or_init(|| {
        key_index(relationships().iter().enumerate().map(|(i, r)| {
            let mut names = vec![r.name.as_str()];
            names.extend(r.synonyms.iter().map(String::as_str));
            (i, names)
        }))
    })
}

/// The canonical row for a written form: "bố" → "Cha đẻ".
pub fn find_relationship(input: &str) -> Option<&'static Relationship> {
    let i = *relationship_index().get(&text::key(input))?;
    relationships().get(i)
}

/// The relationships nearest to a value not found (see [`nearest_names`]).
pub fn nearest_relationships(input: &str) -> Vec<String> {
    nearest_names(
        input,
        relationships().iter().flat_map(|r| {
            [r.name.as_str()]
                .into_iter()
                .chain(r.synonyms.iter().map(String::as_str))
                .map(|w| (w, r.name.as_str()))
        }),
    )
}

// --------------------------------------------------------- mobile prefixes

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MobilePrefix {
    /// "032": the first three digits of a 10-digit number.
    pub prefix: String,
    /// Carrier at assignment; number portability means it may have moved.
    pub carrier: String,
    /// "0162": the 11-digit prefix this one replaced in the 2018–2019 change.
    pub old_prefix: Option<String>,
    /// False for prefixes seen only in code repositories.
    pub confirmed: bool,
    /// Where the prefix is known from (`data/mobile_prefixes.csv`).
    pub source: String,
}

pub fn mobile_prefixes() -> &'static [MobilePrefix] {
    static CELL: OnceLock<Vec<MobilePrefix>> = OnceLock::new();
    CELL.get_or_init(|| {
        let columns = [
            "prefix_10_digit",
            "carrier_at_assignment",
            "old_11_digit_prefix",
            "confidence",
            "source",
        ];
        rows(&data!("mobile_prefixes.csv"), columns)
            .into_iter()
            .map(
                |[prefix, carrier, old_prefix, confidence, source]| MobilePrefix {
                    prefix,
                    carrier,
                    old_prefix: non_empty(old_prefix),
                    confirmed: !confidence.eq_ignore_ascii_case("unconfirmed"),
                    source,
                },
            )
            .collect()
    })
}

/// By the 3-digit prefix of a 10-digit number ("091").
pub fn mobile_prefix(p: &str) -> Option<&'static MobilePrefix> {
    static INDEX: OnceLock<ByCode> = OnceLock::new();
    let index =
        INDEX.get_or_init(|| ByCode::new(mobile_prefixes().iter().map(|m| m.prefix.as_str())));
    mobile_prefixes().get(index.get(p)?)
}

/// The row that replaced an old 4-digit prefix of an 11-digit number
/// ("0162" → the "032" row).
pub fn old_mobile_prefix(p4: &str) -> Option<&'static MobilePrefix> {
    mobile_prefixes()
        .iter()
        .find(|m| m.old_prefix.as_deref() == Some(p4))
}

/// The ethnic synonyms issue 23 found refused, and the group each stands for.
#[cfg(test)]
pub(crate) const ISSUE_23_ETHNIC_SYNONYMS: [(&str, &str); 7] = [
    ("Vân Kiều", "Bru-Vân Kiều"),
    ("Pa Cô", "Tà-ôi"),
    ("Cao Lan", "Sán Chay"),
    ("Sán Chí", "Sán Chay"),
    ("Mơ Nông", "Mnông"),
    ("Katu", "Cơ-tu"),
    ("Khmu", "Khơ-mú"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn assert_unique<'a>(what: &str, values: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for v in values {
            assert!(seen.insert(v), "duplicate {what}: {v}");
        }
    }

    #[test]
    fn all_63_provinces_load() {
        let all = provinces();
        assert_eq!(all.len(), 63);
        assert_unique("province code", all.iter().map(|p| p.code.as_str()));
        assert!(
            all.iter()
                .all(|p| p.code.len() == 3 && p.code.bytes().all(|b| b.is_ascii_digit()))
        );
        assert_eq!(province("001").map(|p| p.name.as_str()), Some("Hà Nội"));
        assert_eq!(
            province("079").map(|p| p.name.as_str()),
            Some("Hồ Chí Minh")
        );
        assert_eq!(province("096").map(|p| p.name.as_str()), Some("Cà Mau"));
    }

    #[test]
    fn indexed_lookups_find_what_a_scan_finds() {
        for code in ["001", "079", "096", "003", "1", "", "0011", "0a1", "1000"] {
            assert_eq!(province(code), provinces().iter().find(|p| p.code == code));
        }
        for p in provinces() {
            assert_eq!(province(&p.code), Some(p));
        }
        for prefix in ["091", "052", "031", "09", "0912"] {
            let scan = mobile_prefixes().iter().find(|m| m.prefix == prefix);
            assert_eq!(mobile_prefix(prefix), scan);
        }
        for m in mobile_prefixes() {
            assert_eq!(mobile_prefix(&m.prefix), Some(m));
        }
    }

    #[test]
    fn province_codes_have_gaps() {
        assert!(province("003").is_none());
        assert!(province("099").is_none());
        assert!(province("1").is_none());
    }

    #[test]
    fn century_sex_table_is_complete_and_regular() {
        let all = century_sex_codes();
        assert_eq!(all.len(), 10);
        for d in 0..10u8 {
            let c = century_sex_code(d).expect("every digit is defined");
            let expected_sex = if d.is_multiple_of(2) {
                Sex::Male
            } else {
                Sex::Female
            };
            assert_eq!(c.sex, expected_sex);
            assert_eq!(c.year_from, 1900 + i32::from(d / 2) * 100);
            assert_eq!(c.year_to, c.year_from + 99);
        }
    }

    #[test]
    fn ethnic_groups_are_54_plus_foreigners() {
        let all = ethnic_groups();
        assert_eq!(all.len(), 55);
        assert_eq!(all.iter().filter(|g| g.code_1979 != "55").count(), 54);
        assert_unique("1979 code", all.iter().map(|g| g.code_1979.as_str()));
        assert_unique("2008 code", all.iter().map(|g| g.code_2008.as_str()));
    }

    #[test]
    fn ethnic_code_schemes_disagree_from_04() {
        let hoa = find_ethnic_group("Hoa").unwrap();
        assert_eq!(hoa.code(EthnicScheme::Qd121Of1979), "04");
        assert_eq!(hoa.code(EthnicScheme::Qd1019Of2008), "06");
        assert_eq!(
            ethnic_group_by_code("4", EthnicScheme::Qd1019Of2008).map(|g| g.name.as_str()),
            Some("Mường")
        );
        assert_eq!(
            ethnic_group_by_code("04", EthnicScheme::Qd121Of1979).map(|g| g.name.as_str()),
            Some("Hoa")
        );
    }

    #[test]
    fn ethnic_spellings_resolve() {
        for (input, name) in [
            ("khmer", "Khơ-me"),
            ("Khơ-me", "Khơ-me"),
            ("KHO ME", "Khơ-me"),
            ("H'Mông", "HMông"),
            ("hmong", "HMông"),
            ("Mông", "HMông"),
            ("Mèo", "HMông"),
            ("kinh", "Kinh"),
            ("Việt", "Kinh"),
            ("Hán", "Hoa"),
            ("ê đê", "Ê-đê"),
            ("Co Lao", "Cơ Lao"),
            ("Cờ Lao", "Cơ Lao"),
            ("Rơ Măm", "Rơ-măm"),
            ("Bru - Vân Kiều", "Bru-Vân Kiều"),
            ("K'Ho", "Cơ-ho"),
        ]
        .into_iter()
        .chain(ISSUE_23_ETHNIC_SYNONYMS)
        {
            assert_eq!(
                find_ethnic_group(input).map(|g| g.name.as_str()),
                Some(name),
                "{input}"
            );
        }
        assert!(find_ethnic_group("").is_none());
        assert!(find_ethnic_group("Klingon").is_none());
    }

    /// No two names share a written form's key: `key_index` keeps the first.
    fn assert_no_key_shared<'a>(names: impl Iterator<Item = (&'a str, Vec<&'a str>)>) {
        let mut owner: HashMap<String, &str> = HashMap::new();
        for (name, forms) in names {
            let keys: HashSet<String> = forms.into_iter().map(text::key).collect();
            for k in keys {
                if let Some(other) = owner.insert(k.clone(), name) {
                    panic!("{k} is shared by {other} and {name}");
                }
            }
        }
    }

    #[test]
    fn ethnic_keys_do_not_collide() {
        assert_no_key_shared(
            ethnic_groups()
                .iter()
                .map(|g| (g.name.as_str(), ethnic_written_forms(g).collect())),
        );
    }

    #[test]
    fn old_annotation_is_not_a_spelling() {
        let hmong = find_ethnic_group("hmong").unwrap();
        assert!(hmong.spellings.iter().any(|s| s == "Mèo"));
        assert!(hmong.spellings.iter().all(|s| !s.contains("old")));
    }

    #[test]
    fn religions_are_the_16_recognised_and_none() {
        let all = religions();
        // 14 coded in 2008 (QĐ 1019, Mặc Môn added 2014), two recognised
        // since with no known code, and "Không".
        assert_eq!(all.len(), 17);
        assert_eq!(all.iter().filter(|r| r.code.is_some()).count(), 14);
        assert_eq!(all.iter().filter(|r| r.name != "Không").count(), 16);
        assert_unique("religion name", all.iter().map(|r| r.name.as_str()));
        for name in ["Cơ Đốc Phục Lâm", "Phật giáo Hiếu Nghĩa Tà Lơn"] {
            let r = find_religion(name).unwrap();
            assert_eq!((r.name.as_str(), r.code.as_deref()), (name, None));
        }
        let none = find_religion("không").unwrap();
        assert_eq!(none.code, None);
        assert_eq!(none.name, "Không");
        assert_eq!(
            find_religion("KHONG").map(|r| r.name.as_str()),
            Some("Không")
        );
    }

    #[test]
    fn religion_lookups() {
        let name = |s: &str| find_religion(s).map(|r| r.name.as_str());
        assert_eq!(name("phat giao"), Some("Phật giáo"));
        assert_eq!(name("01"), Some("Phật giáo"));
        assert_eq!(name("2"), Some("Công giáo"));
        assert_eq!(name("Phật giáo Hòa Hảo"), Some("Phật giáo Hòa Hảo"));
        assert_eq!(name("Cao Đài Tây Ninh"), Some("Cao Đài"));
        assert_eq!(name("Mặc Môn"), Some(religions()[13].name.as_str()));
        assert_eq!(name("Đạo Baha'i"), Some("Đạo Baha'i"));
        assert_eq!(name("Không rõ"), None);
        assert_eq!(name("Cao"), None);
        assert_eq!(name("99"), None);
        assert_eq!(name(""), None);
    }

    #[test]
    fn a_religion_is_never_found_by_the_start_of_its_name() {
        // Issue 23: both were stored as "Phật giáo" (code 01).
        let code = |s: &str| find_religion(s).map(|r| (r.name.as_str(), r.code.as_deref()));
        assert_eq!(
            code("Phật giáo Tứ Ân Hiếu Nghĩa"),
            Some(("Đạo Tứ Ân Hiếu Nghĩa", Some("10")))
        );
        assert_eq!(
            code("Phật giáo Hiếu Nghĩa Tà Lơn"),
            Some(("Phật giáo Hiếu Nghĩa Tà Lơn", None))
        );
        for unlisted in [
            "Tin Lành Cơ Đốc Phục Lâm",
            "Phật giáo Nam tông",
            "Cao Đài Ban Chỉnh X",
        ] {
            assert_eq!(find_religion(unlisted), None, "{unlisted}");
        }
        let near = nearest_religions("Tin Lành Cơ Đốc Phục Lâm");
        assert!(near.iter().any(|n| n == "Cơ Đốc Phục Lâm"), "{near:?}");
        assert!(near.iter().any(|n| n == "Tin Lành"), "{near:?}");
        assert!(nearest_religions("Phat giao Nam tong").contains(&"Phật giáo".to_string()));
        assert_eq!(nearest_religions("Klingon"), Vec::<String>::new());
    }

    #[test]
    fn synonyms_map_to_listed_names() {
        for (list, written, official) in synonyms() {
            let found = match list {
                SynonymList::Religions => find_religion(written).map(|r| r.name.as_str()),
                SynonymList::EthnicGroups => find_ethnic_group(written).map(|g| g.name.as_str()),
            };
            assert_eq!(found, Some(official.as_str()), "{written}");
        }
        // Every row was read: a misspelt list name would drop one silently.
        let rows = data!("synonyms.csv")
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(synonyms().len(), rows);
    }

    #[test]
    fn religion_keys_do_not_collide() {
        assert_no_key_shared(
            religions()
                .iter()
                .map(|r| (r.name.as_str(), religion_written_forms(r).collect())),
        );
    }

    #[test]
    fn a_religion_name_is_not_a_code() {
        for r in religions() {
            assert_eq!(two_digit_code(&r.name), None);
            assert!(!text::key(&r.name).is_empty(), "{}", r.name);
        }
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("kinh", "kinh"), 0);
        assert_eq!(edit_distance("kinh", "king"), 1);
        assert_eq!(edit_distance("khmu", "khomu"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn relationships_parse_synonyms_and_split_rows() {
        let all = relationships();
        // 34 rows in the file, four of which hold two values each.
        assert_eq!(all.len(), 38);
        let father = find_relationship("Cha đẻ").unwrap();
        assert_eq!(father.english, "Biological father");
        assert_eq!(father.synonyms, ["Bố đẻ", "Bố", "Cha"]);
        let helper = find_relationship("người giúp việc").unwrap();
        assert_eq!(helper.name, "Người giúp việc");
        assert_eq!(helper.english, "Domestic helper");
        let em_re = find_relationship("em rể").unwrap();
        assert_eq!(em_re.name, "Em rể");
        assert_eq!(em_re.english, "Brother-in-law (sister's husband)");
    }

    #[test]
    fn relationship_lookups_return_canonical_row() {
        let name = |s: &str| find_relationship(s).map(|r| r.name.as_str());
        assert_eq!(name("bố"), Some("Cha đẻ"));
        assert_eq!(name("BO DE"), Some("Cha đẻ"));
        assert_eq!(name("Cha"), Some("Cha đẻ"));
        assert_eq!(name("mẹ"), Some("Mẹ đẻ"));
        assert_eq!(name("cha chồng"), Some("Bố chồng"));
        assert_eq!(name("Cha vợ"), Some("Bố vợ"));
        assert_eq!(name("chu ho"), Some("Chủ hộ"));
        assert_eq!(name("Cụ ngoại"), Some("Cụ ngoại"));
        assert_eq!(name("hàng xóm"), None);
    }

    #[test]
    fn relationship_keys_do_not_collide() {
        assert_no_key_shared(relationships().iter().map(|r| {
            let forms = [r.name.as_str()]
                .into_iter()
                .chain(r.synonyms.iter().map(String::as_str))
                .collect();
            (r.name.as_str(), forms)
        }));
    }

    #[test]
    fn mobile_prefixes_load() {
        let all = mobile_prefixes();
        assert_eq!(all.len(), 36);
        assert_unique("prefix", all.iter().map(|m| m.prefix.as_str()));
        assert!(all.iter().all(|m| three_digits(&m.prefix).is_some()));
        assert_eq!(all.iter().filter(|m| m.old_prefix.is_some()).count(), 21);
        assert_eq!(all.iter().filter(|m| !m.confirmed).count(), 1);
        assert!(
            all.iter().all(|m| !m.source.trim().is_empty()),
            "a prefix without source"
        );
        assert_eq!(
            mobile_prefix("091").map(|m| m.carrier.as_str()),
            Some("VinaPhone")
        );
        assert!(mobile_prefix("052").unwrap().confirmed);
        assert!(mobile_prefix("087").unwrap().confirmed);
        assert!(!mobile_prefix("055").unwrap().confirmed);
        assert!(mobile_prefix("099").unwrap().confirmed);
        assert!(mobile_prefix("031").is_none());
    }

    #[test]
    fn old_prefixes_map_to_new() {
        let new = |p: &str| old_mobile_prefix(p).map(|m| m.prefix.as_str());
        assert_eq!(new("0162"), Some("032"));
        assert_eq!(new("0169"), Some("039"));
        assert_eq!(new("0123"), Some("083"));
        assert_eq!(new("0120"), Some("070"));
        assert_eq!(new("0186"), Some("056"));
        assert_eq!(new("0199"), Some("059"));
        assert_eq!(new("0161"), None);
    }
}
