//! The commune's screens on the demo commune, driven with keys against
//! TestBackend: progress tables, the cases behind a cell, charts, the
//! report, suspected duplicates and CSV exports.

mod common;

use std::path::Path;

use common::demo_built;
use common::tui::{SIZES, ctrl, open, press, screen, typ};
use ratatui::crossterm::event::KeyCode;
use tothon::domain::progress;

/// The demo commune the screens are checked on.
fn demo(dir: &Path) {
    demo_built(dir, 700, 3);
}

/// The progress table's columns, by their headers on the screen.
const HEADERS: [&str; 8] = [
    "Giao",
    "Xong",
    "Đang",
    "Chưa",
    "Vướng",
    "Cần sửa",
    "X.đột",
    "%",
];

/// The cells of the table row that starts with `label`, read under each of
/// `headers`: a cell starts where its header starts on the screen (headers
/// hold spaces, so a row cannot be split into cells by spaces alone).
fn cells_under(screen: &str, label: &str, headers: &[&str]) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let at = |line: &[char], text: &str| {
        let text: Vec<char> = text.chars().collect();
        line.windows(text.len()).position(|w| w == text)
    };
    let header = lines
        .iter()
        .find(|l| headers.iter().all(|h| at(l, h).is_some()))
        .unwrap_or_else(|| panic!("no header {headers:?} in\n{screen}"));
    let row = lines
        .iter()
        .find(|l| at(l, &format!("│{label} ")) == Some(0))
        .unwrap_or_else(|| panic!("no row {label} in\n{screen}"));
    headers
        .iter()
        .map(|h| {
            let x = at(header, h).unwrap();
            row[x..]
                .iter()
                .take_while(|c| !c.is_whitespace() && **c != '│')
                .collect()
        })
        .collect()
}

/// A progress cell as the table shows it, column for column.
fn shown(p: &progress::Progress) -> Vec<String> {
    [
        p.assigned,
        p.done,
        p.in_progress,
        p.not_started,
        p.blocked,
        p.needs_correction,
        p.conflicts,
    ]
    .iter()
    .map(|n| n.to_string())
    .chain([format!("{}%", p.percent_done())])
    .collect()
}

#[test]
fn the_progress_table_is_home_and_agrees_with_the_tally() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let store = common::open(dir.path());
    let cells = progress::tally(&store.work_items().unwrap(), &store.cases().unwrap());
    let villages = store.commune().unwrap().villages;
    drop(store);
    let team = |t: u8| progress::total(cells.iter().filter(|((x, _), _)| *x == t).map(|(_, p)| p));
    let team1 = team(1);
    let total = progress::total(cells.values());
    // Corrections and conflicts must differ in some row, or reading one
    // column for the other would go unseen.
    let teams: Vec<_> = villages.iter().map(|v| (v, team(v.team))).collect();
    assert!(
        teams.iter().any(|(_, p)| p.conflicts != p.needs_correction),
        "the demo has no row where conflicts and corrections differ"
    );
    let mut app = open(dir.path());
    for size in SIZES {
        let s = screen(&mut app, size);
        assert!(s.contains("Tiến độ"), "{s}");
        for (village, p) in &teams {
            let label = format!("{} {}", village.team, village.name);
            assert_eq!(cells_under(&s, &label, &HEADERS), shown(p), "{label}\n{s}");
        }
        assert_eq!(cells_under(&s, "Tổng", &HEADERS), shown(&total), "{s}");
        assert!(s.contains("Tài khoản định danh"), "{s}");
    }
    // Enter on team 1 × blocked opens exactly those cases.
    for _ in 0..4 {
        press(&mut app, KeyCode::Right);
    }
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(
        s.contains(&format!("{}/", team1.blocked)),
        "list shows {} cases: {s}",
        team1.blocked
    );
    assert!(s.contains("Vướng mắc"), "{s}");
    assert!(!s.contains("Đang làm  "), "{s}");
}

