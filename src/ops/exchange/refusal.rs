//! Why a bundle was refused, as data: what a person needs to find the
//! problem (the file inside the bundle, the row, the column), never the
//! sentence that tells it, which the fronts make in the user's language.
//! The imports log keeps a refusal in this form too, so that it is told in
//! the language of whoever reads the log, not of whoever imported.

use std::path::PathBuf;

use crate::bundle::BundleError;
use crate::domain::admit::{RowRefusal, SenderRefusal};
use crate::store::ImportEntry;

/// Why a bundle was refused. Each names what a person needs to find the
/// problem: the file inside the bundle, the row and the column.
///
/// Kept in the imports log as serde writes it (variant names in snake case,
/// down to the bundle's, the sender's and the row's reasons): a variant
/// renamed would leave the entries logged before without their reason.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl Refusal {
    /// The form the imports log keeps it in.
    pub fn logged(&self) -> Option<serde_json::Value> {
        serde_json::to_value(self).ok()
    }

    /// Why a logged bundle was refused, read back from its entry. `None` for
    /// a bundle accepted, an entry logged before the reason was kept as data
    /// (its `detail` holds the sentence shown then), or a reason logged by a
    /// tothon that knows reasons this one does not.
    pub fn of_logged(entry: &ImportEntry) -> Option<Refusal> {
        serde_json::from_value(entry.refusal.clone()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::CellProblem;
    use crate::domain::commune::Role;
    use crate::domain::rules::{ProblemKind, Sex};
    use crate::domain::version::Status;

    /// The stored form of a refusal, pinned: entries already in a log must
    /// read back the same after any change to these types.
    #[test]
    fn a_logged_refusal_keeps_its_stored_form() {
        let pinned = [
            (
                Refusal::Format(BundleError::HashMismatch {
                    file: "activation.csv".into(),
                }),
                r#"{"format":{"hash_mismatch":{"file":"activation.csv"}}}"#,
            ),
            (
                Refusal::Format(BundleError::Cell {
                    file: "activation.csv".into(),
                    row: 12,
                    column: Some("phone".into()),
                    problem: CellProblem::Malformed("quote".into()),
                }),
                r#"{"format":{"cell":{"file":"activation.csv","row":12,"column":"phone","problem":{"malformed":"quote"}}}}"#,
            ),
            (
                Refusal::Format(BundleError::Repacked),
                r#"{"format":"repacked"}"#,
            ),
            (
                Refusal::Sender(SenderRefusal::KeyOfOther {
                    key_id: "ABCD".into(),
                    key_team: Some(4),
                    claimed: Role::Team(3),
                }),
                r#"{"sender":{"key_of_other":{"key_id":"ABCD","key_team":4,"claimed":{"role":"team","team":3}}}}"#,
            ),
            (
                Refusal::Row {
                    file: "activation.csv".into(),
                    row: 2,
                    column: Some("person_id".into()),
                    refusal: RowRefusal::Invalid {
                        problem: ProblemKind::IdSexMismatch {
                            digit: 0,
                            sex: Sex::Female,
                        },
                    },
                },
                r#"{"row":{"file":"activation.csv","row":2,"column":"person_id","refusal":{"invalid":{"problem":{"id_sex_mismatch":{"digit":0,"sex":"Female"}}}}}}"#,
            ),
            (
                Refusal::Row {
                    file: "activation.csv".into(),
                    row: 3,
                    column: None,
                    refusal: RowRefusal::WrongStatus {
                        status: Status::Done,
                        expected: Status::InProgress,
                    },
                },
                r#"{"row":{"file":"activation.csv","row":3,"column":null,"refusal":{"wrong_status":{"status":"done","expected":"in_progress"}}}}"#,
            ),
            (
                Refusal::Unreadable {
                    detail: "gone".into(),
                },
                r#"{"unreadable":{"detail":"gone"}}"#,
            ),
        ];
        for (refusal, stored) in pinned {
            let stored: serde_json::Value = serde_json::from_str(stored).unwrap();
            assert_eq!(refusal.logged().as_ref(), Some(&stored));
            let entry = ImportEntry {
                refusal: Some(stored),
                ..ImportEntry::default()
            };
            assert_eq!(Refusal::of_logged(&entry), Some(refusal));
        }
    }

    #[test]
    fn an_entry_without_a_reason_it_knows_has_no_refusal() {
        let older = ImportEntry {
            detail: "tệp không phải tệp zip đọc được.".into(),
            ..ImportEntry::default()
        };
        assert_eq!(Refusal::of_logged(&older), None);
        let newer = ImportEntry {
            refusal: Some(serde_json::json!({"format": {"a_reason_from_later": {}}})),
            ..ImportEntry::default()
        };
        assert_eq!(Refusal::of_logged(&newer), None);
    }
}
