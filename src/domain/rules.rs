//! Field validation rules (personal ID, CMND, phone, dates, names, sex) and the
//! problems they report. Pure functions: no I/O, no clock reads.
//!
//! Errors block a save; warnings are shown and recorded when the user confirms
//! them. Real personal-ID numbers with structural mismatches exist (see
//! data/SOURCES.md), so everything beyond length and digits is a warning.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};

use super::reference;
use super::text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The choice id a form stores for it (the `sex` list's).
    pub fn id(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// The sex a stored choice id stands for.
    pub fn from_id(id: &str) -> Option<Sex> {
        match id {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A date as the population data holds it: a full date, the month and
/// year (old records), or the year alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PartialDate {
    Day(NaiveDate),
    /// Year and month (1–12).
    Month(i32, u32),
    Year(i32),
}

impl PartialDate {
    pub fn year(&self) -> i32 {
        match self {
            PartialDate::Day(d) => d.year(),
            PartialDate::Month(y, _) | PartialDate::Year(y) => *y,
        }
    }

    /// Storage form: "1990-05-01", "1990-02" or "1990" (ISO 8601's own
    /// reduced precisions, so a stored full date or year reads as before).
    pub fn iso(&self) -> String {
        match self {
            PartialDate::Day(d) => d.format("%Y-%m-%d").to_string(),
            PartialDate::Month(y, m) => format!("{y:04}-{m:02}"),
            PartialDate::Year(y) => format!("{y:04}"),
        }
    }

    /// Vietnamese display form, day first: "01/05/1990", "02/1990" or "1990".
    pub fn display(&self) -> String {
        match self {
            PartialDate::Day(d) => d.format("%d/%m/%Y").to_string(),
            PartialDate::Month(y, m) => format!("{m:02}/{y:04}"),
            PartialDate::Year(y) => format!("{y:04}"),
        }
    }

    /// Reads back what [`PartialDate::iso`] wrote; nothing looser.
    pub fn parse_iso(s: &str) -> Option<Self> {
        let year = digits_value(s.get(0..4)?)?;
        match s.as_bytes()[4..] {
            [] => Some(PartialDate::Year(year as i32)),
            [b'-', _, _] => month(year, digits_value(s.get(5..7)?)?),
            [b'-', _, _, b'-', _, _] => {
                let (m, d) = (digits_value(s.get(5..7)?)?, digits_value(s.get(8..10)?)?);
                ymd(year, m, d).map(PartialDate::Day)
            }
            _ => None,
        }
    }

    /// The first and the last day the date may be.
    fn span(&self) -> (NaiveDate, NaiveDate) {
        let first_of = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
        let (first, next) = match *self {
            PartialDate::Day(d) => return (d, d),
            PartialDate::Month(y, m) => (
                first_of(y, m),
                if m == 12 {
                    first_of(y + 1, 1)
                } else {
                    first_of(y, m + 1)
                },
            ),
            PartialDate::Year(y) => (first_of(y, 1), first_of(y + 1, 1)),
        };
        let first = first.unwrap_or(NaiveDate::MIN);
        let last = next.and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX);
        (first, last)
    }

    /// Whether every day the date may be comes after `day`.
    pub fn is_after(&self, day: NaiveDate) -> bool {
        self.span().0 > day
    }

    /// Whether every day the date may be comes before `day`.
    pub fn is_before(&self, day: NaiveDate) -> bool {
        self.span().1 < day
    }

    /// Whether every day this date may be comes after every day `other` may be.
    pub fn is_wholly_after(&self, other: &PartialDate) -> bool {
        self.is_after(other.span().1)
    }
}

/// A month of a year, if the month is one (1–12).
fn month(year: u32, m: u32) -> Option<PartialDate> {
    let year = i32::try_from(year).ok()?;
    (1..=12).contains(&m).then_some(PartialDate::Month(year, m))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Not after today (birth, issue dates).
    Past,
    /// Today or later (appointments, expiry).
    Future,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRule {
    pub year_only: bool,
    pub when: When,
}

impl DateRule {
    /// Date of birth: legacy records may hold the year alone (see data/SOURCES.md).
    pub const BIRTH: DateRule = DateRule {
        year_only: true,
        when: When::Past,
    };
    /// A full date that has already happened (card issue date, death).
    pub const PAST_DAY: DateRule = DateRule {
        year_only: false,
        when: When::Past,
    };
    /// A full date from today on (an appointment).
    pub const FUTURE_DAY: DateRule = DateRule {
        year_only: false,
        when: When::Future,
    };
}

/// A reference list a value is looked up in by name (`domain::reference`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamedList {
    Religions,
    EthnicGroups,
    Relationships,
}

/// Why a value is wrong or suspicious. Each kind has its own message (in
/// `i18n::problems`). Kept in the imports log within a refused row's reason:
/// a variant's name is stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    // Generic, for the form layer.
    Required,
    NotInList {
        value: String,
    },
    /// A value not in a reference list, with the nearest listed names (none
    /// when nothing is near): never replaced by a guess.
    NotInNamedList {
        list: NamedList,
        value: String,
        nearest: Vec<String>,
    },
    NotANumber,
    NumberOutOfRange {
        min: i64,
        max: i64,
    },
    TooLong {
        max: usize,
    },

    // Personal ID (số định danh cá nhân).
    IdNotDigits,
    IdWrongLength {
        len: usize,
    },
    IdLooksLikeCmnd,
    IdUnknownProvince {
        code: String,
    },
    /// Province code 000: no province or country has it.
    IdZeroProvince,
    IdSexMismatch {
        digit: u8,
        sex: Sex,
    },
    IdCenturyMismatch {
        digit: u8,
        year: i32,
    },
    IdYearMismatch {
        digits: String,
        year: i32,
    },

    // Old 9-digit CMND.
    CmndNotDigits,
    CmndWrongLength {
        len: usize,
    },
    CmndLooksLikePersonalId,
    /// Nine zeros: what is typed when the number is not known.
    CmndAllZeros,

    // Mobile phone.
    PhoneNotDigits,
    PhoneWrongLength {
        len: usize,
    },
    PhoneNotMobile {
        prefix: String,
    },
    PhoneOldElevenDigit {
        old: String,
        new: String,
    },
    PhoneUnknownPrefix {
        prefix: String,
    },

    // Dates.
    DateFormat,
    DateInvalid,
    DateYearOnlyNotAllowed,
    DateBefore1900,
    DateInFuture,
    DateInPast,
    /// Later than the date of field `field` (a birth after the visit).
    DateAfterField {
        field: String,
    },

    // Names.
    NameHasDigits,
    NameHasSymbols,

    // The form's logic.
    /// A value for a field that does not apply given field `because`'s
    /// value (the spec's `relevant`: a blocker on an activated case).
    NotRelevant {
        because: String,
    },
}

impl ProblemKind {
    pub fn severity(&self) -> Severity {
        use ProblemKind::*;
        match self {
            IdUnknownProvince { .. }
            | IdSexMismatch { .. }
            | IdCenturyMismatch { .. }
            | IdYearMismatch { .. }
            | PhoneOldElevenDigit { .. }
            | PhoneUnknownPrefix { .. } => Severity::Warning,
            Required
            | NotInList { .. }
            | NotInNamedList { .. }
            | NotANumber
            | NumberOutOfRange { .. }
            | TooLong { .. }
            | IdNotDigits
            | IdWrongLength { .. }
            | IdLooksLikeCmnd
            | IdZeroProvince
            | CmndNotDigits
            | CmndWrongLength { .. }
            | CmndLooksLikePersonalId
            | CmndAllZeros
            | PhoneNotDigits
            | PhoneWrongLength { .. }
            | PhoneNotMobile { .. }
            | DateFormat
            | DateInvalid
            | DateYearOnlyNotAllowed
            | DateBefore1900
            | DateInFuture
            | DateInPast
            | DateAfterField { .. }
            | NameHasDigits
            | NameHasSymbols
            | NotRelevant { .. } => Severity::Error,
        }
    }

    pub fn is_warning(&self) -> bool {
        self.severity() == Severity::Warning
    }

    /// A rule made stricter after versions were first stored (issue 23: a
    /// CMND of nine zeros, province 000, a birth after the visit). A
    /// version a release before saved with such a value was right when it
    /// was saved, and bundles carry every version ever saved: it is taken
    /// in as it is, and only the next save of its case is held to the rule.
    pub fn came_later(&self) -> bool {
        matches!(
            self,
            ProblemKind::IdZeroProvince
                | ProblemKind::CmndAllZeros
                | ProblemKind::DateAfterField { .. }
        )
    }

    /// Stable identifier, recorded when a user confirms a warning. Never
    /// rename one: stored confirmations refer to it.
    pub fn code(&self) -> &'static str {
        use ProblemKind::*;
        match self {
            Required => "required",
            NotInList { .. } => "not_in_list",
            NotInNamedList { .. } => "not_in_named_list",
            NotANumber => "not_a_number",
            NumberOutOfRange { .. } => "number_out_of_range",
            TooLong { .. } => "too_long",
            IdNotDigits => "id_not_digits",
            IdWrongLength { .. } => "id_wrong_length",
            IdLooksLikeCmnd => "id_looks_like_cmnd",
            IdUnknownProvince { .. } => "id_unknown_province",
            IdZeroProvince => "id_zero_province",
            IdSexMismatch { .. } => "id_sex_mismatch",
            IdCenturyMismatch { .. } => "id_century_mismatch",
            IdYearMismatch { .. } => "id_year_mismatch",
            CmndNotDigits => "cmnd_not_digits",
            CmndWrongLength { .. } => "cmnd_wrong_length",
            CmndLooksLikePersonalId => "cmnd_looks_like_personal_id",
            CmndAllZeros => "cmnd_all_zeros",
            PhoneNotDigits => "phone_not_digits",
            PhoneWrongLength { .. } => "phone_wrong_length",
            PhoneNotMobile { .. } => "phone_not_mobile",
            PhoneOldElevenDigit { .. } => "phone_old_eleven_digit",
            PhoneUnknownPrefix { .. } => "phone_unknown_prefix",
            DateFormat => "date_format",
            DateInvalid => "date_invalid",
            DateYearOnlyNotAllowed => "date_year_only_not_allowed",
            DateBefore1900 => "date_before_1900",
            DateInFuture => "date_in_future",
            DateInPast => "date_in_past",
            DateAfterField { .. } => "date_after_field",
            NameHasDigits => "name_has_digits",
            NameHasSymbols => "name_has_symbols",
            NotRelevant { .. } => "not_relevant",
        }
    }
}

