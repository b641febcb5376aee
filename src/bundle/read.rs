//! Reading a bundle from untrusted bytes: the zip's entries, the manifest
//! and its signature, every listed file present and hashed; then each data
//! file's rows, streamed (`rows` parses them). Nothing here writes a bundle
//! or decides whether one is welcome.

use std::collections::HashSet;
use std::fmt;
use std::io::{Cursor, Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};

use super::archive::{self, Limits};
use super::error::{BundleError, CellProblem, cell_error};
use super::format::{
    Contents, FileInfo, Header, LATER_FILES, LATER_FORMS, LATER_SEALED, MANIFEST_COLUMNS,
    MANIFEST_FIELDS, MAX_NAME_CHARS, Place, SENDER_AGE, data_files, hex, is_added_file,
    parse_party, plain_name, untrusted_comment,
};
use super::key::{self, Public};
use super::rows::{
    each_row, parse_forms, parse_moved, parse_register, parse_time, parse_versions, parse_villages,
    parse_work_items,
};
use super::{
    FORMAT, FORMAT_PLAIN, FORMS, MANIFEST, MOVED, REGISTER, SEALED_SUFFIX, SIGNATURE, VILLAGES,
    WORK_ITEMS, age, cells,
};
use crate::domain::commune::{Role, Village};
use crate::domain::form;
use crate::domain::version::{Version, is_device_id, is_hex};
use crate::domain::work::{Moved, Person, WorkItem};

/// A bundle read from bytes: every file present, listed and hashed as the
/// manifest says, every row parsed, every version id matching its content.
/// The signature is checked by [`Bundle::verify`] once the caller has found
/// the signer's public key.
#[derive(Clone)]
pub struct Bundle {
    pub contents: Contents,
    /// The id of the key that signed the manifest.
    pub key_id: String,
    pub files: Vec<FileInfo>,
    /// Where each of `contents.versions` was read, index for index.
    pub version_places: Vec<Place>,
    manifest: Vec<u8>,
    signature: minisign::SignatureBox,
}

impl fmt::Debug for Bundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bundle")
            .field("header", &self.contents.header)
            .field("key_id", &self.key_id)
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl Bundle {
    /// Checks the manifest's signature with the sender's public key.
    pub fn verify(&self, public: &Public) -> Result<(), BundleError> {
        verify_manifest(&self.manifest, &self.signature, &self.key_id, public)
    }
}

/// Reads a bundle from untrusted bytes, with the standard size limits; an
/// encrypted one with `reader`, this device's identity.
pub fn read(bytes: &[u8], reader: Option<&age::Identity>) -> Result<Bundle, BundleError> {
    read_with(bytes, &archive::LIMITS, reader)
}

/// [`read`] with explicit limits (tests use small ones): every version and
/// work item collected in memory.
pub fn read_with(
    bytes: &[u8],
    limits: &Limits,
    reader: Option<&age::Identity>,
) -> Result<Bundle, BundleError> {
    let mut opened = open(Cursor::new(bytes), limits)?;
    if let Some(identity) = reader {
        opened.read_as(identity);
    }
    let mut versions = Vec::new();
    let mut version_places = Vec::new();
    let received = opened.read_rows(|place, v| {
        versions.push(std::mem::replace(v, Version::blank()));
        version_places.push(place.clone());
        Ok::<_, BundleError>(())
    })?;
    let Opened {
        header,
        key_id,
        files,
        manifest,
        signature,
        ..
    } = opened;
    Ok(Bundle {
        contents: Contents {
            header,
            versions,
            work_items: received.work_items,
            villages: received.villages.unwrap_or_default(),
            people: received.people.unwrap_or_default(),
            moved: received.moved,
            forms: received.forms,
        },
        key_id,
        files,
        version_places,
        manifest,
        signature,
    })
}

