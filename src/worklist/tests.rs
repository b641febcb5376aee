use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;

use super::*;
use crate::domain::commune::Village;

use crate::demo::VILLAGES;

pub(crate) fn commune() -> Commune {
    Commune {
        name: "Xã Tân Phong".into(),
        villages: VILLAGES
            .iter()
            .enumerate()
            .map(|(i, name)| Village {
                team: i as u8 + 1,
                name: name.to_string(),
            })
            .collect(),
    }
}

fn options() -> Options {
    Options::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
}

fn run(text: &str, options: &Options, existing: &[WorkItem]) -> Result<Preview, WorklistError> {
    preview(text.as_bytes(), options, &commune(), existing)
}

fn ok(text: &str) -> Preview {
    run(text, &options(), &[]).unwrap()
}

fn item(id: &str, form: &str, team: u8, prefill: &[(&str, &str)]) -> WorkItem {
    WorkItem {
        id: id.into(),
        form: form.into(),
        team,
        due: None,
        prefill: prefill
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn problem_rows(p: &Preview) -> Vec<usize> {
    p.problems.iter().map(|r| r.row).collect()
}

pub(crate) const PEOPLE: &str = "\
Họ tên,CCCD,Ngày sinh,Giới tính,Thôn,SĐT,Hạn
Nguyễn Văn An,034085001234,12/3/1985,nam,Đông,0912 345 678,15/12/2026
Trần Thị Bình,034190002345,05/07/1990,Nữ,Thôn Đoài,,
";

#[test]
fn a_clean_list_becomes_items_for_the_village_teams() {
    let p = ok(PEOPLE);
    assert_eq!(
        p.form_source,
        FormSource::Inferred {
            form: "activation".into(),
            column: Some("SĐT".into())
        }
    );
    assert_eq!(
        (p.delimiter, p.header_row, p.encoding),
        (b',', 1, Encoding::Utf8)
    );
    assert_eq!(p.rows_read, 2);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.item_rows, vec![2, 3]);
    let an = &p.items[0];
    assert_eq!(
        (an.id.as_str(), an.form.as_str(), an.team),
        ("AC-00001", "activation", 1)
    );
    assert_eq!(an.due.as_deref(), Some("2026-12-15"));
    // Values are stored as a save stores them.
    assert_eq!(
        an.prefill,
        BTreeMap::from([
            ("person_id".to_string(), "034085001234".to_string()),
            ("full_name".to_string(), "Nguyễn Văn An".to_string()),
            ("birth_date".to_string(), "1985-03-12".to_string()),
            ("sex".to_string(), "male".to_string()),
            ("phone".to_string(), "0912345678".to_string()),
        ])
    );
    assert_eq!((p.items[1].id.as_str(), p.items[1].team), ("AC-00002", 2));
    assert_eq!(p.items[1].due, None);
    assert_eq!(
        p.counts(),
        BTreeMap::from([((1, "activation".into()), 1), ((2, "activation".into()), 1)])
    );
}

#[test]
fn ids_continue_after_the_highest_number_of_the_form() {
    let existing = [
        item(
            "AC-00012",
            "activation",
            1,
            &[("person_id", "034085009999")],
        ),
        item(
            "AC-00003",
            "activation",
            1,
            &[("person_id", "034085008888")],
        ),
        // A case a device opened has its own kind of id.
        item("AC-1A2B3C-0099", "activation", 1, &[]),
        item(
            "HC-00040",
            "household_check",
            1,
            &[("household_code", "H1")],
        ),
    ];
    let p = run(PEOPLE, &options(), &existing).unwrap();
    let ids: Vec<&str> = p.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["AC-00013", "AC-00014"]);
}

#[test]
fn rows_are_numbered_as_the_spreadsheet_shows_them() {
    // A title row, an empty line, a header, a cell running over two lines,
    // an empty line (no separators at all) and a row of empty cells.
    let text = "DANH SÁCH KÍCH HOẠT ĐỊNH DANH ĐIỆN TỬ\n\
                \n\
                Họ tên;CCCD;Thôn;SĐT;Ghi chú\n\
                Lê Văn C;034085001234;Đông;0912345678;\"hai\ndòng\"\n\
                \n\
                ;;;;\n\
                Lê Văn D;12;Đông;0912345679;\n";
    let p = ok(text);
    assert_eq!(p.header_row, 3);
    assert_eq!(p.delimiter, b';');
    assert_eq!((p.rows_read, p.blank), (4, 2));
    assert_eq!(p.item_rows, vec![4]);
    // "Ghi chú" is the form's own note; the cell's line break is cleaned away.
    assert_eq!(p.items[0].prefill["note"], "hai dòng");
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    assert_eq!(problem_rows(&p), vec![7]);
    assert_eq!(
        p.problems[0].problems,
        vec![RowProblem::Field {
            field: "person_id".into(),
            kind: ProblemKind::IdWrongLength { len: 2 }
        }]
    );
}

