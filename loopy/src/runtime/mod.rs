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
//! 2. **Run ready tasks.** First `block_on`'s own future, if it was woken;
//!    then pop tasks off the run queue and poll each once.
//!    A task that returns `Pending` has parked its waker somewhere (a
//!    timer, a socket, another task's handle); whoever holds it pushes the
//!    task back onto the queue when it can make progress. At most
//!    `event_interval` tasks run per turn, so that a task that is always
//!    ready (say, one that loops on `yield_now`) cannot keep the loop from
//!    its timers and sockets. Likewise a task may complete at most 128 I/O
//!    operations in one poll before it is made to yield, so a socket that
//!    always has data cannot hold the loop either.
//! 3. **Fire due timers.** Every timer in the `TimerHeap` whose deadline
//!    has passed wakes its task. (So does a socket whose short read no
//!    event has confirmed in time; see `driver/short_reads.rs`.)
//! 4. **Wait for I/O.** If nothing is ready, ask the poller for events and
//!    sleep until one comes or the next timer is due, then wake the tasks
//!    whose sockets became ready. If tasks *are* ready, do not sleep, and
//!    do not even look, unless `event_interval` tasks have run since the
//!    last look: each look at the poller costs several syscalls, and a loop
//!    that has work is better off doing it.
//!
//! [`Runtime::block_on`] turns the loop until the future it was given is
//! done. That future lives on `block_on`'s stack, not in a task, so it has
//! no entry in the run queue; woken, it takes a place in line all the same:
//! the queue counts the tasks ahead of it, and the loop polls it once they
//! have run. So it takes its turn in the order it was woken, like any task
//! (a `yield_now` in it lets every queued task run first), and nothing has
//! to tell a queue entry for it from a task's.
//!
//! # The files of the loop
//!
//! In the order a turn uses them:
//!
//! - `task/context.rs`: the thread's one thread-local, through which code
//!   on the loop finds it; `block_on` fills it;
//! - `task/run_queue.rs`: the ready tasks, and the `Remote` half that other
//!   threads wake into;
//! - `task/instruments.rs`: what watches each poll (trace, timing, the
//!   slow-poll watch, the task list's records);
//! - `driver/`: what the loop drives, the parts that know nothing of
//!   tasks: the I/O budget, the timer heap, the reactor and its short
//!   reads, the blocking pool, the clock, the trace and the slow-poll
//!   watchdog (its module docs list them).
//!
//! # Watching it turn
//!
//! With the trace on (`LOOPY_TRACE=1`, `#[loopy::main(trace)]` or
//! `Runtime::builder().trace(true)`; see `driver/trace.rs`), each step above
//! prints a line as it happens: the turn's start, every spawn, every poll
//! and what the task then waits on, every wake and who made it, the timers
//! that fired and each wait on the poller. `LOOPY_TRACE=turns` prints one
//! summary line per turn instead.
//!
//! Step 2 is where a task can freeze the loop: while one poll runs, nothing
//! else does. A poll that runs longer than the slow-poll threshold (100 ms
//! by default) is reported on stderr with the task's name and spawn
//! location; `driver/slow_poll.rs` explains how that costs almost nothing.
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

use crate::driver::blocking_pool::BlockingPool;
use crate::driver::budget::Budget;
use crate::driver::clock::{self, Clock};
use crate::driver::reactor::Reactor;
use crate::driver::rng::Rng;
use crate::driver::timer_heap::TimerHeap;
use crate::driver::trace::WakeCause;
use crate::task::context::{self, wake_for_fd, Handle};
use crate::task::instruments::{Instruments, Polled, TurnReport};
use crate::task::raw::{LocalTask, Ran};
use crate::task::run_queue::{Next, Remote};
use crate::task::tasks::Tasks;
use crate::task::TaskId;
use crate::unwind;

mod builder;

pub use crate::driver::trace::TraceLevel;
pub use builder::Builder;

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

impl Runtime {
    /// A runtime with the default settings.
    ///
    /// # Errors
    ///
    /// As for [`Builder::build`].
    pub fn new() -> io::Result<Runtime> {
        Builder::new().build()
    }