/// A bundle whose container, manifest, signature file and hashes have been
/// checked, its rows not read yet: [`Opened::read_rows`] streams them from
/// the source, so a bundle of a million versions is never held in memory.
pub struct Opened<R> {
    pub header: Header,
    /// The id of the key that signed the manifest.
    pub key_id: String,
    pub files: Vec<FileInfo>,
    /// The sender's age public key, which an encrypted bundle's manifest
    /// names (signed with it).
    pub sender_age: Option<age::Recipient>,
    /// Whether the data files are encrypted (format 2).
    pub sealed: bool,
    manifest: Vec<u8>,
    signature: minisign::SignatureBox,
    source: R,
    entries: Vec<archive::Entry>,
    reader: Option<age::Identity>,
}

impl<R> Opened<R> {
    /// Reads the data files, when they are encrypted, with `identity`
    /// (this device's).
    pub fn read_as(&mut self, identity: &age::Identity) {
        self.reader = Some(identity.clone());
    }

    /// Checks the manifest's signature with the sender's public key.
    pub fn verify(&self, public: &Public) -> Result<(), BundleError> {
        verify_manifest(&self.manifest, &self.signature, &self.key_id, public)
    }

    /// What the container must be, to check on a reader of the same bytes.
    pub fn container(&self) -> Container {
        Container {
            entries: self.entries.clone(),
            files: self.files.clone(),
        }
    }
}

/// The check [`open_listed`] leaves out: the container byte for byte what
/// [`write`](super::write()) makes of its files, in their order, so that no
/// byte of the zip goes unchecked, and each data file with its listed
/// SHA-256.
pub struct Container {
    entries: Vec<archive::Entry>,
    files: Vec<FileInfo>,
}

impl Container {
    /// Reads every byte of `source` once; the first problem, in the order
    /// [`open`] has always reported them, is the error.
    pub fn check<R: Read + Seek>(&self, source: &mut R) -> Result<(), BundleError> {
        let len = source
            .seek(SeekFrom::End(0))
            .map_err(|e| BundleError::NotAZip {
                detail: e.to_string(),
            })?;
        let mut hashers: Vec<Sha256> = self.entries.iter().map(|_| Sha256::new()).collect();
        let as_written =
            archive::check_written_by_tothon(source, len, &self.entries, |i, data| {
                hashers[i].update(data)
            })?;
        for (f, hasher) in self.files.iter().zip(hashers.into_iter().skip(2)) {
            if hex(&hasher.finalize()) != f.sha256 {
                return Err(BundleError::HashMismatch {
                    file: f.name.clone(),
                });
            }
        }
        if !as_written {
            return Err(BundleError::Repacked);
        }
        Ok(())
    }
}

fn verify_manifest(
    manifest: &[u8],
    signature: &minisign::SignatureBox,
    key_id: &str,
    public: &Public,
) -> Result<(), BundleError> {
    if public.id != key_id {
        return Err(BundleError::BadSignature);
    }
    minisign::verify(
        &public.key,
        signature,
        Cursor::new(manifest),
        true,
        false,
        false,
    )
    .map_err(|_| BundleError::BadSignature)
}

/// Opens an untrusted bundle: the zip's entries, the manifest and its
/// signature file, every listed file present with its SHA-256, nothing
/// unlisted, and the container byte for byte what [`write`](super::write())
/// makes. The data files are read once here (hashed as they stream by), not
/// kept.
pub fn open<R: Read + Seek>(source: R, limits: &Limits) -> Result<Opened<R>, BundleError> {
    let mut opened = open_listed(source, limits)?;
    opened.container().check(&mut opened.source)?;
    Ok(opened)
}

