//! The report in words: each line of the report spec (`data/report.json`)
//! with its placeholders filled in the reader's language, as plain text,
//! Markdown or CSV rows, and the per-village table.

use crate::domain::form;
use crate::domain::report::{LineNumbers, Report, percent, whole_percent};
use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Csv,
}

/// One line of the report: a stable key, the sentence, and its number(s)
/// for the CSV form.
pub struct Item {
    pub key: &'static str,
    pub sentence: String,
    pub value: usize,
    pub of: usize,
}

/// A share to a tenth of a percent; Vietnamese writes a decimal comma:
/// "55,8%".
fn pct(part: usize, whole: usize, lang: Lang) -> String {
    let text = format!("{:.1}%", percent(part, whole));
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A share of a target as a whole percentage ("đạt 100% chỉ tiêu"):
/// never 100 short of it, and past 100 when it is beaten ("đạt 105%").
fn whole_pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".to_string();
    }
    let share = part as f64 / whole as f64;
    if share >= 1.0 {
        format!("{}%", (share * 100.0).round() as u64)
    } else {
        format!("{}%", whole_percent(share))
    }
}

pub fn title(r: &Report, lang: Lang) -> String {
    let date = r.as_of.format("%d/%m/%Y");
    match lang {
        Lang::Vi => format!(
            "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 — {}, tính đến ngày {date}",
            r.commune
        ),
        Lang::En => format!("PROJECT 06 PROGRESS REPORT — {}, as of {date}", r.commune),
    }
}

/// Every line of the report, in the spec's order.
pub fn items(r: &Report, lang: Lang) -> Vec<Item> {
    r.lines().map(|line| item(line, lang)).collect()
}

/// Each section's heading and its lines.
pub fn sections(r: &Report, lang: Lang) -> Vec<(String, Vec<Item>)> {
    r.sections
        .iter()
        .map(|(heading, lines)| {
            let items = lines.iter().map(|l| item(l, lang)).collect();
            (heading.get(lang).to_string(), items)
        })
        .collect()
}

fn item(line: &LineNumbers, lang: Lang) -> Item {
    let spec = line.spec;
    let sentence = match &spec.zero {
        Some(zero) if line.get(&zero.count, None) == 0 => match lang {
            Lang::Vi => zero.vi.clone(),
            Lang::En => zero.en.clone(),
        },
        _ => fill(spec.wording(lang), line, lang),
    };
    Item {
        key: &spec.key,
        sentence,
        value: line.value(None),
        of: line.of(None),
    }
}

/// The wording with each `{placeholder}` replaced (see
/// `domain::report::LineSpec`).
fn fill(wording: &str, line: &LineNumbers, lang: Lang) -> String {
    let mut out = String::with_capacity(wording.len() + 32);
    let mut rest = wording;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            // (The spec's test holds every brace closed.)
            rest = &rest[open..];
            break;
        };
        out.push_str(&placeholder(&rest[open + 1..open + close], line, lang));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

fn placeholder(name: &str, line: &LineNumbers, lang: Lang) -> String {
    let number = |name: &str| match name {
        "target" => line.target.unwrap_or(0),
        _ => line.get(name, None),
    };
    if name == "with_target" {
        return match (&line.spec.with_target, line.target) {
            // Its own words never hold it again (the spec is checked so).
            (Some(words), Some(_)) => {
                fill(&words.get(lang).replace("{with_target}", ""), line, lang)
            }
            _ => String::new(),
        };
    }
    if let Some((part, whole)) = name.split_once("%%") {
        return whole_pct(number(part), number(whole));
    }
    if let Some((part, whole)) = name.split_once('%') {
        return pct(number(part), number(whole), lang);
    }
    match line.count(name) {
        Some(count) if line.spec.counts[name].by.is_some() => breakdown(line, name, count, lang),
        _ => number(name).to_string(),
    }
}

