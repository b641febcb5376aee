use super::*;
use crate::domain::commune::Role;
use crate::domain::standing::Stage;
use crate::domain::version::Status;
use chrono::{DateTime, NaiveDate};

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(
        dir.path(),
        &Commune::with_numbered_villages("Xã Thử", 6),
        &Device {
            id: "AB12CD".into(),
            role: Role::Team(2),
        },
    )
    .unwrap();
    store
        .set_own_key_wrapping(&test_key(), &test_wrap())
        .unwrap();
    (dir, store)
}

/// A store as tothon wrote one before sealing: schema 9, plain values.
/// The tests of older schemas make theirs from it.
fn plain_setup() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = setup();
    store.unlocked = Some(([0; 32], Vault::Plain));
    let txn = store.db.begin_write().unwrap();
    txn.open_table(META)
        .unwrap()
        .insert("schema", migrate::LAST_PLAIN.to_le_bytes().as_slice())
        .unwrap();
    txn.commit().unwrap();
    (dir, store)
}

/// A key pair as the store keeps one (the tests' stores never sign).
fn test_key() -> OwnKey {
    OwnKey {
        id: "0000000000000001".into(),
        public: String::new(),
        encrypted_secret: String::new(),
        created_at: String::new(),
    }
}

/// What the tests' stores keep their data key under (a device's comes from
/// its signing key).
fn test_wrap() -> WrapKey {
    WrapKey([9; 32])
}

/// The store in `dir`, opened and unlocked again (sealed first, if it is
/// from before sealing).
fn reopen(dir: &Path) -> Store {
    Store::open(dir).unwrap().unlock(&test_wrap()).unwrap()
}

/// A work item of the activation form, without prefilled values.
fn activation_item(id: &str, team: u8, due: Option<&str>) -> WorkItem {
    WorkItem {
        id: id.into(),
        form: "activation".into(),
        team,
        due: due.map(str::to_string),
        prefill: BTreeMap::new(),
    }
}

fn draft(record: &str, parents: &[&str], note: &str) -> Draft {
    Draft {
        record: record.into(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        form: "activation".into(),
        team: 2,
        device: "AB12CD".into(),
        author: "Lan".into(),
        edited_at: DateTime::parse_from_rfc3339("2026-11-20T09:30:00+07:00").unwrap(),
        status: Status::InProgress,
        values: [
            ("full_name".to_string(), "Nguyễn Văn An".to_string()),
            ("note".to_string(), note.to_string()),
        ]
        .into(),
        confirmed: vec![],
    }
}

#[test]
fn create_then_open_keeps_commune_and_device() {
    let (dir, store) = setup();
    drop(store);
    let store = reopen(dir.path());
    assert_eq!(store.commune().unwrap().villages.len(), 6);
    assert_eq!(store.device().unwrap().role, Role::Team(2));
    assert!(matches!(
        Store::create(
            dir.path(),
            &store.commune().unwrap(),
            &store.device().unwrap()
        ),
        Err(StoreError::AlreadySetUp(_))
    ));
}

#[test]
fn a_missing_store_is_not_set_up() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Store::open(dir.path()),
        Err(StoreError::NotSetUp(_))
    ));
}

#[test]
fn a_new_case_gets_a_record_id_and_an_index_entry() {
    let (_dir, store) = setup();
    let v = store.save(draft("", &[], "first"), None).unwrap();
    assert_eq!(v.record, "AC-AB12CD-0001");
    let second = store.save(draft("", &[], "other"), None).unwrap();
    assert_eq!(second.record, "AC-AB12CD-0002");
    let entry = store.case(&v.record).unwrap().unwrap();
    assert_eq!(entry.heads, vec![v.id.clone()]);
    assert_eq!(entry.title, "Nguyễn Văn An");
    assert_eq!(entry.search, "nguyen van an");
    assert_eq!(store.case_count().unwrap(), 2);
}

#[test]
fn edits_move_the_head_and_parallel_edits_conflict() {
    let (_dir, store) = setup();
    let a = store.save(draft("AC-1", &[], "a"), None).unwrap();
    let b = store.save(draft("AC-1", &[&a.id], "b"), None).unwrap();
    let entry = store.case("AC-1").unwrap().unwrap();
    assert_eq!(entry.heads, vec![b.id.clone()]);
    assert_eq!(entry.versions, 2);

    let c = draft("AC-1", &[&a.id], "c").seal();
    let summary = store.add_versions(&[c.clone(), b.clone()]).unwrap();
    assert_eq!(
        summary,
        AddSummary {
            new: 1,
            known: 1,
            new_conflicts: 1
        }
    );
    assert!(store.case("AC-1").unwrap().unwrap().in_conflict());

    let r = store
        .save(draft("AC-1", &[&b.id, &c.id], "resolved"), None)
        .unwrap();
    let entry = store.case("AC-1").unwrap().unwrap();
    assert_eq!(entry.heads, vec![r.id.clone()]);
    assert_eq!(store.versions_of("AC-1").unwrap().len(), 4);
}

