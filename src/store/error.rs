//! What can go wrong with the store, with the redb errors a user can act on
//! told apart from the rest. Nothing here opens or writes the store.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no store in {0}")]
    NotSetUp(PathBuf),
    #[error("a store already exists in {0}")]
    AlreadySetUp(PathBuf),
    #[error("the store is open in another window")]
    AlreadyOpen,
    #[error("the store is locked: this device's passphrase opens it")]
    Locked,
    #[error("the store's data key does not open with this device's key")]
    DataKeyDoesNotOpen,
    #[error("the store's data key is missing")]
    DataKeyMissing,
    #[error("store schema {found} is newer than this program's {supported}")]
    NewerSchema { found: u32, supported: u32 },
    #[error("the store file {file} is damaged: {detail}")]
    Damaged { file: PathBuf, detail: String },
    #[error("the store's {what} is damaged: {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("case {0} not found")]
    NoSuchCase(String),
    /// The disk failed a read or a write, or (`None`) failed one earlier
    /// in this sitting, after which redb writes nothing more until the
    /// store is opened again. What was being written may not be saved;
    /// nothing saved before is lost by it.
    #[error("disk error: {}", .0.as_ref().map_or_else(|| "an earlier one".to_string(), |e| e.to_string()))]
    Disk(Option<std::io::Error>),
    #[error("storage error: {0}")]
    Db(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

/// Every redb error becomes `Db` except the ones a user can act on: the
/// store open elsewhere, and the disk failing under it (redb reports a
/// file that is not what it wrote as an I/O error too, of these two
/// kinds: that is no disk failure).
macro_rules! db_error {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                match redb::Error::from(e) {
                    redb::Error::DatabaseAlreadyOpen => StoreError::AlreadyOpen,
                    redb::Error::Io(io)
                        if !matches!(
                            io.kind(),
                            std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
                        ) =>
                    {
                        StoreError::Disk(Some(io))
                    }
                    redb::Error::PreviousIo => StoreError::Disk(None),
                    other => StoreError::Db(other.to_string()),
                }
            }
        }
    )*};
}
db_error!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
