//! The loop.
//!
//! # One turn of the loop
//!
//! The Python loops that loopy grew from all have the same heart:
//!
//! ```text
//! while tasks:
//!     run every task in `ready`            # generators, resumed with next()
//!     move sleepers whose time has come    # a heapq of (deadline, task)
//!        from `sleeping` to `ready`
//!     select(readers, writers, timeout)    # timeout = until the next sleeper
//!     move tasks whose sockets are ready to `ready`
//! ```
//!
//! loopy's loop is that loop, with futures for generators and wakers for
//! the lists. `Core::turn` below is one pass, in four steps:
//!
//! 1. **Take in remote wakes.** A waker woken on another thread (a
//!    `spawn_blocking` result, a channel fed by a thread) cannot touch the
//!    run queue, so it left the task in the runtime's `Remote` half. Those
//!    tasks join the `RunQueue` first.
//! 2. **Run ready tasks.** Pop tasks off the run queue and poll each once.
//!    A task that returns `Pending` has parked its waker somewhere (a
//!    timer, a socket, another task's handle); whoever holds it pushes the
//!    task back onto the queue when it can make progress. At most
//!    `event_interval` tasks run per turn, so that a task that is always
//!    ready (say, one that loops on `yield_now`) cannot keep the loop from
//!    its timers and sockets. Likewise a task may complete at most 128 I/O
//!    operations in one poll before it is made to yield, so a socket that
//!    always has data cannot hold the loop either.
//! 3. **Fire due timers.** Every timer in the `TimerHeap` whose deadline
//!    has passed wakes its task. (So does a socket whose short read has gone
//!    unconfirmed for too long; see `reactor.rs`.)
//! 4. **Wait for I/O.** If nothing is ready, ask the poller for events and
//!    sleep until one comes or the next timer is due, then wake the tasks
//!    whose sockets became ready. If tasks *are* ready, do not sleep, and
//!    do not even look, unless `event_interval` tasks have run since the
//!    last look: each look at the poller costs several syscalls, and a loop
//!    that has work is better off doing it.
//!
//! [`Runtime::block_on`] turns the loop until the future it was given is
//! done. That future sits in the run queue like a task whenever it is woken,
//! and takes its turn in order.
//!
//! # Watching it turn
//!
//! With the trace on (`LOOPY_TRACE=1`, `#[loopy::main(trace)]` or
//! `Runtime::builder().trace(true)`; see `trace.rs`), each step above
//! prints a line as it happens: the turn's start, every spawn, every poll
//! and what the task then waits on, every wake and who made it, the timers
//! that fired and each wait on the poller. `LOOPY_TRACE=turns` prints one
//! summary line per turn instead.
//!
//! Step 2 is where a task can freeze the loop: while one poll runs, nothing
//! else does. A poll that runs longer than the slow-poll threshold (100 ms
//! by default) is reported on stderr with the task's name and spawn
//! location; `slow_poll.rs` explains how that costs almost nothing.
//! [`task::list`](crate::task::list) shows every task and what it waits
//! on, at any time.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::io;
use std::panic::Location;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use polling::Poller;

use crate::blocking::{self, BlockingPool};
use crate::loop_local::Filled;
use crate::reactor::Reactor;
use crate::slow_poll::{self, SlowPoll, SlowPollWatch};
use crate::task::info::{TaskState, TaskStats};
use crate::task::raw::{Ran, TaskRef};
use crate::task::run_queue::{Remote, RunQueue, Runnable};
use crate::task::tasks::Tasks;
use crate::task::TaskId;
use crate::time::heap::TimerHeap;
use crate::trace::{self, Short, Trace};
use crate::wait;

pub use crate::trace::TraceLevel;

/// A loopy event loop: its run queue, timers, poller and tasks.
///
/// A runtime runs on the thread that calls [`block_on`](Runtime::block_on),
/// and only while it does; it can run several `block_on`s in turn, and
/// tasks spawned during one keep going in the next. Dropping the runtime
/// drops every task that has not finished, running their destructors.
///
/// # Examples
///
/// ```
/// let rt = loopy::Runtime::new()?;
/// let handle = rt.block_on(async { loopy::spawn(async { "later" }) });
/// assert_eq!(rt.block_on(handle).unwrap(), "later");
/// # std::io::Result::Ok(())
/// ```
pub struct Runtime {
    core: Rc<Core>,
}

