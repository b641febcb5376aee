//! The work list model: every case and every assigned item not yet started,
//! with filters, sorting and search as you type (case- and accent-blind).
//! Pure: no terminal, no store.
//!
//! A commune holds a hundred thousand lines, so they are kept compact: the
//! strings of all lines live in two buffers (display text, and folded search
//! keys), a line holds offsets into them, and lines never move once loaded
//! (`order` is the sorted permutation, `visible` the filtered part of it).
//! Search as you type is then one pass over contiguous memory.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::domain::case::CaseEntry;
use crate::domain::form;
use crate::domain::progress::Unit;
use crate::domain::standing::Stage;
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

/// One line as the screens read it, borrowed from the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowView<'a> {
    pub record: &'a str,
    pub title: &'a str,
    pub form: &'static str,
    pub team: u8,
    pub stage: Stage,
    pub draft_status: bool,
    pub conflict: bool,
    pub has_draft: bool,
    pub due: Option<NaiveDate>,
    pub edited: Option<DateTime<FixedOffset>>,
    pub blocker: Option<&'static str>,
    pub outcome: Option<&'static str>,
}

impl RowView<'_> {
    /// This line as the progress tables count it.
    pub fn unit(&self) -> Unit<'static> {
        Unit {
            team: self.team,
            form: self.form,
            stage: self.stage,
            conflict: self.conflict,
            blocker: self.blocker,
        }
    }
}

/// A stored line: offsets into the text buffer and plain values.
#[derive(Clone, Debug)]
struct Line {
    record: (u32, u32),
    title: (u32, u32),
    form: &'static str,
    team: u8,
    stage: Stage,
    draft_status: bool,
    conflict: bool,
    has_draft: bool,
    due: Option<NaiveDate>,
    edited: Option<DateTime<FixedOffset>>,
    blocker: Option<&'static str>,
    outcome: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StageFilter {
    #[default]
    All,
    /// Today's follow-ups: work not done whose due or follow-up date is
    /// today or past.
    FollowUps,
    Only(Stage),
    Conflicts,
}

impl StageFilter {
    fn next(self) -> StageFilter {
        match self {
            StageFilter::All => StageFilter::FollowUps,
            StageFilter::FollowUps => StageFilter::Only(Stage::NotStarted),
            StageFilter::Only(Stage::NotStarted) => StageFilter::Only(Stage::InProgress),
            StageFilter::Only(Stage::InProgress) => StageFilter::Only(Stage::Done),
            StageFilter::Only(Stage::Done) => StageFilter::Only(Stage::Blocked),
            StageFilter::Only(Stage::Blocked) => StageFilter::Only(Stage::NeedsCorrection),
            StageFilter::Only(Stage::NeedsCorrection) => StageFilter::Only(Stage::Voided),
            StageFilter::Only(Stage::Voided) => StageFilter::Conflicts,
            StageFilter::Conflicts => StageFilter::All,
        }
    }

