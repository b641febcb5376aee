//! Why a bundle was refused, as data: what a person needs to find the
//! problem (the file inside the bundle, the row, the column), never the
//! sentence that tells it, which the fronts make in the user's language.

use std::path::PathBuf;

use crate::bundle::BundleError;
use crate::domain::admit::{RowRefusal, SenderRefusal};

/// Why a bundle was refused. Each names what a person needs to find the
/// problem: the file inside the bundle, the row and the column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The bundle file could not be read at all.
    Unreadable {
        detail: String,
    },
    /// This device's own data could not be read to check the bundle: not
    /// the bundle's fault, so it is neither logged nor set aside.
    Local {
        detail: String,
    },
    Format(BundleError),
    Sender(SenderRefusal),
    Row {
        file: String,
        row: usize,
        column: Option<String>,
        refusal: RowRefusal,
    },
}

/// A refused bundle, where it came from and where it was kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {refusal:?}")]
pub struct Rejection {
    pub file: PathBuf,
    pub refusal: Refusal,
    /// The copy in `rejected/`, when one was made.
    pub kept: Option<PathBuf>,
}
