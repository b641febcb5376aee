//! Case versions: the unit of work that is saved, carried in bundles and merged.
//!
//! A case is never updated in place; every save appends a [`Version`]. Its id is
//! a hash of its canonical content, so the same version arriving twice is stored
//! once. Pure data and hashing: no storage, no clock.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where a case stands, as saved in a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Saved with problems still open; never counted as done.
    Draft,
    /// Valid so far, but the work is not finished.
    InProgress,
    /// Finished.
    Done,
    /// Cannot go on for a reason recorded in the case (e.g. no smartphone).
    Blocked,
    /// The commune sent it back with a comment; the team's next save clears it.
    NeedsCorrection,
    /// Made by mistake: closed with a reason, kept in the history, counted
    /// nowhere. A later save opens it again.
    Voided,
}

impl Status {
    /// Every status, in the order stores number them: a new one goes last.
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::InProgress,
        Status::Done,
        Status::Blocked,
        Status::NeedsCorrection,
        Status::Voided,
    ];

    /// The stable identifier used in bundles, CSV and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Blocked => "blocked",
            Status::NeedsCorrection => "needs_correction",
            Status::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether what a case's values say may be counted as a result (in the
    /// report's lines): saved without errors, not sent back for correction,
    /// not voided. A draft is work begun, never a result.
    pub fn counts(self) -> bool {
        matches!(self, Status::InProgress | Status::Done | Status::Blocked)
    }
}

/// One saved state of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// Hash of the canonical content (see [`Version::compute_id`]).
    pub id: String,
    /// The case's stable id.
    pub record: String,
    /// The version(s) this one was edited from, sorted; empty for a new case.
    pub parents: Vec<String>,
    pub form: String,
    /// The version of the form the values were made with: 0 for a form
    /// shipped in the binary, from 1 for one the commune added (its cases
    /// are read and checked with the form they were made with).
    #[serde(default)]
    pub form_version: u32,
    pub team: u8,
    pub device: String,
    pub author: String,
    pub edited_at: DateTime<FixedOffset>,
    pub status: Status,
    /// Normalised field values; an empty field is absent.
    pub values: BTreeMap<String, String>,
    /// Warnings the author saw and confirmed, as `field:code`, sorted.
    pub confirmed: Vec<String>,
}

/// Everything a version holds except its id, as the caller assembles it.
#[derive(Clone, Debug)]
pub struct Draft {
    pub record: String,
    pub parents: Vec<String>,
    pub form: String,
    pub team: u8,
    pub device: String,
    pub author: String,
    pub edited_at: DateTime<FixedOffset>,
    pub status: Status,
    pub values: BTreeMap<String, String>,
    pub confirmed: Vec<String>,
}

impl Draft {
    /// Seals the content into a version with its content id.
    pub fn seal(self) -> Version {
        let mut parents = self.parents;
        crate::sort::sort(&mut parents);
        parents.dedup();
        let mut confirmed = self.confirmed;
        crate::sort::sort(&mut confirmed);
        confirmed.dedup();
        let mut v = Version {
            id: String::new(),
            record: self.record,
            parents,
            // The form in force is the one the values were made with.
            form_version: crate::domain::form::forms()
                .iter()
                .find(|f| f.id == self.form)
                .map_or(0, |f| f.version),
            form: self.form,
            team: self.team,
            device: self.device,
            author: self.author,
            edited_at: truncate_to_seconds(self.edited_at),
            status: self.status,
            values: self
                .values
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect(),
            confirmed,
        };
        v.id = v.compute_id();
        v
    }
}

fn truncate_to_seconds(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    use chrono::Timelike;
    t.with_nanosecond(0).unwrap_or(t)
}

/// A byte as two lowercase hex digits.
fn hex_pair(b: u8) -> [u8; 2] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]
}

/// Writes `n` in decimal.
fn put_decimal(buf: &mut Vec<u8>, n: usize) {
    // The lengths of an id's encoding: most have one or two digits.
    if n < 10 {
        buf.push(b'0' + n as u8);
        return;
    }
    if n < 100 {
        buf.push(b'0' + (n / 10) as u8);
        buf.push(b'0' + (n % 10) as u8);
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[at..]);
}

