//! Support for the code `#[loopy::test]` writes. Not part of the API.

use std::future::Future;

use crate::Runtime;

/// Runs a test body on a fresh runtime, then fails the test if any task
/// spawned during it panicked, whether or not the test joined that task:
/// a panic in a detached task must not pass unnoticed.
///
/// # Panics
///
/// If the runtime cannot be created, if the body panics, or if a task
/// panicked.
pub fn run_test<F: Future>(body: F) -> F::Output {
    let rt = Runtime::new()
        .unwrap_or_else(|err| panic!("#[loopy::test] could not create a runtime: {err}"));
    let output = rt.block_on(body);
    let panics = rt.into_task_panics();
    if panics.count > 0 {
        panic!(
            "{} task(s) spawned by this test panicked; the first: {}",
            panics.count,
            panics.first.as_deref().unwrap_or("(no message)")
        );
    }
    output
}
