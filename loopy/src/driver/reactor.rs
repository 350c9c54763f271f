//! The reactor: the loop's `select()`.
//!
//! The Python loops passed lists of sockets to `select()` on every turn.
//! loopy registers each file descriptor with the poller (epoll on Linux,
//! kqueue on the BSDs and macOS) **once**, edge-triggered, for both reading
//! and writing, and remembers per descriptor whether it is readable and
//! whether it is writable:
//!
//! - A new source starts out *ready* both ways, so the first `recv` or
//!   `send` simply tries the syscall.
//! - An operation that fails with `WouldBlock` clears that direction and
//!   parks the task's waker on the source.
//! - An edge from the poller sets the direction again and wakes the parked
//!   wakers.
//!
//! So a socket that always has data costs no poller calls at all, and a
//! waiting socket costs nothing until it changes: there is no re-arming
//! before each wait (no `epoll_ctl` per wait, as one-shot registration
//! would need).
//!
//! # Two ways to wait, two rules
//!
//! The readiness bits are *optimistic*: set means "worth trying the
//! syscall", not "the syscall will succeed". That suits `recv`, `send`,
//! `read_with` and `write_with`, which try the operation first and wait
//! only after a `WouldBlock`: a wrong guess costs one failed syscall.
//!
//! `Async::readable()` and `writable()` make a promise instead: they
//! resolve only once a read (or write) would not block. They cannot trust
//! the bits, which say "ready" for a fresh source and know nothing of
//! operations done around loopy (through `get_ref()`). So they ask the
//! kernel with a zero-timeout `poll(2)` each time they are polled, and
//! only when it says "would block" do they park their waker, to be woken
//! by the next edge for that direction. An error or hang-up counts as
//! ready, since the next operation then returns at once with it. This is
//! the promise of async-io's `readable()`, which waits for the poller's
//! word; loopy asks the kernel directly and so needs no extra turn of the
//! loop when the answer is already yes.
//!
//! When a source is deregistered (its `Async` dropped) while other tasks
//! still wait on it, those tasks are woken: their next poll finds the
//! source gone, instead of sleeping forever on a descriptor the poller no
//! longer watches.
//!
//! A read shorter than its buffer usually emptied the socket; on epoll,
//! loopy then clears readability without the read that would only say
//! `WouldBlock`. The rule and why it holds only on epoll are in
//! `short_reads.rs`.
//!
//! The reactor knows nothing of tasks: it holds wakers, and whoever asks it
//! to wake them says how (the loop wakes them on behalf of their
//! descriptor, for the trace).

use std::cell::{Cell, RefCell};
use std::io;
use std::num::NonZeroUsize;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::rc::Rc;
use std::sync::Arc;
use std::task::Waker;
use std::time::{Duration, Instant};

use polling::{Event, Events, PollMode, Poller};

#[cfg(any(target_os = "linux", target_os = "android"))]
use super::short_reads::ShortReads;
pub(crate) use super::source::{Direction, Source};

/// The poller and everything registered with it.
pub(crate) struct Reactor {
    /// Shared with the runtime's `Remote` half, whose `notify` interrupts a
    /// wait from another thread.
    poller: Arc<Poller>,
    /// Registered sources; the poller reports events by slot index.
    sources: RefCell<Slab>,
    /// The buffer the poller fills; reused across waits.
    events: RefCell<Events>,
    /// Wakers collected from one batch of events, woken after the borrows
    /// above are released; kept between waits so waking does not allocate.
    woken: RefCell<Vec<(i32, Waker)>>,
    /// Sources whose readability a short read cleared, until an event
    /// confirms it or their grace period ends (epoll only).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    short_reads: RefCell<ShortReads>,
    /// When the last wait returned: no event handled since is newer.
    last_wait: Cell<Instant>,
    /// Waits so far, plus one: the number a short read made now carries
    /// (never 0, which means "none pending").
    waits: Cell<u64>,
}

/// The sources by key, with free slots reused.
struct Slab {
    entries: Vec<Option<Rc<Source>>>,
    free: Vec<usize>,
}