/// A time as tothon writes times everywhere: RFC 3339 to the second, with
/// its offset (`2026-11-20T09:30:00+07:00`), exactly as chrono's
/// `to_rfc3339_opts(Secs, false)` writes it. Written out by hand for the
/// common case (an import formats two per version); anything unusual (a
/// year past 9999, an offset with seconds) is left to chrono.
pub fn time_text(t: &DateTime<FixedOffset>) -> String {
    let mut out = String::with_capacity(25);
    time_text_into(t, &mut out);
    out
}

/// [`time_text`] into `out` (cleared first), reusing its memory.
pub fn time_text_into(t: &DateTime<FixedOffset>, out: &mut String) {
    out.clear();
    match plain_time_bytes(t) {
        // Digits and marks, always UTF-8.
        Some(text) => out.push_str(std::str::from_utf8(&text).unwrap_or_default()),
        None => out.push_str(&t.to_rfc3339_opts(SecondsFormat::Secs, false)),
    }
}

/// [`time_text`] of an ordinary time (a year 0–9999, an offset of whole
/// minutes), written by hand; `None` for the rest, which chrono writes.
fn plain_time_bytes(t: &DateTime<FixedOffset>) -> Option<[u8; 25]> {
    use chrono::{Datelike, Timelike};
    let offset = t.offset().local_minus_utc();
    // Each of chrono's accessors works the local time out again: once here.
    let local = t.naive_local();
    let year = local.year();
    if !(0..=9999).contains(&year) || offset % 60 != 0 {
        return None;
    }
    let mut text = *b"0000-00-00T00:00:00+00:00";
    let mut two = |at: usize, n: u32| {
        text[at] = b'0' + (n / 10) as u8;
        text[at + 1] = b'0' + (n % 10) as u8;
    };
    two(0, year as u32 / 100);
    two(2, year as u32 % 100);
    two(5, local.month());
    two(8, local.day());
    two(11, local.hour());
    two(14, local.minute());
    // A leap second is kept in the nanoseconds, and shows as :60.
    two(
        17,
        local.second() + u32::from(local.nanosecond() >= 1_000_000_000),
    );
    let minutes = offset.unsigned_abs() / 60;
    two(20, minutes / 60);
    two(23, minutes % 60);
    if offset < 0 {
        text[19] = b'-';
    }
    Some(text)
}

/// The time `s` is, when it is written exactly as [`time_text`] writes
/// it; `None` otherwise. Bundles' rows and the store's entries hold one a
/// version: an ordinary time (a year 0–9999, no leap second) is read by
/// hand, anything else by chrono and written again to compare.
pub fn parse_time_text(s: &str) -> Option<DateTime<FixedOffset>> {
    parse_plain_time(s).or_else(|| {
        let t = DateTime::parse_from_rfc3339(s).ok()?;
        (time_text(&t) == s).then_some(t)
    })
}

/// [`parse_time_text`] of an ordinary time. Whenever it finds a time,
/// chrono's parser finds the same one and [`time_text`] gives `s` back (a
/// test checks); `None` leaves the rest to them.
fn parse_plain_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let b: &[u8; 25] = s.as_bytes().try_into().ok()?;
    let two = |at: usize| -> Option<u32> {
        let (hi, lo) = (b[at].wrapping_sub(b'0'), b[at + 1].wrapping_sub(b'0'));
        (hi < 10 && lo < 10).then(|| u32::from(hi) * 10 + u32::from(lo))
    };
    let east = match b[19] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let marks = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (22, b':'),
    ];
    if marks.iter().any(|&(at, mark)| b[at] != mark) {
        return None;
    }
    let year = two(0)? * 100 + two(2)?;
    let date = chrono::NaiveDate::from_ymd_opt(year as i32, two(5)?, two(8)?)?;
    let local = date.and_hms_opt(two(11)?, two(14)?, two(17)?)?;
    let (hours, minutes) = (two(20)?, two(23)?);
    // "-00:00" reads as no offset, which is written "+00:00".
    if minutes >= 60 || (east < 0 && hours == 0 && minutes == 0) {
        return None;
    }
    let offset = FixedOffset::east_opt(east * (hours * 3600 + minutes * 60) as i32)?;
    local.and_local_timezone(offset).single()
}

/// Length of a version id in hex characters (128 bits of SHA-256).
pub const ID_LEN: usize = 32;

