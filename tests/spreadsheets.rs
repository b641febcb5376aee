//! Real spreadsheets. A workbook shaped like the lists communes receive
//! (title rows above the header, the name split into "Họ", "Chữ đệm",
//! "Tên", the village in merged cells, birth dates as Excel dates, IDs and
//! phones some of which were stored as numbers, a total row and a
//! signature block) and the same rows as CSV, read through the library's
//! preview; and workbooks that must be refused whole, through the binary,
//! changing nothing.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use tothon::domain::commune::Commune;
use tothon::domain::work::WorkItem;
use tothon::i18n::Lang;
use tothon::worklist::fixtures::{self, Cell};
use tothon::worklist::{
    NotData, Options, Preview, RowProblem, WorkbookFormat, WorklistError, preview,
};

use common::{refusal, stdout, tothon};

const NAMED: [&str; 6] = common::VILLAGES;

fn commune() -> Commune {
    common::named_commune()
}

fn options() -> Options {
    Options::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
}

// ------------------------------------------------------------ the list

/// The people of the list, in groups of one village each: sizes, and the
/// village of the last, one-person group, which the commune does not have.
const GROUPS: [usize; 7] = [8, 7, 7, 8, 7, 6, 1];
const UNKNOWN_VILLAGE: &str = "Thôn Bắc";
/// People whose ID, or phone, was typed as a number (the zeros in front lost).
const ID_AS_NUMBER: [usize; 5] = [3, 10, 17, 25, 33];
const PHONE_AS_NUMBER: [usize; 3] = [5, 12, 40];
/// The person whose birth date was typed as text, and wrongly.
const BAD_DATE: usize = 20;
const PEOPLE: usize = 44;
/// The sheet's layout: the header's row and the first person's.
const HEADER_ROW: usize = 7;
const FIRST: usize = 8;

const HEADERS: [&str; 11] = [
    "STT",
    "Họ",
    "Chữ đệm",
    "Tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh",
    "Số điện thoại",
    "Thôn",
    "Mức cần đạt",
    "Ghi chú",
];
const VILLAGE_COL: usize = 8;

struct Person {
    family: &'static str,
    middle: &'static str,
    given: &'static str,
    birth: NaiveDate,
    female: bool,
    id: String,
    phone: String,
    level: &'static str,
    note: &'static str,
}

fn person(i: usize) -> Person {
    let families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    let middles = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu"];
    let givens = [
        "An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Phúc", "Quyên", "Sơn",
    ];
    let middle = middles[i % middles.len()];
    let female = matches!(middle, "Thị" | "Thu");
    let birth = NaiveDate::from_ymd_opt(
        1950 + (i as i32 * 7) % 55,
        1 + (i as u32 % 12),
        1 + (i as u32 * 3) % 28,
    )
    .unwrap();
    // Hà Nội's code (001) loses two zeros in a number; Thái Bình's one.
    let province = if i.is_multiple_of(5) { "001" } else { "034" };
    Person {
        family: families[i % families.len()],
        middle,
        given: givens[i % givens.len()],
        birth,
        female,
        // The century and sex digit: 0/1 for a man/woman born in the 1900s,
        // 2/3 in the 2000s.
        id: format!(
            "{province}{}{:02}{:06}",
            2 * u8::from(birth.year() >= 2000) + u8::from(female),
            birth.year() % 100,
            100_000 + i
        ),
        phone: format!("09{}{:07}", [1, 8, 7][i % 3], 1_000_000 + i * 37),
        level: ["Mức 2", "2", "Mức 1", "1"][i % 4],
        note: if i == 7 { "Đi làm ăn xa" } else { "" },
    }
}

/// The village of each person, and whether theirs is the first row of the
/// group (the only one a merged cell leaves filled).
fn village_of(i: usize, villages: &[&str]) -> (String, bool) {
    let mut start = 0;
    for (g, size) in GROUPS.iter().enumerate() {
        if i < start + size {
            let name = villages.get(g).copied().unwrap_or(UNKNOWN_VILLAGE);
            return (name.to_string(), i == start);
        }
        start += size;
    }
    unreachable!()
}

