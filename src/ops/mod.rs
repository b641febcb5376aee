//! The operations both fronts run: use cases over the store that the
//! command line and the screens call alike, so a behaviour that exists on
//! both exists once, here (or, when it is a pure rule, in `domain`).
//!
//! An operation returns data: what it did, or why it refused, as typed
//! values. It never prints and never takes a language; `cli` and `tui` put
//! its results into words in the user's language.

pub mod case;
pub mod commune;
pub mod device;
pub mod duplicates;
pub mod exchange;
pub mod queries;
pub mod register;
pub mod worklist;
