//! The screens driven with key sequences against ratatui's TestBackend, and
//! what they show asserted, at 80×24 and 120×40.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::tui::{
    SIZES, ctrl, fill_activation, level2_awaiting_approval, open, press, screen, tab, typ,
};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tothon::domain::commune::{Commune, Device, Role};
use tothon::domain::rules::Sex;
use tothon::domain::work::{Person, WorkItem};
use tothon::i18n::Lang;
use tothon::store::Store;
use tothon::tui::App;

fn item(id: &str, name: &str, pid: &str, birth: &str, sex: &str) -> WorkItem {
    WorkItem {
        id: id.into(),
        form: "activation".into(),
        team: 3,
        due: Some("2026-12-20".into()),
        prefill: BTreeMap::from([
            ("person_id".to_string(), pid.to_string()),
            ("full_name".to_string(), name.to_string()),
            ("birth_date".to_string(), birth.to_string()),
            ("sex".to_string(), sex.to_string()),
            ("target_level".to_string(), "level2".to_string()),
        ]),
    }
}

fn team_store(dir: &Path) -> Store {
    let store = common::create(
        dir,
        &Commune::with_numbered_villages("Xã Tân Phong", 6),
        &Device {
            id: "T3TEST".into(),
            role: Role::Team(3),
        },
    )
    .unwrap();
    store.set_setting("members", &["Nguyễn Thị Lan"]).unwrap();
    let items = [
        item(
            "AC-00001",
            "Nguyễn Văn An",
            "034090123456",
            "1990-05-01",
            "male",
        ),
        item(
            "AC-00002",
            "Trần Thị Bình",
            "034190123457",
            "1990-06-02",
            "female",
        ),
        item(
            "AC-00003",
            "NGUYỄN VĂN ÁNH",
            "034085123458",
            "1985-07-03",
            "male",
        ),
        item("AC-00004", "Lê Văn Cường", "034070123459", "1970", "male"),
    ];
    store.put_work_items(items.iter()).unwrap();
    store
}

/// An app over a fresh team store, past the "who is working" screen.
fn app(dir: &Path) -> App {
    let mut app = App::open(team_store(dir), Lang::Vi).unwrap();
    press(&mut app, KeyCode::Enter);
    app
}

/// Opens the list row whose code is `record` by searching for it, and
/// goes up to the form's first field (it opens on the first required
/// field left empty: see `heads_down_*`).
fn open_case(app: &mut App, record: &str) {
    press(app, KeyCode::Esc);
    typ(app, record);
    press(app, KeyCode::Enter);
    for _ in 0..20 {
        press(app, KeyCode::Up);
    }
}

#[test]
fn the_member_is_chosen_first_and_new_members_can_be_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(team_store(dir.path()), Lang::Vi).unwrap();
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Ai đang làm việc?"), "{s}");
    assert!(s.contains("Nguyễn Thị Lan"), "{s}");
    press(&mut app, KeyCode::Down);
    typ(&mut app, "Trần Văn Hùng");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Người nhập: Trần Văn Hùng"), "{s}");
    drop(app);
    let mut app = App::open(common::open(dir.path()), Lang::Vi).unwrap();
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Trần Văn Hùng"), "remembered: {s}");
    // Someone who left the team: Delete takes the name off the list.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Delete);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã bỏ Nguyễn Thị Lan khỏi danh sách"), "{s}");
    drop(app);
    let mut app = App::open(common::open(dir.path()), Lang::Vi).unwrap();
    let s = screen(&mut app, SIZES[0]);
    assert!(
        !s.contains("Nguyễn Thị Lan") && s.contains("Trần Văn Hùng"),
        "{s}"
    );
}

#[test]
fn search_as_you_type_narrows_the_list_ignoring_accents() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        let s = screen(&mut app, size);
        assert!(s.contains("4/4"), "{s}");
        assert!(s.contains("Trần Thị Bình"), "{s}");
        typ(&mut app, "nguyen van a");
        let s = screen(&mut app, size);
        assert!(s.contains("2/4"), "{s}");
        assert!(s.contains("Nguyễn Văn An"), "{s}");
        assert!(s.contains("NGUYỄN VĂN ÁNH"), "{s}");
        assert!(!s.contains("Trần Thị Bình"), "{s}");
        typ(&mut app, "nh");
        let s = screen(&mut app, size);
        assert!(s.contains("1/4"), "{s}");
        press(&mut app, KeyCode::Esc);
        assert!(screen(&mut app, size).contains("4/4"));
    }
}

