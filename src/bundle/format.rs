//! What a bundle holds and how its files are laid out: the header and
//! contents, the columns of each CSV, the manifest's rows, how parties and
//! file names are written. Shared by `write` and `read`; nothing here
//! touches bytes of a zip or a signature.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};

use super::{MOVED, REGISTER, SEALED_SUFFIX, VILLAGES, WORK_ITEMS};
use crate::domain::commune::{Role, Village};
use crate::domain::form::{self, FormSpec};
use crate::domain::rules::Sex;
use crate::domain::version::Version;
use crate::domain::work::{Moved, Person, WorkItem};

/// The version columns every form's CSV starts with, before the form's fields.
pub const VERSION_COLUMNS: [&str; 10] = [
    "id",
    "record",
    "parents",
    "form",
    "team",
    "device",
    "author",
    "edited_at",
    "status",
    "confirmed",
];
pub(super) const WORK_ITEM_COLUMNS: [&str; 4] = ["id", "form", "team", "due"];
pub(super) const MOVED_COLUMNS: [&str; 3] = ["id", "team", "moved_at"];
pub(super) const MANIFEST_COLUMNS: [&str; 4] = ["field", "value", "sha256", "rows"];
/// The manifest's metadata rows, in order; an encrypted bundle's adds
/// [`SENDER_AGE`] at the end.
pub(super) const MANIFEST_FIELDS: [&str; 8] = [
    "format",
    "commune",
    "sender",
    "sender_device",
    "sender_key",
    "receiver",
    "sequence",
    "created_at",
];
/// The sender's age public key: signed with the manifest, so a receiver
/// that trusted the sender's key before it had one learns it here.
pub(super) const SENDER_AGE: &str = "sender_age";
/// Longest value of a field (the longest a form allows is 1,000 characters).
pub(super) const MAX_VALUE_CHARS: usize = 2000;
pub(super) const MAX_NAME_CHARS: usize = 200;

/// One end of a bundle's journey, as the manifest writes it: `commune`, `team-3`.
pub fn party_text(role: Role) -> String {
    match role {
        Role::Commune => "commune".into(),
        Role::Team(t) => format!("team-{t}"),
    }
}

/// Reads [`party_text`] back; anything else is `None`.
pub fn parse_party(s: &str) -> Option<Role> {
    if s == "commune" {
        return Some(Role::Commune);
    }
    let n = s.strip_prefix("team-")?;
    let team: u8 = n.parse().ok()?;
    (team > 0 && team.to_string() == n).then_some(Role::Team(team))
}

/// As file names write a party: `commune`, `team3`.
fn file_tag(role: Role) -> String {
    match role {
        Role::Commune => "commune".into(),
        Role::Team(t) => format!("team{t}"),
    }
}

/// Who sent a bundle to whom, and when: the manifest's metadata rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub commune: String,
    pub sender: Role,
    /// The sending device's id, as written into the versions it authors.
    pub sender_device: String,
    pub receiver: Role,
    /// Counts the bundles this device has made for this receiver, from 1.
    pub sequence: u64,
    pub created_at: DateTime<FixedOffset>,
}

impl Header {
    /// The bundle's file name: sender, sender device, receiver and sequence.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}-to-{}-{:04}.zip",
            file_tag(self.sender),
            self.sender_device,
            file_tag(self.receiver),
            self.sequence
        )
    }

    pub(super) fn created_at_text(&self) -> String {
        crate::domain::version::time_text(&self.created_at)
    }

    /// minisign's trusted comment: signed together with the signature, and
    /// printed by `minisign -V`, so a person checking by hand sees who sent
    /// what. It repeats the manifest's metadata and must agree with it.
    pub fn trusted_comment(&self, key_id: &str) -> String {
        let one_line: String = self
            .commune
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!(
            "tothon bundle; commune: {}; sender: {} {} key {}; receiver: {}; sequence: {}; created_at: {}",
            one_line.trim(),
            party_text(self.sender),
            self.sender_device,
            key_id,
            party_text(self.receiver),
            self.sequence,
            self.created_at_text()
        )
    }
}

