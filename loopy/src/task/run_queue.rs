//! Where woken tasks wait for their turn.
//!
//! The loop thread's [`RunQueue`] is a plain `VecDeque` behind a `RefCell`:
//! a wake on the loop thread pushes to it without a lock, finding it
//! through the thread's context. A wake from any other thread cannot touch
//! it, so it goes to the runtime's [`Remote`] half instead: a mutex-guarded
//! list that the loop drains at the start of each turn, plus a poke at the
//! poller in case the loop is asleep in `epoll_wait`.
//!
//! The run queue holds only tasks. The future `block_on` runs lives on
//! `block_on`'s stack, not in a task; the queue keeps only its place in
//! line: woken, it counts the tasks queued ahead of it, and the loop polls
//! it when those have run. So it takes its turn in order, like any task,
//! without an entry of its own.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Wake;

use polling::Poller;

use super::context::{self, Handle};
use super::raw::{LocalTask, TaskRef};
use super::TaskId;
use crate::driver::rng::Rng;
use crate::unwind;

/// What the loop runs next.
pub(crate) enum Next {
    /// `block_on`'s own future.
    Main,
    /// A task.
    Task(LocalTask),
    /// Nothing is ready.
    Nothing,
}

/// How many entries an idle run queue keeps room for (8 KiB).
const KEPT_CAPACITY: usize = 1024;

/// Tasks that are ready to be polled, in the order they were woken.
pub(crate) struct RunQueue {
    /// Loop thread only; never borrowed across a poll.
    entries: RefCell<VecDeque<LocalTask>>,
    /// Whether `block_on`'s future was woken and waits for its turn.
    main_woken: Cell<bool>,
    /// How many entries of `entries` are ahead of `block_on`'s future.
    main_behind: Cell<usize>,
    /// This loop's half that other threads reach; also tells a task of
    /// this loop from a task of another.
    pub(crate) remote: Arc<Remote>,
}

impl RunQueue {
    pub(crate) fn new(remote: Arc<Remote>) -> RunQueue {
        RunQueue {
            entries: RefCell::new(VecDeque::new()),
            main_woken: Cell::new(false),
            main_behind: Cell::new(0),
            remote,
        }
    }

    /// `block_on`'s future was woken: it queues behind the tasks queued
    /// now, unless it waits already. Returns whether it did not.
    pub(crate) fn wake_main(&self) -> bool {
        if self.main_woken.replace(true) {
            return false;
        }
        self.main_behind.set(self.entries.borrow().len());
        true
    }

    /// Whether it is `block_on`'s future's turn; if so, it leaves the
    /// line.
    #[inline]
    fn take_main_turn(&self) -> bool {
        let turn = self.main_woken.get() && self.main_behind.get() == 0;
        if turn {
            self.main_woken.set(false);
        }
        turn
    }

    /// Whether `block_on`'s future waits for its turn.
    pub(crate) fn main_is_woken(&self) -> bool {
        self.main_woken.get()
    }

    /// Queues a task at the back.
    #[inline]
    pub(crate) fn push(&self, task: LocalTask) {
        self.entries.borrow_mut().push_back(task);
    }

    /// Queues a task ahead of everything else.
    fn push_front(&self, task: LocalTask) {
        self.entries.borrow_mut().push_front(task);
    }

    /// `task`, as a local reference, if it is a task of this queue's
    /// runtime; else `task` back.
    #[inline]
    fn accept(&self, task: TaskRef) -> Result<LocalTask, TaskRef> {
        if !Arc::ptr_eq(&self.remote, &task.header().remote) {
            return Err(task);
        }
        // SAFETY: a `RunQueue` is `!Send` and `!Sync` (its entries are
        // `LocalTask`s), so `&self` proves we are on the thread that owns
        // it: the loop thread of its runtime, which is the task's runtime,
        // since both share this `Remote`.
        Ok(unsafe { LocalTask::from_ref(task) })
    }

    #[inline]
    pub(crate) fn pop(&self) -> Option<LocalTask> {
        if self.main_woken.get() {
            self.main_behind
                .set(self.main_behind.get().saturating_sub(1));
        }
        self.entries.borrow_mut().pop_front()
    }

    /// What runs next: `block_on`'s future when its turn has come, else
    /// the task at the front.
    #[inline]
    pub(crate) fn next(&self) -> Next {
        if self.take_main_turn() {
            return Next::Main;
        }
        match self.pop() {
            Some(task) => Next::Task(task),
            None => Next::Nothing,
        }
    }

    /// What runs next in a seeded schedule, drawn from `rng`: any of the
    /// ready tasks, in any order, except that `block_on`'s future still
    /// waits for the tasks queued before it was woken (so that, say,
    /// `time::advance` lets what became due run before it returns).
    pub(crate) fn next_seeded(&self, rng: &Rng) -> Next {
        let mut entries = self.entries.borrow_mut();
        let len = entries.len();
        let main_woken = self.main_woken.get();
        let ahead = self.main_behind.get().min(len);
        let pick = if main_woken && ahead > 0 {
            // Only among the tasks ahead of it.
            self.main_behind.set(ahead - 1);
            rng.below(ahead)
        } else {
            let candidates = len + usize::from(main_woken);
            if candidates == 0 {
                return Next::Nothing;
            }
            let pick = rng.below(candidates);
            if pick == len {
                self.main_woken.set(false);
                return Next::Main;
            }
            pick
        };
        match entries.swap_remove_front(pick) {
            Some(task) => Next::Task(task),
            None => Next::Nothing,
        }
    }

