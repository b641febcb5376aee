//! The command line and the screens are two fronts on one set of
//! operations: the same operation, made from each front on copies of one
//! store, writes the same version. Each test runs both fronts and compares
//! what they wrote, field by field (all but the time and the id, which
//! follows from the time).

mod common;

use std::path::Path;

use ratatui::crossterm::event::KeyCode;
use tothon::domain::version::{Draft, Status, Version};
use tothon::i18n::Lang;
use tothon::tui::App;

use common::tui::{ctrl, press, typ};
use common::{COMMUNE, copy_store, save_activation, stdout, tothon};

/// The person working, on both fronts.
const AUTHOR: &str = "Nguyễn Thị Lan";

/// An activation follow-up of a man born in 1990 whose personal ID says
/// "born 1991": saved with the warning confirmed. Returns its record.
fn confirmed_case(dir: &Path, extra: &[&str]) -> String {
    save_activation(dir, "034091123456", "pending", extra)
}

/// The screens over the store in `dir`, with [`AUTHOR`] working, on the
/// day of the cases' visit: an edit, not a follow-up visit (which the
/// screens would date today, count and book again).
fn app(dir: &Path) -> App {
    let store = common::open(dir);
    store.set_setting("members", &[AUTHOR]).unwrap();
    let visit_day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut app = App::open_on(store, Lang::Vi, visit_day).unwrap();
    press(&mut app, KeyCode::Enter);
    app
}

/// The one head of `record` in the store in `dir`.
fn head(dir: &Path, record: &str) -> Version {
    let store = common::open(dir);
    let entry = store.case(record).unwrap().unwrap();
    assert_eq!(entry.heads.len(), 1, "one head: {entry:?}");
    store.version(record, &entry.heads[0]).unwrap().unwrap()
}

/// What a version says, but for when it was written (and so its id).
fn content(v: &Version) -> String {
    format!(
        "{} parents={:?} form={} team={} device={} author={} status={:?} values={:?} confirmed={:?}",
        v.record, v.parents, v.form, v.team, v.device, v.author, v.status, v.values, v.confirmed
    )
}

/// Moves the form's focus to `field` (by its label on screen order) with Tab.
fn focus_field(app: &mut App, form: &str, field: &str) {
    let spec = tothon::domain::form::form(form).unwrap();
    let at = spec.fields.iter().position(|f| f.id == field).unwrap();
    for _ in 0..at {
        press(app, KeyCode::Tab);
    }
}

#[test]
fn a_warning_confirmed_once_stays_confirmed_through_later_edits_on_both_fronts() {
    let root = tempfile::tempdir().unwrap();
    let (cli, tui) = (root.path().join("cli"), root.path().join("tui"));
    stdout(tothon(&cli).args(["init", "team", "--team", "3", "--commune", COMMUNE]));
    let record = confirmed_case(&cli, &[]);
    let first = head(&cli, &record);
    assert_eq!(first.confirmed, ["person_id:id_year_mismatch"], "{first:?}");
    copy_store(&cli, &tui);

    // The command line: an edit of another field asks for nothing.
    stdout(tothon(&cli).args([
        "case",
        "edit",
        &record,
        "--set",
        "note=gọi lại",
        "--author",
        AUTHOR,
    ]));

    // The screen: open the case, change the note, Ctrl+S; no question asked.
    let mut app = app(&tui);
    press(&mut app, KeyCode::Enter);
    focus_field(&mut app, "activation", "note");
    typ(&mut app, "gọi lại");
    ctrl(&mut app, 's');
    drop(app);

    let (by_cli, by_tui) = (head(&cli, &record), head(&tui, &record));
    assert_eq!(by_cli.values["note"], "gọi lại");
    assert_eq!(
        by_cli.confirmed, first.confirmed,
        "the confirmation is kept"
    );
    assert_eq!(by_cli.parents, std::slice::from_ref(&first.id));
    assert_eq!(content(&by_cli), content(&by_tui));
}

