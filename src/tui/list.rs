//! The work list model: every case and every assigned item not yet started,
//! with filters, sorting and search as you type (case- and accent-blind).
//! Rows are kept sorted, so a filter keeps order and a narrowing search only
//! re-scans what is already visible. Pure: no terminal, no store.

use std::collections::{HashMap, HashSet};

use crate::domain::case::CaseEntry;
use crate::domain::form;
use crate::domain::progress::Stage;
use crate::domain::text;
use crate::domain::work::WorkItem;

pub use crate::domain::listing::ListRow as Row;

/// Builds the rows from work items and cases (the store keeps them built;
/// tests and small lists use this).
pub fn rows(items: &[WorkItem], cases: &[CaseEntry], drafts: &HashSet<String>) -> Vec<Row> {
    let items_by_id: HashMap<&str, &WorkItem> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut out: Vec<Row> = cases
        .iter()
        .map(|c| {
            let due = items_by_id
                .get(c.record.as_str())
                .and_then(|i| i.due.as_deref());
            Row::from_case(c, due)
        })
        .collect();
    let with_case: HashSet<&str> = cases.iter().map(|c| c.record.as_str()).collect();
    out.extend(
        items
            .iter()
            .filter(|i| !with_case.contains(i.id.as_str()))
            .map(Row::from_item),
    );
    mark_drafts(&mut out, drafts);
    out
}