/// Settings for a [`Runtime`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let rt = loopy::Runtime::builder()
///     .event_interval(31)
///     .max_blocking_threads(4)
///     .slow_poll(Duration::from_millis(50))
///     .build()?;
/// rt.block_on(async {});
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    event_interval: u32,
    max_blocking_threads: usize,
    trace: TraceLevel,
    slow_poll: Duration,
    time_polls: bool,
    /// Whether the clock starts paused, moving only when nothing else can
    /// happen or when the program advances it.
    start_paused: bool,
    /// The seed of the run's order of ready tasks, I/O events and equal
    /// timers; `None` keeps first-in first-out.
    seed: Option<u64>,
}

/// The runtime itself, shared with the thread-local slots while the loop
/// runs.
pub(crate) struct Core {
    /// The live tasks and the run queue.
    tasks: Rc<Tasks>,
    /// Timers, ordered by deadline. In an `Rc` because each armed `Sleep`
    /// keeps a handle to remove itself.
    timers: Rc<TimerHeap>,
    /// The poller and the sources registered with it. In an `Rc` because
    /// each `io::Async` keeps a handle to deregister itself.
    reactor: Rc<Reactor>,
    /// Threads for `spawn_blocking`.
    blocking: Rc<BlockingPool>,
    /// Wakes `block_on`'s own future; made once, reused by every `block_on`.
    main_waker: Waker,
    /// Tasks polled since the loop last looked at the poller.
    polls_since_io: Cell<u32>,
    /// The most tasks one turn runs, and how many may run between looks at
    /// the poller.
    event_interval: u32,
    /// Turns so far; also numbers the trace lines.
    turns: Cell<u64>,
    /// What the loop says about itself on stderr.
    trace: Rc<Trace>,
    /// Whether the trace tells every event (a copy, checked on every poll).
    trace_events: bool,
    /// Notices polls that run too long; `None` when turned off.
    slow_poll: Option<SlowPollWatch>,
    /// Spawned tasks that panicked, and the first one's message: a test
    /// runner fails the test on them even when nobody joined the task.
    panics: RefCell<TaskPanics>,
}

/// The panics of this runtime's tasks, for `#[loopy::test]`.
#[derive(Default)]
pub(crate) struct TaskPanics {
    pub(crate) count: usize,
    pub(crate) first: Option<String>,
}

/// What one turn did, for the trace.
struct TurnReport {
    ran: u32,
    fired: usize,
    waited: Option<(Duration, usize)>,
}

/// The thread-local slots a running loop fills; emptied on drop.
struct Entered {
    _tracing: trace::Tracing,
    _tasks: (Filled<Tasks>, Filled<RunQueue>),
    _timers: Filled<TimerHeap>,
    _reactor: Filled<Reactor>,
    _blocking: Filled<BlockingPool>,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            event_interval: 61,
            max_blocking_threads: blocking::DEFAULT_MAX_THREADS,
            trace: TraceLevel::Off,
            slow_poll: slow_poll::DEFAULT_THRESHOLD,
            time_polls: false,
            start_paused: false,
            seed: None,
        }
    }
}

impl Builder {
    /// The default settings.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// How many tasks may be polled between two looks at the poller, and
    /// at most in one turn (default 61, after tokio's). Lower values check
    /// sockets and timers more often at the cost of more syscalls.
    /// A value of 0 is taken as 1.
    pub fn event_interval(mut self, tasks: u32) -> Builder {
        self.event_interval = tasks.max(1);
        self
    }

    /// The most threads `spawn_blocking` starts at once (default 64);
    /// further jobs wait for a free thread. A value of 0 is taken as 1.
    pub fn max_blocking_threads(mut self, threads: usize) -> Builder {
        self.max_blocking_threads = threads.max(1);
        self
    }

    /// Whether the loop prints every event to stderr as it happens: the
    /// same as `trace_level(TraceLevel::Events)` or `TraceLevel::Off`
    /// (default off). The environment variable `LOOPY_TRACE`, when set,
    /// takes precedence; see [`TraceLevel`].
    pub fn trace(self, on: bool) -> Builder {
        self.trace_level(if on {
            TraceLevel::Events
        } else {
            TraceLevel::Off
        })
    }

    /// How much the loop prints about itself to stderr (default
    /// [`TraceLevel::Off`]). The environment variable `LOOPY_TRACE`, when
    /// set, takes precedence.
    pub fn trace_level(mut self, level: TraceLevel) -> Builder {
        self.trace = level;
        self
    }