/// "label N; label N", most first: the values of a count's `by` field.
fn breakdown(
    line: &LineNumbers,
    name: &str,
    count: &crate::domain::report::Count,
    lang: Lang,
) -> String {
    let spec = &line.spec.counts[name];
    let (form, field) = (
        spec.form.as_deref().unwrap_or(""),
        spec.by.as_deref().unwrap_or(""),
    );
    let mut list: Vec<(&String, &usize)> = count.by_value.iter().collect();
    crate::sort::sort_by(&mut list, |a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    list.iter()
        .map(|(id, n)| format!("{} {n}", form::choice_label(form, field, id, lang)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Roman numerals for the sections, as the commune's reports number them.
const SECTION_NUMBERS: [&str; 6] = ["I", "II", "III", "IV", "V", "VI"];

fn section_number(n: usize) -> String {
    SECTION_NUMBERS
        .get(n)
        .map_or_else(|| (n + 1).to_string(), |s| s.to_string())
}

/// The whole report in one format.
pub fn render(r: &Report, lang: Lang, format: Format) -> String {
    let (header, rows) = village_table(r, lang);
    match format {
        Format::Text => {
            let mut out = format!("{}\n", title(r, lang));
            for (s, (heading, items)) in sections(r, lang).into_iter().enumerate() {
                out.push_str(&format!("\n{}. {heading}\n", section_number(s)));
                for (n, i) in items.iter().enumerate() {
                    out.push_str(&format!("{}. {}\n", n + 1, i.sentence));
                }
            }
            out.push_str(&format!("\n{}\n", table_caption(lang)));
            let mut table = Vec::new();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            crate::cli::tables::write_rows(&mut table, &header, &rows);
            out.push_str(&String::from_utf8_lossy(&table));
            out
        }
        Format::Markdown => {
            let mut out = format!("# {}\n", title(r, lang));
            for (s, (heading, items)) in sections(r, lang).into_iter().enumerate() {
                out.push_str(&format!("\n## {}. {heading}\n\n", section_number(s)));
                for i in &items {
                    out.push_str(&format!("- {}\n", i.sentence));
                }
            }
            out.push_str(&format!("\n## {}\n\n", table_caption(lang)));
            let cells = |row: &[String]| {
                let escaped: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                format!("| {} |\n", escaped.join(" | "))
            };
            out.push_str(&cells(&header));
            out.push_str(&format!("|{}\n", " --- |".repeat(header.len())));
            for row in &rows {
                out.push_str(&cells(row));
            }
            out
        }
        Format::Csv => {
            let (h, rows) = csv_rows(r, lang);
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record(&h);
            for row in rows {
                let _ = w.write_record(&row);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
    }
}

/// The columns of `tothon target list`.
pub fn targets_header(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Vi => ["dòng", "nội dung", "chỉ tiêu"],
        Lang::En => ["line", "item", "target"],
    }
}

pub fn table_caption(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Kết quả theo thôn",
        Lang::En => "By village",
    }
}

/// A cell of the per-village table: the line's value, and what it is a
/// share of when it is one ("12/40").
fn cell(line: &LineNumbers, team: Option<u8>) -> String {
    match line.spec.of {
        Some(_) => format!("{}/{}", line.value(team), line.of(team)),
        None => line.value(team).to_string(),
    }
}

/// The per-village table: a row per line of the report (its short name),
/// a column per village, then the whole commune.
pub fn village_table(r: &Report, lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![
        match lang {
            Lang::Vi => "Nội dung",
            Lang::En => "Item",
        }
        .to_string(),
    ];
    header.extend(r.villages.iter().map(|(_, name)| name.clone()));
    header.push(
        match lang {
            Lang::Vi => "Toàn xã",
            Lang::En => "Commune",
        }
        .to_string(),
    );
    let rows = r
        .lines()
        .map(|line| {
            let mut row = vec![line.spec.short.get(lang).to_string()];
            row.extend(r.villages.iter().map(|(team, _)| cell(line, Some(*team))));
            row.push(cell(line, None));
            row
        })
        .collect();
    (header, rows)
}

/// The report as a table: header and rows (for CSV files and exports):
/// each line per village, then for the whole commune (`village` empty).
pub fn csv_rows(r: &Report, lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let header = [
        "as_of", "key", "village", "value", "of", "percent", "sentence",
    ]
    .map(String::from)
    .to_vec();
    let row = |line: &LineNumbers, village: &str, team: Option<u8>, sentence: String| {
        let (value, of) = (line.value(team), line.of(team));
        vec![
            r.as_of.to_string(),
            line.spec.key.clone(),
            village.to_string(),
            value.to_string(),
            of.to_string(),
            // A whole number: a decimal point is text to a spreadsheet
            // in Vietnamese (which writes a decimal comma), and a
            // comma text to one in English.
            if of == 0 {
                String::new()
            } else {
                whole_percent(value as f64 / of as f64).to_string()
            },
            sentence,
        ]
    };
    // The commune's rows last: a program that keeps one row a key keeps
    // the commune's.
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (team, village) in &r.villages {
        rows.extend(
            r.lines()
                .map(|line| row(line, village, Some(*team), String::new())),
        );
    }
    rows.extend(
        r.lines()
            .map(|line| row(line, "", None, item(line, lang).sentence)),
    );
    (header, rows)
}

/// The report as the document the commune sends (`tothon report --format
/// docx`): the heading block of an administrative report, the sections'
/// numbered lines, then the table by village. `written` is the day it is
/// written, beside the place; the day it counts to is the report's own.
pub fn document(r: &Report, lang: Lang, written: chrono::NaiveDate) -> crate::docx::Document {
    let place = r
        .commune
        .strip_prefix("Xã ")
        .or_else(|| r.commune.strip_prefix("xã "))
        .unwrap_or(&r.commune);
    let as_of = r.as_of.format("%d/%m/%Y");
    let (issuer, motto, number, place_and_date, title, subtitle) = match lang {
        Lang::Vi => (
            vec![
                format!("UBND {}", r.commune.to_uppercase()),
                "TỔ CÔNG TÁC ĐỀ ÁN 06".to_string(),
            ],
            vec![
                "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string(),
                "Độc lập - Tự do - Hạnh phúc".to_string(),
            ],
            "Số:       /BC-TCT".to_string(),
            format!(
                "{place}, ngày {} tháng {} năm {}",
                written.format("%d"),
                written.format("%m"),
                written.format("%Y")
            ),
            "BÁO CÁO".to_string(),
            format!("Kết quả thực hiện Đề án 06, tính đến ngày {as_of}"),
        ),
        Lang::En => (
            vec![
                format!("PEOPLE'S COMMITTEE OF {}", r.commune.to_uppercase()),
                "PROJECT 06 WORKING GROUP".to_string(),
            ],
            vec![
                "SOCIALIST REPUBLIC OF VIET NAM".to_string(),
                "Independence - Freedom - Happiness".to_string(),
            ],
            "No.:       /BC".to_string(),
            format!("{place}, {}", written.format("%d/%m/%Y")),
            "REPORT".to_string(),
            format!("Project 06 results as of {as_of}"),
        ),
    };
    let sections = sections(r, lang)
        .into_iter()
        .enumerate()
        .map(|(s, (heading, items))| crate::docx::Section {
            heading: format!("{}. {heading}", section_number(s)),
            paragraphs: items
                .iter()
                .enumerate()
                .map(|(n, i)| format!("{}. {}", n + 1, i.sentence))
                .collect(),
        })
        .collect();
    let (header, rows) = village_table(r, lang);
    let numeric = (0..header.len()).map(|c| c > 0).collect();
    crate::docx::Document {
        issuer,
        motto,
        number,
        place_and_date,
        title,
        subtitle,
        sections,
        tables: vec![crate::docx::Table {
            caption: table_caption(lang).to_string(),
            header,
            rows,
            numeric,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beaten_target_is_past_100_and_a_near_one_short_of_it() {
        assert_eq!(whole_pct(3000, 2852), "105%");
        assert_eq!(whole_pct(2852, 2852), "100%");
        assert_eq!(whole_pct(2851, 2852), "99%");
        assert_eq!(whole_pct(1, 2852), "1%");
        assert_eq!(whole_pct(5, 0), "0%");
    }

    #[test]
    fn a_brace_left_open_is_written_as_it_is_once() {
        let spec = crate::domain::report::spec();
        let line = LineNumbers {
            spec: &spec.sections[0].lines[0],
            counts: Default::default(),
            target: None,
        };
        assert_eq!(fill("Tổng {a} rồi {a", &line, Lang::Vi), "Tổng 0 rồi {a");
    }
}
