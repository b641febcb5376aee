//! Built-in Vietnamese typing (Telex and VNI) for text fields, because terminal consoles
//! often break the system input methods (Unikey, EVKey).
//!
//! This module owns pure text logic: given the word before the cursor and one typed key,
//! it says what the word becomes. It keeps no state between keys and touches no terminal,
//! no store and no I/O; the text field decides what a word is and where the cursor goes.
//! The one thing a field carries from one key to the next is whether the word's last "ư"
//! came from a `w` typed alone ([`apply_remembering`]), so that "ww" gives "w".
//!
//! Like Unikey, it only transforms a word that can still become a Vietnamese syllable, so
//! codes, e-mail addresses and most English words stay as typed. Because it is stateless,
//! "the key was undone, so stop transforming" falls out of the same rule: an undone word
//! such as `as` or `dd` is no longer a syllable.

use std::borrow::Cow;

use unicode_normalization::{UnicodeNormalization, is_nfc};

/// How typed keys become Vietnamese letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Method {
    /// Every key is inserted as typed.
    #[default]
    Off,
    /// `aa` â, `aw` ă, `ee` ê, `oo` ô, `ow` ơ, `uw` ư, `dd` đ; tones `s f r x j`, `z` clears.
    Telex,
    /// `6` circumflex, `7` horn, `8` breve, `9` đ; tones `1` to `5`, `0` clears.
    Vni,
}

/// Where the tone goes in the open syllables `oa`, `oe` and `uy`, the only place where the
/// two conventions in use differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ToneStyle {
    /// hòa, khỏe, thủy: Unikey's default.
    #[default]
    Classic,
    /// hoà, khoẻ, thuỷ.
    Modern,
}

/// Applies one typed key to the word that stands just before the cursor.
///
/// `word` is the run of letters before the cursor (for VNI, digits that were consumed as
/// marks are never in it). Returns `Some(new_word)` when the key transforms the word (the
/// key is consumed), `None` when the key should simply be inserted as typed. The new word
/// is NFC.
pub fn apply(word: &str, key: char, method: Method, style: ToneStyle) -> Option<String> {
    apply_remembering(word, key, method, style, false).map(|a| a.word)
}

/// A key applied to a word by [`apply_remembering`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The new word, NFC.
    pub word: String,
    /// It ends in the "ư" that a Telex `w` typed alone made.
    pub lone_w: bool,
}

/// [`apply`] for a field that remembers one thing between keys: whether the word ends in
/// the "ư" a `w` typed alone made (`lone_w`, from the previous key's [`Applied`]). Then
/// `w` again gives the `w` back ("ww" is "w", "nhww" is "nhw"), as Unikey does, where
/// after "uw" it gives "uw": the two "ư" are the same text, typed differently.
pub fn apply_remembering(
    word: &str,
    key: char,
    method: Method,
    style: ToneStyle,
    lone_w: bool,
) -> Option<Applied> {
    let action = Action::of(key, method)?;
    let word = nfc(word);
    let syllable = Syllable::parse(&word).filter(Syllable::is_possible)?;
    let plain = |word: String| Applied {
        word,
        lone_w: false,
    };
    if lone_w && action == Action::HornOrBreve && syllable.tone == Tone::Level {
        let mut rest = syllable.clone();
        if rest.letters.pop().is_some_and(|l| l.is('u', Mark::Horn)) {
            let mut text = rest.render(style);
            text.push(key);
            return Some(plain(text));
        }
    }
    let edits = edits(&syllable, action);
    if !edits.tries.is_empty() {
        let current = syllable.render(style);
        for mut candidate in edits.tries {
            candidate.settle();
            if candidate.is_possible() {
                let text = candidate.render(style);
                if text != current {
                    return Some(plain(text));
                }
            }
        }
    }
    if let Some(undone) = edits.undo {
        let mut text = undone.render(style);
        text.push(key);
        return Some(plain(text));
    }
    if action == Action::HornOrBreve
        && let Some(word) = append_u_horn(syllable.clone(), key, style)
    {
        return Some(Applied { word, lone_w: true });
    }
    append_letter(syllable, key, &word, style).map(plain)
}

/// Telex `w` with no vowel to mark types "ư" (`nhw` is "như"), as Unikey and
/// bamboo do by default, where a ư can stand.
fn append_u_horn(mut syllable: Syllable, key: char, style: ToneStyle) -> Option<String> {
    syllable.letters.push(Letter {
        base: 'u',
        mark: Mark::Horn,
        upper: key.is_ascii_uppercase(),
    });
    syllable.settle();
    syllable.is_possible().then(|| syllable.render(style))
}