impl Version {
    /// A version to fill in (a bundle's rows are read into one, reused).
    pub fn blank() -> Version {
        Version {
            id: String::new(),
            record: String::new(),
            parents: Vec::new(),
            form: String::new(),
            form_version: 0,
            team: 0,
            device: String::new(),
            author: String::new(),
            edited_at: DateTime::UNIX_EPOCH.fixed_offset(),
            status: Status::Draft,
            values: BTreeMap::new(),
            confirmed: Vec::new(),
        }
    }

    /// The time as written in bundles and on screen: RFC 3339, seconds, with offset.
    pub fn edited_at_text(&self) -> String {
        time_text(&self.edited_at)
    }

    /// SHA-256 over a length-prefixed encoding of every field but the id, so that
    /// no two different contents can share an encoding, and the id can be
    /// recomputed by anyone holding the same fields (bundle import does).
    /// The id is the first half of the digest, in lowercase hex.
    pub fn compute_id(&self) -> String {
        let mut hex = String::with_capacity(ID_LEN);
        for &b in &self.digest()[..ID_LEN / 2] {
            hex.extend(hex_pair(b).map(char::from));
        }
        hex
    }

    /// Whether the id is the one [`Version::compute_id`] gives (every
    /// version a bundle brings is checked so: nothing is allocated).
    pub fn id_is_valid(&self) -> bool {
        let digest = self.digest();
        self.id.len() == ID_LEN
            && self
                .id
                .as_bytes()
                .chunks_exact(2)
                .zip(digest)
                .all(|(pair, b)| pair == hex_pair(b))
    }

    /// The SHA-256 of the id's encoding. Each field is `name:len:value\n`;
    /// lists are joined with `,` (ids and codes never contain one). The
    /// encoding is written into one buffer, kept by each thread (every
    /// import recomputes every id), and hashed at once.
    fn digest(&self) -> [u8; 32] {
        thread_local! {
            static ENCODING: std::cell::RefCell<Vec<u8>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        ENCODING.with_borrow_mut(|buf| {
            buf.clear();
            #[inline(always)]
            fn put_head(buf: &mut Vec<u8>, name: &[u8], len: usize) {
                buf.extend_from_slice(name);
                buf.push(b':');
                put_decimal(buf, len);
                buf.push(b':');
            }
            #[inline(always)]
            fn put(buf: &mut Vec<u8>, name: &[u8], value: &str) {
                put_bytes(buf, name, value.as_bytes());
            }
            fn put_bytes(buf: &mut Vec<u8>, name: &[u8], value: &[u8]) {
                put_head(buf, name, value.len());
                buf.extend_from_slice(value);
                buf.push(b'\n');
            }
            fn put_list(buf: &mut Vec<u8>, name: &[u8], items: &[String]) {
                let len = items.iter().map(|i| i.len() + 1).sum::<usize>();
                put_head(buf, name, len.saturating_sub(1));
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(item.as_bytes());
                }
                buf.push(b'\n');
            }
            put(buf, b"record", &self.record);
            put_list(buf, b"parents", &self.parents);
            put(buf, b"form", &self.form);
            // Only a form the commune added has a version: the ids of
            // every version of a shipped form stay as they always were.
            if self.form_version != 0 {
                put(buf, b"form_version", &self.form_version.to_string());
            }
            let digits = match self.team {
                0..=9 => 1,
                10..=99 => 2,
                _ => 3,
            };
            put_head(buf, b"team", digits);
            put_decimal(buf, usize::from(self.team));
            buf.push(b'\n');
            put(buf, b"device", &self.device);
            put(buf, b"author", &self.author);
            match plain_time_bytes(&self.edited_at) {
                Some(text) => put_bytes(buf, b"edited_at", &text),
                None => put(buf, b"edited_at", &time_text(&self.edited_at)),
            }
            put(buf, b"status", self.status.as_str());
            put_list(buf, b"confirmed", &self.confirmed);
            for (k, v) in &self.values {
                buf.extend_from_slice(b"value.");
                put(buf, k.as_bytes(), v);
            }
            let digest = Sha256::digest(buf.as_slice()).into();
            // A rare large version does not keep its memory for the
            // thread's life.
            if buf.capacity() > 1 << 16 {
                *buf = Vec::new();
            }
            digest
        })
    }
}

