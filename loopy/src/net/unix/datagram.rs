//! `UnixDatagram`: datagrams over a Unix socket.

use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::path::Path;

use super::address;
use crate::io::Async;
use crate::net::std_socket::impl_std_socket;

/// A Unix datagram socket: each send is one message, delivered whole and
/// in order (Unix datagrams, unlike UDP's, are reliable).
///
/// # Examples
///
/// ```
/// use loopy::net::UnixDatagram;
///
/// loopy::block_on(async {
///     let (a, b) = UnixDatagram::pair()?;
///     a.send(b"one").await?;
///     a.send(b"two").await?;
///     let mut buf = [0; 16];
///     let n = b.recv(&mut buf).await?;
///     assert_eq!(&buf[..n], b"one");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixDatagram {
    /// The socket and its readiness; every operation goes through it.
    io: Async<std::os::unix::net::UnixDatagram>,
}

impl UnixDatagram {
    /// Creates a socket bound to a new socket file at `path`.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if `path` exists, `NotFound` if its directory does not,
    /// `InvalidInput` if it is too long; each message names `path`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-dgram-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("dgram.sock");
    /// loopy::block_on(async {
    ///     let socket = loopy::net::UnixDatagram::bind(&path)?;
    ///     assert_eq!(socket.local_addr()?.as_pathname(), Some(path.as_path()));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        crate::task::context::require("loopy::net::UnixDatagram::bind");
        let path = path.as_ref();
        let socket = std::os::unix::net::UnixDatagram::bind(path)
            .map_err(|err| address::naming(err, "binding", address::describe_path(path)))?;
        UnixDatagram::from_std(socket)
    }

    /// Creates a socket bound to `addr`, which may be an abstract name on
    /// Linux.
    ///
    /// # Errors
    ///
    /// As for [`bind`](UnixDatagram::bind), naming `addr`.
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
    ///
    /// loopy::block_on(async {
    ///     let addr = SocketAddr::from_abstract_name(format!("loopy-doc-dgram-{}", std::process::id()))?;
    ///     let socket = loopy::net::UnixDatagram::bind_addr(&addr)?;
    ///     assert!(socket.local_addr()?.as_abstract_name().is_some());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # }
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind_addr(addr: &SocketAddr) -> io::Result<UnixDatagram> {
        crate::task::context::require("loopy::net::UnixDatagram::bind_addr");
        let socket = std::os::unix::net::UnixDatagram::bind_addr(addr)
            .map_err(|err| address::naming(err, "binding", address::describe(addr)))?;
        UnixDatagram::from_std(socket)
    }

    /// Creates a socket bound to no address: it can send, and receive
    /// replies only from a peer it connected to.
    ///
    /// # Errors
    ///
    /// The OS error of `socket`, such as `EMFILE`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let socket = loopy::net::UnixDatagram::unbound()?;
    ///     assert!(socket.local_addr()?.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        crate::task::context::require("loopy::net::UnixDatagram::unbound");
        UnixDatagram::from_std(std::os::unix::net::UnixDatagram::unbound()?)
    }

    /// Two sockets connected to each other, as with `socketpair`.
    ///
    /// # Errors
    ///
    /// The OS error of `socketpair`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixDatagram::pair()?;
    ///     b.send(b"pong").await?;
    ///     let mut buf = [0; 4];
    ///     assert_eq!(a.recv(&mut buf).await?, 4);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        crate::task::context::require("loopy::net::UnixDatagram::pair");
        let (a, b) = std::os::unix::net::UnixDatagram::pair()?;
        Ok((UnixDatagram::from_std(a)?, UnixDatagram::from_std(b)?))
    }

    /// Wraps a socket made with the standard library, putting it in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = std::os::unix::net::UnixDatagram::unbound()?;
    /// loopy::block_on(async {
    ///     let _socket = loopy::net::UnixDatagram::from_std(socket)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        crate::task::context::require("loopy::net::UnixDatagram::from_std");
        Ok(UnixDatagram {
            io: Async::new(socket)?,
        })
    }

    /// Sets the default peer for `send` and `recv` to the socket at `path`,
    /// and receives only from it. Immediate: datagrams have no handshake.
    ///
    /// # Errors
    ///
    /// `NotFound` if nothing is at `path`, `ConnectionRefused` if what is
    /// there is not a datagram socket; each message names `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::net::UnixDatagram;
    ///
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-dgram-connect-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// loopy::block_on(async {
    ///     let server = UnixDatagram::bind(&path)?;
    ///     let client = UnixDatagram::unbound()?;
    ///     client.connect(&path)?;
    ///     client.send(b"hi").await?;
    ///     let mut buf = [0; 2];
    ///     server.recv(&mut buf).await?;
    ///     assert_eq!(&buf, b"hi");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref();
        self.io
            .get_ref()
            .connect(path)
            .map_err(|err| address::naming(err, "connecting to", address::describe_path(path)))
    }

    /// Like [`connect`](UnixDatagram::connect), to `addr`, which may be an
    /// abstract name on Linux.
    ///
    /// # Errors
    ///
    /// As for `connect`, naming `addr`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(target_os = "linux")] {
    /// use std::os::linux::net::SocketAddrExt;
    /// use std::os::unix::net::SocketAddr;
    /// use loopy::net::UnixDatagram;
    ///
    /// loopy::block_on(async {
    ///     let addr = SocketAddr::from_abstract_name(format!("loopy-doc-dc-{}", std::process::id()))?;
    ///     let server = UnixDatagram::bind_addr(&addr)?;
    ///     let client = UnixDatagram::unbound()?;
    ///     client.connect_addr(&addr)?;
    ///     assert!(client.peer_addr()?.as_abstract_name().is_some());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # }
    /// # std::io::Result::Ok(())
    /// ```
    pub fn connect_addr(&self, addr: &SocketAddr) -> io::Result<()> {
        self.io
            .get_ref()
            .connect_addr(addr)
            .map_err(|err| address::naming(err, "connecting to", address::describe(addr)))
    }

    /// Sends `buf` as one datagram to the connected peer.
    ///
    /// # Errors
    ///
    /// The OS error, such as `NotConnected`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixDatagram::pair()?;
    ///     assert_eq!(a.send(b"hi").await?, 2);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|socket| socket.send(buf)).await
    }

    /// Receives one datagram from the connected peer; a datagram longer
    /// than `buf` is cut to fit.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixDatagram::pair()?;
    ///     a.send(b"hello").await?;
    ///     let mut buf = [0; 3];
    ///     assert_eq!(b.recv(&mut buf).await?, 3);
    ///     assert_eq!(&buf, b"hel");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|socket| socket.recv(buf)).await
    }

    /// Sends `buf` as one datagram to the socket at `path`.
    ///
    /// # Errors
    ///
    /// `NotFound` if nothing is at `path`, `ConnectionRefused` if nobody
    /// is bound there; each message names `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::net::UnixDatagram;
    ///
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-send-to-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// loopy::block_on(async {
    ///     let server = UnixDatagram::bind(&path)?;
    ///     UnixDatagram::unbound()?.send_to(b"hi", &path).await?;
    ///     let mut buf = [0; 2];
    ///     server.recv(&mut buf).await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        let path = path.as_ref();
        self.io
            .write_with(|socket| socket.send_to(buf, path))
            .await
            .map_err(|err| address::naming(err, "sending to", address::describe_path(path)))
    }

    /// Sends `buf` as one datagram to `addr`, which may be an abstract name
    /// on Linux.
    ///
    /// # Errors
    ///
    /// As for [`send_to`](UnixDatagram::send_to), naming `addr`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(target_os = "linux")] {
    /// use std::os::linux::net::SocketAddrExt;
    /// use std::os::unix::net::SocketAddr;
    /// use loopy::net::UnixDatagram;
    ///
    /// loopy::block_on(async {
    ///     let addr = SocketAddr::from_abstract_name(format!("loopy-doc-st-{}", std::process::id()))?;
    ///     let server = UnixDatagram::bind_addr(&addr)?;
    ///     UnixDatagram::unbound()?.send_to_addr(b"hi", &addr).await?;
    ///     let mut buf = [0; 2];
    ///     server.recv(&mut buf).await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # }
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_to_addr(&self, buf: &[u8], addr: &SocketAddr) -> io::Result<usize> {
        self.io
            .write_with(|socket| socket.send_to_addr(buf, addr))
            .await
            .map_err(|err| address::naming(err, "sending to", address::describe(addr)))
    }

    /// Receives one datagram and the address it came from (unnamed if the
    /// sender did not bind).
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixDatagram::pair()?;
    ///     a.send(b"hi").await?;
    ///     let mut buf = [0; 2];
    ///     let (n, from) = b.recv_from(&mut buf).await?;
    ///     assert_eq!((n, from.is_unnamed()), (2, true));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.read_with(|socket| socket.recv_from(buf)).await
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     assert!(loopy::net::UnixDatagram::unbound()?.local_addr()?.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The connected peer's address.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the socket is not connected.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let socket = loopy::net::UnixDatagram::unbound()?;
    ///     let error = socket.peer_addr().unwrap_err();
    ///     assert_eq!(error.kind(), std::io::ErrorKind::NotConnected);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Shuts down the read side, the write side or both; immediate.
    ///
    /// # Errors
    ///
    /// The OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixDatagram::pair()?;
    ///     a.shutdown(std::net::Shutdown::Write)?;
    ///     assert!(a.send(b"late").await.is_err());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixDatagram")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}

impl_std_socket!(
    UnixDatagram,
    std::os::unix::net::UnixDatagram,
    io,
    "UnixDatagram::unbound()?"
);
