//! Writing a bundle: each form's CSV, `work_items.csv`, the manifest that
//! lists and hashes them, its signature, and the zip around them. Nothing
//! here reads a bundle or checks one that came in.

use std::fmt::{self, Write as _};
use std::io::Cursor;

use chrono::{DateTime, FixedOffset};

use super::error::BundleError;
use super::format::{
    Contents, FORMS_COLUMNS, FileInfo, Header, MANIFEST_COLUMNS, MANIFEST_FIELDS, MOVED_COLUMNS,
    REGISTER_COLUMNS, SENDER_AGE, VILLAGE_COLUMNS, WORK_ITEM_COLUMNS, has_field, party_text,
    person_cells, sha256_hex, untrusted_comment, version_header, work_item_fields,
};
use super::key::Signer;
use super::{
    FORMAT, FORMAT_PLAIN, FORMS, MANIFEST, MOVED, REGISTER, SEALED_SUFFIX, SIGNATURE, VILLAGES,
    WORK_ITEMS, age, archive, cells,
};
use crate::domain::commune::{Role, Village};
use crate::domain::form::{self, FormSpec};
use crate::domain::version::{Status, Version};
use crate::domain::work::{Moved, Person, WorkItem};
use crate::store::StoredVersion;

fn write_err(e: impl fmt::Display) -> BundleError {
    BundleError::Unwritable {
        detail: e.to_string(),
    }
}

/// A version as a bundle's row is written from: owned, or read in place
/// from the store ([`StoredVersion`]).
pub trait VersionRow {
    fn id(&self) -> &str;
    fn record(&self) -> &str;
    fn form(&self) -> &str;
    fn form_version(&self) -> u32;
    fn team(&self) -> u8;
    fn device(&self) -> &str;
    fn author(&self) -> &str;
    fn edited_at(&self) -> DateTime<FixedOffset>;
    fn status(&self) -> Status;
    fn parents(&self) -> impl Iterator<Item = &str>;
    fn confirmed(&self) -> impl Iterator<Item = &str>;
    /// Each value, by field.
    fn values(&self) -> impl Iterator<Item = (&str, &str)>;
}

impl VersionRow for Version {
    fn id(&self) -> &str {
        &self.id
    }
    fn record(&self) -> &str {
        &self.record
    }
    fn form(&self) -> &str {
        &self.form
    }
    fn form_version(&self) -> u32 {
        self.form_version
    }
    fn team(&self) -> u8 {
        self.team
    }
    fn device(&self) -> &str {
        &self.device
    }
    fn author(&self) -> &str {
        &self.author
    }
    fn edited_at(&self) -> DateTime<FixedOffset> {
        self.edited_at
    }
    fn status(&self) -> Status {
        self.status
    }
    fn parents(&self) -> impl Iterator<Item = &str> {
        self.parents.iter().map(String::as_str)
    }
    fn confirmed(&self) -> impl Iterator<Item = &str> {
        self.confirmed.iter().map(String::as_str)
    }
    fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl VersionRow for StoredVersion<'_> {
    fn id(&self) -> &str {
        self.id
    }
    fn record(&self) -> &str {
        self.record
    }
    fn form(&self) -> &str {
        self.form
    }
    fn form_version(&self) -> u32 {
        self.form_version
    }
    fn team(&self) -> u8 {
        self.team
    }
    fn device(&self) -> &str {
        self.device
    }
    fn author(&self) -> &str {
        self.author
    }
    fn edited_at(&self) -> DateTime<FixedOffset> {
        self.edited_at
    }
    fn status(&self) -> Status {
        self.status
    }
    fn parents(&self) -> impl Iterator<Item = &str> {
        StoredVersion::parents(self)
    }
    fn confirmed(&self) -> impl Iterator<Item = &str> {
        StoredVersion::confirmed(self)
    }
    fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        StoredVersion::values(self)
    }
}

