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
//! A turn, traced (`Runtime::builder().trace(true)`, or
//! `#[loopy::main(trace)]`), prints one line to stderr, such as
//! `loopy: turn 7: ran 3 tasks, fired 1 timer, waited 1.002ms for 2 events`,
//! so you can watch the loop go round.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use polling::Poller;

use crate::blocking::{self, BlockingPool};
use crate::context;
use crate::reactor::Reactor;
use crate::run_queue::{Remote, RunQueue, Runnable};
use crate::task::raw::{NewTask, Ran, TaskRef};
use crate::task::registry::TaskRegistry;
use crate::task::{JoinHandle, TaskId};
use crate::time::heap::TimerHeap;

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
/// let rt = loopy::Runtime::builder()
///     .event_interval(31)
///     .max_blocking_threads(4)
///     .build()?;
/// rt.block_on(async {});
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    event_interval: u32,
    max_blocking_threads: usize,
    trace: bool,
}

/// The runtime itself, shared with the thread-local context while the loop
/// runs.
pub(crate) struct Core {
    /// Tasks ready to be polled.
    pub(crate) run_queue: RunQueue,
    /// Every live task, so that dropping the runtime can drop them.
    pub(crate) tasks: RefCell<TaskRegistry>,
    /// Timers, ordered by deadline. In an `Rc` because each armed `Sleep`
    /// keeps a handle to remove itself.
    pub(crate) timers: Rc<TimerHeap>,
    /// The poller and the sources registered with it. In an `Rc` because
    /// each `io::Async` keeps a handle to deregister itself.
    pub(crate) reactor: Rc<Reactor>,
    /// What other threads can reach: their wakes, and the poller's notify.
    pub(crate) remote: Arc<Remote>,
    /// Threads for `spawn_blocking`.
    pub(crate) blocking: BlockingPool,
    /// Wakes `block_on`'s own future; made once, reused by every `block_on`.
    main_waker: Waker,
    /// The id of the task being polled (`TaskId::MAIN` between tasks).
    current: Cell<TaskId>,
    /// The id the next spawned task gets.
    next_id: Cell<u64>,
    /// Tasks polled since the loop last looked at the poller.
    polls_since_io: Cell<u32>,
    /// The most tasks one turn runs, and how many may run between looks at
    /// the poller.
    event_interval: u32,
    /// Turns so far; also numbers the trace lines.
    turns: Cell<u64>,
    /// Whether each turn prints a trace line.
    trace: bool,
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

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            event_interval: 61,
            max_blocking_threads: blocking::DEFAULT_MAX_THREADS,
            trace: false,
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

