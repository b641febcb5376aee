//! Types every row of `tests/data/telex_syllables.tsv` with both methods and both tone
//! styles, and reports every row that comes out wrong, not just the first.

use std::path::Path;

use tothon::tui::typing::{Method, ToneStyle, type_keys};
use unicode_normalization::is_nfc;

struct Row {
    line: usize,
    telex: String,
    vni: String,
    classic: String,
    modern: String,
}

/// The lines of a file of `tests/data` that are not blank or comments, with their
/// line numbers.
fn data_lines(name: &str) -> Vec<(usize, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(i, line)| (i + 1, line.to_owned()))
        .collect()
}

fn rows() -> Vec<Row> {
    data_lines("telex_syllables.tsv")
        .into_iter()
        .map(
            |(line, text)| match text.split('\t').collect::<Vec<_>>()[..] {
                [telex, vni, classic, modern] => Row {
                    line,
                    telex: telex.to_owned(),
                    vni: vni.to_owned(),
                    classic: classic.to_owned(),
                    modern: modern.to_owned(),
                },
                _ => panic!("line {line}: want 4 tab-separated columns: {text:?}"),
            },
        )
        .collect()
}

#[test]
fn table_is_large_and_written_in_nfc() {
    let rows = rows();
    assert!(rows.len() >= 250, "only {} rows", rows.len());
    for row in &rows {
        assert!(is_nfc(&row.classic), "line {}: classic not NFC", row.line);
        assert!(is_nfc(&row.modern), "line {}: modern not NFC", row.line);
    }
}

