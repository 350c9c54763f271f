//! The seeded schedule's random numbers.
//!
//! A runtime built with a seed runs the tasks that are ready in a turn in
//! an order drawn from the seed, so a test can be run under many orders
//! and a failing one replayed. The numbers come from splitmix64: one word
//! of state, a handful of instructions per number, and the same sequence
//! for the same seed on every machine. Nothing here is for cryptography.

use std::cell::Cell;

/// A splitmix64 generator.
pub(crate) struct Rng {
    state: Cell<u64>,
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng {
            state: Cell::new(seed),
        }
    }

    /// The next number.
    pub(crate) fn next_u64(&self) -> u64 {
        let state = self.state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.state.set(state);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0); the slight bias of a modulo does not
    /// matter for picking an order.
    pub(crate) fn below(&self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn one_seed_one_sequence_and_another_seed_another() {
        let draw = |seed| {
            let rng = Rng::new(seed);
            (0..8).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        // splitmix64's first output for seed 0.
        assert_eq!(Rng::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn below_stays_below() {
        let rng = Rng::new(1);
        assert!((0..1000).all(|_| rng.below(3) < 3));
        assert_eq!(rng.below(1), 0);
    }
}