#[test]
fn leading_zeros_are_flagged_and_put_back_only_when_asked() {
    let text = "Họ tên;CCCD;Thôn;SĐT\n\
                Lê Thị Cúc;1192004567;Đông;0912345678\n\
                Lê Văn Dũng;034075003456;Đông;912345670\n";
    let p = ok(text);
    assert!(p.items.is_empty());
    assert_eq!(
        p.problems[0].problems,
        vec![RowProblem::LostLeadingZero {
            field: "person_id".into(),
            found: "1192004567".into(),
            suggested: "001192004567".into()
        }]
    );
    assert_eq!(
        p.problems[1].problems,
        vec![RowProblem::LostLeadingZero {
            field: "phone".into(),
            found: "912345670".into(),
            suggested: "0912345670".into()
        }]
    );
    let fixing = Options {
        fix_leading_zeros: true,
        ..options()
    };
    let p = run(text, &fixing, &[]).unwrap();
    assert!(p.problems.is_empty());
    assert_eq!(p.items[0].prefill["person_id"], "001192004567");
    assert_eq!(p.items[1].prefill["phone"], "0912345670");
    assert_eq!(
        p.fixes,
        vec![
            RowFix {
                row: 2,
                form: "activation".into(),
                field: "person_id".into(),
                found: "1192004567".into(),
                fixed: "001192004567".into()
            },
            RowFix {
                row: 3,
                form: "activation".into(),
                field: "phone".into(),
                found: "912345670".into(),
                fixed: "0912345670".into()
            }
        ]
    );
}

#[test]
fn repeated_rows_are_skipped_and_differing_ones_refused() {
    let text = "Họ tên,CCCD,Thôn,SĐT\n\
                Nguyễn Văn An,034085001234,Đông,0912345678\n\
                Nguyễn  Văn An ,034 085 001 234,thôn đông,0912345678\n\
                Nguyễn Văn Ân,034085001234,Đông,0912345678\n";
    let p = ok(text);
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.duplicates, vec![Duplicate { row: 3, same_as: 2 }]);
    assert_eq!(
        p.problems,
        vec![ProblemRow {
            row: 4,
            form: Some("activation".into()),
            problems: vec![RowProblem::Conflicting { same_as: 2 }]
        }]
    );
}

#[test]
fn work_already_on_the_list_is_not_added_again() {
    let existing = [item(
        "AC-00007",
        "activation",
        3,
        &[("person_id", "001192004567"), ("full_name", "Lê Thị Cúc")],
    )];
    // The same person, even with the ID's zeros lost and no --fix-leading-zeros.
    let text = "Họ tên;CCCD;Thôn;SĐT\n\
                Lê Thị Cúc;1192004567;Đông;0912345678\n\
                Lê Thị Cúc;001192004567;Đông;\n";
    let p = run(text, &options(), &existing).unwrap();
    assert!(p.items.is_empty());
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(
        p.already,
        vec![
            AlreadyListed {
                row: 2,
                item: "AC-00007".into()
            },
            AlreadyListed {
                row: 3,
                item: "AC-00007".into()
            }
        ]
    );
}

#[test]
fn a_given_name_column_beside_the_full_name_is_not_read() {
    let text = "STT,Họ và tên,Tên,CCCD,Thôn,SĐT\n1,Nguyễn Văn An,An,034085001234,Đông,0912345678\n";
    let p = ok(text);
    assert_eq!(p.items[0].prefill["full_name"], "Nguyễn Văn An");
    assert_eq!(
        p.ignored,
        vec![IgnoredColumn {
            index: 2,
            header: "Tên".into(),
            unused_by: Some("activation".into())
        }]
    );
    // Split over three columns, the name is joined in order.
    let split = "Tên;Họ;Chữ đệm;CCCD;Thôn;SĐT\nAn;Nguyễn;Văn;034085001234;Đông;0912345678\n";
    assert_eq!(ok(split).items[0].prefill["full_name"], "Nguyễn Văn An");
}

#[test]
fn a_person_with_two_missing_fields_is_two_pieces_of_work() {
    let text = "Họ và tên\tSố định danh\tThôn\tTrường thiếu\n\
                Nguyễn Thị Lan\t034190011111\tĐông\tDân tộc\n\
                Nguyễn Thị Lan\t034190011111\tĐông\tTôn giáo\n\
                Nguyễn Thị Lan\t034190011111\tĐông\tdan toc\n";
    let p = ok(text);
    let missing: Vec<&str> = p
        .items
        .iter()
        .map(|i| i.prefill["missing"].as_str())
        .collect();
    assert_eq!(missing, ["ethnicity", "religion"]);
    assert_eq!(p.duplicates, vec![Duplicate { row: 4, same_as: 2 }]);
    assert_eq!(p.items[1].id, "MF-00002");
}

#[test]
fn a_household_list_fills_the_village_with_the_team_and_needs_no_head() {
    let text = "Mã hộ,Thôn,Chủ hộ,Số định danh chủ hộ,Địa chỉ\n\
                hk-0101,Thôn Hạ,Nguyễn Văn Bình,034070055555,Số 1\n\
                HK-0102,Tân Lập,,,Số 2\n\
                HK 0101,Hạ,Nguyễn Văn Bình,034070055555,Số 1\n";
    let p = ok(text);
    assert_eq!(p.items.len(), 2);
    assert_eq!(p.items[0].prefill["village"], "5");
    assert_eq!(p.items[0].id, "HC-00001");
    assert_eq!(p.items[1].team, 6);
    assert!(!p.items[1].prefill.contains_key("head_name"));
    // "HK 0101" is "hk-0101" to the eye: same household, same details.
    assert_eq!(p.duplicates, vec![Duplicate { row: 4, same_as: 2 }]);
}

