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

use std::cell::RefCell;
use std::fmt;
use std::io::Write;
use std::rc::Rc;

use super::clock::Clock;
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
    /// The runtime's clock: stamps follow a paused clock too, so that a
    /// paused, seeded run prints the same trace every time.
    clock: Rc<Clock>,
    /// Time zero of the stamps: when the runtime was built.
    epoch: Instant,
    /// Where the lines go instead of stderr, when they are being kept (to
    /// compare two runs of a seeded test).
    kept: Option<RefCell<Vec<String>>>,
}

impl Trace {
    /// The trace at `level`, stamped by `clock`, or `None` when it is off:
    /// that `None` is the one flag the loop checks to know whether anybody
    /// is watching. `keep` keeps the lines instead of printing them.
    pub(crate) fn new(level: TraceLevel, clock: Rc<Clock>, keep: bool) -> Option<Trace> {
        (level != TraceLevel::Off).then(|| Trace {
            level,
            epoch: clock.now(),
            clock,
            kept: keep.then(RefCell::default),
        })
    }

    /// The time now, by the runtime's clock.
    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The lines kept so far, if they are kept; leaves none behind.
    pub(crate) fn take_kept(&self) -> Option<Vec<String>> {
        self.kept.as_ref().map(|kept| kept.take())
    }

    /// Whether each event gets a line.
    pub(crate) fn events(&self) -> bool {
        self.level == TraceLevel::Events
    }

    /// Prints one line, stamped with the time since the runtime was built.
    /// A closed stderr is ignored: the trace is a log.
    pub(crate) fn line(&self, what: fmt::Arguments<'_>) {
        let at = self.clock.now().saturating_duration_since(self.epoch);
        let (secs, millis) = (at.as_secs(), at.subsec_millis());
        match &self.kept {
            Some(kept) => kept
                .borrow_mut()
                .push(format!("+{secs}.{millis:03}s  {what}")),
            None => {
                let _ = writeln!(std::io::stderr().lock(), "+{secs}.{millis:03}s  {what}");
            }
        }
    }
}

/// A task as every line, warning and table names it: `task 3 "sleeper"`,
/// `task 3`, or `block_on's future` for id 0. Honours the formatter's
/// width, for tables. Formatted only when a line is printed.
pub(crate) struct TaskLabel<'a> {
    pub(crate) id: u64,
    pub(crate) name: Option<&'a str>,
}

impl fmt::Display for TaskLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match (self.id, self.name) {
            (0, _) => "block_on's future".to_owned(),
            (id, Some(name)) => format!("task {id} {name:?}"),
            (id, None) => format!("task {id}"),
        };
        f.pad(&text)
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
    /// The task was cancelled, by the task being polled.
    Cancel,
}

impl WakeCause {
    /// Says who woke a task; `running` is the task that was being polled,
    /// which is the waker's caller when the cause is `Code`.
    pub(crate) fn describe(self, running: u64) -> impl fmt::Display {
        struct Describe(WakeCause, u64);
        impl fmt::Display for Describe {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    WakeCause::Code => TaskLabel {
                        id: self.1,
                        name: None,
                    }
                    .fmt(f),
                    WakeCause::Fd(fd) => write!(f, "fd {fd}"),
                    WakeCause::Timer => f.write_str("a timer"),
                    WakeCause::TaskDone(id) => write!(f, "task {id} finishing"),
                    WakeCause::Thread => f.write_str("another thread"),
                    WakeCause::Cancel => write!(
                        f,
                        "a cancel from {}",
                        TaskLabel {
                            id: self.1,
                            name: None
                        }
                    ),
                }
            }
        }
        Describe(self, running)
    }
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
