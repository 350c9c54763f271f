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
//! A TCP read shorter than its buffer emptied the socket, so loopy clears
//! readability after it too and saves the read that would only say
//! `WouldBlock`. There is one catch. When data and the peer's FIN arrive
//! before the same wait, epoll reports a single edge; the read returns the
//! data, and no further edge ever comes for the FIN. tokio learns of the
//! FIN from `EPOLLRDHUP`, which `polling` does not expose. loopy instead
//! keeps such a source *unconfirmed*: any later event for it settles the
//! matter (epoll reports the whole current mask, so a pending FIN shows as
//! readable, and its absence proves there is none), and one that sees no
//! event for `UNCONFIRMED_GRACE` is marked readable again so its reader
//! looks once more. A socket that hears from its peer within the grace
//! period never pays for the extra read; a FIN that hid behind a short
//! read is seen at most about 20 ms late.
//!
//! Keeping that cheap matters, since an echo-like socket makes a short read
//! on nearly every message. Short reads wait in one queue, in the order
//! they were made, cut into *generations*, one per wait: a short read joins
//! the generation of the last wait, which holds that wait's time and how
//! many entries of the queue are its own. A source remembers the number of
//! its generation, and an event settles it by forgetting that number;
//! nothing is taken off the queue. When a generation is older than the
//! grace period, the loop takes its entries off once and marks readable
//! every source still unconfirmed from it. So a short read costs a push
//! onto the queue and, 20 ms later, one look.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::num::NonZeroUsize;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use polling::{Event, Events, PollMode, Poller};
use rustix::event::{PollFd, PollFlags, Timespec};

use crate::loop_local::{self, Filled, LoopLocal};
use crate::trace::{self, WakeCause};
use crate::unwind;
use crate::wait::{self, Parked};

thread_local! {
    /// The reactor of the loop running on this thread.
    static CURRENT: LoopLocal<Reactor> = const { LoopLocal::new(None) };
}

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
    /// I/O operations the task being polled may still complete before it
    /// has to yield; refilled before every poll.
    budget: Cell<u32>,
    /// Sources whose readability a short read cleared, oldest first, and
    /// the waits they followed (see the module docs).
    short_reads: RefCell<ShortReads>,
    /// When the last wait returned: no event handled since is newer.
    last_wait: Cell<Instant>,
    /// Waits so far, plus one: the number of the generation a short read
    /// made now joins (never 0, which means "confirmed").
    generation: Cell<u64>,
}

/// The short reads not yet expired.
#[derive(Default)]
struct ShortReads {
    /// The sources, each pushed when its short read made it unconfirmed;
    /// an event may have settled it since.
    sources: VecDeque<Rc<Source>>,
    /// The waits those short reads followed, oldest first, each owning the
    /// next `len` entries of `sources`.
    generations: VecDeque<Generation>,
}

/// The short reads made between two waits.
struct Generation {
    /// The number the sources of this generation carry while unconfirmed.
    number: u64,
    /// When the wait before them returned, from which their grace period
    /// is counted.
    since: Instant,
    /// How many entries of `ShortReads::sources` are this generation's.
    len: usize,
}

/// The sources by key, with free slots reused.
struct Slab {
    entries: Vec<Option<Rc<Source>>>,
    free: Vec<usize>,
}

