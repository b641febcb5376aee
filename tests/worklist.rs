//! Work-list import, reassignment and listing, driven through the binary as
//! the commune office would, and through the library on the same fixture
//! files.
//!
//! The fixtures in `tests/data/` are what spreadsheets write:
//! `worklist_messy.csv` (Excel "CSV UTF-8": BOM, semicolons, CRLF, shuffled
//! Vietnamese headers, lost leading zeros, decomposed accents, blank and
//! repeated rows), `worklist_utf16.txt` (Excel "Unicode Text": UTF-16 LE,
//! tabs) and `worklist_households_en.tsv` (tabs, English headers).

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use common::{csv_maps, fails, stdout, tothon};
use tothon::domain::commune::Commune;
use tothon::domain::work::WorkItem;
use tothon::worklist::{self, Duplicate, Options, Preview, RowProblem};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn commune() -> Commune {
    common::named_commune()
}

/// A commune office set up through the binary, its villages named as the
/// demo's are, holding the given work items.
fn commune_store(items: &[WorkItem]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(tothon(dir.path()).args(["init", "commune", "--name", "Xã Tân Phong"]));
    let store = common::open(dir.path());
    store.set_commune(&commune()).unwrap();
    store.put_work_items(items).unwrap();
    dir
}

fn work_items(dir: &Path) -> Vec<WorkItem> {
    common::open(dir).work_items().unwrap()
}

fn import(dir: &Path, file: &str) -> assert_cmd::Command {
    let mut cmd = tothon(dir);
    cmd.args(["worklist", "import"]).arg(fixture(file));
    cmd
}

fn earlier_item() -> WorkItem {
    WorkItem {
        id: "AC-00041".into(),
        form: "activation".into(),
        team: 6,
        due: None,
        prefill: [("person_id".to_string(), "034301044444".to_string())].into(),
    }
}

/// Saves a first version (a draft) of the missing-field case of `item`.
fn begin_missing_field(dir: &Path, item: &str) {
    stdout(tothon(dir).args([
        "case",
        "new",
        "--form",
        "missing_field",
        "--work-item",
        item,
        "--draft",
    ]));
}

fn person_ids(items: &[WorkItem]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| i.prefill.get("person_id").map(String::as_str))
        .collect()
}

#[test]
fn the_messy_fixture_is_as_messy_as_it_claims() {
    let bytes = std::fs::read(fixture("worklist_messy.csv")).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.contains(';') && !header.contains(','), "semicolons");
    assert!(text.contains("\r\n"), "CRLF");
    assert!(!tothon::domain::text::is_nfc(&text), "decomposed accents");
    assert!(text.contains("\r\n;;;;;;;\r\n"), "blank rows");
    assert!(text.contains(";34190002345;"), "an ID without its 0");
    assert!(text.contains(";912345670;"), "a phone without its 0");
}

