//! `tothon report` and `tothon duplicates`: the numbers of `ops::queries`,
//! written as text, Markdown or CSV.

use clap::{Args, ValueEnum};

use super::tables::Format;
use super::{print_out, stdout_error};
use crate::clock;
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
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Md,
    Csv,
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
    let format = match args.format {
        ReportFormat::Text => i18n::report::Format::Text,
        ReportFormat::Md => i18n::report::Format::Markdown,
        ReportFormat::Csv => i18n::report::Format::Csv,
    };
    print_out(format_args!(
        "{}",
        i18n::report::render(&report, lang, format)
    ))?;
    Ok(())
}

pub(super) fn print_duplicates(store: &Store, format: Format, lang: Lang) -> Result<()> {
    let pairs = ops::queries::duplicates(store)?;
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
    let mut w = csv::WriterBuilder::new()
        .delimiter(if format == Format::Csv { b',' } else { b'\t' })
        .from_writer(std::io::stdout().lock());
    w.write_record([
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
    ])
    .map_err(stdout_error)?;
    for p in &pairs {
        w.write_record([
            why(p.why),
            &p.first.personal_id,
            &p.first.full_name,
            &p.first.birth_date,
            &p.first.household,
            &village(p.first.team),
            &p.second.personal_id,
            &p.second.full_name,
            &p.second.birth_date,
            &p.second.household,
            &village(p.second.team),
        ])
        .map_err(stdout_error)?;
    }
    w.flush().map_err(stdout_error)?;
    Ok(())
}
