//! What each column of a work-list file holds: the table of header names the
//! importer understands, finding the header row and the delimiter, guessing
//! the form from the columns, and the per-form plan of which column fills
//! which field.
//!
//! Pure: reads header text and the form specs, nothing else. Header names are
//! data (the `ALIASES` table, plus every field's own labels from the specs),
//! so teaching the importer a new spelling is one line, not a new branch.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::decode::{KeepBlankLines, SCAN_LINES};
use super::{ColumnRole, WorklistError};
use crate::domain::form::{self, FormSpec, Kind, RefList};
use crate::domain::text;

/// Part of a name split over several columns (the data-exchange layout
/// {Họ, Chữ đệm, Tên}).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamePart {
    /// Family name, or family and middle names together ("Họ và đệm").
    Family,
    Middle,
    Given,
}

/// What a header says its column holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A form field: the first of these that the row's form has. "Họ tên"
    /// is the person's name on a person form and the head's on a household
    /// check, so the order is the preference.
    Field(Vec<&'static str>),
    NamePart(NamePart),
    /// The village, which decides the team.
    Village,
    Team,
    /// The form of each row, in lists that mix forms.
    Form,
    Due,
    /// A running number ("STT") or the like: known, and of no use.
    Skip,
}

/// One row of the alias table, before keys are folded.
enum Alias {
    Fields(&'static [&'static str]),
    Part(NamePart),
    Village,
    Team,
    Form,
    Due,
    Skip,
}

