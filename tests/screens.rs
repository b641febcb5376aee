//! Every screen, reached with keys over a small commune and a team device
//! and snapshotted at 80×24 and 120×40 (insta; the accepted screens are in
//! `tests/snapshots/`). The day is given to the app and every version is
//! written with its own time, so no screen changes with the clock.
//!
//! A changed screen fails the test; look at it with `cargo insta review`
//! and accept it if it is right. Run with `INSTA_UPDATE=no` to check only.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use chrono::{DateTime, NaiveDate};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use tothon::domain::commune::{Commune, Device, Role, Village};
use tothon::domain::rules::Sex;
use tothon::domain::version::{Draft, Status, Version};
use tothon::domain::work::{Person, WorkItem};
use tothon::i18n::Lang;
use tothon::store::{SavedDraft, Store};
use tothon::tui::App;

use common::tui::{ctrl, fill_activation, press, screen, tab, typ};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
/// The clock of the command-line runs, the same day as [`today`].
const NOW: &str = "2026-11-26T10:00:00+07:00";
const COMMUNE: &str = "Xã Tân Phong";
const VILLAGES: [&str; 6] = [
    "Thôn Đông",
    "Thôn Đoài",
    "Thôn Trung",
    "Thôn Thượng",
    "Thôn Hạ",
    "Thôn Tân Lập",
];