/// What a bundle carries: versions owned, or read in place from a store
/// for writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contents<V = Version> {
    pub header: Header,
    pub versions: Vec<V>,
    /// Only from the commune.
    pub work_items: Vec<WorkItem>,
    /// Only from the commune: its villages, so every device names them
    /// alike. Empty when read from a bundle written before they travelled.
    pub villages: Vec<Village>,
    /// Only from the commune: the receiving team's part of the register.
    /// Empty when read from a bundle written before it travelled.
    pub people: Vec<Person>,
    /// Only from the commune: the work items moved away from the receiving
    /// team. Empty when read from a bundle written before items moved.
    pub moved: Vec<Moved>,
    /// Only from the commune: the forms it added, each as its spec's JSON.
    pub forms: Vec<String>,
}

/// One data file as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    pub name: String,
    pub rows: usize,
    pub sha256: String,
}

/// Where a row came from, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub row: usize,
}

/// The data files a bundle from `sender` holds, in the order they are
/// listed: plain CSV names, each ending in [`SEALED_SUFFIX`] when `sealed`.
/// Those of the forms the commune added come besides (see
/// [`is_added_file`]).
pub(super) fn data_files(sender: Role, sealed: bool) -> Vec<String> {
    let mut names: Vec<String> = form::builtin()
        .iter()
        .map(|f| format!("{}.csv", f.id))
        .collect();
    if sender == Role::Commune {
        names.push(WORK_ITEMS.to_string());
        names.push(VILLAGES.to_string());
        names.push(REGISTER.to_string());
        names.push(MOVED.to_string());
    }
    crate::sort::sort(&mut names);
    if sealed {
        for name in &mut names {
            name.push_str(SEALED_SUFFIX);
        }
    }
    names
}

/// Whether a data file may be one of the forms the commune added, or
/// their specs (`forms.csv`, only from the commune): read only if the form
/// is known by then.
pub(super) fn is_added_file(name: &str, sender: Role) -> bool {
    let plain = plain_name(name);
    (plain == super::FORMS && sender == Role::Commune)
        || plain.strip_suffix(".csv").is_some_and(|stem| {
            form::added::is_name(stem)
                && form::form_at(stem, 0).is_none()
                && !RESERVED.contains(&plain)
        })
}

/// The names of the data files that are not forms'.
const RESERVED: [&str; 5] = [super::FORMS, WORK_ITEMS, VILLAGES, REGISTER, MOVED];

/// A data file's name without its [`SEALED_SUFFIX`]: the CSV it holds.
pub(super) fn plain_name(name: &str) -> &str {
    name.strip_suffix(SEALED_SUFFIX).unwrap_or(name)
}

/// Data files added after bundles were first written: a manifest from
/// before them does not list them, and the bundle is read without them.
pub(super) const LATER_FILES: [&str; 3] = [VILLAGES, REGISTER, "duplicate.csv"];

/// A data file added after bundles were encrypted: a manifest from before
/// it, plain or encrypted, does not list it.
pub(super) const LATER_SEALED: &str = MOVED;

/// The forms of the commune's other data-cleaning groups (issue 21): a
/// manifest from before them, plain or encrypted, does not list their files.
pub(super) const LATER_FORMS: [&str; 4] = [
    "id_cancellation.csv",
    "id_card_mismatch.csv",
    "subscriber.csv",
    "social_insurance.csv",
];

/// The columns of `register.csv`: a person's key, then what the register
/// knows of them.
pub(super) const REGISTER_COLUMNS: [&str; 11] = [
    "key",
    "person_id",
    "full_name",
    "birth_date",
    "sex",
    "household_code",
    "relation",
    "team",
    "phone",
    "ethnicity",
    "religion",
];