#[test]
fn adding_the_same_versions_twice_changes_nothing() {
    let (_dir, store) = setup();
    let a = draft("AC-1", &[], "a").seal();
    let b = draft("AC-1", &[&a.id], "b").seal();
    store.add_versions(&[b.clone(), a.clone()]).unwrap();
    let before = store.cases().unwrap();
    let again = store.add_versions(&[a, b]).unwrap();
    assert_eq!(again.new, 0);
    assert_eq!(again.known, 2);
    assert_eq!(store.cases().unwrap(), before);
}

#[test]
fn saving_drops_the_typing_draft() {
    let (_dir, store) = setup();
    let typed = SavedDraft {
        form: "activation".into(),
        record: None,
        parents: vec![],
        values: [("full_name".to_string(), "Nguyễn Văn".to_string())].into(),
        author: "Lan".into(),
        saved_at: "2026-11-20T09:30:00+07:00".into(),
    };
    store.put_draft("new:activation", &typed).unwrap();
    assert_eq!(store.draft("new:activation").unwrap(), Some(typed));
    store
        .save(draft("", &[], "x"), Some("new:activation"))
        .unwrap();
    assert_eq!(store.draft("new:activation").unwrap(), None);
}

#[test]
fn a_second_open_is_refused_as_already_open() {
    let (dir, _store) = setup();
    assert!(matches!(
        Store::open(dir.path()),
        Err(StoreError::AlreadyOpen)
    ));
}

fn set_schema(dir: &Path, schema: u32) {
    let db = Database::open(Store::file_in(dir)).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(META)
        .unwrap()
        .insert("schema", schema.to_le_bytes().as_slice())
        .unwrap();
    txn.commit().unwrap();
}

#[test]
fn a_newer_schema_is_refused_and_left_unchanged() {
    let (dir, store) = setup();
    store.save(draft("AC-1", &[], "a"), None).unwrap();
    drop(store);
    set_schema(dir.path(), SCHEMA + 1);
    let before = std::fs::read(Store::file_in(dir.path())).unwrap();
    match Store::open(dir.path()) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA + 1, SCHEMA));
        }
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
    assert!(std::fs::read(Store::file_in(dir.path())).unwrap() == before);
}

#[test]
fn a_schema_1_store_is_migrated_by_building_the_case_index() {
    let (dir, store) = plain_setup();
    let a = store.save(draft("AC-1", &[], "a"), None).unwrap();
    drop(store);
    // Make it look like schema 1: no case index.
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        txn.delete_table(CASES).unwrap();
        txn.open_table(META)
            .unwrap()
            .insert("schema", 1u32.to_le_bytes().as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    let store = reopen(dir.path());
    assert_eq!(store.case("AC-1").unwrap().unwrap().heads, vec![a.id]);
    drop(store);
    let db = Database::open(Store::file_in(dir.path())).unwrap();
    let txn = db.begin_read().unwrap();
    let schema = txn
        .open_table(META)
        .unwrap()
        .get("schema")
        .unwrap()
        .unwrap();
    assert_eq!(schema.value(), SCHEMA.to_le_bytes().as_slice());
}

#[test]
fn a_schema_2_store_is_migrated_with_empty_keys_and_sequences() {
    let (dir, store) = plain_setup();
    let a = store.save(draft("AC-1", &[], "a"), None).unwrap();
    drop(store);
    // Make it look like schema 2: no key tables, no key.
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        txn.delete_table(TRUSTED_KEYS).unwrap();
        txn.delete_table(SEQUENCES).unwrap();
        let mut meta = txn.open_table(META).unwrap();
        meta.insert("schema", 2u32.to_le_bytes().as_slice())
            .unwrap();
        meta.remove("key").unwrap();
        drop(meta);
        txn.commit().unwrap();
    }
    let store = reopen(dir.path());
    assert_eq!(store.case("AC-1").unwrap().unwrap().heads, vec![a.id]);
    assert_eq!(store.own_key().unwrap(), None);
    assert!(store.trusted_keys().unwrap().is_empty());
    assert_eq!(store.next_sequence("commune").unwrap(), 1);
    drop(store);
    let db = Database::open(Store::file_in(dir.path())).unwrap();
    let txn = db.begin_read().unwrap();
    let schema = txn
        .open_table(META)
        .unwrap()
        .get("schema")
        .unwrap()
        .unwrap();
    assert_eq!(schema.value(), SCHEMA.to_le_bytes().as_slice());
}

#[test]
fn a_schema_5_store_has_its_index_and_list_rewritten_into_one_smaller_table() {
    let (dir, store) = plain_setup();
    let a = store.save(draft("AC-1", &[], "a"), None).unwrap();
    let line = store.list_row("AC-1").unwrap().unwrap();
    drop(store);
    // Make it look like schema 5: a line that leads with its record, in a
    // table of its own, and the index entry in another.
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let joined = {
                let lines = txn.open_table(LINES).unwrap();
                lines.get("AC-1").unwrap().unwrap().value().to_vec()
            };
            let (new, entry) = rows::split(&joined).unwrap();
            assert!(!entry.is_empty());
            let mut old = new[..22].to_vec();
            old.extend_from_slice(&4u16.to_le_bytes());
            old.extend_from_slice(b"AC-1");
            old.extend_from_slice(&new[22..]);
            txn.open_table(ROWS)
                .unwrap()
                .insert("AC-1", old.as_slice())
                .unwrap();
            txn.open_table(CASES)
                .unwrap()
                .insert("AC-1", entry)
                .unwrap();
            assert!(txn.delete_table(LINES).unwrap());
            let mut meta = txn.open_table(META).unwrap();
            meta.insert("schema", 5u32.to_le_bytes().as_slice())
                .unwrap();
            meta.insert("case_index", codec::encode(&5u32).as_slice())
                .unwrap();
        }
        txn.commit().unwrap();
    }
    let store = reopen(dir.path());
    assert_eq!(store.list_row("AC-1").unwrap(), Some(line));
    assert_eq!(store.case("AC-1").unwrap().unwrap().heads, vec![a.id]);
    drop(store);
    // The two tables of before are gone.
    let db = Database::open(Store::file_in(dir.path())).unwrap();
    let read = db.begin_read().unwrap();
    assert!(read.open_table(CASES).is_err() && read.open_table(ROWS).is_err());
}

