//! The command line driven as a process, as a script or a user would.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{
    case_row, cases, cases_csv, crash_notes, csv_maps, demo, fails, process, stdout, tothon,
};

fn team_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(tothon(dir.path()).args(["init", "team", "--team", "3", "--commune", "Xã Tân Phong"]));
    dir
}

const GOOD: [&str; 16] = [
    "--set",
    "person_id=034 090 123 456",
    "--set",
    "full_name=nguyễn  văn an",
    "--set",
    "birth_date=1/5/1990",
    "--set",
    "sex=Nam",
    "--set",
    "phone=+84 912 345 678",
    "--set",
    "target_level=level2",
    "--set",
    "status=activated_level2",
    "--set",
    "visit_date=20/11/2026",
];

fn case_new(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = tothon(dir);
    cmd.args(["case", "new", "--form", "activation", "--author", "Lan"])
        .args(GOOD)
        .args(extra);
    cmd
}

/// Starts tothon on `dir` with its output and errors piped back, for a test
/// that reads (or closes) the output while it runs.
#[cfg(unix)]
fn piped<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: impl IntoIterator<Item = S>,
) -> std::process::Child {
    use std::process::Stdio;
    process(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_saved_case_is_listed_and_shown() {
    let dir = team_store();
    let saved = stdout(&mut case_new(dir.path(), &[]));
    assert!(saved.contains("Đã lưu"), "{saved}");
    let rows = cases(dir.path());
    assert_eq!(rows.len(), 1);
    let listed = |column: &str| rows[0][column].as_str();
    assert_eq!(
        [
            listed("form"),
            listed("team"),
            listed("status"),
            listed("conflict")
        ],
        ["activation", "3", "done", "no"],
        "{rows:?}"
    );
    let record = listed("record").to_string();

    let csv = stdout(tothon(dir.path()).args(["cases", "--format", "csv", "--form", "activation"]));
    let header = csv.lines().next().unwrap_or_default();
    assert_eq!(header.split(',').filter(|c| *c == "status").count(), 1);
    let row = &csv_maps(&csv)[0];
    // The case's status, and the form's own status field beside it.
    assert_eq!(row["status"], "done", "{csv}");
    assert_eq!(row["field_status"], "activated_level2", "{csv}");
    assert_eq!(row["person_id"], "034090123456", "{csv}");
    assert_eq!(row["phone"], "0912345678", "{csv}");
    assert_eq!(row["birth_date"], "1990-05-01", "{csv}");

    let shown = stdout(tothon(dir.path()).args(["case", "show", &record]));
    assert!(
        shown.contains("Nguyễn Văn An") || shown.contains("nguyễn văn an"),
        "{shown}"
    );
    assert!(shown.contains("01/05/1990"), "{shown}");
    assert!(shown.contains("Đã kích hoạt mức 2"), "{shown}");
}

#[test]
fn an_edit_appears_in_the_history() {
    let dir = team_store();
    stdout(&mut case_new(
        dir.path(),
        &[
            "--set",
            "status=pending",
            "--set",
            "next_follow_up=30/11/2026",
        ],
    ));
    let record = cases(dir.path())[0]["record"].clone();
    stdout(tothon(dir.path()).args([
        "case",
        "edit",
        &record,
        "--author",
        "Hùng",
        "--set",
        "status=activated_level2",
        "--set",
        "next_follow_up=",
    ]));
    let shown = stdout(tothon(dir.path()).args(["case", "show", &record, "--history"]));
    assert!(shown.contains("Hùng"), "{shown}");
    assert!(
        shown.contains("Đã đăng ký, chờ duyệt → Đã kích hoạt mức 2"),
        "{shown}"
    );
    assert!(shown.contains("30/11/2026 → ∅"), "{shown}");
    assert_eq!(case_row(dir.path(), &record)["status"], "done");
}

#[test]
fn bad_values_are_refused_with_one_line_and_nothing_written() {
    let dir = team_store();
    let err = fails(&mut case_new(
        dir.path(),
        &["--set", "person_id=03409012345"],
    ));
    assert!(err.contains("12 chữ số"), "{err}");
    assert!(err.contains("Số định danh"), "{err}");

    let err = fails(&mut case_new(dir.path(), &["--set", "phone=0123"]));
    assert!(err.contains("Số điện thoại"), "{err}");

    let err = fails(&mut case_new(
        dir.path(),
        &["--set", "visit_date=31/02/2026"],
    ));
    assert!(err.contains("Ngày thực hiện"), "{err}");

    let err = fails(&mut case_new(dir.path(), &["--set", "colour=blue"]));
    assert!(err.contains("colour"), "{err}");

    let err = fails(&mut case_new(dir.path(), &["--set", "novalue"]));
    assert!(err.contains("novalue"), "{err}");

    let err = fails(tothon(dir.path()).args(["case", "new", "--form", "census"]));
    assert!(err.contains("census"), "{err}");

    assert!(cases(dir.path()).is_empty());
}

#[test]
fn errors_can_be_saved_as_a_draft() {
    let dir = team_store();
    let out = stdout(&mut case_new(
        dir.path(),
        &["--set", "person_id=03409012345", "--draft"],
    ));
    assert!(out.contains("nháp"), "{out}");
    assert_eq!(cases(dir.path())[0]["status"], "draft");
}

#[test]
fn warnings_need_confirming_and_the_confirmation_is_kept() {
    let dir = team_store();
    // Year digits 91 against a birth in 1990: a warning, not an error.
    let err = fails(&mut case_new(
        dir.path(),
        &["--set", "person_id=034091123456"],
    ));
    assert!(err.contains("--confirm"), "{err}");
    assert!(cases(dir.path()).is_empty());
    stdout(&mut case_new(
        dir.path(),
        &["--set", "person_id=034091123456", "--confirm"],
    ));
    let listed = cases(dir.path());
    assert_eq!(listed[0]["status"], "done");
    // The saved version records the confirmation: exactly the warnings the
    // form raises on the values it holds, the ID's among them.
    let record = &listed[0]["record"];
    let store = common::open(dir.path());
    let heads = store.case(record).unwrap().unwrap().heads;
    let saved = store.version(record, &heads[0]).unwrap().unwrap();
    let commune = store.commune().unwrap();
    let ctx = tothon::domain::form::Context {
        today: chrono::DateTime::parse_from_rfc3339(common::NOW)
            .unwrap()
            .date_naive(),
        villages: &commune.villages,
    };
    let mut warned: Vec<String> = tothon::domain::form::form("activation")
        .unwrap()
        .check(&saved.values, &ctx)
        .warnings()
        .map(|w| w.confirm_code())
        .collect();
    warned.sort();
    assert!(
        warned.iter().any(|w| w.starts_with("person_id:")),
        "{warned:?}"
    );
    assert_eq!(saved.confirmed, warned);
}

/// Issue 20 point 4: a second case of one form about a person already on
/// the list is refused in one sentence naming the case they have (told by
/// the ID, or by name and birth date when no ID is given), before its
/// values are judged; `--anyway` makes it. Another form is other work, and
/// a voided case no longer counts.
#[test]
fn a_second_case_for_the_same_person_is_refused_unless_anyway() {
    let dir = team_store();
    stdout(&mut case_new(dir.path(), &[]));
    let first = cases(dir.path())[0]["record"].clone();
    let err = fails(&mut case_new(dir.path(), &[]));
    assert!(
        err.starts_with(&format!("tothon: Người này đã có phiếu {first} (")),
        "{err}"
    );
    assert!(
        err.contains("034090123456, Xong); chưa lập phiếu mới"),
        "{err}"
    );
    assert!(err.trim_end().ends_with("chạy lại với --anyway."), "{err}");
    let err = fails(case_new(dir.path(), &[]).args(["--lang", "en"]));
    assert!(
        err.starts_with(&format!("tothon: This person already has {first} (")),
        "{err}"
    );
    assert!(err.contains("run again with --anyway"), "{err}");
    // No ID: the name, folded, and the birth date tell the person.
    let by_name = |extra: &[&str]| {
        let mut cmd = tothon(dir.path());
        cmd.args(["case", "new", "--form", "activation", "--author", "Lan"])
            .args([
                "--set",
                "full_name=NGUYEN VAN AN",
                "--set",
                "birth_date=01/05/1990",
            ])
            .args(extra);
        cmd
    };
    let err = fails(&mut by_name(&[]));
    assert!(err.contains(&format!("đã có phiếu {first}")), "{err}");
    // Born another day: someone else (and only then judged: the ID is missing).
    let err = fails(by_name(&["--set", "birth_date=02/05/1990"]).args(["--lang", "en"]));
    assert!(err.contains("Personal ID"), "{err}");
    assert_eq!(cases(dir.path()).len(), 1, "nothing written");

    // --anyway makes it; its help says what it does.
    stdout(&mut case_new(dir.path(), &["--anyway"]));
    assert_eq!(cases(dir.path()).len(), 2);
    let help = stdout(tothon(dir.path()).args(["case", "new", "--help"]));
    assert!(
        help.contains("--anyway") && help.contains("Vẫn lập phiếu mới"),
        "{help}"
    );

    // Another form about the same person is other work.
    stdout(tothon(dir.path()).args([
        "case",
        "new",
        "--form",
        "missing_field",
        "--author",
        "Lan",
        "--set",
        "person_id=034090123456",
        "--set",
        "full_name=Nguyễn Văn An",
        "--draft",
    ]));
    // Both follow-ups voided: a new one is made without --anyway.
    for row in cases(dir.path())
        .iter()
        .filter(|r| r["form"] == "activation")
    {
        stdout(tothon(dir.path()).args(["case", "void", &row["record"], "--reason", "Lập nhầm"]));
    }
    stdout(&mut case_new(dir.path(), &[]));
}

#[test]
fn english_messages_with_lang_en() {
    let dir = team_store();
    let err = fails(case_new(dir.path(), &["--set", "person_id=12"]).args(["--lang", "en"]));
    assert!(err.contains("12 digits"), "{err}");
}

#[test]
fn commands_on_an_empty_folder_say_how_to_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(tothon(dir.path()).args(["cases"]));
    assert!(err.contains("tothon init"), "{err}");
    assert!(!dir.path().join("tothon.redb").exists());
}

#[test]
fn a_saved_case_survives_the_process_ending_right_after() {
    let dir = team_store();
    stdout(&mut case_new(dir.path(), &[]));
    // The store is reopened by a fresh process: the commit is on disk.
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("tothon.redb"),
        copy.path().join("tothon.redb"),
    )
    .unwrap();
    assert_eq!(cases(copy.path()).len(), 1);
}

