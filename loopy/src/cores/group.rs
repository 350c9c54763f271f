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

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
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
}

impl LoopGroup {
    /// A group of `loops` loops, none stopping.
    pub(crate) fn new(loops: usize) -> LoopGroup {
        LoopGroup {
            stopping: AtomicBool::new(false),
            wakers: (0..loops).map(|_| Mutex::new(None)).collect(),
            first_panic: Mutex::new(None),
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

    /// Tells every loop to end, and wakes each so that it sees it.
    pub(crate) fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        for slot in self.wakers.iter() {
            // Taken under the slot's lock: a loop that stores its waker
            // after this checks the flag under the same lock, and sees it.
            let waker = lock(slot).take();
            if let Some(waker) = waker {
                wake_contained(waker);
            }
        }
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
