//! One file per screen. Each holds the screen's state, its `update` (how a
//! key changes it; no I/O: store work goes back as effects) and its
//! `render`, which reads the state and draws.

pub mod bundles;
pub mod charts;
pub mod conflict;
pub mod duplicates;
pub mod form;
pub mod history;
pub mod import;
pub mod new_case;
pub mod picker;
pub mod progress;
pub mod report;
pub mod settings;
pub mod villages;
pub mod who;
pub mod work_list;
