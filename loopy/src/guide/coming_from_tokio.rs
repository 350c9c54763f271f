//! Coming from tokio: each habit, and its loopy counterpart.
//!
//! loopy is tokio's `current_thread` runtime with `LocalRuntime`'s rules
//! (tasks need not be `Send`), and nothing more: no multi-thread
//! scheduler, no `tokio::sync`, no `tokio-util`. What loopy leaves out,
//! a small, well-kept crate does on any executor; each entry below names
//! the crate and shows it on loopy. Every example here is compiled and
//! run as a test.
//!
//! The crates used below, and why each:
//!
//! | tokio | use on loopy | why this crate |
//! |---|---|---|
//! | `join!`, `select!`, `AsyncReadExt` | `futures-lite` | small, no proc macros, the `futures-io` traits loopy implements |
//! | `sync::mpsc`, `oneshot` | `async-channel` | waker-based: works on one loop and between the loops of [`cores`](crate::cores) |
//! | `sync::Mutex`, `RwLock`, `Semaphore` | `async-lock` | waker-based, fair, no runtime of its own |
//! | `sync::Notify` | `event-listener` | what `async-channel` and `async-lock` are built on |
//!
//! On one thread, a `RefCell` or `Cell` in an `Rc` is often all the
//! sharing two tasks need, as long as no borrow is held across an
//! `.await`; reach for `async-lock` when one is.
//!
//! # `#[tokio::main]` and `LocalRuntime` → `#[loopy::main]` and `Runtime`
//!
//! `#[loopy::main]` is `#[tokio::main(flavor = "current_thread")]`;
//! [`Runtime::new`](crate::Runtime::new) and
//! [`block_on`](crate::Runtime::block_on) are `LocalRuntime`'s. There is
//! no `enable_all`: I/O, timers and signals are always on.
//!
//! ```
//! #[loopy::main]
//! async fn main() {
//!     println!("on loopy");
//! }
//! ```
//!
//! ```
//! let runtime = loopy::Runtime::new()?;
//! let answer = runtime.block_on(async { 6 * 7 });
//! assert_eq!(answer, 42);
//! # std::io::Result::Ok(())
//! ```
//!
//! For tokio's multi-thread runtime, run one loop per core with
//! [`loopy::cores::run`](crate::cores::run): loops share nothing, so a
//! task stays on the loop that spawned it.
//!
//! # `spawn` and `spawn_local` → [`loopy::spawn`](crate::spawn)
//!
//! One `spawn`, which takes `!Send` futures: what `spawn_local` does on a
//! `LocalSet`, with no `LocalSet`.
//!
//! ```
//! use std::rc::Rc;
//!
//! loopy::block_on(async {
//!     let shared = Rc::new(5); // not Send, and that is fine
//!     let task = loopy::spawn({
//!         let shared = Rc::clone(&shared);
//!         async move { *shared * 2 }
//!     });
//!     assert_eq!(task.await.unwrap(), 10);
//! });
//! ```
//!
//! # `JoinHandle::abort` → [`JoinHandle::cancel`](crate::JoinHandle::cancel)
//!
//! The same rules: the task is dropped at its next `.await`, and awaiting
//! the handle gives a [`JoinError`](crate::JoinError) whose
//! `is_cancelled()` is true. Dropping a handle detaches the task, as in
//! tokio.
//!
//! ```
//! use std::time::Duration;
//!
//! loopy::block_on(async {
//!     let task = loopy::spawn(loopy::sleep(Duration::from_secs(3600)));
//!     task.cancel();
//!     assert!(task.await.unwrap_err().is_cancelled());
//! });
//! ```
//!
//! # `JoinSet` → [`TaskGroup`](crate::task::TaskGroup)
//!
//! | tokio's `JoinSet` | loopy's `TaskGroup` |
//! |---|---|
//! | `JoinSet::new()` | `TaskGroup::new()` |
//! | `set.spawn(fut)` (an `AbortHandle`) | `group.spawn(fut)` (a [`JoinHandle`](crate::JoinHandle)), or `group.spawn_named(name, fut)` |
//! | `set.join_next().await`, in the order the tasks finish | `group.join_next().await`, the same |
//! | `set.abort_all()` | `group.cancel()` |
//! | `set.shutdown().await` (abort all, then wait) | `group.shutdown(grace).await` (wait up to `grace`, then cancel the rest and wait); `shutdown(Duration::ZERO)` is tokio's |
//! | dropping the set aborts every task | dropping the group cancels every task |
//! | `set.len()`, `set.is_empty()` | `group.len()`, `group.is_empty()` |
//!
//! The methods take `&self`, so the group can be shared (`Rc<TaskGroup<T>>`)
//! between the task that spawns into it and the one that shuts it down. A
//! task's result goes to whoever asks first: awaiting its `JoinHandle`
//! takes it away from `join_next`. The cancelled tasks' `join_next` results
//! are [`JoinError`](crate::JoinError)s whose `is_cancelled()` is true, as
//! tokio's are after `abort_all`.
//!
//! ```
//! use std::time::Duration;
//! use loopy::task::TaskGroup;
//!
//! loopy::block_on(async {
//!     let group = TaskGroup::new();
//!     for n in 1..=3u64 {
//!         group.spawn(async move { n * n });
//!     }
//!     group.spawn(async {
//!         loopy::sleep(Duration::from_secs(3600)).await;
//!         0
//!     });
//!     // Let the three quick tasks end, then cancel the one left.
//!     group.shutdown(Duration::from_millis(10)).await;
//!     let (mut total, mut cancelled) = (0, 0);
//!     while let Some(result) = group.join_next().await {
//!         match result {
//!             Ok(n) => total += n,
//!             Err(err) => cancelled += usize::from(err.is_cancelled()),
//!         }
//!     }
//!     assert_eq!((total, cancelled), (14, 1));
//! });
//! ```
//!
//! Children that borrow from the caller, which neither `JoinSet` nor a
//! `TaskGroup` can hold (their tasks are `'static`), go in a
//! [`task::scope`](crate::task::scope): it ends only once every child has,
//! so the borrow outlives them all.
//!
//! ```
//! loopy::block_on(async {
//!     let words = vec!["a".to_string(), "bb".to_string()];
//!     let words = &words;
//!     let total = loopy::task::scope(|s| async move {
//!         let a = s.spawn(async move { words[0].len() });
//!         let b = s.spawn(async move { words[1].len() });
//!         a.await + b.await
//!     })
//!     .await;
//!     assert_eq!(total, 3);
//! });
//! ```
//!
//! # `join!` and `select!` → `futures-lite`
//!
//! `futures_lite::future::zip` is `join!` for two futures (nest it, or
//! use `futures::join!`, for more); `or` is `select!` for two futures of
//! one output type, the first to finish winning, and `race` the same with
//! a random pick when both are ready. The loser is dropped, as in
//! `select!`. We chose futures-lite over `futures` because it has no proc
//! macros and builds in a fraction of the time; `futures::select!` and
//! `futures::join!` work on loopy as well.
//!
//! ```
//! use std::time::Duration;
//! use futures_lite::future;
//!
//! loopy::block_on(async {
//!     let (a, b) = future::zip(async { 1 }, async { 2 }).await;
//!     assert_eq!(a + b, 3);
//!
//!     let slow = async {
//!         loopy::sleep(Duration::from_secs(3600)).await;
//!         "slow"
//!     };
//!     let fast = async { "fast" };
//!     assert_eq!(future::or(slow, fast).await, "fast");
//! });
//! ```
//!
//! # Channels → `async-channel`
//!
//! `async_channel::bounded(n)` is `mpsc::channel(n)` (with cloneable
//! receivers too), `unbounded()` is `mpsc::unbounded_channel()`, and
//! `bounded(1)` with one message serves for `oneshot`. On one loop, a
//! round trip through two `bounded(1)` channels costs about 0.25 µs, a
//! quarter of what a bare `Rc<RefCell<VecDeque>>` channel does (measured
//! by `bench/examples/channel_round_trip.rs`), and far below one socket
//! read: loopy does not bring a channel of its own.
//!
//! ```
//! loopy::block_on(async {
//!     let (tx, rx) = async_channel::bounded(8);
//!     let producer = loopy::spawn(async move {
//!         for n in 0..3 {
//!             tx.send(n).await.unwrap();
//!         }
//!     });
//!     let mut got = Vec::new();
//!     while let Ok(n) = rx.recv().await {
//!         got.push(n);
//!     }
//!     producer.await.unwrap();
//!     assert_eq!(got, [0, 1, 2]);
//! });
//! ```
//!
//! For `broadcast` and `watch`, `async-broadcast` is the same authors'
//! broadcast channel.
//!
//! # `Mutex`, `RwLock` and `Semaphore` → `async-lock`
//!
//! The same names and the same `lock().await`; a guard may be held across
//! an `.await`.
//!
//! ```
//! use std::rc::Rc;
//! use async_lock::{Mutex, Semaphore};
//!
//! loopy::block_on(async {
//!     let log = Rc::new(Mutex::new(Vec::new()));
//!     let permits = Rc::new(Semaphore::new(2));
//!     let tasks: Vec<_> = (0..4)
//!         .map(|n| {
//!             let (log, permits) = (Rc::clone(&log), Rc::clone(&permits));
//!             loopy::spawn(async move {
//!                 let _permit = permits.acquire().await;
//!                 let mut log = log.lock().await;
//!                 loopy::yield_now().await; // held across an await
//!                 log.push(n);
//!             })
//!         })
//!         .collect();
//!     for task in tasks {
//!         task.await.unwrap();
//!     }
//!     assert_eq!(log.lock().await.len(), 4);
//! });
//! ```
//!
//! # `Notify` → `event-listener`
//!
//! An `Event` is `Notify`: `listen()` before checking the condition, then
//! await the listener; `notify(1)` is `notify_one`, `notify(usize::MAX)`
//! is `notify_waiters`.
//!
//! ```
//! use std::cell::Cell;
//! use std::rc::Rc;
//! use event_listener::Event;
//!
//! loopy::block_on(async {
//!     let ready = Rc::new((Event::new(), Cell::new(false)));
//!     let waiter = loopy::spawn({
//!         let ready = Rc::clone(&ready);
//!         async move {
//!             loop {
//!                 if ready.1.get() {
//!                     return;
//!                 }
//!                 let listener = ready.0.listen();
//!                 if ready.1.get() {
//!                     return;
//!                 }
//!                 listener.await;
//!             }
//!         }
//!     });
//!     loopy::yield_now().await;
//!     ready.1.set(true);
//!     ready.0.notify(1);
//!     waiter.await.unwrap();
//! });
//! ```
//!
//! # `tokio::time` → [`loopy::time`](crate::time)
//!
//! [`sleep`](crate::sleep), [`sleep_until`](crate::sleep_until),
//! [`timeout`](crate::timeout) and [`interval`](crate::interval) under
//! the same names. Instants are `std::time::Instant` (tokio's `Instant`
//! wraps it). `tokio::time::Instant::now()` → [`time::now`](crate::time::now),
//! which follows a paused clock.
//!
//! `#[tokio::test(start_paused = true)]` and `tokio::time::advance` →
//! `#[loopy::test(start_paused)]` (or
//! [`Builder::start_paused`](crate::runtime::Builder::start_paused)) and
//! [`time::advance`](crate::time::advance). The rule differs on purpose:
//! loopy's clock jumps to the next timer only while no task waits on a
//! real descriptor and no blocking job runs, so a timeout never fires
//! while a real reply may still arrive (see
//! [`loopy::time`](crate::time#a-paused-clock)). Beyond tokio:
//! `#[loopy::test(seeds = 64)]` runs a test under 64 task orders and names
//! the seed that fails.
//!
//! ```
//! use std::time::{Duration, Instant};
//!
//! loopy::block_on(async {
//!     let start = Instant::now();
//!     loopy::sleep(Duration::from_millis(5)).await;
//!     assert!(start.elapsed() >= Duration::from_millis(5));
//!
//!     let never = std::future::pending::<()>();
//!     assert!(loopy::timeout(Duration::from_millis(5), never).await.is_err());
//!
//!     let mut every = loopy::interval(Duration::from_millis(1));
//!     every.tick().await;
//!     every.tick().await;
//! });
//! ```
//!
//! # `AsyncFd` → [`loopy::io::Async`](crate::io::Async)
//!
//! `Async::new(fd)` registers any descriptor; `readable()` and
//! `writable()` are `AsyncFd`'s (without a guard: each asks the kernel),
//! and `read_with`/`write_with` retry an operation until it does not say
//! `WouldBlock`, as `AsyncFd::async_io` does.
//!
//! ```
//! use std::io::{Read, Write};
//! use std::os::unix::net::UnixStream;
//!
//! loopy::block_on(async {
//!     let (a, mut b) = UnixStream::pair()?;
//!     let a = loopy::io::Async::new(a)?;
//!     b.write_all(b"hi")?;
//!     a.readable().await;
//!     let mut buf = [0; 2];
//!     a.read_with(|mut s| s.read_exact(&mut buf)).await?;
//!     assert_eq!(&buf, b"hi");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! # Sockets
//!
//! [`loopy::net`](crate::net) has tokio's types and most of their
//! methods: `connect` resolves names off the loop, `AsFd` lends the
//! descriptor to rustix or socket2 for options loopy has no method for,
//! `into_split` gives owned halves for two tasks, `into_std` leaves the
//! loop. Reads and writes are `recv` and `send` (the Python loops'
//! names), and the streams implement `futures-io`'s `AsyncRead` and
//! `AsyncWrite`.
//!
//! # `tokio::signal` → [`loopy::signal`](crate::signal)
//!
//! `ctrl_c()` and `unix::signal(SignalKind::terminate())` with `recv()`,
//! as in tokio.
//!
//! ```no_run
//! use loopy::signal::unix::{signal, SignalKind};
//!
//! loopy::block_on(async {
//!     let mut terminate = signal(SignalKind::terminate())?;
//!     futures_lite::future::or(
//!         async { loopy::signal::ctrl_c().await.map(drop) },
//!         async { terminate.recv().await; Ok(()) },
//!     )
//!     .await
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! # `AsyncReadExt` and `AsyncWriteExt` → `futures-lite`'s
//!
//! `futures_lite::{AsyncReadExt, AsyncWriteExt, AsyncBufReadExt}` give
//! `read`, `read_exact`, `write_all`, `read_line`, `lines` and the rest
//! over loopy's streams, as tokio's extension traits do over tokio's.
//!
//! ```
//! use futures_lite::{AsyncReadExt, AsyncWriteExt};
//!
//! loopy::block_on(async {
//!     let (mut a, mut b) = loopy::net::UnixStream::pair()?;
//!     a.write_all(b"hello").await?;
//!     a.close().await?;
//!     let mut text = String::new();
//!     b.read_to_string(&mut text).await?;
//!     assert_eq!(text, "hello");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! # `tokio-util`'s codecs → lines, or `asynchronous-codec`
//!
//! For line protocols, `futures_lite::io::BufReader` and
//! `AsyncBufReadExt::lines` do what `Framed<_, LinesCodec>` does. For
//! other framings, the `asynchronous-codec` crate is `tokio-util`'s
//! `Encoder`/`Decoder`/`Framed` on the `futures-io` traits, so it works
//! on loopy's streams as they are.
//!
//! ```
//! use futures_lite::io::BufReader;
//! use futures_lite::{AsyncBufReadExt, AsyncWriteExt, StreamExt};
//!
//! loopy::block_on(async {
//!     let (mut a, b) = loopy::net::UnixStream::pair()?;
//!     a.write_all(b"one\ntwo\n").await?;
//!     a.close().await?;
//!     let lines: Vec<String> = BufReader::new(b).lines().try_collect().await?;
//!     assert_eq!(lines, ["one", "two"]);
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! # What has no counterpart yet
//!
//! - A work-stealing scheduler: loopy's loops never move tasks between
//!   threads; [`cores`](crate::cores) runs independent loops.
//! - `tokio::fs` and `tokio::process`: use the standard library inside
//!   [`spawn_blocking`](crate::spawn_blocking) (which is what `tokio::fs`
//!   does too).
//! - `task_local!`, `block_in_place`, `yield_now`'s cooperative budget
//!   knobs, and pausing a running clock (`time::pause`, `resume`): a
//!   loopy runtime's clock is paused from its start or never.
//! - `broadcast`, `watch` (`async-broadcast`).
//!
//! tokio's own types (`tokio::net`, `tokio::time::sleep`,
//! `tokio::spawn`) do not work inside a loopy runtime: they look for
//! tokio's and panic with "there is no reactor running". Use loopy's, or
//! a runtime-independent crate.
