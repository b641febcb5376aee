//! What a person reads of a case: its title in lists, the folded key that
//! search matches, stored values as labels and dd/mm/yyyy dates, and the
//! choices a field offers.

use std::collections::BTreeMap;

use super::MULTI_SEP;
use super::spec::{FieldSpec, FormSpec, Kind, RefList};
use crate::domain::commune::Village;
use crate::domain::lang::Lang;
use crate::domain::reference;
use crate::domain::rules::PartialDate;
use crate::domain::text;

impl FormSpec {
    /// The case's name in lists: its title fields, as displayed.
    pub fn title(&self, values: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        self.title_into(values, &mut out);
        out
    }

    /// [`FormSpec::title`] into `out` (cleared first), reusing its memory.
    pub fn title_into(&self, values: &BTreeMap<String, String>, out: &mut String) {
        out.clear();
        for (i, v) in self.title.iter().filter_map(|f| values.get(f)).enumerate() {
            if i > 0 {
                out.push_str(" · ");
            }
            out.push_str(v);
        }
    }

    /// What search matches for this case, folded.
    pub fn search_key(&self, values: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        self.search_key_into(values, &mut out);
        out
    }

    /// [`FormSpec::search_key`] into `out` (cleared first), reusing its memory.
    pub fn search_key_into(&self, values: &BTreeMap<String, String>, out: &mut String) {
        let parts = self.search.iter().filter_map(|f| values.get(f));
        text::fold_joined_into(parts.map(String::as_str), out);
    }

    /// A stored value as a person reads it: choice labels, dd/mm/yyyy dates.
    pub fn display(
        &self,
        field: &FieldSpec,
        value: &str,
        values: &BTreeMap<String, String>,
        lang: Lang,
        villages: &[Village],
    ) -> String {
        match field.kind_for(values) {
            Kind::Date { .. } => PartialDate::parse_iso(value)
                .map(|d| d.display())
                .unwrap_or_else(|| value.to_string()),
            Kind::Choice {
                choices,
                list: None,
            }
            | Kind::MultiChoice { choices } => value
                .split(MULTI_SEP)
                .map(|v| {
                    choices
                        .iter()
                        .find(|c| c.id == v)
                        .map(|c| c.label(lang).to_string())
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
            Kind::Choice {
                list: Some(RefList::Sex),
                ..
            } => sex_label(value, lang).unwrap_or(value).to_string(),
            Kind::Choice {
                list: Some(RefList::Villages),
                ..
            } => value
                .parse::<u8>()
                .ok()
                .and_then(|t| villages.iter().find(|v| v.team == t))
                .map(|v| v.name.clone())
                .unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        }
    }
}

fn sex_label(value: &str, lang: Lang) -> Option<&'static str> {
    match (value, lang) {
        ("male", Lang::Vi) => Some("Nam"),
        ("female", Lang::Vi) => Some("Nữ"),
        ("male", Lang::En) => Some("Male"),
        ("female", Lang::En) => Some("Female"),
        _ => None,
    }
}

/// The label of choice `id` of `field` in form `form`, or the id itself
/// when there is no such choice (a value from a later list, say).
pub fn choice_label(form: &str, field: &str, id: &str, lang: Lang) -> String {
    super::form(form)
        .and_then(|f| f.field(field))
        .and_then(|f| {
            choices_of(&f.kind, lang, &[])
                .into_iter()
                .find(|(c, _)| c == id)
                .map(|(_, l)| l)
        })
        .unwrap_or_else(|| id.to_string())
}

/// The choices a field offers, as (stored value, label), for pick lists and help.
pub fn choices_of(kind: &Kind, lang: Lang, villages: &[Village]) -> Vec<(String, String)> {
    match kind {
        Kind::Choice {
            choices,
            list: None,
        }
        | Kind::MultiChoice { choices } => choices
            .iter()
            .map(|c| (c.id.clone(), c.label(lang).to_string()))
            .collect(),
        Kind::Choice {
            list: Some(list), ..
        } => match list {
            RefList::Sex => ["male", "female"]
                .iter()
                .map(|v| (v.to_string(), sex_label(v, lang).unwrap_or(v).to_string()))
                .collect(),
            RefList::Villages => villages
                .iter()
                .map(|v| (v.team.to_string(), v.name.clone()))
                .collect(),
            RefList::EthnicGroups => reference::ethnic_groups()
                .iter()
                .map(|g| (g.name.clone(), g.name.clone()))
                .collect(),
            RefList::Religions => reference::religions()
                .iter()
                .map(|r| (r.name.clone(), r.name.clone()))
                .collect(),
            RefList::Relationships => reference::relationships()
                .iter()
                .map(|r| (r.name.clone(), r.name.clone()))
                .collect(),
        },
        _ => Vec::new(),
    }
}
