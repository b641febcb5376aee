//! Setting a device up and its keys: `tothon init`, `tothon key`,
//! `tothon trust` and `tothon untrust`, over `ops::exchange`.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::tables::write_rows;
use super::{Ask, passphrase, print_out, say};
use crate::clock;
use crate::domain::commune::{Commune, Role};
use crate::error::{Error, Result};
use crate::i18n::bundle::Say;
use crate::i18n::{self, Lang, Msg};
use crate::ops;
use crate::ops::exchange::{self, ExchangeError};
use crate::store::{Store, StoreError};

#[derive(Debug, Subcommand)]
pub enum InitCommand {
    /// Máy của xã (the commune office).
    Commune {
        #[arg(long)]
        name: String,
        /// Tên một thôn, theo thứ tự tổ 1, 2, ... (a village's name, in team
        /// order), repeatable.
        #[arg(long = "village", value_name = "NAME")]
        village_names: Vec<String>,
        /// Tệp tên các thôn, mỗi dòng một thôn (a file of village names, one a line).
        #[arg(long, value_name = "FILE", conflicts_with = "village_names")]
        villages_file: Option<PathBuf>,
        /// Số thôn, đặt tên "Thôn 1".."Thôn N" (how many villages, when not named).
        #[arg(long, default_value_t = 6, conflicts_with_all = ["village_names", "villages_file"])]
        villages: u8,
    },
    /// Máy của một tổ công tác thôn (a village team's laptop).
    Team {
        #[arg(long)]
        team: u8,
        #[arg(long)]
        commune: String,
        #[arg(long, default_value_t = 6)]
        villages: u8,
        /// Khoá công khai của xã (the commune's public key, FILE.pub).
        #[arg(long, value_name = "FILE.pub")]
        commune_key: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// In khoá công khai của máy này, dạng tệp .pub của minisign (print this device's public key).
    Show {
        /// Ghi thẳng vào tệp này (write it to this file, whatever the shell).
        #[arg(long, value_name = "FILE.pub")]
        out: Option<PathBuf>,
    },
    /// Ghi khoá giải mã age của máy này ra tệp, để tự giải mã gói bằng «age -d -i TỆP» (write this device's secret age identity to a file, for `age -d -i FILE`).
    Identity {
        /// Tệp sẽ ghi (chỉ chủ máy đọc được) (the file to write, readable by its owner only).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Liệt kê các khoá tin cậy (list trusted keys).
    List,
    /// Tạo khoá ký mới (make a new signing key).
    New {
        /// Thay khoá hiện có (replace the existing key).
        #[arg(long)]
        replace: bool,
    },
}

pub(super) fn init(dir: &Path, cmd: InitCommand, lang: Lang) -> Result<()> {
    let mut commune_key = None;
    let (commune, role) = match cmd {
        InitCommand::Commune {
            name,
            village_names,
            villages_file,
            villages,
        } => {
            let names = match villages_file {
                Some(file) => names_in(&file)?,
                None => village_names,
            };
            let commune = if names.is_empty() {
                Commune::with_numbered_villages(&crate::domain::text::clean(&name), villages)
            } else {
                Commune::with_villages(&name, &names)?
            };
            (commune, Role::Commune)
        }
        InitCommand::Team {
            team,
            commune,
            villages,
            commune_key: key_file,
        } => {
            if let Some(file) = key_file {
                commune_key = Some(exchange::read_public(&file)?);
            }
            if team == 0 || team > villages {
                return Err(Error::NoSuchTeam {
                    team,
                    max: villages,
                });
            }
            (
                Commune::with_numbered_villages(&crate::domain::text::clean(&commune), villages),
                Role::Team(team),
            )
        }
    };
    if Store::exists_in(dir) {
        return Err(StoreError::AlreadySetUp(dir.to_path_buf()).into());
    }
    // Ask for the passphrase before anything is written, so a wrong or
    // missing one leaves no half-set-up store behind.
    let pass = passphrase(lang, Ask::Choose)?;
    let public = ops::device::set_up(
        dir,
        &commune,
        role,
        &pass,
        commune_key.as_ref(),
        clock::now(),
    )?;
    print_out(format_args!(
        "{}\n",
        i18n::msg(
            lang,
            &Msg::InitDone {
                dir: &dir.display().to_string()
            }
        )
    ))?;
    say(
        lang,
        &Say::KeyMade {
            id: &public.id,
            role,
        },
    )?;
    if let Some(key) = &commune_key {
        say(
            lang,
            &Say::Trusted {
                id: &key.id,
                team: None,
            },
        )?;
    }
    Ok(())
}

/// The names in a villages file: one a line, blank lines skipped; UTF-8,
/// with or without a byte-order mark.
fn names_in(file: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(file).map_err(|e| Error::File {
        path: file.to_path_buf(),
        detail: e.to_string(),
    })?;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes)).map_err(
        |_| Error::File {
            path: file.to_path_buf(),
            detail: "not UTF-8 text".into(),
        },
    )?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

pub(super) fn key_command(store: Store, cmd: KeyCommand, lang: Lang) -> Result<()> {
    match cmd {
        KeyCommand::Show { out: None } => {
            print_out(format_args!("{}", public_text(&store, lang)?))?;
            Ok(())
        }
        KeyCommand::Show { out: Some(file) } => {
            let text = public_text(&store, lang)?;
            let path = crate::export::save_file(&file, text.as_bytes())?;
            print_out(format_args!(
                "{}\n",
                i18n::msg(
                    lang,
                    &Msg::Exported {
                        path: &path.display().to_string()
                    }
                )
            ))
        }
        KeyCommand::New { replace } => {
            if let Some(old) = store.own_key()?
                && !replace
            {
                return Err(ExchangeError::KeyExists { id: old.id }.into());
            }
            // Replacing a key takes the old passphrase first: the store's
            // data is opened with it, then kept under the new key. (A
            // forgotten passphrase cannot open the data at all: README,
            // "Lost passphrase or lost laptop".)
            let store = match store.own_key()? {
                Some(_) => exchange::unlock(store, &passphrase(lang, Ask::Current)?)?.0,
                None => store,
            };
            let pass = passphrase(
                lang,
                if store.own_key()?.is_some() {
                    Ask::Replacement
                } else {
                    Ask::Choose
                },
            )?;
            exchange::check_new_passphrase(&pass)?;
            let (store, signer) = exchange::new_key(store, &pass, replace, clock::now())?;
            let public = signer.public;
            say(
                lang,
                &Say::KeyMade {
                    id: &public.id,
                    role: store.device()?.role,
                },
            )?;
            Ok(())
        }
        KeyCommand::Identity { out } => {
            exchange::own_public(&store)?;
            let signer = exchange::open_key(&store, &passphrase(lang, Ask::Current)?)?;
            let identity = signer.identity();
            let text = format!(
                "# tothon: the age identity of device key {} (secret: whoever holds this file reads the bundles sent to this device)\n# public key: {}\n{}\n",
                signer.public.id,
                identity.recipient(),
                identity.secret_text()
            );
            let path = crate::export::save_file_private(&out, text.as_bytes())?;
            say(
                lang,
                &Say::IdentityWritten {
                    path: &path.display().to_string(),
                },
            )
        }
        KeyCommand::List => {
            let keys = store.trusted_keys()?;
            if keys.is_empty() {
                say(lang, &Say::NoTrustedKeys)?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = keys
                .iter()
                .map(|k| {
                    vec![
                        k.id.clone(),
                        i18n::bundle::party(lang, k.team.map(Role::Team).unwrap_or(Role::Commune)),
                        k.device.clone().unwrap_or_default(),
                        k.added_at.clone(),
                        k.revoked_at.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            write_rows(
                &mut std::io::stdout().lock(),
                &i18n::bundle::keys_header(lang),
                &rows,
            );
            Ok(())
        }
    }
}

/// This device's `.pub` file. A key made before bundles were encrypted has
/// no age key written beside it yet: the passphrase opens the key, which
/// brings it, and it is kept from then on.
fn public_text(store: &Store, lang: Lang) -> Result<String> {
    let public = exchange::own_public(store)?;
    if public.age.is_some() {
        return Ok(public.to_text());
    }
    let signer = exchange::open_key(store, &passphrase(lang, Ask::Current)?)?;
    exchange::refresh_public(store, &signer)?;
    Ok(signer.public.to_text())
}

/// Trusts a public key: a team's, on the commune device; the commune's, on
/// a team device.
pub(super) fn trust(
    store: &Store,
    team: Option<u8>,
    file: &Path,
    again: bool,
    lang: Lang,
) -> Result<()> {
    let public = exchange::read_public(file)?;
    let key = if again {
        exchange::trust_again(store, team, &public, clock::now())?
    } else {
        exchange::trust(store, team, &public, clock::now())?
    };
    say(
        lang,
        &Say::Trusted {
            id: &key.id,
            team: key.team,
        },
    )?;
    Ok(())
}

/// Revokes a trusted key.
pub(super) fn untrust(store: &Store, key_id: &str, lang: Lang) -> Result<()> {
    let key = exchange::untrust(store, key_id, clock::now())?;
    say(
        lang,
        &Say::Untrusted {
            id: &key.id,
            team: key.team,
        },
    )?;
    Ok(())
}