#[test]
fn a_store_from_a_newer_tothon_is_refused_not_damaged() {
    let dir = team_store();
    stdout(&mut case_new(dir.path(), &[]));
    {
        let db = redb::Database::open(dir.path().join("tothon.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        let meta: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("meta-1");
        txn.open_table(meta)
            .unwrap()
            .insert("schema", 99u32.to_le_bytes().as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    let before = std::fs::read(dir.path().join("tothon.redb")).unwrap();
    let err = fails(tothon(dir.path()).args(["cases"]));
    assert!(err.contains("mới hơn"), "{err}");
    assert!(std::fs::read(dir.path().join("tothon.redb")).unwrap() == before);
}

#[test]
fn the_demo_builds_and_lists_its_cases_the_same_for_the_same_seed() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [a.path(), b.path()] {
        let out = demo(dir, 800);
        // About as many people as asked: households are whole, and a few
        // duplicates are planted on top.
        let people: usize = out
            .split(" nhân khẩu,")
            .next()
            .and_then(|t| t.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count of people in: {out}"));
        assert!((800..840).contains(&people), "{out}");
    }
    let listing = cases_csv(a.path());
    assert!(csv_maps(&listing).len() > 300, "{listing}");
    assert_eq!(listing, cases_csv(b.path()));
    for team in 1..=6 {
        assert!(a.path().join(format!("team-{team}/tothon.redb")).exists());
    }
    // Opening the same demo again does not rebuild it.
    let err = fails(tothon(a.path()).args(["init", "commune", "--name", "X"]));
    assert!(err.contains("đã có dữ liệu"), "{err}");
}

/// The demo's work list is numbered village by village, as a commune lists
/// its work: in each form, team 1's cases come first, then team 2's, ...
#[test]
fn the_demo_numbers_its_work_village_by_village() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d, 800);
    let mut last: std::collections::BTreeMap<String, (u32, u8)> = Default::default();
    for row in cases(d) {
        let (code, number) = row["record"].split_once('-').unwrap();
        // Cases the office opened (a settled duplicate pair) carry its
        // device's code: not the work list's.
        let Ok(number) = number.parse::<u32>() else {
            continue;
        };
        let team: u8 = row["team"].parse().unwrap();
        if let Some(&(before, before_team)) = last.get(code) {
            assert!(number > before, "listed in order: {code}-{number}");
            assert!(
                team >= before_team,
                "{code}-{number} of team {team} after one of team {before_team}"
            );
        }
        last.insert(code.to_string(), (number, team));
    }
    // The three main forms at least (the other groups' few cases may not
    // all be begun in a demo this small).
    for code in ["AC", "HC", "MF"] {
        assert!(last.contains_key(code), "{last:?}");
    }
}

/// `tothon cases --format csv | head -1`: the reader stops after a line,
/// and tothon ends quietly, as it does printing a table.
#[cfg(unix)]
#[test]
fn a_reader_that_stops_early_ends_the_csv_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path(), 4000);
    let mut child = piped(dir.path(), ["cases", "--format", "csv"]);
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // A byte-order mark first (for Excel), then the header.
    assert!(first.starts_with("\u{feff}record,"), "{first}");
    // The reader is gone; the rest (far more than a pipe holds) has nowhere to go.
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    // Only the note that personal data left in plain text.
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim(),
        tothon::i18n::msg(tothon::i18n::Lang::Vi, &tothon::i18n::Msg::PersonalToOutput),
        "{err}"
    );
}