    /// Warn on stderr about any single poll that runs longer than
    /// `threshold`, naming the task (default 100 ms; zero turns the
    /// warning off). Such a poll freezes every other task. The check is
    /// nearly free, and coarse: a poll is reported once it ran for the
    /// threshold, for certain once it ran a quarter longer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = loopy::Runtime::builder().slow_poll(Duration::ZERO).build()?;
    /// // Computes for a while in one poll, and nobody is told.
    /// rt.block_on(async { std::thread::sleep(Duration::from_millis(150)) });
    /// # std::io::Result::Ok(())
    /// ```
    pub fn slow_poll(mut self, threshold: Duration) -> Builder {
        self.slow_poll = threshold;
        self
    }

    /// Whether to time every poll, so that
    /// [`TaskInfo::busy`](crate::task::TaskInfo::busy) is known (default
    /// off, and always on while the trace is). Costs two clock reads and a
    /// lookup in the map of busy times per poll.
    pub fn time_polls(mut self, on: bool) -> Builder {
        self.time_polls = on;
        self
    }

    /// Whether the runtime's clock starts paused (default off): time then
    /// stands still while tasks run, and jumps to the next timer's deadline
    /// when nothing else can happen, so a test of timeouts runs at once and
    /// the same way every time.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = loopy::Runtime::builder().start_paused(true).build()?;
    /// rt.block_on(async {});
    /// # std::io::Result::Ok(())
    /// ```
    pub fn start_paused(mut self, paused: bool) -> Builder {
        self.start_paused = paused;
        self
    }

    /// Runs the tasks that are ready in a turn, the I/O events that arrive
    /// together and the timers that fall due together in an order drawn
    /// from `seed`, instead of first-in first-out (the default). The
    /// environment variable `LOOPY_SEED`, when set, takes precedence in
    /// `#[loopy::test]`. With a paused clock and only in-memory I/O, one
    /// seed gives one run, event for event.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = loopy::Runtime::builder().seed(42).build()?;
    /// rt.block_on(async {});
    /// # std::io::Result::Ok(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = Some(seed);
        self
    }

    /// Creates the runtime.
    ///
    /// # Errors
    ///
    /// If the poller cannot be created (the process is out of file
    /// descriptors, say).
    pub fn build(self) -> io::Result<Runtime> {
        let poller = Arc::new(Poller::new()?);
        if !poller.supports_edge() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "loopy needs an edge-triggered poller (epoll or kqueue) and this platform has none",
            ));
        }
        let level = TraceLevel::from_env().unwrap_or(self.trace);
        let trace = Rc::new(Trace::new(level, Instant::now()));
        let remote = Arc::new(Remote::new(Arc::clone(&poller)));
        let timing = self.time_polls || trace.events();
        let core = Core {
            tasks: Rc::new(Tasks::new(Arc::clone(&remote), Rc::clone(&trace), timing)),
            timers: Rc::new(TimerHeap::new()),
            reactor: Rc::new(Reactor::new(poller)),
            main_waker: Waker::from(remote),
            blocking: Rc::new(BlockingPool::new(self.max_blocking_threads)),
            polls_since_io: Cell::new(0),
            event_interval: self.event_interval,
            turns: Cell::new(0),
            trace_events: trace.events(),
            trace,
            slow_poll: SlowPollWatch::new(self.slow_poll),
            panics: RefCell::new(TaskPanics::default()),
        };
        Ok(Runtime {
            core: Rc::new(core),
        })
    }
}

impl Runtime {
    /// A runtime with the default settings.
    ///
    /// # Errors
    ///
    /// As for [`Builder::build`].
    pub fn new() -> io::Result<Runtime> {
        Builder::new().build()
    }

