//! Where woken tasks wait for their turn.
//!
//! The loop thread's [`RunQueue`] is a plain `VecDeque` behind a `RefCell`:
//! a wake on the loop thread pushes to it without a lock, finding it
//! through the queue's own thread-local slot, which `block_on` fills. Besides tasks it
//! holds, at most once, the future passed to `block_on`, so that future
//! takes its turn like any task. A wake from any
//! other thread cannot touch it, so it goes to the runtime's [`Remote`]
//! half instead: a mutex-guarded list that the loop drains at the start of
//! each turn, plus a poke at the poller in case the loop is asleep in
//! `epoll_wait`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Wake;

use polling::Poller;

use super::raw::TaskRef;
use crate::loop_local::{self, LoopLocal};
use crate::trace::{self, Trace, WakeCause};
use crate::unwind;

thread_local! {
    /// The run queue of the loop running on this thread.
    static CURRENT: LoopLocal<RunQueue> = const { LoopLocal::new(None) };
}

/// What the run queue holds: a task, or `block_on`'s own future.
pub(crate) enum Runnable {
    Task(TaskRef),
    /// The future `block_on` is running, which lives on `block_on`'s stack
    /// rather than in a task.
    Main,
}

/// How many entries an idle run queue keeps room for (8 KiB).
const KEPT_CAPACITY: usize = 1024;

/// Tasks that are ready to be polled, in the order they were woken.
pub(crate) struct RunQueue {
    /// Loop thread only; never borrowed across a poll.
    entries: RefCell<VecDeque<Runnable>>,
    /// Whether `Runnable::Main` is in `entries`, so a second wake of the
    /// main future adds nothing.
    main_queued: Cell<bool>,
    /// This loop's half that other threads reach; also tells a task of
    /// this loop from a task of another.
    pub(crate) remote: Arc<Remote>,
    /// Says who woke each task, when the trace is on.
    trace: Option<Rc<Trace>>,
}

impl RunQueue {
    pub(crate) fn new(remote: Arc<Remote>, trace: &Rc<Trace>) -> RunQueue {
        RunQueue {
            entries: RefCell::new(VecDeque::new()),
            main_queued: Cell::new(false),
            remote,
            trace: trace.events().then(|| Rc::clone(trace)),
        }
    }

    /// Makes `queue` the one wakes on this thread go to, until the guard
    /// is dropped; `None` if another loop runs on this thread.
    pub(crate) fn enter(queue: &Rc<RunQueue>) -> Option<loop_local::Filled<RunQueue>> {
        loop_local::fill(&CURRENT, queue)
    }

    /// Queues a task that was just spawned.
    pub(crate) fn push_new(&self, task: TaskRef) {
        self.entries.borrow_mut().push_back(Runnable::Task(task));
    }

    /// Whether `block_on`'s future waits in the queue.
    pub(crate) fn main_is_queued(&self) -> bool {
        self.main_queued.get()
    }

    /// Queues a task that was woken.
    #[inline]
    pub(crate) fn push(&self, task: TaskRef) {
        if self.trace.is_some() {
            self.traced(&task);
        }
        self.entries.borrow_mut().push_back(Runnable::Task(task));
    }

    /// Queues a task ahead of everything else.
    fn push_front(&self, task: TaskRef) {
        if self.trace.is_some() {
            self.traced(&task);
        }
        self.entries.borrow_mut().push_front(Runnable::Task(task));
    }

    /// Tells the trace, if it is on, that `task` was woken.
    #[cold]
    #[inline(never)]
    fn traced(&self, task: &TaskRef) {
        if let Some(trace) = &self.trace {
            trace.woken(task.header().id.0, trace::cause());
        }
    }

    /// Queues `block_on`'s future as `block_on` starts (no wake to trace).
    pub(crate) fn start_main(&self) {
        if !self.main_queued.replace(true) {
            self.entries.borrow_mut().push_back(Runnable::Main);
        }
    }

    /// Queues `block_on`'s future, unless it is queued already.
    pub(crate) fn push_main(&self) {
        if let (false, Some(trace)) = (self.main_queued.get(), &self.trace) {
            trace.woken(0, trace::cause());
        }
        self.start_main();
    }

    pub(crate) fn pop(&self) -> Option<Runnable> {
        let entry = self.entries.borrow_mut().pop_front();
        if let Some(Runnable::Main) = entry {
            self.main_queued.set(false);
        }
        entry
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }

    /// Gives back memory a burst of wakes left behind: an empty queue keeps
    /// room for `KEPT_CAPACITY` entries and frees the rest. Called when the
    /// loop is about to sleep, so it costs nothing while tasks are running.
    pub(crate) fn release_spare_capacity(&self) {
        let mut entries = self.entries.borrow_mut();
        if entries.is_empty() && entries.capacity() > KEPT_CAPACITY {
            entries.shrink_to(KEPT_CAPACITY);
        }
    }

    /// Drops every queued reference (the runtime is shutting down).
    pub(crate) fn clear(&self) {
        let entries = std::mem::take(&mut *self.entries.borrow_mut());
        self.main_queued.set(false);
        drop(entries);
    }
}

/// Queues a woken task: on the loop thread of its runtime, straight into
/// the run queue; anywhere else, through the runtime's `Remote` half.
pub(crate) fn push(task: TaskRef) {
    queue(task, End::Back);
}

/// Queues a task to run before everything else on its loop thread (a
/// cancellation, so the future is dropped no later than the next turn).
pub(crate) fn push_first(task: TaskRef) {
    queue(task, End::Front);
}

/// Which end of the run queue a task joins.
enum End {
    Front,
    Back,
}

