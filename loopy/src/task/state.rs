//! The bits of a task's state word.
//!
//! Every task carries one `AtomicUsize`. Its low bits say where the task is
//! in its life; bits 5 to 31 count the references to the task's
//! allocation. It is atomic only because wakers may be cloned, woken and
//! dropped on other threads: everything else about a task happens on the
//! loop thread.
//!
//! On 64-bit targets the upper half of the word holds the task's slot in
//! the runtime's registry, which is chosen before the task exists and never
//! changes: a task carries it without a field of its own (every byte of a
//! task's allocation is paid for by every task; see docs/performance.md).
//! Elsewhere the slot is a field beside the word.

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

/// One reference: bits 5 to 31 are the reference count. The owners of
/// references are the runtime's task registry (until the task completes),
/// the `JoinHandle`, a `TaskGroup`, each run queue entry and each waker.
pub(crate) const REF_ONE: usize = 1 << 5;

/// The bits of the reference count.
const REF_MASK: usize = (u32::MAX as usize) & !(REF_ONE - 1);

/// Above this many references (67 million wakers of one task, a gigabyte
/// of them at least) something is leaking wakers in a loop, and the
/// process aborts, as `Arc` does at its own limit. Half the count's room
/// is left above it, for the references other threads may add between
/// one's add and its check.
pub(crate) const MAX_REFS: usize = 1 << 26;

/// Where the registry slot starts in the word, on 64-bit targets.
#[cfg(target_pointer_width = "64")]
const SLOT_SHIFT: u32 = 32;

/// A task's state word: the bits above and the reference count, with each
/// change the harness makes to it as one method, so that the orderings
/// live in one place and the loom model (`state_loom.rs`) checks the very
/// code the tasks run.
pub(crate) struct State {
    word: AtomicUsize,
    /// The registry slot, where the word has no room for it.
    #[cfg(not(target_pointer_width = "64"))]
    slot: u32,
}

impl State {
    /// A new task in registry slot `slot`: queued, with a handle, and three
    /// references (the registry's, the run queue's and the handle's).
    pub(crate) fn new(slot: u32) -> State {
        let word = SCHEDULED | HANDLE | (3 * REF_ONE);
        #[cfg(target_pointer_width = "64")]
        let state = State {
            word: AtomicUsize::new(word | ((slot as usize) << SLOT_SHIFT)),
        };
        #[cfg(not(target_pointer_width = "64"))]
        let state = State {
            word: AtomicUsize::new(word),
            slot,
        };
        state
    }

    /// The task's slot in the runtime's registry.
    #[inline]
    pub(crate) fn slot(&self) -> u32 {
        // Relaxed: the slot was written when the word was made, before the
        // task could be shared, and never changes.
        #[cfg(target_pointer_width = "64")]
        let slot = (self.word.load(Ordering::Relaxed) >> SLOT_SHIFT) as u32;
        #[cfg(not(target_pointer_width = "64"))]
        let slot = self.slot;
        slot
    }

    /// The whole word, for checks of single bits.
    #[inline]
    pub(crate) fn load(&self) -> usize {
        self.word.load(Ordering::Acquire)
    }

    /// The loop takes the task off the run queue to run it: clear
    /// `SCHEDULED`, so a wake during the poll queues it again. Returns the
    /// word as it was.
    pub(crate) fn begin_run(&self) -> usize {
        self.word.fetch_and(!SCHEDULED, Ordering::AcqRel)
    }

    /// The future is gone: set `COMPLETE`. Returns the word as it was.
    pub(crate) fn complete(&self) -> usize {
        self.word.fetch_or(COMPLETE, Ordering::AcqRel)
    }

    /// A wake: set `SCHEDULED`; true if the task must now be queued (it was
    /// neither queued already nor complete).
    pub(crate) fn schedule(&self) -> bool {
        self.word.fetch_or(SCHEDULED, Ordering::AcqRel) & (SCHEDULED | COMPLETE) == 0
    }

    /// `cancel()`: set `CANCELLED` and `SCHEDULED`; true if the task must
    /// now be queued (at the front): it was neither queued already, where
    /// its entry will drop the future, nor complete.
    pub(crate) fn cancel(&self) -> bool {
        self.word.fetch_or(CANCELLED | SCHEDULED, Ordering::AcqRel) & (SCHEDULED | COMPLETE) == 0
    }

    /// Marks the task cancelled without queueing it (runtime shutdown).
    pub(crate) fn set_cancelled(&self) {
        self.word.fetch_or(CANCELLED, Ordering::AcqRel);
    }

    /// The handle lets go: clear `HANDLE`. Returns the word as it was.
    pub(crate) fn drop_handle(&self) -> usize {
        self.word.fetch_and(!HANDLE, Ordering::AcqRel)
    }

    /// A group takes a claim on the result: set `GROUP`.
    pub(crate) fn join_group(&self) {
        self.word.fetch_or(GROUP, Ordering::AcqRel);
    }

    /// The group lets go: clear `GROUP`. Returns the word as it was.
    pub(crate) fn leave_group(&self) -> usize {
        self.word.fetch_and(!GROUP, Ordering::AcqRel)
    }

    /// Takes one more reference; aborts if the count would overflow.
    pub(crate) fn add_ref(&self) {
        // Relaxed, as `Arc::clone`: a new reference is made from one
        // already held, which keeps the task alive meanwhile.
        let prev = self.word.fetch_add(REF_ONE, Ordering::Relaxed);
        if (prev & REF_MASK) / REF_ONE > MAX_REFS {
            std::process::abort();
        }
    }

    /// Releases one reference; true if it was the last, and the caller
    /// must free the task. AcqRel: every use of the task before another
    /// thread's release happens before the free.
    pub(crate) fn release(&self) -> bool {
        self.word.fetch_sub(REF_ONE, Ordering::AcqRel) & REF_MASK == REF_ONE
    }
}

#[cfg(all(test, not(loopy_loom)))]
mod tests {
    use super::*;

    #[test]
    fn the_slot_and_the_count_keep_apart() {
        for slot in [0, 1, 0x8000_0000, u32::MAX] {
            let state = State::new(slot);
            for _ in 0..1000 {
                state.add_ref();
            }
            state.begin_run();
            state.cancel();
            state.complete();
            state.drop_handle();
            assert_eq!(state.slot(), slot);
            for _ in 0..1002 {
                assert!(!state.release(), "slot {slot:#x}: freed too early");
            }
            assert!(state.release(), "slot {slot:#x}: the last reference frees");
            assert_eq!(state.slot(), slot);
        }
    }
}
