//! The bits of a task's state word.
//!
//! Every task carries one `AtomicUsize`. Its low bits say where the task is
//! in its life; the rest count the references to the task's allocation.
//! It is atomic only because wakers may be cloned, woken and dropped on
//! other threads: everything else about a task happens on the loop thread.

#[cfg(loopy_loom)]
use loom::sync::atomic::{AtomicUsize, Ordering};
#[cfg(not(loopy_loom))]
use std::sync::atomic::{AtomicUsize, Ordering};

/// The task sits in a run queue (a cancellation may add a second entry at
/// the front), or is on its way to one. Set by a wake, cleared by the loop
/// just before it polls the task, so that a wake during the poll queues
/// the task again and a repeated wake of a queued task is a no-op.
pub(crate) const SCHEDULED: usize = 1 << 0;

/// The future is gone: it returned, panicked or was cancelled. The task's
/// stage now holds its result, or nothing once the result was taken.
/// Never cleared once set. A wake of a complete task does nothing.
pub(crate) const COMPLETE: usize = 1 << 1;

/// `cancel()` asked for the future to be dropped. The loop drops it the
/// next time it takes the task off the run queue, unless the task has
/// completed by then (a finished task keeps its result).
pub(crate) const CANCELLED: usize = 1 << 2;

/// A `JoinHandle` for the task is alive. While it is, the result is kept
/// for the handle; without it the loop drops the result at once.
pub(crate) const HANDLE: usize = 1 << 3;

/// The task belongs to a `TaskGroup`, which may take its result with
/// `join_next`: while it does, the result is kept even without a handle.
/// May be set together with `HANDLE`: whichever asks first gets the result.
pub(crate) const GROUP: usize = 1 << 4;

/// One reference: everything from this bit up is the reference count.
/// The owners of references are the runtime's task registry (until the
/// task completes), the `JoinHandle`, a `TaskGroup`, each run queue entry
/// and each waker.
pub(crate) const REF_ONE: usize = 1 << 5;

/// Above this many references something is leaking wakers in a loop; the
/// count is about to overflow, so the process aborts as `Arc` does.
pub(crate) const MAX_REFS: usize = (isize::MAX as usize) / REF_ONE;

/// A task's state word: the bits above and the reference count, with each
/// change the harness makes to it as one method, so that the orderings
/// live in one place and the loom model (`state_loom.rs`) checks the very
/// code the tasks run.
pub(crate) struct State(AtomicUsize);

impl State {
    /// A new task: queued, with a handle, and three references (the
    /// registry's, the run queue's and the handle's).
    pub(crate) fn new() -> State {
        State(AtomicUsize::new(SCHEDULED | HANDLE | (3 * REF_ONE)))
    }

    /// The whole word, for checks of single bits.
    #[inline]
    pub(crate) fn load(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }

    /// The loop takes the task off the run queue to run it: clear
    /// `SCHEDULED`, so a wake during the poll queues it again. Returns the
    /// word as it was.
    pub(crate) fn begin_run(&self) -> usize {
        self.0.fetch_and(!SCHEDULED, Ordering::AcqRel)
    }

    /// The future is gone: set `COMPLETE`. Returns the word as it was.
    pub(crate) fn complete(&self) -> usize {
        self.0.fetch_or(COMPLETE, Ordering::AcqRel)
    }

    /// A wake: set `SCHEDULED`; true if the task must now be queued (it was
    /// neither queued already nor complete).
    pub(crate) fn schedule(&self) -> bool {
        self.0.fetch_or(SCHEDULED, Ordering::AcqRel) & (SCHEDULED | COMPLETE) == 0
    }

    /// `cancel()`: set `CANCELLED` and `SCHEDULED`; true if the task must
    /// now be queued (at the front): it was neither queued already, where
    /// its entry will drop the future, nor complete.
    pub(crate) fn cancel(&self) -> bool {
        self.0.fetch_or(CANCELLED | SCHEDULED, Ordering::AcqRel) & (SCHEDULED | COMPLETE) == 0
    }

    /// Marks the task cancelled without queueing it (runtime shutdown).
    pub(crate) fn set_cancelled(&self) {
        self.0.fetch_or(CANCELLED, Ordering::AcqRel);
    }

    /// The handle lets go: clear `HANDLE`. Returns the word as it was.
    pub(crate) fn drop_handle(&self) -> usize {
        self.0.fetch_and(!HANDLE, Ordering::AcqRel)
    }

    /// A group takes a claim on the result: set `GROUP`.
    pub(crate) fn join_group(&self) {
        self.0.fetch_or(GROUP, Ordering::AcqRel);
    }

    /// The group lets go: clear `GROUP`. Returns the word as it was.
    pub(crate) fn leave_group(&self) -> usize {
        self.0.fetch_and(!GROUP, Ordering::AcqRel)
    }

    /// Takes one more reference; aborts if the count would overflow.
    pub(crate) fn add_ref(&self) {
        // Relaxed, as `Arc::clone`: a new reference is made from one
        // already held, which keeps the task alive meanwhile.
        let prev = self.0.fetch_add(REF_ONE, Ordering::Relaxed);
        if prev / REF_ONE > MAX_REFS {
            std::process::abort();
        }
    }

    /// Releases one reference; true if it was the last, and the caller
    /// must free the task. AcqRel: every use of the task before another
    /// thread's release happens before the free.
    pub(crate) fn release(&self) -> bool {
        self.0.fetch_sub(REF_ONE, Ordering::AcqRel) / REF_ONE == 1
    }
}
