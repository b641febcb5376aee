use super::archive::Limits;
use super::format::{sha256_hex, version_header};
use super::key::Signer;
use super::read::parse_signature;
use super::rows::fill_values;
use super::write::{version_rows, versions_csv, work_items_csv};
use super::*;
use crate::domain::commune::Role;
use crate::domain::form;
use crate::domain::version::{Draft, Status, Version};
use crate::domain::work::{Person, WorkItem};
use chrono::{DateTime, FixedOffset};
use proptest::prelude::*;
use std::sync::OnceLock;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn signer() -> &'static Signer {
    static S: OnceLock<Signer> = OnceLock::new();
    S.get_or_init(|| Signer::generate_unencrypted().unwrap())
}

/// The receiving device's age identity.
fn reader() -> &'static age::Identity {
    static R: OnceLock<age::Identity> = OnceLock::new();
    R.get_or_init(|| age::Identity::from_secret([9; 32]))
}

/// A bundle as tothon writes it: encrypted to [`reader`].
fn sealed<V: write::VersionRow + Sync>(contents: &Contents<V>) -> Vec<u8> {
    write(contents, signer(), &[reader().recipient()]).unwrap()
}

/// The same in the plain format written before encryption (format 1),
/// still read: the tests of the CSV inside read it without decrypting.
fn plain<V: write::VersionRow + Sync>(contents: &Contents<V>) -> Vec<u8> {
    let files = write::data_files(contents).unwrap();
    write_files(&contents.header, signer(), files, None).unwrap()
}

