//! The population register over the store, for both fronts: preview a
//! spreadsheet of people and households against the register as it is, and
//! write it; read it to search, and start a new case from someone on it.
//! The file is read by the work-list reader with the register's spec
//! (`form::register`), so it gets the same preview, the same checks and the
//! same problems by row; `domain::register` decides what changes, what a
//! search finds and what a new case opens with.
//!
//! Returns data and typed errors; prints nothing and takes no language.

use std::collections::BTreeMap;
use std::path::Path;

use super::case;
use super::worklist::{check_device, open_file};
use crate::clock;
use crate::domain::form::{self, Subject};
use crate::domain::register::{self, Plan, Register};
use crate::domain::work::Person;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::worklist::{self, Options, Preview};

/// What importing a register file would do, decided before anything is
/// written: the rows as read (problems by row included), then what they
/// change on the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterPreview {
    pub read: Preview,
    pub plan: Plan,
}

/// How to read a register file: the work-list reader's options, with the
/// register's spec fixed.
pub fn options(fix_leading_zeros: bool) -> Options {
    Options {
        fixed: Some(form::register()),
        fix_leading_zeros,
        ..Options::new(clock::today())
    }
}

/// Reads a register file and previews it against this store's commune and
/// register. Writes nothing. Only the commune office keeps the register.
pub fn preview_file(store: &Store, path: &Path, options: &Options) -> Result<RegisterPreview> {
    check_device(store)?;
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let _step = crate::progress::step(crate::progress::Step::ReadingFile, size);
    preview(store, open_file(path)?, options)
}

/// [`preview_file`] over any reader (the demo hands its register over in
/// memory).
pub fn preview(
    store: &Store,
    reader: impl std::io::Read,
    options: &Options,
) -> Result<RegisterPreview> {
    let options = Options {
        fixed: Some(form::register()),
        ..options.clone()
    };
    let read = worklist::preview(reader, &options, &store.commune()?, &[])?;
    let plan = register::plan(&read.items, &store.people()?);
    Ok(RegisterPreview { read, plan })
}

/// The team of the village the register gives a case's subject: its person
/// (`person_id`, or the head's `head_id`) or its household
/// (`household_code`). `None` when the register does not know them, or
/// places them in more than one village (a suspected duplicate: a person
/// must say which).
pub fn village_of_subject(
    store: &Store,
    values: &std::collections::BTreeMap<String, String>,
) -> Result<Option<u8>> {
    let id = values
        .get("person_id")
        .or_else(|| values.get("head_id"))
        .map(|v| crate::domain::text::key(v))
        .filter(|k| !k.is_empty());
    let household = values
        .get("household_code")
        .map(|v| crate::domain::text::key(v))
        .filter(|k| !k.is_empty());
    if id.is_none() && household.is_none() {
        return Ok(None);
    }
    let mut teams = std::collections::BTreeSet::new();
    for p in store.people()? {
        let same_id = id
            .as_ref()
            .is_some_and(|k| *k == crate::domain::text::key(&p.personal_id));
        let same_household = id.is_none()
            && household
                .as_ref()
                .is_some_and(|k| *k == crate::domain::text::key(&p.household));
        if same_id || same_household {
            teams.insert(p.team);
        }
    }
    Ok(match teams.len() {
        1 => teams.pop_first(),
        _ => None,
    })
}

/// Writes a preview's new and changed entries in one transaction and says
/// how many. Refuses, writing nothing, when the register changed since the
/// preview was made.
pub fn apply(store: &Store, preview: &RegisterPreview) -> Result<usize> {
    check_device(store)?;
    let unchanged = |now: &[Person]| register::plan(&preview.read.items, now) == preview.plan;
    if !store.put_people_if(unchanged, preview.plan.writes())? {
        return Err(Error::RegisterChanged);
    }
    Ok(preview.plan.new.len() + preview.plan.updated.len())
}

/// The register as this device holds it (at the office the commune's
/// whole; on a team's device its village's part, from the commune's
/// bundles), read once to be searched.
pub fn load(store: &Store) -> Result<Register> {
    let mut out = Register::default();
    store.each_person(|p| out.push(&p))?;
    out.finish();
    Ok(out)
}

/// The people on the register `query` finds (see [`Register::find`]), in
/// its order: the first `limit` of them, and how many it found in all.
pub fn find(store: &Store, query: &str, limit: usize) -> Result<(Vec<Person>, usize)> {
    let register = load(store)?;
    let found = register.find(query);
    let first = found.hits.iter().take(limit);
    let people = first.map(|&i| register.entry(i).to_person()).collect();
    Ok((people, found.len()))
}

/// A new case started from someone on the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Start {
    /// Who it is about (for a household check, the one picked from it).
    pub person: Person,
    /// The values the case opens with (see [`register::prefill`]).
    pub values: BTreeMap<String, String>,
}