#[test]
fn a_schema_8_store_has_its_entries_rewritten_without_the_lines_texts() {
    let (dir, store) = plain_setup();
    store.save(draft("AC-1", &[], "a"), None).unwrap();
    let case = store.case("AC-1").unwrap().unwrap();
    let line = store.list_row("AC-1").unwrap().unwrap();
    drop(store);
    let stored = |dir: &Path| {
        let db = Database::open(Store::file_in(dir)).unwrap();
        let read = db.begin_read().unwrap();
        let lines = read.open_table(LINES).unwrap();
        lines.get("AC-1").unwrap().unwrap().value().to_vec()
    };
    let lined = stored(dir.path());
    // As schema 8 wrote it: the entry with its own title and search key.
    {
        let (row, _) = rows::split(&lined).unwrap();
        let mut old = row.to_vec();
        old.extend_from_slice(&codec::encode_case(&case));
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(LINES)
            .unwrap()
            .insert("AC-1", old.as_slice())
            .unwrap();
        txn.open_table(META)
            .unwrap()
            .insert("schema", 8u32.to_le_bytes().as_slice())
            .unwrap();
        txn.commit().unwrap();
        assert!(old.len() >= lined.len() + case.title.len() + case.search.len());
    }
    let store = reopen(dir.path());
    assert_eq!(store.case("AC-1").unwrap().unwrap(), case);
    assert_eq!(store.list_row("AC-1").unwrap(), Some(line));
    // Rewritten as schema 9 wrote it, then sealed.
    let raw = {
        let read = store.db.begin_read().unwrap();
        let lines = read.open_table(LINES).unwrap();
        lines.get("AC-1").unwrap().unwrap().value().to_vec()
    };
    let vault = store.vault().unwrap();
    assert_eq!(
        vault.open_owned(Sealed::Lines, "AC-1", &raw).unwrap(),
        lined
    );
}

#[test]
fn an_index_that_counted_a_draft_as_work_in_progress_is_counted_again_at_unlock() {
    let (dir, store) = setup();
    store
        .put_work_items([&activation_item("AC-1", 2, None)])
        .unwrap();
    let done = store
        .save(
            Draft {
                status: Status::Done,
                ..draft("AC-1", &[], "done")
            },
            None,
        )
        .unwrap();
    store
        .save(
            Draft {
                status: Status::Draft,
                ..draft("AC-1", &[&done.id], "31/02/2026")
            },
            None,
        )
        .unwrap();
    let line = store.list_row("AC-1").unwrap().unwrap();
    let case = store.case("AC-1").unwrap().unwrap();
    assert_eq!((line.stage, line.draft_status), (Stage::Done, true));
    assert_eq!((case.stage, case.status), (Stage::Done, Status::Draft));
    // As an index of before (`case_index` 6) stored it: the draft's line
    // in progress.
    let raw = {
        let read = store.db.begin_read().unwrap();
        let lines = read.open_table(LINES).unwrap();
        lines.get("AC-1").unwrap().unwrap().value().to_vec()
    };
    let mut old = store
        .vault()
        .unwrap()
        .open_owned(Sealed::Lines, "AC-1", &raw)
        .unwrap();
    old[2] = 1;
    store.put_raw_list_row("AC-1", &old).unwrap();
    assert_eq!(
        store.list_row("AC-1").unwrap().unwrap().stage,
        Stage::InProgress
    );
    store.put_meta("case_index", &codec::encode(&6u32)).unwrap();
    drop(store);
    let store = reopen(dir.path());
    assert_eq!(store.list_row("AC-1").unwrap(), Some(line));
    assert_eq!(store.case("AC-1").unwrap(), Some(case));
}