/// How the reactor's caller wakes a waker parked on a descriptor. Called
/// with no borrow of the reactor held: a waker may run any code.
pub(crate) trait WakeFd: FnMut(i32, Waker) {}
impl<F: FnMut(i32, Waker)> WakeFd for F {}

/// Wakes the wakers collected from events with `wake`, emptying `woken`.
fn wake_all(woken: &mut Vec<(i32, Waker)>, wake: &mut impl WakeFd) {
    for (fd, waker) in woken.drain(..) {
        wake(fd, waker);
    }
}

/// How many events one wait takes in at most; more wait for the next.
const EVENTS_PER_WAIT: NonZeroUsize = match NonZeroUsize::new(1024) {
    Some(n) => n,
    None => unreachable!(),
};

impl Reactor {
    pub(crate) fn new(poller: Arc<Poller>) -> Reactor {
        Reactor {
            poller,
            sources: RefCell::new(Slab {
                entries: Vec::new(),
                free: Vec::new(),
            }),
            events: RefCell::new(Events::with_capacity(EVENTS_PER_WAIT)),
            woken: RefCell::new(Vec::new()),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            short_reads: RefCell::default(),
            last_wait: Cell::new(Instant::now()),
            waits: Cell::new(1),
        }
    }

    /// Registers `fd`, which must be in non-blocking mode, for edge-triggered
    /// read and write events.
    ///
    /// # Safety
    ///
    /// The caller must call [`deregister`](Reactor::deregister) before `fd`
    /// is closed. `io::Async`, which owns the descriptor it registers, is
    /// the one caller: it deregisters in its `Drop` and in `into_inner`.
    pub(crate) unsafe fn register(&self, fd: BorrowedFd<'_>) -> io::Result<Rc<Source>> {
        let mut sources = self.sources.borrow_mut();
        // Peek, do not pop: a registration that fails must leave the slab
        // exactly as it was.
        let reused = sources.free.last().copied();
        let key = reused.unwrap_or(sources.entries.len());
        let source = Rc::new(Source::new(key, fd.as_raw_fd()));
        // SAFETY: `add_with_mode` requires that the descriptor be removed
        // from the poller before it is closed, which our caller promises.
        let added = unsafe {
            self.poller
                .add_with_mode(fd.as_raw_fd(), Event::all(key), PollMode::Edge)
        };
        added?;
        if reused.is_some() {
            sources.free.pop();
            sources.entries[key] = Some(Rc::clone(&source));
        } else {
            sources.entries.push(Some(Rc::clone(&source)));
        }
        Ok(source)
    }

    /// Removes `source` (registered for `fd`) from the poller, and wakes
    /// the tasks still waiting on it with `wake`, so that none sleeps
    /// forever.
    pub(crate) fn deregister(&self, source: &Source, fd: BorrowedFd<'_>, mut wake: impl WakeFd) {
        // Deleting fails only if the descriptor is no longer registered,
        // which leaves nothing to undo.
        let _ = self.poller.delete(fd);
        {
            let mut sources = self.sources.borrow_mut();
            sources.entries[source.key] = None;
            sources.free.push(source.key);
        }
        let mut woken = Vec::new();
        source.take_waiters(&mut woken);
        wake_all(&mut woken, &mut wake);
    }

    /// Whether a task waits on any descriptor. A look at every source:
    /// only a paused clock asks, when the loop is idle.
    pub(crate) fn has_waiters(&self) -> bool {
        let sources = self.sources.borrow();
        sources
            .entries
            .iter()
            .flatten()
            .any(|source| source.has_waiters())
    }

    /// Whether any descriptor is registered, i.e. whether a non-blocking
    /// look at the poller could find anything.
    pub(crate) fn has_sources(&self) -> bool {
        let sources = self.sources.borrow();
        sources.entries.len() > sources.free.len()
    }