/// The sheet as cells, row 1 first, and the merged ranges (row, first
/// column, last row, last column; 0-based) a workbook draws.
struct Sheet {
    rows: Vec<Vec<Cell>>,
    merges: Vec<(usize, usize, usize, usize)>,
}

fn text(s: &str) -> Cell {
    Cell::from(s)
}

fn sheet(villages: &[&str]) -> Sheet {
    let width = HEADERS.len();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut merges = Vec::new();
    let line = |cells: &[(usize, &str)]| {
        let mut row = vec![Cell::Empty; width];
        for (col, s) in cells {
            row[*col] = text(s);
        }
        row
    };
    rows.push(line(&[
        (0, "UBND XÃ TÂN PHONG"),
        (6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ]));
    rows.push(line(&[
        (0, "CÔNG AN XÃ"),
        (6, "Độc lập - Tự do - Hạnh phúc"),
    ]));
    rows.push(line(&[]));
    rows.push(line(&[(
        0,
        "DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ",
    )]));
    merges.push((3, 0, 3, width - 1));
    rows.push(line(&[(
        0,
        "(Kèm theo Kế hoạch số 12/KH-CAX ngày 01/11/2026)",
    )]));
    merges.push((4, 0, 4, width - 1));
    rows.push(line(&[]));
    rows.push(HEADERS.iter().map(|h| text(h)).collect());
    for i in 0..PEOPLE {
        let p = person(i);
        let (village, first) = village_of(i, villages);
        let birth = if i == BAD_DATE {
            text("31/02/1990")
        } else {
            Cell::Date(p.birth)
        };
        let id = if ID_AS_NUMBER.contains(&i) {
            Cell::Number(p.id.parse().unwrap())
        } else {
            text(&p.id)
        };
        let phone = if PHONE_AS_NUMBER.contains(&i) {
            Cell::Number(p.phone.parse().unwrap())
        } else {
            text(&p.phone)
        };
        rows.push(vec![
            Cell::Number(i as f64 + 1.0),
            text(p.family),
            text(p.middle),
            text(p.given),
            birth,
            text(if p.female { "Nữ" } else { "Nam" }),
            id,
            phone,
            if first { text(&village) } else { Cell::Empty },
            text(p.level),
            text(p.note),
        ]);
    }
    let mut at = FIRST - 1;
    for size in GROUPS {
        if size > 1 {
            merges.push((at, VILLAGE_COL, at + size - 1, VILLAGE_COL));
        }
        at += size;
    }
    let total = rows.len();
    rows.push(line(&[(0, "Tổng cộng: 44 người")]));
    merges.push((total, 0, total, 3));
    rows.push(line(&[]));
    rows.push(line(&[(6, "Tân Phong, ngày 15 tháng 11 năm 2026")]));
    for (text_a, text_b) in [
        ("NGƯỜI LẬP BIỂU", "TRƯỞNG CÔNG AN XÃ"),
        ("(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"),
        ("", ""),
        ("", ""),
        ("", ""),
        ("Lê Thị Hoa", "Nguyễn Văn Thành"),
    ] {
        let r = rows.len();
        rows.push(line(&[(0, text_a), (6, text_b)]));
        if !text_a.is_empty() {
            merges.push((r, 0, r, 3));
            merges.push((r, 6, r, width - 1));
        }
    }
    Sheet { rows, merges }
}

/// The rows after the people, as the spreadsheet numbers them.
const TOTAL_ROW: usize = FIRST + PEOPLE;
fn not_data_rows() -> Vec<(usize, NotData)> {
    vec![
        (TOTAL_ROW, NotData::Total),
        (TOTAL_ROW + 2, NotData::DateLine),
        (TOTAL_ROW + 3, NotData::Signature),
        (TOTAL_ROW + 4, NotData::Signature),
        (TOTAL_ROW + 8, NotData::Signer),
    ]
}

/// The workbook Excel would save: merged cells drawn as merges (their
/// other cells blank), dates as date-formatted numbers.
fn xlsx(sheet: &Sheet) -> Vec<u8> {
    xlsx_after(&[], sheet)
}

/// The same workbook with sheets of notes before the list's, as a
/// commune's workbook often has ("Hướng dẫn": how to fill it in).
fn xlsx_after(notes: &[&str], sheet: &Sheet) -> Vec<u8> {
    let mut book = Workbook::new();
    for name in notes {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        ws.write_string(0, 0, "Điền mỗi người một dòng; thôn ghi đúng tên thôn.")
            .unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let plain = Format::new();
    let ws = book.add_worksheet();
    ws.set_name("Danh sách").unwrap();
    let merged_first: BTreeSet<(usize, usize)> =
        sheet.merges.iter().map(|&(r, c, _, _)| (r, c)).collect();
    for &(r, c, r2, c2) in &sheet.merges {
        let Cell::Text(s) = &sheet.rows[r][c] else {
            panic!("merge of a non-text cell")
        };
        ws.merge_range(r as u32, c as u16, r2 as u32, c2 as u16, s, &plain)
            .unwrap();
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if merged_first.contains(&(r, c)) {
                continue;
            }
            let (r, c) = (r as u32, c as u16);
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string(r, c, s).unwrap();
                }
                Cell::Number(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                Cell::Date(d) => {
                    let d =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .unwrap();
                    ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The same rows as Excel's "CSV UTF-8" writes them: what each cell shows.
fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        for row in &sheet.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Empty => String::new(),
                    Cell::Text(s) => s.clone(),
                    Cell::Number(n) => format!("{n}"),
                    Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
                })
                .collect();
            w.write_record(&cells).unwrap();
        }
    }
    out
}

