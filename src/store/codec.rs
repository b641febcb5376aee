//! How values are written into redb: one codec byte, then the value.
//!
//! The codec byte lets a later release change the encoding and still read
//! what an earlier one wrote. Most values are JSON, whose serde defaults let
//! fields be added without a migration. Case versions — the bulk of a store,
//! written by the hundred thousand when a bundle is merged — have a compact
//! binary layout of their own ([`encode_version`]), and so have the
//! commune's list of people and its work items, written by the hundred
//! thousand when a list is imported or a demo built ([`encode_person`],
//! [`encode_work_item`]).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeZone, Timelike};
use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;
use crate::domain::case::CaseEntry;
use crate::domain::form::{self, FormSpec};
use crate::domain::listing::{self, ListRow};
use crate::domain::rules::Sex;
use crate::domain::standing::Stage;
use crate::domain::version::{ID_LEN, Status, Version, parse_time_text, time_text};
use crate::domain::work::{Person, WorkItem};

const CODEC_JSON: u8 = 1;
const CODEC_VERSION: u8 = 2;
/// [`CODEC_VERSION`] with the form and the value's fields by number
/// (schema 5): a fifth of a version's bytes were names.
const CODEC_VERSION_BY_NUMBER: u8 = 4;
/// [`CODEC_VERSION`] with the version of the form after its name: a
/// version of a form the commune added (their fields have no numbers).
const CODEC_VERSION_OF_ADDED: u8 = 9;
const CODEC_CASE: u8 = 3;
/// [`CODEC_CASE`] with the form by number, head ids as bytes and the time
/// as seconds and offset: a fifth of a new case's stored bytes were these.
const CODEC_CASE_COMPACT: u8 = 5;
/// [`CODEC_CASE_COMPACT`] without the title and search key, which the list
/// line stored before the entry holds already (schema 9): they were a
/// third of a merged case's line.
const CODEC_CASE_LINED: u8 = 8;
/// A person, without the key (the table's): JSON spent more than half of a
/// person's bytes on names and quotes.
const CODEC_PERSON: u8 = 6;
/// A work item of a known form, without the id (the table's), its form and
/// the prefilled fields by number.
const CODEC_WORK_ITEM: u8 = 7;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![CODEC_JSON];
    // Serialising plain data structs to a Vec cannot fail.
    serde_json::to_writer(&mut out, value).expect("store values serialise");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &'static str) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&CODEC_JSON, json)) => {
            serde_json::from_slice(json).map_err(|e| StoreError::Corrupt {
                what,
                detail: e.to_string(),
            })
        }
        _ => Err(StoreError::Corrupt {
            what,
            detail: "unknown codec".into(),
        }),
    }
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    // LEB128: seven bits a byte, the high bit set while more follow.
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// A version as stored in `versions-2`: its record and id are the key, so
/// the value holds the rest. Form, device, author, time, status, then the
/// parents, the confirmed warnings and the values, each list counted. The
/// form and each value's field are written as their numbers in the form
/// specs; a version naming a form or field the specs lack (never stored:
/// versions are checked against the specs) keeps the names.
pub fn encode_version(v: &Version) -> Vec<u8> {
    let values: usize = v.values.iter().map(|(k, x)| k.len() + x.len() + 4).sum();
    let mut out = Vec::with_capacity(64 + v.author.len() + 34 * v.parents.len() + values);
    encode_version_into(v, &mut out);
    out
}

/// [`encode_version`] appended to `out`.
pub fn encode_version_into(v: &Version, out: &mut Vec<u8>) {
    let start = out.len();
    if let Some((number, spec)) = numbered_form(&v.form).filter(|_| v.form_version == 0) {
        out.push(CODEC_VERSION_BY_NUMBER);
        out.push(number);
        put_head(v, out);
        put_len(out, v.values.len());
        // Values and fields both in id order: one walk finds each field.
        let mut by_id = spec.by_id().iter();
        for (k, x) in &v.values {
            let field = by_id.by_ref().find(|&&n| spec.fields[n].id == *k);
            let Some(field) = field.and_then(|&n| u8::try_from(n).ok()) else {
                out.truncate(start);
                break;
            };
            out.push(field);
            put_str(out, x);
        }
        if out.len() > start {
            return;
        }
    }
    if v.form_version == 0 {
        out.push(CODEC_VERSION);
        put_str(out, &v.form);
    } else {
        out.push(CODEC_VERSION_OF_ADDED);
        put_str(out, &v.form);
        put_len(out, v.form_version as usize);
    }
    put_head(v, out);
    put_len(out, v.values.len());
    for (k, x) in &v.values {
        put_str(out, k);
        put_str(out, x);
    }
}

