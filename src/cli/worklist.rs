//! `tothon worklist import|assign`: preview a spreadsheet file, ask, write;
//! give one item to another team. Every decision is `ops::worklist`'s and
//! the preview's lines are `i18n::worklist::preview_lines`, so the import
//! screen shows and does the same.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::print_out;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::i18n::worklist::{Say, is_yes, preview_lines, say};
use crate::ops::worklist::{self, Assigned};
use crate::store::Store;
use crate::worklist::WorklistError;

#[derive(Debug, Subcommand)]
pub enum WorklistCommand {
    /// Nhập danh sách việc từ tệp bảng tính (import a work list from a spreadsheet export).
    Import(ImportArgs),
    /// Giao một việc cho tổ khác (give a work item to another team).
    Assign {
        /// Mã việc (work item), e.g. AC-00012.
        item: String,
        /// Tổ nhận việc (the team to give it to).
        #[arg(long)]
        team: u8,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Tệp CSV hoặc TXT: UTF-8 (có/không BOM) hoặc UTF-16; phân cách , ; hoặc tab.
    pub file: PathBuf,
    /// Mẫu phiếu của các dòng (the rows' form): household_check, missing_field, activation.
    #[arg(long, value_name = "FORM")]
    pub form: Option<String>,
    /// Chỉ xem trước, không ghi gì (preview only, write nothing).
    #[arg(long)]
    pub dry_run: bool,
    /// Nhập luôn, không hỏi lại (import without asking).
    #[arg(long)]
    pub yes: bool,
    /// Thêm lại số 0 đầu mà bảng tính làm mất (put back leading zeros a spreadsheet dropped).
    #[arg(long)]
    pub fix_leading_zeros: bool,
}

/// Runs a `tothon worklist` command.
pub(super) fn run(store: &Store, cmd: WorklistCommand, lang: Lang) -> Result<()> {
    match cmd {
        WorklistCommand::Import(args) => import(store, &args, lang),
        WorklistCommand::Assign { item, team } => assign(store, &item, team, lang),
    }
}

fn import(store: &Store, args: &ImportArgs, lang: Lang) -> Result<()> {
    let preview =
        worklist::preview_file(store, &args.file, args.form.clone(), args.fix_leading_zeros)?;
    let commune = store.commune()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in preview_lines(lang, &preview, &commune) {
        let _ = writeln!(out, "{line}");
    }
    let count = preview.items.len();
    if count == 0 {
        let _ = writeln!(out, "{}", say(lang, &Say::Nothing));
        return Ok(());
    }
    let asked = say(lang, &Say::Prompt { count });
    if !confirm(&mut out, lang, args.dry_run, args.yes, &asked, || {
        WorklistError::NeedsYes { count }.into()
    })? {
        return Ok(());
    }
    let written = worklist::apply(store, &preview)?;
    let _ = writeln!(out, "{}", say(lang, &Say::Imported { count: written }));
    Ok(())
}

/// Asks before an import writes, as every import does: nothing with
/// `--dry-run`, straight on with `--yes`, else the question `asked` on the
/// terminal, and `needs_yes` when there is no terminal to ask on. Says
/// what it decided when that is "not now".
pub(super) fn confirm(
    out: &mut dyn Write,
    lang: Lang,
    dry_run: bool,
    yes: bool,
    asked: &str,
    needs_yes: impl FnOnce() -> Error,
) -> Result<bool> {
    if dry_run {
        let _ = writeln!(out, "{}", say(lang, &Say::DryRun));
        return Ok(false);
    }
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        let _ = out.flush();
        return Err(needs_yes());
    }
    let _ = write!(out, "{asked}");
    let _ = out.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::Terminal(e.to_string()))?;
    if !is_yes(lang, &answer) {
        let _ = writeln!(out, "{}", say(lang, &Say::NotImported));
        return Ok(false);
    }
    Ok(true)
}

fn assign(store: &Store, item: &str, team: u8, lang: Lang) -> Result<()> {
    let said = match worklist::assign(store, item, team)? {
        Assigned::Moved { from } => Say::Assigned {
            item,
            from,
            to: team,
        },
        Assigned::AlreadyThere => Say::AlreadyAssigned { item, team },
    };
    print_out(format_args!("{}\n", say(lang, &said)))?;
    Ok(())
}