#[test]
fn the_messy_export_imports_with_every_problem_by_row_and_again_adds_nothing() {
    let dir = commune_store(&[earlier_item()]);
    let dir = dir.path();

    // The preview names every problem row, with its reason, and writes nothing.
    let shown = stdout(import(dir, "worklist_messy.csv").arg("--dry-run"));
    for expected in [
        "UTF-8 có BOM",
        "dấu chấm phẩy",
        "nhận ra từ cột «SĐT»",
        "«Ghi chú riêng» (cột H): không rõ là cột gì, bỏ qua.",
        "Đã đọc 16 dòng: 4 việc mới, 0 dòng đã có trong danh sách, 1 dòng trùng trong tệp, 2 dòng trống, 9 dòng có lỗi (không nhập).",
        "Dòng trùng trong tệp, bỏ qua: dòng 7 (giống dòng 2).",
        "Dòng 3: Số định danh «34190002345» có lẽ đã mất số 0 ở đầu",
        "số đúng có lẽ là 034190002345",
        "Dòng 4: Số định danh «1192004567»",
        "Dòng 6: Số điện thoại «912345670»",
        "Dòng 8: Ngày sinh:",
        "Dòng 9: Thôn «Thôn Bắc» không có",
        "Dòng 11: Số định danh «3,41965E+11» đã bị bảng tính đổi sang dạng số mũ",
        "Dòng 12: Số định danh: Thông tin này bắt buộc",
        "Dòng 15: Họ và tên: Họ tên không được chứa chữ số.",
        "Dòng 17: Cùng người/hộ với dòng 2",
        "3 dòng trên sửa được bằng cách thêm lại số 0 đầu",
        "Dòng 14: Số định danh: Số thứ 5 và 6",
        "Chạy thử (--dry-run): chưa ghi gì.",
    ] {
        assert!(
            shown.contains(expected),
            "missing {expected:?} in:\n{shown}"
        );
    }
    assert_eq!(work_items(dir), vec![earlier_item()]);

    // Not on a terminal and no --yes: nothing written, and it says how.
    let err = fails(import(dir, "worklist_messy.csv").arg("--fix-leading-zeros"));
    assert!(err.contains("--yes") && err.contains("7 việc"), "{err}");
    assert_eq!(work_items(dir).len(), 1);

    let done = stdout(import(dir, "worklist_messy.csv").args(["--fix-leading-zeros", "--yes"]));
    assert!(
        done.contains("Dòng 3: Số định danh 34190002345 → 034190002345"),
        "{done}"
    );
    assert!(done.contains("Đã nhập 7 việc mới"), "{done}");
    let items = work_items(dir);
    let new: Vec<&WorkItem> = items.iter().filter(|i| i.id != "AC-00041").collect();
    // Numbering goes on after the highest number already used.
    let ids: Vec<&str> = new.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "AC-00042", "AC-00043", "AC-00044", "AC-00045", "AC-00046", "AC-00047", "AC-00048"
        ]
    );
    let mut got = person_ids(&items);
    got.sort();
    assert_eq!(
        got,
        [
            "001192004567",
            "034075003456",
            "034085001234",
            "034089008901",
            "034185000123",
            "034190002345",
            "034198007890",
            "034301044444",
        ]
    );
    let by_id = |pid: &str| {
        items
            .iter()
            .find(|i| i.prefill.get("person_id").map(String::as_str) == Some(pid))
            .unwrap()
    };
    // Decomposed accents are stored precomposed; the village decides the team.
    let hoa = by_id("034198007890");
    assert_eq!(hoa.prefill["full_name"], "Ngô Thị Hoa");
    assert_eq!(hoa.prefill["sex"], "female");
    assert_eq!(hoa.team, 2);
    assert_eq!(by_id("034075003456").prefill["full_name"], "Phạm Văn Dũng");
    assert_eq!(by_id("034075003456").prefill["phone"], "0912345670");
    // The first of two differing rows is kept, the second refused.
    assert_eq!(by_id("034085001234").prefill["full_name"], "Nguyễn Văn An");
    assert_eq!(by_id("034185000123").prefill["full_name"], "Trần Thị Mai");
    assert_eq!(by_id("034185000123").team, 3);
    assert!(items.iter().all(|i| {
        i.prefill
            .values()
            .all(|v| tothon::domain::text::is_nfc(v) && !v.contains("  "))
    }));

    // Importing it again adds nothing, with or without the repairs.
    for args in [&["--fix-leading-zeros", "--yes"][..], &["--yes"][..]] {
        let again = stdout(import(dir, "worklist_messy.csv").args(args));
        assert!(
            again.contains("0 việc mới, 9 dòng đã có trong danh sách"),
            "{again}"
        );
        assert!(
            again.contains("Không có việc mới nào để nhập; không ghi gì."),
            "{again}"
        );
        assert_eq!(work_items(dir), items);
    }
}

