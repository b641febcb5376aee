//! Heads and conflicts of a case, computed from its versions alone.
//!
//! Because heads depend only on the *set* of versions, merging is a set union:
//! idempotent, commutative and associative whatever order versions arrive in.
//! Pure: the store calls this and writes what it returns.

use std::collections::HashSet;

use super::version::Version;

/// The heads of one case: the versions no other version of the case names as a
/// parent, sorted by id so the answer never depends on arrival order.
pub fn heads<'a>(versions: &[&'a Version]) -> Vec<&'a Version> {
    let named: HashSet<&str> = versions
        .iter()
        .flat_map(|v| v.parents.iter().map(String::as_str))
        .collect();
    let mut heads: Vec<&Version> = versions
        .iter()
        .copied()
        .filter(|v| !named.contains(v.id.as_str()))
        .collect();
    crate::sort::sort_by(&mut heads, |a, b| a.id.cmp(&b.id));
    heads.dedup_by(|a, b| a.id == b.id);
    heads
}

/// The head shown when a case has several: the latest edit, ties broken by id.
pub fn newest<'a>(heads: &[&'a Version]) -> Option<&'a Version> {
    heads
        .iter()
        .copied()
        .max_by(|a, b| a.edited_at.cmp(&b.edited_at).then(a.id.cmp(&b.id)))
}

/// Orders a case's versions for its history: by time, but never a version
/// before one it was edited from (two saves can share a second).
pub fn history_order(versions: &mut Vec<Version>) {
    crate::sort::sort_by(versions, |a, b| {
        a.edited_at.cmp(&b.edited_at).then(a.id.cmp(&b.id))
    });
    let mut placed: HashSet<String> = HashSet::new();
    let mut pending = std::mem::take(versions);
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|v| {
                v.parents
                    .iter()
                    .all(|p| placed.contains(p) || !pending.iter().any(|x| &x.id == p))
            })
            .unwrap_or(0);
        let v = pending.remove(ready);
        placed.insert(v.id.clone());
        versions.push(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::version::tests::draft;
    use proptest::prelude::*;

    fn ids(vs: &[&Version]) -> Vec<String> {
        vs.iter().map(|v| v.id.clone()).collect()
    }

    #[test]
    fn a_chain_has_one_head_and_a_fork_two() {
        let a = draft("C", &[], "a").seal();
        let b = draft("C", &[&a.id], "b").seal();
        assert_eq!(ids(&heads(&[&a, &b])), vec![b.id.clone()]);
        let c = draft("C", &[&a.id], "c").seal();
        let h = heads(&[&a, &b, &c]);
        assert_eq!(h.len(), 2);
        let r = draft("C", &[&b.id, &c.id], "resolved").seal();
        assert_eq!(ids(&heads(&[&c, &r, &a, &b])), vec![r.id.clone()]);
    }

    #[test]
    fn history_puts_parents_first_even_within_one_second() {
        let a = draft("C", &[], "a").seal();
        let b = draft("C", &[&a.id], "b").seal();
        let c = draft("C", &[&b.id], "c").seal();
        let mut vs = vec![c.clone(), b.clone(), a.clone()];
        history_order(&mut vs);
        assert_eq!(ids(&vs.iter().collect::<Vec<_>>()), vec![a.id, b.id, c.id]);
    }

    #[test]
    fn a_child_arriving_before_its_parent_is_still_the_head() {
        let a = draft("C", &[], "a").seal();
        let b = draft("C", &[&a.id], "b").seal();
        assert_eq!(ids(&heads(&[&b])), vec![b.id.clone()]);
        assert_eq!(ids(&heads(&[&b, &a])), vec![b.id.clone()]);
    }

    /// A small random history: each new version names up to two earlier ones.
    fn history() -> impl Strategy<Value = Vec<Version>> {
        prop::collection::vec((any::<u8>(), any::<u8>(), 0u8..3), 1..12).prop_map(|steps| {
            let mut out: Vec<Version> = Vec::new();
            for (i, (p1, p2, n)) in steps.into_iter().enumerate() {
                let mut parents = Vec::new();
                if !out.is_empty() && n > 0 {
                    parents.push(out[p1 as usize % out.len()].id.clone());
                    if n > 1 {
                        parents.push(out[p2 as usize % out.len()].id.clone());
                    }
                }
                let refs: Vec<&str> = parents.iter().map(String::as_str).collect();
                out.push(draft("C", &refs, &i.to_string()).seal());
            }
            out
        })
    }

    fn merged(sets: &[&[Version]]) -> Vec<String> {
        let all: Vec<&Version> = sets.iter().flat_map(|s| s.iter()).collect();
        ids(&heads(&all))
    }

    proptest! {
        #[test]
        fn merge_is_idempotent_commutative_associative(
            h in history(), cut1 in 0usize..12, cut2 in 0usize..12, seed in any::<u64>()
        ) {
            let n = h.len();
            let (x, rest) = h.split_at(cut1.min(n));
            let (y, z) = rest.split_at(cut2.min(rest.len()));
            let whole = merged(&[&h]);
            prop_assert_eq!(&merged(&[x, y, z]), &whole);
            prop_assert_eq!(&merged(&[z, x, y]), &whole);
            prop_assert_eq!(&merged(&[x, x, y, z, z]), &whole);
            let mut shuffled = h.clone();
            let len = shuffled.len();
            let mut s = seed;
            for i in (1..len).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(&merged(&[&shuffled]), &whole);
            prop_assert!(!whole.is_empty());
        }
    }
}
