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

/// One line of the work list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub record: String,
    pub form: String,
    pub team: u8,
    pub stage: Stage,
    /// Saved with problems still open.
    pub draft_status: bool,
    pub conflict: bool,
    pub title: String,
    /// Folded text that search matches: code, names, IDs, household, phone.
    pub search: String,
    /// ISO date: the next follow-up if planned, else the due date.
    pub due: String,
    /// RFC 3339 time of the last save, empty when not started.
    pub edited: String,
    /// Typing not yet saved is waiting in a draft.
    pub has_draft: bool,
    /// Why the case is blocked, when it is.
    pub blocker: Option<String>,
    /// The value of the form's outcome field (e.g. the e-ID level reached).
    pub outcome: Option<String>,
}

impl Row {
    /// This row as the progress tables count it.
    pub fn unit(&self) -> crate::domain::progress::Unit<'_> {
        crate::domain::progress::Unit {
            team: self.team,
            form: &self.form,
            stage: self.stage,
            conflict: self.conflict,
            blocker: self.blocker.as_deref(),
        }
    }

    pub fn from_item(item: &WorkItem) -> Row {
        let spec = form::form(&item.form);
        let search = spec
            .map(|s| s.search_key(&item.prefill))
            .unwrap_or_default();
        Row {
            record: item.id.clone(),
            form: item.form.clone(),
            team: item.team,
            stage: Stage::NotStarted,
            draft_status: false,
            conflict: false,
            title: spec.map(|s| s.title(&item.prefill)).unwrap_or_default(),
            search: format!("{} {search}", text::fold(&item.id)),
            due: item.due.clone().unwrap_or_default(),
            edited: String::new(),
            has_draft: false,
            blocker: None,
            outcome: None,
        }
    }

    pub fn from_case(case: &CaseEntry, item: Option<&WorkItem>) -> Row {
        Row {
            record: case.record.clone(),
            form: case.form.clone(),
            team: case.team,
            stage: Stage::of(case.status),
            draft_status: case.status == crate::domain::version::Status::Draft,
            conflict: case.in_conflict(),
            title: case.title.clone(),
            search: format!("{} {}", text::fold(&case.record), case.search),
            due: case
                .follow_up
                .clone()
                .or_else(|| item.and_then(|i| i.due.clone()))
                .unwrap_or_default(),
            edited: case.edited_at.clone(),
            has_draft: false,
            blocker: case.blocker.clone(),
            outcome: case.outcome.clone(),
        }
    }
}

/// Builds the rows: a case where one exists, else the work item.
pub fn rows(items: &[WorkItem], cases: &[CaseEntry], drafts: &HashSet<String>) -> Vec<Row> {
    let items_by_id: HashMap<&str, &WorkItem> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut out: Vec<Row> = cases
        .iter()
        .map(|c| Row::from_case(c, items_by_id.get(c.record.as_str()).copied()))
        .collect();
    let with_case: HashSet<&str> = cases.iter().map(|c| c.record.as_str()).collect();
    out.extend(
        items
            .iter()
            .filter(|i| !with_case.contains(i.id.as_str()))
            .map(Row::from_item),
    );
    for row in &mut out {
        row.has_draft = drafts.contains(&row.record);
    }
    out
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

    fn keeps(self, row: &Row) -> bool {
        match self {
            StageFilter::All => true,
            StageFilter::Only(s) => row.stage == s,
            StageFilter::Conflicts => row.conflict,
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

    fn apply(self, rows: &mut [Row]) {
        match self {
            Sort::Code => rows.sort_by(|a, b| {
                (!a.conflict, !a.has_draft, &a.record).cmp(&(!b.conflict, !b.has_draft, &b.record))
            }),
            Sort::Due => rows.sort_by(|a, b| {
                (a.due.is_empty(), &a.due, &a.record).cmp(&(b.due.is_empty(), &b.due, &b.record))
            }),
            Sort::Edited => {
                rows.sort_by(|a, b| (&b.edited, &a.record).cmp(&(&a.edited, &b.record)))
            }
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct WorkList {
    rows: Vec<Row>,
    /// Indices into `rows` that pass the filters, in order.
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
}

impl WorkList {
    pub fn new(mut rows: Vec<Row>) -> WorkList {
        let sort = Sort::default();
        sort.apply(&mut rows);
        let mut list = WorkList {
            rows,
            sort,
            ..WorkList::default()
        };
        list.refilter();
        list
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

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    fn keeps(&self, row: &Row) -> bool {
        self.form.as_ref().is_none_or(|f| &row.form == f)
            && self.team.is_none_or(|t| row.team == t)
            && self.stage.keeps(row)
            && (self.folded.is_empty() || row.search.contains(&self.folded))
    }

    fn refilter(&mut self) {
        self.visible = (0..self.rows.len() as u32)
            .filter(|&i| self.keeps(&self.rows[i as usize]))
            .collect();
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
            let rows = &self.rows;
            let q = &self.folded;
            self.visible
                .retain(|&i| rows[i as usize].search.contains(q.as_str()));
            self.clamp();
        } else {
            self.refilter();
        }
        self.selected = 0;
        self.offset = 0;
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

    pub fn cycle_stage(&mut self) {
        self.stage = self.stage.next();
        self.refilter();
    }

    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
        self.sort.apply(&mut self.rows);
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

    /// Puts a row in (or replaces the one with the same record) after a save,
    /// keeping the selection on it.
    pub fn upsert(&mut self, row: Row) {
        let record = row.record.clone();
        match self.rows.iter().position(|r| r.record == row.record) {
            Some(i) => self.rows[i] = row,
            None => self.rows.push(row),
        }
        self.sort.apply(&mut self.rows);
        self.refilter();
        if let Some(pos) = self
            .visible
            .iter()
            .position(|&i| self.rows[i as usize].record == record)
        {
            self.selected = pos;
        }
    }

    pub fn set_draft_mark(&mut self, record: &str, has_draft: bool) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.record == record) {
            r.has_draft = has_draft;
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
