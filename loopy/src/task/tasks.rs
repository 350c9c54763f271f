//! The tasks of one loop: the live ones and the ready ones.
//!
//! [`Tasks`] is the part of a runtime that `spawn`, `task::id()` and
//! `task::list()` reach, through its thread-local slot. Spawning moves the
//! future into its allocation (`raw.rs`), enters it in the registry
//! (`registry.rs`), which keeps it until it completes, and queues it on the
//! run queue (`run_queue.rs`), where the loop will find it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::panic::Location;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::info::{TaskInfo, TaskState, TaskStats};
use super::instrument::{Kind, TaskSpan};
use super::raw::{NewTask, TaskRef};
use super::registry::TaskRegistry;
use super::run_queue::{Remote, RunQueue};
use super::state::SCHEDULED;
use super::{JoinHandle, TaskId};
use crate::loop_local::{self, Filled, LoopLocal};
use crate::trace::Trace;
use crate::wait;

thread_local! {
    /// The tasks of the loop running on this thread.
    static CURRENT: LoopLocal<Tasks> = const { LoopLocal::new(None) };
}

/// The tasks of one runtime.
pub(crate) struct Tasks {
    /// Tasks ready to be polled.
    pub(crate) run_queue: Rc<RunQueue>,
    /// Every live task, so that `list` can show them and dropping the
    /// runtime can drop them.
    pub(crate) registry: RefCell<TaskRegistry>,
    /// The id the next spawned task gets.
    next_id: Cell<u64>,
    /// The id of the task being polled (`TaskId::MAIN` between tasks).
    pub(crate) current: Cell<TaskId>,
    /// The loop's coarse clock: the last time it read the real one, as
    /// `wait::nanos`. New tasks take their birth time from it, so spawning
    /// reads no clock.
    pub(crate) clock: Cell<u64>,
    /// The record of `block_on`'s own future.
    pub(crate) main: TaskStats,
    /// Tells of each spawn, when the trace is on.
    pub(crate) trace: Rc<Trace>,
    /// Whether polls are timed, so `TaskInfo::busy` is known.
    pub(crate) timing: bool,
    /// Time spent in polls by each live task (`block_on`'s future is
    /// `TaskId::MAIN`), kept only while polls are timed.
    busy: RefCell<HashMap<TaskId, Duration>>,
}

impl Tasks {
    pub(crate) fn new(remote: Arc<Remote>, trace: Rc<Trace>, timing: bool) -> Tasks {
        let now = wait::nanos(Instant::now());
        Tasks {
            run_queue: Rc::new(RunQueue::new(remote, &trace)),
            registry: RefCell::new(TaskRegistry::new()),
            next_id: Cell::new(1),
            current: Cell::new(TaskId::MAIN),
            clock: Cell::new(now),
            main: TaskStats::new(Location::caller(), now),
            trace,
            timing,
            busy: RefCell::new(HashMap::new()),
        }
    }

    /// Adds a timed poll of task `id` to its busy time.
    pub(crate) fn add_busy(&self, id: TaskId, took: Duration) {
        *self.busy.borrow_mut().entry(id).or_default() += took;
    }

    /// Whether busy time is noted for task `id`.
    #[cfg(test)]
    pub(crate) fn has_busy_time(&self, id: TaskId) -> bool {
        self.busy.borrow().contains_key(&id)
    }

    /// Forgets what was kept about a task that finished.
    #[inline]
    pub(crate) fn finished(&self, id: TaskId) {
        if self.timing {
            self.forget(id);
        }
    }

    /// Forgets a finished task's busy time and, in the trace, its name.
    #[cold]
    fn forget(&self, id: TaskId) {
        self.busy.borrow_mut().remove(&id);
        self.trace.forget(id.0);
    }

    /// The tasks of the loop running on this thread.
    ///
    /// # Panics
    ///
    /// Outside a runtime, naming `what`, the function the user called.
    pub(crate) fn current(what: &str) -> Rc<Tasks> {
        loop_local::expect(&CURRENT, what)
    }

    /// Calls `f` with the tasks of the loop running on this thread, if any.
    pub(crate) fn with<R>(f: impl FnOnce(Option<&Tasks>) -> R) -> R {
        loop_local::with(&CURRENT, f)
    }

    /// Makes these the tasks that `spawn` on this thread reaches, and their
    /// run queue the one wakes go to, until the guards are dropped; `None`
    /// if another loop runs on this thread.
    pub(crate) fn enter(tasks: &Rc<Tasks>) -> Option<(Filled<Tasks>, Filled<RunQueue>)> {
        let entered = loop_local::fill(&CURRENT, tasks)?;
        let queue = RunQueue::enter(&tasks.run_queue)?;
        Some((entered, queue))
    }

    /// Spawns a task of the given kind, made at `location`.
    pub(crate) fn spawn<F>(
        &self,
        future: F,
        name: Option<Box<str>>,
        location: &'static Location<'static>,
        kind: Kind,
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
        if self.trace.events() {
            self.trace.spawned(id.0, name.as_deref(), location);
        }
        self.registry.borrow_mut().insert(registry, name);
        self.run_queue.push_new(queued);
        // SAFETY: `handle` refers to the task just allocated from `future`,
        // whose output type is `F::Output`.
        unsafe { JoinHandle::new(handle) }
    }

    /// Every live task and `block_on`'s future, as they are now.
    pub(crate) fn list(&self) -> Vec<TaskInfo> {
        let now = Instant::now();
        let current = self.current.get();
        let registry = self.registry.borrow();
        let info = |id: TaskId, name: Option<&str>, stats: &TaskStats, state: TaskState| TaskInfo {
            id,
            name: name.map(String::from),
            location: stats.location.get(),
            state,
            polls: stats.polls.get(),
            busy: self.timing.then(|| {
                let busy = self.busy.borrow();
                busy.get(&id).copied().unwrap_or_default()
            }),
            age: now.saturating_duration_since(stats.spawned()),
        };
        // `list` runs inside a poll: of `block_on`'s future when no task is.
        let main_state = if current == TaskId::MAIN {
            TaskState::Running
        } else if self.run_queue.main_is_queued() {
            TaskState::Ready
        } else {
            TaskState::waiting(self.main.waits.get(), now)
        };
        let mut list = vec![info(TaskId::MAIN, None, &self.main, main_state)];
        for task in registry.iter() {
            let header = task.header();
            let state = if header.id == current {
                TaskState::Running
            } else if header.state.load() & SCHEDULED != 0 {
                TaskState::Ready
            } else {
                TaskState::waiting(header.stats.waits.get(), now)
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
