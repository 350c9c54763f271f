//! The raw-epoll contender's poller: epoll itself, through rustix. One
//! `epoll_wait` per wait and nothing else (no timerfd, no eventfd: the
//! raw loops never need a timeout or a wake from another thread), so this
//! is the least a readiness loop can pay on Linux.

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};

use rustix::buffer::spare_capacity;
use rustix::event::epoll::{self, CreateFlags, Event, EventData, EventFlags};
use rustix::io::Errno;

use super::poller::{Poller, Ready};
use super::EVENTS_PER_WAIT;

/// An epoll instance.
pub struct Epoll {
    /// The epoll descriptor; closing it drops every registration.
    fd: OwnedFd,
}

/// What every source is registered for, as mio registers a socket:
/// edge-triggered reading and writing, and `EPOLLRDHUP` so that the peer's
/// FIN is announced even when it arrives with data in one edge. (The echo
/// state machines do not need that bit: a client closes only after its
/// last echo, so its FIN always has an edge of its own; see `socket.rs`.
/// It is here because a general loop needs it, and it costs nothing.)
const INTEREST: EventFlags = EventFlags::IN
    .union(EventFlags::OUT)
    .union(EventFlags::ET)
    .union(EventFlags::RDHUP);

/// Flags that mean a read would not say `WouldBlock`: `polling`'s set, plus
/// `EPOLLRDHUP`.
const READABLE: EventFlags = EventFlags::IN
    .union(EventFlags::PRI)
    .union(EventFlags::HUP)
    .union(EventFlags::ERR)
    .union(EventFlags::RDHUP);

/// Flags that mean a write would not say `WouldBlock`: `polling`'s set.
const WRITABLE: EventFlags = EventFlags::OUT
    .union(EventFlags::HUP)
    .union(EventFlags::ERR);

impl Poller for Epoll {
    type Events = Vec<Event>;

    fn new() -> io::Result<Self> {
        Ok(Self {
            fd: epoll::create(CreateFlags::CLOEXEC)?,
        })
    }

    fn events() -> Vec<Event> {
        Vec::with_capacity(EVENTS_PER_WAIT.get())
    }

    unsafe fn add(&self, fd: BorrowedFd<'_>, key: usize) -> io::Result<()> {
        Ok(epoll::add(
            &self.fd,
            fd,
            EventData::new_u64(key as u64),
            INTEREST,
        )?)
    }

    fn delete(&self, fd: BorrowedFd<'_>) {
        let _ = epoll::delete(&self.fd, fd);
    }

    fn wait<'e>(&'e self, events: &'e mut Vec<Event>) -> impl Iterator<Item = Ready> + 'e {
        // The buffer is filled from its spare capacity: empty it first.
        events.clear();
        loop {
            match epoll::wait(&self.fd, spare_capacity(events), None) {
                Ok(_) => break,
                // A signal handler ran: wait again.
                Err(Errno::INTR) => continue,
                Err(e) => panic!("raw-epoll: epoll_wait failed: {e}"),
            }
        }
        events.iter().map(|event| {
            // Copied out: the kernel's struct is packed on x86-64.
            let (flags, data) = (event.flags, event.data);
            Ready {
                key: data.u64() as usize,
                readable: flags.intersects(READABLE),
                writable: flags.intersects(WRITABLE),
            }
        })
    }
}
