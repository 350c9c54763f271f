//! The threads behind `spawn_blocking`.
//!
//! Threads are started on demand, up to a cap (64 unless the runtime's
//! builder says otherwise); when all are busy, jobs wait in a queue. A
//! thread that has been idle for ten seconds exits. The pool knows nothing
//! of tasks: a job is a closure, and the closure delivers its own result
//! (see `blocking.rs`).

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use crate::unwind::lock;

/// How many blocking threads a runtime starts at most, unless configured.
pub(crate) const DEFAULT_MAX_THREADS: usize = 64;

/// How long an idle blocking thread waits for work before it exits.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// A job for the pool.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

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

    /// Queues `job`, starting a thread for it if none is idle and the cap
    /// allows.
    ///
    /// # Errors
    ///
    /// If no thread exists and none can be started: the job would never
    /// run.
    pub(crate) fn submit(&self, job: Job) -> io::Result<()> {
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

    /// Whether a job is queued or running: its result may yet wake a task.
    pub(crate) fn is_busy(&self) -> bool {
        let state = lock(&self.shared.state);
        !state.jobs.is_empty() || state.threads > state.idle
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
