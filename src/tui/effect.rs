//! The only part of the screens that touches the store: carries out an
//! [`Effect`] and reports what happened as an [`Outcome`].

use std::path::PathBuf;

use super::app::{Effect, Outcome};
use super::dialog::Pending;
use super::screens::bundles::Entry;
use crate::bundle::key::Signer;
use crate::domain::commune::Village;
use crate::error::Error;
use crate::i18n::{self, Lang};
use crate::ops;
use crate::store::Store;

/// What a failed effect tells the person, in their language.
fn failed(lang: Lang, e: impl Into<Error>) -> Option<Outcome> {
    Some(Outcome::Failed(i18n::error(lang, &e.into())))
}

/// A version written: it, with its case's line for the work list.
fn saved_outcome(
    store: &Store,
    lang: Lang,
    saved: crate::error::Result<ops::case::Saved>,
) -> Option<Outcome> {
    match saved.and_then(|saved| Ok((store.list_row(&saved.version.record)?, saved))) {
        Ok((Some(row), saved)) => Some(Outcome::Saved {
            version: Box::new(saved.version),
            row: Box::new(row),
            open_problems: saved.open_problems,
        }),
        Ok((None, _)) => None,
        // Nothing to save, and the typing draft is gone with it.
        Err(Error::Unchanged { record }) => {
            let said = i18n::error(
                lang,
                &Error::Unchanged {
                    record: record.clone(),
                },
            );
            Some(Outcome::Unchanged { record, said })
        }
        Err(e) => failed(lang, e),
    }
}

