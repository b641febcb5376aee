//! Text normalisation for Vietnamese input (cleaning, NFC, search folding). No I/O.
//!
//! Data typed with Unikey in "Unicode tổ hợp" mode, pasted from the web or
//! exported from Excel looks identical to clean text but differs in bytes, so
//! every stored value goes through [`clean`] and every comparison through
//! [`fold`] or [`key`].

use std::borrow::Cow;

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

/// Text from outside (a file name, a bundle's id or value, a damaged
/// store's detail, a reader's error) as it may reach a terminal: every
/// control character (C0, DEL, C1: so no escape sequence), bidi control
/// (U+200E/F, U+202A–202E, U+2066–2069, U+061C) and invisible or
/// zero-width character is written as its escape, `\u{1b}`, so it can
/// neither break a line, nor drive the terminal, nor reorder or hide what
/// is around it. At most `max` characters, then `…`. The one function
/// for this, in both languages and both fronts; files written for a
/// program (a sheet written to a file, a bundle) keep their data exact.
pub fn printable(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control()
            || is_invisible_format(c)
            || matches!(
                c,
                '\u{061C}' | '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}'
            )
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The text to store: NFC, trimmed, one ASCII space between words, no control
/// or invisible characters.
pub fn clean(s: &str) -> String {
    clean_cow(s).into_owned()
}

/// [`clean`], borrowing text that is already clean: stored values are, and
/// checking a bundle of them should not copy each one to find that out.
pub fn clean_cow(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(clean_into_new(s))
    }
}

/// Whether [`clean`] would give `s` back unchanged. May say no for a clean
/// text the NFC quick check cannot decide; [`clean`] then does the full work.
fn is_clean(s: &str) -> bool {
    // Most stored values: codes, numbers, dates, choice ids.
    if s.bytes().all(|b| b.is_ascii_graphic()) {
        return true;
    }
    let mut previous = None;
    // Text of ASCII and Latin letters alone is NFC, without the NFC tables.
    let mut plain = true;
    for c in s.chars() {
        if c == ' ' {
            if previous.is_none_or(|p| p == ' ') {
                return false;
            }
        } else if !(c.is_ascii_graphic() || is_latin_letter(c)) {
            if c.is_whitespace() || c.is_control() || is_invisible_format(c) {
                return false;
            }
            plain = false;
        }
        previous = Some(c);
    }
    previous != Some(' ') && (plain || is_nfc_quick(s.chars()) == IsNormalized::Yes)
}

/// Letters of the Latin blocks Vietnamese is written in. Most stored text is
/// made of these and ASCII, so they are told apart without the Unicode
/// tables: each is alphabetic and not numeric, precomposed and combining with
/// nothing before it, so a text of them and ASCII is NFC (a test checks).
pub(crate) fn is_latin_letter(c: char) -> bool {
    matches!(c, 'a'..='z' | 'A'..='Z' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ɏ' | '\u{1E00}'..='\u{1EFF}')
}

/// The cleaning itself, for text that needs it.
fn clean_into_new(s: &str) -> String {
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
    s.chars().all(|c| c.is_ascii() || is_latin_letter(c)) || unicode_normalization::is_nfc(s)
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
    fold_each(s, |c| {
        out.push(c);
        true
    });
}

/// Whether `fold(s) == folded`, without building the fold: stops at the
/// first character that differs, so matching a value against a list of names
/// folds little of each name.
pub fn folds_to(s: &str, folded: &str) -> bool {
    let mut rest = folded.chars();
    fold_each(s, |c| rest.next() == Some(c)) && rest.next().is_none()
}

/// [`fold`] of `parts` joined by spaces, into `out` (cleared first),
/// without building the joined text.
pub fn fold_joined_into<'a>(parts: impl Iterator<Item = &'a str>, out: &mut String) {
    out.clear();
    let mut take = |c: char| {
        out.push(c);
        true
    };
    let mut folding = Folding::default();
    for (i, part) in parts.enumerate() {
        if i > 0 {
            folding.feed(' ', &mut take);
        }
        for c in part.chars() {
            folding.feed(c, &mut take);
        }
    }
}

/// `text` after [`fold`]`(s)`, when it starts with it: `s` is folded only
/// as far as it matches, and nothing is allocated.
pub fn after_fold_of<'a>(s: &str, text: &'a str) -> Option<&'a str> {
    let mut rest = text.chars();
    fold_each(s, |c| rest.next() == Some(c)).then_some(rest.as_str())
}

/// Feeds the characters of [`fold`]`(s)` to `take` for as long as it returns
/// true; returns whether it took them all.
fn fold_each(s: &str, mut take: impl FnMut(char) -> bool) -> bool {
    let mut folding = Folding::default();
    s.chars().all(|c| folding.feed(c, &mut take))
}

/// Where a fold stands between two characters of its text: a space is
/// held back until a character follows it, and none comes first.
#[derive(Default)]
struct Folding {
    taken_any: bool,
    pending_space: bool,
}

impl Folding {
    /// Folds one character of the text into `take`; false once `take` has
    /// said no. Most characters of names, codes and numbers are ASCII, and
    /// fold without the Unicode tables.
    #[inline(always)]
    fn feed(&mut self, c: char, take: &mut impl FnMut(char) -> bool) -> bool {
        if c.is_ascii() {
            self.emit(c.to_ascii_lowercase(), take)
        } else {
            self.feed_other(c, take)
        }
    }