fn version(record: &str, parents: &[&str], note: &str) -> Version {
    Draft {
        record: record.into(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        form: "activation".into(),
        team: 3,
        device: "T3AB12".into(),
        author: "Nguyễn Thị Lan".into(),
        edited_at: at("2026-11-20T09:30:00+07:00"),
        status: Status::InProgress,
        values: [
            ("full_name".to_string(), "Nguyễn Văn An".to_string()),
            ("person_id".to_string(), "034090123456".to_string()),
            ("note".to_string(), note.to_string()),
        ]
        .into(),
        confirmed: vec!["person_id:id_year_mismatch".into()],
    }
    .seal()
}

fn header(sender: Role, receiver: Role) -> Header {
    Header {
        commune: "Xã Tân Phong".into(),
        sender,
        sender_device: "T3AB12".into(),
        receiver,
        sequence: 7,
        created_at: at("2026-11-26T10:00:00+07:00"),
    }
}

fn team_contents() -> Contents {
    let a = version("AC-00001", &[], "Lần đầu");
    let b = version("AC-00001", &[&a.id], "=HYPERLINK(\"http://x\")");
    let mut c = version("HC-00002", &[], "");
    c.form = "household_check".into();
    c.values = [
        ("household_code".to_string(), "T3-0001".to_string()),
        ("note".to_string(), "'trích dẫn'".to_string()),
    ]
    .into();
    c.id = c.compute_id();
    Contents {
        header: header(Role::Team(3), Role::Commune),
        versions: vec![b, a, c],
        work_items: vec![],
        villages: vec![],
        people: vec![],
        moved: vec![],
        forms: Vec::new(),
    }
}

fn commune_contents() -> Contents {
    let mut c = team_contents();
    c.header = header(Role::Commune, Role::Team(3));
    c.work_items = vec![WorkItem {
        id: "AC-00001".into(),
        form: "activation".into(),
        team: 3,
        due: Some("2026-12-15".into()),
        prefill: [
            ("full_name".to_string(), "Nguyễn Văn An".to_string()),
            ("phone".to_string(), "+84912345678".to_string()),
        ]
        .into(),
    }];
    c.people = vec![
        Person {
            key: "NK-000001".into(),
            personal_id: "034085001234".into(),
            full_name: "Nguyễn Văn An".into(),
            birth_date: "1985-03-12".into(),
            sex: Some(crate::domain::rules::Sex::Male),
            household: "HK-01, \"Đông\"".into(),
            team: 3,
            relation: "Chủ hộ".into(),
            ..Person::default()
        },
        Person {
            key: "NK-000002".into(),
            full_name: "Lê Thị Hoa".into(),
            household: "HK-01".into(),
            team: 3,
            ..Person::default()
        },
    ];
    c
}

fn sorted(mut vs: Vec<Version>) -> Vec<Version> {
    vs.sort_by(|a, b| a.id.cmp(&b.id));
    vs
}

#[test]
fn a_bundle_reads_back_what_was_written_and_verifies() {
    for contents in [team_contents(), commune_contents()] {
        let bytes = sealed(&contents);
        let b = read(&bytes, Some(reader())).unwrap();
        assert_eq!(b.contents.header, contents.header);
        assert_eq!(
            sorted(b.contents.versions.clone()),
            sorted(contents.versions.clone())
        );
        assert_eq!(b.contents.work_items, contents.work_items);
        assert_eq!(b.contents.people, contents.people);
        assert_eq!(b.key_id, signer().public.id);
        b.verify(&signer().public).unwrap();
        let other = Signer::generate_unencrypted().unwrap();
        assert_eq!(b.verify(&other.public), Err(BundleError::BadSignature));
        // Every version's place names its file and spreadsheet row.
        for (v, p) in b.contents.versions.iter().zip(&b.version_places) {
            assert_eq!(p.file, format!("{}.csv", v.form));
            assert!(p.row >= 2);
        }
    }
}

#[test]
fn rows_read_one_after_another_keep_nothing_of_the_row_before() {
    // Rows are read into one reused version: fields, parents and confirmed
    // warnings that come and go from row to row must not linger.
    let a = version("AC-00001", &[], "ghi chú");
    let b = version("AC-00002", &[], "");
    let mut c = version("AC-00003", &[&a.id, &b.id], "x");
    c.values.insert("phone".into(), "0912345678".into());
    c.values.remove("full_name");
    c.confirmed.push("phone:prefix".into());
    c.id = c.compute_id();
    let mut d = version("AC-00004", &[&a.id], "");
    d.values.clear();
    d.confirmed.clear();
    d.id = d.compute_id();
    let e = version("AC-00005", &[], "cuối");
    let contents = Contents {
        header: header(Role::Team(3), Role::Commune),
        versions: vec![a, b, c, d, e],
        work_items: vec![],
        villages: vec![],
        people: vec![],
        moved: vec![],
        forms: Vec::new(),
    };
    let read_back = read(&sealed(&contents), Some(reader())).unwrap();
    assert_eq!(read_back.contents.versions, contents.versions);
}

#[test]
fn formula_cells_are_guarded_in_the_file_and_exact_after_reading() {
    let bytes = plain(&team_contents());
    let files = archive::read(&bytes, &archive::LIMITS, |_| Some(1 << 20)).unwrap();
    let (_, csv) = files.iter().find(|(n, _)| n == "activation.csv").unwrap();
    let text = std::str::from_utf8(csv).unwrap();
    assert!(text.starts_with('\u{FEFF}'));
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    assert!(text.contains("\r\n"));
    let b = read(&bytes, None).unwrap();
    assert!(
        b.contents
            .versions
            .iter()
            .any(|v| v.values.get("note").map(String::as_str) == Some("=HYPERLINK(\"http://x\")"))
    );
    assert!(
        b.contents
            .versions
            .iter()
            .any(|v| v.values.get("note").map(String::as_str) == Some("'trích dẫn'"))
    );
}

#[test]
fn the_same_content_gives_byte_identical_data_files() {
    let one = plain(&team_contents());
    let mut later = team_contents();
    later.header.sequence = 8;
    later.header.created_at = at("2026-11-27T10:00:00+07:00");
    later.versions.reverse();
    let two = plain(&later);
    let data = |z: &[u8]| {
        archive::read(z, &archive::LIMITS, |_| Some(1 << 20))
            .unwrap()
            .into_iter()
            .filter(|(n, _)| n != MANIFEST && n != SIGNATURE)
            .collect::<Vec<_>>()
    };
    assert_eq!(data(&one), data(&two));
}

#[test]
fn the_manifest_lists_hashes_and_the_trusted_comment_repeats_the_header() {
    let bytes = plain(&commune_contents());
    let files = archive::read(&bytes, &archive::LIMITS, |_| Some(1 << 20)).unwrap();
    let manifest = std::str::from_utf8(&files[0].1).unwrap();
    assert_eq!(files[0].0, MANIFEST);
    assert_eq!(files[1].0, SIGNATURE);
    for (name, data) in &files[2..] {
        let line = format!("file,{name},{},", sha256_hex(data));
        assert!(manifest.contains(&line), "{manifest}");
    }
    assert!(manifest.contains("sender,commune,,"));
    assert!(manifest.contains("receiver,team-3,,"));
    let sig = std::str::from_utf8(&files[1].1).unwrap();
    assert!(sig.contains(
        "trusted comment: tothon bundle; commune: Xã Tân Phong; sender: commune T3AB12 key "
    ));
    assert!(sig.contains("receiver: team-3; sequence: 7; created_at: 2026-11-26T10:00:00+07:00"));
    assert_eq!(
        commune_contents().header.file_name(),
        "commune-T3AB12-to-team3-0007.zip"
    );
}

#[test]
fn one_byte_changed_anywhere_is_refused() {
    let bytes = plain(&team_contents());
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80] {
            let mut changed = bytes.clone();
            changed[i] ^= flip;
            let outcome = read(&changed, None).and_then(|b| b.verify(&signer().public));
            assert!(outcome.is_err(), "byte {i} ^ {flip:#x} went unnoticed");
        }
    }
}

