//! The command line: the clap definitions of every command and [`run`],
//! which hands each to its family's file. A command calls `ops` (the same
//! operations the screens call), prints what was done in the user's language
//! and returns an [`Error`] that `main` turns into one line on stderr.
//!
//! `case` one case (new, edit, return, void, resolve, show); `cases` the
//! listings of cases and forms; `keys` setting a device up and its keys;
//! `bundles` bundles and the imports log; `worklist` the work-list import
//! and reassignment; `report` the report, the progress table and the
//! suspected duplicates;
//! `tables` how listings are laid out. Here: the demo, and what every
//! command uses (printing, the passphrase).

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::bundle::key::Signer;
use crate::demo;
use crate::error::{Error, Result};
use crate::i18n::bundle::Say;
use crate::i18n::{self, Lang, Msg};
use crate::ops::{self, exchange::ExchangeError};
use crate::paths;
use crate::store::Store;
use crate::tui;

mod backup;
mod bundles;
mod case;
mod cases;
mod keys;
mod register;
mod report;
pub(crate) mod tables;
mod village;
mod worklist;

pub use bundles::BundleCommand;
pub use case::{CaseCommand, EditArgs};
pub use cases::CasesArgs;
pub use keys::{InitCommand, KeyCommand};
pub use register::{RegisterCommand, RegisterImportArgs};
pub use report::{DuplicatesArgs, DuplicatesCommand, ProgressArgs, ReportArgs, ReportFormat};
pub use tables::Format;
pub use village::VillageCommand;
pub use worklist::{ImportArgs, WorklistCommand};

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
    Worklist(WorklistCommand),
    /// Danh sách nhân khẩu, hộ gia đình của xã (the commune's population register).
    #[command(subcommand)]
    Register(RegisterCommand),
    /// Liệt kê mẫu phiếu và các trường (list forms and their fields).
    Forms {
        /// Chỉ một mẫu (one form only).
        form: Option<String>,
    },
    /// Thêm mẫu phiếu của xã: tệp JSON hoặc bảng tính kiểu XLSForm
    /// (add a form of the commune's own: a JSON spec or an XLSForm-style
    /// workbook, sheets survey, choices and settings).
    #[command(subcommand)]
    Form(FormCommand),
    /// Báo cáo số liệu tính đến một ngày (the report's numbers as of a date).
    Report(ReportArgs),
    /// Chỉ tiêu của các dòng báo cáo: xem, đặt, bỏ (the report's targets: list, set, clear).
    #[command(subcommand)]
    Target(report::TargetCommand),
    /// Bảng tiến độ theo tổ (the progress table, per team).
    Progress(ProgressArgs),
    /// Công dân nghi trùng: xem, xử lý (suspected duplicate citizens: list, settle).
    Duplicates(DuplicatesArgs),
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
        /// Tin cậy lại một khoá đã thu hồi (trust again a key that was revoked).
        #[arg(long)]
        again: bool,
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
    /// Các thôn của xã: xem, thêm, đổi tên (the commune's villages: list, add, rename).
    #[command(subcommand)]
    Village(VillageCommand),
    /// Kiểm tra toàn bộ dữ liệu (check the whole store: every page, value and version).
    Check,
    /// Sao lưu dữ liệu (back the data up; by default into the backups folder).
    Backup {
        /// Tệp sao lưu (the backup file to write; must not exist).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Khôi phục một bản sao lưu (restore a backup; the current data is kept aside).
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
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
pub enum FormCommand {
    /// Thêm hoặc cập nhật một mẫu phiếu (add a form, or a new version of
    /// one): it reaches the teams in the next bundles.
    Add {
        /// Tệp mẫu: .json, hoặc .xlsx/.xls/.ods (the spec file).
        file: PathBuf,
    },
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let lang: Lang = cli.lang.into();
    let dir = paths::data_dir(cli.data_dir.as_deref())?;
    crate::crash::install(&dir, lang);
    // The crash-note test's way in; test builds only.
    #[cfg(feature = "test-hooks")]
    if std::env::var_os("TOTHON_PANIC_FOR_TEST").is_some() {
        panic!("panic asked for by TOTHON_PANIC_FOR_TEST");
    }
    // A store file damaged outside tothon can make redb panic as it reads
    // it: said as damage, in one sentence, not as a crash.
    crate::crash::store_damage_as_error(|| command(cli.command, &dir, lang)).unwrap_or_else(|| {
        Err(crate::store::StoreError::Damaged {
            file: Store::file_in(&dir),
            detail: String::new(),
        }
        .into())
    })
}

fn command(command: Option<Command>, dir: &Path, lang: Lang) -> Result<()> {
    let dir = dir.to_path_buf();
    match command {
        None => tui::run(&dir, lang),
        // Long work shows how far it has got on the standard error.
        Some(command) => crate::progress::shown_while(lang, || one_command(command, &dir, lang)),
    }
}

fn one_command(command: Command, dir: &Path, lang: Lang) -> Result<()> {
    let dir = dir.to_path_buf();
    match command {
        Command::Demo(args) => run_demo(&dir, args, lang),
        Command::Init(cmd) => keys::init(&dir, cmd, lang),
        Command::Case(cmd) => case::run(&unlocked(&dir, lang)?.0, cmd, lang),
        Command::Worklist(cmd) => worklist::run(&unlocked(&dir, lang)?.0, cmd, lang),
        Command::Register(cmd) => register::run(&unlocked(&dir, lang)?.0, cmd, lang),
        Command::Cases(args) => cases::list_cases(&unlocked(&dir, lang)?.0, &args, lang),
        // Opened, when set up, for the forms the commune added (not
        // personal data); the shipped forms are listed without a store.
        Command::Forms { form } => {
            match Store::exists_in(&dir).then(|| Store::open(&dir)) {
                // Open in the screens: the shipped forms, and why only they.
                Some(Err(e @ crate::store::StoreError::AlreadyOpen)) => {
                    eprintln!("{}", i18n::error(lang, &Error::Store(e)));
                }
                other => drop(other.transpose()?),
            }
            cases::list_forms(form.as_deref(), lang)
        }
        Command::Form(FormCommand::Add { file }) => {
            let bytes = std::fs::read(&file).map_err(|e| Error::File {
                path: file.clone(),
                detail: e.to_string(),
            })?;
            let store = Store::open(&dir)?;
            let spec = crate::ops::forms::add(&store, &file.display().to_string(), &bytes)?;
            // The label is the file's (checked free of controls, and made
            // printable all the same).
            let label = crate::domain::text::printable(spec.label.get(lang), usize::MAX);
            let added = i18n::Msg::FormAdded {
                label: &label,
                id: &spec.id,
                version: spec.version,
                code: &spec.code,
                fields: spec.fields.len(),
            };
            print_out(format_args!("{}\n", i18n::msg(lang, &added)))
        }
        Command::Report(args) => report::print_report(&unlocked(&dir, lang)?.0, &args, lang),
        Command::Progress(args) => report::print_progress(&unlocked(&dir, lang)?.0, &args, lang),
        Command::Duplicates(args) => report::duplicates(&unlocked(&dir, lang)?.0, args, lang),
        // Keys, trust and villages hold no personal data: no passphrase
        // unless a key is opened.
        Command::Key(cmd) => keys::key_command(Store::open(&dir)?, cmd, lang),
        Command::Trust { team, file, again } => {
            keys::trust(&Store::open(&dir)?, team, &file, again, lang)
        }
        Command::Untrust { key_id } => keys::untrust(&Store::open(&dir)?, &key_id, lang),
        Command::Bundle(cmd) => {
            let (store, signer) = unlocked(&dir, lang)?;
            bundles::bundle_command(&store, &signer, cmd, lang)
        }
        Command::Imports => bundles::list_imports(&unlocked(&dir, lang)?.0, lang),
        Command::Village(cmd) => village::run(&Store::open(&dir)?, cmd, lang),
        // Targets are counts, not personal data.
        Command::Target(cmd) => report::target(&Store::open(&dir)?, cmd, lang),
        Command::Check => backup::check(&dir, lang),
        Command::Backup { out } => backup::backup(&dir, out.as_deref(), lang),
        Command::Restore { file } => backup::restore(&dir, &file, lang),
    }
}

/// The store in `dir`, unlocked with this device's passphrase (asked, or
/// `TOTHON_PASSPHRASE`), and the device's key, open to sign with.
pub(super) fn unlocked(dir: &Path, lang: Lang) -> Result<(Store, Signer)> {
    let store = Store::open(dir)?;
    // A store without a key says so before a passphrase is asked for.
    ops::exchange::own_public(&store)?;
    let (store, signer) = ops::exchange::unlock(store, &passphrase(lang, Ask::Current)?)?;
    backup::start_of_day(&store, lang);
    Ok((store, signer))
}

fn run_demo(data_dir: &Path, args: DemoArgs, lang: Lang) -> Result<()> {
    let dir = args.dir.clone().unwrap_or_else(|| data_dir.join("demo"));
    let options = demo::Options {
        people: args.people,
        seed: args.seed,
    };
    // A demo whose build was cut short (killed, a power cut) is built again.
    let built = if Store::exists_in(&dir) && !args.reset && demo::is_whole(&dir)? {
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

/// Says, on the standard error, that citizens' personal data is going to
/// the standard output in plain text, when that is not a terminal (a file
/// `> danh-sach.csv`, or another program): it leaves tothon's protection.
pub(super) fn mark_personal(lang: Lang) {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        eprintln!("{}", i18n::msg(lang, &Msg::PersonalToOutput));
    }
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
pub(super) fn stdout_error(e: impl Into<csv::Error>) -> Error {
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

pub(super) fn say(lang: Lang, s: &Say) -> Result<()> {
    print_out(format_args!("{}\n", i18n::bundle::say(lang, s)))
}

/// Which passphrase is asked for.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Ask {
    /// The device's, which opens its key and its data.
    Current,
    /// A first key's, being chosen.
    Choose,
    /// A replacing key's, being chosen after the current one was given.
    Replacement,
}

/// A passphrase: from `TOTHON_PASSPHRASE` (a replacement's from
/// `TOTHON_NEW_PASSPHRASE`) for scripts and tests, otherwise typed without
/// echo (twice when it is being chosen). Without either there is nobody to
/// ask, and the command stops before writing.
pub(super) fn passphrase(lang: Lang, ask: Ask) -> Result<String> {
    use crate::bundle::key::KeyError;
    use std::io::IsTerminal;
    let variable = match ask {
        Ask::Replacement => "TOTHON_NEW_PASSPHRASE",
        Ask::Current | Ask::Choose => "TOTHON_PASSPHRASE",
    };
    if let Some(p) = std::env::var_os(variable) {
        let p = p
            .into_string()
            .map_err(|_| Error::from(ExchangeError::Key(KeyError::WrongPassphrase)))?;
        if ask != Ask::Current && p.is_empty() {
            return Err(ExchangeError::Key(KeyError::EmptyPassphrase).into());
        }
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(ExchangeError::NoPassphrase { variable }.into());
    }
    let prompt = |s: Say| {
        rpassword::prompt_password(i18n::bundle::say(lang, &s))
            .map_err(|e| Error::Terminal(e.to_string()))
    };
    if ask == Ask::Current {
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