#[test]
fn a_wrong_id_is_rejected_with_its_message_when_leaving_the_field() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        open_case(&mut app, "AC-00001");
        let s = screen(&mut app, size);
        assert!(s.contains("Theo dõi kích hoạt định danh điện tử"), "{s}");
        press(&mut app, KeyCode::Backspace);
        let s = screen(&mut app, size);
        assert!(s.contains("Số định danh*      03409012345 "), "{s}");
        assert!(
            !s.contains("12 chữ số"),
            "not before leaving the field: {s}"
        );
        press(&mut app, KeyCode::Tab);
        let s = screen(&mut app, size);
        assert!(
            s.contains("Số định danh phải có đúng 12 chữ số (đang có 11)"),
            "{s}"
        );
        // Ctrl+S with the error asks to save as a draft, listing the problem.
        ctrl(&mut app, 's');
        let s = screen(&mut app, size);
        assert!(s.contains("Phiếu còn lỗi"), "{s}");
        press(&mut app, KeyCode::Esc);
        let s = screen(&mut app, size);
        assert!(!s.contains("Phiếu còn lỗi"), "{s}");
        assert!(
            s.contains("Số định danh phải có đúng 12 chữ số (đang có 11)"),
            "back in the form, the problem still shown: {s}"
        );
    }
}

#[test]
fn a_save_appears_in_the_list_and_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    open_case(&mut app, "AC-00002");
    tab(&mut app, 4);
    typ(&mut app, "0912 345 678");
    tab(&mut app, 2);
    // Status: the pick list filters as the user types.
    typ(&mut app, "muc 2");
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã kích hoạt mức 2"), "{s}");
    press(&mut app, KeyCode::Enter);
    // Activated: the blocker does not apply, so it is skipped; the visit
    // date is today's already.
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã lưu AC-00002 (Xong)"), "{s}");
    assert!(s.contains("Xong"), "{s}");

    // A second save, then the history shows what changed.
    press(&mut app, KeyCode::Enter);
    tab(&mut app, 11);
    typ(&mut app, "Gọi lại sau");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::F(6));
    for size in SIZES {
        let s = screen(&mut app, size);
        assert!(s.contains("Lịch sử · AC-00002"), "{s}");
        assert_eq!(s.matches("Nguyễn Thị Lan Xong").count(), 2, "{s}");
        assert!(s.contains("Ghi chú: ∅ → Gọi lại sau"), "{s}");
    }
    press(&mut app, KeyCode::Up);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Số điện thoại: ∅ → 0912345678"), "{s}");
    assert!(s.contains("Tình trạng: ∅ → Đã kích hoạt mức 2"), "{s}");
}

#[test]
fn enter_on_an_empty_choice_keeps_it_empty_a_blocker_goes_once_activated_and_an_unchanged_save_writes_nothing()
 {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    open_case(&mut app, "AC-00002");
    // Status "awaiting approval": the blocker applies, and is optional.
    tab(&mut app, 6);
    typ(&mut app, "cho duyet");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Vướng mắc"), "{s}");
    // Two Enters on it: the list opens on "leave empty", and empty it stays.
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("(để trống)"), "{s}");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã lưu AC-00002"), "{s}");

    // Saved again with nothing changed: no version, and it says so.
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Không có gì thay đổi ở AC-00002"), "{s}");

    // Activated level 2: the blocker is no longer asked for, nor shown.
    for _ in 0..20 {
        press(&mut app, KeyCode::Up);
    }
    tab(&mut app, 6);
    typ(&mut app, "muc 2");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(!s.contains("Vướng mắc"), "{s}");
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã lưu AC-00002 (Xong)"), "{s}");
    drop(app);
    let versions = common::open(dir.path()).versions_of("AC-00002").unwrap();
    assert_eq!(versions.len(), 2, "the unchanged save wrote nothing");
    assert!(versions.iter().all(|v| !v.values.contains_key("blocker")));
}

/// Keys pressed after the search, counted.
struct Counted<'a> {
    app: &'a mut App,
    keys: usize,
}

impl Counted<'_> {
    fn press(&mut self, code: KeyCode) {
        press(self.app, code);
        self.keys += 1;
    }
    fn typ(&mut self, text: &str) {
        typ(self.app, text);
        self.keys += text.chars().count();
    }
    fn save(&mut self) {
        ctrl(self.app, 's');
        self.keys += 1;
    }
}

