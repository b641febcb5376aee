//! What a case is about, told from its values by its form's identity
//! (`FormSpec::identity`, `FormSpec::identity_by_name`): which person or
//! household, and which piece of work about them. Two cases or work items
//! of one form with the same identity are the same work, so a new case is
//! asked about before it is made a second time. Pure.

use std::collections::BTreeMap;

use super::FormSpec;
use crate::domain::text;

/// What a case of a form is about, as keys: [`text::key`] of each value
/// (case, accents and punctuation ignored, so "HK 0101" and "hk-0101",
/// "Nguyễn Văn An" and "NGUYEN VAN AN" agree).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The first identity field, when filled in: the personal ID, the
    /// household code.
    pub id: Option<String>,
    /// The form's `identity_by_name` fields (the full name and the birth
    /// date), when all are filled in.
    pub by_name: Option<Vec<String>>,
    /// The other identity fields (the field a correction is about), up to
    /// the first one not filled in.
    pub rest: Vec<String>,
}

impl FormSpec {
    /// What a case with `values` (as saved: dates in ISO form, the form's
    /// check has them so) is about.
    pub fn identity_of(&self, values: &BTreeMap<String, String>) -> Identity {
        let key = |field: &String| {
            values
                .get(field)
                .map(|v| text::key(v))
                .filter(|k| !k.is_empty())
        };
        let fields = self.identity_fields();
        let by_name = match self.identity_by_name.as_slice() {
            [] => None,
            fields => fields.iter().map(key).collect(),
        };
        Identity {
            id: fields.first().and_then(key),
            by_name,
            rest: fields.iter().skip(1).map_while(key).collect(),
        }
    }
}

impl Identity {
    /// Nothing tells who or what the case is about yet.
    pub fn is_unknown(&self) -> bool {
        self.id.is_none() && self.by_name.is_none()
    }

    /// Whether a case about `other` is the same work: the same person or
    /// household, and the rest of the identity the same as far as both are
    /// filled in (a correction whose field is not chosen yet is the same
    /// work as every correction of the person). The person is told by the
    /// personal ID when both have one: two IDs are two people, whatever
    /// their names. Otherwise by the name and birth date together.
    pub fn same_work(&self, other: &Identity) -> bool {
        let same_subject = match (&self.id, &other.id) {
            (Some(a), Some(b)) => a == b,
            _ => self.by_name.is_some() && self.by_name == other.by_name,
        };
        let n = self.rest.len().min(other.rest.len());
        same_subject && self.rest[..n] == other.rest[..n]
    }

