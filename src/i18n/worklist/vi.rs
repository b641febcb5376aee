//! The work-list import's sentences in Vietnamese.

use super::*;

pub(super) fn delimiter_vi(d: u8) -> &'static str {
    match d {
        b';' => "dấu chấm phẩy (;)",
        b'\t' => "dấu tab",
        _ => "dấu phẩy (,)",
    }
}

pub(super) fn encoding_vi(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8Bom => "UTF-8 có BOM",
        Encoding::Utf16Le => "UTF-16 LE",
        Encoding::Utf16Be => "UTF-16 BE",
        Encoding::Windows1258 => "Windows-1258 (bảng mã tiếng Việt của Windows)",
    }
}

pub(super) fn say_vi(s: &Say) -> String {
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
        Say::Form(FormSource::Register) => {
            "Danh sách nhân khẩu: mỗi dòng là một người, thuộc một hộ.".into()
        }
        Say::Workbook { source, header_row } => match others(source).as_slice() {
            [] => format!(
                "Bảng tính {}, trang «{}», dòng tiêu đề là dòng {header_row}.",
                workbook_name(source.format),
                sheet_name(&source.sheet)
            ),
            rest => format!(
                "Bảng tính {}, trang «{}» (các trang khác: {}; chọn trang bằng --sheet), dòng tiêu đề là dòng {header_row}.",
                workbook_name(source.format),
                sheet_name(&source.sheet),
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
            register: true,
            read,
            new,
            duplicates,
            blank,
            not_data,
            problems,
            ..
        } => match not_data {
            0 => format!(
                "Đã đọc {read} dòng: {new} người đọc được, {duplicates} dòng trùng trong tệp, {blank} dòng trống, {problems} dòng có lỗi (không nhập)."
            ),
            not_data => format!(
                "Đã đọc {read} dòng: {new} người đọc được, {duplicates} dòng trùng trong tệp, {blank} dòng trống, {not_data} dòng cuối không phải dữ liệu, {problems} dòng có lỗi (không nhập)."
            ),
        },
        Say::Summary {
            register: false,
            read,
            new,
            already,
            duplicates,
            blank,
            not_data,
            problems,
        } => match not_data {
            0 => format!(
                "Đã đọc {read} dòng: {new} việc mới, {already} dòng đã có trong danh sách, {duplicates} dòng trùng trong tệp, {blank} dòng trống, {problems} dòng có lỗi (không nhập)."
            ),
            not_data => format!(
                "Đã đọc {read} dòng: {new} việc mới, {already} dòng đã có trong danh sách, {duplicates} dòng trùng trong tệp, {blank} dòng trống, {not_data} dòng cuối không phải dữ liệu, {problems} dòng có lỗi (không nhập)."
            ),
        },
        Say::TableTitle { register: false } => "Việc mới theo thôn và mẫu phiếu:".into(),
        Say::TableTitle { register: true } => "Người đọc được theo thôn:".into(),
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
            form::choice_label(&h.form, &h.field, &h.choice, lang)
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
        Say::Assigned {
            item,
            from,
            to,
            versions,
        } => {
            let mut line = format!("Đã giao việc {item} cho tổ {to} (trước đây là tổ {from}).");
            if *versions > 0 {
                line.push_str(&format!(
                    " Hồ sơ của việc này ({versions} phiên bản do tổ {from} lưu) chuyển theo và hiện là xung đột cho đến khi tổ {to} lưu lại."
                ));
            }
            line.push_str(&format!(
                " Danh sách của tổ {from} sẽ bỏ việc này khi nhận gói tới; những gì tổ {from} đã lưu trước đó vẫn được nhận, dưới dạng xung đột."
            ));
            line
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

pub(super) fn problem_vi(form: Option<&str>, p: &RowProblem) -> String {
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

pub(super) fn error_vi(e: &WorklistError) -> String {
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
        WorklistError::NeedsYes { count } => format!(
            "Chưa nhập gì: không hỏi xác nhận được vì không chạy từ bàn phím; hãy chạy lại với --yes để nhập {count} việc."
        ),
        WorklistError::UnknownSheet { sheet, sheets } => format!(
            "Bảng tính không có trang «{}»; các trang có: {}. Hãy chọn trang bằng --sheet. Chưa nhập gì.",
            sheet_name(sheet),
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
