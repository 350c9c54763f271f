//! loopy: a small, single-threaded async event loop you can read.
//!
//! loopy runs `async` code on one thread. It is built to be read in an
//! afternoon by someone who knows the Python event loops made of
//! generators and `select()`, and to be fast enough to pick over the
//! general-purpose runtimes when one thread is what you want.
//!
//! ```
//! use std::time::Duration;
//!
//! loopy::block_on(async {
//!     let ticker = loopy::spawn(async {
//!         for n in 1..=3 {
//!             loopy::sleep(Duration::from_millis(10)).await;
//!             println!("tick {n}");
//!         }
//!         "done"
//!     });
//!     assert_eq!(ticker.await.unwrap(), "done");
//! });
//! ```
//!
//! # Where things are
//!
//! Follow a task through the files:
//!
//! - [`spawn`] (`task/mod.rs`, `task/tasks.rs`) finds the running loop
//!   through the thread's context (`task/context.rs`), moves the future
//!   into one heap allocation (`task/raw.rs`) and puts it on the **run
//!   queue** (`task/run_queue.rs`).
//! - The **loop** (`runtime/mod.rs`, which opens with an essay on one turn)
//!   pops it and polls it; what watches each poll sits beside it
//!   (`task/instruments.rs`).
//! - A future that cannot go on returns `Pending`, leaving the task's
//!   **waker** (`task/waker.rs`) with whatever it waits for: a **timer**
//!   (`driver/timer_heap.rs`, through `task/deadline.rs`, behind `time/`),
//!   a descriptor in the **reactor** (`driver/reactor.rs`, behind
//!   `io/async_fd.rs` and `net/`), or another task's `JoinHandle`
//!   (`task/join.rs`).
//! - When that thing happens, the waker puts the task back on the run
//!   queue, from any thread.
//!
//! Children that borrow from their caller are not tasks on the run queue:
//! a [`task::scope`] future owns and polls them itself (`task/scope.rs`).
//! A [`task::TaskGroup`] (`task/group.rs`) holds ordinary tasks and hands
//! their results back in the order they finish.
//!
//! The parts under `driver/` (reactor, timer heap, blocking pool, budget,
//! clock, trace) know nothing of tasks: data flows down into them, and wakers
//! flow back up through the run queue.
//!
//! The unsafe code lives in the task harness: `task/raw.rs` (the task
//! allocation, and `LocalTask`, the reference that may only be used on the
//! loop thread), `task/waker.rs` (the waker's vtable), `task/awaiter.rs`
//! (the join handle's waker kept in one tagged word), `task/run_queue.rs`
//! (the one place a task woken anywhere becomes a `LocalTask`, on its own
//! loop's thread), and the two places that hand a task's typed output over
//! (`JoinHandle::new` in `task/tasks.rs`, its poll in `task/join.rs`).
//! Outside it: registering a descriptor with the poller
//! (`driver/reactor.rs`, an `unsafe fn` whose one caller, `io::Async`,
//! owns the descriptor and deregisters it before letting go), installing
//! the signal handlers (`signal/self_pipe.rs`) and reading into hyper's
//! uninitialised buffers (`hyper/io.rs`).
//!
//! # Threads
//!
//! A runtime is one loop on one thread; [`cores::run`] starts one per core,
//! each with its own listener on a shared port, and explains why they
//! share no queue. Tasks, their `JoinHandle`s, the runtime and the I/O
//! types stay on the loop thread; wakers and `JoinError`s may go anywhere:
//!
//! ```compile_fail
//! fn send<T: Send>(_: T) {}
//! loopy::block_on(async { send(loopy::spawn(async {})) });
//! ```
//!
//! ```compile_fail
//! fn send<T: Send>(_: T) {}
//! send(loopy::Runtime::new().unwrap());
//! ```
//!
//! # Testing
//!
//! `#[loopy::test]` runs a test on a fresh runtime; its options make the
//! run repeatable:
//!
//! - `start_paused` (or [`Builder::start_paused`](runtime::Builder::start_paused)):
//!   the clock stands still; [`time::advance`] moves it and [`time::now`]
//!   reads it. When nothing but a timer can wake the loop, the clock jumps
//!   to the next deadline. While a task waits on a real descriptor or a
//!   `spawn_blocking` job runs, it does not jump: the loop waits in real
//!   time, so a timeout never fires while real I/O may still arrive (tokio's
//!   paused clock jumps whenever its runtime is idle).
//! - `seed = N` (or [`Builder::seed`](runtime::Builder::seed)): ready tasks,
//!   simultaneous I/O events and equal timers run in an order drawn from
//!   the seed. `seeds = N` runs the test under N seeds and names the one
//!   that fails with the command that replays it; `LOOPY_SEED=N` chooses
//!   the seed from the shell and wins; `LOOPY_CHECK_DETERMINISM=1` runs
//!   each seed twice and fails if the two traces differ.
//! - [`io::duplex`] gives two connected in-memory streams, whose waits do
//!   not stop a paused clock: with a seed, a paused clock and only such
//!   I/O, every run of a test is the same.
//!
//! ```
//! use std::time::Duration;
//!
//! let rt = loopy::Runtime::builder().start_paused(true).build()?;
//! rt.block_on(async {
//!     let alarm = loopy::spawn(loopy::sleep(Duration::from_secs(3600)));
//!     loopy::yield_now().await; // the alarm arms its timer
//!     loopy::time::advance(Duration::from_secs(3599)).await;
//!     assert!(!alarm.is_finished());
//!     loopy::time::advance(Duration::from_secs(1)).await;
//!     assert!(alarm.is_finished());
//! });
//! # std::io::Result::Ok(())
//! ```
//!
//! # Compared with the Python loops
//!
//! | Python                      | loopy                                  |
//! |-----------------------------|----------------------------------------|
//! | a generator, `yield`        | a future, `.await`                     |
//! | the `ready` deque           | `RunQueue`                             |
//! | the `sleeping` heapq        | `TimerHeap`, behind [`sleep`]          |
//! | `select(readers, writers)`  | the `Reactor`, on epoll/kqueue         |
//! | a task id, `kill`, `wait`   | [`task::id`], [`JoinHandle::cancel`], `.await` |
//!
//! # Feature flags
//!
//! Both are off by default, and a build without them compiles none of
//! their code:
//!
//! - `hyper`: the `loopy::hyper` module, hyper 1.x's runtime
//!   traits (`rt::Read`/`Write`, `Executor`, `Timer`) on loopy, so that
//!   hyper's HTTP servers and clients run on the loop. It brings hyper with
//!   no features of its own; choose its protocols in your own dependency.
//! - `tracing`: each task becomes a `runtime.spawn` span and each waker
//!   operation a `runtime::waker` event, the shapes `console-subscriber`
//!   reads, so `tokio-console` lists loopy's tasks. No public item changes;
//!   any other `tracing` subscriber sees them too.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs, missing_debug_implementations)]
#![warn(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]

