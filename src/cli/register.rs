//! `tothon register import`: preview a spreadsheet of the commune's people
//! and households, ask, write. The reading and deciding are
//! `ops::register`'s; the rows as read are said as a work list's are.
//! `tothon register find`: the people a search finds, with the keys a new
//! case is started from (`case new --from-register`).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::tables::write_rows;
use super::worklist::{ReadingArgs, confirm};
use crate::domain::form;
use crate::domain::rules::PartialDate;
use crate::error::{Error, Result};
use crate::i18n::register::{Say, say};
use crate::i18n::worklist::preview_lines;
use crate::i18n::{self, Lang, Text};
use crate::ops::register;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Nhập danh sách nhân khẩu, hộ gia đình từ tệp bảng tính (import people and households).
    Import(RegisterImportArgs),
    /// Tìm người trong danh sách nhân khẩu theo tên, số định danh, mã hộ,
    /// số điện thoại (find people by name, ID, household code or phone).
    Find(RegisterFindArgs),
}

#[derive(Debug, Args)]
pub struct RegisterFindArgs {
    /// Từ cần tìm, không cần dấu (what to look for; accents and case ignored).
    pub query: String,
    /// Hiện nhiều nhất N người (list at most N people).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct RegisterImportArgs {
    /// Bảng tính .xlsx, .xls, .ods, hoặc tệp CSV/TXT: UTF-8 (có/không BOM) hoặc UTF-16; phân cách , ; hoặc tab.
    pub file: PathBuf,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

/// Runs a `tothon register` command.
pub(super) fn run(store: &Store, cmd: RegisterCommand, lang: Lang) -> Result<()> {
    match cmd {
        RegisterCommand::Import(args) => import(store, &args, lang),
        RegisterCommand::Find(args) => find(store, &args, lang),
    }
}

/// The people found, one a line under the register's own labels, then how
/// many were found.
fn find(store: &Store, args: &RegisterFindArgs, lang: Lang) -> Result<()> {
    let (people, total) = register::find(store, &args.query, args.limit)?;
    let commune = store.commune()?;
    let spec = form::register();
    let label = |field: &'static str| spec.field(field).map_or(field, |f| f.label.get(lang));
    let header = [
        i18n::text(lang, Text::Record),
        label("full_name"),
        label("person_id"),
        label("birth_date"),
        label("household_code"),
        label("village"),
        label("relation"),
    ];
    let rows: Vec<Vec<String>> = people
        .iter()
        .map(|p| {
            let village = commune.village(p.team).map(|v| v.name.clone());
            vec![
                p.key.clone(),
                p.full_name.clone(),
                p.personal_id.clone(),
                PartialDate::parse_iso(&p.birth_date)
                    .map_or_else(|| p.birth_date.clone(), |d| d.display()),
                p.household.clone(),
                village.unwrap_or_else(|| p.team.to_string()),
                p.relation.clone(),
            ]
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if !rows.is_empty() {
        write_rows(&mut out, &header, &rows);
    }
    let shown = rows.len();
    let _ = writeln!(out, "{}", say(lang, &Say::Found { total, shown }));
    Ok(())
}

fn import(store: &Store, args: &RegisterImportArgs, lang: Lang) -> Result<()> {
    let r = &args.reading;
    let options = crate::worklist::Options {
        sheet: r.sheet.clone(),
        fill_down: r.fill_down,
        ..register::options(r.fix_leading_zeros)
    };
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
    if !confirm(&mut out, lang, r.dry_run, r.yes, &asked, || {
        Error::RegisterNeedsYes { count }
    })? {
        return Ok(());
    }
    let written = register::apply(store, &preview)?;
    let _ = writeln!(out, "{}", say(lang, &Say::Written { count: written }));
    Ok(())
}