#[test]
fn villages_and_teams_decide_the_team_and_must_agree() {
    let text = "Họ tên;CCCD;SĐT;Thôn;Tổ\n\
                Lê Văn A;034085001234;0912345678;;Tổ 4\n\
                Lê Văn B;034085001235;0912345678;Đông;2\n\
                Lê Văn C;034085001236;0912345678;Thôn Bắc;\n\
                Lê Văn D;034085001237;0912345678;;\n";
    let p = ok(text);
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].team, 4);
    let reasons: Vec<&RowProblem> = p.problems.iter().flat_map(|r| &r.problems).collect();
    assert_eq!(
        reasons,
        [
            &RowProblem::TeamMismatch {
                village: "Đông".into(),
                village_team: 1,
                team: 2
            },
            &RowProblem::UnknownVillage {
                value: "Thôn Bắc".into()
            },
            &RowProblem::NoVillage
        ]
    );
}

#[test]
fn a_form_column_mixes_forms() {
    let text = "Mẫu,Họ tên,CCCD,Mã hộ,Thôn,Trường thiếu\n\
                Kích hoạt,Lê Văn A,034085001234,,Đông,\n\
                bổ sung,Lê Văn A,034085001234,,Đông,Quê quán\n\
                HC,,,HK-9,Đông,\n\
                Điều tra dân số,Lê Văn B,034085001235,,Đông,\n\
                ,Lê Văn C,034085001236,,Đông,\n";
    let p = ok(text);
    let forms: Vec<&str> = p.items.iter().map(|i| i.form.as_str()).collect();
    assert_eq!(forms, ["activation", "missing_field", "household_check"]);
    let ids: Vec<&str> = p.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["AC-00001", "MF-00001", "HC-00001"]);
    assert_eq!(
        p.form_source,
        FormSource::Column {
            column: "Mẫu".into(),
            fallback: None
        }
    );
    assert_eq!(
        p.problems,
        vec![
            ProblemRow {
                row: 5,
                form: None,
                problems: vec![RowProblem::UnknownForm {
                    value: "Điều tra dân số".into()
                }]
            },
            ProblemRow {
                row: 6,
                form: None,
                problems: vec![RowProblem::NoForm]
            }
        ]
    );
    // With --form, rows that leave the form empty take it.
    let p = run(
        text,
        &Options {
            form: Some("activation".into()),
            ..options()
        },
        &[],
    )
    .unwrap();
    assert_eq!(p.items.len(), 4);
    // Columns a form does not use are said once per form.
    assert!(p.ignored.contains(&IgnoredColumn {
        index: 3,
        header: "Mã hộ".into(),
        unused_by: Some("activation".into())
    }));
}

#[test]
fn the_form_must_be_known_or_told() {
    let people = "Họ tên,CCCD,Mã hộ,Thôn\nLê Văn A,034085001234,HK-1,Đông\n";
    assert!(matches!(
        run(people, &options(), &[]),
        Err(WorklistError::AmbiguousForm { candidates }) if candidates == ["household_check", "activation"]
    ));
    let told = |form: &str| Options {
        form: Some(form.into()),
        ..options()
    };
    let p = run(people, &told("activation"), &[]).unwrap();
    assert_eq!(p.items.len(), 1);
    assert_eq!(
        p.form_source,
        FormSource::Given {
            form: "activation".into()
        }
    );
    // Codes and labels name a form too.
    assert_eq!(
        run(people, &told("HC"), &[]).unwrap().items[0].form,
        "household_check"
    );
    assert!(matches!(
        run(people, &told("census"), &[]),
        Err(WorklistError::UnknownForm { .. })
    ));
    assert!(matches!(
        run(people, &told("missing_field"), &[]),
        Err(WorklistError::MissingColumns { form, fields }) if form == "missing_field" && fields == ["missing"]
    ));
    assert!(matches!(
        run("Họ tên,CCCD,SĐT\nA,1,2\n", &options(), &[]),
        Err(WorklistError::NoVillageColumn)
    ));
    assert!(matches!(
        run("Họ tên,Họ và tên,CCCD,Thôn,SĐT\n", &options(), &[]),
        Err(WorklistError::DuplicateColumn { .. })
    ));
}

#[test]
fn spreadsheet_damage_and_stray_cells_are_reported_by_row() {
    let text = "Họ tên;CCCD;Ngày sinh;Thôn;SĐT\n\
                Lê Văn A;3,40851E+11;12/03/1985;Đông;0912345678\n\
                Lê Văn B;034085001235;31048;Đông;0912345678\n\
                Lê Văn C;034085001236;12/03/1985;Đông;0912345678;;x;y\n\
                Lê Văn D;=\"034085001237\";12/03/1985;Đông;0912345678\n";
    let p = ok(text);
    assert_eq!(p.item_rows, vec![5]);
    assert_eq!(p.items[0].prefill["person_id"], "034085001237");
    let reasons: Vec<&RowProblem> = p.problems.iter().flat_map(|r| &r.problems).collect();
    assert_eq!(
        reasons,
        [
            &RowProblem::ScientificNotation {
                field: "person_id".into(),
                found: "3,40851E+11".into()
            },
            &RowProblem::ExcelDateSerial {
                field: "birth_date".into(),
                found: "31048".into(),
                would_be: "01/01/1985".into()
            },
            &RowProblem::ExtraCells { count: 2 }
        ]
    );
}

