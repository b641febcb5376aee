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
use crate::ops::worklist::{self, Assigned, ImportChoices};
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
    /// Bảng tính .xlsx, .xls, .ods, hoặc tệp CSV/TXT: UTF-8 (có/không BOM) hoặc UTF-16; phân cách , ; hoặc tab.
    pub file: PathBuf,
    /// Mẫu phiếu của các dòng (the rows' form): household_check, missing_field, activation.
    #[arg(long, value_name = "FORM")]
    pub form: Option<String>,
    /// Trang của bảng tính cần đọc; mặc định là trang hiện đầu tiên có dòng tiêu đề (the workbook's sheet; default: the first visible one with a header row).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Điền ô trống do ô gộp (thôn, tổ, mã hộ, địa chỉ, chủ hộ) bằng giá trị ô bên trên (fill merged-cell blanks from the row above).
    #[arg(long)]
    pub fill_down: bool,
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
    let choices = ImportChoices {
        form: args.form.clone(),
        sheet: args.sheet.clone(),
        fix_leading_zeros: args.fix_leading_zeros,
        fill_down: args.fill_down,
    };
    let preview = worklist::preview_file(store, &args.file, &choices)?;
    let commune = store.commune()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in preview_lines(lang, &preview, &commune) {
        let _ = writeln!(out, "{line}");
    }
    let count = preview.items.len();
    let line = |out: &mut dyn Write, s: Say| {
        let _ = writeln!(out, "{}", say(lang, &s));
    };
    if count == 0 {
        line(&mut out, Say::Nothing);
        return Ok(());
    }
    if args.dry_run {
        line(&mut out, Say::DryRun);
        return Ok(());
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            let _ = out.flush();
            return Err(WorklistError::NeedsYes { count }.into());
        }
        let _ = write!(out, "{}", say(lang, &Say::Prompt { count }));
        let _ = out.flush();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Error::Terminal(e.to_string()))?;
        if !is_yes(lang, &answer) {
            line(&mut out, Say::NotImported);
            return Ok(());
        }
    }
    let written = worklist::apply(store, &preview)?;
    line(&mut out, Say::Imported { count: written });
    Ok(())
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
