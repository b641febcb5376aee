//! CSV cells as bundles write them: UTF-8 with a BOM (Excel then shows
//! Vietnamese correctly), CRLF line ends (RFC 4180), and a reversible guard
//! against spreadsheet formulas.
//!
//! The guard: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return — which Excel or LibreOffice would run as a formula — is
//! written with one `'` in front, and so is a cell that itself starts with `'`
//! (so that the rule can be undone without guessing). Reading removes exactly
//! one leading `'`. A cell is therefore never run when a user opens the CSV,
//! and the text comes back byte for byte, which version ids (content hashes)
//! need.

use super::CellProblem;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

fn needs_guard(s: &str) -> bool {
    // Each of these is one byte, and a text starts with its byte only if
    // it starts with it: no need to decode the first character.
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
    )
}

/// The cell as written: the text, with the formula guard when it needs one.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The text of a cell as read. A `'` that [`escape`] would not have written
/// means the file was not written by tothon and is refused.
pub fn unescape(cell: &str) -> Result<&str, CellProblem> {
    match cell.strip_prefix("'") {
        Some(rest) if needs_guard(rest) => Ok(rest),
        Some(_) => Err(CellProblem::BadEscape),
        None if needs_guard(cell) => Err(CellProblem::BadEscape),
        None => Ok(cell),
    }
}

/// Text that may sit in a bundle: NFC, no control characters, not too long.
pub fn check_text(s: &str, max_chars: usize) -> Result<(), CellProblem> {
    // Most cells (ids, dates, codes, numbers) are ASCII, which is NFC as it is.
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_control()) {
            return Err(CellProblem::ControlCharacter);
        }
        if s.len() > max_chars {
            return Err(CellProblem::TooLong { max: max_chars });
        }
        return Ok(());
    }
    // One walk for the control characters, the length and whether the
    // text is of ASCII and Latin letters alone, which is NFC as it is.
    let mut chars = 0;
    let mut latin = true;
    for c in s.chars() {
        if c.is_control() {
            return Err(CellProblem::ControlCharacter);
        }
        chars += 1;
        latin &= c.is_ascii() || crate::domain::text::is_latin_letter(c);
    }
    if chars > max_chars {
        return Err(CellProblem::TooLong { max: max_chars });
    }
    if !latin && !crate::domain::text::is_nfc(s) {
        return Err(CellProblem::NotNfc);
    }
    Ok(())
}

pub fn writer(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    out.extend_from_slice(BOM);
    rows_writer(out)
}

/// A writer of more rows of a CSV that [`writer`] began.
pub fn rows_writer(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_guarded_and_come_back() {
        for (text, cell) in [
            ("=1+1", "'=1+1"),
            ("+84912", "'+84912"),
            ("-3", "'-3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("'quoted", "''quoted"),
            ("''", "'''"),
            ("Nguyễn", "Nguyễn"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(escape(text), cell);
            assert_eq!(unescape(cell), Ok(text));
        }
        assert_eq!(unescape("'abc"), Err(CellProblem::BadEscape));
        assert_eq!(unescape("=1"), Err(CellProblem::BadEscape));
    }

    #[test]
    fn text_must_be_nfc_and_free_of_control_characters() {
        assert_eq!(check_text("Nguyễn", 10), Ok(()));
        assert_eq!(
            check_text("Nguye\u{302}\u{303}n", 10),
            Err(CellProblem::NotNfc)
        );
        assert_eq!(check_text("a\nb", 10), Err(CellProblem::ControlCharacter));
        assert_eq!(check_text("abc", 2), Err(CellProblem::TooLong { max: 2 }));
    }

    proptest! {
        #[test]
        fn escape_is_undone_by_unescape(s in "\\PC*|[=+@'\\t-][a-z'=]*") {
            let cell = escape(&s);
            prop_assert_eq!(unescape(&cell), Ok(s.as_str()));
        }
    }
}