pub fn run(store: &Store, signer: Option<&Signer>, effect: Effect, lang: Lang) -> Option<Outcome> {
    match effect {
        Effect::LoadCase { record } => match ops::case::open(store, &record) {
            Ok(opened) => Some(Outcome::CaseLoaded {
                record,
                heads: opened.heads,
                item: opened.item.map(Box::new),
                draft: opened.draft,
            }),
            Err(e) => failed(lang, e),
        },
        Effect::LoadHistory { record } => match store.versions_of(&record) {
            Ok(versions) => Some(Outcome::HistoryLoaded { record, versions }),
            Err(e) => failed(lang, e),
        },
        Effect::Save {
            prepared,
            draft_key,
        } => {
            let saved = ops::case::write(store, *prepared, Some(&draft_key));
            saved_outcome(store, lang, saved)
        }
        Effect::SaveNew {
            prepared,
            draft_key,
        } => {
            let refuse = ops::case::IfCovered::Refuse;
            match ops::case::write_new(store, (*prepared).clone(), Some(&draft_key), refuse) {
                Err(Error::AlreadyCovered { covering, .. }) => Some(Outcome::Covering {
                    covering,
                    pending: Pending::Save {
                        prepared,
                        draft_key,
                    },
                }),
                saved => saved_outcome(store, lang, saved),
            }
        }
        Effect::PutDraft { key, draft } => {
            let kept = ops::device::keep_typing(store, &key, draft, crate::clock::now());
            kept.err().and_then(|e| failed(lang, e))
        }
        Effect::DropDraft { key } => ops::device::drop_typing(store, &key)
            .err()
            .and_then(|e| failed(lang, e)),
        Effect::PutSetting { key, value } => ops::device::remember(store, key, &value)
            .err()
            .and_then(|e| failed(lang, e)),
        Effect::PutMembers { members } => ops::device::set_members(store, &members)
            .err()
            .and_then(|e| failed(lang, e)),
        Effect::Export { files } => {
            let dir = store
                .path()
                .parent()
                .map(|d| d.join("exports"))
                .unwrap_or_else(|| std::path::PathBuf::from("exports"));
            let saved: crate::error::Result<Vec<_>> = files
                .iter()
                .map(|(name, bytes)| crate::export::save(&dir, name, bytes))
                .collect();
            match saved {
                Ok(paths) => Some(Outcome::Exported(paths)),
                Err(e) => failed(lang, e),
            }
        }
        Effect::PreviewWorklist {
            path,
            choices,
            register: false,
        } => {
            let previewed = ops::worklist::preview_file(store, &path, &choices)
                .and_then(|preview| Ok((store.commune()?, preview)));
            match previewed {
                Ok((commune, preview)) => Some(Outcome::WorklistPreview {
                    lines: i18n::worklist::preview_lines(lang, &preview, &commune),
                    preview: Box::new(preview),
                    register: None,
                }),
                Err(e) => failed(lang, e),
            }
        }
        Effect::PreviewWorklist {
            path,
            choices,
            register: true,
        } => {
            let options = crate::worklist::Options {
                sheet: choices.sheet,
                fill_down: choices.fill_down,
                ..ops::register::options(choices.fix_leading_zeros)
            };
            let previewed = ops::register::preview_file(store, &path, &options)
                .and_then(|preview| Ok((store.commune()?, preview)));
            match previewed {
                Ok((commune, preview)) => {
                    let mut lines = i18n::worklist::preview_lines(lang, &preview.read, &commune);
                    lines.push(i18n::register::say(
                        lang,
                        &i18n::register::Say::Plan(&preview.plan),
                    ));
                    Some(Outcome::WorklistPreview {
                        lines,
                        preview: Box::new(preview.read.clone()),
                        register: Some(Box::new(preview)),
                    })
                }
                Err(e) => failed(lang, e),
            }
        }
        Effect::ApplyRegister(preview) => match ops::register::apply(store, &preview) {
            Ok(count) => Some(Outcome::RegisterWritten(count)),
            Err(e) => failed(lang, e),
        },
        Effect::ApplyWorklist(preview) => {
            let done = ops::worklist::apply(store, &preview)
                .and_then(|count| Ok((count, store.list_rows()?)));
            match done {
                Ok((count, rows)) => Some(Outcome::Imported { count, rows }),
                Err(e) => failed(lang, e),
            }
        }
        Effect::ListBundleFolder { folder } => bundle_folder(store, folder, lang),
        Effect::OpenBundlePath { path } => {
            let path = crate::paths::typed_path(&path.to_string_lossy());
            if path.is_dir() {
                bundle_folder(store, Some(path), lang)
            } else {
                import_bundle(store, &path, lang)
            }
        }
        Effect::ImportBundle { path } => import_bundle(store, &path, lang),
        Effect::CompletePath { typed } => {
            Some(Outcome::PathCompleted(crate::paths::complete(&typed)))
        }
        Effect::ExportBundles { folder, typed } if typed => {
            let folder = crate::paths::typed_path(&folder.to_string_lossy());
            if folder.is_dir() {
                export_bundles(store, signer, &folder, lang)
            } else {
                failed(
                    lang,
                    Error::File {
                        path: folder,
                        detail: i18n::text(lang, i18n::Text::NotAFolder).to_string(),
                    },
                )
            }
        }
        Effect::ExportBundles { folder, .. } => export_bundles(store, signer, &folder, lang),
        Effect::LoadCharts => match ops::queries::done_over_time(store) {
            Ok(series) => Some(Outcome::Charts(super::screens::charts::ChartData {
                series,
            })),
            Err(e) => failed(lang, e),
        },
        Effect::LoadReport { as_of } => match ops::queries::report(store, as_of) {
            Ok(r) => Some(Outcome::Report(Box::new(r))),
            Err(e) => failed(lang, e),
        },
        Effect::RenameVillage { team, name } => village_named(
            store,
            ops::commune::rename_village(store, team, &name),
            false,
            lang,
        ),
        Effect::AddVillage { name } => {
            village_named(store, ops::commune::add_village(store, &name), true, lang)
        }
        Effect::LoadRegister => match ops::register::load(store) {
            Ok(register) => Some(Outcome::Register(std::sync::Arc::new(register))),
            Err(e) => failed(lang, e),
        },
        Effect::FindCovering { form, values, team } => {
            match ops::covered::covering(store, &form, &values, None) {
                Ok(covering) => Some(Outcome::Covering {
                    covering,
                    pending: Pending::Open { form, values, team },
                }),
                Err(e) => failed(lang, e),
            }
        }
        Effect::LoadDuplicates => match ops::duplicates::list(store) {
            Ok(pairs) => Some(Outcome::Duplicates(pairs)),
            Err(e) => failed(lang, e),
        },
        Effect::SettlePair {
            first,
            second,
            resolution,
            who,
        } => {
            let saved = ops::duplicates::settle(store, &first, &second, resolution, None, &who);
            saved_outcome(store, lang, saved)
        }
    }
}

/// What renaming or adding a village came to: the villages as they now
/// are, or why the name was refused (kept as data: the dialog words it).
fn village_named(
    store: &Store,
    done: crate::error::Result<Village>,
    added: bool,
    lang: Lang,
) -> Option<Outcome> {
    match done.and_then(|village| Ok((village, ops::commune::villages(store)?))) {
        Ok((village, villages)) => Some(Outcome::VillageNamed {
            village,
            added,
            villages,
        }),
        Err(Error::Village(problem)) => Some(Outcome::VillageRefused(problem)),
        Err(e) => failed(lang, e),
    }
}

/// Where bundles go when no folder was ever chosen: `bundles-out` in the
/// data folder.
fn default_bundle_folder(store: &Store) -> PathBuf {
    store
        .path()
        .parent()
        .map(|d| d.join("bundles-out"))
        .unwrap_or_else(|| PathBuf::from("bundles-out"))
}

/// The setting that keeps the last folder bundles were written to or
/// looked for in.
const BUNDLE_FOLDER: &str = "bundle_folder";