#[test]
fn the_utf16_unicode_text_export_is_read() {
    let dir = commune_store(&[]);
    let out = stdout(import(dir.path(), "worklist_utf16.txt").arg("--yes"));
    assert!(
        out.contains("UTF-16 LE") && out.contains("dấu tab"),
        "{out}"
    );
    assert!(out.contains("nhận ra từ cột «Trường thiếu»"), "{out}");
    assert!(
        out.contains("Dòng 5: Trường còn thiếu: “Nhóm máu” không có trong danh sách"),
        "{out}"
    );
    assert!(out.contains("Đã nhập 4 việc mới"), "{out}");
    let items = work_items(dir.path());
    let got: Vec<(&str, &str, u8, Option<&str>)> = items
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                i.prefill["missing"].as_str(),
                i.team,
                i.due.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("MF-00001", "ethnicity", 1, Some("2026-12-15")),
            ("MF-00002", "religion", 1, Some("2026-12-15")),
            ("MF-00003", "cmnd", 2, Some("2026-12-20")),
            ("MF-00004", "place_of_origin", 6, Some("2026-12-31")),
        ]
    );
    assert_eq!(items[2].prefill["birth_date"], "1982");
}

#[test]
fn the_tab_separated_english_household_list_speaks_english() {
    let dir = commune_store(&[]);
    let out =
        stdout(import(dir.path(), "worklist_households_en.tsv").args(["--yes", "--lang", "en"]));
    for expected in [
        "File in UTF-8, columns separated by tabs, header on row 1.",
        "Form: Household check, recognised from the column \"Head of household\".",
        "Read 5 rows: 3 new items",
        "Row 5: Head's personal ID: The personal ID must have exactly 12 digits (this one has 11).",
        "Row 6: Due date \"32/12/2026\":",
        "Imported 3 new items",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    let items = work_items(dir.path());
    let got: Vec<(&str, &str, u8, &str)> = items
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                i.prefill["household_code"].as_str(),
                i.team,
                i.prefill["village"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("HC-00001", "HK-0101", 1, "1"),
            ("HC-00002", "HK-0102", 2, "2"),
            ("HC-00003", "HK-0103", 5, "5"),
        ]
    );
    assert!(!items[2].prefill.contains_key("head_name"));
    assert_eq!(items[0].prefill["members_registered"], "4");
}

#[test]
fn a_team_device_refuses_with_a_clear_sentence() {
    let dir = tempfile::tempdir().unwrap();
    stdout(tothon(dir.path()).args(["init", "team", "--team", "3", "--commune", "Xã Tân Phong"]));
    let err = fails(import(dir.path(), "worklist_messy.csv").arg("--yes"));
    assert!(
        err.contains("máy của tổ 3") && err.contains("chỉ máy của xã"),
        "{err}"
    );
    let err = fails(tothon(dir.path()).args(["worklist", "assign", "AC-00001", "--team", "2"]));
    assert!(err.contains("máy của tổ 3"), "{err}");
}

#[test]
fn a_file_that_fits_no_single_form_asks_for_one() {
    let dir = commune_store(&[]);
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "Mã hộ,Họ tên,CCCD,Thôn\nHK-1,Lê Văn A,034085001234,Đông\n",
    )
    .unwrap();
    let mut cmd = tothon(dir.path());
    cmd.args(["worklist", "import", "--dry-run"]).arg(&file);
    let err = fails(&mut cmd);
    assert!(
        err.contains("--form") && err.contains("Kiểm tra hộ gia đình"),
        "{err}"
    );
    let mut cmd = tothon(dir.path());
    cmd.args(["--lang", "en", "worklist", "import", "--dry-run"])
        .arg(&file);
    let err = fails(&mut cmd);
    assert!(err.contains("Cannot tell which form"), "{err}");
    let mut cmd = tothon(dir.path());
    cmd.args(["worklist", "import", "--form", "activation", "--yes"])
        .arg(&file);
    let out = stdout(&mut cmd);
    assert!(
        out.contains("«Mã hộ» (cột A): không dùng cho mẫu Kích hoạt, bỏ qua."),
        "{out}"
    );
    assert_eq!(work_items(dir.path()).len(), 1);
}