/// [`open`] without its one pass over the data: every check but the
/// container's and the data files' hashes, which [`Opened::container`]
/// makes on a reader of its own (alongside [`Opened::read_rows`], which
/// hashes each file again as it reads it). Until that check passes, the
/// rows read are those of a bundle that may have been changed.
pub fn open_listed<R: Read + Seek>(
    mut source: R,
    limits: &Limits,
) -> Result<Opened<R>, BundleError> {
    let len = source
        .seek(SeekFrom::End(0))
        .map_err(|e| BundleError::NotAZip {
            detail: e.to_string(),
        })?;
    let known_data: HashSet<String> = [false, true]
        .into_iter()
        .flat_map(|sealed| data_files(Role::Commune, sealed))
        .collect();
    let entries = archive::entries(&mut source, len, limits, |name| {
        if name == MANIFEST || name == SIGNATURE {
            Some(limits.manifest)
        } else if known_data.contains(name) || is_added_file(name, Role::Commune) {
            Some(limits.data_file)
        } else {
            None
        }
    })?;
    let entry = |name: &str| -> Result<&archive::Entry, BundleError> {
        entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| BundleError::Missing {
                name: name.to_string(),
            })
    };
    let manifest = archive::read_entry(&mut source, entry(MANIFEST)?)?;
    let signature_file = archive::read_entry(&mut source, entry(SIGNATURE)?)?;
    let (signature, signature_key) = parse_signature(&signature_file)?;
    let Manifest {
        header,
        key_id,
        files,
        sender_age,
    } = parse_manifest(&manifest)?;
    if key_id != signature_key {
        return Err(BundleError::KeyMismatch {
            manifest: key_id,
            signature: signature_key,
        });
    }
    if signature
        .trusted_comment()
        .map_err(|_| BundleError::SignatureFile)?
        != header.trusted_comment(&key_id)
    {
        return Err(BundleError::CommentMismatch);
    }
    // Every listed file present with its hash; nothing unlisted.
    for e in &entries {
        if e.name != MANIFEST && e.name != SIGNATURE && !files.iter().any(|f| f.name == e.name) {
            return Err(cell_error(
                MANIFEST,
                1,
                None,
                CellProblem::Listing {
                    name: e.name.clone(),
                },
            ));
        }
    }
    // The entries in the order `write` puts them.
    let mut canonical = vec![entry(MANIFEST)?.clone(), entry(SIGNATURE)?.clone()];
    for f in &files {
        canonical.push(entry(&f.name)?.clone());
    }
    Ok(Opened {
        header,
        key_id,
        files,
        sealed: sender_age.is_some(),
        sender_age,
        manifest,
        signature,
        source,
        entries: canonical,
        reader: None,
    })
}

/// What a commune bundle carries besides versions (empty from a team).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Received {
    pub work_items: Vec<WorkItem>,
    /// `None` from a bundle written before villages travelled.
    pub villages: Option<Vec<Village>>,
    /// The receiving team's part of the register; `None` from a bundle
    /// written before it travelled.
    pub people: Option<Vec<Person>>,
    /// The work items moved away from the receiving team (none from a
    /// bundle written before items moved).
    pub moved: Vec<Moved>,
    /// The forms the commune added, each as its spec's JSON: known as
    /// they are read (before any version of theirs), stored and put in
    /// force by the import once it commits.
    pub forms: Vec<String>,
}

