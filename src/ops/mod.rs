//! The operations both fronts run: use cases over the store that the
//! command line and the screens call alike, so a behaviour that exists on
//! both exists once, here (or, when it is a pure rule, in `domain`).
//!
//! An operation returns data: what it did, or why it refused, as typed
//! values. It never prints and never takes a language; `cli` and `tui` put
//! its results into words in the user's language.

pub mod backup;
pub mod case;
pub mod commune;
pub mod covered;
pub mod device;
pub mod duplicates;
pub mod exchange;
pub mod forms;
pub mod queries;
pub mod register;
pub mod worklist;

/// A commune of three numbered villages on a device of `role` (id
/// `C0FFEE`), in a folder that lasts as long as the test holds it.
#[cfg(test)]
pub(crate) fn test_store(
    role: crate::domain::commune::Role,
) -> (tempfile::TempDir, crate::store::Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::store::Store::create(
        dir.path(),
        &crate::domain::commune::Commune::with_numbered_villages("Xã Thử", 3),
        &crate::domain::commune::Device {
            id: "C0FFEE".into(),
            role,
        },
    )
    .unwrap();
    (dir, store)
}
