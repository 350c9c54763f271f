//! TCP: `TcpListener` and `TcpStream`.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

use rustix::io::Errno;
use rustix::net::{AddressFamily, SocketFlags, SocketType};

use crate::io::Async;

/// A TCP socket that accepts connections.
///
/// # Examples
///
/// ```
/// use loopy::net::{TcpListener, TcpStream};
///
/// loopy::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0")?;
///     let addr = listener.local_addr()?;
///     let client = loopy::spawn(async move { TcpStream::connect(addr).await });
///     let (_stream, peer) = listener.accept().await?;
///     assert_eq!(peer, client.await.unwrap()?.local_addr()?);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct TcpListener {
    io: Async<std::net::TcpListener>,
}

impl TcpListener {
    /// Binds a listener to the first of `addr`'s addresses that works
    /// (port `0` picks a free port), and registers it with the running
    /// loop. Binding is immediate, so this is not `async`.
    ///
    /// # Errors
    ///
    /// The OS error of the last address tried, such as `AddrInUse`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let listener = std::net::TcpListener::bind(addr)?;
        TcpListener::from_std(listener)
    }

    /// Wraps a listener made with the standard library, putting it in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener {
            io: Async::new_nonblocking(listener)?,
        })
    }

    /// Waits for a connection and returns it with the peer's address.
    ///
    /// # Errors
    ///
    /// The OS error of `accept`, such as `EMFILE` when the process is out of
    /// file descriptors; the listener stays usable.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = self.io.read_with(|listener| listener.accept()).await?;
        stream.set_nonblocking(true)?;
        Ok((TcpStream::from_nonblocking(stream)?, peer))
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

/// A TCP connection.
///
/// `recv` and `send` take `&self`, so two tasks can share one stream (in an
/// `Rc`), one reading and one writing. `TcpStream` and `&TcpStream` also
/// implement `futures_io::AsyncRead` and `AsyncWrite`.
///
/// # Examples
///
/// ```
/// use loopy::net::{TcpListener, TcpStream};
///
/// loopy::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0")?;
///     let addr = listener.local_addr()?;
///     let echo = loopy::spawn(async move {
///         let (stream, _) = listener.accept().await?;
///         let mut buf = [0; 64];
///         let n = stream.recv(&mut buf).await?;
///         stream.send_all(&buf[..n]).await
///     });
///     let stream = TcpStream::connect(addr).await?;
///     stream.send_all(b"hello").await?;
///     let mut buf = [0; 5];
///     stream.recv_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hello");
///     echo.await.unwrap()
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct TcpStream {
    io: Async<std::net::TcpStream>,
}

impl TcpStream {
    /// Connects to the first of `addr`'s addresses that accepts.
    ///
    /// # Errors
    ///
    /// The OS error of the last address tried (`ConnectionRefused`, ...), or
    /// `InvalidInput` if `addr` resolves to no address at all. Name
    /// resolution (`"localhost:80"`) is the standard library's, which
    /// blocks the loop while it runs; pass a `SocketAddr` to avoid it.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let mut last_err = None;
        for addr in addr.to_socket_addrs()? {
            match TcpStream::connect_to(addr).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last_err = Some(err),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "TcpStream::connect: the address resolved to no socket address",
            )
        }))
    }

    /// A non-blocking connect: start it, wait until the socket is writable,
    /// then ask the socket whether it worked.
    async fn connect_to(addr: SocketAddr) -> io::Result<TcpStream> {
        let family = match addr {
            SocketAddr::V4(_) => AddressFamily::INET,
            SocketAddr::V6(_) => AddressFamily::INET6,
        };
        let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
        let socket = rustix::net::socket_with(family, SocketType::STREAM, flags, None)?;
        let in_progress = match rustix::net::connect(&socket, &addr) {
            Ok(()) => false,
            Err(Errno::INPROGRESS) => true,
            Err(errno) => return Err(errno.into()),
        };
        let stream = TcpStream::from_nonblocking(std::net::TcpStream::from(socket))?;
        if in_progress {
            // Writable, as the kernel says, once the handshake has ended,
            // one way or the other.
            stream.io.writable().await;
            if let Err(errno) = rustix::net::sockopt::socket_error(stream.io.get_ref())? {
                return Err(errno.into());
            }
        }
        Ok(stream)
    }

    fn from_nonblocking(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: Async::new_nonblocking(stream)?,
        })
    }

    /// Wraps a connected stream made with the standard library, putting it
    /// in non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_nonblocking(stream)
    }

    /// Receives up to `buf.len()` bytes; `Ok(0)` means the peer closed its
    /// side (or `buf` is empty).
    ///
    /// # Errors
    ///
    /// The OS error, such as `ConnectionReset`.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_recv(cx, buf)).await
    }

    /// Receives exactly `buf.len()` bytes.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the peer closes first, or the OS error.
    pub async fn recv_exact(&self, buf: &mut [u8]) -> io::Result<()> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.recv(&mut buf[filled..]).await? {
                0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "TcpStream::recv_exact: the peer closed the connection early",
                    ))
                }
                n => filled += n,
            }
        }
        Ok(())
    }

    /// Sends some of `buf` and returns how much; see
    /// [`send_all`](TcpStream::send_all) to send all of it.
    ///
    /// # Errors
    ///
    /// The OS error, such as `BrokenPipe` or `ConnectionReset`.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|mut stream| stream.write(buf)).await
    }

    /// Sends all of `buf`, however many sends that takes.
    ///
    /// # Errors
    ///
    /// The OS error; some of `buf` may have been sent by then.
    pub async fn send_all(&self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.send(buf).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }

    /// The address of the peer.
    ///
    /// # Errors
    ///
    /// The OS error of `getpeername`, such as `NotConnected`.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Shuts down the read side, the write side or both; immediate.
    ///
    /// # Errors
    ///
    /// The OS error, such as `NotConnected`.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    ///
    /// # Errors
    ///
    /// The OS error of `setsockopt`.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Whether Nagle's algorithm is off.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockopt`.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let len = buf.len();
        let received = self.io.poll_read_with(cx, |mut stream| stream.read(buf));
        if let Poll::Ready(Ok(n)) = received {
            if n > 0 && n < len {
                self.io.assume_drained();
            }
        }
        received
    }

    fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_with(cx, |mut stream| stream.write(buf))
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}

impl futures_io::AsyncRead for &TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_recv(cx, buf)
    }
}

impl futures_io::AsyncWrite for &TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_send(cx, buf)
    }

    /// A socket has no buffer in user space to flush.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write side, so the peer reads end-of-file.
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown(Shutdown::Write))
    }
}

impl futures_io::AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_read(cx, buf)
    }
}

impl futures_io::AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self).poll_close(cx)
    }
}
