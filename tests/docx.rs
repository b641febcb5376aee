//! The report's Word document (src/docx.rs) read back as others read it:
//! unzipped by the zip crate and parsed as XML (every paragraph and cell
//! found, in order; the page, margins and fonts of the decree), and
//! converted to text by LibreOffice headless, which must find every line.
//!
//! LibreOffice is installed by `.ci/run`; without it the second check says
//! so and is skipped, except under CI=true, where it fails.

mod common;

use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use quick_xml::events::{BytesStart, Event};
use tothon::docx::{Document, Section, Table};
use unicode_normalization::UnicodeNormalization;

/// A report as the commune sends it: Vietnamese throughout, some of it
/// decomposed (as text pasted from elsewhere can be), and a per-village
/// table long enough to run onto a second page.
fn report() -> Document {
    let villages: Vec<Vec<String>> = (1..=40)
        .map(|n| {
            vec![
                n.to_string(),
                format!("Thôn Đồng Tâm {n}"),
                (100 + n * 7).to_string(),
                (90 + n * 6).to_string(),
                format!("{},{}%", 80 + n % 20, n % 10),
            ]
        })
        .collect();
    Document {
        issuer: vec![
            "UBND HUYỆN ĐÔNG HƯNG".into(),
            "CÔNG AN XÃ HOA\u{300} BÌNH".into(),
        ],
        motto: vec![
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
            "Độc lập - Tự do - Hạnh phúc".into(),
        ],
        number: "Số:      /BC-CAX".into(),
        place_and_date: "Hoà Bình, ngày 05 tháng 12 năm 2026".into(),
        title: "BÁO CÁO".into(),
        subtitle: "Kết quả thực hiện Đề án 06, tính đến ngày 05/12/2026".into(),
        sections: vec![
            Section {
                heading: "I. KẾT QUẢ LÀM SẠCH DỮ LIỆU".into(),
                paragraphs: vec![
                    "1. Hộ không có chủ hộ: Tổng số 12 trường hợp, trong đó đã cập nhật 10 trường hợp; 2 trường hợp đang xác minh.".into(),
                    "2. Cập nhật số CMND 9 số: Tổng số 139 trường hợp, trong đó có 96 trường hợp có CMND, 43 trường hợp không có thông tin số CMND.".into(),
                    "3. Sai lệch DLDC và CCCD: Tổng số 58 trường hợp <đã đối chiếu> & \"đã chỉnh sửa\".".into(),
                ],
            },
            Section {
                heading: "II. KÍCH HOẠT ĐỊNH DANH ĐIỆN TỬ".into(),
                paragraphs: vec![
                    "Mức độ 2: đã kích hoạt 2.415/2.852 người, đạt 84,7% chỉ tiêu.".into(),
                    "Ghi chú: số liệu tính đến ngày 05/12/2026; các thôn chưa đạt tiếp tục rà soa\u{301}t.".into(),
                ],
            },
        ],
        tables: vec![Table {
            caption: "Bảng 1. Kết quả theo thôn".into(),
            header: vec![
                "STT".into(),
                "Thôn".into(),
                "Số người phải kích hoạt".into(),
                "Đã kích hoạt".into(),
                "Tỷ lệ".into(),
            ],
            rows: villages,
            numeric: vec![true, false, true, true, true],
        }],
    }
}

/// Every line the document shows, in reading order, NFC.
fn expected_lines(doc: &Document) -> Vec<String> {
    let mut lines: Vec<&String> = Vec::new();
    lines.extend(&doc.issuer);
    lines.extend(&doc.motto);
    lines.extend([&doc.number, &doc.place_and_date, &doc.title, &doc.subtitle]);
    for s in &doc.sections {
        lines.push(&s.heading);
        lines.extend(&s.paragraphs);
    }
    for t in &doc.tables {
        lines.push(&t.caption);
        lines.extend(&t.header);
        lines.extend(t.rows.iter().flatten());
    }
    lines.iter().map(|l| l.nfc().collect()).collect()
}