/// Work assigned: case, team, full name, personal ID, date of birth, sex.
type Work = (
    &'static str,
    u8,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// A save: case, device, author, day and hour of November 2026, status,
/// values over the work item's.
type Save = (
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    Status,
    &'static [(&'static str, &'static str)],
);

#[rustfmt::skip]
const TEAM_WORK: [Work; 4] = [
    ("AC-00001", 3, "Nguyễn Văn An",  "034090123456", "1990-05-01", "male"),
    ("AC-00002", 3, "Trần Thị Bình",  "034190123457", "1990-06-02", "female"),
    ("AC-00003", 3, "NGUYỄN VĂN ÁNH", "034085123458", "1985-07-03", "male"),
    ("AC-00004", 3, "Lê Văn Cường",   "034070123459", "1970",       "male"),
];

/// AC-00001 is saved twice (its history), AC-00002 is blocked; AC-00003
/// has typing kept as a draft and AC-00004 is not started.
#[rustfmt::skip]
const TEAM_SAVES: [Save; 3] = [
    ("AC-00001", "T3TEST", "Nguyễn Thị Lan", (20, 9),  Status::InProgress, &[("status", "pending"), ("phone", "0912345678")]),
    ("AC-00001", "T3TEST", "Trần Văn Hùng",  (24, 14), Status::Done,       &[("status", "activated_level2"), ("phone", "0912345678")]),
    ("AC-00002", "T3TEST", "Nguyễn Thị Lan", (23, 10), Status::Blocked,    &[("status", "not_registered"), ("blocker", "no_smartphone")]),
];

#[rustfmt::skip]
const COMMUNE_WORK: [Work; 10] = [
    ("AC-00101", 1, "Phạm Văn Đức",   "034090555111", "1990-03-04", "male"),
    ("AC-00102", 1, "Lý Thị Hồng",    "034192555112", "1992-01-15", "female"),
    ("AC-00103", 1, "Đinh Văn Hải",   "034065555113", "1965-09-09", "male"),
    ("AC-00104", 1, "Mai Thị Lụa",    "034180555114", "1980-12-01", "female"),
    ("AC-00201", 2, "Hoàng Thị Mai",  "034188777001", "1988-08-08", "female"),
    ("AC-00202", 2, "Trịnh Văn Toàn", "034075777002", "1975-04-30", "male"),
    ("AC-00203", 2, "Cao Thị Nga",    "034199777003", "1999-02-02", "female"),
    ("AC-00301", 3, "Nguyễn Văn An",  "034090123456", "1990-05-01", "male"),
    ("AC-00302", 3, "Trần Thị Bình",  "034190123457", "1990-06-02", "female"),
    ("AC-00401", 4, "Vũ Văn Thành",   "034083888001", "1983-10-10", "male"),
];

/// A week of the teams' work reaching the office. AC-00301's first save
/// is edited apart by team 3 and by the office: two heads, a conflict.
#[rustfmt::skip]
const COMMUNE_SAVES: [Save; 10] = [
    ("AC-00101", "T1DEV1", "Lê Thị Hoa",     (18, 9),  Status::Done,       &[("status", "activated_level2"), ("phone", "0912000000")]),
    ("AC-00102", "T1DEV1", "Lê Thị Hoa",     (20, 10), Status::Done,       &[("status", "activated_level1"), ("phone", "0912000000")]),
    ("AC-00103", "T1DEV1", "Lê Thị Hoa",     (21, 15), Status::Blocked,    &[("status", "not_registered"), ("blocker", "no_smartphone")]),
    ("AC-00201", "T2DEV2", "Phạm Văn Dũng",  (19, 8),  Status::Done,       &[("status", "activated_level2"), ("phone", "0912000000")]),
    ("AC-00202", "T2DEV2", "Phạm Văn Dũng",  (23, 14), Status::InProgress, &[("status", "pending")]),
    ("AC-00301", "T3DEV3", "Vũ Thị Hằng",    (19, 9),  Status::InProgress, &[("status", "pending"), ("phone", "0912000111")]),
    ("AC-00301", "T3DEV3", "Vũ Thị Hằng",    (24, 10), Status::Done,       &[("status", "activated_level1"), ("phone", "0912000111")]),
    ("AC-00301", "XA0001", "Nguyễn Văn Tâm", (24, 15), Status::InProgress, &[("status", "pending"), ("phone", "0987000222")]),
    ("AC-00302", "T3DEV3", "Vũ Thị Hằng",    (22, 11), Status::Done,       &[("status", "activated_level1"), ("phone", "0912000000")]),
    ("AC-00401", "T4DEV4", "Hoàng Văn Long", (25, 16), Status::Done,       &[("status", "activated_level2"), ("phone", "0912000000")]),
];

/// Heads of household: Phạm Văn Đức is registered in two villages under
/// one ID, Hoàng Thị Mai under two IDs with one name and birth date.
/// (key, personal ID, full name, date of birth, sex, household, team)
#[rustfmt::skip]
const PEOPLE: [(&str, &str, &str, &str, Sex, &str, u8); 5] = [
    ("p1", "034090555111", "Phạm Văn Đức",   "1990-03-04", Sex::Male,   "HK-0101", 1),
    ("p2", "034090555111", "Phạm Văn Đức",   "1990-03-04", Sex::Male,   "HK-0405", 4),
    ("p3", "034188777001", "Hoàng Thị Mai",  "1988-08-08", Sex::Female, "HK-0203", 2),
    ("p4", "034188777999", "Hoàng Thị Mai",  "1988-08-08", Sex::Female, "HK-0502", 5),
    ("p5", "034075777002", "Trịnh Văn Toàn", "1975-04-30", Sex::Male,   "HK-0204", 2),
];

/// The day every screen is drawn on.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// An activation follow-up, due on 20/12/2026.
fn item(&(id, team, name, pid, birth, sex): &Work) -> WorkItem {
    WorkItem {
        id: id.into(),
        form: "activation".into(),
        team,
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

/// A store on `device` with `work` assigned and `saves` saved in order,
/// each after the case's head so far (the office's last one after the
/// head team 3 started from, which makes the conflict).
fn store(dir: &Path, device: Device, work: &[Work], saves: &[Save]) -> Store {
    let villages = (1..).zip(VILLAGES).map(|(team, name)| Village {
        team,
        name: name.into(),
    });
    let commune = Commune {
        name: COMMUNE.into(),
        villages: villages.collect(),
    };
    let store = common::create(dir, &commune, &device).unwrap();
    let items: Vec<WorkItem> = work.iter().map(item).collect();
    store.put_work_items(items.iter()).unwrap();
    let mut saved: Vec<Version> = Vec::new();
    for &(record, device, author, (day, hour), status, values) in saves {
        let item = items.iter().find(|i| i.id == record).unwrap();
        let before: Vec<&Version> = saved.iter().filter(|v| v.record == record).collect();
        // Edited apart: the office starts from the case's first save.
        let parent = match device {
            "XA0001" => before.first(),
            _ => before.last(),
        };
        let mut all = item.prefill.clone();
        all.extend(values.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let draft = Draft {
            record: record.into(),
            parents: parent.map(|p| vec![p.id.clone()]).unwrap_or_default(),
            form: item.form.clone(),
            team: item.team,
            device: device.into(),
            author: author.into(),
            edited_at: DateTime::parse_from_rfc3339(&format!(
                "2026-11-{day:02}T{hour:02}:00:00+07:00"
            ))
            .unwrap(),
            status,
            values: all,
            confirmed: vec![],
        };
        saved.push(store.save(draft, None).unwrap());
    }
    store
}

/// Team 3's laptop.
fn team_store(dir: &Path) -> Store {
    let device = Device {
        id: "T3TEST".into(),
        role: Role::Team(3),
    };
    let store = store(dir, device, &TEAM_WORK, &TEAM_SAVES);
    store
        .set_setting("members", &["Nguyễn Thị Lan", "Trần Văn Hùng"])
        .unwrap();
    let mut typed = item(&TEAM_WORK[2]).prefill;
    typed.insert("phone".into(), "09123".into());
    let draft = SavedDraft {
        form: "activation".into(),
        record: Some("AC-00003".into()),
        parents: vec![],
        values: typed,
        author: "Nguyễn Thị Lan".into(),
        saved_at: "2026-11-25T16:30:00+07:00".into(),
    };
    store.put_draft("AC-00003", &draft).unwrap();
    store
}

/// The commune office.
fn commune_store(dir: &Path) -> Store {
    let device = Device {
        id: "XA0001".into(),
        role: Role::Commune,
    };
    let store = store(dir, device, &COMMUNE_WORK, &COMMUNE_SAVES);
    store.set_setting("members", &["Nguyễn Văn Tâm"]).unwrap();
    let people = PEOPLE.map(|(key, pid, name, birth, sex, household, team)| Person {
        key: key.into(),
        personal_id: pid.into(),
        full_name: name.into(),
        birth_date: birth.into(),
        sex: Some(sex),
        household: household.into(),
        team,
        relation: "Chủ hộ".into(),
        phone: String::new(),
        ethnicity: "Kinh".into(),
        religion: String::new(),
    });
    store.put_people(people.iter()).unwrap();
    store
}

/// The screens over `store` on [`today`], past "who is working". No USB
/// stick of the machine running the tests shows on them.
fn open(store: Store) -> App {
    tothon::paths::pretend_places(vec![]);
    let mut app = App::open_on(store, Lang::Vi, today()).unwrap();
    press(&mut app, KeyCode::Enter);
    app
}

/// Draws the app at `size` and checks the screen against its snapshot
/// `{name}_{w}x{h}`, after checking it shows each of `shows`.
fn check_at(app: &mut App, name: &str, (w, h): (u16, u16), shows: &[&str]) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let screen = terminal.backend().to_string();
    for s in shows {
        assert!(
            screen.contains(s),
            "{name} at {w}×{h} lacks {s:?}:\n{screen}"
        );
    }
    // Every screen's footer, even at 80 columns, has the help, the
    // bundles (but over the bundles themselves) and the way out; a
    // question or the help in front has its own keys.
    let state = &app.state;
    if w >= 80 && state.dialog.is_none() && !state.help {
        let footer: Vec<&str> = screen.lines().rev().take(2).collect();
        let bundles = name.starts_with("bundles");
        for key in ["F1 ", "F10 ", "Ctrl+B "] {
            assert!(
                (key == "Ctrl+B " && bundles) || footer.iter().any(|l| l.contains(key)),
                "{name} at {w}×{h}: no {key:?} in the footer:\n{screen}"
            );
        }
    }
    // A temporary folder's name changes with each run: kept to its shape.
    insta::with_settings!({filters => vec![(r"/tmp/\.tmp[A-Za-z0-9]{6}", "/tmp/.tmpXXXXXX")]}, {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    });
}

/// [`check_at`] at 80×24 and at 120×40.
fn check(app: &mut App, name: &str, shows: &[&str]) {
    for size in SIZES {
        check_at(app, name, size, shows);
    }
}

#[test]
fn who_is_working() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open_on(team_store(dir.path()), Lang::Vi, today()).unwrap();
    check(&mut app, "who", &["Ai đang làm việc?", "Trần Văn Hùng"]);
}

#[test]
fn work_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    check(
        &mut app,
        "work_list",
        &["AC-00001", "Lê Văn Cường", "20/12/"],
    );
    // Every personal ID whole at 80 columns: the names give way.
    for id in [
        "034085123458",
        "034090123456",
        "034190123457",
        "034070123459",
    ] {
        check_at(&mut app, "work_list", (80, 24), &[id]);
    }
    // The smallest terminal the layout is drawn for.
    check_at(&mut app, "work_list", (40, 10), &["AC-00003"]);
}

#[test]
fn help_lists_the_keys_of_the_screen_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    press(&mut app, KeyCode::F(1));
    check(
        &mut app,
        "help_work_list",
        &["Ctrl+Home/Ctrl+End", "F10/Ctrl+Q/Ctrl+C"],
    );
}

