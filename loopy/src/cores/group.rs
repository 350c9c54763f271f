//! The loops of one `cores::run`, and how one loop's panic stops the
//! others.
//!
//! Every loop runs its future wrapped in [`UntilStopped`], which leaves its
//! waker in the loop's slot of the [`LoopGroup`] each time it is polled.
//! A loop whose future panics records the panic and calls
//! [`LoopGroup::stop`], which raises the flag and wakes every slot's waker:
//! each woken loop, sleeping in its poller or busy with tasks, polls its
//! `UntilStopped` at its next turn, sees the flag, and ends its `block_on`
//! without polling its future again.
//!
//! A loop's error (from `try_run`, or a runtime that could not be built)
//! stops the group the same way, through [`LoopGroup::fail_with`]. And no
//! loop's future starts before every loop has built its runtime: each
//! waits at [`LoopGroup::all_started`], which a failure also releases.

use std::any::Any;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};

use crate::unwind::{lock, wake_contained};

/// A panic's payload, as `catch_unwind` gives it and `resume_unwind` takes
/// it.
type Payload = Box<dyn Any + Send>;

/// What the loops of one `run` share.
pub(crate) struct LoopGroup {
    /// Raised once, when a loop panicked (or `run` gave up starting
    /// threads): every loop is to end.
    stopping: AtomicBool,
    /// Each loop's latest root-future waker, by index, so that `stop` can
    /// wake loops asleep in their pollers.
    wakers: Box<[Mutex<Option<Waker>>]>,
    /// The payload of the first loop that panicked, for `run` to re-raise.
    first_panic: Mutex<Option<Payload>>,
    /// The first error: a loop's (from `try_run`) or one that kept a loop
    /// from starting; for `run` and `try_run` to report.
    first_error: Mutex<Option<io::Error>>,
    /// How many loops have built their runtimes, and are waiting for the
    /// others before they run their futures.
    started: Mutex<usize>,
    /// Woken when the last loop has started, or the group stops.
    all_started_or_stopping: Condvar,
}

impl LoopGroup {
    /// A group of `loops` loops, none stopping.
    pub(crate) fn new(loops: usize) -> LoopGroup {
        LoopGroup {
            stopping: AtomicBool::new(false),
            wakers: (0..loops).map(|_| Mutex::new(None)).collect(),
            first_panic: Mutex::new(None),
            first_error: Mutex::new(None),
            started: Mutex::new(0),
            all_started_or_stopping: Condvar::new(),
        }
    }

    /// Wraps loop `index`'s future so that it ends, with `None`, once the
    /// group stops.
    pub(crate) fn until_stopped<F: Future>(
        self: &Arc<Self>,
        index: usize,
        future: F,
    ) -> UntilStopped<F> {
        UntilStopped {
            future,
            group: Arc::clone(self),
            index,
        }
    }

    /// Records a loop's panic (the first one is kept) and stops the others.
    pub(crate) fn fail(&self, payload: Payload) {
        lock(&self.first_panic).get_or_insert(payload);
        self.stop();
    }

    /// Records a loop's error (the first one is kept) and stops the others.
    pub(crate) fn fail_with(&self, err: io::Error) {
        lock(&self.first_error).get_or_insert(err);
        self.stop();
    }

    /// Counts the calling loop as started and waits until every loop has,
    /// or the group stops; whether the loop is to run its future.
    pub(crate) fn all_started(&self) -> bool {
        let mut started = lock(&self.started);
        *started += 1;
        if *started == self.wakers.len() {
            self.all_started_or_stopping.notify_all();
        }
        while *started < self.wakers.len() && !self.stopping.load(Ordering::Acquire) {
            started = self
                .all_started_or_stopping
                .wait(started)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        !self.stopping.load(Ordering::Acquire)
    }

    /// Tells every loop to end, and wakes each so that it sees it.
    pub(crate) fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        {
            // Under the lock the waiters check the flag under: none misses it.
            let _started = lock(&self.started);
            self.all_started_or_stopping.notify_all();
        }
        for slot in self.wakers.iter() {
            // Taken under the slot's lock: a loop that stores its waker
            // after this checks the flag under the same lock, and sees it.
            let waker = lock(slot).take();
            if let Some(waker) = waker {
                wake_contained(waker);
            }
        }
    }

    /// The first error, if a loop failed or could not start.
    pub(crate) fn take_error(&self) -> Option<io::Error> {
        lock(&self.first_error).take()
    }

    /// The first panic, if a loop panicked.
    pub(crate) fn take_panic(&self) -> Option<Payload> {
        lock(&self.first_panic).take()
    }
}

pin_project_lite::pin_project! {
    /// A loop's future, ended early (with `None`) when its group stops.
    pub(crate) struct UntilStopped<F> {
        #[pin]
        future: F,
        // The group whose flag ends this future.
        group: Arc<LoopGroup>,
        // Which of the group's waker slots is this loop's.
        index: usize,
    }
}

impl<F: Future> Future for UntilStopped<F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        let this = self.project();
        {
            let mut slot = lock(&this.group.wakers[*this.index]);
            if this.group.stopping.load(Ordering::Acquire) {
                return Poll::Ready(None);
            }
            // Without this waker, `stop` could not reach a loop that sleeps.
            match &*slot {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
        }
        this.future.poll(cx).map(Some)
    }
}
