//! Files for Excel (issue 22 point 5), through the binary on the demo
//! commune: every `--format xlsx` export opened with a workbook reader
//! (calamine) finds 12-digit IDs with their leading zeros as text,
//! Vietnamese words intact, dates as dates, counts as numbers and no
//! formula cell; every CSV export has a byte-order mark, the formula guard
//! and unique headers.

mod common;

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use common::{csv_maps, demo, fails, save_activation, stdout, tothon};

/// The one sheet of a workbook tothon wrote: its rows as the reader gives
/// them, and whether any cell holds a formula.
fn sheet(path: &Path) -> (Vec<Vec<Data>>, bool) {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 1, "{names:?}");
    let range = book.worksheet_range(&names[0]).unwrap();
    let formulas = book.worksheet_formula(&names[0]).unwrap();
    let any_formula = formulas.used_cells().any(|(_, _, f)| !f.is_empty());
    (range.rows().map(<[Data]>::to_vec).collect(), any_formula)
}

/// The data rows below the title and header, each by its header's words.
fn by_header(rows: &[Vec<Data>]) -> Vec<HashMap<String, Data>> {
    let header: Vec<String> = rows[1].iter().map(|h| h.to_string()).collect();
    rows[2..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        other => panic!("not a text cell: {other:?}"),
    }
}

