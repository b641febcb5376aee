//! The listings: `tothon cases` (current cases, as a table or CSV) and
//! `tothon forms` (the forms and their fields).

use std::io::Write;

use clap::Args;

use super::print_out;
use super::tables::{Format, status_cell, unique_header, write_rows, write_sheet};
use crate::domain::case::CaseEntry;
use crate::domain::form;
use crate::domain::standing::Stage;
use crate::domain::version::{Status, Version};
use crate::error::{Error, Result};
use crate::i18n::{self, Lang, Text};
use crate::ops::case::spec_of;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct CasesArgs {
    #[arg(long)]
    pub form: Option<String>,
    /// Trạng thái của phiên bản mới nhất (the newest version's status):
    /// draft | in_progress | done | blocked | needs_correction | voided
    #[arg(long)]
    pub status: Option<String>,
    /// Tiến độ như các bảng đếm (where the case stands, as the progress
    /// table and the report count it; a draft changes nothing):
    /// not_started | in_progress | done | blocked | needs_correction | voided
    #[arg(long)]
    pub stage: Option<String>,
    /// Chỉ các trường hợp xung đột (only cases in conflict).
    #[arg(long)]
    pub conflicts: bool,
    #[arg(long)]
    pub team: Option<u8>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Ghi vào tệp này (write to this file); needed for xlsx.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

/// Keeps the cases a listing asks for.
fn filter_cases(cases: Vec<CaseEntry>, args: &CasesArgs) -> Result<Vec<CaseEntry>> {
    if let Some(f) = &args.form {
        spec_of(f)?;
    }
    let status = match &args.status {
        Some(s) => {
            Some(Status::parse(s).ok_or_else(|| Error::UnknownStatus { status: s.clone() })?)
        }
        None => None,
    };
    let stage = match &args.stage {
        Some(s) => Some(Stage::parse(s).ok_or_else(|| Error::UnknownStage { stage: s.clone() })?),
        None => None,
    };
    Ok(cases
        .into_iter()
        .filter(|c| args.form.as_ref().is_none_or(|f| &c.form == f))
        .filter(|c| status.is_none_or(|s| c.status == s))
        .filter(|c| stage.is_none_or(|s| c.stage == s))
        .filter(|c| !args.conflicts || c.in_conflict())
        .filter(|c| args.team.is_none_or(|t| c.team == t))
        .collect())
}

pub(super) fn list_cases(store: &Store, args: &CasesArgs, lang: Lang) -> Result<()> {
    let cases = filter_cases(store.cases()?, args)?;
    // Said on the standard error when the listing goes to a program or a
    // file through it; a file named with --out is said where it went.
    if args.out.is_none() && args.format != Format::Xlsx {
        super::mark_personal(lang);
    }
    match (args.format, &args.out) {
        (Format::Table, None) => {
            write_table(&cases, lang, &mut std::io::stdout().lock());
            Ok(())
        }
        (format, out) => {
            let commune = store.commune()?;
            let (header, rows) = case_sheet(store, &cases, args.form.as_deref())?;
            let title = cases_title(store, args, lang)?;
            write_sheet(
                format,
                out.as_deref(),
                lang,
                ("Danh sách", title),
                (&header, &rows),
                crate::export::Columns {
                    fixed: CASE_COLUMNS.len(),
                    form: args.form.as_deref().and_then(form::form),
                    villages: &commune.villages,
                },
            )
        }
    }
}

/// The first line of a case list for people: the commune, the filter, the
/// day.
fn cases_title(store: &Store, args: &CasesArgs, lang: Lang) -> Result<String> {
    let commune = store.commune()?;
    let mut filter = Vec::new();
    if let Some(spec) = args.form.as_deref().and_then(form::form) {
        filter.push(spec.label.get(lang).to_string());
    }
    if let Some(t) = args.team {
        let team = i18n::text(lang, Text::Team);
        let village = commune
            .village(t)
            .map(|v| format!(" ({})", v.name))
            .unwrap_or_default();
        filter.push(format!("{team} {t}{village}"));
    }
    if let Some(s) = args.status.as_deref().and_then(Status::parse) {
        filter.push(i18n::status(lang, s).to_string());
    }
    if let Some(s) = args.stage.as_deref().and_then(Stage::parse) {
        filter.push(i18n::stage(lang, s).to_string());
    }
    if args.conflicts {
        filter.push(i18n::text(lang, Text::ColConflicts).to_string());
    }
    let filter = if filter.is_empty() {
        String::new()
    } else {
        format!(" ({})", filter.join(", "))
    };
    let what = (
        &*format!("Danh sách hồ sơ{filter}"),
        &*format!("Cases{filter}"),
    );
    Ok(crate::export::sheet_title(
        lang,
        what,
        &commune.name,
        crate::clock::today(),
    ))
}

/// The columns every case has, before its form's fields.
const CASE_COLUMNS: [&str; 11] = [
    "record",
    "form",
    "team",
    "status",
    "stage",
    "conflict",
    "title",
    "edited_at",
    "author",
    "versions",
    "head",
];

/// Current heads as a sheet (`status` the newest version's, `stage` where
/// the case stands for counting): fixed columns, then (with `--form`) one
/// column per field of that form, values as stored; a field named like a
/// fixed column (the activation form's `status`) is written `field_status`.
fn case_sheet(
    store: &Store,
    cases: &[CaseEntry],
    form_id: Option<&str>,
) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let spec = form_id.and_then(form::form);
    let fixed = CASE_COLUMNS;
    let fields: Vec<&str> = spec
        .map(|s| s.fields.iter().map(|f| f.id.as_str()).collect())
        .unwrap_or_default();
    let header = unique_header(&fixed, &fields, "field_");
    let mut rows = Vec::with_capacity(cases.len());
    for c in cases {
        let mut row = vec![
            c.record.clone(),
            c.form.clone(),
            c.team.to_string(),
            c.status.as_str().to_string(),
            c.stage.as_str().to_string(),
            if c.in_conflict() { "yes" } else { "no" }.to_string(),
            c.title.clone(),
            c.edited_at.clone(),
            c.author.clone(),
            c.versions.to_string(),
            c.heads.join(";"),
        ];
        if let Some(spec) = spec {
            let head = store.version(&c.record, &newest_head_id(store, c)?)?;
            let values = head.map(|h| h.values).unwrap_or_default();
            row.extend(
                spec.fields
                    .iter()
                    .map(|f| values.get(&f.id).cloned().unwrap_or_default()),
            );
        }
        rows.push(row);
    }
    Ok((header, rows))
}

