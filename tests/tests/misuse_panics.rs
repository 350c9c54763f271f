//! Misuse fails loudly with a message that says what went wrong: spawning
//! outside a runtime, and a `block_on` inside a running loop (a panic, never
//! a deadlock).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use loopy::{block_on, spawn, Runtime};
use loopy_tests::{panic_message, within};

/// Runs `misuse` on a fresh thread (one that never ran a loop before) with a
/// deadline, and returns the text of the panic it must raise.
fn panic_text_of(misuse: impl FnOnce() + Send + 'static) -> String {
    within(Duration::from_secs(10), || {
        let payload = catch_unwind(AssertUnwindSafe(misuse)).expect_err("the misuse must panic");
        panic_message(&*payload).to_owned()
    })
}

#[test]
fn spawn_outside_a_runtime_panics_naming_loopy_spawn() {
    let message = panic_text_of(|| {
        spawn(async {});
    });
    assert!(
        message.contains("loopy::spawn"),
        "unclear message: {message}"
    );
}

#[test]
fn spawn_after_the_runtime_is_gone_panics() {
    let message = panic_text_of(|| {
        block_on(async {});
        spawn(async {});
    });
    assert!(
        message.contains("loopy::spawn"),
        "unclear message: {message}"
    );
}

#[test]
fn nested_block_on_panics_instead_of_deadlocking() {
    let message = panic_text_of(|| {
        block_on(async { block_on(async {}) });
    });
    assert!(message.contains("block_on"), "unclear message: {message}");
}

#[test]
fn nested_block_on_of_another_runtime_panics_too() {
    let message = panic_text_of(|| {
        let outer = Runtime::new().unwrap();
        let inner = Runtime::new().unwrap();
        outer.block_on(async { inner.block_on(async {}) });
    });
    assert!(message.contains("block_on"), "unclear message: {message}");
}

#[test]
fn the_outer_loop_survives_a_caught_nested_block_on() {
    let value = within(Duration::from_secs(10), || {
        block_on(async {
            let nested = catch_unwind(|| block_on(async { 1 }));
            assert!(nested.is_err());
            spawn(async { 2 }).await.unwrap()
        })
    });
    assert_eq!(value, 2);
}
