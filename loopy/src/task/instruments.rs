//! The instruments: what watches the loop, kept beside it.
//!
//! The loop runs a task in three steps: take it, poll it, put the outcome
//! back. Whatever else happens around a poll happens here, behind one seam
//! of two calls, [`Instruments::before_poll`] and
//! [`Instruments::after_poll`]:
//!
//! - the task list's record of the task (its poll count and what it waits
//!   on, `info.rs`) is brought up to date;
//! - the slow-poll watch (`driver/slow_poll.rs`) learns that a poll began
//!   and whether it ran too long;
//! - when somebody watches (the trace prints events, or polls are timed),
//!   the poll is timed and the trace says how it ended.
//!
//! That last part is behind one flag, [`Instruments::watching`], checked
//! once per poll; nothing is formatted and no clock is read while it is
//! off. The `tracing` spans that tokio-console reads are entered by the
//! harness itself (`raw.rs`, `span.rs`), and cost nothing without the
//! feature.
//!
//! Every task label here comes from the registry, the one place that keeps
//! a task's name, and is formatted by `TaskLabel`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::panic::Location;
use std::time::{Duration, Instant};

use super::info::{TaskState, TaskStats};
use super::raw::{LocalTask, Ran};
use super::tasks::Tasks;
use super::{context, TaskId};
use crate::driver::slow_poll::{SlowPoll, SlowPollWatch};
use crate::driver::trace::{self, Short, TaskLabel, Trace, WakeCause};

/// What watches one loop.
pub(crate) struct Instruments {
    /// The trace; `None` when it is off.
    trace: Option<Trace>,
    /// Whether anybody watches single polls: the trace prints events, or
    /// polls are timed. The one flag the per-poll path checks.
    watching: bool,
    /// Time spent in polls by each live task (`block_on`'s future is
    /// `TaskId::MAIN`), kept only while watching.
    busy: RefCell<HashMap<TaskId, Duration>>,
    /// Notices polls that run too long; `None` when turned off.
    slow_poll: Option<SlowPollWatch>,
}

/// What `before_poll` hands `after_poll`.
pub(crate) struct PollStart {
    /// When the poll began, if anybody watches.
    at: Option<Instant>,
}

/// How a poll ended, for the trace.
pub(crate) enum Polled<'a> {
    /// A task's poll.
    Task(&'a LocalTask, &'a Ran),
    /// A poll of `block_on`'s future: whether it is ready, and whether it
    /// was woken again during the poll.
    Main { ready: bool, woken: bool },
    /// A poll of a scope's child, inside its scope's poll: whether it
    /// ended.
    Scoped { ready: bool },
}

/// What one turn did, for the trace's summary line.
pub(crate) struct TurnReport {
    pub(crate) ran: u32,
    pub(crate) fired: usize,
    pub(crate) waited: Option<(Duration, usize)>,
}

impl Instruments {
    pub(crate) fn new(trace: Option<Trace>, time_polls: bool, slow_poll: Duration) -> Instruments {
        let watching = time_polls || trace.as_ref().is_some_and(Trace::events);
        Instruments {
            trace,
            watching,
            busy: RefCell::new(HashMap::new()),
            slow_poll: SlowPollWatch::new(slow_poll, context::loop_index()),
        }
    }

    /// Whether the trace prints each event.
    #[inline]
    pub(crate) fn tracing(&self) -> bool {
        self.watching && self.trace.as_ref().is_some_and(Trace::events)
    }

    /// The trace, if it prints anything.
    pub(crate) fn trace(&self) -> Option<&Trace> {
        self.trace.as_ref()
    }

    /// A poll of task `id`, whose record is `stats`, begins.
    #[inline]
    pub(crate) fn before_poll(&self, tasks: &Tasks, id: TaskId, stats: &TaskStats) -> PollStart {
        tasks.current.set(id);
        if let Some(watch) = &self.slow_poll {
            watch.poll_started(id.0, stats.site.get().number());
        }
        PollStart {
            at: self.watching.then(Instant::now),
        }
    }

    /// The poll of task `id`, whose record is `stats`, has ended as
    /// `polled` says.
    #[inline]
    pub(crate) fn after_poll(
        &self,
        tasks: &Tasks,
        id: TaskId,
        stats: &TaskStats,
        start: PollStart,
        polled: Polled<'_>,
    ) {
        stats.polled(tasks.take_note(id));
        tasks.current.set(TaskId::MAIN);
        let slow = self.slow_poll.as_ref().and_then(SlowPollWatch::poll_ended);
        if self.watching || slow.is_some() {
            self.watched_poll(tasks, id, stats, start, polled, slow);
        }
    }

