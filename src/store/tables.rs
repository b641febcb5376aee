//! Every redb table of the store, in one place.
//!
//! Each name carries a version (`"versions-1"`): a table whose key or value
//! layout changes gets a new name and a numbered migration in `migrate.rs`
//! — unless its values' codec byte tells the old layout from the new and
//! both are read (people and work items, schema 7).
//! Values are encoded by `codec.rs` (a codec byte, then the value).

use redb::{MultimapTableDefinition, TableDefinition};

/// Table: store facts. Key: `schema`, `commune`, `device`, `settings`, `next_case`, `demo`,
/// `key` (this device's key pair, the secret half encrypted: `OwnKey`, schema 3).
/// Value: for `schema` a u32 little-endian; otherwise an encoded value.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta-1");

/// Table: every case version ever seen (schema 4). Key: (record id, version
/// id), so that a case's versions sit side by side and a bundle, sorted by
/// case, is merged in key order. Value: `codec::encode_version`.
pub const VERSIONS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("versions-2");

/// Schemas 1–3: every version by id (JSON), and the versions of each case.
/// Read once by the migration to schema 4, then deleted.
pub const VERSIONS_BY_ID: TableDefinition<&str, &[u8]> = TableDefinition::new("versions-1");
pub const CASE_VERSIONS: MultimapTableDefinition<&str, &str> =
    MultimapTableDefinition::new("case-versions-1");

/// Table (schemas 2–7): the current state of each case, derived from its
/// versions. Key: record id. Value: encoded `CaseEntry`. Now in [`LINES`].
pub const CASES: TableDefinition<&str, &[u8]> = TableDefinition::new("cases-1");

/// Table: work the commune assigned. Key: work-item id (= the case's record id).
/// Value: encoded `WorkItem`.
pub const WORK_ITEMS: TableDefinition<&str, &[u8]> = TableDefinition::new("work-items-1");

/// Table: the population extract the work refers to. Key: person key.
/// Value: encoded `Person`.
pub const PEOPLE: TableDefinition<&str, &[u8]> = TableDefinition::new("people-1");

/// Table: what is being typed and not yet saved as a version. Key: record id
/// (or `new:<form>` for a case not yet saved). Value: encoded `SavedDraft`.
pub const DRAFTS: TableDefinition<&str, &[u8]> = TableDefinition::new("drafts-1");

/// Table: every bundle seen. Key: sequence of arrival. Value: encoded `ImportEntry`.
pub const IMPORTS: TableDefinition<u64, &[u8]> = TableDefinition::new("imports-1");

/// Table (schemas 5–7): the work list's lines alone. Now in [`LINES`].
pub const ROWS: TableDefinition<&str, &[u8]> = TableDefinition::new("list-rows-1");

/// Table (schema 8): one compact line per case or work item not begun, for
/// the work list, and after a case's line its index entry, the current
/// state derived from its versions: one row, written by one insert, for
/// both (a bundle merge writes one a case). Key: record id. Value:
/// `rows::encode`, then for a case `codec::encode_case_after_line`.
pub const LINES: TableDefinition<&str, &[u8]> = TableDefinition::new("lines-1");

/// Table: public keys this device trusts (schema 3). Key: minisign key id
/// (16 hex digits). Value: encoded `TrustedKey` — on the commune the team
/// devices' keys, on a team device the commune's.
pub const TRUSTED_KEYS: TableDefinition<&str, &[u8]> = TableDefinition::new("trusted-keys-1");

/// Table: the last bundle sequence number sent to each receiver (schema 3).
/// Key: receiver as bundles name it (`commune`, `team-3`). Value: the number.
pub const SEQUENCES: TableDefinition<&str, u64> = TableDefinition::new("bundle-sequences-1");

/// Table (the commune's): the teams a work item was moved away from, whose
/// work on it before they learnt of the move is still taken (as a
/// conflict). Key: work-item id. Value: encoded `Moves`. Ids and team
/// numbers only, so not sealed. Added within schema 10: a store made
/// before it gains it at its first write.
pub const MOVES: TableDefinition<&str, &[u8]> = TableDefinition::new("moves-1");

/// Table (a team device's): cases the commune moved to another team. Such
/// a case has no line in the list and takes no new version here; its
/// versions stay and still travel to the commune. Key: record id. Value:
/// encoded `Moved`. Added within schema 10, like [`MOVES`].
pub const GONE: TableDefinition<&str, &[u8]> = TableDefinition::new("gone-1");