#[test]
fn every_truncation_is_refused() {
    let bytes = plain(&team_contents());
    for n in 0..bytes.len() {
        assert!(read(&bytes[..n], None).is_err(), "{n}");
    }
}

/// Re-signs the bundle with one data file replaced, as a sender with a valid
/// key but a broken (or hostile) writer would.
fn with_file(contents: &Contents, name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let bytes = plain(contents);
    let files = archive::read(&bytes, &archive::LIMITS, |_| Some(1 << 20)).unwrap();
    let data: Vec<DataFile> = files
        .into_iter()
        .filter(|(n, _)| n != MANIFEST && n != SIGNATURE)
        .map(|(n, d)| {
            let text = String::from_utf8(d).unwrap();
            let text = if n == name { edit(&text) } else { text };
            let rows = text.matches("\r\n").count().saturating_sub(1);
            DataFile {
                name: n,
                rows,
                bytes: text.into_bytes(),
            }
        })
        .collect();
    write_files(&contents.header, signer(), data, None).unwrap()
}

#[test]
fn a_malformed_row_names_file_row_and_column() {
    let c = team_contents();
    // A quote left open.
    let z = with_file(&c, "activation.csv", |t| {
        t.replacen("Nguyễn Thị Lan", "\"Nguyễn", 1)
    });
    assert!(matches!(
        read(&z, None),
        Err(BundleError::Cell { ref file, problem: CellProblem::Malformed(_) | CellProblem::Cells { .. }, .. })
            if file == "activation.csv"
    ));
    // A team number that is not one.
    let z = with_file(&c, "activation.csv", |t| {
        t.replacen(",3,T3AB12,", ",ba,T3AB12,", 1)
    });
    assert_eq!(
        read(&z, None).unwrap_err(),
        BundleError::Cell {
            file: "activation.csv".into(),
            row: 2,
            column: Some("team".into()),
            problem: CellProblem::NotValid
        }
    );
    // A changed value: the id no longer matches.
    let z = with_file(&c, "activation.csv", |t| {
        t.replacen("Lần đầu", "Lần hai", 1)
    });
    assert!(matches!(
        read(&z, None),
        Err(BundleError::WrongId { row: 3, .. })
    ));
    // A dropped column header.
    let z = with_file(&c, "household_check.csv", |t| t.replacen("parents,", "", 1));
    assert!(matches!(
        read(&z, None),
        Err(BundleError::Cell { row: 1, .. })
    ));
    // Decomposed (non-NFC) text.
    let z = with_file(&c, "activation.csv", |t| {
        t.replacen("Nguyễn Thị Lan", "Nguye\u{302}\u{303}n Thị Lan", 1)
    });
    assert!(matches!(
        read(&z, None),
        Err(BundleError::Cell {
            problem: CellProblem::NotNfc,
            ..
        })
    ));
    // A formula cell without its guard.
    let z = with_file(&c, "activation.csv", |t| {
        t.replacen("'=HYPERLINK", "=HYPERLINK", 1)
    });
    assert!(matches!(
        read(&z, None),
        Err(BundleError::Cell {
            problem: CellProblem::BadEscape,
            ..
        })
    ));
}

/// A record id must have one of the shapes tothon makes: one that only
/// looks like one (a right-to-left control in it, a Cyrillic letter) is
/// refused naming its file, row and column, in versions, work items and
/// the register alike.
#[test]
fn a_record_id_not_in_tothons_shape_is_refused_naming_file_row_and_column() {
    let refused = |file: &str, column: &str, from: &str, to: &str| {
        let z = with_file(&commune_contents(), file, |t| t.replacen(from, to, 1));
        assert_eq!(
            read(&z, None).unwrap_err(),
            BundleError::Cell {
                file: file.into(),
                row: 2,
                column: Some(column.into()),
                problem: CellProblem::NotValid
            },
            "{to:?} in {file}"
        );
    };
    for to in [
        "AC-00001\u{202e}",
        "AC-0000\u{202e}1",
        "\u{410}C-00001",
        "AC-1",
    ] {
        refused("activation.csv", "record", "AC-00001", to);
        refused("work_items.csv", "id", "AC-00001", to);
    }
    refused("register.csv", "key", "NK-000001", "NK-000001\u{200b}");
}