#[inline]
fn queue(task: TaskRef, end: End) {
    let elsewhere = loop_local::with(&CURRENT, |queue| match queue {
        Some(queue) if Arc::ptr_eq(&queue.remote, &task.header().remote) => {
            match end {
                End::Front => queue.push_front(task),
                End::Back => queue.push(task),
            }
            None
        }
        _ => Some(task),
    });
    if let Some(task) = elsewhere {
        Arc::clone(&task.header().remote).push(task);
    }
}

/// The part of a runtime that other threads can reach, through wakers (the
/// blocking pool's threads among them).
pub(crate) struct Remote {
    /// Tasks woken where the run queue is out of reach.
    queue: Mutex<RemoteQueue>,
    /// Set when `queue` has tasks or `block_on`'s future was woken from
    /// afar, so the loop can check with one atomic load instead of a lock.
    pending: AtomicBool,
    /// `block_on`'s own future was woken from afar and should be queued.
    main_woken: AtomicBool,
    /// The loop's poller, whose `notify` interrupts a sleeping wait.
    poller: Arc<Poller>,
}

struct RemoteQueue {
    tasks: Vec<TaskRef>,
    /// The runtime is gone: a task woken now is dropped, not queued.
    closed: bool,
}

impl Remote {
    pub(crate) fn new(poller: Arc<Poller>) -> Remote {
        Remote {
            queue: Mutex::new(RemoteQueue {
                tasks: Vec::new(),
                closed: false,
            }),
            pending: AtomicBool::new(false),
            main_woken: AtomicBool::new(false),
            poller,
        }
    }

    fn lock(&self) -> MutexGuard<'_, RemoteQueue> {
        unwind::lock(&self.queue)
    }

    /// Queues a task woken away from its loop and wakes the loop.
    fn push(&self, task: TaskRef) {
        let mut queue = self.lock();
        if queue.closed {
            drop(queue);
            drop(task);
            return;
        }
        queue.tasks.push(task);
        drop(queue);
        self.pending.store(true, Ordering::Release);
        self.notify();
    }

    fn notify(&self) {
        // Only fails if the eventfd write fails, which cannot happen for a
        // counter that is read on every wait; there is nobody to tell.
        let _ = self.poller.notify();
    }

    /// Whether another thread woke something the loop has not taken in.
    pub(crate) fn has_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Moves what other threads woke into the run queue.
    pub(crate) fn drain_into(&self, run_queue: &RunQueue) {
        // A plain load first: the common case, nothing pending, then costs
        // no read-modify-write.
        if !(self.pending.load(Ordering::Acquire) && self.pending.swap(false, Ordering::AcqRel)) {
            return;
        }
        let tasks = std::mem::take(&mut self.lock().tasks);
        trace::waking(WakeCause::Thread, || {
            if self.main_woken.swap(false, Ordering::AcqRel) {
                run_queue.push_main();
            }
            if run_queue.trace.is_some() {
                for task in &tasks {
                    run_queue.traced(task);
                }
            }
        });
        run_queue
            .entries
            .borrow_mut()
            .extend(tasks.into_iter().map(Runnable::Task));
    }

    /// The runtime is shutting down: drop what is queued and refuse more.
    pub(crate) fn close(&self) {
        let tasks = {
            let mut queue = self.lock();
            queue.closed = true;
            std::mem::take(&mut queue.tasks)
        };
        drop(tasks);
    }
}

/// The waker of `block_on`'s own future: on the loop thread it queues the
/// future directly; elsewhere it leaves a flag and pokes the poller.
impl Wake for Remote {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let queued = loop_local::with(&CURRENT, |queue| match queue {
            Some(queue) if Arc::ptr_eq(&queue.remote, self) => {
                queue.push_main();
                true
            }
            _ => false,
        });
        if !queued {
            self.main_woken.store(true, Ordering::Release);
            self.pending.store(true, Ordering::Release);
            self.notify();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::info::TaskStats;
    use crate::task::instrument::{Kind, TaskSpan};
    use crate::task::raw::NewTask;
    use crate::task::TaskId;
    use crate::trace::TraceLevel;

    #[track_caller]
    fn test_location() -> &'static std::panic::Location<'static> {
        std::panic::Location::caller()
    }

    /// A queue holding `count` references to one real (never polled) task.
    fn queue_with(count: usize) -> (RunQueue, NewTask) {
        let poller = Arc::new(Poller::new().unwrap());
        let remote = Arc::new(Remote::new(poller));
        let location = test_location();
        let task = TaskRef::allocate(
            async {},
            TaskId(1),
            Arc::clone(&remote),
            TaskStats::new(location, 0),
            TaskSpan::new(TaskId(1), None, location, Kind::Task),
        );
        let trace = Rc::new(Trace::new(TraceLevel::Off, std::time::Instant::now()));
        let queue = RunQueue::new(remote, &trace);
        for _ in 0..count {
            queue.push(task.queued.clone_ref());
        }
        (queue, task)
    }

    #[test]
    fn an_idle_queue_gives_back_what_a_burst_took() {
        let (queue, _task) = queue_with(50_000);
        queue.release_spare_capacity();
        assert!(queue.entries.borrow().capacity() >= 50_000, "busy: kept");
        while queue.pop().is_some() {}
        queue.release_spare_capacity();
        assert!(queue.entries.borrow().capacity() <= KEPT_CAPACITY);
    }

    #[test]
    fn main_is_queued_once_however_often_it_is_woken() {
        let (queue, _task) = queue_with(1);
        queue.push_main();
        queue.push_main();
        assert!(matches!(queue.pop(), Some(Runnable::Task(_))));
        assert!(matches!(queue.pop(), Some(Runnable::Main)));
        assert!(queue.pop().is_none());
        queue.push_main();
        assert!(matches!(queue.pop(), Some(Runnable::Main)));
    }
}