/// The work list searched for `record`, and its form opened.
fn open_case(app: &mut App, record: &str) {
    typ(app, record);
    press(app, KeyCode::Enter);
}

#[test]
fn form() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    open_case(&mut app, "AC-00004");
    // It opens on the status (the first required field left empty); a
    // wrong phone number, two fields up, shows its problem once left.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    typ(&mut app, "0123");
    tab(&mut app, 1);
    check(&mut app, "form", &["Lê Văn Cường", "034070123459", "0123"]);
    ctrl(&mut app, 's');
    check(&mut app, "form_save_as_draft", &["Tình trạng"]);
}

#[test]
fn a_kept_draft_is_offered_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    open_case(&mut app, "AC-00003");
    check(
        &mut app,
        "form_offer_draft",
        &["Nguyễn Thị Lan", "25/11/2026"],
    );
}

#[test]
fn void_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    open_case(&mut app, "AC-00001");
    ctrl(&mut app, 'd');
    typ(&mut app, "Lập nhầm");
    check(
        &mut app,
        "form_void",
        &["Huỷ phiếu lập nhầm", "Lý do huỷ: Lập nhầm"],
    );
}

#[test]
fn pick_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    // The form opens on its first empty required field, the status.
    open_case(&mut app, "AC-00004");
    press(&mut app, KeyCode::Enter);
    check(&mut app, "picker", &["Chưa đăng ký", "Không thành công"]);
}

