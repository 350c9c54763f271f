//! Tasks: futures the loop runs concurrently on its one thread.
//!
//! A task is a `'static` future handed to [`spawn`] (or a [`Builder`]). The
//! runtime moves it into a single heap allocation (see `raw.rs`), queues it,
//! and polls it whenever its waker says it can make progress. What comes
//! back is a [`JoinHandle`]: the only way to await the task's result or to
//! cancel it.
//!
//! The files below follow a task's life: `context.rs` is how code on the
//! loop finds it, `tasks.rs` spawns a task, `raw.rs` allocates and polls
//! it, `run_queue.rs` holds it while it is ready, `state.rs` names its
//! state bits, `waker.rs` queues it again when it is woken, `poll_note.rs`
//! notes what it waits on, `join.rs` hands its result over, `registry.rs`
//! remembers it so the runtime can list it and drop it at shutdown,
//! `info.rs` says what the loop knows about it, `instruments.rs` watches
//! each poll, and `span.rs` shows it to tokio-console (the `tracing`
//! feature). `deadline.rs` is a task's wait on the timer heap, which
//! `sleep` and a group's shutdown both use.
//!
//! # Scopes and groups
//!
//! [`scope`] and [`try_scope`] run a body that spawns children which may
//! borrow from the caller's stack; the scope returns only once the body and
//! every child have ended (`scope.rs`, with its ready list in
//! `ready_list.rs`). Point by point, beside the structured-concurrency
//! tools of other loops:
//!
//! | | [`scope`] / [`try_scope`] | asyncio `TaskGroup` | trio nursery | tokio `JoinSet` |
//! |---|---|---|---|---|
//! | children may borrow from the caller | yes | (no lifetimes) | (no lifetimes) | no: `'static` only |
//! | the parent waits for all children | yes, at `.await` | yes, at `async with` exit | yes, at block exit | only if you drain it |
//! | a child fails | a panic, or in `try_scope` an `Err`, cancels every other child and the body at once | an exception cancels the others and the body | an exception cancels the others and the body | nothing happens to the others; `join_next` returns the error |
//! | what the parent sees | the first panic re-raised with its payload; `try_scope`: the first `Err` | an `ExceptionGroup` of every error | an `ExceptionGroup` (or `MultiError`) of every error | one `JoinError` per task, as you ask |
//! | errors after the first | none can occur: the others are dropped before they are polled again; a panic in a destructor while cancelling is printed by the panic hook and ignored | collected in the group | collected in the group | each returned by `join_next` |
//! | cancelling from outside | drop the scope future: every child is dropped before the drop returns | cancel the enclosing task | cancel the enclosing scope | `abort_all`, or drop the set |
//! | cancellation order | children in slot (spawn) order, then the body | in no set order | in no set order | in no set order |
//!
//! ## Why borrowing is sound here
//!
//! A scope's children are not tasks: the scope future owns them and polls
//! them itself, on the one thread the loop runs on. A child therefore runs
//! only inside a poll of the scope future, whose type carries the
//! lifetime of what the children borrow, so it cannot run after the borrow
//! ends. Dropping the scope future drops the children first; forgetting it
//! (`mem::forget`) means nothing will ever poll or drop them, so they stop
//! where they are, holding borrows that nobody reads again. In a runtime
//! where children are tasks on a shared run queue, and especially one
//! whose worker threads steal tasks, a child keeps running after the
//! parent's future is forgotten, and its borrows dangle: that is why
//! scoped spawning there needs `unsafe` or `'static` futures.

mod awaiter;
pub(crate) mod context;
pub(crate) mod deadline;
mod group;
pub(crate) mod info;
pub(crate) mod instruments;
mod join;
pub(crate) mod poll_note;
pub(crate) mod raw;
mod ready_list;
pub(crate) mod registry;
pub(crate) mod run_queue;
mod scope;
pub(crate) mod span;
pub(crate) mod spawn_sites;
mod state;
#[cfg(all(test, loopy_loom))]
mod state_loom;
pub(crate) mod tasks;
#[cfg(test)]
mod tests;
mod waker;

use std::fmt;
use std::future::Future;
use std::io;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use group::TaskGroup;
pub use info::{TaskInfo, TaskState, WaitingOn};
pub use join::{JoinError, JoinHandle};
pub use scope::{scope, try_scope, Scope, ScopedJoinHandle, TryScope};
use span::Kind;

/// A task's id: unique among the tasks of one runtime, never reused.
///
/// `block_on`'s own future, which is not a spawned task, has id `0`.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let a = loopy::spawn(async { loopy::task::id() }).await.unwrap();
///     let b = loopy::spawn(async { loopy::task::id() }).await.unwrap();
///     assert_ne!(a, b);
///     println!("tasks {a} and {b}");
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TaskId(pub(crate) u64);

impl TaskId {
    /// The id `task::id()` reports inside `block_on`'s own future.
    pub(crate) const MAIN: TaskId = TaskId(0);
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Spawns `future` as a new task on the running loop.
///
/// The task starts running on the loop's next turn, whether or not the
/// returned [`JoinHandle`] is awaited; dropping the handle detaches it.
/// The future need not be `Send`: it never leaves the loop thread.
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use std::cell::Cell;
///
/// loopy::block_on(async {
///     let hits = Rc::new(Cell::new(0)); // not Send, and that is fine
///     let h = loopy::spawn({
///         let hits = hits.clone();
///         async move { hits.set(hits.get() + 1) }
///     });
///     h.await.unwrap();
///     assert_eq!(hits.get(), 1);
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let location = Location::caller();
    context::with_expected("loopy::spawn", |handle| {
        let instruments = &handle.instruments;
        handle
            .tasks
            .spawn(future, None, location, Kind::Task, instruments)
    })
}

