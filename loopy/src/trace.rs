//! The trace: the loop telling its own story on stderr.
//!
//! The Python loops loopy grew from could be watched with a `print` in the
//! loop. loopy's trace is that `print`, built in and off by default. It has
//! two levels:
//!
//! - **`turns`**: one line per turn of the loop, saying what the turn did:
//!   `+0.052s  turn 7: ran 3 tasks, fired 1 timer, waited 1.002ms for 2 events`.
//! - **events** (`1`): one line per event, so the turns read like a story:
//!
//!   ```text
//!   +0.000s  turn 1
//!   +0.000s  task 1 "sleeper" spawned at examples/demos.rs:31:5
//!   +0.000s  task 1 "sleeper" polled: pending, waiting on a timer due in 1.000s
//!   +0.000s  poller wait: asked 1.000s, slept 1.002s, 0 events
//!   +1.002s  1 timer fired
//!   +1.002s  task 1 "sleeper" woken by a timer
//!   ```
//!
//! Turn it on with the environment variable `LOOPY_TRACE` (`1` for every
//! event, `turns` for one line per turn, `0` for none), read once when a
//! runtime is built and taking precedence over the code, or in the code
//! with `#[loopy::main(trace)]` or
//! [`Runtime::builder().trace(true)`](crate::runtime::Builder::trace).
//!
//! Every line goes through this file. When the trace is off, the loop
//! checks one flag where an event happens and formats nothing.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::panic::Location;
use std::time::{Duration, Instant};

/// How much the loop says about itself on stderr.
///
/// # Examples
///
/// ```
/// use loopy::runtime::TraceLevel;
///
/// let rt = loopy::Runtime::builder().trace_level(TraceLevel::Turns).build()?;
/// rt.block_on(loopy::sleep(std::time::Duration::from_millis(1)));
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum TraceLevel {
    /// Nothing (the default).
    #[default]
    Off,
    /// One line per turn of the loop (`LOOPY_TRACE=turns`).
    Turns,
    /// One line per event: spawns, polls, wakes, timers, waits
    /// (`LOOPY_TRACE=1`).
    Events,
}

/// The environment variable that sets the trace level.
pub(crate) const ENV: &str = "LOOPY_TRACE";

impl TraceLevel {
    /// The level `LOOPY_TRACE` asks for, if it is set. A value that names
    /// no level is reported on stderr and ignored.
    pub(crate) fn from_env() -> Option<TraceLevel> {
        let value = std::env::var_os(ENV)?;
        let level = match value.to_str().map(str::trim) {
            Some("" | "0" | "off") => TraceLevel::Off,
            Some("turns") => TraceLevel::Turns,
            Some("1" | "on" | "events" | "all") => TraceLevel::Events,
            _ => {
                eprintln!(
                    "loopy: {ENV}={} is not a trace level; use 1 (every event), \
                     turns (one line per turn) or 0 (off)",
                    value.to_string_lossy()
                );
                return None;
            }
        };
        Some(level)
    }
}

/// The trace of one runtime.
pub(crate) struct Trace {
    /// What to print.
    level: TraceLevel,
    /// Time zero of the timestamps: when the runtime was built.
    epoch: Instant,
    /// The names of the live named tasks, kept only while tracing events,
    /// so that a wake line can name its task.
    names: RefCell<HashMap<u64, Box<str>>>,
}

impl Trace {
    pub(crate) fn new(level: TraceLevel, epoch: Instant) -> Trace {
        Trace {
            level,
            epoch,
            names: RefCell::new(HashMap::new()),
        }
    }

    /// Whether each event gets a line.
    pub(crate) fn events(&self) -> bool {
        self.level == TraceLevel::Events
    }

    /// Whether each turn gets a line (a summary, or its start).
    pub(crate) fn turns(&self) -> bool {
        self.level >= TraceLevel::Turns
    }

    /// Prints one line, stamped with the time since the runtime was built.
    /// A closed stderr is ignored: the trace is a log.
    pub(crate) fn line(&self, what: fmt::Arguments<'_>) {
        let at = self.epoch.elapsed();
        let _ = writeln!(
            std::io::stderr().lock(),
            "+{}.{:03}s  {what}",
            at.as_secs(),
            at.subsec_millis()
        );
    }

    /// A new task: remember its name for later lines, and say so.
    pub(crate) fn spawned(&self, id: u64, name: Option<&str>, at: &Location<'_>) {
        if let Some(name) = name {
            self.names.borrow_mut().insert(id, name.into());
        }
        self.line(format_args!("{} spawned at {at}", self.task(id)));
    }

    /// A task is gone: its name is no longer needed.
    pub(crate) fn forget(&self, id: u64) {
        self.names.borrow_mut().remove(&id);
    }

