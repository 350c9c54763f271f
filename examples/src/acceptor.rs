//! The servers' listening socket and their accept loop.
//!
//! [`listen`] binds 127.0.0.1:PORT and, when it cannot, says which address
//! failed and what to do about it: `cannot listen on 127.0.0.1:8000:
//! Address already in use (os error 98); choose another with --port`.
//! [`ServerPort`] does the same, once, for the loops of `--threads N`.
//!
//! [`Acceptor::accept`] rides out the errors that mean "not now" rather
//! than "never". A process that has used up its file descriptors (`EMFILE`,
//! `ENFILE`), or a kernel short of buffers or memory (`ENOBUFS`, `ENOMEM`),
//! fails every `accept` until a connection closes; so does a connection
//! that gave up while it waited (`ECONNABORTED`, for that one). Giving up
//! would leave the server listening but deaf for good; retrying at once
//! would spin the loop at full speed, because the waiting connection keeps
//! the listener readable. So, as hyper's and axum's servers do, the
//! acceptor says so once, sleeps [`BACKOFF`] between tries, and says so
//! again once it accepts.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use loopy::net::{SharedPort, TcpListener, TcpStream};
use loopy::task::TaskGroup;
use rustix::io::Errno;

/// How long the acceptor waits before it tries again after an error that
/// may pass.
pub const BACKOFF: Duration = Duration::from_millis(100);

/// A listener on 127.0.0.1:`port`.
///
/// # Errors
///
/// If it cannot bind: the error, of the same kind, says which address and
/// that `--port` chooses another.
///
/// # Examples
///
/// ```
/// # loopy::block_on(async {
/// let taken = loopy_examples::acceptor::listen(0).unwrap();
/// let port = taken.local_addr().unwrap().port();
/// let err = loopy_examples::acceptor::listen(port).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
/// assert!(err.to_string().starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")));
/// assert!(err.to_string().ends_with("; choose another with --port"));
/// # });
/// ```
pub fn listen(port: u16) -> io::Result<TcpListener> {
    named_address(port, TcpListener::bind)
}

/// The port the loops of a server run with `--threads N` listen on,
/// bound once in `main`, before the loops start: a port that is taken is
/// reported once, and a second server on the same port fails as a server
/// with one loop does (see `loopy::net::SharedPort` for how), instead of
/// quietly taking a share of the connections.
///
/// # Examples
///
/// ```
/// use loopy_examples::acceptor::ServerPort;
///
/// let port = ServerPort::claim(0, 1).unwrap();
/// # loopy::block_on(async {
/// let (listener, which_loop) = port.listen_on_loop().unwrap();
/// assert_ne!(listener.local_addr().unwrap().port(), 0);
/// assert_eq!(which_loop, "");
/// # });
/// ```
#[derive(Debug)]
pub struct ServerPort {
    /// The port, with its first socket bound and listening.
    port: SharedPort,
    /// How many loops share it.
    threads: usize,
}

impl ServerPort {
    /// Binds 127.0.0.1:`port` for `threads` loops.
    ///
    /// # Errors
    ///
    /// As [`listen`]: the error says which address and that `--port`
    /// chooses another.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy_examples::acceptor::ServerPort;
    ///
    /// let first = ServerPort::claim(0, 2).unwrap();
    /// # loopy::block_on(async {
    /// let (listener, _) = first.listen_on_loop().unwrap();
    /// let port = listener.local_addr().unwrap().port();
    /// let err = ServerPort::claim(port, 2).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// assert!(err.to_string().starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")));
    /// # });
    /// ```
    pub fn claim(port: u16, threads: usize) -> io::Result<ServerPort> {
        let port = named_address(port, SharedPort::bind)?;
        Ok(ServerPort { port, threads })
    }

    /// The listener of the running loop, with the words that name the
    /// loop in its first line (`"loop 1 of 2, "`, or nothing when it is
    /// the only one).
    ///
    /// # Errors
    ///
    /// If a listener sharing the port cannot be opened (out of file
    /// descriptors, say): `cannot listen on 127.0.0.1:8000: ...`.
    ///
    /// # Examples
    ///
    /// See [`ServerPort`].
    pub fn listen_on_loop(&self) -> io::Result<(TcpListener, String)> {
        let listener = self.port.listener().map_err(|err| {
            let addr = self.port.local_addr();
            io::Error::new(err.kind(), format!("cannot listen on {addr}: {err}"))
        })?;
        if self.threads == 1 {
            return Ok((listener, String::new()));
        }
        let which_loop = format!("loop {} of {}, ", loopy::cores::index(), self.threads);
        Ok((listener, which_loop))
    }
}