/// Header spellings seen in commune spreadsheets, Vietnamese and English.
/// They are compared folded (no accents, no case, letters and digits only),
/// so "HỌ VÀ TÊN", "Ho va ten" and "họ và tên" are one entry. Every field's
/// own labels and id (from `data/forms`) are understood too, after these.
const ALIASES: &[(Alias, &[&str])] = &[
    (
        Alias::Fields(&["person_id", "head_id"]),
        &[
            "Số định danh",
            "Số định danh cá nhân",
            "Mã định danh",
            "Mã định danh cá nhân",
            "Số CCCD",
            "CCCD",
            "Số căn cước",
            "Số căn cước công dân",
            "Căn cước công dân",
            "Căn cước",
            "Personal ID",
            "Personal ID number",
            "ID number",
            "ID",
            "PIN",
            "Citizen ID",
        ],
    ),
    (
        Alias::Fields(&["full_name", "head_name"]),
        &[
            "Họ và tên",
            "Họ tên",
            "Họ và tên công dân",
            "Họ tên công dân",
            "Full name",
            "Name",
        ],
    ),
    (
        Alias::Fields(&["birth_date"]),
        &[
            "Ngày sinh",
            "Ngày tháng năm sinh",
            "Năm sinh",
            "Sinh ngày",
            "Date of birth",
            "Birth date",
            "DOB",
        ],
    ),
    (
        Alias::Fields(&["sex"]),
        &["Giới tính", "Giới", "Nam/Nữ", "Sex", "Gender"],
    ),
    (
        Alias::Fields(&["phone"]),
        &[
            "Số điện thoại",
            "Điện thoại",
            "SĐT",
            "Số ĐT",
            "ĐT",
            "Di động",
            "Số di động",
            "Phone",
            "Phone number",
            "Mobile",
            "Mobile number",
            "Tel",
        ],
    ),
    (
        Alias::Fields(&["household_code"]),
        &[
            "Mã hộ",
            "Mã hộ gia đình",
            "Mã số hộ",
            "Số hộ",
            "Household code",
            "Household ID",
            "Household",
        ],
    ),
    (
        Alias::Fields(&["relation"]),
        &[
            "Quan hệ",
            "Quan hệ chủ hộ",
            "QH với chủ hộ",
            "Quan hệ với CH",
            "Relation",
            "Relationship",
        ],
    ),
    (
        Alias::Fields(&["head_name"]),
        &[
            "Chủ hộ",
            "Họ tên chủ hộ",
            "Họ và tên chủ hộ",
            "Tên chủ hộ",
            "Head of household",
            "Household head",
            "Head name",
        ],
    ),
    (
        Alias::Fields(&["head_id"]),
        &[
            "Số định danh chủ hộ",
            "CCCD chủ hộ",
            "Số CCCD chủ hộ",
            "Head ID",
            "Head's personal ID",
            "Head personal ID",
        ],
    ),
    (
        Alias::Fields(&["address"]),
        &[
            "Địa chỉ",
            "Địa chỉ hộ",
            "Nơi ở",
            "Nơi ở hiện tại",
            "Address",
        ],
    ),
    (
        Alias::Fields(&["members_registered"]),
        &[
            "Số nhân khẩu",
            "Nhân khẩu",
            "Số người trong hộ",
            "Số thành viên",
            "Members",
            "Household members",
        ],
    ),
    (
        Alias::Fields(&["missing"]),
        &[
            "Trường thiếu",
            "Trường còn thiếu",
            "Trường thông tin thiếu",
            "Thông tin thiếu",
            "Thông tin còn thiếu",
            "Nội dung thiếu",
            "Thiếu",
            "Missing field",
            "Missing",
        ],
    ),
    (
        Alias::Fields(&["target_level"]),
        &[
            "Mức",
            "Mức cần đạt",
            "Mức độ",
            "Mức tài khoản",
            "Mức định danh",
            "Level",
            "Target level",
        ],
    ),
    (
        Alias::Part(NamePart::Family),
        &[
            "Họ",
            "Họ đệm",
            "Họ và đệm",
            "Họ và tên đệm",
            "Họ và chữ đệm",
            "Family name",
            "Surname",
            "Last name",
        ],
    ),
    (
        Alias::Part(NamePart::Middle),
        &["Chữ đệm", "Tên đệm", "Đệm", "Middle name"],
    ),
    (
        Alias::Part(NamePart::Given),
        &["Tên", "Tên gọi", "Given name", "First name"],
    ),
    (
        Alias::Village,
        &[
            "Thôn",
            "Thôn/xóm",
            "Xóm",
            "Ấp",
            "Bản",
            "Làng",
            "Tổ dân phố",
            "Thôn/Tổ dân phố",
            "Village",
            "Hamlet",
        ],
    ),
    (
        Alias::Team,
        &[
            "Tổ",
            "Tổ công tác",
            "Tổ thôn",
            "Số tổ",
            "Team",
            "Team number",
        ],
    ),
    (
        Alias::Form,
        &[
            "Mẫu",
            "Mẫu phiếu",
            "Loại phiếu",
            "Loại việc",
            "Việc",
            "Form",
            "Task",
        ],
    ),
    (
        Alias::Due,
        &[
            "Hạn",
            "Hạn hoàn thành",
            "Thời hạn",
            "Hạn xử lý",
            "Ngày hết hạn",
            "Due",
            "Due date",
            "Deadline",
        ],
    ),
    (
        Alias::Skip,
        &["STT", "TT", "Số TT", "Số thứ tự", "No", "Nr"],
    ),
];

/// The folded key a header is looked up by. A hint in brackets
/// ("Ngày sinh (dd/mm/yyyy)") is not part of the name.
pub fn header_key(header: &str) -> String {
    let mut bare = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    let key = text::key(&bare);
    if key.is_empty() {
        text::key(header)
    } else {
        key
    }
}

fn table() -> &'static HashMap<String, Target> {
    static TABLE: OnceLock<HashMap<String, Target>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for (alias, names) in ALIASES {
            let target = match alias {
                Alias::Fields(ids) => Target::Field(ids.to_vec()),
                Alias::Part(p) => Target::NamePart(*p),
                Alias::Village => Target::Village,
                Alias::Team => Target::Team,
                Alias::Form => Target::Form,
                Alias::Due => Target::Due,
                Alias::Skip => Target::Skip,
            };
            for name in *names {
                map.entry(header_key(name))
                    .or_insert_with(|| target.clone());
            }
        }
        for spec in form::forms().iter().chain([form::register()]) {
            for field in &spec.fields {
                for name in [&field.label.vi, &field.label.en, &field.id] {
                    let entry = map
                        .entry(header_key(name))
                        .or_insert_with(|| Target::Field(Vec::new()));
                    if let Target::Field(ids) = entry
                        && !ids.contains(&field.id.as_str())
                    {
                        ids.push(field.id.as_str());
                    }
                }
            }
        }
        map
    })
}

