//! The rows of a bundle's data files, read cell by cell: the CSV as tothon
//! writes it, then each row into a version or a work item, every cell
//! checked and every refusal naming its file, row and column. Nothing here
//! opens the zip or checks the manifest (`read` does).

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::error::{BundleError, CellProblem, cell_error};
use super::format::{
    FORM_VERSION, FORMS_COLUMNS, LATER_FIELDS, MAX_NAME_CHARS, MAX_VALUE_CHARS, MOVED_COLUMNS,
    Place, REGISTER_COLUMNS, VERSION_COLUMNS, VILLAGE_COLUMNS, WORK_ITEM_COLUMNS, has_field,
    later_work_item_fields, version_header, work_forms, work_item_fields,
};
use super::{FORMS, MOVED, REGISTER, VILLAGES, WORK_ITEMS, cells};
use crate::domain::commune::{MAX_VILLAGE_NAME, Village};
use crate::domain::form::FormSpec;
use crate::domain::rules::Sex;
use crate::domain::version::{
    Status, Version, is_confirm_code, is_device_id, is_record_id, is_version_id,
};
use crate::domain::work::{Moved, Person, WorkItem};

/// Reads a CSV written by tothon: BOM, the expected header, then rows of
/// exactly as many cells. Calls `row` with each data row's number and its
/// cells, formula guards undone; returns the number of data rows. Rows are
/// visited one at a time as they stream in, in place.
///
/// A file written before the last `optional_tail` columns existed may end
/// its header before them; its rows then have as many cells as its header,
/// and the missing ones are given to `row` as empty.
pub(super) fn each_row<E: From<BundleError>>(
    file: &str,
    mut data: impl Read,
    header: &[&str],
    optional_tail: usize,
    mut row: impl FnMut(usize, &[&str]) -> Result<(), E>,
) -> Result<usize, E> {
    let mut bom = [0u8; 3];
    if data.read_exact(&mut bom).is_err() || bom != cells::BOM {
        return Err(cell_error(file, 1, None, CellProblem::NoBom).into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(data);
    let mut record = csv::StringRecord::new();
    let mut index = 0usize;
    // The cells this file's rows have: set by its header.
    let mut width = header.len();
    loop {
        let number = index + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // Invalid UTF-8 is in one cell: name its column.
                let column = match e.kind() {
                    csv::ErrorKind::Utf8 { err, .. } => header.get(err.field()).copied(),
                    _ => None,
                };
                return Err(cell_error(
                    file,
                    number,
                    column,
                    CellProblem::Malformed(e.to_string()),
                )
                .into());
            }
        }
        if index == 0 {
            let shortest = header.len() - optional_tail.min(header.len());
            if (shortest..=header.len()).contains(&record.len()) {
                width = record.len();
            }
        }
        if record.len() != width {
            return Err(cell_error(
                file,
                number,
                None,
                CellProblem::Cells {
                    expected: width,
                    found: record.len(),
                },
            )
            .into());
        }
        if index == 0 {
            for (got, want) in record.iter().zip(header) {
                if got != *want {
                    return Err(cell_error(
                        file,
                        1,
                        Some(want),
                        CellProblem::Header {
                            expected: want.to_string(),
                        },
                    )
                    .into());
                }
            }
        } else {
            let mut cells: Vec<&str> = Vec::with_capacity(header.len());
            for (cell, column) in record.iter().zip(header) {
                cells.push(
                    cells::unescape(cell).map_err(|p| cell_error(file, number, Some(column), p))?,
                );
            }
            cells.resize(header.len(), "");
            row(number, &cells)?;
        }
        index += 1;
    }
    if index == 0 {
        return Err(cell_error(
            file,
            1,
            None,
            CellProblem::MissingRow {
                expected: header.join(","),
            },
        )
        .into());
    }
    Ok(index - 1)
}

/// RFC 3339 to the second with an offset, exactly as tothon writes times.
pub(super) fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    crate::domain::version::parse_time_text(s)
}

/// A team's number as tothon writes it: 1 to 255, without a sign or a
/// leading zero (what `u8::to_string` writes, checked without writing it).
fn team_number(s: &str) -> Option<u8> {
    s.parse()
        .ok()
        .filter(|t: &u8| *t > 0 && !s.starts_with(['+', '0']))
}