    fn keeps(self, f: Facts, due: Option<NaiveDate>, today: NaiveDate) -> bool {
        match self {
            StageFilter::All => true,
            StageFilter::FollowUps => {
                due.is_some_and(|d| d <= today) && !matches!(f.stage, Stage::Done | Stage::Voided)
            }
            StageFilter::Only(s) => f.stage == s,
            StageFilter::Conflicts => f.conflict,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// Returned for correction, conflicts and drafts first, then by code.
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

    fn cmp(self, a: RowView, b: RowView) -> std::cmp::Ordering {
        match self {
            // Returned for correction, then conflicts, then drafts, then by code.
            Sort::Code => {
                let back = |r: &RowView| r.stage != Stage::NeedsCorrection;
                (back(&a), !a.conflict, !a.has_draft, a.record).cmp(&(
                    back(&b),
                    !b.conflict,
                    !b.has_draft,
                    b.record,
                ))
            }
            Sort::Due => {
                (a.due.is_none(), a.due, a.record).cmp(&(b.due.is_none(), b.due, b.record))
            }
            Sort::Edited => (b.edited, a.record).cmp(&(a.edited, b.record)),
        }
    }
}

/// What the filters look at, kept apart from the lines so a filter pass
/// reads a few bytes a line.
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

#[derive(Clone, Debug, Default)]
pub struct WorkList {
    lines: Vec<Line>,
    facts: Vec<Facts>,
    /// Records and titles of all lines.
    text: String,
    /// Every line's folded search key, `\n`-separated; line i's key is at
    /// `spans[i]`. A changed line gets its new strings at the end.
    hay: String,
    spans: Vec<(u32, u32)>,
    /// Lines loaded in record order, for finding one by binary search.
    sorted_prefix: usize,
    order: Vec<u32>,
    /// Line indices that pass the filters, in `order`'s order.
    visible: Vec<u32>,
    pub team: Option<u8>,
    pub form: Option<String>,
    pub stage: StageFilter,
    pub sort: Sort,
    /// The day "today's follow-ups" are counted to.
    pub today: NaiveDate,
    query: String,
    folded: String,
    /// Position in `visible` of the highlighted line.
    pub selected: usize,
    /// First visible line on screen.
    pub offset: usize,
    /// Goes up whenever a line changes, so derived tables know to recount.
    pub generation: u64,
    /// Lines replaced since the buffers were last compacted.
    garbage: usize,
}

fn push(buf: &mut String, s: &str) -> (u32, u32) {
    let start = buf.len() as u32;
    buf.push_str(s);
    (start, buf.len() as u32)
}

impl WorkList {
    pub fn new(rows: Vec<Row>) -> WorkList {
        let mut list = WorkList::default();
        list.reserve(rows.len());
        for row in rows {
            list.push_loaded(&row);
        }
        list.finish_loading();
        list
    }

    /// Makes room for `n` more lines at once: growing the buffers line by
    /// line while a big list loads copies them again and again. (Room for
    /// text not yet written costs address space, not memory.)
    pub fn reserve(&mut self, n: usize) {
        self.lines.reserve(n);
        self.facts.reserve(n);
        self.spans.reserve(n);
        self.text.reserve(n * 64);
        self.hay.reserve(n * 64);
    }

    /// Adds one loaded line; rows may arrive one at a time from the store so
    /// the whole list never exists twice in memory.
    pub fn push_loaded(&mut self, row: &Row) {
        let line = self.line_of(row);
        self.facts.push(facts_of(&line));
        self.lines.push(line);
    }

    /// Sorts and filters once every line is in.
    pub fn finish_loading(&mut self) {
        let sorted = self
            .lines
            .windows(2)
            .all(|w| self.str_at(w[0].record) <= self.str_at(w[1].record));
        if sorted {
            self.sorted_prefix = self.lines.len();
            // Lines arrive in record order, so the default order (returned
            // for correction, conflicts, drafts, then by code) is one pass
            // that drops each line into one of eight bins, not a sort.
            let mut bins: [Vec<u32>; 8] = Default::default();
            for (i, l) in self.lines.iter().enumerate() {
                let back = l.stage == Stage::NeedsCorrection;
                let bin = usize::from(!back) << 2
                    | usize::from(!l.conflict) << 1
                    | usize::from(!l.has_draft);
                bins[bin].push(i as u32);
            }
            let mut order = Vec::with_capacity(self.lines.len());
            for bin in bins {
                order.extend(bin);
            }
            self.order = order;
        } else {
            self.sorted_prefix = 0;
            self.order = (0..self.lines.len() as u32).collect();
            self.sort_order();
        }
        self.text.shrink_to_fit();
        self.hay.shrink_to_fit();
        self.refilter();
    }

    fn line_of(&mut self, row: &Row) -> Line {
        let record = push(&mut self.text, &row.record);
        let title = push(&mut self.text, &row.title);
        let span = push(&mut self.hay, &row.search);
        self.hay.push('\n');
        self.spans.push(span);
        Line {
            record,
            title,
            form: row.form,
            team: row.team,
            stage: row.stage,
            draft_status: row.draft_status,
            conflict: row.conflict,
            has_draft: row.has_draft,
            due: row.due,
            edited: row.edited,
            blocker: row.blocker,
            outcome: row.outcome,
        }
    }

    fn str_at(&self, (a, b): (u32, u32)) -> &str {
        &self.text[a as usize..b as usize]
    }

    fn view(&self, i: u32) -> RowView<'_> {
        let l = &self.lines[i as usize];
        RowView {
            record: self.str_at(l.record),
            title: self.str_at(l.title),
            form: l.form,
            team: l.team,
            stage: l.stage,
            draft_status: l.draft_status,
            conflict: l.conflict,
            has_draft: l.has_draft,
            due: l.due,
            edited: l.edited,
            blocker: l.blocker,
            outcome: l.outcome,
        }
    }

    fn sort_order(&mut self) {
        let mut order = std::mem::take(&mut self.order);
        crate::sort::sort_by(&mut order, |a, b| {
            self.sort.cmp(self.view(*a), self.view(*b))
        });
        self.order = order;
    }

    fn key(&self, i: u32) -> &str {
        let (a, b) = self.spans[i as usize];
        &self.hay[a as usize..b as usize]
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn total(&self) -> usize {
        self.lines.len()
    }

    pub fn shown(&self) -> usize {
        self.visible.len()
    }

    /// Every line, in no particular order (for counting).
    pub fn views(&self) -> impl Iterator<Item = RowView<'_>> {
        (0..self.lines.len() as u32).map(|i| self.view(i))
    }

    fn keeps(&self, i: u32) -> bool {
        let f = self.facts[i as usize];
        let form = self.form.as_deref().map(form_index);
        form.is_none_or(|x| f.form == x)
            && self.team.is_none_or(|t| f.team == t)
            && self.stage.keeps(f, self.lines[i as usize].due, self.today)
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
    /// A search looks through everything: it leaves today's follow-ups
    /// for the whole list.
    pub fn set_query(&mut self, query: &str) {
        let folded = text::fold(query);
        let mut narrowing = folded.starts_with(&self.folded);
        if !folded.is_empty() && self.stage == StageFilter::FollowUps {
            self.stage = StageFilter::All;
            narrowing = false;
        }
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

    /// Opens on today's follow-ups, soonest first, when there are any
    /// (as of `today`); else as it was.
    pub fn open_on_follow_ups(&mut self, today: NaiveDate) {
        self.today = today;
        let due = (0..self.lines.len() as u32).any(|i| {
            StageFilter::FollowUps.keeps(self.facts[i as usize], self.lines[i as usize].due, today)
        });
        if due {
            self.stage = StageFilter::FollowUps;
            self.sort = Sort::Due;
            self.sort_order();
            self.selected = 0;
            self.offset = 0;
            self.refilter();
        }
    }

    pub fn clear_team(&mut self) {
        self.team = None;
        self.refilter();
    }

    /// Cycles the form filter through every form and back to all.
    pub fn cycle_form(&mut self) {
        self.form = next_form(self.form.as_deref());
        self.refilter();
    }

    pub fn cycle_stage(&mut self) {
        self.stage = self.stage.next();
        self.refilter();
    }

    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
        self.sort_order();
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

    pub fn selected_row(&self) -> Option<RowView<'_>> {
        self.visible.get(self.selected).map(|&i| self.view(i))
    }

    /// Scrolls a window of `height` lines so the selection shows.
    pub fn keep_in_view(&mut self, height: usize) {
        if height > 0 {
            if self.selected < self.offset {
                self.offset = self.selected;
            } else if self.selected >= self.offset + height {
                self.offset = self.selected + 1 - height;
            }
        }
    }

    /// The lines on screen for a window of `height` lines from the scroll
    /// offset. Only these are turned into table rows.
    pub fn window(&self, height: usize) -> impl Iterator<Item = (bool, RowView<'_>)> {
        let selected = self.selected;
        self.visible
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(height)
            .map(move |(pos, &i)| (pos == selected, self.view(i)))
    }

    /// Where a record's line is, if loaded.
    fn find(&self, record: &str) -> Option<usize> {
        self.lines[..self.sorted_prefix]
            .binary_search_by(|l| self.str_at(l.record).cmp(record))
            .ok()
            .or_else(|| {
                self.lines[self.sorted_prefix..]
                    .iter()
                    .position(|l| self.str_at(l.record) == record)
                    .map(|p| p + self.sorted_prefix)
            })
    }

    /// Puts a row in (or replaces the line with the same record) after a
    /// save, keeping the selection on it.
    pub fn upsert(&mut self, row: Row) {
        let found = self.find(&row.record);
        let line = self.line_of(&row);
        let span = self.spans.pop().unwrap_or_default();
        let i = match found {
            Some(i) => {
                self.facts[i] = facts_of(&line);
                self.lines[i] = line;
                self.spans[i] = span;
                self.garbage += 1;
                i as u32
            }
            None => {
                self.facts.push(facts_of(&line));
                self.lines.push(line);
                self.spans.push(span);
                self.lines.len() as u32 - 1
            }
        };
        if self.garbage * 2 > self.lines.len() {
            self.compact();
        }
        // Move just this line: in the order, then in the visible part.
        let sort = self.sort;
        let me = self.view(i);
        let at = {
            let this = &*self;
            let mut order: Vec<u32> = this.order.iter().copied().filter(|&x| x != i).collect();
            let at = order.partition_point(|x| sort.cmp(this.view(*x), me).is_lt());
            order.insert(at, i);
            order
        };
        self.order = at;
        self.visible.retain(|&x| x != i);
        if self.keeps(i) {
            let this = &*self;
            let me = this.view(i);
            let at = this
                .visible
                .partition_point(|x| sort.cmp(this.view(*x), me).is_lt());
            self.visible.insert(at, i);
            self.selected = at;
        }
        self.clamp();
        self.generation += 1;
    }

    /// Drops the strings of replaced lines.
    fn compact(&mut self) {
        self.garbage = 0;
        let (old_text, old_hay) = (
            std::mem::take(&mut self.text),
            std::mem::take(&mut self.hay),
        );
        for (line, span) in self.lines.iter_mut().zip(self.spans.iter_mut()) {
            line.record = push(
                &mut self.text,
                &old_text[line.record.0 as usize..line.record.1 as usize],
            );
            line.title = push(
                &mut self.text,
                &old_text[line.title.0 as usize..line.title.1 as usize],
            );
            *span = push(&mut self.hay, &old_hay[span.0 as usize..span.1 as usize]);
            self.hay.push('\n');
        }
    }

    pub fn set_draft_mark(&mut self, record: &str, has_draft: bool) {
        if let Some(i) = self.find(record) {
            self.lines[i].has_draft = has_draft;
        }
    }
}

/// The form filter after `current` (`None` is all forms): each form in
/// turn, then all again.
pub fn next_form(current: Option<&str>) -> Option<String> {
    let forms = form::forms();
    match current {
        None => forms.first().map(|f| f.id.clone()),
        Some(cur) => forms
            .iter()
            .skip_while(|f| f.id != cur)
            .nth(1)
            .map(|f| f.id.clone()),
    }
}

fn facts_of(l: &Line) -> Facts {
    Facts {
        form: form_index(l.form),
        team: l.team,
        stage: l.stage,
        conflict: l.conflict,
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
        assert_eq!(
            l.selected_row().unwrap().title,
            "NGUYỄN VĂN ÁNH · 034090123458"
        );
        l.set_query("0341901");
        assert_eq!(l.selected_row().unwrap().record, "AC-2");
        l.set_query("");
        assert_eq!(l.shown(), 3);
        l.set_query("ac-2");
        assert_eq!(l.shown(), 1);
    }

    #[test]
    fn an_upsert_replaces_the_line_in_place_and_search_sees_it() {
        let mut l = list();
        let mut row = rows(
            &[item("AC-2", "Trần Thị Bình", "034190123457")],
            &[],
            &HashSet::new(),
        )
        .pop()
        .unwrap();
        row.title = "Trần Thị Bình Mới".into();
        row.search = "ac-2 tran thi binh moi".into();
        row.stage = Stage::Done;
        for _ in 0..5 {
            l.upsert(row.clone());
        }
        assert_eq!(l.total(), 3);
        l.set_query("binh moi");
        assert_eq!(l.selected_row().unwrap().title, "Trần Thị Bình Mới");
        l.set_query("");
        assert_eq!(l.views().filter(|v| v.stage == Stage::Done).count(), 1);
        assert_eq!(l.generation, 5);
    }

    #[test]
    fn filters_and_window_keep_the_selection_visible() {
        let mut l = list();
        l.cycle_stage();
        assert_eq!(l.stage, StageFilter::FollowUps);
        assert_eq!(l.shown(), 0, "nothing is dated");
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
        l.keep_in_view(2);
        let shown: Vec<_> = l
            .window(2)
            .map(|(sel, r)| (sel, r.record.to_string()))
            .collect();
        assert_eq!(shown, vec![(false, "AC-2".into()), (true, "AC-3".into())]);
    }

    #[test]
    fn the_list_opens_on_todays_follow_ups_and_a_search_looks_everywhere() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let dated = |id: &str, due: u32| WorkItem {
            due: Some(day(due).to_string()),
            ..item(id, &format!("Người {id}"), "034090123456")
        };
        let mut done = rows(&[dated("AC-5", 1)], &[], &HashSet::new());
        done[0].stage = Stage::Done;
        let mut all = rows(
            &[
                dated("AC-1", 3),
                dated("AC-2", 4),
                dated("AC-3", 9),
                item("AC-4", "Lê", "1"),
            ],
            &[],
            &HashSet::new(),
        );
        all.extend(done);
        let mut l = WorkList::new(all.clone());
        l.open_on_follow_ups(day(4));
        assert_eq!(l.stage, StageFilter::FollowUps);
        assert_eq!(l.sort, Sort::Due);
        let records: Vec<String> = l.window(10).map(|(_, v)| v.record.to_string()).collect();
        // Due today and overdue, soonest first; not the later one, the
        // undated one, nor the one done.
        assert_eq!(records, ["AC-1", "AC-2"]);
        l.set_query("nguoi ac-3");
        assert_eq!(l.stage, StageFilter::All);
        assert_eq!(l.shown(), 1);
        // Nothing due: the list opens as it always did.
        let mut l = WorkList::new(all);
        l.open_on_follow_ups(day(2));
        assert_eq!(l.stage, StageFilter::All);
        assert_eq!(l.shown(), 5);
    }
}

#[cfg(test)]
mod upsert_order {
    use super::*;

    fn row(record: &str, stage: Stage, conflict: bool) -> Row {
        let mut r = rows(
            &[WorkItem {
                id: record.into(),
                form: "activation".into(),
                team: 1,
                due: None,
                prefill: Default::default(),
            }],
            &[],
            &HashSet::new(),
        )
        .pop()
        .unwrap();
        r.stage = stage;
        r.conflict = conflict;
        r
    }

    #[test]
    fn a_returned_case_moves_before_conflicts_even_when_filtered_out() {
        let mut l = WorkList::new(vec![
            row("AC-1", Stage::Done, false),
            row("AC-2", Stage::Done, true),
            row("AC-3", Stage::NotStarted, false),
        ]);
        l.stage = StageFilter::Only(Stage::Done);
        l.refilter();
        l.upsert(row("AC-1", Stage::NeedsCorrection, false));
        l.stage = StageFilter::All;
        l.refilter();
        let order: Vec<String> = l.window(3).map(|(_, r)| r.record.to_string()).collect();
        assert_eq!(order, vec!["AC-1", "AC-2", "AC-3"]);
    }
}