/// What a header names, if the importer knows it.
pub fn lookup(header: &str) -> Option<Target> {
    table().get(&header_key(header)).cloned()
}

/// One column of the file as read from its header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// 0-based position in the row.
    pub index: usize,
    pub header: String,
    /// `None` when the header means nothing to the importer.
    pub target: Option<Target>,
}

/// Fields a merged cell spans in a list of people grouped by household
/// (their household code, address and head), which fill-down fills; with
/// the village and the team.
const GROUP_FIELDS: &[&str] = &["household_code", "address", "head_name", "head_id"];

impl Column {
    fn field_ids(&self) -> &[&'static str] {
        match &self.target {
            Some(Target::Field(ids)) => ids,
            _ => &[],
        }
    }

    /// Holds personal IDs, CMNDs or phone numbers: a workbook's number there
    /// is read as its digits, and a date format as the number behind it.
    pub fn holds_digits(&self) -> bool {
        self.field_ids().iter().any(|id| {
            form::forms()
                .iter()
                .filter_map(|spec| spec.field(id))
                .any(|f| {
                    matches!(
                        f.kind,
                        Kind::PersonalId { .. } | Kind::PersonalIds | Kind::Cmnd | Kind::Phone
                    )
                })
        })
    }

    /// A column fill-down fills: the village, the team, or one whose first
    /// meaning is a household's ("Họ tên" is first a person's name, and a
    /// blank name is never filled from the row above).
    pub fn spans_groups(&self) -> bool {
        matches!(self.target, Some(Target::Village | Target::Team))
            || self
                .field_ids()
                .first()
                .is_some_and(|id| GROUP_FIELDS.contains(id))
    }
}

/// Reads the header row; a village, team, form or due column may appear once.
pub fn map_columns(headers: &[String]) -> Result<Vec<Column>, WorklistError> {
    let columns: Vec<Column> = headers
        .iter()
        .enumerate()
        .map(|(index, h)| Column {
            index,
            header: h.clone(),
            target: lookup(h),
        })
        .collect();
    for role in [
        ColumnRole::Village,
        ColumnRole::Team,
        ColumnRole::Form,
        ColumnRole::Due,
    ] {
        let mut same = columns
            .iter()
            .filter(|c| role_of(c).as_ref() == Some(&role));
        if let (Some(first), Some(second)) = (same.next(), same.next()) {
            return Err(WorklistError::DuplicateColumn {
                role,
                first: first.header.clone(),
                second: second.header.clone(),
            });
        }
    }
    Ok(columns)
}

fn role_of(c: &Column) -> Option<ColumnRole> {
    match c.target {
        Some(Target::Village) => Some(ColumnRole::Village),
        Some(Target::Team) => Some(ColumnRole::Team),
        Some(Target::Form) => Some(ColumnRole::Form),
        Some(Target::Due) => Some(ColumnRole::Due),
        _ => None,
    }
}

/// The column with this role, if any.
pub fn find(columns: &[Column], target: &Target) -> Option<usize> {
    columns
        .iter()
        .find(|c| c.target.as_ref() == Some(target))
        .map(|c| c.index)
}

// ------------------------------------------------------------ header row

const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Where the header is: its record index (0-based; title rows may come
/// first) and the delimiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderAt {
    pub record: usize,
    pub delimiter: u8,
}

