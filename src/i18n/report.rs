//! The report in the commune report's own wording, one function per language,
//! as plain text, Markdown or CSV rows.

use crate::domain::form;
use crate::domain::report::{Report, percent};
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

fn blocker_label(id: &str, lang: Lang) -> String {
    form::choice_label("activation", "blocker", id, lang)
}

fn pct(part: usize, whole: usize) -> String {
    format!("{:.1}%", percent(part, whole))
}

/// Vietnamese writes a decimal comma: "55,8%".
fn pct_vi(part: usize, whole: usize) -> String {
    pct(part, whole).replace('.', ",")
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

pub fn items(r: &Report, lang: Lang) -> Vec<Item> {
    match lang {
        Lang::Vi => vi(r),
        Lang::En => en(r),
    }
}

fn blockers_text(r: &Report, lang: Lang) -> String {
    let mut list: Vec<(&String, &usize)> = r.activation.blockers.iter().collect();
    crate::sort::sort_by(&mut list, |a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    list.iter()
        .map(|(id, n)| format!("{} {n}", blocker_label(id, lang)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn vi(r: &Report) -> Vec<Item> {
    let h = &r.households;
    let m = &r.missing;
    let a = &r.activation;
    let d = &r.duplicates;
    let not_done = a.not_registered + a.failed;
    vec![
        Item {
            key: "household_checked",
            sentence: format!(
                "Kiểm tra hộ gia đình: Tổng số {} hộ được giao, đã kiểm tra {} hộ ({}); phát hiện {} hộ không có chủ hộ, đã khắc phục {} hộ; {} hộ chuyển công an xã giải quyết.",
                h.assigned,
                h.checked,
                pct_vi(h.checked, h.assigned),
                h.no_head_found,
                h.no_head_fixed,
                h.referred
            ),
            value: h.checked,
            of: h.assigned,
        },
        Item {
            key: "suspected_duplicates",
            sentence: format!(
                "Công dân nghi trùng: rà soát toàn xã phát hiện {} cặp nghi trùng; qua kiểm tra hộ ghi nhận {} trường hợp.",
                d.found, h.duplicate_findings
            ),
            value: d.found,
            of: 0,
        },
        Item {
            key: "duplicates_cleaned",
            sentence: format!(
                "Rà soát làm sạch {} dữ liệu công dân nghi trùng (đã xoá phiếu trùng); {} cặp xác định không trùng; {} cặp chuyển công an xã.",
                d.cleaned, d.not_duplicate, d.referred
            ),
            value: d.cleaned,
            of: d.found,
        },
        Item {
            key: "missing_fields",
            sentence: format!(
                "Cập nhật thiếu trường thông tin: Tổng số {} trường hợp ({} trên {} trường hợp được giao), trong đó có {} trường hợp có thông tin; {} trường hợp không có thông tin, tài liệu để bổ sung; {} trường hợp chuyển công an xã.",
                m.processed,
                pct_vi(m.processed, m.assigned),
                m.assigned,
                m.with_info,
                m.without_info,
                m.referred
            ),
            value: m.processed,
            of: m.assigned,
        },
        Item {
            key: "eid_level1",
            sentence: format!(
                "Tổng số tài khoản mức độ 1 đăng ký, kích hoạt thành công {} trường hợp ({} trên {} trường hợp được giao theo dõi).",
                a.level1,
                pct_vi(a.level1, a.assigned),
                a.assigned
            ),
            value: a.level1,
            of: a.assigned,
        },
        Item {
            key: "eid_level2",
            sentence: format!(
                "Tổng số tài khoản mức độ 2 đăng ký, kích hoạt thành công {} trường hợp ({}).",
                a.level2,
                pct_vi(a.level2, a.assigned)
            ),
            value: a.level2,
            of: a.assigned,
        },
        Item {
            key: "eid_pending",
            sentence: format!("Đã đăng ký, đang chờ phê duyệt: {} trường hợp.", a.pending),
            value: a.pending,
            of: a.assigned,
        },
        Item {
            key: "eid_not_done",
            sentence: if not_done == 0 {
                "Chưa kích hoạt được: 0 trường hợp.".to_string()
            } else {
                format!(
                    "Chưa kích hoạt được: {} trường hợp ({}), trong đó: {}.",
                    not_done,
                    pct_vi(not_done, a.assigned),
                    blockers_text(r, Lang::Vi)
                )
            },
            value: not_done,
            of: a.assigned,
        },
    ]
}

fn en(r: &Report) -> Vec<Item> {
    let h = &r.households;
    let m = &r.missing;
    let a = &r.activation;
    let d = &r.duplicates;
    let not_done = a.not_registered + a.failed;
    vec![
        Item {
            key: "household_checked",
            sentence: format!(
                "Household checks: {} households assigned, {} checked ({}); {} found without a head, {} of them fixed; {} referred to the commune police.",
                h.assigned,
                h.checked,
                pct(h.checked, h.assigned),
                h.no_head_found,
                h.no_head_fixed,
                h.referred
            ),
            value: h.checked,
            of: h.assigned,
        },
        Item {
            key: "suspected_duplicates",
            sentence: format!(
                "Suspected duplicate citizens: {} pairs found across the commune; {} noted by household checks.",
                d.found, h.duplicate_findings
            ),
            value: d.found,
            of: 0,
        },
        Item {
            key: "duplicates_cleaned",
            sentence: format!(
                "Cleaned {} suspected duplicate citizen records (duplicate deleted); {} pairs found not to be duplicates; {} pairs referred to the commune police.",
                d.cleaned, d.not_duplicate, d.referred
            ),
            value: d.cleaned,
            of: d.found,
        },
        Item {
            key: "missing_fields",
            sentence: format!(
                "Missing-field corrections: {} cases ({} of {} assigned), of which {} with the information found; {} with no information or document to supplement from; {} referred.",
                m.processed,
                pct(m.processed, m.assigned),
                m.assigned,
                m.with_info,
                m.without_info,
                m.referred
            ),
            value: m.processed,
            of: m.assigned,
        },
        Item {
            key: "eid_level1",
            sentence: format!(
                "Level 1 e-ID accounts registered and activated: {} ({} of {} followed up).",
                a.level1,
                pct(a.level1, a.assigned),
                a.assigned
            ),
            value: a.level1,
            of: a.assigned,
        },
        Item {
            key: "eid_level2",
            sentence: format!(
                "Level 2 e-ID accounts registered and activated: {} ({}).",
                a.level2,
                pct(a.level2, a.assigned)
            ),
            value: a.level2,
            of: a.assigned,
        },
        Item {
            key: "eid_pending",
            sentence: format!("Registered, awaiting approval: {}.", a.pending),
            value: a.pending,
            of: a.assigned,
        },
        Item {
            key: "eid_not_done",
            sentence: if not_done == 0 {
                "Not yet activated: 0.".to_string()
            } else {
                format!(
                    "Not yet activated: {} ({}), of which: {}.",
                    not_done,
                    pct(not_done, a.assigned),
                    blockers_text(r, Lang::En)
                )
            },
            value: not_done,
            of: a.assigned,
        },
    ]
}

/// The whole report in one format.
pub fn render(r: &Report, lang: Lang, format: Format) -> String {
    let items = items(r, lang);
    match format {
        Format::Text => {
            let mut out = format!("{}\n\n", title(r, lang));
            for (n, i) in items.iter().enumerate() {
                out.push_str(&format!("{}. {}\n", n + 1, i.sentence));
            }
            out
        }
        Format::Markdown => {
            let mut out = format!("# {}\n\n", title(r, lang));
            for i in &items {
                out.push_str(&format!("- {}\n", i.sentence));
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

/// The report as a table: header and rows (for CSV files and exports).
pub fn csv_rows(r: &Report, lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let header = ["as_of", "key", "value", "of", "percent", "sentence"]
        .map(String::from)
        .to_vec();
    let rows = items(r, lang)
        .into_iter()
        .map(|i| {
            vec![
                r.as_of.to_string(),
                i.key.to_string(),
                i.value.to_string(),
                i.of.to_string(),
                // A whole number: a decimal point is text to a spreadsheet
                // in Vietnamese (which writes a decimal comma), and a
                // comma text to one in English.
                if i.of == 0 {
                    String::new()
                } else {
                    crate::domain::report::whole_percent(i.value as f64 / i.of as f64).to_string()
                },
                i.sentence,
            ]
        })
        .collect();
    (header, rows)
}
