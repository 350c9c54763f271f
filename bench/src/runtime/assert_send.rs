//! Lets `tokio::spawn` take the same `!Send` task futures as the other
//! contenders, at no run-time cost in release builds.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The thread a value was made on, in debug builds; nothing in release builds.
#[cfg(debug_assertions)]
type Home = std::thread::ThreadId;
#[cfg(not(debug_assertions))]
type Home = ();

/// This thread, as a [`Home`].
#[cfg(debug_assertions)]
fn here() -> Home {
    std::thread::current().id()
}
#[cfg(not(debug_assertions))]
fn here() -> Home {}

pin_project_lite::pin_project! {
    /// A value that claims to be `Send` although it may hold `Rc`s.
    ///
    /// # Invariant
    ///
    /// The value is created, polled, read and dropped on one thread. That
    /// holds for tasks given to `tokio::spawn` on a current_thread runtime
    /// that is driven, and dropped, on the thread that built it, which is what
    /// [`Tokio::block_on`](super::Tokio) does; and for the task's output,
    /// which is read by the `JoinHandle` awaited on that same thread. Debug
    /// builds (the smoke test) check the thread on every poll.
    pub struct AssertSend<T> {
        #[pin]
        inner: T,
        // The thread the value was made on, to check the invariant in debug builds.
        home: Home,
    }
}

// SAFETY: see the invariant on the type: the value never leaves the thread
// it was made on, so sending it is never actually done, only claimed.
unsafe impl<T> Send for AssertSend<T> {}

impl<T> AssertSend<T> {
    /// Wraps `inner`, made on this thread.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            home: here(),
        }
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.check_thread();
        self.inner
    }

    /// Panics, in debug builds, if this is not the thread the value was made on.
    fn check_thread(&self) {
        assert_eq!(
            self.home,
            here(),
            "AssertSend used off its thread: the tokio runtime moved a task"
        );
    }
}

impl<F: Future> Future for AssertSend<F> {
    type Output = AssertSend<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.check_thread();
        self.project().inner.poll(cx).map(AssertSend::new)
    }
}