/// One paragraph of the document as read back: its text, its style, its
/// alignment if set on it, the cell it is in (table, row, column), and the
/// run properties set on its text (bold, italic, underlined).
#[derive(Debug, Default)]
struct Para {
    text: String,
    style: String,
    align: Option<String>,
    cell: Option<(usize, usize, usize)>,
    bold: bool,
    italic: bool,
    underline: bool,
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// Reads `word/document.xml` with an XML parser (which must find it
/// well-formed): every `w:p`, its `w:t` text joined in order.
fn read_paragraphs(xml: &str) -> Vec<Para> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut paras = Vec::new();
    let mut para: Option<Para> = None;
    let mut in_text = false;
    // (table number, row, column) of the cell being read, innermost last.
    let mut tables = 0usize;
    let mut at: Vec<(usize, usize, usize)> = Vec::new();
    loop {
        let event = reader.read_event().expect("well-formed document.xml");
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "w:tbl" => {
                        at.push((tables, usize::MAX, usize::MAX));
                        tables += 1;
                    }
                    "w:tr" => {
                        let top = at.last_mut().expect("a row in a table");
                        top.1 = top.1.wrapping_add(1);
                        top.2 = usize::MAX;
                    }
                    "w:tc" => {
                        let top = at.last_mut().expect("a cell in a table");
                        top.2 = top.2.wrapping_add(1);
                    }
                    "w:p" => {
                        let p = Para {
                            cell: at.last().copied(),
                            ..Para::default()
                        };
                        if empty {
                            paras.push(p);
                        } else {
                            para = Some(p);
                        }
                    }
                    "w:pStyle" => {
                        if let Some(p) = para.as_mut() {
                            p.style = attribute(e, "w:val").unwrap_or_default();
                        }
                    }
                    "w:jc" => {
                        if let Some(p) = para.as_mut() {
                            p.align = attribute(e, "w:val");
                        }
                    }
                    "w:b" | "w:i" | "w:u" => {
                        if let Some(p) = para.as_mut() {
                            match e.name().as_ref() {
                                "w:b" => p.bold = true,
                                "w:i" => p.italic = true,
                                _ => p.underline = true,
                            }
                        }
                    }
                    "w:t" => in_text = !empty,
                    "w:br" => para.as_mut().expect("in a paragraph").text.push('\n'),
                    "w:tab" => para.as_mut().expect("in a paragraph").text.push('\t'),
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:tbl" => {
                    at.pop();
                }
                "w:t" => in_text = false,
                "w:p" => paras.push(para.take().expect("a paragraph ends")),
                _ => {}
            },
            Event::Text(t) if in_text => {
                let p = para.as_mut().expect("text in a paragraph");
                p.text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_text => {
                let p = para.as_mut().expect("text in a paragraph");
                p.text.push_str(match &**r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unknown entity &{other};"),
                });
            }
            Event::Eof => return paras,
            _ => {}
        }
    }
}

/// The attributes of the first element of that name, by attribute name.
fn element(xml: &str, name: &str) -> std::collections::HashMap<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == name => {
                return e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        let key: &str = a.key.as_ref();
                        (key.to_string(), a.value.to_string())
                    })
                    .collect();
            }
            Event::Eof => panic!("no {name} in {xml}"),
            _ => {}
        }
    }
}

fn twips(attrs: &std::collections::HashMap<String, String>, name: &str) -> u32 {
    attrs[name].parse().unwrap()
}

