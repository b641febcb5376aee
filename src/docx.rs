//! The commune's report as a Word document (.docx), in the layout
//! Nghị định 30/2020/NĐ-CP, Phụ lục I asks of an administrative document,
//! so the commune can send it (or paste it into its own report) as it is.
//!
//! What the decree fixes, and what is written here (Phụ lục I, Phần I:
//! mục I "Quy định chung", mục II "Các thành phần thể thức chính", and the
//! table of sizes and styles in mục V; read at
//! <https://www.scribd.com/document/652855730/Phuluc1> and
//! <http://118.69.201.250:801/phap-luat/ho-tro-phap-luat/huong-dan-chi-tiet-cach-trinh-bay-the-thuc-van-ban-hanh-chinh-co-loai-kieu-chu-trong-van-ban-hanh-c-248921-123352.html>):
//!
//! - A4 (210 × 297 mm), upright; margins 20–25 mm top and bottom, 30–35 mm
//!   left, 15–20 mm right: here 20, 20, 30 and 15 mm, the widest text the
//!   decree allows (a per-village table needs it).
//! - Times New Roman, Unicode (TCVN 6909:2001), black. Set in the styles'
//!   defaults for every script slot (ASCII, hAnsi, eastAsia, cs), so no
//!   Vietnamese letter falls back to another font, with the language vi-VN.
//! - National title ("Quốc hiệu") upper case, 12–13 pt, bold: 13. Motto
//!   ("Tiêu ngữ") 13–14 pt, bold, centred under it, with a solid line as long
//!   as the line of text below it: 14, underlined.
//! - Issuing body upper case, 12–13 pt; the body above it upright, the
//!   issuing body itself bold, with a short solid line under it (a third to
//!   a half of its text, centred): 13, and a line a third of the column.
//! - Number ("Số, ký hiệu") 13 pt, upright; place and date 13–14 pt,
//!   italic: 13 and 14.
//! - Kind of document ("BÁO CÁO") upper case 13–14 pt bold, and its summary
//!   ("trích yếu") 13–14 pt bold, centred, with a short line under it: 14.
//! - Body text 13–14 pt, justified, the first line indented 1 cm or
//!   1.27 cm, at least 6 pt between paragraphs, single to 1.5 line spacing:
//!   14 pt, 1 cm, 6 pt, single. (The indent and spacing rule is quoted from
//!   the decree's predecessor, Thông tư 01/2011/TT-BNV, by
//!   <https://zaidap.com/cach-chinh-khoang-cach-dong-trong-word-2010-2013-chuan-d399640.htm>;
//!   NĐ 30 mục II.6 keeps it.)
//! - Page numbers in Arabic numerals, 13–14 pt, centred in the top margin,
//!   none on the first page: a header with the page field, and a first
//!   page of its own (empty).
//! - The heading block (issuer left, national title right; number left,
//!   place and date right) is a borderless two-column table, as Word
//!   templates for the decree make it; the report's own tables have borders
//!   and repeat their header row on every page.
//!
//! A .docx is a zip of XML parts: `[Content_Types].xml` names each part's
//! type, `_rels/.rels` points at the main document, `word/document.xml`
//! holds the text, `word/_rels/document.xml.rels` points at its styles and
//! header (ECMA-376 Part 1, §11.3; the minimal package in its primer). It is
//! written as stored entries (`stored_zip`, as the workbooks are), not by a
//! library: the parts around the text are fixed, and the binary has a size
//! budget.
//!
//! All text is NFC (a decomposed tone mark draws apart from its letter in
//! some fonts, and is not found by a search in NFC), XML-escaped, and
//! without the control characters XML 1.0 forbids (dropped: a document
//! shows no `\u{1b}`); a line break in the text is a line break in the
//! paragraph, a tab a tab.

use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

use crate::stored_zip::LayoutError;

