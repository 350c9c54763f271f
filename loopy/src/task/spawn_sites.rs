//! Where a runtime's tasks were spawned, as half-words.
//!
//! Every task remembers where it was spawned, for the task list, the
//! slow-poll warning and the trace. A program spawns from a handful of
//! places and makes many tasks at each, so a task keeps its place's number
//! in the process's table of places (`driver/places.rs`): a half-word in
//! its record instead of a word. This runtime's map of the numbers it was
//! given makes the lookup cheap: spawning from the same place as the last
//! spawn (a loop that spawns, an accept loop) costs one compare, another
//! known place a hash lookup, and only a place new to the runtime takes
//! the process-wide table's lock.

use std::collections::HashMap;
use std::panic::Location;
use std::ptr;

use crate::driver::places::Place;

/// The numbers of the places this runtime's tasks were spawned from.
pub(crate) struct SpawnSites {
    /// The number of each place, by the place's address.
    numbers: HashMap<usize, Place>,
    /// The place of the last spawn, and its number.
    last: (&'static Location<'static>, Place),
}

impl SpawnSites {
    /// The map, knowing `first` (`block_on`'s place, say).
    pub(crate) fn new(first: &'static Location<'static>) -> SpawnSites {
        let number = Place::of(first);
        SpawnSites {
            numbers: HashMap::from([(address(first), number)]),
            last: (first, number),
        }
    }

    /// The number of `location`.
    #[inline]
    pub(crate) fn number(&mut self, location: &'static Location<'static>) -> Place {
        if ptr::eq(self.last.0, location) {
            return self.last.1;
        }
        self.number_slow(location)
    }

    /// `number` for a place other than the last.
    #[cold]
    fn number_slow(&mut self, location: &'static Location<'static>) -> Place {
        let number = *self
            .numbers
            .entry(address(location))
            .or_insert_with(|| Place::of(location));
        self.last = (location, number);
        number
    }
}

/// A place's address, which names it: a call site has one `Location`.
fn address(location: &'static Location<'static>) -> usize {
    ptr::from_ref(location) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_place_gets_one_number_and_gives_it_back() {
        // Three calls, three places (their columns differ).
        let (a, b, c) = (Location::caller(), Location::caller(), Location::caller());
        let mut sites = SpawnSites::new(a);
        let numbers = [
            sites.number(a),
            sites.number(b),
            sites.number(b),
            sites.number(c),
        ];
        assert_eq!(numbers[1], numbers[2]);
        assert_eq!(sites.number(a), numbers[0]);
        for (number, place) in [(numbers[0], a), (numbers[1], b), (numbers[3], c)] {
            assert!(ptr::eq(number.location(), place));
        }
        let mut other = SpawnSites::new(c);
        assert_eq!(
            other.number(b),
            numbers[1],
            "every runtime gives a place one number"
        );
    }
}