/// One registered file descriptor: its readiness and who waits on it.
pub(crate) struct Source {
    /// The key the poller reports this source's events with.
    key: usize,
    /// The descriptor, to say in the trace and the task list what a task
    /// waits on.
    fd: i32,
    /// `READABLE` and `WRITABLE` bits, as last learned.
    ready: Cell<u8>,
    /// The generation of the short read that cleared `READABLE` without
    /// an event to confirm it; 0 once confirmed. The number also tells this
    /// marking from an earlier one still listed in an older generation.
    unconfirmed_in: Cell<u64>,
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

/// Wakes the wakers collected from events, each on behalf of its
/// descriptor, emptying `woken`. Called with no borrow of the reactor held:
/// a waker may run any code.
fn wake_all(woken: &mut Vec<(i32, Waker)>) {
    for (fd, waker) in woken.drain(..) {
        trace::waking(WakeCause::Fd(fd), || unwind::wake_contained(waker));
    }
}

/// How many I/O operations one poll of a task may complete. A task whose
/// socket always has data would otherwise never return `Pending`, and the
/// loop would never get back to its timers and other sockets.
const BUDGET_PER_POLL: u32 = 128;

/// How long a short read is trusted to have drained a socket without an
/// event to confirm it; after that the reader reads once more.
pub(crate) const UNCONFIRMED_GRACE: Duration = Duration::from_millis(20);

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
            budget: Cell::new(BUDGET_PER_POLL),
            short_reads: RefCell::default(),
            last_wait: Cell::new(Instant::now()),
            generation: Cell::new(1),
        }
    }

    /// The reactor of the loop running on this thread.
    ///
    /// # Panics
    ///
    /// Outside a runtime, naming `what`, the function the user called.
    pub(crate) fn current(what: &str) -> Rc<Reactor> {
        loop_local::expect(&CURRENT, what)
    }

    /// Makes `reactor` the one `io::Async` on this thread reaches, until
    /// the guard is dropped; `None` if another loop runs on this thread.
    pub(crate) fn enter(reactor: &Rc<Reactor>) -> Option<Filled<Reactor>> {
        loop_local::fill(&CURRENT, reactor)
    }

    /// Gives the task about to be polled its full I/O budget.
    pub(crate) fn refill_budget(&self) {
        self.budget.set(BUDGET_PER_POLL);
    }

    /// Whether the running task may do one more I/O operation in this poll.
    pub(crate) fn has_budget(&self) -> bool {
        self.budget.get() > 0
    }

    /// Counts one completed I/O operation against the running task.
    pub(crate) fn spend_budget(&self) {
        self.budget.set(self.budget.get().saturating_sub(1));
    }

    /// Registers `fd`, which must be in non-blocking mode, for edge-triggered
    /// read and write events.
    ///
    /// The caller must call [`deregister`](Reactor::deregister) before `fd`
    /// is closed (`io::Async` does, in its `Drop`).
    pub(crate) fn register(&self, fd: BorrowedFd<'_>) -> io::Result<Rc<Source>> {
        let mut sources = self.sources.borrow_mut();
        // Peek, do not pop: a registration that fails must leave the slab
        // exactly as it was.
        let reused = sources.free.last().copied();
        let key = reused.unwrap_or(sources.entries.len());
        let source = Rc::new(Source {
            key,
            fd: fd.as_raw_fd(),
            ready: Cell::new(Direction::Read.bit() | Direction::Write.bit()),
            unconfirmed_in: Cell::new(0),
            waiters: Default::default(),
            parked: Cell::new(0),
        });
        // SAFETY: `add_with_mode` requires that the descriptor be removed
        // from the poller before it is closed. `io::Async`, the only caller,
        // owns the descriptor and calls `deregister` before it drops it, in
        // its `Drop` and in `into_inner`.
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
    /// the tasks still waiting on it so that none sleeps forever.
    pub(crate) fn deregister(&self, source: &Source, fd: BorrowedFd<'_>) {
        // Deleting fails only if the descriptor is no longer registered,
        // which leaves nothing to undo.
        let _ = self.poller.delete(fd);
        {
            let mut sources = self.sources.borrow_mut();
            sources.entries[source.key] = None;
            sources.free.push(source.key);
        }
        let mut woken = Vec::new();
        source.parked.set(0);
        for waiters in &source.waiters {
            waiters.borrow_mut().take_into(source.fd, &mut woken);
        }
        wake_all(&mut woken);
    }

    /// Whether any descriptor is registered, i.e. whether a non-blocking
    /// look at the poller could find anything.
    pub(crate) fn has_sources(&self) -> bool {
        let sources = self.sources.borrow();
        sources.entries.len() > sources.free.len()
    }

    /// Waits for I/O events (no longer than `timeout`; `None` waits until an
    /// event or a `notify`), marks the sources ready and wakes their
    /// waiters. Returns the number of events.
    pub(crate) fn wait(&self, timeout: Option<Duration>) -> io::Result<usize> {
        let mut woken = self.woken.take();
        let count = {
            let mut events = self.events.borrow_mut();
            events.clear();
            self.poller.wait(&mut events, timeout)?;
            self.last_wait.set(Instant::now());
            self.generation.set(self.generation.get() + 1);
            let sources = self.sources.borrow();
            for event in events.iter() {
                // An event for a slot freed (or reused) since the wait began
                // is at worst a spurious wake-up, which every waiter
                // tolerates.
                if let Some(Some(source)) = sources.entries.get(event.key) {
                    // Any event carries the whole current mask: it settles
                    // an unconfirmed short read either way.
                    source.unconfirmed_in.set(0);
                    let mut bits = 0;
                    if event.readable {
                        bits |= Direction::Read.bit();
                    }
                    if event.writable {
                        bits |= Direction::Write.bit();
                    }
                    source.mark_ready(bits, &mut woken);
                }
            }
            events.len()
        };
        wake_all(&mut woken);
        *self.woken.borrow_mut() = woken;
        Ok(count)
    }
}