#[test]
fn heads_down_an_activation_follow_up_in_three_keys_after_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    typ(&mut app, "tran thi binh");
    let mut k = Counted {
        app: &mut app,
        keys: 0,
    };
    // Enter opens it on the status, the first required field left empty;
    // its five choices show numbered, and 4 picks "activated, level 2".
    k.press(KeyCode::Enter);
    let s = screen(k.app, SIZES[0]);
    assert!(
        s.contains("1 Chưa đăng ký") && s.contains("4 Đã kích hoạt mức 2"),
        "{s}"
    );
    k.typ("4");
    k.save();
    let keys = k.keys;
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã lưu AC-00002 (Xong)"), "{s}");
    assert!(keys <= 10, "{keys} keys");
    drop(app);
    let saved = &common::open(dir.path()).versions_of("AC-00002").unwrap()[0];
    // The visit is today's, by whoever is working: filled in by the form.
    let today = tothon::clock::today().to_string();
    assert_eq!(saved.values["visit_date"], today);
    assert_eq!(saved.values["checker"], "Nguyễn Thị Lan");
    assert_eq!(saved.values["status"], "activated_level2");
}

#[test]
fn heads_down_a_missing_field_correction_in_nine_keys_after_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let store = team_store(dir.path());
    store
        .put_work_items([&WorkItem {
            id: "MF-00001".into(),
            form: "missing_field".into(),
            team: 3,
            due: None,
            prefill: BTreeMap::from([
                ("person_id".to_string(), "034090123999".to_string()),
                ("full_name".to_string(), "Đỗ Văn Tú".to_string()),
                ("birth_date".to_string(), "1990-01-02".to_string()),
                ("sex".to_string(), "male".to_string()),
                ("missing".to_string(), "ethnicity".to_string()),
            ]),
        }])
        .unwrap();
    let mut app = App::open(store, Lang::Vi).unwrap();
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "do van tu");
    let mut k = Counted {
        app: &mut app,
        keys: 0,
    };
    // It opens on the value to add (the first empty field); typing filters
    // the 54 ethnic groups, Enter takes Kinh; a digit picks the evidence
    // (2: old ID card) and the outcome (1: corrected).
    k.press(KeyCode::Enter);
    k.typ("kinh");
    k.press(KeyCode::Enter);
    k.typ("2");
    k.typ("1");
    k.save();
    let keys = k.keys;
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã lưu MF-00001 (Xong)"), "{s}");
    assert!(keys <= 12, "{keys} keys");
    drop(app);
    let saved = &common::open(dir.path()).versions_of("MF-00001").unwrap()[0];
    assert_eq!(
        (
            saved.values["value"].as_str(),
            saved.values["evidence"].as_str(),
            saved.values["outcome"].as_str()
        ),
        ("Kinh", "old_id_card", "corrected")
    );
}

#[test]
fn a_warning_is_shown_then_confirmed_at_save() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    open_case(&mut app, "AC-00001");
    // Year digits 91 against a birth in 1990: a warning, not an error.
    for _ in 0..8 {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "91123456");
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("⚠"), "{s}");
    tab(&mut app, 5);
    typ(&mut app, "pending");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Cần xác nhận cảnh báo"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Đã lưu AC-00001 (Đang làm)"), "{s}");
    // Opened again, the confirmed warning shows as confirmed.
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("✓"), "{s}");
}

#[test]
fn esc_asks_before_losing_changes() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app(dir.path());
        open_case(&mut app, "AC-00001");
        press(&mut app, KeyCode::Esc);
        // Nothing changed: Esc just leaves.
        assert!(screen(&mut app, size).contains("Tìm:"));
        open_case(&mut app, "AC-00001");
        tab(&mut app, 12);
        typ(&mut app, "x");
        press(&mut app, KeyCode::Esc);
        let s = screen(&mut app, size);
        assert!(s.contains("Chưa lưu thay đổi"), "{s}");
        press(&mut app, KeyCode::Esc);
        let s = screen(&mut app, size);
        assert!(!s.contains("Chưa lưu thay đổi"), "stays in the form: {s}");
        assert!(s.contains("Ghi chú"), "{s}");
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Delete);
        let s = screen(&mut app, size);
        assert!(s.contains("Tìm:"), "left without keeping: {s}");
        open_case(&mut app, "AC-00001");
        let s = screen(&mut app, size);
        assert!(s.contains("· AC-00001 · Chưa làm"), "the case opens: {s}");
        assert!(!s.contains("bản nháp"), "with no draft kept: {s}");
    }
}

#[test]
fn the_words_a_dialog_asks_for_are_edited_like_a_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    // Saved once (as a draft: it has errors), so that it can be voided.
    open_case(&mut app, "AC-00001");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Enter);
    open_case(&mut app, "AC-00001");
    ctrl(&mut app, 'd');
    typ(&mut app, "Lập nhầmx");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Home);
    typ(&mut app, "Do ");
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Delete);
    for size in SIZES {
        let s = screen(&mut app, size);
        assert!(s.contains("Lý do huỷ: Do Lập nh"), "{s}");
        assert!(
            s.contains("Enter Đồng ý · Esc Huỷ"),
            "no Delete to discard: {s}"
        );
    }
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã lưu AC-00001 (Đã huỷ)"), "{s}");
}