    /// Polls a scope's child (`poll`), task `id` with record `stats`, in
    /// the middle of the poll of the task that runs its scope: the child
    /// is the running task meanwhile (for `task::id`, the task list, the
    /// slow-poll watch and the trace), and the outer poll goes on after as
    /// it was. `ready` says whether the child ended.
    pub(crate) fn poll_nested<R>(
        &self,
        tasks: &Tasks,
        id: TaskId,
        stats: &TaskStats,
        poll: impl FnOnce() -> R,
        ready: impl FnOnce(&R) -> bool,
    ) -> R {
        let outer = tasks.current.get();
        let outer_note = tasks.set_note(super::poll_note::PollNote::NONE);
        let outer_watch = self.slow_poll.as_ref().and_then(SlowPollWatch::published);
        let start = self.before_poll(tasks, id, stats);
        let out = poll();
        let polled = Polled::Scoped { ready: ready(&out) };
        self.after_poll(tasks, id, stats, start, polled);
        tasks.current.set(outer);
        tasks.set_note(outer_note);
        if let (Some(watch), Some((task, place))) = (&self.slow_poll, outer_watch) {
            watch.poll_started(task, place);
        }
        out
    }

    /// The part of `after_poll` that somebody watches.
    #[cold]
    #[inline(never)]
    fn watched_poll(
        &self,
        tasks: &Tasks,
        id: TaskId,
        stats: &TaskStats,
        start: PollStart,
        polled: Polled<'_>,
        slow: Option<SlowPoll>,
    ) {
        let took = start.at.map(|at| at.elapsed());
        if let Some(took) = took {
            *self.busy.borrow_mut().entry(id).or_default() += took;
        }
        if self.tracing() {
            self.trace_poll(tasks, id, stats, &polled);
        }
        if let Some(slow) = slow {
            let took = match took {
                Some(took) => Short(took).to_string(),
                None => format!("at least {}", Short(slow.at_least)),
            };
            let registry = tasks.registry.borrow();
            trace::warn(format_args!(
                "slow poll: {} (spawned at {}) ran for {took} without yielding, and no other \
                 task ran meanwhile (threshold {}); move blocking work to loopy::spawn_blocking",
                label(id, registry.name(id)),
                stats.site.get().location(),
                Short(slow.threshold),
            ));
        }
    }

    /// Says in the trace how a poll ended.
    fn trace_poll(&self, tasks: &Tasks, id: TaskId, stats: &TaskStats, polled: &Polled<'_>) {
        let now = self.trace.as_ref().map_or_else(Instant::now, Trace::now);
        let registry = tasks.registry.borrow();
        let label = label(id, registry.name(id));
        let waiting = |woken: bool| {
            if woken {
                "queued again".to_owned()
            } else {
                context::with(|handle| match handle {
                    Some(handle) => {
                        TaskState::waiting(stats.waits(), &registry, &handle.timers, now)
                    }
                    None => TaskState::Waiting {
                        on: None,
                        timer: None,
                    },
                })
                .to_string()
            }
        };
        let what = match polled {
            Polled::Task(_, Ran::Finished) => "polled: ready, finished".to_owned(),
            Polled::Task(_, Ran::Cancelled) => "cancelled".to_owned(),
            Polled::Task(_, Ran::Panicked(message)) => {
                format!("panicked: {}", message.as_deref().unwrap_or("(no message)"))
            }
            Polled::Task(task, Ran::Unfinished) => {
                format!("polled: pending, {}", waiting(task.is_scheduled()))
            }
            Polled::Main { ready: true, .. } | Polled::Scoped { ready: true } => {
                "polled: ready".to_owned()
            }
            Polled::Main { woken, .. } => format!("polled: pending, {}", waiting(*woken)),
            Polled::Scoped { ready: false } => format!("polled: pending, {}", waiting(false)),
        };
        self.line(format_args!("{label} {what}"));
    }

    /// The total time task `id` spent in polls, if polls are timed.
    pub(crate) fn busy(&self, id: TaskId) -> Option<Duration> {
        self.watching
            .then(|| self.busy.borrow().get(&id).copied().unwrap_or_default())
    }