impl<R: Read + Seek> Opened<R> {
    /// Reads every data file's rows, in the manifest's order: each version,
    /// its id recomputed from its content, is handed to `visit` with where
    /// it was read; the work items and villages are returned. Each file is hashed again
    /// as it is read, so a file changed since [`open`] is refused too.
    /// Versions come sorted by case, time and id within each file (tothon
    /// writes them so; anything else is refused), so a case's versions
    /// arrive together. Each row is read into the same `Version`, reusing
    /// its memory: to keep one, `visit` swaps it out (for a blank or a
    /// spare one it has done with).
    pub fn read_rows<E: From<BundleError>>(
        &mut self,
        mut visit: impl FnMut(&Place, &mut Version) -> Result<(), E>,
    ) -> Result<Received, E> {
        let mut received = Received::default();
        let rows = self.files.iter().map(|f| f.rows as u64).sum();
        let _step = crate::progress::step(crate::progress::Step::ReadingBundle, rows);
        let mut visit = |place: &Place, version: &mut Version| {
            crate::progress::advance(1);
            visit(place, version)
        };
        // The commune's forms first: the files of its forms are read with them.
        let files = self.files.iter().filter(|f| plain_name(&f.name) == FORMS);
        let files = files.chain(self.files.iter().filter(|f| plain_name(&f.name) != FORMS));
        for f in files {
            let entry = self
                .entries
                .iter()
                .find(|e| e.name == f.name)
                .ok_or_else(|| BundleError::Missing {
                    name: f.name.clone(),
                })?;
            let mut data = Hashing {
                inner: archive::entry_reader(&mut self.source, entry)?,
                hasher: Sha256::new(),
            };
            let name = plain_name(&f.name);
            let mut plain: Box<dyn Read + '_> = if self.sealed {
                let identity = self.reader.as_ref().ok_or(BundleError::Locked)?;
                Box::new(age::Decrypt::new(&mut data, identity).map_err(|e| match e {
                    age::AgeError::NotForUs => BundleError::NotForThisDevice {
                        file: f.name.clone(),
                    },
                    other => BundleError::Sealed {
                        file: f.name.clone(),
                        detail: other.to_string(),
                    },
                })?)
            } else {
                Box::new(&mut data)
            };
            // Versions are counted one by one as they are read; the other
            // files at once.
            let counted_by_row = ![WORK_ITEMS, REGISTER, MOVED, VILLAGES, FORMS].contains(&name);
            let found = if name == FORMS {
                received.forms = parse_forms(&mut plain)?;
                received.forms.len()
            } else if name == WORK_ITEMS {
                received.work_items = parse_work_items(&mut plain)?;
                received.work_items.len()
            } else if name == REGISTER {
                let people = parse_register(&mut plain)?;
                let found = people.len();
                received.people = Some(people);
                found
            } else if name == MOVED {
                received.moved = parse_moved(&mut plain)?;
                received.moved.len()
            } else if name == VILLAGES {
                let villages = parse_villages(&mut plain)?;
                let found = villages.len();
                received.villages = Some(villages);
                found
            } else {
                let form_id = name.trim_end_matches(".csv");
                let unknown = || BundleError::UnexpectedName {
                    name: f.name.clone(),
                };
                match form::form_at(form_id, 0) {
                    Some(spec) => parse_versions(name, spec, &mut plain, &mut visit)?,
                    // A form the commune added: its file has every version's
                    // fields, and the version of the form each row used.
                    None => {
                        let versions = form::versions_of(form_id);
                        let spec = form::across_versions(&versions).ok_or_else(unknown)?;
                        parse_versions(name, &spec, &mut plain, &mut visit)?
                    }
                }
            };
            drop(plain);
            if !counted_by_row {
                crate::progress::advance(found as u64);
            }
            // The hash covers the whole file, to its last byte.
            std::io::copy(&mut data, &mut std::io::sink()).map_err(|_| BundleError::Truncated {
                name: f.name.clone(),
            })?;
            if hex(&data.hasher.finalize()) != f.sha256 {
                return Err(BundleError::HashMismatch {
                    file: f.name.clone(),
                }
                .into());
            }
            if found != f.rows {
                return Err(BundleError::RowCount {
                    file: f.name.clone(),
                    declared: f.rows,
                    found,
                }
                .into());
            }
        }
        Ok(received)
    }
}

/// The highest bundle number taken. No device sends four billion bundles;
/// one numbered near 2^64 would make every later bundle of its device look
/// older than the last, and could not be followed.
pub const MAX_SEQUENCE: u64 = 1 << 32;

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The `.minisig` file, exactly as tothon writes it: four lines, a known
/// untrusted comment, base64 of the right lengths. minisign's own parser
/// trusts lengths it should not, so they are checked first.
pub(super) fn parse_signature(
    data: &[u8],
) -> Result<(minisign::SignatureBox, String), BundleError> {
    let text = std::str::from_utf8(data).map_err(|_| BundleError::SignatureFile)?;
    let lines: Vec<&str> = text.split('\n').collect();
    let [untrusted, sig, trusted, global, ""] = lines.as_slice() else {
        return Err(BundleError::SignatureFile);
    };
    let b64 = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    };
    if !untrusted.starts_with("untrusted comment: ")
        || !trusted.starts_with("trusted comment: ")
        || !b64(sig, 100)
        || !b64(global, 88)
    {
        return Err(BundleError::SignatureFile);
    }
    let sig_box =
        minisign::SignatureBox::from_string(text).map_err(|_| BundleError::SignatureFile)?;
    let key_id = key::key_id(sig_box.keynum());
    if !sig_box.is_prehashed()
        || sig_box.to_string() != text
        || sig_box.untrusted_comment().ok().as_deref() != Some(&untrusted_comment(&key_id))
    {
        return Err(BundleError::SignatureFile);
    }
    Ok((sig_box, key_id))
}

