//! `tothon bundle export|verify|import` and `tothon imports` (the log of
//! bundles received), over `ops::exchange`.

use std::path::PathBuf;

use clap::Subcommand;

use super::say;
use super::tables::write_rows;
use crate::bundle::key::Signer;
use crate::clock;
use crate::error::{Error, Result};
use crate::i18n::bundle::Say;
use crate::i18n::{self, Lang};
use crate::ops::exchange::{self, ExchangeError};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Xuất gói: máy tổ một gói gửi xã, máy xã một gói cho mỗi tổ (write bundles).
    Export {
        /// Thư mục ghi gói (folder to write into; default: the current folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Kiểm tra một gói mà không nhận (check a bundle without importing it).
    Verify {
        #[arg(value_name = "FILE.zip")]
        file: PathBuf,
    },
    /// Nhận gói (import bundles).
    Import {
        #[arg(value_name = "FILE.zip", required = true)]
        files: Vec<PathBuf>,
    },
}

/// A bundle command, on the store unlocked with this device's key.
pub(super) fn bundle_command(
    store: &Store,
    signer: &Signer,
    cmd: BundleCommand,
    lang: Lang,
) -> Result<()> {
    match cmd {
        BundleCommand::Export { out } => {
            let out = out.unwrap_or_else(|| PathBuf::from("."));
            for receiver in exchange::unreadable(store)? {
                say(lang, &Say::NoReaderKey { receiver })?;
            }
            for e in exchange::export(store, signer, &out, clock::now())? {
                say(
                    lang,
                    &Say::Exported {
                        file: &e.path.display().to_string(),
                        receiver: e.header.receiver,
                        sequence: e.header.sequence,
                        versions: e.versions,
                        work_items: e.work_items,
                    },
                )?;
            }
            super::backup::after_export(store, lang)
        }
        BundleCommand::Verify { file } => {
            let checked = exchange::check_file(store, &file);
            let admitted = checked.map_err(|refusal| {
                ExchangeError::Rejected(Box::new(exchange::Rejection {
                    file: file.clone(),
                    refusal,
                    kept: None,
                }))
            })?;
            let h = admitted.header();
            let name = crate::domain::text::printable(&file.display().to_string(), 400);
            say(lang, &Say::Valid { file: &name })?;
            say(
                lang,
                &Say::From {
                    sender: h.sender,
                    device: &h.sender_device,
                    key: &admitted.key_id,
                },
            )?;
            say(
                lang,
                &Say::To {
                    receiver: h.receiver,
                },
            )?;
            say(
                lang,
                &Say::Sequence {
                    sequence: h.sequence,
                },
            )?;
            let at = h.created_at.format("%Y-%m-%d %H:%M %:z").to_string();
            say(lang, &Say::Made { at: &at })?;
            for f in &admitted.files {
                say(
                    lang,
                    &Say::Rows {
                        file: &f.name,
                        rows: f.rows,
                    },
                )?;
            }
            say(
                lang,
                &Say::WouldAdd {
                    new: admitted.summary.new,
                    known: admitted.summary.known,
                },
            )?;
            Ok(())
        }
        BundleCommand::Import { files } => {
            // Each bundle stands alone: one refused does not stop the others.
            // Every refusal is one line on stderr; the last is returned.
            let mut last_error = None;
            for file in &files {
                match exchange::import_file(store, file, clock::now()) {
                    Ok(done) => {
                        let name = crate::domain::text::printable(&file.display().to_string(), 400);
                        let commune = store.commune()?;
                        let lines = i18n::bundle::imported_lines(
                            lang,
                            &file.display().to_string(),
                            &done,
                            &commune,
                        );
                        for line in lines {
                            super::print_out(format_args!("{line}\n"))?;
                        }
                        if done.stale {
                            let latest = exchange::latest_sequences(&store.imports()?)
                                .get(&(
                                    crate::bundle::party_text(done.header.sender),
                                    done.header.sender_device.clone(),
                                ))
                                .copied()
                                .unwrap_or(done.header.sequence);
                            say(
                                lang,
                                &Say::Stale {
                                    file: &name,
                                    latest,
                                },
                            )?;
                        }
                    }
                    Err(e) => {
                        if let Some(previous) = last_error.replace(Error::from(e)) {
                            eprintln!("tothon: {}", i18n::error(lang, &previous));
                        }
                    }
                }
            }
            match last_error {
                Some(e) => Err(e),
                None => Ok(()),
            }
        }
    }
}

pub(super) fn list_imports(store: &Store, lang: Lang) -> Result<()> {
    let entries = store.imports()?;
    if entries.is_empty() {
        say(lang, &Say::NoImports)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let result = i18n::bundle::import_result(
                lang,
                e.accepted,
                e.new,
                e.known,
                e.new_conflicts,
                e.stale,
            );
            let result = if e.accepted {
                result
            } else {
                format!("{result}: {}", i18n::bundle::logged_refusal(lang, e))
            };
            vec![
                e.received_at
                    .get(..16)
                    .unwrap_or(&e.received_at)
                    .replace('T', " "),
                e.file.clone(),
                crate::bundle::parse_party(&e.sender)
                    .map(|r| i18n::bundle::party(lang, r))
                    .unwrap_or_default(),
                if e.sequence > 0 {
                    e.sequence.to_string()
                } else {
                    String::new()
                },
                result,
            ]
        })
        .collect();
    write_rows(
        &mut std::io::stdout().lock(),
        &i18n::bundle::imports_header(lang),
        &rows,
    );
    Ok(())
}
