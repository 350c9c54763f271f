//! `loopy::cores::run` refuses, with a message naming itself and the fix,
//! zero loops and a call from inside a running loop.

use std::panic::catch_unwind;

use loopy::cores;
use loopy_tests::panic_message;

#[test]
fn zero_loops_is_a_clear_panic() {
    let panic = catch_unwind(|| cores::run(0, |_| async {})).unwrap_err();
    assert_eq!(
        panic_message(&*panic),
        "loopy::cores::run needs at least one loop, and was asked for 0"
    );
}

#[test]
fn run_inside_a_runtime_is_a_clear_panic() {
    let panic =
        catch_unwind(|| loopy::block_on(async { cores::run(1, |_| async {}) })).unwrap_err();
    let message = panic_message(&*panic);
    assert!(
        message.starts_with("loopy::cores::run called inside a running loopy runtime"),
        "{message}"
    );
}
