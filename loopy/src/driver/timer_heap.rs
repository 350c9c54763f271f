//! The sleeping tasks, ordered by deadline.
//!
//! The Python loops kept `(deadline, task)` pairs in a `heapq`. `TimerHeap`
//! is the same binary min-heap, with two additions a real loop needs:
//!
//! - **Removal.** A `Sleep` that is dropped before it fires (a `timeout`
//!   whose future won, a cancelled task) takes its entry out at once, so a
//!   million sleeps created and dropped leave nothing behind. Each timer
//!   owns a *slot* that remembers where its entry sits in the heap, which
//!   makes removal a swap and a sift: O(log n), like insertion.
//! - **Ties.** Entries with the same deadline fire in the order they were
//!   armed: the heap orders by `(deadline, sequence number)`.
//!
//! Deadlines are `Instant`s, compared exactly: nothing is rounded to
//! milliseconds, and an entry fires only once `Instant::now()` has reached
//! it.

use std::cell::RefCell;
#[cfg(feature = "hyper")]
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Instant;

#[cfg(feature = "hyper")]
use super::orphaned_timers::OrphanedTimers;
use crate::unwind;

/// The timers of one runtime.
pub(crate) struct TimerHeap {
    /// The heap and its slots. Never borrowed while a waker runs.
    inner: RefCell<Timers>,
    /// Wakers of due timers, collected under the borrow and woken after it;
    /// kept between turns so firing does not allocate.
    due: RefCell<Vec<Waker>>,
    /// Timers that sleeps dropped away from the loop thread left to be
    /// removed (see `orphans.rs`); shared with those sleeps.
    #[cfg(feature = "hyper")]
    orphans: Arc<OrphanedTimers<TimerKey>>,
}

/// Names a timer's slot; held by the `Sleep` that armed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey(u32);

impl TimerKey {
    /// The slot's number, to be kept in fewer bits than a key.
    pub(crate) fn index(self) -> u32 {
        self.0
    }

    /// The key of slot `index`.
    pub(crate) fn from_index(index: u32) -> TimerKey {
        TimerKey(index)
    }
}

struct Timers {
    /// Min-heap of armed timers by `(deadline, seq)`.
    heap: Vec<Entry>,
    /// One per timer that exists (armed or fired), indexed by `TimerKey`.
    slots: Vec<Slot>,
    /// Keys of unused slots.
    free: Vec<u32>,
    /// Next sequence number, to fire equal deadlines in arming order.
    next_seq: u64,
}

#[derive(Clone, Copy)]
struct Entry {
    deadline: Instant,
    seq: u64,
    /// The slot of the timer this entry belongs to.
    slot: u32,
}

struct Slot {
    /// Where the timer's entry sits in `heap`, or `FIRED` when it has none.
    pos: u32,
    /// Woken when the timer fires.
    waker: Option<Waker>,
}

/// `Slot::pos` of a timer that fired (or was never armed again).
const FIRED: u32 = u32::MAX;

impl Entry {
    fn before(&self, other: &Entry) -> bool {
        (self.deadline, self.seq) < (other.deadline, other.seq)
    }
}

impl TimerHeap {
    pub(crate) fn new() -> TimerHeap {
        TimerHeap {
            inner: RefCell::new(Timers {
                heap: Vec::new(),
                slots: Vec::new(),
                free: Vec::new(),
                next_seq: 0,
            }),
            due: RefCell::new(Vec::new()),
            #[cfg(feature = "hyper")]
            orphans: Arc::default(),
        }
    }

    /// Where a sleep dropped away from the loop thread leaves its key.
    #[cfg(feature = "hyper")]
    pub(crate) fn orphans(&self) -> &Arc<OrphanedTimers<TimerKey>> {
        &self.orphans
    }