/// One report as the document the commune sends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// The issuing body's lines, top left, e.g. ["UBND HUYỆN …", "CÔNG AN
    /// XÃ HOÀ BÌNH"]: the last one bold, all upper case as given. Empty
    /// lines are left out.
    pub issuer: Vec<String>,
    /// Top right: the national title and motto, as given, e.g. ["CỘNG HOÀ
    /// XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]: all bold,
    /// the last one (the motto) larger and underlined.
    pub motto: Vec<String>,
    /// Left under the issuer: the number line, e.g. "Số:      /BC-CAX"
    /// (may be empty).
    pub number: String,
    /// Right, italic: "Hoà Bình, ngày 05 tháng 12 năm 2026".
    pub place_and_date: String,
    /// Centred bold: "BÁO CÁO".
    pub title: String,
    /// Centred bold under the title: "Kết quả thực hiện Đề án 06, tính đến
    /// ngày 05/12/2026".
    pub subtitle: String,
    pub sections: Vec<Section>,
    /// Tables after the sections (the per-village table), each with its
    /// caption.
    pub tables: Vec<Table>,
}

/// A heading (bold; left out when empty) and its paragraphs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// A bordered table under a caption (left out when empty).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    /// Rows shorter than the widest row or header get empty cells.
    pub rows: Vec<Vec<String>>,
    /// Which columns are numbers (right-aligned); missing ones are text.
    pub numeric: Vec<bool>,
}

// The page, in twentieths of a point (1 mm ≈ 56.7).
const PAGE_WIDTH: u32 = 11906; // 210 mm
const PAGE_HEIGHT: u32 = 16838; // 297 mm
const MARGIN_TOP: u32 = 1134; // 20 mm
const MARGIN_BOTTOM: u32 = 1134; // 20 mm
const MARGIN_LEFT: u32 = 1701; // 30 mm
const MARGIN_RIGHT: u32 = 851; // 15 mm
/// Where the page number sits: 10 mm from the top edge, inside the margin.
const HEADER_DISTANCE: u32 = 567;
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// The heading block's left column (issuer, number), about 6.3 cm: room for
/// "CÔNG AN XÃ …" at 13 pt on one line; the national title gets the rest.
const ISSUER_WIDTH: u32 = 3600;

/// Run properties: 13 pt (sizes are in half-points; the default is 14).
const PT13: &str = r#"<w:sz w:val="26"/><w:szCs w:val="26"/>"#;
const BOLD_PT13: &str = r#"<w:b/><w:sz w:val="26"/><w:szCs w:val="26"/>"#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>"#;

/// The page number, centred, 13 pt.
const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Center"/></w:pPr><w:fldSimple w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr><w:t>2</w:t></w:r></w:fldSimple></w:p></w:hdr>"#;

/// Times New Roman 14 pt in every script slot, single spacing, nothing
/// after a paragraph unless its style says so; then the paragraph styles
/// the document uses (the decree's sizes, see the module's comment).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Report Body"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="120"/><w:ind w:firstLine="567"/><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading"><w:name w:val="Report Heading"/><w:basedOn w:val="Body"/><w:next w:val="Body"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Center"><w:name w:val="Report Centred"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Dateline"><w:name w:val="Report Number and Date"/><w:basedOn w:val="Center"/><w:pPr><w:spacing w:before="120"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Report Title"/><w:basedOn w:val="Center"/><w:next w:val="Subtitle"/><w:pPr><w:keepNext/><w:spacing w:before="480"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Report Summary"/><w:basedOn w:val="Center"/><w:pPr><w:keepNext/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Rule"><w:name w:val="Report Short Line"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:spacing w:before="80" w:after="160"/></w:pPr><w:rPr><w:sz w:val="8"/><w:szCs w:val="8"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="Report Table Caption"/><w:basedOn w:val="Center"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Cell"><w:name w:val="Report Table Cell"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="20" w:after="20"/></w:pPr><w:rPr><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="CellHead"><w:name w:val="Report Table Header"/><w:basedOn w:val="Cell"/><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style></w:styles>"#;

/// The document as the bytes of a .docx file. Refused only past what a zip
/// without zip64 holds (4 GB), as the workbooks are.
pub fn write(doc: &Document) -> Result<Vec<u8>, LayoutError> {
    let body = document_xml(doc);
    let parts: [(&str, &str); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &body),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("word/header1.xml", HEADER),
    ];
    let entries: Vec<(&str, &[u8])> = parts.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    crate::stored_zip::write(&entries)
}