fn part(file: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn written(dir: &Path, doc: &Document) -> std::path::PathBuf {
    let file = dir.join("bao-cao.docx");
    std::fs::write(&file, tothon::docx::write(doc).unwrap()).unwrap();
    file
}

#[test]
fn every_paragraph_and_cell_reads_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let doc = report();
    let file = written(dir.path(), &doc);
    let paras = read_paragraphs(&part(&file, "word/document.xml"));
    let texts: Vec<&str> = paras
        .iter()
        .map(|p| p.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(texts, expected_lines(&doc));

    // The heading block: a table of its own, issuer and number on the left,
    // title, motto and date on the right.
    let in_cell = |t: &str| paras.iter().find(|p| p.text == t).unwrap().cell;
    assert_eq!(in_cell("CÔNG AN XÃ HOÀ BÌNH"), Some((0, 0, 0)));
    assert_eq!(in_cell("Độc lập - Tự do - Hạnh phúc"), Some((0, 0, 1)));
    assert_eq!(in_cell("Số:      /BC-CAX"), Some((0, 1, 0)));
    assert_eq!(in_cell(&doc.place_and_date), Some((0, 1, 1)));
    for outside in [&doc.title, &doc.subtitle, &doc.sections[0].paragraphs[0]] {
        assert_eq!(in_cell(outside), None, "{outside}");
    }
    // Bold: the issuing body (not the body above it), the national title
    // and the motto; the motto alone underlined; the date in italics.
    let find = |t: &str| paras.iter().find(|p| p.text == t).unwrap();
    let looks = |t: &str| {
        let p = find(t);
        (p.bold, p.italic, p.underline)
    };
    assert_eq!(looks("UBND HUYỆN ĐÔNG HƯNG"), (false, false, false));
    assert_eq!(looks("CÔNG AN XÃ HOÀ BÌNH"), (true, false, false));
    assert_eq!(looks(&doc.motto[0]), (true, false, false));
    assert_eq!(looks(&doc.motto[1]), (true, false, true));
    assert_eq!(looks(&doc.place_and_date), (false, true, false));
    assert_eq!(find(&doc.title).style, "Title");
    assert_eq!(find(&doc.subtitle).style, "Subtitle");

    // The village table, cell by cell; numbers right-aligned.
    let table = &doc.tables[0];
    for (r, row) in std::iter::once(&table.header)
        .chain(&table.rows)
        .enumerate()
    {
        for (c, want) in row.iter().enumerate() {
            let got: Vec<&Para> = paras.iter().filter(|p| p.cell == Some((1, r, c))).collect();
            assert_eq!(got.len(), 1, "row {r} column {c}");
            assert_eq!(got[0].text, *want);
            let right = r > 0 && table.numeric[c];
            assert_eq!(
                got[0].align.as_deref() == Some("right"),
                right,
                "row {r} column {c}"
            );
        }
    }

    // Body paragraphs in the justified, indented style; headings bold.
    let body = paras
        .iter()
        .find(|p| p.text == doc.sections[1].paragraphs[0])
        .unwrap();
    assert_eq!(body.style, "Body");
    let heading = paras
        .iter()
        .find(|p| p.text == doc.sections[1].heading)
        .unwrap();
    assert_eq!(heading.style, "Heading");
}

#[test]
fn the_page_and_fonts_are_the_decrees() {
    let dir = tempfile::tempdir().unwrap();
    let file = written(dir.path(), &report());
    let document = part(&file, "word/document.xml");
    let styles = part(&file, "word/styles.xml");

    // A4, margins within Phụ lục I's ranges (1 mm = 56.7 twips).
    let page = element(&document, "w:pgSz");
    assert_eq!((twips(&page, "w:w"), twips(&page, "w:h")), (11906, 16838));
    let mm = |twips: u32| twips as f64 / 56.7;
    let margins = element(&document, "w:pgMar");
    for (side, low, high) in [
        ("w:top", 20.0, 25.0),
        ("w:bottom", 20.0, 25.0),
        ("w:left", 30.0, 35.0),
        ("w:right", 15.0, 20.0),
    ] {
        let got = mm(twips(&margins, side));
        assert!((low - 0.1..=high + 0.1).contains(&got), "{side}: {got} mm");
    }

    // Times New Roman in every script slot, 14 pt by default.
    let fonts = element(&styles, "w:rFonts");
    for slot in ["w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"] {
        assert_eq!(fonts[slot], "Times New Roman", "{slot}");
    }
    assert_eq!(element(&styles, "w:sz")["w:val"], "28");
    assert_eq!(element(&styles, "w:lang")["w:val"], "vi-VN");
    // Every size the document sets is 13 or 14 pt (the styles' 4 pt is
    // the short line's empty paragraph).
    for size in document.split(r#"<w:sz w:val=""#).skip(1) {
        let half_points: u32 = size[..size.find('"').unwrap()].parse().unwrap();
        assert!([26, 28].contains(&half_points), "{half_points}");
    }

    // Body text: justified, first line indented 1–1.27 cm, at least 6 pt
    // after. Its style is read by its own element, after its id.
    let body = &styles[styles.find(r#"w:styleId="Body""#).unwrap()..];
    let body = &body[..body.find("</w:style>").unwrap()];
    assert_eq!(element(body, "w:jc")["w:val"], "both");
    let indent = twips(&element(body, "w:ind"), "w:firstLine");
    assert!((567..=720).contains(&indent), "{indent}");
    assert!(twips(&element(body, "w:spacing"), "w:after") >= 120);
}

#[test]
fn libreoffice_finds_every_line() {
    // CI installs it: libreoffice-writer-nogui (.ci/run).
    let Some(soffice) = common::installed(&["soffice", "libreoffice"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let doc = report();
    let file = written(dir.path(), &doc);
    // A profile of its own, so that another LibreOffice running (or another
    // test) does not take the conversion over.
    let profile = format!("file://{}", dir.path().join("profile").display());
    let out = Command::new(soffice)
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .output()
        .unwrap();
    let txt = dir.path().join("bao-cao.txt");
    assert!(
        out.status.success() && txt.exists(),
        "soffice: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // UTF-8 with a byte-order mark.
    let text: String = std::fs::read_to_string(&txt).unwrap().nfc().collect();
    let text = text.trim_start_matches('\u{feff}');
    let text_lines: Vec<&str> = text.lines().map(str::trim).collect();
    for line in expected_lines(&doc) {
        assert!(
            text_lines.contains(&line.trim()),
            "LibreOffice does not show {line:?}:\n{text}"
        );
    }
}

/// `tothon report --out FILE.docx` on the demo: every line `tothon report`
/// prints (the title's date, each section's sentences, each village's
/// row of the table) is in the document, read back with a zip + XML
/// reader and, where it is installed, by LibreOffice.
#[test]
fn the_demo_report_as_a_document_holds_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::demo(d, 900);
    let text: String = common::stdout(common::tothon(d).arg("report"))
        .nfc()
        .collect();
    let file = d.join("bao-cao.docx");
    common::stdout(common::tothon(d).arg("report").arg("--out").arg(&file));
    let paras: Vec<String> = read_paragraphs(&part(&file, "word/document.xml"))
        .into_iter()
        .map(|p| p.text)
        .collect();
    // The sentences, whole, numbered as printed.
    let sentences: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
        .collect();
    assert!(sentences.len() >= 13, "{text}");
    for line in &sentences {
        assert!(
            paras.iter().any(|p| p == line),
            "{line:?} not in {paras:#?}"
        );
    }
    for heading in [
        "I. Kết quả làm sạch dữ liệu",
        "Kết quả theo thôn",
        "BÁO CÁO",
    ] {
        assert!(paras.iter().any(|p| p == heading), "{heading}");
    }
    assert!(
        paras.iter().any(|p| p.contains("tính đến ngày")),
        "{paras:?}"
    );
    assert!(paras.iter().any(|p| p == "Thôn Tân Lập"), "{paras:?}");
    let Some(soffice) = common::installed(&["soffice", "libreoffice"]) else {
        return;
    };
    let profile = format!("file://{}", d.join("profile").display());
    let out = Command::new(soffice)
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
        .arg(d)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let converted: String = std::fs::read_to_string(d.join("bao-cao.txt"))
        .unwrap()
        .nfc()
        .collect();
    for line in &sentences {
        assert!(
            converted.contains(line),
            "LibreOffice does not show {line:?}"
        );
    }
}
