//! `Deadline`: a task's wait on the timer heap until an instant.
//!
//! The first poll arms a timer in the loop's heap with the task's waker,
//! unless the instant has already passed; each poll notes the deadline for
//! the task list; dropping the wait disarms the timer, so a wait that loses
//! a race costs nothing afterwards. [`Sleep`](crate::time::Sleep) is this
//! wait as a public future, and a [`TaskGroup`](super::TaskGroup)'s
//! shutdown races it against its tasks.

use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Instant;

use super::context::{self, Handle};
use crate::driver::timer_heap::TimerKey;

/// A wait until `deadline`, with its timer once armed.
pub(crate) struct Deadline {
    /// When the wait ends.
    deadline: Instant,
    /// The armed timer, from the first `Pending` poll on.
    timer: Option<ArmedTimer>,
}

/// A timer in a runtime's heap, removed when this is dropped.
struct ArmedTimer {
    /// The runtime that polled the wait first, whose heap has the timer.
    handle: Rc<Handle>,
    key: TimerKey,
}

impl Drop for ArmedTimer {
    fn drop(&mut self) {
        self.handle.timers.remove(self.key);
    }
}

impl Deadline {
    pub(crate) fn new(deadline: Instant) -> Deadline {
        Deadline {
            deadline,
            timer: None,
        }
    }

    /// When the wait ends (or ended).
    pub(crate) fn instant(&self) -> Instant {
        self.deadline
    }

    /// Whether the wait is armed in a heap.
    pub(crate) fn is_armed(&self) -> bool {
        self.timer.is_some()
    }

    /// Moves the deadline, also of a wait that has already ended.
    pub(crate) fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        if let Some(timer) = &self.timer {
            timer.handle.timers.reset(timer.key, deadline);
        }
    }

    /// Ready once the deadline has passed; `what` names the public call
    /// in the panic outside a runtime.
    pub(crate) fn poll_elapsed(&mut self, cx: &mut Context<'_>, what: &str) -> Poll<()> {
        let deadline = self.deadline;
        match &self.timer {
            Some(timer) => {
                let ready = timer.handle.timers.poll_timer(timer.key, cx.waker());
                if ready.is_pending() {
                    let (tasks, timers) = (&timer.handle.tasks, &timer.handle.timers);
                    tasks.parked_on_timer(timer.key, deadline, timers);
                }
                ready
            }
            None => {
                let handle = context::expect(what);
                if deadline <= handle.clock.now() {
                    return Poll::Ready(());
                }
                let key = handle.timers.insert(deadline, cx.waker());
                handle.tasks.parked_on_timer(key, deadline, &handle.timers);
                self.timer = Some(ArmedTimer { handle, key });
                Poll::Pending
            }
        }
    }
}