#[test]
fn a_draft_is_offered_back_after_the_process_dies_mid_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    open_case(&mut app, "AC-00003");
    tab(&mut app, 4);
    typ(&mut app, "0987654321");
    tab(&mut app, 1);
    typ(&mut app, "half-typed");
    // The process is killed: no save, no goodbye.
    drop(app);

    let mut app = open(dir.path());
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("✎AC-00003"), "the list marks the draft: {s}");
    open_case(&mut app, "AC-00003");
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Có bản nháp chưa lưu"), "{s}");
    assert!(
        !s.contains("1970"),
        "the draft carries when it was kept: {s}"
    );
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("0987654321"), "{s}");
    assert!(
        !s.contains("half-typed"),
        "only the field being typed is lost: {s}"
    );
}

#[test]
fn telex_typing_in_name_fields_and_input_method_text_end_up_nfc() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::F(8));
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Chọn mẫu phiếu"), "{s}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(2));
    assert!(screen(&mut app, SIZES[0]).contains("Gõ: Telex"));
    // Twelve digits: the ID is whole and the cursor moves on by itself.
    typ(&mut app, "034090999999");
    typ(&mut app, "Nguyeenx Vawn Aa");
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Nguyễn Văn Â"), "{s}");
    // Telex never touches codes and numbers: the ID above stayed digits.
    assert!(s.contains("034090999999"), "{s}");
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(2));
    // An input method sending decomposed text, and a backspace to redo a letter.
    tab(&mut app, 11);
    typ(&mut app, "Hoa\u{0300} ");
    typ(&mut app, "Thuy");
    press(&mut app, KeyCode::Backspace);
    typ(&mut app, "y\u{0309}");
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Hoà Thuỷ"), "{s}");
}

#[test]
fn a_new_case_found_in_the_field_is_saved_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::F(8));
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Kiểm tra hộ gia đình"), "{s}");
    assert!(s.contains("Thôn 3"), "village prefilled: {s}");
    typ(&mut app, "T3-9001");
    tab(&mut app, 3);
    app.paste("Nguyễn Văn Mới");
    tab(&mut app, 1);
    typ(&mut app, "034090123400");
    tab(&mut app, 2);
    typ(&mut app, "not");
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Đã lưu HC-T3TEST-0001"), "{s}");
    assert!(s.contains("T3-9001 · Nguyễn Văn Mới"), "{s}");
    assert!(s.contains("5/5"), "{s}");
}

#[test]
fn progress_help_and_tiny_terminals() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::F(7));
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Tiến độ"), "{s}");
    assert!(s.contains("3 Thôn 3"), "the team sees its own row: {s}");
    assert!(!s.contains("1 Thôn 1"), "{s}");
    assert!(s.contains("0%"), "{s}");
    // F3 narrows the table to one form.
    press(&mut app, KeyCode::F(3));
    assert!(screen(&mut app, SIZES[0]).contains("Mẫu phiếu: Kiểm tra hộ"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(1));
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Phím tắt"), "{s}");
    assert!(s.contains("Thoát"), "{s}");
    press(&mut app, KeyCode::Esc);
    // Below 40×10 the screen says so, as much of it as fits.
    for size in [(20, 5), (39, 9), (20, 12)] {
        let s = screen(&mut app, size);
        assert!(s.starts_with("Cửa sổ quá nhỏ"), "{size:?}: {s}");
    }
    assert_eq!(screen(&mut app, (1, 1)), "C\n");
    // A pasted 10,000-character text in a field neither panics nor grows unbounded.
    open_case(&mut app, "AC-00001");
    tab(&mut app, 12);
    app.paste(&"dài ".repeat(2500));
    assert!(screen(&mut app, (20, 12)).starts_with("Cửa sổ quá nhỏ"));
    // The field shows the end of the text on its one line, at the smallest
    // size and the usual one; the rows below it stay where they were.
    for size in [(40, 10), SIZES[0]] {
        let s = screen(&mut app, size);
        let lines: Vec<&str> = s.lines().collect();
        let note = lines
            .iter()
            .position(|l| l.starts_with("│Ghi chú "))
            .unwrap_or_else(|| panic!("no note field: {s}"));
        assert!(lines[note].contains(" dài dài dài "), "{s}");
        assert!(lines[note + 1].starts_with("│Xã yêu cầu sửa"), "{s}");
    }
}