    /// Waits for I/O events (no longer than `timeout`; `None` waits until an
    /// event or a `notify`), marks the sources ready and wakes their
    /// waiters with `wake`. Returns the number of events.
    pub(crate) fn wait(
        &self,
        timeout: Option<Duration>,
        mut wake: impl WakeFd,
    ) -> io::Result<usize> {
        let mut woken = self.woken.take();
        let count = {
            let mut events = self.events.borrow_mut();
            events.clear();
            self.poller.wait(&mut events, timeout)?;
            self.last_wait.set(Instant::now());
            self.waits.set(self.waits.get() + 1);
            let sources = self.sources.borrow();
            for event in events.iter() {
                // An event for a slot freed (or reused) since the wait began
                // is at worst a spurious wake-up, which every waiter
                // tolerates.
                if let Some(Some(source)) = sources.entries.get(event.key) {
                    #[cfg(any(target_os = "linux", target_os = "android"))]
                    ShortReads::event(source);
                    source.event(event.readable, event.writable, &mut woken);
                }
            }
            events.len()
        };
        wake_all(&mut woken, &mut wake);
        *self.woken.borrow_mut() = woken;
        Ok(count)
    }
}

impl Reactor {
    /// A read on `source` returned less than its buffer could take, which
    /// on epoll means it emptied the socket: stop reading until an event
    /// comes, or until the short read's grace period ends (see
    /// `short_reads.rs`). Elsewhere it means nothing, and does nothing.
    #[inline]
    pub(crate) fn short_read(&self, source: &Rc<Source>) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            source.clear_ready(Direction::Read);
            self.short_reads
                .borrow_mut()
                .push(source, self.waits.get(), self.last_wait.get());
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = source;
    }

    /// Marks readable again, and wakes the readers of, every source whose
    /// short read no event has confirmed by the end of its grace period;
    /// `recheck` hears of each first (for the trace).
    pub(crate) fn recheck_short_reads(
        &self,
        now: Instant,
        mut recheck: impl FnMut(i32),
        mut wake: impl WakeFd,
    ) {
        let mut woken = Vec::new();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        self.short_reads.borrow_mut().due(now, |source| {
            recheck(source.fd());
            source.event(true, false, &mut woken);
        });
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = (now, &mut recheck);
        wake_all(&mut woken, &mut wake);
    }

    /// When the last wait on the poller returned.
    pub(crate) fn last_wait(&self) -> Instant {
        self.last_wait.get()
    }

    /// When the oldest short read still unconfirmed is due for a recheck.
    pub(crate) fn next_short_read_recheck(&self) -> Option<Instant> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return self.short_reads.borrow_mut().next_due();
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        None
    }

    /// Whether any short read may still be unconfirmed: the loop then
    /// checks the time each turn.
    pub(crate) fn has_short_reads(&self) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return !self.short_reads.borrow().is_empty();
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        false
    }
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::io::Write;
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;
    use std::rc::Rc;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use polling::Poller;

    use super::{Direction, Reactor, Source};
    #[cfg(any(target_os = "linux", target_os = "android"))]
    use crate::driver::short_reads::GRACE;

    fn reactor() -> Reactor {
        Reactor::new(Arc::new(Poller::new().unwrap()))
    }

    /// The number of slots and of free slots: the whole of the slab's shape.
    fn slots(reactor: &Reactor) -> (usize, usize) {
        let sources = reactor.sources.borrow();
        (sources.entries.len(), sources.free.len())
    }

    /// epoll refuses regular files (`EPERM`).
    fn unpollable() -> File {
        File::open("/proc/self/exe").unwrap()
    }

    /// Whether `source` is marked readable.
    fn readable(source: &Source) -> bool {
        source.is_ready(Direction::Read)
    }

    /// Registers `fd` with `reactor`; the tests deregister before closing.
    fn register(reactor: &Reactor, fd: std::os::fd::BorrowedFd<'_>) -> std::io::Result<Rc<Source>> {
        // SAFETY: every test deregisters what it registered before the
        // descriptor is closed, or registration failed.
        unsafe { reactor.register(fd) }
    }

    /// Waits without blocking; the tests' wakers have nobody to wake.
    fn peek(reactor: &Reactor) -> usize {
        reactor.wait(Some(Duration::ZERO), |_, _| {}).unwrap()
    }

    /// Registers one end of a fresh pair and takes in the event that
    /// registering an edge-triggered socket reports at once.
    fn quiet_source(reactor: &Reactor) -> (Rc<Source>, UnixStream, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        let source = register(reactor, a.as_fd()).unwrap();
        peek(reactor);
        (source, a, b)
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_short_read_that_an_event_confirms_holds_no_deadline() {
        let reactor = reactor();
        let (source, a, mut b) = quiet_source(&reactor);
        reactor.short_read(&source);
        assert!(!readable(&source));
        let deadline = reactor
            .next_short_read_recheck()
            .expect("a short read awaiting its recheck");
        assert!(deadline <= Instant::now() + GRACE);

        b.write_all(b"more").unwrap();
        assert_eq!(peek(&reactor), 1);
        assert!(readable(&source));
        assert_eq!(
            reactor.next_short_read_recheck(),
            None,
            "the event confirmed it"
        );
        assert!(!reactor.has_short_reads(), "and it was forgotten");
        reactor.deregister(&source, a.as_fd(), |_, _| {});
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_short_read_no_event_confirms_is_read_again_after_the_grace() {
        let reactor = reactor();
        let (source, a, _b) = quiet_source(&reactor);
        reactor.short_read(&source);
        // A wait that brings nothing for it does not confirm it.
        assert_eq!(peek(&reactor), 0);
        let deadline = reactor
            .next_short_read_recheck()
            .expect("still unconfirmed");

        reactor.recheck_short_reads(deadline - Duration::from_millis(1), |_| {}, |_, _| {});
        assert!(!readable(&source), "not before the grace period ends");
        reactor.recheck_short_reads(deadline, |_| {}, |_, _| {});
        assert!(readable(&source), "readable again, so its reader looks");
        assert_eq!(reactor.next_short_read_recheck(), None);
        reactor.deregister(&source, a.as_fd(), |_, _| {});
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn confirmed_short_reads_leave_nothing_behind_once_the_loop_looks() {
        let reactor = reactor();
        let (source, a, mut b) = quiet_source(&reactor);
        // Each wait's event confirms the short read before it, but the
        // short read stays queued until the loop next looks.
        for _ in 0..200 {
            reactor.short_read(&source);
            b.write_all(b"x").unwrap();
            assert_eq!(peek(&reactor), 1);
        }
        assert!(reactor.has_short_reads());
        assert_eq!(reactor.next_short_read_recheck(), None);
        assert!(!reactor.has_short_reads());
        assert!(reactor.short_reads.borrow().is_empty());
        reactor.deregister(&source, a.as_fd(), |_, _| {});
    }

    #[test]
    fn a_failed_registration_into_an_empty_reactor_changes_nothing() {
        let reactor = reactor();
        assert!(register(&reactor, unpollable().as_fd()).is_err());
        assert!(!reactor.has_sources());
        assert_eq!(slots(&reactor), (0, 0));

        // The next registration works and counts.
        let (a, _b) = UnixStream::pair().unwrap();
        let source = register(&reactor, a.as_fd()).unwrap();
        assert!(reactor.has_sources());
        reactor.deregister(&source, a.as_fd(), |_, _| {});
        assert!(!reactor.has_sources());
    }

    #[test]
    fn a_failed_registration_leaves_free_slots_and_live_sources_alone() {
        let reactor = reactor();
        let (a, b) = UnixStream::pair().unwrap();
        let first = register(&reactor, a.as_fd()).unwrap();
        let second = register(&reactor, b.as_fd()).unwrap();
        reactor.deregister(&first, a.as_fd(), |_, _| {});
        assert_eq!(slots(&reactor), (2, 1));

        assert!(register(&reactor, unpollable().as_fd()).is_err());
        assert_eq!(slots(&reactor), (2, 1));
        assert!(reactor.has_sources(), "the second source is still live");

        // The free slot is still there to reuse, exactly once.
        let again = register(&reactor, a.as_fd()).unwrap();
        assert_eq!(slots(&reactor), (2, 0));
        reactor.deregister(&again, a.as_fd(), |_, _| {});
        reactor.deregister(&second, b.as_fd(), |_, _| {});
        assert!(!reactor.has_sources());
        assert_eq!(slots(&reactor), (2, 2));
    }
}
