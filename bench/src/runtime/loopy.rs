//! loopy, through its own API: `Runtime::block_on`, `loopy::spawn`,
//! `loopy::net` with `recv`/`send`.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};

use super::Runtime;

/// loopy needs no handle: `loopy::spawn` finds the running loop itself.
#[derive(Clone)]
pub struct Loopy;

impl Runtime for Loopy {
    type Listener = TcpListener;
    type Stream = TcpStream;

    fn block_on<M, F>(main: M) -> F::Output
    where
        M: FnOnce(Self) -> F,
        F: Future,
    {
        let runtime = loopy::Runtime::new().expect("building a loopy runtime");
        runtime.block_on(main(Loopy))
    }

    fn spawn<F>(&self, task: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let handle = loopy::spawn(task);
        async move { handle.await.expect("task panicked") }
    }

    fn yield_now() -> impl Future<Output = ()> {
        loopy::yield_now()
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> {
        loopy::sleep(duration)
    }

    async fn bind(addr: SocketAddr) -> io::Result<(TcpListener, SocketAddr)> {
        let listener = TcpListener::bind(addr)?;
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
        stream.recv(buf)
    }

    fn send<'a>(
        stream: &'a mut TcpStream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a {
        stream.send(buf)
    }
}