/// Binds 127.0.0.1:`port` with `bind`, saying which address failed.
fn named_address<L>(port: u16, bind: impl FnOnce(SocketAddr) -> io::Result<L>) -> io::Result<L> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    bind(addr).map_err(|err| {
        io::Error::new(
            err.kind(),
            format!("cannot listen on {addr}: {err}; choose another with --port"),
        )
    })
}

/// Accepts connections, waiting out errors that pass; see the
/// [module documentation](self).
pub struct Acceptor {
    /// Where the connections come from.
    listener: TcpListener,
    /// Where the acceptor says that it is failing and that it is
    /// accepting again: each server logs its own way.
    log: fn(fmt::Arguments<'_>),
    /// Whether the last try failed with an error that may pass, so that a
    /// retry failing the same way is not logged again.
    retrying: bool,
}

impl Acceptor {
    /// Accepts from `listener`, logging through `log`.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy_examples::acceptor::{listen, Acceptor};
    ///
    /// # loopy::block_on(async {
    /// let listener = listen(0).unwrap();
    /// let addr = listener.local_addr().unwrap();
    /// let mut acceptor = Acceptor::new(listener, loopy_examples::output::stderr_line);
    /// let _client = std::net::TcpStream::connect(addr).unwrap();
    /// let (_stream, _peer) = acceptor.accept().await.unwrap();
    /// # });
    /// ```
    pub fn new(listener: TcpListener, log: fn(fmt::Arguments<'_>)) -> Acceptor {
        Acceptor {
            listener,
            log,
            retrying: false,
        }
    }

    /// Waits for the next connection, retrying every [`BACKOFF`] while
    /// accepting fails with an error that may pass.
    ///
    /// # Errors
    ///
    /// Any other error of `accept`, which will not pass: the listener is
    /// of no more use.
    ///
    /// # Examples
    ///
    /// See [`Acceptor::new`].
    pub async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        loop {
            match self.listener.accept().await {
                Ok(accepted) => {
                    if self.retrying {
                        self.retrying = false;
                        (self.log)(format_args!("accepting connections again"));
                    }
                    return Ok(accepted);
                }
                Err(err) if may_pass(&err) => {
                    if !self.retrying {
                        self.retrying = true;
                        (self.log)(format_args!(
                            "cannot accept a connection: {err}; trying again every {} ms",
                            BACKOFF.as_millis()
                        ));
                    }
                    // Not at once: the waiting connection keeps the
                    // listener readable, so retrying now would spin.
                    loopy::sleep(BACKOFF).await;
                }
                Err(err) => return Err(err),
            }
        }
    }
    /// Waits for the next connection as [`accept`](Acceptor::accept) does,
    /// and meanwhile takes the results of the tasks of `clients` that
    /// ended: a group keeps each result until `join_next` takes it, so a
    /// server that never asked would hold every client it ever served.
    /// What is left in `clients` is the clients still connected. A client
    /// task's panic, its only error here, was printed by the panic hook.
    ///
    /// # Errors
    ///
    /// As [`accept`](Acceptor::accept).
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::task::TaskGroup;
    /// use loopy_examples::acceptor::{listen, Acceptor};
    ///
    /// # loopy::block_on(async {
    /// let listener = listen(0).unwrap();
    /// let addr = listener.local_addr().unwrap();
    /// let mut acceptor = Acceptor::new(listener, loopy_examples::output::stderr_line);
    /// let clients = TaskGroup::new();
    /// clients.spawn(async {});
    /// loopy::yield_now().await; // The client task ends.
    /// let _client = std::net::TcpStream::connect(addr).unwrap();
    /// let (_stream, _peer) = acceptor.accept_for(&clients).await.unwrap();
    /// assert!(clients.is_empty(), "the ended client was taken");
    /// # });
    /// ```
    pub async fn accept_for<T: 'static>(
        &mut self,
        clients: &TaskGroup<T>,
    ) -> io::Result<(TcpStream, SocketAddr)> {
        let mut accepted = pin!(self.accept());
        poll_fn(|cx| {
            while let Poll::Ready(Some(_)) = pin!(clients.join_next()).poll(cx) {}
            accepted.as_mut().poll(cx)
        })
        .await
    }
}

impl fmt::Debug for Acceptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acceptor")
            .field("listener", &self.listener)
            .field("retrying", &self.retrying)
            .finish_non_exhaustive()
    }
}

/// Whether `err`, from `accept`, may pass if the server waits: see the
/// [module documentation](self).
fn may_pass(err: &io::Error) -> bool {
    matches!(
        Errno::from_io_error(err),
        Some(Errno::MFILE | Errno::NFILE | Errno::NOBUFS | Errno::NOMEM | Errno::CONNABORTED)
    )
}
