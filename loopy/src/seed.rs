//! `SplitMix64`: the numbers a seed stands for.
//!
//! A seeded run draws its choices (which ready task runs next, which of
//! several seeds a test explores next) from one small generator, so that
//! the same seed makes the same choices on every machine and every run.
//! loopy needs neither cryptographic strength nor a crate for that:
//! SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", 2014; the generator Java's `SplittableRandom` and the
//! seeding of xoshiro use) is a counter that moves by a fixed odd step,
//! passed through a mixing function. Every seed is valid, zero included,
//! and consecutive seeds give unrelated sequences.

/// The step the counter moves by on each draw: 2^64 divided by the golden
/// ratio, rounded to odd, so the counter visits every value before it
/// repeats.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// A deterministic generator of 64-bit numbers from a seed.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64 {
    /// The counter; each draw adds `GOLDEN_GAMMA` and mixes the result.
    state: u64,
}

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`; any `u64` will do.
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next number of the sequence.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        // The mixing function: two multiply-xorshift rounds spread every
        // bit of the counter over every bit of the result.
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, each equally likely (Lemire's multiply-and-shift,
    /// which redraws in the rare case that would favour low numbers).
    ///
    /// # Panics
    ///
    /// If `n` is 0, which leaves no number to return.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "the seeded run queue draws the order of ready tasks with it"
        )
    )]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        assert!(
            n > 0,
            "SplitMix64::below: n must be at least 1 (the range 0..0 is empty)"
        );
        // The high half of the 128-bit product is in `0..n`; the low half
        // says how far into its slot the draw fell. Draws whose low half is
        // below `2^64 mod n` belong to the slots that would come up once
        // more often than the rest, so they are drawn again.
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(n);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    #[test]
    fn the_sequence_is_the_published_one() {
        // The first outputs for seed 0 of the reference implementation
        // (Vigna's splitmix64.c), so a change to the constants or the
        // mixing shows.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn one_seed_gives_one_sequence_and_another_seed_another() {
        let draw = |seed| {
            let mut rng = SplitMix64::new(seed);
            (0..8).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(42), draw(42));
        assert_ne!(draw(42), draw(43));
    }

    #[test]
    fn below_stays_in_range_and_reaches_every_value() {
        let mut rng = SplitMix64::new(7);
        let mut seen = [0u32; 6];
        for _ in 0..6_000 {
            let n = rng.below(6);
            assert!(n < 6, "below(6) returned {n}");
            seen[n as usize] += 1;
        }
        // Each of six values, drawn 6,000 times, comes up about 1,000
        // times; 800 is over six standard deviations away.
        assert!(seen.iter().all(|&count| count > 800), "{seen:?}");
        assert_eq!(SplitMix64::new(1).below(1), 0);
        assert!(SplitMix64::new(1).below(u64::MAX) < u64::MAX);
    }

    #[test]
    #[should_panic(expected = "SplitMix64::below: n must be at least 1")]
    fn below_zero_is_a_clear_panic() {
        SplitMix64::new(1).below(0);
    }
}