    /// Settings for a new runtime.
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// Runs the loop until `future` completes, and returns its output.
    ///
    /// A panic in `future` itself propagates to the caller (a panic in a
    /// spawned task does not: its `JoinHandle` reports it).
    ///
    /// # Panics
    ///
    /// If a loopy runtime is already running on this thread: a nested
    /// `block_on` would stop the outer loop. Use `.await` or
    /// [`spawn`](crate::spawn) instead.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.block_on_at(future, Location::caller())
    }

    /// [`block_on`](Runtime::block_on), with where the future comes from
    /// (the dump's "spawned at") given: `cores::run` passes its caller's,
    /// since its loops call this from threads of their own.
    #[track_caller]
    pub(crate) fn block_on_at<F: Future>(
        &self,
        future: F,
        location: &'static Location<'static>,
    ) -> F::Output {
        let Some(_entered) = self.core.enter() else {
            panic!(
                "loopy::block_on called while a loopy runtime is already running on this \
                 thread; a nested block_on would freeze the outer loop. Use `.await` inside \
                 async code, or loopy::spawn to run the future as a task"
            );
        };
        let core = &*self.core;
        core.tasks.main.location.set(location);
        let mut future = pin!(future);
        let mut cx = Context::from_waker(&core.main_waker);
        let mut output = None;
        let mut poll_main = || match future.as_mut().poll(&mut cx) {
            Poll::Ready(out) => {
                output = Some(out);
                true
            }
            Poll::Pending => false,
        };
        core.tasks.run_queue.start_main();
        while !core.turn(&mut poll_main) {}
        output.expect("the loop stops only once block_on's future is ready")
    }

    /// Drops the runtime (and so every task still pending), then reports
    /// how many of its tasks panicked, destructors run at shutdown included.
    pub(crate) fn into_task_panics(self) -> TaskPanics {
        let core = Rc::clone(&self.core);
        drop(self);
        core.panics.take()
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("tasks", &self.core.tasks.registry.borrow().len())
            .field("timers", &self.core.timers.armed())
            .field("turns", &self.core.turns.get())
            .finish()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Destructors of the tasks may spawn or sleep; let them find this
        // runtime, unless another one is running on the thread or the
        // thread is exiting. Shutdown happens either way.
        let _entered = self.core.enter();
        self.core.shutdown();
    }
}

impl Core {
    /// Fills the thread-local slots through which `spawn`, `sleep` and the
    /// I/O types find this loop; `None` if another loop runs on this thread
    /// (or the thread is exiting).
    fn enter(&self) -> Option<Entered> {
        let tasks = Tasks::enter(&self.tasks)?;
        Some(Entered {
            _tracing: trace::tracing(self.trace_events),
            _tasks: tasks,
            _timers: TimerHeap::enter(&self.timers)?,
            _reactor: Reactor::enter(&self.reactor)?,
            _blocking: BlockingPool::enter(&self.blocking)?,
        })
    }