    fn feed_other(&mut self, c: char, take: &mut impl FnMut(char) -> bool) -> bool {
        let mut taken = true;
        decompose_canonical(c, |d| {
            if !taken || is_combining_mark(d) {
                return;
            }
            if is_d_with_stroke(d) {
                taken = self.emit('d', take);
                return;
            }
            if d.is_ascii() {
                taken = self.emit(d.to_ascii_lowercase(), take);
                return;
            }
            // Lower-casing can yield a precomposed letter again (rare
            // outside Vietnamese), so decompose once more to keep `fold`
            // idempotent.
            for l in d.to_lowercase() {
                decompose_canonical(l, |e| taken = taken && self.emit(e, take));
            }
        });
        taken
    }

    #[inline(always)]
    fn emit(&mut self, c: char, take: &mut impl FnMut(char) -> bool) -> bool {
        // ASCII has no format characters or combining marks: the look-ups
        // are for the rest (most letters of a Vietnamese name are ASCII).
        let skipped = if c.is_ascii() {
            c.is_ascii_control()
        } else {
            c.is_control() || is_invisible_format(c) || is_combining_mark(c)
        };
        if c.is_whitespace() {
            self.pending_space = self.taken_any;
            true
        } else if skipped {
            true
        } else {
            let mut taken = true;
            if self.pending_space {
                self.pending_space = false;
                taken = take(' ');
            }
            self.taken_any = true;
            taken && take(c)
        }
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
    fn printable_text_has_no_control_bidi_or_invisible_character_left() {
        let hostile = "a\u{1b}]0;pwned\u{7}\u{9b}2J\r\n\u{7f}\u{202e}\u{2066}\u{200e}\u{61c}\u{200b}\u{2060}\u{feff}\u{2028}z";
        let shown = printable(hostile, usize::MAX);
        assert!(shown.chars().all(|c| c.is_ascii_graphic()), "{shown}");
        assert!(
            shown.starts_with("a\\u{1b}]0;pwned\\u{7}\\u{9b}2J"),
            "{shown}"
        );
        for escape in [
            "\\u{202e}",
            "\\u{61c}",
            "\\u{feff}",
            "\\u{2028}",
            "\\u{2060}",
        ] {
            assert!(shown.contains(escape), "{escape} in {shown}");
        }
        // Vietnamese, and what is already printable, as it is; cut at max.
        assert_eq!(printable("Nguyễn Văn An", 99), "Nguyễn Văn An");
        assert_eq!(printable("Nguyễn Văn An", 6), "Nguyễn…");
    }

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
    fn latin_letters_are_letters_and_nfc_starters() {
        use unicode_normalization::char::canonical_combining_class;
        let latin: Vec<char> = ('\0'..=char::MAX).filter(|c| is_latin_letter(*c)).collect();
        assert!(latin.len() > 500);
        for c in latin {
            assert!(c.is_alphabetic() && !c.is_numeric(), "{c:?}");
            assert!(
                !(c.is_whitespace() || c.is_control() || is_invisible_format(c)),
                "{c:?}"
            );
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick([c].into_iter()), IsNormalized::Yes, "{c:?}");
        }
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

    /// Text that is clean, nearly clean, or decomposed: what `is_clean` must
    /// tell apart (arbitrary strings are almost never clean).
    const NEARLY_CLEAN: &str = "[a-zA-Z0-9 .,'àáạảãâầấậẩẫăằắặẳẵđĐƠơƯưÊêỄễ\u{0300}\u{0301}\u{0303}\u{0323}\u{00A0}\t\u{200B}\u{0007}\u{007F}\u{2160}]{0,12}";

    proptest! {
        #[test]
        fn clean_borrows_only_what_it_would_not_change(s in NEARLY_CLEAN) {
            let full = clean_into_new(&s);
            let fast = clean_cow(&s);
            prop_assert_eq!(&fast, &full);
            // Only a text the NFC quick check cannot decide is copied unchanged.
            let decided = is_nfc_quick(s.chars()) == IsNormalized::Yes;
            prop_assert_eq!(matches!(fast, Cow::Borrowed(_)), full == s && decided);
        }

        #[test]
        fn folding_parts_is_folding_them_joined(
            parts in proptest::collection::vec(NEARLY_CLEAN, 0..4),
        ) {
            let mut out = String::from("left over");
            fold_joined_into(parts.iter().map(String::as_str), &mut out);
            prop_assert_eq!(out, fold(&parts.join(" ")));
        }

        #[test]
        fn clean_cow_equals_full_clean(s in any::<String>()) {
            prop_assert_eq!(clean_cow(&s), clean_into_new(&s));
        }

        #[test]
        fn folds_to_agrees_with_fold(s in VI_LETTERS, t in VI_LETTERS, any_key in any::<String>()) {
            let folded = fold(&s);
            prop_assert!(folds_to(&s, &folded));
            prop_assert_eq!(folds_to(&s, &fold(&t)), folded == fold(&t));
            prop_assert_eq!(folds_to(&s, &any_key), folded == any_key);
            let shorter: String = folded.chars().take(folded.chars().count().saturating_sub(1)).collect();
            prop_assert_eq!(folds_to(&s, &shorter), folded == shorter);
        }

        #[test]
        fn folds_to_agrees_with_fold_on_any_text(s in any::<String>(), t in any::<String>()) {
            prop_assert!(folds_to(&s, &fold(&s)));
            prop_assert_eq!(folds_to(&s, &fold(&t)), fold(&s) == fold(&t));
        }

        #[test]
        fn after_fold_of_is_after_the_fold(s in VI_LETTERS, t in any::<String>(), rest in any::<String>()) {
            let text = format!("{}{rest}", fold(&s));
            prop_assert_eq!(after_fold_of(&s, &text), Some(rest.as_str()));
            prop_assert_eq!(after_fold_of(&s, &t), t.strip_prefix(fold(&s).as_str()));
            prop_assert_eq!(after_fold_of(&t, &text), text.strip_prefix(fold(&t).as_str()));
        }

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
