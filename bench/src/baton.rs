//! The one-slot, single-threaded hand-off that wake_chain passes its token
//! through. Every contender uses this same type, so in that scenario only the
//! runtime's waker and run queue differ.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::task::{Poll, Waker};

/// A slot that one task waits on and another fills.
#[derive(Default)]
pub struct Baton {
    /// The token, once passed and until received.
    token: Cell<Option<u64>>,
    /// The waiting task's waker, stored when it found the slot empty.
    waiter: Cell<Option<Waker>>,
}

impl Baton {
    /// Puts `token` in the slot and wakes the task waiting on it, if any.
    pub fn pass(&self, token: u64) {
        self.token.set(Some(token));
        if let Some(waker) = self.waiter.take() {
            waker.wake();
        }
    }

    /// Waits until a token is passed, and takes it out of the slot.
    pub fn receive(&self) -> impl Future<Output = u64> + '_ {
        poll_fn(|cx| match self.token.take() {
            Some(token) => Poll::Ready(token),
            None => {
                // Without the waker, `pass` would have no one to wake.
                self.waiter.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        })
    }

    /// Takes the token out of the slot without waiting.
    pub fn take(&self) -> Option<u64> {
        self.token.take()
    }
}