/// Sex and birth-year range that digit 4 of a personal ID stands for. Reads
/// the reference table; the arithmetic fallback is the same rule and only
/// matters for a digit outside 0–9, which no checked ID can have.
pub fn id_digit_meaning(digit: u8) -> (Sex, i32, i32) {
    match reference::century_sex_code(digit) {
        Some(c) => (c.sex, c.year_from, c.year_to),
        None => {
            let sex = if digit.is_multiple_of(2) {
                Sex::Male
            } else {
                Sex::Female
            };
            let from = 1900 + i32::from(digit / 2) * 100;
            (sex, from, from + 99)
        }
    }
}

// ------------------------------------------------------------ helpers

fn all_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Value of a short run of ASCII digits; `None` for anything else. Nine
/// digits at most, so it cannot overflow.
fn digits_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.bytes().try_fold(0, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// Numbers are written in groups ("001 090 123456", "001.090.123456").
fn strip_spaces_and_dots(input: &str) -> Cow<'_, str> {
    // A stored number is its digits alone, with nothing to take out.
    if all_ascii_digits(input) {
        return Cow::Borrowed(input);
    }
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect()
}

// ------------------------------------------------------------ personal ID

/// A 12-digit personal ID. Ok holds the digits to store (the input itself
/// when it is only those) and any structural warnings. There is no check
/// digit, so no checksum is ever computed.
pub fn check_personal_id(
    input: &str,
    sex: Option<Sex>,
    birth: Option<PartialDate>,
) -> Result<(Cow<'_, str>, Vec<ProblemKind>), ProblemKind> {
    let id = strip_spaces_and_dots(input);
    if id.is_empty() {
        return Err(ProblemKind::Required);
    }
    if !all_ascii_digits(&id) {
        return Err(ProblemKind::IdNotDigits);
    }
    match id.len() {
        12 => {}
        9 => return Err(ProblemKind::IdLooksLikeCmnd),
        len => return Err(ProblemKind::IdWrongLength { len }),
    }
    if id.starts_with("000") {
        return Err(ProblemKind::IdZeroProvince);
    }
    let warnings = id_structure_warnings(&id, sex, birth);
    Ok((id, warnings))
}

/// Digits 1–3 province (or country), 4 century and sex, 5–6 birth year.
fn id_structure_warnings(
    id: &str,
    sex: Option<Sex>,
    birth: Option<PartialDate>,
) -> Vec<ProblemKind> {
    let mut warnings = Vec::new();
    let (Some(code), Some(digit), Some(year_digits)) = (
        id.get(0..3),
        id.as_bytes().get(3).map(|b| b.wrapping_sub(b'0')),
        id.get(4..6),
    ) else {
        return warnings;
    };
    if reference::province(code).is_none() {
        warnings.push(ProblemKind::IdUnknownProvince {
            code: code.to_string(),
        });
    }
    let (digit_sex, from, to) = id_digit_meaning(digit);
    if let Some(sex) = sex
        && sex != digit_sex
    {
        warnings.push(ProblemKind::IdSexMismatch { digit, sex });
    }
    if let Some(birth) = birth {
        let year = birth.year();
        if !(from..=to).contains(&year) {
            warnings.push(ProblemKind::IdCenturyMismatch { digit, year });
        }
        // Both year digits are ASCII digits: the ID was checked for that.
        if digits_value(year_digits) != u32::try_from(year.rem_euclid(100)).ok() {
            warnings.push(ProblemKind::IdYearMismatch {
                digits: year_digits.to_string(),
                year,
            });
        }
    }
    warnings
}

// ------------------------------------------------------------ CMND

/// An old 9-digit CMND number, stored as digits.
pub fn check_cmnd(input: &str) -> Result<Cow<'_, str>, ProblemKind> {
    let cmnd = strip_spaces_and_dots(input);
    if cmnd.is_empty() {
        return Err(ProblemKind::Required);
    }
    if !all_ascii_digits(&cmnd) {
        return Err(ProblemKind::CmndNotDigits);
    }
    match cmnd.len() {
        9 if cmnd.bytes().all(|b| b == b'0') => Err(ProblemKind::CmndAllZeros),
        9 => Ok(cmnd),
        12 => Err(ProblemKind::CmndLooksLikePersonalId),
        len => Err(ProblemKind::CmndWrongLength { len }),
    }
}

// ------------------------------------------------------------ phone

fn is_phone_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')')
}

