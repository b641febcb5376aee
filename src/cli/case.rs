//! One case: `tothon case new|edit|return|void|resolve|show`, each one call
//! into `ops::case` and one sentence saying what was saved; `show` prints
//! a case, and the heads of one in conflict side by side.

use crate::domain::text::printable;
use std::io::Write;

use clap::{Args, Subcommand};
use unicode_width::UnicodeWidthStr;

use super::print_out;
use super::tables::{fit, pad};
use crate::domain::commune::{Commune, Role};
use crate::domain::form::FormSpec;
use crate::domain::resolve::{self, Choices};
use crate::domain::save::{Consent, Who};
use crate::domain::version::{Status, Version};
use crate::error::{Error, Result};
use crate::i18n::bundle::Say;
use crate::i18n::{self, Lang, Msg, Text};
use crate::ops;
use crate::ops::case::{IfCovered, spec_of};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct EditArgs {
    /// trường=giá_trị (field=value), repeatable.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub sets: Vec<String>,
    /// Lưu nháp kể cả khi còn lỗi (save as a draft even with errors).
    #[arg(long)]
    pub draft: bool,
    /// Xác nhận các cảnh báo (confirm the warnings shown).
    #[arg(long)]
    pub confirm: bool,
    /// Người nhập (author); default: the device's team.
    #[arg(long)]
    pub author: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Trường hợp mới (new case).
    New {
        #[arg(long)]
        form: String,
        /// Việc được giao (work item) this case answers.
        #[arg(long)]
        work_item: Option<String>,
        /// Thôn của phiếu — trên máy xã, khi mẫu phiếu không có trường thôn
        /// (the case's village, on the commune device, when the form has no
        /// village field; the village decides the team).
        #[arg(long, value_name = "NAME", conflicts_with = "team")]
        village: Option<String>,
        /// Tổ (team) — on the commune device, instead of --village.
        #[arg(long)]
        team: Option<u8>,
        /// Lập từ một người trong danh sách nhân khẩu: mã NK-… hoặc số định
        /// danh (start from someone on the register: their NK key or personal
        /// ID; the form opens with their details, or their household's).
        #[arg(long, value_name = "KEY_OR_ID", conflicts_with = "work_item")]
        from_register: Option<String>,
        /// Vẫn lập phiếu mới dù người (hộ) này đã có phiếu cùng mẫu chưa
        /// huỷ (make the case even though this person or household already
        /// has a work item or case of this form, not voided; without it such
        /// a case is refused, naming the one it has).
        #[arg(long)]
        anyway: bool,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Sửa (edit) a case: a new version from its current head.
    Edit {
        record: String,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Trả lại cho tổ để sửa (commune: send a case back with a comment).
    Return {
        record: String,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        author: Option<String>,
    },
    /// Huỷ phiếu lập nhầm (void a case made by mistake), with the reason; a
    /// later edit opens it again.
    Void {
        record: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        author: Option<String>,
    },
    /// Giải quyết xung đột (resolve a conflict): a version whose parents are all heads.
    Resolve {
        record: String,
        /// Lấy phiên bản số N làm gốc (start from head N, as `case show` numbers them).
        #[arg(long, value_name = "N")]
        take: Option<usize>,
        /// Lấy riêng một trường từ phiên bản N (take one field from head N), repeatable.
        #[arg(long = "pick", value_name = "FIELD=N")]
        picks: Vec<String>,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Xem (show) a case.
    Show {
        record: String,
        /// Cả lịch sử sửa (the whole edit history).
        #[arg(long)]
        history: bool,
    },
}

/// Runs a `tothon case` command.
pub(super) fn run(store: &Store, cmd: CaseCommand, lang: Lang) -> Result<()> {
    match cmd {
        CaseCommand::New {
            form,
            work_item,
            village,
            team,
            from_register,
            anyway,
            edit,
        } => {
            let team = match village {
                Some(name) => Some(ops::commune::team_of(store, &name)?),
                None => team,
            };
            let start = NewCase {
                form: &form,
                work_item: work_item.as_deref(),
                from_register: from_register.as_deref(),
                team,
                if_covered: match anyway {
                    true => IfCovered::MakeAnyway,
                    false => IfCovered::Refuse,
                },
            };
            case_new(store, &start, &edit, lang)
        }
        CaseCommand::Edit { record, edit } => case_edit(store, &record, &edit, lang),
        CaseCommand::Return {
            record,
            comment,
            author,
        } => case_return(store, &record, &comment, author.as_deref(), lang),
        CaseCommand::Void {
            record,
            reason,
            author,
        } => {
            let who = who(store, author.as_deref(), lang)?;
            report_saved(&ops::case::void(store, &record, &reason, &who)?, lang)
        }
        CaseCommand::Resolve {
            record,
            take,
            picks,
            edit,
        } => case_resolve(store, &record, take, &picks, &edit, lang),
        CaseCommand::Show { record, history } => case_show(store, &record, history, lang),
    }
}

/// `--set field=value` arguments as (field, value) pairs.
fn changes(sets: &[String]) -> Result<Vec<(String, String)>> {
    sets.iter()
        .map(|arg| {
            arg.split_once('=')
                .map(|(f, v)| (f.trim().to_string(), v.to_string()))
                .ok_or_else(|| Error::BadSet { arg: arg.clone() })
        })
        .collect()
}

fn consent(edit: &EditArgs) -> Consent {
    Consent {
        draft: edit.draft,
        confirm: edit.confirm,
    }
}

/// Who saves: `--author`, or the device's own name ("Xã", "Tổ 3").
pub(super) fn who(store: &Store, author: Option<&str>, lang: Lang) -> Result<Who> {
    let device = store.device()?;
    let author = match author {
        Some(a) => crate::domain::text::clean(a),
        None => match device.role {
            Role::Commune => i18n::text(lang, Text::Commune).to_string(),
            Role::Team(t) => format!("{} {t}", i18n::text(lang, Text::Team)),
        },
    };
    ops::case::who(store, author)
}

pub(super) fn report_saved(saved: &ops::case::Saved, lang: Lang) -> Result<()> {
    let v = &saved.version;
    let line = if v.status == Status::Draft {
        i18n::msg(
            lang,
            &Msg::SavedDraft {
                record: &v.record,
                problems: saved.open_problems,
            },
        )
    } else {
        i18n::msg(
            lang,
            &Msg::Saved {
                record: &v.record,
                status: i18n::status(lang, v.status),
            },
        )
    };
    print_out(format_args!("{line}\n"))?;
    Ok(())
}

/// What `case new` starts from.
struct NewCase<'a> {
    form: &'a str,
    work_item: Option<&'a str>,
    from_register: Option<&'a str>,
    team: Option<u8>,
    if_covered: IfCovered,
}

/// A new case: with a person's (or household's) values from the register
/// first, then `--set` over them; at the office the person's village
/// decides the team unless told. Refused, naming it, when other work
/// covers the same person or household already, unless `--anyway`.
fn case_new(store: &Store, start: &NewCase, edit: &EditArgs, lang: Lang) -> Result<()> {
    let who = who(store, edit.author.as_deref(), lang)?;
    let mut changes = changes(&edit.sets)?;
    let mut team = start.team;
    if let Some(wanted) = start.from_register {
        let started = ops::register::start(store, start.form, wanted)?;
        team = team.or(Some(started.person.team));
        changes.splice(0..0, started.values);
    }
    let saved = ops::case::create(
        store,
        start.form,
        start.work_item,
        team,
        &changes,
        consent(edit),
        &who,
        start.if_covered,
    )?;
    report_saved(&saved, lang)
}

fn case_edit(store: &Store, record: &str, edit: &EditArgs, lang: Lang) -> Result<()> {
    let who = who(store, edit.author.as_deref(), lang)?;
    let changes = changes(&edit.sets)?;
    let saved = ops::case::edit(store, record, &changes, consent(edit), &who)?;
    report_saved(&saved, lang)
}

/// (Commune) sends a case back to its team with a comment; it travels in
/// the next bundle.
fn case_return(
    store: &Store,
    record: &str,
    comment: &str,
    author: Option<&str>,
    lang: Lang,
) -> Result<()> {
    let who = who(store, author, lang)?;
    let saved = ops::case::return_for_correction(store, record, comment, &who)?;
    report_saved(&saved, lang)
}

fn case_show(store: &Store, record: &str, history: bool, lang: Lang) -> Result<()> {
    let Some(entry) = store.case(record)? else {
        return Err(ops::case::no_such_case(store, record)?);
    };
    let commune = store.commune()?;
    let versions = store.versions_of(record)?;
    let spec = spec_of(&entry.form)?;
    let mut out = std::io::stdout().lock();
    let t = |x| i18n::text(lang, x);
    // Ids, names and values may have come in a bundle or a spreadsheet:
    // each is printed through `printable`.
    let _ = writeln!(
        out,
        "{} · {}",
        printable(&entry.record, usize::MAX),
        spec.label.get(lang)
    );
    let _ = writeln!(
        out,
        "{}: {}   {}: {}   {}: {} ({})   {}: {}",
        t(Text::Status),
        i18n::status(lang, entry.status),
        t(Text::Team),
        entry.team,
        t(Text::EditedAt),
        entry.edited_at,
        printable(&entry.author, usize::MAX),
        t(Text::Versions),
        entry.versions
    );
    let heads: Vec<&Version> = entry
        .heads
        .iter()
        .filter_map(|id| versions.iter().find(|v| &v.id == id))
        .collect();
    if entry.in_conflict() {
        write_heads_side_by_side(&mut out, spec, &heads, lang, &commune, &entry.record);
    } else {
        for head in heads {
            write_fields(&mut out, spec, head, lang, &commune);
        }
    }
    if history {
        let _ = writeln!(out, "\n{}:", t(Text::History));
        for v in &versions {
            let _ = writeln!(
                out,
                "{}  {}  {}  {}",
                v.edited_at_text(),
                printable(&v.author, usize::MAX),
                i18n::status(lang, v.status),
                &v.id[..8]
            );
            let parent = v
                .parents
                .first()
                .and_then(|p| versions.iter().find(|x| &x.id == p));
            for field in &spec.fields {
                let old = parent.and_then(|p| p.values.get(&field.id));
                let new = v.values.get(&field.id);
                if old != new {
                    let show = |x: Option<&String>| {
                        x.map(|s| spec.display(field, s, &v.values, lang, &commune.villages))
                            .map_or_else(|| "∅".into(), |s| printable(&s, usize::MAX))
                    };
                    let _ = writeln!(
                        out,
                        "    {}: {} → {}",
                        field.label.get(lang),
                        show(old),
                        show(new)
                    );
                }
            }
        }
    }
    Ok(())
}

fn write_fields(out: &mut impl Write, spec: &FormSpec, v: &Version, lang: Lang, commune: &Commune) {
    let width = spec
        .fields
        .iter()
        .map(|f| f.label.get(lang).width())
        .max()
        .unwrap_or(0);
    for field in &spec.fields {
        if let Some(value) = v.values.get(&field.id) {
            let label = field.label.get(lang);
            let pad = width.saturating_sub(label.width());
            let _ = writeln!(
                out,
                "  {label}{}  {}",
                " ".repeat(pad),
                printable(
                    &spec.display(field, value, &v.values, lang, &commune.villages),
                    usize::MAX
                )
            );
        }
    }
}

/// The heads of a case in conflict, numbered as `case resolve` takes them,
/// side by side field by field, differing fields marked with `*`.
fn write_heads_side_by_side(
    out: &mut impl Write,
    spec: &FormSpec,
    heads: &[&Version],
    lang: Lang,
    commune: &Commune,
    record: &str,
) {
    let heads = resolve::numbered(heads);
    let rows = resolve::side_by_side(spec, &heads);
    let label = |f: &str| {
        spec.field(f)
            .map(|fs| fs.label.get(lang).to_string())
            .unwrap_or_else(|| f.to_string())
    };
    let label_w = rows
        .iter()
        .map(|r| label(r.field).width())
        .max()
        .unwrap_or(0);
    // Fit two heads in about 100 columns; more heads get narrower columns.
    let col = ((100usize.saturating_sub(label_w + 4)) / heads.len().max(1))
        .saturating_sub(2)
        .clamp(12, 40);
    let _ = writeln!(
        out,
        "{}",
        i18n::bundle::say(lang, &Say::Conflict { heads: heads.len() })
    );
    let title = |f: &dyn Fn(usize, &Version) -> String| {
        let cells: Vec<String> = heads
            .iter()
            .enumerate()
            .map(|(i, h)| fit(&f(i + 1, h), col))
            .collect();
        format!("  {}  {}", " ".repeat(label_w), cells.join("  "))
            .trim_end()
            .to_string()
    };
    let _ = writeln!(
        out,
        "{}",
        title(&|n, h| format!("[{n}] {}", printable(&h.author, usize::MAX)))
    );
    let _ = writeln!(
        out,
        "{}",
        title(&|_, h| h.edited_at_text().get(..16).unwrap_or("").replace('T', " "))
    );
    let _ = writeln!(
        out,
        "{}",
        title(&|_, h| format!("{} · {}", i18n::status(lang, h.status), &h.id[..8]))
    );
    for row in &rows {
        let field = spec.field(row.field);
        let cells: Vec<String> = row
            .values
            .iter()
            .zip(&heads)
            .map(|(v, h)| {
                let shown = match (v, field) {
                    (Some(v), Some(f)) => spec.display(f, v, &h.values, lang, &commune.villages),
                    (Some(v), None) => v.to_string(),
                    (None, _) => "∅".to_string(),
                };
                fit(&printable(&shown, usize::MAX), col)
            })
            .collect();
        let _ = writeln!(
            out,
            "{} {}  {}",
            if row.differs { "*" } else { " " },
            pad(&label(row.field), label_w),
            cells.join("  ").trim_end()
        );
    }
    let _ = writeln!(
        out,
        "{}",
        i18n::bundle::say(lang, &Say::ResolveHint { record })
    );
}

/// Saves the version that ends a conflict: values from the chosen heads and
/// typed values, checked like any save, with every head as a parent.
fn case_resolve(
    store: &Store,
    record: &str,
    take: Option<usize>,
    picks: &[String],
    edit: &EditArgs,
    lang: Lang,
) -> Result<()> {
    let picks = picks
        .iter()
        .map(|p| resolve::parse_pick(p))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let choices = Choices {
        take,
        picks,
        typed: Vec::new(),
    };
    let who = who(store, edit.author.as_deref(), lang)?;
    let changes = changes(&edit.sets)?;
    let saved = ops::case::resolve(store, record, &choices, &changes, consent(edit), &who)?;
    report_saved(&saved, lang)
}
