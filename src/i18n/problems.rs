//! User-visible messages for every `ProblemKind`, in Vietnamese and English. No I/O.
//!
//! Each message is one whole sentence written by one `format!`, never pieced
//! together from fragments, so each language can order its words naturally.

use super::Lang;
use crate::domain::rules::{NamedList, ProblemKind, Sex, id_digit_meaning};

pub fn message(kind: &ProblemKind, lang: Lang) -> String {
    match lang {
        Lang::Vi => vi(kind),
        Lang::En => en(kind),
    }
}

fn sex_vi(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
    }
}

fn sex_en(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

/// "Không có tôn giáo «X» trong danh sách; gần nhất: A, B."
fn not_in_named_list_vi(list: NamedList, value: &str, nearest: &[String]) -> String {
    let what = match list {
        NamedList::Religions => "tôn giáo",
        NamedList::EthnicGroups => "dân tộc",
        NamedList::Relationships => "quan hệ với chủ hộ",
    };
    if nearest.is_empty() {
        format!("Không có {what} «{value}» trong danh sách, hãy chọn một giá trị trong danh sách.")
    } else {
        format!(
            "Không có {what} «{value}» trong danh sách; gần nhất: {}.",
            nearest.join(", ")
        )
    }
}

fn not_in_named_list_en(list: NamedList, value: &str, nearest: &[String]) -> String {
    let what = match list {
        NamedList::Religions => "religion",
        NamedList::EthnicGroups => "ethnic group",
        NamedList::Relationships => "relationship to the household head",
    };
    if nearest.is_empty() {
        format!("There is no {what} “{value}” in the list; please choose one of the listed values.")
    } else {
        format!(
            "There is no {what} “{value}” in the list; nearest: {}.",
            nearest.join(", ")
        )
    }
}

/// The two digits the ID should carry for a birth year ("05" for 2005).
fn year_digits(year: i32) -> String {
    format!("{:02}", year.rem_euclid(100))
}

fn vi(kind: &ProblemKind) -> String {
    use ProblemKind::*;
    match kind {
        Required => "Thông tin này bắt buộc, không được để trống.".to_string(),
        NotInList { value } => {
            format!("“{value}” không có trong danh sách, hãy chọn một giá trị trong danh sách.")
        }
        NotInNamedList {
            list,
            value,
            nearest,
        } => not_in_named_list_vi(*list, value, nearest),
        NotANumber => "Giá trị này phải là một số.".to_string(),
        NumberOutOfRange { min, max } => format!("Số phải nằm trong khoảng từ {min} đến {max}."),
        TooLong { max } => format!("Nội dung quá dài, chỉ được tối đa {max} ký tự."),

        IdNotDigits => {
            "Số định danh chỉ được gồm chữ số (có thể cách nhóm bằng dấu cách hoặc dấu chấm)."
                .to_string()
        }
        IdWrongLength { len } => format!("Số định danh phải có đúng 12 chữ số (đang có {len})."),
        IdLooksLikeCmnd => {
            "Số có 9 chữ số này giống số CMND cũ, hãy nhập vào ô Số CMND thay vì ô Số định danh."
                .to_string()
        }
        IdUnknownProvince { code } => format!(
            "Mã tỉnh {code} không có trong danh sách 63 tỉnh — có thể là mã nước ngoài, hãy kiểm tra lại."
        ),
        IdZeroProvince => {
            "Ba số đầu của số định danh là 000, không phải mã tỉnh hay mã nước nào, hãy kiểm tra lại số này."
                .to_string()
        }
        IdSexMismatch { digit, sex } => {
            let (digit_sex, from, to) = id_digit_meaning(*digit);
            format!(
                "Số thứ 4 của số định danh ({digit}) cho biết {} sinh {from}–{to}, không khớp với giới tính {}.",
                sex_vi(digit_sex),
                sex_vi(*sex)
            )
        }
        IdCenturyMismatch { digit, year } => {
            let (_, from, to) = id_digit_meaning(*digit);
            format!(
                "Số thứ 4 của số định danh ({digit}) cho biết người sinh trong khoảng {from}–{to}, không khớp với năm sinh {year}."
            )
        }
        IdYearMismatch { digits, year } => format!(
            "Số thứ 5 và 6 của số định danh ({digits}) không khớp với năm sinh {year}, lẽ ra phải là {}.",
            year_digits(*year)
        ),

        CmndNotDigits => {
            "Số CMND chỉ được gồm chữ số (có thể cách nhóm bằng dấu cách hoặc dấu chấm).".to_string()
        }
        CmndWrongLength { len } => format!("Số CMND phải có đúng 9 chữ số (đang có {len})."),
        CmndAllZeros => {
            "Số CMND không thể gồm toàn chữ số 0; nếu không biết số CMND, hãy để trống ô này."
                .to_string()
        }
        CmndLooksLikePersonalId => {
            "Số có 12 chữ số này giống số định danh cá nhân, hãy nhập vào ô Số định danh thay vì ô Số CMND."
                .to_string()
        }

        PhoneNotDigits => {
            "Số điện thoại chỉ được gồm chữ số, có thể kèm dấu cách, dấu chấm, gạch ngang, dấu ngoặc hoặc +84 ở đầu."
                .to_string()
        }
        PhoneWrongLength { len } => format!(
            "Số điện thoại di động phải có 10 chữ số, kể cả số 0 ở đầu (đang có {len})."
        ),
        PhoneNotMobile { prefix } => format!(
            "Đầu số {prefix} không phải đầu số di động Việt Nam (số di động bắt đầu bằng 03, 05, 07, 08 hoặc 09)."
        ),
        PhoneOldElevenDigit { old, new } => {
            format!("Số {old} là số 11 chữ số cũ, đã được đổi sang số 10 chữ số {new}.")
        }
        PhoneUnknownPrefix { prefix } => format!(
            "Đầu số {prefix} chưa có trong danh sách đầu số di động đã xác nhận, hãy kiểm tra lại số này."
        ),

        DateFormat => {
            "Ngày chưa đúng dạng, hãy nhập ngày/tháng/năm với năm đủ 4 chữ số, ví dụ 01/05/1990."
                .to_string()
        }
        DateInvalid => {
            "Ngày này không có trên lịch (ví dụ 31/02, hoặc 29/02 của năm không nhuận), hãy kiểm tra lại ngày và tháng."
                .to_string()
        }
        DateYearOnlyNotAllowed => {
            "Ô này cần đủ ngày, tháng và năm, không thể chỉ nhập năm hoặc tháng và năm.".to_string()
        }
        DateBefore1900 => "Ngày không được trước năm 1900.".to_string(),
        DateInFuture => "Ngày này chưa đến, ô này không nhận ngày sau hôm nay.".to_string(),
        DateInPast => "Ngày này đã qua, ô này chỉ nhận ngày từ hôm nay trở đi.".to_string(),
        DateAfterField { field } => format!(
            "Ngày này muộn hơn «{}», không thể như vậy; hãy kiểm tra lại cả hai ngày.",
            field_label(field, Lang::Vi)
        ),

        NameHasDigits => "Họ tên không được chứa chữ số.".to_string(),
        NameHasSymbols => {
            "Họ tên chỉ được gồm chữ cái, dấu cách, dấu nháy ('), gạch ngang (-) và dấu chấm."
                .to_string()
        }
        NotRelevant { because } => format!(
            "Không dùng trường này khi «{}» như hiện nay; hãy để trống (giá trị này không được lưu).",
            field_label(because, Lang::Vi)
        ),
    }
}

fn en(kind: &ProblemKind) -> String {
    use ProblemKind::*;
    match kind {
        Required => "This field is required and cannot be left empty.".to_string(),
        NotInList { value } => {
            format!("“{value}” is not in the list; please choose one of the listed values.")
        }
        NotInNamedList {
            list,
            value,
            nearest,
        } => not_in_named_list_en(*list, value, nearest),
        NotANumber => "This value must be a number.".to_string(),
        NumberOutOfRange { min, max } => format!("The number must be between {min} and {max}."),
        TooLong { max } => format!("This text is too long; at most {max} characters are allowed."),

        IdNotDigits => {
            "The personal ID may contain only digits (spaces or dots between groups are fine)."
                .to_string()
        }
        IdWrongLength { len } => {
            format!("The personal ID must have exactly 12 digits (this one has {len}).")
        }
        IdLooksLikeCmnd => {
            "This 9-digit number looks like an old CMND number; enter it in the CMND field instead of the personal ID field."
                .to_string()
        }
        IdUnknownProvince { code } => format!(
            "Province code {code} is not one of the 63 province codes — it may be a foreign country code, please check it."
        ),
        IdZeroProvince => {
            "The personal ID starts with 000, which is no province or country code; please check this number."
                .to_string()
        }
        IdSexMismatch { digit, sex } => {
            let (digit_sex, from, to) = id_digit_meaning(*digit);
            format!(
                "Digit 4 of the personal ID ({digit}) means {} born {from}–{to}, which does not match the recorded sex, {}.",
                sex_en(digit_sex),
                sex_en(*sex)
            )
        }
        IdCenturyMismatch { digit, year } => {
            let (_, from, to) = id_digit_meaning(*digit);
            format!(
                "Digit 4 of the personal ID ({digit}) means a birth year in {from}–{to}, which does not match the birth year {year}."
            )
        }
        IdYearMismatch { digits, year } => format!(
            "Digits 5 and 6 of the personal ID ({digits}) do not match the birth year {year}; they should be {}.",
            year_digits(*year)
        ),

        CmndNotDigits => {
            "The CMND number may contain only digits (spaces or dots between groups are fine)."
                .to_string()
        }
        CmndWrongLength { len } => {
            format!("The CMND number must have exactly 9 digits (this one has {len}).")
        }
        CmndAllZeros => {
            "A CMND number cannot be all zeros; if the number is not known, leave this field empty."
                .to_string()
        }
        CmndLooksLikePersonalId => {
            "This 12-digit number looks like a personal ID; enter it in the personal ID field instead of the CMND field."
                .to_string()
        }

        PhoneNotDigits => {
            "A phone number may contain only digits, with optional spaces, dots, dashes, brackets or a leading +84."
                .to_string()
        }
        PhoneWrongLength { len } => format!(
            "A mobile number must have 10 digits including the leading 0 (this one has {len})."
        ),
        PhoneNotMobile { prefix } => format!(
            "The prefix {prefix} is not a Vietnamese mobile prefix (mobile numbers start with 03, 05, 07, 08 or 09)."
        ),
        PhoneOldElevenDigit { old, new } => {
            format!("{old} is an old 11-digit number and has been converted to the 10-digit number {new}.")
        }
        PhoneUnknownPrefix { prefix } => format!(
            "The prefix {prefix} is not in the list of confirmed mobile prefixes; please check this number."
        ),

        DateFormat => {
            "The date is not in a recognised form; type day/month/year with a 4-digit year, for example 01/05/1990."
                .to_string()
        }
        DateInvalid => {
            "This date does not exist on the calendar (for example 31/02, or 29/02 outside a leap year); please check the day and month."
                .to_string()
        }
        DateYearOnlyNotAllowed => {
            "This field needs a full day, month and year, not the year or the month and year alone."
                .to_string()
        }
        DateBefore1900 => "The date cannot be before 1900.".to_string(),
        DateInFuture => {
            "This date has not come yet, and this field does not accept dates after today."
                .to_string()
        }
        DateInPast => {
            "This date has already passed, and this field only accepts dates from today on."
                .to_string()
        }
        DateAfterField { field } => format!(
            "This date is later than \"{}\", which cannot be; please check both dates.",
            field_label(field, Lang::En)
        ),

        NameHasDigits => "A name cannot contain digits.".to_string(),
        NameHasSymbols => {
            "A name may contain only letters, spaces, apostrophes ('), hyphens (-) and dots."
                .to_string()
        }
        NotRelevant { because } => format!(
            "This field does not apply with \"{}\" as it is; leave it empty (its value is not kept).",
            field_label(because, Lang::En)
        ),
    }
}

/// The label of a field by its id, as the forms name it (the same id is the
/// same field in every form); the id itself if no form has it.
fn field_label(id: &str, lang: Lang) -> String {
    crate::domain::form::forms()
        .iter()
        .find_map(|f| f.field(id))
        .map_or_else(|| id.to_string(), |f| f.label.get(lang).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::example_of_each_kind;

    const VI_MARKED: &str = "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ";

    #[test]
    fn every_kind_has_both_messages() {
        for kind in example_of_each_kind() {
            let v = message(&kind, Lang::Vi);
            let e = message(&kind, Lang::En);
            assert!(!v.trim().is_empty() && !e.trim().is_empty(), "{kind:?}");
            assert_ne!(v, e, "{kind:?}");
            assert!(
                v.to_lowercase().chars().any(|c| VI_MARKED.contains(c)),
                "no Vietnamese letter in {v:?}"
            );
        }
    }

    #[test]
    fn messages_are_single_sentences() {
        for kind in example_of_each_kind() {
            for lang in [Lang::Vi, Lang::En] {
                let m = message(&kind, lang);
                assert!(m.ends_with('.'), "{m:?}");
                assert!(!m.contains('\n'), "{m:?}");
                assert!(!m.contains(". "), "more than one sentence: {m:?}");
                assert!(m.chars().next().is_some_and(|c| !c.is_lowercase()), "{m:?}");
            }
        }
    }

    #[test]
    fn default_language_is_vietnamese() {
        assert_eq!(Lang::default(), Lang::Vi);
    }

    #[test]
    fn vietnamese_wording_matches_the_brief() {
        let vi = |k: ProblemKind| message(&k, Lang::Vi);
        assert_eq!(
            vi(ProblemKind::IdWrongLength { len: 11 }),
            "Số định danh phải có đúng 12 chữ số (đang có 11)."
        );
        assert_eq!(
            vi(ProblemKind::IdUnknownProvince { code: "099".into() }),
            "Mã tỉnh 099 không có trong danh sách 63 tỉnh — có thể là mã nước ngoài, hãy kiểm tra lại."
        );
        assert_eq!(
            vi(ProblemKind::IdSexMismatch {
                digit: 3,
                sex: Sex::Male
            }),
            "Số thứ 4 của số định danh (3) cho biết Nữ sinh 2000–2099, không khớp với giới tính Nam."
        );
    }

    #[test]
    fn messages_name_the_value_found() {
        use ProblemKind::*;
        let cases = [
            (
                NotInList {
                    value: "Kinh Việt".into(),
                },
                vec!["Kinh Việt"],
            ),
            (NumberOutOfRange { min: 1, max: 20 }, vec!["1", "20"]),
            (TooLong { max: 100 }, vec!["100"]),
            (
                IdCenturyMismatch {
                    digit: 0,
                    year: 2001,
                },
                vec!["(0)", "1900–1999", "2001"],
            ),
            (
                IdYearMismatch {
                    digits: "91".into(),
                    year: 2005,
                },
                vec!["91", "2005", "05"],
            ),
            (CmndWrongLength { len: 8 }, vec!["8"]),
            (PhoneWrongLength { len: 9 }, vec!["9"]),
            (
                PhoneNotMobile {
                    prefix: "024".into(),
                },
                vec!["024"],
            ),
            (
                PhoneOldElevenDigit {
                    old: "01662345678".into(),
                    new: "0362345678".into(),
                },
                vec!["01662345678", "0362345678"],
            ),
            (
                PhoneUnknownPrefix {
                    prefix: "055".into(),
                },
                vec!["055"],
            ),
        ];
        for (kind, parts) in cases {
            for lang in [Lang::Vi, Lang::En] {
                let m = message(&kind, lang);
                for p in &parts {
                    assert!(m.contains(p), "{m:?} lacks {p:?}");
                }
            }
        }
    }

    #[test]
    fn a_value_not_in_a_named_list_names_the_nearest() {
        let kind = ProblemKind::NotInNamedList {
            list: NamedList::Religions,
            value: "X".into(),
            nearest: vec!["Phật giáo".into(), "Tin Lành".into()],
        };
        assert_eq!(
            message(&kind, Lang::Vi),
            "Không có tôn giáo «X» trong danh sách; gần nhất: Phật giáo, Tin Lành."
        );
        assert_eq!(
            message(&kind, Lang::En),
            "There is no religion “X” in the list; nearest: Phật giáo, Tin Lành."
        );
        let nothing_near = ProblemKind::NotInNamedList {
            list: NamedList::EthnicGroups,
            value: "Klingon".into(),
            nearest: Vec::new(),
        };
        assert_eq!(
            message(&nothing_near, Lang::Vi),
            "Không có dân tộc «Klingon» trong danh sách, hãy chọn một giá trị trong danh sách."
        );
    }

    #[test]
    fn english_sex_mismatch_reads_naturally() {
        assert_eq!(
            message(
                &ProblemKind::IdSexMismatch {
                    digit: 0,
                    sex: Sex::Female
                },
                Lang::En
            ),
            "Digit 4 of the personal ID (0) means male born 1900–1999, which does not match the recorded sex, female."
        );
    }
}