    /// Arms a new timer that wakes `waker` at `deadline`.
    #[inline]
    pub(crate) fn insert(&self, deadline: Instant, waker: &Waker) -> TimerKey {
        let mut timers = self.inner.borrow_mut();
        let slot = Slot {
            pos: FIRED,
            waker: Some(waker.clone()),
        };
        let key = match timers.free.pop() {
            Some(key) => {
                timers.slots[key as usize] = slot;
                key
            }
            None => {
                let key = u32::try_from(timers.slots.len())
                    .ok()
                    .filter(|&key| key != FIRED)
                    .expect("loopy supports fewer than u32::MAX live timers per runtime");
                timers.slots.push(slot);
                key
            }
        };
        timers.push(deadline, key);
        TimerKey(key)
    }

    /// Moves a timer to a new deadline, arming it again if it had fired.
    pub(crate) fn reset(&self, key: TimerKey, deadline: Instant) {
        let mut timers = self.inner.borrow_mut();
        let pos = timers.slots[key.0 as usize].pos;
        if pos != FIRED {
            timers.remove_at(pos as usize);
        }
        timers.push(deadline, key.0);
    }

    /// `Ready` once the timer has fired (the loop fires a timer only once
    /// its deadline has passed, and a fired timer stays fired until it is
    /// armed again); otherwise makes `waker` the one woken when it fires.
    #[inline]
    pub(crate) fn poll_timer(&self, key: TimerKey, waker: &Waker) -> Poll<()> {
        let mut timers = self.inner.borrow_mut();
        let pos = timers.slots[key.0 as usize].pos;
        if pos == FIRED {
            return Poll::Ready(());
        }
        let slot = &mut timers.slots[key.0 as usize];
        match &slot.waker {
            Some(old) if old.will_wake(waker) => {}
            _ => slot.waker = Some(waker.clone()),
        }
        Poll::Pending
    }

    /// Forgets a timer, armed or fired, and frees its slot.
    #[inline]
    pub(crate) fn remove(&self, key: TimerKey) {
        let mut timers = self.inner.borrow_mut();
        let pos = timers.slots[key.0 as usize].pos;
        if pos != FIRED {
            timers.remove_at(pos as usize);
        }
        let waker = timers.slots[key.0 as usize].waker.take();
        timers.free.push(key.0);
        drop(timers);
        unwind::drop_contained(waker);
    }

    /// When timer `key` is due, while it is armed.
    pub(crate) fn deadline(&self, key: TimerKey) -> Option<Instant> {
        let timers = self.inner.borrow();
        let pos = timers.slots.get(key.0 as usize)?.pos;
        // A removed timer's slot keeps its last position, which another
        // entry may hold by now: only an entry of this slot counts.
        timers
            .heap
            .get(pos as usize)
            .filter(|entry| entry.slot == key.0)
            .map(|entry| entry.deadline)
    }

    /// The earliest deadline of an armed timer.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.inner.borrow().heap.first().map(|entry| entry.deadline)
    }

    /// Fires every timer whose deadline is at or before `now`, in deadline
    /// order, and returns how many fired. `fired` hears the count, then
    /// `wake` wakes the timers' wakers, with no borrow of the heap held.
    pub(crate) fn fire_due(
        &self,
        now: Instant,
        fired: impl FnOnce(usize),
        wake: impl FnOnce(&mut Vec<Waker>),
    ) -> usize {
        // Orphaned timers go first, so that they never fire.
        #[cfg(feature = "hyper")]
        for key in self.orphans.take() {
            self.remove(key);
        }
        let mut due = self.due.take();
        {
            let mut timers = self.inner.borrow_mut();
            while timers
                .heap
                .first()
                .is_some_and(|entry| entry.deadline <= now)
            {
                let entry = timers.remove_at(0);
                let slot = &mut timers.slots[entry.slot as usize];
                slot.pos = FIRED;
                due.extend(slot.waker.take());
            }
        }
        let count = due.len();
        if count > 0 {
            fired(count);
        }
        wake(&mut due);
        *self.due.borrow_mut() = due;
        count
    }

    /// How many timers are armed.
    pub(crate) fn armed(&self) -> usize {
        self.inner.borrow().heap.len()
    }
}

