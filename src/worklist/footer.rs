//! The lines a list ends with that are not data: the total row, the place
//! and date, the signature block, notes. Here only the words that give a
//! line away; the importer decides from the shape (after the last data row,
//! nothing but such words) whether a row is such a line.
//!
//! Pure: one cell's text in, a kind out. Phrases are compared in lower case
//! with their accents, so "Tống Công Minh" (a name) is not "Tổng cộng"; a
//! cell written without any accent is compared without them.

use crate::domain::text;

/// What a row after the data is, when it is not data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotData {
    /// "Tổng cộng: 44", "Cộng", "Tổng số: 44 người".
    Total,
    /// "…, ngày 15 tháng 11 năm 2026".
    DateLine,
    /// "Người lập biểu", "Trưởng thôn", "(Ký, ghi rõ họ tên)", "Xác nhận của…".
    Signature,
    /// "Ghi chú: …", "Lưu ý: …".
    Note,
    /// A line below one of the others with only names on it (the signers'):
    /// no digit, no village of the commune.
    Signer,
}

/// Words a total line starts with, followed by nothing, a colon or a number.
const TOTALS: &[&str] = &[
    "tổng cộng",
    "tổng số",
    "tổng",
    "cộng",
    "total",
    "grand total",
    "sum",
];

/// Words of a signature block, found anywhere in the cell.
const SIGNATURES: &[&str] = &[
    "người lập biểu",
    "người lập bảng",
    "người lập danh sách",
    "người lập",
    "người kiểm tra",
    "người duyệt",
    "trưởng thôn",
    "trưởng xóm",
    "trưởng ấp",
    "trưởng bản",
    "tổ trưởng",
    "trưởng công an",
    "công an xã",
    "chủ tịch",
    "thủ trưởng",
    "xác nhận của",
    "ký, ghi rõ họ tên",
    "ký và ghi rõ họ tên",
    "ký ghi rõ họ tên",
    "ghi rõ họ tên",
    "ký tên",
    "đóng dấu",
    "tm. ubnd",
    "tm.ubnd",
    "ubnd xã",
    "prepared by",
    "approved by",
    "signature",
];

/// Words a note starts with, followed by a colon or nothing.
const NOTES: &[&str] = &["ghi chú", "lưu ý", "chú ý", "chú thích", "nơi nhận", "note"];

/// The kind of line a cell's words make, if they make one.
pub fn phrase(cell: &str) -> Option<NotData> {
    if cell.is_empty() {
        return None;
    }
    let lower = cell.to_lowercase();
    // Written without accents: compare without them.
    let plain = cell.is_ascii();
    let fold = |p: &str| if plain { text::fold(p) } else { p.to_string() };
    let lower = if plain { text::fold(&lower) } else { lower };
    let words = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    for total in TOTALS {
        if let Some(rest) = words.strip_prefix(fold(total).as_str())
            && is_total_rest(rest)
        {
            return Some(NotData::Total);
        }
    }
    if is_date_line(&lower, plain) {
        return Some(NotData::DateLine);
    }
    if SIGNATURES.iter().any(|s| lower.contains(fold(s).as_str())) {
        return Some(NotData::Signature);
    }
    for note in NOTES {
        if let Some(rest) = words.strip_prefix(fold(note).as_str()) {
            let rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with([':', '-', '.']) {
                return Some(NotData::Note);
            }
        }
    }
    None
}

/// A count beside a total: "44", "44 người", "12 hộ".
pub fn is_count(cell: &str) -> bool {
    cell.starts_with(|c: char| c.is_ascii_digit()) && cell.split_whitespace().count() <= 3
}

/// After the word "Tổng cộng": nothing, or a count ("Tổng cộng: 44 người",
/// "Tổng số hộ: 12"), but not more words of a name ("Cộng Văn Minh").
fn is_total_rest(rest: &str) -> bool {
    if rest.starts_with(char::is_alphanumeric) {
        return false;
    }
    let rest = rest.trim_matches(|c: char| !c.is_alphanumeric());
    rest.is_empty()
        || rest.chars().any(|c| c.is_ascii_digit()) && rest.split_whitespace().count() <= 4
}

