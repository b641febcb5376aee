//! `tothon report`, `tothon progress` and `tothon duplicates` (the list,
//! and settling a pair): written as text, Markdown or CSV.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::print_out;
use super::tables::Format;
use super::tables::{write_rows, write_sheet};
use crate::clock;
use crate::domain::form::choice_label;
use crate::domain::progress::COLUMNS;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};
use crate::ops;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Tính đến ngày dd/mm/yyyy (default: today).
    #[arg(long, value_name = "DD/MM/YYYY")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Ghi vào tệp này (write to this file); needed for xlsx.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Md,
    Csv,
    Xlsx,
    /// A Word document (.docx) in the layout of Nghị định 30/2020; needs --out.
    Docx,
}

/// Reads a dd/mm/yyyy date given on the command line.
fn date_arg(flag: &str, value: &str) -> Result<chrono::NaiveDate> {
    let rule = crate::domain::rules::DateRule {
        year_only: false,
        when: crate::domain::rules::When::Any,
    };
    match crate::domain::rules::parse_date(value, clock::today(), rule) {
        Ok(crate::domain::rules::PartialDate::Day(d)) => Ok(d),
        Ok(_) => Err(Error::BadArg {
            flag: flag.to_string(),
            problem: crate::domain::rules::ProblemKind::DateFormat,
        }),
        Err(problem) => Err(Error::BadArg {
            flag: flag.to_string(),
            problem,
        }),
    }
}