/// Reads a `;`-separated list — sorted, each item once, each passing `ok` —
/// into `out`, reusing its memory; false when it is not one.
fn parse_list_into(s: &str, ok: impl Fn(&str) -> bool, out: &mut Vec<String>) -> bool {
    let items = || s.split(';').filter(|_| !s.is_empty());
    let sorted = items().zip(items().skip(1)).all(|(a, b)| a < b);
    if !sorted || !items().all(ok) {
        return false;
    }
    out.truncate(items().count());
    for (i, item) in items().enumerate() {
        match out.get_mut(i) {
            Some(old) => set_text(old, item),
            None => out.push(item.to_string()),
        }
    }
    true
}

/// Reads the versions of one form's file, handing each to `visit`; returns
/// how many there were.
pub(super) fn parse_versions<E: From<BundleError>>(
    file: &str,
    spec: &FormSpec,
    data: impl Read,
    visit: &mut impl FnMut(&Place, &mut Version) -> Result<(), E>,
) -> Result<usize, E> {
    let header = version_header(spec);
    // A form the commune added: the fields its later versions brought may
    // be missing from a file written by a device that knows fewer of them.
    let added = spec.version != 0;
    let optional_tail = if added {
        let first = crate::domain::form::versions_of(&spec.id)
            .first()
            .map(|f| f.fields.len());
        spec.fields.len() - first.unwrap_or(spec.fields.len()).min(spec.fields.len())
    } else {
        spec.fields
            .iter()
            .rev()
            .take_while(|f| LATER_FIELDS.contains(&f.id.as_str()))
            .count()
    };
    let first_value = VERSION_COLUMNS.len() + usize::from(added);
    // Most rows of a bundle share a handful of authors: check each name once.
    let mut last_author = String::new();
    // The order key of the previous row: case, time, id.
    let mut previous: Option<(String, DateTime<FixedOffset>, String)> = None;
    let mut place = Place {
        file: file.to_string(),
        row: 0,
    };
    let mut v = Version::blank();
    each_row(
        file,
        data,
        &header,
        optional_tail,
        |row, cells| -> Result<(), E> {
            let bad =
                |column: &str, problem: CellProblem| cell_error(file, row, Some(column), problem);
            let invalid = |column: &str| bad(column, CellProblem::NotValid);
            let [
                id,
                record,
                parents,
                form_id,
                team,
                device,
                author,
                edited_at,
                status,
                confirmed,
            ] = std::array::from_fn(|k| cells[k]);
            if !is_version_id(id) {
                return Err(invalid("id").into());
            }
            if !is_record_id(record) {
                return Err(invalid("record").into());
            }
            if !parse_list_into(parents, is_version_id, &mut v.parents) {
                return Err(invalid("parents").into());
            }
            if form_id != spec.id {
                return Err(bad(
                    "form",
                    CellProblem::WrongForm {
                        file_form: spec.id.clone(),
                    },
                )
                .into());
            }
            v.team = team_number(team).ok_or_else(|| invalid("team"))?;
            if !is_device_id(device) {
                return Err(invalid("device").into());
            }
            if author != last_author {
                cells::check_text(author, MAX_NAME_CHARS).map_err(|p| bad("author", p))?;
                if author.is_empty() || crate::domain::text::clean(author) != author {
                    return Err(invalid("author").into());
                }
                last_author = author.to_string();
            }
            v.edited_at = parse_time(edited_at).ok_or_else(|| invalid("edited_at"))?;
            v.status = Status::parse(status).ok_or_else(|| invalid("status"))?;
            if !parse_list_into(confirmed, is_confirm_code, &mut v.confirmed) {
                return Err(invalid("confirmed").into());
            }
            v.form_version = 0;
            if added {
                let version = cells[VERSION_COLUMNS.len()];
                v.form_version = version
                    .parse()
                    .ok()
                    .filter(|n: &u32| *n > 0 && n.to_string() == version)
                    .ok_or_else(|| invalid(FORM_VERSION))?;
            }
            let values = &cells[first_value..];
            for (field, value) in spec.fields.iter().zip(values) {
                if !value.is_empty() {
                    cells::check_text(value, MAX_VALUE_CHARS).map_err(|p| bad(&field.id, p))?;
                }
            }
            let filled = spec
                .by_id()
                .iter()
                .map(|&i| (spec.fields[i].id.as_str(), values[i]))
                .filter(|(_, x)| !x.is_empty());
            fill_values(&mut v.values, filled);
            set_text(&mut v.id, id);
            set_text(&mut v.record, record);
            set_text(&mut v.form, &spec.id);
            set_text(&mut v.device, device);
            set_text(&mut v.author, author);
            if !v.id_is_valid() {
                return Err(BundleError::WrongId {
                    file: file.to_string(),
                    row,
                }
                .into());
            }
            if let Some((record, at, id)) = &previous {
                let before = (record.as_str(), *at, id.as_str());
                let this = (v.record.as_str(), v.edited_at, v.id.as_str());
                if this <= before {
                    let problem = if this == before {
                        CellProblem::Duplicate
                    } else {
                        CellProblem::OutOfOrder
                    };
                    return Err(bad("id", problem).into());
                }
            }
            match &mut previous {
                Some((record, at, id)) => {
                    record.clone_from(&v.record);
                    *at = v.edited_at;
                    id.clone_from(&v.id);
                }
                None => previous = Some((v.record.clone(), v.edited_at, v.id.clone())),
            }
            place.row = row;
            visit(&place, &mut v)
        },
    )
}