#[test]
fn key_releases_are_ignored_and_english_is_available() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(team_store(dir.path()), Lang::En).unwrap();
    press(&mut app, KeyCode::Enter);
    let mut release = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    app.event(Event::Key(release));
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Search:"), "{s}");
    assert!(!s.contains("Search: x"), "{s}");
    app.event(Event::Key(KeyEvent::new(
        KeyCode::Char('x'),
        KeyModifiers::NONE,
    )));
    assert!(screen(&mut app, SIZES[0]).contains("Search: x"));
}

#[test]
fn settings_change_typing_and_tone_style_and_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    press(&mut app, KeyCode::F(9));
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Cài đặt"), "{s}");
    assert!(s.contains("òa, úy"), "classic by default: {s}");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Telex"), "{s}");
    assert!(s.contains("oà, uý"), "{s}");
    drop(app);

    let mut app = open(dir.path());
    assert!(screen(&mut app, SIZES[0]).contains("Gõ: Telex"));
    open_case(&mut app, "AC-00004");
    tab(&mut app, 12);
    typ(&mut app, "Hoaf thuyr");
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Hoà thuỷ"), "{s}");
}

/// Telex works in every text input, the list's search and a new member's
/// name included (issue 20).
#[test]
fn telex_types_the_search_and_a_new_member_name_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(team_store(dir.path()), Lang::Vi).unwrap();
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Down);
    typ(&mut app, "Traanf Vawn Hufng");
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Trần Văn Hùng"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Người nhập: Trần Văn Hùng"), "{s}");
    assert!(s.contains("Gõ: Telex"), "{s}");
    typ(&mut app, "nguyeenx vawn an");
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("nguyễn văn an") && s.contains("2/4"), "{s}");
    assert!(
        s.contains("Nguyễn Văn An") && !s.contains("Trần Thị Bình"),
        "{s}"
    );
}

/// Open work seen again on a later day is a follow-up visit: its date and
/// checker are today's and the worker's, the visits counted on, and the
/// next follow-up worked out from the status as it changes, until the
/// person types a date of their own.
#[test]
fn a_follow_up_visit_fills_its_count_and_next_date() {
    use tothon::domain::version::{Draft, Status};
    let dir = tempfile::tempdir().unwrap();
    let store = team_store(dir.path());
    let mut values = item(
        "AC-00001",
        "Nguyễn Văn An",
        "034090123456",
        "1990-05-01",
        "male",
    )
    .prefill;
    for (k, v) in [
        ("status", "pending"),
        ("visit_date", "2026-11-20"),
        ("visits", "1"),
        ("next_follow_up", "2026-11-27"),
        ("checker", "Trần Văn Hùng"),
    ] {
        values.insert(k.into(), v.into());
    }
    store
        .save(
            Draft {
                record: "AC-00001".into(),
                parents: vec![],
                form: "activation".into(),
                team: 3,
                device: "T3TEST".into(),
                author: "Trần Văn Hùng".into(),
                edited_at: chrono::DateTime::parse_from_rfc3339("2026-11-20T09:00:00+07:00")
                    .unwrap(),
                status: Status::InProgress,
                values,
                confirmed: vec![],
            },
            None,
        )
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let mut app = App::open_on(store, Lang::Vi, today).unwrap();
    press(&mut app, KeyCode::Enter);
    // The appointment of 27/11 is past: the list opens on it.
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đến hẹn") && s.contains("AC-00001"), "{s}");
    assert!(!s.contains("AC-00002"), "{s}");
    open_case(&mut app, "AC-00001");
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Số lần đến         2"), "{s}");
    assert!(s.contains("Ngày thực hiện*    04/12/2026"), "{s}");
    assert!(s.contains("Người thực hiện    Nguyễn Thị Lan"), "{s}");
    // Still awaiting approval: back in a week.
    assert!(s.contains("Hẹn theo dõi lại   11/12/2026"), "{s}");
    // Not registered: in two weeks.
    tab(&mut app, 6);
    typ(&mut app, "chua dang ky");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Hẹn theo dõi lại   18/12/2026"), "{s}");
    // A date the person types stays, whatever the status then.
    press(&mut app, KeyCode::Tab);
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "31122026");
    for _ in 0..3 {
        press(&mut app, KeyCode::Up);
    }
    typ(&mut app, "cho duyet");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(
        s.contains("Tình trạng*        Đã đăng ký, chờ duyệt"),
        "{s}"
    );
    assert!(s.contains("Hẹn theo dõi lại   31122026"), "{s}");
    ctrl(&mut app, 's');
    drop(app);
    let head = common::open(dir.path()).versions_of("AC-00001").unwrap();
    let last = head.iter().max_by_key(|v| v.edited_at).unwrap();
    assert_eq!(last.values["visits"], "2");
    assert_eq!(last.values["visit_date"], "2026-12-04");
    assert_eq!(last.values["next_follow_up"], "2026-12-31");
}

