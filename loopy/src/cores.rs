//! One loop per core: [`run`] starts `n` threads, each with its own loopy
//! [`Runtime`](crate::Runtime), and gives back what each loop returned.
//!
//! ```no_run
//! use std::sync::Arc;
//! use loopy::net::SharedPort;
//!
//! // One loop per CPU, each with its own listener on port 8000.
//! let loops = std::thread::available_parallelism().map_or(1, |n| n.get());
//! let port = Arc::new(SharedPort::bind("127.0.0.1:8000")?);
//! let results = loopy::cores::run(loops, move |index| {
//!     let port = Arc::clone(&port);
//!     async move {
//!     // Every loop's ctrl_c resolves on the one Ctrl-C.
//!     let interrupted = loopy::signal::ctrl_c();
//!     let listener = port.listener()?;
//!     let server = loopy::spawn(async move {
//!         while let Ok((stream, _)) = listener.accept().await {
//!             loopy::spawn(async move {
//!                 let _ = stream.send_all(b"hello\n").await;
//!             });
//!         }
//!     });
//!     interrupted.await?;
//!     server.cancel();
//!     println!("loop {index} stopped");
//!     std::io::Result::Ok(())
//!     }
//! });
//! for result in results {
//!     result?;
//! }
//! # std::io::Result::Ok(())
//! ```
//!
//! # Why no shared queue and no stealing
//!
//! A multi-threaded runtime such as tokio's default one runs every task on
//! a pool of worker threads that share the work: a task may be queued on
//! any worker, and an idle worker steals tasks from a busy one. That
//! balances the load, and every task pays for it: its future must be
//! `Send`, its wakes go through atomics and often to another core, its
//! data moves between the caches of the cores it runs on, and the queues
//! are contended.
//!
//! The thread-per-core design (seastar, glommio, monoio) splits the work up
//! front instead. Each core runs an independent loop with its own sockets,
//! timers and tasks. Nothing is shared, so nothing is locked, and a task's
//! data stays in one core's cache for its whole life. A loopy
//! [`Runtime`](crate::Runtime) already is such a loop; this module only
//! starts `n` of them, numbered `0..n` (see [`index`]), optionally each
//! pinned to its own CPU ([`Builder::pin`]).
//!
//! The price is balance. A loop's work is whatever it accepted, and no
//! other loop can take any of it over, even while idle. The design suits
//! servers whose work arrives as many small, independent connections or
//! requests, which the kernel spreads over the loops; it suits a few long,
//! CPU-heavy jobs poorly (give those to [`spawn_blocking`](crate::spawn_blocking)).
//!
//! # Shared ports
//!
//! Each loop binds its own listener on the same port with
//! [`TcpListener::bind_reuse_port`](crate::net::TcpListener::bind_reuse_port)
//! (or [`UdpSocket::bind_reuse_port`](crate::net::UdpSocket::bind_reuse_port)),
//! which sets `SO_REUSEPORT`. On Linux the kernel then sends each new
//! connection (each datagram) to one socket of the group, chosen by a hash
//! of its four-tuple: source address and port, destination address and
//! port. No loop is asked, and a busy loop is not skipped, so the spread is
//! fair only on average. With few connections the imbalance is large: with
//! 4 loops and 8 connections some loop gets none more than a third of the
//! time. With thousands of connections from many source ports it evens
//! out. All datagrams of one UDP peer land on the same socket.
//!
//! `SO_REUSEPORT` lets any process of the same user join a port, so a
//! second copy of a server, started by mistake, would take part of the
//! traffic instead of failing. A [`SharedPort`](crate::net::SharedPort),
//! bound once before `run`, gives each loop its listener and makes a
//! second process's `SharedPort::bind` fail with `AddrInUse`. When a
//! listener closes, the connections still waiting in its accept queue are
//! reset and new ones are hashed over the listeners that remain. The BSDs
//! and macOS accept the option but do not spread: the last socket bound
//! gets the traffic.
//!
//! # Between loops
//!
//! Loops share nothing of loopy's, but wakers work from any thread, so any
//! channel built on wakers carries work and replies from one loop to
//! another: `async-channel`, `flume`, the `futures` channels. loopy itself
//! brings none; `tests/tests/cores_channel.rs` sends a request from one loop
//! to another through an `async-channel` and gets the reply back the same
//! way.
//!
//! What belongs to a loop stays on it: tasks, their
//! [`JoinHandle`](crate::JoinHandle)s and the I/O types are `!Send`, so a
//! loop cannot hand them to another loop, nor return them from [`run`]:
//!
//! ```compile_fail
//! let handles = loopy::cores::run(2, |_| async { loopy::spawn(async {}) });
//! ```
//!
//! The future a loop runs need not be `Send` either: it is made on the
//! loop's own thread, by the closure given to [`run`].
//!
//! # `spawn_blocking`: a pool per loop
//!
//! Each loop's runtime keeps its own [`spawn_blocking`](crate::spawn_blocking)
//! pool, as every runtime does: a loop's blocking jobs never queue behind
//! another loop's, and submitting one takes a lock that no other loop
//! contends for. The cap (`max_blocking_threads`, 64 by default) therefore
//! holds per loop, and `n` loops may run up to `n` times as many blocking
//! threads; to bound the total, give each loop a smaller cap with
//! [`Builder::runtime`]. A shared pool was the alternative; it would have
//! brought back the one shared queue this design avoids.
//!
//! # Shutdown
//!
//! [`run`] returns once every loop's future has returned, so a server stops
//! when each of its loops has seen the signal to stop. For Ctrl-C, each
//! loop awaits its own [`ctrl_c`](crate::signal::ctrl_c) (as in the example
//! above): every `ctrl_c` future resolves on the one SIGINT, so every loop
//! sees it. A loop that finishes early drops its runtime (cancelling the
//! tasks it left) and its thread ends; the others go on.
//!
//! # When a loop cannot start
//!
//! Every loop builds its runtime before any loop's future starts. If one
//! cannot (out of file descriptors or memory), or a thread cannot be
//! started, no future runs: [`try_run`] returns that one error, naming
//! the loop, and [`run`] panics with it. [`try_run`] also stops every
//! loop as soon as one loop's future returns an error, and returns that
//! error: a server whose loop could not bind its port ends at once, with
//! one message, instead of serving on with a loop short.
//!
//! If a loop's future panics, [`run`] stops the other loops before it
//! re-raises that panic: each one's future is dropped at its next turn
//! (the panicking thread wakes it), then its runtime with every task, and
//! its thread ends. Waiting for them to finish on their own instead would
//! hang a server whose loops run until Ctrl-C, after one of them died.
//! This is tokio's rule for a runtime's tasks, applied to the loops: a
//! panic out of `block_on` ends the runtime. A loop busy in code that
//! never reaches an `.await` cannot be stopped, and `run` waits for it. A
//! panic in a spawned task is not a loop's panic: its `JoinHandle` reports
//! it and the loop goes on.

