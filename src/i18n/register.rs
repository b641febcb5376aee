//! The population register's import in words, Vietnamese first: what the
//! file changes on the register, the question before writing, what was
//! written. The rows as read are said by `worklist::preview_lines`, as for a
//! work list.

use super::Lang;
use crate::domain::register::Plan;

/// One thing said about a register import.
#[derive(Clone, Copy, Debug)]
pub enum Say<'a> {
    /// What the accepted rows do to the register.
    Plan(&'a Plan),
    Nothing,
    Prompt {
        count: usize,
    },
    Written {
        count: usize,
    },
}

pub fn say(lang: Lang, s: &Say) -> String {
    match (lang, s) {
        (Lang::Vi, Say::Plan(p)) => format!(
            "Danh sách nhân khẩu: {} người mới, {} người thay đổi thông tin, {} người giữ nguyên; {} người đã có trên danh sách không nằm trong tệp này (giữ nguyên).",
            p.new.len(),
            p.updated.len(),
            p.unchanged,
            p.not_in_file
        ),
        (Lang::En, Say::Plan(p)) => format!(
            "Population register: {} new, {} with changed details, {} unchanged; {} already on the register are not in this file (kept as they are).",
            p.new.len(),
            p.updated.len(),
            p.unchanged,
            p.not_in_file
        ),
        (Lang::Vi, Say::Nothing) => {
            "Không có gì mới để ghi vào danh sách nhân khẩu; không ghi gì.".into()
        }
        (Lang::En, Say::Nothing) => "Nothing new for the register; nothing written.".into(),
        (Lang::Vi, Say::Prompt { count }) => format!("Ghi {count} nhân khẩu vào danh sách? (c/k) "),
        (Lang::En, Say::Prompt { count }) => {
            format!("Write {count} people to the register? (y/n) ")
        }
        (Lang::Vi, Say::Written { count }) => {
            format!("Đã ghi {count} nhân khẩu vào danh sách nhân khẩu của xã.")
        }
        (Lang::En, Say::Written { count }) => {
            format!("Wrote {count} people to the commune's register.")
        }
    }
}