/// A form's number in the specs, as the compact layouts write it, and the
/// form; `None` for a form the specs lack.
pub(super) fn numbered_form(id: &str) -> Option<(u8, &'static FormSpec)> {
    let (n, spec) = form::builtin()
        .iter()
        .enumerate()
        .find(|(_, f)| f.id == id)?;
    Some((u8::try_from(n).ok()?, spec))
}

/// What both layouts of a version share, after the form.
fn put_head(v: &Version, out: &mut Vec<u8>) {
    out.push(v.team);
    put_str(out, &v.device);
    put_str(out, &v.author);
    put_time(out, &v.edited_at);
    out.push(status_byte(v.status));
    for list in [&v.parents, &v.confirmed] {
        put_len(out, list.len());
        for item in list {
            put_str(out, item);
        }
    }
}

/// Reads what [`encode_version`] wrote; anything else is `Corrupt`.
pub fn decode_version(record: &str, id: &str, bytes: &[u8]) -> Result<Version, StoreError> {
    read_version(record, id, bytes)
        .map(|v| v.to_version())
        .ok_or_else(|| StoreError::Corrupt {
            what: "version",
            detail: format!("{record} {id}"),
        })
}

/// A stored version read in place: what [`decode_version`] gives, borrowed
/// from the stored bytes instead of copied out of them (an export writes a
/// hundred thousand versions once each and keeps none).
#[derive(Clone, Copy, Debug)]
pub struct StoredVersion<'a> {
    pub record: &'a str,
    pub id: &'a str,
    pub form: &'a str,
    pub form_version: u32,
    pub team: u8,
    pub device: &'a str,
    pub author: &'a str,
    pub edited_at: DateTime<FixedOffset>,
    pub status: Status,
    /// The parents, the confirmed warnings and the values as encoded (each
    /// counted), checked whole by [`read_version`].
    parents: &'a [u8],
    confirmed: &'a [u8],
    values: &'a [u8],
    /// The form whose field numbers name the values, when they are numbers.
    numbered: Option<&'static FormSpec>,
}

impl<'a> StoredVersion<'a> {
    pub fn parents(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        strings(self.parents)
    }

    pub fn confirmed(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        strings(self.confirmed)
    }

    /// The values, field and value (in the order they were stored).
    pub fn values(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        let mut r = Reader(self.values);
        let n = r.len().unwrap_or(0);
        let numbered = self.numbered;
        (0..n).map_while(move |_| Some((field_name(&mut r, numbered)?, r.str()?)))
    }

    pub fn to_version(&self) -> Version {
        Version {
            id: self.id.to_string(),
            record: self.record.to_string(),
            parents: self.parents().map(str::to_string).collect(),
            form: self.form.to_string(),
            form_version: self.form_version,
            team: self.team,
            device: self.device.to_string(),
            author: self.author.to_string(),
            edited_at: self.edited_at,
            status: self.status,
            values: self
                .values()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            confirmed: self.confirmed().map(str::to_string).collect(),
        }
    }
}

/// A value's field: its number in `numbered`'s fields, or its name.
fn field_name<'a>(r: &mut Reader<'a>, numbered: Option<&'static FormSpec>) -> Option<&'a str> {
    match numbered {
        Some(spec) => Some(spec.fields.get(usize::from(r.byte()?))?.id.as_str()),
        None => r.str(),
    }
}

/// The strings of a counted list, as [`encode_version`] writes one.
fn strings(list: &[u8]) -> impl Iterator<Item = &str> {
    let mut r = Reader(list);
    let n = r.len().unwrap_or(0);
    (0..n).map_while(move |_| r.str())
}