/// A field with two problems lists both: an ID whose sex and birth year
/// both disagree with the person's.
#[test]
fn every_problem_of_a_field_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    open_case(&mut app, "AC-00001");
    tab(&mut app, 2);
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "1985");
    press(&mut app, KeyCode::Tab);
    typ(&mut app, "nu");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    let warnings: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("Số định danh"))
        .take_while(|l| !l.contains("Họ và tên"))
        .filter(|l| l.contains('⚠'))
        .collect();
    assert_eq!(warnings.len(), 2, "{s}");
}

/// A save with nothing changed leaves no draft mark on the list behind it.
#[test]
fn an_unchanged_save_leaves_no_draft_mark() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    open_case(&mut app, "AC-00002");
    tab(&mut app, 6);
    typ(&mut app, "cho duyet");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    // Opened again: a note typed and kept as a draft, then taken back.
    press(&mut app, KeyCode::Enter);
    for _ in 0..20 {
        press(&mut app, KeyCode::Up);
    }
    let note = 12;
    tab(&mut app, note);
    typ(&mut app, "x");
    // Leaving the field keeps the draft: the list marks it.
    press(&mut app, KeyCode::Up);
    let marked = |app: &App| {
        app.state
            .list
            .views()
            .any(|v| v.record == "AC-00002" && v.has_draft)
    };
    assert!(marked(&app));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Backspace);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Không có gì thay đổi ở AC-00002"), "{s}");
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, SIZES[0]);
    let line = s.lines().find(|l| l.contains("AC-00002")).unwrap();
    assert!(!line.contains('✎') && !marked(&app), "{s}");
}

/// The Telex table (`tests/data/telex_syllables.tsv`, a sample of it) types
/// the same in every text input a team member types Vietnamese into: a new
/// member's name, the list's search, a form's field and a pick list's
/// filter, as the typing engine alone does.
#[test]
fn the_telex_table_types_alike_in_every_text_input() {
    use tothon::tui::app::Screen;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/telex_syllables.tsv");
    let table = std::fs::read_to_string(path).unwrap();
    let sample: Vec<(String, String)> = table
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .step_by(9)
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0].to_string(), cols[2].to_string())
        })
        .collect();
    assert!(sample.len() >= 25);
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(team_store(dir.path()), Lang::Vi).unwrap();
    press(&mut app, KeyCode::F(2));
    let erase = |app: &mut App| {
        for _ in 0..40 {
            press(app, KeyCode::Backspace);
        }
    };
    let mut wrong = Vec::new();
    let mut check = |input: &str, keys: &str, want: &str, got: String| {
        if got != want {
            wrong.push(format!("{input}: {keys:?} gave {got:?}, want {want:?}"));
        }
    };
    // A new member's name.
    press(&mut app, KeyCode::Down);
    for (keys, want) in &sample {
        typ(&mut app, keys);
        let Screen::Who(w) = app.state.screen() else {
            panic!()
        };
        check("member", keys, want, w.new_name.text().to_string());
        erase(&mut app);
    }
    typ(&mut app, "Lan");
    press(&mut app, KeyCode::Enter);
    // The list's search.
    for (keys, want) in &sample {
        typ(&mut app, keys);
        check("search", keys, want, app.state.list.query().to_string());
        press(&mut app, KeyCode::Esc);
    }
    // A form's field (the name) and a pick list's filter (the sex).
    open_case(&mut app, "AC-00001");
    press(&mut app, KeyCode::Tab);
    for (keys, want) in &sample {
        erase(&mut app);
        typ(&mut app, keys);
        let f = app.state.form().unwrap();
        check(
            "field",
            keys,
            want,
            f.inputs[f.focus].text.text().to_string(),
        );
    }
    tab(&mut app, 2);
    for (keys, want) in &sample {
        typ(&mut app, keys);
        let f = app.state.form().unwrap();
        let filter = f.picker.as_ref().map(|p| p.filter.text().to_string());
        check("pick list", keys, want, filter.unwrap_or_default());
        press(&mut app, KeyCode::Esc);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A new case half-typed when the laptop died has no line on the list: the
/// next sitting says so at once, F8 marks its form, and the form offers it
/// back.
#[test]
fn a_half_typed_new_case_is_found_again_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    // The first form, a household check, opened blank.
    press(&mut app, KeyCode::F(8));
    press(&mut app, KeyCode::Enter);
    if screen(&mut app, SIZES[1]).contains("Tìm") {
        ctrl(&mut app, 'n');
    }
    typ(&mut app, "H-0042");
    press(&mut app, KeyCode::Tab);
    // The power goes: nothing was saved, the typing was kept.
    drop(app);
    let mut app = App::open(common::open(dir.path()), Lang::Vi).unwrap();
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Có phiếu mới nhập dở (Kiểm tra hộ)"), "{s}");
    press(&mut app, KeyCode::F(8));
    let s = screen(&mut app, SIZES[0]);
    assert_eq!(s.matches("✎ ").count(), 1, "{s}");
    press(&mut app, KeyCode::Enter);
    if screen(&mut app, SIZES[1]).contains("Tìm") {
        ctrl(&mut app, 'n');
    }
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("H-0042"), "the draft is back: {s}");
}

