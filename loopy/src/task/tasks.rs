//! The tasks of one loop: the live ones and the ready ones.
//!
//! [`Tasks`] is the part of a loop's handle that `spawn`, `task::id()` and
//! `task::list()` reach, through the thread's context. Spawning moves the
//! future into its allocation (`raw.rs`), enters it in the registry
//! (`registry.rs`), which keeps it until it completes, and queues it on the
//! run queue (`run_queue.rs`), where the loop will find it.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::Location;
use std::sync::Arc;
use std::time::Instant;

use super::info::{TaskInfo, TaskState, TaskStats};
use super::instruments::Instruments;
use super::poll_note::{Parked, PollNote};
use super::raw::{NewTask, TaskRef};
use super::registry::TaskRegistry;
use super::run_queue::{Remote, RunQueue};
use super::span::{Kind, TaskSpan};
use super::{JoinHandle, TaskId};
use crate::runtime::clock;

/// The tasks of one runtime.
pub(crate) struct Tasks {
    /// Tasks ready to be polled.
    pub(crate) run_queue: RunQueue,
    /// Every live task, so that `list` can show them and dropping the
    /// runtime can drop them; and the names of the named ones.
    pub(crate) registry: RefCell<TaskRegistry>,
    /// The id the next spawned task gets.
    next_id: Cell<u64>,
    /// The id of the task being polled (`TaskId::MAIN` between tasks).
    pub(crate) current: Cell<TaskId>,
    /// What the running poll parked its waker on, so far (`poll_note.rs`).
    note: Cell<PollNote>,
    /// The loop's coarse clock: the last time it read the real one, as
    /// `clock::nanos`. New tasks take their birth time from it, so spawning
    /// reads no clock.
    pub(crate) clock: Cell<u64>,
    /// The record of `block_on`'s own future.
    pub(crate) main: TaskStats,
}

impl Tasks {
    pub(crate) fn new(remote: Arc<Remote>) -> Tasks {
        let now = clock::nanos(Instant::now());
        Tasks {
            run_queue: RunQueue::new(remote),
            registry: RefCell::new(TaskRegistry::new()),
            next_id: Cell::new(1),
            current: Cell::new(TaskId::MAIN),
            note: Cell::new(PollNote::NONE),
            clock: Cell::new(now),
            main: TaskStats::new(Location::caller(), now),
        }
    }

    /// The running poll parked its waker on a socket or a task.
    #[inline]
    pub(crate) fn parked(&self, on: Parked) {
        self.note.set(self.note.get().with(on));
    }

    /// The running poll parked its waker on a timer due at `deadline`.
    #[inline]
    pub(crate) fn parked_on_timer(&self, deadline: Instant) {
        self.note.set(self.note.get().with_timer(deadline));
    }

    /// The poll has ended: what did it park its waker on? Leaves the note
    /// empty for the next poll.
    #[inline]
    pub(crate) fn take_note(&self) -> PollNote {
        self.note.replace(PollNote::NONE)
    }

    /// Spawns a task of the given kind, made at `location`; `instruments`
    /// hear of it.
    pub(crate) fn spawn<F>(
        &self,
        future: F,
        name: Option<Box<str>>,
        location: &'static Location<'static>,
        kind: Kind,
        instruments: &Instruments,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = TaskId(self.next_id.get());
        self.next_id.set(id.0 + 1);
        let stats = TaskStats::new(location, self.clock.get());
        let span = TaskSpan::new(id, name.as_deref(), location, kind);
        let remote = Arc::clone(&self.run_queue.remote);
        let NewTask {
            registry,
            queued,
            handle,
        } = TaskRef::allocate(future, id, remote, stats, span);
        if instruments.tracing() {
            instruments.spawned(id, name.as_deref(), location);
        }
        self.registry.borrow_mut().insert(registry, name);
        self.run_queue.push(queued);
        // SAFETY: `handle` refers to the task just allocated from `future`,
        // whose output type is `F::Output`.
        unsafe { JoinHandle::new(handle) }
    }

    /// Every live task and `block_on`'s future, as they are now;
    /// `main_queued` says whether `block_on`'s future was woken, `clock`
    /// is the time timers go by (paused, maybe).
    pub(crate) fn list(
        &self,
        instruments: &Instruments,
        main_queued: bool,
        clock: Instant,
    ) -> Vec<TaskInfo> {
        let now = Instant::now();
        let current = self.current.get();
        let registry = self.registry.borrow();
        let info = |id: TaskId, name: Option<&str>, stats: &TaskStats, state: TaskState| TaskInfo {
            id,
            name: name.map(String::from),
            location: stats.location.get(),
            state,
            polls: stats.polls.get(),
            busy: instruments.busy(id),
            age: now.saturating_duration_since(stats.spawned()),
        };
        // `list` runs inside a poll: of `block_on`'s future when no task is.
        let main_state = if current == TaskId::MAIN {
            TaskState::Running
        } else if main_queued {
            TaskState::Ready
        } else {
            TaskState::waiting(self.main.waits.get(), clock)
        };
        let mut list = vec![info(TaskId::MAIN, None, &self.main, main_state)];
        for task in registry.iter() {
            let header = task.header();
            let state = if header.id == current {
                TaskState::Running
            } else if task.is_scheduled() {
                TaskState::Ready
            } else {
                TaskState::waiting(header.stats.waits.get(), clock)
            };
            list.push(info(
                header.id,
                registry.name(header.id),
                &header.stats,
                state,
            ));
        }
        list
    }
}
