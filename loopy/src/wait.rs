//! What the task being polled now waits on.
//!
//! A task that returns `Pending` has left its waker somewhere: with a
//! socket in the reactor, with a timer in the timer heap, or with another
//! task's `JoinHandle`. Each of those places notes here what it parked the
//! waker for, while it does so; the loop takes the note after each poll,
//! and so knows what the task waits on without guessing from outside. The
//! note is a thread-local pair of words: parking a waker costs a store or
//! two more, and taking the note after a poll a load and a store.

use std::cell::Cell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

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
pub(crate) struct PollWaits {
    /// The last socket or task the waker went to: the kind in the low two
    /// bits (0 nothing, 1 readable, 2 writable, 3 task), the descriptor or
    /// task id above them.
    on: u64,
    /// The earliest timer the waker went to, as [`nanos`] plus one; 0 for
    /// none.
    timer: u64,
}

impl PollWaits {
    pub(crate) const NONE: PollWaits = PollWaits { on: 0, timer: 0 };

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
        self.timer.checked_sub(1).map(instant)
    }
}

thread_local! {
    /// The note of the poll that is running on this thread.
    static NOTE: Cell<PollWaits> = const { Cell::new(PollWaits::NONE) };
}

/// The poll has ended: what did it park its waker on? Leaves the note
/// empty for the next poll.
pub(crate) fn take() -> PollWaits {
    NOTE.replace(PollWaits::NONE)
}

/// The running poll parked its waker on a socket or a task.
pub(crate) fn parked(on: Parked) {
    let on = match on {
        Parked::Nothing => 0,
        Parked::Readable(fd) => (u64::from(fd as u32) << 2) | 1,
        Parked::Writable(fd) => (u64::from(fd as u32) << 2) | 2,
        Parked::Task(id) => (id << 2) | 3,
    };
    NOTE.with(|note| note.set(PollWaits { on, ..note.get() }));
}

/// The running poll parked its waker on a timer due at `deadline`.
pub(crate) fn parked_on_timer(deadline: Instant) {
    let due = nanos(deadline).saturating_add(1);
    NOTE.with(|note| {
        let waits = note.get();
        let timer = match waits.timer {
            0 => due,
            earlier => earlier.min(due),
        };
        note.set(PollWaits { timer, ..waits });
    });
}

/// The process's time zero for [`nanos`].
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// `at` as nanoseconds since the process's time zero, in one word (good
/// for 584 years); times before it count as zero.
pub(crate) fn nanos(at: Instant) -> u64 {
    let since = at.saturating_duration_since(epoch());
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
}

/// The instant that [`nanos`] turned into `nanos`.
pub(crate) fn instant(nanos: u64) -> Instant {
    epoch() + Duration::from_nanos(nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_pack_and_unpack() {
        take();
        for on in [
            Parked::Readable(0),
            Parked::Writable(i32::MAX),
            Parked::Task(u64::MAX >> 2),
            Parked::Nothing,
        ] {
            parked(on);
            assert_eq!(take().on(), on);
        }
        let soon = Instant::now() + Duration::from_millis(5);
        parked_on_timer(soon + Duration::from_millis(5));
        parked_on_timer(soon);
        parked(Parked::Readable(7));
        let waits = take();
        assert_eq!(waits.on(), Parked::Readable(7));
        let due = waits.timer().unwrap();
        assert!(
            due <= soon && soon - due < Duration::from_micros(1),
            "the earliest"
        );
        assert_eq!(take(), PollWaits::NONE, "taking empties the note");
    }
}