#[test]
fn the_commune_reassigns_an_item_begun_or_not() {
    let dir = commune_store(&[]);
    let dir = dir.path();
    stdout(import(dir, "worklist_utf16.txt").arg("--yes"));
    let out = stdout(tothon(dir).args(["worklist", "assign", "MF-00003", "--team", "4"]));
    assert!(
        out.contains("Đã giao việc MF-00003 cho tổ 4 (trước đây là tổ 2)."),
        "{out}"
    );
    let out = stdout(tothon(dir).args(["worklist", "assign", "MF-00003", "--team", "4"]));
    assert!(out.contains("đã thuộc tổ 4"), "{out}");
    let err = fails(tothon(dir).args(["worklist", "assign", "MF-00003", "--team", "9"]));
    assert!(err.contains("tổ 9"), "{err}");
    let err = fails(tothon(dir).args(["worklist", "assign", "MF-09999", "--team", "1"]));
    assert!(err.contains("MF-09999"), "{err}");

    // A case already begun goes with its item, shown as a conflict until
    // the new team saves it (tests/reassign.rs follows it through bundles).
    begin_missing_field(dir, "MF-00001");
    let out = stdout(tothon(dir).args(["worklist", "assign", "MF-00001", "--team", "5"]));
    assert!(
        out.contains("Đã giao việc MF-00001 cho tổ 5 (trước đây là tổ 1).")
            && out.contains("(1 phiên bản do tổ 1 lưu) chuyển theo và hiện là xung đột"),
        "{out}"
    );
    let row = common::case_row(dir, "MF-00001");
    assert_eq!(
        (row["team"].as_str(), row["conflict"].as_str()),
        ("5", "yes")
    );
    let team_of = |id: &str| {
        work_items(dir)
            .into_iter()
            .find(|i| i.id == id)
            .unwrap()
            .team
    };
    assert_eq!((team_of("MF-00001"), team_of("MF-00003")), (5, 4));
}

/// Two items whose cells need care in a sheet: an activation follow-up
/// whose prefilled `status` shares its name with a fixed column and whose
/// name hides a terminal escape, and a household whose address a
/// spreadsheet would run as a formula.
fn awkward_items() -> [WorkItem; 2] {
    let prefill = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    [
        WorkItem {
            id: "AC-00900".into(),
            form: "activation".into(),
            team: 4,
            due: Some("2026-12-31".into()),
            prefill: prefill(&[
                ("person_id", "034090123456"),
                ("full_name", "Đỗ Văn \u{1b}[31mLực"),
                ("status", "pending"),
            ]),
        },
        WorkItem {
            id: "HC-00900".into(),
            form: "household_check".into(),
            team: 4,
            due: None,
            prefill: prefill(&[
                ("household_code", "HK-0900"),
                ("village", "4"),
                ("address", "=HYPERLINK(\"http://x\")"),
            ]),
        },
    ]
}

/// `worklist list --format csv` (with `args`): its header, each name
/// checked to be there once, and its rows by column name.
fn listed_csv(dir: &Path, args: &[&str]) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let text = stdout(
        tothon(dir)
            .args(["worklist", "list", "--format", "csv"])
            .args(args),
    );
    let header: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let mut names = header.clone();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), header.len(), "a header twice: {header:?}");
    (header, csv_maps(&text))
}

