//! The demo's population and work list, before anyone has done anything:
//! households with their people (names, births, IDs, phones as a commune's
//! are), the problems planted among them (missing fields, households
//! without a head, the same person twice), and the work items they call
//! for. Drawn from one random stream in one order: no store, no thread.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};

use super::{Options, Rng, Summary, VILLAGES};
use crate::domain::commune::Commune;
use crate::domain::form;
use crate::domain::reference;
use crate::domain::register::KEY_PREFIX;
use crate::domain::rules::Sex;
use crate::domain::work::{Person, WorkItem};

/// Thái Bình: where most of the commune's births were registered.
const HOME_PROVINCE: &str = "034";

/// Family names with their rough share of the population (per mille).
const FAMILY: [(&str, u32); 16] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 39),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 15),
];

const MIDDLE_MALE: [&str; 10] = [
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh",
];

const MIDDLE_FEMALE: [&str; 8] = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng"];

const GIVEN_MALE: [&str; 28] = [
    "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hoàng", "Trung", "Thành", "Tùng", "Hiếu",
    "Kiên", "Lâm", "Toàn", "Quý", "Khoa",
];

const GIVEN_FEMALE: [&str; 28] = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Liên", "Linh",
    "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Thu", "Thủy", "Trang", "Tuyết",
    "Vân", "Yến", "Hòa", "Huyền", "Loan",
];

const MISSING: [(&str, u32); 8] = [
    ("ethnicity", 18),
    ("religion", 16),
    ("cmnd", 20),
    ("birth_date", 8),
    ("place_of_origin", 14),
    ("birth_registration", 8),
    ("relation", 8),
    ("permanent_address", 8),
];

/// The population and the work list, before anyone has done anything.
pub(super) struct World {
    pub(super) people: Vec<Person>,
    pub(super) work_items: Vec<WorkItem>,
    /// What a team will find at a household, by work-item id.
    pub(super) hints: HashMap<String, Hint>,
    pub(super) summary: Summary,
}

/// What a visit to a household will turn up, planted with the problems.
#[derive(Default)]
pub(super) struct Hint {
    /// For a household without a head: the member who will be named (name, ID).
    pub(super) head: Option<(String, String)>,
    /// Personal IDs of suspected duplicates living there.
    pub(super) duplicates: Vec<String>,
}

struct Household {
    code: String,
    team: u8,
    address: String,
    members: Vec<usize>,
    head: Option<usize>,
}

