//! What a server's main task waits for: the user's word to stop, or the
//! end of its acceptor.
//!
//! A server spawns its accept loop as a task and then waits. Waiting only
//! for Ctrl-C is not enough: an acceptor that ends (an error that will not
//! pass, a panic) would leave the process running, listening and deaf, the
//! clients' connections waiting in the backlog forever. So
//! [`Shutdown::wait`] watches the acceptor's `JoinHandle` beside the
//! signals, and whichever comes first says why the server stops: a
//! [`Stop`].

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::Poll;

use loopy::signal::CtrlC;
use loopy::JoinHandle;

/// The signals a server stops on, caught from the moment it is made.
#[derive(Debug)]
pub struct Shutdown {
    /// Ctrl-C (SIGINT).
    interrupt: CtrlC,
}

/// Why a server stops.
#[derive(Debug)]
pub enum Stop {
    /// Ctrl-C (SIGINT).
    Interrupted,
    /// The acceptor ended: it panicked, or accepting failed in a way that
    /// will not pass. The error says so: `the server stopped accepting:
    /// Invalid argument (os error 22)`.
    AcceptorEnded(io::Error),
}

impl Shutdown {
    /// Catches the signals: from here on Ctrl-C no longer kills the
    /// process but ends [`Shutdown::wait`].
    ///
    /// # Panics
    ///
    /// Outside a loopy runtime.
    ///
    /// # Examples
    ///
    /// See [`Shutdown::wait`].
    pub fn catch() -> Shutdown {
        Shutdown {
            interrupt: loopy::signal::ctrl_c(),
        }
    }

    /// Waits until the process receives Ctrl-C or `acceptor` ends, and
    /// says which.
    ///
    /// # Errors
    ///
    /// If a signal could not be caught (the process is out of file
    /// descriptors, say).
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy_examples::shutdown::{Shutdown, Stop};
    ///
    /// # loopy::block_on(async {
    /// let shutdown = Shutdown::catch();
    /// let mut acceptor = loopy::spawn(async { std::io::Error::other("no more") });
    /// let stop = shutdown.wait(&mut acceptor).await.unwrap();
    /// assert!(matches!(stop, Stop::AcceptorEnded(_)));
    /// assert_eq!(stop.to_string(), "the server stopped accepting: no more");
    /// # });
    /// ```
    pub async fn wait(self, acceptor: &mut JoinHandle<io::Error>) -> io::Result<Stop> {
        let mut interrupt = self.interrupt;
        poll_fn(|cx| {
            if let Poll::Ready(caught) = Pin::new(&mut interrupt).poll(cx) {
                return Poll::Ready(caught.map(|()| Stop::Interrupted));
            }
            if let Poll::Ready(ended) = Pin::new(&mut *acceptor).poll(cx) {
                let err = ended.unwrap_or_else(io::Error::other);
                let err =
                    io::Error::new(err.kind(), format!("the server stopped accepting: {err}"));
                return Poll::Ready(Ok(Stop::AcceptorEnded(err)));
            }
            Poll::Pending
        })
        .await
    }
}

impl Stop {
    /// How the server ends after stopping: well after a signal, with the
    /// acceptor's error after its end.
    ///
    /// # Errors
    ///
    /// The acceptor's, if it ended.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy_examples::shutdown::Stop;
    ///
    /// assert!(Stop::Interrupted.into_result().is_ok());
    /// ```
    pub fn into_result(self) -> io::Result<()> {
        match self {
            Stop::AcceptorEnded(err) => Err(err),
            Stop::Interrupted => Ok(()),
        }
    }
}

/// What stopped the server, for its log: `Ctrl-C: no longer accepting`,
/// or the acceptor's error.
impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Interrupted => f.write_str("Ctrl-C: no longer accepting"),
            Stop::AcceptorEnded(err) => err.fmt(f),
        }
    }
}
