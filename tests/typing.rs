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

fn rows() -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/telex_syllables.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(i, line)| match line.split('\t').collect::<Vec<_>>()[..] {
            [telex, vni, classic, modern] => Row {
                line: i + 1,
                telex: telex.to_owned(),
                vni: vni.to_owned(),
                classic: classic.to_owned(),
                modern: modern.to_owned(),
            },
            _ => panic!("line {}: want 4 tab-separated columns: {line:?}", i + 1),
        })
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