impl World {
    pub(super) fn generate(options: &Options, now: DateTime<FixedOffset>) -> World {
        let mut rng = Rng(options.seed);
        let today = now.date_naive();
        let mut used_ids = HashSet::new();
        let mut people: Vec<Person> = Vec::with_capacity(options.people + options.people / 50);
        let mut households: Vec<Household> = Vec::new();
        let mut summary = Summary::default();
        let mut missing: BTreeMap<usize, &'static str> = BTreeMap::new();
        let mut activated: HashSet<usize> = HashSet::new();

        let mut per_team = [0usize; VILLAGES.len()];
        let mut head_candidate: HashMap<usize, usize> = HashMap::new();
        let mut duplicates_in: HashMap<usize, Vec<String>> = HashMap::new();
        let _step = crate::progress::step(crate::progress::Step::DemoPeople, options.people as u64);
        while people.len() < options.people {
            let team = rng.range(1, VILLAGES.len() as i64) as u8;
            per_team[team as usize - 1] += 1;
            let seq = per_team[team as usize - 1];
            let size =
                *rng.weighted(&[(1, 10), (2, 18), (3, 22), (4, 25), (5, 15), (6, 7), (7, 3)]);
            crate::progress::advance(size as u64);
            let family = *rng.weighted(&FAMILY);
            let mut h = Household {
                code: format!("T{team}-{seq:04}"),
                team,
                address: format!("Số {}, {}", rng.range(1, 250), VILLAGES[team as usize - 1]),
                members: Vec::new(),
                head: None,
            };
            let head_age = rng.range(24, 82);
            for m in 0..size {
                let (relation, sex, age) = member_shape(&mut rng, m, head_age);
                let fam = if relation == "Vợ" || relation == "Con dâu" {
                    *rng.weighted(&FAMILY)
                } else {
                    family
                };
                let person = make_person(
                    &mut rng,
                    &mut used_ids,
                    people.len(),
                    fam,
                    sex,
                    age,
                    today,
                    &h,
                    relation,
                );
                if person.relation == "Chủ hộ" {
                    h.head = Some(people.len());
                }
                if age >= 14 && rng.chance(560) {
                    activated.insert(people.len());
                }
                h.members.push(people.len());
                people.push(person);
            }
            // Hộ không có chủ hộ: the head died or moved and nobody was named.
            if rng.chance(30)
                && let Some(head) = h.head.take()
            {
                people[head].relation = "Khác".to_string();
                head_candidate.insert(households.len(), head);
                summary.households_without_head += 1;
            }
            households.push(h);
        }

        // Missing fields: the person's data lacks one field.
        for (i, p) in people.iter_mut().enumerate() {
            if rng.chance(70) {
                let field = *rng.weighted(&MISSING);
                match field {
                    "ethnicity" => p.ethnicity.clear(),
                    "religion" => p.religion.clear(),
                    "birth_date" => p.birth_date.truncate(4),
                    "relation" => p.relation.clear(),
                    _ => {}
                }
                missing.insert(i, field);
            }
        }

        // The same person registered in two villages, and the same name and
        // birth date under two IDs: both show up as suspected duplicates.
        let twins = (people.len() / 250).max(2);
        for n in 0..twins * 2 {
            let original = rng.below(people.len() as u64) as usize;
            let target = loop {
                let h = rng.below(households.len() as u64) as usize;
                if households[h].team != people[original].team {
                    break h;
                }
            };
            let mut copy = people[original].clone();
            copy.key = format!("{KEY_PREFIX}{:06}", people.len() + 1);
            copy.team = households[target].team;
            copy.household = households[target].code.clone();
            copy.relation = "Khác".to_string();
            if n % 2 == 0 {
                summary.same_id_twice += 1;
            } else {
                copy.personal_id = new_id(&mut rng, &mut used_ids, &copy, HOME_PROVINCE);
                summary.same_name_and_birth += 1;
            }
            duplicates_in
                .entry(target)
                .or_default()
                .push(copy.personal_id.clone());
            households[target].members.push(people.len());
            people.push(copy);
        }

        // Work items are made in household and person order, and numbered
        // at the end (below).
        let mut work_items: Vec<WorkItem> = Vec::new();
        let due = |rng: &mut Rng| Some((today + Duration::days(rng.range(5, 45))).to_string());
        let mut hints_at = HashMap::new();
        for (index, h) in households.iter().enumerate() {
            let mut prefill = BTreeMap::from([
                ("household_code".to_string(), h.code.clone()),
                ("village".to_string(), h.team.to_string()),
                ("address".to_string(), h.address.clone()),
                (
                    "members_registered".to_string(),
                    h.members.len().to_string(),
                ),
            ]);
            if let Some(head) = h.head {
                prefill.insert("head_name".into(), people[head].full_name.clone());
                prefill.insert("head_id".into(), people[head].personal_id.clone());
            }
            let hint = Hint {
                head: head_candidate
                    .get(&index)
                    .map(|&p| (people[p].full_name.clone(), people[p].personal_id.clone())),
                duplicates: duplicates_in.remove(&index).unwrap_or_default(),
            };
            if hint.head.is_some() || !hint.duplicates.is_empty() {
                hints_at.insert(work_items.len(), hint);
            }
            work_items.push(WorkItem {
                id: String::new(),
                form: "household_check".into(),
                team: h.team,
                due: due(&mut rng),
                prefill,
            });
        }
        for (&i, &field) in &missing {
            let mut prefill = person_prefill(&people[i]);
            prefill.insert("missing".into(), field.to_string());
            work_items.push(WorkItem {
                id: String::new(),
                form: "missing_field".into(),
                team: people[i].team,
                due: due(&mut rng),
                prefill,
            });
        }
        // One follow-up a person, even one listed in two households.
        let mut followed: HashSet<&str> = HashSet::new();
        for (i, p) in people.iter().enumerate() {
            let adult = PersonAge::of(p, today) >= 14;
            if adult && !activated.contains(&i) && followed.insert(&p.personal_id) {
                let mut prefill = person_prefill(p);
                if !p.phone.is_empty() {
                    prefill.insert("phone".into(), p.phone.clone());
                }
                prefill.insert("target_level".into(), "level2".into());
                work_items.push(WorkItem {
                    id: String::new(),
                    form: "activation".into(),
                    team: p.team,
                    due: due(&mut rng),
                    prefill,
                });
            }
        }
        campaign_items(
            &people,
            today,
            &mut work_items,
            &mut campaign_rng(options.seed),
        );
        // Numbered village by village, as a commune lists its work: each
        // team's cases are then neighbours in the store, and a team's bundle
        // touches its own part of the commune's tables, not all of them.
        let mut numbering: Vec<usize> = (0..work_items.len()).collect();
        crate::sort::sort_by(&mut numbering, |&a, &b| {
            let (a, b) = (&work_items[a], &work_items[b]);
            (&a.form, a.team).cmp(&(&b.form, b.team))
        });
        let mut counters: HashMap<String, usize> = HashMap::new();
        for i in numbering {
            let item = &mut work_items[i];
            let n = counters.entry(item.form.clone()).or_insert(0);
            *n += 1;
            let code = form::form(&item.form).map_or("CS", |f| f.code.as_str());
            item.id = format!("{code}-{n:05}");
        }
        let hints = hints_at
            .into_iter()
            .map(|(i, hint)| (work_items[i].id.clone(), hint))
            .collect();
        summary.people = people.len();
        summary.households = households.len();
        summary.work_items = work_items.len();
        World {
            people,
            work_items,
            hints,
            summary,
        }
    }
}

