//! What the task being polled now waits on.
//!
//! A task that returns `Pending` has left its waker somewhere: with a
//! socket in the reactor, with a timer in the timer heap, or with another
//! task's `JoinHandle`. Whoever parks a waker notes here what for, and the
//! loop takes the note after each poll, so the task list knows what a task
//! waits on without guessing from outside. The note is two half-words in
//! the loop's context: parking a waker costs a store or two more, and
//! taking the note after a poll a load and a store. A timer is noted by its
//! key, not its deadline: the heap knows when it is due, and turning an
//! `Instant` into a number on every park would cost more than the rest of
//! the note together. Another task is noted by its slot in the registry,
//! not its id, for the same reason of size: an id is a word.
//!
//! A half-word holds the kind in two bits and the descriptor or slot in
//! the thirty above them: a descriptor or slot of 2^30 or more (a process
//! would need a billion open files or live tasks) is not noted.

use std::time::Instant;

use crate::driver::timer_heap::{TimerHeap, TimerKey};

/// What a poll parked its waker on, besides timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parked {
    /// Nothing this poll (or only a timer).
    Nothing,
    /// A descriptor, until it is readable.
    Readable(i32),
    /// A descriptor, until it is writable.
    Writable(i32),
    /// Another task's handle, until that task finishes: the task's slot
    /// in the registry. The slot names the task for as long as the waiter
    /// waits: when the task ends, the waiter is woken and its note is not
    /// read again before its next poll replaces it.
    Task(u32),
}

/// Everything one poll parked its waker on: two half-words, which a
/// task's record keeps apart (see [`PollNote::parts`]) so that they pack
/// beside the record's others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PollNote {
    /// The last socket or task the waker went to: the kind in the low two
    /// bits (0 nothing, 1 readable, 2 writable, 3 task), the descriptor or
    /// registry slot above them.
    on: u32,
    /// The key of the earliest timer the waker went to, plus one; 0 for
    /// none.
    timer: u32,
}

impl PollNote {
    /// A poll that parked nothing.
    pub(crate) const NONE: PollNote = PollNote { on: 0, timer: 0 };

    /// The note as its two half-words.
    pub(crate) fn parts(self) -> (u32, u32) {
        (self.on, self.timer)
    }

    /// The note that [`PollNote::parts`] took apart.
    pub(crate) fn from_parts((on, timer): (u32, u32)) -> PollNote {
        PollNote { on, timer }
    }

    /// The socket or task the waker went to.
    pub(crate) fn on(self) -> Parked {
        let payload = self.on >> 2;
        match self.on & 3 {
            0 => Parked::Nothing,
            1 => Parked::Readable(payload as i32),
            2 => Parked::Writable(payload as i32),
            _ => Parked::Task(payload),
        }
    }

    /// The earliest timer the waker went to.
    pub(crate) fn timer(self) -> Option<TimerKey> {
        self.timer.checked_sub(1).map(TimerKey::from_index)
    }

    /// When the earliest timer the waker went to is due, if it is still
    /// armed in `timers`.
    pub(crate) fn timer_due(self, timers: &TimerHeap) -> Option<Instant> {
        self.timer().and_then(|key| timers.deadline(key))
    }

    /// This note, with the waker parked on `on` as well (it replaces an
    /// earlier socket or task).
    pub(crate) fn with(self, on: Parked) -> PollNote {
        let (kind, payload) = match on {
            Parked::Nothing => (0, 0),
            Parked::Readable(fd) => (1, fd as u32),
            Parked::Writable(fd) => (2, fd as u32),
            Parked::Task(slot) => (3, slot),
        };
        let on = if payload < 1 << 30 {
            (payload << 2) | kind
        } else {
            0
        };
        PollNote { on, ..self }
    }

    /// This note, with the waker parked on timer `key` (due at `deadline`)
    /// as well: the earliest timer is kept, by what `timers` says of an
    /// earlier one.
    pub(crate) fn with_timer(
        self,
        key: TimerKey,
        deadline: Instant,
        timers: &TimerHeap,
    ) -> PollNote {
        if self
            .timer_due(timers)
            .is_some_and(|earlier| earlier <= deadline)
        {
            return self;
        }
        PollNote {
            timer: key.index().saturating_add(1),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;
    use std::time::Duration;

    use super::*;

    #[test]
    fn notes_pack_and_unpack() {
        for on in [
            Parked::Readable(0),
            Parked::Writable((1 << 30) - 1),
            Parked::Task((1 << 30) - 1),
            Parked::Nothing,
        ] {
            assert_eq!(PollNote::NONE.with(on).on(), on);
        }
        for too_big in [
            Parked::Readable(i32::MAX),
            Parked::Writable(1 << 30),
            Parked::Task(u32::MAX),
        ] {
            assert_eq!(PollNote::NONE.with(too_big).on(), Parked::Nothing);
        }
    }

    #[test]
    fn the_earliest_timer_is_kept_and_its_deadline_comes_from_the_heap() {
        let timers = TimerHeap::new();
        let soon = Instant::now() + Duration::from_secs(5);
        let later = soon + Duration::from_secs(5);
        let waker = Waker::noop();
        let (k_later, k_soon) = (timers.insert(later, waker), timers.insert(soon, waker));
        let note = PollNote::NONE
            .with_timer(k_later, later, &timers)
            .with_timer(k_soon, soon, &timers)
            .with_timer(k_later, later, &timers)
            .with(Parked::Readable(7));
        assert_eq!(note.on(), Parked::Readable(7));
        assert_eq!(note.timer(), Some(k_soon));
        assert_eq!(note.timer_due(&timers), Some(soon));
        timers.remove(k_soon);
        assert_eq!(
            note.timer_due(&timers),
            None,
            "a removed timer is due never"
        );
    }
}
