//! Form specs: the three forms of the work (and any later campaign) declared as
//! data in `data/forms/*.json`, and the validation they drive.
//!
//! A spec lists fields, their kinds, labels in both languages, choices,
//! required-ness and the rules that decide a case's status. The command line and
//! the form screen both validate through [`FormSpec::check`], so a value is
//! judged the same wherever it is typed. Pure: no storage, no clock (today is
//! passed in).
//!
//! `spec` holds the types a spec is read into and the specs shipped in the
//! binary; `check` judges a whole case and gives its status; `kind` judges
//! one value against its field's kind; `show` turns stored values into what
//! a person reads; `identity` tells what a case is about.

pub mod added;
mod check;
mod identity;
mod kind;
mod show;
mod spec;

pub use check::{Checked, Context, FieldProblem};
pub use identity::Identity;
pub use show::{choice_label, choices_of};
pub use spec::{
    Choice, Cond, FieldDefault, FieldSpec, FormSpec, Kind, Label, RefList, Rule, Subject, Visit,
    WhenSpec, across_versions, builtin, form, form_at, forms, know, known, known_forms, openable,
    put_in_force, register, spec_named, versions_of,
};

/// The longest value any field takes.
pub const MAX_VALUE_CHARS: usize = 2000;

/// The longest full name (the population data keeps 100 characters a part).
pub const MAX_NAME_CHARS: usize = 150;

/// Separator of the values of a multi-choice or multi-ID field, as stored.
pub const MULTI_SEP: char = ';';

/// A case's values from (field, value) pairs, as the tests write them.
#[cfg(test)]
pub(crate) fn values(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