    /// One turn of the loop; see the module's essay. `poll_main` polls
    /// `block_on`'s future when its entry comes up; the turn ends early and
    /// returns `true` once that future is ready.
    fn turn(&self, poll_main: &mut dyn FnMut() -> bool) -> bool {
        let turn = self.turns.get() + 1;
        self.turns.set(turn);
        let events = self.trace_events;
        if events {
            self.trace.line(format_args!("turn {turn}"));
        }

        // 1. Tasks woken on other threads join the run queue.
        let run_queue = &self.tasks.run_queue;
        run_queue.remote.drain_into(run_queue);

        // 2. Run ready tasks, at most `event_interval` of them.
        let mut ran = 0;
        while ran < self.event_interval {
            let Some(entry) = run_queue.pop() else {
                break;
            };
            ran += 1;
            match entry {
                Runnable::Task(task) => self.run(task),
                Runnable::Main => {
                    self.reactor.refill_budget();
                    let ready = self.poll(&self.tasks.main, TaskId::MAIN, &mut *poll_main);
                    if events {
                        self.trace_main(ready);
                    }
                    if ready {
                        return true;
                    }
                }
            }
        }
        let polls = self.polls_since_io.get().saturating_add(ran);

        // 3. Fire the timers that are due, and give up on short reads that
        //    no event has confirmed for a while (see `reactor.rs`).
        let mut fired = 0;
        // Read only when something has a deadline, and used again below.
        let mut now = None;
        if self.timers.armed() > 0 || self.reactor.has_short_reads() {
            let now = *now.insert(Instant::now());
            self.tasks.clock.set(wait::nanos(now));
            fired = self.timers.fire_due(now, |fired| {
                if events {
                    let s = if fired == 1 { "" } else { "s" };
                    self.trace.line(format_args!("{fired} timer{s} fired"));
                }
            });
            self.reactor.expire_unconfirmed(now);
        }

        // 4. Wait for I/O: sleep if there is nothing to do, peek if tasks
        //    have been running for a while, else go straight on.
        let idle = run_queue.is_empty() && !run_queue.remote.has_pending();
        let timeout = if idle {
            run_queue.release_spare_capacity();
            let deadline = match (self.timers.next_deadline(), self.reactor.next_expiry()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            Some(deadline.map(|deadline| {
                deadline.saturating_duration_since(now.unwrap_or_else(Instant::now))
            }))
        } else if polls >= self.event_interval && self.reactor.has_sources() {
            Some(Some(Duration::ZERO))
        } else {
            None
        };
        let waited = match timeout {
            Some(timeout) => {
                self.polls_since_io.set(0);
                Some(self.wait(timeout))
            }
            None => {
                self.polls_since_io.set(polls);
                None
            }
        };

        if self.trace.turns() && !events {
            TurnReport { ran, fired, waited }.print(&self.trace, turn);
        }
        false
    }

    /// Waits on the poller and wakes the tasks of the sources that became
    /// ready; returns how long it took and how many events came.
    fn wait(&self, timeout: Option<Duration>) -> (Duration, usize) {
        let start = self.trace.turns().then(Instant::now);
        if let Some(watch) = &self.slow_poll {
            watch.asleep(true);
        }
        let events = self.reactor.wait(timeout);
        if let Some(watch) = &self.slow_poll {
            watch.asleep(false);
        }
        let events = events.unwrap_or_else(|err| {
            // epoll_wait fails only on a bad descriptor or argument, which
            // would be a bug in loopy or polling; no task could make
            // progress after it.
            panic!("loopy: waiting on the poller failed: {err}")
        });
        // The reactor's clock read as the wait returned keeps the loop's
        // coarse clock (task ages) within a wait of the truth.
        let now = self.reactor.last_wait();
        self.tasks.clock.set(wait::nanos(now));
        let slept = start.map_or(Duration::ZERO, |start| now - start);
        if self.trace.events() {
            let asked = match timeout {
                None => "no timeout".to_owned(),
                Some(Duration::ZERO) => "a peek".to_owned(),
                Some(timeout) => Short(timeout).to_string(),
            };
            let s = if events == 1 { "" } else { "s" };
            self.trace.line(format_args!(
                "poller wait: asked {asked}, slept {}, {events} event{s}",
                Short(slept)
            ));
        }
        (slept, events)
    }

    /// Polls a task or `block_on`'s future with `poll`, recording it in
    /// `stats`: what the poll parked its waker on, its length when polls are
    /// timed, and a warning if it held the loop too long.
    fn poll<R>(&self, stats: &TaskStats, id: TaskId, poll: impl FnOnce() -> R) -> R {
        let tasks = &*self.tasks;
        tasks.current.set(id);
        if self.trace_events {
            trace::set_current(id.0);
        }
        if let Some(watch) = &self.slow_poll {
            watch.poll_started();
        }
        let start = tasks.timing.then(Instant::now);
        let out = poll();
        let took = start.map(|start| start.elapsed());
        let slow = self.slow_poll.as_ref().and_then(SlowPollWatch::poll_ended);
        stats.polled(wait::take());
        tasks.current.set(TaskId::MAIN);
        if let Some(took) = took {
            tasks.add_busy(id, took);
        }
        if let Some(slow) = slow {
            self.warn_slow(id, stats, took, slow);
        }
        out
    }

    /// Runs one task taken off the run queue.
    fn run(&self, task: TaskRef) {
        self.reactor.refill_budget();
        let header = task.header();
        // (A stale entry of a task that finished counts as a poll in its
        // record, which nobody reads any more; the busy time that timed
        // polls note for it is forgotten again below.)
        let ran = self.poll(&header.stats, header.id, || task.run());
        if self.trace_events {
            self.trace_task(&task, &ran);
        }
        match ran {
            Ran::Unfinished => return,
            Ran::Stale => return self.tasks.finished(header.id),
            _ => {}
        }
        if let Ran::Panicked(message) = &ran {
            if !task.has_handle() {
                self.warn_unjoined_panic(&task, message.as_deref());
            }
        }
        self.record(header.id, &ran);
        self.tasks.registry.borrow_mut().remove(&task);
        self.tasks.finished(header.id);
    }

    /// Says in the trace how a task's poll ended.
    #[cold]
    #[inline(never)]
    fn trace_task(&self, task: &TaskRef, ran: &Ran) {
        let label = self.trace.task(task.header().id.0);
        match ran {
            Ran::Stale => {}
            Ran::Unfinished => {
                let stats = &task.header().stats;
                let waits = if task.is_scheduled() {
                    "queued again".to_owned()
                } else {
                    TaskState::waiting(stats.waits.get(), Instant::now()).to_string()
                };
                self.trace
                    .line(format_args!("{label} polled: pending, {waits}"));
            }
            Ran::Finished => self
                .trace
                .line(format_args!("{label} polled: ready, finished")),
            Ran::Cancelled => self.trace.line(format_args!("{label} cancelled")),
            Ran::Panicked(message) => self.trace.line(format_args!(
                "{label} panicked: {}",
                message.as_deref().unwrap_or("(no message)")
            )),
        }
    }

    /// Says in the trace how a poll of `block_on`'s future ended.
    #[cold]
    #[inline(never)]
    fn trace_main(&self, ready: bool) {
        if ready {
            self.trace
                .line(format_args!("block_on's future polled: ready"));
        } else {
            let waits = if self.tasks.run_queue.main_is_queued() {
                "queued again".to_owned()
            } else {
                TaskState::waiting(self.tasks.main.waits.get(), Instant::now()).to_string()
            };
            self.trace
                .line(format_args!("block_on's future polled: pending, {waits}"));
        }
    }

    /// A poll held the loop longer than the slow-poll threshold.
    #[cold]
    #[inline(never)]
    fn warn_slow(&self, id: TaskId, stats: &TaskStats, took: Option<Duration>, slow: SlowPoll) {
        let took = match took {
            Some(took) => Short(took).to_string(),
            None => format!("at least {}", Short(slow.at_least)),
        };
        trace::warn(format_args!(
            "slow poll: {} (spawned at {}) ran for {took} without yielding, and no other task \
             ran meanwhile (threshold {}); move blocking work to loopy::spawn_blocking",
            self.label(id),
            stats.location.get(),
            Short(slow.threshold),
        ));
    }

    /// A task panicked and no `JoinHandle` is left to report it.
    #[cold]
    #[inline(never)]
    fn warn_unjoined_panic(&self, task: &TaskRef, message: Option<&str>) {
        let header = task.header();
        trace::warn(format_args!(
            "{} (spawned at {}) panicked, and no JoinHandle is left to report it: {}",
            self.label(header.id),
            header.stats.location.get(),
            message.unwrap_or("(no message)"),
        ));
    }

    /// Names a task as warnings do: `task 3 "sleeper"`.
    fn label(&self, id: TaskId) -> trace::TaskLabel {
        trace::TaskLabel {
            id: id.0,
            name: self.tasks.registry.borrow().name(id).map(Box::from),
        }
    }

    /// Counts a task that panicked, for `#[loopy::test]`.
    fn record(&self, id: TaskId, ran: &Ran) {
        if let Ran::Panicked(message) = ran {
            let mut panics = self.panics.borrow_mut();
            panics.count += 1;
            panics.first.get_or_insert_with(|| match message {
                Some(message) => format!("task {id} panicked: {message}"),
                None => format!("task {id} panicked"),
            });
        }
    }

    /// Drops every task that has not finished, then everything queued.
    fn shutdown(&self) {
        loop {
            // Taken out first: destructors may spawn (those go round again)
            // or touch other tasks' handles.
            let tasks = self.tasks.registry.borrow_mut().take_all();
            if tasks.is_empty() {
                break;
            }
            for task in tasks {
                // A destructor that panics still counts as a task panic.
                let ran = task.cancel_now();
                self.record(task.header().id, &ran);
            }
        }
        self.tasks.run_queue.clear();
        self.tasks.run_queue.remote.close();
        self.blocking.shutdown();
    }
}

impl TurnReport {
    fn print(&self, trace: &Trace, turn: u64) {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let waited = match self.waited {
            Some((took, events)) => {
                format!(", waited {} for {}", Short(took), plural(events, "event"))
            }
            None => String::new(),
        };
        trace.line(format_args!(
            "turn {turn}: ran {}, fired {}{waited}",
            plural(self.ran as usize, "task"),
            plural(self.fired, "timer"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::Runtime;

    #[test]
    fn a_stale_entry_leaves_no_busy_time_behind() {
        let rt = Runtime::builder().time_polls(true).build().unwrap();
        let id = rt.block_on(async {
            let handle = crate::spawn(async {
                loop {
                    crate::yield_now().await;
                }
            });
            // The task runs once and queues itself again; the cancel puts a
            // second entry in front, which drops the future, so the first
            // entry finds the task complete.
            crate::yield_now().await;
            let id = handle.id();
            handle.cancel();
            assert!(handle.await.unwrap_err().is_cancelled());
            crate::yield_now().await;
            id
        });
        assert!(!rt.core.tasks.has_busy_time(id));
    }
}
