//! The tasks of one loop: the live ones and the ready ones.
//!
//! [`Tasks`] is the part of a loop's handle that `spawn`, `task::id()` and
//! `task::list()` reach, through the thread's context. Spawning moves the
//! future into its allocation (`raw.rs`), enters it in the registry
//! (`registry.rs`), which keeps it until it completes, and queues it on the
//! run queue (`run_queue.rs`), where the loop will find it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::panic::Location;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Instant;

use super::group::GroupMembers;
use super::info::{TaskInfo, TaskState, TaskStats, WaitingOn};
use super::instruments::Instruments;
use super::poll_note::{Parked, PollNote};
use super::raw::{LocalTask, NewTask, TaskRef};
use super::registry::TaskRegistry;
use super::run_queue::{Remote, RunQueue};
use super::span::{Kind, TaskSpan};
use super::spawn_sites::SpawnSites;
use super::{JoinHandle, TaskId};
use crate::driver::clock;
use crate::driver::timer_heap::{TimerHeap, TimerKey};

/// A child of a scope, as the loop knows it: the scope future polls it,
/// so it has no allocation of its own, only this record.
pub(crate) struct ScopedTask {
    pub(crate) id: TaskId,
    pub(crate) stats: TaskStats,
}

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
    /// What else the running poll parked its waker on, beyond the first
    /// socket or task (a race of several).
    more: RefCell<Vec<Parked>>,
    /// Tasks whose last poll parked their waker on several things: all
    /// but the first, which is in the task's record.
    also: RefCell<HashMap<TaskId, Box<[Parked]>>>,
    /// Whether `more` or `also` holds anything, so a poll that parked on
    /// one thing costs one load more.
    has_more: Cell<bool>,
    /// The children of scopes, which the run queue never holds but the
    /// task list shows: their records, by id.
    scoped: RefCell<HashMap<TaskId, Rc<ScopedTask>>>,
    /// The parents of the live tasks whose parent is more than four
    /// billion tasks older than they are, too far back for their record
    /// (`TaskStats::parent_is_far`): a server's accept loop, say, after
    /// four billion connections.
    far_parents: RefCell<HashMap<TaskId, TaskId>>,
    /// The group of each task that belongs to a `TaskGroup`, told when the
    /// task finishes.
    groups: RefCell<HashMap<TaskId, Weak<GroupMembers>>>,
    /// The loop's coarse clock: the last time it read the real one, as
    /// `clock::nanos`. New tasks take their birth time from it, so spawning
    /// reads no clock.
    pub(crate) clock: Cell<u64>,
    /// The record of `block_on`'s own future.
    pub(crate) main: TaskStats,
    /// Where the tasks were spawned, each place once.
    sites: RefCell<SpawnSites>,
}

impl Tasks {
    pub(crate) fn new(remote: Arc<Remote>) -> Tasks {
        let now = clock::nanos(Instant::now());
        let here = Location::caller();
        let mut sites = SpawnSites::new(here);
        Tasks {
            run_queue: RunQueue::new(remote),
            registry: RefCell::new(TaskRegistry::new()),
            next_id: Cell::new(1),
            current: Cell::new(TaskId::MAIN),
            note: Cell::new(PollNote::NONE),
            more: RefCell::default(),
            also: RefCell::default(),
            has_more: Cell::new(false),
            far_parents: RefCell::default(),
            groups: RefCell::default(),
            scoped: RefCell::default(),
            clock: Cell::new(now),
            main: TaskStats::new(sites.number(here), now, TaskId::MAIN, TaskId::MAIN),
            sites: RefCell::new(sites),
        }
    }

    /// `block_on` was called at `location`.
    pub(crate) fn set_main_location(&self, location: &'static Location<'static>) {
        let site = self.sites.borrow_mut().number(location);
        self.main.site.set(site);
    }

    /// The running poll parked its waker on a socket or a task.
    #[inline]
    pub(crate) fn parked(&self, on: Parked) {
        let note = self.note.get();
        let first = note.on();
        if first == Parked::Nothing || first == on {
            self.note.set(note.with(on));
        } else {
            self.parked_also(on);
        }
    }

    /// The running poll parked its waker on `on` besides another thing.
    #[cold]
    fn parked_also(&self, on: Parked) {
        let mut more = self.more.borrow_mut();
        if !more.contains(&on) {
            more.push(on);
        }
        self.has_more.set(true);
    }

    /// The running poll parked its waker on timer `key` of `timers`, due
    /// at `deadline`.
    #[inline]
    pub(crate) fn parked_on_timer(&self, key: TimerKey, deadline: Instant, timers: &TimerHeap) {
        self.note
            .set(self.note.get().with_timer(key, deadline, timers));
    }