#[test]
fn warnings_do_not_stop_a_row_and_are_listed() {
    let text =
        "Họ tên,CCCD,Ngày sinh,Thôn,SĐT\nĐinh Văn Khoa,034089008901,07/06/1991,Hạ,0397123456\n";
    let p = ok(text);
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].row, 2);
    assert_eq!(
        p.warnings[0].problem.confirm_code(),
        "person_id:id_year_mismatch"
    );
}

#[test]
fn excel_csv_of_a_vietnamese_windows_is_read_and_named() {
    // Excel's plain "CSV" on a Vietnamese Windows: Windows-1258, its tone
    // marks as combining characters after the letter.
    let bytes = b"Ho\xF2 t\xEAn,CCCD,Ng\xE0y sinh,Th\xF4n\n\
Nguy\xEA\xDEn V\xE3n \xD0\xF4ng,034085001234,12/3/1985,\xD0\xF4ng\n";
    let p = preview(&bytes[..], &options(), &commune(), &[]).unwrap();
    assert_eq!(p.encoding, Encoding::Windows1258);
    assert_eq!(p.items.len(), 1, "{:?}", p.problems);
    assert_eq!(p.items[0].prefill["full_name"], "Nguyễn Văn Đông");
    let lines = crate::i18n::worklist::preview_lines(crate::i18n::Lang::Vi, &p, &commune());
    assert!(
        lines.iter().any(|l| l.contains("Windows-1258")),
        "{lines:?}"
    );
}

#[test]
fn bad_files_are_refused_whole() {
    // UTF-8 as far as the encoding is told (64 KB), then a row that is not:
    // refused naming the row, not read in another encoding half-way.
    let rows = 64 * 1024 / 30 + 10;
    let mut text = format!(
        "{PEOPLE}{}",
        "Lê Văn A,034085001234,,,Đông,,\n".repeat(rows)
    )
    .into_bytes();
    text.extend(b"\xff\xfe\xfd,1,2\n");
    let lines = String::from_utf8_lossy(&text).lines().count();
    assert!(matches!(
        preview(&text[..], &options(), &commune(), &[]),
        Err(WorklistError::NotUtf8 { row }) if row == lines
    ));
    let big = format!("{PEOPLE}{}", "Lê Văn A,034085001234,,,Đông,,\n".repeat(100));
    let small = Options {
        max_bytes: 1000,
        ..options()
    };
    assert!(matches!(
        run(&big, &small, &[]),
        Err(WorklistError::TooBig { limit: 1000 })
    ));
    assert!(matches!(
        run("", &options(), &[]),
        Err(WorklistError::Empty)
    ));
    assert!(matches!(
        run("a,b,c\n1,2,3\n", &options(), &[]),
        Err(WorklistError::NoKnownColumn { .. })
    ));
}

// ------------------------------------------------------------ merged cells, the end of a list, numbers for choices

/// A list grouped by village as Excel exports merged cells: the village only
/// on the first row of each group.
const MERGED: &str = "\
Họ tên;CCCD;Thôn;SĐT
Lê Văn An;034085001234;Đông;0912345678
Lê Văn Bình;034085001235;;0912345679
Lê Văn Cường;034085001236;Đoài;0912345670
Lê Văn Dũng;034085001237;;0912345671
";

#[test]
fn fill_down_fills_merged_village_cells_and_lists_each() {
    let without = ok(MERGED);
    assert_eq!(problem_rows(&without), vec![3, 5]);
    assert_eq!(without.fillable, 2);
    assert!(without.filled.is_empty());

    let with = run(
        MERGED,
        &Options {
            fill_down: true,
            ..options()
        },
        &[],
    )
    .unwrap();
    assert!(with.problems.is_empty(), "{:?}", with.problems);
    let teams: Vec<u8> = with.items.iter().map(|i| i.team).collect();
    assert_eq!(teams, vec![1, 1, 2, 2]);
    assert_eq!(
        with.filled,
        vec![
            FilledCell {
                row: 3,
                column: 2,
                header: "Thôn".into(),
                value: "Đông".into()
            },
            FilledCell {
                row: 5,
                column: 2,
                header: "Thôn".into(),
                value: "Đoài".into()
            },
        ]
    );
    assert_eq!(with.fillable, 0);
}

#[test]
fn fill_down_fills_household_columns_but_never_a_persons_own() {
    let text = "\
Mã hộ;Chủ hộ;Địa chỉ;Họ tên;CCCD;Thôn;SĐT
HK01;Lê Văn An;Xóm 1;Lê Văn An;034085001234;Đông;0912345678
;;;Lê Thị Bé;;;0912345679
";
    let p = run(
        text,
        &Options {
            form: Some("activation".into()),
            fill_down: true,
            ..options()
        },
        &[],
    )
    .unwrap();
    let filled: Vec<&str> = p.filled.iter().map(|f| f.header.as_str()).collect();
    assert_eq!(filled, ["Mã hộ", "Chủ hộ", "Địa chỉ", "Thôn"]);
    // Her missing ID stays a problem: an ID is never taken from the row above.
    assert_eq!(problem_rows(&p), vec![3]);
    assert_eq!(
        p.problems[0].problems,
        vec![RowProblem::Field {
            field: "person_id".into(),
            kind: crate::domain::rules::ProblemKind::Required
        }]
    );
}