fn read(bytes: &[u8], options: &Options) -> Preview {
    preview(bytes, options, &commune(), &[]).unwrap()
}

fn fill_down() -> Options {
    Options {
        fill_down: true,
        ..options()
    }
}

/// The row of person `i`.
fn row_of(i: usize) -> usize {
    FIRST + i
}

#[test]
fn a_real_shaped_workbook_imports_every_person_or_says_why_not() {
    let sheet = sheet(&NAMED);
    let p = read(&xlsx(&sheet), &fill_down());
    let source = p.workbook.as_ref().unwrap();
    assert_eq!(
        (source.format, source.sheet.as_str()),
        (WorkbookFormat::Xlsx, "Danh sách")
    );
    assert_eq!(p.header_row, HEADER_ROW);

    // Every person's row is imported or a problem, and nothing else is.
    let people: BTreeSet<usize> = (0..PEOPLE).map(row_of).collect();
    let imported: BTreeSet<usize> = p.item_rows.iter().copied().collect();
    let refused: BTreeSet<usize> = p.problems.iter().map(|r| r.row).collect();
    assert!(imported.is_disjoint(&refused));
    assert_eq!(
        imported.union(&refused).copied().collect::<BTreeSet<_>>(),
        people
    );
    assert!(p.duplicates.is_empty() && p.already.is_empty());
    let expected: BTreeSet<usize> = ID_AS_NUMBER
        .iter()
        .chain(&PHONE_AS_NUMBER)
        .chain(&[BAD_DATE, PEOPLE - 1])
        .map(|&i| row_of(i))
        .collect();
    assert_eq!(refused, expected);

    // Each reason names its row (the problem's row) and the column, by the
    // header the sheet gives it.
    for r in &p.problems {
        assert!(!r.problems.is_empty());
        for problem in &r.problems {
            let said = tothon::i18n::worklist::problem(Lang::Vi, r.form.as_deref(), problem);
            let column = match problem {
                RowProblem::LostLeadingZero { field, .. } | RowProblem::Field { field, .. } => {
                    match field.as_str() {
                        "person_id" => "Số định danh",
                        "phone" => "Số điện thoại",
                        "birth_date" => "Ngày sinh",
                        other => panic!("row {}: {other}", r.row),
                    }
                }
                RowProblem::UnknownVillage { value } => {
                    assert_eq!(value, UNKNOWN_VILLAGE);
                    "Thôn"
                }
                other => panic!("row {}: {other:?}", r.row),
            };
            assert!(said.starts_with(column), "row {}: {said}", r.row);
        }
    }
    let lost: Vec<(usize, &str, &str)> = p
        .problems
        .iter()
        .flat_map(|r| r.problems.iter().map(move |x| (r.row, x)))
        .filter_map(|(row, x)| match x {
            RowProblem::LostLeadingZero {
                field, suggested, ..
            } => Some((row, field.as_str(), suggested.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(lost.len(), ID_AS_NUMBER.len() + PHONE_AS_NUMBER.len());
    for (row, field, suggested) in lost {
        let who = person(row - FIRST);
        let want = if field == "person_id" {
            who.id
        } else {
            who.phone
        };
        assert_eq!(suggested, want, "row {row}");
    }

    // The lines after the data: listed, not problems, never imported.
    let not_data: Vec<(usize, NotData)> = p.not_data.iter().map(|n| (n.row, n.kind)).collect();
    assert_eq!(not_data, not_data_rows());
    assert_eq!(p.blank, 4);
    assert_eq!(
        p.rows_read,
        PEOPLE + p.not_data.len() + p.blank,
        "every row below the header is in one place"
    );

    // The merged village cells were filled, each one listed.
    let filled: Vec<(usize, usize)> = p.filled.iter().map(|f| (f.row, f.column)).collect();
    let want: Vec<(usize, usize)> = (0..PEOPLE)
        .filter(|&i| !village_of(i, &NAMED).1)
        .map(|i| (row_of(i), VILLAGE_COL))
        .collect();
    assert_eq!(filled, want);
    assert!(p.filled.iter().all(|f| f.header == "Thôn"));

    // What came in: names joined, dates read as dates, "2" as "Mức 2".
    for (item, &row) in p.items.iter().zip(&p.item_rows) {
        let i = row - FIRST;
        let who = person(i);
        assert_eq!(
            item.prefill["full_name"],
            format!("{} {} {}", who.family, who.middle, who.given)
        );
        assert_eq!(
            item.prefill["birth_date"],
            who.birth.format("%Y-%m-%d").to_string()
        );
        assert_eq!(item.prefill["person_id"], who.id);
        let level = if who.level.ends_with('2') {
            "level2"
        } else {
            "level1"
        };
        assert_eq!(item.prefill["target_level"], level);
        let team = village_of(i, &NAMED).0;
        assert_eq!(NAMED[item.team as usize - 1], team);
    }
    assert_eq!(
        p.shorthands.len(),
        p.items
            .iter()
            .zip(&p.item_rows)
            .filter(|(_, row)| person(*row - FIRST).level.len() == 1)
            .count()
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    // With the zeros put back, only the two rows no repair can mend stay.
    let fixed = read(
        &xlsx(&sheet),
        &Options {
            fix_leading_zeros: true,
            ..fill_down()
        },
    );
    let left: Vec<usize> = fixed.problems.iter().map(|r| r.row).collect();
    assert_eq!(left, vec![row_of(BAD_DATE), row_of(PEOPLE - 1)]);
    assert_eq!(
        fixed.fixes.len(),
        ID_AS_NUMBER.len() + PHONE_AS_NUMBER.len()
    );
}

#[test]
fn without_fill_down_the_merged_blanks_are_problems_with_a_hint() {
    let p = read(&xlsx(&sheet(&NAMED)), &options());
    let merged_blanks = (0..PEOPLE).filter(|&i| !village_of(i, &NAMED).1).count();
    assert_eq!(p.fillable, merged_blanks);
    let no_village = p
        .problems
        .iter()
        .filter(|r| r.problems.contains(&RowProblem::NoVillage))
        .count();
    assert_eq!(no_village, merged_blanks);
    // The lines after the data are still not problems.
    assert_eq!(p.not_data.len(), not_data_rows().len());
}

/// Everything a preview decides, without how the file was read.
fn decided(p: &Preview) -> String {
    format!(
        "{} {:?} {:?} {:?} {:?} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        p.header_row,
        p.form_source,
        p.mapped,
        p.ignored,
        p.items,
        p.rows_read,
        p.blank,
        p.problems,
        p.warnings,
        p.fixes,
        p.filled,
        p.not_data,
        p.shorthands,
        p.item_rows,
        p.duplicates,
        p.already
    )
}

#[test]
fn the_workbook_and_its_csv_are_read_alike() {
    let sheet = sheet(&NAMED);
    for options in [options(), fill_down()] {
        let from_book = read(&xlsx(&sheet), &options);
        let from_csv = read(&csv(&sheet), &options);
        assert!(from_csv.workbook.is_none());
        assert_eq!(decided(&from_book), decided(&from_csv));
    }
}

#[test]
fn the_same_rows_read_alike_from_xls_and_ods() {
    let sheet = sheet(&NAMED);
    let named = vec![("Danh sách".to_string(), sheet.rows.clone())];
    let from_book = read(&xlsx(&sheet), &fill_down());
    for (bytes, format) in [
        (fixtures::xls(&named), WorkbookFormat::Xls),
        (fixtures::ods(&named, false), WorkbookFormat::Ods),
    ] {
        let p = read(&bytes, &fill_down());
        assert_eq!(p.workbook.as_ref().unwrap().format, format);
        assert_eq!(decided(&p), decided(&from_book), "{format:?}");
    }
}

#[test]
fn an_unknown_sheet_is_refused_naming_the_sheets_there_are() {
    let bytes = xlsx(&sheet(&NAMED));
    let wrong = Options {
        sheet: Some("Sheet1".into()),
        ..options()
    };
    let e = preview(&bytes[..], &wrong, &commune(), &[]).unwrap_err();
    assert!(matches!(&e, WorklistError::UnknownSheet { sheets, .. } if sheets == &["Danh sách"]));
    let said = tothon::i18n::worklist::error(Lang::Vi, &e);
    assert!(
        said.contains("«Sheet1»") && said.contains("«Danh sách»") && said.contains("--sheet"),
        "{said}"
    );
    let said = tothon::i18n::worklist::error(Lang::En, &e);
    assert!(said.contains("\"Danh sách\""), "{said}");
}

// ------------------------------------------------------------ through the binary

/// A commune office set up through the binary, its six villages named.
fn commune_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut init = tothon(dir.path());
    init.args(["init", "commune", "--name", common::COMMUNE]);
    for name in NAMED {
        init.args(["--village", name]);
    }
    stdout(&mut init);
    dir
}

fn work_items(dir: &Path) -> Vec<WorkItem> {
    common::open(dir).work_items().unwrap()
}

/// `tothon worklist import --yes FILE` and `args`, the file written first.
fn import(dir: &Path, name: &str, bytes: &[u8], args: &[&str]) -> std::process::Output {
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    tothon(dir)
        .args(["worklist", "import", "--yes"])
        .args(args)
        .arg(&file)
        .output()
        .unwrap()
}

/// The lines printed under the title that starts with `title`, one per
/// row ("  Dòng N…"); the hints after them are not rows.
fn section<'a>(printed: &'a str, title: &str) -> Vec<&'a str> {
    printed
        .lines()
        .skip_while(|l| !l.starts_with(title))
        .skip(1)
        .take_while(|l| l.starts_with("  Dòng "))
        .collect()
}

/// The row a line "  Dòng N: …" or "  Dòng N, cột …" names, and the rest.
fn row_line(line: &str) -> (usize, &str) {
    let rest = line.trim_start().strip_prefix("Dòng ").unwrap();
    let end = rest.find([':', ',']).unwrap();
    (rest[..end].parse().unwrap(), rest[end + 1..].trim_start())
}

/// The header of the column each refused person's reason must name.
fn reason_column(i: usize) -> &'static str {
    if ID_AS_NUMBER.contains(&i) {
        "Số định danh"
    } else if PHONE_AS_NUMBER.contains(&i) {
        "Số điện thoại"
    } else if i == BAD_DATE {
        "Ngày sinh"
    } else {
        assert_eq!(i, PEOPLE - 1, "person {i} should have come in");
        "Thôn"
    }
}

#[test]
fn with_fill_down_every_person_of_a_real_list_comes_in_or_is_named_with_a_reason() {
    let sheet = sheet(&NAMED);
    let book = xlsx_after(&["Hướng dẫn"], &sheet);
    let mut printed = Vec::new();
    for (name, bytes, args) in [
        (
            "danh_sach.xlsx",
            &book,
            &["--fill-down", "--sheet", "danh sach"][..],
        ),
        ("danh_sach.csv", &csv(&sheet), &["--fill-down"][..]),
    ] {
        let dir = commune_dir();
        let out = import(dir.path(), name, bytes, args);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let said = String::from_utf8(out.stdout).unwrap();

        // Every person's row is in exactly one place: on the work list, or
        // named with the reason, which starts with the column's header.
        let refused: Vec<(usize, &str)> = section(&said, "Dòng có lỗi, không nhập")
            .into_iter()
            .map(row_line)
            .collect();
        for &(row, reason) in &refused {
            let column = reason_column(row - FIRST);
            assert!(reason.starts_with(column), "{name}, row {row}: {reason}");
        }
        let refused: BTreeSet<usize> = refused.iter().map(|&(row, _)| row - FIRST).collect();
        let came_in: BTreeSet<usize> = work_items(dir.path())
            .iter()
            .map(|item| {
                (0..PEOPLE)
                    .find(|&i| item.prefill["full_name"] == full_name(i))
                    .unwrap_or_else(|| panic!("{name}: not a person of the list: {item:?}"))
            })
            .collect();
        assert!(came_in.is_disjoint(&refused), "{name}");
        let all: BTreeSet<usize> = came_in.union(&refused).copied().collect();
        assert_eq!(all, (0..PEOPLE).collect(), "{name}");
        assert_eq!(came_in.len(), work_items(dir.path()).len(), "{name}: twice");
        for item in work_items(dir.path()) {
            let i = (0..PEOPLE)
                .find(|&i| item.prefill["full_name"] == full_name(i))
                .unwrap();
            assert_eq!(NAMED[item.team as usize - 1], village_of(i, &NAMED).0);
        }

        // Nothing else: the title rows are above the header, the lines after
        // the people are listed as not data, each filled cell is named.
        let not_data: Vec<usize> = section(&said, "Dòng cuối danh sách không phải dữ liệu")
            .into_iter()
            .map(|l| row_line(l).0)
            .collect();
        let want: Vec<usize> = not_data_rows().iter().map(|&(row, _)| row).collect();
        assert_eq!(not_data, want, "{name}: {said}");
        let filled = section(&said, "Ô trống được điền bằng giá trị ô bên trên");
        let merged_blanks = (0..PEOPLE).filter(|&i| !village_of(i, &NAMED).1).count();
        assert_eq!(filled.len(), merged_blanks, "{name}");
        assert!(
            filled.iter().all(|l| l.contains("cột I «Thôn»")),
            "{filled:?}"
        );
        assert!(
            said.contains(&format!("{} dòng cuối không phải dữ liệu", want.len())),
            "{name}: {said}"
        );
        printed.push(said);
    }
    // The workbook names its sheet; past that line both say the same.
    assert!(
        printed[0]
            .starts_with("Bảng tính Excel (.xlsx), trang «Danh sách» (các trang khác: «Hướng dẫn»"),
        "{}",
        printed[0]
    );
    assert!(printed[1].starts_with("Tệp mã UTF-8 có BOM"));
    let after_first = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(after_first(&printed[0]), after_first(&printed[1]));
}

/// `tests/data/worklist_merged.xlsx`, which the import screen's snapshot
/// reads: this list, with a notes sheet before it. It is kept as a file so
/// the screen can be given a path relative to the package; this says it is
/// still the list the tests describe (rewrite it with TOTHON_WRITE_FIXTURES=1).
#[test]
fn the_workbook_fixture_is_the_list_these_tests_make() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/worklist_merged.xlsx");
    let made = xlsx_after(&["Hướng dẫn"], &sheet(&NAMED));
    if std::env::var_os("TOTHON_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &made).unwrap();
    }
    let kept = std::fs::read(&path).unwrap();
    for options in [options(), fill_down()] {
        let (from_file, from_made) = (read(&kept, &options), read(&made, &options));
        assert_eq!(from_file.workbook, from_made.workbook);
        assert_eq!(decided(&from_file), decided(&from_made));
    }
}

