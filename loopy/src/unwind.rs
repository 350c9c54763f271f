//! Containing panics from code the loop calls on others' behalf.
//!
//! The loop wakes wakers it did not write and drops values it does not own
//! (a finished task's output, a cancelled future). A panic in one of them
//! must not unwind through the loop and take every other task with it. The
//! panic hook has already reported it when we catch it here. Likewise a
//! lock that a panic poisoned must not stop the loop for good.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::Waker;

/// Wakes `waker`; a panic inside `wake` stops at this frame.
pub(crate) fn wake_contained(waker: Waker) {
    let _ = panic::catch_unwind(AssertUnwindSafe(move || waker.wake()));
}

/// Drops `value`; a panic inside its destructor stops at this frame.
pub(crate) fn drop_contained<T>(value: T) {
    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(value)));
}

/// Wakes every waker in `wakers`, emptying it; a panic in one stops there
/// and the others are still woken.
pub(crate) fn wake_all_contained(wakers: &mut Vec<Waker>) {
    for waker in wakers.drain(..) {
        wake_contained(waker);
    }
}

/// Locks `mutex`, also after a panic poisoned it. Every lock in loopy
/// guards a value that each critical section leaves whole (a single push,
/// take or replace), so a panic cannot have left it half-changed.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