/// The end of a real list: a total, the place and date, the signature
/// block with its blank lines and the signers' names, and a note; their
/// words sit in whatever columns are there (a name under "CCCD").
const FOOTER: &str = "\
Tổng cộng: 2 người;;;
;;;
;;Xuân Phong, ngày 15 tháng 11 năm 2026;
Người lập biểu;;Trưởng thôn;
(Ký, ghi rõ họ tên);;(Ký, ghi rõ họ tên);
;;;
Lê Thị Hoa;Nguyễn Văn Thành;;
Ghi chú: danh sách chưa gồm người đi làm ăn xa;;;
";

#[test]
fn the_lines_after_the_data_are_listed_as_not_data() {
    let text = format!(
        "Họ tên;CCCD;Thôn;SĐT\n{}{FOOTER}",
        &MERGED[MERGED.find('\n').unwrap() + 1..]
    );
    let p = run(
        &text,
        &Options {
            fill_down: true,
            ..options()
        },
        &[],
    )
    .unwrap();
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.items.len(), 4);
    let not_data: Vec<(usize, NotData)> = p.not_data.iter().map(|n| (n.row, n.kind)).collect();
    assert_eq!(
        not_data,
        vec![
            (6, NotData::Total),
            (8, NotData::DateLine),
            (9, NotData::Signature),
            (10, NotData::Signature),
            (12, NotData::Signer),
            (13, NotData::Note),
        ]
    );
    assert_eq!(p.not_data[0].text, "Tổng cộng: 2 người");
    assert_eq!(p.not_data[4].text, "Lê Thị Hoa | Nguyễn Văn Thành");
    // Blank lines among them are blank; every row is in one place.
    assert_eq!(p.blank, 2);
    assert_eq!(p.rows_read, 4 + 6 + 2);
    // Nothing after the data was filled from above.
    assert!(p.filled.iter().all(|f| f.row < 6));
}

#[test]
fn a_persons_row_is_never_taken_for_a_line_after_the_data() {
    // Lines that read like a footer, followed by more data: they were in
    // the middle, and are rows like any other.
    let middle = "Họ tên;CCCD;Thôn;SĐT\n\
                  Tổng cộng: 1;;;\n\
                  Lê Văn An;034085001234;Đông;0912345678\n";
    let p = ok(middle);
    assert!(p.not_data.is_empty());
    assert_eq!(problem_rows(&p), vec![2]);
    // At the end, a person without an ID but with a village, a date of
    // birth or a phone is a person, below a signature line or not; so is
    // a row with words of a footer beside a person's details.
    let end = "Họ tên;CCCD;Thôn;SĐT;Ngày sinh\n\
               Lê Văn An;034085001234;Đông;0912345678;\n\
               Người lập biểu;;;;\n\
               Lê Thị Bé;;Đông;;\n\
               Lê Thị Cúc;;;0912345679;\n\
               Lê Thị Duyên;;;;01/02/1990\n\
               Trần Văn Tổng;;Đoài;;\n\
               Ghi chú: mới chuyển đến;;;0912345680;\n";
    let p = ok(end);
    assert_eq!(problem_rows(&p), vec![3, 4, 5, 6, 7, 8]);
    assert!(p.not_data.is_empty());
    // An ID makes a row data whatever its words.
    let id = "Họ tên;CCCD;Thôn;SĐT\n\
              Lê Văn An;034085001234;Đông;0912345678\n\
              Trưởng thôn;034085001235;;\n";
    assert_eq!(problem_rows(&ok(id)), vec![3]);
}

#[test]
fn a_number_in_a_choice_column_is_read_as_the_one_choice_it_can_mean() {
    let text = "Họ tên;CCCD;Thôn;Mức cần đạt\n\
                Lê Văn An;034085001234;Đông;2\n\
                Lê Văn Bình;034085001235;Đông;Mức 1\n\
                Lê Văn Cường;034085001236;Đông;3\n";
    let p = ok(text);
    assert_eq!(p.items[0].prefill["target_level"], "level2");
    assert_eq!(p.items[1].prefill["target_level"], "level1");
    assert_eq!(
        p.shorthands,
        vec![RowShorthand {
            row: 2,
            form: "activation".into(),
            field: "target_level".into(),
            found: "2".into(),
            choice: "level2".into()
        }]
    );
    assert_eq!(problem_rows(&p), vec![4]);
}

// ------------------------------------------------------------ workbooks

use super::fixtures::{self, Cell};

fn cells(row: &[&str]) -> Vec<Cell> {
    row.iter().map(|c| Cell::from(*c)).collect()
}

