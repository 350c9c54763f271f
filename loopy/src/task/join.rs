//! Awaiting, cancelling and detaching tasks: `JoinHandle` and `JoinError`.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use super::raw::LocalTask;
use super::TaskId;
use crate::unwind;

/// An owned permission to await a task's result or to cancel it.
///
/// `JoinHandle<T>` is a future that resolves to `Ok(T)` when the task
/// returns, or to `Err(JoinError)` when it panicked or was cancelled.
/// Dropping the handle *detaches* the task: it keeps running, and its
/// result is dropped when it finishes. Only the holder of the handle can
/// wait for or cancel the task, which is how a task can be kept from killing
/// the one that created it.
///
/// The handle belongs to the loop thread, like the task, and is not `Send`.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let handle = loopy::spawn(async { 6 * 7 });
///     assert_eq!(handle.await.unwrap(), 42);
/// });
/// ```
pub struct JoinHandle<T> {
    /// The handle's own reference to the task; `!Send`, which keeps the
    /// handle on the loop thread, where it may touch the task's stage.
    task: LocalTask,
    /// The task's output type, which the untyped task forgot.
    _output: PhantomData<fn() -> T>,
}

impl<T> JoinHandle<T> {
    /// Wraps the handle's reference to a task whose output is `T`.
    ///
    /// # Safety
    ///
    /// `task` must have been spawned from a future with `Output = T`.
    pub(crate) unsafe fn new(task: LocalTask) -> JoinHandle<T> {
        JoinHandle {
            task,
            _output: PhantomData,
        }
    }

    /// Cancels the task: its future is dropped on the loop thread, no later
    /// than its next turn in the run queue (the next turn of the loop, if
    /// it was not queued), so its destructors and drop guards run;
    /// awaiting the handle then gives an error whose
    /// [`is_cancelled`](JoinError::is_cancelled) is true.
    ///
    /// Cancelling a task that has already finished does nothing and keeps
    /// its result. A task may cancel itself through its own handle; if the
    /// poll in which it does so returns a result anyway, the result is kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// loopy::block_on(async {
    ///     let handle = loopy::spawn(loopy::sleep(Duration::from_secs(3600)));
    ///     handle.cancel();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn cancel(&self) {
        self.task.cancel();
    }

    /// The id of the task, the same value [`task::id()`](crate::task::id)
    /// returns inside it.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let handle = loopy::spawn(async { loopy::task::id() });
    ///     let id = handle.id();
    ///     assert_eq!(handle.await.unwrap(), id);
    /// });
    /// ```
    pub fn id(&self) -> TaskId {
        self.task.header().id
    }

    /// Whether the task has finished: returned, panicked or been cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let handle = loopy::spawn(async {});
    ///     assert!(!handle.is_finished());
    ///     loopy::yield_now().await;
    ///     assert!(handle.is_finished());
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task.is_complete()
    }

    /// The handle's task.
    pub(crate) fn task(&self) -> &LocalTask {
        &self.task
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `JoinHandle::new`'s contract: the task's output is `T`.
        unsafe { self.task.poll_output::<T>(cx.waker()) }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.task.drop_handle();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// Why a task gave no result: it was cancelled, or it panicked (or, for a
/// task of a [`TaskGroup`](super::TaskGroup), its group's `join_next` took
/// the result before the handle asked).
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let err = loopy::spawn(async { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(err.into_panic().downcast_ref::<&str>(), Some(&"boom"));
/// });
/// ```
pub struct JoinError {
    /// The task that failed, for messages.
    id: TaskId,
    /// The panic's payload, or `None` if the task was cancelled. Behind a
    /// mutex only so that `JoinError` is `Sync`, as errors that travel
    /// through `?` into `Box<dyn Error + Send + Sync>` must be.
    panic: Option<Mutex<Box<dyn Any + Send + 'static>>>,
    /// The task's group took the result first.
    taken: bool,
}

/// Why a task ended without a result, as its stage keeps it: the
/// `JoinError` is made when the handle takes it, with the id from the
/// header.
pub(crate) enum Failure {
    Cancelled,
    Panic(Box<dyn Any + Send + 'static>),
}

impl Failure {
    /// Attaches the task's id for the handle.
    pub(crate) fn into_error(self, id: TaskId) -> JoinError {
        let panic = match self {
            Failure::Cancelled => None,
            Failure::Panic(payload) => Some(Mutex::new(payload)),
        };
        JoinError {
            id,
            panic,
            taken: false,
        }
    }
}

/// "task 7 was cancelled", "task 7 panicked: boom".
fn describe(id: TaskId, panic: Option<&(dyn Any + Send)>) -> String {
    match panic.map(panic_message) {
        None => format!("task {id} was cancelled"),
        Some(Some(message)) => format!("task {id} panicked: {message}"),
        Some(None) => format!("task {id} panicked"),
    }
}

impl JoinError {
    /// Whether the task was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.panic.is_none() && !self.taken
    }

    /// Whether the task finished, but its [`TaskGroup`](super::TaskGroup)'s
    /// `join_next` took the result before this handle asked for it.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let group = loopy::task::TaskGroup::new();
    ///     let handle = group.spawn(async { 7 });
    ///     assert_eq!(group.join_next().await.unwrap().unwrap(), 7);
    ///     assert!(handle.await.unwrap_err().is_taken());
    /// });
    /// ```
    pub fn is_taken(&self) -> bool {
        self.taken
    }

    /// The result went to the task's group.
    pub(crate) fn taken(id: TaskId) -> JoinError {
        JoinError {
            id,
            panic: None,
            taken: true,
        }
    }

    /// Whether the task panicked.
    pub fn is_panic(&self) -> bool {
        self.panic.is_some()
    }

    /// The id of the task that failed.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// The value the task panicked with, to inspect or to pass on with
    /// [`std::panic::resume_unwind`].
    ///
    /// # Panics
    ///
    /// If the task was cancelled rather than panicking; check
    /// [`is_panic`](JoinError::is_panic) first, or use
    /// [`try_into_panic`](JoinError::try_into_panic).
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic().unwrap_or_else(|err| {
            panic!("JoinError::into_panic called on {err}; check is_panic() first")
        })
    }

    /// The value the task panicked with, or the error itself if the task
    /// was cancelled.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.panic {
            Some(payload) => Ok(payload.into_inner().unwrap_or_else(PoisonError::into_inner)),
            None => Err(self),
        }
    }
}

/// The text of a panic payload, when it has one (`panic!` with a literal or
/// a format string).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

impl JoinError {
    fn message(&self) -> String {
        if self.taken {
            return format!(
                "task {}'s result was taken by its TaskGroup's join_next",
                self.id
            );
        }
        let payload = self.panic.as_ref().map(|payload| unwind::lock(payload));
        describe(self.id, payload.as_deref().map(|payload| &**payload))
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_panic() {
            "Panic"
        } else if self.taken {
            "Taken"
        } else {
            "Cancelled"
        };
        write!(f, "JoinError::{kind}({:?})", self.message())
    }
}

impl std::error::Error for JoinError {}