/// The head the entry summarises (the newest one when in conflict).
fn newest_head_id(store: &Store, c: &CaseEntry) -> Result<String> {
    if c.heads.len() == 1 {
        return Ok(c.heads[0].clone());
    }
    let mut heads = Vec::new();
    for id in &c.heads {
        if let Some(v) = store.version(&c.record, id)? {
            heads.push(v);
        }
    }
    let refs: Vec<&Version> = heads.iter().collect();
    Ok(crate::domain::merge::newest(&refs)
        .map(|v| v.id.clone())
        .unwrap_or_default())
}

fn write_table(cases: &[CaseEntry], lang: Lang, out: &mut impl Write) {
    if cases.is_empty() {
        let _ = writeln!(out, "{}", i18n::text(lang, Text::NoCases));
        return;
    }
    let t = |x| i18n::text(lang, x);
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|c| {
            vec![
                c.record.clone(),
                form::form(&c.form)
                    .map(|f| f.short.get(lang).to_string())
                    .unwrap_or_else(|| c.form.clone()),
                c.team.to_string(),
                status_cell(lang, c.status, c.in_conflict()),
                c.title.clone(),
                c.edited_at
                    .get(..16)
                    .unwrap_or(&c.edited_at)
                    .replace('T', " "),
            ]
        })
        .collect();
    let header = [
        t(Text::Record),
        t(Text::Form),
        t(Text::Team),
        t(Text::Status),
        t(Text::Title),
        t(Text::EditedAt),
    ];
    write_rows(out, &header, &rows);
}

pub(super) fn list_forms(only: Option<&str>, lang: Lang) -> Result<()> {
    if let Some(f) = only {
        spec_of(f)?;
    }
    for spec in form::forms()
        .iter()
        .filter(|s| only.is_none_or(|o| o == s.id))
    {
        print_out(format_args!("{} — {}\n", spec.id, spec.label.get(lang)))?;
        for field in &spec.fields {
            let choices = form::choices_of(&field.kind, lang, &[]);
            let mut line = format!(
                "  {}{}  {}",
                field.id,
                if field.required { " *" } else { "" },
                field.label.get(lang)
            );
            if !choices.is_empty() && choices.len() <= 12 {
                let ids: Vec<&str> = choices.iter().map(|(id, _)| id.as_str()).collect();
                line.push_str(&format!("  [{}]", ids.join(", ")));
            }
            print_out(format_args!("{line}\n"))?;
        }
    }
    Ok(())
}
