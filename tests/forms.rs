//! Forms that travel (issue 21): the commune adds a campaign from an
//! XLSForm-style workbook, its next bundle takes the form to a team, the
//! team fills a case of it, the commune takes the case back and counts it
//! in the report: no code for that form anywhere. A bad spec is refused
//! with its row and column, and nothing is installed.

mod common;

use common::tui::{ctrl, press, screen, tab, typ};
use common::{Commune, WATER, fails, fails_listing, stdout, tothon, water_v2};
use ratatui::crossterm::event::KeyCode;
use tothon::worklist::fixtures::{Cell, ods};

/// The sheets of a clean-water check's workbook: survey, choices, settings.
fn water_sheets(survey_rows: &[[&str; 6]]) -> Vec<(String, Vec<Vec<Cell>>)> {
    let row = |cells: &[&str]| cells.iter().map(|c| Cell::from(*c)).collect::<Vec<Cell>>();
    let mut survey = vec![row(&[
        "type",
        "name",
        "label::vi",
        "label::en",
        "required",
        "relevant",
    ])];
    survey.extend(survey_rows.iter().map(|r| row(r)));
    let choices = vec![
        row(&["list_name", "name", "label::vi", "label::en"]),
        row(&["source", "tap", "Nước máy", "Tap water"]),
        row(&["source", "well", "Giếng khoan", "Drilled well"]),
        row(&["source", "none", "Chưa có nước sạch", "No clean water"]),
        row(&["result", "done", "Đã kiểm tra", "Checked"]),
        row(&["result", "absent", "Vắng nhà", "Nobody home"]),
    ];
    let settings = vec![
        row(&[
            "form_id",
            "form_title::vi",
            "form_title::en",
            "code",
            "subject",
            "title",
            "outcome",
        ]),
        row(&[
            "water_check",
            "Kiểm tra nước sạch",
            "Clean water check",
            "NS",
            "household",
            "head_name",
            "result",
        ]),
    ];
    vec![
        ("survey".into(), survey),
        ("choices".into(), choices),
        ("settings".into(), settings),
    ]
}

/// The workbook as LibreOffice saves it (.ods).
fn water_workbook(survey_rows: &[[&str; 6]]) -> Vec<u8> {
    ods(&water_sheets(survey_rows), false)
}

