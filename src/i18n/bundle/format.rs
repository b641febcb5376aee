//! Why a file is not a bundle as tothon writes it ([`BundleError`]): the zip,
//! the signature, the manifest, a cell; and where in the bundle, by file, row
//! and column (with the form's label for a field).

use crate::bundle::{BundleError, CellProblem};
use crate::domain::form;
use crate::i18n::Lang;

/// A column as a person finds it: the CSV header, and the form's label when
/// it is one of the form's fields.
fn column_label(lang: Lang, file: &str, column: &str) -> String {
    let label = form::form(file.trim_end_matches(".csv"))
        .and_then(|s| s.field(column))
        .map(|f| f.label.get(lang).to_string());
    match label {
        Some(l) => format!("{column} ({l})"),
        None => column.to_string(),
    }
}

pub(super) fn place(lang: Lang, file: &str, row: usize, column: Option<&str>) -> String {
    match (lang, column) {
        (Lang::Vi, Some(c)) => format!(
            "tệp {file}, dòng {row}, cột {}",
            column_label(lang, file, c)
        ),
        (Lang::Vi, None) => format!("tệp {file}, dòng {row}"),
        (Lang::En, Some(c)) => format!("{file}, row {row}, column {}", column_label(lang, file, c)),
        (Lang::En, None) => format!("{file}, row {row}"),
    }
}

fn size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{} MB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

