//! Bundles as files (README: "What is inside"): one `.zip` holding `manifest.csv`, its
//! minisign signature `manifest.csv.minisig`, one CSV per form and, from the
//! commune, `villages.csv`, `register.csv`, `work_items.csv` and `moved.csv`; each data
//! file encrypted with age to the devices that receive it (`.csv.age`,
//! `age`), the manifest plain, holding no personal data.
//!
//! This module owns the format — zip, CSV, minisign — and nothing else:
//! [`read`](fn@read) turns untrusted bytes into a [`Bundle`] or a
//! [`BundleError`] that says which file, row and column (it never panics,
//! whatever the input); [`write`](fn@write) turns [`Contents`] into the
//! bytes of a signed bundle. Whether a bundle is welcome (a trusted key, the
//! right team, the form rules) is decided in `domain::admit`; storing it is
//! `store`'s business.
//!
//! Rows are numbered as a spreadsheet shows them: the header is row 1.
//!
//! Where things are: `format` (what the files hold and how they are laid
//! out), `write`, `read` (the container, manifest and signature), `rows`
//! (each data file's rows, cell by cell), `error`; beneath them `archive`
//! (the zip), `cells` (one CSV cell) and `key` (minisign keys). What makes
//! a valid id is the domain's (`domain::version`), not the format's.

pub mod age;
pub mod archive;
mod cells;
mod error;
mod format;
pub mod key;
mod read;
mod rows;
mod write;

pub use error::{BundleError, CellProblem};
pub use format::{Contents, FileInfo, Header, Place, VERSION_COLUMNS, parse_party, party_text};
pub use read::{Bundle, Container, Opened, Received, open, open_listed, read, read_with};
pub use write::{DataFile, VersionRow, write, write_files};

pub const MANIFEST: &str = "manifest.csv";
pub const SIGNATURE: &str = "manifest.csv.minisig";
pub const WORK_ITEMS: &str = "work_items.csv";
/// The commune's villages (team, name), in every commune bundle, so that
/// every device names them as the commune does.
pub const VILLAGES: &str = "villages.csv";
/// The receiving team's part of the commune's population register, in every
/// commune bundle: its own village's people, not the whole commune's.
pub const REGISTER: &str = "register.csv";
/// The work items the commune moved away from the receiving team (id, the
/// team now doing it, when), in every commune bundle since items could be
/// moved: the team's list drops them. Ids and team numbers only.
pub const MOVED: &str = "moved.csv";
/// From the commune, once it added forms: each form's spec (`tothon form
/// add`), every version.
pub const FORMS: &str = "forms.csv";
/// The format of bundles whose data files are plain CSV, written until
/// bundles were encrypted (issue 18) and still read.
pub const FORMAT_PLAIN: &str = "tothon-bundle-1";
/// The format written now: each data file encrypted with age to the
/// receiving devices (`NAME.csv.age`), the manifest naming the sender's
/// age public key.
pub const FORMAT: &str = "tothon-bundle-2";
/// What a data file's name ends with when it is encrypted.
pub const SEALED_SUFFIX: &str = ".age";

#[cfg(test)]
mod tests;
