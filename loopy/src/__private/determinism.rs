//! Comparing the traces of two runs with one seed.
//!
//! A seeded run on a paused clock with in-memory I/O must repeat itself
//! event for event. The check hashes each run's trace events (so that
//! equal traces cost one comparison) and, when the hashes differ, walks
//! the two lists to the first event where the runs parted: that event is
//! where to look for what the seed does not control (a real socket, the
//! wall clock, a `HashMap`'s order, another thread).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// A hash of a run's trace events, in order. `DefaultHasher::new()` always
/// starts from the same keys, so equal traces hash alike in every run.
fn trace_hash(events: &[String]) -> u64 {
    let mut hasher = DefaultHasher::new();
    events.hash(&mut hasher);
    hasher.finish()
}

/// `None` if the two runs' events are the same; otherwise a sentence that
/// names the first event where they parted.
pub(super) fn first_difference(first: &[String], second: &[String]) -> Option<String> {
    let (first_hash, second_hash) = (trace_hash(first), trace_hash(second));
    if first_hash == second_hash {
        return None;
    }
    let hashes = format!("trace hashes {first_hash:#018x} and {second_hash:#018x}");
    let parted = first
        .iter()
        .zip(second)
        .position(|(a, b)| a != b)
        .unwrap_or(first.len().min(second.len()));
    let event = |events: &[String]| {
        events
            .get(parted)
            .map_or("(the run had ended)".to_string(), |event| {
                format!("`{event}`")
            })
    };
    Some(format!(
        "the two runs parted at event {} of {} and {} ({hashes}): the first run had {}, the second {}",
        parted + 1,
        first.len(),
        second.len(),
        event(first),
        event(second),
    ))
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    fn events(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|line| line.to_string()).collect()
    }

    #[test]
    fn equal_traces_agree() {
        let trace = events(&["poll task 1", "wake task 2", "poll task 2"]);
        assert_eq!(first_difference(&trace, &trace.clone()), None);
        assert_eq!(first_difference(&[], &[]), None);
    }

    #[test]
    fn the_first_event_that_differs_is_named() {
        let first = events(&["poll task 1", "poll task 2", "timer fired", "poll task 3"]);
        let second = events(&["poll task 1", "poll task 3", "timer fired", "poll task 2"]);
        let message = first_difference(&first, &second).unwrap();
        assert!(
            message.starts_with("the two runs parted at event 2 of 4 and 4 (trace hashes 0x"),
            "{message}"
        );
        assert!(
            message.ends_with("the first run had `poll task 2`, the second `poll task 3`"),
            "{message}"
        );
    }

    #[test]
    fn a_run_that_stops_early_parted_where_it_stopped() {
        let first = events(&["poll task 1", "poll task 2"]);
        let second = events(&["poll task 1"]);
        let message = first_difference(&first, &second).unwrap();
        assert!(
            message.starts_with("the two runs parted at event 2 of 2 and 1"),
            "{message}"
        );
        assert!(
            message.ends_with("the first run had `poll task 2`, the second (the run had ended)"),
            "{message}"
        );
        let reversed = first_difference(&second, &first).unwrap();
        assert!(
            reversed.ends_with("the first run had (the run had ended), the second `poll task 2`"),
            "{reversed}"
        );
    }
}
