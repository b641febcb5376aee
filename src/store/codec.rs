//! How values are written into redb: one codec byte, then the value.
//!
//! The codec byte lets a later release change the encoding and still read
//! what an earlier one wrote. Most values are JSON, whose serde defaults let
//! fields be added without a migration. Case versions — the bulk of a store,
//! written by the hundred thousand when a bundle is merged — have a compact
//! binary layout of their own ([`encode_version`]).

use chrono::{DateTime, FixedOffset, TimeZone};
use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;
use crate::domain::case::CaseEntry;
use crate::domain::version::{Status, Version};

const CODEC_JSON: u8 = 1;
const CODEC_VERSION: u8 = 2;
const CODEC_CASE: u8 = 3;

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
/// parents, the confirmed warnings and the values, each list counted.
pub fn encode_version(v: &Version) -> Vec<u8> {
    let values: usize = v.values.iter().map(|(k, x)| k.len() + x.len() + 4).sum();
    let mut out = Vec::with_capacity(64 + v.author.len() + 34 * v.parents.len() + values);
    encode_version_into(v, &mut out);
    out
}

/// [`encode_version`] appended to `out`.
pub fn encode_version_into(v: &Version, out: &mut Vec<u8>) {
    out.push(CODEC_VERSION);
    put_str(out, &v.form);
    out.push(v.team);
    put_str(out, &v.device);
    put_str(out, &v.author);
    out.extend_from_slice(&v.edited_at.timestamp().to_le_bytes());
    out.extend_from_slice(&v.edited_at.offset().local_minus_utc().to_le_bytes());
    out.push(status_byte(v.status));
    for list in [&v.parents, &v.confirmed] {
        put_len(out, list.len());
        for item in list {
            put_str(out, item);
        }
    }
    put_len(out, v.values.len());
    for (k, x) in &v.values {
        put_str(out, k);
        put_str(out, x);
    }
}

