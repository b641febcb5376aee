//! The population register in words, Vietnamese first: what an import
//! changes on the register, the question before writing, what was written
//! (the rows as read are said by `worklist::preview_lines`, as for a work
//! list); what a search found; the work that already covers a new case,
//! and the refusal of one on the command line.

use super::{Lang, stage};
use crate::domain::form::Subject;
use crate::domain::register::Plan;
use crate::domain::text::printable;
use crate::error::Error;
use crate::ops::covered::Covering;

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
    /// How many of the register's people a search finds as you type.
    Matching {
        found: usize,
        total: usize,
    },
    /// How many people a search found, and how many are listed.
    Found {
        total: usize,
        shown: usize,
    },
}

/// "Đã có phiếu AC-00012 cho người này": the work that already covers a new
/// case, in one sentence.
pub fn already(lang: Lang, records: &[&str], subject: Subject) -> String {
    let records = records.join(", ");
    match (lang, subject) {
        (Lang::Vi, Subject::Household) => format!("Đã có phiếu {records} cho hộ này"),
        (Lang::Vi, _) => format!("Đã có phiếu {records} cho người này"),
        (Lang::En, Subject::Household) => {
            format!("This household already has {records}")
        }
        (Lang::En, _) => format!("This person already has {records}"),
    }
}

/// One piece of work that covers a new case, as the screens list it and the
/// refusal names it: "AC-00012 · Nguyễn Văn An · 034085001234 · Đang làm".
pub fn covering_line(lang: Lang, c: &Covering) -> String {
    format!(
        "{} · {} · {}",
        printable(&c.record, 40),
        printable(&c.title, 200),
        stage(lang, c.stage)
    )
}

/// The refusal of `case new` for a person or household already covered,
/// in one sentence naming the work that covers it.
fn refused_as_covered(lang: Lang, subject: Subject, covering: &[Covering]) -> String {
    let named = covering
        .iter()
        .map(|c| {
            format!(
                "{} ({}, {})",
                printable(&c.record, 40),
                printable(&c.title, 200),
                stage(lang, c.stage)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    match (lang, subject) {
        (Lang::Vi, Subject::Household) => format!(
            "Hộ này đã có phiếu {named}; chưa lập phiếu mới: nếu đúng là cần thêm một phiếu, chạy lại với --anyway."
        ),
        (Lang::Vi, _) => format!(
            "Người này đã có phiếu {named}; chưa lập phiếu mới: nếu đúng là cần thêm một phiếu, chạy lại với --anyway."
        ),
        (Lang::En, Subject::Household) => format!(
            "This household already has {named}; no new case was made: if another is really needed, run again with --anyway."
        ),
        (Lang::En, _) => format!(
            "This person already has {named}; no new case was made: if another is really needed, run again with --anyway."
        ),
    }
}

/// The errors of starting a case from the register, in one sentence.
pub fn error(lang: Lang, e: &Error) -> String {
    match (lang, e) {
        (Lang::Vi, Error::NotOnRegister { wanted }) => format!(
            "Không có «{wanted}» trong danh sách nhân khẩu của máy này (mã NK-… hoặc số định danh); tìm bằng «tothon register find TÊN»."
        ),
        (Lang::En, Error::NotOnRegister { wanted }) => format!(
            "No one on this device's register is {wanted:?} (an NK-… key or a personal ID); search with 'tothon register find NAME'."
        ),
        (Lang::Vi, Error::SeveralOnRegister { id, keys }) => format!(
            "Số định danh {id} có {} người trong danh sách nhân khẩu ({}); hãy chọn bằng mã NK.",
            keys.len(),
            keys.join(", ")
        ),
        (Lang::En, Error::SeveralOnRegister { id, keys }) => format!(
            "Personal ID {id} is on the register {} times ({}); choose one by its NK key.",
            keys.len(),
            keys.join(", ")
        ),
        (Lang::Vi, Error::NotFromRegister { form }) => format!(
            "Phiếu «{form}» không lập từ một người trong danh sách nhân khẩu; bỏ --from-register."
        ),
        (Lang::En, Error::NotFromRegister { form }) => format!(
            "A {form} case is not started from someone on the register; leave out --from-register."
        ),
        (_, Error::AlreadyCovered { subject, covering }) => {
            refused_as_covered(lang, *subject, covering)
        }
        (_, other) => super::error(lang, other),
    }
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
        (Lang::Vi, Say::Matching { found, total }) => format!("{found}/{total} người"),
        (Lang::En, Say::Matching { found, total }) => format!("{found} of {total} people"),
        (Lang::Vi, Say::Found { total: 0, .. }) => {
            "Không tìm thấy ai trong danh sách nhân khẩu.".into()
        }
        (Lang::En, Say::Found { total: 0, .. }) => "No one on the register matches.".into(),
        (Lang::Vi, Say::Found { total, shown }) if shown < total => format!(
            "Tìm thấy {total} người; hiện {shown} người đầu (gõ thêm để thu hẹp, hoặc --limit)."
        ),
        (Lang::Vi, Say::Found { total, .. }) => format!("Tìm thấy {total} người."),
        (Lang::En, Say::Found { total, shown }) if shown < total => format!(
            "Found {total}; the first {shown} are listed (narrow the search, or use --limit)."
        ),
        (Lang::En, Say::Found { total, .. }) => format!("Found {total}."),
    }
}
