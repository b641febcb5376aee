//! One line of text being typed: edited by grapheme, kept in NFC after every
//! edit, with the built-in Telex/VNI typing applied to the word before the
//! cursor. Pure: no terminal.
//!
//! Input methods deliver text oddly in consoles: a precomposed "ễ", or "e"
//! followed by combining marks, or a backspace and a replacement letter. All
//! end up as the same NFC text, which is exactly what the user sees.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::keymap::Action;
use super::typing::{self, Method, ToneStyle};

/// The longest text one field takes: a paste of a whole document stops here.
pub const MAX_CHARS: usize = 2000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Cursor position in graphemes from the start.
    cursor: usize,
    /// The word before the cursor ends in the "ư" a Telex `w` typed alone
    /// made (see `typing::apply_remembering`); any other edit forgets it.
    lone_w: bool,
}

impl TextInput {
    pub fn new(text: &str) -> TextInput {
        let text: String = text.nfc().collect();
        let cursor = text.graphemes(true).count();
        TextInput {
            text,
            cursor,
            lone_w: false,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Display columns before the cursor, for placing the terminal cursor.
    pub fn cursor_column(&self) -> usize {
        self.text[..self.byte_at(self.cursor)].width()
    }

    fn len(&self) -> usize {
        self.text.graphemes(true).count()
    }

    /// Byte offset of the grapheme boundary `n` graphemes in.
    fn byte_at(&self, n: usize) -> usize {
        self.text
            .grapheme_indices(true)
            .nth(n)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    /// Replaces bytes `range` by `with`, renormalises, and puts the cursor
    /// just after the replacement.
    fn splice(&mut self, range: std::ops::Range<usize>, with: &str) {
        let mut joined = String::with_capacity(self.text.len() + with.len());
        joined.push_str(&self.text[..range.start]);
        joined.push_str(with);
        let tail_start = joined.len();
        joined.push_str(&self.text[range.end..]);
        // The cursor sits where the inserted text ends. Count graphemes of the
        // normalised head so combining marks that join the previous letter do
        // not move the cursor past it.
        let head: String = joined[..tail_start].nfc().collect();
        let cursor = head.graphemes(true).count();
        self.text = joined.nfc().collect();
        self.cursor = cursor.min(self.len());
        self.lone_w = false;
    }

    pub fn insert_str(&mut self, s: &str) {
        let room = MAX_CHARS.saturating_sub(self.text.chars().count());
        let clean: String = s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(room)
            .collect();
        if clean.is_empty() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.splice(at..at, &clean);
    }

    /// Types one character, through Telex/VNI when a method is on.
    pub fn type_char(&mut self, c: char, method: Method, style: ToneStyle) {
        if method != Method::Off {
            let end = self.byte_at(self.cursor);
            let start = self.text[..end]
                .char_indices()
                .rev()
                .take_while(|(_, ch)| ch.is_alphabetic() || is_mark(*ch))
                .last()
                .map(|(i, _)| i)
                .unwrap_or(end);
            let lone_w = self.lone_w;
            if let Some(applied) =
                typing::apply_remembering(&self.text[start..end], c, method, style, lone_w)
            {
                self.splice(start..end, &applied.word);
                self.lone_w = applied.lone_w;
                return;
            }
        }
        let mut buf = [0u8; 4];
        self.insert_str(c.encode_utf8(&mut buf));
    }

    pub fn backspace(&mut self) {
        self.lone_w = false;
        if self.cursor == 0 {
            return;
        }
        let (start, end) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
        self.text.replace_range(start..end, "");
        self.cursor -= 1;
    }

    pub fn delete(&mut self) {
        self.lone_w = false;
        if self.cursor >= self.len() {
            return;
        }
        let (start, end) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
        self.text.replace_range(start..end, "");
    }

    pub fn left(&mut self) {
        self.lone_w = false;
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.lone_w = false;
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn home(&mut self) {
        self.lone_w = false;
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.lone_w = false;
        self.cursor = self.len();
    }

    pub fn clear(&mut self) {
        self.lone_w = false;
        self.text.clear();
        self.cursor = 0;
    }

    /// Applies an editing action (a typed character through `method`, a
    /// paste, an erase, a cursor move); false for any other action, which
    /// is the caller's.
    pub fn edit(&mut self, action: &Action, method: Method, style: ToneStyle) -> bool {
        match action {
            Action::Type(c) => self.type_char(*c, method, style),
            Action::Paste(s) => self.insert_str(s),
            Action::EraseBack => self.backspace(),
            Action::EraseForward => self.delete(),
            Action::CursorLeft => self.left(),
            Action::CursorRight => self.right(),
            Action::CursorHome => self.home(),
            Action::CursorEnd => self.end(),
            _ => return false,
        }
        true
    }
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &str, method: Method) -> TextInput {
        let mut t = TextInput::default();
        for c in keys.chars() {
            t.type_char(c, method, ToneStyle::Classic);
        }
        t
    }

    #[test]
    fn precomposed_and_decomposed_input_store_the_same_nfc_text() {
        let pre = typed("Nguyễn Văn Ân", Method::Off);
        let de = typed("Nguye\u{0302}\u{0303}n Va\u{0306}n A\u{0302}n", Method::Off);
        assert_eq!(pre.text(), "Nguyễn Văn Ân");
        assert_eq!(de.text(), pre.text());
        assert_eq!(de.cursor, pre.cursor);
        assert_eq!(pre.cursor, 13);
    }

    #[test]
    fn an_input_method_backspace_replaces_the_letter() {
        // Unikey in a console: "a", then backspace, then the composed "á".
        let mut t = typed("Nguy", Method::Off);
        t.type_char('e', Method::Off, ToneStyle::Classic);
        t.backspace();
        t.insert_str("ê");
        t.backspace();
        t.insert_str("ễ");
        t.insert_str("n");
        assert_eq!(t.text(), "Nguyễn");
    }

    #[test]
    fn backspace_and_delete_remove_whole_graphemes() {
        let mut t = TextInput::new("Hoa\u{0300}");
        assert_eq!(t.text(), "Hoà");
        t.backspace();
        assert_eq!(t.text(), "Ho");
        let mut t = TextInput::new("Trần");
        t.home();
        t.right();
        t.right();
        t.delete();
        assert_eq!(t.text(), "Trn");
        assert_eq!(t.cursor_column(), 2);
    }

    #[test]
    fn w_typed_alone_twice_gives_w_and_after_u_gives_uw() {
        for (keys, want) in [("ww", "w"), ("nhww", "nhw"), ("uww", "uw"), ("nhw", "như")] {
            assert_eq!(typed(keys, Method::Telex).text(), want, "{keys}");
        }
        // Once the field moved on, the ư is just a ư: w undoes its horn.
        let mut t = typed("w", Method::Telex);
        t.left();
        t.right();
        t.type_char('w', Method::Telex, ToneStyle::Classic);
        assert_eq!(t.text(), "uw");
    }

    #[test]
    fn telex_applies_to_the_word_before_the_cursor() {
        let t = typed("Nguyeenx Vawn Aa", Method::Telex);
        assert_eq!(t.text(), "Nguyễn Văn Â");
        let t = typed("Nguye65n", Method::Vni);
        assert_eq!(t.text(), "Nguyện");
        // Editing in the middle of the text works on the word at the cursor.
        let mut t = TextInput::new("Tran Van");
        t.home();
        for _ in 0..4 {
            t.right();
        }
        t.type_char('f', Method::Telex, ToneStyle::Classic);
        assert_eq!(t.text(), "Tràn Van");
    }

    #[test]
    fn wide_characters_count_two_columns_and_paste_is_capped() {
        let t = TextInput::new("漢字a");
        assert_eq!(t.cursor_column(), 5);
        let mut t = TextInput::default();
        t.insert_str(&"x".repeat(10_000));
        assert_eq!(t.text().chars().count(), MAX_CHARS);
        t.insert_str("line\nbreak");
        assert_eq!(t.text().chars().count(), MAX_CHARS);
        let mut t = TextInput::default();
        t.insert_str("a\nb");
        assert_eq!(t.text(), "a b");
    }
}