    /// Whether each turn of the loop prints a line to stderr saying what
    /// it did (default off).
    pub fn trace(mut self, on: bool) -> Builder {
        self.trace = on;
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
        let remote = Arc::new(Remote::new(Arc::clone(&poller)));
        let core = Core {
            run_queue: RunQueue::new(),
            tasks: RefCell::new(TaskRegistry::new()),
            timers: Rc::new(TimerHeap::new()),
            reactor: Rc::new(Reactor::new(poller)),
            main_waker: Waker::from(Arc::clone(&remote)),
            remote,
            blocking: BlockingPool::new(self.max_blocking_threads),
            current: Cell::new(TaskId::MAIN),
            next_id: Cell::new(1),
            polls_since_io: Cell::new(0),
            event_interval: self.event_interval,
            turns: Cell::new(0),
            trace: self.trace,
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
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _entered = context::enter(&self.core);
        let core = &*self.core;
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
        core.run_queue.push_main();
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
            .field("tasks", &self.core.tasks.borrow().len())
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
        let _entered = context::try_enter(&self.core);
        self.core.shutdown();
    }
}

impl Core {
    /// One turn of the loop; see the module's essay. `poll_main` polls
    /// `block_on`'s future when its entry comes up; the turn ends early and
    /// returns `true` once that future is ready.
    fn turn(&self, poll_main: &mut dyn FnMut() -> bool) -> bool {
        let turn = self.turns.get() + 1;
        self.turns.set(turn);

        // 1. Tasks woken on other threads join the run queue.
        self.remote.drain_into(&self.run_queue);

        // 2. Run ready tasks, at most `event_interval` of them.
        let mut ran = 0;
        while ran < self.event_interval {
            let Some(entry) = self.run_queue.pop() else {
                break;
            };
            ran += 1;
            match entry {
                Runnable::Task(task) => self.run(task),
                Runnable::Main => {
                    self.reactor.refill_budget();
                    if poll_main() {
                        return true;
                    }
                }
            }
        }
        let polls = self.polls_since_io.get().saturating_add(ran);

        // 3. Fire the timers that are due, and give up on short reads that
        //    no event has confirmed for a while (see `reactor.rs`).
        let mut fired = 0;
        if self.timers.armed() > 0 || self.reactor.next_expiry().is_some() {
            let now = Instant::now();
            fired = self.timers.fire_due(now);
            self.reactor.expire_unconfirmed(now);
        }

        // 4. Wait for I/O: sleep if there is nothing to do, peek if tasks
        //    have been running for a while, else go straight on.
        let idle = self.run_queue.is_empty() && !self.remote.has_pending();
        let timeout = if idle {
            self.run_queue.release_spare_capacity();
            let deadline = match (self.timers.next_deadline(), self.reactor.next_expiry()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            Some(deadline.map(|deadline| deadline.saturating_duration_since(Instant::now())))
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

        if self.trace {
            TurnReport { ran, fired, waited }.print(turn);
        }
        false
    }

    /// Waits on the poller and wakes the tasks of the sources that became
    /// ready; returns how long it took and how many events came.
    fn wait(&self, timeout: Option<Duration>) -> (Duration, usize) {
        let start = self.trace.then(Instant::now);
        let events = self.reactor.wait(timeout).unwrap_or_else(|err| {
            // epoll_wait fails only on a bad descriptor or argument, which
            // would be a bug in loopy or polling; no task could make
            // progress after it.
            panic!("loopy: waiting on the poller failed: {err}")
        });
        (
            start.map_or(Duration::ZERO, |start| start.elapsed()),
            events,
        )
    }

    /// Spawns a task on this runtime.
    pub(crate) fn spawn<F>(&self, future: F, name: Option<Box<str>>) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = TaskId(self.next_id.get());
        self.next_id.set(id.0 + 1);
        let NewTask {
            registry,
            queued,
            handle,
        } = TaskRef::allocate(future, id, Arc::clone(&self.remote));
        self.tasks.borrow_mut().insert(registry, name);
        self.run_queue.push(queued);
        // SAFETY: `handle` refers to the task just allocated from `future`,
        // whose output type is `F::Output`.
        unsafe { JoinHandle::new(handle) }
    }

    /// Runs one task taken off the run queue.
    fn run(&self, task: TaskRef) {
        self.current.set(task.header().id);
        self.reactor.refill_budget();
        let ran = task.run();
        self.current.set(TaskId::MAIN);
        if let Ran::Unfinished = ran {
            return;
        }
        self.record(ran);
        self.tasks.borrow_mut().remove(&task);
    }

    /// Counts a task that panicked, for `#[loopy::test]`.
    fn record(&self, ran: Ran) {
        if let Ran::Panicked(message) = ran {
            let mut panics = self.panics.borrow_mut();
            panics.count += 1;
            panics.first.get_or_insert(message);
        }
    }

    /// The id of the task being polled.
    pub(crate) fn current_task(&self) -> TaskId {
        self.current.get()
    }

    /// Drops every task that has not finished, then everything queued.
    fn shutdown(&self) {
        loop {
            // Taken out first: destructors may spawn (those go round again)
            // or touch other tasks' handles.
            let tasks = self.tasks.borrow_mut().take_all();
            if tasks.is_empty() {
                break;
            }
            for task in tasks {
                // A destructor that panics still counts as a task panic.
                self.record(task.cancel_now());
            }
        }
        self.run_queue.clear();
        self.remote.close();
        self.blocking.shutdown();
    }
}

impl TurnReport {
    fn print(&self, turn: u64) {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let waited = match self.waited {
            Some((took, events)) => format!(", waited {took:?} for {}", plural(events, "event")),
            None => String::new(),
        };
        eprintln!(
            "loopy: turn {turn}: ran {}, fired {}{waited}",
            plural(self.ran as usize, "task"),
            plural(self.fired, "timer"),
        );
    }
}