#[test]
fn history() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    typ(&mut app, "AC-00001");
    press(&mut app, KeyCode::F(6));
    check(
        &mut app,
        "history",
        &["20/11 09:00", "24/11 14:00", "Trần Văn Hùng"],
    );
}

#[test]
fn settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    press(&mut app, KeyCode::F(9));
    // Enter on the first line switches the typing on.
    press(&mut app, KeyCode::Enter);
    check(&mut app, "settings", &["Telex", "Nguyễn Thị Lan"]);
}

/// The commune's villages, reached from its home through the settings
/// (Ctrl+O: no F-key needed), the last line there.
fn villages_screen(app: &mut App) {
    ctrl(app, 'o');
    for _ in 0..3 {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
}

#[test]
fn villages() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    villages_screen(&mut app);
    press(&mut app, KeyCode::Down);
    check(
        &mut app,
        "villages",
        &[
            "Thôn của xã · 6",
            "Thôn Đoài",
            "Thôn Tân Lập",
            "Enter Đổi tên",
        ],
    );
}

/// A name too like another village's is refused in one sentence, and what
/// was typed stays to be corrected.
#[test]
fn village_name_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    villages_screen(&mut app);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    for _ in "Trung".chars() {
        press(&mut app, KeyCode::Backspace);
    }
    typ(&mut app, "đông");
    press(&mut app, KeyCode::Enter);
    check(
        &mut app,
        "village_name_refused",
        &[
            "Đổi tên thôn · Tổ 3",
            "Tên thôn: Thôn đông",
            "Tên này quá giống tên thôn 1 («Thôn Đông»)",
        ],
    );
}

