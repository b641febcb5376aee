//! `tothon register import`: preview a spreadsheet of the commune's people
//! and households, ask, write. The reading and deciding are
//! `ops::register`'s; the rows as read are said as a work list's are.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::worklist::confirm;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::i18n::register::{Say, say};
use crate::i18n::worklist::preview_lines;
use crate::ops::register;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Nhập danh sách nhân khẩu, hộ gia đình từ tệp bảng tính (import people and households).
    Import(RegisterImportArgs),
}

#[derive(Debug, Args)]
pub struct RegisterImportArgs {
    /// Tệp CSV hoặc TXT: UTF-8 (có/không BOM) hoặc UTF-16; phân cách , ; hoặc tab.
    pub file: PathBuf,
    /// Chỉ xem trước, không ghi gì (preview only, write nothing).
    #[arg(long)]
    pub dry_run: bool,
    /// Ghi luôn, không hỏi lại (write without asking).
    #[arg(long)]
    pub yes: bool,
    /// Thêm lại số 0 đầu mà bảng tính làm mất (put back leading zeros a spreadsheet dropped).
    #[arg(long)]
    pub fix_leading_zeros: bool,
}

/// Runs a `tothon register` command.
pub(super) fn run(store: &Store, cmd: RegisterCommand, lang: Lang) -> Result<()> {
    match cmd {
        RegisterCommand::Import(args) => import(store, &args, lang),
    }
}

fn import(store: &Store, args: &RegisterImportArgs, lang: Lang) -> Result<()> {
    let options = register::options(args.fix_leading_zeros);
    let preview = register::preview_file(store, &args.file, &options)?;
    let commune = store.commune()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in preview_lines(lang, &preview.read, &commune) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", say(lang, &Say::Plan(&preview.plan)));
    let count = preview.plan.new.len() + preview.plan.updated.len();
    if count == 0 {
        let _ = writeln!(out, "{}", say(lang, &Say::Nothing));
        return Ok(());
    }
    let asked = say(lang, &Say::Prompt { count });
    if !confirm(&mut out, lang, args.dry_run, args.yes, &asked, || {
        Error::RegisterNeedsYes { count }
    })? {
        return Ok(());
    }
    let written = register::apply(store, &preview)?;
    let _ = writeln!(out, "{}", say(lang, &Say::Written { count: written }));
    Ok(())
}