#[test]
fn every_row_types_as_expected() {
    let rows = rows();
    let mut failures = Vec::new();
    for row in &rows {
        for (style, want) in [
            (ToneStyle::Classic, &row.classic),
            (ToneStyle::Modern, &row.modern),
        ] {
            for (method, keys) in [(Method::Telex, &row.telex), (Method::Vni, &row.vni)] {
                let got = type_keys(keys, method, style);
                if &got != want {
                    failures.push(format!(
                        "line {}: {method:?} {style:?} {keys:?} gave {got:?}, want {want:?}",
                        row.line
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n{}",
        failures.len(),
        rows.len() * 4,
        failures.join("\n")
    );
}

#[test]
fn off_types_every_row_verbatim() {
    for row in rows() {
        for keys in [&row.telex, &row.vni] {
            assert_eq!(&type_keys(keys, Method::Off, ToneStyle::Classic), keys);
        }
    }
}

/// One case of `tests/data/bamboo_telex.tsv`.
struct BambooCase {
    line: usize,
    keys: String,
    bamboo: String,
    styles: Vec<ToneStyle>,
    tothon: Option<String>,
    reason: String,
}

fn bamboo_cases() -> Vec<BambooCase> {
    data_lines("bamboo_telex.tsv")
        .into_iter()
        .map(|(line, text)| {
            let cols: Vec<&str> = text.split('\t').collect();
            let [keys, bamboo, style, tothon, reason] = cols[..] else {
                panic!("line {line}: want 5 tab-separated columns: {text:?}");
            };
            let styles = match style {
                "any" => vec![ToneStyle::Classic, ToneStyle::Modern],
                "modern" => vec![ToneStyle::Modern],
                other => panic!("line {line}: style {other:?}"),
            };
            BambooCase {
                line,
                keys: keys.to_owned(),
                bamboo: bamboo.to_owned(),
                styles,
                tothon: (!tothon.is_empty()).then(|| tothon.to_owned()),
                reason: reason.to_owned(),
            }
        })
        .collect()
}

/// Every Telex case of an independent engine's tests gives bamboo's result, or the
/// reviewed one listed beside it with its reason (none of them a real syllable).
#[test]
fn bamboo_core_telex_cases_type_as_bamboo_or_as_reviewed() {
    let cases = bamboo_cases();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let want = case.tothon.as_ref().unwrap_or(&case.bamboo);
        assert_eq!(
            case.tothon.is_some(),
            !case.reason.is_empty(),
            "line {}: a differing result needs a reason, and only it",
            case.line
        );
        assert_ne!(
            case.tothon.as_ref(),
            Some(&case.bamboo),
            "line {}",
            case.line
        );
        for &style in &case.styles {
            let text = type_keys(&case.keys, Method::Telex, style);
            let last = text.split_whitespace().last().unwrap_or("");
            if last != want {
                failures.push(format!(
                    "line {}: {style:?} {:?} gave {last:?}, want {want:?}",
                    case.line, case.keys
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Telex keys a careful typist uses for `word`: each letter with its own mark
/// (`aa aw ee oo ow uw dd`), the tone key last (`s f r x j`).
fn telex_keys_of(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut keys = String::new();
    let mut tone = None;
    let mut previous = None;
    for c in word.chars() {
        if c == 'đ' || c == 'Đ' {
            keys.push_str(if c == 'đ' { "dd" } else { "DD" });
            continue;
        }
        let mut parts = c.nfd().peekable();
        let Some(base) = parts.next() else { continue };
        keys.push(base);
        // A plain vowel doubled ("xoong") is typed thrice: the third key undoes the ô.
        let marked = parts
            .peek()
            .is_some_and(|m| ['\u{302}', '\u{306}', '\u{31b}'].contains(m));
        if previous == Some(base) && matches!(base, 'a' | 'e' | 'o') && !marked {
            keys.push(base);
        }
        previous = (!marked).then_some(base);
        for mark in parts {
            match mark {
                '\u{302}' => keys.push(base),
                '\u{306}' | '\u{31b}' => keys.push('w'),
                '\u{301}' => tone = Some('s'),
                '\u{300}' => tone = Some('f'),
                '\u{309}' => tone = Some('r'),
                '\u{303}' => tone = Some('x'),
                '\u{323}' => tone = Some('j'),
                other => panic!("{word:?}: no Telex key for U+{:04X}", other as u32),
            }
        }
    }
    keys.extend(tone);
    keys
}

/// `word` without its tone mark, and the tone mark: where the tone sits is the only
/// thing the two tone styles may disagree on.
fn tone_apart(word: &str) -> (String, Vec<char>) {
    use unicode_normalization::UnicodeNormalization;
    let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let marks: Vec<char> = word.nfd().filter(|c| tones.contains(c)).collect();
    let bare: String = word.nfd().filter(|c| !tones.contains(c)).nfc().collect();
    (bare, marks)
}

/// Every entry of a public syllable list, typed with Telex in both tone styles, comes back
/// as written in one style and differs in the other only in where the tone sits; the
/// entries allowed to differ (none a real syllable) are listed with their reason.
#[test]
fn every_syllable_of_a_public_list_types_back_in_both_tone_styles() {
    let words: Vec<String> = data_lines("vi_syllables.txt")
        .into_iter()
        .map(|(_, word)| word)
        .collect();
    assert!(words.len() > 6000, "only {} entries", words.len());
    let allowed: std::collections::BTreeMap<String, String> = data_lines("vi_syllables_differ.tsv")
        .iter()
        .map(|(_, l)| match l.split_once('\t') {
            Some((word, reason)) if !reason.trim().is_empty() => {
                (word.to_owned(), reason.to_owned())
            }
            _ => panic!("vi_syllables_differ.tsv: want a word and a reason: {l:?}"),
        })
        .collect();
    let mut wrong = Vec::new();
    let mut differing = Vec::new();
    for word in &words {
        assert!(is_nfc(word), "{word:?} is not NFC");
        let keys = telex_keys_of(word);
        let classic = type_keys(&keys, Method::Telex, ToneStyle::Classic);
        let modern = type_keys(&keys, Method::Telex, ToneStyle::Modern);
        let right = (classic == *word || modern == *word)
            && tone_apart(&classic) == tone_apart(word)
            && tone_apart(&modern) == tone_apart(word);
        if !right {
            differing.push(word.clone());
            if !allowed.contains_key(word) {
                wrong.push(format!(
                    "{word:?} typed {keys:?} gave {classic:?} / {modern:?}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} entries typed wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // The list of exceptions holds only entries that do differ.
    let stale: Vec<&String> = allowed.keys().filter(|w| !differing.contains(w)).collect();
    assert!(
        stale.is_empty(),
        "listed as differing but typed right: {stale:?}"
    );
}

#[test]
fn telex_keys_are_derived_as_typed() {
    assert_eq!(telex_keys_of("người"), "nguwowif");
    assert_eq!(telex_keys_of("Nguyễn"), "Nguyeenx");
    assert_eq!(telex_keys_of("đắk"), "ddawks");
    assert_eq!(telex_keys_of("HĐND"), "HDDND");
    assert_eq!(telex_keys_of("xoong"), "xooong");
    assert_eq!(telex_keys_of("boóng"), "booongs");
}