/// Every data row of a small CSV (the manifest), as owned cells.
fn parse_csv(file: &str, data: &[u8], header: &[&str]) -> Result<Vec<Vec<String>>, BundleError> {
    let mut rows = Vec::new();
    each_row(file, data, header, 0, |_, cells| {
        rows.push(cells.iter().map(|c| c.to_string()).collect());
        Ok::<_, BundleError>(())
    })?;
    Ok(rows)
}

/// What a manifest says, checked.
struct Manifest {
    header: Header,
    key_id: String,
    files: Vec<FileInfo>,
    /// An encrypted bundle's sender's age key; `None` in the plain format.
    sender_age: Option<age::Recipient>,
}

fn parse_manifest(data: &[u8]) -> Result<Manifest, BundleError> {
    let rows = parse_csv(MANIFEST, data, &MANIFEST_COLUMNS)?;
    let bad = |row: usize, column: &str, problem: CellProblem| {
        cell_error(MANIFEST, row, Some(column), problem)
    };
    let mut meta = Vec::new();
    for (i, field) in MANIFEST_FIELDS.iter().enumerate() {
        let row = i + 2;
        let cells = rows.get(i).ok_or_else(|| {
            bad(
                row,
                "field",
                CellProblem::MissingRow {
                    expected: field.to_string(),
                },
            )
        })?;
        if cells[0] != *field {
            return Err(bad(
                row,
                "field",
                CellProblem::UnexpectedRow {
                    expected: field.to_string(),
                },
            ));
        }
        if !cells[2].is_empty() || !cells[3].is_empty() {
            return Err(bad(row, "sha256", CellProblem::NotValid));
        }
        meta.push((row, cells[1].as_str()));
    }
    let [
        format,
        commune,
        sender,
        device,
        key_id,
        receiver,
        sequence,
        created_at,
    ] = meta.as_slice()
    else {
        return Err(bad(1, "field", CellProblem::NotValid));
    };
    let sealed = match format.1 {
        f if f == FORMAT => true,
        f if f == FORMAT_PLAIN => false,
        other => {
            return Err(BundleError::UnknownFormat {
                found: crate::domain::text::printable(other, 64),
            });
        }
    };
    cells::check_text(commune.1, MAX_NAME_CHARS).map_err(|p| bad(commune.0, "value", p))?;
    if commune.1.is_empty() {
        return Err(bad(commune.0, "value", CellProblem::Empty));
    }
    let party = |(row, s): &(usize, &str)| {
        parse_party(s).ok_or_else(|| bad(*row, "value", CellProblem::NotValid))
    };
    let sender_party = party(sender)?;
    let receiver_party = party(receiver)?;
    // Bundles go from a team to the commune or from the commune to a team.
    if matches!(
        (sender_party, receiver_party),
        (Role::Commune, Role::Commune) | (Role::Team(_), Role::Team(_))
    ) {
        return Err(bad(receiver.0, "value", CellProblem::NotValid));
    }
    if !is_device_id(device.1) {
        return Err(bad(device.0, "value", CellProblem::NotValid));
    }
    if !is_hex(key_id.1, 16, true) {
        return Err(bad(key_id.0, "value", CellProblem::NotValid));
    }
    let seq: u64 = sequence
        .1
        .parse()
        .ok()
        .filter(|n: &u64| *n > 0 && *n <= MAX_SEQUENCE && n.to_string() == sequence.1)
        .ok_or_else(|| bad(sequence.0, "value", CellProblem::NotValid))?;
    let created = parse_time(created_at.1)
        .ok_or_else(|| bad(created_at.0, "value", CellProblem::NotValid))?;
    let header = Header {
        commune: commune.1.to_string(),
        sender: sender_party,
        sender_device: device.1.to_string(),
        receiver: receiver_party,
        sequence: seq,
        created_at: created,
    };
    // An encrypted bundle's manifest names the sender's age key next.
    let meta_rows = MANIFEST_FIELDS.len() + usize::from(sealed);
    let sender_age = if sealed {
        let row = MANIFEST_FIELDS.len() + 2;
        let cells = rows.get(MANIFEST_FIELDS.len()).ok_or_else(|| {
            bad(
                row,
                "field",
                CellProblem::MissingRow {
                    expected: SENDER_AGE.to_string(),
                },
            )
        })?;
        if cells[0] != SENDER_AGE {
            return Err(bad(
                row,
                "field",
                CellProblem::UnexpectedRow {
                    expected: SENDER_AGE.to_string(),
                },
            ));
        }
        if !cells[2].is_empty() || !cells[3].is_empty() {
            return Err(bad(row, "sha256", CellProblem::NotValid));
        }
        let age = age::Recipient::parse(&cells[1])
            .map_err(|_| bad(row, "value", CellProblem::NotValid))?;
        // The same key, written as tothon writes it.
        if age.to_string() != cells[1] {
            return Err(bad(row, "value", CellProblem::NotValid));
        }
        Some(age)
    } else {
        None
    };
    // A plain manifest from before a later file existed does not list it;
    // encrypted bundles came after them all.
    let listed = &rows[meta_rows.min(rows.len())..];
    let later = |name: &str| {
        let plain = plain_name(name);
        plain == LATER_SEALED
            || LATER_FORMS.contains(&plain)
            || (!sealed && LATER_FILES.contains(&plain))
    };
    let expected: Vec<String> = data_files(sender_party, sealed)
        .into_iter()
        .filter(|name| !later(name) || listed.iter().any(|cells| cells[1] == *name))
        .collect();
    // The forms the commune added have files of their own, which a device
    // that has not taken the form yet cannot list: any name a form could
    // have is taken here, and read only if the form is known by then (the
    // commune's own `forms.csv` comes first). Names come sorted, once each,
    // the expected ones and the others alike.
    let added = |name: &str| {
        name.ends_with(SEALED_SUFFIX) == sealed
            && is_added_file(name, sender_party)
            && !expected.iter().any(|e| e == name)
    };
    let mut files = Vec::new();
    let mut next_expected = 0;
    for (i, cells) in listed.iter().enumerate() {
        let row = meta_rows + i + 2;
        if cells[0] != "file" {
            return Err(bad(
                row,
                "field",
                CellProblem::UnexpectedRow {
                    expected: "file".into(),
                },
            ));
        }
        let in_order = files
            .last()
            .is_none_or(|last: &FileInfo| last.name < cells[1]);
        match expected.get(next_expected) {
            Some(name) if in_order && *name == cells[1] => next_expected += 1,
            _ if in_order && added(&cells[1]) => {}
            _ => {
                return Err(bad(
                    row,
                    "value",
                    CellProblem::Listing {
                        name: crate::domain::text::printable(&cells[1], 64),
                    },
                ));
            }
        }
        if !is_hex(&cells[2], 64, false) {
            return Err(bad(row, "sha256", CellProblem::NotValid));
        }
        let rows_n: usize = cells[3]
            .parse()
            .ok()
            .filter(|n: &usize| n.to_string() == cells[3])
            .ok_or_else(|| bad(row, "rows", CellProblem::NotValid))?;
        files.push(FileInfo {
            name: cells[1].clone(),
            rows: rows_n,
            sha256: cells[2].clone(),
        });
    }
    if let Some(name) = expected.get(next_expected) {
        return Err(bad(
            rows.len() + 2,
            "value",
            CellProblem::MissingRow {
                expected: name.clone(),
            },
        ));
    }
    Ok(Manifest {
        header,
        key_id: key_id.1.to_string(),
        files,
        sender_age,
    })
}