/// Reads what [`encode_version`] wrote, in place; `None` for anything else.
pub fn read_version<'a>(
    record: &'a str,
    id: &'a str,
    bytes: &'a [u8],
) -> Option<StoredVersion<'a>> {
    let mut r = Reader(bytes);
    let (form, form_version, numbered) = match r.byte()? {
        CODEC_VERSION => (r.str()?, 0, None),
        CODEC_VERSION_OF_ADDED => (r.str()?, u32::try_from(r.len()?).ok()?, None),
        CODEC_VERSION_BY_NUMBER => {
            let spec = form::builtin().get(usize::from(r.byte()?))?;
            (spec.id.as_str(), 0, Some(spec))
        }
        _ => return None,
    };
    let team = r.byte()?;
    let device = r.str()?;
    let author = r.str()?;
    let edited_at = read_time(&mut r)?;
    let status = *Status::ALL.get(usize::from(r.byte()?))?;
    // Each list is walked once here, so reading it again cannot fail.
    let mut list = |keyed: bool| {
        let start = r.0;
        for _ in 0..r.len()? {
            if keyed {
                field_name(&mut r, numbered)?;
            }
            r.str()?;
        }
        Some(&start[..start.len() - r.0.len()])
    };
    let parents = list(false)?;
    let confirmed = list(false)?;
    let values = list(true)?;
    if !r.0.is_empty() {
        return None;
    }
    Some(StoredVersion {
        record,
        id,
        form,
        form_version,
        team,
        device,
        author,
        edited_at,
        status,
        parents,
        confirmed,
        values,
        numbered,
    })
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn status_byte(s: Status) -> u8 {
    Status::ALL.iter().position(|x| *x == s).unwrap_or(0) as u8
}

/// A case entry's status byte: the status's number, and its top bit set
/// when the case has strayed (`CaseEntry::strayed`; unset in every store
/// written before cases could stray, so they read as they were).
const STRAYED: u8 = 0x80;

fn case_status_byte(c: &CaseEntry) -> u8 {
    status_byte(c.status) | if c.strayed { STRAYED } else { 0 }
}

/// A case's index entry as stored after its line in `lines-1` (derived
/// data, rebuilt when its layout changes): the record is the key; the rest
/// in a compact layout, since a bundle merge writes one per case.
#[cfg(test)]
pub fn encode_case(c: &CaseEntry) -> Vec<u8> {
    let mut out = Vec::new();
    encode_case_or_lined(c, false, &mut out);
    out
}

/// [`encode_case`] to store after `line`, the case's list line: the title
/// and search key are left to the line when [`decode_case_after_line`]
/// finds them there again.
pub fn encode_case_after_line(c: &CaseEntry, line: &ListRow, out: &mut Vec<u8>) {
    let found = listing::case_texts(
        &c.record,
        c.correction.as_deref(),
        &line.title,
        &line.search,
    );
    let lined =
        super::rows::keeps_texts(line) && found == Some((c.title.as_str(), c.search.as_str()));
    encode_case_or_lined(c, lined, out);
}

fn encode_case_or_lined(c: &CaseEntry, lined: bool, out: &mut Vec<u8>) {
    let start = out.len();
    if put_compact_case(c, lined, out).is_some() {
        return;
    }
    // A form, head or time tothon would not write: kept as it is.
    out.truncate(start);
    out.push(CODEC_CASE);
    put_str(out, &c.form);
    out.push(c.team);
    put_len(out, c.heads.len());
    for h in &c.heads {
        put_str(out, h);
    }
    out.push(case_status_byte(c));
    for s in [&c.title, &c.search, &c.edited_at, &c.author] {
        put_str(out, s);
    }
    for o in [&c.follow_up, &c.blocker, &c.outcome, &c.correction] {
        put_opt(out, o.as_deref());
    }
    put_len(out, c.versions);
}

/// The compact layout, when every part of the entry has one: a known
/// form, version ids for heads, a time as tothon writes it; without the
/// title and search key when `lined`.
fn put_compact_case(c: &CaseEntry, lined: bool, out: &mut Vec<u8>) -> Option<()> {
    let (form, _) = numbered_form(&c.form)?;
    // A leap second (":60") has no seconds-and-offset of its own.
    let edited = parse_time_text(&c.edited_at).filter(|t| t.nanosecond() < 1_000_000_000)?;
    out.push(match lined {
        true => CODEC_CASE_LINED,
        false => CODEC_CASE_COMPACT,
    });
    out.push(form);
    out.push(c.team);
    put_len(out, c.heads.len());
    for h in &c.heads {
        put_id(out, h)?;
    }
    out.push(case_status_byte(c));
    // In the order of the general layout: title, search, time, author.
    if !lined {
        put_str(out, &c.title);
        put_str(out, &c.search);
    }
    put_time(out, &edited);
    put_str(out, &c.author);
    for o in [&c.follow_up, &c.blocker, &c.outcome, &c.correction] {
        put_opt(out, o.as_deref());
    }
    put_len(out, c.versions);
    Some(())
}

/// A version id (lowercase hex digits) as its bytes.
fn put_id(out: &mut Vec<u8>, id: &str) -> Option<()> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let bytes = id.as_bytes();
    if bytes.len() != ID_LEN {
        return None;
    }
    for pair in bytes.chunks_exact(2) {
        out.push(digit(pair[0])? << 4 | digit(pair[1])?);
    }
    Some(())
}