    /// Replaces the running poll's note, returning the old one (a scope's
    /// child is polled in the middle of another poll).
    pub(crate) fn set_note(&self, note: PollNote) -> PollNote {
        self.note.replace(note)
    }

    /// The poll of task `id` has ended: what did it park its waker on
    /// first? Leaves the note empty for the next poll.
    #[inline]
    pub(crate) fn take_note(&self, id: TaskId) -> PollNote {
        if self.has_more.get() {
            self.file_more(id);
        }
        self.note.replace(PollNote::NONE)
    }

    /// Keeps what else task `id`'s poll parked on, or forgets what an
    /// earlier poll did.
    #[cold]
    fn file_more(&self, id: TaskId) {
        let more = std::mem::take(&mut *self.more.borrow_mut());
        let mut also = self.also.borrow_mut();
        if more.is_empty() {
            also.remove(&id);
        } else {
            also.insert(id, more.into_boxed_slice());
        }
        self.has_more.set(!also.is_empty());
    }

    /// Forgets what was kept about task `id`, whose record is `stats`,
    /// which finished.
    #[inline]
    pub(crate) fn finished(&self, id: TaskId, stats: &TaskStats) {
        if self.has_more.get() {
            self.file_more(id);
        }
        if stats.parent_is_far() {
            self.far_parents.borrow_mut().remove(&id);
        }
    }

    /// A new task's id, and its record: spawned at `location` now, by the
    /// running task.
    #[inline]
    fn new_task(&self, location: &'static Location<'static>) -> (TaskId, TaskStats) {
        let id = TaskId(self.next_id.get());
        self.next_id.set(id.0 + 1);
        let parent = self.current.get();
        let site = self.sites.borrow_mut().number(location);
        let stats = TaskStats::new(site, self.clock.get(), id, parent);
        if stats.parent_is_far() {
            self.far_parents.borrow_mut().insert(id, parent);
        }
        (id, stats)
    }

    /// The task that spawned task `id`, whose record is `stats`.
    fn parent(&self, id: TaskId, stats: &TaskStats) -> Option<TaskId> {
        stats
            .parent(id)
            .or_else(|| self.far_parents.borrow().get(&id).copied())
    }

    /// A scope's child made at `location` by the running task: its id and
    /// record, which the task list shows until [`Tasks::scoped_ended`].
    pub(crate) fn add_scoped(&self, location: &'static Location<'static>) -> Rc<ScopedTask> {
        let (id, stats) = self.new_task(location);
        let record = Rc::new(ScopedTask { id, stats });
        self.scoped.borrow_mut().insert(id, Rc::clone(&record));
        record
    }

    /// The scope's child `id` has ended.
    pub(crate) fn scoped_ended(&self, id: TaskId) {
        let mut scoped = self.scoped.borrow_mut();
        let record = scoped.remove(&id);
        if scoped.is_empty() {
            // A scope of many children leaves no table behind.
            *scoped = HashMap::new();
        }
        drop(scoped);
        if let Some(record) = record {
            self.finished(id, &record.stats);
        }
    }

    /// `task` belongs to `group` from now on.
    pub(crate) fn add_to_group(&self, task: &LocalTask, group: &Rc<GroupMembers>) {
        self.groups
            .borrow_mut()
            .insert(task.header().id, Rc::downgrade(group));
    }

    /// `task`'s group is gone.
    pub(crate) fn remove_from_group(&self, task: &LocalTask) {
        self.groups.borrow_mut().remove(&task.header().id);
    }

    /// `task`, a member of a group, finished: its group hears of it.
    #[cold]
    pub(crate) fn group_member_done(&self, task: &LocalTask) {
        let group = self.groups.borrow_mut().remove(&task.header().id);
        if let Some(group) = group.and_then(|group| group.upgrade()) {
            group.finished(task);
        }
    }

    /// What else task `id`'s last poll parked its waker on.
    fn also(&self, id: TaskId, registry: &TaskRegistry) -> Vec<WaitingOn> {
        let also = self.also.borrow();
        let Some(more) = also.get(&id) else {
            return Vec::new();
        };
        more.iter()
            .filter_map(|&parked| WaitingOn::from_parked(parked, registry))
            .collect()
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
        let (id, stats) = self.new_task(location);
        let span = TaskSpan::new(id, name.as_deref(), location, kind);
        if instruments.tracing() {
            instruments.spawned(id, name.as_deref(), location, self.current.get());
        }
        let remote = Arc::clone(&self.run_queue.remote);
        let mut registry = self.registry.borrow_mut();
        let slot = registry.vacant();
        let NewTask {
            registry: kept,
            queued,
            handle,
        } = TaskRef::allocate(future, id, slot, remote, stats, span);
        registry.insert(kept, name);
        drop(registry);
        self.run_queue.push(queued);
        // SAFETY: `handle` refers to the task just allocated from `future`,
        // whose output type is `F::Output`.
        unsafe { JoinHandle::new(handle) }
    }

