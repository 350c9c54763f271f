//! `#[loopy::test(seeds = N)]` and its runner: each run gets a seed of its
//! own, and the first failing run fails the test naming its seed and the
//! command that replays it. (Replaying through `LOOPY_SEED` is in
//! `seeds_replay.rs`, a binary of its own because it sets the variable.)

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU32, Ordering};

use loopy::__private::{run_seeds, run_test, TestOptions};
use loopy_tests::panic_message;
use loopy_tests::seed_failure::replayed_seed;

/// Options as the attribute writes them for a test `seeds_explore::case`.
const OPTIONS: TestOptions = TestOptions {
    path: "seeds_explore::case",
    start_paused: false,
    seed: None,
};

/// The seeds `run_seeds` gives `count` runs that all pass.
fn seeds_of(count: u32) -> Vec<u64> {
    let seen = RefCell::new(Vec::new());
    run_seeds(OPTIONS, count, |seed| {
        seen.borrow_mut().push(seed);
        async {}
    });
    seen.into_inner()
}

#[test]
fn every_run_gets_a_different_seed_and_the_same_ones_every_time() {
    let seeds = seeds_of(16);
    assert_eq!(seeds.len(), 16);
    let mut distinct = seeds.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 16, "{seeds:?}");
    assert_eq!(seeds_of(16), seeds, "the base seed is fixed");
}

#[test]
fn a_panic_under_one_seed_fails_naming_that_seed_and_stops() {
    let unlucky = seeds_of(5)[2];
    let runs = RefCell::new(0);
    let failure = panic::catch_unwind(AssertUnwindSafe(|| {
        run_seeds(OPTIONS, 5, |seed| {
            *runs.borrow_mut() += 1;
            async move {
                loopy::yield_now().await;
                assert_ne!(seed, unlucky, "an ordering bug");
            }
        })
    }))
    .unwrap_err();
    let message = panic_message(&*failure);
    assert!(message.contains("an ordering bug"), "{message}");
    assert_eq!(replayed_seed(message, "case"), unlucky);
    assert_eq!(
        runs.into_inner(),
        3,
        "the seeds after the failing one do not run"
    );
}

#[test]
fn an_error_under_one_seed_is_returned_and_stops() {
    let unlucky = seeds_of(5)[1];
    let runs = RefCell::new(0);
    let result = run_seeds(OPTIONS, 5, |seed| {
        *runs.borrow_mut() += 1;
        async move {
            if seed == unlucky {
                return Err(format!("failed under {seed}"));
            }
            Ok(seed)
        }
    });
    assert_eq!(result, Err(format!("failed under {unlucky}")));
    assert_eq!(runs.into_inner(), 2);
}

#[test]
fn a_single_seeded_run_that_panics_names_its_seed() {
    let options = TestOptions {
        seed: Some(1234),
        ..OPTIONS
    };
    let failure =
        panic::catch_unwind(|| run_test(options, |seed| async move { panic!("ran with {seed}") }))
            .unwrap_err();
    let message = panic_message(&*failure);
    assert!(message.starts_with("ran with 1234\n"), "{message}");
    assert!(
        message.contains("LOOPY_SEED=1234 cargo test case"),
        "{message}"
    );
}

#[test]
fn an_unseeded_run_keeps_its_panic_as_it_was() {
    let failure =
        panic::catch_unwind(|| run_test(OPTIONS, |_| async { panic!("plain") })).unwrap_err();
    assert_eq!(panic_message(&*failure), "plain");
}

/// How many runs `explores_through_the_attribute` has made.
static ATTRIBUTE_RUNS: AtomicU32 = AtomicU32::new(0);

#[loopy::test(seeds = 4)]
#[should_panic(expected = "; replay just it with: LOOPY_SEED=")]
async fn explores_through_the_attribute() {
    let run = ATTRIBUTE_RUNS.fetch_add(1, Ordering::Relaxed) + 1;
    loopy::yield_now().await;
    assert!(run < 3, "the third run fails");
}

#[loopy::test(seed = 99, start_paused)]
#[should_panic(expected = "LOOPY_SEED=99 cargo test seed_and_start_paused_reach_the_runner")]
async fn seed_and_start_paused_reach_the_runner() {
    panic!("fails so that the message shows the seed");
}
