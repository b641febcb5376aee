//! The compact encoding of work-list rows (in table `lines-1`, each
//! followed by its case's index entry if it is a case's): derived data read
//! in bulk when the screens open, so it skips JSON. Its layout may change
//! freely: bumping `CASE_INDEX` rebuilds it from the versions. A row's
//! stage byte is where the case stands for counting, the entry's too.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

use super::codec::{Reader, numbered_form};
use crate::domain::form;
use crate::domain::listing::{ListRow, static_choice, static_form};
use crate::domain::standing::Stage;

/// The most bytes of a text a row keeps (its length is a `u16`).
const MOST: usize = u16::MAX as usize;

/// A text counted in a `u16`. A longer one (tothon makes no title or
/// search key that long) is cut at the last whole character that fits.
fn put_str(out: &mut Vec<u8>, s: &str) {
    let mut len = s.len().min(MOST);
    while !s.is_char_boundary(len) {
        len -= 1;
    }
    out.extend_from_slice(&(len as u16).to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..len]);
}

/// Whether the encoded row keeps its title and search key whole.
pub fn keeps_texts(row: &ListRow) -> bool {
    row.title.len() <= MOST && row.search.len() <= MOST
}

/// Index of a choice id among a field's choices, 255 for none.
fn choice_index(spec: &form::FormSpec, field: Option<&String>, id: Option<&str>) -> u8 {
    let (Some(field), Some(id)) = (field.and_then(|f| spec.field(f)), id) else {
        return u8::MAX;
    };
    match &field.kind {
        form::Kind::Choice { choices, .. } | form::Kind::MultiChoice { choices } => choices
            .iter()
            .position(|c| c.id == id)
            .map(|i| i as u8)
            .unwrap_or(u8::MAX),
        _ => u8::MAX,
    }
}

fn choice_at(
    spec: &'static form::FormSpec,
    field: Option<&String>,
    index: u8,
) -> Option<&'static str> {
    // Most lines have neither a blocker nor an outcome.
    if index == u8::MAX {
        return None;
    }
    let field = spec.field(field?)?;
    match &field.kind {
        form::Kind::Choice { choices, .. } | form::Kind::MultiChoice { choices } => {
            let id = &choices.get(index as usize)?.id;
            static_choice(spec, Some(&field.id), id)
        }
        _ => None,
    }
}

fn stage_byte(s: Stage) -> u8 {
    Stage::ALL.iter().position(|x| *x == s).unwrap_or(0) as u8
}

/// The stage a row's byte names (any byte past the last: blocked, as
/// tothon always read it).
fn stage_of_byte(b: u8) -> Stage {
    Stage::ALL
        .get(usize::from(b))
        .copied()
        .unwrap_or(Stage::Blocked)
}

/// The form byte of a row of a form the commune added, whose id then
/// follows the row's texts (the shipped forms are numbered; the forms a
/// store holds differ from store to store).
const ADDED_FORM: u8 = u8::MAX;

/// A row's form byte: a shipped form's number, or [`ADDED_FORM`].
fn form_byte(id: &str) -> u8 {
    numbered_form(id).map_or(ADDED_FORM, |(n, _)| n)
}

/// How many texts follow a row's fixed part: its title and search key, and
/// for a form the commune added the form's id and its blocker's and
/// outcome's choice ids (a later version may order the choices otherwise).
fn texts_after(bytes: &[u8]) -> usize {
    if bytes.first() == Some(&ADDED_FORM) {
        5
    } else {
        2
    }
}

pub fn encode(row: &ListRow) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + row.record.len() + row.title.len() + row.search.len());
    encode_into(row, &mut out);
    out
}