fn document_xml(doc: &Document) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#,
    );
    heading_block(&mut out, doc);
    if !doc.title.is_empty() {
        paragraph(&mut out, "Title", "", "", &doc.title);
    }
    if !doc.subtitle.is_empty() {
        paragraph(&mut out, "Subtitle", "", "", &doc.subtitle);
    }
    if !doc.title.is_empty() || !doc.subtitle.is_empty() {
        rule(&mut out, TEXT_WIDTH, TEXT_WIDTH / 4);
    }
    for section in &doc.sections {
        if !section.heading.is_empty() {
            paragraph(&mut out, "Heading", "", "", &section.heading);
        }
        for p in &section.paragraphs {
            paragraph(&mut out, "Body", "", "", p);
        }
    }
    for table in &doc.tables {
        if !table.caption.is_empty() {
            paragraph(&mut out, "Caption", "", "", &table.caption);
        }
        table_xml(&mut out, table);
    }
    // A body ends with a paragraph (Word adds one after a last table), and
    // the section: A4, the decree's margins, page numbers from page 2.
    let _ = write!(
        out,
        r#"<w:p/><w:sectPr><w:headerReference w:type="default" r:id="rId2"/><w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/><w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LEFT}" w:header="{HEADER_DISTANCE}" w:footer="{HEADER_DISTANCE}" w:gutter="0"/><w:titlePg/></w:sectPr></w:body></w:document>"#
    );
    out
}

