//! Containing panics from code the loop calls on others' behalf.
//!
//! The loop wakes wakers it did not write and drops values it does not own
//! (a finished task's output, a cancelled future). A panic in one of them
//! must not unwind through the loop and take every other task with it. The
//! panic hook has already reported it when we catch it here.

use std::panic::{self, AssertUnwindSafe};
use std::task::Waker;

/// Wakes `waker`; a panic inside `wake` stops at this frame.
pub(crate) fn wake_contained(waker: Waker) {
    let _ = panic::catch_unwind(AssertUnwindSafe(move || waker.wake()));
}

/// Drops `value`; a panic inside its destructor stops at this frame.
pub(crate) fn drop_contained<T>(value: T) {
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(value)));
}