/// The workbook as Excel saves it (.xlsx), written by rust_xlsxwriter.
fn water_xlsx(survey_rows: &[[&str; 6]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in water_sheets(survey_rows) {
        let sheet = book.add_worksheet();
        sheet.set_name(&name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Cell::Text(text) = cell {
                    sheet.write_string(r as u32, c as u16, text).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// `tothon case new --form water_check --set …` on the device in `dir`.
fn new_water_case(dir: &std::path::Path, sets: &[&str]) -> assert_cmd::Command {
    let mut cmd = tothon(dir);
    cmd.args(["case", "new", "--form", "water_check"]);
    for set in sets {
        cmd.args(["--set", set]);
    }
    cmd
}

const GOOD: [[&str; 6]; 5] = [
    [
        "name",
        "head_name",
        "Họ tên chủ hộ",
        "Head of household",
        "yes",
        "",
    ],
    [
        "select_one source",
        "source",
        "Nguồn nước",
        "Water source",
        "yes",
        "",
    ],
    [
        "text",
        "why_none",
        "Lý do chưa có",
        "Why none",
        "",
        "${source} = 'none'",
    ],
    ["select_one result", "result", "Kết quả", "Result", "", ""],
    ["date", "visit_date", "Ngày kiểm tra", "Date", "yes", ""],
];

#[test]
fn a_campaign_from_a_workbook_travels_to_a_team_and_back_into_the_report() {
    let c = Commune::with_teams([3]);
    let book = c.write("nuoc-sach.xlsx", &water_xlsx(&GOOD));
    let added = stdout(tothon(&c.commune()).args(["form", "add"]).arg(&book));
    assert!(
        added.contains("water_check") && added.contains("phiên bản 1"),
        "{added}"
    );

    // The team cannot work the form before the commune sends it.
    let refused = fails(&mut new_water_case(&c.team(3), &["head_name=Lò Văn Sơn"]));
    assert!(refused.contains("water_check"), "{refused}");

    // The commune's bundle carries it.
    let to_team = c.export_for_team(3, "to-team");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&to_team));
    let forms = stdout(tothon(&c.team(3)).args(["forms", "water_check"]));
    assert!(
        forms.contains("Nguồn nước") && forms.contains("why_none"),
        "{forms}"
    );

    // A case on the team's device: the relevant field is asked only when
    // it applies, and the form's checks run.
    let saved = stdout(&mut new_water_case(
        &c.team(3),
        &[
            "head_name=Lò Văn Sơn",
            "source=none",
            "why_none=Chưa có đường ống",
            "result=done",
            "visit_date=2026-11-25",
        ],
    ));
    assert!(saved.contains("NS-"), "{saved}");
    let bad_choice = fails(&mut new_water_case(
        &c.team(3),
        &[
            "head_name=Lò Thị Mai",
            "source=river",
            "visit_date=2026-11-25",
        ],
    ));
    assert!(
        bad_choice.contains("source") || bad_choice.contains("Nguồn"),
        "{bad_choice}"
    );

    // Back at the office: the case, recorded with version 1 of the form,
    // and its line in the report.
    let from_team = c.export(&c.team(3), "from-team");
    stdout(
        tothon(&c.commune())
            .args(["bundle", "import"])
            .args(&from_team),
    );
    let cases = common::cases(&c.commune());
    let case = cases
        .iter()
        .find(|r| r["record"].starts_with("NS-"))
        .expect("the water case at the office");
    assert_eq!(case["form"], "water_check", "{case:?}");
    let report = stdout(tothon(&c.commune()).args(["report"]));
    assert!(
        report.contains(
            "Kiểm tra nước sạch: Tổng số 1 trường hợp, đã thực hiện 1 trường hợp (100,0%), trong đó: Đã kiểm tra 1."
        ),
        "{report}"
    );
    let csv = stdout(tothon(&c.commune()).args(["report", "--format", "csv"]));
    assert!(csv.lines().any(|l| l.contains(",water_check,")), "{csv}");

    // A second version adds a field; the first version's case stays as it was.
    let mut more = GOOD.to_vec();
    more.push([
        "integer",
        "people",
        "Số người dùng",
        "People served",
        "",
        "",
    ]);
    let book2 = c.write("nuoc-sach-2.ods", &water_workbook(&more));
    let added = stdout(tothon(&c.commune()).args(["form", "add"]).arg(&book2));
    assert!(added.contains("phiên bản 2"), "{added}");
    let to_team = c.export_for_team(3, "to-team-2");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&to_team));
    let forms = stdout(tothon(&c.team(3)).args(["forms", "water_check"]));
    assert!(forms.contains("people"), "{forms}");
    let report = stdout(tothon(&c.team(3)).args(["report"]));
    assert!(
        report.contains("Kiểm tra nước sạch: Tổng số 1 trường hợp"),
        "{report}"
    );
}

#[test]
fn a_bad_form_is_refused_by_row_and_column_and_nothing_is_installed() {
    let c = Commune::with_teams([]);
    let bad = [
        ["name", "head_name", "Họ tên chủ hộ", "Head", "yes", ""],
        ["geopoint", "where", "Vị trí", "Where", "", ""],
        ["text", "head_name", "Lặp tên", "Twice", "", ""],
        [
            "text",
            "why_none",
            "Lý do",
            "Why",
            "",
            "${nowhere} = 'none'",
        ],
        ["select_one colours", "colour", "Màu", "Colour", "", ""],
        ["select_one result", "result", "Kết quả", "Result", "", ""],
    ];
    let book = c.write("hong.ods", &water_workbook(&bad));
    let err = fails_listing(tothon(&c.commune()).args(["form", "add"]).arg(&book));
    for expected in [
        "trang «survey», dòng 3, cột «type»: kiểu «geopoint»",
        "trang «survey», dòng 4, cột «name»: tên «head_name» đã dùng",
        "trang «survey», dòng 5, cột «relevant»: mẫu không có trường nào tên «nowhere»",
        "trang «survey», dòng 6, cột «type»: không có danh sách lựa chọn «colours»",
        "chưa cài gì",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    // Nothing installed: the form is not listed, and the next bundles carry none.
    let forms = stdout(tothon(&c.commune()).args(["forms"]));
    assert!(!forms.contains("water_check"), "{forms}");

    // A JSON spec: the problem named by line and column.
    let json = c.write("hong.json", b"{\"id\": \"water_check\",\n \"code\": }");
    let err = fails_listing(
        tothon(&c.commune())
            .args(["--lang", "en", "form", "add"])
            .arg(&json),
    );
    assert!(err.contains("line 2, column"), "{err}");
    // Survey and choices alone: the form is named after its file.
    let sheets: Vec<_> = water_sheets(&GOOD).into_iter().take(2).collect();
    let book = c.write("Nước sạch.ods", &ods(&sheets, false));
    let added = stdout(tothon(&c.commune()).args(["form", "add"]).arg(&book));
    assert!(
        added.contains("nuoc_sach") && added.contains("mã phiếu NS"),
        "{added}"
    );
    // A team device cannot add forms.
    let c = Commune::with_teams([2]);
    let book = c.write("nuoc-sach.ods", &water_workbook(&GOOD));
    let err = fails(tothon(&c.team(2)).args(["form", "add"]).arg(&book));
    assert!(!err.is_empty());
}

/// The form as the team's screens show it, with no screen code for it: the
/// new-case list offers it, its fields are asked (the relevant one only
/// when it applies), and the case saved shows in the work list. Its work
/// list imports at the office as any form's does.
#[test]
fn the_screens_and_the_work_list_take_a_form_the_commune_added() {
    let c = Commune::with_teams([3]);
    let book = c.write("nuoc-sach.ods", &water_workbook(&GOOD));
    stdout(tothon(&c.commune()).args(["form", "add"]).arg(&book));
    // A work list of households for the new form, at the office.
    let list = c.write(
        "ho-can-kiem-tra.csv",
        "Họ tên chủ hộ,Thôn\nLò Văn Sơn,Thôn 3\nQuàng Thị Hoa,Thôn 3\n".as_bytes(),
    );
    let imported = stdout(
        tothon(&c.commune())
            .args(["worklist", "import", "--form", "water_check", "--yes"])
            .arg(&list),
    );
    assert!(imported.contains('2'), "{imported}");
    let to_team = c.export_for_team(3, "to-team");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&to_team));
    let listed = stdout(tothon(&c.team(3)).args(["worklist", "list"]));
    assert!(listed.contains("Quàng Thị Hoa"), "{listed}");

    let mut app = common::tui::open(&c.team(3));
    // Who is working: nobody yet on this device.
    typ(&mut app, "Lò Văn Tú");
    press(&mut app, KeyCode::Enter);
    let shown = screen(&mut app, (80, 24));
    assert!(shown.contains("Quàng Thị Hoa"), "{shown}");
    // A new case of the form: F8, the form in the list, Enter.
    press(&mut app, KeyCode::F(8));
    let at = tothon::domain::form::openable()
        .iter()
        .position(|f| f.id == "water_check")
        .expect("the form is offered");
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let shown = screen(&mut app, (80, 24));
    if shown.contains("Ctrl+N") {
        // Nobody sought on the register: a blank form.
        ctrl(&mut app, 'n');
    }
    let shown = screen(&mut app, (80, 24));
    assert!(
        shown.contains("Kiểm tra nước sạch") && shown.contains("Họ tên chủ hộ"),
        "{shown}"
    );
    // Why there is none is asked only once "none" is the source.
    assert!(!shown.contains("Lý do chưa có"), "{shown}");
    typ(&mut app, "Lò Thị Mai");
    tab(&mut app, 1);
    typ(&mut app, "3");
    let shown = screen(&mut app, (80, 24));
    assert!(shown.contains("Lý do chưa có"), "{shown}");
    insta::assert_snapshot!("water_check_form_80x24", shown);
    typ(&mut app, "Chưa có đường ống");
    tab(&mut app, 1);
    typ(&mut app, "1");
    typ(&mut app, "25/11/2026");
    ctrl(&mut app, 's');
    let shown = screen(&mut app, (80, 24));
    drop(app);
    let store = common::open(&c.team(3));
    let saved: Vec<String> = store
        .list_rows()
        .unwrap()
        .into_iter()
        .filter(|r| r.title.contains("Lò Thị Mai"))
        .map(|r| format!("{} {} {:?}", r.record, r.form, r.stage))
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}\n{shown}");
    assert!(
        saved[0].starts_with("NS-") && saved[0].contains("water_check"),
        "{saved:?}"
    );
}

