//! A fixed-seed pseudo-random generator (xorshift64), so every contender
//! sleeps the same durations in the same order without the `rand` crate.

/// Marsaglia's xorshift64: three shifts per number, never zero.
pub struct XorShift {
    /// The current state; never zero, or the sequence would stay at zero.
    state: u64,
}

impl XorShift {
    /// A generator starting from `seed`, which must not be zero.
    pub fn new(seed: u64) -> Self {
        assert_ne!(seed, 0, "XorShift::new: the seed must not be zero");
        Self { state: seed }
    }

    /// The next number of the sequence.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    /// A number in `low..=high`. The modulo bias is below one in 10^13 for
    /// the ranges used here, and the same for every contender anyway.
    pub fn in_range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }
}
