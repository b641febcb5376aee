//! The work list over the store, for both fronts: preview a spreadsheet file
//! against the list as it is, write a preview, give an item to another team,
//! list the items with how far each case has got.
//! Reading and checking the file is `worklist`'s (pure); this adds the
//! store, the clock and the rule that only the commune office changes the
//! work list.
//!
//! Returns data and typed errors; prints nothing and takes no language (the
//! preview's lines are `i18n::worklist::preview_lines`).

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use crate::clock;
use crate::domain::case::CaseEntry;
use crate::domain::commune::Role;
use crate::domain::work::WorkItem;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::worklist::{self, Options, Preview, WorklistError};

/// Work lists are the commune office's: a team device refuses to change them.
pub(super) fn check_device(store: &Store) -> Result<()> {
    match store.device()?.role {
        Role::Commune => Ok(()),
        Role::Team(team) => Err(WorklistError::NotCommune { team }.into()),
    }
}

/// What the person chooses for an import, on either front (the command
/// line's flags, the import screen's keys). The rest of [`Options`] (today,
/// the size limits) is this layer's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportChoices {
    /// The rows' form; `None`: told by the columns.
    pub form: Option<String>,
    /// A workbook's sheet, by name; `None`: its first visible sheet.
    pub sheet: Option<String>,
    pub fix_leading_zeros: bool,
    /// Fill the blanks merged cells leave from the row above.
    pub fill_down: bool,
}

/// Reads a work-list file (a workbook or its text export) and previews its
/// import against this store's commune and work list, as of today. Writes
/// nothing.
pub fn preview_file(store: &Store, path: &Path, choices: &ImportChoices) -> Result<Preview> {
    check_device(store)?;
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let _step = crate::progress::step(crate::progress::Step::ReadingFile, size);
    preview(store, open_file(path)?, choices)
}

/// [`preview_file`] of what `reader` holds (a workbook or its text export).
pub fn preview(
    store: &Store,
    reader: impl std::io::Read,
    choices: &ImportChoices,
) -> Result<Preview> {
    check_device(store)?;
    let options = Options {
        form: choices.form.clone(),
        sheet: choices.sheet.clone(),
        fix_leading_zeros: choices.fix_leading_zeros,
        fill_down: choices.fill_down,
        ..Options::new(clock::today())
    };
    Ok(worklist::preview(
        reader,
        &options,
        &store.commune()?,
        &store.work_items()?,
    )?)
}

/// Opens a spreadsheet file to read, or says which and why not.
pub(super) fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| Error::File {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })
}

/// Writes a preview's new items in one transaction and says how many.
/// Refuses, writing nothing, when the list gained any of them since the
/// preview was made.
pub fn apply(store: &Store, preview: &Preview) -> Result<usize> {
    check_device(store)?;
    if !store.put_work_items_if(|now| !preview.is_stale(now), &preview.items)? {
        return Err(WorklistError::ListChanged.into());
    }
    Ok(preview.items.len())
}

/// What [`assign`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assigned {
    /// Moved from team `from`, with the `versions` its case had here (0
    /// for an item not begun).
    Moved {
        from: u8,
        versions: usize,
    },
    AlreadyThere,
}

/// Gives a work item to another team, its case (if begun) with it: the
/// item's team is its case's. The team it leaves learns of the move in its
/// next commune bundle (its list drops the item); what that team saved of
/// it before then still arrives, is kept, and shows the case as a conflict
/// until the new team (or the office) saves it again. A case already
/// begun here shows so at once: its versions are the old team's.
pub fn assign(store: &Store, id: &str, team: u8) -> Result<Assigned> {
    check_device(store)?;
    super::commune::village_of(&store.commune()?, team)?;
    let no_item = || WorklistError::NoSuchItem { id: id.to_string() };
    let item = store.work_item(id)?.ok_or_else(no_item)?;
    if item.team == team {
        return Ok(Assigned::AlreadyThere);
    }
    let at = crate::domain::version::time_text(&clock::now());
    let from = store.move_item(id, team, &at)?.ok_or_else(no_item)?;
    let versions = store.case(id)?.map_or(0, |c| c.versions);
    Ok(Assigned::Moved { from, versions })
}

/// A work item on the list and how far its case has got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedItem {
    pub item: WorkItem,
    /// The case's current state once a version of it exists; `None` while
    /// the work has not begun.
    pub case: Option<CaseEntry>,
}