mod affinity;
mod group;

use std::future::Future;
use std::io;
use std::panic::{self, AssertUnwindSafe, Location};
use std::sync::Arc;
use std::thread;

use crate::runtime;
use crate::task::context;
use group::LoopGroup;

/// Which loop of [`run`] this is: `0..n` in the order of `run`'s output,
/// 0 outside `run` (on a plain runtime, or no runtime at all).
///
/// It belongs to the loop's thread: tasks of the loop see it, the threads
/// of its `spawn_blocking` pool do not (they see 0).
///
/// # Examples
///
/// ```
/// assert_eq!(loopy::cores::run(3, |_| async { loopy::cores::index() }), [0, 1, 2]);
/// assert_eq!(loopy::block_on(async { loopy::cores::index() }), 0);
/// ```
pub fn index() -> usize {
    context::loop_index().unwrap_or(0)
}

/// Runs `make(i)`'s future on loop `i`, for `i` in `0..n`, each loop a
/// thread of its own with its own [`Runtime`](crate::Runtime), and returns
/// their outputs in index order once all have finished. The same as
/// `Builder::new().run(n, make)`; see the [module documentation](self).
///
/// # Panics
///
/// If `n` is 0; if called inside a running loopy runtime (it blocks the
/// thread until every loop has finished); if a loop cannot start (the
/// error [`try_run`] would return); with the first panic of a loop's
/// future, re-raised once the other loops have stopped.
///
/// # Examples
///
/// ```
/// let squares = loopy::cores::run(4, |index| async move {
///     loopy::sleep(std::time::Duration::from_millis(1)).await;
///     index * index
/// });
/// assert_eq!(squares, [0, 1, 4, 9]);
/// ```
#[track_caller]
pub fn run<F, Fut, T>(n: usize, make: F) -> Vec<T>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
    T: Send + 'static,
{
    Builder::new().run(n, make)
}