/// Sets a string, reusing its memory.
fn set_text(s: &mut String, to: &str) {
    s.clear();
    s.push_str(to);
}

/// Makes `map` hold exactly `pairs` (distinct keys, in order), reusing the
/// memory of the entries it keeps: rows of one form mostly fill the same
/// fields, and then the map is walked once beside them.
pub(super) fn fill_values<'a>(
    map: &mut BTreeMap<String, String>,
    pairs: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) {
    let mut entries = map.iter_mut();
    let same_keys = pairs.clone().all(|(k, x)| match entries.next() {
        Some((key, value)) if key == k => {
            set_text(value, x);
            true
        }
        _ => false,
    }) && entries.next().is_none();
    if same_keys {
        return;
    }
    let mut count = 0;
    for (k, x) in pairs.clone() {
        match map.get_mut(k) {
            Some(old) => set_text(old, x),
            None => {
                map.insert(k.to_string(), x.to_string());
            }
        }
        count += 1;
    }
    if map.len() != count {
        map.retain(|k, _| pairs.clone().any(|(p, _)| p == k));
    }
}

/// `villages.csv`: one row per village, by team, each team once, each name
/// as tothon writes it (cleaned, not empty, not too long).
pub(super) fn parse_villages(data: impl Read) -> Result<Vec<Village>, BundleError> {
    let mut out: Vec<Village> = Vec::new();
    each_row(VILLAGES, data, &VILLAGE_COLUMNS, 0, |row, cells| {
        let bad = |column: &str| cell_error(VILLAGES, row, Some(column), CellProblem::NotValid);
        let [team, name] = [cells[0], cells[1]];
        let team: u8 = team_number(team)
            .filter(|t| out.last().is_none_or(|v| v.team < *t))
            .ok_or_else(|| bad("team"))?;
        if name.is_empty()
            || crate::domain::text::clean(name) != name
            || name.chars().count() > MAX_VILLAGE_NAME
        {
            return Err(bad("name"));
        }
        out.push(Village {
            team,
            name: name.to_string(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// `forms.csv`: the specs of the forms the commune added, each as JSON,
/// every version once, each a version from 1. Each is made known, so the
/// files of these forms can be read after it (the commune checked them
/// when it added them; its signature covers them).
pub(super) fn parse_forms(data: impl Read) -> Result<Vec<String>, BundleError> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<(String, u32)> = Vec::new();
    each_row(FORMS, data, &FORMS_COLUMNS, 0, |row, cells| {
        let bad = || cell_error(FORMS, row, Some(FORMS_COLUMNS[0]), CellProblem::NotValid);
        let spec = crate::domain::form::added::parse(cells[0]).map_err(|_| bad())?;
        // Each version once (the commune never changes a version it sent).
        if seen.contains(&(spec.id.clone(), spec.version)) {
            return Err(bad());
        }
        seen.push((spec.id.clone(), spec.version));
        // Known while the bundle is read; in force once it is taken in.
        crate::domain::form::know(spec);
        out.push(cells[0].to_string());
        Ok(())
    })?;
    Ok(out)
}

/// `moved.csv`: one row per work item moved away, by id, each once: a
/// record id, the team it went to, when (as tothon writes times).
pub(super) fn parse_moved(data: impl Read) -> Result<Vec<Moved>, BundleError> {
    let mut out: Vec<Moved> = Vec::new();
    each_row(MOVED, data, &MOVED_COLUMNS, 0, |row, cells| {
        let bad = |column: &str| cell_error(MOVED, row, Some(column), CellProblem::NotValid);
        let [id, team, at] = [cells[0], cells[1], cells[2]];
        if !is_record_id(id) || out.last().is_some_and(|m| m.id.as_str() >= id) {
            return Err(bad("id"));
        }
        let team = team_number(team).ok_or_else(|| bad("team"))?;
        if parse_time(at).is_none() {
            return Err(bad("moved_at"));
        }
        out.push(Moved {
            id: id.to_string(),
            team,
            at: at.to_string(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// `register.csv`: one row per person, by key, each key once, every cell
/// as tothon writes it.
pub(super) fn parse_register(data: impl Read) -> Result<Vec<Person>, BundleError> {
    let mut out: Vec<Person> = Vec::new();
    each_row(REGISTER, data, &REGISTER_COLUMNS, 0, |row, cells| {
        let bad = |column: &str| cell_error(REGISTER, row, Some(column), CellProblem::NotValid);
        let text = |i: usize, max: usize| -> Result<String, BundleError> {
            cells::check_text(cells[i], max)
                .map_err(|p| cell_error(REGISTER, row, Some(REGISTER_COLUMNS[i]), p))?;
            Ok(cells[i].to_string())
        };
        let key = cells[0];
        if !is_record_id(key) || out.last().is_some_and(|p| p.key.as_str() >= key) {
            return Err(bad("key"));
        }
        let sex = match cells[4] {
            "" => None,
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => return Err(bad("sex")),
        };
        let team: u8 = team_number(cells[7]).ok_or_else(|| bad("team"))?;
        out.push(Person {
            key: key.to_string(),
            personal_id: text(1, MAX_VALUE_CHARS)?,
            full_name: text(2, MAX_NAME_CHARS)?,
            birth_date: text(3, MAX_VALUE_CHARS)?,
            sex,
            household: text(5, MAX_VALUE_CHARS)?,
            relation: text(6, MAX_VALUE_CHARS)?,
            team,
            phone: text(8, MAX_VALUE_CHARS)?,
            ethnicity: text(9, MAX_VALUE_CHARS)?,
            religion: text(10, MAX_VALUE_CHARS)?,
        });
        Ok(())
    })?;
    Ok(out)
}

pub(super) fn parse_work_items(data: impl Read) -> Result<Vec<WorkItem>, BundleError> {
    let fields = work_item_fields();
    let header: Vec<&str> = WORK_ITEM_COLUMNS
        .iter()
        .copied()
        .chain(fields.iter().copied())
        .collect();
    // Which of the shared columns each form has, worked out once.
    let columns_of: Vec<(&str, Vec<bool>)> = work_forms()
        .into_iter()
        .map(|f| {
            let has = fields.iter().map(|c| has_field(f, c)).collect();
            (f.id.as_str(), has)
        })
        .collect();
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    each_row(
        WORK_ITEMS,
        data,
        &header,
        later_work_item_fields(),
        |row, cells| {
            let bad = |column: &str, problem: CellProblem| {
                cell_error(WORK_ITEMS, row, Some(column), problem)
            };
            let [id, form_id, team, due] = std::array::from_fn(|k| cells[k]);
            if !is_record_id(id) {
                return Err(bad("id", CellProblem::NotValid));
            }
            if !ids.insert(id.to_string()) {
                return Err(bad("id", CellProblem::Duplicate));
            }
            let (form_id, has) = columns_of
                .iter()
                .find(|(f, _)| *f == form_id)
                .ok_or_else(|| bad("form", CellProblem::UnknownForm))?;
            let team: u8 = team_number(team).ok_or_else(|| bad("team", CellProblem::NotValid))?;
            let due = if due.is_empty() {
                None
            } else {
                let d = NaiveDate::parse_from_str(due, "%Y-%m-%d")
                    .ok()
                    .filter(|d| d.to_string() == due)
                    .ok_or_else(|| bad("due", CellProblem::NotValid))?;
                Some(d.to_string())
            };
            let mut prefill = BTreeMap::new();
            for ((field, value), known) in fields
                .iter()
                .zip(&cells[WORK_ITEM_COLUMNS.len()..])
                .zip(has)
            {
                if value.is_empty() {
                    continue;
                }
                if !known {
                    return Err(bad(
                        field,
                        CellProblem::NotAFieldOfForm {
                            form: form_id.to_string(),
                        },
                    ));
                }
                cells::check_text(value, MAX_VALUE_CHARS).map_err(|p| bad(field, p))?;
                prefill.insert(field.to_string(), value.to_string());
            }
            out.push(WorkItem {
                id: id.to_string(),
                form: form_id.to_string(),
                team,
                due,
                prefill,
            });
            Ok(())
        },
    )?;
    Ok(out)
}
