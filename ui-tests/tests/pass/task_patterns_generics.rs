//! A task keeps argument patterns, generics and `where` clauses.

use std::fmt::Display;

/// Collects values and labels the result.
#[loopy::task]
pub async fn collect<T, L>(
    mut values: Vec<T>,
    (first, second): (T, T),
    more: impl IntoIterator<Item = T>,
    label: L,
) -> (Vec<T>, String)
where
    T: Clone,
    L: Display,
{
    values.push(first);
    values.push(second);
    values.extend(more);
    let text = format!("{label}: {}", values.len());
    (values, text)
}

#[loopy::main]
async fn main() {
    let handle = collect(vec![1u8], (2, 3), [4, 5], "five");
    let (values, text) = handle.await.expect("the task finishes");
    assert_eq!(values, [1, 2, 3, 4, 5]);
    assert_eq!(text, "five: 5");
}