/// [`encode`] appended to `out`.
pub fn encode_into(row: &ListRow, out: &mut Vec<u8>) {
    let spec = static_form(row.form);
    let form = form_byte(row.form);
    out.push(form);
    out.push(row.team);
    out.push(stage_byte(row.stage));
    out.push(u8::from(row.draft_status) | (u8::from(row.conflict) << 1));
    let [blocker, outcome] = match form {
        ADDED_FORM => [u8::MAX; 2],
        _ => [
            choice_index(spec, spec.blocker.as_ref(), row.blocker),
            choice_index(spec, spec.outcome.as_ref(), row.outcome),
        ],
    };
    out.push(blocker);
    out.push(outcome);
    let due = row.due.map(|d| d.to_epoch_days()).unwrap_or(i32::MIN);
    out.extend_from_slice(&due.to_le_bytes());
    let (ts, offset) = row
        .edited
        .map(|e| (e.timestamp(), e.offset().local_minus_utc()))
        .unwrap_or((i64::MIN, 0));
    out.extend_from_slice(&ts.to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
    // The record is the row's key.
    put_str(out, &row.title);
    put_str(out, &row.search);
    if form == ADDED_FORM {
        put_str(out, row.form);
        put_str(out, row.blocker.unwrap_or(""));
        put_str(out, row.outcome.unwrap_or(""));
    }
}

/// A string as [`put_str`] writes it.
/// Reads a string into `out`, reusing its memory.
fn string_into(r: &mut Reader, out: &mut String) -> Option<()> {
    let len = u16::from_le_bytes(r.take(2)?.try_into().ok()?) as usize;
    let s = std::str::from_utf8(r.take(len)?).ok()?;
    out.clear();
    out.push_str(s);
    Some(())
}

/// Where an encoded row keeps its date (days since the epoch, `i32::MIN`
/// for none).
const DUE: std::ops::Range<usize> = 6..10;

/// An encoded row with `due` as its date, unless it has one already (a
/// planned follow-up comes before the work item's due date).
pub fn or_due(bytes: &[u8], due: NaiveDate) -> std::borrow::Cow<'_, [u8]> {
    match bytes.get(DUE) {
        Some(d) if d == i32::MIN.to_le_bytes() => {
            let mut out = bytes.to_vec();
            out[DUE].copy_from_slice(&due.to_epoch_days().to_le_bytes());
            std::borrow::Cow::Owned(out)
        }
        _ => std::borrow::Cow::Borrowed(bytes),
    }
}

/// Where the case of an encoded row stands, without decoding the rest (a
/// case's index entry stored after its line takes it from there).
pub fn stage(bytes: &[u8]) -> Option<Stage> {
    bytes.get(2).copied().map(stage_of_byte)
}

/// The team and the conflict flag of an encoded row, without decoding the
/// rest (a bundle merge asks this of every case it touches).
pub fn team_and_conflict(bytes: &[u8]) -> Option<(u8, bool)> {
    let [_, team, _, flags, ..] = *bytes else {
        return None;
    };
    Some((team, flags & 2 != 0))
}

/// The date of an encoded row, without decoding the rest: `None` when the
/// bytes are too short to be a row.
pub fn due(bytes: &[u8]) -> Option<Option<NaiveDate>> {
    Some(day(i32::from_le_bytes(bytes.get(DUE)?.try_into().ok()?)))
}

/// A row's date as written (days since the epoch, `i32::MIN` for none).
fn day(days: i32) -> Option<NaiveDate> {
    (days != i32::MIN)
        .then(|| NaiveDate::from_epoch_days(days))
        .flatten()
}

/// The bytes the row itself takes at the start of `bytes`, and what
/// follows it (in `lines-1`, a case's index entry): `None` when the bytes
/// are too short to hold a row.
pub fn split(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut end = HEAD;
    for _ in 0..texts_after(bytes) {
        let len = u16::from_le_bytes(bytes.get(end..end + 2)?.try_into().ok()?);
        end += 2 + usize::from(len);
    }
    (end <= bytes.len()).then(|| bytes.split_at(end))
}

/// The title and search key of an encoded row, without decoding the rest
/// (a case's index entry stored after its line takes them from there).
pub fn texts(bytes: &[u8]) -> Option<(&str, &str)> {
    let mut r = Reader(bytes.get(HEAD..)?);
    let mut text = || {
        let len = u16::from_le_bytes(r.take(2)?.try_into().ok()?);
        std::str::from_utf8(r.take(usize::from(len))?).ok()
    };
    Some((text()?, text()?))
}

/// The fixed part of an encoded row, before its title and search key.
const HEAD: usize = 22;

pub fn decode(record: &str, bytes: &[u8]) -> Option<ListRow> {
    let mut row = ListRow::blank();
    decode_into(record, bytes, &mut row)?;
    Some(row)
}

