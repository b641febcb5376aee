//! Pure domain logic: ids and validation, text folding, form specs, versions,
//! merge, conflict resolution, who may bring what in a bundle. No redb, no
//! terminal, no clock.

pub mod admit;
pub mod case;
pub mod commune;
pub mod duplicates;
pub mod embedded;
pub mod form;
pub mod lang;
pub mod listing;
pub mod merge;
pub mod progress;
pub mod reference;
pub mod register;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod save;
pub mod standing;
pub mod text;
pub mod version;
pub mod work;