#[test]
fn the_work_list_lists_each_item_with_its_village_and_how_far_its_case_has_got() {
    let mut items = vec![earlier_item()];
    items.extend(awkward_items());
    let dir = commune_store(&items);
    let dir = dir.path();
    stdout(import(dir, "worklist_households_en.tsv").arg("--yes"));
    stdout(import(dir, "worklist_utf16.txt").arg("--yes"));
    begin_missing_field(dir, "MF-00001");

    let (header, rows) = listed_csv(dir, &[]);
    assert_eq!(
        header[..9],
        [
            "item",
            "form",
            "team",
            "village",
            "due",
            "status",
            "conflict",
            "edited_at",
            "title"
        ]
    );
    let ids: Vec<&str> = rows.iter().map(|r| r["item"].as_str()).collect();
    let mut held: Vec<WorkItem> = work_items(dir);
    held.sort_by(|a, b| (a.team, &a.id).cmp(&(b.team, &b.id)));
    let held: Vec<&str> = held.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, held, "every item once, by team then id");
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["item"] == id)
            .unwrap_or_else(|| panic!("no {id} in {ids:?}"))
    };

    let begun = row("MF-00001");
    assert_eq!(begun["status"], "draft");
    assert_eq!(begun["edited_at"], "2026-11-26T10:00:00+07:00");
    assert_eq!(begun["village"], "Thôn Đông");
    assert_eq!(begun["conflict"], "no");
    // Numbered on from the household already on the list, HC-00900.
    let waiting = row("HC-00901");
    assert_eq!(waiting["status"], "not_started");
    assert_eq!(waiting["edited_at"], "");
    assert_eq!(waiting["due"], "2026-12-30");
    assert_eq!(waiting["household_code"], "HK-0101");
    assert_eq!(waiting["title"], "HK-0101 · Nguyễn Văn Bình");
    assert_eq!(waiting["person_id"], "", "not a field of its form");
    // A field named like a fixed column keeps both; a formula is not run.
    let awkward = row("AC-00900");
    assert_eq!(
        (
            awkward["status"].as_str(),
            awkward["prefill_status"].as_str()
        ),
        ("not_started", "pending")
    );
    assert_eq!(row("HC-00900")["prefill_village"], "4");
    assert_eq!(row("HC-00900")["village"], "Thôn Thượng");
    assert_eq!(row("HC-00900")["address"], "'=HYPERLINK(\"http://x\")");
    // A sheet for a file or a program keeps the data exact (it is escaped
    // only on a terminal, and always in a table, below).
    assert_eq!(awkward["full_name"], "Đỗ Văn \u{1b}[31mLực");

    // One team's part.
    let (_, team6) = listed_csv(dir, &["--team", "6"]);
    let ids: Vec<&str> = team6.iter().map(|r| r["item"].as_str()).collect();
    assert_eq!(ids, ["AC-00041", "MF-00004"]);
    assert!(team6.iter().all(|r| r["village"] == "Thôn Tân Lập"));

    // The table, for people: the header in their language, dates as they
    // write them, the status in words.
    let table = stdout(tothon(dir).args(["worklist", "list", "--team", "1"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("Mã  "), "{table}");
    for word in ["Thôn", "Hạn", "Trạng thái", "Đối tượng"] {
        assert!(lines[0].contains(word), "{table}");
    }
    let line = |id: &str| lines.iter().find(|l| l.starts_with(id)).unwrap();
    assert!(line("HC-00901").contains("30/12/2026"), "{table}");
    assert!(line("HC-00901").contains("Chưa làm"), "{table}");
    assert!(line("MF-00001").contains("Nháp"), "{table}");
    assert_eq!(
        lines.len(),
        1 + rows.iter().filter(|r| r["team"] == "1").count()
    );
    let english = stdout(tothon(dir).args(["--lang", "en", "worklist", "list", "--team", "1"]));
    assert!(english.starts_with("Code  "), "{english}");
    assert!(english.contains("Not started"), "{english}");

    let team4 = stdout(tothon(dir).args(["worklist", "list", "--team", "4"]));
    assert!(team4.contains("Đỗ Văn \\u{1b}[31mLực"), "{team4}");
    assert!(!team4.contains('\u{1b}'), "{team4:?}");

    let err = fails(tothon(dir).args(["worklist", "list", "--team", "9"]));
    assert!(err.contains("Không có tổ 9"), "{err}");
}

/// On the demo commune (conflicts, returns, voids), every begun item's
/// status and conflict are its case's as `tothon cases` lists them.
#[test]
fn the_listing_agrees_with_the_cases_on_the_demo_commune() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    common::demo(dir, 700);
    let (_, rows) = listed_csv(dir, &[]);
    let cases: HashMap<String, HashMap<String, String>> = common::cases(dir)
        .into_iter()
        .map(|c| (c["record"].clone(), c))
        .collect();
    let mut begun = 0;
    for row in &rows {
        match cases.get(&row["item"]) {
            Some(case) => {
                begun += 1;
                assert_eq!(row["status"], case["status"], "{row:?}");
                assert_eq!(row["conflict"], case["conflict"], "{row:?}");
                assert_eq!(row["edited_at"], case["edited_at"], "{row:?}");
                assert_eq!(row["team"], case["team"], "{row:?}");
            }
            None => assert_eq!(row["status"], "not_started", "{row:?}"),
        }
    }
    assert!(begun > 0 && begun < rows.len(), "{begun} of {}", rows.len());
    assert!(rows.iter().any(|r| r["conflict"] == "yes"));
}

