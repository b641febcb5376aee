//! Stable sorting through one shared sorting routine.
//!
//! The standard library's sort is generic: each call with its own element
//! type or comparison gets its own copy of the whole algorithm, about 5 KB
//! each. tothon sorted in some forty places, which made up about 300 KB of
//! the release binary (BENCHMARKS.md, issue 18's 6 MB budget). Here the
//! routine is built once, for positions compared through a `dyn` function,
//! and each caller adds only the small step that moves its items into the
//! sorted order. The result is exactly `slice::sort_by`'s: stable, equal
//! items kept in the order they came.
//!
//! The cost is an indirect call per comparison, a few nanoseconds, which
//! the comparisons of text that tothon sorts by outweigh.

use std::cmp::Ordering;

/// Sorts `items` stably by `cmp`, as `items.sort_by(cmp)` does.
pub fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    positions(&mut order, &|a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sorts `items` stably by the key `key` gives, as `sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` stably in their own order, as `sort` does.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// Sorts positions (into the caller's items) stably by `cmp`: the one
/// sorting routine every sort here goes through.
#[inline(never)]
fn positions(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_same_order_as_the_standard_sort(
            items in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)
        ) {
            // Only the first part compared: equal keys show stability.
            let mut ours = items.clone();
            super::sort_by_key(&mut ours, |(k, _)| *k);
            let mut std = items.clone();
            std.sort_by_key(|(k, _)| *k);
            prop_assert_eq!(&ours, &std);
            let mut ours = items.clone();
            super::sort(&mut ours);
            let mut std = items;
            std.sort();
            prop_assert_eq!(ours, std);
        }
    }
}