#[test]
fn new_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(team_store(dir.path()));
    press(&mut app, KeyCode::F(8));
    check(
        &mut app,
        "new_case",
        &["Theo dõi kích hoạt định danh điện tử"],
    );
}

/// At the office a form that does not name the village asks for it, and
/// the case is then the team's of that village.
#[test]
fn a_new_case_at_the_office_asks_its_village() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    new_case_of(&mut app, "activation");
    // Nobody sought on the register: a blank form.
    ctrl(&mut app, 'n');
    check(
        &mut app,
        "new_case_village",
        &["Trường hợp này thuộc thôn nào?", "Thôn Đông (Tổ 1)"],
    );
    // Thôn Trung, team 3; then the case is filled in and saved.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    // Twelve digits typed: the ID is whole, and the cursor moves on.
    typ(&mut app, "034090123499");
    typ(&mut app, "Nguyễn Văn Mới");
    tab(&mut app, 4);
    // A digit picks that choice of a short list (Mức 2) and moves on; a
    // choice picked from the list moves on too.
    typ(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "cho duyet");
    press(&mut app, KeyCode::Enter);
    // The visit date is today's and the checker who is working, already.
    ctrl(&mut app, 's');
    drop(app);
    let store = common::open(dir.path());
    let teams: Vec<(String, u8)> = store
        .list_rows()
        .unwrap()
        .into_iter()
        .filter(|r| r.title.contains("Nguyễn Văn Mới"))
        .map(|r| (r.record.clone(), r.team))
        .collect();
    assert_eq!(teams.len(), 1, "saved once: {teams:?}");
    assert_eq!(teams[0].1, 3, "the team of Thôn Trung");
}

/// F8 and the form chosen at the office: the list, Down to `form`, Enter.
fn new_case_of(app: &mut App, form: &str) {
    press(app, KeyCode::Esc);
    press(app, KeyCode::F(8));
    let at = tothon::domain::form::openable()
        .iter()
        .position(|f| f.id == form)
        .unwrap();
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
    press(app, KeyCode::Enter);
}

/// A blank new case about someone on the list (Nguyễn Văn An's ID, his
/// follow-up AC-00301): the office is asked at the first save, over the
/// form as typed, and makes it all the same.
#[test]
fn a_blank_new_case_is_asked_about_at_its_first_save() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    new_case_of(&mut app, "activation");
    ctrl(&mut app, 'n');
    for _ in 0..2 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    fill_activation(&mut app, "034090123456", "Nguyễn Văn An");
    ctrl(&mut app, 's');
    check(
        &mut app,
        "already_covered_at_save",
        &[
            "Đã có phiếu AC-00301 cho người này",
            "AC-00301 · Nguyễn Văn An · 034090123456 · Đang làm",
            "Delete: bỏ qua, vẫn lập phiếu mới",
        ],
    );
    press(&mut app, KeyCode::Delete);
    let s = screen(&mut app, (80, 24));
    assert!(s.contains("Đã lưu AC-XA0001-"), "{s}");
}

