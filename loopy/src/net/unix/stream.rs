//! `UnixStream`: a connection over a Unix socket.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use rustix::io::Errno;
use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};

use super::address;
use crate::io::stream_io::{impl_futures_io, StreamIo};
use crate::net::byte_stream::ByteStream;
use crate::net::split::{self, OwnedReadHalf, OwnedWriteHalf};
use crate::net::std_socket::impl_std_socket;

/// How long `connect` first waits before trying again when the listener's
/// queue of unaccepted connections is full; it doubles up to
/// [`CONNECT_RETRY_MAX`].
const CONNECT_RETRY_FIRST: Duration = Duration::from_millis(1);

/// The longest wait between two tries of a `connect` that found the
/// listener's queue full.
const CONNECT_RETRY_MAX: Duration = Duration::from_millis(50);

/// A connection over a Unix stream socket.
///
/// The same shape as [`TcpStream`](crate::net::TcpStream): `recv` and
/// `send` take `&self`, so two tasks can share one stream (in an `Rc`),
/// and `UnixStream` and `&UnixStream` implement `futures_io::AsyncRead`
/// and `AsyncWrite`.
///
/// # Examples
///
/// ```
/// use loopy::net::UnixStream;
///
/// loopy::block_on(async {
///     let (a, b) = UnixStream::pair()?;
///     let echo = loopy::spawn(async move {
///         let mut buf = [0; 64];
///         let n = b.recv(&mut buf).await?;
///         b.send_all(&buf[..n]).await
///     });
///     a.send_all(b"hello").await?;
///     let mut buf = [0; 5];
///     a.recv_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hello");
///     echo.await.unwrap()
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixStream {
    /// The connection; everything but addressing goes through it.
    stream: ByteStream<std::os::unix::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the listener at `path`.
    ///
    /// The connect does not block the loop. A listener whose queue of
    /// unaccepted connections is full makes the OS refuse at once
    /// (`EAGAIN`); `connect` then tries again, a few milliseconds apart,
    /// until the listener makes room (wrap it in [`timeout`](crate::timeout)
    /// to bound the wait).
    ///
    /// # Errors
    ///
    /// `NotFound` if nothing is at `path`, `ConnectionRefused` if a socket
    /// file is there but nobody listens, `InvalidInput` if `path` is too
    /// long; each message names `path`, and the OS error is the error's
    /// `source`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-connect-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("nobody.sock");
    /// loopy::block_on(async {
    ///     let error = loopy::net::UnixStream::connect(&path).await.unwrap_err();
    ///     assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    ///     assert!(error.to_string().contains("nobody.sock"));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let path = path.as_ref();
        let naming =
            |err: io::Error| address::naming(err, "connecting to", address::describe_path(path));
        let kernel = SocketAddrUnix::new(path)
            .map_err(|errno| naming(io::Error::new(io::ErrorKind::InvalidInput, errno)))?;
        UnixStream::connect_to(&kernel).await.map_err(naming)
    }

    /// Connects to `addr`, which may be an abstract name on Linux
    /// (`SocketAddr::from_abstract_name`).
    ///
    /// # Errors
    ///
    /// As for [`connect`](UnixStream::connect), naming `addr`;
    /// `InvalidInput` if `addr` is unnamed.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(target_os = "linux")] {
    /// use std::os::linux::net::SocketAddrExt;
    /// use std::os::unix::net::SocketAddr;
    /// use loopy::net::{UnixListener, UnixStream};
    ///
    /// loopy::block_on(async {
    ///     let name = format!("loopy-doc-connect-{}", std::process::id());
    ///     let addr = SocketAddr::from_abstract_name(&name)?;
    ///     let listener = UnixListener::bind_addr(&addr)?;
    ///     let client = UnixStream::connect_addr(&addr).await?;
    ///     let peer = client.peer_addr()?;
    ///     assert_eq!(peer.as_abstract_name(), Some(name.as_bytes()));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # }
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn connect_addr(addr: &SocketAddr) -> io::Result<UnixStream> {
        let kernel = address::to_kernel(addr)?;
        UnixStream::connect_to(&kernel)
            .await
            .map_err(|err| address::naming(err, "connecting to", address::describe(addr)))
    }

    /// A non-blocking connect, tried again while the listener's queue is
    /// full: Linux answers that with `EAGAIN` at once instead of leaving
    /// the connect in progress, and no readiness event says when the
    /// queue has room, so the only way to wait is to sleep and try again.
    async fn connect_to(addr: &SocketAddrUnix) -> io::Result<UnixStream> {
        let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
        let socket =
            rustix::net::socket_with(AddressFamily::UNIX, SocketType::STREAM, flags, None)?;
        let mut retry_in = CONNECT_RETRY_FIRST;
        let started = loop {
            match rustix::net::connect(&socket, addr) {
                Err(Errno::AGAIN) => {
                    crate::sleep(retry_in).await;
                    retry_in = (retry_in * 2).min(CONNECT_RETRY_MAX);
                }
                started => break started,
            }
        };
        let stream = ByteStream::finish_connect(socket.into(), started).await?;
        Ok(UnixStream { stream })
    }

    /// Two streams connected to each other, as with `socketpair`.
    ///
    /// # Errors
    ///
    /// The OS error of `socketpair`, such as `EMFILE`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
    ///     a.send_all(b"ping").await?;
    ///     let mut buf = [0; 4];
    ///     b.recv_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"ping");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        crate::task::context::require("loopy::net::UnixStream::pair");
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((UnixStream::from_std(a)?, UnixStream::from_std(b)?))
    }

    /// Wraps a connected stream made with the standard library, putting it
    /// in non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// loopy::block_on(async {
    ///     let _a = loopy::net::UnixStream::from_std(a)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        crate::task::context::require("loopy::net::UnixStream::from_std");
        Ok(UnixStream {
            stream: ByteStream::new(stream)?,
        })
    }

    /// Receives up to `buf.len()` bytes; `Ok(0)` means the peer closed its
    /// side (or `buf` is empty).
    ///
    /// # Errors
    ///
    /// The OS error, such as `ConnectionReset`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
    ///     drop(a);
    ///     assert_eq!(b.recv(&mut [0; 8]).await?, 0);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn recv<'a>(&'a self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        self.stream.recv(buf)
    }

    /// Receives exactly `buf.len()` bytes.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the peer closes first, or the OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
    ///     a.send_all(b"abc").await?;
    ///     drop(a);
    ///     let error = b.recv_exact(&mut [0; 4]).await.unwrap_err();
    ///     assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_exact(&self, buf: &mut [u8]) -> io::Result<()> {
        self.stream.recv_exact(buf).await
    }

    /// Sends some of `buf` and returns how much; see
    /// [`send_all`](UnixStream::send_all) to send all of it.
    ///
    /// # Errors
    ///
    /// The OS error, such as `BrokenPipe`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     assert_eq!(a.send(b"hi").await?, 2);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn send<'a>(&'a self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        self.stream.send(buf)
    }

    /// Sends all of `buf`, however many sends that takes.
    ///
    /// # Errors
    ///
    /// The OS error; some of `buf` may have been sent by then.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     a.send_all(b"every byte").await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_all(&self, buf: &[u8]) -> io::Result<()> {
        self.stream.send_all(buf).await
    }

    /// The address of the peer (unnamed for one end of a pair, or for a
    /// client that did not bind).
    ///
    /// # Errors
    ///
    /// The OS error of `getpeername`, such as `NotConnected`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     assert!(a.peer_addr()?.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.get_ref().peer_addr()
    }

    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     assert!(a.local_addr()?.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.get_ref().local_addr()
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
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
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
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
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
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
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
    pub fn into_split(self) -> (OwnedReadHalf<UnixStream>, OwnedWriteHalf<UnixStream>) {
        split::split(self)
    }

    /// Shuts down the read side, the write side or both; immediate.
    /// After `Shutdown::Write` the peer reads end-of-file.
    ///
    /// # Errors
    ///
    /// The OS error, such as `NotConnected`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Shutdown;
    ///
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
    ///     a.shutdown(Shutdown::Write)?;
    ///     assert_eq!(b.recv(&mut [0; 8]).await?, 0);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.stream.shutdown(how)
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}

impl_futures_io!(UnixStream);
impl_std_socket!(
    UnixStream,
    std::os::unix::net::UnixStream,
    stream,
    "UnixStream::pair()?.0"
);
