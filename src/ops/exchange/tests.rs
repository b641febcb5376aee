//! The merge algebra at the level users meet it: versions split across
//! real signed bundles, imported through the real checks into a real
//! store, in any order and any number of times, give the same heads.

use super::*;
use crate::bundle::key::Signer;
use crate::bundle::{self, Contents, Header};
use crate::domain::admit::SenderRefusal;
use crate::domain::commune::{Commune, Device, Role};
use crate::domain::version::Version;
use crate::domain::version::{Draft, Status};
use crate::store::{Store, StoredVersion, TrustedKey};
use proptest::prelude::*;
use std::sync::OnceLock;

const TEAM_DEVICE: &str = "T3AB12";
const COMMUNE_DEVICE: &str = "XA0001";

fn signer() -> &'static Signer {
    static S: OnceLock<Signer> = OnceLock::new();
    S.get_or_init(|| Signer::generate_unencrypted().unwrap())
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-26T10:00:00+07:00").unwrap()
}

fn commune_store(dir: &Path, office: &[Version]) -> Store {
    let store = Store::create(
        dir,
        &Commune::with_numbered_villages("Xã Tân Phong", 6),
        &Device {
            id: COMMUNE_DEVICE.into(),
            role: Role::Commune,
        },
    )
    .unwrap();
    store.hold_identity(commune_identity().clone());
    trust_team3(&store);
    store.add_versions(office).unwrap();
    store
}

fn trust_team3(store: &Store) {
    store
        .trust_key(&TrustedKey {
            id: signer().public.id.clone(),
            public: signer().public.base64(),
            team: Some(3),
            added_at: stamp(now()),
            revoked_at: None,
            device: None,
            age: None,
        })
        .unwrap();
}

/// The commune device's age identity, which the team's bundles here are
/// encrypted to.
fn commune_identity() -> &'static crate::bundle::age::Identity {
    static I: std::sync::OnceLock<crate::bundle::age::Identity> = std::sync::OnceLock::new();
    I.get_or_init(|| crate::bundle::age::Identity::from_secret([11; 32]))
}