/// Reads a folder for the bundles screen: `folder`, else the last one
/// used, else the default one. A folder chosen and read is remembered.
fn bundle_folder(store: &Store, folder: Option<PathBuf>, lang: Lang) -> Option<Outcome> {
    let default = default_bundle_folder(store);
    let chosen = folder.is_some();
    let mut note = None;
    let folder = match folder {
        Some(f) => f,
        None => match store.setting::<String>(BUNDLE_FOLDER).ok().flatten() {
            Some(last) if PathBuf::from(&last).is_dir() => PathBuf::from(last),
            // A USB stick taken out: said, not silently replaced.
            Some(last) => {
                note = Some(i18n::msg(lang, &i18n::Msg::LastFolderGone { path: &last }));
                default.clone()
            }
            None => default.clone(),
        },
    };
    let bundles = match crate::paths::bundle_files(&folder) {
        Ok(found) => found,
        // The default folder is made by the first export.
        Err(_) if folder == default => Vec::new(),
        Err(e) => {
            return failed(
                lang,
                Error::File {
                    path: folder.clone(),
                    detail: e.to_string(),
                },
            );
        }
    };
    if chosen {
        let _ = ops::device::remember(store, BUNDLE_FOLDER, &folder.display().to_string());
    }
    let mut places = crate::paths::removable_places();
    places.push(default);
    places.dedup();
    let bundles = bundles
        .into_iter()
        .map(|(path, written)| Entry::Bundle {
            path,
            written: (written != std::time::UNIX_EPOCH).then(|| written.into()),
        })
        .collect();
    Some(Outcome::BundleFolder {
        folder,
        places,
        bundles,
        note,
    })
}

/// Signs and writes this device's bundles into `folder` (then remembered),
/// and backs the store up; says what was written where, line by line.
fn export_bundles(
    store: &Store,
    signer: Option<&Signer>,
    out_dir: &std::path::Path,
    lang: Lang,
) -> Option<Outcome> {
    let signer = signer.ok_or(crate::ops::exchange::ExchangeError::NoKey);
    let done = signer.and_then(|signer| {
        let unreadable = crate::ops::exchange::unreadable(store)?;
        let exported = crate::ops::exchange::export(store, signer, out_dir, crate::clock::now())?;
        Ok((unreadable, exported))
    });
    match done {
        Ok((unreadable, exported)) => {
            let _ = ops::device::remember(store, BUNDLE_FOLDER, &out_dir.display().to_string());
            let skipped = unreadable.into_iter().map(|receiver| {
                i18n::bundle::say(lang, &i18n::bundle::Say::NoReaderKey { receiver })
            });
            let written = exported.iter().map(|e| {
                let file = e.path.display().to_string();
                i18n::bundle::say(
                    lang,
                    &i18n::bundle::Say::Exported {
                        file: &file,
                        receiver: e.header.receiver,
                        sequence: e.header.sequence,
                        versions: e.versions,
                        work_items: e.work_items,
                    },
                )
            });
            // Backed up after each export, said either way.
            let backup = match crate::ops::backup::automatic(store, crate::clock::now()) {
                Ok(path) => i18n::msg(
                    lang,
                    &i18n::Msg::BackedUp {
                        path: &path.display().to_string(),
                    },
                ),
                Err(e) => i18n::msg(
                    lang,
                    &i18n::Msg::BackupFailed {
                        why: &i18n::bundle::exchange_error(lang, &e),
                    },
                ),
            };
            let lines = skipped.chain(written).chain([backup]).collect();
            let imports = store.imports().unwrap_or_default();
            Some(Outcome::Bundled {
                lines,
                rows: None,
                imports,
                written_to: Some(out_dir.to_path_buf()),
            })
        }
        Err(e) => failed(lang, e),
    }
}

/// Verifies, reads and merges one bundle file; says what it brought.
fn import_bundle(store: &Store, path: &std::path::Path, lang: Lang) -> Option<Outcome> {
    let result = crate::ops::exchange::import_file(store, path, crate::clock::now());
    let imports = store.imports().unwrap_or_default();
    match result {
        Ok(done) => {
            let lines = match store.commune() {
                Ok(commune) => {
                    i18n::bundle::imported_lines(lang, &path.display().to_string(), &done, &commune)
                }
                Err(e) => return failed(lang, e),
            };
            match store.list_rows() {
                Ok(rows) => Some(Outcome::Bundled {
                    lines,
                    rows: Some(rows),
                    imports,
                    written_to: None,
                }),
                Err(e) => failed(lang, e),
            }
        }
        Err(e) => Some(Outcome::Bundled {
            lines: vec![i18n::error(lang, &Error::from(e))],
            rows: None,
            imports,
            written_to: None,
        }),
    }
}