/// Types each char of `keys` in order, splitting words at any non-letter, exactly as a
/// text field would. Output is NFC.
pub fn type_keys(keys: &str, method: Method, style: ToneStyle) -> String {
    let mut text = String::with_capacity(keys.len() * 2);
    let mut lone_w = false;
    for key in keys.chars() {
        let start = word_start(&text);
        match apply_remembering(&text[start..], key, method, style, lone_w) {
            Some(applied) => {
                text.truncate(start);
                text.push_str(&applied.word);
                lone_w = applied.lone_w;
            }
            None => {
                text.push(key);
                lone_w = false;
            }
        }
    }
    // Keys inserted as typed may be combining marks.
    if is_nfc(&text) {
        text
    } else {
        text.nfc().collect()
    }
}

/// Byte index where the trailing run of letters of `text` starts.
fn word_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(text.len(), |(i, _)| i)
}

fn nfc(word: &str) -> Cow<'_, str> {
    if is_nfc(word) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.nfc().collect())
    }
}

/// A typed letter that is not a mark key (or found nothing to mark) still matters: it can
/// move the tone ("hò" + "a" is "hoà" in the modern style) or complete "ươ" ("thuơ" + "n").
fn append_letter(
    mut syllable: Syllable,
    key: char,
    word: &str,
    style: ToneStyle,
) -> Option<String> {
    syllable.letters.push(Letter::from_key(key)?);
    syllable.settle();
    if !syllable.is_possible() {
        return None;
    }
    let text = syllable.render(style);
    // Unchanged but for the new letter: the field inserts the key itself.
    (text.strip_suffix(key) != Some(word)).then_some(text)
}

/// What a key asks for, before looking at the word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Tone(Tone),
    ClearTone,
    /// Telex names the vowel (`aa`, `ee`, `oo`); VNI's `6` takes any of a, e, o.
    Circumflex(Option<char>),
    Horn,
    Breve,
    /// Telex `w`: horn on u/o, or breve on a.
    HornOrBreve,
    Bar,
    Letter,
}

impl Action {
    fn of(key: char, method: Method) -> Option<Self> {
        let k = key.to_ascii_lowercase();
        let action = match (method, k) {
            (Method::Off, _) => return None,
            (Method::Telex, 's') | (Method::Vni, '1') => Action::Tone(Tone::Acute),
            (Method::Telex, 'f') | (Method::Vni, '2') => Action::Tone(Tone::Grave),
            (Method::Telex, 'r') | (Method::Vni, '3') => Action::Tone(Tone::Hook),
            (Method::Telex, 'x') | (Method::Vni, '4') => Action::Tone(Tone::Tilde),
            (Method::Telex, 'j') | (Method::Vni, '5') => Action::Tone(Tone::Dot),
            (Method::Telex, 'z') | (Method::Vni, '0') => Action::ClearTone,
            (Method::Telex, 'a' | 'e' | 'o') => Action::Circumflex(Some(k)),
            (Method::Vni, '6') => Action::Circumflex(None),
            (Method::Vni, '7') => Action::Horn,
            (Method::Vni, '8') => Action::Breve,
            (Method::Telex, 'w') => Action::HornOrBreve,
            (Method::Telex, 'd') | (Method::Vni, '9') => Action::Bar,
            (_, c) if c.is_ascii_alphabetic() => Action::Letter,
            _ => return None,
        };
        Some(action)
    }
}

/// The six tones, in the order of the forms in [`VOWELS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tone {
    Level,
    Acute,
    Grave,
    Hook,
    Tilde,
    Dot,
}

const TONES: [Tone; 6] = [
    Tone::Level,
    Tone::Acute,
    Tone::Grave,
    Tone::Hook,
    Tone::Tilde,
    Tone::Dot,
];

/// A letter's own diacritic, which unlike the tone belongs to the letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Plain,
    /// â ê ô
    Circumflex,
    /// ă
    Breve,
    /// ơ ư
    Horn,
    /// đ
    Bar,
}