/// The team store with the register of its village: Nguyễn Văn An (whose
/// follow-up is work item AC-00001) and Đỗ Văn Mới, on no list yet.
fn team_store_with_register(dir: &Path) -> Store {
    let store = team_store(dir);
    let person = |key: &str, pid: &str, name: &str, birth: &str| Person {
        key: key.into(),
        personal_id: pid.into(),
        full_name: name.into(),
        birth_date: birth.into(),
        sex: Some(Sex::Male),
        household: "HK-0301".into(),
        team: 3,
        ..Person::default()
    };
    let people = [
        person("NK-000001", "034090123456", "Nguyễn Văn An", "1990-05-01"),
        person("NK-000002", "034095000777", "Đỗ Văn Mới", "1995-02-03"),
    ];
    store.put_people(people.iter()).unwrap();
    store
}

/// F8, the activation follow-up, and the person with `id` found on the
/// register and chosen.
fn new_activation_from_register(app: &mut App, id: &str) {
    press(app, KeyCode::F(8));
    let at = tothon::domain::form::openable()
        .iter()
        .position(|f| f.id == "activation")
        .unwrap();
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
    typ(app, id);
    press(app, KeyCode::Enter);
}

/// The cases the store in `dir` holds about the person with `id` (read
/// once the screens are closed).
fn cases_about(dir: &Path, id: &str) -> Vec<String> {
    common::open(dir)
        .list_rows()
        .unwrap()
        .into_iter()
        .filter(|r| r.stage != tothon::domain::standing::Stage::NotStarted)
        .filter(|r| r.search.contains(id))
        .map(|r| r.record)
        .collect()
}

/// Issue 20 point 4: F8 for someone already on the list shows the work
/// they have and asks before the form opens; Enter (the default) opens
/// that work and makes nothing, Esc goes back to the search, Delete makes
/// the new case all the same (and its save does not ask again).
#[test]
fn a_new_case_for_someone_on_the_list_is_offered_their_case_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(team_store_with_register(dir.path()), Lang::Vi).unwrap();
    press(&mut app, KeyCode::Enter);
    new_activation_from_register(&mut app, "034090123456");
    for size in SIZES {
        let s = screen(&mut app, size);
        assert!(s.contains("Đã có phiếu AC-00001 cho người này"), "{s}");
        assert!(
            s.contains("AC-00001 · Nguyễn Văn An · 034090123456 · Chưa làm"),
            "{s}"
        );
        assert!(s.contains("Enter: mở phiếu đã có"), "{s}");
        assert!(s.contains("Delete: bỏ qua, vẫn lập phiếu mới"), "{s}");
        assert!(
            s.contains("Tìm người trong danh sách nhân khẩu"),
            "before the form: {s}"
        );
    }
    // Enter: the work item's form, and no new case.
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("AC-00001 · Chưa làm"), "{s}");
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("4/4"), "still four lines: {s}");

    // Esc: back to the search, nothing opened.
    new_activation_from_register(&mut app, "034090123456");
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Tìm người trong danh sách nhân khẩu"), "{s}");
    assert!(!s.contains("Đã có phiếu"), "{s}");

    // Delete: the form opens with their values; saved, it is a second case.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Delete);
    let s = screen(&mut app, SIZES[0]);
    assert!(
        s.contains("Mới · Chưa làm") && s.contains("Nguyễn Văn An"),
        "{s}"
    );
    level2_awaiting_approval(&mut app);
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(!s.contains("Đã có phiếu"), "asked once only: {s}");
    assert!(s.contains("Đã lưu AC-T3TEST-0001"), "{s}");
    assert!(s.contains("5/5"), "{s}");

    // Someone on no list: the form opens at once, as before.
    new_activation_from_register(&mut app, "034095000777");
    let s = screen(&mut app, SIZES[0]);
    assert!(
        s.contains("Mới · Chưa làm") && s.contains("Đỗ Văn Mới"),
        "{s}"
    );
    assert!(!s.contains("Đã có phiếu"), "{s}");
    drop(app);
    assert_eq!(cases_about(dir.path(), "034090123456"), ["AC-T3TEST-0001"]);
}

