//! The settings of a runtime.

use std::io;
use std::rc::Rc;
use std::time::Duration;

use super::Runtime;
use crate::driver::blocking_pool;
use crate::driver::clock::Clock;
use crate::driver::slow_poll;
use crate::driver::trace::{Trace, TraceLevel};
use crate::task::instruments::Instruments;

/// The environment variable that seeds every runtime's schedule.
pub(crate) const SEED_ENV: &str = "LOOPY_SEED";

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
    start_paused: bool,
    seed: Option<u64>,
    /// Keep the trace's lines for `Runtime::take_trace` instead of
    /// printing them (seeded tests compare two runs).
    keep_trace: bool,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            event_interval: 61,
            max_blocking_threads: blocking_pool::DEFAULT_MAX_THREADS,
            trace: TraceLevel::Off,
            slow_poll: slow_poll::DEFAULT_THRESHOLD,
            time_polls: false,
            start_paused: false,
            seed: None,
            keep_trace: false,
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
    /// The watch needs one thread per process, the watchdog, started with
    /// the first runtime that warns. A second thread puts glibc's `malloc`
    /// into its locking mode, which costs a program that allocates a task
    /// at a time about 4% of its spawn rate (docs/performance.md); a zero
    /// threshold starts no thread.
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

    /// Whether the runtime's clock starts paused (default no): it then
    /// moves only through [`time::advance`](crate::time::advance), and
    /// jumps to the next timer by itself when nothing else could wake the
    /// loop. [`time::now`](crate::time::now), sleeps, timeouts and
    /// intervals all go by it; see [`loopy::time`](crate::time#a-paused-clock)
    /// for the rules.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let rt = loopy::Runtime::builder().start_paused(true).build()?;
    /// let real = Instant::now();
    /// rt.block_on(async {
    ///     let start = loopy::time::now();
    ///     loopy::sleep(Duration::from_secs(3600)).await; // at once
    ///     assert_eq!(loopy::time::now() - start, Duration::from_secs(3600));
    /// });
    /// assert!(real.elapsed() < Duration::from_secs(3600));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn start_paused(mut self, paused: bool) -> Builder {
        self.start_paused = paused;
        self
    }

    /// Seeds the schedule: the tasks that are ready in a turn run in an
    /// order drawn from `seed`, instead of first-in first-out, whatever
    /// woke them (I/O events, timers due in the same turn, other tasks);
    /// only `block_on`'s future still waits for the tasks that were queued
    /// before it was woken. The same seed gives the same order; with a
    /// paused clock and no real I/O, the same run, poll for poll (with
    /// real sockets the order is still drawn from the seed, but when data
    /// arrives is not). The environment variable `LOOPY_SEED`, when set,
    /// seeds every runtime and takes precedence.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    ///
    /// let order = |seed| {
    ///     let rt = loopy::Runtime::builder().seed(seed).build().unwrap();
    ///     let order = Rc::new(RefCell::new(Vec::new()));
    ///     rt.block_on(async {
    ///         let tasks: Vec<_> = (0..8)
    ///             .map(|n| {
    ///                 let order = order.clone();
    ///                 loopy::spawn(async move { order.borrow_mut().push(n) })
    ///             })
    ///             .collect();
    ///         for task in tasks {
    ///             task.await.unwrap();
    ///         }
    ///     });
    ///     order.take()
    /// };
    /// assert_eq!(order(7), order(7));
    /// # if std::env::var_os("LOOPY_SEED").is_none() {
    /// assert!((0..10).any(|seed| order(seed) != order(7)));
    /// # }
    /// ```
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = Some(seed);
        self
    }

    /// Keeps the trace's lines for `Runtime::take_trace` instead of
    /// printing them.
    pub(crate) fn keep_trace(mut self) -> Builder {
        self.keep_trace = true;
        self
    }

    /// Creates the runtime.
    ///
    /// # Errors
    ///
    /// If the poller cannot be created (the process is out of file
    /// descriptors, say).
    pub fn build(self) -> io::Result<Runtime> {
        let level = TraceLevel::from_env().unwrap_or(self.trace);
        let clock = Rc::new(Clock::new(self.start_paused));
        let trace = Trace::new(level, Rc::clone(&clock), self.keep_trace);
        Runtime::new_with(
            Instruments::new(trace, self.time_polls, self.slow_poll),
            clock,
            seed_from_env().or(self.seed),
            self.event_interval,
            self.max_blocking_threads,
        )
    }
}

/// The seed `LOOPY_SEED` sets, if any. A value that is no number is
/// reported on stderr and ignored.
pub(crate) fn seed_from_env() -> Option<u64> {
    let value = std::env::var_os(SEED_ENV)?;
    match value.to_str().map(str::trim).map(str::parse) {
        Some(Ok(seed)) => Some(seed),
        _ => {
            eprintln!(
                "loopy: {SEED_ENV}={} is not a seed; use a number from 0 to {}",
                value.to_string_lossy(),
                u64::MAX
            );
            None
        }
    }
}
