//! The cooperative I/O budget.
//!
//! A task whose socket always has data would never see `WouldBlock`, never
//! return `Pending`, and so never give the loop back: its timers and other
//! sockets would starve. So each poll of a task may complete at most
//! [`PER_POLL`] I/O operations; after that, every loopy I/O operation in
//! the same poll wakes the task and returns `Pending`, as if the socket
//! were not ready, and the task goes to the back of the run queue. The
//! loop refills the budget before every poll.

use std::cell::Cell;

/// How many I/O operations one poll of a task may complete.
pub(crate) const PER_POLL: u32 = 128;

/// The operations the running poll may still complete.
pub(crate) struct Budget {
    left: Cell<u32>,
}

impl Budget {
    pub(crate) fn new() -> Budget {
        Budget {
            left: Cell::new(PER_POLL),
        }
    }

    /// Gives the poll about to start its full budget.
    #[inline]
    pub(crate) fn refill(&self) {
        self.left.set(PER_POLL);
    }

    /// Whether the running poll may complete one more operation.
    #[inline]
    pub(crate) fn has_left(&self) -> bool {
        self.left.get() > 0
    }

    /// Counts one completed operation against the running poll.
    #[inline]
    pub(crate) fn spend(&self) {
        self.left.set(self.left.get().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_may_complete_per_poll_operations_then_none_until_refilled() {
        let budget = Budget::new();
        for _ in 0..PER_POLL {
            assert!(budget.has_left());
            budget.spend();
        }
        assert!(!budget.has_left());
        budget.spend();
        assert!(
            !budget.has_left(),
            "spending an empty budget keeps it empty"
        );
        budget.refill();
        assert!(budget.has_left());
    }
}
