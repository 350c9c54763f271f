//! `spawn_blocking`: running blocking code without stopping the loop.
//!
//! A blocking call (a CPU-heavy computation, a synchronous library) on the
//! loop thread would freeze every task. `spawn_blocking` hands the closure
//! to a pool of OS threads and returns a `JoinHandle` of an ordinary task
//! that waits for the result. The thread stores the result and wakes that
//! task; since wakers work from any thread, the wake reaches the loop even
//! while it sleeps in the poller.
//!
//! Threads are started on demand, up to a cap (64 unless the runtime's
//! builder says otherwise); when all are busy, jobs wait in a queue. A
//! thread that has been idle for ten seconds exits.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::panic::Location;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use crate::loop_local::{self, Filled, LoopLocal};
use crate::task::instrument::Kind;
use crate::task::tasks::Tasks;
use crate::task::JoinHandle;
use crate::unwind::lock;

thread_local! {
    /// The blocking pool of the loop running on this thread.
    static CURRENT: LoopLocal<BlockingPool> = const { LoopLocal::new(None) };
}

/// How many blocking threads a runtime starts at most, unless configured.
pub(crate) const DEFAULT_MAX_THREADS: usize = 64;

/// How long an idle blocking thread waits for work before it exits.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

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
    let tasks = Tasks::current(WHAT);
    let started = loop_local::expect(&CURRENT, WHAT).submit(job);
    tasks.spawn(
        BlockingResult { result, started },
        None,
        location,
        Kind::Blocking,
    )
}

/// A job for the pool: `f` wrapped to deliver its result.
type Job = Box<dyn FnOnce() + Send>;

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

/// A runtime's blocking threads and their queue of jobs.
pub(crate) struct BlockingPool {
    shared: Arc<PoolShared>,
}

struct PoolShared {
    state: Mutex<PoolState>,
    /// Signalled when a job is queued or the pool shuts down.
    work: Condvar,
    /// The most threads this pool runs at once.
    max_threads: usize,
}

struct PoolState {
    jobs: VecDeque<Job>,
    /// Threads alive.
    threads: usize,
    /// Threads waiting for a job.
    idle: usize,
    /// The runtime is gone: threads exit once the queue is empty.
    shutdown: bool,
}

impl BlockingPool {
    pub(crate) fn new(max_threads: usize) -> BlockingPool {
        BlockingPool {
            shared: Arc::new(PoolShared {
                state: Mutex::new(PoolState {
                    jobs: VecDeque::new(),
                    threads: 0,
                    idle: 0,
                    shutdown: false,
                }),
                work: Condvar::new(),
                max_threads,
            }),
        }
    }

    /// Makes `pool` the one `spawn_blocking` on this thread reaches, until
    /// the guard is dropped; `None` if another loop runs on this thread.
    pub(crate) fn enter(pool: &Rc<BlockingPool>) -> Option<Filled<BlockingPool>> {
        loop_local::fill(&CURRENT, pool)
    }

    /// Queues `job`, starting a thread for it if none is idle and the cap
    /// allows.
    ///
    /// # Errors
    ///
    /// If no thread exists and none can be started: the job would never
    /// run.
    fn submit(&self, job: Job) -> io::Result<()> {
        let mut state = lock(&self.shared.state);
        state.jobs.push_back(job);
        if state.idle > 0 {
            self.shared.work.notify_one();
        }
        // An idle thread counts as idle until it has woken and taken the
        // lock, so compare with the queue: one thread per waiting job.
        if state.jobs.len() <= state.idle || state.threads >= self.shared.max_threads {
            return Ok(());
        }
        let shared = Arc::clone(&self.shared);
        let spawned = thread::Builder::new()
            .name("loopy-blocking".into())
            .spawn(move || shared.work_loop());
        match spawned {
            Ok(_) => {
                state.threads += 1;
                Ok(())
            }
            Err(_) if state.threads > 0 => Ok(()),
            Err(err) => {
                state.jobs.pop_back();
                Err(err)
            }
        }
    }

    /// Lets the threads go once they are idle.
    pub(crate) fn shutdown(&self) {
        lock(&self.shared.state).shutdown = true;
        self.shared.work.notify_all();
    }
}

impl PoolShared {
    /// A pool thread: run jobs until none comes for `KEEP_ALIVE`, or the
    /// pool shuts down with an empty queue.
    fn work_loop(&self) {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.jobs.pop_front() {
                drop(state);
                job();
                state = lock(&self.state);
                continue;
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let (next, waited) = self
                .work
                .wait_timeout(state, KEEP_ALIVE)
                .unwrap_or_else(PoisonError::into_inner);
            state = next;
            state.idle -= 1;
            if waited.timed_out() && state.jobs.is_empty() {
                break;
            }
        }
        state.threads -= 1;
    }
}
