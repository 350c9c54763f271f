//! Places in the program's source, each kept once for the whole process
//! and named by a number.
//!
//! A task remembers where it was spawned, and the loop tells the slow-poll
//! watchdog, before every poll, where the task about to run was spawned. A
//! place is a `&'static Location`, a word; its number here is a half-word,
//! and publishing a number to the watchdog needs no pointer the watchdog
//! would have to trust. A program has a bounded number of places (one per
//! call site), so the table only grows while new code runs, and every
//! runtime of the process shares it, so a number means the same place on
//! every loop and in the watchdog.

use std::panic::Location;
use std::sync::{Mutex, PoisonError};

/// The places, by number.
static PLACES: Mutex<Vec<&'static Location<'static>>> = Mutex::new(Vec::new());

/// A place's number in the table: made only by [`Place::of`], so the
/// table always holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place(u32);

impl Place {
    /// The number of `location`, which is added to the table if it is new
    /// there. Callers keep their own map of the numbers they were given,
    /// so a call site is looked for here about once per runtime.
    pub(crate) fn of(location: &'static Location<'static>) -> Place {
        let mut places = PLACES.lock().unwrap_or_else(PoisonError::into_inner);
        let number = match places.iter().rposition(|known| *known == location) {
            // Another runtime added it (or the same place has two addresses).
            Some(number) => number,
            None => {
                places.push(location);
                places.len() - 1
            }
        };
        // A `Location` is a static of at least 24 bytes: a program holds
        // far fewer than 2^32 of them.
        Place(u32::try_from(number).expect("fewer than 2^32 places in a program"))
    }

    /// The place.
    pub(crate) fn location(self) -> &'static Location<'static> {
        let places = PLACES.lock().unwrap_or_else(PoisonError::into_inner);
        places[self.0 as usize]
    }

    /// The place's number, to publish to another thread.
    pub(crate) fn number(self) -> u32 {
        self.0
    }
}

/// The place numbered `number`, if there is one (a number published by
/// [`Place::number`]).
pub(crate) fn get(number: u32) -> Option<&'static Location<'static>> {
    let places = PLACES.lock().unwrap_or_else(PoisonError::into_inner);
    places.get(number as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn here() -> &'static Location<'static> {
        Location::caller()
    }

    #[test]
    fn a_place_keeps_its_number_and_is_added_once() {
        let (a, b) = (here(), here());
        let (pa, pb) = (Place::of(a), Place::of(b));
        assert_ne!(pa, pb);
        assert_eq!((Place::of(a), Place::of(b)), (pa, pb));
        assert!(std::ptr::eq(pa.location(), a));
        assert_eq!(get(pb.number()), Some(b));
        assert_eq!(get(u32::MAX), None);
    }
}