/// "0" + the national significant number, whether or not it kept its 0.
fn national(rest: &str) -> Cow<'_, str> {
    if rest.starts_with('0') {
        Cow::Borrowed(rest)
    } else {
        Cow::Owned(format!("0{rest}"))
    }
}

/// A Vietnamese mobile number in any common written form, stored as
/// `0xxxxxxxxx` (the input itself when it is that already). Old 11-digit
/// numbers are converted with a warning.
pub fn check_phone(input: &str) -> Result<(Cow<'_, str>, Vec<ProblemKind>), ProblemKind> {
    // A stored number is its digits alone, with nothing to remove.
    if all_ascii_digits(input) {
        return check_compact_phone(input);
    }
    let compact: String = input.chars().filter(|c| !is_phone_separator(*c)).collect();
    check_compact_phone(&compact)
        .map(|(number, warnings)| (Cow::Owned(number.into_owned()), warnings))
}

/// [`check_phone`] of a number with its separators taken out.
fn check_compact_phone(compact: &str) -> Result<(Cow<'_, str>, Vec<ProblemKind>), ProblemKind> {
    if compact.is_empty() {
        return Err(ProblemKind::Required);
    }
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact),
    };
    if !all_ascii_digits(digits) {
        return Err(ProblemKind::PhoneNotDigits);
    }
    let number = to_national(plus, digits)?;
    let mut warnings = Vec::new();
    let number = convert_old_eleven_digit(number, &mut warnings)?;
    check_mobile_shape(&number)?;
    let prefix = number.get(0..3).unwrap_or_default();
    if !reference::mobile_prefix(prefix).is_some_and(|m| m.confirmed) {
        warnings.push(ProblemKind::PhoneUnknownPrefix {
            prefix: prefix.to_string(),
        });
    }
    Ok((number, warnings))
}

/// Removes "+84", "0084" or a bare "84" country code.
fn to_national(plus: bool, digits: &str) -> Result<Cow<'_, str>, ProblemKind> {
    if plus {
        return match digits.strip_prefix("84") {
            Some(rest) => Ok(national(rest)),
            None => Err(ProblemKind::PhoneNotMobile {
                prefix: format!("+{}", digits.get(0..2).unwrap_or(digits)),
            }),
        };
    }
    if let Some(rest) = digits.strip_prefix("0084") {
        return Ok(national(rest));
    }
    // A bare 84 only counts when what follows has the length of a mobile
    // number (9 digits, or 10 for an old 1xx number); local numbers start with 0.
    if let Some(rest) = digits.strip_prefix("84")
        && (rest.len() == 9 || (rest.len() == 10 && rest.starts_with('1')))
    {
        return Ok(national(rest));
    }
    Ok(Cow::Borrowed(digits))
}

/// 0162 xxx xxxx → 032 xxx xxxx: the 2018–2019 change kept the last 7 digits.
fn convert_old_eleven_digit<'a>(
    number: Cow<'a, str>,
    warnings: &mut Vec<ProblemKind>,
) -> Result<Cow<'a, str>, ProblemKind> {
    if number.len() != 11 || !number.starts_with("01") {
        return Ok(number);
    }
    let (Some(old_prefix), Some(tail)) = (number.get(0..4), number.get(4..)) else {
        return Ok(number);
    };
    match reference::old_mobile_prefix(old_prefix) {
        Some(row) => {
            let new = format!("{}{tail}", row.prefix);
            warnings.push(ProblemKind::PhoneOldElevenDigit {
                old: number.to_string(),
                new: new.clone(),
            });
            Ok(Cow::Owned(new))
        }
        None => Err(ProblemKind::PhoneNotMobile {
            prefix: old_prefix.to_string(),
        }),
    }
}

fn check_mobile_shape(number: &str) -> Result<(), ProblemKind> {
    let prefix = || number.get(0..3).unwrap_or(number).to_string();
    // Landlines are 11 digits under 02x: say "not a mobile", not "too long".
    if number.len() == 11 && number.starts_with("02") {
        return Err(ProblemKind::PhoneNotMobile { prefix: prefix() });
    }
    if number.len() != 10 {
        return Err(ProblemKind::PhoneWrongLength { len: number.len() });
    }
    let bytes = number.as_bytes();
    let mobile_range = bytes.first() == Some(&b'0')
        && bytes
            .get(1)
            .is_some_and(|b| matches!(b, b'3' | b'5' | b'7' | b'8' | b'9'));
    if !mobile_range {
        return Err(ProblemKind::PhoneNotMobile { prefix: prefix() });
    }
    Ok(())
}

// ------------------------------------------------------------ dates

/// A date typed day first (`dd/mm/yyyy`, `d-m-yyyy`, `d.m.yyyy`, a
/// two-digit year `3/12/26`, or eight digits `03122026`), in ISO
/// (`yyyy-mm-dd`), `t` for today, or a year alone where the rule allows
/// it. `today` comes from the caller so the rule stays testable.
pub fn parse_date(
    input: &str,
    today: NaiveDate,
    rule: DateRule,
) -> Result<PartialDate, ProblemKind> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(ProblemKind::Required);
    }
    let date = match compact.as_str() {
        "t" | "T" => PartialDate::Day(today),
        _ => read_date(&compact, today, rule.when)?,
    };
    check_date(date, today, rule)
}

/// Whether the rule allows a date, however it was read: a stored date (see
/// [`PartialDate::parse_iso`]) is checked here without being parsed as typed.
pub fn check_date(
    date: PartialDate,
    today: NaiveDate,
    rule: DateRule,
) -> Result<PartialDate, ProblemKind> {
    if !matches!(date, PartialDate::Day(_)) && !rule.year_only {
        return Err(ProblemKind::DateYearOnlyNotAllowed);
    }
    check_date_range(date, today, rule.when)?;
    Ok(date)
}

/// The year a two-digit year `yy` means, this year being `this`: for a
/// date in the past (a birth) the latest such year up to this one
/// (`5/7/90` is 1990), for one to come the first from this one on (`1/1/27`
/// is 2027), otherwise the nearest.
fn full_year(yy: u32, this: u32, when: When) -> u32 {
    let century = this - this % 100;
    let [before, same, after] = [century - 100 + yy, century + yy, century + 100 + yy];
    match when {
        When::Past => {
            if same <= this {
                same
            } else {
                before
            }
        }
        When::Future => {
            if same >= this {
                same
            } else {
                after
            }
        }
        When::Any => [before, same, after]
            .into_iter()
            .min_by_key(|y| y.abs_diff(this))
            .unwrap_or(same),
    }
}