    /// A runtime watched by `instruments`, going by `clock`, its schedule
    /// drawn from `seed` if there is one; see [`Builder::build`].
    fn new_with(
        instruments: Instruments,
        clock: Rc<Clock>,
        seed: Option<u64>,
        event_interval: u32,
        max_blocking_threads: usize,
    ) -> io::Result<Runtime> {
        let poller = Arc::new(Poller::new()?);
        if !poller.supports_edge() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "loopy needs an edge-triggered poller (epoll or kqueue) and this platform has none",
            ));
        }
        let remote = Arc::new(Remote::new(Arc::clone(&poller)));
        let handle = Handle {
            tasks: Tasks::new(Arc::clone(&remote)),
            timers: TimerHeap::new(),
            reactor: Reactor::new(poller),
            blocking: BlockingPool::new(max_blocking_threads),
            budget: Budget::new(),
            clock,
            instruments,
        };
        let core = Core {
            handle: Rc::new(handle),
            rng: seed.map(Rng::new),
            main_waker: Waker::from(remote),
            polls_since_io: Cell::new(0),
            event_interval,
            turns: Cell::new(0),
            panics: RefCell::new(TaskPanics::default()),
        };
        Ok(Runtime {
            core: Rc::new(core),
        })
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
        let Some(_entered) = context::enter(&self.core.handle) else {
            panic!(
                "loopy::block_on called while a loopy runtime is already running on this \
                 thread; a nested block_on would freeze the outer loop. Use `.await` inside \
                 async code, or loopy::spawn to run the future as a task"
            );
        };
        let core = &*self.core;
        core.handle.tasks.set_main_location(location);
        let mut future = pin!(future);
        let mut cx = Context::from_waker(&core.main_waker);
        // The first poll needs no wake.
        core.handle.tasks.run_queue.wake_main();
        loop {
            if let Some(output) = core.turn(|| future.as_mut().poll(&mut cx)) {
                return output;
            }
        }
    }

    /// Drops the runtime (and so every task still pending), then reports
    /// how many of its tasks panicked, destructors run at shutdown included.
    /// The trace's lines since the last call, if the builder asked to keep
    /// them.
    pub(crate) fn take_trace(&self) -> Option<Vec<String>> {
        self.core.handle.instruments.trace()?.take_kept()
    }

    pub(crate) fn into_task_panics(self) -> TaskPanics {
        let core = Rc::clone(&self.core);
        drop(self);
        core.panics.take()
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let handle = &self.core.handle;
        f.debug_struct("Runtime")
            .field("tasks", &handle.tasks.registry.borrow().len())
            .field("timers", &handle.timers.armed())
            .field("turns", &self.core.turns.get())
            .finish()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Destructors of the tasks may spawn or sleep; let them find this
        // runtime, unless another one is running on the thread or the
        // thread is exiting. Shutdown happens either way.
        let _entered = context::enter(&self.core.handle);
        self.core.shutdown();
    }
}