/// Reads what [`put_id`] wrote.
fn id_text(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// A time as seconds since the epoch and its offset from UTC.
fn put_time(out: &mut Vec<u8>, t: &DateTime<FixedOffset>) {
    out.extend_from_slice(&t.timestamp().to_le_bytes());
    out.extend_from_slice(&t.offset().local_minus_utc().to_le_bytes());
}

/// Reads what [`put_time`] wrote.
fn read_time(r: &mut Reader) -> Option<DateTime<FixedOffset>> {
    let secs = i64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let offset = i32::from_le_bytes(r.take(4)?.try_into().ok()?);
    FixedOffset::east_opt(offset).and_then(|o| o.timestamp_opt(secs, 0).single())
}

/// Reads what [`encode_case`] wrote (or JSON, from before it). Where the
/// case stands is its line's to say: without one, it reads as not started.
#[cfg(test)]
pub fn decode_case(record: &str, bytes: &[u8]) -> Result<CaseEntry, StoreError> {
    decode_case_in(record, bytes, None)
}

/// Reads what [`encode_case_after_line`] wrote after `line`, an encoded
/// list line (or any layout before it). The entry's stage is the line's:
/// the line counts the case, and an entry keeps no second copy (so a
/// tothon from before entries had a stage reads them still).
pub fn decode_case_after_line(
    record: &str,
    line: &[u8],
    bytes: &[u8],
) -> Result<CaseEntry, StoreError> {
    let stage = super::rows::stage(line).ok_or_else(|| StoreError::Corrupt {
        what: "case",
        detail: record.to_string(),
    })?;
    let entry = decode_case_in(record, bytes, super::rows::texts(line))?;
    Ok(CaseEntry { stage, ..entry })
}

/// `line`: the title and search key of the case's list line, which the
/// lined layout leaves out.
fn decode_case_in(
    record: &str,
    bytes: &[u8],
    line: Option<(&str, &str)>,
) -> Result<CaseEntry, StoreError> {
    decode_compact(bytes, "case", record, |r| {
        let (compact, lined) = match r.byte()? {
            CODEC_CASE => (false, false),
            CODEC_CASE_COMPACT => (true, false),
            CODEC_CASE_LINED => (true, true),
            _ => return None,
        };
        let form = match compact {
            true => form::builtin().get(usize::from(r.byte()?))?.id.clone(),
            false => r.string()?,
        };
        let team = r.byte()?;
        let mut heads = Vec::new();
        for _ in 0..r.len()? {
            heads.push(match compact {
                true => id_text(r.take(ID_LEN / 2)?),
                false => r.string()?,
            });
        }
        let status_byte = r.byte()?;
        let status = *Status::ALL.get(usize::from(status_byte & !STRAYED))?;
        let strayed = status_byte & STRAYED != 0;
        let mut texts: [String; 4] = Default::default();
        for (i, t) in texts.iter_mut().enumerate() {
            *t = match (compact, lined, i) {
                (_, true, 0 | 1) => continue,
                (true, _, 2) => time_text(&read_time(r)?),
                _ => r.string()?,
            };
        }
        let mut opts: [Option<String>; 4] = Default::default();
        for o in &mut opts {
            *o = r.opt()?.map(str::to_string);
        }
        let versions = r.len()?;
        let [mut title, mut search, edited_at, author] = texts;
        let [follow_up, blocker, outcome, correction] = opts;
        if lined {
            let (t, s) = line?;
            let (t, s) = listing::case_texts(record, correction.as_deref(), t, s)?;
            (title, search) = (t.to_string(), s.to_string());
        }
        Some(CaseEntry {
            record: record.to_string(),
            form,
            team,
            heads,
            strayed,
            status,
            stage: Stage::NotStarted,
            title,
            search,
            edited_at,
            author,
            follow_up,
            blocker,
            outcome,
            correction,
            versions,
        })
    })
}

/// A person as stored in `people-1`: the key is the table's; then the
/// team, the sex as 0 (not known), 1 (male) or 2 (female), and the texts in
/// the order of [`Person`]'s fields, each counted.
pub fn encode_person(p: &Person) -> Vec<u8> {
    let texts = [
        &p.personal_id,
        &p.full_name,
        &p.birth_date,
        &p.household,
        &p.relation,
        &p.phone,
        &p.ethnicity,
        &p.religion,
    ];
    let mut out = Vec::with_capacity(16 + texts.iter().map(|t| t.len() + 1).sum::<usize>());
    out.push(CODEC_PERSON);
    out.push(p.team);
    out.push(match p.sex {
        None => 0,
        Some(Sex::Male) => 1,
        Some(Sex::Female) => 2,
    });
    for t in texts {
        put_str(&mut out, t);
    }
    out
}

/// Reads what [`encode_person`] wrote (or JSON, from before it).
pub fn decode_person(key: &str, bytes: &[u8]) -> Result<Person, StoreError> {
    decode_compact(bytes, "person", key, |r| {
        if r.byte()? != CODEC_PERSON {
            return None;
        }
        let team = r.byte()?;
        let sex = match r.byte()? {
            0 => None,
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            _ => return None,
        };
        let mut texts: [String; 8] = Default::default();
        for t in &mut texts {
            *t = r.string()?;
        }
        let [
            personal_id,
            full_name,
            birth_date,
            household,
            relation,
            phone,
            ethnicity,
            religion,
        ] = texts;
        Some(Person {
            key: key.to_string(),
            personal_id,
            full_name,
            birth_date,
            sex,
            household,
            team,
            relation,
            phone,
            ethnicity,
            religion,
        })
    })
}

/// JSON as earlier releases wrote it, or what `read` makes of the whole of
/// `bytes`; anything else is `Corrupt`, naming `what` and its `key`.
fn decode_compact<T: DeserializeOwned>(
    bytes: &[u8],
    what: &'static str,
    key: &str,
    read: impl FnOnce(&mut Reader) -> Option<T>,
) -> Result<T, StoreError> {
    if bytes.first() == Some(&CODEC_JSON) {
        return decode(bytes, what);
    }
    let mut r = Reader(bytes);
    match read(&mut r) {
        Some(value) if r.0.is_empty() => Ok(value),
        _ => Err(StoreError::Corrupt {
            what,
            detail: key.to_string(),
        }),
    }
}

/// A prefilled value's name that is not a field of the item's form: the
/// name follows, written out.
const NAMED: u8 = u8::MAX;

/// A work item as stored in `work-items-1`: the id is the table's; the
/// form's number, the team, the due date, then the prefilled values, each
/// named by its field's number in the form, or by [`NAMED`] and the name. A
/// form the specs lack (never assigned: items are checked against the
/// specs) keeps the item in JSON.
pub fn encode_work_item(w: &WorkItem) -> Vec<u8> {
    let Some((number, spec)) = numbered_form(&w.form) else {
        return encode(w);
    };
    let values: usize = w.prefill.iter().map(|(k, v)| k.len() + v.len() + 3).sum();
    let mut out = Vec::with_capacity(16 + values);
    out.push(CODEC_WORK_ITEM);
    out.push(number);
    out.push(w.team);
    put_opt(&mut out, w.due.as_deref());
    put_len(&mut out, w.prefill.len());
    for (k, v) in &w.prefill {
        match spec.fields.iter().position(|f| f.id == *k) {
            Some(n) if n < usize::from(NAMED) => out.push(n as u8),
            _ => {
                out.push(NAMED);
                put_str(&mut out, k);
            }
        }
        put_str(&mut out, v);
    }
    out
}

/// Reads what [`encode_work_item`] wrote (or JSON, from before it).
pub fn decode_work_item(id: &str, bytes: &[u8]) -> Result<WorkItem, StoreError> {
    decode_compact(bytes, "work item", id, |r| {
        let (spec, team, due) = work_item_head(r)?;
        let mut prefill = BTreeMap::new();
        for _ in 0..r.len()? {
            let name = match r.byte()? {
                NAMED => r.string()?,
                n => spec.fields.get(usize::from(n))?.id.clone(),
            };
            prefill.insert(name, r.string()?);
        }
        Some(WorkItem {
            id: id.to_string(),
            form: spec.id.clone(),
            team,
            due: due.map(str::to_string),
            prefill,
        })
    })
}

/// The team and due date of an encoded work item, without reading its
/// values.
pub fn work_item_team_and_due(bytes: &[u8]) -> Result<(u8, Option<String>), StoreError> {
    #[derive(serde::Deserialize)]
    struct Head {
        team: u8,
        due: Option<String>,
    }
    if bytes.first() == Some(&CODEC_JSON) {
        let head = decode::<Head>(bytes, "work item")?;
        return Ok((head.team, head.due));
    }
    work_item_head(&mut Reader(bytes))
        .map(|(_, team, due)| (team, due.map(str::to_string)))
        .ok_or_else(|| StoreError::Corrupt {
            what: "work item",
            detail: "unknown codec".into(),
        })
}

/// What [`encode_work_item`] writes before the values: the form, the team
/// and the due date.
fn work_item_head<'a>(r: &mut Reader<'a>) -> Option<(&'static FormSpec, u8, Option<&'a str>)> {
    if r.byte()? != CODEC_WORK_ITEM {
        return None;
    }
    let spec = form::builtin().get(usize::from(r.byte()?))?;
    let team = r.byte()?;
    let due = r.opt()?;
    Some((spec, team, due))
}

