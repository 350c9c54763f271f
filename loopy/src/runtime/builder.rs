//! The settings of a runtime.

use std::io;
use std::time::{Duration, Instant};

use super::blocking_pool;
use super::slow_poll;
use super::trace::{Trace, TraceLevel};
use super::Runtime;
use crate::task::instruments::Instruments;

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
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            event_interval: 61,
            max_blocking_threads: blocking_pool::DEFAULT_MAX_THREADS,
            trace: TraceLevel::Off,
            slow_poll: slow_poll::DEFAULT_THRESHOLD,
            time_polls: false,
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

    /// Creates the runtime.
    ///
    /// # Errors
    ///
    /// If the poller cannot be created (the process is out of file
    /// descriptors, say).
    pub fn build(self) -> io::Result<Runtime> {
        let level = TraceLevel::from_env().unwrap_or(self.trace);
        let trace = Trace::new(level, Instant::now());
        Runtime::new_with(
            Instruments::new(trace, self.time_polls, self.slow_poll),
            self.event_interval,
            self.max_blocking_threads,
        )
    }
}