/// Reads what [`encode_version`] wrote; anything else is `Corrupt`.
pub fn decode_version(record: &str, id: &str, bytes: &[u8]) -> Result<Version, StoreError> {
    let corrupt = || StoreError::Corrupt {
        what: "version",
        detail: format!("{record} {id}"),
    };
    let mut r = Reader(bytes);
    if r.take(1).ok_or_else(corrupt)? != [CODEC_VERSION] {
        return Err(corrupt());
    }
    let form = r.string().ok_or_else(corrupt)?;
    let team = r.byte().ok_or_else(corrupt)?;
    let device = r.string().ok_or_else(corrupt)?;
    let author = r.string().ok_or_else(corrupt)?;
    let secs = i64::from_le_bytes(
        r.take(8)
            .ok_or_else(corrupt)?
            .try_into()
            .ok()
            .ok_or_else(corrupt)?,
    );
    let offset = i32::from_le_bytes(
        r.take(4)
            .ok_or_else(corrupt)?
            .try_into()
            .ok()
            .ok_or_else(corrupt)?,
    );
    let edited_at: DateTime<FixedOffset> = FixedOffset::east_opt(offset)
        .and_then(|o| o.timestamp_opt(secs, 0).single())
        .ok_or_else(corrupt)?;
    let status = *Status::ALL
        .get(usize::from(r.byte().ok_or_else(corrupt)?))
        .ok_or_else(corrupt)?;
    let mut lists = [Vec::new(), Vec::new()];
    for list in &mut lists {
        let n = r.len().ok_or_else(corrupt)?;
        for _ in 0..n {
            list.push(r.string().ok_or_else(corrupt)?);
        }
    }
    let [parents, confirmed] = lists;
    let mut values = std::collections::BTreeMap::new();
    for _ in 0..r.len().ok_or_else(corrupt)? {
        let k = r.string().ok_or_else(corrupt)?;
        values.insert(k, r.string().ok_or_else(corrupt)?);
    }
    if !r.0.is_empty() {
        return Err(corrupt());
    }
    Ok(Version {
        id: id.to_string(),
        record: record.to_string(),
        parents,
        form,
        team,
        device,
        author,
        edited_at,
        status,
        values,
        confirmed,
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

/// A case's index entry as stored in `cases-1` (derived data, rebuilt when
/// its layout changes): the record is the key; the rest in a compact
/// layout, since a bundle merge writes one per case.
pub fn encode_case(c: &CaseEntry) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + 33 * c.heads.len() + c.title.len() + c.search.len());
    encode_case_into(c, &mut out);
    out
}

/// [`encode_case`] appended to `out`.
pub fn encode_case_into(c: &CaseEntry, out: &mut Vec<u8>) {
    out.push(CODEC_CASE);
    put_str(out, &c.form);
    out.push(c.team);
    put_len(out, c.heads.len());
    for h in &c.heads {
        put_str(out, h);
    }
    out.push(status_byte(c.status));
    for s in [&c.title, &c.search, &c.edited_at, &c.author] {
        put_str(out, s);
    }
    for o in [&c.follow_up, &c.blocker, &c.outcome, &c.correction] {
        put_opt(out, o.as_deref());
    }
    put_len(out, c.versions);
}

/// Reads what [`encode_case`] wrote (or JSON, from before it).
pub fn decode_case(record: &str, bytes: &[u8]) -> Result<CaseEntry, StoreError> {
    if bytes.first() == Some(&CODEC_JSON) {
        return decode(bytes, "case");
    }
    let corrupt = || StoreError::Corrupt {
        what: "case",
        detail: record.to_string(),
    };
    let mut r = Reader(bytes);
    if r.byte() != Some(CODEC_CASE) {
        return Err(corrupt());
    }
    let form = r.string().ok_or_else(corrupt)?;
    let team = r.byte().ok_or_else(corrupt)?;
    let mut heads = Vec::new();
    for _ in 0..r.len().ok_or_else(corrupt)? {
        heads.push(r.string().ok_or_else(corrupt)?);
    }
    let status = *Status::ALL
        .get(usize::from(r.byte().ok_or_else(corrupt)?))
        .ok_or_else(corrupt)?;
    let mut texts = [String::new(), String::new(), String::new(), String::new()];
    for t in &mut texts {
        *t = r.string().ok_or_else(corrupt)?;
    }
    let mut opts = [None, None, None, None];
    for o in &mut opts {
        *o = match r.byte().ok_or_else(corrupt)? {
            0 => None,
            1 => Some(r.string().ok_or_else(corrupt)?),
            _ => return Err(corrupt()),
        };
    }
    let versions = r.len().ok_or_else(corrupt)?;
    if !r.0.is_empty() {
        return Err(corrupt());
    }
    let [title, search, edited_at, author] = texts;
    let [follow_up, blocker, outcome, correction] = opts;
    Ok(CaseEntry {
        record: record.to_string(),
        form,
        team,
        heads,
        status,
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

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok().map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_entry_round_trips_and_damage_is_refused() {
        let a = crate::domain::version::tests::draft("AC-1", &[], "ghi chú").seal();
        let mut b = crate::domain::version::tests::draft("AC-1", &[], "khác").seal();
        b.status = Status::NeedsCorrection;
        b.values
            .insert("correction".into(), "Sửa số điện thoại".into());
        b.id = b.compute_id();
        let entry = CaseEntry::from_versions(&[&a, &b]).unwrap();
        let bytes = encode_case(&entry);
        assert_eq!(decode_case("AC-1", &bytes).unwrap(), entry);
        assert_eq!(decode_case("AC-1", &encode(&entry)).unwrap(), entry);
        for n in 0..bytes.len() {
            assert!(decode_case("AC-1", &bytes[..n]).is_err(), "{n}");
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
    fn round_trip_and_refuses_garbage() {
        let v = vec!["Nguyễn".to_string(), "Văn".to_string()];
        let back: Vec<String> = decode(&encode(&v), "test").unwrap();
        assert_eq!(back, v);
        assert!(decode::<Vec<String>>(&[9, b'[', b']'], "test").is_err());
        assert!(decode::<Vec<String>>(&[], "test").is_err());
        assert!(decode::<Vec<String>>(&[CODEC_JSON, b'{'], "test").is_err());
    }
}