/// Runs `make(i)`'s future on loop `i`, for `i` in `0..n`, as [`run`]
/// does, but fails as one: the first error stops every loop and is
/// returned. The same as `Builder::new().try_run(n, make)`.
///
/// # Errors
///
/// The first error a loop's future returned, once the other loops have
/// stopped; or, before any future has started, the error of a loop whose
/// runtime or thread could not be created (`loopy::cores::run could not
/// create the runtime of loop 3: Too many open files (os error 24)`).
///
/// # Panics
///
/// As [`run`], but for a loop that cannot start.
///
/// # Examples
///
/// ```
/// use std::io;
///
/// let ok = loopy::cores::try_run(2, |index| async move { io::Result::Ok(index) });
/// assert_eq!(ok?, [0, 1]);
///
/// let failed = loopy::cores::try_run(2, |index| async move {
///     if index == 1 {
///         return Err(io::Error::other("loop 1 cannot bind"));
///     }
///     // Loop 0 would wait forever; loop 1's error stops it.
///     std::future::pending::<io::Result<()>>().await
/// });
/// assert_eq!(failed.unwrap_err().to_string(), "loop 1 cannot bind");
/// # io::Result::Ok(())
/// ```
#[track_caller]
pub fn try_run<F, Fut, T>(n: usize, make: F) -> io::Result<Vec<T>>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = io::Result<T>> + 'static,
    T: Send + 'static,
{
    Builder::new().try_run(n, make)
}

/// Settings for [`run`]: whether to pin each loop to a CPU, and each
/// loop's runtime settings.
///
/// # Examples
///
/// ```
/// let runtime = loopy::Runtime::builder().max_blocking_threads(2);
/// let indexes = loopy::cores::Builder::new()
///     .pin(true)
///     .runtime(runtime)
///     .run(2, |_| async { loopy::cores::index() });
/// assert_eq!(indexes, [0, 1]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    /// Whether loop `i` is pinned to the `i`-th CPU the process may use.
    pin: bool,
    /// What every loop's runtime is built from.
    runtime: runtime::Builder,
}

impl Builder {
    /// The defaults: no pinning, default runtimes.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Whether to pin each loop's thread to one CPU (default off): loop
    /// `i` runs only on the `i`-th CPU of those the process may run on
    /// (its affinity mask, which `taskset` sets), counting round again
    /// when there are more loops than CPUs. Linux only.
    ///
    /// Pinning keeps a loop's data in one core's cache and stops the
    /// scheduler from moving two loops onto one core; it hurts when other
    /// busy programs share the CPUs, since a pinned loop cannot move away
    /// from them.
    pub fn pin(mut self, on: bool) -> Builder {
        self.pin = on;
        self
    }

    /// The settings every loop's runtime is built with (default
    /// [`Runtime::builder()`](crate::Runtime::builder)).
    pub fn runtime(mut self, runtime: runtime::Builder) -> Builder {
        self.runtime = runtime;
        self
    }

    /// Runs `make(i)`'s future on loop `i`, for `i` in `0..n`, each loop a
    /// thread named `loopy-core-{i}` with its own runtime, and returns
    /// their outputs in index order once all have finished.
    ///
    /// # Panics
    ///
    /// As [`run`]; also if pinning was asked for and the CPUs the process
    /// may use cannot be read (or the platform is not Linux), or a loop
    /// cannot be pinned (that loop panics, and the others are stopped).
    #[track_caller]
    pub fn run<F, Fut, T>(self, n: usize, make: F) -> Vec<T>
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = T> + 'static,
        T: Send + 'static,
    {
        let group = Arc::new(LoopGroup::new(n));
        let outputs = self.start(n, Arc::clone(&group), make);
        if let Some(err) = group.take_error() {
            panic!("{err}");
        }
        outputs
            .into_iter()
            .map(|output| output.expect("a loop ends without output only when the group stopped"))
            .collect()
    }

    /// Runs the loops as [`try_run`] does, with these settings.
    ///
    /// # Errors
    ///
    /// As [`try_run`].
    ///
    /// # Panics
    ///
    /// As [`Builder::run`], but for a loop that cannot start.
    #[track_caller]
    pub fn try_run<F, Fut, T>(self, n: usize, make: F) -> io::Result<Vec<T>>
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = io::Result<T>> + 'static,
        T: Send + 'static,
    {
        let group = Arc::new(LoopGroup::new(n));
        let failed = Arc::clone(&group);
        // A loop's error is the group's: it stops the others.
        let make = move |index| {
            let future = make(index);
            let failed = Arc::clone(&failed);
            async move { future.await.map_err(|err| failed.fail_with(err)).ok() }
        };
        let outputs = self.start(n, Arc::clone(&group), make);
        if let Some(err) = group.take_error() {
            return Err(err);
        }
        Ok(outputs
            .into_iter()
            .map(|output| {
                output
                    .flatten()
                    .expect("a loop ends without output only when the group stopped")
            })
            .collect())
    }

