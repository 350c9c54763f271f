//! What the task being polled now waits on.
//!
//! A task that returns `Pending` has left its waker somewhere: with a
//! socket in the reactor, with a timer in the timer heap, or with another
//! task's `JoinHandle`. Each of those places notes here what it parked the
//! waker for, while it does so; the loop clears the note before a poll and
//! takes it after, and so knows what the task waits on without guessing
//! from outside. The note is a plain thread-local cell: parking a waker
//! costs one store more.

use std::cell::Cell;
use std::time::Instant;

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

/// Everything one poll parked its waker on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PollWaits {
    /// The last socket or task the waker went to.
    pub(crate) on: Parked,
    /// The earliest timer the waker went to.
    pub(crate) timer: Option<Instant>,
}

impl PollWaits {
    const NONE: PollWaits = PollWaits {
        on: Parked::Nothing,
        timer: None,
    };
}

thread_local! {
    /// The note of the poll that is running on this thread.
    static NOTE: Cell<PollWaits> = const { Cell::new(PollWaits::NONE) };
}

/// A poll is about to start: forget what the previous one noted.
pub(crate) fn clear() {
    NOTE.set(PollWaits::NONE);
}

/// The poll has ended: what did it park its waker on?
pub(crate) fn take() -> PollWaits {
    NOTE.replace(PollWaits::NONE)
}

/// The running poll parked its waker on a socket or a task.
pub(crate) fn parked(on: Parked) {
    NOTE.with(|note| {
        let mut waits = note.get();
        waits.on = on;
        note.set(waits);
    });
}

/// The running poll parked its waker on a timer due at `deadline`.
pub(crate) fn parked_on_timer(deadline: Instant) {
    NOTE.with(|note| {
        let mut waits = note.get();
        waits.timer = Some(waits.timer.map_or(deadline, |t| t.min(deadline)));
        note.set(waits);
    });
}
