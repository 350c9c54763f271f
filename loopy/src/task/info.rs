//! What the loop knows about each task, and how it shows it: the task
//! list behind [`list`](super::list) and [`dump`](super::dump).
//!
//! Every task carries a small [`TaskStats`] record in its header, and
//! `block_on`'s future has one in the runtime. The loop fills it in as it
//! goes: the spawn location when the task is made, the time from the clock
//! the loop reads anyway, and after each poll the poll count and what the
//! task's waker was parked on (see `poll_note.rs`). Nothing is formatted and no
//! clock is read for it until somebody asks for the list.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::panic::Location;
use std::time::{Duration, Instant};

use super::poll_note::{Parked, PollNote};
use super::registry::TaskRegistry;
use super::TaskId;
use crate::driver::clock;
use crate::driver::places::Place;
use crate::driver::timer_heap::TimerHeap;
use crate::driver::trace::{Short, TaskLabel};

/// The loop's record of one task, in its header (three words): where it
/// came from and who spawned it, how often it was polled, what it waits
/// on, and when it was born.
pub(crate) struct TaskStats {
    /// Where the task was spawned (or `block_on` called).
    pub(crate) site: Cell<Place>,
    /// How far back the task that spawned it is: its id minus the
    /// parent's (a parent is older, and ids only grow). `FAR` when the
    /// distance does not fit; the runtime keeps that parent in a table
    /// (`Tasks::parent`). Zero for `block_on`'s future, which has none.
    parent_gap: u32,
    /// Polls so far (counting stops at `u32::MAX`).
    pub(crate) polls: Cell<u32>,
    /// What the last poll parked the task's waker on: the note's word...
    waits_on: Cell<u32>,
    /// ...and its half-word, kept apart so that it packs with the others.
    waits_timer: Cell<u32>,
    /// When the task was spawned, by the loop's coarse clock, in tenths of
    /// a second since the process's time zero (`clock::nanos`); good for
    /// 13 years, and half a word.
    spawned: u32,
}

/// `TaskStats::parent_gap` of a task whose parent is more than
/// `u32::MAX - 1` tasks older.
const FAR: u32 = u32::MAX;

/// Nanoseconds in one unit of `TaskStats::spawned`.
const SPAWNED_UNIT: u64 = 100_000_000;

impl TaskStats {
    /// A record for task `id`, spawned by task `parent` at `site` when the
    /// loop's clock read `now` (as `clock::nanos`).
    #[inline]
    pub(crate) fn new(site: Place, now: u64, id: TaskId, parent: TaskId) -> TaskStats {
        TaskStats {
            site: Cell::new(site),
            // A parent newer than its child is a scope's child that moved
            // to another runtime, whose ids started again: kept as far.
            parent_gap: match id.0.checked_sub(parent.0) {
                Some(gap) if gap < u64::from(FAR) => gap as u32,
                _ => FAR,
            },
            polls: Cell::new(0),
            waits_on: Cell::new(0),
            waits_timer: Cell::new(0),
            spawned: u32::try_from(now / SPAWNED_UNIT).unwrap_or(u32::MAX),
        }
    }

    /// The parent of task `id`, which this is the record of; `None` when
    /// it is too far back to say here (`parent_is_far`).
    pub(crate) fn parent(&self, id: TaskId) -> Option<TaskId> {
        (self.parent_gap != FAR).then(|| TaskId(id.0 - u64::from(self.parent_gap)))
    }

    /// Whether the parent is too far back for the record, and kept in
    /// the runtime's table instead.
    #[inline]
    pub(crate) fn parent_is_far(&self) -> bool {
        self.parent_gap == FAR
    }

    /// When the task was spawned, to a tenth of a second.
    pub(crate) fn spawned(&self) -> Instant {
        clock::instant(u64::from(self.spawned) * SPAWNED_UNIT)
    }

    /// Records one poll and what it parked on.
    pub(crate) fn polled(&self, waits: PollNote) {
        self.polls.set(self.polls.get().saturating_add(1));
        let (on, timer) = waits.parts();
        self.waits_on.set(on);
        self.waits_timer.set(timer);
    }

