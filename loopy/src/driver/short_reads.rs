//! Short reads: skipping the read that would only say `WouldBlock`, on
//! epoll.
//!
//! # The rule
//!
//! A read from a stream socket that returns less than its buffer could take
//! has emptied the socket's receive queue. An echo-like socket makes such a
//! *short read* on nearly every message, and the next read would only fail
//! with `WouldBlock`. So after a short read the reactor clears the source's
//! readability at once and saves that syscall: the next edge from the
//! poller sets it again.
//!
//! # The catch, and why this is epoll only
//!
//! When data and the peer's FIN arrive before the same wait, epoll reports
//! one edge. The read returns the data, short, and no further edge ever
//! comes for the FIN: a reader that trusted the short read would wait for
//! ever. (tokio hears of the FIN through `EPOLLRDHUP`, which `polling` does
//! not expose.) So a short read is only trusted for a grace period
//! ([`GRACE`]):
//!
//! - any later event for the source *confirms* it either way: epoll reports
//!   the whole current mask of the descriptor with each event, so a FIN
//!   still pending shows as readable, and its absence proves there is none;
//! - a short read no event has confirmed after [`GRACE`] is *rechecked*:
//!   the source is marked readable again and its reader reads once more.
//!
//! So a socket that hears from its peer within the grace period never pays
//! for the extra read, and a FIN hidden behind a short read is seen at most
//! about 20 ms late.
//!
//! The first point holds only on epoll. kqueue reports one filter per
//! event: a write event says nothing about the read side, and would
//! "confirm" a short read that hid a FIN, leaving the reader asleep for
//! good. Event ports are one-shot. So this file is compiled only where
//! `polling` uses epoll (Linux and Android); on every other backend a short
//! read clears nothing, and the reader's next read finds out for itself.
//!
//! # Keeping it cheap
//!
//! Short reads wait in one queue in the order they were made, counted per
//! wait on the poller: a short read joins the count of the last wait, which
//! holds that wait's time. A source remembers the number of the wait its
//! short read followed, and an event confirms it by forgetting the number;
//! nothing is taken off the queue then. When the oldest wait is older than
//! the grace period, the loop takes its entries off once and rechecks every
//! source whose number still matches. So a short read costs a push onto the
//! queue and, 20 ms later, one look.

use std::collections::VecDeque;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::source::Source;

/// How long a short read is trusted without an event to confirm it.
pub(crate) const GRACE: Duration = Duration::from_millis(20);

/// The short reads not yet confirmed or rechecked.
#[derive(Default)]
pub(crate) struct ShortReads {
    /// The sources, each pushed by its short read, oldest first; an event
    /// may have confirmed one since.
    sources: VecDeque<Rc<Source>>,
    /// The waits those short reads followed, oldest first, each owning
    /// the next `len` entries of `sources`.
    waits: VecDeque<AfterWait>,
}

/// The short reads made between two waits on the poller.
struct AfterWait {
    /// The wait's number, which its sources carry while unconfirmed.
    number: u64,
    /// When the wait returned; the grace period counts from here.
    since: Instant,
    /// How many entries of `ShortReads::sources` are this wait's.
    len: usize,
}

impl ShortReads {
    /// `source` made a short read after wait `number`, which returned at
    /// `since`.
    #[inline]
    pub(crate) fn push(&mut self, source: &Rc<Source>, number: u64, since: Instant) {
        if source.short_read.get() != 0 {
            return; // Already waiting for its recheck.
        }
        source.short_read.set(number);
        self.sources.push_back(Rc::clone(source));
        match self.waits.back_mut() {
            Some(last) if last.number == number => last.len += 1,
            _ => self.waits.push_back(AfterWait {
                number,
                since,
                len: 1,
            }),
        }
    }

    /// An event came for `source`: it confirms any short read of it.
    #[inline]
    pub(crate) fn event(source: &Source) {
        source.short_read.set(0);
    }

    /// Calls `recheck` with every source whose short read is still
    /// unconfirmed once its grace period has ended by `now`.
    pub(crate) fn due(&mut self, now: Instant, mut recheck: impl FnMut(&Source)) {
        while let Some(oldest) = self.waits.front() {
            if oldest.since + GRACE > now {
                break;
            }
            let AfterWait { number, len, .. } = self.waits.pop_front().expect("front() was Some");
            for source in self.sources.drain(..len) {
                // Unless an event confirmed it meanwhile (and maybe a later
                // short read queued it again, after a younger wait).
                if source.short_read.get() == number {
                    source.short_read.set(0);
                    recheck(&source);
                }
            }
        }
    }

    /// When the oldest unconfirmed short read is due for its recheck.
    /// Short reads that events have confirmed are dropped here, so an idle
    /// loop does not wake for them.
    pub(crate) fn next_due(&mut self) -> Option<Instant> {
        while let Some(oldest) = self.waits.front_mut() {
            while oldest.len > 0 {
                let front = self.sources.front().expect("counted in `len`");
                if front.short_read.get() == oldest.number {
                    return Some(oldest.since + GRACE);
                }
                self.sources.pop_front();
                oldest.len -= 1;
            }
            self.waits.pop_front();
        }
        None
    }

    /// Whether any short read may still be unconfirmed.
    pub(crate) fn is_empty(&self) -> bool {
        self.waits.is_empty()
    }
}
