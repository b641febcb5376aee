//! What the store keeps and hands out besides the domain's own types:
//! drafts, the imports log, keys, what an add changed, and the two ways of
//! reading much at once (every version's bytes, a snapshot of the work
//! list). Plain data and reading in place; the writes are the facade's.

use std::collections::BTreeMap;

use redb::{ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};

use super::cases::{corrupt_line, split_line};
use super::tables::LINES;
use super::{Result, StoreError, StoredVersion, codec, rows};
use crate::domain::listing::ListRow;

/// A form being typed, kept so a closed window or power cut loses nothing.
/// Drafts are not versions: they never travel in bundles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDraft {
    pub form: String,
    /// The case being edited; `None` for a new case.
    pub record: Option<String>,
    pub parents: Vec<String>,
    pub values: BTreeMap<String, String>,
    pub author: String,
    pub saved_at: String,
}

/// One bundle seen, whatever became of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEntry {
    pub file: String,
    /// As bundles name it: `commune`, `team-3` (empty when unreadable).
    pub sender: String,
    pub sequence: u64,
    pub received_at: String,
    pub accepted: bool,
    /// Why it was refused, in the words shown at the time: only in entries
    /// logged before the reason was kept as data (`refusal`); empty since.
    pub detail: String,
    /// Why it was refused, as data: `ops::exchange::Refusal` in its stored
    /// form, put into words when shown. The store does not read it, so an
    /// entry whose reason this tothon does not know still reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<serde_json::Value>,
    #[serde(default)]
    pub sender_device: String,
    #[serde(default)]
    pub key_id: String,
    /// When the sender made it (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub new: usize,
    #[serde(default)]
    pub known: usize,
    #[serde(default)]
    pub new_conflicts: usize,
    /// The sender had already delivered a bundle with a higher sequence: this
    /// one is older than what the store holds from them.
    #[serde(default)]
    pub stale: bool,
}

/// This device's key pair. The secret half is minisign's secret-key text,
/// encrypted with the passphrase chosen at set-up; it is never decrypted
/// here and never leaves the store except into memory to sign a bundle.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnKey {
    /// minisign key id (16 hex digits).
    pub id: String,
    /// The `.pub` text.
    pub public: String,
    pub encrypted_secret: String,
    pub created_at: String,
}

impl std::fmt::Debug for OwnKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A public key this device accepts bundles from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    /// minisign key id (16 hex digits).
    pub id: String,
    /// The key in base64, as on the second line of a `.pub` file.
    pub public: String,
    /// The team whose device holds it; `None` for the commune's key.
    pub team: Option<u8>,
    pub added_at: String,
    /// Set by `untrust`: bundles signed by it are refused from then on.
    #[serde(default)]
    pub revoked_at: Option<String>,
    /// The device id its first accepted bundle named; later bundles signed
    /// with this key must name the same device.
    #[serde(default)]
    pub device: Option<String>,
    /// The device's age public key (`age1…`), to encrypt bundles to it:
    /// from its `.pub` file, or from the first encrypted bundle it signed.
    #[serde(default)]
    pub age: Option<String>,
}

/// What adding a batch of versions changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddSummary {
    pub new: usize,
    pub known: usize,
    pub new_conflicts: usize,
}

impl std::ops::AddAssign for AddSummary {
    fn add_assign(&mut self, other: AddSummary) {
        self.new += other.new;
        self.known += other.known;
        self.new_conflicts += other.new_conflicts;
    }
}

/// Every stored version's record, id and encoding, end to end.
pub struct VersionBytes {
    pub(super) bytes: Vec<u8>,
    /// Where each record, id and encoding ends, three to a version.
    pub(super) ends: Vec<usize>,
}

impl VersionBytes {
    /// The versions, read in place; `Corrupt` at the first that does not read.
    pub fn versions(&self) -> Result<Vec<StoredVersion<'_>>> {
        let mut out = Vec::with_capacity(self.ends.len() / 3);
        let mut start = 0;
        for ends in self.ends.chunks_exact(3) {
            let record = &self.bytes[start..ends[0]];
            let id = &self.bytes[ends[0]..ends[1]];
            let value = &self.bytes[ends[1]..ends[2]];
            start = ends[2];
            let text = |b| std::str::from_utf8(b).ok();
            let version = text(record)
                .zip(text(id))
                .and_then(|(record, id)| codec::read_version(record, id, value));
            out.push(version.ok_or_else(|| StoreError::Corrupt {
                what: "version",
                detail: format!(
                    "{} {}",
                    String::from_utf8_lossy(record),
                    String::from_utf8_lossy(id)
                ),
            })?);
        }
        Ok(out)
    }
}

/// One read of the work list's lines, which may move to another thread.
pub struct ListSnapshot {
    pub(super) txn: redb::ReadTransaction,
    pub(super) vault: super::seal::Vault,
}

impl ListSnapshot {
    /// How many lines the work list has (cases and work items not begun).
    pub fn count(&self) -> Result<u64> {
        Ok(self.txn.open_table(LINES)?.len()?)
    }

    /// Hands each line over in record order, one at a time, so a large list
    /// is never held twice: the row handed over is reused for the next line.
    pub fn each(&self, mut f: impl FnMut(&mut ListRow)) -> Result<()> {
        let table = self.txn.open_table(LINES)?;
        let mut line = ListRow::blank();
        let mut buf = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            let stored =
                self.vault
                    .open(super::seal::Sealed::Lines, k.value(), v.value(), &mut buf)?;
            let (bytes, _) = split_line(k.value(), stored)?;
            rows::decode_into(k.value(), bytes, &mut line)
                .ok_or_else(|| corrupt_line(k.value()))?;
            f(&mut line);
        }
        Ok(())
    }
}