/// The commune's other data-cleaning groups, each a share of the people
/// in the seed report's proportions to its missing fields (1,250): ID
/// cancellations 38, population data vs ID card 58, subscribers 59, social
/// insurance 38; per ten thousand people, with the demo's 7 % of people
/// missing a field. Drawn from their own random stream, so the rest of the
/// demo is the same with or without them.
const CAMPAIGNS: [(&str, u64); 4] = [
    ("id_cancellation", 21),
    ("id_card_mismatch", 32),
    ("subscriber", 33),
    ("social_insurance", 21),
];

/// Whether a form is one of [`CAMPAIGNS`].
pub(super) fn is_campaign(form: &str) -> bool {
    CAMPAIGNS.iter().any(|(f, _)| *f == form)
}

fn campaign_rng(seed: u64) -> Rng {
    Rng(seed ^ 0x0C4A_0021)
}

fn campaign_items(people: &[Person], today: NaiveDate, items: &mut Vec<WorkItem>, rng: &mut Rng) {
    for (form, per_10k) in CAMPAIGNS {
        let mut seen: HashSet<&str> = HashSet::new();
        for p in people {
            if rng.below(10_000) >= per_10k || !seen.insert(&p.personal_id) {
                continue;
            }
            let mut prefill = person_prefill(p);
            match form {
                "id_cancellation" => {
                    let reason = *rng.weighted(&[
                        ("registration_error", 60),
                        ("birth_year_corrected", 30),
                        ("sex_redetermined", 5),
                        ("other", 5),
                    ]);
                    prefill.insert("reason".into(), reason.into());
                }
                "id_card_mismatch" => {
                    let field = *rng.weighted(&[
                        ("birth_date", 35),
                        ("full_name", 25),
                        ("place_of_origin", 20),
                        ("permanent_address", 15),
                        ("sex", 5),
                    ]);
                    prefill.insert("mismatch".into(), field.into());
                }
                "subscriber" if p.phone.is_empty() => continue,
                "subscriber" => {
                    prefill.insert("phone".into(), p.phone.clone());
                }
                _ => {
                    prefill.insert(
                        "insurance_number".into(),
                        format!("{:010}", rng.below(10_000_000_000)),
                    );
                }
            }
            items.push(WorkItem {
                id: String::new(),
                form: form.into(),
                team: p.team,
                due: Some((today + Duration::days(rng.range(5, 45))).to_string()),
                prefill,
            });
        }
    }
}

struct PersonAge;

impl PersonAge {
    fn of(p: &Person, today: NaiveDate) -> i32 {
        p.birth_date
            .get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .map(|y| today.year() - y)
            .unwrap_or(0)
    }
}