impl Reactor {
    /// A short read left `source` drained, probably: stop reading until an
    /// event comes, or until the grace period runs out unconfirmed.
    #[inline]
    pub(crate) fn assume_drained(&self, source: &Rc<Source>) {
        source.clear_ready(Direction::Read);
        if source.unconfirmed_in.get() == 0 {
            let number = self.generation.get();
            source.unconfirmed_in.set(number);
            let mut short_reads = self.short_reads.borrow_mut();
            short_reads.sources.push_back(Rc::clone(source));
            match short_reads.generations.back_mut() {
                Some(last) if last.number == number => last.len += 1,
                _ => short_reads.generations.push_back(Generation {
                    number,
                    since: self.last_wait.get(),
                    len: 1,
                }),
            }
        }
    }

    /// Marks readable again, and wakes the readers of, every source whose
    /// short read has gone unconfirmed for the grace period by `now`.
    pub(crate) fn expire_unconfirmed(&self, now: Instant) {
        let mut woken = Vec::new();
        {
            let mut short_reads = self.short_reads.borrow_mut();
            while let Some(oldest) = short_reads.generations.front() {
                if oldest.since + UNCONFIRMED_GRACE > now {
                    break;
                }
                let Generation { number, len, .. } = short_reads
                    .generations
                    .pop_front()
                    .expect("front() was Some");
                for source in short_reads.sources.drain(..len) {
                    // Unless an event settled this marking meanwhile (and
                    // maybe a later short read made a new one, in a younger
                    // generation).
                    if source.unconfirmed_in.get() == number {
                        source.unconfirmed_in.set(0);
                        source.mark_ready(Direction::Read.bit(), &mut woken);
                    }
                }
            }
        }
        wake_all(&mut woken);
    }

    /// When the last wait on the poller returned.
    pub(crate) fn last_wait(&self) -> Instant {
        self.last_wait.get()
    }

    /// Whether any short read may still be unconfirmed: the loop then
    /// checks the time each turn.
    pub(crate) fn has_short_reads(&self) -> bool {
        !self.short_reads.borrow().generations.is_empty()
    }

    /// When the oldest unconfirmed short read expires. Generations that
    /// events have settled whole are dropped here, so an idle loop does not
    /// wake for them.
    pub(crate) fn next_expiry(&self) -> Option<Instant> {
        let short_reads = &mut *self.short_reads.borrow_mut();
        while let Some(oldest) = short_reads.generations.front_mut() {
            // Settled entries at the front are done with: take them off.
            while oldest.len > 0 {
                let front = short_reads.sources.front().expect("counted in `len`");
                if front.unconfirmed_in.get() == oldest.number {
                    return Some(oldest.since + UNCONFIRMED_GRACE);
                }
                short_reads.sources.pop_front();
                oldest.len -= 1;
            }
            short_reads.generations.pop_front();
        }
        None
    }
}

impl Source {
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

