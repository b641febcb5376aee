//! The forms the commune adds (`tothon form add`): read from a JSON spec or
//! an XLSForm-style workbook, checked whole (nothing is taken while any
//! problem is left), given the next version of their id, stored, put in
//! force; they reach the teams in the commune's next bundles.

use super::commune::at_the_office;
use crate::domain::form::{self, FormSpec, added};
use crate::error::{Error, FormProblem, Result};
use crate::store::Store;
use crate::worklist::{workbook, xlsform};

/// Adds the form in `bytes` (the file `name`, for messages): its spec as
/// JSON, or a workbook. A spec without a version takes the next of its id
/// (1 for a new form); one with a version must be newer than the last.
pub fn add(store: &Store, name: &str, bytes: &[u8]) -> Result<&'static FormSpec> {
    at_the_office(store)?;
    let refused = |problems: Vec<FormProblem>| Error::FormSpec {
        file: name.to_string(),
        problems,
    };
    let text = if workbook::is_workbook(bytes) {
        let stem = std::path::Path::new(name).file_stem().unwrap_or_default();
        xlsform::to_json(bytes, &stem.to_string_lossy())?
            .map_err(|found| refused(found.into_iter().map(FormProblem::Sheet).collect()))?
    } else {
        // Kept without the byte-order mark an editor may have put first.
        let text = std::str::from_utf8(bytes).map_err(|e| {
            refused(vec![FormProblem::Spec(added::SpecProblem {
                at: added::At::Text {
                    line: 1 + bytes[..e.valid_up_to()]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count(),
                    column: 1,
                },
                fault: added::Fault::NotUtf8,
            })])
        })?;
        text.trim_start_matches('\u{feff}').to_string()
    };
    let spec_problems = |found: Vec<added::SpecProblem>| {
        refused(found.into_iter().map(FormProblem::Spec).collect())
    };
    let mut spec = added::from_json(&text).map_err(spec_problems)?;
    let latest = form::versions_of(&spec.id).last().map_or(0, |f| f.version);
    let text = if spec.version == 0 {
        // The next version, written into the spec that travels.
        spec.version = latest.checked_add(1).ok_or_else(|| {
            spec_problems(vec![added::SpecProblem {
                at: added::At::Form("version"),
                fault: added::Fault::NotNewer { had: latest },
            }])
        })?;
        let mut value: serde_json::Value =
            serde_json::from_slice(text.as_bytes()).map_err(|e| {
                spec_problems(vec![added::SpecProblem {
                    at: added::At::Text {
                        line: e.line(),
                        column: e.column(),
                    },
                    fault: added::Fault::Json(e.to_string()),
                }])
            })?;
        value["version"] = serde_json::Value::from(spec.version);
        serde_json::to_string(&value).map_err(|e| Error::FormSpec {
            file: name.to_string(),
            problems: vec![FormProblem::Spec(added::SpecProblem {
                at: added::At::Form("version"),
                fault: added::Fault::Json(e.to_string()),
            })],
        })?
    } else {
        text
    };
    let mut problems = Vec::new();
    if let Some(had) = same_as_held(store, &spec.id, &text)? {
        problems.push(added::SpecProblem {
            at: added::At::Form("version"),
            fault: added::Fault::Unchanged { had },
        });
    } else if spec.version <= latest {
        problems.push(added::SpecProblem {
            at: added::At::Form("version"),
            fault: added::Fault::NotNewer { had: latest },
        });
    }
    if let Some(other) = form::forms()
        .iter()
        .find(|f| f.code == spec.code && f.id != spec.id)
    {
        problems.push(added::SpecProblem {
            at: added::At::Form("code"),
            fault: added::Fault::CodeTaken(other.id.clone()),
        });
    }
    if !problems.is_empty() {
        return Err(spec_problems(problems));
    }
    store.add_form(&text)?;
    form::form_at(&spec.id, spec.version).ok_or(Error::UnknownForm {
        form: spec.id.clone(),
    })
}

/// The version of form `id` this store holds that says what `text` says
/// (its version aside), if any: adding the same file twice adds nothing.
fn same_as_held(store: &Store, id: &str, text: &str) -> Result<Option<u32>> {
    let without_version = |json: &str| {
        let mut value: serde_json::Value = serde_json::from_slice(json.as_bytes()).ok()?;
        let version = value.as_object_mut()?.remove("version")?.as_u64()?;
        Some((value, version))
    };
    let Some((new, _)) = without_version(text) else {
        return Ok(None);
    };
    for held in store.added_forms()? {
        if let Some((old, version)) = without_version(&held)
            && old.get("id").and_then(|v| v.as_str()) == Some(id)
            && old == new
        {
            return Ok(u32::try_from(version).ok());
        }
    }
    Ok(None)
}