/// A cursor over stored bytes; `None` once they run out.
pub(super) struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    pub fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn len(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    /// A text [`put_opt`] wrote: `Some(None)` for none, `None` for bytes
    /// it did not write.
    fn opt(&mut self) -> Option<Option<&'a str>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.str()?)),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two versions of a case: saved, then sent back for correction.
    fn saved_then_sent_back() -> (Version, Version) {
        let a = crate::domain::version::tests::draft("AC-1", &[], "ghi chú").seal();
        let mut b = crate::domain::version::tests::draft("AC-1", &[], "khác").seal();
        b.status = Status::NeedsCorrection;
        b.values
            .insert("correction".into(), "Sửa số điện thoại".into());
        b.id = b.compute_id();
        (a, b)
    }

    #[test]
    fn a_case_entry_round_trips_and_damage_is_refused() {
        let (a, b) = saved_then_sent_back();
        // Where the case stands is kept in its line only (the next test):
        // an entry read alone has not started.
        let entry = CaseEntry {
            stage: Stage::NotStarted,
            ..CaseEntry::from_versions(&[&a, &b]).unwrap()
        };
        let bytes = encode_case(&entry);
        assert_eq!(bytes[0], CODEC_CASE_COMPACT);
        assert_eq!(decode_case("AC-1", &bytes).unwrap(), entry);
        let strayed = CaseEntry {
            strayed: true,
            ..entry.clone()
        };
        assert_eq!(
            decode_case("AC-1", &encode_case(&strayed)).unwrap(),
            strayed
        );
        assert_eq!(decode_case("AC-1", &encode(&entry)).unwrap(), entry);
        for n in 0..bytes.len() {
            assert!(decode_case("AC-1", &bytes[..n]).is_err(), "{n}");
        }
        // What the compact layout cannot hold is kept in the general one.
        for odd in [
            CaseEntry {
                form: "campaign".into(),
                ..entry.clone()
            },
            CaseEntry {
                heads: vec!["ABC".into()],
                ..entry.clone()
            },
            CaseEntry {
                heads: vec!["ABC".into()],
                strayed: true,
                ..entry.clone()
            },
            CaseEntry {
                edited_at: "2026-11-20T09:30:00.5+07:00".into(),
                ..entry.clone()
            },
            CaseEntry {
                edited_at: "2026-06-30T23:59:60+00:00".into(),
                ..entry.clone()
            },
        ] {
            let bytes = encode_case(&odd);
            assert_eq!(bytes[0], CODEC_CASE);
            assert_eq!(decode_case("AC-1", &bytes).unwrap(), odd);
        }
    }

    #[test]
    fn an_entry_after_its_line_leaves_the_title_and_search_to_the_line() {
        let (a, b) = saved_then_sent_back();
        for entry in [
            CaseEntry::from_versions(&[&a]).unwrap(),
            // A correction's mark before the title in the line.
            CaseEntry::from_versions(&[&a, &b]).unwrap(),
        ] {
            assert_ne!(entry.stage, Stage::NotStarted, "the line says");
            let line = ListRow::from_case(&entry, Some("2026-12-31"));
            let line_bytes = super::super::rows::encode(&line);
            let mut bytes = Vec::new();
            encode_case_after_line(&entry, &line, &mut bytes);
            assert_eq!(bytes[0], CODEC_CASE_LINED);
            assert!(
                bytes.len() + entry.title.len() + entry.search.len() <= encode_case(&entry).len()
            );
            assert_eq!(
                decode_case_after_line("AC-1", &line_bytes, &bytes).unwrap(),
                entry
            );
            // Without its line, or after another case's, it cannot be read.
            assert!(decode_case("AC-1", &bytes).is_err());
            let other = ListRow::from_case(
                &CaseEntry {
                    record: "AC-2".into(),
                    ..entry.clone()
                },
                None,
            );
            let other_bytes = super::super::rows::encode(&other);
            assert!(decode_case_after_line("AC-1", &other_bytes, &bytes).is_err());
            // After a line not made from it, the entry keeps its own texts.
            let mut kept = Vec::new();
            encode_case_after_line(&entry, &other, &mut kept);
            assert_eq!(kept[0], CODEC_CASE_COMPACT);
            assert_eq!(
                decode_case_after_line("AC-1", &other_bytes, &kept).unwrap(),
                entry
            );
            // After a line too long to keep its title whole, too.
            let long = CaseEntry {
                title: "đ".repeat(40_000),
                ..entry.clone()
            };
            let line = ListRow::from_case(&long, None);
            let mut kept = Vec::new();
            encode_case_after_line(&long, &line, &mut kept);
            assert_eq!(kept[0], CODEC_CASE_COMPACT);
            let line_bytes = super::super::rows::encode(&line);
            assert_eq!(
                decode_case_after_line("AC-1", &line_bytes, &kept).unwrap(),
                long
            );
        }
    }

    #[test]
    fn a_version_round_trips_and_damage_is_refused() {
        let mut d = crate::domain::version::tests::draft("AC-1", &["b", "a"], "ghi chú");
        d.confirmed = vec!["person_id:province".into()];
        d.values.insert("x".into(), "é".repeat(300));
        let v = d.seal();
        let bytes = encode_version(&v);
        assert_eq!(decode_version(&v.record, &v.id, &bytes).unwrap(), v);
        for n in 0..bytes.len() {
            assert!(
                decode_version(&v.record, &v.id, &bytes[..n]).is_err(),
                "{n}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_version(&v.record, &v.id, &longer).is_err());
    }

    #[test]
    fn a_version_of_known_fields_is_stored_by_number_and_reads_back() {
        let mut d = crate::domain::version::tests::draft("AC-1", &["b", "a"], "ghi chú");
        d.confirmed = vec!["person_id:province".into()];
        let v = d.seal();
        let bytes = encode_version(&v);
        assert_eq!(bytes[0], CODEC_VERSION_BY_NUMBER);
        assert_eq!(decode_version(&v.record, &v.id, &bytes).unwrap(), v);
        // The same version with a value for no field keeps the names.
        let mut named = v.clone();
        named.values.insert("x".into(), "y".into());
        let with_names = encode_version(&named);
        assert_eq!(with_names[0], CODEC_VERSION);
        assert_eq!(
            decode_version(&v.record, &v.id, &with_names).unwrap(),
            named
        );
        // Versions stored by schema 4 (names) still read.
        let mut old = Vec::new();
        old.push(CODEC_VERSION);
        put_str(&mut old, &v.form);
        put_head(&v, &mut old);
        put_len(&mut old, v.values.len());
        for (k, x) in &v.values {
            put_str(&mut old, k);
            put_str(&mut old, x);
        }
        assert_eq!(decode_version(&v.record, &v.id, &old).unwrap(), v);
        assert!(bytes.len() < old.len());
        for n in 0..bytes.len() {
            assert!(
                decode_version(&v.record, &v.id, &bytes[..n]).is_err(),
                "{n}"
            );
        }
        // Any byte changed either reads as some version or is refused.
        for i in 0..bytes.len() {
            for b in [0, 1, 0x7f, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[i] = b;
                let _ = decode_version(&v.record, &v.id, &damaged);
            }
        }
        let mut no_such_form = bytes.clone();
        no_such_form[1] = 200;
        assert!(decode_version(&v.record, &v.id, &no_such_form).is_err());
    }

    /// Versions stored since schema 5 name their form and fields by these
    /// places: a form or field moved or taken out would give their values
    /// to other fields. New ones go at the end.
    #[test]
    fn stored_form_and_field_numbers_never_move() {
        let pinned: [(&str, &[&str]); 3] = [
            (
                "household_check",
                &[
                    "household_code",
                    "village",
                    "address",
                    "head_name",
                    "head_id",
                    "members_registered",
                    "members_found",
                    "findings",
                    "person_ids",
                    "outcome",
                    "visit_date",
                    "checker",
                    "note",
                    "correction",
                ],
            ),
            (
                "missing_field",
                &[
                    "person_id",
                    "full_name",
                    "birth_date",
                    "sex",
                    "missing",
                    "value",
                    "evidence",
                    "outcome",
                    "visit_date",
                    "checker",
                    "note",
                    "correction",
                ],
            ),
            (
                "activation",
                &[
                    "person_id",
                    "full_name",
                    "birth_date",
                    "sex",
                    "phone",
                    "target_level",
                    "status",
                    "blocker",
                    "next_follow_up",
                    "visits",
                    "visit_date",
                    "checker",
                    "note",
                    "correction",
                ],
            ),
        ];
        let forms = form::builtin();
        assert!(forms.len() >= pinned.len() && forms.len() <= usize::from(u8::MAX));
        for ((id, fields), spec) in pinned.iter().zip(forms) {
            assert_eq!(
                spec.id, *id,
                "forms are stored by number: add new ones at the end"
            );
            let now: Vec<&str> = spec.fields.iter().map(|f| f.id.as_str()).collect();
            assert!(
                now.starts_with(fields) && now.len() <= usize::from(u8::MAX),
                "{id}: fields are stored by number: add new ones at the end"
            );
        }
    }

    #[test]
    fn round_trip_and_refuses_garbage() {
        let v = vec!["Nguyễn".to_string(), "Văn".to_string()];
        let back: Vec<String> = decode(&encode(&v), "test").unwrap();
        assert_eq!(back, v);
        assert!(decode::<Vec<String>>(&[9, b'[', b']'], "test").is_err());
        assert!(decode::<Vec<String>>(&[], "test").is_err());
        assert!(decode::<Vec<String>>(&[CODEC_JSON, b'{'], "test").is_err());
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;

    fn person(sex: Option<Sex>) -> Person {
        Person {
            key: "P000042".into(),
            personal_id: "034085001234".into(),
            full_name: "Nguyễn Thị Ánh".into(),
            birth_date: "1985".into(),
            sex,
            household: "T3-0007".into(),
            team: 3,
            relation: "Vợ".into(),
            phone: String::new(),
            ethnicity: "Kinh".into(),
            religion: "Không".into(),
        }
    }

    fn item(form: &str, due: Option<&str>) -> WorkItem {
        WorkItem {
            id: "AC-00042".into(),
            form: form.into(),
            team: 3,
            due: due.map(str::to_string),
            prefill: [
                ("full_name", "Nguyễn Thị Ánh"),
                ("personal_id", "034085001234"),
                // Not a field of any form: kept by name.
                ("nguồn", "bảng tính tháng 11"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        }
    }

    /// Every shorter cut of `bytes`, and `bytes` with a byte more, is refused.
    fn refuses_damage<T>(bytes: &[u8], decode: impl Fn(&[u8]) -> Result<T, StoreError>) {
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "cut at {n}");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(decode(&longer).is_err(), "a byte more");
    }

    #[test]
    fn a_person_round_trips_in_fewer_bytes_and_damage_is_refused() {
        for sex in [None, Some(Sex::Male), Some(Sex::Female)] {
            let p = person(sex);
            let bytes = encode_person(&p);
            assert_eq!(bytes[0], CODEC_PERSON);
            assert_eq!(decode_person("P000042", &bytes).unwrap(), p);
            assert!(bytes.len() * 2 < encode(&p).len(), "{} bytes", bytes.len());
            refuses_damage(&bytes, |b| decode_person("P000042", b));
        }
        // What earlier releases wrote is still read.
        let p = person(Some(Sex::Female));
        assert_eq!(decode_person("P000042", &encode(&p)).unwrap(), p);
    }

    #[test]
    fn a_work_item_round_trips_with_its_fields_by_number_and_damage_is_refused() {
        for due in [None, Some("2026-12-20")] {
            let w = item("activation", due);
            let bytes = encode_work_item(&w);
            assert_eq!(bytes[0], CODEC_WORK_ITEM);
            assert_eq!(decode_work_item("AC-00042", &bytes).unwrap(), w);
            assert_eq!(
                work_item_team_and_due(&bytes).unwrap(),
                (w.team, due.map(str::to_string))
            );
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("full_name") && text.contains("nguồn"));
            refuses_damage(&bytes, |b| decode_work_item("AC-00042", b));
            // What earlier releases wrote is still read.
            let json = encode(&w);
            assert_eq!(decode_work_item("AC-00042", &json).unwrap(), w);
            assert_eq!(
                work_item_team_and_due(&json).unwrap(),
                (w.team, due.map(str::to_string))
            );
        }
        // A form the specs lack stays in JSON, whole.
        let odd = item("campaign", Some("2026-12-20"));
        let bytes = encode_work_item(&odd);
        assert_eq!(bytes[0], CODEC_JSON);
        assert_eq!(decode_work_item("AC-00042", &bytes).unwrap(), odd);
    }
}
