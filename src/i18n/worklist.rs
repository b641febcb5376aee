//! Every text of the work-list import and reassignment, in Vietnamese and
//! English: the preview's lines, each row problem, each error. No I/O.
//!
//! Each message is one whole sentence written by one `format!`, so each
//! language orders its words naturally. Field and form names come from the
//! form specs, which carry both languages.

use super::{Lang, problems};
use crate::domain::form;
use crate::worklist::{
    AlreadyListed, ColumnRole, Duplicate, Encoding, FilledCell, FormSource, NotData, NotDataRow,
    OtherFile, RowFix, RowProblem, RowShorthand, SheetSource, WorkbookFormat, WorklistError,
};

/// The lines of the preview and the import's replies.
#[derive(Clone, Debug)]
pub enum Say<'a> {
    Source {
        encoding: Encoding,
        delimiter: u8,
        header_row: usize,
    },
    /// Instead of `Source` for a workbook.
    Workbook {
        source: &'a SheetSource,
        header_row: usize,
    },
    Form(&'a FormSource),
    ColumnsTitle,
    Mapped {
        header: &'a str,
        index: usize,
        role: &'a ColumnRole,
    },
    Unknown {
        header: &'a str,
        index: usize,
    },
    Unused {
        header: &'a str,
        index: usize,
        form: &'a str,
    },
    Summary {
        read: usize,
        new: usize,
        already: usize,
        duplicates: usize,
        blank: usize,
        problems: usize,
    },
    TableTitle,
    VillageHeading,
    Total,
    VillageName {
        name: &'a str,
        team: u8,
    },
    ProblemsTitle {
        count: usize,
    },
    /// One row's line: its number and what is said about it.
    Row {
        row: usize,
        text: &'a str,
    },
    Villages {
        names: &'a str,
    },
    FixHint {
        count: usize,
    },
    FixesTitle {
        count: usize,
    },
    Fix(&'a RowFix),
    WarningsTitle {
        count: usize,
    },
    /// With `--fill-down`: the cells filled, one line each after the title.
    FilledTitle {
        count: usize,
    },
    Filled(&'a FilledCell),
    /// Without `--fill-down`: rows it would fill.
    FillHint {
        count: usize,
    },
    /// The lines after the data that are not data, one line each after the title.
    NotDataTitle {
        count: usize,
    },
    NotData(&'a NotDataRow),
    /// Choice cells read through their number, one line each after the title.
    ShorthandsTitle {
        count: usize,
    },
    Shorthand(&'a RowShorthand),
    /// The first few repeated rows; `more` were left out.
    Duplicates {
        shown: &'a [Duplicate],
        more: usize,
    },
    Already {
        shown: &'a [AlreadyListed],
        more: usize,
    },
    Nothing,
    DryRun,
    Prompt {
        count: usize,
    },
    Imported {
        count: usize,
    },
    NotImported,
    Assigned {
        item: &'a str,
        from: u8,
        to: u8,
    },
    AlreadyAssigned {
        item: &'a str,
        team: u8,
    },
}

pub fn say(lang: Lang, s: &Say) -> String {
    match lang {
        Lang::Vi => say_vi(s),
        Lang::En => say_en(s),
    }
}

/// One row problem, as one sentence.
pub fn problem(lang: Lang, form: Option<&str>, p: &RowProblem) -> String {
    match lang {
        Lang::Vi => problem_vi(form, p),
        Lang::En => problem_en(form, p),
    }
}

pub fn error(lang: Lang, e: &WorklistError) -> String {
    match lang {
        Lang::Vi => error_vi(e),
        Lang::En => error_en(e),
    }
}

/// Whether an answer to [`Say::Prompt`] means yes.
pub fn is_yes(lang: Lang, answer: &str) -> bool {
    let answer = crate::domain::text::fold(answer);
    match lang {
        Lang::Vi => matches!(answer.as_str(), "c" | "co" | "y" | "yes" | "dong y"),
        Lang::En => matches!(answer.as_str(), "y" | "yes"),
    }
}

/// The column as the spreadsheet names it: A, B, ..., Z, AA, ...
fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn field_label(form_id: Option<&str>, field: &str, lang: Lang) -> String {
    form_id
        .and_then(form::form)
        .and_then(|spec| spec.field(field))
        .or_else(|| form::forms().iter().find_map(|spec| spec.field(field)))
        .map(|f| f.label.get(lang).to_string())
        .unwrap_or_else(|| field.to_string())
}

fn form_label(form_id: &str, lang: Lang) -> String {
    form::form(form_id)
        .map(|s| s.label.get(lang).to_string())
        .unwrap_or_else(|| form_id.to_string())
}

fn form_names(lang: Lang) -> String {
    form::forms()
        .iter()
        .map(|s| format!("{} ({})", s.short.get(lang), s.id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn choice_label(form_id: &str, field: &str, choice: &str, lang: Lang) -> String {
    let choices = form::form(form_id)
        .and_then(|spec| spec.field(field))
        .map(|f| match &f.kind {
            form::Kind::Choice { choices, .. } | form::Kind::MultiChoice { choices } => {
                choices.as_slice()
            }
            _ => &[],
        })
        .unwrap_or(&[]);
    choices
        .iter()
        .find(|c| c.id == choice)
        .map(|c| c.label(lang).to_string())
        .unwrap_or_else(|| choice.to_string())
}

fn quoted_list(items: &[String], lang: Lang) -> String {
    items
        .iter()
        .map(|i| match lang {
            Lang::Vi => format!("«{i}»"),
            Lang::En => format!("\"{i}\""),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn workbook_name(format: WorkbookFormat) -> &'static str {
    match format {
        WorkbookFormat::Xlsx => "Excel (.xlsx)",
        WorkbookFormat::Xls => "Excel 97–2003 (.xls)",
        WorkbookFormat::Ods => "OpenDocument (.ods)",
    }
}

fn others(source: &SheetSource) -> Vec<String> {
    source
        .sheets
        .iter()
        .filter(|s| **s != source.sheet)
        .cloned()
        .collect()
}

fn header_text(header: &str, lang: Lang) -> &str {
    match (header.is_empty(), lang) {
        (false, _) => header,
        (true, Lang::Vi) => "(không có tiêu đề)",
        (true, Lang::En) => "(no header)",
    }
}

fn role_label(role: &ColumnRole, lang: Lang) -> String {
    match (role, lang) {
        (ColumnRole::Village, Lang::Vi) => "Thôn (để giao cho tổ)".into(),
        (ColumnRole::Village, Lang::En) => "Village (decides the team)".into(),
        (ColumnRole::Team, Lang::Vi) => "Tổ".into(),
        (ColumnRole::Team, Lang::En) => "Team".into(),
        (ColumnRole::Form, Lang::Vi) => "Mẫu phiếu của dòng".into(),
        (ColumnRole::Form, Lang::En) => "The row's form".into(),
        (ColumnRole::Due, Lang::Vi) => "Hạn hoàn thành".into(),
        (ColumnRole::Due, Lang::En) => "Due date".into(),
        (ColumnRole::Field { form, field }, _) => field_label(Some(form), field, lang),
    }
}

// ------------------------------------------------------------ Vietnamese

fn delimiter_vi(d: u8) -> &'static str {
    match d {
        b';' => "dấu chấm phẩy (;)",
        b'\t' => "dấu tab",
        _ => "dấu phẩy (,)",
    }
}

fn encoding_vi(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 có BOM",
        Encoding::Utf16Le => "UTF-16 LE",
        Encoding::Utf16Be => "UTF-16 BE",
    }
}

fn say_vi(s: &Say) -> String {
    let lang = Lang::Vi;
    match s {
        Say::Source {
            encoding,
            delimiter,
            header_row,
        } => format!(
            "Tệp mã {}, các cột cách nhau bằng {}, dòng tiêu đề là dòng {header_row}.",
            encoding_vi(*encoding),
            delimiter_vi(*delimiter)
        ),
        Say::Workbook { source, header_row } => match others(source).as_slice() {
            [] => format!(
                "Bảng tính {}, trang «{}», dòng tiêu đề là dòng {header_row}.",
                workbook_name(source.format),
                source.sheet
            ),
            rest => format!(
                "Bảng tính {}, trang «{}» (các trang khác: {}; chọn trang bằng --sheet), dòng tiêu đề là dòng {header_row}.",
                workbook_name(source.format),
                source.sheet,
                quoted_list(rest, lang)
            ),
        },
        Say::Form(FormSource::Given { form }) => {
            format!("Mẫu phiếu: {} (chọn bằng --form).", form_label(form, lang))
        }
        Say::Form(FormSource::Inferred {
            form,
            column: Some(column),
        }) => format!(
            "Mẫu phiếu: {}, nhận ra từ cột «{column}».",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Inferred { form, column: None }) => format!(
            "Mẫu phiếu: {}, vì các cột của tệp chỉ đủ cho mẫu này.",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Column {
            column,
            fallback: Some(form),
        }) => format!(
            "Mẫu phiếu: theo cột «{column}» của từng dòng; dòng để trống cột này là {}.",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Column {
            column,
            fallback: None,
        }) => format!(
            "Mẫu phiếu: theo cột «{column}» của từng dòng; dòng để trống cột này không nhập được."
        ),
        Say::ColumnsTitle => "Các cột được đọc:".into(),
        Say::Mapped {
            header,
            index,
            role,
        } => format!(
            "  «{}» (cột {}) → {}",
            header_text(header, lang),
            column_letter(*index),
            role_label(role, lang)
        ),
        Say::Unknown { header, index } => format!(
            "  «{}» (cột {}): không rõ là cột gì, bỏ qua.",
            header_text(header, lang),
            column_letter(*index)
        ),
        Say::Unused {
            header,
            index,
            form,
        } => format!(
            "  «{}» (cột {}): không dùng cho mẫu {}, bỏ qua.",
            header_text(header, lang),
            column_letter(*index),
            form::form(form)
                .map(|s| s.short.vi.as_str())
                .unwrap_or(form)
        ),
        Say::Summary {
            read,
            new,
            already,
            duplicates,
            blank,
            problems,
        } => format!(
            "Đã đọc {read} dòng: {new} việc mới, {already} dòng đã có trong danh sách, {duplicates} dòng trùng trong tệp, {blank} dòng trống, {problems} dòng có lỗi (không nhập)."
        ),
        Say::TableTitle => "Việc mới theo thôn và mẫu phiếu:".into(),
        Say::VillageHeading => "Thôn".into(),
        Say::Total => "Tổng".into(),
        Say::VillageName { name, team } => format!("{name} (tổ {team})"),
        Say::ProblemsTitle { count } => format!("Dòng có lỗi, không nhập ({count}):"),
        Say::Row { row, text } => format!("  Dòng {row}: {text}"),
        Say::Villages { names } => format!("  Các thôn của xã: {names}."),
        Say::FixHint { count } => format!(
            "  {count} dòng trên sửa được bằng cách thêm lại số 0 đầu: hãy xem lại, rồi chạy lại với --fix-leading-zeros."
        ),
        Say::FixesTitle { count } => {
            format!("Số 0 đầu được thêm lại theo --fix-leading-zeros ({count} ô):")
        }
        Say::Fix(f) => format!(
            "  Dòng {}: {} {} → {}",
            f.row,
            field_label(Some(&f.form), &f.field, lang),
            f.found,
            f.fixed
        ),
        Say::WarningsTitle { count } => {
            format!("Cảnh báo ({count}; vẫn nhập, tổ sẽ xác nhận hoặc sửa khi lưu phiếu):")
        }
        Say::FilledTitle { count } => {
            format!("Ô trống được điền bằng giá trị ô bên trên (--fill-down, {count} ô):")
        }
        Say::Filled(f) => format!(
            "  Dòng {}, cột {} «{}»: «{}»",
            f.row,
            column_letter(f.column),
            header_text(&f.header, lang),
            f.value
        ),
        Say::FillHint { count } => format!(
            "{count} dòng để trống cột thôn, tổ, mã hộ, địa chỉ hoặc chủ hộ ngay dưới ô có giá trị (thường do ô gộp trong Excel): hãy xem lại, rồi chạy lại với --fill-down để điền bằng giá trị ô bên trên."
        ),
        Say::NotDataTitle { count } => {
            format!("Dòng cuối danh sách không phải dữ liệu, không nhập ({count}):")
        }
        Say::NotData(r) => format!("  Dòng {}: {} «{}»", r.row, not_data_vi(r.kind), r.text),
        Say::ShorthandsTitle { count } => {
            format!("Ô lựa chọn ghi bằng số, đã hiểu như sau ({count} ô):")
        }
        Say::Shorthand(h) => format!(
            "  Dòng {}: {} «{}» → «{}»",
            h.row,
            field_label(Some(&h.form), &h.field, lang),
            h.found,
            choice_label(&h.form, &h.field, &h.choice, lang)
        ),
        Say::Duplicates { shown, more } => {
            let list: Vec<String> = shown
                .iter()
                .map(|d| format!("dòng {} (giống dòng {})", d.row, d.same_as))
                .collect();
            match more {
                0 => format!("Dòng trùng trong tệp, bỏ qua: {}.", list.join(", ")),
                more => format!(
                    "Dòng trùng trong tệp, bỏ qua: {} và {more} dòng khác.",
                    list.join(", ")
                ),
            }
        }
        Say::Already { shown, more } => {
            let list: Vec<String> = shown
                .iter()
                .map(|a| format!("dòng {} ({})", a.row, a.item))
                .collect();
            match more {
                0 => format!("Đã có trong danh sách, bỏ qua: {}.", list.join(", ")),
                more => format!(
                    "Đã có trong danh sách, bỏ qua: {} và {more} dòng khác.",
                    list.join(", ")
                ),
            }
        }
        Say::Nothing => "Không có việc mới nào để nhập; không ghi gì.".into(),
        Say::DryRun => "Chạy thử (--dry-run): chưa ghi gì.".into(),
        Say::Prompt { count } => format!("Nhập {count} việc? (c/k) "),
        Say::Imported { count } => format!("Đã nhập {count} việc mới vào danh sách."),
        Say::NotImported => "Chưa nhập gì.".into(),
        Say::Assigned { item, from, to } => {
            format!("Đã giao việc {item} cho tổ {to} (trước đây là tổ {from}).")
        }
        Say::AlreadyAssigned { item, team } => {
            format!("Việc {item} đã thuộc tổ {team}; không thay đổi gì.")
        }
    }
}

fn not_data_vi(kind: NotData) -> &'static str {
    match kind {
        NotData::Total => "dòng tổng",
        NotData::DateLine => "dòng ngày tháng",
        NotData::Signature => "dòng chữ ký",
        NotData::Note => "ghi chú",
        NotData::Signer => "tên người ký",
    }
}

fn problem_vi(form: Option<&str>, p: &RowProblem) -> String {
    let label = |field: &str| field_label(form, field, Lang::Vi);
    match p {
        RowProblem::Field { field, kind } => {
            format!("{}: {}", label(field), problems::message(kind, Lang::Vi))
        }
        RowProblem::LostLeadingZero {
            field,
            found,
            suggested,
        } => format!(
            "{} «{found}» có lẽ đã mất số 0 ở đầu khi qua bảng tính; số đúng có lẽ là {suggested}.",
            label(field)
        ),
        RowProblem::ScientificNotation { field, found } => format!(
            "{} «{found}» đã bị bảng tính đổi sang dạng số mũ nên mất chữ số; hãy định dạng cột này là Văn bản (Text), nhập lại số rồi xuất lại tệp.",
            label(field)
        ),
        RowProblem::ExcelDateSerial {
            field,
            found,
            would_be,
        } => format!(
            "{} «{found}» là số ngày của Excel chứ không phải ngày dd/mm/yyyy (có lẽ là {would_be}); hãy định dạng cột này là Văn bản (Text) rồi xuất lại tệp.",
            label(field)
        ),
        RowProblem::UnknownVillage { value } => {
            format!("Thôn «{value}» không có trong danh sách thôn của xã.")
        }
        RowProblem::NoVillage => "Chưa ghi thôn (hoặc tổ).".into(),
        RowProblem::NoSuchTeam { value } => format!("Tổ «{value}» không có trong xã."),
        RowProblem::TeamMismatch {
            village,
            village_team,
            team,
        } => format!("Thôn «{village}» thuộc tổ {village_team} nhưng cột tổ ghi tổ {team}."),
        RowProblem::UnknownForm { value } => format!(
            "Không có mẫu phiếu «{value}»; các mẫu: {}.",
            form_names(Lang::Vi)
        ),
        RowProblem::NoForm => {
            "Cột mẫu phiếu để trống và không có --form, nên không biết dòng này thuộc mẫu nào."
                .into()
        }
        RowProblem::BadDue { value, kind } => {
            format!("Hạn «{value}»: {}", problems::message(kind, Lang::Vi))
        }
        RowProblem::ExtraCells { count } => {
            format!("Có {count} ô có dữ liệu nằm ngoài các cột có tiêu đề.")
        }
        RowProblem::Conflicting { same_as } => format!(
            "Cùng người/hộ với dòng {same_as} nhưng thông tin khác nhau; hãy giữ lại một dòng đúng."
        ),
        RowProblem::Unidentifiable => {
            "Không có mã hộ hay số định danh dùng được để nhận biết việc này.".into()
        }
    }
}

fn error_vi(e: &WorklistError) -> String {
    match e {
        WorklistError::TooBig { limit } => format!(
            "Tệp lớn hơn {} MB, không giống một danh sách việc; hãy chia nhỏ tệp rồi nhập từng phần. Chưa nhập gì.",
            limit / (1024 * 1024)
        ),
        WorklistError::NotUtf8 { row } => format!(
            "Tệp không phải mã UTF-8 (gặp ở dòng {row}); trong Excel hãy lưu bằng «CSV UTF-8» hoặc «Unicode Text» rồi nhập lại. Chưa nhập gì."
        ),
        WorklistError::Read { detail } => format!("Lỗi khi đọc tệp: {detail}. Chưa nhập gì."),
        WorklistError::Empty => "Tệp trống, không có dòng tiêu đề. Chưa nhập gì.".into(),
        WorklistError::NoKnownColumn { first_row } => format!(
            "Không nhận ra cột nào trong các dòng đầu của tệp (dòng đầu: «{first_row}»); cần dòng tiêu đề có các cột như «Họ và tên», «Số định danh», «Thôn». Chưa nhập gì."
        ),
        WorklistError::DuplicateColumn {
            role,
            first,
            second,
        } => format!(
            "Hai cột «{first}» và «{second}» cùng là «{}»; hãy xoá hoặc đổi tên một cột. Chưa nhập gì.",
            role_label(role, Lang::Vi)
        ),
        WorklistError::UnknownForm { form } => format!(
            "Không có mẫu phiếu «{form}»; các mẫu: {}.",
            form_names(Lang::Vi)
        ),
        WorklistError::AmbiguousForm { candidates } if candidates.is_empty() => format!(
            "Các cột của tệp không đủ cho mẫu phiếu nào; hãy chỉ rõ mẫu bằng --form ({}) hoặc thêm cột «Mẫu». Chưa nhập gì.",
            form_names(Lang::Vi)
        ),
        WorklistError::AmbiguousForm { candidates } => format!(
            "Không biết tệp này thuộc mẫu phiếu nào (có thể là {}); hãy chỉ rõ bằng --form hoặc thêm cột «Mẫu». Chưa nhập gì.",
            candidates
                .iter()
                .map(|f| format!("{} ({f})", form_label(f, Lang::Vi)))
                .collect::<Vec<_>>()
                .join(" hoặc ")
        ),
        WorklistError::MissingColumns { form, fields } => format!(
            "Mẫu {} cần cột {} nhưng tệp không có; hãy thêm cột hoặc sửa tên cột. Chưa nhập gì.",
            form_label(form, Lang::Vi),
            fields
                .iter()
                .map(|f| format!("«{}»", field_label(Some(form), f, Lang::Vi)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        WorklistError::NoVillageColumn => {
            "Tệp không có cột «Thôn» (hoặc «Tổ»), nên không giao được việc cho tổ nào. Chưa nhập gì."
                .into()
        }
        WorklistError::NotCommune { team } => format!(
            "Máy này là máy của tổ {team}; chỉ máy của xã mới nhập danh sách việc và giao việc."
        ),
        WorklistError::ListChanged => {
            "Danh sách việc đã thay đổi từ lúc xem trước; hãy xem trước lại rồi nhập. Chưa nhập gì."
                .into()
        }
        WorklistError::NoSuchItem { id } => format!("Không có việc {id} trong danh sách."),
        WorklistError::HasVersions { id, team, versions } => format!(
            "Việc {id} đã được tổ {team} lưu {versions} lần nên không giao lại được: hồ sơ và lịch sử sửa của nó thuộc tổ {team}. Hãy để tổ {team} làm tiếp việc này."
        ),
        WorklistError::NeedsYes { count } => format!(
            "Chưa nhập gì: không hỏi xác nhận được vì không chạy từ bàn phím; hãy chạy lại với --yes để nhập {count} việc."
        ),
        WorklistError::UnknownSheet { sheet, sheets } => format!(
            "Bảng tính không có trang «{sheet}»; các trang có: {}. Hãy chọn trang bằng --sheet. Chưa nhập gì.",
            quoted_list(sheets, Lang::Vi)
        ),
        WorklistError::Encrypted => "Bảng tính được bảo vệ bằng mật khẩu: hãy mở bằng Excel, lưu lại không có mật khẩu rồi nhập lại. Chưa nhập gì.".into(),
        WorklistError::Unreadable {
            format: Some(format),
            detail,
        } => format!(
            "Không đọc được bảng tính {}: tệp bị hỏng hoặc không đúng định dạng ({detail}); hãy mở bằng Excel, lưu lại thành .xlsx rồi nhập lại. Chưa nhập gì.",
            workbook_name(*format)
        ),
        WorklistError::Unreadable {
            format: None,
            detail,
        } => format!(
            "Không đọc được tệp: tệp nén bị hỏng ({detail}); hãy mở bằng Excel, lưu lại thành .xlsx rồi nhập lại. Chưa nhập gì."
        ),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Xlsb,
        } => "Tệp là bảng tính nhị phân của Excel (.xlsb), tothon không đọc loại này: hãy lưu lại thành .xlsx rồi nhập. Chưa nhập gì.".into(),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Zip,
        } => "Tệp là tệp nén (zip) nhưng không phải bảng tính .xlsx hay .ods: hãy chọn đúng tệp danh sách. Chưa nhập gì.".into(),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Compound,
        } => "Tệp là tài liệu Office đời cũ nhưng không phải bảng tính Excel (.xls): hãy chọn đúng tệp danh sách. Chưa nhập gì.".into(),
        WorklistError::TooManyRows { limit } => format!(
            "Bảng tính có trang dài hơn {limit} dòng, không giống một danh sách việc; hãy chia nhỏ rồi nhập từng phần. Chưa nhập gì."
        ),
        WorklistError::TooManyCells { limit } => format!(
            "Bảng tính trải trên hơn {limit} ô (tính cả ô trống nằm giữa các ô có dữ liệu), không giống một danh sách việc; hãy chép riêng danh sách sang một bảng tính mới rồi nhập. Chưa nhập gì."
        ),
        WorklistError::UnpacksTooBig { limit } => format!(
            "Bảng tính khi giải nén lớn hơn {} MB, không giống một danh sách việc. Chưa nhập gì.",
            limit / (1024 * 1024)
        ),
    }
}

// ------------------------------------------------------------ English

fn delimiter_en(d: u8) -> &'static str {
    match d {
        b';' => "semicolons (;)",
        b'\t' => "tabs",
        _ => "commas (,)",
    }
}

fn encoding_en(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 with BOM",
        Encoding::Utf16Le => "UTF-16 LE",
        Encoding::Utf16Be => "UTF-16 BE",
    }
}

fn say_en(s: &Say) -> String {
    let lang = Lang::En;
    match s {
        Say::Source {
            encoding,
            delimiter,
            header_row,
        } => format!(
            "File in {}, columns separated by {}, header on row {header_row}.",
            encoding_en(*encoding),
            delimiter_en(*delimiter)
        ),
        Say::Workbook { source, header_row } => match others(source).as_slice() {
            [] => format!(
                "{} workbook, sheet \"{}\", header on row {header_row}.",
                workbook_name(source.format),
                source.sheet
            ),
            rest => format!(
                "{} workbook, sheet \"{}\" (other sheets: {}; choose with --sheet), header on row {header_row}.",
                workbook_name(source.format),
                source.sheet,
                quoted_list(rest, lang)
            ),
        },
        Say::Form(FormSource::Given { form }) => {
            format!("Form: {} (from --form).", form_label(form, lang))
        }
        Say::Form(FormSource::Inferred {
            form,
            column: Some(column),
        }) => format!(
            "Form: {}, recognised from the column \"{column}\".",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Inferred { form, column: None }) => format!(
            "Form: {}, the only form these columns can fill.",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Column {
            column,
            fallback: Some(form),
        }) => format!(
            "Form: from each row's \"{column}\" column; rows leaving it empty are {}.",
            form_label(form, lang)
        ),
        Say::Form(FormSource::Column {
            column,
            fallback: None,
        }) => format!(
            "Form: from each row's \"{column}\" column; rows leaving it empty cannot be imported."
        ),
        Say::ColumnsTitle => "Columns read:".into(),
        Say::Mapped {
            header,
            index,
            role,
        } => format!(
            "  \"{}\" (column {}) → {}",
            header_text(header, lang),
            column_letter(*index),
            role_label(role, lang)
        ),
        Say::Unknown { header, index } => format!(
            "  \"{}\" (column {}): not understood, ignored.",
            header_text(header, lang),
            column_letter(*index)
        ),
        Say::Unused {
            header,
            index,
            form,
        } => format!(
            "  \"{}\" (column {}): not used by the {} form, ignored.",
            header_text(header, lang),
            column_letter(*index),
            form::form(form)
                .map(|s| s.short.en.as_str())
                .unwrap_or(form)
        ),
        Say::Summary {
            read,
            new,
            already,
            duplicates,
            blank,
            problems,
        } => format!(
            "Read {read} rows: {new} new items, {already} already on the list, {duplicates} repeated in the file, {blank} blank, {problems} with problems (not imported)."
        ),
        Say::TableTitle => "New items by village and form:".into(),
        Say::VillageHeading => "Village".into(),
        Say::Total => "Total".into(),
        Say::VillageName { name, team } => format!("{name} (team {team})"),
        Say::ProblemsTitle { count } => format!("Rows with problems, not imported ({count}):"),
        Say::Row { row, text } => format!("  Row {row}: {text}"),
        Say::Villages { names } => format!("  The commune's villages: {names}."),
        Say::FixHint { count } => format!(
            "  {count} of these rows can be repaired by putting the leading zeros back: check them, then run again with --fix-leading-zeros."
        ),
        Say::FixesTitle { count } => {
            format!("Leading zeros put back with --fix-leading-zeros ({count} cells):")
        }
        Say::Fix(f) => format!(
            "  Row {}: {} {} → {}",
            f.row,
            field_label(Some(&f.form), &f.field, lang),
            f.found,
            f.fixed
        ),
        Say::WarningsTitle { count } => format!(
            "Warnings ({count}; imported all the same, the team confirms or corrects them when saving):"
        ),
        Say::FilledTitle { count } => {
            format!("Empty cells filled with the value above them (--fill-down, {count} cells):")
        }
        Say::Filled(f) => format!(
            "  Row {}, column {} \"{}\": \"{}\"",
            f.row,
            column_letter(f.column),
            header_text(&f.header, lang),
            f.value
        ),
        Say::FillHint { count } => format!(
            "{count} rows leave the village, team, household code, address or head of household empty just below a filled cell (merged cells in Excel, usually): check them, then run again with --fill-down to fill them from the row above."
        ),
        Say::NotDataTitle { count } => {
            format!("Lines after the list that are not data, not imported ({count}):")
        }
        Say::NotData(r) => format!("  Row {}: {} \"{}\"", r.row, not_data_en(r.kind), r.text),
        Say::ShorthandsTitle { count } => {
            format!("Choice cells written as a number, read as follows ({count} cells):")
        }
        Say::Shorthand(h) => format!(
            "  Row {}: {} \"{}\" → \"{}\"",
            h.row,
            field_label(Some(&h.form), &h.field, lang),
            h.found,
            choice_label(&h.form, &h.field, &h.choice, lang)
        ),
        Say::Duplicates { shown, more } => {
            let list: Vec<String> = shown
                .iter()
                .map(|d| format!("row {} (same as row {})", d.row, d.same_as))
                .collect();
            match more {
                0 => format!("Repeated in the file, skipped: {}.", list.join(", ")),
                more => format!(
                    "Repeated in the file, skipped: {} and {more} more.",
                    list.join(", ")
                ),
            }
        }
        Say::Already { shown, more } => {
            let list: Vec<String> = shown
                .iter()
                .map(|a| format!("row {} ({})", a.row, a.item))
                .collect();
            match more {
                0 => format!("Already on the list, skipped: {}.", list.join(", ")),
                more => format!(
                    "Already on the list, skipped: {} and {more} more.",
                    list.join(", ")
                ),
            }
        }
        Say::Nothing => "No new items to import; nothing written.".into(),
        Say::DryRun => "Dry run (--dry-run): nothing written.".into(),
        Say::Prompt { count } => format!("Import {count} items? (y/n) "),
        Say::Imported { count } => format!("Imported {count} new items into the list."),
        Say::NotImported => "Nothing imported.".into(),
        Say::Assigned { item, from, to } => {
            format!("Work item {item} is now team {to}'s (it was team {from}'s).")
        }
        Say::AlreadyAssigned { item, team } => {
            format!("Work item {item} is already team {team}'s; nothing changed.")
        }
    }
}

fn not_data_en(kind: NotData) -> &'static str {
    match kind {
        NotData::Total => "total",
        NotData::DateLine => "date line",
        NotData::Signature => "signature line",
        NotData::Note => "note",
        NotData::Signer => "signer's name",
    }
}

fn problem_en(form: Option<&str>, p: &RowProblem) -> String {
    let label = |field: &str| field_label(form, field, Lang::En);
    match p {
        RowProblem::Field { field, kind } => {
            format!("{}: {}", label(field), problems::message(kind, Lang::En))
        }
        RowProblem::LostLeadingZero {
            field,
            found,
            suggested,
        } => format!(
            "{} \"{found}\" probably lost its leading zero in a spreadsheet; it is probably {suggested}.",
            label(field)
        ),
        RowProblem::ScientificNotation { field, found } => format!(
            "{} \"{found}\" was turned into scientific notation by a spreadsheet and lost digits; format the column as Text, type the number again and export again.",
            label(field)
        ),
        RowProblem::ExcelDateSerial {
            field,
            found,
            would_be,
        } => format!(
            "{} \"{found}\" is an Excel day number, not a dd/mm/yyyy date (perhaps {would_be}); format the column as Text and export again.",
            label(field)
        ),
        RowProblem::UnknownVillage { value } => {
            format!("The village \"{value}\" is not one of the commune's villages.")
        }
        RowProblem::NoVillage => "No village (or team) given.".into(),
        RowProblem::NoSuchTeam { value } => {
            format!("The team \"{value}\" is not one of the commune's teams.")
        }
        RowProblem::TeamMismatch {
            village,
            village_team,
            team,
        } => format!(
            "The village \"{village}\" is team {village_team}'s, but the team column says team {team}."
        ),
        RowProblem::UnknownForm { value } => format!(
            "There is no form \"{value}\"; the forms are {}.",
            form_names(Lang::En)
        ),
        RowProblem::NoForm => {
            "The form column is empty and there is no --form, so this row's form is unknown.".into()
        }
        RowProblem::BadDue { value, kind } => {
            format!(
                "Due date \"{value}\": {}",
                problems::message(kind, Lang::En)
            )
        }
        RowProblem::ExtraCells { count } => {
            format!("{count} cells with data lie outside the headed columns.")
        }
        RowProblem::Conflicting { same_as } => format!(
            "Same person or household as row {same_as} but with different details; keep one correct row."
        ),
        RowProblem::Unidentifiable => {
            "No usable household code or personal ID to tell this work apart.".into()
        }
    }
}

fn error_en(e: &WorklistError) -> String {
    match e {
        WorklistError::TooBig { limit } => format!(
            "The file is larger than {} MB, which is not a work list; split it and import the parts. Nothing was imported.",
            limit / (1024 * 1024)
        ),
        WorklistError::NotUtf8 { row } => format!(
            "The file is not UTF-8 text (from row {row}); in Excel save it as \"CSV UTF-8\" or \"Unicode Text\" and import it again. Nothing was imported."
        ),
        WorklistError::Read { detail } => {
            format!("Could not read the file: {detail}. Nothing was imported.")
        }
        WorklistError::Empty => "The file is empty: no header row. Nothing was imported.".into(),
        WorklistError::NoKnownColumn { first_row } => format!(
            "No known column in the first rows of the file (first row: \"{first_row}\"); a header row with columns such as \"Full name\", \"Personal ID\", \"Village\" is needed. Nothing was imported."
        ),
        WorklistError::DuplicateColumn {
            role,
            first,
            second,
        } => format!(
            "The columns \"{first}\" and \"{second}\" are both \"{}\"; delete or rename one. Nothing was imported.",
            role_label(role, Lang::En)
        ),
        WorklistError::UnknownForm { form } => format!(
            "There is no form \"{form}\"; the forms are {}.",
            form_names(Lang::En)
        ),
        WorklistError::AmbiguousForm { candidates } if candidates.is_empty() => format!(
            "The file's columns are not enough for any form; name the form with --form ({}) or add a \"Form\" column. Nothing was imported.",
            form_names(Lang::En)
        ),
        WorklistError::AmbiguousForm { candidates } => format!(
            "Cannot tell which form this file is (it could be {}); name it with --form or add a \"Form\" column. Nothing was imported.",
            candidates
                .iter()
                .map(|f| format!("{} ({f})", form_label(f, Lang::En)))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        WorklistError::MissingColumns { form, fields } => format!(
            "The {} form needs the columns {} and the file has none; add them or fix their headers. Nothing was imported.",
            form_label(form, Lang::En),
            fields
                .iter()
                .map(|f| format!("\"{}\"", field_label(Some(form), f, Lang::En)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        WorklistError::NoVillageColumn => {
            "The file has no \"Village\" (or \"Team\") column, so no work can be given to a team. Nothing was imported."
                .into()
        }
        WorklistError::NotCommune { team } => format!(
            "This is team {team}'s computer; only the commune's computer imports work lists and assigns work."
        ),
        WorklistError::ListChanged => {
            "The work list changed since the preview; preview again, then import. Nothing was imported."
                .into()
        }
        WorklistError::NoSuchItem { id } => format!("There is no work item {id} on the list."),
        WorklistError::HasVersions { id, team, versions } => format!(
            "Work item {id} has been saved {versions} times by team {team}, so it cannot be reassigned: its case and edit history belong to team {team}. Let team {team} carry on with it."
        ),
        WorklistError::NeedsYes { count } => format!(
            "Nothing was imported: there is no keyboard to confirm on; run again with --yes to import {count} items."
        ),
        WorklistError::UnknownSheet { sheet, sheets } => format!(
            "The workbook has no sheet \"{sheet}\"; its sheets are {}. Choose one with --sheet. Nothing was imported.",
            quoted_list(sheets, Lang::En)
        ),
        WorklistError::Encrypted => "The workbook is protected with a password: open it in Excel, save it without a password and import it again. Nothing was imported.".into(),
        WorklistError::Unreadable {
            format: Some(format),
            detail,
        } => format!(
            "The {} workbook cannot be read: it is damaged or not what it seems ({detail}); open it in Excel, save it as .xlsx and import it again. Nothing was imported.",
            workbook_name(*format)
        ),
        WorklistError::Unreadable {
            format: None,
            detail,
        } => format!(
            "The file cannot be read: it is a damaged zip ({detail}); open it in Excel, save it as .xlsx and import it again. Nothing was imported."
        ),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Xlsb,
        } => "This is an Excel binary workbook (.xlsb), which tothon does not read: save it as .xlsx and import that. Nothing was imported.".into(),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Zip,
        } => "This file is a zip but not an .xlsx or .ods workbook: choose the list's own file. Nothing was imported.".into(),
        WorklistError::NotAWorkbook {
            kind: OtherFile::Compound,
        } => "This is an old Office document but not an Excel workbook (.xls): choose the list's own file. Nothing was imported.".into(),
        WorklistError::TooManyRows { limit } => format!(
            "A sheet of the workbook has more than {limit} rows, which is not a work list; split it and import the parts. Nothing was imported."
        ),
        WorklistError::TooManyCells { limit } => format!(
            "The workbook's sheets span more than {limit} cells (empty cells between filled ones included), which is not a work list; copy the list alone into a new workbook and import that. Nothing was imported."
        ),
        WorklistError::UnpacksTooBig { limit } => format!(
            "The workbook unpacks to more than {} MB, which is not a work list. Nothing was imported.",
            limit / (1024 * 1024)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::ProblemKind;

    #[test]
    fn columns_are_named_as_a_spreadsheet_shows_them() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn answers_are_read_in_the_users_language() {
        assert!(is_yes(Lang::Vi, "c"));
        assert!(is_yes(Lang::Vi, " Có "));
        assert!(is_yes(Lang::Vi, "y"));
        assert!(!is_yes(Lang::Vi, "k"));
        assert!(!is_yes(Lang::Vi, ""));
        assert!(is_yes(Lang::En, "Yes"));
        assert!(!is_yes(Lang::En, "c"));
    }

    #[test]
    fn row_problems_name_the_field_in_each_language() {
        let p = RowProblem::LostLeadingZero {
            field: "person_id".into(),
            found: "34085001234".into(),
            suggested: "034085001234".into(),
        };
        let vi = problem(Lang::Vi, Some("activation"), &p);
        assert!(vi.starts_with("Số định danh «34085001234»"), "{vi}");
        assert!(vi.contains("034085001234"), "{vi}");
        let en = problem(Lang::En, Some("activation"), &p);
        assert!(en.starts_with("Personal ID \"34085001234\""), "{en}");
        let f = RowProblem::Field {
            field: "birth_date".into(),
            kind: ProblemKind::DateInvalid,
        };
        assert!(problem(Lang::Vi, Some("activation"), &f).starts_with("Ngày sinh: "));
    }
}