/// A blank form (Ctrl+N on the search) is asked about at its first save,
/// once who it is about has been typed: by the ID, or by the name and
/// birth date when no ID is typed.
#[test]
fn a_blank_new_case_is_asked_about_when_first_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(team_store_with_register(dir.path()), Lang::Vi).unwrap();
    press(&mut app, KeyCode::Enter);
    let blank = |app: &mut App| {
        press(app, KeyCode::F(8));
        for _ in 0..2 {
            press(app, KeyCode::Down);
        }
        press(app, KeyCode::Enter);
        ctrl(app, 'n');
    };
    // Trần Thị Bình's ID: AC-00002 is hers.
    blank(&mut app);
    fill_activation(&mut app, "034190123457", "Tran Thi Binh");
    ctrl(&mut app, 's');
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã có phiếu AC-00002 cho người này"), "{s}");
    assert!(
        s.contains("AC-00002 · Trần Thị Bình · 034190123457 · Chưa làm"),
        "{s}"
    );
    // Esc: back to the form as typed, nothing saved.
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, SIZES[0]);
    assert!(
        s.contains("Mới · Chưa làm") && s.contains("Tran Thi Binh"),
        "{s}"
    );
    assert!(!s.contains("Đã lưu"), "{s}");
    // Enter: AC-00002 opens instead, nothing saved; what was typed is
    // kept as the blank form's draft.
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(
        s.contains("AC-00002 · Chưa làm") && s.contains("Trần Thị Bình"),
        "{s}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(screen(&mut app, SIZES[0]).contains("4/4"));

    // The draft taken back, saved, and made all the same (Delete).
    blank(&mut app);
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Tran Thi Binh"), "the draft: {s}");
    ctrl(&mut app, 's');
    assert!(screen(&mut app, SIZES[0]).contains("Đã có phiếu AC-00002"));
    press(&mut app, KeyCode::Delete);
    let s = screen(&mut app, SIZES[0]);
    assert!(
        s.contains("Đã lưu AC-T3TEST-0001") && s.contains("5/5"),
        "{s}"
    );

    // No ID typed: Nguyễn Văn An by his name without accents and his birth
    // date (kept as a draft first, the ID missing).
    blank(&mut app);
    press(&mut app, KeyCode::Tab);
    typ(&mut app, "nguyen van an");
    press(&mut app, KeyCode::Tab);
    typ(&mut app, "01/05/1990");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[0]);
    assert!(s.contains("Đã có phiếu AC-00001 cho người này"), "{s}");
    press(&mut app, KeyCode::Esc);
    drop(app);
    let store = common::open(dir.path());
    let cases: Vec<String> = store
        .cases()
        .unwrap()
        .into_iter()
        .map(|c| c.record)
        .collect();
    assert_eq!(cases, ["AC-T3TEST-0001"]);
}

/// Quitting from the bundles over a form with typing in it asks first, and
/// keeps the typing as a draft.
#[test]
fn quitting_over_an_open_form_asks_and_keeps_its_typing() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    open_case(&mut app, "AC-00001");
    tab(&mut app, 4);
    typ(&mut app, "0912345678");
    ctrl(&mut app, 'b');
    press(&mut app, KeyCode::F(10));
    assert!(!app.quit(), "asked first");
    press(&mut app, KeyCode::Enter);
    assert!(app.quit());
    drop(app);
    let draft = common::open(dir.path()).draft("AC-00001").unwrap().unwrap();
    assert_eq!(draft.values["phone"], "0912345678");
}

/// A new case half-typed and left is offered back when a new case of its
/// form is started from the register too, never written over.
#[test]
fn a_half_typed_new_case_is_offered_back_from_the_register_too() {
    let dir = tempfile::tempdir().unwrap();
    let store = team_store_with_register(dir.path());
    let mut app = App::open(store, Lang::Vi).unwrap();
    press(&mut app, KeyCode::Enter);
    new_activation_from_register(&mut app, "034095000777");
    for _ in 0..20 {
        press(&mut app, KeyCode::Up);
    }
    tab(&mut app, 4);
    typ(&mut app, "0912345678");
    press(&mut app, KeyCode::Tab);
    drop(app);
    let mut app = App::open(common::open(dir.path()), Lang::Vi).unwrap();
    press(&mut app, KeyCode::Enter);
    new_activation_from_register(&mut app, "034095000777");
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("Có bản nháp chưa lưu"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SIZES[1]);
    assert!(s.contains("0912345678"), "{s}");
}
