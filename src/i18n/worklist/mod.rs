//! Every text of the work-list import and reassignment, in Vietnamese and
//! English: the preview's lines (the command line prints them, the import
//! screen shows them), each row problem, each error. No I/O.
//!
//! Each message is one whole sentence written by one `format!`, so each
//! language orders its words naturally. Field and form names come from the
//! form specs, which carry both languages.

mod en;
mod preview;
mod vi;

pub use preview::preview_lines;

use super::{Lang, problems};
use crate::domain::form;
use crate::worklist::{
    AlreadyListed, ColumnRole, Duplicate, Encoding, FilledCell, FormSource, NotData, NotDataRow,
    OtherFile, RowFix, RowProblem, RowShorthand, SheetSource, WorkbookFormat, WorklistError,
};
use en::{error_en, problem_en, say_en};
use vi::{error_vi, problem_vi, say_vi};

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
        /// The rows are people of the register, not work items.
        register: bool,
        read: usize,
        new: usize,
        already: usize,
        duplicates: usize,
        blank: usize,
        /// Lines after the data that are not data (totals, signatures).
        not_data: usize,
        problems: usize,
    },
    TableTitle {
        register: bool,
    },
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
        /// The versions its case had here (0: not begun).
        versions: usize,
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
pub(super) fn column_letter(index: usize) -> String {
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

pub(super) fn field_label(form_id: Option<&str>, field: &str, lang: Lang) -> String {
    form_id
        .and_then(form::spec_named)
        .and_then(|spec| spec.field(field))
        .or_else(|| form::forms().iter().find_map(|spec| spec.field(field)))
        .map(|f| f.label.get(lang).to_string())
        .unwrap_or_else(|| field.to_string())
}

pub(super) fn form_label(form_id: &str, lang: Lang) -> String {
    form::spec_named(form_id)
        .map(|s| s.label.get(lang).to_string())
        .unwrap_or_else(|| form_id.to_string())
}

pub(super) fn form_names(lang: Lang) -> String {
    form::forms()
        .iter()
        .map(|s| format!("{} ({})", s.short.get(lang), s.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A sheet's name as the file (or the person) gave it, made printable: an
/// .xls may name a sheet with control characters.
pub fn sheet_name(name: &str) -> String {
    crate::domain::text::printable(name, 100)
}

/// Sheet names, quoted and printable.
pub(super) fn quoted_list(items: &[String], lang: Lang) -> String {
    items
        .iter()
        .map(|i| match lang {
            Lang::Vi => format!("«{}»", sheet_name(i)),
            Lang::En => format!("\"{}\"", sheet_name(i)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn workbook_name(format: WorkbookFormat) -> &'static str {
    match format {
        WorkbookFormat::Xlsx => "Excel (.xlsx)",
        WorkbookFormat::Xls => "Excel 97–2003 (.xls)",
        WorkbookFormat::Ods => "OpenDocument (.ods)",
    }
}

/// The workbook's sheets other than the one read.
pub(super) fn others(source: &SheetSource) -> Vec<String> {
    source
        .sheets
        .iter()
        .filter(|s| **s != source.sheet)
        .cloned()
        .collect()
}

pub(super) fn header_text(header: &str, lang: Lang) -> &str {
    match (header.is_empty(), lang) {
        (false, _) => header,
        (true, Lang::Vi) => "(không có tiêu đề)",
        (true, Lang::En) => "(no header)",
    }
}

pub(super) fn role_label(role: &ColumnRole, lang: Lang) -> String {
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

    #[test]
    fn sheet_names_from_the_file_are_printable() {
        let hostile = "Danh\u{1b}[31m sách\n\u{202E}".to_string();
        let e = WorklistError::UnknownSheet {
            sheet: hostile.clone(),
            sheets: vec![hostile.clone(), "Khác".into()],
        };
        for lang in [Lang::Vi, Lang::En] {
            let said = error(lang, &e);
            assert!(
                !said.chars().any(|c| c.is_control() || c == '\u{202E}'),
                "{said:?}"
            );
        }
        assert!(error(Lang::Vi, &e).contains("«Danh\\u{1b}[31m sách"));
    }

    /// A list with a merged village cell, a choice written as its number
    /// and a total row, read with and without fill-down.
    fn merged_list(fill_down: bool) -> (crate::worklist::Preview, Vec<String>) {
        let text = "Họ tên;CCCD;Thôn;Mức cần đạt\n\
                    Lê Văn An;034085001234;Đông;2\n\
                    Lê Văn Bình;034085001235;;Mức 1\n\
                    Tổng cộng: 2 người;;;\n";
        let options = crate::worklist::Options {
            fill_down,
            ..crate::worklist::Options::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
        };
        let commune = crate::worklist::tests::commune();
        let p = crate::worklist::preview(text.as_bytes(), &options, &commune, &[]).unwrap();
        let lines = preview_lines(Lang::Vi, &p, &commune);
        (p, lines)
    }

    #[test]
    fn the_preview_lists_filled_cells_numbered_choices_and_the_lines_after_the_data() {
        let (p, lines) = merged_list(true);
        assert_eq!(p.items.len(), 2);
        let has = |want: &str| lines.iter().any(|l| l == want);
        assert!(
            lines[0].starts_with("Tệp mã UTF-8"),
            "a text file says its encoding: {lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("1 dòng cuối không phải dữ liệu")),
            "{lines:?}"
        );
        assert!(has("  Dòng 3, cột C «Thôn»: «Đông»"), "{lines:?}");
        assert!(has("  Dòng 2: Mức cần đạt «2» → «Mức 2»"), "{lines:?}");
        assert!(has("  Dòng 4: dòng tổng «Tổng cộng: 2 người»"), "{lines:?}");
        assert!(
            !lines.iter().any(|l| l.contains("--fill-down để")),
            "{lines:?}"
        );

        // Without fill-down the blank village is a problem, and the hint says
        // how to fill it.
        let (p, lines) = merged_list(false);
        assert_eq!(p.problems.len(), 1);
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("1 dòng để trống cột thôn") && l.contains("--fill-down")),
            "{lines:?}"
        );
    }
}
