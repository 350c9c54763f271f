//! An ordering bug of the kind seeds exist to find: a task that assumes
//! another ran first. `start_server` reads the configuration that
//! `load_config` writes, and both are spawned in that order, so first-in
//! first-out scheduling always runs the loader first and the bug hides. A
//! seeded schedule runs them in either order, `seeds = 64` finds an order
//! that fails, and the seed it prints fails again on replay.

use std::cell::RefCell;
use std::rc::Rc;

use loopy::__private::{run_seeds, TestOptions};
use loopy::spawn;
use loopy_tests::seed_failure::assert_found_and_replayed;

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

#[loopy::test]
async fn the_bug_hides_in_first_in_first_out_order() {
    buggy().await;
}

#[test]
fn sixty_four_seeds_find_it_and_the_printed_seed_replays_it() {
    assert_found_and_replayed(OPTIONS, 64, NOT_LOADED, |_| buggy());
}

#[test]
fn the_fix_passes_under_every_seed() {
    run_seeds(OPTIONS, 64, |_| fixed());
}