fn full_name(i: usize) -> String {
    let p = person(i);
    format!("{} {} {}", p.family, p.middle, p.given)
}

#[test]
fn the_command_line_imports_a_workbook_as_the_preview_says() {
    let dir = commune_dir();
    let bytes = xlsx(&sheet(&NAMED));
    let store = common::open(dir.path());
    let expected = preview(&bytes[..], &fill_down(), &store.commune().unwrap(), &[]).unwrap();
    drop(store);
    let out = import(dir.path(), "danh_sach.xlsx", &bytes, &["--fill-down"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!expected.items.is_empty());
    assert_eq!(work_items(dir.path()), expected.items);
}

#[test]
fn bad_workbooks_are_refused_in_one_sentence_and_change_nothing() {
    let dir = commune_dir();
    let before = work_items(dir.path());
    let good = xlsx(&sheet(&NAMED));
    let mut million = Workbook::new();
    {
        let ws = million.add_worksheet_with_constant_memory().unwrap();
        for (c, h) in ["Họ và tên", "Số định danh", "Thôn"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for r in 1..1_000_000u32 {
            ws.write_string(r, 0, "Lê Văn An").unwrap();
            ws.write_number(r, 1, 34_085_000_000.0 + f64::from(r))
                .unwrap();
        }
    }
    let million = million.save_to_buffer().unwrap();
    let cases: Vec<(&str, Vec<u8>, &[&str], &str)> = vec![
        (
            "a sheet the workbook does not have",
            good.clone(),
            &["--sheet", "Sheet1"],
            "Bảng tính không có trang «Sheet1»; các trang có: «Danh sách».",
        ),
        (
            "a password-protected workbook",
            fixtures::compound_file(&[
                ("EncryptionInfo", &[0u8; 200]),
                ("EncryptedPackage", &[0u8; 5000]),
            ]),
            &[],
            "Bảng tính được bảo vệ bằng mật khẩu",
        ),
        (
            "a password-protected .ods",
            fixtures::ods(&[("A".into(), vec![vec![Cell::from("x")]])], true),
            &[],
            "Bảng tính được bảo vệ bằng mật khẩu",
        ),
        (
            "a workbook cut short",
            good[..good.len() / 2].to_vec(),
            &[],
            "Không đọc được",
        ),
        (
            "a workbook with a damaged sheet",
            {
                // Inside the sheet's compressed data, past its local header.
                let mut b = good.clone();
                let name = b"xl/worksheets/sheet1.xml";
                let at = b.windows(name.len()).position(|w| w == name).unwrap() + 200;
                b[at..at + 64].fill(0);
                b
            },
            &[],
            "Không đọc được",
        ),
        (
            "a million rows",
            million,
            &["--fill-down"],
            "Bảng tính có trang dài hơn 200000 dòng",
        ),
        (
            "an .xls that is another Office file",
            fixtures::compound_file(&[("WordDocument", &[0u8; 100])]),
            &[],
            "không phải bảng tính",
        ),
    ];
    for (what, bytes, args, says) in cases {
        let out = import(dir.path(), "list.xlsx", &bytes, args);
        let err = refusal(&out);
        assert!(err.contains(says), "{what}: {err}");
        assert!(err.trim_end().ends_with("Chưa nhập gì."), "{what}: {err}");
        assert!(out.stdout.is_empty(), "{what}: printed a preview");
        assert_eq!(work_items(dir.path()), before, "{what} changed the store");
    }
}
