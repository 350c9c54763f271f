//! The raw loop's one unsafe step: registering a source with the poller.

use std::os::fd::{AsFd, AsRawFd};

use polling::{Event, PollMode, Poller};

/// A source registered with a poller, edge-triggered, for reading and
/// writing, under a key; deleted from the poller when dropped.
pub struct Registered<'p, S: AsFd> {
    /// The poller it is registered with; the borrow makes the poller outlive it.
    poller: &'p Poller,
    /// The socket.
    ///
    /// # Invariant
    ///
    /// Registered with `poller` for as long as this value lives: `Drop`
    /// deletes it before the field is dropped and the descriptor closed.
    source: S,
}

impl<'p, S: AsFd> Registered<'p, S> {
    /// Registers `source` (already nonblocking) under `key`.
    ///
    /// # Errors
    ///
    /// The error of `epoll_ctl`.
    pub fn new(poller: &'p Poller, source: S, key: usize) -> std::io::Result<Self> {
        // SAFETY: `Poller::add_with_mode` wants the source deleted before it
        // is closed; `Drop for Registered` deletes it before `source` drops.
        unsafe {
            poller.add_with_mode(source.as_fd().as_raw_fd(), Event::all(key), PollMode::Edge)?;
        }
        Ok(Self { poller, source })
    }

    /// The source.
    pub fn get(&self) -> &S {
        &self.source
    }
}

impl<S: AsFd> Drop for Registered<'_, S> {
    fn drop(&mut self) {
        // A failure leaves nothing to undo: the descriptor closes next anyway.
        let _ = self.poller.delete(&self.source);
    }
}