/// "Xuân Phong, ngày 15 tháng 11 năm 2026", "…, ngày … tháng … năm 20…",
/// "Xuân Phong, ngày 15/11/2026".
fn is_date_line(lower: &str, plain: bool) -> bool {
    let [day, month, year] = if plain {
        ["ngay", "thang", "nam"]
    } else {
        ["ngày", "tháng", "năm"]
    };
    let word_at = |from: usize, w: &str| {
        lower[from..].match_indices(w).find_map(|(i, _)| {
            let at = from + i;
            let before = lower[..at].chars().next_back();
            let after = lower[at + w.len()..].chars().next();
            let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            (bounded(before) && bounded(after)).then_some(at + w.len())
        })
    };
    let Some(after_day) = word_at(0, day) else {
        return false;
    };
    let spelled = word_at(after_day, month)
        .and_then(|at| word_at(at, year))
        .is_some();
    // Or a date in figures right after the word.
    let figures = lower[after_day..]
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .next()
        .is_some_and(|d| {
            let parts: Vec<&str> = d.split(['/', '-']).collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        });
    spelled || figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phrases_are_written_in_nfc_as_cleaned_cells_are() {
        for p in TOTALS.iter().chain(SIGNATURES).chain(NOTES) {
            assert_eq!(text::clean(p), *p, "{p}");
            assert_eq!(p.to_lowercase(), *p, "{p}");
        }
    }

    #[test]
    fn totals_are_recognised_but_not_names_that_start_alike() {
        for cell in [
            "Tổng cộng",
            "TỔNG CỘNG:",
            "Tổng cộng: 44 người",
            "Tổng số: 44",
            "Tổng số hộ: 12",
            "Cộng",
            "Cộng: 44",
            "Total",
            "tong cong 44",
            "- Tổng: 44 -",
        ] {
            assert_eq!(phrase(cell), Some(NotData::Total), "{cell}");
        }
        for cell in [
            "Tống Công Minh",
            "Công Văn Minh",
            "Cộng Thị Hoa",
            "Tổng Văn An",
            "Tong Cong Minh",
            "Tổng hợp danh sách công dân chưa kích hoạt tài khoản",
            "",
        ] {
            assert_eq!(phrase(cell), None, "{cell}");
        }
    }

    #[test]
    fn signature_lines_date_lines_and_notes_are_recognised() {
        for cell in [
            "NGƯỜI LẬP BIỂU",
            "Trưởng thôn",
            "(Ký, ghi rõ họ tên)",
            "(ký và ghi rõ họ tên)",
            "Xác nhận của UBND xã",
            "TM. UBND XÃ",
            "nguoi lap bieu",
        ] {
            assert_eq!(phrase(cell), Some(NotData::Signature), "{cell}");
        }
        for cell in [
            "Xuân Phong, ngày 15 tháng 11 năm 2026",
            "……, ngày … tháng … năm 20…",
            "Ngày 15 tháng 11 năm 2026",
            "Xuan Phong, ngay 15 thang 11 nam 2026",
            "Xuân Phong, ngày 15/11/2026",
        ] {
            assert_eq!(phrase(cell), Some(NotData::DateLine), "{cell}");
        }
        assert!(is_count("44") && is_count("44 người") && !is_count("Lê Văn 4"));
        for cell in [
            "Ghi chú: danh sách chưa gồm người đi làm ăn xa",
            "* Lưu ý:",
            "Note: x",
        ] {
            assert_eq!(phrase(cell), Some(NotData::Note), "{cell}");
        }
        // Words of a person's row.
        for cell in [
            "Nguyễn Văn Ngày",
            "Trần Thị Năm",
            "Thôn Đông",
            "Ghi chú riêng",
            "Notebook",
            "Đã kích hoạt mức 2",
            "Chủ hộ",
        ] {
            assert_eq!(phrase(cell), None, "{cell}");
        }
    }
}
