//! The population register over the store, for both fronts: preview a
//! spreadsheet of people and households against the register as it is, and
//! write it. The file is read by the work-list reader with the register's
//! spec (`form::register`), so it gets the same preview, the same checks and
//! the same problems by row; `domain::register` decides what changes.
//!
//! Returns data and typed errors; prints nothing and takes no language.

use std::path::Path;

use super::worklist::{check_device, open_file};
use crate::clock;
use crate::domain::form;
use crate::domain::register::{self, Plan};
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

/// Writes a preview's new and changed entries in one transaction and says
/// how many. Refuses, writing nothing, when the register changed since the
/// preview was made.
pub fn apply(store: &Store, preview: &RegisterPreview) -> Result<usize> {
    check_device(store)?;
    if register::plan(&preview.read.items, &store.people()?) != preview.plan {
        return Err(Error::RegisterChanged);
    }
    store.put_people(preview.plan.writes())?;
    Ok(preview.plan.new.len() + preview.plan.updated.len())
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
    fn a_team_device_keeps_no_register_of_its_own_making() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path(), Role::Team(1));
        let file = dir.path().join("nk.csv");
        std::fs::write(&file, FILE).unwrap();
        assert!(preview_file(&store, &file, &options(false)).is_err());
    }
}
