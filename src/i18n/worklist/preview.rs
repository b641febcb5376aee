//! The preview of a work-list import as both fronts show it, line by line:
//! what was read (the text file, or the workbook and its sheet), what would
//! be imported (new items per village and form), every cell filled from
//! above and every choice read through its number, every row that would not
//! be imported, and the lines after the data that are not data.

use unicode_width::UnicodeWidthStr;

use super::*;
use crate::domain::commune::Commune;
use crate::worklist::Preview;

/// How many repeated or already-listed rows are named before "and N more".
const SHOWN: usize = 10;

/// The preview as both fronts show it, one line each: what was read, what
/// would be imported (a table of new items per village and form), and every
/// row that would not be, with its number and reason. `commune` names the
/// villages.
pub fn preview_lines(lang: Lang, p: &Preview, commune: &Commune) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = |s: Say| out.push(say(lang, &s));
    line(match &p.workbook {
        Some(source) => Say::Workbook {
            source,
            header_row: p.header_row,
        },
        None => Say::Source {
            encoding: p.encoding,
            delimiter: p.delimiter,
            header_row: p.header_row,
        },
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
    let register = p.form_source == FormSource::Register;
    line(Say::Summary {
        register,
        read: p.rows_read,
        new: p.items.len(),
        already: p.already.len(),
        duplicates: p.duplicates.len(),
        blank: p.blank,
        not_data: p.not_data.len(),
        problems: p.problems.len(),
    });
    if !p.items.is_empty() {
        line(Say::TableTitle { register });
        out.extend(
            village_table(p, commune, lang)
                .into_iter()
                .map(|row| format!("  {row}")),
        );
    }
    let mut line = |s: Say| out.push(say(lang, &s));
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
    if !p.filled.is_empty() {
        line(Say::FilledTitle {
            count: p.filled.len(),
        });
        for f in &p.filled {
            line(Say::Filled(f));
        }
    }
    if !p.shorthands.is_empty() {
        line(Say::ShorthandsTitle {
            count: p.shorthands.len(),
        });
        for h in &p.shorthands {
            line(Say::Shorthand(h));
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
    if !p.fill_down && p.fillable > 0 {
        line(Say::FillHint { count: p.fillable });
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
    if !p.not_data.is_empty() {
        line(Say::NotDataTitle {
            count: p.not_data.len(),
        });
        for n in &p.not_data {
            line(Say::NotData(n));
        }
    }
    out
}

/// New items per village (rows) and form (columns), with totals, aligned:
/// names left, numbers right.
fn village_table(p: &Preview, commune: &Commune, lang: Lang) -> Vec<String> {
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
