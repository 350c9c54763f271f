//! What the raw state machines need from a readiness poller, so the same
//! machines run on `polling` (the raw contender) and on epoll itself (the
//! raw-epoll contender).

use std::io;
use std::os::fd::BorrowedFd;

/// A readiness poller: sources registered once, edge-triggered, for reading
/// and writing; a wait hands back which keys became ready for what.
pub trait Poller: Sized {
    /// The buffer a wait fills, made once per loop and reused.
    type Events;

    /// A new poller, with nothing registered.
    ///
    /// # Errors
    ///
    /// The error of the system call that makes it.
    fn new() -> io::Result<Self>;

    /// An empty buffer with room for [`EVENTS_PER_WAIT`](super::EVENTS_PER_WAIT)
    /// events.
    fn events() -> Self::Events;

    /// Registers `fd` under `key`, edge-triggered, for reading and writing.
    ///
    /// # Errors
    ///
    /// The error of `epoll_ctl`.
    ///
    /// # Safety
    ///
    /// `fd` must be [deleted](Poller::delete) before it is closed (`polling`
    /// asks it: its poller may hold the descriptor number).
    unsafe fn add(&self, fd: BorrowedFd<'_>, key: usize) -> io::Result<()>;

    /// Deregisters `fd`; a failure leaves nothing to undo, as the descriptor
    /// closes next anyway.
    fn delete(&self, fd: BorrowedFd<'_>);

    /// Blocks until some registered source is ready, then yields what each
    /// ready source is ready for. Drops what the previous wait left in
    /// `events`.
    ///
    /// # Panics
    ///
    /// If the wait fails (a bug in the bench, not a load).
    fn wait<'e>(&'e self, events: &'e mut Self::Events) -> impl Iterator<Item = Ready> + 'e;
}

/// One event: which source, and what it became ready for.
#[derive(Clone, Copy, Debug)]
pub struct Ready {
    /// The key the source was registered under.
    pub key: usize,
    /// It may be read (data, the peer's FIN, or an error to collect).
    pub readable: bool,
    /// It may be written (room in the buffer, or an error to collect).
    pub writable: bool,
}