#[test]
fn a_rebuilt_index_starts_from_nothing_not_from_the_lines_it_replaces() {
    let (dir, store) = setup();
    store
        .put_work_items([&activation_item("AC-1", 2, Some("2026-12-20"))])
        .unwrap();
    store.save(draft("AC-2", &[], "a"), None).unwrap();
    let lines = store.list_rows().unwrap();
    // Damaged, or of a layout an older index wrote.
    store.put_raw_list_row("AC-1", &[0xff]).unwrap();
    store.put_raw_list_row("AC-2", &[0xff]).unwrap();
    drop(store);
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(META)
            .unwrap()
            .insert("case_index", codec::encode(&0u32).as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    let store = reopen(dir.path());
    assert_eq!(store.list_rows().unwrap(), lines);
    assert_eq!(store.case_count().unwrap(), 1);
}

#[test]
fn a_schema_6_store_keeps_its_people_and_work_items_in_json_and_reads_them() {
    let (dir, store) = plain_setup();
    let person = Person {
        key: "P000001".into(),
        full_name: "Nguyễn Văn An".into(),
        sex: Some(crate::domain::rules::Sex::Male),
        team: 2,
        ..Person::default()
    };
    let item = activation_item("AC-1", 2, Some("2026-12-20"));
    let line = {
        store.put_work_items([&item]).unwrap();
        store.list_row("AC-1").unwrap()
    };
    drop(store);
    // As schema 6 wrote them.
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        {
            txn.open_table(PEOPLE)
                .unwrap()
                .insert("P000001", codec::encode(&person).as_slice())
                .unwrap();
            txn.open_table(WORK_ITEMS)
                .unwrap()
                .insert("AC-1", codec::encode(&item).as_slice())
                .unwrap();
        }
        txn.commit().unwrap();
    }
    set_schema(dir.path(), 6);
    let store = reopen(dir.path());
    assert_eq!(store.people().unwrap(), vec![person]);
    assert_eq!(store.work_items().unwrap(), vec![item]);
    assert_eq!(store.list_row("AC-1").unwrap(), line);
    assert_eq!(store.case_count().unwrap(), 0, "a work item is not a case");
    assert_eq!(store.cases().unwrap(), vec![]);
    // A case arriving for the item takes its due date, read from JSON.
    let v = draft("AC-1", &[], "a").seal();
    store.add_versions(&[v]).unwrap();
    assert_eq!(store.case_count().unwrap(), 1);
    assert_eq!(store.cases().unwrap().len(), 1);
    let due = store.list_row("AC-1").unwrap().unwrap().due;
    assert_eq!(due, NaiveDate::from_ymd_opt(2026, 12, 20));
    drop(store);
    let db = Database::open(Store::file_in(dir.path())).unwrap();
    let schema = db.begin_read().unwrap().open_table(META).unwrap();
    let schema = schema.get("schema").unwrap().unwrap();
    assert_eq!(schema.value(), SCHEMA.to_le_bytes().as_slice());
}