fn read_date(s: &str, today: NaiveDate, when: When) -> Result<PartialDate, ProblemKind> {
    let Some(sep) = s.chars().find(|c| !c.is_ascii_digit()) else {
        return match (digits_value(s), s.len()) {
            (Some(y), 4) => Ok(PartialDate::Year(y as i32)),
            // Eight digits, day first as on paper (`03122026`); failing
            // that, year first (`20261203`).
            (Some(_), 8) => {
                let part = |r: std::ops::Range<usize>| digits_value(&s[r]).unwrap_or(0);
                ymd(part(4..8), part(2..4), part(0..2))
                    .or_else(|| ymd(part(0..4), part(4..6), part(6..8)))
                    .map(PartialDate::Day)
                    .ok_or(ProblemKind::DateInvalid)
            }
            _ => Err(ProblemKind::DateFormat),
        };
    };
    if !matches!(sep, '/' | '-' | '.') {
        return Err(ProblemKind::DateFormat);
    }
    let parts: Vec<&str> = s.split(sep).collect();
    let short = |p: &str| (1..=2).contains(&p.len());
    let [a, b, c] = parts.as_slice() else {
        // Month and year, as old records have it: "02/1990", or ISO "1990-02".
        return match parts.as_slice() {
            [m, y] if short(m) && y.len() == 4 => month_of(y, m),
            [y, m] if sep == '-' && y.len() == 4 && short(m) => month_of(y, m),
            _ => Err(ProblemKind::DateFormat),
        };
    };
    let (y, m, d, two_digit_year) = if a.len() == 4 && sep == '-' && short(b) && short(c) {
        (a, b, c, false)
    } else if short(a) && short(b) && (c.len() == 4 || c.len() == 2) {
        (c, b, a, c.len() == 2)
    } else {
        return Err(ProblemKind::DateFormat);
    };
    let (Some(mut y), Some(m), Some(d)) = (digits_value(y), digits_value(m), digits_value(d))
    else {
        return Err(ProblemKind::DateFormat);
    };
    if two_digit_year {
        y = full_year(y, today.year() as u32, when);
    }
    ymd(y, m, d)
        .map(PartialDate::Day)
        .ok_or(ProblemKind::DateInvalid)
}

/// A month typed as digits: `DateInvalid` for a month that is not one.
fn month_of(y: &str, m: &str) -> Result<PartialDate, ProblemKind> {
    let (Some(y), Some(m)) = (digits_value(y), digits_value(m)) else {
        return Err(ProblemKind::DateFormat);
    };
    month(y, m).ok_or(ProblemKind::DateInvalid)
}

fn check_date_range(date: PartialDate, today: NaiveDate, when: When) -> Result<(), ProblemKind> {
    let (after_today, before_today) = (date.is_after(today), date.is_before(today));
    if date.year() < 1900 {
        return Err(ProblemKind::DateBefore1900);
    }
    match when {
        When::Past if after_today => Err(ProblemKind::DateInFuture),
        When::Future if before_today => Err(ProblemKind::DateInPast),
        _ => Ok(()),
    }
}

// ------------------------------------------------------------ names

/// Apostrophes and hyphens occur in minority names ("H'Hen Niê", "Ksor H'Bia");
/// dots in abbreviations found in old records.
fn is_name_punctuation(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '-' | '\u{2010}' | '.')
}

/// A full name, cleaned (NFC, single spaces) for storage.
pub fn check_name(input: &str) -> Result<String, ProblemKind> {
    let name = text::clean_cow(input);
    check_clean_name(&name)?;
    Ok(name.into_owned())
}

/// [`check_name`] of a name already cleaned, as a stored one is.
pub fn check_clean_name(name: &str) -> Result<(), ProblemKind> {
    if name.is_empty() {
        return Err(ProblemKind::Required);
    }
    let mut has_symbols = false;
    for c in name.chars() {
        if text::is_latin_letter(c) || c == ' ' {
            continue;
        }
        // A digit anywhere is reported before a symbol anywhere.
        if c.is_numeric() {
            return Err(ProblemKind::NameHasDigits);
        }
        has_symbols |= !(c.is_alphabetic()
            || is_name_punctuation(c)
            || unicode_normalization::char::is_combining_mark(c));
    }
    if has_symbols {
        return Err(ProblemKind::NameHasSymbols);
    }
    Ok(())
}

// ------------------------------------------------------------ sex

/// Sex as written in forms and exports, in words only: "Nam", "Nữ", "nu",
/// "male", "Female", in any case, with or without accents. Never a digit or
/// a letter: QCVN 109 writes 1 for male, but the personal ID's own fourth
/// digit is odd (1, 3, …) for a woman, so "1" means either; it is `None`,
/// like anything not recognised.
pub fn parse_sex(input: &str) -> Option<Sex> {
    // Every spelling below is its own fold, so a stored "male" or "female"
    // needs no folding.
    sex_of_folded(input).or_else(|| sex_of_folded(&text::fold(input)))
}

fn sex_of_folded(folded: &str) -> Option<Sex> {
    match folded {
        "nam" | "nam gioi" | "trai" | "male" | "man" => Some(Sex::Male),
        "nu" | "nu gioi" | "gai" | "female" | "woman" => Some(Sex::Female),
        _ => None,
    }
}