    /// What the last poll parked the task's waker on.
    pub(crate) fn waits(&self) -> PollNote {
        PollNote::from_parts((self.waits_on.get(), self.waits_timer.get()))
    }
}

/// One task, as [`task::list`](super::list) saw it.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let sleeper = loopy::task::Builder::new()
///         .name("sleeper")
///         .spawn(loopy::sleep(std::time::Duration::from_secs(60)));
///     loopy::yield_now().await;
///     let info = loopy::task::list()
///         .into_iter()
///         .find(|info| info.id() == sleeper.id())
///         .unwrap();
///     assert_eq!(info.name(), Some("sleeper"));
///     assert_eq!(info.polls(), 1);
///     assert!(info.state().to_string().starts_with("waiting: timer due in"));
///     println!("{info}");
/// });
/// ```
#[derive(Clone, Debug)]
pub struct TaskInfo {
    pub(crate) id: TaskId,
    pub(crate) parent: Option<TaskId>,
    pub(crate) name: Option<String>,
    pub(crate) location: &'static Location<'static>,
    pub(crate) state: TaskState,
    /// What else a waiting task's waker is parked on, beyond the state's.
    pub(crate) also: Vec<WaitingOn>,
    pub(crate) polls: u64,
    pub(crate) busy: Option<Duration>,
    pub(crate) age: Duration,
}

impl TaskInfo {
    /// The task's id; `0` for `block_on`'s own future.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// The task that spawned this one (`block_on`'s future is task `0`);
    /// `None` for `block_on`'s future itself.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let parent = loopy::spawn(async {
    ///         let child = loopy::spawn(std::future::pending::<()>());
    ///         loopy::yield_now().await;
    ///         let list = loopy::task::list();
    ///         let info = list.iter().find(|t| t.id() == child.id()).unwrap();
    ///         assert_eq!(info.parent(), Some(loopy::task::id()));
    ///         child.cancel();
    ///     });
    ///     parent.await.unwrap();
    /// });
    /// ```
    pub fn parent(&self) -> Option<TaskId> {
        self.parent
    }

    /// The task's name, if it was given one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the task was spawned: the caller of `spawn`,
    /// `task::Builder::spawn` or a `#[loopy::task]` function (for
    /// `block_on`'s future, the caller of `block_on`).
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// Whether the task runs, is ready to, or waits, and on what.
    pub fn state(&self) -> &TaskState {
        &self.state
    }

    /// Everything a waiting task's waker is parked on that loopy knows of:
    /// the state's socket or task first, then the others its last poll
    /// parked on (a task racing an accept against two signals waits on
    /// three descriptors). Empty unless the task waits.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::Future;
    /// use loopy::task::WaitingOn;
    ///
    /// loopy::block_on(async {
    ///     let first = loopy::spawn(std::future::pending::<()>());
    ///     let second = loopy::spawn(std::future::pending::<()>());
    ///     let (a, b) = (first.id(), second.id());
    ///     let racer = loopy::spawn(async move {
    ///         // Awaits whichever handle finishes first.
    ///         let mut handles = [first, second];
    ///         std::future::poll_fn(|cx| {
    ///             for handle in &mut handles {
    ///                 if std::pin::Pin::new(handle).poll(cx).is_ready() {
    ///                     return std::task::Poll::Ready(());
    ///                 }
    ///             }
    ///             std::task::Poll::Pending
    ///         })
    ///         .await
    ///     });
    ///     loopy::yield_now().await;
    ///     let list = loopy::task::list();
    ///     let info = list.iter().find(|t| t.id() == racer.id()).unwrap();
    ///     assert_eq!(info.waiting_on(), [WaitingOn::Task(a), WaitingOn::Task(b)]);
    ///     racer.cancel();
    /// });
    /// ```
    pub fn waiting_on(&self) -> Vec<WaitingOn> {
        match &self.state {
            TaskState::Waiting { on: Some(on), .. } => {
                let mut all = vec![*on];
                all.extend_from_slice(&self.also);
                all
            }
            _ => Vec::new(),
        }
    }