impl Timers {
    fn push(&mut self, deadline: Instant, slot: u32) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let pos = self.heap.len();
        self.heap.push(Entry {
            deadline,
            seq,
            slot,
        });
        self.slots[slot as usize].pos = pos as u32;
        self.sift_up(pos);
    }

    /// Takes the entry at `pos` out of the heap and returns it.
    fn remove_at(&mut self, pos: usize) -> Entry {
        let last = self.heap.len() - 1;
        self.heap.swap(pos, last);
        let removed = self.heap.pop().expect("remove_at on an empty heap");
        if pos < self.heap.len() {
            self.set(pos, self.heap[pos]);
            self.sift_down(pos);
            self.sift_up(pos);
        }
        removed
    }

    /// Writes `entry` at `pos` and tells its slot.
    fn set(&mut self, pos: usize, entry: Entry) {
        self.heap[pos] = entry;
        self.slots[entry.slot as usize].pos = pos as u32;
    }

    fn sift_up(&mut self, mut pos: usize) {
        let entry = self.heap[pos];
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if !entry.before(&self.heap[parent]) {
                break;
            }
            self.set(pos, self.heap[parent]);
            pos = parent;
        }
        self.set(pos, entry);
    }

    fn sift_down(&mut self, mut pos: usize) {
        let entry = self.heap[pos];
        let len = self.heap.len();
        loop {
            let left = 2 * pos + 1;
            if left >= len {
                break;
            }
            let right = left + 1;
            let child = if right < len && self.heap[right].before(&self.heap[left]) {
                right
            } else {
                left
            };
            if !self.heap[child].before(&entry) {
                break;
            }
            self.set(pos, self.heap[child]);
            pos = child;
        }
        self.set(pos, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::{Wake, Waker};
    use std::time::Duration;

    /// A waker that does nothing (`Waker::noop` would need Rust 1.85, and
    /// loopy supports 1.82).
    fn noop_waker() -> Waker {
        struct Noop;
        impl Wake for Noop {
            fn wake(self: Arc<Self>) {}
        }
        Waker::from(Arc::new(Noop))
    }

    /// Pops everything due by `until` and returns the slots in firing order.
    fn drain(heap: &TimerHeap, until: Instant) -> Vec<u32> {
        let mut order = Vec::new();
        let mut timers = heap.inner.borrow_mut();
        while timers.heap.first().is_some_and(|e| e.deadline <= until) {
            order.push(timers.remove_at(0).slot);
        }
        order
    }

    #[test]
    fn pops_in_deadline_order_and_ties_in_arming_order() {
        let heap = TimerHeap::new();
        let base = Instant::now();
        let waker = &noop_waker();
        let offsets = [50u64, 10, 30, 10, 0, 40, 30, 20];
        let keys: Vec<TimerKey> = offsets
            .iter()
            .map(|&ms| heap.insert(base + Duration::from_millis(ms), waker))
            .collect();
        let order = drain(&heap, base + Duration::from_secs(1));
        let mut expected: Vec<(u64, u32)> = offsets
            .iter()
            .zip(&keys)
            .map(|(&ms, k)| (ms, k.0))
            .collect();
        expected.sort();
        assert_eq!(order, expected.iter().map(|&(_, k)| k).collect::<Vec<_>>());
    }

    #[test]
    fn removal_from_the_middle_keeps_the_order() {
        let heap = TimerHeap::new();
        let base = Instant::now();
        let waker = &noop_waker();
        let keys: Vec<TimerKey> = (0..100u64)
            .map(|i| heap.insert(base + Duration::from_millis((i * 37) % 101), waker))
            .collect();
        for key in keys.iter().step_by(3) {
            heap.remove(*key);
        }
        let order = drain(&heap, base + Duration::from_secs(1));
        assert_eq!(order.len(), 100 - keys.iter().step_by(3).count());
        let deadlines: Vec<u64> = order.iter().map(|&slot| (slot as u64 * 37) % 101).collect();
        assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "{deadlines:?}");
    }

    #[test]
    fn slots_are_reused_so_memory_stays_flat() {
        let heap = TimerHeap::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let waker = noop_waker();
        for _ in 0..10_000 {
            let key = heap.insert(deadline, &waker);
            heap.remove(key);
        }
        let timers = heap.inner.borrow();
        assert_eq!(timers.slots.len(), 1);
        assert!(timers.heap.is_empty());
    }
}