/// Relation, sex and age of the m-th member of a household.
fn member_shape(rng: &mut Rng, m: usize, head_age: i64) -> (&'static str, Sex, i64) {
    let sex = |rng: &mut Rng| {
        if rng.chance(500) {
            Sex::Male
        } else {
            Sex::Female
        }
    };
    match m {
        0 => (
            "Chủ hộ",
            if rng.chance(800) {
                Sex::Male
            } else {
                Sex::Female
            },
            head_age,
        ),
        1 if head_age > 22 && rng.chance(850) => {
            ("Vợ", Sex::Female, (head_age + rng.range(-6, 2)).max(18))
        }
        _ if head_age > 62 && rng.chance(300) => {
            let s = sex(rng);
            let rel = if s == Sex::Male {
                "Con rể"
            } else {
                "Con dâu"
            };
            (rel, s, head_age - rng.range(22, 35))
        }
        _ if head_age < 55 && rng.chance(120) => {
            let s = sex(rng);
            let rel = if s == Sex::Male {
                "Cha đẻ"
            } else {
                "Mẹ đẻ"
            };
            (rel, s, (head_age + rng.range(20, 32)).min(99))
        }
        _ if head_age > 58 && rng.chance(400) => (
            "Cháu nội",
            sex(rng),
            rng.range(0, (head_age - 45).clamp(1, 25)),
        ),
        _ => ("Con", sex(rng), (head_age - rng.range(20, 40)).max(0)),
    }
}

#[allow(clippy::too_many_arguments)]
fn make_person(
    rng: &mut Rng,
    used_ids: &mut HashSet<String>,
    index: usize,
    family: &str,
    sex: Sex,
    age: i64,
    today: NaiveDate,
    h: &Household,
    relation: &str,
) -> Person {
    let year = (today.year() as i64 - age).max(1902) as i32;
    let birth = NaiveDate::from_ymd_opt(year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
        .unwrap_or(today)
        .min(today - Duration::days(rng.range(1, 60)));
    // Old records often kept the year alone.
    let birth_date = if year < 1950 && rng.chance(250) {
        year.to_string()
    } else {
        birth.to_string()
    };
    let (middle, given) = match sex {
        Sex::Male => (*rng.pick(&MIDDLE_MALE), *rng.pick(&GIVEN_MALE)),
        Sex::Female => (*rng.pick(&MIDDLE_FEMALE), *rng.pick(&GIVEN_FEMALE)),
    };
    let mut p = Person {
        key: format!("{KEY_PREFIX}{:06}", index + 1),
        personal_id: String::new(),
        full_name: format!("{family} {middle} {given}"),
        birth_date,
        sex: Some(sex),
        household: h.code.clone(),
        team: h.team,
        relation: relation.to_string(),
        phone: String::new(),
        ethnicity: if rng.chance(960) { "Kinh" } else { "Tày" }.to_string(),
        religion: if rng.chance(880) {
            "Không"
        } else if rng.chance(800) {
            "Công giáo"
        } else {
            "Phật giáo"
        }
        .to_string(),
    };
    let province = if rng.chance(880) {
        HOME_PROVINCE.to_string()
    } else {
        rng.pick(reference::provinces()).code.clone()
    };
    p.personal_id = new_id(rng, used_ids, &p, &province);
    if age >= 15 && rng.chance(800) {
        p.phone = phone(rng);
    }
    p
}

/// A personal ID with the structure the rules check: province, century and
/// sex, year, then six random digits; unique within the demo.
fn new_id(rng: &mut Rng, used: &mut HashSet<String>, p: &Person, province: &str) -> String {
    let year: i32 = p
        .birth_date
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(1990);
    let century = (year - 1900) / 100;
    let female = i32::from(p.sex == Some(Sex::Female));
    let digit = century * 2 + female;
    loop {
        let id = format!(
            "{province}{digit}{:02}{:06}",
            year % 100,
            rng.below(1_000_000)
        );
        if used.insert(id.clone()) {
            return id;
        }
    }
}

fn phone(rng: &mut Rng) -> String {
    const PREFIXES: [&str; 12] = [
        "096", "097", "098", "086", "032", "035", "091", "094", "088", "090", "093", "070",
    ];
    format!("{}{:07}", rng.pick(&PREFIXES), rng.below(10_000_000))
}

/// The commune's register as its own spreadsheet would list it (CSV, the
/// headers a commune uses, villages by name), people in key order: imported
/// into a fresh register, each gets the key it was generated with.
pub(super) fn register_file<'a>(
    people: impl IntoIterator<Item = &'a Person>,
    commune: &Commune,
) -> Vec<u8> {
    let mut rows: Vec<&Person> = people.into_iter().collect();
    crate::sort::sort_by(&mut rows, |a, b| a.key.cmp(&b.key));
    let mut out = Vec::with_capacity(rows.len() * 110);
    let mut w = csv::Writer::from_writer(&mut out);
    let _ = w.write_record([
        "Số định danh",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Mã hộ",
        "Quan hệ với chủ hộ",
        "Thôn",
        "Số điện thoại",
        "Dân tộc",
        "Tôn giáo",
    ]);
    for p in rows {
        let sex = match p.sex {
            Some(Sex::Male) => "Nam",
            Some(Sex::Female) => "Nữ",
            None => "",
        };
        let village = commune.village(p.team).map_or("", |v| v.name.as_str());
        let _ = w.write_record([
            p.personal_id.as_str(),
            &p.full_name,
            &p.birth_date,
            sex,
            &p.household,
            &p.relation,
            village,
            &p.phone,
            &p.ethnicity,
            &p.religion,
        ]);
    }
    let _ = w.flush();
    drop(w);
    out
}