#[test]
fn rows_must_match_the_manifest_count() {
    let c = team_contents();
    let bytes = plain(&c);
    let files = archive::read(&bytes, &archive::LIMITS, |_| Some(1 << 20)).unwrap();
    let data: Vec<DataFile> = files
        .into_iter()
        .filter(|(n, _)| n != MANIFEST && n != SIGNATURE)
        .map(|(n, d)| DataFile {
            rows: if n == "activation.csv" { 5 } else { 0 },
            name: n,
            bytes: d,
        })
        .collect();
    let z = write_files(&c.header, signer(), data, None).unwrap();
    assert!(matches!(
        read(&z, None),
        Err(BundleError::RowCount {
            declared: 5,
            found: 2,
            ..
        }) | Err(BundleError::RowCount { .. })
    ));
}

#[test]
fn an_extra_entry_or_a_missing_file_is_refused() {
    let c = team_contents();
    let mut files: Vec<DataFile> = form::forms()
        .iter()
        .map(|f| DataFile {
            name: format!("{}.csv", f.id),
            rows: 0,
            bytes: versions_csv::<Version>(f, &[]).unwrap(),
        })
        .collect();
    // Not the last: a file added later may be missing from a manifest.
    files.remove(0);
    let z = write_files(&c.header, signer(), files, None).unwrap();
    assert!(matches!(
        read(&z, None),
        Err(BundleError::Cell { ref file, .. }) if file == MANIFEST
    ));
    // work_items.csv from a team.
    let mut files: Vec<DataFile> = form::forms()
        .iter()
        .map(|f| DataFile {
            name: format!("{}.csv", f.id),
            rows: 0,
            bytes: versions_csv::<Version>(f, &[]).unwrap(),
        })
        .collect();
    files.push(DataFile {
        name: WORK_ITEMS.into(),
        rows: 0,
        bytes: work_items_csv(&[]).unwrap(),
    });
    let z = write_files(&c.header, signer(), files, None).unwrap();
    assert!(read(&z, None).is_err());
}

#[test]
fn small_limits_refuse_big_entries_before_reading_them() {
    let bytes = plain(&team_contents());
    let tight = Limits {
        data_file: 100,
        ..archive::LIMITS
    };
    assert!(matches!(
        read_with(&bytes, &tight, None),
        Err(BundleError::EntryTooBig { limit: 100, .. })
    ));
}

#[test]
fn a_signature_file_with_short_fields_is_refused_not_a_panic() {
    let c = team_contents();
    let bytes = plain(&c);
    let files = archive::read(&bytes, &archive::LIMITS, |_| Some(1 << 20)).unwrap();
    let sig = String::from_utf8(files[1].1.clone()).unwrap();
    let lines: Vec<&str> = sig.lines().collect();
    let short = format!("{}\n{}\n{}\nAAAA\n", lines[0], lines[1], lines[2]);
    assert!(matches!(
        parse_signature(short.as_bytes()),
        Err(BundleError::SignatureFile)
    ));
    let other_comment = sig.replacen("untrusted comment: ", "untrusted comment: x", 1);
    assert!(parse_signature(other_comment.as_bytes()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = read(&bytes, None);
    }

    #[test]
    fn mangled_bundles_never_panic_and_are_refused(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = plain(&team_contents());
        let original = bytes.clone();
        for (i, b) in &edits {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let outcome = read(&bytes, None).and_then(|b| b.verify(&signer().public));
        if bytes != original {
            prop_assert!(outcome.is_err());
        }
    }
}

#[test]
fn a_big_form_file_written_in_chunks_is_the_file_written_in_one() {
    // Enough versions for several chunks, some sharing a case.
    let versions: Vec<Version> = (0..20_000)
        .map(|i| version(&format!("AC-{:05}", i / 3), &[], &format!("ghi chú {i}")))
        .collect();
    let refs: Vec<&Version> = versions.iter().collect();
    let spec = form::form("activation").unwrap();
    let chunked = versions_csv(spec, &refs).unwrap();
    let mut whole = Vec::new();
    {
        let mut w = cells::writer(&mut whole);
        w.write_record(version_header(spec)).unwrap();
        w.flush().unwrap();
    }
    let mut in_order = refs.clone();
    in_order.sort_by(|a, b| (&a.record, a.edited_at, &a.id).cmp(&(&b.record, b.edited_at, &b.id)));
    whole.extend(version_rows(spec, &in_order).unwrap());
    assert!(
        chunked == whole,
        "chunked CSV differs from the CSV written whole"
    );
}

proptest! {
    #[test]
    fn filling_values_leaves_exactly_the_pairs(
        before in proptest::collection::btree_map("[a-e]{1,2}", "[x-z]{0,3}", 0..8),
        after in proptest::collection::btree_map("[a-e]{1,2}", "[x-z]{1,3}", 0..8),
    ) {
        let mut map = before;
        fill_values(&mut map, after.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert_eq!(map, after);
    }
}