/// A new case is started from someone found on the register by typing
/// part of their name (accents and case ignored); before the form opens,
/// the office is told that the person's follow-up is on the list already,
/// and opens it.
#[test]
fn a_new_case_starts_from_someone_found_on_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    new_case_of(&mut app, "activation");
    check(
        &mut app,
        "find_person",
        &[
            "Tìm người trong danh sách nhân khẩu",
            "5/5 người",
            "HK-0405",
        ],
    );
    typ(&mut app, "HOANG mai");
    check(
        &mut app,
        "find_person_typed",
        &["2/5 người", "034188777001", "034188777999"],
    );
    check_at(&mut app, "find_person_typed", (40, 10), &["Tìm: HOANG mai"]);
    press(&mut app, KeyCode::Enter);
    check(
        &mut app,
        "already_covered",
        &[
            "Đã có phiếu AC-00201 cho người này",
            "AC-00201 · Hoàng Thị Mai · 034188777001 · Xong",
            "Enter: mở phiếu đã có",
        ],
    );
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, (80, 24));
    assert!(s.contains("AC-00201 · Xong"), "{s}");
}

/// Going on with the new case: it opens with the person's values and is
/// their village's team's (no village asked).
#[test]
fn a_case_from_the_register_is_their_villages() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    new_case_of(&mut app, "activation");
    typ(&mut app, "034188777999");
    press(&mut app, KeyCode::Enter);
    check(
        &mut app,
        "form_from_register",
        &["Hoàng Thị Mai", "034188777999", "08/08/1988", "Nữ"],
    );
    // It opens on the first required field left empty, the target level.
    typ(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    typ(&mut app, "cho duyet");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    let s = screen(&mut app, (80, 24));
    assert!(s.contains("Đã lưu AC-XA0001-"), "{s}");
    drop(app);
    let store = common::open(dir.path());
    let rows: Vec<(String, u8)> = store
        .list_rows()
        .unwrap()
        .into_iter()
        .filter(|r| r.title.contains("034188777999"))
        .map(|r| (r.record.clone(), r.team))
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1, 5, "Thôn Hạ's team");
}

/// A household check started from anyone of the household opens with the
/// household: its code, village, head and how many the register lists.
#[test]
fn a_household_check_starts_from_the_household_on_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    new_case_of(&mut app, "household_check");
    typ(&mut app, "hk-0204");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, (80, 24));
    for shown in [
        "HK-0204",
        "Thôn Đoài",
        "Trịnh Văn Toàn",
        "034075777002",
        "Kiểm tra hộ gia đình · Mới",
    ] {
        assert!(s.contains(shown), "{shown}: {s}");
    }
    let members = s
        .lines()
        .find(|l| l.contains("Số nhân khẩu trên dữ liệu"))
        .unwrap_or_else(|| panic!("no member count: {s}"));
    assert!(
        members.trim_end_matches('│').trim_end().ends_with(" 1"),
        "{s}"
    );
}

#[test]
fn progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    check(&mut app, "progress", &["Thôn Đông", "Tổng"]);
}

#[test]
fn charts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    press(&mut app, KeyCode::F(4));
    check(&mut app, "charts", &["18/11", "26/11"]);
}

#[test]
fn report() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    press(&mut app, KeyCode::F(5));
    check(&mut app, "report", &["26/11/2026"]);
    // The lines below the window are reached with the arrows: the e-ID
    // section, then the table by village.
    let mut seen = String::new();
    for _ in 0..60 {
        press(&mut app, KeyCode::Down);
        seen.push_str(&screen(&mut app, (80, 24)));
    }
    assert!(seen.contains("thông minh 1."), "{seen}");
    assert!(seen.contains("Kết quả theo thôn"), "{seen}");
}

