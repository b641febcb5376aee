//! tothon: offline field work for the village teams of a Vietnamese commune
//! (Project 06: population data, e-ID activation).
//!
//! `domain` is pure; `store` is the only place that touches redb; `ops` holds
//! the operations over them; `cli` and `tui` are the two fronts that call
//! `ops` and put its results into words.

pub mod bundle;
pub mod cli;
pub mod clock;
pub mod crash;
pub mod demo;
pub mod docx;
pub mod domain;
pub mod error;
pub mod export;
pub mod i18n;
pub mod ops;
pub mod paths;
pub mod progress;
pub mod sort;
pub mod store;
pub mod stored_zip;
pub mod tui;
pub mod worklist;
pub mod xlsx;