/// The CSV of one form: the version columns, then one column per field of the
/// form, one row per version, sorted by case, time and id so that the same
/// versions always give the same bytes.
pub(super) fn versions_csv<V: VersionRow + Sync>(
    spec: &FormSpec,
    versions: &[&V],
) -> Result<Vec<u8>, BundleError> {
    let mut rows: Vec<&V> = versions.to_vec();
    crate::sort::sort_by(&mut rows, |a, b| {
        (a.record(), a.edited_at(), a.id()).cmp(&(b.record(), b.edited_at(), b.id()))
    });
    let mut out = Vec::with_capacity(rows.len() * 200);
    {
        let mut w = cells::writer(&mut out);
        let header = version_header(spec);
        w.write_record(&header).map_err(write_err)?;
        w.flush().map_err(write_err)?;
    }
    // Rows are written in chunks side by side, then joined: a CSV row does
    // not depend on the rows before it, so the bytes are the same.
    const CHUNK: usize = 8192;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = rows.len().div_ceil(workers).max(CHUNK);
    let chunks = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .chunks(per)
            .skip(1)
            .map(|chunk| s.spawn(move || version_rows(spec, chunk)))
            .collect();
        let first = version_rows(spec, rows.chunks(per).next().unwrap_or(&[]));
        let mut chunks = vec![first];
        for h in handles {
            chunks.push(
                h.join()
                    .unwrap_or_else(|_| Err(write_err("a CSV writer stopped"))),
            );
        }
        chunks
    });
    for chunk in chunks {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// The rows of [`versions_csv`] for these versions, in this order.
pub(super) fn version_rows<V: VersionRow>(
    spec: &FormSpec,
    rows: &[&V],
) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::with_capacity(rows.len() * 200);
    {
        let mut w = cells::rows_writer(&mut out);
        // Cells made from several parts, reused from row to row.
        let [
            mut parents,
            mut team,
            mut edited_at,
            mut confirmed,
            mut form_version,
        ] = Default::default();
        let mut values: Vec<&str> = Vec::with_capacity(spec.fields.len());
        let join = |out: &mut String, items: &mut dyn Iterator<Item = &str>| {
            out.clear();
            for (i, item) in items.enumerate() {
                if i > 0 {
                    out.push(';');
                }
                out.push_str(item);
            }
        };
        for v in rows {
            crate::progress::advance(1);
            values.clear();
            values.resize(spec.fields.len(), "");
            for (k, x) in v.values() {
                let Some(i) = spec.fields.iter().position(|f| f.id == k) else {
                    return Err(write_err(format!(
                        "version {} has a value for {k}, not a field of {}",
                        v.id(),
                        spec.id
                    )));
                };
                values[i] = x;
            }
            join(&mut parents, &mut v.parents());
            join(&mut confirmed, &mut v.confirmed());
            crate::domain::version::time_text_into(&v.edited_at(), &mut edited_at);
            team.clear();
            write!(team, "{}", v.team()).map_err(write_err)?;
            form_version.clear();
            if spec.version != 0 {
                write!(form_version, "{}", v.form_version()).map_err(write_err)?;
            }
            let meta = [
                v.id(),
                v.record(),
                &parents,
                v.form(),
                &team,
                v.device(),
                v.author(),
                &edited_at,
                v.status().as_str(),
                &confirmed,
            ];
            // A form the commune added has the version of the form next.
            let versioned = (spec.version != 0).then_some(form_version.as_str());
            for cell in meta
                .into_iter()
                .chain(versioned)
                .chain(values.iter().copied())
            {
                w.write_field(cells::escape(cell).as_bytes())
                    .map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// `forms.csv`: the forms the commune added, every version, each as its
/// spec's JSON, in the order the commune took them.
fn forms_csv(forms: &[String]) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        w.write_record(FORMS_COLUMNS).map_err(write_err)?;
        for json in forms {
            w.write_record([json.as_str()]).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// `register.csv`: the receiving team's people, by key.
fn register_csv(people: &[Person]) -> Result<Vec<u8>, BundleError> {
    let mut rows: Vec<&Person> = people.iter().collect();
    crate::sort::sort_by(&mut rows, |a, b| a.key.cmp(&b.key));
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        w.write_record(REGISTER_COLUMNS).map_err(write_err)?;
        for p in rows {
            for cell in person_cells(p) {
                w.write_field(cells::escape(&cell).as_bytes())
                    .map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// `moved.csv`: each work item moved away from the receiving team, by id,
/// with the team it went to and when.
fn moved_csv(moved: &[Moved]) -> Result<Vec<u8>, BundleError> {
    let mut rows: Vec<&Moved> = moved.iter().collect();
    crate::sort::sort_by(&mut rows, |a, b| a.id.cmp(&b.id));
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        w.write_record(MOVED_COLUMNS).map_err(write_err)?;
        for m in rows {
            let team = m.team.to_string();
            for cell in [m.id.as_str(), &team, &m.at] {
                w.write_field(cells::escape(cell).as_bytes())
                    .map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// `villages.csv`: each village's team and name, by team.
fn villages_csv(villages: &[Village]) -> Result<Vec<u8>, BundleError> {
    let mut rows: Vec<&Village> = villages.iter().collect();
    crate::sort::sort_by_key(&mut rows, |v| v.team);
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        w.write_record(VILLAGE_COLUMNS).map_err(write_err)?;
        for v in rows {
            let team = v.team.to_string();
            for cell in [team.as_str(), &v.name] {
                w.write_field(cells::escape(cell).as_bytes())
                    .map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

pub(super) fn work_items_csv(items: &[WorkItem]) -> Result<Vec<u8>, BundleError> {
    let fields = work_item_fields();
    let mut rows: Vec<&WorkItem> = items.iter().collect();
    crate::sort::sort_by(&mut rows, |a, b| a.id.cmp(&b.id));
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        let header: Vec<&str> = WORK_ITEM_COLUMNS
            .iter()
            .copied()
            .chain(fields.iter().copied())
            .collect();
        w.write_record(&header).map_err(write_err)?;
        for item in rows {
            let spec = form::form(&item.form)
                .ok_or_else(|| write_err(format!("work item {}: unknown form", item.id)))?;
            if let Some(k) = item.prefill.keys().find(|k| !has_field(spec, k)) {
                return Err(write_err(format!(
                    "work item {} has a value for {k}, not a field of {}",
                    item.id, spec.id
                )));
            }
            let team = item.team.to_string();
            let meta = [
                item.id.as_str(),
                &item.form,
                &team,
                item.due.as_deref().unwrap_or(""),
            ];
            let values = fields
                .iter()
                .map(|f| item.prefill.get(*f).map(String::as_str).unwrap_or(""));
            for cell in meta.into_iter().chain(values) {
                w.write_field(cells::escape(cell).as_bytes())
                    .map_err(write_err)?;
            }
            w.write_record(None::<&[u8]>).map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// The manifest: metadata, then each data file's name, SHA-256 and rows.
/// With `sender_age` (an encrypted bundle's) it is format 2 and names it.
fn manifest_csv(
    header: &Header,
    key_id: &str,
    sender_age: Option<&age::Recipient>,
    files: &[FileInfo],
) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::new();
    {
        let mut w = cells::writer(&mut out);
        w.write_record(MANIFEST_COLUMNS).map_err(write_err)?;
        let format = if sender_age.is_some() {
            FORMAT
        } else {
            FORMAT_PLAIN
        };
        let meta = [
            format.to_string(),
            header.commune.clone(),
            party_text(header.sender),
            header.sender_device.clone(),
            key_id.to_string(),
            party_text(header.receiver),
            header.sequence.to_string(),
            header.created_at_text(),
        ];
        for (field, value) in MANIFEST_FIELDS.iter().zip(&meta) {
            w.write_record([*field, &cells::escape(value), "", ""])
                .map_err(write_err)?;
        }
        if let Some(age) = sender_age {
            w.write_record([SENDER_AGE, &age.to_string(), "", ""])
                .map_err(write_err)?;
        }
        for f in files {
            w.write_record(["file", &f.name, &f.sha256, &f.rows.to_string()])
                .map_err(write_err)?;
        }
        w.flush().map_err(write_err)?;
    }
    Ok(out)
}

/// The bytes of a signed bundle, each data file encrypted to `readers`
/// (the receiving side's devices). The secret key signs the manifest only;
/// it is written nowhere.
pub fn write<V: VersionRow + Sync>(
    contents: &Contents<V>,
    signer: &Signer,
    readers: &[age::Recipient],
) -> Result<Vec<u8>, BundleError> {
    if readers.is_empty() {
        return Err(write_err("no device to encrypt the bundle to"));
    }
    write_files(
        &contents.header,
        signer,
        data_files(contents)?,
        Some(readers),
    )
}

/// Every data file of `contents`, written: one CSV per form and, from the
/// commune, its villages, register part and work items.
pub(super) fn data_files<V: VersionRow + Sync>(
    contents: &Contents<V>,
) -> Result<Vec<DataFile>, BundleError> {
    let header = &contents.header;
    if let Some(v) = contents
        .versions
        .iter()
        .find(|v| form::form(v.form()).is_none())
    {
        return Err(write_err(format!(
            "version {} has unknown form {}",
            v.id(),
            v.form()
        )));
    }
    let mut files = Vec::new();
    for spec in form::forms() {
        let of_form: Vec<&V> = contents
            .versions
            .iter()
            .filter(|v| v.form() == spec.id)
            .collect();
        // A form the commune added: its file has every version's fields.
        let across = (spec.version != 0)
            .then(|| form::across_versions(&form::versions_of(&spec.id)))
            .flatten();
        files.push(DataFile {
            name: format!("{}.csv", spec.id),
            rows: of_form.len(),
            bytes: versions_csv(across.as_ref().unwrap_or(spec), &of_form)?,
        });
    }
    match header.sender {
        Role::Commune => {
            // Only when the commune added forms: a team device of a release
            // from before them reads every other commune bundle as before.
            if !contents.forms.is_empty() {
                files.push(DataFile {
                    name: FORMS.to_string(),
                    rows: contents.forms.len(),
                    bytes: forms_csv(&contents.forms)?,
                });
            }
            files.push(DataFile {
                name: VILLAGES.to_string(),
                rows: contents.villages.len(),
                bytes: villages_csv(&contents.villages)?,
            });
            files.push(DataFile {
                name: REGISTER.to_string(),
                rows: contents.people.len(),
                bytes: register_csv(&contents.people)?,
            });
            files.push(DataFile {
                name: WORK_ITEMS.to_string(),
                rows: contents.work_items.len(),
                bytes: work_items_csv(&contents.work_items)?,
            });
            // Only when an item moved: a team device of a release from
            // before moves reads every other commune bundle as before.
            if !contents.moved.is_empty() {
                files.push(DataFile {
                    name: MOVED.to_string(),
                    rows: contents.moved.len(),
                    bytes: moved_csv(&contents.moved)?,
                });
            }
        }
        Role::Team(_)
            if !contents.work_items.is_empty()
                || !contents.villages.is_empty()
                || !contents.people.is_empty()
                || !contents.moved.is_empty()
                || !contents.forms.is_empty() =>
        {
            return Err(write_err(
                "a team bundle carries no work items, no villages, no register, no moves and no forms",
            ));
        }
        Role::Team(_) => {}
    }
    Ok(files)
}

/// One data file, already written.
pub struct DataFile {
    pub name: String,
    pub rows: usize,
    pub bytes: Vec<u8>,
}

/// Encrypts data files that are already written to `readers` (when given),
/// then lists, hashes and signs them, and packs them. [`write`](fn@write)
/// uses it; tests use it to make bundles that are properly signed yet
/// carry broken rows, as a faulty or hostile sender could, and (with no
/// readers) bundles of the plain format written before encryption.
pub fn write_files(
    header: &Header,
    signer: &Signer,
    mut files: Vec<DataFile>,
    readers: Option<&[age::Recipient]>,
) -> Result<Vec<u8>, BundleError> {
    if let Some(readers) = readers {
        for f in &mut files {
            f.bytes = age::encrypt(&f.bytes, readers).map_err(write_err)?;
            f.name.push_str(SEALED_SUFFIX);
        }
    }
    let sender_age = readers.map(|_| signer.identity().recipient());
    crate::sort::sort_by(&mut files, |a, b| a.name.cmp(&b.name));
    let infos: Vec<FileInfo> = files
        .iter()
        .map(|f| FileInfo {
            name: f.name.clone(),
            rows: f.rows,
            sha256: sha256_hex(&f.bytes),
        })
        .collect();
    let key_id = &signer.public.id;
    let manifest = manifest_csv(header, key_id, sender_age.as_ref(), &infos)?;
    let signature = minisign::sign(
        Some(&signer.public.key),
        &signer.secret,
        Cursor::new(&manifest),
        Some(&header.trusted_comment(key_id)),
        Some(&untrusted_comment(key_id)),
    )
    .map_err(write_err)?
    .into_string();
    let mut entries: Vec<(&str, &[u8])> = vec![
        (MANIFEST, manifest.as_slice()),
        (SIGNATURE, signature.as_bytes()),
    ];
    entries.extend(files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())));
    archive::write(&entries)
}
