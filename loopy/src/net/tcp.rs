//! TCP: `TcpListener` and `TcpStream`.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{Shutdown, SocketAddr};

use rustix::net::SocketType;

use super::byte_stream::ByteStream;
use super::resolve::ToSocketAddrs;
use super::reuse_port;
use super::split::{self, OwnedReadHalf, OwnedWriteHalf};
use super::std_socket::impl_std_socket;
use crate::io::stream_io::{impl_futures_io, StreamIo};
use crate::io::Async;

/// How many finished handshakes a listener bound by
/// [`TcpListener::bind_reuse_port`] or [`SharedPort`](super::SharedPort)
/// lets wait for `accept` (the kernel caps
/// it at `net.core.somaxconn`, 4096 by default); `TcpListener::bind` keeps
/// the standard library's.
pub(super) const LISTEN_BACKLOG: i32 = 1024;

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
    #[track_caller]
    pub fn bind(addr: impl std::net::ToSocketAddrs) -> io::Result<TcpListener> {
        crate::task::context::require("loopy::net::TcpListener::bind");
        let listener = std::net::TcpListener::bind(addr)?;
        TcpListener::from_std(listener)
    }

    /// Binds a listener with `SO_REUSEPORT`, so that other listeners (one
    /// per loop of [`loopy::cores`](crate::cores), say) can bind the same
    /// port; the kernel hashes each new connection to one of them. How
    /// evenly that spreads, and how unevenly at low connection counts, is
    /// described in [`loopy::cores`](crate::cores#shared-ports).
    ///
    /// Every listener of the group must set the option: a port bound
    /// without it (by [`bind`](TcpListener::bind), say) cannot be shared.
    /// Port `0` picks a free port, which the other listeners then bind by
    /// number.
    ///
    /// Any process of the same user may join the group this way, a second
    /// copy of the same server included, and take a share of the
    /// connections. [`SharedPort`](super::SharedPort) makes a port that
    /// only this process's loops share.
    ///
    /// # Errors
    ///
    /// The OS error of the last address tried, with the address in the
    /// message, such as `AddrInUse` when the port is held by a socket
    /// without `SO_REUSEPORT` or by another user; `InvalidInput` if `addr`
    /// resolves to no address.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::net::TcpListener;
    ///
    /// loopy::block_on(async {
    ///     let first = TcpListener::bind_reuse_port("127.0.0.1:0")?;
    ///     let second = TcpListener::bind_reuse_port(first.local_addr()?)?;
    ///     assert_eq!(first.local_addr()?, second.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind_reuse_port(addr: impl std::net::ToSocketAddrs) -> io::Result<TcpListener> {
        crate::task::context::require("loopy::net::TcpListener::bind_reuse_port");
        let socket = reuse_port::bind(addr, SocketType::STREAM, "TcpListener::bind_reuse_port")?;
        rustix::net::listen(&socket, LISTEN_BACKLOG)?;
        Ok(TcpListener {
            io: Async::new_nonblocking(std::net::TcpListener::from(socket))?,
        })
    }

    /// Wraps a listener made with the standard library, putting it in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        crate::task::context::require("loopy::net::TcpListener::from_std");
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
        Ok((TcpStream::from_std(stream)?, peer))
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
    /// The connection; everything but the TCP-only options goes through it.
    stream: ByteStream<std::net::TcpStream>,
}

impl TcpStream {
    /// Connects to the first of `addr`'s addresses that accepts.
    ///
    /// A host name (`"localhost:80"`, `("example.com", 80)`) is resolved
    /// on a [`spawn_blocking`](crate::spawn_blocking) thread, so a slow
    /// resolver holds up this task only, never the loop; a numeric
    /// address is used at once. See [`ToSocketAddrs`].
    ///
    /// # Errors
    ///
    /// The resolver's error; the OS error of the last address tried
    /// (`ConnectionRefused`, ...); or `InvalidInput` if `addr` resolves to
    /// no address at all.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::net::{TcpListener, TcpStream};
    ///
    /// loopy::block_on(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0")?;
    ///     let port = listener.local_addr()?.port();
    ///     let stream = TcpStream::connect(("localhost", port)).await?;
    ///     assert_eq!(stream.peer_addr()?.port(), port);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let mut last_err = None;
        for addr in super::resolve::resolve(&addr).await? {
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

    /// A non-blocking connect to one address.
    async fn connect_to(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = super::socket_for(addr, SocketType::STREAM)?;
        let started = rustix::net::connect(&socket, &addr);
        let stream = ByteStream::finish_connect(socket.into(), started).await?;
        Ok(TcpStream { stream })
    }

    /// Wraps a connected stream made with the standard library, putting it
    /// in non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        crate::task::context::require("loopy::net::TcpStream::from_std");
        Ok(TcpStream {
            stream: ByteStream::new(stream)?,
        })
    }

