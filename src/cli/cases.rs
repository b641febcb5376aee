//! The listings: `tothon cases` (current cases, as a table or CSV) and
//! `tothon forms` (the forms and their fields).

use std::io::{IsTerminal, Write};

use clap::Args;

use super::print_out;
use super::stdout_error;
use super::tables::{Format, sheet_cell, status_cell, unique_header, write_rows};
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
    super::mark_personal(lang);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Csv => write_csv(store, &cases, args.form.as_deref(), &mut out),
        Format::Table => {
            write_table(&cases, lang, &mut out);
            Ok(())
        }
    }
}

/// Current heads as CSV (`status` the newest version's, `stage` where the
/// case stands for counting): fixed columns, then (with `--form`) one column per
/// field of that form, values as stored; a field named like a fixed column
/// (the activation form's `status`) is written `field_status`.
fn write_csv(
    store: &Store,
    cases: &[CaseEntry],
    form_id: Option<&str>,
    out: &mut impl Write,
) -> Result<()> {
    let spec = form_id.and_then(form::form);
    // Values come from bundles and spreadsheets: escaped for a terminal,
    // exact for a file or a program.
    let to_terminal = std::io::stdout().is_terminal();
    let mut w = csv::Writer::from_writer(out);
    let fixed = [
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
    let fields: Vec<&str> = spec
        .map(|s| s.fields.iter().map(|f| f.id.as_str()).collect())
        .unwrap_or_default();
    w.write_record(unique_header(&fixed, &fields, "field_"))
        .map_err(stdout_error)?;
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
        w.write_record(row.iter().map(|c| sheet_cell(c, to_terminal).into_owned()))
            .map_err(stdout_error)?;
    }
    w.flush().map_err(stdout_error)?;
    Ok(())
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