mod blocking;
pub mod cores;
mod driver;
pub mod guide;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper;
pub mod io;
pub mod net;
pub mod runtime;
pub mod signal;
pub mod task;
pub mod time;
mod unwind;

#[doc(hidden)]
pub mod __private;

use std::future::Future;

pub use blocking::spawn_blocking;
pub use runtime::Runtime;
pub use task::{cancel, spawn, yield_now, JoinError, JoinHandle};
pub use time::{interval, sleep, sleep_until, timeout};

/// Runnable examples for the attribute documented below.
///
/// ```
/// #[loopy::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = loopy::net::TcpListener::bind("127.0.0.1:0")?;
///     assert_ne!(listener.local_addr()?.port(), 0);
///     Ok(())
/// }
/// ```
pub use loopy_macros::main;

/// Runnable examples for the attribute documented below.
///
/// ```
/// use std::time::Duration;
///
/// /// Counts down, then reports who it was.
/// #[loopy::task(name = "countdown")]
/// async fn countdown(mut n: u32) -> String {
///     while n > 0 {
///         loopy::sleep(Duration::from_millis(1)).await;
///         n -= 1;
///     }
///     loopy::task::name().unwrap()
/// }
///
/// loopy::block_on(async {
///     let handle: loopy::JoinHandle<String> = countdown(3);
///     assert_eq!(handle.await.unwrap(), "countdown");
/// });
/// ```
pub use loopy_macros::task;

/// Examples for the attribute documented below (`cargo test` runs such
/// functions as tests; a doctest can only compile them).
///
/// ```
/// #[loopy::test]
/// async fn sleeps_at_least_as_long_as_asked() {
///     let start = std::time::Instant::now();
///     loopy::sleep(std::time::Duration::from_millis(5)).await;
///     assert!(start.elapsed() >= std::time::Duration::from_millis(5));
/// }
/// ```
pub use loopy_macros::test;

/// What may cross threads, checked when loopy compiles.
const _: () = {
    fn send_and_sync<T: Send + Sync>() {}
    fn check() {
        send_and_sync::<JoinError>();
        send_and_sync::<time::Elapsed>();
        send_and_sync::<task::TaskId>();
        send_and_sync::<std::task::Waker>();
    }
    let _ = check;
};

/// Runs `future` to completion on a new [`Runtime`] and returns its
/// output; tasks still pending at the end are dropped with the runtime.
///
/// # Panics
///
/// If the runtime cannot be created (no file descriptor left for the
/// poller), or if called inside a running loopy runtime (use `.await`
/// there); and if `future` panics.
///
/// # Examples
///
/// ```
/// let answer = loopy::block_on(async { 6 * 7 });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn block_on<F: Future>(future: F) -> F::Output {
    Runtime::new()
        .unwrap_or_else(|err| panic!("loopy::block_on could not create a runtime: {err}"))
        .block_on(future)
}

/// The README's code, compiled by `cargo test` so that it cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