    /// Receives up to `buf.len()` bytes; `Ok(0)` means the peer closed its
    /// side (or `buf` is empty).
    ///
    /// # Errors
    ///
    /// The OS error, such as `ConnectionReset`.
    pub fn recv<'a>(&'a self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        self.stream.recv(buf)
    }

    /// Receives exactly `buf.len()` bytes.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the peer closes first, or the OS error.
    pub async fn recv_exact(&self, buf: &mut [u8]) -> io::Result<()> {
        self.stream.recv_exact(buf).await
    }

    /// Sends some of `buf` and returns how much; see
    /// [`send_all`](TcpStream::send_all) to send all of it.
    ///
    /// # Errors
    ///
    /// The OS error, such as `BrokenPipe` or `ConnectionReset`.
    pub fn send<'a>(&'a self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        self.stream.send(buf)
    }

    /// Sends all of `buf`, however many sends that takes.
    ///
    /// # Errors
    ///
    /// The OS error; some of `buf` may have been sent by then.
    pub async fn send_all(&self, buf: &[u8]) -> io::Result<()> {
        self.stream.send_all(buf).await
    }

    /// The address of the peer.
    ///
    /// # Errors
    ///
    /// The OS error of `getpeername`, such as `NotConnected`.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.get_ref().peer_addr()
    }

    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.get_ref().local_addr()
    }

    /// Shuts down the read side, the write side or both; immediate.
    ///
    /// # Errors
    ///
    /// The OS error, such as `NotConnected`.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.stream.shutdown(how)
    }

    /// Waits until a read would not block: data is waiting, the peer
    /// closed its side, or an error is pending. Each poll asks the kernel,
    /// as [`Async::readable`](crate::io::Async::readable) does; another
    /// task may still take the data first.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let listener = loopy::net::TcpListener::bind("127.0.0.1:0")?;
    ///     let b = loopy::net::TcpStream::connect(listener.local_addr()?).await?;
    ///     let (a, _) = listener.accept().await?;
    ///     b.send_all(b"x").await?;
    ///     a.readable().await;
    ///     let mut buf = [0; 1];
    ///     assert_eq!(a.recv(&mut buf).await?, 1);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn readable(&self) {
        self.stream.readable().await
    }

    /// Waits until a write would not block: there is room in the send
    /// buffer, or an error is pending. Each poll asks the kernel, as
    /// [`Async::writable`](crate::io::Async::writable) does.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let listener = loopy::net::TcpListener::bind("127.0.0.1:0")?;
    ///     let b = loopy::net::TcpStream::connect(listener.local_addr()?).await?;
    ///     let (a, _) = listener.accept().await?;
    ///     a.writable().await;
    ///     assert_eq!(a.send(b"x").await?, 1);
    /// #   drop(b);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn writable(&self) {
        self.stream.writable().await
    }

    /// Splits the stream into a read half and a write half that two tasks
    /// can own, one each; the socket closes once both are dropped. See
    /// [`OwnedReadHalf`].
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let listener = loopy::net::TcpListener::bind("127.0.0.1:0")?;
    ///     let b = loopy::net::TcpStream::connect(listener.local_addr()?).await?;
    ///     let (a, _) = listener.accept().await?;
    ///     let (reader, writer) = a.into_split();
    ///     let echo = loopy::spawn(async move {
    ///         let mut buf = [0; 4];
    ///         reader.recv_exact(&mut buf).await?;
    ///         writer.send_all(&buf).await
    ///     });
    ///     b.send_all(b"ping").await?;
    ///     let mut buf = [0; 4];
    ///     b.recv_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"ping");
    ///     echo.await.unwrap()
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf<TcpStream>, OwnedWriteHalf<TcpStream>) {
        split::split(self)
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    ///
    /// # Errors
    ///
    /// The OS error of `setsockopt`.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.stream.get_ref().set_nodelay(nodelay)
    }

    /// Whether Nagle's algorithm is off.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockopt`.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.stream.get_ref().nodelay()
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

impl_futures_io!(TcpStream);
impl_std_socket!(
    TcpStream,
    std::net::TcpStream,
    stream,
    "TcpStream::connect(TcpListener::bind(\"127.0.0.1:0\")?.local_addr()?).await?"
);
impl_std_socket!(
    TcpListener,
    std::net::TcpListener,
    io,
    "TcpListener::bind(\"127.0.0.1:0\")?"
);