/// Issuer and number on the left, national title and motto, place and
/// date on the right: two rows so that the number and the date share a
/// line, as the decree's layout puts them.
fn heading_block(out: &mut String, doc: &Document) {
    let right = TEXT_WIDTH - ISSUER_WIDTH;
    let mut issuer = String::new();
    let lines: Vec<&String> = doc.issuer.iter().filter(|l| !l.trim().is_empty()).collect();
    for (i, line) in lines.iter().enumerate() {
        let props = if i + 1 == lines.len() {
            BOLD_PT13
        } else {
            PT13
        };
        paragraph(&mut issuer, "Center", "", props, line);
    }
    if !lines.is_empty() {
        rule(&mut issuer, ISSUER_WIDTH, ISSUER_WIDTH / 3);
    }
    let mut motto = String::new();
    for (i, line) in doc.motto.iter().enumerate() {
        let props = if i + 1 == doc.motto.len() {
            r#"<w:b/><w:u w:val="single"/>"#
        } else {
            BOLD_PT13
        };
        paragraph(&mut motto, "Center", "", props, line);
    }
    let mut number = String::new();
    if !doc.number.is_empty() {
        paragraph(&mut number, "Dateline", "", PT13, &doc.number);
    }
    let mut dated = String::new();
    if !doc.place_and_date.is_empty() {
        paragraph(&mut dated, "Dateline", "", "<w:i/>", &doc.place_and_date);
    }
    table_start(out, &[ISSUER_WIDTH, right], false);
    for row in [[issuer, motto], [number, dated]] {
        out.push_str("<w:tr>");
        for (content, width) in row.iter().zip([ISSUER_WIDTH, right]) {
            cell(out, width, false, content);
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// A bordered table as wide as the text, its columns shared by how much
/// text they hold, its header row repeated on every page.
fn table_xml(out: &mut String, table: &Table) {
    let columns = table
        .header
        .len()
        .max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
    if columns == 0 {
        return;
    }
    // A column's weight: its longest cell, or its header's longest word
    // (a header wraps between words), between 3 and 30 characters.
    let mut weights = vec![3usize; columns];
    for (w, h) in weights.iter_mut().zip(&table.header) {
        let word = h.split_whitespace().map(|s| s.width()).max().unwrap_or(0);
        *w = (*w).max(word);
    }
    for row in &table.rows {
        for (w, c) in weights.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let weights: Vec<u32> = weights.iter().map(|w| (*w).min(30) as u32).collect();
    let total: u32 = weights.iter().sum();
    let mut widths: Vec<u32> = weights.iter().map(|w| TEXT_WIDTH * w / total).collect();
    let used: u32 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += TEXT_WIDTH - used;
    }
    table_start(out, &widths, true);
    let empty = String::new();
    let write_row = |out: &mut String, cells: &[String], head: bool| {
        out.push_str(if head {
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        } else {
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        });
        for (c, width) in widths.iter().enumerate() {
            let text = cells.get(c).unwrap_or(&empty);
            let mut content = String::new();
            if head {
                paragraph(&mut content, "CellHead", "", "", text);
            } else if table.numeric.get(c).copied().unwrap_or(false) {
                paragraph(&mut content, "Cell", r#"<w:jc w:val="right"/>"#, "", text);
            } else {
                paragraph(&mut content, "Cell", "", "", text);
            }
            cell(out, *width, true, &content);
        }
        out.push_str("</w:tr>");
    };
    if !table.header.is_empty() {
        write_row(out, &table.header, true);
    }
    for row in &table.rows {
        write_row(out, row, false);
    }
    out.push_str("</w:tbl>");
}

/// A table's properties and grid: fixed column widths (so Word and
/// LibreOffice lay it out alike), with or without borders.
fn table_start(out: &mut String, widths: &[u32], borders: bool) {
    let border = if borders {
        r#"w:val="single" w:sz="4" w:space="0" w:color="000000""#
    } else {
        r#"w:val="nil""#
    };
    let total: u32 = widths.iter().sum();
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:tblBorders>"#
    );
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(out, "<w:{side} {border}/>");
    }
    out.push_str(r#"</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#);
    for w in widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
}

/// A table cell, its text at the top or (`middle`, for a header that wraps
/// beside one that does not) centred from top to bottom; one that holds
/// nothing still holds an empty paragraph, as a cell must.
fn cell(out: &mut String, width: u32, middle: bool, content: &str) {
    let align = if middle {
        r#"<w:vAlign w:val="center"/>"#
    } else {
        ""
    };
    let _ = write!(
        out,
        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{align}</w:tcPr>"#
    );
    out.push_str(if content.is_empty() {
        "<w:p/>"
    } else {
        content
    });
    out.push_str("</w:tc>");
}

/// A short solid line, centred in `width`: an empty, tiny paragraph with a
/// top border, indented from both sides.
fn rule(out: &mut String, width: u32, length: u32) {
    let indent = width.saturating_sub(length) / 2;
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="Rule"/><w:ind w:left="{indent}" w:right="{indent}"/></w:pPr></w:p>"#
    );
}

/// One paragraph of one run: a paragraph style, more paragraph properties
/// (`ppr`, after the style in the schema's order) and the run's properties
/// (`rpr`, in the schema's order: b, i, sz, szCs, u).
fn paragraph(out: &mut String, style: &str, ppr: &str, rpr: &str, text: &str) {
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr><w:r>"#
    );
    if !rpr.is_empty() {
        let _ = write!(out, "<w:rPr>{rpr}</w:rPr>");
    }
    for (i, line) in clean(text).split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                let _ = write!(
                    out,
                    r#"<w:t xml:space="preserve">{}</w:t>"#,
                    crate::xlsx::escape(piece)
                );
            }
        }
    }
    out.push_str("</w:r></w:p>");
}

