//! `SharedPort`: a port that the loops of one process share, and that a
//! second process cannot take a part of.
//!
//! # Why `bind_reuse_port` alone is not enough
//!
//! `SO_REUSEPORT` lets every socket that sets it, in any process of the
//! same user, join the port. A second copy of a `--threads` server,
//! started by mistake, would bind without complaint and silently take a
//! share of the connections, where a server with one listener fails with
//! "Address already in use".
//!
//! # How a shared port is made one process's
//!
//! [`SharedPort::bind`] binds and *listens on* its first socket without
//! `SO_REUSEPORT`, exactly as a plain listener, and only then sets the
//! option on it. The loops' other listeners, bound with the option
//! ([`SharedPort::listener`]), join it: the kernel allows a socket into a
//! port whose listeners all have the option set *now*, and spreads the
//! connections over all of them as for any `SO_REUSEPORT` group. A second
//! process's `SharedPort::bind` starts, like a plain listener, without the
//! option, so the kernel refuses it with `AddrInUse`. Two processes that
//! bind at the same instant cannot both win either: the kernel checks
//! again when a socket starts listening, and the second to listen fails.
//!
//! What this does not stop is a program that sets `SO_REUSEPORT` itself
//! before it binds (another `bind_reuse_port`): the option is a promise
//! between sockets of one user that they mean to share, and such a
//! program has made it.

use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Mutex;

use rustix::net::{sockopt, SocketType};

use super::tcp::LISTEN_BACKLOG;
use super::TcpListener;
use crate::unwind::lock;

/// A TCP port for the loops of one process (see
/// [`loopy::cores`](crate::cores)): each loop takes a listener of its own
/// on it with [`listener`](SharedPort::listener), and the kernel spreads
/// the connections over them, while a second process that tries the same
/// port fails with `AddrInUse`: the first listener is bound and listening
/// before `SO_REUSEPORT` is set on it, so only sockets made after it, in
/// this process, can join (`net/shared_port.rs` tells the whole story).
///
/// `SharedPort` is `Send` and `Sync`: make it before
/// [`cores::run`](crate::cores::run), share it with the loops in an `Arc`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use loopy::net::SharedPort;
///
/// let port = Arc::new(SharedPort::bind("127.0.0.1:0")?);
/// let taken = SharedPort::bind(port.local_addr()).unwrap_err();
/// assert_eq!(taken.kind(), std::io::ErrorKind::AddrInUse);
///
/// let addrs = loopy::cores::try_run(2, {
///     let port = Arc::clone(&port);
///     move |_| {
///         let port = Arc::clone(&port);
///         async move { port.listener()?.local_addr() }
///     }
/// })?;
/// assert_eq!(addrs, [port.local_addr(); 2]);
/// # std::io::Result::Ok(())
/// ```
pub struct SharedPort {
    /// The address the first socket got (its real port when asked for
    /// port 0), which the other listeners bind by number.
    addr: SocketAddr,
    /// The first socket, bound and listening, until a loop takes it: it
    /// gets its share of connections from the start, so a loop must
    /// accept from it.
    first: Mutex<Option<std::net::TcpListener>>,
}

impl SharedPort {
    /// Binds and listens on the first of `addr`'s addresses that works, as
    /// a plain listener would, then opens the port to the listeners of
    /// [`listener`](SharedPort::listener). Needs no runtime.
    ///
    /// # Errors
    ///
    /// The OS error of the last address tried: `AddrInUse` if any socket,
    /// in this process or another, has the port already; `InvalidInput` if
    /// `addr` resolves to no address.
    ///
    /// # Examples
    ///
    /// ```
    /// let port = loopy::net::SharedPort::bind("127.0.0.1:0")?;
    /// assert_ne!(port.local_addr().port(), 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<SharedPort> {
        let mut last_err = None;
        for addr in addr.to_socket_addrs()? {
            match SharedPort::bind_one(addr) {
                Ok(port) => return Ok(port),
                Err(err) => last_err = Some(err),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "SharedPort::bind: the address resolved to no socket address",
            )
        }))
    }

    /// The first socket on `addr`: listening before it allows sharing.
    fn bind_one(addr: SocketAddr) -> io::Result<SharedPort> {
        let socket = super::socket_for(addr, SocketType::STREAM)?;
        // As every listener: a restarted server may bind while its old
        // connections linger in TIME_WAIT.
        sockopt::set_socket_reuseaddr(&socket, true)?;
        rustix::net::bind(&socket, &addr)?;
        // Listening first is what makes the port ours: from here on a
        // socket without SO_REUSEPORT (another process's first socket)
        // is refused, and of two first sockets the second to listen fails.
        rustix::net::listen(&socket, LISTEN_BACKLOG)?;
        // Only now may our own listeners, which set the option, join.
        sockopt::set_socket_reuseport(&socket, true)?;
        let first = std::net::TcpListener::from(socket);
        Ok(SharedPort {
            addr: first.local_addr()?,
            first: Mutex::new(Some(first)),
        })
    }

    /// The address of the port; its real port number when bound with
    /// port 0.
    ///
    /// # Examples
    ///
    /// ```
    /// let port = loopy::net::SharedPort::bind("127.0.0.1:0")?;
    /// assert!(port.local_addr().ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A listener on the port for the running loop: the first call gets
    /// the socket [`bind`](SharedPort::bind) made, later calls a new one
    /// bound with `SO_REUSEPORT`. Call it once per loop; every listener
    /// gets connections, so each must be accepted from.
    ///
    /// # Errors
    ///
    /// As [`TcpListener::bind_reuse_port`], or if the poller refuses the
    /// socket.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// let port = loopy::net::SharedPort::bind("127.0.0.1:0")?;
    /// loopy::block_on(async {
    ///     let first = port.listener()?;
    ///     let second = port.listener()?;
    ///     assert_eq!(first.local_addr()?, second.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn listener(&self) -> io::Result<TcpListener> {
        let first = lock(&self.first).take();
        match first {
            Some(first) => TcpListener::from_std(first),
            None => TcpListener::bind_reuse_port(self.addr),
        }
    }
}

impl fmt::Debug for SharedPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedPort")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
