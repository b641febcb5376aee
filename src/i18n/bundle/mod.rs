//! Every text about keys, bundles, imports and conflicts, in Vietnamese and
//! English: messages, table headings, and the one-sentence reasons a bundle is
//! refused (naming the file, row and column). No I/O.
//!
//! Each sentence is one `format!`, never pieced together from fragments.
//!
//! `say` holds what the key and bundle commands say when they work, `errors`
//! why such a command failed, `refusal` why a bundle was refused, and
//! `format` why a file is not a bundle as tothon writes it.

mod errors;
mod format;
mod refusal;
mod say;

pub use errors::{exchange_error, resolve_error};
pub use refusal::{logged_refusal, refusal, rejection, rejection_note};
pub use say::{Say, import_result, imported_lines, imports_header, keys_header, party, say};