    /// Parks `waker` on direction `dir` until the next event for it.
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
        self.park(dir, cx.waker());
        Poll::Pending
    }

    /// Parks `waker` until the poller says the source is ready in `dir`.
    /// Kept out of line so that the ready path above stays a bit test.
    #[inline(never)]
    fn park(&self, dir: Direction, waker: &Waker) {
        self.register(dir, waker);
        wait::parked(match dir {
            Direction::Read => Parked::Readable(self.fd),
            Direction::Write => Parked::Writable(self.fd),
        });
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

    use super::{Direction, Reactor, Source, UNCONFIRMED_GRACE};

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
        source.ready.get() & Direction::Read.bit() != 0
    }

    /// Registers one end of a fresh pair and takes in the event that
    /// registering an edge-triggered socket reports at once.
    fn settled_source(reactor: &Reactor) -> (Rc<Source>, UnixStream, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        let source = reactor.register(a.as_fd()).unwrap();
        reactor.wait(Some(Duration::ZERO)).unwrap();
        (source, a, b)
    }

    #[test]
    fn a_short_read_that_an_event_settles_holds_no_deadline() {
        let reactor = reactor();
        let (source, a, mut b) = settled_source(&reactor);
        reactor.assume_drained(&source);
        assert!(!readable(&source));
        let deadline = reactor.next_expiry().expect("an unconfirmed short read");
        assert!(deadline <= Instant::now() + UNCONFIRMED_GRACE);

        b.write_all(b"more").unwrap();
        assert_eq!(reactor.wait(Some(Duration::ZERO)).unwrap(), 1);
        assert!(readable(&source));
        assert_eq!(reactor.next_expiry(), None, "the event settled it");
        assert!(!reactor.has_short_reads(), "its generation was dropped");
        reactor.deregister(&source, a.as_fd());
    }

    #[test]
    fn a_short_read_no_event_settles_is_read_again_after_the_grace() {
        let reactor = reactor();
        let (source, a, _b) = settled_source(&reactor);
        reactor.assume_drained(&source);
        // A wait that brings nothing for it does not settle it.
        assert_eq!(reactor.wait(Some(Duration::ZERO)).unwrap(), 0);
        let deadline = reactor.next_expiry().expect("still unconfirmed");

        reactor.expire_unconfirmed(deadline - Duration::from_millis(1));
        assert!(!readable(&source), "not before the grace period ends");
        reactor.expire_unconfirmed(deadline);
        assert!(readable(&source), "readable again, so its reader looks");
        assert_eq!(reactor.next_expiry(), None);
        reactor.deregister(&source, a.as_fd());
    }

    #[test]
    fn settled_generations_leave_nothing_behind_once_the_loop_looks() {
        let reactor = reactor();
        let (source, a, mut b) = settled_source(&reactor);
        // Each wait's event settles the short read before it, but its
        // generation stays queued until the loop next looks.
        for _ in 0..200 {
            reactor.assume_drained(&source);
            b.write_all(b"x").unwrap();
            assert_eq!(reactor.wait(Some(Duration::ZERO)).unwrap(), 1);
        }
        assert!(reactor.has_short_reads());
        assert_eq!(reactor.next_expiry(), None);
        assert!(!reactor.has_short_reads());
        assert!(reactor.short_reads.borrow().sources.is_empty());
        reactor.deregister(&source, a.as_fd());
    }

    #[test]
    fn a_failed_registration_into_an_empty_reactor_changes_nothing() {
        let reactor = reactor();
        assert!(reactor.register(unpollable().as_fd()).is_err());
        assert!(!reactor.has_sources());
        assert_eq!(slots(&reactor), (0, 0));

        // The next registration works and counts.
        let (a, _b) = UnixStream::pair().unwrap();
        let source = reactor.register(a.as_fd()).unwrap();
        assert!(reactor.has_sources());
        reactor.deregister(&source, a.as_fd());
        assert!(!reactor.has_sources());
    }

    #[test]
    fn a_failed_registration_leaves_free_slots_and_live_sources_alone() {
        let reactor = reactor();
        let (a, b) = UnixStream::pair().unwrap();
        let first = reactor.register(a.as_fd()).unwrap();
        let second = reactor.register(b.as_fd()).unwrap();
        reactor.deregister(&first, a.as_fd());
        assert_eq!(slots(&reactor), (2, 1));

        assert!(reactor.register(unpollable().as_fd()).is_err());
        assert_eq!(slots(&reactor), (2, 1));
        assert!(reactor.has_sources(), "the second source is still live");

        // The free slot is still there to reuse, exactly once.
        let again = reactor.register(a.as_fd()).unwrap();
        assert_eq!(slots(&reactor), (2, 0));
        reactor.deregister(&again, a.as_fd());
        reactor.deregister(&second, b.as_fd());
        assert!(!reactor.has_sources());
        assert_eq!(slots(&reactor), (2, 2));
    }
}
