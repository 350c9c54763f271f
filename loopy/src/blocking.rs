//! `spawn_blocking`: running blocking code without stopping the loop.
//!
//! A blocking call (a CPU-heavy computation, a synchronous library) on the
//! loop thread would freeze every task. `spawn_blocking` hands the closure
//! to a pool of OS threads and returns a `JoinHandle` of an ordinary task
//! that waits for the result. The thread stores the result and wakes that
//! task; since wakers work from any thread, the wake reaches the loop even
//! while it sleeps in the poller.
//! The threads are the runtime's blocking pool (`driver/blocking_pool.rs`).

use std::future::Future;
use std::io;
use std::panic::Location;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use crate::driver::blocking_pool::Job;
use crate::task::context;
use crate::task::span::Kind;
use crate::task::JoinHandle;
use crate::unwind::lock;

/// Runs `f` on a thread of the runtime's blocking pool and returns a handle
/// to its result.
///
/// The loop keeps running other tasks meanwhile. If `f` panics, awaiting
/// the handle gives a [`JoinError`](crate::JoinError) with `is_panic()`.
/// Cancelling the handle drops the result when it arrives; a running
/// thread cannot be stopped.
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let sum = loopy::spawn_blocking(|| (1..=100u64).sum::<u64>()).await.unwrap();
///     assert_eq!(sum, 5050);
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let result = Arc::new(Mutex::new(Outcome::Waiting(None)));
    let job: Job = {
        let result = Arc::clone(&result);
        Box::new(move || {
            let output = panic::catch_unwind(AssertUnwindSafe(f));
            let waiting = std::mem::replace(&mut *lock(&result), Outcome::Done(output));
            if let Outcome::Waiting(Some(waker)) = waiting {
                waker.wake();
            }
        })
    };
    const WHAT: &str = "loopy::spawn_blocking";
    let location = Location::caller();
    let handle = context::expect(WHAT);
    let started = handle.blocking.submit(job);
    handle.tasks.spawn(
        BlockingResult { result, started },
        None,
        location,
        Kind::Blocking,
        &handle.instruments,
    )
}

/// The result slot shared by the pool thread and the waiting task.
enum Outcome<T> {
    /// Not done yet; the waiting task's waker, once it polled.
    Waiting(Option<Waker>),
    /// `f` returned or panicked.
    Done(thread::Result<T>),
    /// The task took the result.
    Taken,
}

/// The task side of a blocking job.
struct BlockingResult<T> {
    result: Arc<Mutex<Outcome<T>>>,
    /// Whether the pool accepted the job; if not, no thread will ever
    /// deliver a result, and the task fails with the reason.
    started: io::Result<()>,
}

impl<T> Future for BlockingResult<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let Err(err) = &self.started {
            panic!("loopy::spawn_blocking could not start a thread: {err}");
        }
        let mut result = lock(&self.result);
        match std::mem::replace(&mut *result, Outcome::Taken) {
            Outcome::Done(Ok(output)) => Poll::Ready(output),
            // Re-raise inside the task, whose harness turns it into a
            // `JoinError` for the handle.
            Outcome::Done(Err(payload)) => panic::resume_unwind(payload),
            Outcome::Waiting(_) => {
                *result = Outcome::Waiting(Some(cx.waker().clone()));
                Poll::Pending
            }
            Outcome::Taken => unreachable!("a blocking task is not polled after it completes"),
        }
    }
}
