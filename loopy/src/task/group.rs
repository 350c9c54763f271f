//! `TaskGroup`: `'static` tasks on the loop that end together.
//!
//! A group is the server's "a task per connection": its tasks are ordinary
//! tasks, in the run queue like any other, and the group keeps a claim on
//! each one's result (the `GROUP` bit of the state word, `state.rs`), so
//! that `join_next` can hand the results over in the order the tasks
//! finished even when nobody kept their `JoinHandle`s. When a member
//! finishes, the loop moves it from the group's running list to its done
//! list and wakes whoever waits in `join_next` (`Tasks::group_member_done`).
//!
//! A member's result goes to whoever asks first: its `JoinHandle`, if the
//! handle is awaited first (then `join_next` skips the task), or
//! `join_next` (then the handle's await says [`JoinError::is_taken`]).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::{poll_fn, Future};
use std::marker::PhantomData;
use std::panic::Location;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use super::context;
use super::deadline::Deadline;
use super::raw::LocalTask;
use super::span::Kind;
use super::{JoinError, JoinHandle, TaskId};

/// A set of tasks that are cancelled together, whose results come back in
/// the order the tasks finished: asyncio's `TaskGroup` and tokio's
/// `JoinSet` for tasks that own their data. For children that borrow from
/// the caller, see [`scope`](super::scope).
///
/// Dropping the group cancels every task still in it.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use loopy::task::TaskGroup;
///
/// loopy::block_on(async {
///     let group = TaskGroup::new();
///     for ms in [30, 10, 20] {
///         group.spawn(async move {
///             loopy::sleep(Duration::from_millis(ms)).await;
///             ms
///         });
///     }
///     let mut finished = Vec::new();
///     while let Some(result) = group.join_next().await {
///         finished.push(result.unwrap());
///     }
///     assert_eq!(finished, [10, 20, 30]);
/// });
/// ```
pub struct TaskGroup<T> {
    members: Rc<GroupMembers>,
    /// The members' output type, which the untyped tasks forgot.
    _output: PhantomData<fn() -> T>,
}

/// A group's tasks, shared with the loop, which moves each from `running`
/// to `done` as it finishes. Loop thread only.
pub(crate) struct GroupMembers {
    /// Members that have not finished.
    running: RefCell<HashMap<TaskId, LocalTask>>,
    /// Members that finished and whose result `join_next` has not taken,
    /// in the order they finished.
    done: RefCell<VecDeque<LocalTask>>,
    /// The task waiting in `join_next` or `shutdown`.
    waiter: Cell<Option<Waker>>,
}

impl GroupMembers {
    /// Member `task` finished: it moves to the done list.
    pub(crate) fn finished(&self, task: &LocalTask) {
        if let Some(task) = self.running.borrow_mut().remove(&task.header().id) {
            self.done.borrow_mut().push_back(task);
        }
        if let Some(waiter) = self.waiter.take() {
            waiter.wake();
        }
    }

    /// `Ready` once no member is running; else parks `waker`.
    fn poll_all_done(&self, waker: &Waker) -> Poll<()> {
        if self.running.borrow().is_empty() {
            return Poll::Ready(());
        }
        self.waiter.set(Some(waker.clone()));
        Poll::Pending
    }
}

