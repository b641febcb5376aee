//! Carrying work between devices: this device's keys, the keys it trusts,
//! bundles made from the store and bundles taken into it.
//!
//! The shell around three pure or narrow parts: `bundle` (the file format),
//! `domain::admit` (who may bring what) and `store` (writing). The command
//! line, the demo and the screens call these functions; none of them prints
//! or takes a language (the one text written here, the note beside a refused
//! bundle in `rejected/`, is in Vietnamese and English alike).
//!
//! `keys` makes, opens and trusts keys; `export` writes this device's
//! bundles; `import` checks, merges and logs bundles taken in, through the
//! tuned streaming merge in `pipeline`; `refusal` says why one was refused.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::bundle::BundleError;
use crate::bundle::key::KeyError;
use crate::store::StoreError;

mod export;
mod import;
mod keys;
mod pipeline;
pub use pipeline::Future;
mod refusal;
#[cfg(test)]
mod tests;

pub(crate) use export::deal_to_cores;
pub use export::{Exported, export, unreadable};
pub use import::{
    Admitted, Imported, REJECTED_DIR, check, check_file, commit, commit_all, import_file,
    import_files, latest_sequences,
};
pub use keys::{
    check_new_passphrase, new_key, new_key_at, open_key, own_public, read_public, refresh_public,
    trust, trust_again, unlock, unlock_with, untrust,
};
pub use refusal::{Refusal, Rejection};

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("this device has no key pair")]
    NoKey,
    #[error("this device already has key {id}")]
    KeyExists { id: String },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("no passphrase: set {variable} or run in a terminal")]
    NoPassphrase { variable: &'static str },
    #[error("the two passphrases differ")]
    PassphrasesDiffer,
    #[error("{path}: {error}")]
    PublicKeyFile { path: PathBuf, error: KeyError },
    #[error("a team's key is trusted with --team on the commune device")]
    TeamNeeded,
    #[error("a team device trusts only the commune's key (no --team)")]
    NoTeamHere,
    #[error("there is no team {team}")]
    NoSuchTeam { team: u8 },
    #[error("that is this device's own key")]
    OwnKey,
    #[error("no trusted key {key_id}")]
    UnknownKey { key_id: String },
    #[error(transparent)]
    Rejected(Box<Rejection>),
    #[error("file {path}: {detail}")]
    File { path: PathBuf, detail: String },
    /// An export that wrote nothing: no bundle, no partial file, no
    /// sequence number used.
    #[error("bundle {path} not exported: {detail}")]
    NotExported { path: PathBuf, detail: String },
    /// Another export took a sequence number while this one wrote its
    /// bundles; this one wrote nothing.
    #[error("another export took the bundle's sequence number")]
    SequenceTaken,
    #[error("cannot write the bundle: {0}")]
    Unwritable(BundleError),
    /// A restore of a backup made on another device.
    #[error("the backup is device {backup}'s, not this device's ({here})")]
    BackupOfAnotherDevice { backup: String, here: String },
    /// `trust` of a key that was revoked: trusted again only on purpose.
    #[error("key {key_id} was revoked at {revoked_at}")]
    RevokedKey { key_id: String, revoked_at: String },
    /// A file that would be written is there already (it is not replaced).
    #[error("{path} already exists")]
    Exists { path: PathBuf },
    /// A restore of a file that does not open as a store.
    #[error("the backup {file} does not open: {detail}")]
    BackupUnreadable { file: PathBuf, detail: String },
    /// A restore of a backup that did not pass the whole check.
    #[error("the backup is damaged")]
    BackupDamaged(Box<crate::store::Checked>),
    /// The whole check after a crash found damaged values.
    #[error("the data is damaged")]
    Damaged(Box<crate::store::Checked>),
    /// An encrypted bundle, and this device's key not opened this sitting.
    #[error("the bundle is encrypted: this device's passphrase is needed")]
    Locked,
}

pub type Result<T, E = ExchangeError> = std::result::Result<T, E>;

fn file_error(path: &Path, e: impl std::fmt::Display) -> ExchangeError {
    ExchangeError::File {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn stamp(t: DateTime<FixedOffset>) -> String {
    crate::domain::version::time_text(&t)
}
