//! `tothon worklist import|assign|list`: preview a spreadsheet file, ask, write;
//! give one item to another team; list the items. Every decision is `ops::worklist`'s and
//! the preview's lines are `i18n::worklist::preview_lines`, so the import
//! screen shows and does the same.

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::print_out;
use super::tables::{Format, status_cell, unique_header, write_rows, write_sheet};
use crate::domain::form;
use crate::domain::rules::PartialDate;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::i18n::worklist::{Say, is_yes, preview_lines, say};
use crate::i18n::{self, Text};
use crate::ops::worklist::{self, Assigned, ImportChoices, ListedItem};
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
    /// Liệt kê các việc, thôn, hạn và tình trạng (list the work items and how far each has got).
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Bảng tính .xlsx, .xls, .ods, hoặc tệp CSV/TXT: UTF-8 (có/không BOM) hoặc UTF-16; phân cách , ; hoặc tab.
    pub file: PathBuf,
    /// Mẫu phiếu của các dòng (the rows' form): household_check, missing_field, activation.
    #[arg(long, value_name = "FORM")]
    pub form: Option<String>,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

/// How a spreadsheet is read and whether to write: what every import
/// (work list, register) takes.
#[derive(Debug, Args)]
pub struct ReadingArgs {
    /// Trang của bảng tính cần đọc; mặc định là trang hiện đầu tiên có dòng tiêu đề (the workbook's sheet; default: the first visible one with a header row).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Điền ô trống do ô gộp (thôn, tổ, mã hộ, địa chỉ, chủ hộ) bằng giá trị ô bên trên (fill merged-cell blanks from the row above).
    #[arg(long)]
    pub fill_down: bool,
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

/// Runs a `tothon worklist` command.
pub(super) fn run(store: &Store, cmd: WorklistCommand, lang: Lang) -> Result<()> {
    match cmd {
        WorklistCommand::Import(args) => import(store, &args, lang),
        WorklistCommand::Assign { item, team } => assign(store, &item, team, lang),
        WorklistCommand::List(args) => list(store, &args, lang),
    }
}

fn import(store: &Store, args: &ImportArgs, lang: Lang) -> Result<()> {
    let r = &args.reading;
    let choices = ImportChoices {
        form: args.form.clone(),
        sheet: r.sheet.clone(),
        fix_leading_zeros: r.fix_leading_zeros,
        fill_down: r.fill_down,
    };
    let preview = worklist::preview_file(store, &args.file, &choices)?;
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
    if !confirm(&mut out, lang, r.dry_run, r.yes, &asked, || {
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
        Assigned::Moved { from, versions } => Say::Assigned {
            item,
            from,
            to: team,
            versions,
        },
        Assigned::AlreadyThere => Say::AlreadyAssigned { item, team },
    };
    print_out(format_args!("{}\n", say(lang, &said)))?;
    Ok(())
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Chỉ các việc của tổ N (only team N's items).
    #[arg(long)]
    pub team: Option<u8>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Ghi vào tệp này (write to this file); needed for xlsx.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `worklist list`: one line per work item, by team then id: the table in
/// the reader's language, or CSV with stable column names and stored values
/// (the item's own fields after the fixed columns), or a workbook for
/// people.
fn list(store: &Store, args: &ListArgs, lang: Lang) -> Result<()> {
    let listed = worklist::list(store, args.team)?;
    let commune = store.commune()?;
    let village = |team: u8| commune.village(team).map_or("", |v| v.name.as_str());
    match (args.format, &args.out) {
        (Format::Table, None) => {
            item_table(std::io::stdout().lock(), &listed, village, lang);
            Ok(())
        }
        (format, out) => {
            let (header, rows) = item_sheet(&listed, village);
            let team = args
                .team
                .map(|t| format!(" ({} {t})", i18n::text(lang, Text::Team)))
                .unwrap_or_default();
            let what = (
                &*format!("Danh sách việc{team}"),
                &*format!("Work list{team}"),
            );
            let title =
                crate::export::sheet_title(lang, what, &commune.name, crate::clock::today());
            write_sheet(
                format,
                out.as_deref(),
                lang,
                (SHEET_NAME, title),
                (&header, &rows),
                crate::export::Columns {
                    fixed: ITEM_COLUMNS.len(),
                    form: None,
                    villages: &commune.villages,
                },
            )
        }
    }
}

/// The sheet's name in a workbook.
const SHEET_NAME: &str = "Danh sách việc";

/// The columns every item has, before its own fields.
const ITEM_COLUMNS: [&str; 9] = [
    "item",
    "form",
    "team",
    "village",
    "due",
    "status",
    "conflict",
    "edited_at",
    "title",
];

/// The items as a sheet: [`ITEM_COLUMNS`], then one column per field the
/// items carry, in the forms' order. A field named like a fixed column
/// (a household check's `village`) is written `prefill_village`, so no two
/// columns share a name.
fn item_sheet<'a>(
    listed: &[ListedItem],
    village: impl Fn(u8) -> &'a str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let carried: BTreeSet<&str> = listed
        .iter()
        .flat_map(|l| l.item.prefill.keys().map(String::as_str))
        .collect();
    let mut fields: Vec<&str> = Vec::new();
    let in_forms = form::forms().iter().flat_map(|f| &f.fields);
    for id in in_forms
        .map(|f| f.id.as_str())
        .chain(carried.iter().copied())
    {
        if carried.contains(id) && !fields.contains(&id) {
            fields.push(id);
        }
    }
    let header = unique_header(&ITEM_COLUMNS, &fields, "prefill_");
    let rows = listed
        .iter()
        .map(|ListedItem { item, case }| {
            let mut row = vec![
                item.id.clone(),
                item.form.clone(),
                item.team.to_string(),
                village(item.team).to_string(),
                item.due.clone().unwrap_or_default(),
                case.as_ref()
                    .map_or("not_started", |c| c.status.as_str())
                    .to_string(),
                if case.as_ref().is_some_and(|c| c.in_conflict()) {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                case.as_ref()
                    .map(|c| c.edited_at.clone())
                    .unwrap_or_default(),
                form::form(&item.form)
                    .map(|spec| spec.title(&item.prefill))
                    .unwrap_or_default(),
            ];
            row.extend(
                fields
                    .iter()
                    .map(|f| item.prefill.get(*f).cloned().unwrap_or_default()),
            );
            row
        })
        .collect();
    (header, rows)
}

/// The items as a table for people: the form's short name, the due date as
/// dd/mm/yyyy, the case's status in words.
fn item_table<'a>(
    mut out: impl Write,
    listed: &[ListedItem],
    village: impl Fn(u8) -> &'a str,
    lang: Lang,
) {
    let t = |x| i18n::text(lang, x);
    if listed.is_empty() {
        let _ = writeln!(out, "{}", t(Text::NoWorkItems));
        return;
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|ListedItem { item, case }| {
            let spec = form::form(&item.form);
            vec![
                item.id.clone(),
                spec.map_or(item.form.clone(), |s| s.short.get(lang).to_string()),
                item.team.to_string(),
                village(item.team).to_string(),
                item.due
                    .as_deref()
                    .map(|d| PartialDate::parse_iso(d).map_or(d.to_string(), |d| d.display()))
                    .unwrap_or_default(),
                case.as_ref()
                    .map_or(t(Text::StageNotStarted).to_string(), |c| {
                        status_cell(lang, c.status, c.in_conflict())
                    }),
                spec.map(|s| s.title(&item.prefill)).unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        t(Text::Record),
        t(Text::Form),
        t(Text::Team),
        t(Text::Village),
        t(Text::DueDate),
        t(Text::Status),
        t(Text::Title),
    ];
    write_rows(&mut out, &header, &rows);
}
