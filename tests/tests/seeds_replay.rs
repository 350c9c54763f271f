//! Replaying a failing seed: with `LOOPY_SEED` set to the seed a failed
//! exploration printed, `seeds = N` runs that one seed, and fails again;
//! `seed = N` tests and plain tests run with it too.
//!
//! One test only: it sets `LOOPY_SEED`, which every test of the process
//! would see.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use loopy::__private::{run_seeds, run_test, TestOptions};
use loopy_tests::panic_message;
use loopy_tests::seed_failure::replayed_seed;

const OPTIONS: TestOptions = TestOptions {
    path: "seeds_replay::case",
    start_paused: false,
    seed: None,
};

#[test]
fn the_printed_seed_replays_just_the_failing_run() {
    // Which seeds are unlucky is known only to the body.
    let unlucky = |seed: u64| seed % 7 == 3;
    let explore = |count| {
        let runs = RefCell::new(Vec::new());
        let failure = panic::catch_unwind(AssertUnwindSafe(|| {
            run_seeds(OPTIONS, count, |seed| {
                runs.borrow_mut().push(seed);
                async move { assert!(!unlucky(seed), "seed {seed} is unlucky") }
            })
        }));
        (failure, runs.into_inner())
    };

    let (failure, runs) = explore(64);
    let message = panic_message(&*failure.expect_err("64 seeds find an unlucky one")).to_owned();
    let seed = replayed_seed(&message, "case");
    assert!(unlucky(seed), "{message}");
    assert_eq!(runs.last(), Some(&seed));

    std::env::set_var("LOOPY_SEED", seed.to_string());
    let (again, replayed) = explore(64);
    let seed_of = |options: TestOptions| run_test(options, |seed| async move { seed });
    let fixed = TestOptions {
        seed: Some(5),
        ..OPTIONS
    };
    let (plain_seed, fixed_seed) = (seed_of(OPTIONS), seed_of(fixed));
    std::env::remove_var("LOOPY_SEED");
    assert_eq!(plain_seed, seed, "LOOPY_SEED seeds a plain test");
    assert_eq!(fixed_seed, seed, "LOOPY_SEED wins over `seed = 5`");
    assert_eq!(seed_of(fixed), 5, "without it, `seed = 5` holds");
    let replay_message = panic_message(&*again.expect_err("the replay fails again")).to_owned();
    assert_eq!(replayed, [seed], "the replay runs that one seed only");
    assert_eq!(replay_message, message, "and fails the same way");
}