/// A valid activation version, edited from `parents`.
fn version(record: &str, parents: Vec<String>, device: &str, n: usize) -> Version {
    let values = [
        ("person_id", "034090123456"),
        ("full_name", "Nguyễn Văn An"),
        ("target_level", "level2"),
        ("status", "pending"),
        ("visit_date", "2026-11-20"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([("note".to_string(), format!("lần {n}"))])
    .collect();
    Draft {
        record: record.into(),
        parents,
        form: "activation".into(),
        team: 3,
        device: device.into(),
        author: "Lan".into(),
        edited_at: DateTime::parse_from_rfc3339("2026-11-21T09:00:00+07:00").unwrap()
            + chrono::Duration::minutes(n as i64),
        status: Status::InProgress,
        values,
        confirmed: vec![],
    }
    .seal()
}

/// A random history over three cases: the team edits from earlier
/// versions (sometimes two: merges), the office now and then; office
/// versions are already at the commune, the team relays them.
fn history() -> impl Strategy<Value = (Vec<Version>, Vec<Version>)> {
    prop::collection::vec(
        (0usize..3, any::<u8>(), any::<u8>(), 0u8..3, any::<bool>()),
        1..14,
    )
    .prop_map(|steps| {
        let mut all: Vec<Version> = Vec::new();
        let mut office = Vec::new();
        for (n, (case, p1, p2, k, by_office)) in steps.into_iter().enumerate() {
            let record = format!("AC-T3AB12-{:04}", case + 1);
            let earlier: Vec<&Version> = all.iter().filter(|v| v.record == record).collect();
            let mut parents = Vec::new();
            if !earlier.is_empty() && k > 0 {
                parents.push(earlier[p1 as usize % earlier.len()].id.clone());
                if k > 1 {
                    parents.push(earlier[p2 as usize % earlier.len()].id.clone());
                }
            }
            let device = if by_office {
                COMMUNE_DEVICE
            } else {
                TEAM_DEVICE
            };
            let v = version(&record, parents, device, n);
            if by_office {
                office.push(v.clone());
            }
            all.push(v);
        }
        (all, office)
    })
}

fn bundle_of(versions: Vec<Version>, sequence: u64) -> Vec<u8> {
    bundle::write(
        &Contents {
            header: Header {
                commune: "Xã Tân Phong".into(),
                sender: Role::Team(3),
                sender_device: TEAM_DEVICE.into(),
                receiver: Role::Commune,
                sequence,
                created_at: now(),
            },
            versions,
            work_items: vec![],
            villages: vec![],
            people: vec![],
            moved: vec![],
            forms: Vec::new(),
        },
        signer(),
        &[commune_identity().recipient()],
    )
    .unwrap()
}

fn heads(store: &Store) -> Vec<(String, Vec<String>)> {
    store
        .cases()
        .unwrap()
        .into_iter()
        .map(|c| (c.record, c.heads))
        .collect()
}

fn import_all(office: &[Version], bundles: &[&[u8]]) -> Vec<(String, Vec<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let store = commune_store(dir.path(), office);
    for b in bundles {
        let admitted = check(&store, b).unwrap();
        commit(&store, &admitted, Path::new("b.zip"), now()).unwrap();
    }
    heads(&store)
}

/// The case index and work list after importing `bundles` one by one,
/// or all in one transaction.
fn index_after(
    office: &[Version],
    bundles: &[&[u8]],
    together: bool,
) -> (
    Vec<crate::domain::case::CaseEntry>,
    Vec<crate::domain::listing::ListRow>,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = commune_store(dir.path(), office);
    let admitted: Vec<Admitted> = bundles.iter().map(|b| check(&store, b).unwrap()).collect();
    if together {
        let all: Vec<(&Admitted, &Path)> =
            admitted.iter().map(|a| (a, Path::new("b.zip"))).collect();
        commit_all(&store, &all, now()).unwrap();
    } else {
        for a in &admitted {
            commit(&store, a, Path::new("b.zip"), now()).unwrap();
        }
    }
    (store.cases().unwrap(), store.list_rows().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn bundles_merge_idempotently_commutatively_associatively(
        (all, office) in history(),
        picks in prop::collection::vec(any::<u8>(), 14),
    ) {
        // Three bundles over random subsets of the team's versions,
        // plus one with everything.
        let mut parts: [Vec<Version>; 3] = Default::default();
        for (v, p) in all.iter().zip(&picks) {
            for (i, part) in parts.iter_mut().enumerate() {
                if p & (1 << i) != 0 {
                    part.push(v.clone());
                }
            }
        }
        let [x, y, z] = parts.map(|p| bundle_of(p, 1));
        let whole = bundle_of(all.clone(), 2);
        // Together the parts hold what `whole` holds only when every
        // version landed in one of them; compare like with like.
        let covered: Vec<Version> = all
            .iter()
            .zip(&picks)
            .filter(|(_, p)| *p & 7 != 0)
            .map(|(v, _)| v.clone())
            .collect();
        let union = bundle_of(covered, 3);
        let reference = import_all(&office, &[&union]);
        prop_assert_eq!(&import_all(&office, &[&x, &y, &z]), &reference);
        prop_assert_eq!(&import_all(&office, &[&z, &y, &x]), &reference);
        prop_assert_eq!(&import_all(&office, &[&y, &x, &y, &z, &z, &x]), &reference);
        prop_assert_eq!(&import_all(&office, &[&union, &x, &union]), &reference);
        // Everything, in any order, once or twice.
        let everything = import_all(&office, &[&whole]);
        prop_assert_eq!(&import_all(&office, &[&x, &whole, &z]), &everything);
        prop_assert_eq!(&import_all(&office, &[&whole, &whole]), &everything);
        // Bundles merged in one transaction (later ones touching cases
        // earlier ones wrote) index exactly as one by one.
        let order: [&[u8]; 4] = [&y, &x, &whole, &z];
        prop_assert_eq!(index_after(&office, &order, true), index_after(&office, &order, false));
    }
}

#[test]
fn dealing_to_cores_gives_every_item_once_in_turn() {
    let hands = deal_to_cores(0..7);
    assert!(!hands.is_empty() && hands.len() <= 7);
    for (h, hand) in hands.iter().enumerate() {
        assert!(
            hand.iter()
                .enumerate()
                .all(|(k, i)| *i == h + k * hands.len())
        );
    }
    assert_eq!(hands.iter().map(Vec::len).sum::<usize>(), 7);
    assert_eq!(
        deal_to_cores(std::iter::empty::<u8>()),
        vec![Vec::<u8>::new()]
    );
}

#[test]
fn versions_read_in_place_are_the_stored_ones_and_write_the_same_files() {
    let a = version("AC-T3AB12-0001", vec![], "T3AB12", 1);
    let b = version("AC-T3AB12-0001", vec![a.id.clone()], "T3AB12", 2);
    let c = version("AC-T3AB12-0001", vec![a.id.clone()], "XA0001", 3);
    let mut d = version(
        "AC-T3AB12-0001",
        vec![b.id.clone(), c.id.clone()],
        "T3AB12",
        4,
    );
    d.confirmed = vec!["person_id:id_year_mismatch".into()];
    d.values.remove("note");
    d.id = d.compute_id();
    let e = version("AC-T3AB12-0002", vec![], "T3AB12", 5);
    let dir = tempfile::tempdir().unwrap();
    let store = commune_store(dir.path(), &[a, b, c, d, e]);
    let stored = store.version_bytes().unwrap();
    let in_place = stored.versions().unwrap();
    let owned = store.all_versions().unwrap();
    let copied: Vec<Version> = in_place.iter().map(StoredVersion::to_version).collect();
    assert_eq!(copied, owned);
    fn contents<V>(versions: Vec<V>) -> Contents<V> {
        Contents {
            header: bundle::Header {
                commune: "Xã Tân Phong".into(),
                sender: Role::Team(3),
                sender_device: "T3AB12".into(),
                receiver: Role::Commune,
                sequence: 1,
                created_at: now(),
            },
            versions,
            work_items: vec![],
            villages: vec![],
            people: vec![],
            moved: vec![],
            forms: Vec::new(),
        }
    }
    // Encrypted anew each time, so compared as read back: the same files
    // with the same rows.
    let read_back = |bytes: Vec<u8>| {
        let b = bundle::read(&bytes, Some(commune_identity())).unwrap();
        let names: Vec<(String, usize)> =
            b.files.iter().map(|f| (f.name.clone(), f.rows)).collect();
        (names, b.contents.versions)
    };
    let readers = [commune_identity().recipient()];
    assert_eq!(
        read_back(bundle::write(&contents(in_place), signer(), &readers).unwrap()),
        read_back(bundle::write(&contents(owned), signer(), &readers).unwrap())
    );
}

#[test]
fn a_refused_bundle_is_kept_aside_with_its_reason_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let store = commune_store(dir.path(), &[]);
    let mut bytes = bundle_of(vec![version("AC-T3AB12-0001", vec![], TEAM_DEVICE, 1)], 1);
    let last = bytes.len() - 30;
    bytes[last] ^= 1;
    let file = dir.path().join("team3-T3AB12-to-commune-0001.zip");
    std::fs::write(&file, &bytes).unwrap();
    let err = import_file(&store, &file, now()).unwrap_err();
    let ExchangeError::Rejected(r) = err else {
        panic!("expected a rejection, got {err:?}");
    };
    let kept = r.kept.clone().unwrap();
    assert_eq!(std::fs::read(&kept).unwrap(), bytes);
    // For whoever opens the folder: Vietnamese, then English.
    let txt = std::fs::read_to_string(format!("{}.txt", kept.display())).unwrap();
    let lines: Vec<&str> = txt.lines().collect();
    assert_eq!(lines.len(), 2, "{txt}");
    assert!(lines[0].contains("không dùng được"), "{txt}");
    assert!(lines[1].contains("cannot be used"), "{txt}");
    // The log keeps the reason as data, no sentence.
    let log = store.imports().unwrap();
    assert_eq!(log.len(), 1);
    assert!(!log[0].accepted);
    assert_eq!(Refusal::of_logged(&log[0]), Some(r.refusal.clone()));
    assert_eq!(log[0].detail, "");
    assert!(store.all_versions().unwrap().is_empty());
    // The same bundle refused again is kept once, not twice.
    import_file(&store, &file, now()).unwrap_err();
    let kept_files = std::fs::read_dir(dir.path().join(REJECTED_DIR))
        .unwrap()
        .count();
    assert_eq!(kept_files, 2);
}

/// The container is checked beside the merge, on a reader of its own:
/// a data file changed after signing is refused as changed, from
/// memory or from its file, even where the change also breaks a row
/// or comes from a key this store does not trust.
#[test]
fn a_changed_data_file_is_refused_as_changed_not_by_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let good = bundle_of(vec![version("AC-T3AB12-0001", vec![], TEAM_DEVICE, 1)], 1);
    // A byte of the encrypted file, which also breaks its decryption: its
    // name's second appearance ends its entry's header (the first is in
    // the manifest).
    let at = good
        .windows(18)
        .enumerate()
        .filter(|(_, w)| *w == b"activation.csv.age")
        .nth(1)
        .unwrap()
        .0;
    let mut bytes = good.clone();
    bytes[at + 18 + 200] ^= 1;
    let changed = Refusal::Format(BundleError::HashMismatch {
        file: "activation.csv.age".into(),
    });
    let store = commune_store(dir.path(), &[]);
    assert_eq!(check(&store, &bytes).err(), Some(changed.clone()));
    let file = dir.path().join("team3-T3AB12-to-commune-0001.zip");
    std::fs::write(&file, &bytes).unwrap();
    match import_file(&store, &file, now()) {
        Err(ExchangeError::Rejected(r)) => assert_eq!(r.refusal, changed),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(store.all_versions().unwrap().is_empty());
    // The unchanged bundle, read from the same file, is welcome.
    std::fs::write(&file, &good).unwrap();
    import_file(&store, &file, now()).unwrap();
    assert_eq!(store.all_versions().unwrap().len(), 1);

    let stranger = tempfile::tempdir().unwrap();
    let store = commune_store(stranger.path(), &[]);
    untrust(&store, &signer().public.id, now()).unwrap();
    assert_eq!(check(&store, &bytes).err(), Some(changed.clone()));
}

/// A row the form refuses, then a row that cannot be read as a
/// version: the refusal first in the file is the one told, however the rows were
/// batched between the threads.
#[test]
fn the_first_refusal_in_the_file_is_told_before_a_later_unreadable_row() {
    let mut wrong = version("AC-T3AB12-0001", vec![], TEAM_DEVICE, 1);
    wrong.values.insert("person_id".into(), "12345".into());
    wrong.id = wrong.compute_id();
    let fine = version("AC-T3AB12-0002", vec![], TEAM_DEVICE, 2);
    let dir = tempfile::tempdir().unwrap();
    let store = commune_store(dir.path(), &[]);
    let first = check(&store, &bundle_of(vec![wrong.clone()], 1))
        .err()
        .unwrap();
    assert!(matches!(first, Refusal::Row { row: 2, .. }), "{first:?}");

    // A later row whose id is not its content's: unreadable as a version.
    let mut unreadable = fine;
    unreadable.id = "0".repeat(32);
    let broken = bundle_of(vec![wrong, unreadable], 1);
    assert_eq!(check(&store, &broken).err(), Some(first));
}

#[test]
fn the_first_bundle_ties_the_key_to_its_device_and_a_later_bundle_may_not_change_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = commune_store(dir.path(), &[]);
    let b = bundle_of(vec![version("AC-T3AB12-0001", vec![], TEAM_DEVICE, 1)], 1);
    commit(
        &store,
        &check(&store, &b).unwrap(),
        Path::new("a.zip"),
        now(),
    )
    .unwrap();
    let key = store.trusted_key(&signer().public.id).unwrap().unwrap();
    assert_eq!(key.device.as_deref(), Some(TEAM_DEVICE));
    let mut other: Contents = Contents {
        header: Header {
            commune: "Xã Tân Phong".into(),
            sender: Role::Team(3),
            sender_device: "T3FFFF".into(),
            receiver: Role::Commune,
            sequence: 2,
            created_at: now(),
        },
        versions: vec![],
        work_items: vec![],
        villages: vec![],
        people: vec![],
        moved: vec![],
        forms: Vec::new(),
    };
    let b = bundle::write(&other, signer(), &[commune_identity().recipient()]).unwrap();
    assert!(matches!(
        check(&store, &b),
        Err(Refusal::Sender(SenderRefusal::DeviceChanged { .. }))
    ));
    // The commune's own device id cannot be claimed either.
    other.header.sender_device = COMMUNE_DEVICE.into();
    let b = bundle::write(&other, signer(), &[commune_identity().recipient()]).unwrap();
    assert!(matches!(
        check(&store, &b),
        Err(Refusal::Sender(SenderRefusal::OwnBundle))
    ));
}

/// `rejected/` keeps the last refusals only (each its note, and the
/// bundle when it was kept): it grew without end.
#[test]
fn rejected_keeps_the_last_refusals_only() {
    use super::import::REJECTED_KEPT;
    let dir = tempfile::tempdir().unwrap();
    let store = commune_store(dir.path(), &[]);
    for i in 0..REJECTED_KEPT + 5 {
        let f = dir.path().join(format!("rac-{i:02}.zip"));
        std::fs::write(&f, format!("not a zip {i}")).unwrap();
        assert!(import_file(&store, &f, now()).is_err());
    }
    let rejected = dir.path().join(REJECTED_DIR);
    let notes = std::fs::read_dir(&rejected)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "txt")
        })
        .count();
    assert_eq!(notes, REJECTED_KEPT);
    assert!(!rejected.join("rac-00.zip").exists());
    assert!(!rejected.join("rac-00.zip.txt").exists());
    let last = format!("rac-{:02}.zip", REJECTED_KEPT + 4);
    assert!(rejected.join(&last).exists());
}