/// Cancels the task behind `handle`; the same as [`JoinHandle::cancel`].
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let handle = loopy::spawn(std::future::pending::<()>());
///     loopy::cancel(&handle);
///     assert!(handle.await.unwrap_err().is_cancelled());
/// });
/// ```
pub fn cancel<T>(handle: &JoinHandle<T>) {
    handle.cancel();
}

/// Configures a task before spawning it: for now, its name.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let handle = loopy::task::Builder::new()
///         .name("echo")
///         .spawn(async { loopy::task::name() });
///     assert_eq!(handle.await.unwrap().as_deref(), Some("echo"));
/// });
/// ```
#[derive(Debug, Default)]
pub struct Builder {
    /// The name `task::name()` will report inside the task.
    name: Option<Box<str>>,
}

impl Builder {
    /// A builder for an unnamed task.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the task; [`task::name()`](name) returns it inside the task.
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into().into_boxed_str());
        self
    }

    /// Spawns `future` with this configuration; see [`spawn`].
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let location = Location::caller();
        context::with_expected("loopy::task::Builder::spawn", |handle| {
            let instruments = &handle.instruments;
            handle
                .tasks
                .spawn(future, self.name, location, Kind::Task, instruments)
        })
    }
}

/// The id of the task that is running now (`0` inside `block_on`'s own
/// future).
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let handle = loopy::spawn(async { loopy::task::id() });
///     assert_eq!(handle.id(), handle.await.unwrap());
/// });
/// ```
#[track_caller]
pub fn id() -> TaskId {
    context::with_expected("loopy::task::id", |handle| handle.tasks.current.get())
}

/// The name of the task that is running now, if it was given one with
/// [`Builder::name`] (or `#[loopy::task]`). `None` in unnamed tasks, in
/// `block_on`'s own future and outside a runtime.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     assert_eq!(loopy::task::name(), None);
///     let named = loopy::task::Builder::new().name("worker").spawn(async {
///         loopy::task::name()
///     });
///     assert_eq!(named.await.unwrap().as_deref(), Some("worker"));
/// });
/// ```
pub fn name() -> Option<String> {
    context::with(|handle| {
        let tasks = &handle?.tasks;
        let name = tasks
            .registry
            .borrow()
            .name(tasks.current.get())
            .map(String::from);
        name
    })
}

/// Every task of the running loop, `block_on`'s own future first (marked
/// by [`TaskInfo::is_block_on`]), then the spawned tasks that have not
/// finished.
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```
/// #[loopy::task(name = "ticker")]
/// async fn ticker() {
///     loopy::sleep(std::time::Duration::from_secs(60)).await;
/// }
///
/// loopy::block_on(async {
///     let _ticker = ticker();
///     loopy::yield_now().await;
///     let tasks = loopy::task::list();
///     assert!(tasks[0].is_block_on());
///     let ticker = tasks.iter().find(|t| t.name() == Some("ticker")).unwrap();
///     assert_eq!(ticker.location().file(), file!());
/// });
/// ```
#[track_caller]
pub fn list() -> Vec<TaskInfo> {
    let handle = context::expect("loopy::task::list");
    let main_woken = handle.tasks.run_queue.main_is_woken();
    handle.tasks.list(
        &handle.instruments,
        main_woken,
        &handle.timers,
        handle.clock.now(),
    )
}

/// Prints [`list`] to stderr as an aligned table, for a person to read
/// (a "thread dump" of the loop). `hello_server`'s, on SIGQUIT:
///
/// ```text
/// task               state                                             polls       busy        age  spawned at
/// block_on's future  running                                               1          -     2.514s  examples/hello_server.rs:99:19
/// task 1 "acceptor"  waiting: fd 13 readable                               3          -     2.514s  examples/hello_server.rs:121:22
/// ```
///
/// A closed stderr is ignored.
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```
/// loopy::block_on(async { loopy::task::dump() });
/// ```
#[track_caller]
pub fn dump() {
    let _ = dump_to(&mut io::stderr().lock());
}

/// Writes [`list`] as an aligned table (see [`dump`]) to `out`. On a loop
/// of [`cores::run`](crate::cores::run), a first line says which:
/// `loop 2`.
///
/// # Errors
///
/// What writing to `out` fails with.
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let mut table = Vec::new();
///     loopy::task::dump_to(&mut table)?;
///     let table = String::from_utf8(table).unwrap();
///     assert!(table.lines().nth(1).unwrap().starts_with("block_on's future"));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn dump_to(out: &mut impl io::Write) -> io::Result<()> {
    let tasks = list();
    if let Some(index) = context::loop_index() {
        writeln!(out, "loop {index}")?;
    }
    info::write_table(out, &tasks)
}

/// Lets the other ready tasks run before this one continues.
///
/// The task goes to the back of the run queue, as if it had been woken.
///
/// # Examples
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
///
/// loopy::block_on(async {
///     let ran = Rc::new(Cell::new(false));
///     let other = loopy::spawn({
///         let ran = ran.clone();
///         async move { ran.set(true) }
///     });
///     loopy::yield_now().await;
///     assert!(ran.get());
///     other.await.unwrap();
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldNow {
    /// Whether the first poll has happened (and returned `Pending`).
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