    /// Starts the `n` loops of `group`, waits for all of them, re-raises
    /// the first panic, and returns each loop's output: `None` for a loop
    /// that was stopped (the group then holds the error or the panic).
    #[track_caller]
    fn start<F, Fut, T>(self, n: usize, group: Arc<LoopGroup>, make: F) -> Vec<Option<T>>
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = T> + 'static,
        T: Send + 'static,
    {
        assert!(
            n > 0,
            "loopy::cores::run needs at least one loop, and was asked for 0"
        );
        if context::is_entered() {
            panic!(
                "loopy::cores::run called inside a running loopy runtime; it blocks until \
                 every loop has finished, which would freeze this loop. Call it from main, \
                 outside any runtime"
            );
        }
        let cpus: Option<Arc<[usize]>> = self.pin.then(|| {
            affinity::allowed_cpus()
                .unwrap_or_else(|err| {
                    panic!("loopy::cores::run could not read the CPUs this process may use: {err}")
                })
                .into()
        });
        // Task lists and dumps show each loop's future as made here.
        let location = Location::caller();
        let make = Arc::new(make);
        let mut threads = Vec::with_capacity(n);
        for index in 0..n {
            let cpu = cpus.as_ref().map(|cpus| cpus[index % cpus.len()]);
            let (shared, make, runtime) =
                (Arc::clone(&group), Arc::clone(&make), self.runtime.clone());
            let spawned = thread::Builder::new()
                .name(format!("loopy-core-{index}"))
                .spawn(move || run_loop(index, cpu, &runtime, &shared, &*make, location));
            match spawned {
                Ok(thread) => threads.push(thread),
                Err(err) => {
                    // The loops already started are waiting for this one;
                    // failing the group releases them without running.
                    group.fail_with(io::Error::new(
                        err.kind(),
                        format!(
                            "loopy::cores::run could not start the thread of loop {index}: {err}"
                        ),
                    ));
                    break;
                }
            }
        }
        // Join in index order; a loop that panicked or failed has stopped
        // the others already, so these joins end.
        let outputs: Vec<Option<T>> = threads
            .into_iter()
            .map(|thread| {
                thread.join().unwrap_or_else(|payload| {
                    group.fail(payload);
                    None
                })
            })
            .collect();
        if let Some(payload) = group.take_panic() {
            panic::resume_unwind(payload);
        }
        outputs
    }
}

/// The body of loop `index`'s thread: pin it, build its runtime, run its
/// future until it finishes or the group stops. `None` if it was stopped
/// or panicked (the panic is then the group's to re-raise).
fn run_loop<F, Fut, T>(
    index: usize,
    cpu: Option<usize>,
    runtime: &runtime::Builder,
    group: &Arc<LoopGroup>,
    make: &F,
    location: &'static Location<'static>,
) -> Option<T>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T>,
{
    context::set_loop_index(index);
    let ran = panic::catch_unwind(AssertUnwindSafe(|| {
        if let Some(cpu) = cpu {
            affinity::pin_current_thread(cpu).unwrap_or_else(|err| {
                panic!("loopy::cores::run could not pin loop {index} to CPU {cpu}: {err}")
            });
        }
        let runtime = match runtime.clone().build() {
            Ok(runtime) => runtime,
            Err(err) => {
                group.fail_with(io::Error::new(
                    err.kind(),
                    format!(
                        "loopy::cores::run could not create the runtime of loop {index}: {err}"
                    ),
                ));
                return None;
            }
        };
        // No loop's future starts until every loop has its runtime: a
        // group that cannot start serves nobody, not some for a moment.
        if !group.all_started() {
            return None;
        }
        // The runtime is dropped at the end of this closure, so the tasks
        // the future left behind are dropped on this thread too.
        // `make` runs inside the loop, so it may already spawn or bind.
        let future = group.until_stopped(index, async { make(index).await });
        runtime.block_on_at(future, location)
    }));
    ran.unwrap_or_else(|payload| {
        group.fail(payload);
        None
    })
}