#[test]
fn drafts_with_errors_change_nothing_the_progress_screen_counts() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    // Below the title line (which counts the saves not yet sent: the
    // drafts are saves).
    let body = |s: String| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    let shown = |dir: &Path| {
        let mut app = open(dir);
        let table = body(screen(&mut app, SIZES[1]));
        press(&mut app, KeyCode::F(4));
        (table, body(screen(&mut app, SIZES[1])))
    };
    let (table, charts) = shown(dir.path());
    let (done, item) = common::drafts_with_errors(dir.path());
    let (table_after, charts_after) = shown(dir.path());
    // The e-ID accounts and blockers below the table too.
    assert_eq!(table_after, table);
    assert_eq!(charts_after, charts);
    // The work list shows both as drafts, among the cases they were
    // counted with.
    let mut app = open(dir.path());
    press(&mut app, KeyCode::Esc);
    for (record, filter) in [(&done["record"], "Xong"), (&item, "Chưa làm")] {
        typ(&mut app, record);
        let mut s = screen(&mut app, SIZES[1]);
        for _ in 0..8 {
            if s.contains(&format!("Trạng thái: {filter} ")) {
                break;
            }
            press(&mut app, KeyCode::F(4));
            s = screen(&mut app, SIZES[1]);
        }
        let line = s.lines().find(|l| l.starts_with(&format!(" {record} ")));
        assert!(line.is_some_and(|l| l.contains("Nháp")), "{s}");
        for _ in 0..record.chars().count() {
            press(&mut app, KeyCode::Backspace);
        }
    }
}

#[test]
fn charts_render_at_both_sizes() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut app = open(dir.path());
    press(&mut app, KeyCode::F(4));
    for size in SIZES {
        let s = screen(&mut app, size);
        assert!(s.contains("Số trường hợp xong theo thời gian"), "{s}");
        assert!(s.contains("Tỉ lệ xong theo tổ"), "{s}");
        assert!(s.contains('%'), "{s}");
    }
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Thôn Đông"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert!(screen(&mut app, SIZES[0]).contains("Tiến độ"));
}

#[test]
fn the_report_view_recomputes_as_of_a_date_and_saves_excel_safe_files() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut app = open(dir.path());
    press(&mut app, KeyCode::F(5));
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06"), "{s}");
    assert!(
        s.contains("Tổng số tài khoản mức độ 2 đăng ký, kích hoạt thành công"),
        "{s}"
    );
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    for c in "01/10/2026".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("tính đến ngày 01/10/2026"), "{s}");
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã ghi tệp"), "{s}");
    let csv = std::fs::read(dir.path().join("exports/bao-cao-2026-10-01.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = std::fs::read_to_string(dir.path().join("exports/bao-cao-2026-10-01.txt")).unwrap();
    assert!(text.contains("Cập nhật thiếu trường thông tin"), "{text}");
}

#[test]
fn a_suspected_pair_opens_its_households_own_check_in_one_key() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut app = open(dir.path());
    press(&mut app, KeyCode::F(6));
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Công dân nghi trùng"), "{s}");
    assert!(s.contains("Trùng số định danh ở hai hộ"), "{s}");
    // "① name · ID · birth · HOUSEHOLD village": the first person's household.
    let first = s.lines().find(|l| l.contains('①')).unwrap();
    let household = first
        .split(" · ")
        .nth(3)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    // Every demo household is on the work list: its check opens, not a
    // second one that would count the household twice.
    assert!(s.contains("Kiểm tra hộ gia đình"), "{s}");
    assert!(!s.contains("· Mới"), "{s}");
    assert!(s.contains(household), "{household}: {s}");
}