    /// The state, with everything the task waits on.
    fn state_text(&self) -> String {
        match &self.state {
            TaskState::Waiting { on: Some(_), timer } if !self.also.is_empty() => {
                let mut text = "waiting: ".to_owned();
                let on: Vec<String> = self.waiting_on().iter().map(ToString::to_string).collect();
                text.push_str(&on.join(", "));
                if let Some(due) = timer {
                    text.push_str(&format!(", timer due in {}", Short(*due)));
                }
                text
            }
            state => state.to_string(),
        }
    }

    /// How many times the task has been polled (the count stops at
    /// `u32::MAX`, about four billion).
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// The total time the task spent in polls, if the runtime times them
    /// (it does while the trace is on, or with
    /// [`Builder::time_polls`](crate::runtime::Builder::time_polls)).
    pub fn busy(&self) -> Option<Duration> {
        self.busy
    }

    /// How long ago the task was spawned, to within a turn of the loop and
    /// a tenth of a second.
    pub fn age(&self) -> Duration {
        self.age
    }

    /// Whether this is `block_on`'s own future rather than a spawned task.
    pub fn is_block_on(&self) -> bool {
        self.id == TaskId::MAIN
    }
}

impl fmt::Display for TaskInfo {
    /// One line: `task 3 "client": waiting: fd 7 readable; 4 polls, age
    /// 2.001s, spawned at src/main.rs:12:5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; {} polls",
            label(self),
            self.state_text(),
            self.polls
        )?;
        if let Some(busy) = self.busy {
            write!(f, ", busy {}", Short(busy))?;
        }
        write!(f, ", age {}, spawned at {}", Short(self.age), self.location)
    }
}

/// How the list names a task.
fn label(task: &TaskInfo) -> TaskLabel<'_> {
    TaskLabel {
        id: task.id.0,
        name: task.name.as_deref(),
    }
}

/// Where a task is in its life, as [`TaskInfo::state`] reports it.
///
/// # Examples
///
/// ```
/// use loopy::task::TaskState;
///
/// loopy::block_on(async {
///     let me = loopy::task::list().into_iter().find(|t| t.is_block_on()).unwrap();
///     assert_eq!(*me.state(), TaskState::Running);
///     assert_eq!(me.state().to_string(), "running");
/// });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskState {
    /// Being polled right now: it is the task that asked for the list.
    Running,
    /// Woken, in the run queue.
    Ready,
    /// Waiting to be woken.
    Waiting {
        /// The socket or task its last poll parked its waker on; `None`
        /// when it parked it nowhere loopy knows of (a channel, another
        /// thread) or only on a timer.
        on: Option<WaitingOn>,
        /// How long until the earliest timer its last poll armed is due
        /// (zero if due already).
        timer: Option<Duration>,
    },
}

/// What a waiting task's waker is parked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WaitingOn {
    /// This descriptor becoming readable.
    Readable(RawFd),
    /// This descriptor becoming writable.
    Writable(RawFd),
    /// This task finishing (its `JoinHandle` is awaited).
    Task(TaskId),
}

impl TaskState {
    /// The state of a task that is neither running nor queued, from what
    /// its last poll noted; `timers` says when its timer is due, and `now`
    /// turns that into a delay.
    pub(crate) fn waiting(
        waits: PollNote,
        registry: &TaskRegistry,
        timers: &TimerHeap,
        now: Instant,
    ) -> TaskState {
        let due = waits.timer_due(timers);
        let on = WaitingOn::from_parked(waits.on(), registry);
        TaskState::Waiting {
            on,
            timer: due.map(|due| due.saturating_duration_since(now)),
        }
    }
}

