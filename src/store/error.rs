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
    #[error("storage error: {0}")]
    Db(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

/// Every redb error becomes `Db` except the ones a user can act on.
macro_rules! db_error {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
db_error!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<redb::DatabaseError> for StoreError {
    fn from(e: redb::DatabaseError) -> Self {
        match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::AlreadyOpen,
            other => StoreError::Db(other.to_string()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
