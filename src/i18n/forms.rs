//! The words of `tothon form add`: a refused spec's problems, each where
//! it is, Vietnamese first.

use super::Lang;
use crate::domain::form::added::{At, Fault};
use crate::error::FormProblem;

/// The field types a workbook form may use.
const TYPES: &str =
    "text, integer, date, select_one, select_multiple, name, personal_id, cmnd, phone";

/// Why `file` was refused: one line saying nothing was taken, then each
/// problem on its own line (each line printable: names from the file
/// cannot break it).
pub fn refused(lang: Lang, file: &str, problems: &[FormProblem]) -> String {
    let printable = |s: &str| crate::domain::text::printable(s, usize::MAX);
    let mut out = printable(&match lang {
        Lang::Vi => format!(
            "Mẫu phiếu trong tệp «{file}» chưa được nhận, chưa cài gì; {} lỗi cần sửa:",
            problems.len()
        ),
        Lang::En => format!(
            "The form in \"{file}\" was not taken and nothing was installed; {} problem(s) to fix:",
            problems.len()
        ),
    });
    for p in problems {
        let (place, fault) = match p {
            FormProblem::Spec(p) => (spec_place(lang, &p.at), &p.fault),
            FormProblem::Sheet(p) => (
                match lang {
                    Lang::Vi => format!(
                        "trang «{}», dòng {}, cột «{}»",
                        p.cell.sheet, p.cell.row, p.cell.column
                    ),
                    Lang::En => format!(
                        "sheet \"{}\", row {}, column \"{}\"",
                        p.cell.sheet, p.cell.row, p.cell.column
                    ),
                },
                &p.fault,
            ),
        };
        let line = format!("- {place}: {}.", fault_words(lang, fault));
        out.push('\n');
        out.push_str(&printable(&line));
    }
    out
}

fn spec_place(lang: Lang, at: &At) -> String {
    match (lang, at) {
        (Lang::Vi, At::Form(key)) => format!("mục «{key}»"),
        (Lang::En, At::Form(key)) => format!("\"{key}\""),
        (Lang::Vi, At::Field(n, key)) => format!("trường thứ {}, mục «{key}»", n + 1),
        (Lang::En, At::Field(n, key)) => format!("field {}, \"{key}\"", n + 1),
        (Lang::Vi, At::Report(n, key)) => format!("dòng báo cáo thứ {}, mục «{key}»", n + 1),
        (Lang::En, At::Report(n, key)) => format!("report line {}, \"{key}\"", n + 1),
        (Lang::Vi, At::Text { line, column }) => format!("dòng {line}, cột {column}"),
        (Lang::En, At::Text { line, column }) => format!("line {line}, column {column}"),
    }
}

fn fault_words(lang: Lang, fault: &Fault) -> String {
    match lang {
        Lang::Vi => match fault {
            Fault::Json(detail) => format!("không đọc được JSON ({detail})"),
            Fault::NotUtf8 => "tệp không phải văn bản UTF-8 (hãy lưu lại dạng UTF-8)".to_string(),
            Fault::BadName(s) => format!(
                "«{s}» không dùng làm tên được (chữ a–z, chữ số và _, bắt đầu bằng chữ, tối đa 40 ký tự; không trùng tên cột của gói: id, form, team, status…)"
            ),
            Fault::ShippedId(s) => {
                format!("«{s}» là tên của một mẫu phiếu có sẵn hoặc một tệp trong gói dữ liệu")
            }
            Fault::BadCode(s) => {
                format!("mã phiếu «{s}» phải gồm 2–3 chữ in hoa, khác mã của các mẫu có sẵn")
            }
            Fault::DuplicateName(s) => format!("tên «{s}» đã dùng cho một trường trước đó"),
            Fault::NoSuchField(s) => format!("mẫu không có trường nào tên «{s}»"),
            Fault::NoChoices(s) => {
                format!("không có danh sách lựa chọn «{s}» (trang choices, cột list_name)")
            }
            Fault::DuplicateChoice(s) => format!("lựa chọn «{s}» có hai lần"),
            Fault::Missing => "còn trống".to_string(),
            Fault::ControlCharacter => "có ký tự điều khiển, không in ra được".to_string(),
            Fault::PairSubject => "cặp nghi trùng chỉ dành cho mẫu xử lý trùng".to_string(),
            Fault::NoSuchForm(s) => format!("không có mẫu phiếu «{s}»"),
            Fault::UnknownType(s) => {
                format!("kiểu «{s}» không có trong tothon (các kiểu: {TYPES})")
            }
            Fault::NotUnderstood(s) => format!("tothon không hiểu «{s}»"),
            Fault::NotNewer { had } => {
                format!("mẫu này đã có phiên bản {had}; phiên bản mới phải lớn hơn")
            }
            Fault::CodeTaken(s) => format!("mã phiếu này đã dùng cho mẫu «{s}»"),
            Fault::Unchanged { had } => {
                format!("xã đã có đúng mẫu này (phiên bản {had}); không có gì mới để thêm")
            }
        },
        Lang::En => match fault {
            Fault::Json(detail) => format!("not readable as JSON ({detail})"),
            Fault::NotUtf8 => "the file is not UTF-8 text (save it as UTF-8)".to_string(),
            Fault::BadName(s) => format!(
                "\"{s}\" cannot be a name (letters a–z, digits and _, from a letter, at most 40; not a bundle column's: id, form, team, status…)"
            ),
            Fault::ShippedId(s) => {
                format!("\"{s}\" is the name of a form shipped with tothon or of a bundle file")
            }
            Fault::BadCode(s) => {
                format!("the case code \"{s}\" must be 2–3 capital letters, not a shipped form's")
            }
            Fault::DuplicateName(s) => format!("the name \"{s}\" is an earlier field's"),
            Fault::NoSuchField(s) => format!("the form has no field \"{s}\""),
            Fault::NoChoices(s) => {
                format!("no choice list \"{s}\" (sheet choices, column list_name)")
            }
            Fault::DuplicateChoice(s) => format!("the choice \"{s}\" is given twice"),
            Fault::Missing => "empty".to_string(),
            Fault::ControlCharacter => {
                "holds a control character, which cannot be shown".to_string()
            }
            Fault::PairSubject => "suspected pairs are the duplicates form's own".to_string(),
            Fault::NoSuchForm(s) => format!("there is no form \"{s}\""),
            Fault::UnknownType(s) => format!("tothon has no type \"{s}\" (the types: {TYPES})"),
            Fault::NotUnderstood(s) => format!("tothon does not read \"{s}\""),
            Fault::NotNewer { had } => {
                format!("this form has version {had} already; a new version must be higher")
            }
            Fault::CodeTaken(s) => format!("this case code is the form \"{s}\"'s"),
            Fault::Unchanged { had } => {
                format!(
                    "the commune has this very form already (version {had}); nothing new to add"
                )
            }
        },
    }
}
