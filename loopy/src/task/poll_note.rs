//! What the task being polled now waits on.
//!
//! A task that returns `Pending` has left its waker somewhere: with a
//! socket in the reactor, with a timer in the timer heap, or with another
//! task's `JoinHandle`. Whoever parks a waker notes here what for, and the
//! loop takes the note after each poll, so the task list knows what a task
//! waits on without guessing from outside. The note is two words in the
//! loop's context: parking a waker costs a store or two more, and taking
//! the note after a poll a load and a store.

use std::time::Instant;

use crate::driver::clock;

/// What a poll parked its waker on, besides timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parked {
    /// Nothing this poll (or only a timer).
    Nothing,
    /// A descriptor, until it is readable.
    Readable(i32),
    /// A descriptor, until it is writable.
    Writable(i32),
    /// Another task's handle, until that task finishes.
    Task(u64),
}

/// Everything one poll parked its waker on, packed into two words so that
/// each task can keep it cheaply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PollNote {
    /// The last socket or task the waker went to: the kind in the low two
    /// bits (0 nothing, 1 readable, 2 writable, 3 task), the descriptor or
    /// task id above them.
    on: u64,
    /// The earliest timer the waker went to, as `clock::nanos` plus one; 0
    /// for none.
    timer: u64,
}

impl PollNote {
    /// A poll that parked nothing.
    pub(crate) const NONE: PollNote = PollNote { on: 0, timer: 0 };

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

    /// When the earliest timer the waker went to is due.
    pub(crate) fn timer(self) -> Option<Instant> {
        self.timer.checked_sub(1).map(clock::instant)
    }

    /// This note, with the waker parked on `on` as well (it replaces an
    /// earlier socket or task).
    pub(crate) fn with(self, on: Parked) -> PollNote {
        let on = match on {
            Parked::Nothing => 0,
            Parked::Readable(fd) => (u64::from(fd as u32) << 2) | 1,
            Parked::Writable(fd) => (u64::from(fd as u32) << 2) | 2,
            Parked::Task(id) => (id << 2) | 3,
        };
        PollNote { on, ..self }
    }

    /// This note, with the waker parked on a timer due at `deadline` as
    /// well (the earliest timer is kept).
    pub(crate) fn with_timer(self, deadline: Instant) -> PollNote {
        let due = clock::nanos(deadline).saturating_add(1);
        let timer = match self.timer {
            0 => due,
            earlier => earlier.min(due),
        };
        PollNote { timer, ..self }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn notes_pack_and_unpack() {
        for on in [
            Parked::Readable(0),
            Parked::Writable(i32::MAX),
            Parked::Task(u64::MAX >> 2),
            Parked::Nothing,
        ] {
            assert_eq!(PollNote::NONE.with(on).on(), on);
        }
        let soon = Instant::now() + Duration::from_millis(5);
        let note = PollNote::NONE
            .with_timer(soon + Duration::from_millis(5))
            .with_timer(soon)
            .with(Parked::Readable(7));
        assert_eq!(note.on(), Parked::Readable(7));
        let due = note.timer().unwrap();
        assert!(
            due <= soon && soon - due < Duration::from_micros(1),
            "the earliest"
        );
    }
}