/// Finds the header row among the first lines: the first row that, split by
/// one of `,` `;` tab, names at least two known columns (or, failing that,
/// one). When several delimiters work on that row, the one giving more known
/// columns wins, then the one giving more cells.
pub fn find_header(prefix: &[u8]) -> Result<HeaderAt, WorklistError> {
    // (record, known, cells) of the best row per delimiter.
    let mut scores: Vec<(u8, Vec<(usize, usize)>)> = Vec::new();
    for d in DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(d)
            .from_reader(KeepBlankLines::new(prefix));
        let mut rows = Vec::new();
        let mut record = csv::ByteRecord::new();
        while rows.len() < SCAN_LINES && reader.read_byte_record(&mut record).unwrap_or(false) {
            let known = record
                .iter()
                .filter(|cell| lookup(&String::from_utf8_lossy(cell)).is_some())
                .count();
            rows.push((known, record.len()));
        }
        scores.push((d, rows));
    }
    for min_known in [2, 1] {
        let rows = scores.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
        for record in 0..rows {
            let best = scores
                .iter()
                .filter_map(|(d, r)| r.get(record).map(|&(known, cells)| (known, cells, *d)))
                .filter(|&(known, _, _)| known >= min_known)
                // Ties go to the earlier delimiter in DELIMITERS order.
                .max_by_key(|&(known, cells, d)| {
                    (known, cells, std::cmp::Reverse(delimiter_rank(d)))
                });
            if let Some((_, _, delimiter)) = best {
                return Ok(HeaderAt { record, delimiter });
            }
        }
    }
    Err(no_known_column(prefix))
}

/// The header among a sheet's first rows: the first that names at least two
/// known columns, or failing that one (as [`find_header`] for text).
pub fn pick_header(rows: &[Vec<String>]) -> Option<usize> {
    let known: Vec<usize> = rows
        .iter()
        .take(SCAN_LINES)
        .map(|cells| cells.iter().filter(|c| lookup(c).is_some()).count())
        .collect();
    [2, 1]
        .into_iter()
        .find_map(|least| known.iter().position(|&k| k >= least))
}

fn delimiter_rank(d: u8) -> usize {
    DELIMITERS.iter().position(|&x| x == d).unwrap_or(0)
}

/// The error for a file whose top rows name no column we know, quoting the
/// first non-blank row so the user sees what was read.
fn no_known_column(prefix: &[u8]) -> WorklistError {
    let text = String::from_utf8_lossy(prefix);
    match text.lines().map(text::clean).find(|l| !l.is_empty()) {
        Some(first) => WorklistError::NoKnownColumn {
            first_row: first.chars().take(120).collect(),
        },
        None => WorklistError::Empty,
    }
}

// ------------------------------------------------------------ forms

/// How the importer treats each known form: which columns give it away,
/// which fields a list must fill, and which fields say "the same work" (the
/// identity key: two rows, or a row and an item on the list, with the same
/// form and the same identity are one piece of work).
pub struct FormRule {
    pub form: &'static str,
    /// Columns only this form's lists carry.
    pub telltales: &'static [&'static str],
    /// Fields every row must fill.
    pub needs: &'static [&'static str],
    /// Fields that identify the work.
    pub identity: &'static [&'static str],
}

/// One household is checked once; one person is followed up once for
/// activation; a person can have several missing fields, each its own work.
pub const FORM_RULES: &[FormRule] = &[
    FormRule {
        form: "household_check",
        telltales: &[
            "head_name",
            "head_id",
            "address",
            "members_registered",
            "members_found",
            "findings",
        ],
        needs: &["household_code"],
        identity: &["household_code"],
    },
    FormRule {
        form: "missing_field",
        telltales: &["missing"],
        needs: &["person_id", "full_name", "missing"],
        identity: &["person_id", "missing"],
    },
    FormRule {
        form: "activation",
        telltales: &["phone", "target_level"],
        needs: &["person_id", "full_name"],
        identity: &["person_id"],
    },
    // Never inferred (no case is of it): the register import names it. One
    // ID in two households is two entries, and a suspected duplicate.
    FormRule {
        form: "register",
        telltales: &[],
        needs: &["person_id", "full_name", "household_code"],
        identity: &["person_id", "household_code"],
    },
];

