//! The `tothon worklist` commands: import a file (preview, confirm, write)
//! and reassign one item. Prints through `i18n::worklist`; every decision is
//! the library's (`preview`, `apply`, `assign`), so a TUI screen showing the
//! same preview behaves the same.

use std::fs::File;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use unicode_width::UnicodeWidthStr;

use super::{Assigned, Options, Preview, RowProblem, WorklistError};
use crate::clock;
use crate::domain::commune::Commune;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::i18n::worklist::{Say, is_yes, problem, say};
use crate::store::Store;

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

pub fn run(dir: &Path, cmd: WorklistCommand, lang: Lang) -> Result<()> {
    let store = Store::open(dir)?;
    match cmd {
        WorklistCommand::Import(args) => import(&store, &args, lang),
        WorklistCommand::Assign { item, team } => assign(&store, &item, team, lang),
    }
}

/// Reads a work-list file on this store and previews its import (the
/// command line and the import screen both start here).
pub fn preview_file(
    store: &Store,
    path: &Path,
    form: Option<String>,
    fix_leading_zeros: bool,
) -> Result<Preview> {
    super::check_device(store)?;
    let file = File::open(path).map_err(|e| Error::File {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let options = Options {
        form,
        fix_leading_zeros,
        ..Options::new(clock::today())
    };
    Ok(super::preview(
        file,
        &options,
        &store.commune()?,
        &store.work_items()?,
    )?)
}

fn import(store: &Store, args: &ImportArgs, lang: Lang) -> Result<()> {
    let preview = preview_file(store, &args.file, args.form.clone(), args.fix_leading_zeros)?;
    let commune = store.commune()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_preview(&mut out, &preview, &commune, lang);
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
    let written = super::apply(store, &preview)?;
    line(&mut out, Say::Imported { count: written });
    Ok(())
}

fn assign(store: &Store, item: &str, team: u8, lang: Lang) -> Result<()> {
    let said = match super::assign(store, item, team)? {
        Assigned::Moved { from } => Say::Assigned {
            item,
            from,
            to: team,
        },
        Assigned::AlreadyThere => Say::AlreadyAssigned { item, team },
    };
    crate::cli::print_out(format_args!("{}\n", say(lang, &said)))?;
    Ok(())
}

/// How many repeated or already-listed rows are named before "and N more".
const SHOWN: usize = 10;

/// The preview as text: what was read, what would be imported, and every
/// row that would not, with its number and reason.
pub fn write_preview(out: &mut dyn Write, p: &Preview, commune: &Commune, lang: Lang) {
    let mut line = |s: Say| {
        let _ = writeln!(out, "{}", say(lang, &s));
    };
    line(Say::Source {
        encoding: p.encoding,
        delimiter: p.delimiter,
        header_row: p.header_row,
    });
    line(Say::Form(&p.form_source));
    line(Say::ColumnsTitle);
    for m in &p.mapped {
        line(Say::Mapped {
            header: &m.header,
            index: m.index,
            role: &m.role,
        });
    }
    for i in &p.ignored {
        line(match &i.unused_by {
            None => Say::Unknown {
                header: &i.header,
                index: i.index,
            },
            Some(form) => Say::Unused {
                header: &i.header,
                index: i.index,
                form,
            },
        });
    }
    line(Say::Summary {
        read: p.rows_read,
        new: p.items.len(),
        already: p.already.len(),
        duplicates: p.duplicates.len(),
        blank: p.blank,
        problems: p.problems.len(),
    });
    if !p.items.is_empty() {
        line(Say::TableTitle);
        for row in table(p, commune, lang) {
            let _ = writeln!(out, "  {row}");
        }
    }
    let mut line = |s: Say| {
        let _ = writeln!(out, "{}", say(lang, &s));
    };
    if !p.duplicates.is_empty() {
        let shown = &p.duplicates[..p.duplicates.len().min(SHOWN)];
        line(Say::Duplicates {
            shown,
            more: p.duplicates.len() - shown.len(),
        });
    }
    if !p.already.is_empty() {
        let shown = &p.already[..p.already.len().min(SHOWN)];
        line(Say::Already {
            shown,
            more: p.already.len() - shown.len(),
        });
    }
    if !p.fixes.is_empty() {
        line(Say::FixesTitle {
            count: p.fixes.len(),
        });
        for f in &p.fixes {
            line(Say::Fix(f));
        }
    }
    if !p.problems.is_empty() {
        line(Say::ProblemsTitle {
            count: p.problems.len(),
        });
        for r in &p.problems {
            let text: Vec<String> = r
                .problems
                .iter()
                .map(|x| problem(lang, r.form.as_deref(), x))
                .collect();
            line(Say::Row {
                row: r.row,
                text: &text.join(" "),
            });
        }
        let any = |f: fn(&RowProblem) -> bool| p.problems.iter().any(|r| r.problems.iter().any(f));
        if any(|x| matches!(x, RowProblem::UnknownVillage { .. })) {
            let names: Vec<String> = commune
                .villages
                .iter()
                .map(|v| {
                    say(
                        lang,
                        &Say::VillageName {
                            name: &v.name,
                            team: v.team,
                        },
                    )
                })
                .collect();
            line(Say::Villages {
                names: &names.join(", "),
            });
        }
        let fixable = p
            .problems
            .iter()
            .filter(|r| {
                r.problems
                    .iter()
                    .any(|x| matches!(x, RowProblem::LostLeadingZero { .. }))
            })
            .count();
        if fixable > 0 {
            line(Say::FixHint { count: fixable });
        }
    }
    if !p.warnings.is_empty() {
        line(Say::WarningsTitle {
            count: p.warnings.len(),
        });
        for w in &p.warnings {
            let text = problem(
                lang,
                Some(&w.form),
                &RowProblem::Field {
                    field: w.problem.field.clone(),
                    kind: w.problem.kind.clone(),
                },
            );
            line(Say::Row {
                row: w.row,
                text: &text,
            });
        }
    }
}

/// New items per village (rows) and form (columns), with totals.
fn table(p: &Preview, commune: &Commune, lang: Lang) -> Vec<String> {
    let counts = p.counts();
    let forms = p.forms();
    let mut header = vec![say(lang, &Say::VillageHeading)];
    header.extend(forms.iter().map(|f| f.short.get(lang).to_string()));
    let several = forms.len() > 1;
    if several {
        header.push(say(lang, &Say::Total));
    }
    let mut rows = vec![header];
    let mut totals = vec![0usize; forms.len()];
    for v in &commune.villages {
        let mut row = vec![say(
            lang,
            &Say::VillageName {
                name: &v.name,
                team: v.team,
            },
        )];
        let mut sum = 0;
        for (i, f) in forms.iter().enumerate() {
            let n = counts.get(&(v.team, f.id.clone())).copied().unwrap_or(0);
            totals[i] += n;
            sum += n;
            row.push(n.to_string());
        }
        if several {
            row.push(sum.to_string());
        }
        rows.push(row);
    }
    let mut total_row = vec![say(lang, &Say::Total)];
    total_row.extend(totals.iter().map(|n| n.to_string()));
    if several {
        total_row.push(totals.iter().sum::<usize>().to_string());
    }
    rows.push(total_row);
    let columns = rows.first().map(Vec::len).unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            r.iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, w))| {
                    let pad = " ".repeat(w.saturating_sub(cell.width()));
                    // Names left, numbers right.
                    if c == 0 {
                        format!("{cell}{pad}")
                    } else {
                        format!("{pad}{cell}")
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        })
        .collect()
}
