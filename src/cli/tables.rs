//! How listings are laid out: `--format table|csv`, plain aligned tables and
//! cells cut to a width. Measures columns with `unicode-width`, so
//! Vietnamese text lines up.

use std::io::Write;

use clap::ValueEnum;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
}

/// A plain aligned table; the last column is not padded (it may be long).
pub(super) fn write_rows(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(c, *w))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for r in rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}

/// Cuts a value to `width` columns, with an ellipsis when cut.
pub(super) fn fit(s: &str, width: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    if s.width() <= width {
        return pad(s, width);
    }
    let mut out = String::new();
    for g in s.graphemes(true) {
        if out.width() + g.width() + 1 > width {
            break;
        }
        out.push_str(g);
    }
    out.push('…');
    pad(&out, width)
}

pub(super) fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}
