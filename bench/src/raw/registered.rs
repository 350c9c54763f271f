//! The raw loop's one unsafe step: registering a source with the poller.

use std::os::fd::AsFd;

use super::poller::Poller;

/// A source registered with a poller, edge-triggered, for reading and
/// writing, under a key; deleted from the poller when dropped.
pub struct Registered<'p, P: Poller, S: AsFd> {
    /// The poller it is registered with; the borrow makes the poller outlive it.
    poller: &'p P,
    /// The socket.
    ///
    /// # Invariant
    ///
    /// Registered with `poller` for as long as this value lives: `Drop`
    /// deletes it before the field is dropped and the descriptor closed.
    source: S,
}

impl<'p, P: Poller, S: AsFd> Registered<'p, P, S> {
    /// Registers `source` (already nonblocking) under `key`.
    ///
    /// # Errors
    ///
    /// The error of `epoll_ctl`.
    pub fn new(poller: &'p P, source: S, key: usize) -> std::io::Result<Self> {
        // SAFETY: `Poller::add` wants the source deleted before it is
        // closed; `Drop for Registered` deletes it before `source` drops.
        unsafe { poller.add(source.as_fd(), key)? };
        Ok(Self { poller, source })
    }

    /// The source.
    pub fn get(&self) -> &S {
        &self.source
    }
}

impl<P: Poller, S: AsFd> Drop for Registered<'_, P, S> {
    fn drop(&mut self) {
        self.poller.delete(self.source.as_fd());
    }
}
