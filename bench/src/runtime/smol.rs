//! smol's parts on one thread: an `async_executor::LocalExecutor` driven by
//! `async_io::block_on`, with `async_io::Async` for sockets and
//! `async_io::Timer` for sleeps. Reads and writes go through futures-lite's
//! `AsyncReadExt`/`AsyncWriteExt`, as `smol::io` re-exports them.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::rc::Rc;
use std::time::Duration;

use async_executor::LocalExecutor;
use async_io::{Async, Timer};
use futures_lite::{AsyncReadExt, AsyncWriteExt};

use super::Runtime;

/// A handle to the executor, which smol code passes around by reference
/// (here by `Rc`, so tasks can hold it).
#[derive(Clone)]
pub struct Smol(Rc<LocalExecutor<'static>>);

impl Runtime for Smol {
    type Listener = Async<TcpListener>;
    type Stream = Async<TcpStream>;

    fn block_on<M, F>(main: M) -> F::Output
    where
        M: FnOnce(Self) -> F,
        F: Future,
    {
        let executor = Rc::new(LocalExecutor::new());
        let main = main(Smol(executor.clone()));
        async_io::block_on(executor.run(main))
    }

    fn spawn<F>(&self, task: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.0.spawn(task)
    }

    fn yield_now() -> impl Future<Output = ()> {
        futures_lite::future::yield_now()
    }

    async fn sleep(duration: Duration) {
        Timer::after(duration).await;
    }

    async fn bind(addr: SocketAddr) -> io::Result<(Async<TcpListener>, SocketAddr)> {
        let listener = Async::<TcpListener>::bind(addr)?;
        let addr = listener.get_ref().local_addr()?;
        Ok((listener, addr))
    }

    async fn accept(listener: &Async<TcpListener>) -> io::Result<Async<TcpStream>> {
        Ok(listener.accept().await?.0)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Async<TcpStream>> {
        Async::<TcpStream>::connect(addr).await
    }

    fn set_nodelay(stream: &Async<TcpStream>) -> io::Result<()> {
        stream.get_ref().set_nodelay(true)
    }

    fn recv<'a>(
        stream: &'a mut Async<TcpStream>,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a {
        stream.read(buf)
    }

    fn send<'a>(
        stream: &'a mut Async<TcpStream>,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a {
        stream.write(buf)
    }
}