impl fmt::Display for TaskState {
    /// `running`, `ready`, `waiting: fd 7 readable`, `waiting: timer due
    /// in 1.000s`, `waiting: task 4, timer due in 20.0ms`, or `waiting: a
    /// wake from outside the loop` when the waker went somewhere loopy
    /// does not know (a channel, another thread).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            TaskState::Running => "running".to_owned(),
            TaskState::Ready => "ready".to_owned(),
            TaskState::Waiting { on, timer } => {
                let on = on.map(|on| on.to_string());
                let timer = timer.map(|due| format!("timer due in {}", Short(due)));
                match (on, timer) {
                    (Some(on), Some(timer)) => format!("waiting: {on}, {timer}"),
                    (Some(one), None) | (None, Some(one)) => format!("waiting: {one}"),
                    (None, None) => "waiting: a wake from outside the loop".to_owned(),
                }
            }
        };
        f.pad(&text)
    }
}

impl WaitingOn {
    /// What a poll's note says, as the list shows it; `registry` names
    /// the task in a slot.
    pub(crate) fn from_parked(parked: Parked, registry: &TaskRegistry) -> Option<WaitingOn> {
        match parked {
            Parked::Nothing => None,
            Parked::Readable(fd) => Some(WaitingOn::Readable(fd)),
            Parked::Writable(fd) => Some(WaitingOn::Writable(fd)),
            Parked::Task(slot) => registry.id_at(slot).map(WaitingOn::Task),
        }
    }
}

impl fmt::Display for WaitingOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitingOn::Readable(fd) => write!(f, "fd {fd} readable"),
            WaitingOn::Writable(fd) => write!(f, "fd {fd} writable"),
            WaitingOn::Task(id) => write!(f, "task {id}"),
        }
    }
}

/// Writes `tasks` as an aligned table, one task per line under a header.
/// Each task is followed by the tasks it spawned, indented under it; a task
/// whose parent has finished starts a tree of its own.
pub(crate) fn write_table(out: &mut dyn io::Write, tasks: &[TaskInfo]) -> io::Result<()> {
    let order = tree_order(tasks);
    let tasks: Vec<&TaskInfo> = order.iter().map(|&(index, _)| &tasks[index]).collect();
    let labels: Vec<String> = order
        .iter()
        .zip(&tasks)
        .map(|(&(_, depth), t)| format!("{}{}", "  ".repeat(depth), label(t)))
        .collect();
    let states: Vec<String> = tasks.iter().map(|t| t.state_text()).collect();
    let label_width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let state_width = states
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    writeln!(
        out,
        "{:<label_width$}  {:<state_width$}  {:>8}  {:>9}  {:>9}  spawned at",
        "task", "state", "polls", "busy", "age"
    )?;
    for ((task, label), state) in tasks.into_iter().zip(&labels).zip(&states) {
        let busy = task
            .busy
            .map_or_else(|| "-".to_owned(), |b| Short(b).to_string());
        writeln!(
            out,
            "{label:<label_width$}  {state:<state_width$}  {:>8}  {busy:>9}  {:>9}  {}",
            task.polls,
            Short(task.age).to_string(),
            task.location
        )?;
    }
    Ok(())
}

/// The indexes of `tasks` in tree order, each with its depth: every task
/// followed by its children (by id), depth first.
fn tree_order(tasks: &[TaskInfo]) -> Vec<(usize, usize)> {
    let listed: HashSet<TaskId> = tasks.iter().map(|t| t.id).collect();
    let mut children: HashMap<TaskId, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (index, task) in tasks.iter().enumerate() {
        match task.parent {
            Some(parent) if listed.contains(&parent) && parent != task.id => {
                children.entry(parent).or_default().push(index);
            }
            _ => roots.push(index),
        }
    }
    let by_id = |indexes: &mut Vec<usize>| indexes.sort_by_key(|&index| tasks[index].id);
    by_id(&mut roots);
    children.values_mut().for_each(by_id);
    let mut order = Vec::with_capacity(tasks.len());
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|index| (index, 0)).collect();
    while let Some((index, depth)) = stack.pop() {
        order.push((index, depth));
        if let Some(kids) = children.get(&tasks[index].id) {
            stack.extend(kids.iter().rev().map(|&kid| (kid, depth + 1)));
        }
    }
    order
}
