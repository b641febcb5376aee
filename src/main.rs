use std::process::ExitCode;

use clap::Parser;
use tothon::cli::{self, Cli};
use tothon::i18n;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang.into();
    match cli::run(cli) {
        Ok(()) | Err(tothon::error::Error::OutputClosed) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tothon: {}", i18n::error(lang, &e));
            ExitCode::FAILURE
        }
    }
}