#[test]
fn duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    press(&mut app, KeyCode::F(6));
    check(&mut app, "duplicates", &["HK-0101", "HK-0405", "HK-0502"]);
}

#[test]
fn a_duplicate_pair_settled_with_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('2'));
    check(
        &mut app,
        "duplicates_settled",
        &["Không trùng (NT-", "chưa xử lý"],
    );
}

#[test]
fn work_list_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    press(&mut app, KeyCode::F(8));
    // Relative to the package, where cargo runs tests.
    typ(&mut app, "tests/data/worklist_messy.csv");
    press(&mut app, KeyCode::Enter);
    check(&mut app, "import", &["worklist_messy.csv", "4 việc mới"]);
}

#[test]
fn work_list_import_of_a_workbook_with_fill_down() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    press(&mut app, KeyCode::F(8));
    typ(&mut app, "tests/data/worklist_merged.xlsx");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'd');
    // Down to the cells filled from above.
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    check(
        &mut app,
        "import_workbook",
        &[
            "[x] Điền ô trống",
            "Trang «Danh sách» (2/2)",
            "cột I «Thôn»",
        ],
    );
    check_at(&mut app, "import_workbook", (40, 10), &["[x]"]);
}

#[test]
fn conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(commune_store(dir.path()));
    press(&mut app, KeyCode::Esc);
    open_case(&mut app, "AC-00301");
    check(&mut app, "conflict", &["0912000111", "0987000222"]);
}

/// `tothon --data-dir DIR` at [`NOW`], with a known passphrase.
fn tothon(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tothon"));
    cmd.env("TOTHON_NOW", NOW)
        .env("TOTHON_PASSPHRASE", "mật khẩu thử")
        .env_remove("TOTHON_HOME")
        .arg("--data-dir")
        .arg(dir);
    cmd
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bundles() {
    // Keys are made and bundles carried by the command line, at a fixed time.
    let root = tempfile::tempdir().unwrap();
    let office = root.path().join("commune");
    let team = root.path().join("team-2");
    run(tothon(&office).args(["init", "commune", "--name", COMMUNE]));
    let office_pub = root.path().join("commune.pub");
    std::fs::write(&office_pub, run(tothon(&office).args(["key", "show"]))).unwrap();
    run(tothon(&team)
        .args(["init", "team", "--team", "2", "--commune", COMMUNE])
        .arg("--commune-key")
        .arg(&office_pub));
    let team_pub = root.path().join("team2.pub");
    std::fs::write(&team_pub, run(tothon(&team).args(["key", "show"]))).unwrap();
    run(tothon(&office)
        .args(["trust", "--team", "2"])
        .arg(&team_pub));
    for (pid, name) in [
        ("034090123456", "Nguyễn Văn An"),
        ("034190123457", "Trần Thị Bình"),
    ] {
        run(tothon(&team)
            .args(["case", "new", "--form", "activation", "--author", "Lan"])
            .args(["--set", &format!("person_id={pid}")])
            .args(["--set", &format!("full_name={name}")])
            .args(["--set", "target_level=level2", "--set", "status=pending"])
            .args(["--set", "visit_date=20/11/2026", "--confirm"]));
    }
    let out = root.path().join("out");
    run(tothon(&team).args(["bundle", "export", "--out"]).arg(&out));
    for bundle in std::fs::read_dir(&out).unwrap() {
        run(tothon(&office)
            .args(["bundle", "import"])
            .arg(bundle.unwrap().path()));
    }

    tothon::paths::pretend_places(vec![]);
    let mut app = App::open_on(common::open(&office), Lang::Vi, today()).unwrap();
    typ(&mut app, "Tâm");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'b');
    typ(&mut app, "bundles/team-2.zip");
    check(&mut app, "bundles", &["team-2", "+2", "26/11/2026"]);
}