    /// Forgets what was kept about a task that finished.
    #[inline]
    pub(crate) fn finished(&self, id: TaskId) {
        if self.watching {
            self.busy.borrow_mut().remove(&id);
        }
    }

    /// Whether busy time is kept for task `id`.
    #[cfg(test)]
    pub(crate) fn has_busy_time(&self, id: TaskId) -> bool {
        self.busy.borrow().contains_key(&id)
    }

    /// A task was spawned by task `parent` (the trace is on).
    pub(crate) fn spawned(
        &self,
        id: TaskId,
        name: Option<&str>,
        at: &Location<'_>,
        parent: TaskId,
    ) {
        self.line(format_args!(
            "{} spawned at {at} by {}",
            label(id, name),
            TaskLabel {
                id: parent.0,
                name: None
            }
        ));
    }

    /// Task `id` was woken (or cancelled) by `cause` (the trace is on).
    pub(crate) fn woken(&self, tasks: &Tasks, id: TaskId, cause: WakeCause) {
        let registry = tasks.registry.borrow();
        let task = label(id, registry.name(id));
        let running = tasks.current.get();
        match cause {
            WakeCause::Cancel => self.line(format_args!(
                "{task} cancelled by {}",
                label(running, registry.name(running))
            )),
            cause => self.line(format_args!(
                "{task} woken by {}",
                cause.describe(running.0)
            )),
        }
    }

    /// A turn of the loop begins (the trace is on).
    pub(crate) fn turn_started(&self, turn: u64) {
        if self.tracing() {
            self.line(format_args!("turn {turn}"));
        }
    }

    /// Timers fired.
    pub(crate) fn timers_fired(&self, count: usize) {
        if self.tracing() {
            let s = if count == 1 { "" } else { "s" };
            self.line(format_args!("{count} timer{s} fired"));
        }
    }

    /// A short read is rechecked: its reader reads once more.
    pub(crate) fn rechecking(&self, fd: i32) {
        if self.tracing() {
            self.line(format_args!(
                "rechecking fd {fd} after a short read no event confirmed"
            ));
        }
    }

    /// The loop waited on the poller.
    pub(crate) fn waited(&self, asked: Option<Duration>, slept: Duration, events: usize) {
        if self.tracing() {
            let asked = match asked {
                None => "no timeout".to_owned(),
                Some(Duration::ZERO) => "a peek".to_owned(),
                Some(timeout) => Short(timeout).to_string(),
            };
            let s = if events == 1 { "" } else { "s" };
            self.line(format_args!(
                "poller wait: asked {asked}, slept {}, {events} event{s}",
                Short(slept)
            ));
        }
    }

    /// A turn ended: its summary line, when the trace prints turns only.
    pub(crate) fn turn_ended(&self, turn: u64, report: TurnReport) {
        if self.trace.is_none() || self.tracing() {
            return;
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let waited = match report.waited {
            Some((took, events)) => {
                format!(", waited {} for {}", Short(took), plural(events, "event"))
            }
            None => String::new(),
        };
        self.line(format_args!(
            "turn {turn}: ran {}, fired {}{waited}",
            plural(report.ran as usize, "task"),
            plural(report.fired, "timer"),
        ));
    }

    /// The slow-poll watch, for the loop's waits on the poller.
    pub(crate) fn slow_poll(&self) -> Option<&SlowPollWatch> {
        self.slow_poll.as_ref()
    }

    /// A task panicked and no `JoinHandle` is left to report it.
    #[cold]
    pub(crate) fn unjoined_panic(&self, tasks: &Tasks, task: &LocalTask, message: Option<&str>) {
        let header = task.header();
        let registry = tasks.registry.borrow();
        trace::warn(format_args!(
            "{} (spawned at {}) panicked, and no JoinHandle is left to report it: {}",
            label(header.id, registry.name(header.id)),
            header.stats.site.get().location(),
            message.unwrap_or("(no message)"),
        ));
    }

    fn line(&self, what: fmt::Arguments<'_>) {
        if let Some(trace) = &self.trace {
            trace.line(what);
        }
    }
}

/// The label of task `id`, named `name`.
fn label(id: TaskId, name: Option<&str>) -> TaskLabel<'_> {
    TaskLabel { id: id.0, name }
}
