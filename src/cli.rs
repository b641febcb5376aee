//! The command line: clap definitions and the commands, which call the same
//! domain and store functions the TUI uses. Each command prints what it did
//! and returns an [`Error`] that `main` turns into one line on stderr.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use unicode_width::UnicodeWidthStr;

use crate::clock;
use crate::demo;
use crate::domain::case::CaseEntry;
use crate::domain::commune::{Commune, Device, Role};
use crate::domain::form::{self, FormSpec};
use crate::domain::resolve::{self, Choices};
use crate::domain::save::{Consent, Who};
use crate::domain::version::{Draft, Status, Version};
use crate::error::{Error, Result};
use crate::i18n::bundle::Say;
use crate::i18n::{self, Lang, Msg, Text};
use crate::ops;
use crate::ops::case::spec_of;
use crate::ops::exchange::{self, ExchangeError};
use crate::paths;
use crate::store::{Store, StoreError};
use crate::tui;

/// tothon — công cụ làm việc ngoại tuyến của tổ công tác Đề án 06
/// (offline field-work tool for Project 06 village teams).
#[derive(Debug, Parser)]
#[command(name = "tothon", version)]
pub struct Cli {
    /// Thư mục dữ liệu (data folder); also TOTHON_HOME.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Ngôn ngữ giao diện (interface language).
    #[arg(long, global = true, value_enum, default_value_t = LangArg::Vi)]
    pub lang: LangArg,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tạo xã mẫu và mở nó (build a demo commune and open it).
    Demo(DemoArgs),
    /// Thiết lập máy này (set this computer up).
    #[command(subcommand)]
    Init(InitCommand),
    /// Tạo, sửa, xem một trường hợp (create, edit, show one case).
    #[command(subcommand)]
    Case(CaseCommand),
    /// Liệt kê các trường hợp hiện tại (list current cases).
    Cases(CasesArgs),
    /// Danh sách việc: nhập từ bảng tính, giao lại (work list: import, reassign).
    #[command(subcommand)]
    Worklist(crate::worklist::cli::WorklistCommand),
    /// Liệt kê mẫu phiếu và các trường (list forms and their fields).
    Forms {
        /// Chỉ một mẫu (one form only).
        form: Option<String>,
    },
    /// Báo cáo số liệu tính đến một ngày (the report's numbers as of a date).
    Report(ReportArgs),
    /// Saves cases in a loop, printing each acknowledged save (for the
    /// crash-safety test, which kills it at random moments).
    #[command(hide = true)]
    StressSave {
        #[arg(long, default_value_t = 1000)]
        count: usize,
    },
    /// Công dân nghi trùng (suspected duplicate citizens).
    Duplicates {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Khoá ký của máy này và các khoá tin cậy (this device's key, trusted keys).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Tin cậy khoá công khai của một tổ, hoặc của xã trên máy tổ (trust a public key).
    Trust {
        /// Tổ giữ khoá — trên máy xã (the team holding the key; commune device only).
        #[arg(long)]
        team: Option<u8>,
        /// Tệp khoá công khai (the .pub file).
        #[arg(value_name = "FILE.pub")]
        file: PathBuf,
    },
    /// Thu hồi một khoá đã tin cậy (revoke a trusted key).
    Untrust {
        #[arg(value_name = "KEYID")]
        key_id: String,
    },
    /// Gói dữ liệu: xuất, kiểm tra, nhận (bundles: export, verify, import).
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Nhật ký các gói đã nhận (the log of bundles received).
    Imports,
}

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

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// In khoá công khai của máy này, dạng tệp .pub của minisign (print this device's public key).
    Show,
    /// Liệt kê các khoá tin cậy (list trusted keys).
    List,
    /// Tạo khoá ký mới (make a new signing key).
    New {
        /// Thay khoá hiện có (replace the existing key).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Xuất gói: máy tổ một gói gửi xã, máy xã một gói cho mỗi tổ (write bundles).
    Export {
        /// Thư mục ghi gói (folder to write into; default: the current folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Kiểm tra một gói mà không nhận (check a bundle without importing it).
    Verify {
        #[arg(value_name = "FILE.zip")]
        file: PathBuf,
    },
    /// Nhận gói (import bundles).
    Import {
        #[arg(value_name = "FILE.zip", required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Thư mục tạo xã mẫu (folder for the demo; default: `demo` in the data folder).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Số nhân khẩu (number of people).
    #[arg(long, default_value_t = 4000)]
    pub people: usize,
    /// Hạt giống ngẫu nhiên: cùng hạt, cùng dữ liệu (same seed, same data).
    #[arg(long, default_value_t = 6)]
    pub seed: u64,
    /// Chỉ tạo dữ liệu, không mở giao diện (build only, no TUI).
    #[arg(long)]
    pub no_tui: bool,
    /// Xoá xã mẫu cũ và tạo lại (rebuild an existing demo).
    #[arg(long)]
    pub reset: bool,
}

#[derive(Debug, Subcommand)]
pub enum InitCommand {
    /// Máy của xã (the commune office).
    Commune {
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 6)]
        villages: u8,
    },
    /// Máy của một tổ công tác thôn (a village team's laptop).
    Team {
        #[arg(long)]
        team: u8,
        #[arg(long)]
        commune: String,
        #[arg(long, default_value_t = 6)]
        villages: u8,
        /// Khoá công khai của xã (the commune's public key, FILE.pub).
        #[arg(long, value_name = "FILE.pub")]
        commune_key: Option<PathBuf>,
    },
}

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
        /// Tổ (team) — on the commune device only.
        #[arg(long)]
        team: Option<u8>,
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

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
}

#[derive(Debug, Args)]
pub struct CasesArgs {
    #[arg(long)]
    pub form: Option<String>,
    /// draft | in_progress | done | blocked | needs_correction | voided
    #[arg(long)]
    pub status: Option<String>,
    /// Chỉ các trường hợp xung đột (only cases in conflict).
    #[arg(long)]
    pub conflicts: bool,
    #[arg(long)]
    pub team: Option<u8>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let lang: Lang = cli.lang.into();
    let dir = paths::data_dir(cli.data_dir.as_deref())?;
    crate::crash::install(&dir, lang);
    if std::env::var_os("TOTHON_PANIC_FOR_TEST").is_some() {
        panic!("panic asked for by TOTHON_PANIC_FOR_TEST");
    }
    match cli.command {
        None => tui::run(&dir, lang),
        Some(Command::Demo(args)) => run_demo(&dir, args, lang),
        Some(Command::Init(cmd)) => init(&dir, cmd, lang),
        Some(Command::Case(CaseCommand::New {
            form,
            work_item,
            team,
            edit,
        })) => {
            let store = Store::open(&dir)?;
            case_new(&store, &form, work_item.as_deref(), team, &edit, lang)
        }
        Some(Command::Case(CaseCommand::Edit { record, edit })) => {
            let store = Store::open(&dir)?;
            case_edit(&store, &record, &edit, lang)
        }
        Some(Command::Case(CaseCommand::Return {
            record,
            comment,
            author,
        })) => {
            let store = Store::open(&dir)?;
            case_return(&store, &record, &comment, author.as_deref(), lang)
        }
        Some(Command::Case(CaseCommand::Void {
            record,
            reason,
            author,
        })) => {
            let store = Store::open(&dir)?;
            let who = who(&store, author.as_deref(), lang)?;
            report_saved(&ops::case::void(&store, &record, &reason, &who)?, lang)
        }
        Some(Command::Case(CaseCommand::Show { record, history })) => {
            let store = Store::open(&dir)?;
            case_show(&store, &record, history, lang)
        }
        Some(Command::Worklist(cmd)) => crate::worklist::cli::run(&dir, cmd, lang),
        Some(Command::Cases(args)) => {
            let store = Store::open(&dir)?;
            list_cases(&store, &args, lang)
        }
        Some(Command::Forms { form }) => list_forms(form.as_deref(), lang),
        Some(Command::Report(args)) => {
            let store = Store::open(&dir)?;
            print_report(&store, &args, lang)
        }
        Some(Command::StressSave { count }) => {
            let store = Store::open(&dir)?;
            stress_save(&store, count)
        }
        Some(Command::Duplicates { format }) => {
            let store = Store::open(&dir)?;
            print_duplicates(&store, format, lang)
        }
        Some(Command::Case(CaseCommand::Resolve {
            record,
            take,
            picks,
            edit,
        })) => {
            let store = Store::open(&dir)?;
            case_resolve(&store, &record, take, &picks, &edit, lang)
        }
        Some(Command::Key(cmd)) => key_command(&Store::open(&dir)?, cmd, lang),
        Some(Command::Trust { team, file }) => {
            let store = Store::open(&dir)?;
            let public = exchange::read_public(&file)?;
            let key = exchange::trust(&store, team, &public, clock::now())?;
            say(
                lang,
                &Say::Trusted {
                    id: &key.id,
                    team: key.team,
                },
            )?;
            Ok(())
        }
        Some(Command::Untrust { key_id }) => {
            let store = Store::open(&dir)?;
            let key = exchange::untrust(&store, &key_id, clock::now())?;
            say(
                lang,
                &Say::Untrusted {
                    id: &key.id,
                    team: key.team,
                },
            )?;
            Ok(())
        }
        Some(Command::Bundle(cmd)) => bundle_command(&Store::open(&dir)?, cmd, lang),
        Some(Command::Imports) => list_imports(&Store::open(&dir)?, lang),
    }
}

/// Saves `count` new cases one transaction each and prints `record id`
/// after each commit returns: a line printed is a save acknowledged.
fn stress_save(store: &Store, count: usize) -> Result<()> {
    let device = store.device()?;
    let team = match device.role {
        Role::Team(t) => t,
        Role::Commune => 1,
    };
    let mut out = std::io::stdout().lock();
    for n in 0..count {
        let draft = Draft {
            record: String::new(),
            parents: Vec::new(),
            form: "activation".into(),
            team,
            device: device.id.clone(),
            author: "stress".into(),
            edited_at: clock::now(),
            status: Status::InProgress,
            values: BTreeMap::from([
                ("full_name".to_string(), format!("Người Thử {n}")),
                ("note".to_string(), "x".repeat(n % 400)),
            ]),
            confirmed: Vec::new(),
        };
        let v = store.save(draft, None)?;
        let _ = writeln!(out, "{} {}", v.record, v.id);
        let _ = out.flush();
    }
    Ok(())
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

fn print_report(store: &Store, args: &ReportArgs, lang: Lang) -> Result<()> {
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

fn print_duplicates(store: &Store, format: Format, lang: Lang) -> Result<()> {
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

fn run_demo(data_dir: &Path, args: DemoArgs, lang: Lang) -> Result<()> {
    let dir = args.dir.clone().unwrap_or_else(|| data_dir.join("demo"));
    let options = demo::Options {
        people: args.people,
        seed: args.seed,
    };
    let built = if Store::exists_in(&dir) && !args.reset {
        demo::check_is_demo(&dir)?;
        None
    } else {
        Some(demo::build(&dir, &options)?)
    };
    if let Some(summary) = &built {
        print_out(format_args!(
            "{}\n",
            i18n::msg(
                lang,
                &Msg::DemoBuilt {
                    dir: &dir.display().to_string(),
                    people: summary.people,
                    cases: summary.cases,
                    teams: summary.teams,
                }
            )
        ))?;
    }
    if args.no_tui {
        Ok(())
    } else {
        tui::run(&dir, lang)
    }
}

fn init(dir: &Path, cmd: InitCommand, lang: Lang) -> Result<()> {
    let mut commune_key = None;
    let (commune, role) = match cmd {
        InitCommand::Commune { name, villages } => (
            Commune::with_numbered_villages(&crate::domain::text::clean(&name), villages),
            Role::Commune,
        ),
        InitCommand::Team {
            team,
            commune,
            villages,
            commune_key: key_file,
        } => {
            if let Some(file) = key_file {
                commune_key = Some(exchange::read_public(&file)?);
            }
            if team == 0 || team > villages {
                return Err(Error::NoSuchTeam {
                    team,
                    max: villages,
                });
            }
            (
                Commune::with_numbered_villages(&crate::domain::text::clean(&commune), villages),
                Role::Team(team),
            )
        }
    };
    if Store::exists_in(dir) {
        return Err(StoreError::AlreadySetUp(dir.to_path_buf()).into());
    }
    // Ask for the passphrase before anything is written, so a wrong or
    // missing one leaves no half-set-up store behind.
    let pass = passphrase(lang, true)?;
    let device = Device {
        id: paths::new_device_id(dir),
        role,
    };
    let store = Store::create(dir, &commune, &device)?;
    let public = exchange::new_key(&store, &pass, false, clock::now())?;
    if let Some(key) = &commune_key {
        exchange::trust(&store, None, key, clock::now())?;
    }
    print_out(format_args!(
        "{}\n",
        i18n::msg(
            lang,
            &Msg::InitDone {
                dir: &dir.display().to_string()
            }
        )
    ))?;
    say(
        lang,
        &Say::KeyMade {
            id: &public.id,
            role,
        },
    )?;
    if let Some(key) = &commune_key {
        say(
            lang,
            &Say::Trusted {
                id: &key.id,
                team: None,
            },
        )?;
    }
    Ok(())
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
fn who(store: &Store, author: Option<&str>, lang: Lang) -> Result<Who> {
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

fn report_saved(saved: &ops::case::Saved, lang: Lang) -> Result<()> {
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

fn case_new(
    store: &Store,
    form_id: &str,
    work_item: Option<&str>,
    team: Option<u8>,
    edit: &EditArgs,
    lang: Lang,
) -> Result<()> {
    let who = who(store, edit.author.as_deref(), lang)?;
    let changes = changes(&edit.sets)?;
    let saved = ops::case::create(
        store,
        form_id,
        work_item,
        team,
        &changes,
        consent(edit),
        &who,
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
    let entry = store
        .case(record)?
        .ok_or_else(|| StoreError::NoSuchCase(record.to_string()))?;
    let commune = store.commune()?;
    let versions = store.versions_of(record)?;
    let spec = spec_of(&entry.form)?;
    let mut out = std::io::stdout().lock();
    let t = |x| i18n::text(lang, x);
    let _ = writeln!(out, "{} · {}", entry.record, spec.label.get(lang));
    let _ = writeln!(
        out,
        "{}: {}   {}: {}   {}: {} ({})   {}: {}",
        t(Text::Status),
        i18n::status(lang, entry.status),
        t(Text::Team),
        entry.team,
        t(Text::EditedAt),
        entry.edited_at,
        entry.author,
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
                v.author,
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
                            .unwrap_or_else(|| "∅".into())
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
                spec.display(field, value, &v.values, lang, &commune.villages)
            );
        }
    }
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
    Ok(cases
        .into_iter()
        .filter(|c| args.form.as_ref().is_none_or(|f| &c.form == f))
        .filter(|c| status.is_none_or(|s| c.status == s))
        .filter(|c| !args.conflicts || c.in_conflict())
        .filter(|c| args.team.is_none_or(|t| c.team == t))
        .collect())
}

fn list_cases(store: &Store, args: &CasesArgs, lang: Lang) -> Result<()> {
    let cases = filter_cases(store.cases()?, args)?;
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

/// Current heads as CSV: fixed columns, then (with `--form`) one column per
/// field of that form, values as stored.
fn write_csv(
    store: &Store,
    cases: &[CaseEntry],
    form_id: Option<&str>,
    out: &mut impl Write,
) -> Result<()> {
    let spec = form_id.and_then(form::form);
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<&str> = vec![
        "record",
        "form",
        "team",
        "status",
        "conflict",
        "title",
        "edited_at",
        "author",
        "versions",
        "head",
    ];
    if let Some(spec) = spec {
        header.extend(spec.fields.iter().map(|f| f.id.as_str()));
    }
    w.write_record(&header).map_err(stdout_error)?;
    for c in cases {
        let mut row = vec![
            c.record.clone(),
            c.form.clone(),
            c.team.to_string(),
            c.status.as_str().to_string(),
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
        w.write_record(&row).map_err(stdout_error)?;
    }
    w.flush().map_err(stdout_error)?;
    Ok(())
}

/// Prints what a command did on the standard output. A reader that stopped
/// early (`tothon bundle import … | head -1`) does not stop the command
/// or make it fail: the lines it no longer reads are dropped. Any other
/// failure to write is one clear error.
pub(crate) fn print_out(text: std::fmt::Arguments) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_fmt(text) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        done => done.map_err(stdout_error),
    }
}

/// Writing CSV to the standard output failed. A reader that stopped early
/// (`tothon cases --format csv | head`) ends the output, as it does a
/// table's: [`Error::OutputClosed`], which exits quietly with success.
fn stdout_error(e: impl Into<csv::Error>) -> Error {
    let e: csv::Error = e.into();
    match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
            Error::OutputClosed
        }
        _ => Error::File {
            path: PathBuf::from("-"),
            detail: e.to_string(),
        },
    }
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

fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

fn write_table(cases: &[CaseEntry], lang: Lang, out: &mut impl Write) {
    if cases.is_empty() {
        let _ = writeln!(out, "{}", i18n::text(lang, Text::NoCases));
        return;
    }
    let t = |x| i18n::text(lang, x);
    let rows: Vec<[String; 6]> = cases
        .iter()
        .map(|c| {
            [
                c.record.clone(),
                form::form(&c.form)
                    .map(|f| f.short.get(lang).to_string())
                    .unwrap_or_else(|| c.form.clone()),
                c.team.to_string(),
                if c.in_conflict() {
                    format!("{} ⚠", i18n::status(lang, c.status))
                } else {
                    i18n::status(lang, c.status).to_string()
                },
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
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(c, *w))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}

fn list_forms(only: Option<&str>, lang: Lang) -> Result<()> {
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

// ------------------------------------------------------ keys and bundles --

fn say(lang: Lang, s: &Say) -> Result<()> {
    print_out(format_args!("{}\n", i18n::bundle::say(lang, s)))
}

/// The signing key's passphrase: `TOTHON_PASSPHRASE` for scripts and tests,
/// otherwise typed without echo (twice when it is being chosen). Without
/// either there is nobody to ask, and the command stops before writing.
fn passphrase(lang: Lang, choosing: bool) -> Result<String> {
    use crate::bundle::key::KeyError;
    use std::io::IsTerminal;
    if let Some(p) = std::env::var_os("TOTHON_PASSPHRASE") {
        let p = p
            .into_string()
            .map_err(|_| Error::from(ExchangeError::Key(KeyError::WrongPassphrase)))?;
        if choosing && p.is_empty() {
            return Err(ExchangeError::Key(KeyError::EmptyPassphrase).into());
        }
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(ExchangeError::NoPassphrase.into());
    }
    let prompt = |s: Say| {
        rpassword::prompt_password(i18n::bundle::say(lang, &s))
            .map_err(|e| Error::Terminal(e.to_string()))
    };
    if !choosing {
        return prompt(Say::Passphrase);
    }
    let first = prompt(Say::PassphraseNew)?;
    if first.is_empty() {
        return Err(ExchangeError::Key(KeyError::EmptyPassphrase).into());
    }
    if prompt(Say::PassphraseAgain)? != first {
        return Err(ExchangeError::PassphrasesDiffer.into());
    }
    Ok(first)
}

fn key_command(store: &Store, cmd: KeyCommand, lang: Lang) -> Result<()> {
    match cmd {
        KeyCommand::Show => {
            print_out(format_args!("{}", exchange::own_public(store)?.to_text()))?;
            Ok(())
        }
        KeyCommand::New { replace } => {
            if let Some(old) = store.own_key()?
                && !replace
            {
                return Err(ExchangeError::KeyExists { id: old.id }.into());
            }
            let pass = passphrase(lang, true)?;
            let public = exchange::new_key(store, &pass, replace, clock::now())?;
            say(
                lang,
                &Say::KeyMade {
                    id: &public.id,
                    role: store.device()?.role,
                },
            )?;
            Ok(())
        }
        KeyCommand::List => {
            let keys = store.trusted_keys()?;
            if keys.is_empty() {
                say(lang, &Say::NoTrustedKeys)?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = keys
                .iter()
                .map(|k| {
                    vec![
                        k.id.clone(),
                        i18n::bundle::party(lang, k.team.map(Role::Team).unwrap_or(Role::Commune)),
                        k.device.clone().unwrap_or_default(),
                        k.added_at.clone(),
                        k.revoked_at.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            write_rows(
                &mut std::io::stdout().lock(),
                &i18n::bundle::keys_header(lang),
                &rows,
            );
            Ok(())
        }
    }
}

fn bundle_command(store: &Store, cmd: BundleCommand, lang: Lang) -> Result<()> {
    match cmd {
        BundleCommand::Export { out } => {
            let out = out.unwrap_or_else(|| PathBuf::from("."));
            // Check there is a key before asking for its passphrase.
            exchange::own_public(store)?;
            let signer = exchange::unlock(store, &passphrase(lang, false)?)?;
            for e in exchange::export(store, &signer, &out, clock::now())? {
                say(
                    lang,
                    &Say::Exported {
                        file: &e.path.display().to_string(),
                        receiver: e.header.receiver,
                        sequence: e.header.sequence,
                        versions: e.versions,
                        work_items: e.work_items,
                    },
                )?;
            }
            Ok(())
        }
        BundleCommand::Verify { file } => {
            let checked = exchange::check_file(store, &file);
            let admitted = checked.map_err(|refusal| {
                ExchangeError::Rejected(Box::new(exchange::Rejection {
                    file: file.clone(),
                    refusal,
                    kept: None,
                }))
            })?;
            let h = admitted.header();
            let name = crate::bundle::archive::escaped(&file.display().to_string(), 400);
            say(lang, &Say::Valid { file: &name })?;
            say(
                lang,
                &Say::From {
                    sender: h.sender,
                    device: &h.sender_device,
                    key: &admitted.key_id,
                },
            )?;
            say(
                lang,
                &Say::To {
                    receiver: h.receiver,
                },
            )?;
            say(
                lang,
                &Say::Sequence {
                    sequence: h.sequence,
                },
            )?;
            let at = h.created_at.format("%Y-%m-%d %H:%M %:z").to_string();
            say(lang, &Say::Made { at: &at })?;
            for f in &admitted.files {
                say(
                    lang,
                    &Say::Rows {
                        file: &f.name,
                        rows: f.rows,
                    },
                )?;
            }
            say(
                lang,
                &Say::WouldAdd {
                    new: admitted.summary.new,
                    known: admitted.summary.known,
                },
            )?;
            Ok(())
        }
        BundleCommand::Import { files } => {
            // Each bundle stands alone: one refused does not stop the others.
            // Every refusal is one line on stderr; the last is returned.
            let mut last_error = None;
            for file in &files {
                match exchange::import_file(store, file, clock::now()) {
                    Ok(done) => {
                        let name =
                            crate::bundle::archive::escaped(&file.display().to_string(), 400);
                        say(
                            lang,
                            &Say::Imported {
                                file: &name,
                                sender: done.header.sender,
                                sequence: done.header.sequence,
                                new: done.summary.new,
                                known: done.summary.known,
                                conflicts: done.summary.new_conflicts,
                            },
                        )?;
                        if done.stale {
                            let latest = exchange::latest_sequences(&store.imports()?)
                                .get(&(
                                    crate::bundle::party_text(done.header.sender),
                                    done.header.sender_device.clone(),
                                ))
                                .copied()
                                .unwrap_or(done.header.sequence);
                            say(
                                lang,
                                &Say::Stale {
                                    file: &name,
                                    latest,
                                },
                            )?;
                        }
                    }
                    Err(e) => {
                        if let Some(previous) = last_error.replace(Error::from(e)) {
                            eprintln!("tothon: {}", i18n::error(lang, &previous));
                        }
                    }
                }
            }
            match last_error {
                Some(e) => Err(e),
                None => Ok(()),
            }
        }
    }
}

fn list_imports(store: &Store, lang: Lang) -> Result<()> {
    let entries = store.imports()?;
    if entries.is_empty() {
        say(lang, &Say::NoImports)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let result = i18n::bundle::import_result(
                lang,
                e.accepted,
                e.new,
                e.known,
                e.new_conflicts,
                e.stale,
            );
            let result = if e.accepted {
                result
            } else {
                format!("{result}: {}", i18n::bundle::logged_refusal(lang, e))
            };
            vec![
                e.received_at
                    .get(..16)
                    .unwrap_or(&e.received_at)
                    .replace('T', " "),
                e.file.clone(),
                crate::bundle::parse_party(&e.sender)
                    .map(|r| i18n::bundle::party(lang, r))
                    .unwrap_or_default(),
                if e.sequence > 0 {
                    e.sequence.to_string()
                } else {
                    String::new()
                },
                result,
            ]
        })
        .collect();
    write_rows(
        &mut std::io::stdout().lock(),
        &i18n::bundle::imports_header(lang),
        &rows,
    );
    Ok(())
}

/// A plain aligned table; the last column is not padded (it may be long).
fn write_rows(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(c, *w))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for r in rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}

/// Cuts a value to `width` columns, with an ellipsis when cut.
fn fit(s: &str, width: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    if s.width() <= width {
        return pad(s, width);
    }
    let mut out = String::new();
    for g in s.graphemes(true) {
        if out.width() + g.width() + 1 > width {
            break;
        }
        out.push_str(g);
    }
    out.push('…');
    pad(&out, width)
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
    let _ = writeln!(out, "{}", title(&|n, h| format!("[{n}] {}", h.author)));
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
                fit(&shown, col)
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
