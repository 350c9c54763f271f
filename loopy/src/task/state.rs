//! The bits of a task's state word.
//!
//! Every task carries one `AtomicUsize`. Its low bits say where the task is
//! in its life; the rest count the references to the task's allocation.
//! It is atomic only because wakers may be cloned, woken and dropped on
//! other threads: everything else about a task happens on the loop thread.

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

/// One reference: everything from this bit up is the reference count.
/// The owners of references are the runtime's task registry (until the
/// task completes), the `JoinHandle`, each run queue entry and each waker.
pub(crate) const REF_ONE: usize = 1 << 4;

/// Above this many references something is leaking wakers in a loop; the
/// count is about to overflow, so the process aborts as `Arc` does.
pub(crate) const MAX_REFS: usize = (isize::MAX as usize) / REF_ONE;