/// The work items (team `team`'s, or all), by team then id, each with its
/// case once begun. Reads only; any device lists what it holds (a team's
/// own items on a team device).
pub fn list(store: &Store, team: Option<u8>) -> Result<Vec<ListedItem>> {
    if let Some(team) = team {
        super::commune::village_of(&store.commune()?, team)?;
    }
    let mut cases: HashMap<String, CaseEntry> = store
        .cases()?
        .into_iter()
        .map(|c| (c.record.clone(), c))
        .collect();
    let mut listed: Vec<ListedItem> = store
        .work_items()?
        .into_iter()
        .filter(|i| team.is_none_or(|t| i.team == t))
        .map(|item| ListedItem {
            case: cases.remove(&item.id),
            item,
        })
        .collect();
    crate::sort::sort_by(&mut listed, |a, b| {
        (a.item.team, &a.item.id).cmp(&(b.item.team, &b.item.id))
    });
    Ok(listed)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate};

    use super::*;
    use crate::domain::commune::Device;
    use crate::domain::version::{Draft, Status};
    use crate::worklist::tests::{PEOPLE, commune};

    fn store(role: Role) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(
            dir.path(),
            &commune(),
            &Device {
                id: "C0FFEE".into(),
                role,
            },
        )
        .unwrap();
        (dir, store)
    }

    /// Previews the test list from a file, as both fronts do.
    fn preview(store: &Store, dir: &Path) -> Result<Preview> {
        let file = dir.join("list.csv");
        std::fs::write(&file, PEOPLE).unwrap();
        preview_file(store, &file, &ImportChoices::default())
    }

    #[test]
    fn apply_writes_the_items_and_refuses_a_stale_preview() {
        let (dir, s) = store(Role::Commune);
        let p = preview(&s, dir.path()).unwrap();
        assert_eq!(apply(&s, &p).unwrap(), 2);
        assert_eq!(s.work_items().unwrap(), p.items);
        // The same preview again would duplicate the work: refused, nothing written.
        assert!(matches!(
            apply(&s, &p),
            Err(Error::Worklist(WorklistError::ListChanged))
        ));
        assert_eq!(s.work_items().unwrap().len(), 2);
        // A fresh preview of the same file finds it all on the list.
        let again = preview(&s, dir.path()).unwrap();
        assert!(again.items.is_empty());
        assert_eq!(again.already.len(), 2);
    }

    #[test]
    fn a_team_device_neither_previews_imports_nor_assigns() {
        let (dir, s) = store(Role::Team(3));
        let not_commune = |r: Result<_>| {
            matches!(
                r,
                Err(Error::Worklist(WorklistError::NotCommune { team: 3 }))
            )
        };
        assert!(not_commune(preview(&s, dir.path()).map(drop)));
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let p =
            worklist::preview(PEOPLE.as_bytes(), &Options::new(today), &commune(), &[]).unwrap();
        assert!(not_commune(apply(&s, &p).map(drop)));
        assert!(not_commune(assign(&s, "AC-00001", 2).map(drop)));
        assert!(s.work_items().unwrap().is_empty());
    }

    #[test]
    fn a_missing_file_is_named() {
        let (dir, s) = store(Role::Commune);
        let missing = dir.path().join("nowhere.csv");
        match preview_file(&s, &missing, &ImportChoices::default()) {
            Err(Error::File { path, .. }) => assert_eq!(path, missing),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn assign_moves_an_item_and_a_begun_case_goes_with_it_as_a_conflict() {
        let (dir, s) = store(Role::Commune);
        apply(&s, &preview(&s, dir.path()).unwrap()).unwrap();
        assert_eq!(
            assign(&s, "AC-00001", 4).unwrap(),
            Assigned::Moved {
                from: 1,
                versions: 0
            }
        );
        assert_eq!(s.list_row("AC-00001").unwrap().unwrap().team, 4);
        assert_eq!(s.work_item("AC-00001").unwrap().unwrap().team, 4);
        assert_eq!(assign(&s, "AC-00001", 4).unwrap(), Assigned::AlreadyThere);
        // Importing the list again neither duplicates the item nor undoes the move.
        let again = preview(&s, dir.path()).unwrap();
        assert!(again.items.is_empty());
        assert_eq!(again.already[0].item, "AC-00001");
        assert_eq!(s.work_item("AC-00001").unwrap().unwrap().team, 4);
        assert!(matches!(
            assign(&s, "AC-00001", 9),
            Err(Error::NoSuchTeam { team: 9, max: 6 })
        ));
        assert!(matches!(
            assign(&s, "AC-09999", 2),
            Err(Error::Worklist(WorklistError::NoSuchItem { .. }))
        ));

        let started = s.work_item("AC-00002").unwrap().unwrap();
        s.save(
            Draft {
                record: started.id.clone(),
                parents: vec![],
                form: started.form.clone(),
                team: started.team,
                device: "C0FFEE".into(),
                author: "Lan".into(),
                edited_at: DateTime::parse_from_rfc3339("2026-11-27T09:00:00+07:00").unwrap(),
                status: Status::InProgress,
                values: started.prefill.clone(),
                confirmed: vec![],
            },
            None,
        )
        .unwrap();
        assert!(!s.case("AC-00002").unwrap().unwrap().in_conflict());
        assert_eq!(
            assign(&s, "AC-00002", 5).unwrap(),
            Assigned::Moved {
                from: 2,
                versions: 1
            }
        );
        assert_eq!(s.work_item("AC-00002").unwrap().unwrap().team, 5);
        // The case is team 5's now, and its one head team 2's: a conflict,
        // shown so until team 5 saves it.
        let case = s.case("AC-00002").unwrap().unwrap();
        assert_eq!(
            (case.team, case.strayed, case.in_conflict()),
            (5, true, true)
        );
        let line = s.list_row("AC-00002").unwrap().unwrap();
        assert_eq!((line.team, line.conflict), (5, true));
        assert_eq!(s.moved_away_from(2).unwrap()[0].team, 5);
        assert_eq!(s.moved_away_from(1).unwrap()[0].id, "AC-00001");
        assert!(s.moved_away_from(5).unwrap().is_empty());
        // Back to team 2: its own again, no conflict, and no longer moved
        // away from it.
        assign(&s, "AC-00002", 2).unwrap();
        let case = s.case("AC-00002").unwrap().unwrap();
        assert_eq!((case.team, case.in_conflict()), (2, false));
        assert!(s.moved_away_from(2).unwrap().is_empty());
        assert_eq!(s.moved_away_from(5).unwrap()[0].team, 2);
    }
}