    /// Whether nothing is ready to run, here or in the remote half.
    pub(crate) fn is_idle(&self) -> bool {
        self.entries.borrow().is_empty() && !self.main_woken.get() && !self.remote.has_pending()
    }

    /// Moves what other threads woke into the queue; `woken` hears of each
    /// (`TaskId::MAIN` for `block_on`'s future) first, for the trace.
    pub(crate) fn take_remote(&self, mut woken: impl FnMut(TaskId)) {
        let Some((main, tasks)) = self.remote.take() else {
            return;
        };
        if main && self.wake_main() {
            woken(TaskId::MAIN);
        }
        let mut entries = self.entries.borrow_mut();
        for task in tasks {
            match self.accept(task) {
                Ok(task) => {
                    woken(task.header().id);
                    entries.push_back(task);
                }
                Err(_) => unreachable!("only this runtime's tasks reach its remote queue"),
            }
        }
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
        self.main_woken.set(false);
        self.main_behind.set(0);
        drop(entries);
    }
}

/// Queues a woken task: on the loop thread of its runtime, straight into
/// the run queue; anywhere else, through the runtime's `Remote` half.
#[inline]
pub(crate) fn push(task: TaskRef) {
    let elsewhere = context::with(|handle| match handle {
        Some(handle) => match handle.tasks.run_queue.accept(task) {
            Ok(task) => {
                if handle.instruments.tracing() {
                    traced_wake(handle, &task);
                }
                handle.tasks.run_queue.push(task);
                None
            }
            Err(task) => Some(task),
        },
        None => Some(task),
    });
    if let Some(task) = elsewhere {
        Arc::clone(&task.header().remote).push(task);
    }
}

/// Tells the trace that `task` was woken, and by what.
#[cold]
#[inline(never)]
fn traced_wake(handle: &Handle, task: &LocalTask) {
    handle
        .instruments
        .woken(&handle.tasks, task.header().id, context::cause());
}

/// A task was cancelled; `queue` says whether it must be queued (at the
/// front, so its future is dropped no later than the next turn) or is
/// queued already.
pub(crate) fn cancelled(task: TaskRef, queue: bool) {
    let elsewhere = context::with(|handle| match handle {
        Some(handle) => match handle.tasks.run_queue.accept(task) {
            Ok(task) => {
                if handle.instruments.tracing() {
                    traced_wake(handle, &task);
                }
                if queue {
                    handle.tasks.run_queue.push_front(task);
                }
                None
            }
            Err(task) => queue.then_some(task),
        },
        None => queue.then_some(task),
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
    /// Set when `queue` has tasks or `main_woken` is set, so the loop can
    /// check with one atomic load instead of a lock.
    pending: AtomicBool,
    /// `block_on`'s own future was woken on another thread.
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

    /// Takes what other threads woke, if anything: whether `block_on`'s
    /// future was among it, and the tasks.
    fn take(&self) -> Option<(bool, Vec<TaskRef>)> {
        // A plain load first: the common case, nothing pending, then costs
        // no read-modify-write.
        if !(self.pending.load(Ordering::Acquire) && self.pending.swap(false, Ordering::AcqRel)) {
            return None;
        }
        let main = self.main_woken.swap(false, Ordering::AcqRel);
        Some((main, std::mem::take(&mut self.lock().tasks)))
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

/// The waker of `block_on`'s own future: on the loop thread it puts the
/// future in line directly; elsewhere it leaves a flag and pokes the
/// poller.
impl Wake for Remote {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let on_loop = context::with(|handle| match handle {
            Some(handle) if Arc::ptr_eq(&handle.tasks.run_queue.remote, self) => {
                if handle.tasks.run_queue.wake_main() && handle.instruments.tracing() {
                    let cause = context::cause();
                    handle.instruments.woken(&handle.tasks, TaskId::MAIN, cause);
                }
                true
            }
            _ => false,
        });
        if !on_loop {
            self.main_woken.store(true, Ordering::Release);
            self.pending.store(true, Ordering::Release);
            self.notify();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::places::Place;
    use crate::task::info::TaskStats;
    use crate::task::span::{Kind, TaskSpan};
    use crate::task::TaskId;

    #[track_caller]
    fn test_location() -> &'static std::panic::Location<'static> {
        std::panic::Location::caller()
    }

    #[test]
    fn an_idle_queue_gives_back_what_a_burst_took() {
        let poller = Arc::new(Poller::new().unwrap());
        let remote = Arc::new(Remote::new(poller));
        let location = test_location();
        let task = TaskRef::allocate(
            async {},
            TaskId(1),
            0,
            Arc::clone(&remote),
            TaskStats::new(Place::of(location), 0, TaskId(1), TaskId::MAIN),
            TaskSpan::new(TaskId(1), None, location, Kind::Task),
        );
        let queue = RunQueue::new(remote);
        for _ in 0..50_000 {
            queue.push(task.queued.clone_local());
        }
        queue.release_spare_capacity();
        assert!(queue.entries.borrow().capacity() >= 50_000, "busy: kept");
        while queue.pop().is_some() {}
        queue.release_spare_capacity();
        assert!(queue.entries.borrow().capacity() <= KEPT_CAPACITY);
    }
}