pub(super) fn format_error(lang: Lang, e: &BundleError) -> String {
    use BundleError as B;
    match lang {
        Lang::Vi => match e {
            B::TooBig { size: s, limit } => format!(
                "tệp lớn {}, vượt giới hạn {} của một gói.",
                size(*s),
                size(*limit)
            ),
            B::NotAZip { detail } => format!(
                "tệp không phải tệp zip đọc được, có thể bị cắt ngắn khi chép ({detail})."
            ),
            B::TooManyEntries { count, limit } => {
                format!("tệp zip có {count} tệp bên trong, nhiều hơn {limit}.")
            }
            B::DuplicateName => "tệp zip có hai tệp trùng tên.".into(),
            B::UnsafeName { name } => format!(
                "tệp zip chứa «{name}», một đường dẫn chứ không phải tên tệp đơn."
            ),
            B::UnexpectedName { name } => {
                format!("tệp zip chứa «{name}», không thuộc một gói tothon.")
            }
            B::Encrypted { name } => format!("tệp {name} trong gói bị mã hoá."),
            B::NotAsWritten { name } => format!(
                "tệp {name} trong gói bị nén hoặc lưu khác cách tothon ghi (gói đã bị nén lại?)."
            ),
            B::EntryTooBig { name, size: s, limit } => format!(
                "tệp {name} trong gói lớn {}, vượt giới hạn {}.",
                size(*s),
                size(*limit)
            ),
            B::Truncated { name } => format!("tệp {name} trong gói bị cắt ngắn."),
            B::Missing { name } => format!("thiếu tệp {name} trong gói."),
            B::Repacked => "tệp zip đã bị thay đổi sau khi tothon ghi.".into(),
            B::SignatureFile => format!(
                "tệp {} không phải chữ ký minisign do tothon ghi.",
                crate::bundle::SIGNATURE
            ),
            B::BadSignature => "chữ ký không khớp với manifest.csv: gói đã bị sửa sau khi ký, hoặc không phải của khoá này.".into(),
            B::CommentMismatch => "phần ghi chú có chữ ký không khớp với manifest.csv.".into(),
            B::KeyMismatch { manifest, signature } => format!(
                "manifest.csv ghi khoá {manifest}, còn chữ ký là của khoá {signature}."
            ),
            B::UnknownFormat { found } => format!(
                "gói theo định dạng «{found}», phiên bản tothon này không đọc được; hãy cập nhật tothon."
            ),
            B::HashMismatch { file } => format!(
                "tệp {file} đã bị sửa: mã SHA-256 không khớp với manifest.csv."
            ),
            B::RowCount {
                file,
                declared,
                found,
            } => format!("tệp {file} có {found} dòng dữ liệu, manifest.csv ghi {declared}."),
            B::Cell {
                file,
                row,
                column,
                problem,
            } => format!(
                "{}: {}",
                place(lang, file, *row, column.as_deref()),
                cell_vi(problem)
            ),
            B::WrongId { file, row } => format!(
                "{}: mã phiên bản không khớp với nội dung (dòng đã bị sửa).",
                place(lang, file, *row, Some("id"))
            ),
            B::Unwritable { detail } => format!("không ghi được gói ({detail})."),
            B::Locked => "gói được mã hoá; cần mật khẩu khoá của máy này để đọc.".into(),
            B::NotForThisDevice { file } => format!(
                "{file} được mã hoá cho máy khác, máy này không đọc được: gói này không gửi cho máy này, hoặc được làm trước khi bên gửi tin cậy khoá hiện nay của máy này."
            ),
            B::Sealed { file, detail } => {
                format!("{file} được mã hoá nhưng đã bị sửa hoặc hỏng ({detail}).")
            }
        },
        Lang::En => match e {
            B::TooBig { size: s, limit } => format!(
                "the file is {}, over the {} a bundle may be.",
                size(*s),
                size(*limit)
            ),
            B::NotAZip { detail } => format!(
                "the file is not a readable zip; it may have been cut short while copying ({detail})."
            ),
            B::TooManyEntries { count, limit } => {
                format!("the zip holds {count} files, more than {limit}.")
            }
            B::DuplicateName => "the zip holds two files of the same name.".into(),
            B::UnsafeName { name } => {
                format!("the zip holds \"{name}\", a path rather than a plain file name.")
            }
            B::UnexpectedName { name } => {
                format!("the zip holds \"{name}\", which does not belong in a tothon bundle.")
            }
            B::Encrypted { name } => format!("{name} in the bundle is encrypted."),
            B::NotAsWritten { name } => format!(
                "{name} in the bundle is compressed or stored otherwise than tothon writes it (was the bundle re-zipped?)."
            ),
            B::EntryTooBig { name, size: s, limit } => format!(
                "{name} in the bundle is {}, over the limit of {}.",
                size(*s),
                size(*limit)
            ),
            B::Truncated { name } => format!("{name} in the bundle is cut short."),
            B::Missing { name } => format!("{name} is missing from the bundle."),
            B::Repacked => "the zip was changed after tothon wrote it.".into(),
            B::SignatureFile => format!(
                "{} is not a minisign signature written by tothon.",
                crate::bundle::SIGNATURE
            ),
            B::BadSignature => "the signature does not match manifest.csv: the bundle was changed after signing, or was not signed with this key.".into(),
            B::CommentMismatch => "the signed comment disagrees with manifest.csv.".into(),
            B::KeyMismatch { manifest, signature } => format!(
                "manifest.csv names key {manifest}, but the signature is by key {signature}."
            ),
            B::UnknownFormat { found } => format!(
                "the bundle is in format \"{found}\", which this tothon cannot read; update tothon."
            ),
            B::HashMismatch { file } => {
                format!("{file} was changed: its SHA-256 does not match manifest.csv.")
            }
            B::RowCount {
                file,
                declared,
                found,
            } => format!("{file} has {found} data rows; manifest.csv says {declared}."),
            B::Cell {
                file,
                row,
                column,
                problem,
            } => format!(
                "{}: {}",
                place(lang, file, *row, column.as_deref()),
                cell_en(problem)
            ),
            B::WrongId { file, row } => format!(
                "{}: the version id does not match the content (the row was edited).",
                place(lang, file, *row, Some("id"))
            ),
            B::Unwritable { detail } => format!("the bundle could not be written ({detail})."),
            B::Locked => {
                "the bundle is encrypted; this device's key passphrase is needed to read it."
                    .into()
            }
            B::NotForThisDevice { file } => format!(
                "{file} is encrypted for other devices and this one cannot read it: the bundle was not sent to this device, or was made before the sender trusted this device's current key."
            ),
            B::Sealed { file, detail } => {
                format!("{file} is encrypted but was changed or damaged ({detail}).")
            }
        },
    }
}