/// A spec saved by Notepad (a byte-order mark first) with its version
/// given: taken, and its cases saved at the office and on the team.
#[test]
fn a_spec_with_a_byte_order_mark_is_taken_and_worked() {
    let c = Commune::with_teams([3]);
    let spec = c.write("water.json", format!("\u{feff}{WATER}").as_bytes());
    stdout(tothon(&c.commune()).args(["form", "add"]).arg(&spec));
    let at_office = ["head_name=Lò Văn Sơn", "result=clean"];
    stdout(new_water_case(&c.commune(), &at_office).args(["--team", "3"]));
    let to_team = c.export_for_team(3, "to-team");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&to_team));
    stdout(&mut new_water_case(
        &c.team(3),
        &["head_name=Lò Thị Mai", "result=none"],
    ));
}

/// A report line of one form counting another, whose next version renames
/// the field it counts: the teams still take the commune's bundles.
#[test]
fn a_line_counting_a_renamed_field_does_not_stop_the_teams_imports() {
    let c = Commune::with_teams([3]);
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a1.json", WATER.as_bytes())),
    );
    let well = WATER
        .replace("water_check", "well_check")
        .replace(r#""code": "NS""#, r#""code": "GK""#)
        .replace(
            r#""blocked_when": []"#,
            r#""blocked_when": [], "report": [{"key": "wells",
            "short": {"vi": "Giếng", "en": "Wells"},
            "counts": {"n": {"form": "water_check", "by": "result"}}, "value": "n",
            "vi": "Giếng {n}", "en": "Wells {n}"}]"#,
        );
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("b.json", well.as_bytes())),
    );
    let a2 = water_v2(|s| s.replace("\"result\"", "\"finding\""));
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a2.json", a2.as_bytes())),
    );
    stdout(tothon(&c.commune()).args(["report"]));
    let to_team = c.export_for_team(3, "to-team");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&to_team));
    stdout(tothon(&c.team(3)).args(["report"]));
}

/// A work list prefilled a field that the next version renames: the
/// commune's bundles are still written, and the teams take them.
#[test]
fn a_field_renamed_after_a_work_list_was_given_still_travels() {
    let c = Commune::with_teams([3]);
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a1.json", WATER.as_bytes())),
    );
    let list = c.write("list.csv", "Chủ hộ,Thôn\nLò Văn Sơn,Thôn 3\n".as_bytes());
    stdout(
        tothon(&c.commune())
            .args(["worklist", "import", "--form", "water_check", "--yes"])
            .arg(&list),
    );
    let a2 = water_v2(|s| s.replace("head_name", "owner"));
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a2.json", a2.as_bytes())),
    );
    let to_team = c.export_for_team(3, "to-team");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&to_team));
    // The item, its value kept under the field's first name.
    let listed = stdout(tothon(&c.team(3)).args(["worklist", "list"]));
    assert!(listed.contains("NS-00001"), "{listed}");
}