#[test]
fn a_return_for_correction_writes_the_same_version_from_both_fronts() {
    let root = tempfile::tempdir().unwrap();
    let (cli, tui) = (root.path().join("cli"), root.path().join("tui"));
    stdout(tothon(&cli).args(["init", "commune", "--name", COMMUNE]));
    let record = confirmed_case(&cli, &["--team", "3"]);
    copy_store(&cli, &tui);

    stdout(tothon(&cli).args([
        "case",
        "return",
        &record,
        "--comment",
        "Thiếu số điện thoại",
        "--author",
        AUTHOR,
    ]));

    // The commune opens on its progress table; Esc goes to the work list.
    let mut app = app(&tui);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(4));
    typ(&mut app, "Thiếu số điện thoại");
    press(&mut app, KeyCode::Enter);
    drop(app);

    let (by_cli, by_tui) = (head(&cli, &record), head(&tui, &record));
    assert_eq!(by_cli.status, Status::NeedsCorrection);
    assert_eq!(by_cli.values["correction"], "Thiếu số điện thoại");
    assert_eq!(content(&by_cli), content(&by_tui));
}

#[test]
fn a_conflict_resolved_writes_the_same_version_from_both_fronts() {
    let root = tempfile::tempdir().unwrap();
    let (cli, tui) = (root.path().join("cli"), root.path().join("tui"));
    stdout(tothon(&cli).args(["init", "commune", "--name", COMMUNE]));
    let record = confirmed_case(&cli, &["--team", "3"]);
    // Two edits of the same version, as two devices would make them: a
    // conflict whose heads both carry the confirmed warning.
    {
        let base = head(&cli, &record);
        let store = common::open(&cli);
        for (note, time) in [
            ("đã gọi", "2026-11-27T09:00:00+07:00"),
            ("hẹn tuần sau", "2026-11-28T09:00:00+07:00"),
        ] {
            let mut values = base.values.clone();
            values.insert("note".into(), note.into());
            store
                .save(
                    Draft {
                        record: record.clone(),
                        parents: vec![base.id.clone()],
                        form: base.form.clone(),
                        team: 3,
                        device: "T3AAAA".into(),
                        author: "Tổ 3".into(),
                        edited_at: chrono::DateTime::parse_from_rfc3339(time).unwrap(),
                        status: base.status,
                        values,
                        confirmed: base.confirmed.clone(),
                    },
                    None,
                )
                .unwrap();
        }
        assert_eq!(store.case(&record).unwrap().unwrap().heads.len(), 2);
    }
    copy_store(&cli, &tui);

    // The newest head whole, on the command line; the screen starts from
    // the newest head for every field that differs. Neither asks to confirm
    // the warning both heads confirmed.
    stdout(tothon(&cli).args([
        "case", "resolve", &record, "--take", "2", "--author", AUTHOR,
    ]));
    let mut app = app(&tui);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    drop(app);

    let (by_cli, by_tui) = (head(&cli, &record), head(&tui, &record));
    assert_eq!(by_cli.parents.len(), 2);
    assert_eq!(by_cli.values["note"], "hẹn tuần sau");
    assert_eq!(by_cli.confirmed, ["person_id:id_year_mismatch"]);
    assert_eq!(content(&by_cli), content(&by_tui));
}

#[test]
fn a_void_writes_the_same_version_from_both_fronts() {
    let root = tempfile::tempdir().unwrap();
    let (cli, tui) = (root.path().join("cli"), root.path().join("tui"));
    stdout(tothon(&cli).args(["init", "team", "--team", "3", "--commune", COMMUNE]));
    let record = confirmed_case(&cli, &[]);
    copy_store(&cli, &tui);

    let reason = "Lập nhầm, trùng với phiếu khác";
    stdout(tothon(&cli).args([
        "case", "void", &record, "--reason", reason, "--author", AUTHOR,
    ]));
    let mut app = app(&tui);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'd');
    typ(&mut app, reason);
    press(&mut app, KeyCode::Enter);
    drop(app);

    let (by_cli, by_tui) = (head(&cli, &record), head(&tui, &record));
    assert_eq!(by_cli.status, Status::Voided);
    assert_eq!(by_cli.values["void_reason"], reason);
    assert_eq!(content(&by_cli), content(&by_tui));
}