    /// A task was woken; `cause` says by what.
    pub(crate) fn woken(&self, id: u64, cause: WakeCause) {
        self.line(format_args!("{} woken by {cause}", self.task(id)));
    }

    /// Names a task the way every line does: `task 3 "sleeper"`, or
    /// `block_on's future` for id 0.
    pub(crate) fn task(&self, id: u64) -> TaskLabel {
        TaskLabel {
            id,
            name: self.names.borrow().get(&id).cloned(),
        }
    }
}

/// A task as the trace names it.
pub(crate) struct TaskLabel {
    pub(crate) id: u64,
    pub(crate) name: Option<Box<str>>,
}

impl fmt::Display for TaskLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.id, &self.name) {
            (0, _) => f.write_str("block_on's future"),
            (id, Some(name)) => write!(f, "task {id} {name:?}"),
            (id, None) => write!(f, "task {id}"),
        }
    }
}

/// A duration as the trace prints it: `1.002s`, `12.5ms`, `80µs`.
pub(crate) struct Short(pub(crate) Duration);

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each unit from the point where the smaller one would round up
        // to it: 999.97 ms prints as 1.000s, not 1000.0ms.
        let secs = self.0.as_secs_f64();
        if secs >= 0.999_95 {
            write!(f, "{secs:.3}s")
        } else if secs >= 0.000_999_5 {
            write!(f, "{:.1}ms", secs * 1e3)
        } else {
            write!(f, "{}µs", self.0.as_micros())
        }
    }
}

/// Who woke a task, as far as the loop can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WakeCause {
    /// The task being polled (a channel send, `yield_now`), or code that
    /// did not say.
    Code,
    /// The poller reported this descriptor ready.
    Fd(i32),
    /// A timer fired.
    Timer,
    /// This task finished, and the woken one awaited its handle.
    TaskDone(u64),
    /// A waker called on another thread.
    Thread,
}

impl fmt::Display for WakeCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WakeCause::Code => write!(f, "{}", Waker(CURRENT.get())),
            WakeCause::Fd(fd) => write!(f, "fd {fd}"),
            WakeCause::Timer => f.write_str("a timer"),
            WakeCause::TaskDone(id) => write!(f, "task {id} finishing"),
            WakeCause::Thread => f.write_str("another thread"),
        }
    }
}

/// The task that called a waker itself.
struct Waker(u64);

impl fmt::Display for Waker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("block_on's future"),
            id => write!(f, "task {id}"),
        }
    }
}

thread_local! {
    /// Who is calling wakers on this thread right now.
    static CAUSE: Cell<WakeCause> = const { Cell::new(WakeCause::Code) };
    /// The task being polled on this thread, for `WakeCause::Code`.
    static CURRENT: Cell<u64> = const { Cell::new(0) };
    /// Whether the loop running on this thread traces its events.
    static TRACING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `wake`, which calls wakers on behalf of `cause`. Costs one
/// thread-local load when the loop on this thread is not tracing events.
#[inline]
pub(crate) fn waking<R>(cause: WakeCause, wake: impl FnOnce() -> R) -> R {
    if !TRACING.get() {
        return wake();
    }
    let before = CAUSE.replace(cause);
    let out = wake();
    CAUSE.set(before);
    out
}

/// Marks the loop on this thread as tracing its events (or not) until the
/// guard is dropped, so that [`waking`] knows whether to record causes.
pub(crate) fn tracing(events: bool) -> Tracing {
    Tracing {
        before: TRACING.replace(events),
    }
}

/// Restores the thread's tracing flag on drop.
pub(crate) struct Tracing {
    before: bool,
}

impl Drop for Tracing {
    fn drop(&mut self) {
        // `try_with`: a destructor must not panic, even during thread exit.
        let _ = TRACING.try_with(|tracing| tracing.set(self.before));
    }
}

/// Who is calling wakers now.
pub(crate) fn cause() -> WakeCause {
    CAUSE.get()
}

/// Tells the trace which task is being polled (`0` between tasks), for the
/// wakes it makes itself.
pub(crate) fn set_current(id: u64) {
    CURRENT.set(id);
}

/// Prints a warning the user should see whether or not the trace is on (a
/// slow poll, a panic nobody will hear of otherwise), as one line on
/// stderr. A closed stderr is ignored.
pub(crate) fn warn(what: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "loopy: {what}");
}

#[cfg(test)]
mod tests {
    use super::Short;
    use std::time::Duration;

    #[test]
    fn durations_print_in_the_unit_they_round_to() {
        let short = |nanos| Short(Duration::from_nanos(nanos)).to_string();
        assert_eq!(short(999_970_000), "1.000s");
        assert_eq!(short(1_234_000_000), "1.234s");
        assert_eq!(short(999_940_000), "999.9ms");
        assert_eq!(short(12_340_000), "12.3ms");
        assert_eq!(short(80_000), "80µs");
    }
}