/// The runtime itself: its parts, and what only the loop uses.
pub(crate) struct Core {
    /// The parts of the loop, which the context hands to code running on
    /// it.
    handle: Rc<Handle>,
    /// Draws the order of each turn's ready tasks, for a seeded schedule.
    rng: Option<Rng>,
    /// Wakes `block_on`'s own future; made once, reused by every `block_on`.
    main_waker: Waker,
    /// Tasks polled since the loop last looked at the poller.
    polls_since_io: Cell<u32>,
    /// The most tasks one turn runs, and how many may run between looks at
    /// the poller.
    event_interval: u32,
    /// Turns so far; also numbers the trace lines.
    turns: Cell<u64>,
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

impl Core {
    /// One turn of the loop; see the module's essay. `poll_main` polls
    /// `block_on`'s future; the turn returns its output once it is ready.
    fn turn<T>(&self, mut poll_main: impl FnMut() -> Poll<T>) -> Option<T> {
        let handle = &*self.handle;
        let (tasks, instruments) = (&handle.tasks, &handle.instruments);
        let run_queue = &tasks.run_queue;
        let turn = self.turns.get() + 1;
        self.turns.set(turn);
        instruments.turn_started(turn);

        // 1. Tasks woken on other threads join the run queue.
        run_queue.take_remote(|id| {
            if instruments.tracing() {
                instruments.woken(tasks, id, WakeCause::Thread);
            }
        });

        // 2. Run ready tasks, at most `event_interval` of them, in the
        //    order they were woken (`block_on`'s future takes its turn
        //    among them), or in an order drawn from the seed.
        let ran = match &self.rng {
            None => self.run_ready(|| run_queue.next(), &mut poll_main),
            Some(rng) => self.run_ready(|| run_queue.next_seeded(rng), &mut poll_main),
        };
        let ran = match ran {
            Ok(ran) => ran,
            Err(output) => return Some(output),
        };
        let polls = self.polls_since_io.get().saturating_add(ran);

        // 3. Fire the timers that are due, and recheck the short reads no
        //    event has confirmed in time.
        let mut fired = 0;
        // The real time, read only when something has a deadline, and used
        // again below.
        let mut now = None;
        if handle.timers.armed() > 0 || handle.reactor.has_short_reads() {
            let real = *now.insert(Instant::now());
            tasks.clock.set(clock::nanos(real));
            fired = self.fire_timers(handle.clock.now_given(real));
            handle
                .reactor
                .recheck_short_reads(real, |fd| instruments.rechecking(fd), wake_for_fd);
        }

        // 4. Wait for I/O: sleep if there is nothing to do, peek if tasks
        //    have been running for a while, else go straight on.
        let idle = run_queue.is_idle();
        let timeout = if idle {
            run_queue.release_spare_capacity();
            self.idle_timeout(now)
        } else if polls >= self.event_interval && handle.reactor.has_sources() {
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
        instruments.turn_ended(turn, TurnReport { ran, fired, waited });
        None
    }

    /// Runs what `next` picks until nothing is ready or `event_interval`
    /// polls have run; returns how many ran, or `block_on`'s output once
    /// its future is ready.
    #[inline]
    fn run_ready<T>(
        &self,
        mut next: impl FnMut() -> Next,
        mut poll_main: impl FnMut() -> Poll<T>,
    ) -> Result<u32, T> {
        let mut ran = 0;
        while ran < self.event_interval {
            match next() {
                Next::Nothing => break,
                Next::Main => {
                    ran += 1;
                    if let Poll::Ready(output) = self.poll_main(&mut poll_main) {
                        return Err(output);
                    }
                }
                Next::Task(task) => {
                    ran += 1;
                    self.run(task);
                }
            }
        }
        Ok(ran)
    }

    /// Fires the timers due by `now` (the clock's time), and returns how
    /// many fired.
    fn fire_timers(&self, now: Instant) -> usize {
        let handle = &*self.handle;
        let instruments = &handle.instruments;
        handle.timers.fire_due(
            now,
            |count| instruments.timers_fired(count),
            |due| context::waking(WakeCause::Timer, || unwind::wake_all_contained(due)),
        )
    }

    /// How long an idle loop may sleep in the poller (`Some(None)`: until
    /// an event comes), or `None` when a paused clock jumped to the next
    /// timer instead and the loop goes straight on. `now` is the real
    /// time, if the turn read it.
    fn idle_timeout(&self, now: Option<Instant>) -> Option<Option<Duration>> {
        let handle = &*self.handle;
        let next_timer = handle.timers.next_deadline();
        let recheck = handle.reactor.next_short_read_recheck();
        let real_now = || now.unwrap_or_else(Instant::now);
        if !handle.clock.is_paused() {
            let deadline = earliest(next_timer, recheck);
            return Some(deadline.map(|deadline| deadline.saturating_duration_since(real_now())));
        }
        // A paused clock jumps to the next timer when nothing else could
        // wake the loop; while a descriptor or a blocking job might, it
        // stands still and the loop waits for them in real time.
        let quiet = || {
            !handle.reactor.has_waiters()
                && !handle.blocking.is_busy()
                && !handle.tasks.run_queue.remote.has_pending()
        };
        match next_timer {
            Some(deadline) if quiet() => {
                handle.clock.move_to(deadline);
                None
            }
            _ => Some(recheck.map(|deadline| deadline.saturating_duration_since(real_now()))),
        }
    }

    /// Waits on the poller and wakes the tasks of the sources that became
    /// ready; returns how long it took and how many events came.
    fn wait(&self, timeout: Option<Duration>) -> (Duration, usize) {
        let handle = &*self.handle;
        let instruments = &handle.instruments;
        // A paused clock reports no time slept, so its trace repeats.
        let start = instruments.trace().map(|_| handle.clock.now());
        let watch = instruments.slow_poll();
        if let Some(watch) = watch {
            watch.asleep(true);
        }
        let events = handle.reactor.wait(timeout, wake_for_fd);
        if let Some(watch) = watch {
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
        let now = handle.reactor.last_wait();
        handle.tasks.clock.set(clock::nanos(now));
        let slept = start.map_or(Duration::ZERO, |start| {
            handle.clock.now_given(now).saturating_duration_since(start)
        });
        instruments.waited(timeout, slept, events);
        (slept, events)
    }

    /// Polls `block_on`'s future once.
    fn poll_main<T>(&self, poll_main: impl FnOnce() -> Poll<T>) -> Poll<T> {
        let handle = &*self.handle;
        handle.budget.refill();
        let instruments = &handle.instruments;
        let start = instruments.before_poll(&handle.tasks, TaskId::MAIN, &handle.tasks.main);
        let out = poll_main();
        let polled = Polled::Main {
            ready: out.is_ready(),
            woken: handle.tasks.run_queue.main_is_woken(),
        };
        instruments.after_poll(
            &handle.tasks,
            TaskId::MAIN,
            &handle.tasks.main,
            start,
            polled,
        );
        out
    }

    /// Runs one task taken off the run queue: take it, poll it, put the
    /// outcome back. (Inlined into the turn: a call per poll shows.)
    #[inline(always)]
    fn run(&self, task: LocalTask) {
        if task.is_complete() {
            // Woken during the poll in which it finished: nothing to run.
            return;
        }
        let handle = &*self.handle;
        handle.budget.refill();
        let (tasks, instruments) = (&handle.tasks, &handle.instruments);
        let header = task.header();
        let start = instruments.before_poll(tasks, header.id, &header.stats);
        let ran = task.run();
        instruments.after_poll(
            tasks,
            header.id,
            &header.stats,
            start,
            Polled::Task(&task, &ran),
        );
        if !matches!(ran, Ran::Unfinished) {
            self.finished(&task, &ran);
        }
    }

    /// A task completed: report a panic nobody will hear of otherwise, and
    /// forget the task.
    fn finished(&self, task: &LocalTask, ran: &Ran) {
        let handle = &*self.handle;
        if let Ran::Panicked(message) = ran {
            self.panicked(task, message.as_deref());
        }
        if task.in_group() {
            handle.tasks.group_member_done(task);
        }
        let id = task.header().id;
        handle.tasks.registry.borrow_mut().remove(task);
        handle.tasks.finished(id, &task.header().stats);
        handle.instruments.finished(id);
    }

    /// `task` panicked: say so if no handle is left to, and count it.
    #[cold]
    fn panicked(&self, task: &LocalTask, message: Option<&str>) {
        let handle = &*self.handle;
        if !task.has_handle() {
            handle
                .instruments
                .unjoined_panic(&handle.tasks, task, message);
        }
        self.record(task.header().id, message);
    }

    /// Counts a panic of task `id`, for `#[loopy::test]`.
    #[cold]
    fn record(&self, id: TaskId, message: Option<&str>) {
        let mut panics = self.panics.borrow_mut();
        panics.count += 1;
        panics.first.get_or_insert_with(|| match message {
            Some(message) => format!("task {id} panicked: {message}"),
            None => format!("task {id} panicked"),
        });
    }

    /// Drops every task that has not finished, then everything queued.
    fn shutdown(&self) {
        let handle = &*self.handle;
        loop {
            // Taken out first: destructors may spawn (those go round again)
            // or touch other tasks' handles.
            let tasks = handle.tasks.registry.borrow_mut().take_all();
            if tasks.is_empty() {
                break;
            }
            for task in tasks {
                // A destructor that panics still counts as a task panic.
                if let Ran::Panicked(message) = task.cancel_now() {
                    self.record(task.header().id, message.as_deref());
                }
            }
        }
        handle.tasks.run_queue.clear();
        handle.tasks.run_queue.remote.close();
        handle.blocking.shutdown();
    }
}

/// The earlier of two deadlines, either of which may be missing.
fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use super::Runtime;

    /// Ten tasks that sleep, yield and wake each other, on a paused clock
    /// with `seed`: the order they finished in, and the trace.
    fn seeded_run(seed: u64) -> (Vec<u32>, Vec<String>) {
        let rt = Runtime::builder()
            .start_paused(true)
            .seed(seed)
            .trace(true)
            .keep_trace()
            .build()
            .unwrap();
        let finished = Rc::new(RefCell::new(Vec::new()));
        rt.block_on(async {
            let tasks: Vec<_> = (0..10u32)
                .map(|n| {
                    let finished = Rc::clone(&finished);
                    crate::spawn(async move {
                        crate::sleep(Duration::from_millis(u64::from(n % 3))).await;
                        crate::yield_now().await;
                        finished.borrow_mut().push(n);
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        });
        let trace = rt.take_trace().unwrap();
        (finished.take(), trace)
    }

    #[test]
    fn one_seed_gives_one_run_and_the_same_trace_byte_for_byte() {
        let (order, trace) = seeded_run(11);
        assert_eq!(seeded_run(11), (order.clone(), trace.clone()));
        assert!(trace.len() > 50, "{trace:#?}");
        let others: Vec<_> = (0..8).map(|seed| seeded_run(seed).0).collect();
        assert!(
            others.iter().any(|other| *other != order),
            "seeds change the order"
        );
    }

    #[test]
    fn a_task_cancelled_while_queued_leaves_no_busy_time_behind() {
        let rt = Runtime::builder().time_polls(true).build().unwrap();
        let id = rt.block_on(async {
            let handle = crate::spawn(async {
                loop {
                    crate::yield_now().await;
                }
            });
            // The task runs once and queues itself again; the cancel finds
            // it queued, and its entry drops the future.
            crate::yield_now().await;
            let id = handle.id();
            handle.cancel();
            assert!(handle.await.unwrap_err().is_cancelled());
            crate::yield_now().await;
            id
        });
        assert!(!rt.core.handle.instruments.has_busy_time(id));
    }
}