// ------------------------------------------------------------- ids as text --
// What an id read from outside (a bundle's cell) must look like to be taken
// for one.

/// Exactly `len` hex digits, their letters upper case when `upper`, else
/// lower case.
pub fn is_hex(s: &str, len: usize, upper: bool) -> bool {
    s.len() == len
        && s.bytes().all(|b| {
            b.is_ascii_digit()
                || if upper {
                    (b'A'..=b'F').contains(&b)
                } else {
                    (b'a'..=b'f').contains(&b)
                }
        })
}

/// A device id as tothon makes them: short, letters, digits, `-` and `_`.
pub fn is_device_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A version id as [`Version::compute_id`] writes it.
pub fn is_version_id(s: &str) -> bool {
    is_hex(s, ID_LEN, false)
}

/// A confirmed warning as versions keep it: `field:code`.
pub fn is_confirm_code(s: &str) -> bool {
    match s.split_once(':') {
        Some((f, c)) => {
            let word = |w: &str| {
                !w.is_empty()
                    && w.len() <= 64
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            };
            word(f) && word(c)
        }
        None => false,
    }
}

/// A record id in one of the shapes tothon makes, ASCII only: a form's code
/// and a number, `AC-00012` (a work item from a work list, five digits or
/// more; a register entry, `NK-000012`), or a form's code, the device that
/// opened the case and its number there, `AC-T31477-0001` (four digits or
/// more). Anything else in a bundle (a right-to-left control, a look-alike
/// letter) is refused, so it can neither pass for another id nor reach a
/// terminal.
pub fn is_record_id(s: &str) -> bool {
    let number = |n: &str, min: usize| {
        (min..=20).contains(&n.len())
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.bytes().any(|b| b != b'0')
    };
    let Some((code, rest)) = s.split_once('-') else {
        return false;
    };
    let code_ok = (1..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase());
    if !code_ok || s.len() > 64 {
        return false;
    }
    match rest.rsplit_once('-') {
        None => number(rest, 5),
        Some((device, n)) => is_device_id(device) && number(n, 4),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("test time")
    }

    pub(crate) fn draft(record: &str, parents: &[&str], note: &str) -> Draft {
        Draft {
            record: record.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            form: "activation".into(),
            team: 1,
            device: "dev1".into(),
            author: "Lan".into(),
            edited_at: at("2026-11-20T09:30:00+07:00"),
            status: Status::InProgress,
            values: [("note".to_string(), note.to_string())].into(),
            confirmed: vec![],
        }
    }

    #[test]
    fn same_content_same_id_and_any_change_changes_it() {
        let a = draft("AC-1", &[], "x").seal();
        let b = draft("AC-1", &[], "x").seal();
        assert_eq!(a.id, b.id);
        assert_eq!(a.id.len(), ID_LEN);
        assert!(a.id_is_valid());
        let c = draft("AC-1", &[], "y").seal();
        assert_ne!(a.id, c.id);
        let mut d = draft("AC-1", &[], "x");
        d.author = "Hoa".into();
        assert_ne!(a.id, d.seal().id);
    }

    #[test]
    fn parents_order_does_not_matter_and_empty_values_are_dropped() {
        let a = draft("AC-1", &["b", "a"], "x").seal();
        let b = draft("AC-1", &["a", "b"], "x").seal();
        assert_eq!(a.id, b.id);
        let mut c = draft("AC-1", &["a", "b"], "x");
        c.values.insert("phone".into(), String::new());
        assert_eq!(c.seal().id, a.id);
    }

    #[test]
    fn tampered_version_is_detected() {
        let mut v = draft("AC-1", &[], "x").seal();
        v.values.insert("note".into(), "changed".into());
        assert!(!v.id_is_valid());
    }

    #[test]
    fn the_encoding_of_an_id_does_not_change() {
        // Ids are stored and travel in bundles: a change to the encoding
        // would orphan every version saved before it.
        let mut d = draft("AC-1", &["b", "a"], "ghi chú");
        d.confirmed = vec!["x:y".into(), "a:b".into()];
        assert_eq!(d.seal().id, "aee3a8c3d66be51d4834061c3b7385bb");
    }

    #[test]
    fn times_are_written_as_chrono_writes_them() {
        use proptest::prelude::*;
        let chrono_text = |t: &DateTime<FixedOffset>| t.to_rfc3339_opts(SecondsFormat::Secs, false);
        for s in [
            "2026-11-20T09:30:00+07:00",
            "0001-01-01T00:00:00+00:00",
            "1999-12-31T23:59:59-05:30",
            "2026-06-30T23:59:60+00:00",
            "2026-11-20T09:30:00.999+07:00",
        ] {
            let t = at(s);
            assert_eq!(time_text(&t), chrono_text(&t), "{s}");
        }
        proptest!(|(secs in -62_000_000_000i64..300_000_000_000, offset in -86_399i32..86_399)| {
            let tz = FixedOffset::east_opt(offset).unwrap();
            if let Some(t) = chrono::TimeZone::timestamp_opt(&tz, secs, 0).single() {
                prop_assert_eq!(time_text(&t), chrono_text(&t));
            }
        });
    }

    #[test]
    fn times_are_read_as_chrono_reads_what_tothon_writes() {
        use proptest::prelude::*;
        let chrono_read = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .filter(|t| time_text(t) == s)
        };
        for s in [
            "2026-11-20T09:30:00+07:00",
            "0000-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-23:59",
            "2026-06-30T23:59:60+00:00",
            "2026-11-20T09:30:00-00:00",
            "2026-11-20T09:30:00+24:00",
            "2026-11-20T09:30:00+07:60",
            "2026-11-20T24:00:00+07:00",
            "2026-02-29T09:30:00+07:00",
            "2026-11-20t09:30:00+07:00",
            "2026-11-20T09:30:00Z",
            "2026-11-20T09:30:00.5+07:00",
            "+2026-11-20T09:30:00+07:00",
        ] {
            assert_eq!(parse_time_text(s), chrono_read(s), "{s}");
        }
        proptest!(|(secs in -62_000_000_000i64..300_000_000_000, offset in -86_399i32..86_399)| {
            let tz = FixedOffset::east_opt(offset).unwrap();
            if let Some(t) = chrono::TimeZone::timestamp_opt(&tz, secs, 0).single() {
                let s = time_text(&t);
                prop_assert_eq!(parse_time_text(&s), chrono_read(&s));
            }
        });
        proptest!(|(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}")| {
            prop_assert_eq!(parse_time_text(&s), chrono_read(&s));
            prop_assert!(parse_plain_time(&s).is_none() || chrono_read(&s).is_some());
        });
    }

    #[test]
    fn ids_read_from_outside_must_follow_their_grammar() {
        let id = "aee3a8c3d66be51d4834061c3b7385bb";
        assert!(is_version_id(id));
        assert!(!is_version_id(&id.to_uppercase()) && !is_version_id(&id[1..]));
        assert!(is_hex("0123ABCD", 8, true) && !is_hex("0123abcd", 8, true));
        assert!(is_device_id("T3AB12") && is_device_id("a-b_c"));
        assert!(!is_device_id("") && !is_device_id("a b") && !is_device_id(&"x".repeat(33)));
        // The shapes tothon makes: a device's case, a work item, a register entry.
        for id in [
            "AC-T3AB12-0001",
            "AC-a-b_c-12345",
            "AC-00001",
            "NK-000042",
            "CS-XA01-0001",
        ] {
            assert!(is_record_id(id), "{id}");
        }
        for id in [
            "Nguyễn",
            "AC-1",
            "AC-0001",
            "AC-00000",
            "AC-T3AB12-001",
            "ac-00001",
            "AC-T3AB12-0001\u{202e}",
            "AC-T3\u{202e}AB12-0001",
            "АC-00001", // a Cyrillic А
            "AC-00001 ",
            "AC--0001",
            "AC-T3AB12-0001;AC-00002",
            "-00001",
            "AC-٠٠٠٠١", // Arabic-Indic digits
        ] {
            assert!(!is_record_id(id), "{id}");
        }
        assert!(is_confirm_code("person_id:id_year_mismatch"));
        assert!(!is_confirm_code("person_id") && !is_confirm_code("Phone:x"));
    }

    #[test]
    fn sub_second_time_is_not_part_of_identity() {
        let mut d = draft("AC-1", &[], "x");
        d.edited_at = at("2026-11-20T09:30:00.456+07:00");
        assert_eq!(d.seal().id, draft("AC-1", &[], "x").seal().id);
    }
}