pub(super) fn print_report(store: &Store, args: &ReportArgs, lang: Lang) -> Result<()> {
    let as_of = match &args.as_of {
        Some(v) => date_arg("--as-of", v)?,
        None => clock::today(),
    };
    let report = ops::queries::report(store, as_of)?;
    // `--out report.docx` alone says the format by its name.
    let named = |ext: &str| {
        args.out
            .as_deref()
            .and_then(|p| p.extension())
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    let chosen = match args.format {
        ReportFormat::Text if named("docx") => ReportFormat::Docx,
        ReportFormat::Text if named("xlsx") => ReportFormat::Xlsx,
        ReportFormat::Text if named("csv") => ReportFormat::Csv,
        ReportFormat::Text if named("md") => ReportFormat::Md,
        other => other,
    };
    let format = match (chosen, &args.out) {
        (ReportFormat::Docx, None) => return Err(Error::NeedsOut),
        (ReportFormat::Docx, Some(path)) => {
            let document = i18n::report::document(&report, lang, clock::today());
            let bytes = crate::docx::write(&document).map_err(|e| Error::File {
                path: path.clone(),
                detail: e.to_string(),
            })?;
            let saved = crate::export::save_file(path, &bytes)?;
            return print_out(format_args!(
                "{}\n",
                i18n::msg(
                    lang,
                    &i18n::Msg::Exported {
                        path: &saved.display().to_string()
                    }
                )
            ));
        }
        (ReportFormat::Text, None) => i18n::report::Format::Text,
        (ReportFormat::Md, None) => i18n::report::Format::Markdown,
        (ReportFormat::Csv | ReportFormat::Xlsx, _) => {
            let (header, rows) = i18n::report::csv_rows(&report, lang);
            let title = i18n::report::title(&report, lang);
            let format = match chosen {
                ReportFormat::Xlsx => Format::Xlsx,
                _ => Format::Csv,
            };
            return write_sheet(
                format,
                args.out.as_deref(),
                lang,
                ("Báo cáo", title),
                (&header, &rows),
                crate::export::Columns::all_fixed(&header),
            );
        }
        (ReportFormat::Text | ReportFormat::Md, Some(path)) => {
            let format = match chosen {
                ReportFormat::Md => i18n::report::Format::Markdown,
                _ => i18n::report::Format::Text,
            };
            let text = i18n::report::render(&report, lang, format);
            let saved = crate::export::save_file(path, text.as_bytes())?;
            return print_out(format_args!(
                "{}\n",
                i18n::msg(
                    lang,
                    &i18n::Msg::ExportedPersonal {
                        path: &saved.display().to_string()
                    }
                )
            ));
        }
    };
    print_out(format_args!(
        "{}",
        i18n::report::render(&report, lang, format)
    ))?;
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum TargetCommand {
    /// Liệt kê các dòng báo cáo và chỉ tiêu (list the report's lines and their targets).
    List,
    /// Đặt chỉ tiêu cho một dòng, ví dụ: eid_level2 2852 (set a line's target).
    Set {
        /// Mã dòng báo cáo (the line's key, as `target list` shows it).
        line: String,
        target: usize,
    },
    /// Bỏ chỉ tiêu của một dòng (clear a line's target).
    Clear { line: String },
}

/// Runs `tothon target`: the report's targets (chỉ tiêu), set at the office.
pub(super) fn target(store: &Store, cmd: TargetCommand, lang: Lang) -> Result<()> {
    match cmd {
        TargetCommand::List => {
            let targets = ops::queries::targets(store)?;
            let rows: Vec<Vec<String>> = crate::domain::report::spec()
                .lines()
                .map(|l| {
                    vec![
                        l.key.clone(),
                        l.short.get(lang).to_string(),
                        targets.get(&l.key).map_or(String::new(), |t| t.to_string()),
                    ]
                })
                .collect();
            let header = i18n::report::targets_header(lang);
            write_rows(&mut std::io::stdout().lock(), &header, &rows);
            Ok(())
        }
        TargetCommand::Set { line, target } => set_target(store, &line, Some(target), lang),
        TargetCommand::Clear { line } => set_target(store, &line, None, lang),
    }
}

/// Sets or clears a line's target (a target of 0 is none) and says which.
fn set_target(store: &Store, line: &str, target: Option<usize>, lang: Lang) -> Result<()> {
    let target = target.filter(|n| *n > 0);
    ops::commune::set_target(store, line, target)?;
    print_out(format_args!(
        "{}\n",
        i18n::msg(lang, &i18n::Msg::Target { line, target })
    ))
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Chỉ một mẫu phiếu (one form only).
    #[arg(long)]
    pub form: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Ghi vào tệp này (write to this file); needed for xlsx.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The progress table the commune's screen shows: per team, the cases
/// assigned, done, in progress, not started, blocked, returned, in
/// conflict, and the share done; then the total.
pub(super) fn print_progress(store: &Store, args: &ProgressArgs, lang: Lang) -> Result<()> {
    if let Some(f) = &args.form {
        crate::ops::case::spec_of(f)?;
    }
    let table = ops::queries::progress(store, args.form.as_deref())?;
    let commune = store.commune()?;
    let village = |team: Option<u8>| {
        team.and_then(|t| commune.village(t))
            .map(|v| v.name.clone())
            .unwrap_or_default()
    };
    let rows: Vec<Vec<String>> = table
        .iter()
        .map(|(team, p)| {
            let name = match (team, args.format) {
                (Some(t), _) => t.to_string(),
                (None, Format::Csv) => "total".to_string(),
                (None, Format::Table) if args.out.is_some() => "total".to_string(),
                (None, Format::Table | Format::Xlsx) => {
                    i18n::text(lang, i18n::Text::Total).to_string()
                }
            };
            let mut row = vec![name, village(*team)];
            row.extend(COLUMNS.iter().map(|c| c.cell(p)));
            row
        })
        .collect();
    match args.format {
        Format::Csv | Format::Xlsx | Format::Table
            if args.format != Format::Table || args.out.is_some() =>
        {
            let mut header = vec!["team".to_string(), "village".to_string()];
            header.extend(COLUMNS.iter().map(|c| c.id().to_string()));
            let words = match &args.form {
                Some(f) => format!(
                    " ({})",
                    crate::domain::form::form(f)
                        .map_or(f.clone(), |s| s.label.get(lang).to_string())
                ),
                None => String::new(),
            };
            let what = (
                &*format!("Tiến độ theo tổ{words}"),
                &*format!("Progress by team{words}"),
            );
            let title = crate::export::sheet_title(lang, what, &commune.name, clock::today());
            write_sheet(
                args.format,
                args.out.as_deref(),
                lang,
                ("Tiến độ", title),
                (&header, &rows),
                crate::export::Columns::all_fixed(&header),
            )
        }
        _ => {
            let mut out = std::io::stdout().lock();
            let mut header = vec![
                i18n::text(lang, i18n::Text::Team),
                i18n::text(lang, i18n::Text::Village),
            ];
            header.extend(COLUMNS.iter().map(|c| i18n::progress_column(lang, *c)));
            write_rows(&mut out, &header, &rows);
            Ok(())
        }
    }
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DuplicatesArgs {
    #[command(subcommand)]
    pub action: Option<DuplicatesCommand>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Ghi vào tệp này (write to this file); needed for xlsx.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DuplicatesCommand {
    /// Ghi cách xử lý một cặp nghi trùng (settle a suspected pair).
    Settle {
        /// Mã nhân khẩu thứ nhất (the first register key, e.g. NK-000012).
        first: String,
        /// Mã nhân khẩu thứ hai (the second register key).
        second: String,
        /// deleted_duplicate (đã xoá phiếu trùng), not_duplicate (không trùng), referred (chuyển công an xã).
        #[arg(long = "as", value_name = "RESOLUTION")]
        resolution: String,
        /// Ghi chú (a note).
        #[arg(long)]
        note: Option<String>,
        /// Người xử lý (author); default: the device's name.
        #[arg(long)]
        author: Option<String>,
    },
}

/// Runs `tothon duplicates`: the list, or settling one pair.
pub(super) fn duplicates(store: &Store, args: DuplicatesArgs, lang: Lang) -> Result<()> {
    match args.action {
        None => print_duplicates(store, args.format, args.out.as_deref(), lang),
        Some(DuplicatesCommand::Settle {
            first,
            second,
            resolution,
            note,
            author,
        }) => {
            let who = super::case::who(store, author.as_deref(), lang)?;
            let saved = ops::duplicates::settle(
                store,
                &first,
                &second,
                &resolution,
                note.as_deref(),
                &who,
            )?;
            super::case::report_saved(&saved, lang)
        }
    }
}

fn print_duplicates(
    store: &Store,
    format: Format,
    out: Option<&std::path::Path>,
    lang: Lang,
) -> Result<()> {
    let pairs = ops::duplicates::list(store)?;
    if out.is_none() && format != Format::Xlsx {
        super::mark_personal(lang);
    }
    let commune = store.commune()?;
    let village = |team: u8| {
        commune
            .village(team)
            .map(|v| v.name.clone())
            .unwrap_or_else(|| team.to_string())
    };
    let why = |w| match (w, lang) {
        (crate::domain::duplicates::Why::SameId, Lang::Vi) => "trùng số định danh",
        (crate::domain::duplicates::Why::SameId, Lang::En) => "same personal ID",
        (crate::domain::duplicates::Why::SameNameAndBirth, Lang::Vi) => "trùng họ tên và ngày sinh",
        (crate::domain::duplicates::Why::SameNameAndBirth, Lang::En) => "same name and birth date",
    };
    let header = [
        "why",
        "person_id_1",
        "name_1",
        "birth_1",
        "household_1",
        "village_1",
        "person_id_2",
        "name_2",
        "birth_2",
        "household_2",
        "village_2",
        "key_1",
        "key_2",
        "resolution",
        "case",
    ];
    let rows: Vec<Vec<String>> = pairs
        .iter()
        .map(|p| {
            vec![
                why(p.why).to_string(),
                p.first.personal_id.clone(),
                p.first.full_name.clone(),
                p.first.birth_date.clone(),
                p.first.household.clone(),
                village(p.first.team),
                p.second.personal_id.clone(),
                p.second.full_name.clone(),
                p.second.birth_date.clone(),
                p.second.household.clone(),
                village(p.second.team),
                p.first.key.clone(),
                p.second.key.clone(),
                p.settled
                    .as_ref()
                    .map(|s| choice_label(ops::duplicates::FORM, "resolution", &s.resolution, lang))
                    .unwrap_or_default(),
                p.settled
                    .as_ref()
                    .map_or(String::new(), |s| s.record.clone()),
            ]
        })
        .collect();
    // Names and codes come from the commune's spreadsheets and from
    // bundles: printed through the tables, which escape terminal controls.
    match (format, out) {
        (Format::Table, None) => {
            write_rows(&mut std::io::stdout().lock(), &header, &rows);
            Ok(())
        }
        _ => {
            let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
            let what = ("Nghi trùng nhân khẩu", "Suspected duplicate people");
            let title = crate::export::sheet_title(lang, what, &commune.name, clock::today());
            write_sheet(
                format,
                out,
                lang,
                ("Nghi trùng", title),
                (&header, &rows),
                crate::export::Columns::all_fixed(&header),
            )
        }
    }
}
