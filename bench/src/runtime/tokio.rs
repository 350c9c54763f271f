//! tokio's current_thread runtime, in its two ways of spawning: `tokio::spawn`
//! ([`Spawn`]) and `LocalSet` + `spawn_local` ([`SpawnLocal`]).
//!
//! The runtime is built as `#[tokio::main(flavor = "current_thread")]` builds
//! it: I/O and time drivers enabled.

use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime as TokioRuntime;
use tokio::task::LocalSet;

use super::assert_send::AssertSend;
use super::Runtime;

/// How tasks are spawned: the one thing the two tokio contenders differ in.
pub trait Flavor: 'static {
    /// Runs `main` on `runtime`, inside a `LocalSet` if the flavor needs one.
    fn block_on<F: Future>(runtime: &TokioRuntime, main: F) -> F::Output;

    /// Spawns `task` the flavor's way.
    fn spawn<F>(task: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static;
}

/// `tokio::spawn`.
///
/// It wants a `Send` future, and some scenarios share `Rc` state between
/// tasks, so every task goes in an [`AssertSend`]: a wrapper with no run-time
/// cost, sound because a current_thread runtime never moves a task off its
/// thread.
pub struct Spawn;

impl Flavor for Spawn {
    fn block_on<F: Future>(runtime: &TokioRuntime, main: F) -> F::Output {
        runtime.block_on(main)
    }

    fn spawn<F>(task: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let handle = tokio::spawn(AssertSend::new(task));
        async move { handle.await.expect("task panicked").into_inner() }
    }
}

/// `LocalSet` + `tokio::task::spawn_local`, which takes `!Send` futures.
pub struct SpawnLocal;

impl Flavor for SpawnLocal {
    fn block_on<F: Future>(runtime: &TokioRuntime, main: F) -> F::Output {
        LocalSet::new().block_on(runtime, main)
    }

    fn spawn<F>(task: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let handle = tokio::task::spawn_local(task);
        async move { handle.await.expect("task panicked") }
    }
}

/// tokio's current_thread runtime, spawning the `S` way.
pub struct Tokio<S>(PhantomData<S>);

// Derived `Clone` would want `S: Clone`; the handle carries no data at all.
impl<S> Clone for Tokio<S> {
    fn clone(&self) -> Self {
        Tokio(PhantomData)
    }
}

impl<S: Flavor> Runtime for Tokio<S> {
    type Listener = TcpListener;
    type Stream = TcpStream;

    fn block_on<M, F>(main: M) -> F::Output
    where
        M: FnOnce(Self) -> F,
        F: Future,
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("building a tokio runtime");
        S::block_on(&runtime, main(Tokio(PhantomData)))
    }

    fn spawn<F>(&self, task: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        S::spawn(task)
    }

    fn yield_now() -> impl Future<Output = ()> {
        tokio::task::yield_now()
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> {
        tokio::time::sleep(duration)
    }

    async fn bind(addr: SocketAddr) -> io::Result<(TcpListener, SocketAddr)> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        Ok((listener, addr))
    }

    async fn accept(listener: &TcpListener) -> io::Result<TcpStream> {
        Ok(listener.accept().await?.0)
    }

    async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect(addr).await
    }

    fn set_nodelay(stream: &TcpStream) -> io::Result<()> {
        stream.set_nodelay(true)
    }

    fn recv<'a>(
        stream: &'a mut TcpStream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a {
        stream.read(buf)
    }

    fn send<'a>(
        stream: &'a mut TcpStream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a {
        stream.write(buf)
    }
}