#[test]
fn an_empty_work_list_says_so_and_its_csv_is_a_header() {
    let dir = commune_store(&[]);
    let table = stdout(tothon(dir.path()).args(["worklist", "list"]));
    assert_eq!(table, "Danh sách việc chưa có việc nào.\n");
    let (header, rows) = listed_csv(dir.path(), &[]);
    assert_eq!(header.len(), 9);
    assert!(rows.is_empty());
}

// ------------------------------------------------------------ library level

fn preview_of(name: &str, fix: bool, existing: &[WorkItem]) -> Preview {
    let options = Options {
        fix_leading_zeros: fix,
        ..Options::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
    };
    worklist::preview(
        File::open(fixture(name)).unwrap(),
        &options,
        &commune(),
        existing,
    )
    .unwrap()
}

#[test]
fn the_messy_fixture_sorts_every_row_into_one_bucket() {
    let p = preview_of("worklist_messy.csv", false, &[]);
    assert_eq!((p.rows_read, p.blank), (16, 2));
    assert_eq!(p.item_rows, [2, 13, 14, 16]);
    assert_eq!(p.duplicates, [Duplicate { row: 7, same_as: 2 }]);
    let rows: Vec<usize> = p.problems.iter().map(|r| r.row).collect();
    assert_eq!(rows, [3, 4, 6, 8, 9, 11, 12, 15, 17]);
    let lost: Vec<usize> = p
        .problems
        .iter()
        .filter(|r| {
            r.problems
                .iter()
                .any(|x| matches!(x, RowProblem::LostLeadingZero { .. }))
        })
        .map(|r| r.row)
        .collect();
    assert_eq!(lost, [3, 4, 6]);

    let fixed = preview_of("worklist_messy.csv", true, &[]);
    assert_eq!(fixed.item_rows, [2, 3, 4, 6, 13, 14, 16]);
    assert_eq!(fixed.fixes.len(), 3);
    // The items of one import are all "already on the list" to the next.
    let again = preview_of("worklist_messy.csv", false, &fixed.items);
    assert!(again.items.is_empty());
    assert_eq!(again.already.len(), 9);
}

#[test]
fn the_three_fixtures_read_the_same_through_any_reader() {
    for name in [
        "worklist_messy.csv",
        "worklist_utf16.txt",
        "worklist_households_en.tsv",
    ] {
        let from_file = preview_of(name, true, &[]);
        let bytes = std::fs::read(fixture(name)).unwrap();
        let options = Options {
            fix_leading_zeros: true,
            ..Options::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
        };
        let from_bytes = worklist::preview(&bytes[..], &options, &commune(), &[]).unwrap();
        assert_eq!(from_file, from_bytes, "{name}");
        assert!(!from_file.items.is_empty(), "{name}");
    }
}