/// Text as a document holds it: without the characters XML 1.0 forbids
/// (control characters but tab and line feed; a carriage return goes too,
/// so "\r\n" is one line break), then NFC. Composed from a string, not
/// from the filter: that is the composing code xlsx.rs already brings, where
/// a filter's own instance took 6 KB more of the binary's budget.
fn clean(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| {
            matches!(c, '\t' | '\n') || !(c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
        })
        .collect();
    kept.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::events::Event;

    /// The paragraphs' text of a part, in order, read by an XML parser (so
    /// the part must be well-formed): `w:t` joined, `w:br` a line feed,
    /// `w:tab` a tab.
    fn paragraphs(xml: &str) -> Vec<String> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut out, mut current, mut in_text) = (Vec::new(), String::new(), false);
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
                Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
                Event::End(e) if e.name().as_ref() == "w:p" => {
                    out.push(std::mem::take(&mut current))
                }
                Event::Empty(e) => match e.name().as_ref() {
                    "w:p" => out.push(String::new()),
                    "w:br" => current.push('\n'),
                    "w:tab" => current.push('\t'),
                    _ => {}
                },
                Event::Text(t) if in_text => current.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if in_text => current.push(match &*r {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    other => panic!("unexpected entity &{other};"),
                }),
                Event::Eof => return out,
                _ => {}
            }
        }
    }

    fn one_paragraph(text: &str) -> Document {
        Document {
            sections: vec![Section {
                heading: String::new(),
                paragraphs: vec![text.to_string()],
            }],
            ..Document::default()
        }
    }

    #[test]
    fn markup_in_the_text_stays_text() {
        let xml = document_xml(&one_paragraph(r#"a < b && c > "d" </w:t></w:r>'"#));
        assert!(xml.contains("a &lt; b &amp;&amp; c &gt; &quot;d&quot; &lt;/w:t&gt;"));
        assert!(
            paragraphs(&xml).contains(&r#"a < b && c > "d" </w:t></w:r>'"#.to_string()),
            "{xml}"
        );
    }

    #[test]
    fn vietnamese_is_written_composed() {
        // "Hoà Bình" with its tone marks as separate combining characters.
        let decomposed = "Hoa\u{300} Bi\u{300}nh, nga\u{300}y 05";
        let xml = document_xml(&one_paragraph(decomposed));
        assert!(xml.contains("Hoà Bình, ngày 05"), "{xml}");
        assert!(!xml.contains('\u{300}'));
        assert!(paragraphs(&xml).contains(&"Hoà Bình, ngày 05".to_string()));
    }

    #[test]
    fn characters_xml_forbids_are_dropped_and_breaks_kept() {
        let xml = document_xml(&one_paragraph(
            "a\u{0}b\u{1b}[31mc\u{7}\u{fffe}\u{ffff}d\r\ne\tf\u{85}",
        ));
        assert!(
            !xml.chars()
                .any(|c| c.is_control() && c != '\n' || matches!(c, '\u{fffe}' | '\u{ffff}')),
            "{xml:?}"
        );
        assert!(
            paragraphs(&xml).contains(&"ab[31mcd\ne\tf".to_string()),
            "{xml}"
        );
    }

    #[test]
    fn every_part_is_well_formed_and_empty_cells_hold_a_paragraph() {
        let doc = Document {
            issuer: vec![String::new(), "CÔNG AN XÃ HOÀ BÌNH".into()],
            motto: vec!["CỘNG HOÀ".into(), "Độc lập".into()],
            tables: vec![Table {
                caption: "Bảng".into(),
                header: vec!["Thôn".into(), "Số".into()],
                rows: vec![vec!["Thôn 1".into()], vec![]],
                numeric: vec![false, true],
            }],
            ..Document::default()
        };
        let xml = document_xml(&doc);
        for part in [
            CONTENT_TYPES,
            ROOT_RELS,
            DOCUMENT_RELS,
            STYLES,
            HEADER,
            &xml,
        ] {
            paragraphs(part);
        }
        // Two rows of two cells in the heading, three rows of two below;
        // every cell has a paragraph.
        assert_eq!(xml.matches("<w:tc>").count(), 10);
        assert_eq!(
            xml.matches("<w:tc>").count(),
            xml.matches("</w:tc>").count()
        );
        for cell in xml.split("<w:tc>").skip(1) {
            assert!(cell.contains("<w:p"), "{cell}");
        }
        // The empty issuer line is left out; the last one is bold.
        let texts = paragraphs(&xml);
        assert_eq!(&texts[..2], ["CÔNG AN XÃ HOÀ BÌNH", ""]);
        assert!(xml.contains(r#"<w:rPr><w:b/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr><w:t xml:space="preserve">CÔNG AN"#));
    }
}
