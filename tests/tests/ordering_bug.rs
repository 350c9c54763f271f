//! An ordering bug of the kind seeds exist to find: a task that assumes
//! another ran first. `start_server` reads the configuration that
//! `load_config` writes, and both are spawned in that order, so first-in
//! first-out scheduling always runs the loader first and the bug hides. A
//! seeded schedule runs them in either order, `seeds = 64` finds an order
//! that fails, and the seed it prints fails again on replay.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use loopy::__private::{run_seeds, run_test, TestOptions};
use loopy::spawn;
use loopy_tests::panic_message;

/// How the bug shows when the server starts first.
const NOT_LOADED: &str = "start_server ran before load_config";

/// Options as the attribute writes them for a test `ordering_bug::buggy`.
const OPTIONS: TestOptions = TestOptions {
    path: "ordering_bug::buggy",
    start_paused: false,
    seed: None,
};

/// The configuration the loader fills in and the server reads.
type Config = Rc<RefCell<Option<u16>>>;

/// The bug: two independent tasks, the second assuming the first has run.
async fn buggy() {
    let config = Config::default();
    let loader = Rc::clone(&config);
    let load_config = spawn(async move { *loader.borrow_mut() = Some(8080) });
    let start_server = spawn(async move { config.borrow().expect(NOT_LOADED) });
    load_config.await.unwrap();
    let port = start_server.await.unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(port, 8080);
}

/// The fix: the server waits for the loader instead of assuming it ran.
async fn fixed() {
    let config = Config::default();
    let loader = Rc::clone(&config);
    let load_config = spawn(async move { *loader.borrow_mut() = Some(8080) });
    let start_server = spawn(async move {
        load_config.await.unwrap();
        config.borrow().expect(NOT_LOADED)
    });
    assert_eq!(start_server.await.unwrap(), 8080);
}

/// The message of the panic `run` ends with.
fn failure_of(run: impl FnOnce()) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(run)).expect_err("the run must fail");
    panic_message(&*payload).to_owned()
}

/// The seed a failure message names in its replay command.
fn seed_named_in(message: &str) -> u64 {
    let after = message
        .split("LOOPY_SEED=")
        .nth(1)
        .unwrap_or_else(|| panic!("no LOOPY_SEED= in {message:?}"));
    after.split_whitespace().next().unwrap().parse().unwrap()
}

#[loopy::test]
async fn the_bug_hides_in_first_in_first_out_order() {
    buggy().await;
}

#[test]
fn sixty_four_seeds_find_it_and_name_the_seed() {
    let message = failure_of(|| run_seeds(OPTIONS, 64, |_| buggy()));
    assert!(message.contains(NOT_LOADED), "{message}");
    let seed = seed_named_in(&message);
    assert!(
        message.ends_with(&format!(
            "the test failed with seed {seed}; replay just it with: \
             LOOPY_SEED={seed} cargo test buggy"
        )),
        "{message}"
    );
}

#[test]
fn the_printed_seed_fails_again_the_same_way() {
    let found = failure_of(|| run_seeds(OPTIONS, 64, |_| buggy()));
    let seed = seed_named_in(&found);
    let replay = TestOptions {
        seed: Some(seed),
        ..OPTIONS
    };
    for _ in 0..3 {
        assert_eq!(failure_of(|| run_test(replay, |_| buggy())), found);
    }
}

#[test]
fn the_fix_passes_under_every_seed() {
    run_seeds(OPTIONS, 64, |_| fixed());
}