#[test]
fn the_progress_table_exports_for_excel() {
    use calamine::{Data, Reader};
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut app = open(dir.path());
    ctrl(&mut app, 'e');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã ghi tệp"), "{s}");
    let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(dir.path().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    // The CSV: a byte-order mark, the header, six teams and the total.
    let bytes = std::fs::read(&names[0]).unwrap();
    assert!(names[0].extension().unwrap() == "csv", "{names:?}");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("Thôn Đông"), "{text}");
    assert!(text.contains("Tổng"), "{text}");
    assert_eq!(text.lines().count(), 8, "header, six teams, total: {text}");
    // The workbook: its title, the same rows, the counts as numbers.
    assert!(names[1].extension().unwrap() == "xlsx", "{names:?}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&names[1]).unwrap();
    let range = book.worksheet_range("Tiến độ").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let title = rows[0][0].to_string();
    assert!(
        title.starts_with("Tiến độ theo tổ — Xã Tân Phong, tính đến ngày"),
        "{title}"
    );
    assert_eq!(rows.len(), 9, "title, header, six teams, total");
    assert!(
        rows.iter().any(|r| r[0].to_string().contains("Thôn Đông")),
        "{rows:?}"
    );
    assert!(matches!(rows[8][1], Data::Float(_)), "{:?}", rows[8]);
}

#[test]
fn a_work_list_is_previewed_then_imported_from_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut app = open(dir.path());
    let before = screen(&mut app, SIZES[1]);
    let total = cells_under(&before, "Tổng", &["Giao"])[0]
        .parse::<usize>()
        .unwrap();
    press(&mut app, KeyCode::F(8));
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Nhập danh sách việc"), "{s}");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/worklist_messy.csv");
    app.paste(fixture);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("9 dòng có lỗi"), "{s}");
    assert!(
        s.contains("Dòng 3: Số định danh «34190002345» có lẽ đã mất số 0"),
        "problem rows named: {s}"
    );
    // Nothing is written by the preview.
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, SIZES[1]);
    assert_eq!(
        cells_under(&s, "Tổng", &["Giao"])[0],
        total.to_string(),
        "{s}"
    );
    press(&mut app, KeyCode::F(8));
    app.paste(fixture);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Đã nhập"), "{s}");
    let imported: usize = s
        .split("Đã nhập ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(imported > 0);
    press(&mut app, KeyCode::F(7));
    let s = screen(&mut app, SIZES[1]);
    assert_eq!(
        cells_under(&s, "Tổng", &["Giao"])[0],
        (total + imported).to_string(),
        "{s}"
    );
}

#[test]
fn a_workbook_is_previewed_with_fill_down_and_another_sheet_then_imported() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut app = open(dir.path());
    let assigned = |app: &mut tothon::tui::App| {
        let s = screen(app, SIZES[1]);
        cells_under(&s, "Tổng", &["Giao"])[0]
            .parse::<usize>()
            .unwrap()
    };
    let before = assigned(&mut app);
    press(&mut app, KeyCode::F(8));
    app.paste(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/worklist_merged.xlsx"
    ));
    press(&mut app, KeyCode::Enter);
    // The notes sheet comes first; the list's sheet is read.
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Trang «Danh sách» (2/2)"), "{s}");
    assert!(s.contains("[ ] Điền ô trống"), "{s}");
    assert!(s.contains("6 việc mới"), "without fill-down: {s}");
    ctrl(&mut app, 'd');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("[x] Điền ô trống"), "{s}");
    assert!(s.contains("34 việc mới"), "with fill-down: {s}");

    // The other sheet holds no list: said so, and nothing left to import;
    // the hint shows again, wherever the preview had been scrolled to.
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Tab);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Trang «Hướng dẫn» (1/2)"), "{s}");
    assert!(s.contains("Không nhận ra cột nào"), "{s}");
    assert!(s.contains("rồi nhấn Enter để xem trước"), "{s}");
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[1]);
    assert!(
        s.contains("Nhập danh sách việc") && !s.contains("Đã nhập"),
        "the list's preview is gone: {s}"
    );

    // Back to the list, fill-down still on, and imported.
    press(&mut app, KeyCode::Tab);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("34 việc mới"), "{s}");
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Đã nhập 34 việc"), "{s}");
    press(&mut app, KeyCode::F(7));
    assert_eq!(assigned(&mut app), before + 34);
}

