//! `tothon village`: the commune's villages, listed, added and renamed at
//! the office, over `ops::commune`.

use clap::Subcommand;

use super::print_out;
use super::tables::write_rows;
use crate::error::Result;
use crate::i18n::{self, Lang, Msg, Text};
use crate::ops;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum VillageCommand {
    /// Liệt kê các thôn và số tổ (list the villages and their team numbers).
    List,
    /// Thêm một thôn, với số tổ tiếp theo (add a village, with the next team number).
    Add { name: String },
    /// Đổi tên thôn số N; số không đổi (rename village N; its number stays).
    Rename {
        #[arg(value_name = "N")]
        team: u8,
        name: String,
    },
}

pub(super) fn run(store: &Store, cmd: VillageCommand, lang: Lang) -> Result<()> {
    let said = match cmd {
        VillageCommand::List => {
            let rows: Vec<Vec<String>> = ops::commune::villages(store)?
                .into_iter()
                .map(|v| vec![v.team.to_string(), v.name])
                .collect();
            let t = |x| i18n::text(lang, x);
            let mut out = std::io::stdout().lock();
            write_rows(&mut out, &[t(Text::Team), t(Text::Village)], &rows);
            return Ok(());
        }
        VillageCommand::Add { name } => {
            let v = ops::commune::add_village(store, &name)?;
            i18n::msg(
                lang,
                &Msg::VillageAdded {
                    team: v.team,
                    name: &v.name,
                },
            )
        }
        VillageCommand::Rename { team, name } => {
            let v = ops::commune::rename_village(store, team, &name)?;
            i18n::msg(
                lang,
                &Msg::VillageRenamed {
                    team: v.team,
                    name: &v.name,
                },
            )
        }
    };
    print_out(format_args!("{said}\n"))
}