impl<T: 'static> TaskGroup<T> {
    /// An empty group.
    ///
    /// # Examples
    ///
    /// ```
    /// let group = loopy::task::TaskGroup::<()>::new();
    /// assert!(group.is_empty());
    /// ```
    pub fn new() -> TaskGroup<T> {
        TaskGroup {
            members: Rc::new(GroupMembers {
                running: RefCell::default(),
                done: RefCell::default(),
                waiter: Cell::new(None),
            }),
            _output: PhantomData,
        }
    }

    /// Spawns `future` as a task of the group; see [`spawn`](crate::spawn).
    /// The returned handle works as any task's: awaiting it first takes
    /// the result away from [`join_next`](TaskGroup::join_next).
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let group = loopy::task::TaskGroup::new();
    ///     let handle = group.spawn(async { "mine" });
    ///     assert_eq!(handle.await.unwrap(), "mine");
    ///     assert!(group.join_next().await.is_none(), "the handle took it");
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<T>
    where
        F: Future<Output = T> + 'static,
    {
        self.spawn_with(None, future, Location::caller())
    }

    /// Spawns `future` as a task of the group named `name`; see
    /// [`task::Builder::name`](super::Builder::name).
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let group = loopy::task::TaskGroup::new();
    ///     group.spawn_named("client", async { loopy::task::name() });
    ///     let name = group.join_next().await.unwrap().unwrap();
    ///     assert_eq!(name.as_deref(), Some("client"));
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_named<F>(&self, name: impl Into<String>, future: F) -> JoinHandle<T>
    where
        F: Future<Output = T> + 'static,
    {
        let name = Some(name.into().into_boxed_str());
        self.spawn_with(name, future, Location::caller())
    }

    #[track_caller]
    fn spawn_with<F>(
        &self,
        name: Option<Box<str>>,
        future: F,
        location: &'static Location<'static>,
    ) -> JoinHandle<T>
    where
        F: Future<Output = T> + 'static,
    {
        context::with_expected("loopy::task::TaskGroup::spawn", |handle| {
            let tasks = &handle.tasks;
            let spawned = tasks.spawn(future, name, location, Kind::Task, &handle.instruments);
            let task = spawned.task();
            task.join_group();
            tasks.add_to_group(task, &self.members);
            self.members
                .running
                .borrow_mut()
                .insert(task.header().id, task.clone_local());
            spawned
        })
    }

    /// How many tasks are in the group: running, or finished with a result
    /// `join_next` has not taken yet.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let group = loopy::task::TaskGroup::new();
    ///     group.spawn(async {});
    ///     assert_eq!(group.len(), 1);
    ///     group.join_next().await;
    ///     assert_eq!(group.len(), 0);
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.members.running.borrow().len() + self.members.done.borrow().len()
    }

    /// Whether the group has no tasks (see [`len`](TaskGroup::len)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(loopy::task::TaskGroup::<u8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The result of the next task to finish, in the order they finished;
    /// `None` at once when the group has no tasks. A task cancelled or
    /// panicking gives its [`JoinError`].
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let group = loopy::task::TaskGroup::new();
    ///     group.spawn(async { panic!("boom") });
    ///     group.spawn(async { 1 });
    ///     let mut panics = 0;
    ///     let mut sum = 0;
    ///     while let Some(result) = group.join_next().await {
    ///         match result {
    ///             Ok(n) => sum += n,
    ///             Err(err) => panics += usize::from(err.is_panic()),
    ///         }
    ///     }
    ///     assert_eq!((sum, panics), (1, 1));
    /// });
    /// ```
    pub async fn join_next(&self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| loop {
            let next = self.members.done.borrow_mut().pop_front();
            if let Some(task) = next {
                // SAFETY: every member was spawned from a future whose
                // output is `T` (`spawn_with`), and a done member is
                // complete.
                match unsafe { task.take_for_group::<T>() } {
                    Some(result) => return Poll::Ready(Some(result)),
                    None => continue, // Its handle took the result first.
                }
            }
            if self.members.running.borrow().is_empty() {
                return Poll::Ready(None);
            }
            self.members.waiter.set(Some(cx.waker().clone()));
            return Poll::Pending;
        })
        .await
    }

    /// Cancels every task in the group that is still running, and returns
    /// at once; each is dropped on its next turn (see
    /// [`JoinHandle::cancel`]), and `join_next` then gives its error.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let group = loopy::task::TaskGroup::new();
    ///     group.spawn(std::future::pending::<()>());
    ///     group.cancel();
    ///     assert!(group.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn cancel(&self) {
        let running: Vec<LocalTask> = self
            .members
            .running
            .borrow()
            .values()
            .map(LocalTask::clone_local)
            .collect();
        for task in running {
            task.cancel();
        }
    }

    /// Waits up to `grace` for the group's tasks to end by themselves,
    /// cancels the ones still running, and returns once every task has
    /// ended. The results stay for `join_next`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// loopy::block_on(async {
    ///     let group = loopy::task::TaskGroup::new();
    ///     group.spawn(async { loopy::sleep(Duration::from_millis(1)).await; "quick" });
    ///     group.spawn(async { loopy::sleep(Duration::from_secs(3600)).await; "slow" });
    ///     group.shutdown(Duration::from_millis(50)).await;
    ///     assert_eq!(group.join_next().await.unwrap().unwrap(), "quick");
    ///     assert!(group.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// });
    /// ```
    pub async fn shutdown(&self, grace: Duration) {
        let clock = context::with_expected("loopy::task::TaskGroup::shutdown", |handle| {
            handle.clock.now()
        });
        let mut grace_ends = Deadline::new(clock + grace);
        // The tasks go first: ones that end at the deadline have ended.
        let ended_in_grace = poll_fn(|cx| match self.members.poll_all_done(cx.waker()) {
            Poll::Ready(()) => Poll::Ready(true),
            Poll::Pending => grace_ends
                .poll_elapsed(cx, "loopy::task::TaskGroup::shutdown")
                .map(|()| false),
        })
        .await;
        drop(grace_ends);
        if !ended_in_grace {
            self.cancel();
            poll_fn(|cx| self.members.poll_all_done(cx.waker())).await;
        }
    }
}

impl<T: 'static> Default for TaskGroup<T> {
    fn default() -> TaskGroup<T> {
        TaskGroup::new()
    }
}

impl<T> Drop for TaskGroup<T> {
    fn drop(&mut self) {
        let running: Vec<LocalTask> = self
            .members
            .running
            .borrow_mut()
            .drain()
            .map(|(_, task)| task)
            .collect();
        let done: Vec<LocalTask> = self.members.done.borrow_mut().drain(..).collect();
        context::with(|handle| {
            if let Some(handle) = handle {
                for task in running.iter().chain(&done) {
                    handle.tasks.remove_from_group(task);
                }
            }
        });
        for task in &running {
            task.cancel();
        }
        // Let go of every claim: a result nobody else can take is dropped.
        for task in running.iter().chain(&done) {
            task.leave_group();
        }
    }
}

impl<T> fmt::Debug for TaskGroup<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("running", &self.members.running.borrow().len())
            .field("done", &self.members.done.borrow().len())
            .finish()
    }
}