/// Every Vietnamese vowel, lower case: base letter, mark, and its forms with no tone,
/// sắc, huyền, hỏi, ngã and nặng.
const VOWELS: [(char, Mark, [char; 6]); 12] = [
    ('a', Mark::Plain, ['a', 'á', 'à', 'ả', 'ã', 'ạ']),
    ('a', Mark::Breve, ['ă', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ']),
    ('a', Mark::Circumflex, ['â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ']),
    ('e', Mark::Plain, ['e', 'é', 'è', 'ẻ', 'ẽ', 'ẹ']),
    ('e', Mark::Circumflex, ['ê', 'ế', 'ề', 'ể', 'ễ', 'ệ']),
    ('i', Mark::Plain, ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị']),
    ('o', Mark::Plain, ['o', 'ó', 'ò', 'ỏ', 'õ', 'ọ']),
    ('o', Mark::Circumflex, ['ô', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ']),
    ('o', Mark::Horn, ['ơ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ']),
    ('u', Mark::Plain, ['u', 'ú', 'ù', 'ủ', 'ũ', 'ụ']),
    ('u', Mark::Horn, ['ư', 'ứ', 'ừ', 'ử', 'ữ', 'ự']),
    ('y', Mark::Plain, ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ']),
];

/// No Vietnamese syllable is longer ("nghiêng"); longer words are left alone at once.
const MAX_LETTERS: usize = 7;

const INITIALS: [&str; 29] = [
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "q", "qu", "r", "s", "t", "th", "tr", "v", "x",
];

/// "k" is not in the standard set but ends names of the Central Highlands (Đắk Lắk).
const FINALS: [&str; 9] = ["c", "ch", "k", "m", "n", "ng", "nh", "p", "t"];

/// Finals after which only sắc and nặng exist.
const STOPS: [&str; 5] = ["c", "ch", "k", "p", "t"];

/// Vowel groups of Vietnamese syllables (after "qu" and "gi" are taken as consonants),
/// and whether a final consonant may follow.
const NUCLEI: [(&str, bool); 55] = [
    ("a", true),
    ("ă", true),
    ("â", true),
    ("e", true),
    ("ê", true),
    ("i", true),
    ("o", true),
    ("ô", true),
    ("ơ", true),
    ("u", true),
    ("ư", true),
    ("y", true),
    ("ai", false),
    ("ao", false),
    ("au", false),
    ("ay", false),
    ("âu", false),
    ("ây", false),
    ("eo", false),
    ("êu", false),
    ("ia", false),
    ("iê", true),
    ("iu", false),
    ("oa", true),
    ("oă", true),
    ("oe", true),
    ("oi", false),
    ("ôi", false),
    ("ơi", false),
    ("oo", true),
    ("ua", false),
    ("uâ", true),
    ("uê", true),
    ("ui", false),
    ("uô", true),
    ("uơ", false),
    ("uy", true),
    ("ưa", false),
    ("ưi", false),
    ("ươ", true),
    ("ưu", false),
    ("yê", true),
    ("iêu", false),
    ("yêu", false),
    ("oai", false),
    ("oay", false),
    ("oao", false),
    ("oeo", false),
    ("uây", false),
    ("uôi", false),
    ("uya", false),
    ("uyê", true),
    ("uyu", false),
    ("ươi", false),
    ("ươu", false),
];

/// The only vowel groups that take the palatal finals "ch" and "nh" (anh, ênh, inh, uynh,
/// oanh, uênh).
const PALATAL_NUCLEI: [&str; 7] = ["a", "ê", "i", "y", "oa", "uê", "uy"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Letter {
    /// Lower-case ASCII letter under any mark.
    base: char,
    mark: Mark,
    upper: bool,
}

impl Letter {
    fn from_key(key: char) -> Option<Self> {
        key.is_ascii_alphabetic().then(|| Letter {
            base: key.to_ascii_lowercase(),
            mark: Mark::Plain,
            upper: key.is_ascii_uppercase(),
        })
    }

    /// Reads one character of a word; `None` for anything Vietnamese does not write.
    fn decode(c: char) -> Option<(Self, Tone)> {
        if let Some(letter) = Letter::from_key(c) {
            return Some((letter, Tone::Level));
        }
        let mut lower = c.to_lowercase();
        let l = lower.next()?;
        if lower.next().is_some() {
            return None;
        }
        let upper = c.is_uppercase();
        if l == 'đ' {
            let letter = Letter {
                base: 'd',
                mark: Mark::Bar,
                upper,
            };
            return Some((letter, Tone::Level));
        }
        VOWELS.iter().find_map(|&(base, mark, forms)| {
            let tone = forms.iter().position(|&f| f == l)?;
            Some((Letter { base, mark, upper }, TONES[tone]))
        })
    }

    fn is_vowel(self) -> bool {
        matches!(self.base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
    }

    fn is(self, base: char, mark: Mark) -> bool {
        self.base == base && self.mark == mark
    }

    fn forms(self) -> Option<[char; 6]> {
        VOWELS
            .iter()
            .find(|&&(base, mark, _)| base == self.base && mark == self.mark)
            .map(|&(_, _, forms)| forms)
    }

    /// Lower-case, without tone.
    fn spelling(self) -> char {
        self.lower(Tone::Level)
    }

    fn lower(self, tone: Tone) -> char {
        match self.forms() {
            Some(forms) => forms[tone as usize],
            None if self.mark == Mark::Bar => 'đ',
            None => self.base,
        }
    }

    fn render(self, tone: Tone) -> char {
        let lower = self.lower(tone);
        if self.upper {
            lower.to_uppercase().next().unwrap_or(lower)
        } else {
            lower
        }
    }

    /// Whether this letter is `pattern`, or could still become it by taking a mark.
    fn fits(self, pattern: char) -> bool {
        Letter::decode(pattern).is_some_and(|(p, _)| {
            p.base == self.base && (p.mark == self.mark || self.mark == Mark::Plain)
        })
    }
}

fn spelled(letters: &[Letter], text: &str) -> bool {
    letters.iter().map(|l| l.spelling()).eq(text.chars())
}

fn fits_prefix(letters: &[Letter], pattern: &str) -> bool {
    letters.len() <= pattern.chars().count()
        && letters.iter().zip(pattern.chars()).all(|(l, p)| l.fits(p))
}

fn fits_exactly(letters: &[Letter], pattern: &str) -> bool {
    letters.len() == pattern.chars().count() && fits_prefix(letters, pattern)
}

/// A word read as one syllable: its letters and its one tone. Where the tone sits is not
/// stored; it is worked out from the letters each time, so it moves as the word grows.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Syllable {
    letters: Vec<Letter>,
    tone: Tone,
}

impl Syllable {
    fn parse(word: &str) -> Option<Self> {
        let mut letters = Vec::with_capacity(MAX_LETTERS + 1);
        let mut tone = Tone::Level;
        for c in word.chars() {
            if letters.len() == MAX_LETTERS {
                return None;
            }
            let (letter, letter_tone) = Letter::decode(c)?;
            if letter_tone != Tone::Level {
                // Two tones cannot be one syllable.
                if tone != Tone::Level {
                    return None;
                }
                tone = letter_tone;
            }
            letters.push(letter);
        }
        Some(Syllable { letters, tone })
    }

    fn with_tone(&self, tone: Tone) -> Self {
        Syllable {
            letters: self.letters.clone(),
            tone,
        }
    }

    fn with_mark(&self, at: usize, mark: Mark) -> Self {
        let mut changed = self.clone();
        changed.letters[at].mark = mark;
        changed
    }

    /// Range of the vowel group. The u of "qu" and the i of "gi" before another vowel
    /// belong to the consonant ("quá", "giữa"), so the tone never lands on them.
    fn nucleus(&self) -> (usize, usize) {
        let letters = &self.letters;
        let first = letters
            .iter()
            .position(|l| l.is_vowel())
            .unwrap_or(letters.len());
        let start = match letters.as_slice() {
            [c, v, next, ..]
                if first == 1
                    && next.is_vowel()
                    && (c.base == 'q' && v.is('u', Mark::Plain)
                        || c.base == 'g' && v.is('i', Mark::Plain)) =>
            {
                2
            }
            _ => first,
        };
        let end = start + letters[start..].iter().take_while(|l| l.is_vowel()).count();
        (start, end)
    }

    /// Whether the word is a Vietnamese syllable, or the start of one still being typed
    /// (marks may still come, so "tien" counts as the start of "tiên").
    fn is_possible(&self) -> bool {
        if self.letters.len() > MAX_LETTERS {
            return false;
        }
        let (start, end) = self.nucleus();
        let initial = &self.letters[..start];
        let vowels = &self.letters[start..end];
        let coda = &self.letters[end..];
        if coda.iter().any(|l| l.is_vowel()) || !INITIALS.iter().any(|i| spelled(initial, i)) {
            return false;
        }
        if spelled(initial, "q") {
            // Only "qu" itself, still waiting for its vowel.
            return vowels.is_empty() || (spelled(vowels, "u") && coda.is_empty());
        }
        if coda.is_empty() {
            return NUCLEI.iter().any(|&(n, _)| fits_prefix(vowels, n));
        }
        let stop = STOPS.iter().any(|f| spelled(coda, f));
        let palatal = spelled(coda, "ch") || spelled(coda, "nh");
        !vowels.is_empty()
            && FINALS.iter().any(|f| spelled(coda, f))
            && NUCLEI
                .iter()
                .any(|&(n, closable)| closable && fits_exactly(vowels, n))
            && (!palatal || PALATAL_NUCLEI.iter().any(|n| fits_exactly(vowels, n)))
            && (!stop || matches!(self.tone, Tone::Level | Tone::Acute | Tone::Dot))
    }

    /// Settles "ươ", which typists reach in several steps: once anything follows it, both
    /// letters take the horn ("ưo" + "n", "uơ" + "i"); left open with a tone, it is the
    /// "uơ" of "thuở", since no word is spelled "thưở".
    fn settle(&mut self) {
        let (start, end) = self.nucleus();
        let Some(i) = self.letters[start..end]
            .windows(2)
            .position(|pair| pair[0].base == 'u' && pair[1].base == 'o')
            .map(|i| start + i)
        else {
            return;
        };
        let followed = i + 2 < self.letters.len();
        let (u, o) = (self.letters[i].mark, self.letters[i + 1].mark);
        if followed && o != Mark::Circumflex && (u == Mark::Horn || o == Mark::Horn) {
            self.letters[i].mark = Mark::Horn;
            self.letters[i + 1].mark = Mark::Horn;
        } else if !followed && u == Mark::Horn && o == Mark::Horn && self.tone != Tone::Level {
            self.letters[i].mark = Mark::Plain;
        }
    }

    /// Index of the letter that carries the tone, by the modern placement rules.
    fn tone_at(&self, style: ToneStyle) -> Option<usize> {
        let (start, end) = self.nucleus();
        let vowels = &self.letters[start..end];
        if vowels.is_empty() {
            return None;
        }
        // A vowel with its own mark wins; in "ươ" the second one.
        if let Some(i) = vowels.iter().rposition(|l| l.mark != Mark::Plain) {
            return Some(start + i);
        }
        let closed = end < self.letters.len();
        let offset = match vowels.len() {
            n if closed => n - 1,
            1 => 0,
            2 if style == ToneStyle::Modern
                && ["oa", "oe", "uy"].iter().any(|p| spelled(vowels, p)) =>
            {
                1
            }
            2 => 0,
            _ => 1,
        };
        Some(start + offset)
    }

    fn render(&self, style: ToneStyle) -> String {
        let at = self.tone_at(style);
        let mut text = String::with_capacity(self.letters.len() * 3);
        for (i, letter) in self.letters.iter().enumerate() {
            let tone = if at == Some(i) {
                self.tone
            } else {
                Tone::Level
            };
            text.push(letter.render(tone));
        }
        text
    }
}

/// What a key can do to a syllable: the changes to try, best first, and what the key
/// undoes when none of them changes anything (a mark key typed twice).
#[derive(Default)]
struct Edits {
    tries: Vec<Syllable>,
    undo: Option<Syllable>,
}

impl Edits {
    fn to(syllable: Syllable) -> Self {
        Edits {
            tries: vec![syllable],
            undo: None,
        }
    }

    fn undoing(syllable: Syllable) -> Self {
        Edits {
            tries: Vec::new(),
            undo: Some(syllable),
        }
    }
}

fn edits(syllable: &Syllable, action: Action) -> Edits {
    let (start, end) = syllable.nucleus();
    match action {
        Action::Tone(tone) if start < end && syllable.tone == tone => {
            Edits::undoing(syllable.with_tone(Tone::Level))
        }
        Action::Tone(tone) if start < end => Edits::to(syllable.with_tone(tone)),
        Action::ClearTone if syllable.tone != Tone::Level => {
            Edits::to(syllable.with_tone(Tone::Level))
        }
        Action::Circumflex(vowel) => circumflex(syllable, start..end, vowel),
        Action::Horn => horn_or_breve(syllable, start..end, &[Mark::Horn]),
        Action::Breve => horn_or_breve(syllable, start..end, &[Mark::Breve]),
        Action::HornOrBreve => horn_or_breve(syllable, start..end, &[Mark::Horn, Mark::Breve]),
        Action::Bar => bar(syllable),
        Action::Tone(_) | Action::ClearTone | Action::Letter => Edits::default(),
    }
}

fn circumflex(syllable: &Syllable, nucleus: std::ops::Range<usize>, vowel: Option<char>) -> Edits {
    let letters = &syllable.letters;
    let targets: Vec<usize> = nucleus
        .clone()
        .rev()
        .filter(|&i| match vowel {
            Some(v) => letters[i].base == v,
            None => matches!(letters[i].base, 'a' | 'e' | 'o'),
        })
        .collect();
    let tries = targets
        .iter()
        .map(|&i| {
            let mut changed = syllable.with_mark(i, Mark::Circumflex);
            // "ươ" + "o" is "uô", not "ưô".
            if letters[i].base == 'o' && i > nucleus.start && letters[i - 1].is('u', Mark::Horn) {
                changed.letters[i - 1].mark = Mark::Plain;
            }
            changed
        })
        .collect();
    Edits {
        tries,
        undo: without(syllable, targets, &[Mark::Circumflex]),
    }
}

/// Horn and breve keys. The horn goes on "uo" together first ("dương"), then on a single
/// u or o; the breve on a. The first that makes a possible syllable wins, which is how
/// `w` on "hoa" becomes "hoă" rather than "hơa". An open "uo" takes the horn on the o
/// alone ("huow" is "huơ", as in "huơ tay"); a letter typed after it puts the horn on
/// both ("huơ" + "n" is "hươn", see [`Syllable::settle`]), and "ưo" keeps its ư.
fn horn_or_breve(syllable: &Syllable, nucleus: std::ops::Range<usize>, wanted: &[Mark]) -> Edits {
    let letters = &syllable.letters;
    let mut tries = Vec::new();
    let pair = nucleus
        .clone()
        .find(|&i| i + 1 < nucleus.end && letters[i].base == 'u' && letters[i + 1].base == 'o');
    if wanted.contains(&Mark::Horn)
        && let Some(i) = pair
    {
        // Telex's w only: VNI's 7 names the horn alone, and "uo7" is "ươ" as in Unikey.
        let open = wanted.contains(&Mark::Breve)
            && i + 2 == letters.len()
            && letters[i].mark == Mark::Plain;
        let mut changed = syllable.with_mark(i + 1, Mark::Horn);
        if !open {
            changed.letters[i].mark = Mark::Horn;
        }
        tries.push(changed);
    }
    for (base, mark) in [('u', Mark::Horn), ('o', Mark::Horn), ('a', Mark::Breve)] {
        if wanted.contains(&mark) {
            // The u of "uo" takes its horn with the o, above, or not at all.
            for i in nucleus
                .clone()
                .filter(|&i| letters[i].base == base && !(base == 'u' && pair == Some(i)))
            {
                tries.push(syllable.with_mark(i, mark));
            }
        }
    }
    Edits {
        tries,
        undo: without(syllable, nucleus, wanted),
    }
}

/// The syllable with `marks` taken off the letters at `at`, if any of them had one: what a
/// mark key typed twice leaves.
fn without(
    syllable: &Syllable,
    at: impl IntoIterator<Item = usize>,
    marks: &[Mark],
) -> Option<Syllable> {
    let mut undone = syllable.clone();
    let mut any = false;
    for i in at {
        let letter = &mut undone.letters[i];
        if marks.contains(&letter.mark) {
            letter.mark = Mark::Plain;
            any = true;
        }
    }
    any.then_some(undone)
}

/// Đ only ever starts a Vietnamese word, so the bar key looks at the first letter alone.
fn bar(syllable: &Syllable) -> Edits {
    match syllable.letters.first() {
        Some(first) if first.is('d', Mark::Plain) => Edits::to(syllable.with_mark(0, Mark::Bar)),
        Some(first) if first.is('d', Mark::Bar) => {
            Edits::undoing(syllable.with_mark(0, Mark::Plain))
        }
        _ => Edits::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn telex(keys: &str) -> String {
        type_keys(keys, Method::Telex, ToneStyle::Classic)
    }

    fn vni(keys: &str) -> String {
        type_keys(keys, Method::Vni, ToneStyle::Classic)
    }

    fn check(cases: &[(&str, &str)], typer: fn(&str) -> String) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|&(keys, want)| {
                let got = typer(keys);
                (got != want).then(|| format!("{keys:?} gave {got:?}, want {want:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn vowel_table_matches_unicode() {
        let marks = |mark| match mark {
            Mark::Plain => "",
            Mark::Circumflex => "\u{302}",
            Mark::Breve => "\u{306}",
            Mark::Horn => "\u{31b}",
            Mark::Bar => unreachable!("no vowel has a bar"),
        };
        let tones = ["", "\u{301}", "\u{300}", "\u{309}", "\u{303}", "\u{323}"];
        for (base, mark, forms) in VOWELS {
            for (form, tone) in forms.iter().zip(tones) {
                let want: String = format!("{base}{}{tone}", marks(mark)).nfc().collect();
                assert_eq!(form.to_string(), want, "{base} {mark:?} {tone:?}");
            }
        }
    }

    #[test]
    fn unikey_habits_w_alone_and_open_uo() {
        // Issue 23 point 5.
        check(
            &[
                ("nhw", "như"),
                ("w", "ư"),
                ("W", "Ư"),
                ("ww", "w"),
                ("www", "ww"),
                ("nhww", "nhw"),
                ("tw", "tư"),
                ("trwowngf", "trường"),
                ("nhwngx", "những"),
                ("giw", "giư"),
                ("wiw", "uiw"),
                ("huow", "huơ"),
                ("huow tay", "huơ tay"),
                ("thuowr", "thuở"),
                ("thuow", "thuơ"),
                ("huowng", "hương"),
                ("nguowif", "người"),
                ("duowngf", "dường"),
                ("uwow", "ươ"),
                ("huoww", "huow"),
                ("quow", "quơ"),
            ],
            telex,
        );
        // Where w can mark no vowel and a ư cannot stand, it stays a w.
        check(
            &[("nhinw", "nhinw"), ("www.", "ww."), ("hwng", "hưng")],
            telex,
        );
    }

    #[test]
    fn double_key_undoes_the_mark_and_types_the_key() {
        check(
            &[
                ("aaa", "aa"),
                ("eee", "ee"),
                ("ooo", "oo"),
                ("aww", "aw"),
                ("oww", "ow"),
                ("uww", "uw"),
                ("ddd", "dd"),
                ("DDD", "DD"),
                ("ass", "as"),
                ("aff", "af"),
                ("arr", "ar"),
                ("axx", "ax"),
                ("ajj", "aj"),
                ("tieengss", "tiêngs"),
                ("duowngw", "duongw"),
            ],
            telex,
        );
        check(
            &[
                ("a66", "a6"),
                ("a88", "a8"),
                ("o77", "o7"),
                ("d99", "d9"),
                ("a11", "a1"),
                ("a55", "a5"),
                ("duo7ng7", "duong7"),
            ],
            vni,
        );
    }

    #[test]
    fn after_an_undo_the_key_stays_a_plain_letter() {
        check(
            &[
                ("aaaa", "aaa"),
                ("asss", "ass"),
                ("dddd", "ddd"),
                ("uwww", "uww"),
                // "oo" is a real vowel pair (xoong), so undoing leaves a syllable that
                // goes on being typed.
                ("xooong", "xoong"),
                ("xooongs", "xoóng"),
            ],
            telex,
        );
        check(&[("a666", "a66")], vni);
    }

    #[test]
    fn z_and_zero_remove_the_tone() {
        check(
            &[
                ("asz", "a"),
                ("hoafz", "hoa"),
                ("Nguyeenxz", "Nguyên"),
                ("tieengsz", "tiêng"),
                ("nguwowifzf", "người"),
                // Nothing to remove: the key is a letter.
                ("az", "az"),
                ("z", "z"),
            ],
            telex,
        );
        check(
            &[("a10", "a"), ("hoa20", "hoa"), ("a0", "a0"), ("0", "0")],
            vni,
        );
    }

    #[test]
    fn words_vietnamese_cannot_have_are_left_alone() {
        check(
            &[
                ("email", "email"),
                ("class", "class"),
                ("str", "str"),
                ("cls", "cls"),
                ("HC-0012", "HC-0012"),
                ("hs", "hs"),
                ("ngx", "ngx"),
                ("VNeID", "VNeID"),
                ("Zalo", "Zalo"),
                ("facebook", "facebook"),
                // A tone on a syllable ending in c, ch, p, t other than sắc and nặng.
                ("bacf", "bacf"),
                ("mawtx", "mătx"),
                ("internationalization", "internationalization"),
            ],
            telex,
        );
        // The cost of `w` alone as "ư" (issue 23), as in Unikey: a word that starts with
        // w, typed in a field where Telex is on, starts with ư. ID, phone, number and
        // choice fields never type Telex (`screens::form`), so codes are not touched.
        check(
            &[
                ("Windows", "Ưindows"),
                ("www", "ww"),
                ("w", "ư"),
                ("tw", "tư"),
            ],
            telex,
        );
        check(
            &[
                ("HC-0012", "HC-0012"),
                ("B2", "B2"),
                ("0912345678", "0912345678"),
            ],
            vni,
        );
    }

    #[test]
    fn upper_case_is_kept() {
        check(
            &[
                ("NGUYEENX", "NGUYỄN"),
                ("Nguyeenx", "Nguyễn"),
                ("DD", "Đ"),
                ("Dd", "Đ"),
                ("dD", "đ"),
                ("DDUWOWNGF", "ĐƯỜNG"),
                ("AAS", "Ấ"),
                ("Aas", "Ấ"),
                ("aAs", "ấ"),
                ("UYR", "ỦY"),
            ],
            telex,
        );
        check(&[("NGUYE6N4", "NGUYỄN"), ("D9A8NG5", "ĐẶNG")], vni);
    }

    #[test]
    fn tone_moves_as_letters_are_added() {
        let modern = |keys: &str| type_keys(keys, Method::Telex, ToneStyle::Modern);
        assert_eq!(telex("hofa"), telex("hoaf"));
        assert_eq!(modern("hofa"), modern("hoaf"));
        assert_eq!(modern("hofa"), "hoà");
        assert_eq!(telex("hofang"), "hoàng");
        assert_eq!(telex("mufa"), "mùa");
        assert_eq!(telex("gifa"), "già");
        assert_eq!(telex("qusa"), "quá");
        assert_eq!(telex("ngofai"), "ngoài");
        assert_eq!(telex("tiengse"), "tiếng");
        assert_eq!(telex("truwowfng"), "trường");
        // At the level of one key: the letter is consumed only when the tone moves.
        let one = |word, key, style| apply(word, key, Method::Telex, style);
        assert_eq!(one("hò", 'a', ToneStyle::Modern).as_deref(), Some("hoà"));
        assert_eq!(one("hò", 'a', ToneStyle::Classic), None);
        assert_eq!(one("hòa", 'n', ToneStyle::Classic).as_deref(), Some("hoàn"));
        assert_eq!(one("hoàn", 'g', ToneStyle::Classic), None);
    }

    #[test]
    fn tone_placement() {
        check(
            &[
                ("nguwowif", "người"),
                ("ruwowuj", "rượu"),
                ("khuyur", "khuỷu"),
                ("ngoaif", "ngoài"),
                ("tuooir", "tuổi"),
                ("khuyeens", "khuyến"),
                ("thuyeets", "thuyết"),
                ("tuaans", "tuấn"),
                ("hoangf", "hoàng"),
                ("quas", "quá"),
                ("quoocs", "quốc"),
                ("gias", "giá"),
                ("giuwax", "giữa"),
                ("gif", "gì"),
                ("muaf", "mùa"),
                ("haif", "hài"),
                ("thuowr", "thuở"),
                ("huynhf", "huỳnh"),
            ],
            telex,
        );
        let styles = [
            ("hoaf", "hòa", "hoà"),
            ("khoer", "khỏe", "khoẻ"),
            ("thuyr", "thủy", "thuỷ"),
            ("hoangf", "hoàng", "hoàng"),
            ("quys", "quý", "quý"),
        ];
        for (keys, classic, modern) in styles {
            assert_eq!(type_keys(keys, Method::Telex, ToneStyle::Classic), classic);
            assert_eq!(type_keys(keys, Method::Telex, ToneStyle::Modern), modern);
        }
    }

    #[test]
    fn marks_can_follow_the_rest_of_the_word() {
        check(
            &[
                ("duowng", "dương"),
                ("truongwf", "trường"),
                ("nguoiwf", "người"),
                ("vietej", "việt"),
                ("hoacwj", "hoặc"),
                ("tuanas", "tuấn"),
                ("dongd", "đong"),
                // Open, Telex's w horns the o alone ("huơ"); "uwow" types "ươ".
                ("uow", "uơ"),
                ("uwow", "ươ"),
            ],
            telex,
        );
        check(&[("viet65", "việt"), ("uo7", "ươ"), ("dong9", "đong")], vni);
    }

    #[test]
    fn off_inserts_every_key() {
        for word in ["", "a", "â", "hoa", "Nguyên", "dd"] {
            for key in ['a', 's', 'w', 'd', 'z', '1', '6', '9', ' ', 'é'] {
                for style in [ToneStyle::Classic, ToneStyle::Modern] {
                    assert_eq!(
                        apply(word, key, Method::Off, style),
                        None,
                        "{word:?} {key:?}"
                    );
                }
            }
        }
        let keys = "Nguyeenx Vawn An d9a6";
        assert_eq!(type_keys(keys, Method::Off, ToneStyle::Classic), keys);
    }

    #[test]
    fn odd_words_are_read_safely() {
        // Decomposed input is read as the letters it stands for.
        assert_eq!(
            apply("Nguye\u{302}n", 'x', Method::Telex, ToneStyle::Classic).as_deref(),
            Some("Nguyễn")
        );
        // Two tones, symbols, letters Vietnamese does not write: left alone.
        for word in ["áà", "a-b", "ñam", "İa", "😀", "a\u{200d}", "日本"] {
            assert_eq!(
                apply(word, 's', Method::Telex, ToneStyle::Classic),
                None,
                "{word:?}"
            );
        }
    }

    /// A small xorshift generator, so the test needs no extra crate and is repeatable.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    #[test]
    fn never_panics_and_always_gives_nfc() {
        let pieces = [
            "a",
            "e",
            "o",
            "u",
            "y",
            "i",
            "d",
            "w",
            "s",
            "f",
            "r",
            "x",
            "j",
            "z",
            "q",
            "g",
            "n",
            "h",
            "A",
            "W",
            "D",
            "0",
            "1",
            "6",
            "7",
            "8",
            "9",
            " ",
            "-",
            "ư",
            "ơ",
            "đ",
            "Đ",
            "ễ",
            "\u{301}",
            "\u{323}",
            "\u{302}",
            "\u{31b}",
            "😀",
            "👍🏽",
            "👨‍👩‍👧",
            "\u{200d}",
            "İ",
            "ß",
            "ﬁ",
            "K",
            "日",
            "\u{0}",
            "\t",
            "ǅ",
            "ÿ",
            "e\u{301}",
        ];
        let mut rng = Rng(0x5eed_1234_abcd_9876);
        for _ in 0..3000 {
            let len = (rng.next() % 12) as usize;
            let keys: String = (0..len).map(|_| rng.pick(&pieces)).collect();
            for method in [Method::Off, Method::Telex, Method::Vni] {
                for style in [ToneStyle::Classic, ToneStyle::Modern] {
                    let typed = type_keys(&keys, method, style);
                    assert!(is_nfc(&typed), "{keys:?} gave {typed:?}");
                    for key in keys.chars() {
                        if let Some(word) = apply(&keys, key, method, style) {
                            assert!(is_nfc(&word), "{keys:?} + {key:?} gave {word:?}");
                        }
                    }
                }
            }
        }
    }
}