/// One example of every kind, for tests that must cover them all.
#[cfg(test)]
pub(crate) fn example_of_each_kind() -> Vec<ProblemKind> {
    use ProblemKind::*;
    let all = vec![
        Required,
        NotInList {
            value: "Kinh Việt".into(),
        },
        NotInNamedList {
            list: NamedList::Religions,
            value: "Phật giáo Tứ Ân".into(),
            nearest: vec!["Phật giáo".into(), "Đạo Tứ Ân Hiếu Nghĩa".into()],
        },
        NotANumber,
        NumberOutOfRange { min: 1, max: 20 },
        TooLong { max: 100 },
        IdNotDigits,
        IdWrongLength { len: 11 },
        IdLooksLikeCmnd,
        IdUnknownProvince { code: "099".into() },
        IdZeroProvince,
        IdSexMismatch {
            digit: 3,
            sex: Sex::Male,
        },
        IdCenturyMismatch {
            digit: 0,
            year: 2001,
        },
        IdYearMismatch {
            digits: "91".into(),
            year: 1990,
        },
        CmndNotDigits,
        CmndWrongLength { len: 8 },
        CmndLooksLikePersonalId,
        CmndAllZeros,
        PhoneNotDigits,
        PhoneWrongLength { len: 9 },
        PhoneNotMobile {
            prefix: "024".into(),
        },
        PhoneOldElevenDigit {
            old: "01662345678".into(),
            new: "0362345678".into(),
        },
        PhoneUnknownPrefix {
            prefix: "055".into(),
        },
        DateFormat,
        DateInvalid,
        DateYearOnlyNotAllowed,
        DateBefore1900,
        DateInFuture,
        DateInPast,
        DateAfterField {
            field: "visit_date".into(),
        },
        NameHasDigits,
        NameHasSymbols,
        NotRelevant {
            because: "status".into(),
        },
    ];
    // Fails to compile when a kind is added, pointing here to add its example.
    for kind in &all {
        match kind {
            Required
            | NotInList { .. }
            | NotInNamedList { .. }
            | NotANumber
            | NumberOutOfRange { .. }
            | TooLong { .. } => {}
            IdNotDigits
            | IdWrongLength { .. }
            | IdLooksLikeCmnd
            | IdUnknownProvince { .. }
            | IdZeroProvince
            | IdSexMismatch { .. }
            | IdCenturyMismatch { .. }
            | IdYearMismatch { .. } => {}
            CmndNotDigits | CmndWrongLength { .. } | CmndLooksLikePersonalId | CmndAllZeros => {}
            PhoneNotDigits
            | PhoneWrongLength { .. }
            | PhoneNotMobile { .. }
            | PhoneOldElevenDigit { .. }
            | PhoneUnknownPrefix { .. } => {}
            DateFormat
            | DateInvalid
            | DateYearOnlyNotAllowed
            | DateBefore1900
            | DateInFuture
            | DateInPast
            | DateAfterField { .. } => {}
            NameHasDigits | NameHasSymbols => {}
            NotRelevant { .. } => {}
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProblemKind::*;
    use std::collections::HashSet;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn born(y: i32, m: u32, d: u32) -> Option<PartialDate> {
        Some(PartialDate::Day(day(y, m, d)))
    }

    /// Fixed, so no test depends on the clock.
    fn today() -> NaiveDate {
        day(2026, 3, 20)
    }

    // ---------------------------------------------------------- kinds

    #[test]
    fn codes_are_unique_snake_case() {
        let all = example_of_each_kind();
        let codes: HashSet<&str> = all.iter().map(ProblemKind::code).collect();
        assert_eq!(codes.len(), all.len());
        for c in codes {
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{c}"
            );
        }
    }

    #[test]
    fn only_structure_mismatches_are_warnings() {
        let warnings: Vec<&str> = example_of_each_kind()
            .iter()
            .filter(|k| k.is_warning())
            .map(ProblemKind::code)
            .collect();
        assert_eq!(
            warnings,
            [
                "id_unknown_province",
                "id_sex_mismatch",
                "id_century_mismatch",
                "id_year_mismatch",
                "phone_old_eleven_digit",
                "phone_unknown_prefix"
            ]
        );
    }

    // ---------------------------------------------------------- personal ID

    #[test]
    fn id_man_born_1990_in_ha_noi() {
        let r = check_personal_id("001090123456", Some(Sex::Male), born(1990, 5, 1));
        assert_eq!(r, Ok(("001090123456".into(), vec![])));
    }

    #[test]
    fn id_woman_born_2001_in_ho_chi_minh_city() {
        let r = check_personal_id("079301234567", Some(Sex::Female), born(2001, 12, 31));
        assert_eq!(r, Ok(("079301234567".into(), vec![])));
    }

    #[test]
    fn id_with_year_only_birth_and_no_context() {
        let year = Some(PartialDate::Year(1990));
        assert_eq!(
            check_personal_id("001090123456", Some(Sex::Male), year).map(|r| r.1),
            Ok(vec![])
        );
        assert_eq!(
            check_personal_id("001090123456", None, None).map(|r| r.1),
            Ok(vec![])
        );
    }

    #[test]
    fn id_strips_spaces_and_dots_and_keeps_leading_zeros() {
        for input in [
            "001 090 123 456",
            "001.090.123.456",
            " 001090123456\u{00A0}",
            "0010.9012 3456",
        ] {
            assert_eq!(
                check_personal_id(input, None, None).map(|r| r.0),
                Ok("001090123456".into()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn id_errors() {
        assert_eq!(check_personal_id("", None, None), Err(Required));
        assert_eq!(check_personal_id("  . ", None, None), Err(Required));
        assert_eq!(
            check_personal_id("00109012345A", None, None),
            Err(IdNotDigits)
        );
        assert_eq!(
            check_personal_id("001-090-123456", None, None),
            Err(IdNotDigits)
        );
        assert_eq!(
            check_personal_id("００１090123456", None, None),
            Err(IdNotDigits)
        );
        assert_eq!(
            check_personal_id("01090123456", None, None),
            Err(IdWrongLength { len: 11 })
        );
        assert_eq!(
            check_personal_id("0010901234567", None, None),
            Err(IdWrongLength { len: 13 })
        );
        assert_eq!(
            check_personal_id("012345678", None, None),
            Err(IdLooksLikeCmnd)
        );
        assert_eq!(
            check_personal_id("012 345 678", None, None),
            Err(IdLooksLikeCmnd)
        );
    }

    #[test]
    fn id_unknown_province_warns_alone() {
        let r = check_personal_id("099090123456", Some(Sex::Male), born(1990, 1, 1));
        assert_eq!(
            r.map(|r| r.1),
            Ok(vec![IdUnknownProvince { code: "099".into() }])
        );
    }

    #[test]
    fn id_sex_mismatch_warns_alone() {
        let r = check_personal_id("079301234567", Some(Sex::Male), born(2001, 1, 1));
        assert_eq!(
            r.map(|r| r.1),
            Ok(vec![IdSexMismatch {
                digit: 3,
                sex: Sex::Male
            }])
        );
    }

    #[test]
    fn id_century_mismatch_warns_alone() {
        let r = check_personal_id("001090123456", Some(Sex::Male), born(2090, 1, 1));
        assert_eq!(
            r.map(|r| r.1),
            Ok(vec![IdCenturyMismatch {
                digit: 0,
                year: 2090
            }])
        );
    }

    #[test]
    fn id_year_mismatch_warns_alone() {
        let r = check_personal_id("001091123456", Some(Sex::Male), born(1990, 1, 1));
        assert_eq!(
            r.map(|r| r.1),
            Ok(vec![IdYearMismatch {
                digits: "91".into(),
                year: 1990
            }])
        );
    }

    #[test]
    fn id_year_digits_keep_leading_zero() {
        let ok = check_personal_id("001205123456", Some(Sex::Male), born(2005, 6, 1));
        assert_eq!(ok.map(|r| r.1), Ok(vec![]));
        let bad = check_personal_id("001206123456", Some(Sex::Male), born(2005, 6, 1));
        assert_eq!(
            bad.map(|r| r.1),
            Ok(vec![IdYearMismatch {
                digits: "06".into(),
                year: 2005
            }])
        );
    }

    #[test]
    fn id_all_mismatches_together() {
        let r = check_personal_id("999185000000", Some(Sex::Male), born(2001, 1, 1)).unwrap();
        let codes: Vec<&str> = r.1.iter().map(ProblemKind::code).collect();
        assert_eq!(
            codes,
            [
                "id_unknown_province",
                "id_sex_mismatch",
                "id_century_mismatch",
                "id_year_mismatch"
            ]
        );
        assert!(r.1.iter().all(ProblemKind::is_warning));
    }

    #[test]
    fn id_has_no_check_digit() {
        // Same structure, every possible "checksum" position varied: all pass.
        for tail in [
            "000000", "000001", "123456", "654321", "999999", "314159", "271828", "000009",
        ] {
            let id = format!("001090{tail}");
            let r = check_personal_id(&id, Some(Sex::Male), born(1990, 1, 1));
            assert_eq!(r, Ok((id.as_str().into(), vec![])));
        }
        for n in (0..1_000_000u32).step_by(7919) {
            let id = format!("079301{n:06}");
            assert_eq!(
                check_personal_id(&id, Some(Sex::Female), born(2001, 1, 1)).map(|r| r.1),
                Ok(vec![])
            );
        }
    }

    #[test]
    fn id_every_province_code_is_accepted_for_any_year() {
        for p in reference::provinces() {
            let id = format!("{}230000001", p.code);
            assert_eq!(
                check_personal_id(&id, Some(Sex::Male), born(2030, 1, 1)).map(|r| r.1),
                Ok(vec![])
            );
        }
    }

    #[test]
    fn stored_numbers_are_given_back_not_copied() {
        assert!(matches!(
            check_personal_id("001090123456", None, None),
            Ok((Cow::Borrowed(_), _))
        ));
        assert!(matches!(check_cmnd("012345678"), Ok(Cow::Borrowed(_))));
        assert!(matches!(
            check_phone("0912345678"),
            Ok((Cow::Borrowed(_), _))
        ));
    }

    // ---------------------------------------------------------- CMND

    #[test]
    fn cmnd_accepts_nine_digits() {
        assert_eq!(check_cmnd("012345678"), Ok("012345678".into()));
        assert_eq!(check_cmnd("271 450 001"), Ok("271450001".into()));
        assert_eq!(check_cmnd("271.450.001"), Ok("271450001".into()));
    }

    #[test]
    fn cmnd_errors() {
        assert_eq!(check_cmnd(""), Err(Required));
        assert_eq!(check_cmnd("01234567X"), Err(CmndNotDigits));
        assert_eq!(check_cmnd("01234567"), Err(CmndWrongLength { len: 8 }));
        assert_eq!(check_cmnd("0123456789"), Err(CmndWrongLength { len: 10 }));
        assert_eq!(check_cmnd("001090123456"), Err(CmndLooksLikePersonalId));
    }

    // ---------------------------------------------------------- phone

    fn phone_ok(input: &str) -> String {
        match check_phone(input) {
            Ok((n, w)) if w.is_empty() => n.into_owned(),
            other => panic!("{input:?}: {other:?}"),
        }
    }

    #[test]
    fn phone_accepts_written_forms() {
        for input in [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "0912-345-678",
            "(091) 234 5678",
            "+84 912.345.678",
            "+84912345678",
            "+84 (0) 912 345 678",
            "84912345678",
            "0084 912 345 678",
            "\u{00A0}0912\u{00A0}345\u{00A0}678 ",
        ] {
            assert_eq!(phone_ok(input), "0912345678", "{input:?}");
        }
    }

    #[test]
    fn phone_accepts_each_carrier() {
        for n in [
            "0862345678",
            "0332345678",
            "0882345678",
            "0892345678",
            "0702345678",
            "0922345678",
            "0562345678",
            "0992345678",
            "0592345678",
        ] {
            assert_eq!(phone_ok(n), n);
        }
    }

    #[test]
    fn phone_converts_old_eleven_digit_viettel() {
        let r = check_phone("01662345678");
        assert_eq!(
            r,
            Ok((
                "0362345678".into(),
                vec![PhoneOldElevenDigit {
                    old: "01662345678".into(),
                    new: "0362345678".into()
                }]
            ))
        );
    }

    #[test]
    fn phone_converts_old_numbers_of_every_carrier() {
        for (old, new) in [
            ("0123 456 7890", "0834567890"),
            ("0120 111 2222", "0701112222"),
            ("0186 111 2222", "0561112222"),
            ("0199 111 2222", "0591112222"),
            ("+84 169 111 2222", "0391112222"),
            ("841691112222", "0391112222"),
        ] {
            let (n, w) = check_phone(old).unwrap();
            assert_eq!(n, new, "{old}");
            assert!(
                matches!(w.as_slice(), [PhoneOldElevenDigit { .. }]),
                "{old}: {w:?}"
            );
        }
    }

    #[test]
    fn phone_errors() {
        assert_eq!(check_phone(""), Err(Required));
        assert_eq!(check_phone(" - "), Err(Required));
        assert_eq!(check_phone("0912 345 67a"), Err(PhoneNotDigits));
        assert_eq!(check_phone("0912/345/678"), Err(PhoneNotDigits));
        assert_eq!(check_phone("09+12345678"), Err(PhoneNotDigits));
        assert_eq!(check_phone("091234567"), Err(PhoneWrongLength { len: 9 }));
        assert_eq!(check_phone("912345678"), Err(PhoneWrongLength { len: 9 }));
        assert_eq!(
            check_phone("09123456789"),
            Err(PhoneWrongLength { len: 11 })
        );
        assert_eq!(
            check_phone("0241234567"),
            Err(PhoneNotMobile {
                prefix: "024".into()
            })
        );
        assert_eq!(
            check_phone("024 3825 1234"),
            Err(PhoneNotMobile {
                prefix: "024".into()
            })
        );
        assert_eq!(
            check_phone("0612345678"),
            Err(PhoneNotMobile {
                prefix: "061".into()
            })
        );
        assert_eq!(
            check_phone("1912345678"),
            Err(PhoneNotMobile {
                prefix: "191".into()
            })
        );
        assert_eq!(
            check_phone("01612345678"),
            Err(PhoneNotMobile {
                prefix: "0161".into()
            })
        );
        assert_eq!(
            check_phone("+1 555 123 4567"),
            Err(PhoneNotMobile {
                prefix: "+15".into()
            })
        );
    }

    #[test]
    fn phone_unknown_prefix_warns() {
        assert_eq!(
            check_phone("0311234567"),
            Ok((
                "0311234567".into(),
                vec![PhoneUnknownPrefix {
                    prefix: "031".into()
                }]
            ))
        );
    }

    #[test]
    fn phone_unconfirmed_prefix_warns() {
        assert_eq!(
            check_phone("0551234567"),
            Ok((
                "0551234567".into(),
                vec![PhoneUnknownPrefix {
                    prefix: "055".into()
                }]
            ))
        );
    }

    #[test]
    fn phone_carriers_in_service_are_plain_numbers() {
        // Issue 23: 087 (Itelecom) and 052 (Vietnamobile) warned on every entry.
        for number in [
            "0871234567",
            "0521234567",
            "+84 87 123 4567",
            "052.123.4567",
        ] {
            let (stored, warnings) = check_phone(number).unwrap();
            assert_eq!(warnings, vec![], "{number}");
            assert!(
                stored.starts_with("087") || stored.starts_with("052"),
                "{stored}"
            );
        }
        // 055 stays a warning until a source confirms it.
        assert_eq!(check_phone("0551234567").unwrap().1.len(), 1);
    }

    // ---------------------------------------------------------- dates

    #[test]
    fn date_forms() {
        let want = Ok(PartialDate::Day(day(1990, 5, 1)));
        for input in [
            "01/05/1990",
            "1/5/1990",
            "01-05-1990",
            "1.5.1990",
            "1990-05-01",
            "1990-5-1",
            " 01 / 05 / 1990 ",
            "01051990",
            "19900501",
            "1/5/90",
            "01-05-90",
        ] {
            assert_eq!(
                parse_date(input, today(), DateRule::BIRTH),
                want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn dates_as_an_operator_types_them() {
        // Today is 20/03/2026 here.
        let any = DateRule {
            year_only: false,
            when: When::Any,
        };
        let on = |y, m, d| Ok(PartialDate::Day(day(y, m, d)));
        for (input, want) in [
            ("03122026", on(2026, 12, 3)),
            ("3/12/26", on(2026, 12, 3)),
            ("3-12-2026", on(2026, 12, 3)),
            ("3.12.26", on(2026, 12, 3)),
            // Two-digit years: the nearest such year.
            ("1/1/26", on(2026, 1, 1)),
            ("1/1/27", on(2027, 1, 1)),
            ("5/7/90", on(1990, 7, 5)),
            ("t", on(2026, 3, 20)),
            ("T", on(2026, 3, 20)),
            ("31022026", Err(DateInvalid)),
            ("0312202", Err(DateFormat)),
            ("3/12/6", Err(DateFormat)),
            ("3/12/202", Err(DateFormat)),
            ("tt", Err(DateFormat)),
        ] {
            assert_eq!(parse_date(input, today(), any), want, "{input:?}");
        }
        // A birth is in the past, an appointment to come.
        assert_eq!(
            parse_date("1/1/27", today(), DateRule::BIRTH),
            Ok(PartialDate::Day(day(1927, 1, 1)))
        );
        assert_eq!(
            parse_date("5/7/30", today(), DateRule::FUTURE_DAY),
            Ok(PartialDate::Day(day(2030, 7, 5)))
        );
        assert_eq!(full_year(99, 2026, When::Future), 2099);
        assert_eq!(full_year(20, 2026, When::Past), 2020);
        assert_eq!(full_year(60, 2026, When::Any), 2060);
        assert_eq!(full_year(80, 2026, When::Any), 1980);
    }

    #[test]
    fn date_leap_years() {
        assert_eq!(
            parse_date("29/02/2024", today(), DateRule::PAST_DAY),
            Ok(PartialDate::Day(day(2024, 2, 29)))
        );
        assert_eq!(
            parse_date("29/02/2023", today(), DateRule::PAST_DAY),
            Err(DateInvalid)
        );
        assert_eq!(
            parse_date("29/02/2000", today(), DateRule::PAST_DAY),
            Ok(PartialDate::Day(day(2000, 2, 29)))
        );
        assert_eq!(
            parse_date("29/02/1900", today(), DateRule::PAST_DAY),
            Err(DateInvalid)
        );
    }

    #[test]
    fn date_invalid_values() {
        for input in [
            "31/02/1990",
            "31/04/1990",
            "00/05/1990",
            "12/13/1990",
            "12/00/1990",
            "1990-02-30",
        ] {
            assert_eq!(
                parse_date(input, today(), DateRule::BIRTH),
                Err(DateInvalid),
                "{input}"
            );
        }
    }

    #[test]
    fn date_1900_boundary() {
        assert_eq!(
            parse_date("1/1/1900", today(), DateRule::BIRTH),
            Ok(PartialDate::Day(day(1900, 1, 1)))
        );
        assert_eq!(
            parse_date("31/12/1899", today(), DateRule::BIRTH),
            Err(DateBefore1900)
        );
        assert_eq!(
            parse_date("1899", today(), DateRule::BIRTH),
            Err(DateBefore1900)
        );
        assert_eq!(
            parse_date("1900", today(), DateRule::BIRTH),
            Ok(PartialDate::Year(1900))
        );
    }

    #[test]
    fn date_past_rule() {
        let now = today();
        let tomorrow = now.succ_opt().unwrap();
        let past = DateRule::PAST_DAY;
        assert_eq!(
            parse_date(&PartialDate::Day(now).display(), now, past),
            Ok(PartialDate::Day(now))
        );
        assert_eq!(
            parse_date(&PartialDate::Day(tomorrow).display(), now, past),
            Err(DateInFuture)
        );
        assert_eq!(parse_date("2027", now, DateRule::BIRTH), Err(DateInFuture));
        assert_eq!(
            parse_date("2026", now, DateRule::BIRTH),
            Ok(PartialDate::Year(2026))
        );
    }

    #[test]
    fn date_future_rule() {
        let now = today();
        let yesterday = now.pred_opt().unwrap();
        let future = DateRule::FUTURE_DAY;
        assert_eq!(
            parse_date(&PartialDate::Day(now).display(), now, future),
            Ok(PartialDate::Day(now))
        );
        assert_eq!(
            parse_date(&PartialDate::Day(yesterday).display(), now, future),
            Err(DateInPast)
        );
        let year_rule = DateRule {
            year_only: true,
            when: When::Future,
        };
        assert_eq!(parse_date("2025", now, year_rule), Err(DateInPast));
        assert_eq!(
            parse_date("2026", now, year_rule),
            Ok(PartialDate::Year(2026))
        );
    }

    #[test]
    fn date_any_rule() {
        let any = DateRule {
            year_only: false,
            when: When::Any,
        };
        assert_eq!(
            parse_date("01/01/2100", today(), any),
            Ok(PartialDate::Day(day(2100, 1, 1)))
        );
        assert_eq!(
            parse_date("01/01/1950", today(), any),
            Ok(PartialDate::Day(day(1950, 1, 1)))
        );
    }

    #[test]
    fn date_year_only_follows_rule() {
        assert_eq!(
            parse_date("1990", today(), DateRule::BIRTH),
            Ok(PartialDate::Year(1990))
        );
        assert_eq!(
            parse_date("1990", today(), DateRule::PAST_DAY),
            Err(DateYearOnlyNotAllowed)
        );
    }

    #[test]
    fn date_format_errors() {
        // (Two-digit years and eight digits are read since issue 20: see
        // `dates_as_an_operator_types_them`.)
        for input in [
            "90",
            "19900",
            "0105199",
            "hôm qua",
            "01/05",
            "01/05/1990/1",
            "01//1990",
            "01/05-1990",
            "1990/05/01",
            "1990.05.01",
            "001/05/1990",
            "01/005/1990",
            "+1/05/1990",
            "ngày 01 tháng 05 năm 1990",
        ] {
            assert_eq!(
                parse_date(input, today(), DateRule::BIRTH),
                Err(DateFormat),
                "{input:?}"
            );
        }
        assert_eq!(parse_date("  ", today(), DateRule::BIRTH), Err(Required));
    }

    #[test]
    fn partial_date_round_trips() {
        let d = PartialDate::Day(day(1990, 5, 1));
        assert_eq!(d.iso(), "1990-05-01");
        assert_eq!(d.display(), "01/05/1990");
        assert_eq!(d.year(), 1990);
        assert_eq!(PartialDate::parse_iso("1990-05-01"), Some(d));
        let y = PartialDate::Year(1990);
        assert_eq!(y.iso(), "1990");
        assert_eq!(y.display(), "1990");
        assert_eq!(PartialDate::parse_iso("1990"), Some(y));
        for bad in [
            "",
            "90",
            "1990-5-1",
            "1990-02-30",
            "01/05/1990",
            "abcd",
            "1990-05-01-",
        ] {
            assert_eq!(PartialDate::parse_iso(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_month_and_year_is_taken_where_a_year_alone_is() {
        // Issue 23: old records often carry only the month and the year.
        let feb = Ok(PartialDate::Month(1990, 2));
        for typed in [
            "02/1990",
            "2/1990",
            "02-1990",
            "02.1990",
            "1990-02",
            " 02 / 1990 ",
        ] {
            assert_eq!(
                parse_date(typed, today(), DateRule::BIRTH),
                feb,
                "{typed:?}"
            );
        }
        let date = PartialDate::Month(1990, 2);
        assert_eq!(date.iso(), "1990-02");
        assert_eq!(date.display(), "02/1990");
        assert_eq!(PartialDate::parse_iso("1990-02"), Some(date));
        assert_eq!(date.year(), 1990);
        // Stored as before: full dates and years read back unchanged.
        assert_eq!(
            PartialDate::parse_iso("1990"),
            Some(PartialDate::Year(1990))
        );
        assert_eq!(
            PartialDate::parse_iso("1990-02-03"),
            Some(PartialDate::Day(day(1990, 2, 3)))
        );
        for bad in ["13/1990", "00/1990", "1990-13"] {
            assert_eq!(
                parse_date(bad, today(), DateRule::BIRTH),
                Err(DateInvalid),
                "{bad}"
            );
        }
        assert_eq!(PartialDate::parse_iso("1990-13"), None);
        assert_eq!(PartialDate::parse_iso("1990-2"), None);
        // Where a year alone is not enough, neither is a month.
        assert_eq!(
            parse_date("02/1990", today(), DateRule::PAST_DAY),
            Err(DateYearOnlyNotAllowed)
        );
        // This month is not in the future; next month is.
        assert_eq!(
            parse_date("03/2026", today(), DateRule::BIRTH),
            Ok(PartialDate::Month(2026, 3))
        );
        assert_eq!(
            parse_date("04/2026", today(), DateRule::BIRTH),
            Err(DateInFuture)
        );
        assert_eq!(
            parse_date("12/1899", today(), DateRule::BIRTH),
            Err(DateBefore1900)
        );
    }

    #[test]
    fn partial_dates_are_after_a_day_only_when_all_of_them_is() {
        let visit = day(1990, 2, 10);
        assert!(!PartialDate::Month(1990, 2).is_after(visit));
        assert!(PartialDate::Month(1990, 3).is_after(visit));
        assert!(!PartialDate::Year(1990).is_after(visit));
        assert!(PartialDate::Year(1991).is_after(visit));
        assert!(PartialDate::Day(day(1990, 2, 11)).is_after(visit));
        assert!(!PartialDate::Day(visit).is_after(visit));
        assert!(PartialDate::Month(1989, 12).is_before(day(1990, 1, 1)));
        assert!(!PartialDate::Month(1990, 1).is_before(day(1990, 1, 31)));
        assert!(PartialDate::Year(1991).is_wholly_after(&PartialDate::Month(1990, 12)));
        assert!(!PartialDate::Month(1990, 12).is_wholly_after(&PartialDate::Year(1990)));
    }

    #[test]
    fn nine_zeros_are_not_a_cmnd() {
        assert_eq!(check_cmnd("000000000"), Err(CmndAllZeros));
        assert_eq!(check_cmnd("000 000 000"), Err(CmndAllZeros));
        assert_eq!(check_cmnd("000000001"), Ok("000000001".into()));
    }

    #[test]
    fn province_000_is_an_error() {
        assert_eq!(
            check_personal_id("000090123456", None, None),
            Err(IdZeroProvince)
        );
        assert!(IdZeroProvince.severity() == Severity::Error);
        // Another code not in the list may be a country: still a warning.
        assert_eq!(
            check_personal_id("099090123456", None, None),
            Ok((
                "099090123456".into(),
                vec![IdUnknownProvince { code: "099".into() }]
            ))
        );
    }

    // ---------------------------------------------------------- names

    #[test]
    fn names_are_cleaned() {
        assert_eq!(
            check_name("  nguye\u{0302}\u{0303}n  văn\u{00A0}A "),
            Ok("nguyễn văn A".into())
        );
        assert_eq!(
            check_name("Nguyễn Thị Minh Khai"),
            Ok("Nguyễn Thị Minh Khai".into())
        );
    }

    #[test]
    fn names_with_minority_punctuation() {
        for n in [
            "H'Hen Niê",
            "Ksor H\u{2019}Bia",
            "Y-Moan Enuôl",
            "Nguyễn T. Bé",
            "Lò Văn Páo",
        ] {
            assert_eq!(check_name(n), Ok(n.to_string()));
        }
    }

    #[test]
    fn name_errors() {
        assert_eq!(check_name(""), Err(Required));
        assert_eq!(check_name(" \t "), Err(Required));
        assert_eq!(check_name("Nguyễn Văn 2"), Err(NameHasDigits));
        assert_eq!(check_name("Trần Thị ③"), Err(NameHasDigits));
        assert_eq!(check_name("Lê Văn @Tám"), Err(NameHasSymbols));
        assert_eq!(check_name("Lê, Văn"), Err(NameHasSymbols));
        assert_eq!(check_name("Lê Văn Tám!"), Err(NameHasSymbols));
        assert_eq!(check_name("Lê_Văn"), Err(NameHasSymbols));
    }

    // ---------------------------------------------------------- sex

    #[test]
    fn sex_spellings() {
        for m in ["Nam", "NAM", "nam giới", "male", "Male", "MALE"] {
            assert_eq!(parse_sex(m), Some(Sex::Male), "{m}");
        }
        for f in [
            "Nữ",
            "nữ",
            "nu",
            "NỮ",
            "Nu\u{031B}\u{0303}",
            "female",
            "Female",
        ] {
            assert_eq!(parse_sex(f), Some(Sex::Female), "{f}");
        }
        // Issue 23: a digit or a letter is not a sex ("1" is female in the ID).
        for x in ["", "0", "1", "2", "3", "9", "M", "m", "F", "f", "khác", "x"] {
            assert_eq!(parse_sex(x), None, "{x}");
        }
    }

    // ---------------------------------------------------------- robustness

    proptest::proptest! {
        #[test]
        fn checks_never_panic(s in proptest::prelude::any::<String>()) {
            let _ = check_personal_id(&s, Some(Sex::Female), Some(PartialDate::Year(1990)));
            let _ = check_cmnd(&s);
            let _ = check_phone(&s);
            let _ = parse_date(&s, today(), DateRule::BIRTH);
            let _ = check_name(&s);
            let _ = parse_sex(&s);
            let _ = PartialDate::parse_iso(&s);
        }

        #[test]
        fn digits_value_reads_what_parse_reads(s in "[0-9]{0,10}|[0-9+-]{0,4}|.{0,4}") {
            let parsed = (all_ascii_digits(&s) && s.len() <= 9).then(|| s.parse().ok()).flatten();
            proptest::prop_assert_eq!(digits_value(&s), parsed);
        }

        #[test]
        fn parse_iso_reads_what_splitting_at_dashes_reads(
            s in "[0-9]{4}(-[0-9]{1,3}-?[0-9]{0,3})?-?|[0-9-]{0,11}|.{0,11}"
        ) {
            // The shape parse_iso is documented by, spelled out as parts.
            let parts: Vec<&str> = s.split('-').collect();
            let by_parts = match parts.as_slice() {
                [y] if y.len() == 4 => digits_value(y).map(|y| PartialDate::Year(y as i32)),
                [y, m] if y.len() == 4 && m.len() == 2 => match (digits_value(y), digits_value(m)) {
                    (Some(y), Some(m)) if (1..=12).contains(&m) => Some(PartialDate::Month(y as i32, m)),
                    _ => None,
                },
                [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
                    match (digits_value(y), digits_value(m), digits_value(d)) {
                        (Some(y), Some(m), Some(d)) => ymd(y, m, d).map(PartialDate::Day),
                        _ => None,
                    }
                }
                _ => None,
            };
            proptest::prop_assert_eq!(PartialDate::parse_iso(&s), by_parts);
        }

        #[test]
        fn an_iso_date_reads_as_typed_and_writes_back_as_it_was(
            s in "[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?|.{0,12}",
            year_only: bool,
        ) {
            if let Some(date) = PartialDate::parse_iso(&s) {
                proptest::prop_assert_eq!(date.iso(), s.clone());
                for when in [When::Past, When::Future, When::Any] {
                    let rule = DateRule { year_only, when };
                    proptest::prop_assert_eq!(parse_date(&s, today(), rule), check_date(date, today(), rule));
                }
            }
        }

        #[test]
        fn names_are_judged_as_by_two_passes(s in "[a-zA-Z0-9 ,.'!@àáạễĐđƯươ\u{0301}\u{00A0}\u{2160}\u{00B2}\u{2019}]{0,10}") {
            // The rule spelled out: a digit anywhere, else a symbol anywhere.
            let name = text::clean(&s);
            let allowed = |c: char| {
                c.is_alphabetic()
                    || c == ' '
                    || is_name_punctuation(c)
                    || unicode_normalization::char::is_combining_mark(c)
            };
            let two_passes = if name.is_empty() {
                Err(Required)
            } else if name.chars().any(char::is_numeric) {
                Err(NameHasDigits)
            } else if !name.chars().all(allowed) {
                Err(NameHasSymbols)
            } else {
                Ok(name.clone())
            };
            proptest::prop_assert_eq!(check_clean_name(&name).map(|()| name.clone()), two_passes.clone());
            proptest::prop_assert_eq!(check_name(&s), two_passes);
        }

        #[test]
        fn digit_strings_never_panic(s in "[0-9 .+()-]{0,16}") {
            let _ = check_personal_id(&s, Some(Sex::Male), Some(PartialDate::Year(2001)));
            let _ = check_cmnd(&s);
            let _ = check_phone(&s);
            let _ = parse_date(&s, today(), DateRule::BIRTH);
        }
    }
}
