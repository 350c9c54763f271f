//! `UnixListener`: accepts connections on a Unix socket address.

use std::fmt;
use std::io;
use std::os::unix::net::SocketAddr;
use std::path::Path;

use super::address;
use super::UnixStream;
use crate::io::Async;
use crate::net::std_socket::impl_std_socket;

/// A Unix stream socket that accepts connections, at a filesystem path or
/// (on Linux) an abstract name.
///
/// As with the standard library's listener, the socket file stays when
/// the listener is dropped; remove it before binding the path again.
///
/// # Examples
///
/// ```
/// use loopy::net::{UnixListener, UnixStream};
///
/// # let dir = std::env::temp_dir().join(format!("loopy-doc-listener-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let path = dir.join("app.sock");
/// loopy::block_on(async {
///     let listener = UnixListener::bind(&path)?;
///     let client = loopy::spawn({
///         let path = path.clone();
///         async move { UnixStream::connect(path).await }
///     });
///     let (_stream, _peer) = listener.accept().await?;
///     client.await.unwrap()?;
///     assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
///     std::io::Result::Ok(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixListener {
    /// The listening socket and its readiness (readable: a connection waits).
    io: Async<std::os::unix::net::UnixListener>,
}

impl UnixListener {
    /// Creates a socket file at `path`, listens on it and registers the
    /// listener with the running loop. Binding is immediate, so this is
    /// not `async`.
    ///
    /// # Errors
    ///
    /// `AddrInUse` if `path` exists (a live listener's or a stale socket
    /// file), `NotFound` if its directory does not, `InvalidInput` if it is
    /// too long for a socket address; each message names `path`, and the
    /// OS error is the error's `source`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-bind-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("app.sock");
    /// loopy::block_on(async {
    ///     let _listener = loopy::net::UnixListener::bind(&path)?;
    ///     let taken = loopy::net::UnixListener::bind(&path).unwrap_err();
    ///     assert_eq!(taken.kind(), std::io::ErrorKind::AddrInUse);
    ///     assert!(taken.to_string().contains("app.sock"));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        crate::task::context::require("loopy::net::UnixListener::bind");
        let path = path.as_ref();
        let listener = std::os::unix::net::UnixListener::bind(path)
            .map_err(|err| address::naming(err, "binding", address::describe_path(path)))?;
        UnixListener::from_std(listener)
    }

    /// Listens on `addr`, which may be an abstract name on Linux
    /// (`SocketAddr::from_abstract_name`, no file involved).
    ///
    /// # Errors
    ///
    /// As for [`bind`](UnixListener::bind), naming `addr`.
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
    ///     let name = format!("loopy-doc-{}", std::process::id());
    ///     let addr = SocketAddr::from_abstract_name(&name)?;
    ///     let listener = loopy::net::UnixListener::bind_addr(&addr)?;
    ///     let bound = listener.local_addr()?;
    ///     assert_eq!(bound.as_abstract_name(), Some(name.as_bytes()));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # }
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind_addr(addr: &SocketAddr) -> io::Result<UnixListener> {
        crate::task::context::require("loopy::net::UnixListener::bind_addr");
        let listener = std::os::unix::net::UnixListener::bind_addr(addr)
            .map_err(|err| address::naming(err, "binding", address::describe(addr)))?;
        UnixListener::from_std(listener)
    }

    /// Wraps a listener made with the standard library, putting it in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-from-std-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let std_listener = std::os::unix::net::UnixListener::bind(dir.join("app.sock"))?;
    /// loopy::block_on(async {
    ///     let _listener = loopy::net::UnixListener::from_std(std_listener)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        crate::task::context::require("loopy::net::UnixListener::from_std");
        Ok(UnixListener {
            io: Async::new(listener)?,
        })
    }

    /// Waits for a connection and returns it with the peer's address
    /// (usually unnamed: clients seldom bind).
    ///
    /// # Errors
    ///
    /// The OS error of `accept`, such as `EMFILE` when the process is out of
    /// file descriptors; the listener stays usable.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::net::{UnixListener, UnixStream};
    ///
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-accept-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("app.sock");
    /// loopy::block_on(async {
    ///     let listener = UnixListener::bind(&path)?;
    ///     let _client = UnixStream::connect(&path).await?;
    ///     let (_stream, peer) = listener.accept().await?;
    ///     assert!(peer.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, peer) = self.io.read_with(|listener| listener.accept()).await?;
        Ok((UnixStream::from_std(stream)?, peer))
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("loopy-doc-local-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("app.sock");
    /// loopy::block_on(async {
    ///     let listener = loopy::net::UnixListener::bind(&path)?;
    ///     assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

impl_std_socket!(
    UnixListener,
    std::os::unix::net::UnixListener,
    io,
    "UnixListener::bind_addr(&<std::os::unix::net::SocketAddr as std::os::linux::net::SocketAddrExt>::from_abstract_name(
        format!(\"loopy-doc-into-std-{}\", std::process::id()),
    )?)?"
);
