//! One registered descriptor: whether it is readable and writable, as
//! last learned, and who waits for it to become so.
//!
//! The bits are *optimistic* (see `reactor.rs`): set means "worth trying
//! the syscall". An operation that fails with `WouldBlock` clears its
//! direction; an edge from the poller sets it again and wakes the waiters.

use std::cell::{Cell, RefCell};
use std::os::fd::BorrowedFd;
use std::task::{Context, Poll, Waker};

use rustix::event::{PollFd, PollFlags, Timespec};

/// One registered file descriptor: its readiness and who waits on it.
pub(crate) struct Source {
    /// The key the poller reports this source's events with.
    pub(crate) key: usize,
    /// The descriptor, to say in the trace and the task list what a task
    /// waits on.
    fd: i32,
    /// `READABLE` and `WRITABLE` bits, as last learned.
    ready: Cell<u8>,
    /// The number of the wait after which a short read cleared `READABLE`
    /// with no event yet to confirm it; 0 when none is pending (see
    /// `short_reads.rs`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(crate) short_read: Cell<u64>,
    /// Wakers of tasks waiting to read, then to write.
    waiters: [RefCell<Waiters>; 2],
    /// The directions whose `waiters` may hold a waker, so that an event
    /// for a direction nobody waits on (most often: writable) costs one
    /// bit test.
    parked: Cell<u8>,
}

/// Which way a task waits on a source.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Direction {
    Read = 0,
    Write = 1,
}

impl Direction {
    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The wakers parked on one direction of a source. One is the common case
/// and needs no allocation; more happen when tasks share a socket.
#[derive(Default)]
struct Waiters {
    first: Option<Waker>,
    more: Vec<Waker>,
}

impl Waiters {
    fn register(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(first) if first.will_wake(waker) => {}
            Some(_) => {
                if !self.more.iter().any(|w| w.will_wake(waker)) {
                    self.more.push(waker.clone());
                }
            }
        }
    }

    fn take_into(&mut self, fd: i32, woken: &mut Vec<(i32, Waker)>) {
        if let Some(waker) = self.first.take() {
            woken.push((fd, waker));
        }
        if !self.more.is_empty() {
            woken.extend(self.more.drain(..).map(|waker| (fd, waker)));
        }
    }
}

impl Source {
    /// A source for descriptor `fd`, whose events come with `key`; ready
    /// both ways, so the first operation simply tries the syscall.
    pub(crate) fn new(key: usize, fd: i32) -> Source {
        Source {
            key,
            fd,
            ready: Cell::new(Direction::Read.bit() | Direction::Write.bit()),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            short_read: Cell::new(0),
            waiters: Default::default(),
            parked: Cell::new(0),
        }
    }

    /// An event from the poller: records the directions it reports ready
    /// and collects the wakers parked on them.
    #[inline]
    pub(crate) fn event(&self, readable: bool, writable: bool, woken: &mut Vec<(i32, Waker)>) {
        let mut bits = 0;
        if readable {
            bits |= Direction::Read.bit();
        }
        if writable {
            bits |= Direction::Write.bit();
        }
        self.mark_ready(bits, woken);
    }

    /// Collects every waker parked on the source, which is going away.
    pub(crate) fn take_waiters(&self, woken: &mut Vec<(i32, Waker)>) {
        self.parked.set(0);
        for waiters in &self.waiters {
            waiters.borrow_mut().take_into(self.fd, woken);
        }
    }

    /// Whether a task's waker is parked on the source.
    pub(crate) fn has_waiters(&self) -> bool {
        self.parked.get() != 0
    }

    /// Whether the source may be ready in direction `dir`.
    #[cfg(test)]
    pub(crate) fn is_ready(&self, dir: Direction) -> bool {
        self.ready.get() & dir.bit() != 0
    }
    /// Records readiness in the directions of `bits` and collects the
    /// wakers parked on them.
    #[inline]
    fn mark_ready(&self, bits: u8, woken: &mut Vec<(i32, Waker)>) {
        self.ready.set(self.ready.get() | bits);
        let parked = self.parked.get();
        if parked & bits != 0 {
            self.parked.set(parked & !bits);
            for dir in [Direction::Read, Direction::Write] {
                if parked & bits & dir.bit() != 0 {
                    self.waiters[dir as usize]
                        .borrow_mut()
                        .take_into(self.fd, woken);
                }
            }
        }
    }

    /// Parks `waker` on direction `dir` until the next event for it. Kept
    /// out of line so that the ready path of `poll_ready` stays a bit test.
    #[inline(never)]
    fn register(&self, dir: Direction, waker: &Waker) {
        self.parked.set(self.parked.get() | dir.bit());
        self.waiters[dir as usize].borrow_mut().register(waker);
    }

    /// `Ready` if the source may be ready in direction `dir`; otherwise
    /// parks `cx`'s waker until the poller says it is.
    #[inline]
    pub(crate) fn poll_ready(&self, dir: Direction, cx: &mut Context<'_>) -> Poll<()> {
        if self.ready.get() & dir.bit() != 0 {
            return Poll::Ready(());
        }
        self.register(dir, cx.waker());
        Poll::Pending
    }

    /// The descriptor, as the task list shows it.
    pub(crate) fn fd(&self) -> i32 {
        self.fd
    }

    /// `Ready` once an operation in direction `dir` on `fd`, this source's
    /// descriptor, would not block, as the kernel says now; otherwise
    /// parks `cx`'s waker until the next edge. The rule of `readable()`
    /// and `writable()` (see the module docs).
    pub(crate) fn poll_would_not_block(
        &self,
        fd: BorrowedFd<'_>,
        dir: Direction,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        if would_not_block(fd, dir) {
            self.ready.set(self.ready.get() | dir.bit());
            return Poll::Ready(());
        }
        // The descriptor is not ready: the optimistic bit may as well say
        // so, and the edge that ends the wait will set it again.
        self.clear_ready(dir);
        self.register(dir, cx.waker());
        Poll::Pending
    }

    /// Records that an operation in direction `dir` would block.
    pub(crate) fn clear_ready(&self, dir: Direction) {
        self.ready.set(self.ready.get() & !dir.bit());
    }
}

/// Asks the kernel, without waiting, whether an operation in direction
/// `dir` on `fd` would not block. An error, a hang-up, or a failed
/// `poll(2)` count as "would not block": the operation itself then
/// returns at once with what went wrong.
fn would_not_block(fd: BorrowedFd<'_>, dir: Direction) -> bool {
    let flags = match dir {
        Direction::Read => PollFlags::IN,
        Direction::Write => PollFlags::OUT,
    };
    let mut fds = [PollFd::from_borrowed_fd(fd, flags)];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match rustix::event::poll(&mut fds, Some(&now)) {
        Ok(_) => !fds[0].revents().is_empty(),
        Err(_) => true,
    }
}