#[test]
fn a_case_returned_for_correction_comes_first_until_the_team_saves_again() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut app = open(dir.path());
    press(&mut app, KeyCode::Esc);
    // A case the team finished: the status filter past "due", "not
    // started" and "in progress" to "done".
    for _ in 0..4 {
        press(&mut app, KeyCode::F(4));
    }
    // Conflicts come first and open side by side: take the first plain case.
    press(&mut app, KeyCode::Enter);
    while screen(&mut app, SIZES[1]).contains("Xung đột ·") {
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
    }
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("· Xong"), "{s}");
    let record = s
        .lines()
        .find(|l| l.contains("· Xong"))
        .and_then(|l| l.split(" · ").nth(1))
        .unwrap()
        .to_string();
    press(&mut app, KeyCode::F(4));
    for c in "Kiểm tra lại số điện thoại".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains(&format!("Đã lưu {record} (Cần sửa)")), "{s}");
    // Everything filtered to "done" hides it; all stages (after blocked,
    // needs correction, voided and conflicts): it comes first.
    for _ in 0..5 {
        press(&mut app, KeyCode::F(4));
    }
    let s = screen(&mut app, SIZES[1]);
    let first = s.lines().nth(4).unwrap();
    assert!(
        first.contains(&record) && first.contains("↩ Kiểm tra lại số điện thoại"),
        "{s}"
    );
    press(&mut app, KeyCode::F(7));
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Cần sửa"), "{s}");
    let returned = tothon::store::Store::open(dir.path()).ok();
    assert!(returned.is_none(), "the app holds the store");
    drop(app);

    // The version reaches the team (as a bundle would bring it).
    let commune = common::open(dir.path());
    let versions = commune.versions_of(&record).unwrap();
    let team = commune.case(&record).unwrap().unwrap().team;
    drop(commune);
    let team_dir = tothon::demo::team_dir(dir.path(), team);
    common::open(&team_dir).add_versions(&versions).unwrap();
    let mut app = open(&team_dir);
    let s = screen(&mut app, SIZES[1]);
    let first = s.lines().nth(4).unwrap();
    assert!(first.contains(&record) && first.contains("Cần sửa"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(
        s.contains("Kiểm tra lại số điện thoại"),
        "the team sees the comment: {s}"
    );
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains(&format!("Đã lưu {record} (Xong)")), "{s}");
    drop(app);
    let team_store = common::open(&team_dir);
    let entry = team_store.case(&record).unwrap().unwrap();
    assert_eq!(entry.correction, None);
    let head = team_store
        .version(&record, &entry.heads[0])
        .unwrap()
        .unwrap();
    assert!(!head.values.contains_key("correction"));
}

#[test]
fn counts_of_five_and_six_figures_show_whole_in_the_progress_table() {
    use tothon::domain::commune::{Commune, Device, Role};
    use tothon::domain::work::WorkItem;
    let dir = tempfile::tempdir().unwrap();
    let store = common::create(
        dir.path(),
        &Commune::with_numbered_villages("Xã Lớn", 6),
        &Device {
            id: "XA0001".into(),
            role: Role::Commune,
        },
    )
    .unwrap();
    let items: Vec<WorkItem> = (0..112_345)
        .map(|i| WorkItem {
            id: format!("AC-{i:06}"),
            form: "activation".into(),
            team: if i < 12_345 { 1 } else { 2 },
            due: None,
            prefill: Default::default(),
        })
        .collect();
    store.put_work_items(&items).unwrap();
    store.set_setting("members", &["Cán bộ xã"]).unwrap();
    drop(store);
    let mut app = open(dir.path());
    for size in SIZES {
        let screen = screen(&mut app, size);
        for count in [" 12345 ", " 100000 ", " 112345 "] {
            assert!(screen.contains(count), "{size:?}: {count}\n{screen}");
        }
    }
}

/// A commune of many villages: the progress table scrolls with the
/// selection at 80×24, down to the last village.
#[test]
fn the_progress_table_of_many_villages_scrolls() {
    use tothon::domain::commune::{Commune, Device, Role};
    let dir = tempfile::tempdir().unwrap();
    let store = common::create(
        dir.path(),
        &Commune::with_numbered_villages("Xã Nhiều Thôn", 24),
        &Device {
            id: "C0FFEE".into(),
            role: Role::Commune,
        },
    )
    .unwrap();
    store.set_setting("members", &["Tâm"]).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let mut app = tothon::tui::App::open_on(store, tothon::i18n::Lang::Vi, today).unwrap();
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("1 Thôn 1") && !s.contains("24 Thôn 24"), "{s}");
    for _ in 0..23 {
        press(&mut app, KeyCode::Down);
    }
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("24 Thôn 24") && !s.contains("│1 Thôn 1 "), "{s}");
}