#[test]
fn every_export_for_excel_keeps_ids_as_text_words_in_vietnamese_and_no_formula() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d, 300);
    let note = "=HYPERLINK(\"http://example.com\",\"bấm vào\")";
    let record = save_activation(
        d,
        "001090123456",
        "activated_level2",
        &[
            "--team",
            "3",
            "--set",
            "phone=0912345678",
            "--set",
            &format!("note={note}"),
        ],
    );
    let out = |name: &str| d.join(name);

    // The cases of one form, with its fields.
    let said = stdout(
        tothon(d)
            .args(["cases", "--form", "activation", "--format", "xlsx", "--out"])
            .arg(out("cases.xlsx")),
    );
    assert!(said.contains("cases.xlsx"), "{said}");
    let (rows, formula) = sheet(&out("cases.xlsx"));
    assert!(!formula);
    let title = rows[0][0].to_string();
    assert!(
        title.starts_with("Danh sách hồ sơ (Theo dõi kích hoạt"),
        "{title}"
    );
    assert!(title.contains("tính đến ngày"), "{title}");
    let cases = by_header(&rows);
    let ours = cases
        .iter()
        .find(|r| r.get("Mã hồ sơ").map(Data::to_string) == Some(record.clone()))
        .unwrap_or_else(|| panic!("{record} not in {:?}", rows[1]));
    assert_eq!(text(ours.get("Số định danh")), "001090123456");
    assert_eq!(text(ours.get("Số điện thoại")), "0912345678");
    assert_eq!(text(ours.get("Ghi chú")), note);
    assert_eq!(text(ours.get("Họ và tên")), "Nguyễn Văn An");
    assert_eq!(text(ours.get("Trạng thái")), "Xong");
    assert_eq!(text(ours.get("Tình trạng")), "Đã kích hoạt mức 2");
    assert_eq!(text(ours.get("Giới tính")), "Nam");
    assert!(
        matches!(ours.get("Ngày sinh"), Some(Data::DateTime(_))),
        "{ours:?}"
    );
    assert!(
        matches!(ours.get("Sửa ngày"), Some(Data::DateTime(_))),
        "{ours:?}"
    );
    assert!(
        matches!(ours.get("Tổ"), Some(Data::Float(_) | Data::Int(_))),
        "{ours:?}"
    );

    // The other listings: the work list, duplicates, progress, the report.
    for (args, name, words) in [
        (&["worklist", "list"][..], "worklist.xlsx", "Danh sách việc"),
        (
            &["duplicates"][..],
            "duplicates.xlsx",
            "Nghi trùng nhân khẩu",
        ),
        (&["progress"][..], "progress.xlsx", "Tiến độ theo tổ"),
        (
            &["report"][..],
            "report.xlsx",
            "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06",
        ),
    ] {
        stdout(
            tothon(d)
                .args(args)
                .args(["--format", "xlsx", "--out"])
                .arg(out(name)),
        );
        let (rows, formula) = sheet(&out(name));
        assert!(!formula, "{name}");
        assert!(
            rows[0][0].to_string().starts_with(words),
            "{name}: {:?}",
            rows[0]
        );
        assert!(rows.len() > 2, "{name}: no rows");
    }
    let (rows, _) = sheet(&out("progress.xlsx"));
    let progress = by_header(&rows);
    assert!(
        progress
            .iter()
            .all(|r| matches!(r.get("Giao"), Some(Data::Float(_) | Data::Int(_)))),
        "{progress:?}"
    );
    let (rows, _) = sheet(&out("report.xlsx"));
    let report = by_header(&rows);
    assert!(
        report
            .iter()
            .any(|r| matches!(r.get("Tỉ lệ"), Some(Data::Float(f)) if *f > 0.0 && *f <= 1.0)),
        "{report:?}"
    );
    let (rows, _) = sheet(&out("worklist.xlsx"));
    let items = by_header(&rows);
    assert!(
        items
            .iter()
            .any(|r| matches!(r.get("Hạn"), Some(Data::DateTime(_)))),
        "{items:?}"
    );

    // Every form's cases: no two columns with the same words, and a field
    // that could be a number (a CMND in "value", a household code) stays
    // text; a village is named.
    for form in [
        "activation",
        "household_check",
        "missing_field",
        "duplicate",
    ] {
        let name = format!("{form}.xlsx");
        stdout(
            tothon(d)
                .args(["cases", "--form", form, "--out"])
                .arg(out(&name)),
        );
        let (rows, formula) = sheet(&out(&name));
        assert!(!formula, "{form}");
        let header: Vec<String> = rows[1].iter().map(|h| h.to_string()).collect();
        let mut unique = header.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), header.len(), "{form}: {header:?}");
        for (label, column) in [("Giá trị bổ sung", "value"), ("Mã hộ", "household_code")] {
            let Some(c) = header.iter().position(|h| h == label) else {
                continue;
            };
            for row in &rows[2..] {
                assert!(
                    matches!(row.get(c), Some(Data::String(_) | Data::Empty) | None),
                    "{form} {column}: {:?}",
                    row.get(c)
                );
            }
        }
        if form == "household_check" {
            let c = header.iter().position(|h| h == "Thôn").unwrap();
            assert!(
                rows[2..]
                    .iter()
                    .all(|r| r[c].to_string().starts_with("Thôn")),
                "{rows:?}"
            );
        }
    }
    let (rows, _) = sheet(&out("duplicates.xlsx"));
    let header: Vec<String> = rows[1].iter().map(|h| h.to_string()).collect();
    assert!(
        header.contains(&"Số định danh (2)".to_string()),
        "{header:?}"
    );

    // `--out FILE.xlsx` alone is a workbook; `--out FILE.csv` alone a CSV.
    stdout(tothon(d).args(["progress", "--out"]).arg(out("alone.xlsx")));
    assert!(std::fs::read(out("alone.xlsx")).unwrap().starts_with(b"PK"));
    stdout(tothon(d).args(["progress", "--out"]).arg(out("alone.csv")));
    assert!(
        std::fs::read(out("alone.csv"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBFteam,")
    );

    // A workbook needs a file to go in.
    let err = fails(tothon(d).args(["cases", "--format", "xlsx"]));
    assert!(err.contains("--out"), "{err}");
}

#[test]
fn every_csv_for_a_person_has_a_byte_order_mark_the_guard_and_unique_headers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d, 300);
    let note = "=1+1";
    save_activation(
        d,
        "001090123456",
        "activated_level2",
        &["--team", "3", "--set", &format!("note={note}")],
    );
    for args in [
        &["cases", "--form", "activation", "--format", "csv"][..],
        &["duplicates", "--format", "csv"],
        &["progress", "--format", "csv"],
        &["report", "--format", "csv"],
        &["worklist", "list", "--format", "csv"],
    ] {
        let text = stdout(tothon(d).args(args));
        assert!(text.starts_with('\u{feff}'), "{args:?}: {text:.80}");
        let header = text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap()
            .to_string();
        let columns: Vec<&str> = header.split(',').collect();
        let mut unique = columns.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), columns.len(), "{args:?}: {header}");
        // Into a file, the same bytes.
        let file = d.join("out.csv");
        stdout(tothon(d).args(args).arg("--out").arg(&file));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "{args:?}");
    }
    let cases = csv_maps(&stdout(tothon(d).args([
        "cases",
        "--form",
        "activation",
        "--format",
        "csv",
    ])));
    let ours = cases
        .iter()
        .find(|r| r["person_id"] == "001090123456")
        .unwrap();
    assert_eq!(ours["note"], format!("'{note}"));
    assert_eq!(ours["field_status"], "activated_level2");
    // Shares as whole numbers: a decimal point would be text to a
    // spreadsheet in Vietnamese.
    let report = csv_maps(&stdout(tothon(d).args(["report", "--format", "csv"])));
    assert!(
        report
            .iter()
            .all(|r| r["percent"].chars().all(|c| c.is_ascii_digit())),
        "{report:?}"
    );
}
