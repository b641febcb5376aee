//! `tothon check`, `tothon backup`, `tothon restore`, and the backups the
//! command line makes by itself (the day's first, one after an export).

use std::path::Path;

use super::{Ask, Result, passphrase, print_out};
use crate::i18n::{self, Lang, Msg};
use crate::ops;
use crate::store::Store;

/// `tothon check`: the whole store checked; damage is the command's error.
pub(super) fn check(dir: &Path, lang: Lang) -> Result<()> {
    let store = Store::open(dir)?;
    ops::exchange::own_public(&store)?;
    let signer = ops::exchange::open_key(&store, &passphrase(lang, Ask::Current)?)?;
    let mut store = store.unlock(&signer.store_key())?;
    let checked = ops::backup::check(&mut store)?;
    if !checked.is_whole() {
        return Err(ops::exchange::ExchangeError::Damaged(Box::new(checked)).into());
    }
    let latest = store.backups().last().map(|p| p.display().to_string());
    print_out(format_args!(
        "{}\n",
        i18n::msg(
            lang,
            &Msg::CheckPassed {
                values: checked.values,
                versions: checked.versions,
                repaired: checked.file_repaired,
                index_rebuilt: checked.index_rebuilt,
                latest_backup: latest.as_deref(),
            }
        )
    ))
}

/// `tothon backup [--out FILE]`: no passphrase needed, the copy is sealed
/// as the store is.
pub(super) fn backup(dir: &Path, out: Option<&Path>, lang: Lang) -> Result<()> {
    let store = Store::open(dir)?;
    let path = match out {
        Some(out) => {
            ops::backup::backup_to(&store, out)?;
            out.to_path_buf()
        }
        None => ops::backup::automatic(&store, crate::clock::now())?,
    };
    print_out(format_args!(
        "{}\n",
        i18n::msg(
            lang,
            &Msg::BackedUp {
                path: &path.display().to_string()
            }
        )
    ))
}

/// `tothon restore FILE`, opened with the passphrase the backup was made
/// under.
pub(super) fn restore(dir: &Path, file: &Path, lang: Lang) -> Result<()> {
    let pass = passphrase(lang, Ask::Current)?;
    let restored = ops::backup::restore(dir, file, &pass, crate::clock::now())?;
    let kept = restored.kept.as_ref().map(|p| p.display().to_string());
    print_out(format_args!(
        "{}\n",
        i18n::msg(
            lang,
            &Msg::Restored {
                versions: restored.versions,
                kept: kept.as_deref(),
            }
        )
    ))
}

/// The day's first backup, after the store was unlocked: quiet when made
/// (the command's own output may be a file), one line on stderr when not.
pub(super) fn start_of_day(store: &Store, lang: Lang) {
    if let Err(e) = ops::backup::start_of_day(store, crate::clock::now()) {
        backup_failed(lang, &e);
    }
}

/// A backup after an export: said when made, and when not.
pub(super) fn after_export(store: &Store, lang: Lang) -> Result<()> {
    match ops::backup::automatic(store, crate::clock::now()) {
        Ok(path) => print_out(format_args!(
            "{}\n",
            i18n::msg(
                lang,
                &Msg::BackedUp {
                    path: &path.display().to_string()
                }
            )
        )),
        Err(e) => {
            backup_failed(lang, &e);
            Ok(())
        }
    }
}

fn backup_failed(lang: Lang, e: &ops::exchange::ExchangeError) {
    let why = i18n::bundle::exchange_error(lang, e);
    eprintln!("{}", i18n::msg(lang, &Msg::BackupFailed { why: &why }));
}