/// Rows with typed cells: a title, the header, people whose IDs and phones
/// were stored as numbers and birth dates as dates.
fn typed_rows() -> Vec<Vec<Cell>> {
    let day = |y, m, d| Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    vec![
        cells(&["DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT"]),
        cells(&["Họ tên", "CCCD", "Ngày sinh", "Thôn", "SĐT", "Mức cần đạt"]),
        vec![
            "Lê Văn An".into(),
            Cell::Number(34085001234.0),
            day(1985, 3, 12),
            "Đông".into(),
            Cell::Number(912345678.0),
            Cell::Number(2.0),
        ],
        vec![
            "Trần Thị Bình".into(),
            "034190002345".into(),
            day(1990, 7, 5),
            Cell::Number(2.0),
            "0912345679".into(),
            "Mức 1".into(),
        ],
    ]
}

fn book(bytes: &[u8], options: &Options) -> Result<Preview, WorklistError> {
    preview(bytes, options, &commune(), &[])
}

/// What the three readers must agree on, whatever the format.
fn check_typed(p: &Preview, format: WorkbookFormat) {
    let source = p.workbook.as_ref().unwrap();
    assert_eq!(
        (source.format, source.sheet.as_str()),
        (format, "Danh sách")
    );
    assert_eq!(p.header_row, 2);
    // The ID stored as a number lost its zero: the usual suggestion.
    assert_eq!(
        p.problems,
        vec![ProblemRow {
            row: 3,
            form: Some("activation".into()),
            problems: vec![
                RowProblem::LostLeadingZero {
                    field: "person_id".into(),
                    found: "34085001234".into(),
                    suggested: "034085001234".into()
                },
                RowProblem::LostLeadingZero {
                    field: "phone".into(),
                    found: "912345678".into(),
                    suggested: "0912345678".into()
                },
            ]
        }]
    );
    assert_eq!(p.item_rows, vec![4]);
    let binh = &p.items[0];
    assert_eq!(binh.prefill["birth_date"], "1990-07-05");
    assert_eq!(binh.team, 2);
}

fn named(rows: Vec<Vec<Cell>>) -> Vec<fixtures::Sheet> {
    vec![("Danh sách".to_string(), rows)]
}

#[test]
fn an_xls_and_an_ods_read_as_their_cells_show() {
    check_typed(
        &book(&fixtures::xls(&named(typed_rows())), &options()).unwrap(),
        WorkbookFormat::Xls,
    );
    check_typed(
        &book(&fixtures::ods(&named(typed_rows()), false), &options()).unwrap(),
        WorkbookFormat::Ods,
    );
    let fixed = Options {
        fix_leading_zeros: true,
        ..options()
    };
    let p = book(&fixtures::ods(&named(typed_rows()), false), &fixed).unwrap();
    assert_eq!(p.items[0].prefill["person_id"], "034085001234");
    assert_eq!(p.items[0].prefill["birth_date"], "1985-03-12");
    assert_eq!(p.items[0].prefill["target_level"], "level2");
    assert_eq!(p.shorthands.len(), 1);
}

fn xlsx(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        sheet.write_string(r, c, s).unwrap();
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n).unwrap();
                    }
                    Cell::Date(d) => {
                        use chrono::Datelike;
                        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .unwrap();
                        sheet.write_datetime_with_format(r, c, &d, &date).unwrap();
                    }
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_reads_its_first_visible_sheet_or_the_one_named() {
    let other = vec![cells(&["Số liệu tổng hợp"]), cells(&["x"])];
    let bytes = xlsx(&[("Danh sách", typed_rows()), ("Tổng hợp", other)]);
    let p = book(&bytes, &options()).unwrap();
    check_typed(&p, WorkbookFormat::Xlsx);
    assert_eq!(
        p.workbook.as_ref().unwrap().sheets,
        ["Danh sách", "Tổng hợp"]
    );
    for name in ["Danh sách", "danh sach", "DANH SÁCH"] {
        let chosen = Options {
            sheet: Some(name.into()),
            ..options()
        };
        check_typed(&book(&bytes, &chosen).unwrap(), WorkbookFormat::Xlsx);
    }
    let missing = Options {
        sheet: Some("Sheet1".into()),
        ..options()
    };
    match book(&bytes, &missing) {
        Err(WorklistError::UnknownSheet { sheet, sheets }) => {
            assert_eq!(sheet, "Sheet1");
            assert_eq!(sheets, ["Danh sách", "Tổng hợp"]);
        }
        other => panic!("{other:?}"),
    }
    let summary = Options {
        sheet: Some("Tổng hợp".into()),
        ..options()
    };
    assert!(matches!(
        book(&bytes, &summary),
        Err(WorklistError::NoKnownColumn { .. })
    ));
}