fn cell_vi(p: &CellProblem) -> String {
    match p {
        CellProblem::NoBom => "tệp không bắt đầu bằng dấu BOM UTF-8 mà tothon ghi.".into(),
        CellProblem::Malformed(d) => format!("dòng CSV bị hỏng ({d})."),
        CellProblem::Header { expected } => format!("tiêu đề cột lẽ ra là «{expected}»."),
        CellProblem::Cells { expected, found } => {
            format!("dòng có {found} ô, lẽ ra {expected}.")
        }
        CellProblem::NotNfc => "chữ không ở dạng Unicode dựng sẵn (NFC) như tothon lưu.".into(),
        CellProblem::ControlCharacter => "ô chứa ký tự điều khiển.".into(),
        CellProblem::TooLong { max } => format!("ô dài quá {max} ký tự."),
        CellProblem::BadEscape => {
            "dấu ' ở đầu ô không đúng quy ước chống công thức của tothon.".into()
        }
        CellProblem::Empty => "ô bị để trống.".into(),
        CellProblem::NotValid => "giá trị không đúng dạng của cột này.".into(),
        CellProblem::WrongForm { file_form } => {
            format!("phiên bản không thuộc mẫu phiếu {file_form} của tệp này.")
        }
        CellProblem::UnknownForm => "không có mẫu phiếu này.".into(),
        CellProblem::NotAFieldOfForm { form } => {
            format!("mẫu phiếu {form} không có trường này.")
        }
        CellProblem::Duplicate => "mã này xuất hiện hai lần trong gói.".into(),
        CellProblem::OutOfOrder => {
            "dòng không theo thứ tự tothon ghi (theo hồ sơ, thời gian, mã).".into()
        }
        CellProblem::UnexpectedRow { expected } => format!("lẽ ra là dòng «{expected}»."),
        CellProblem::MissingRow { expected } => format!("thiếu dòng «{expected}»."),
        CellProblem::Listing { name } => {
            format!("danh sách tệp không đúng ở «{name}».")
        }
    }
}

fn cell_en(p: &CellProblem) -> String {
    match p {
        CellProblem::NoBom => "the file does not start with the UTF-8 BOM tothon writes.".into(),
        CellProblem::Malformed(d) => format!("the CSV row is broken ({d})."),
        CellProblem::Header { expected } => format!("the column header should be \"{expected}\"."),
        CellProblem::Cells { expected, found } => {
            format!("the row has {found} cells instead of {expected}.")
        }
        CellProblem::NotNfc => {
            "the text is not in the precomposed (NFC) form tothon stores.".into()
        }
        CellProblem::ControlCharacter => "the cell holds a control character.".into(),
        CellProblem::TooLong { max } => format!("the cell is longer than {max} characters."),
        CellProblem::BadEscape => {
            "the leading ' does not follow tothon's formula-guard rule.".into()
        }
        CellProblem::Empty => "the cell is empty.".into(),
        CellProblem::NotValid => "the value is not what this column holds.".into(),
        CellProblem::WrongForm { file_form } => {
            format!("the version is not of form {file_form}, which this file holds.")
        }
        CellProblem::UnknownForm => "there is no such form.".into(),
        CellProblem::NotAFieldOfForm { form } => format!("form {form} has no such field."),
        CellProblem::Duplicate => "this id appears twice in the bundle.".into(),
        CellProblem::OutOfOrder => {
            "the row is out of the order tothon writes (by case, time, id).".into()
        }
        CellProblem::UnexpectedRow { expected } => {
            format!("this should be the \"{expected}\" row.")
        }
        CellProblem::MissingRow { expected } => format!("the \"{expected}\" row is missing."),
        CellProblem::Listing { name } => format!("the file list is wrong at \"{name}\"."),
    }
}