/// The rule for a form; a form added later without a rule here is
/// identified, and must be filled, by its title fields.
pub fn rule_for(spec: &'static FormSpec) -> (Vec<&'static str>, Vec<&'static str>) {
    match FORM_RULES.iter().find(|r| r.form == spec.id) {
        Some(r) => (r.needs.to_vec(), r.identity.to_vec()),
        None => {
            let title: Vec<&'static str> = spec.title.iter().map(String::as_str).collect();
            (title.clone(), title)
        }
    }
}

/// Which form a whole file is, from its columns, and the column that told
/// (`None`: the only form whose needed columns are all there). First any form
/// whose telltale columns are present (exactly one must be); else the one
/// form whose needed columns are all present. `Err` lists the candidates.
pub fn infer_form(columns: &[Column]) -> Result<(&'static FormSpec, Option<String>), Vec<String>> {
    let primary = |c: &Column| match &c.target {
        Some(Target::Field(ids)) => ids.first().copied(),
        _ => None,
    };
    let mut by_telltale = Vec::new();
    for rule in FORM_RULES {
        if let Some(c) = columns
            .iter()
            .find(|c| primary(c).is_some_and(|f| rule.telltales.contains(&f)))
            && let Some(spec) = form::form(rule.form)
        {
            by_telltale.push((spec, Some(c.header.clone())));
        }
    }
    let ids = |found: &[(&'static FormSpec, Option<String>)]| -> Vec<String> {
        found.iter().map(|(s, _)| s.id.clone()).collect()
    };
    match by_telltale.len() {
        1 => return Ok(by_telltale.remove(0)),
        0 => {}
        _ => return Err(ids(&by_telltale)),
    }
    let by_needs: Vec<(&'static FormSpec, Option<String>)> = FORM_RULES
        .iter()
        .filter_map(|rule| form::form(rule.form))
        .filter(|spec| plan(columns, spec).is_ok_and(|p| p.missing.is_empty()))
        .map(|spec| (spec, None))
        .collect();
    match by_needs.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(ids(&by_needs)),
    }
}

/// Matches a form as a row names it: its id, its code ("AC") or either of its
/// labels, accents and case ignored.
pub fn match_form(value: &str) -> Option<&'static FormSpec> {
    let key = header_key(value);
    form::openable().into_iter().find(|spec| {
        [
            &spec.id,
            &spec.code,
            &spec.label.vi,
            &spec.label.en,
            &spec.short.vi,
            &spec.short.en,
        ]
        .iter()
        .any(|name| header_key(name) == key)
    })
}

/// A name built from split columns, written into `field`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamePlan {
    pub field: &'static str,
    /// Columns in name order (family, middle, given), those present.
    pub parts: Vec<usize>,
}