/// A person's cells in `register.csv`, in [`REGISTER_COLUMNS`]' order.
pub(super) fn person_cells(p: &Person) -> [std::borrow::Cow<'_, str>; 11] {
    use std::borrow::Cow::{Borrowed, Owned};
    let sex = match p.sex {
        Some(Sex::Male) => "male",
        Some(Sex::Female) => "female",
        None => "",
    };
    [
        Borrowed(p.key.as_str()),
        Borrowed(&p.personal_id),
        Borrowed(&p.full_name),
        Borrowed(&p.birth_date),
        Borrowed(sex),
        Borrowed(&p.household),
        Borrowed(&p.relation),
        Owned(p.team.to_string()),
        Borrowed(&p.phone),
        Borrowed(&p.ethnicity),
        Borrowed(&p.religion),
    ]
}

/// The columns of `villages.csv`.
pub(super) const VILLAGE_COLUMNS: [&str; 2] = ["team", "name"];

/// The column of `forms.csv`: a form's spec, as JSON.
pub(super) const FORMS_COLUMNS: [&str; 1] = ["spec"];

pub(super) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub(super) fn hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(2 * digest.len());
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// The columns of a form's CSV: the version columns, then the form's fields.
pub(super) fn version_header(spec: &FormSpec) -> Vec<&str> {
    // A form the commune added has the version of the form its values were
    // made with, after the version's own columns.
    let versioned = (spec.version != 0).then_some(FORM_VERSION);
    VERSION_COLUMNS
        .iter()
        .copied()
        .chain(versioned)
        .chain(spec.fields.iter().map(|f| f.id.as_str()))
        .collect()
}

/// The column of a version's form version, in the file of a form the
/// commune added.
pub(super) const FORM_VERSION: &str = "form_version";

/// Fields every form gained after bundles were first written, at the end
/// of its list. A form's CSV written before them ends before them (their
/// values were empty then), and is read as such.
pub(super) const LATER_FIELDS: [&str; 1] = [crate::domain::case::VOID_FIELD];

/// The field columns of `work_items.csv`: every form's fields, in form order,
/// each once (a pair's form gets no work items: not its fields). A work item is never voided: the later fields are not among
/// them, so the file keeps the layout it has always had.
pub(super) fn work_item_fields() -> Vec<&'static str> {
    let mut seen = HashSet::new();
    work_forms()
        .into_iter()
        .flat_map(every_version)
        .flat_map(|f| f.fields.iter().map(|fl| fl.id.as_str()))
        .filter(|id| !LATER_FIELDS.contains(id) && seen.insert(*id))
        .collect()
}

/// The forms work items are of: every form known but a pair's (a bundle
/// being read may bring forms the commune added).
pub(super) fn work_forms() -> Vec<&'static FormSpec> {
    form::known_forms()
        .iter()
        .filter(|f| f.subject != form::Subject::Pair)
        .collect()
}

/// A form's every version, oldest first: a shipped form's one, or each of
/// a form the commune added (an item may hold a field an earlier version
/// had; their fields come in the order the versions brought them).
pub(super) fn every_version(spec: &'static FormSpec) -> Vec<&'static FormSpec> {
    match spec.version {
        0 => vec![spec],
        _ => form::versions_of(&spec.id),
    }
}

/// Whether some version of `spec` has the field `id`.
pub(super) fn has_field(spec: &'static FormSpec, id: &str) -> bool {
    every_version(spec).iter().any(|v| v.field(id).is_some())
}

/// How many of [`work_item_fields`] only the forms of [`LATER_FORMS`] and
/// those the commune added have: they come last (those forms are last),
/// and a `work_items.csv` written before those forms ends before them.
pub(super) fn later_work_item_fields() -> usize {
    let earlier: HashSet<&str> = work_forms()
        .into_iter()
        .filter(|f| f.version == 0 && !LATER_FORMS.contains(&format!("{}.csv", f.id).as_str()))
        .flat_map(|f| f.fields.iter().map(|fl| fl.id.as_str()))
        .collect();
    work_item_fields()
        .iter()
        .rev()
        .take_while(|f| !earlier.contains(*f))
        .count()
}

/// The untrusted comment tothon writes above a signature, and expects.
pub(super) fn untrusted_comment(key_id: &str) -> String {
    format!("signature from tothon key {key_id}")
}
