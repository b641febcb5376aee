//! Text normalisation for Vietnamese input (cleaning, NFC, search folding). No I/O.
//!
//! Data typed with Unikey in "Unicode tổ hợp" mode, pasted from the web or
//! exported from Excel looks identical to clean text but differs in bytes, so
//! every stored value goes through [`clean`] and every comparison through
//! [`fold`] or [`key`].

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Invisible format characters that arrive with copy-pasted text. They are not
/// `char::is_control`, but they silently break equality and lookups.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The text to store: NFC, trimmed, one ASCII space between words, no control
/// or invisible characters.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control() || is_invisible_format(c) {
            // Dropped before composing, so a stray control character between a
            // letter and its accent cannot leave the result un-composed.
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    if is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// Whether `s` is already in NFC (precomposed, "Unicode dựng sẵn").
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

/// Search key: no accents, `đ`→`d`, lower case, single spaces, trimmed.
///
/// Used to find candidates ("nghi trùng", list look-ups), never as proof that
/// two names are the same: names that differ only in tone marks are different.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] into a caller-owned buffer (cleared first), so a search over many
/// names can reuse one allocation.
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    let mut pending_space = false;
    let mut emit = |c: char| {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !(c.is_control() || is_invisible_format(c) || is_combining_mark(c)) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            emit(c.to_ascii_lowercase());
            continue;
        }
        decompose_canonical(c, |d| {
            if is_d_with_stroke(d) {
                emit('d');
                return;
            }
            if is_combining_mark(d) {
                return;
            }
            // Lower-casing can yield a precomposed letter again (rare outside
            // Vietnamese), so decompose once more to keep `fold` idempotent.
            for l in d.to_lowercase() {
                decompose_canonical(l, &mut emit);
            }
        });
    }
}

/// `đ`/`Đ`, and the look-alike eth `ð`/`Ð` that legacy fonts and careless
/// typing put in its place.
fn is_d_with_stroke(c: char) -> bool {
    matches!(c, 'đ' | 'Đ' | 'ð' | 'Ð')
}

/// Compact list-matching key: [`fold`] with everything but letters and digits
/// removed, so "Khơ-me", "KHO ME" and "khome", or "H'Mông" and "hmong", agree.
pub fn key(s: &str) -> String {
    let mut folded = fold(s);
    folded.retain(char::is_alphanumeric);
    folded
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clean_composes_decomposed_input() {
        let nfd = "Nguye\u{0302}\u{0303}n Va\u{0306}n A";
        assert!(!is_nfc(nfd));
        let cleaned = clean(nfd);
        assert_eq!(cleaned, "Nguyễn Văn A");
        assert!(is_nfc(&cleaned));
    }

    #[test]
    fn clean_composes_dot_below() {
        assert_eq!(clean("A\u{0323}"), "\u{1EA0}");
    }

    #[test]
    fn clean_collapses_all_whitespace() {
        assert_eq!(
            clean("  Trần\u{00A0}\u{00A0}Thị\tBé\r\n Ba \u{3000}"),
            "Trần Thị Bé Ba"
        );
    }

    #[test]
    fn clean_drops_control_and_invisible_characters() {
        assert_eq!(
            clean("\u{FEFF}Lê\u{0000} Văn\u{200B} Tám\u{0007}"),
            "Lê Văn Tám"
        );
    }

    #[test]
    fn clean_composes_across_removed_control() {
        assert_eq!(clean("e\u{0001}\u{0301}"), "é");
    }

    #[test]
    fn clean_of_blank_is_empty() {
        assert_eq!(clean(" \t\u{00A0}\n"), "");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn fold_agrees_on_case_accents_and_decomposition() {
        let forms = [
            "Nguyễn Văn A",
            "NGUYỄN VĂN A",
            "nguyen van a",
            "Nguye\u{0302}\u{0303}n Va\u{0306}n A",
            "  nguyen\u{00A0} van\ta ",
        ];
        for f in forms {
            assert_eq!(fold(f), "nguyen van a", "{f:?}");
        }
    }

    #[test]
    fn fold_maps_d_with_stroke() {
        assert_eq!(fold("Đặng Đình Đức"), "dang dinh duc");
        assert_eq!(fold("đ"), "d");
        assert_eq!(fold("ÐINH"), "dinh");
    }

    #[test]
    fn fold_strips_horn_and_breve() {
        assert_eq!(fold("Trương Ưng Ơn Ắt"), "truong ung on at");
    }

    #[test]
    fn fold_into_reuses_buffer() {
        let mut buf = String::from("old content");
        fold_into("Hà Nội", &mut buf);
        assert_eq!(buf, "ha noi");
    }

    #[test]
    fn key_ignores_hyphens_apostrophes_and_spaces() {
        assert_eq!(key("Khơ-me"), "khome");
        assert_eq!(key("KHO ME"), "khome");
        assert_eq!(key("H'Mông"), "hmong");
        assert_eq!(key("H\u{2019}Mông"), "hmong");
    }

    const VI_LETTERS: &str = "[a-zA-Z0-9 àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ\t\u{00A0}]*";

    proptest! {
        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn clean_is_idempotent(s in any::<String>()) {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once);
        }

        #[test]
        fn fold_of_clean_equals_fold(s in any::<String>()) {
            prop_assert_eq!(fold(&clean(&s)), fold(&s));
        }

        #[test]
        fn fold_ignores_case(s in VI_LETTERS) {
            prop_assert_eq!(fold(&s.to_uppercase()), fold(&s));
            prop_assert_eq!(fold(&s.to_lowercase()), fold(&s));
        }

        #[test]
        fn fold_ignores_decomposition(s in VI_LETTERS) {
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(fold(&nfd), fold(&s));
        }
    }
}