/// [`decode`] into an existing row, reusing its strings' memory: loading a
/// list of 100,000 lines then allocates nothing per line.
pub fn decode_into(record: &str, bytes: &[u8], row: &mut ListRow) -> Option<()> {
    let mut r = Reader(bytes);
    let form_byte = r.byte()?;
    let team = r.byte()?;
    let stage = stage_of_byte(r.byte()?);
    let flags = r.byte()?;
    let blocker = r.byte()?;
    let outcome = r.byte()?;
    let due = i32::from_le_bytes(r.take(4)?.try_into().ok()?);
    let ts = i64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let offset = i32::from_le_bytes(r.take(4)?.try_into().ok()?);
    let edited: Option<DateTime<FixedOffset>> = if ts == i64::MIN {
        None
    } else {
        FixedOffset::east_opt(offset).and_then(|tz| tz.timestamp_opt(ts, 0).single())
    };
    string_into(&mut r, &mut row.title)?;
    string_into(&mut r, &mut row.search)?;
    let (spec, choices) = match form_byte {
        ADDED_FORM => {
            let mut text = || {
                let len = u16::from_le_bytes(r.take(2)?.try_into().ok()?);
                std::str::from_utf8(r.take(usize::from(len))?).ok()
            };
            let spec = form::known(text()?)?;
            let (blocker, outcome) = (text()?, text()?);
            let choice = |field: Option<&String>, id: &str| static_choice(spec, field, id);
            let choices = (
                choice(spec.blocker.as_ref(), blocker),
                choice(spec.outcome.as_ref(), outcome),
            );
            (spec, Some(choices))
        }
        n => (form::builtin().get(usize::from(n))?, None),
    };
    if !r.0.is_empty() {
        return None;
    }
    row.record.clear();
    row.record.push_str(record);
    row.form = spec.id.as_str();
    row.team = team;
    row.stage = stage;
    row.draft_status = flags & 1 != 0;
    row.conflict = flags & 2 != 0;
    row.due = day(due);
    row.edited = edited;
    row.has_draft = false;
    (row.blocker, row.outcome) = choices.unwrap_or_else(|| {
        (
            choice_at(spec, spec.blocker.as_ref(), blocker),
            choice_at(spec, spec.outcome.as_ref(), outcome),
        )
    });
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_told_from_what_follows_it() {
        let row = ListRow::from_item(&crate::domain::work::WorkItem {
            id: "AC-7".into(),
            form: "activation".into(),
            team: 4,
            due: Some("2026-12-20".into()),
            prefill: [("full_name".to_string(), "Đỗ Thị Hà".to_string())].into(),
        });
        let line = encode(&row);
        let mut joined = line.clone();
        joined.extend_from_slice(b"\x05entry");
        assert_eq!(split(&line), Some((line.as_slice(), &[][..])));
        assert_eq!(split(&joined), Some((line.as_slice(), &b"\x05entry"[..])));
        for n in 0..line.len() {
            assert_eq!(split(&line[..n]), None, "cut at {n}");
        }
        assert_eq!(decode("AC-7", split(&joined).unwrap().0), Some(row));
    }

    #[test]
    fn a_row_round_trips() {
        let row = ListRow {
            record: "AC-00012".into(),
            form: "activation",
            team: 3,
            stage: Stage::Blocked,
            draft_status: false,
            conflict: true,
            title: "Nguyễn Văn An · 034090123456".into(),
            search: "ac-00012 nguyen van an 034090123456".into(),
            due: NaiveDate::from_ymd_opt(2026, 12, 1),
            edited: DateTime::parse_from_rfc3339("2026-11-20T09:30:00+07:00").ok(),
            has_draft: false,
            blocker: Some("no_smartphone"),
            outcome: Some("not_registered"),
        };
        assert_eq!(decode("AC-00012", &encode(&row)), Some(row.clone()));
        let plain = ListRow {
            due: None,
            edited: None,
            blocker: None,
            outcome: None,
            ..row
        };
        let bytes = encode(&plain);
        assert_eq!(decode("AC-00012", &bytes), Some(plain.clone()));
        for n in 0..bytes.len() {
            assert_eq!(decode("AC-00012", &bytes[..n]), None);
        }
        // A text longer than a row keeps is cut at a whole character.
        let long = ListRow {
            title: "đ".repeat(MOST / 2 + 1),
            ..plain
        };
        assert!(!keeps_texts(&long));
        let cut = decode("AC-00012", &encode(&long)).unwrap();
        assert_eq!(cut.title, "đ".repeat(MOST / 2));
        assert!(keeps_texts(&cut));
    }
}