/// Which column fills which field, for one form.
#[derive(Clone, Debug)]
pub struct FormPlan {
    pub spec: &'static FormSpec,
    /// (column index, field id), in column order.
    pub fields: Vec<(usize, &'static str)>,
    pub name: Option<NamePlan>,
    /// Known columns this form does not read: it has no such field, or
    /// another column fills it (reported, then ignored).
    pub unused: Vec<usize>,
    /// Needed fields with no column: rows of this form cannot be imported.
    pub missing: Vec<&'static str>,
    pub needs: Vec<&'static str>,
    pub identity: Vec<&'static str>,
}

/// Works out the columns of one form. A field two columns claim equally
/// ("Họ tên" and "Họ và tên") is an error; a column that names the field
/// only as a fallback ("Họ tên" on a household check, when "Chủ hộ" is there
/// too) gives way.
pub fn plan(columns: &[Column], spec: &'static FormSpec) -> Result<FormPlan, WorklistError> {
    let name_field = ["full_name", "head_name"]
        .into_iter()
        .find(|f| spec.field(f).is_some());
    // (field, rank, column)
    let mut claims: Vec<(&'static str, usize, usize)> = Vec::new();
    let mut unused = Vec::new();
    for c in columns {
        match &c.target {
            Some(Target::Field(ids)) => match ids
                .iter()
                .enumerate()
                .find(|(_, id)| spec.field(id).is_some())
            {
                Some((rank, id)) => claims.push((id, rank, c.index)),
                None => unused.push(c.index),
            },
            Some(Target::NamePart(_)) if name_field.is_none() => unused.push(c.index),
            _ => {}
        }
    }
    let mut parts: Vec<(NamePart, usize)> = columns
        .iter()
        .filter_map(|c| match c.target {
            Some(Target::NamePart(p)) => Some((p, c.index)),
            _ => None,
        })
        .collect();
    let mut name = None;
    if let Some(field) = name_field
        && !parts.is_empty()
    {
        // A full-name column says it all: parts beside it (a "Tên" column
        // kept for sorting by given name) are not read. A family name with
        // no given name is no name. A lone "Tên" is the whole name, as many
        // lists write it.
        let named_whole = claims.iter().any(|&(f, rank, _)| f == field && rank == 0);
        if named_whole || !parts.iter().any(|(p, _)| *p == NamePart::Given) {
            unused.extend(parts.iter().map(|(_, i)| *i));
        } else {
            crate::sort::sort_by_key(&mut parts, |(p, i)| (*p as u8, *i));
            name = Some(NamePlan {
                field,
                parts: parts.iter().map(|(_, i)| *i).collect(),
            });
            // Beats a column that names this field only as a fallback.
            claims.push((field, 0, usize::MAX));
        }
    }
    let header = |index: usize| {
        columns
            .get(index)
            .map(|c| c.header.clone())
            .unwrap_or_default()
    };
    let mut fields = Vec::new();
    crate::sort::sort_by_key(&mut claims, |&(field, rank, col)| (field, rank, col));
    // The first claim of each field (lowest rank) wins; an equal claim is a
    // duplicate column, a weaker one gives way.
    let mut winner: Option<(&'static str, usize, usize)> = None;
    for &(field, rank, col) in &claims {
        match winner {
            Some((won_field, won_rank, won_col)) if won_field == field => {
                if won_rank == rank {
                    return Err(WorklistError::DuplicateColumn {
                        role: ColumnRole::Field {
                            form: spec.id.clone(),
                            field: field.to_string(),
                        },
                        first: header(won_col.min(col)),
                        second: header(won_col.max(col)),
                    });
                }
                if col != usize::MAX {
                    unused.push(col);
                }
            }
            _ => {
                winner = Some((field, rank, col));
                if col != usize::MAX {
                    fields.push((col, field));
                }
            }
        }
    }
    crate::sort::sort(&mut fields);
    crate::sort::sort(&mut unused);
    unused.dedup();
    let (needs, identity) = rule_for(spec);
    let has = |f: &str| {
        fields.iter().any(|&(_, x)| x == f) || name.as_ref().is_some_and(|n| n.field == f)
    };
    let missing = needs.iter().copied().filter(|f| !has(f)).collect();
    Ok(FormPlan {
        spec,
        fields,
        name,
        unused,
        missing,
        needs,
        identity,
    })
}

/// Fields whose value is the village (the household check's "Thôn"): the
/// importer fills them with the team it found, not with the cell as typed.
pub fn village_fields(spec: &FormSpec) -> impl Iterator<Item = &str> {
    spec.fields.iter().filter_map(|f| {
        matches!(
            f.kind,
            Kind::Choice {
                list: Some(RefList::Villages),
                ..
            }
        )
        .then_some(f.id.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(headers: &[&str]) -> Vec<Column> {
        map_columns(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn target(h: &str) -> Option<Target> {
        lookup(h)
    }

    #[test]
    fn aliases_fold_to_distinct_keys() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (_, names) in ALIASES {
            for name in *names {
                let key = header_key(name);
                assert!(!key.is_empty(), "{name}");
                if let Some(other) = seen.insert(key.clone(), name) {
                    panic!("{name} and {other} both fold to {key}");
                }
            }
        }
        for (_, names) in ALIASES {
            for name in *names {
                if let Some(Target::Field(ids)) = lookup(name) {
                    for id in ids {
                        assert!(
                            form::forms()
                                .iter()
                                .chain([form::register()])
                                .any(|f| f.field(id).is_some()),
                            "{name} names {id}, which no form has"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn headers_match_in_any_case_with_or_without_accents() {
        let id = Some(Target::Field(vec!["person_id", "head_id"]));
        for h in [
            "Số định danh",
            "SỐ ĐỊNH DANH",
            "so dinh danh",
            "Số CCCD",
            "cccd",
            "Personal ID",
            " Số  định danh (12 số) ",
            "Số định danh*",
        ] {
            assert_eq!(target(h), id, "{h}");
        }
        // Decomposed accents (Unikey's "Unicode tổ hợp") fold the same.
        assert_eq!(
            target("Ho\u{323} va\u{300} te\u{302}n"),
            target("Họ và tên")
        );
        assert_eq!(target("SĐT").and_then(first), Some("phone"));
        assert_eq!(target("Thôn"), Some(Target::Village));
        assert_eq!(target("Hạn"), Some(Target::Due));
        assert_eq!(target("STT"), Some(Target::Skip));
        // A field's own label and id from the spec are understood.
        assert_eq!(target("Ngày thực hiện").and_then(first), Some("visit_date"));
        assert_eq!(
            target("next_follow_up").and_then(first),
            Some("next_follow_up")
        );
        assert_eq!(target("Ghi chú riêng của cán bộ"), None);
    }

    fn first(t: Target) -> Option<&'static str> {
        match t {
            Target::Field(ids) => ids.first().copied(),
            _ => None,
        }
    }

    #[test]
    fn the_header_row_and_delimiter_are_found_below_title_rows() {
        let text = "DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT\n\nThôn;Họ tên;Số CCCD;SĐT\nĐông;A;1;2\n";
        assert_eq!(
            find_header(text.as_bytes()).unwrap(),
            HeaderAt {
                record: 2,
                delimiter: b';'
            }
        );
        let tabs = "Name\tPersonal ID\tVillage\nx\ty\tz\n";
        assert_eq!(find_header(tabs.as_bytes()).unwrap().delimiter, b'\t');
        // A comma inside a quoted Vietnamese header does not fool it.
        let commas = "\"Ngày, tháng, năm sinh\",Họ tên,Thôn\n";
        assert_eq!(find_header(commas.as_bytes()).unwrap().delimiter, b',');
        assert!(matches!(
            find_header(b"a;b;c\n1;2;3\n"),
            Err(WorklistError::NoKnownColumn { .. })
        ));
        assert!(matches!(find_header(b"\n\n"), Err(WorklistError::Empty)));
    }

    #[test]
    fn the_form_is_inferred_from_telltale_columns() {
        let infer = |h: &[&str]| infer_form(&columns(h)).map(|(s, c)| (s.id.as_str(), c));
        assert_eq!(
            infer(&["Họ tên", "CCCD", "SĐT", "Thôn"]),
            Ok(("activation", Some("SĐT".to_string())))
        );
        assert_eq!(
            infer(&["Họ tên", "CCCD", "Trường thiếu", "Thôn"]).map(|r| r.0),
            Ok("missing_field")
        );
        assert_eq!(
            infer(&["Mã hộ", "Chủ hộ", "Thôn"]),
            Ok(("household_check", Some("Chủ hộ".to_string())))
        );
        // No telltale: the one form whose needed columns are all present.
        assert_eq!(infer(&["Mã hộ", "Thôn"]), Ok(("household_check", None)));
        assert_eq!(infer(&["Họ tên", "CCCD", "Thôn"]), Ok(("activation", None)));
        // A list of people with their household code fits two forms.
        assert_eq!(
            infer(&["Mã hộ", "Họ tên", "CCCD", "Thôn"]),
            Err(vec![
                "household_check".to_string(),
                "activation".to_string()
            ])
        );
        assert_eq!(
            infer(&["Họ tên", "CCCD", "SĐT", "Trường thiếu"]),
            Err(vec!["missing_field".to_string(), "activation".to_string()])
        );
        assert_eq!(infer(&["Thôn", "Hạn"]), Err(vec![]));
    }

    #[test]
    fn plans_prefer_explicit_headers_and_refuse_real_duplicates() {
        let hc = form::form("household_check").unwrap();
        let ac = form::form("activation").unwrap();
        let cols = columns(&["Mã hộ", "Họ tên", "Chủ hộ", "CCCD", "Thôn", "SĐT"]);
        let p = plan(&cols, hc).unwrap();
        assert_eq!(
            p.fields,
            vec![(0, "household_code"), (2, "head_name"), (3, "head_id")]
        );
        assert_eq!(p.unused, vec![1, 5]);
        assert!(p.missing.is_empty());
        let p = plan(&cols, ac).unwrap();
        assert_eq!(
            p.fields,
            vec![(1, "full_name"), (3, "person_id"), (5, "phone")]
        );
        assert_eq!(p.unused, vec![0, 2]);

        let dup = columns(&["Họ tên", "Họ và tên", "CCCD"]);
        assert!(matches!(
            plan(&dup, ac),
            Err(WorklistError::DuplicateColumn { .. })
        ));
        assert!(matches!(
            map_columns(&["Thôn".into(), "Xóm".into()]),
            Err(WorklistError::DuplicateColumn {
                role: ColumnRole::Village,
                ..
            })
        ));
        assert_eq!(
            plan(&columns(&["Thôn", "SĐT"]), ac).unwrap().missing,
            vec!["person_id", "full_name"]
        );
    }

    #[test]
    fn split_names_are_joined_and_a_lone_given_name_is_the_name() {
        let ac = form::form("activation").unwrap();
        let cols = columns(&["Tên", "CCCD", "Họ", "Chữ đệm"]);
        let p = plan(&cols, ac).unwrap();
        assert_eq!(
            p.name,
            Some(NamePlan {
                field: "full_name",
                parts: vec![2, 3, 0]
            })
        );
        assert!(p.missing.is_empty());
        let p = plan(&columns(&["Tên", "CCCD"]), ac).unwrap();
        assert_eq!(p.fields, vec![(1, "person_id")]);
        assert_eq!(
            p.name,
            Some(NamePlan {
                field: "full_name",
                parts: vec![0]
            })
        );
        let p = plan(&columns(&["Họ", "CCCD"]), ac).unwrap();
        assert_eq!(p.unused, vec![0]);
        assert_eq!(p.missing, vec!["full_name"]);
        // "Họ và tên" with a "Tên" column for sorting: the full name is read.
        let p = plan(&columns(&["Họ và tên", "Họ", "Tên", "CCCD"]), ac).unwrap();
        assert_eq!(p.fields, vec![(0, "full_name"), (3, "person_id")]);
        assert_eq!((p.name, p.unused), (None, vec![1, 2]));
        // On a household check the parts make the head's name and beat a
        // "Họ tên" that only falls back to it.
        let hc = form::form("household_check").unwrap();
        let p = plan(&columns(&["Mã hộ", "Họ tên", "Họ", "Tên"]), hc).unwrap();
        assert_eq!(p.name.map(|n| n.field), Some("head_name"));
        assert_eq!(p.unused, vec![1]);
    }

    #[test]
    fn forms_are_matched_by_id_code_or_label() {
        for v in [
            "activation",
            "AC",
            "Kích hoạt",
            "kich hoat",
            "e-ID activation follow-up",
        ] {
            assert_eq!(
                match_form(v).map(|s| s.id.as_str()),
                Some("activation"),
                "{v}"
            );
        }
        assert_eq!(
            match_form("Bổ sung").map(|s| s.id.as_str()),
            Some("missing_field")
        );
        assert!(match_form("census").is_none());
    }
}