    /// Every live task and `block_on`'s future, as they are now;
    /// `main_queued` says whether `block_on`'s future was woken, `timers`
    /// when the timers they wait on are due, and `clock` is the time
    /// timers go by (paused, maybe).
    pub(crate) fn list(
        &self,
        instruments: &Instruments,
        main_queued: bool,
        timers: &TimerHeap,
        clock: Instant,
    ) -> Vec<TaskInfo> {
        let now = Instant::now();
        let current = self.current.get();
        let registry = self.registry.borrow();
        let info = |id: TaskId,
                    parent: Option<TaskId>,
                    name: Option<&str>,
                    stats: &TaskStats,
                    state: TaskState| TaskInfo {
            id,
            parent,
            name: name.map(String::from),
            location: stats.site.get().location(),
            also: match state {
                TaskState::Waiting { .. } => self.also(id, &registry),
                _ => Vec::new(),
            },
            state,
            polls: u64::from(stats.polls.get()),
            busy: instruments.busy(id),
            age: now.saturating_duration_since(stats.spawned()),
        };
        // `list` runs inside a poll: of `block_on`'s future when no task is.
        let main_state = if current == TaskId::MAIN {
            TaskState::Running
        } else if main_queued {
            TaskState::Ready
        } else {
            TaskState::waiting(self.main.waits(), &registry, timers, clock)
        };
        let mut list = vec![info(TaskId::MAIN, None, None, &self.main, main_state)];
        for record in self.scoped.borrow().values() {
            let state = if record.id == current {
                TaskState::Running
            } else {
                TaskState::waiting(record.stats.waits(), &registry, timers, clock)
            };
            let parent = self.parent(record.id, &record.stats);
            list.push(info(record.id, parent, None, &record.stats, state));
        }
        for task in registry.iter() {
            let header = task.header();
            let state = if header.id == current {
                TaskState::Running
            } else if task.is_scheduled() {
                TaskState::Ready
            } else {
                TaskState::waiting(header.stats.waits(), &registry, timers, clock)
            };
            list.push(info(
                header.id,
                self.parent(header.id, &header.stats),
                registry.name(header.id),
                &header.stats,
                state,
            ));
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use std::future::pending;

    use super::*;
    use crate::task::{context, list};

    /// The parent the task list shows for task `id`.
    fn listed_parent(id: TaskId) -> Option<TaskId> {
        let info = list().into_iter().find(|task| task.id() == id);
        info.expect("the task is listed").parent()
    }

    #[test]
    fn a_parent_four_billion_tasks_back_is_still_named() {
        crate::block_on(async {
            let parent = crate::spawn(async {
                let jump = |to: u64| {
                    context::with(|handle| handle.expect("in a runtime").tasks.next_id.set(to));
                };
                let far_parents = || {
                    context::with(|handle| {
                        handle
                            .expect("in a runtime")
                            .tasks
                            .far_parents
                            .borrow()
                            .len()
                    })
                };
                let me = crate::task::id();
                // The last distance the record holds, and the first it does not.
                jump(me.0 + u64::from(u32::MAX) - 1);
                let near = crate::spawn(pending::<()>());
                let far = crate::spawn(pending::<()>());
                assert_eq!(far.id().0 - me.0, u64::from(u32::MAX));
                crate::yield_now().await;
                assert_eq!(listed_parent(near.id()), Some(me));
                assert_eq!(listed_parent(far.id()), Some(me));
                assert_eq!(far_parents(), 1, "only the far one is in the table");
                far.cancel();
                assert!(far.await.unwrap_err().is_cancelled());
                assert_eq!(far_parents(), 0, "forgotten when it ends");
                near.cancel();
            });
            parent.await.unwrap();
        });
    }

    #[test]
    fn a_scope_moved_to_another_runtime_spawns_there() {
        // A scope's child keeps the id its first runtime gave it; polled
        // by a second runtime, whose ids start again at 1, it is a parent
        // newer than the tasks it spawns.
        #[allow(clippy::async_yields_async)] // the scope leaves, unfinished
        let scope = crate::block_on(async {
            for _ in 0..10 {
                drop(crate::spawn(async {}));
            }
            let mut scope = Box::pin(crate::task::scope(|s| {
                s.spawn(async {
                    crate::yield_now().await;
                    let parent = crate::task::id();
                    let child = crate::spawn(async {});
                    assert_eq!(listed_parent(child.id()), Some(parent));
                    child.await.unwrap();
                });
                async {}
            }));
            std::future::poll_fn(|cx| {
                assert!(scope.as_mut().poll(cx).is_pending());
                std::task::Poll::Ready(())
            })
            .await;
            scope
        });
        crate::block_on(scope);
    }
}