/// The commune's work list as its spreadsheets would list it: one CSV per
/// form, a column per field the items fill, villages by name and due dates
/// as a person writes them, items in id order. Imported into a fresh list,
/// each item gets the id it was generated with.
pub(super) fn worklist_files<'a>(
    items: impl IntoIterator<Item = &'a WorkItem>,
    commune: &Commune,
) -> Vec<(String, Vec<u8>)> {
    let mut by_form: BTreeMap<&str, Vec<&WorkItem>> = BTreeMap::new();
    for item in items {
        by_form.entry(item.form.as_str()).or_default().push(item);
    }
    let mut files = Vec::new();
    for (form, mut items) in by_form {
        crate::sort::sort_by(&mut items, |a, b| in_id_order(&a.id, &b.id));
        let mut fields: Vec<&str> = items
            .iter()
            .flat_map(|i| i.prefill.keys().map(String::as_str))
            .filter(|&f| f != "village")
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        crate::sort::sort(&mut fields);
        let mut out = Vec::with_capacity(items.len() * 120);
        let mut w = csv::Writer::from_writer(&mut out);
        let header = ["Thôn", "Hạn"].into_iter().chain(fields.iter().copied());
        let _ = w.write_record(header);
        for item in items {
            let village = commune.village(item.team).map_or("", |v| v.name.as_str());
            let due = item
                .due
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default();
            let cells = fields
                .iter()
                .map(|f| item.prefill.get(*f).map_or("", String::as_str));
            let _ = w.write_record([village, due.as_str()].into_iter().chain(cells));
        }
        let _ = w.flush();
        drop(w);
        files.push((form.to_string(), out));
    }
    files
}

/// Work-item ids in the order of their numbers: past 99,999 an id has six
/// digits ("AC-100000"), which as text would come before "AC-10001", and
/// the import would number the items after it differently from the demo.
fn in_id_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

fn person_prefill(p: &Person) -> BTreeMap<String, String> {
    let mut m = BTreeMap::from([
        ("person_id".to_string(), p.personal_id.clone()),
        ("full_name".to_string(), p.full_name.clone()),
    ]);
    if !p.birth_date.is_empty() {
        m.insert("birth_date".into(), p.birth_date.clone());
    }
    if let Some(sex) = p.sex {
        let v = if sex == Sex::Male { "male" } else { "female" };
        m.insert("sex".into(), v.into());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_past_99999_come_after_the_five_digit_ones() {
        let mut ids = vec!["AC-100000", "AC-10001", "AC-99999", "AC-00002"];
        crate::sort::sort_by(&mut ids, |a, b| in_id_order(a, b));
        assert_eq!(ids, ["AC-00002", "AC-10001", "AC-99999", "AC-100000"]);
    }
}
