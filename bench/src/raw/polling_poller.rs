//! The raw contender's poller: `polling` 3.11, the one loopy stands on.
//! Each wait is `Poller::wait`, which on Linux also sets and re-arms its
//! timerfd and clears and re-arms its notification eventfd: five system
//! calls where epoll alone needs one.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use polling::{Event, Events, PollMode};

use super::poller::{Poller, Ready};
use super::EVENTS_PER_WAIT;

impl Poller for polling::Poller {
    type Events = Events;

    fn new() -> io::Result<Self> {
        polling::Poller::new()
    }

    fn events() -> Events {
        Events::with_capacity(EVENTS_PER_WAIT)
    }

    unsafe fn add(&self, fd: BorrowedFd<'_>, key: usize) -> io::Result<()> {
        // SAFETY: `add_with_mode` wants `fd` deleted before it is closed,
        // which this function's own contract hands on to the caller.
        unsafe { self.add_with_mode(fd.as_raw_fd(), Event::all(key), PollMode::Edge) }
    }

    fn delete(&self, fd: BorrowedFd<'_>) {
        let _ = polling::Poller::delete(self, fd);
    }

    fn wait<'e>(&'e self, events: &'e mut Events) -> impl Iterator<Item = Ready> + 'e {
        // `Poller::wait` appends.
        events.clear();
        polling::Poller::wait(self, events, None).expect("raw: Poller::wait");
        events.iter().map(|event| Ready {
            key: event.key,
            readable: event.readable,
            writable: event.writable,
        })
    }
}