#[test]
fn a_schema_3_store_has_its_versions_moved_to_the_case_keyed_table() {
    let (dir, store) = plain_setup();
    let a = store.save(draft("AC-1", &[], "a"), None).unwrap();
    let b = store.save(draft("AC-1", &[&a.id], "b"), None).unwrap();
    let c = store.save(draft("AC-2", &[], "c"), None).unwrap();
    drop(store);
    // Make it look like schema 3: versions by id as JSON, and the
    // multimap of each case's versions.
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        txn.delete_table(VERSIONS).unwrap();
        {
            let mut old = txn.open_table(VERSIONS_BY_ID).unwrap();
            let mut cases = txn.open_multimap_table(CASE_VERSIONS).unwrap();
            for v in [&a, &b, &c] {
                old.insert(v.id.as_str(), codec::encode(v).as_slice())
                    .unwrap();
                cases.insert(v.record.as_str(), v.id.as_str()).unwrap();
            }
        }
        txn.open_table(META)
            .unwrap()
            .insert("schema", 3u32.to_le_bytes().as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    let store = reopen(dir.path());
    assert_eq!(
        store.versions_of("AC-1").unwrap(),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(store.version("AC-2", &c.id).unwrap(), Some(c.clone()));
    assert_eq!(
        store.case("AC-1").unwrap().unwrap().heads,
        vec![b.id.clone()]
    );
    drop(store);
    let db = Database::open(Store::file_in(dir.path())).unwrap();
    let txn = db.begin_read().unwrap();
    use redb::TableHandle;
    let names: Vec<String> = txn
        .list_tables()
        .unwrap()
        .map(|t| t.name().to_string())
        .collect();
    assert!(!names.contains(&"versions-1".to_string()), "{names:?}");
    assert_eq!(txn.list_multimap_tables().unwrap().count(), 0);
}

fn trusted(id: &str, team: Option<u8>) -> TrustedKey {
    TrustedKey {
        id: id.into(),
        public: "RW...".into(),
        team,
        added_at: "2026-11-20T09:30:00+07:00".into(),
        revoked_at: None,
        device: None,
        age: None,
    }
}

#[test]
fn keys_are_trusted_revoked_and_kept() {
    let (_dir, store) = setup();
    store.trust_key(&trusted("AAAA", Some(3))).unwrap();
    store.trust_key(&trusted("BBBB", None)).unwrap();
    assert_eq!(store.trusted_keys().unwrap().len(), 2);
    let revoked = store
        .revoke_key("AAAA", "2026-11-21T08:00:00+07:00")
        .unwrap();
    assert_eq!(
        revoked.unwrap().revoked_at.as_deref(),
        Some("2026-11-21T08:00:00+07:00")
    );
    // Revoking again keeps the first time.
    let again = store
        .revoke_key("AAAA", "2026-12-01T08:00:00+07:00")
        .unwrap();
    assert_eq!(
        again.unwrap().revoked_at.as_deref(),
        Some("2026-11-21T08:00:00+07:00")
    );
    assert_eq!(store.revoke_key("CCCC", "x").unwrap(), None);
    assert_eq!(store.trusted_key("BBBB").unwrap().unwrap().team, None);
}

#[test]
fn sequences_count_per_receiver() {
    let (_dir, store) = setup();
    assert_eq!(store.next_sequence("team-1").unwrap(), 1);
    assert_eq!(store.next_sequence("team-1").unwrap(), 2);
    assert_eq!(store.next_sequence("team-2").unwrap(), 1);
    assert_eq!(store.sequences().unwrap()["team-1"], 2);
}

#[test]
fn a_sequence_is_peeked_then_taken_once_and_can_be_given_back() {
    let (_dir, store) = setup();
    assert_eq!(store.peek_sequence("team-1").unwrap(), 1);
    assert_eq!(
        store.peek_sequence("team-1").unwrap(),
        1,
        "a peek takes nothing"
    );
    assert!(
        store
            .take_sequences(&[("team-1", 1), ("team-2", 1)])
            .unwrap()
    );
    // Taken already: nothing of a second take is kept.
    assert!(
        !store
            .take_sequences(&[("team-3", 1), ("team-1", 1)])
            .unwrap()
    );
    assert_eq!(store.peek_sequence("team-3").unwrap(), 1);
    assert_eq!(store.peek_sequence("team-1").unwrap(), 2);
    store.give_back_sequences(&[("team-1", 1)]).unwrap();
    assert_eq!(store.peek_sequence("team-1").unwrap(), 1);
    // Only the last number sent is given back.
    assert!(store.take_sequences(&[("team-2", 2)]).unwrap());
    store.give_back_sequences(&[("team-2", 1)]).unwrap();
    assert_eq!(store.peek_sequence("team-2").unwrap(), 3);
}

#[test]
fn an_import_writes_versions_work_items_binding_and_log_together() {
    let (_dir, store) = setup();
    store.trust_key(&trusted("AAAA", Some(2))).unwrap();
    let a = draft("AC-1", &[], "a").seal();
    let b = draft("AC-1", &[&a.id], "b").seal();
    store.add_versions(std::slice::from_ref(&a)).unwrap();
    let item = activation_item("AC-2", 2, None);
    let summary = store
        .merge(true, |m| {
            let held = m.held("AC-1")?;
            assert_eq!(held.ids, vec![a.id.clone()]);
            let summary = m.add_case("AC-1", &[&b], None, &held)?;
            m.put_work_items(std::slice::from_ref(&item), true)?;
            m.bind_device("AAAA", "T2XY")?;
            assert_eq!(m.held("AC-1")?.team(), Some(2));
            assert_eq!(m.held("AC-2")?.team(), Some(2));
            assert_eq!(m.held("AC-9")?.team(), None);
            m.log(&ImportEntry {
                file: "team2-T2XY-to-commune-0001.zip".into(),
                sender: "team-2".into(),
                sequence: 1,
                accepted: true,
                new: summary.new,
                known: 1,
                ..ImportEntry::default()
            })?;
            Ok::<_, StoreError>(AddSummary {
                known: 1,
                ..summary
            })
        })
        .unwrap();
    assert_eq!((summary.new, summary.known), (1, 1));
    assert_eq!(store.work_item("AC-2").unwrap(), Some(item));
    assert_eq!(
        store
            .trusted_key("AAAA")
            .unwrap()
            .unwrap()
            .device
            .as_deref(),
        Some("T2XY")
    );
    let log = store.imports().unwrap();
    assert_eq!((log[0].new, log[0].known, log[0].accepted), (1, 1, true));
    assert_eq!(
        store.versions_of("AC-1").unwrap(),
        vec![a.clone(), b.clone()]
    );
}

#[test]
fn an_abandoned_merge_writes_nothing() {
    let (_dir, store) = setup();
    let a = draft("AC-1", &[], "a").seal();
    store
        .merge(false, |m| m.add_case("AC-1", &[&a], None, &m.held("AC-1")?))
        .unwrap();
    assert!(store.all_versions().unwrap().is_empty());
    assert!(store.case("AC-1").unwrap().is_none());
}

#[test]
fn a_prepared_case_is_stored_exactly_as_one_worked_out_in_the_transaction() {
    let a = draft("AC-1", &[], "a").seal();
    let b = draft("AC-1", &[&a.id], "b").seal();
    let c = draft("AC-1", &[&a.id], "c").seal();
    // The versions' team's item, and one the commune moved to team 1.
    let item = activation_item("AC-1", 2, Some("2026-12-20"));
    let moved = activation_item("AC-1", 1, Some("2026-12-20"));
    // Another case prepared first with the same scratch memory: nothing of
    // it may leak into the next.
    let x = draft("AC-9", &[], "x").seal();
    let y = draft("AC-9", &[&x.id], "y").seal();
    let z = draft("AC-9", &[&x.id], "z").seal();
    let w = draft("AC-9", &[&x.id], "w").seal();
    let stored_with = |item: &WorkItem, new: &[&Version], prepared: bool| {
        let (dir, store) = setup();
        store.put_work_items([item]).unwrap();
        let ahead = prepared.then(|| {
            let mut scratch = Scratch::new(store.vault().unwrap());
            prepare(&[&x, &y, &z, &w], &mut scratch).unwrap();
            prepare(new, &mut scratch).unwrap()
        });
        let summary = store
            .merge(true, |m| {
                let held = m.held("AC-1")?;
                m.add_case("AC-1", new, ahead.as_ref(), &held)
            })
            .unwrap();
        let content = (
            summary,
            store.cases().unwrap(),
            store.list_rows().unwrap(),
            store.all_versions().unwrap(),
        );
        drop(dir);
        content
    };
    let stored = |new: &[&Version], prepared: bool| stored_with(&item, new, prepared);
    let worked_out = stored(&[&a, &b, &c], false);
    assert_eq!(worked_out.0.new_conflicts, 1);
    assert_eq!(stored(&[&a, &b, &c], true), worked_out);
    let worked_out = stored(&[&a], false);
    assert_eq!(worked_out.0.new_conflicts, 0);
    assert_eq!(stored(&[&a], true), worked_out);
    // Team 2's work on an item moved to team 1: team 1's case, in conflict,
    // whether or not it was prepared ahead (the ahead work is not used).
    let worked_out = stored_with(&moved, &[&a], false);
    assert_eq!(worked_out.0.new_conflicts, 1);
    assert_eq!((worked_out.1[0].team, worked_out.1[0].strayed), (1, true));
    assert_eq!(stored_with(&moved, &[&a], true), worked_out);
}

#[test]
fn all_versions_come_in_store_order_however_many() {
    let (_dir, store) = setup();
    // Many versions, an odd count, several to a case.
    let versions: Vec<Version> = (0..9_001)
        .map(|i| draft(&format!("AC-{:05}", i / 2), &[], &format!("v{i}")).seal())
        .collect();
    store.add_versions(&versions).unwrap();
    let mut expected = versions;
    expected.sort_by(|a, b| (&a.record, &a.id).cmp(&(&b.record, &b.id)));
    assert!(store.all_versions().unwrap() == expected);
}

#[test]
fn what_a_merge_began_with_is_looked_up_again_once_the_merge_changed_it() {
    let (_dir, store) = setup();
    let a = draft("AC-1", &[], "a").seal();
    let b = draft("AC-2", &[], "b").seal();
    let c = draft("AC-3", &[], "c").seal();
    let items = [
        activation_item("AC-2", 2, Some("2026-12-20")),
        activation_item("AC-3", 2, Some("2026-12-20")),
    ];
    store
        .merge(true, |m| {
            let before = m.before();
            let (mut one, mut two, mut three) = (Held::default(), Held::default(), Held::default());
            before.look("AC-1", |_| true, &mut one)?;
            before.look("AC-2", |_| true, &mut two)?;
            before.look("AC-3", |_| true, &mut three)?;
            // The merge writes AC-1: what was looked up before is stale.
            let now = m.held("AC-1")?;
            m.add_case("AC-1", &[&a], None, &now)?;
            m.hold("AC-1", |_| true, &mut one, true)?;
            assert_eq!(one.ids, vec![a.id.clone()]);
            // Work items written: any line may have changed.
            assert_eq!(two.team(), None);
            m.put_work_items(&items, true)?;
            m.hold("AC-2", |_| true, &mut two, true)?;
            assert_eq!(two.team(), Some(2));
            let prepared = prepare(&[&b], &mut m.before().scratch());
            m.add_case("AC-2", &[&b], prepared.as_ref(), &two)?;
            // Given what the snapshot said before the work items, even
            // without `hold`, the merge does not write from it.
            let prepared = prepare(&[&c], &mut m.before().scratch());
            m.add_case("AC-3", &[&c], prepared.as_ref(), &three)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    for (record, id) in [("AC-2", &b.id), ("AC-3", &c.id)] {
        let line = store.list_row(record).unwrap().unwrap();
        assert_eq!(line.due, chrono::NaiveDate::from_ymd_opt(2026, 12, 20));
        assert_eq!(store.case(record).unwrap().unwrap().heads, vec![id.clone()]);
    }
}

#[test]
fn people_and_work_items_given_in_any_order_are_stored_the_last_given_winning() {
    let (_dir, store) = setup();
    let person = |key: &str, name: &str| Person {
        key: key.into(),
        full_name: name.into(),
        team: 2,
        ..Person::default()
    };
    // As a commune's list arrives: village by village, keys interleaved,
    // one person given twice (the later line is the correction).
    let people = [
        person("P000003", "Lê Văn C"),
        person("P000001", "Nguyễn Văn A"),
        person("P000003", "Lê Văn Cường"),
        person("P000002", "Trần Thị B"),
    ];
    store.put_people(&people).unwrap();
    let names: Vec<(String, String)> = store
        .people()
        .unwrap()
        .into_iter()
        .map(|p| (p.key, p.full_name))
        .collect();
    assert_eq!(
        names,
        [
            ("P000001".to_string(), "Nguyễn Văn A".to_string()),
            ("P000002".to_string(), "Trần Thị B".to_string()),
            ("P000003".to_string(), "Lê Văn Cường".to_string()),
        ]
    );

    let items = [
        activation_item("AC-3", 2, Some("2026-12-20")),
        activation_item("AC-1", 2, None),
        activation_item("AC-3", 2, Some("2026-12-24")),
    ];
    store.put_work_items(&items).unwrap();
    let line = store.list_row("AC-3").unwrap().unwrap();
    assert_eq!(line.due, NaiveDate::from_ymd_opt(2026, 12, 24));
    assert_eq!(store.work_items().unwrap().len(), 2);
}

/// The imports log as schema 9 and before wrote it, a refusal's reason as
/// the sentence shown then, reads as it was; a reason kept as data reads
/// back as stored (the store does not interpret it).
#[test]
fn imports_logged_with_a_sentence_or_with_a_reason_as_data_both_read() {
    let (dir, store) = setup();
    drop(store);
    // Logged, plain, by a tothon from before sealing.
    set_schema(dir.path(), migrate::LAST_PLAIN);
    let older = r#"{"file":"a.zip","sender":"team-3","sequence":2,"received_at":"2026-11-26T10:00:00+07:00","accepted":false,"detail":"tệp zip đã bị thay đổi sau khi tothon ghi.","sender_device":"T3AB12","key_id":"","created_at":"","new":0,"known":0,"new_conflicts":0,"stale":false}"#;
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        let mut bytes = vec![1u8];
        bytes.extend_from_slice(older.as_bytes());
        txn.open_table(IMPORTS)
            .unwrap()
            .insert(1, bytes.as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    let store = reopen(dir.path());
    let reason = serde_json::json!({"format": "repacked"});
    store
        .log_import(&ImportEntry {
            file: "b.zip".into(),
            refusal: Some(reason.clone()),
            ..ImportEntry::default()
        })
        .unwrap();
    let log = store.imports().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].detail, "tệp zip đã bị thay đổi sau khi tothon ghi.");
    assert_eq!((log[0].refusal.as_ref(), log[0].sequence), (None, 2));
    assert_eq!(log[1].refusal, Some(reason));
    assert_eq!(log[1].detail, "");
}

/// The bytes of the store file in `dir`.
fn file_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(Store::file_in(dir)).unwrap()
}

/// The store file in `dir` is readable and writable by its owner alone.
fn assert_owner_only(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(Store::file_in(dir))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

fn person(key: &str, id: &str, name: &str) -> Person {
    Person {
        key: key.into(),
        personal_id: id.into(),
        full_name: name.into(),
        household: "HK-1".into(),
        team: 2,
        phone: "0912345678".into(),
        ..Person::default()
    }
}

#[test]
fn a_plain_store_is_sealed_whole_when_first_unlocked_and_a_cut_leaves_it_as_it_was() {
    let (dir, store) = plain_setup();
    store
        .put_people([&person("NK-1", "034090999888", "Nguyễn Văn Bí")])
        .unwrap();
    store
        .save(draft("AC-1", &[], "Nguyễn Văn Bí"), None)
        .unwrap();
    store.set_setting("members", &["Trần Thị Mơ"]).unwrap();
    let lines = store.list_rows().unwrap();
    drop(store);
    let plain = file_bytes(dir.path());
    assert!(holds(&plain, "034090999888") && holds(&plain, "Trần Thị Mơ"));
    // A half-made sealed file from an earlier cut is made again.
    let sealing = migrate_sealing_file(dir.path());
    std::fs::write(&sealing, b"left by a power cut").unwrap();

    // Cut after the sealed file is written, before it replaces the store:
    // the store is as it was, and opens as it was.
    migrate::CUT_SEALING.set(true);
    let cut = Store::open(dir.path()).unwrap().unlock(&test_wrap());
    migrate::CUT_SEALING.set(false);
    assert!(cut.is_err());
    let after_cut = file_bytes(dir.path());
    assert!(holds(&after_cut, "034090999888") && holds(&after_cut, "Nguyễn Văn Bí"));
    let still = Store::open(dir.path()).unwrap();
    assert!(still.is_locked());
    assert_eq!(schema_of(&still.db).unwrap(), migrate::LAST_PLAIN);
    drop(still);

    let store = reopen(dir.path());
    assert_eq!(store.list_rows().unwrap(), lines);
    assert_eq!(store.people().unwrap()[0].full_name, "Nguyễn Văn Bí");
    let members: Vec<String> = store.setting("members").unwrap().unwrap();
    assert_eq!(members, ["Trần Thị Mơ"]);
    drop(store);
    let sealed = file_bytes(dir.path());
    for text in [
        "034090999888",
        "Nguyễn Văn Bí",
        "nguyen van bi",
        "0912345678",
        "Trần Thị Mơ",
    ] {
        assert!(!holds(&sealed, text), "{text} still plain");
    }
    assert!(!sealing.exists());
    assert_owner_only(dir.path());
    // And it opens sealed from now on, with the same key only.
    assert_eq!(reopen(dir.path()).list_rows().unwrap(), lines);
    let other = Store::open(dir.path()).unwrap().unlock(&WrapKey([1; 32]));
    assert!(matches!(other, Err(StoreError::DataKeyDoesNotOpen)));
}

fn migrate_sealing_file(dir: &Path) -> std::path::PathBuf {
    Store::file_in(dir).with_extension("redb.sealing")
}

#[test]
fn a_locked_store_gives_nothing_personal_and_a_new_one_is_its_owners_alone() {
    let (dir, store) = setup();
    store.save(draft("AC-1", &[], "a"), None).unwrap();
    store.set_setting("members", &["Lan"]).unwrap();
    drop(store);
    assert_owner_only(dir.path());
    let locked = Store::open(dir.path()).unwrap();
    assert!(locked.is_locked());
    // What the passphrase screen shows, and the keys, are readable.
    assert!(locked.commune().is_ok() && locked.device().is_ok());
    assert!(locked.own_key().is_ok() && locked.trusted_keys().is_ok());
    assert!(matches!(locked.cases(), Err(StoreError::Locked)));
    assert!(matches!(locked.list_snapshot(), Err(StoreError::Locked)));
    assert!(matches!(locked.people(), Err(StoreError::Locked)));
    assert!(matches!(locked.work_items(), Err(StoreError::Locked)));
    assert!(matches!(locked.drafts(), Err(StoreError::Locked)));
    assert!(matches!(locked.imports(), Err(StoreError::Locked)));
    assert!(matches!(locked.all_versions(), Err(StoreError::Locked)));
    assert!(matches!(
        locked.setting::<Vec<String>>("members"),
        Err(StoreError::Locked)
    ));
    assert!(matches!(
        locked.save(draft("AC-2", &[], "b"), None),
        Err(StoreError::Locked)
    ));
    drop(locked);
    assert_eq!(reopen(dir.path()).case_count().unwrap(), 1);
}

#[test]
fn a_flipped_bit_in_a_sealed_value_is_damage_named_by_its_row() {
    let (dir, store) = setup();
    store.save(draft("AC-1", &[], "a"), None).unwrap();
    let version = store.all_versions().unwrap().remove(0);
    drop(store);
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut table = txn.open_table(VERSIONS).unwrap();
            let key = ("AC-1", version.id.as_str());
            let mut bytes = table.get(key).unwrap().unwrap().value().to_vec();
            let last = bytes.len() - 20;
            bytes[last] ^= 1;
            table.insert(key, bytes.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let store = reopen(dir.path());
    match store.version("AC-1", &version.id) {
        Err(StoreError::Corrupt { what, detail }) => {
            assert_eq!(what, "version");
            assert!(detail.contains("AC-1"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_store_without_a_key_gets_one_with_its_data_key_in_one_step_and_a_lost_data_key_is_said() {
    // A plain store from before keys: no key, no data key.
    let (dir, store) = plain_setup();
    store.save(draft("AC-1", &[], "a"), None).unwrap();
    {
        let txn = store.db.begin_write().unwrap();
        let mut meta = txn.open_table(META).unwrap();
        meta.remove("key").unwrap();
        meta.remove("data_key").unwrap();
        drop(meta);
        txn.commit().unwrap();
    }
    drop(store);
    // Cut while sealing: neither the key nor the data key is kept.
    migrate::CUT_SEALING.set(true);
    let cut = Store::open(dir.path())
        .unwrap()
        .unlock_with_new_key(&test_key(), &test_wrap());
    migrate::CUT_SEALING.set(false);
    assert!(cut.is_err());
    assert!(
        Store::open(dir.path())
            .unwrap()
            .own_key()
            .unwrap()
            .is_none()
    );
    // Done whole: the key and the data key it opens, together.
    let store = Store::open(dir.path())
        .unwrap()
        .unlock_with_new_key(&test_key(), &test_wrap())
        .unwrap();
    assert!(store.own_key().unwrap().is_some());
    drop(store);
    assert_eq!(reopen(dir.path()).case_count().unwrap(), 1);

    // A sealed store whose data key went missing is said to be so, and is
    // not given a new one (which would leave its data unreadable).
    {
        let db = Database::open(Store::file_in(dir.path())).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(META).unwrap().remove("data_key").unwrap();
        txn.commit().unwrap();
    }
    let lost = Store::open(dir.path()).unwrap().unlock(&test_wrap());
    assert!(matches!(lost, Err(StoreError::DataKeyMissing)));
    let lost = Store::open(dir.path())
        .unwrap()
        .unlock_with_new_key(&test_key(), &test_wrap());
    assert!(matches!(lost, Err(StoreError::DataKeyMissing)));
}

/// The imports log keeps its last entries, and each device's latest
/// accepted bundle however old: it grew without end.
#[test]
fn the_imports_log_is_bounded_and_keeps_each_devices_latest_bundle() {
    let (_dir, store) = setup();
    let entry = |sender: &str, device: &str, sequence: u64, accepted: bool| ImportEntry {
        file: format!("{device}-{sequence}.zip"),
        sender: sender.into(),
        sender_device: device.into(),
        sequence,
        accepted,
        ..ImportEntry::default()
    };
    // A device heard from once, long ago.
    store
        .log_import(&entry("team-2", "T2OLD", 7, true))
        .unwrap();
    for n in 1..=LOG_KEPT as u64 + 20 {
        store
            .log_import(&entry("team-3", "T3AB12", n, n % 5 != 0))
            .unwrap();
    }
    let log = store.imports().unwrap();
    assert_eq!(
        log.len(),
        LOG_KEPT + 1,
        "the last ones, and the old device's"
    );
    assert!(
        log.iter()
            .any(|e| e.sender_device == "T2OLD" && e.sequence == 7)
    );
    assert_eq!(log.last().unwrap().sequence, LOG_KEPT as u64 + 20);
}