    /// Whether a case whose folded search text is `search` (a list line's:
    /// see `FormSpec::search_key`) may be about this: a quick test that
    /// never misses a case that is, since every form searches its first
    /// identity field and its name (the specs' tests hold them to it).
    /// `scratch` is a buffer the caller keeps across lines.
    pub fn may_be_in(&self, search: &str, scratch: &mut String) -> bool {
        // The search text's letters and digits alone hold each of its
        // values' keys whole.
        scratch.clear();
        scratch.extend(search.chars().filter(|c| c.is_alphanumeric()));
        let name = self.by_name.as_ref().and_then(|b| b.first());
        [self.id.as_ref(), name]
            .into_iter()
            .flatten()
            .any(|k| scratch.contains(k.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::form::values;
    use crate::domain::form::{form, forms, register};

    #[test]
    fn a_person_is_told_by_the_id_else_by_name_and_birth_date() {
        let activation = form("activation").unwrap();
        let of = |pairs: &[(&str, &str)]| activation.identity_of(&values(pairs));
        let an = of(&[
            ("person_id", "034085001234"),
            ("full_name", "Nguyễn Văn An"),
            ("birth_date", "1985-03-12"),
        ]);
        // The same ID, however it is written: the same person.
        assert!(an.same_work(&of(&[("person_id", " 034085 001234")])));
        // Another ID: another person, though name and birth date agree.
        let namesake = of(&[
            ("person_id", "034085009999"),
            ("full_name", "Nguyễn Văn An"),
            ("birth_date", "1985-03-12"),
        ]);
        assert!(!an.same_work(&namesake));
        // No ID on one side: the name folded and the same birth date.
        let typed = of(&[("full_name", "NGUYEN VAN AN"), ("birth_date", "1985-03-12")]);
        assert!(an.same_work(&typed) && typed.same_work(&an));
        let other_birthday = of(&[("full_name", "Nguyễn Văn An"), ("birth_date", "1985-03-13")]);
        assert!(!an.same_work(&other_birthday));
        // A name alone tells nobody.
        let name_only = of(&[("full_name", "Nguyễn Văn An")]);
        assert!(name_only.is_unknown());
        assert!(!an.same_work(&name_only) && !name_only.same_work(&an));
        assert!(of(&[]).is_unknown() && !of(&[]).same_work(&of(&[])));
    }

    #[test]
    fn the_rest_of_the_identity_tells_work_about_one_person_apart() {
        let missing = form("missing_field").unwrap();
        let of = |pairs: &[(&str, &str)]| missing.identity_of(&values(pairs));
        let birth = of(&[("person_id", "034090123456"), ("missing", "birth_date")]);
        assert_eq!(birth.rest, ["birthdate"]);
        assert!(!birth.same_work(&of(&[
            ("person_id", "034090123456"),
            ("missing", "ethnicity")
        ])));
        // The field not chosen yet: every correction of the person.
        assert!(birth.same_work(&of(&[("person_id", "034090123456")])));
        // By name and birth date too.
        let by_name = |field: &str| {
            of(&[
                ("full_name", "Lê Thị Hoa"),
                ("birth_date", "1990"),
                ("missing", field),
            ])
        };
        let hoa = of(&[
            ("person_id", "034190002345"),
            ("full_name", "Lê Thị Hoa"),
            ("birth_date", "1990"),
            ("missing", "ethnicity"),
        ]);
        assert!(hoa.same_work(&by_name("ethnicity")));
        assert!(!hoa.same_work(&by_name("religion")));
    }

    #[test]
    fn a_household_is_told_by_its_code_alone() {
        let check = form("household_check").unwrap();
        let of = |pairs: &[(&str, &str)]| check.identity_of(&values(pairs));
        let hk = of(&[("household_code", "HK 01"), ("head_name", "Nguyễn Văn An")]);
        assert!(hk.same_work(&of(&[("household_code", "hk-01")])));
        assert!(!hk.same_work(&of(&[
            ("household_code", "HK-02"),
            ("head_name", "Nguyễn Văn An")
        ])));
        assert_eq!(hk.by_name, None);
    }

    #[test]
    fn a_line_that_holds_the_identity_is_never_passed_over() {
        let mut scratch = String::new();
        for spec in forms().iter().chain([register()]) {
            // What the quick test looks for is what the form searches.
            let first = spec.identity_fields().first();
            let name = spec.identity_by_name.first();
            for field in first.into_iter().chain(name) {
                assert!(spec.search.contains(field), "{}: {field}", spec.id);
            }
        }
        let activation = form("activation").unwrap();
        let case = values(&[
            ("person_id", "034085001234"),
            ("full_name", "Nguyễn Văn  An"),
            ("phone", "0912 345 678"),
        ]);
        let search = format!("ac-00007 {}", activation.search_key(&case));
        let wanted = |pairs: &[(&str, &str)]| activation.identity_of(&values(pairs));
        assert!(wanted(&[("person_id", "034085 001234")]).may_be_in(&search, &mut scratch));
        let by_name = wanted(&[("full_name", "nguyen van an"), ("birth_date", "1985")]);
        assert!(by_name.may_be_in(&search, &mut scratch));
        assert!(!wanted(&[("person_id", "034085009999")]).may_be_in(&search, &mut scratch));
    }
}