#[test]
fn a_sheet_of_notes_before_the_list_is_passed_over_unless_named() {
    let notes = vec![cells(&["Hướng dẫn: mỗi người một dòng"])];
    let bytes = xlsx(&[("Hướng dẫn", notes.clone()), ("Danh sách", typed_rows())]);
    let p = book(&bytes, &options()).unwrap();
    check_typed(&p, WorkbookFormat::Xlsx);
    assert_eq!(p.workbook.unwrap().sheets, ["Hướng dẫn", "Danh sách"]);
    // Named, it is read, and has no list.
    let named = Options {
        sheet: Some("Hướng dẫn".into()),
        ..options()
    };
    assert!(matches!(
        book(&bytes, &named),
        Err(WorklistError::NoKnownColumn { .. })
    ));
    // No sheet has a list: the first one's words say so.
    let bytes = xlsx(&[("Hướng dẫn", notes), ("Trống", vec![])]);
    match book(&bytes, &options()) {
        Err(WorklistError::NoKnownColumn { first_row }) => {
            assert_eq!(first_row, "Hướng dẫn: mỗi người một dòng")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn workbooks_that_cannot_be_read_are_refused_whole() {
    let refused = |bytes: &[u8]| book(bytes, &options()).unwrap_err();
    assert!(matches!(
        refused(&fixtures::ods(&named(typed_rows()), true)),
        WorklistError::Encrypted
    ));
    let encrypted = fixtures::compound_file(&[
        ("EncryptionInfo", &[0u8; 200]),
        ("EncryptedPackage", &[0u8; 5000]),
    ]);
    assert!(matches!(refused(&encrypted), WorklistError::Encrypted));
    let good = xlsx(&[("Danh sách", typed_rows())]);
    let cut = &good[..good.len() / 2];
    assert!(matches!(
        refused(cut),
        WorklistError::Unreadable { format: None, .. }
    ));
    assert!(matches!(
        refused(b"PK\x03\x04"),
        WorklistError::Unreadable { format: None, .. }
    ));
    let mut bundle = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut bundle);
    zip.start_file("manifest.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.finish().unwrap();
    assert!(matches!(
        refused(&bundle.into_inner()),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Zip
        }
    ));
    // A sheet longer than the limit, refused as it is read.
    let mut long = typed_rows();
    long.extend((0..20).map(|_| typed_rows()[3].clone()));
    let short = Options {
        max_rows: 10,
        ..options()
    };
    for bytes in [
        xlsx(&[("Danh sách", long.clone())]),
        fixtures::xls(&named(long.clone())),
        fixtures::ods(&named(long), false),
    ] {
        assert!(matches!(
            book(&bytes, &short),
            Err(WorklistError::TooManyRows { limit: 10 })
        ));
    }
    // The file's own size bound holds for a workbook too.
    let tiny = Options {
        max_bytes: 100,
        ..options()
    };
    assert!(matches!(
        book(&good, &tiny),
        Err(WorklistError::TooBig { limit: 100 })
    ));
}

// ------------------------------------------------------------ staleness

#[test]
fn a_preview_is_stale_once_the_list_holds_its_items() {
    let p = ok(PEOPLE);
    assert!(!p.is_stale(&[]));
    assert!(p.is_stale(&p.items));
    // The same person under another id is the same work.
    let mut renamed = p.items[0].clone();
    renamed.id = "AC-00077".into();
    assert!(p.is_stale(&[renamed]));
    // Another person is not.
    let other = item(
        "AC-00078",
        "activation",
        1,
        &[("person_id", "001099000001")],
    );
    assert!(!p.is_stale(&[other]));
}

// ------------------------------------------------------------ any input

/// Pieces that make text look like a work list, so random input gets past
/// the header and into the row checks.
const PIECES: &[&str] = &[
    "Họ tên",
    "CCCD",
    "Thôn",
    "SĐT",
    "Mẫu",
    "Trường thiếu",
    "Mã hộ",
    "Tổ",
    "Hạn",
    "Tên",
    "Họ",
    "Đông",
    "Đoài",
    "2",
    "034085001234",
    "1192004567",
    "912345670",
    "3,4E+11",
    "31/02/1990",
    "12/03/1985",
    "Kích hoạt",
    "HC",
    "Dân tộc",
    "\"",
    "\"\"",
    ",",
    ";",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "",
    " ",
    "=\"0\"",
    "\u{FEFF}",
    "\u{0301}",
    "𝔸",
    "\0",
];

/// Reads any input and checks what must hold of any outcome: every data row
/// lands in exactly one bucket, ids are new and distinct, teams exist, row
/// numbers point below the header; an error says one sentence.
fn run_any(bytes: &[u8], fix: bool) -> Result<(), String> {
    let options = Options {
        fix_leading_zeros: fix,
        fill_down: fix,
        max_bytes: 4096.max(bytes.len() as u64),
        ..options()
    };
    let existing = [item(
        "AC-00001",
        "activation",
        1,
        &[("person_id", "034085001234")],
    )];
    match preview(bytes, &options, &commune(), &existing) {
        Err(e) => {
            for lang in [crate::i18n::Lang::Vi, crate::i18n::Lang::En] {
                let said = crate::i18n::worklist::error(lang, &e);
                if said.trim().is_empty() || said.contains('\n') {
                    return Err(format!("{e:?} says {said:?}"));
                }
            }
            Ok(())
        }
        Ok(p) => {
            let buckets = p.blank
                + p.duplicates.len()
                + p.already.len()
                + p.problems.len()
                + p.items.len()
                + p.not_data.len();
            if buckets != p.rows_read {
                return Err(format!(
                    "{} rows read, {buckets} sorted: {p:?}",
                    p.rows_read
                ));
            }
            let ids: HashSet<&str> = p.items.iter().map(|i| i.id.as_str()).collect();
            if ids.len() != p.items.len() || ids.contains("AC-00001") {
                return Err(format!("ids: {ids:?}"));
            }
            if p.items.iter().any(|i| !(1..=6).contains(&i.team)) {
                return Err("a team that does not exist".into());
            }
            let rows = p
                .item_rows
                .iter()
                .chain(p.problems.iter().map(|r| &r.row))
                .chain(p.duplicates.iter().map(|d| &d.row))
                .chain(p.already.iter().map(|a| &a.row))
                .chain(p.not_data.iter().map(|n| &n.row));
            if rows.clone().any(|&r| r <= p.header_row) {
                return Err(format!("a row above the header: {p:?}"));
            }
            Ok(())
        }
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), fix: bool) {
        prop_assert_eq!(run_any(&bytes, fix), Ok(()));
    }

    #[test]
    fn random_csv_looking_text_never_panics(
        picks in proptest::collection::vec(0..PIECES.len(), 0..120),
        utf16: bool,
        fix: bool,
    ) {
        let text: String = picks.iter().map(|&i| PIECES[i]).collect();
        let bytes = if utf16 {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        } else {
            text.into_bytes()
        };
        prop_assert_eq!(run_any(&bytes, fix), Ok(()));
    }

    #[test]
    fn damaged_workbooks_never_panic(
        format in 0..3usize,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let rows = named(typed_rows());
        let mut bytes = match format {
            0 => fixtures::xls(&rows),
            1 => fixtures::ods(&rows, false),
            _ => xlsx(&[("Danh sách", typed_rows())]),
        };
        for (at, byte) in flips {
            let at = at % bytes.len();
            bytes[at] ^= byte;
        }
        if cut % 4 == 0 {
            bytes.truncate(cut % bytes.len());
        }
        prop_assert_eq!(run_any(&bytes, false), Ok(()));
    }

    #[test]
    fn a_list_with_random_rows_adds_nothing_the_second_time(
        rows in proptest::collection::vec((0..PIECES.len(), 0..PIECES.len(), 0..PIECES.len()), 0..20),
    ) {
        let mut text = String::from("Họ tên;CCCD;Thôn;SĐT\n");
        for (a, b, c) in rows {
            text.push_str(&format!("Lê Văn A;{};{};{}\n", PIECES[a], PIECES[b], PIECES[c]));
        }
        if let Ok(first) = run(&text, &options(), &[]) {
            let second = run(&text, &options(), &first.items).unwrap();
            prop_assert!(second.items.is_empty(), "{:?}", second.items);
        }
    }
}

#[test]
fn domain_values_of_a_list_are_judged_as_the_forms_judge_them() {
    // Issue 23 through the importer: a month and year of birth is kept as
    // such, a digit is no sex, province 000 is an error, 087 is plain.
    let text = "Họ tên,CCCD,Ngày sinh,Giới tính,Thôn,SĐT\n\
                Nguyễn Văn An,034085001234,02/1985,nam,Đông,0871234567\n\
                Trần Thị Bình,034190002345,05/07/1990,1,Thôn Đoài,\n\
                Lê Văn Cường,000085001234,1985,nam,Đông,\n";
    let p = ok(text);
    assert_eq!(p.item_rows, vec![2]);
    assert_eq!(p.items[0].prefill["birth_date"], "1985-02");
    assert_eq!(p.items[0].prefill["phone"], "0871234567");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let problems: Vec<(usize, &RowProblem)> = p
        .problems
        .iter()
        .flat_map(|r| r.problems.iter().map(move |k| (r.row, k)))
        .collect();
    assert!(
        matches!(
            problems.as_slice(),
            [
                (3, RowProblem::Field { field: sex, kind: ProblemKind::NotInList { .. } }),
                (4, RowProblem::Field { field: id, kind: ProblemKind::IdZeroProvince }),
            ] if sex == "sex" && id == "person_id"
        ),
        "{problems:?}"
    );
}

#[test]
fn a_missing_religion_given_in_a_list_is_matched_exactly() {
    let text = "Họ và tên\tSố định danh\tThôn\tTrường thiếu\tGiá trị bổ sung\tKết quả\tGiấy tờ làm căn cứ\n\
                Nguyễn Thị Lan\t034190011111\tĐông\tTôn giáo\tPhật giáo Tứ Ân Hiếu Nghĩa\tĐã bổ sung\tGiấy khai sinh\n\
                Nguyễn Thị Hoa\t034190011112\tĐông\tTôn giáo\tTin Lành Cơ Đốc Phục Lâm\tĐã bổ sung\tGiấy khai sinh\n";
    let p = ok(text);
    let stored: Vec<Option<&str>> = p
        .items
        .iter()
        .map(|i| i.prefill.get("value").map(String::as_str))
        .collect();
    assert_eq!(stored, [Some("Đạo Tứ Ân Hiếu Nghĩa")]);
    let kinds: Vec<&RowProblem> = p.problems.iter().flat_map(|r| &r.problems).collect();
    assert!(
        matches!(
            kinds.as_slice(),
            [RowProblem::Field { kind: ProblemKind::NotInNamedList { nearest, .. }, .. }]
                if nearest.iter().any(|n| n == "Cơ Đốc Phục Lâm")
        ),
        "{kinds:?}"
    );
}