/// Marks the rows whose typing waits in a draft.
pub fn mark_drafts(rows: &mut [Row], drafts: &HashSet<String>) {
    for row in rows {
        row.has_draft = drafts.contains(&row.record);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StageFilter {
    #[default]
    All,
    Only(Stage),
    Conflicts,
}

impl StageFilter {
    fn next(self) -> StageFilter {
        match self {
            StageFilter::All => StageFilter::Only(Stage::NotStarted),
            StageFilter::Only(Stage::NotStarted) => StageFilter::Only(Stage::InProgress),
            StageFilter::Only(Stage::InProgress) => StageFilter::Only(Stage::Done),
            StageFilter::Only(Stage::Done) => StageFilter::Only(Stage::Blocked),
            StageFilter::Only(Stage::Blocked) => StageFilter::Conflicts,
            StageFilter::Conflicts => StageFilter::All,
        }
    }

    fn keeps(self, f: Facts) -> bool {
        match self {
            StageFilter::All => true,
            StageFilter::Only(s) => f.stage == s,
            StageFilter::Conflicts => f.conflict,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// Conflicts and drafts first, then by code.
    #[default]
    Code,
    /// Soonest due or follow-up first; undated last.
    Due,
    /// Most recently edited first.
    Edited,
}

impl Sort {
    fn next(self) -> Sort {
        match self {
            Sort::Code => Sort::Due,
            Sort::Due => Sort::Edited,
            Sort::Edited => Sort::Code,
        }
    }

    fn cmp(self, a: &Row, b: &Row) -> std::cmp::Ordering {
        match self {
            Sort::Code => {
                (!a.conflict, !a.has_draft, &a.record).cmp(&(!b.conflict, !b.has_draft, &b.record))
            }
            Sort::Due => {
                (a.due.is_none(), a.due, &a.record).cmp(&(b.due.is_none(), b.due, &b.record))
            }
            Sort::Edited => (&b.edited, &a.record).cmp(&(&a.edited, &b.record)),
        }
    }

    /// Orders row indices by this sort's key.
    fn order(self, rows: &[Row], order: &mut [u32]) {
        order.sort_by(|a, b| self.cmp(&rows[*a as usize], &rows[*b as usize]));
    }
}

/// What the filters look at, kept apart from the rows so a filter pass
/// reads a few bytes a row instead of whole rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Facts {
    form: u8,
    team: u8,
    stage: Stage,
    conflict: bool,
}

fn form_index(id: &str) -> u8 {
    form::forms()
        .iter()
        .position(|f| f.id == id)
        .unwrap_or(usize::from(u8::MAX)) as u8
}

fn facts(row: &Row) -> Facts {
    Facts {
        form: form_index(row.form),
        team: row.team,
        stage: row.stage,
        conflict: row.conflict,
    }
}

/// The work list. Rows never move once loaded (a save replaces one in
/// place); `order` is the sorted permutation and `visible` the filtered part
/// of it. Search keys live in one contiguous buffer, so search as you type is
/// one pass over memory rather than a hundred thousand small strings.
#[derive(Clone, Debug, Default)]
pub struct WorkList {
    rows: Vec<Row>,
    facts: Vec<Facts>,
    /// Every row's folded search key, `\n`-separated; row i's key is at
    /// `spans[i]`. A changed row gets a new key at the end.
    hay: String,
    spans: Vec<(u32, u32)>,
    /// Rows loaded in record order, for finding one by binary search.
    sorted_prefix: usize,
    order: Vec<u32>,
    /// Row indices that pass the filters, in `order`'s order.
    visible: Vec<u32>,
    pub team: Option<u8>,
    pub form: Option<String>,
    pub stage: StageFilter,
    pub sort: Sort,
    query: String,
    folded: String,
    /// Position in `visible` of the highlighted row.
    pub selected: usize,
    /// First visible row on screen.
    pub offset: usize,
    /// Goes up whenever a row changes, so derived tables know to recount.
    pub generation: u64,
    /// Search keys in `hay` no row points at any more.
    garbage: usize,
}

impl WorkList {
    pub fn new(mut rows: Vec<Row>) -> WorkList {
        let mut list = WorkList::default();
        let sorted = rows.windows(2).all(|w| w[0].record <= w[1].record);
        if !sorted {
            rows.sort_by(|a, b| a.record.cmp(&b.record));
        }
        list.sorted_prefix = rows.len();
        list.hay
            .reserve(rows.iter().map(|r| r.search.len() + 1).sum());
        for row in &mut rows {
            let search = std::mem::take(&mut row.search);
            let span = list.push_key(&search);
            list.spans.push(span);
            list.facts.push(facts(row));
        }
        list.rows = rows;
        // Rows arrive in record order, so the default order (conflicts, then
        // drafts, then by code) is three passes, not a sort.
        let n = list.rows.len() as u32;
        let rows = &list.rows;
        list.order = (0..n)
            .filter(|&i| rows[i as usize].conflict)
            .chain((0..n).filter(|&i| !rows[i as usize].conflict && rows[i as usize].has_draft))
            .chain((0..n).filter(|&i| !rows[i as usize].conflict && !rows[i as usize].has_draft))
            .collect();
        list.refilter();
        list
    }

    fn push_key(&mut self, key: &str) -> (u32, u32) {
        let start = self.hay.len() as u32;
        self.hay.push_str(key);
        self.hay.push('\n');
        (start, start + key.len() as u32)
    }

    fn key(&self, i: u32) -> &str {
        let (a, b) = self.spans[i as usize];
        &self.hay[a as usize..b as usize]
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn total(&self) -> usize {
        self.rows.len()
    }

    pub fn shown(&self) -> usize {
        self.visible.len()
    }

    /// Every row, in no particular order (for counting).
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    fn keeps(&self, i: u32) -> bool {
        let f = self.facts[i as usize];
        let form = self.form.as_deref().map(form_index);
        form.is_none_or(|x| f.form == x)
            && self.team.is_none_or(|t| f.team == t)
            && self.stage.keeps(f)
            && (self.folded.is_empty() || self.key(i).contains(self.folded.as_str()))
    }

    fn refilter(&mut self) {
        let visible: Vec<u32> = self
            .order
            .iter()
            .copied()
            .filter(|&i| self.keeps(i))
            .collect();
        self.visible = visible;
        self.clamp();
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        self.offset = self.offset.min(self.selected);
    }

    /// Search as you type: a longer query only re-checks what is visible.
    pub fn set_query(&mut self, query: &str) {
        let folded = text::fold(query);
        let narrowing = folded.starts_with(&self.folded);
        self.query = query.to_string();
        self.folded = folded;
        if narrowing {
            let mut visible = std::mem::take(&mut self.visible);
            visible.retain(|&i| self.key(i).contains(self.folded.as_str()));
            self.visible = visible;
            self.clamp();
        } else {
            self.refilter();
        }
        self.selected = 0;
        self.offset = 0;
    }

    /// Shows the cases behind a progress-table cell; clears the search.
    pub fn set_filters(&mut self, team: Option<u8>, form: Option<String>, stage: StageFilter) {
        self.team = team;
        self.form = form;
        self.stage = stage;
        self.query.clear();
        self.folded.clear();
        self.selected = 0;
        self.offset = 0;
        self.refilter();
    }

    pub fn clear_team(&mut self) {
        self.team = None;
        self.refilter();
    }

    /// Cycles the form filter through every form and back to all.
    pub fn cycle_form(&mut self) {
        let forms = form::forms();
        self.form = match &self.form {
            None => forms.first().map(|f| f.id.clone()),
            Some(cur) => forms
                .iter()
                .skip_while(|f| &f.id != cur)
                .nth(1)
                .map(|f| f.id.clone()),
        };
        self.refilter();
    }

    pub fn cycle_stage(&mut self) {
        self.stage = self.stage.next();
        self.refilter();
    }

    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
        self.sort.order(&self.rows, &mut self.order);
        self.refilter();
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    pub fn select_first(&mut self) {
        self.selected = 0;
    }

    pub fn select_last(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.visible
            .get(self.selected)
            .map(|&i| &self.rows[i as usize])
    }

    /// The rows on screen for a window of `height` lines, scrolled so the
    /// selection shows. Only these are turned into table rows.
    pub fn window(&mut self, height: usize) -> impl Iterator<Item = (bool, &Row)> {
        if height > 0 {
            if self.selected < self.offset {
                self.offset = self.selected;
            } else if self.selected >= self.offset + height {
                self.offset = self.selected + 1 - height;
            }
        }
        let selected = self.selected;
        let rows = &self.rows;
        self.visible
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(height)
            .map(move |(pos, &i)| (pos == selected, &rows[i as usize]))
    }

    /// Where a record's row is, if loaded.
    fn find(&self, record: &str) -> Option<usize> {
        self.rows[..self.sorted_prefix]
            .binary_search_by(|r| r.record.as_str().cmp(record))
            .ok()
            .or_else(|| {
                self.rows[self.sorted_prefix..]
                    .iter()
                    .position(|r| r.record == record)
                    .map(|p| p + self.sorted_prefix)
            })
    }

    /// Puts a row in (or replaces the one with the same record) after a save,
    /// keeping the selection on it.
    pub fn upsert(&mut self, mut row: Row) {
        let search = std::mem::take(&mut row.search);
        let span = self.push_key(&search);
        let i = match self.find(&row.record) {
            Some(i) => {
                self.rows[i] = row;
                self.spans[i] = span;
                self.facts[i] = facts(&self.rows[i]);
                i as u32
            }
            None => {
                self.facts.push(facts(&row));
                self.rows.push(row);
                self.spans.push(span);
                self.rows.len() as u32 - 1
            }
        };
        // Keys left behind by replaced rows are dropped once they are half.
        self.garbage += 1;
        if self.garbage * 2 > self.rows.len() {
            self.compact();
        }
        // Move just this row: in the order, then in the visible part.
        let sort = self.sort;
        let rows = &self.rows;
        let before = |x: &u32| sort.cmp(&rows[*x as usize], &rows[i as usize]).is_lt();
        self.order.retain(|&x| x != i);
        let at = self.order.partition_point(before);
        self.order.insert(at, i);
        self.visible.retain(|&x| x != i);
        if self.keeps(i) {
            let rows = &self.rows;
            let at = self
                .visible
                .partition_point(|x| sort.cmp(&rows[*x as usize], &rows[i as usize]).is_lt());
            self.visible.insert(at, i);
            self.selected = at;
        }
        self.clamp();
        self.generation += 1;
    }

    fn compact(&mut self) {
        self.garbage = 0;
        let old = std::mem::take(&mut self.hay);
        for span in &mut self.spans {
            let key = &old[span.0 as usize..span.1 as usize];
            let start = self.hay.len() as u32;
            self.hay.push_str(key);
            self.hay.push('\n');
            *span = (start, start + key.len() as u32);
        }
    }

    pub fn set_draft_mark(&mut self, record: &str, has_draft: bool) {
        if let Some(i) = self.find(record) {
            self.rows[i].has_draft = has_draft;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn item(id: &str, name: &str, pid: &str) -> WorkItem {
        WorkItem {
            id: id.into(),
            form: "activation".into(),
            team: 1,
            due: None,
            prefill: BTreeMap::from([
                ("full_name".to_string(), name.to_string()),
                ("person_id".to_string(), pid.to_string()),
            ]),
        }
    }

    fn list() -> WorkList {
        let items = vec![
            item("AC-1", "Nguyễn Văn An", "034090123456"),
            item("AC-2", "Trần Thị Bình", "034190123457"),
            item("AC-3", "NGUYỄN VĂN ÁNH", "034090123458"),
        ];
        WorkList::new(rows(&items, &[], &HashSet::new()))
    }

    #[test]
    fn search_ignores_case_and_accents_and_narrows() {
        let mut l = list();
        l.set_query("nguyen van a");
        assert_eq!(l.shown(), 2);
        l.set_query("nguyen van an");
        assert_eq!(l.shown(), 2, "An and Ánh both start with 'an'");
        l.set_query("nguyen van anh");
        assert_eq!(l.shown(), 1);
        assert_eq!(l.selected_row().unwrap().record, "AC-3");
        l.set_query("0341901");
        assert_eq!(l.selected_row().unwrap().record, "AC-2");
        l.set_query("");
        assert_eq!(l.shown(), 3);
        l.set_query("ac-2");
        assert_eq!(l.shown(), 1);
    }

    #[test]
    fn filters_and_window_keep_the_selection_visible() {
        let mut l = list();
        l.cycle_stage();
        assert_eq!(l.stage, StageFilter::Only(Stage::NotStarted));
        assert_eq!(l.shown(), 3);
        l.cycle_stage();
        assert_eq!(l.shown(), 0);
        assert!(l.selected_row().is_none());
        l.stage = StageFilter::All;
        l.refilter();
        l.move_by(5);
        assert_eq!(l.selected, 2);
        let shown: Vec<_> = l
            .window(2)
            .map(|(sel, r)| (sel, r.record.clone()))
            .collect();
        assert_eq!(shown, vec![(false, "AC-2".into()), (true, "AC-3".into())]);
    }
}