/// What a new case of `form_id` opens with when it is started from the
/// person `key_or_id` names: their register key ("NK-000012"), or a
/// personal ID the register lists once.
pub fn start(store: &Store, form_id: &str, key_or_id: &str) -> Result<Start> {
    let spec = case::spec_of(form_id)?;
    if spec.subject == Subject::Pair {
        return Err(Error::NotFromRegister {
            form: spec.id.clone(),
        });
    }
    let register = load(store)?;
    let i = match register.named(key_or_id).as_slice() {
        [] => {
            return Err(Error::NotOnRegister {
                wanted: key_or_id.trim().to_string(),
            });
        }
        [one] => *one,
        several => {
            return Err(Error::SeveralOnRegister {
                id: key_or_id.trim().to_string(),
                keys: several
                    .iter()
                    .map(|&i| register.entry(i).key.to_string())
                    .collect(),
            });
        }
    };
    Ok(Start {
        person: register.entry(i).to_person(),
        values: register.prefill(spec, i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::commune::{Commune, Device, Role};

    const FILE: &str = "\
Danh sách nhân khẩu thôn
Họ và tên,Số định danh,Ngày sinh,Giới tính,Mã hộ,Quan hệ với chủ hộ,Thôn
Nguyễn Văn An,034085001234,12/03/1985,Nam,HK-01,Chủ hộ,Thôn Đông
Nguyễn Văn An,034085001234,12/03/1985,Nam,HK-77,Con,Thôn Đoài
Lê Thị Hoa,,01/01/1990,Nữ,HK-02,Vợ,Thôn Đông
";

    fn store(dir: &Path, role: Role) -> Store {
        let commune =
            Commune::with_villages("Xã Thử", &["Thôn Đông".into(), "Thôn Đoài".into()]).unwrap();
        Store::create(
            dir,
            &commune,
            &Device {
                id: "C0FFEE".into(),
                role,
            },
        )
        .unwrap()
    }

    #[test]
    fn a_register_file_previews_writes_and_reimports_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path(), Role::Commune);
        let p = preview(&store, FILE.as_bytes(), &options(false)).unwrap();
        assert!(
            store.people().unwrap().is_empty(),
            "a preview writes nothing"
        );
        assert_eq!(p.plan.new.len(), 2);
        assert_eq!(p.read.problems.len(), 1);
        assert_eq!(p.read.problems[0].row, 5);
        assert_eq!(p.plan.new[1].team, 2);
        assert_eq!(apply(&store, &p).unwrap(), 2);
        assert_eq!(store.people().unwrap().len(), 2);

        let again = preview(&store, FILE.as_bytes(), &options(false)).unwrap();
        assert!(again.plan.new.is_empty() && again.plan.updated.is_empty());
        assert_eq!(again.plan.unchanged, 2);
        // The preview taken before the first write is stale now.
        assert!(matches!(apply(&store, &p), Err(Error::RegisterChanged)));
        assert_eq!(store.people().unwrap().len(), 2);
    }

    #[test]
    fn of_two_imports_from_one_preview_at_once_one_writes() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path(), Role::Commune);
        let p = preview(&store, FILE.as_bytes(), &options(false)).unwrap();
        let results: Vec<Result<usize>> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..4).map(|_| s.spawn(|| apply(&store, &p))).collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        assert_eq!(store.people().unwrap().len(), 2);
    }

    #[test]
    fn a_case_starts_from_a_key_or_an_id_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path(), Role::Commune);
        apply(
            &store,
            &preview(&store, FILE.as_bytes(), &options(false)).unwrap(),
        )
        .unwrap();
        assert_eq!(load(&store).unwrap().len(), 2);
        let (found, total) = find(&store, "nguyen", 1).unwrap();
        assert_eq!((found.len(), total), (1, 2));
        let start_of = |form, wanted| start(&store, form, wanted);
        // One ID in two households: which one is meant must be said.
        match start_of("activation", "034085001234") {
            Err(Error::SeveralOnRegister { keys, .. }) => {
                assert_eq!(keys, ["NK-000001", "NK-000002"])
            }
            other => panic!("{other:?}"),
        }
        let started = start_of("household_check", "NK-000002").unwrap();
        assert_eq!(started.person.team, 2);
        assert_eq!(started.values["household_code"], "HK-77");
        assert_eq!(started.values["members_registered"], "1");
        assert!(
            !started.values.contains_key("head_name"),
            "a son heads nothing"
        );
        let started = start_of("activation", "NK-000001").unwrap();
        assert_eq!(started.values["full_name"], "Nguyễn Văn An");
        assert!(matches!(
            start_of("activation", "NK-000009"),
            Err(Error::NotOnRegister { .. })
        ));
        assert!(matches!(
            start_of("duplicate", "NK-000001"),
            Err(Error::NotFromRegister { .. })
        ));
    }

    #[test]
    fn a_team_device_keeps_no_register_of_its_own_making() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path(), Role::Team(1));
        let file = dir.path().join("nk.csv");
        std::fs::write(&file, FILE).unwrap();
        assert!(preview_file(&store, &file, &options(false)).is_err());
    }
}