/// `tothon bundle import A B … | head -0`: the reader is gone before the
/// first line. Every bundle is still imported, and tothon ends quietly,
/// with no crash note.
#[cfg(unix)]
#[test]
fn a_reader_gone_before_an_import_prints_does_not_stop_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d, 1000);
    let mut second: Vec<_> = std::fs::read_dir(d.join("bundles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("team") && name.ends_with("-0002.zip")
        })
        .collect();
    second.sort();
    assert_eq!(second.len(), 6);
    let logged = |d: &Path| stdout(tothon(d).args(["imports"])).lines().count();
    let before = logged(d);
    // The demo's keys open with its known passphrase.
    let mut child = process(d)
        .env("TOTHON_PASSPHRASE", tothon::demo::DEMO_PASSPHRASE)
        .args(["bundle", "import"])
        .args(&second)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        logged(d),
        before + 6,
        "every bundle was imported and logged"
    );
    assert_eq!(crash_notes(d), Vec::<std::path::PathBuf>::new());
}

/// A blocker does not apply to an activated case (issue 20): given with
/// one it is refused in one sentence; carried over from a blocked case that
/// becomes activated, it goes, as on the screens, and nothing else does.
#[test]
fn a_blocker_given_for_an_activated_case_is_refused_and_one_carried_over_goes() {
    let dir = team_store();
    let dir = dir.path();
    let err = fails(&mut case_new(dir, &["--set", "blocker=away"]));
    assert!(
        err.contains("Không dùng trường này khi «Tình trạng» như hiện nay"),
        "{err}"
    );
    assert!(cases(dir).is_empty());
    let out = stdout(&mut case_new(
        dir,
        &[
            "--set",
            "status=not_registered",
            "--set",
            "blocker=no_smartphone",
        ],
    ));
    let record = out
        .split_whitespace()
        .find(|w| w.starts_with("AC-"))
        .unwrap()
        .to_string();
    stdout(
        tothon(dir)
            .args(["case", "edit", &record, "--author", "Lan"])
            .args(["--set", "status=activated_level2"]),
    );
    let row = case_row(dir, &record);
    assert_eq!(row["status"], "done");
    let head = common::open(dir).versions_of(&record).unwrap();
    let newest = head.iter().max_by_key(|v| v.edited_at).unwrap();
    assert!(
        !newest.values.contains_key("blocker"),
        "{:?}",
        newest.values
    );
    assert_eq!(newest.values["phone"], "0912345678");
}
