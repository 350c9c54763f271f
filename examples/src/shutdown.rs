//! What a server's main task waits for: the word to stop (Ctrl-C, or
//! SIGTERM from `kill` or a service manager), or the end of its acceptor;
//! and what it does meanwhile on SIGQUIT (`Ctrl-\`): print the loop's tasks,
//! as a JVM prints its threads, and carry on.
//!
//! A server spawns its accept loop as a task and then waits. Waiting only
//! for Ctrl-C is not enough: an acceptor that ends (an error that will not
//! pass, a panic) would leave the process running, listening and deaf, the
//! clients' connections waiting in the backlog forever. So
//! [`Shutdown::wait`] watches the acceptor's `JoinHandle` beside the
//! signals, and whichever comes first says why the server stops: a
//! [`Stop`].
//!
//! A server that seems stuck can be asked what it is doing without
//! stopping it: `kill -QUIT PID`, or `Ctrl-\` in its terminal, prints
//! [`loopy::task::dump`] to stderr: every task, by name, with what it waits
//! for, how often it ran and where it was spawned.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::process::ExitCode;
use std::task::Poll;

use loopy::signal::unix::{signal, Signal, SignalKind};
use loopy::signal::CtrlC;
use loopy::JoinHandle;

/// The signals a server stops on, and SIGQUIT, which it answers with a
/// task dump; all caught from the moment this is made.
#[derive(Debug)]
pub struct Shutdown {
    /// Ctrl-C (SIGINT).
    interrupt: CtrlC,
    /// SIGTERM, which `kill` and service managers send; it stops the
    /// server as well as Ctrl-C, instead of killing it mid-goodbye.
    terminate: Signal,
    /// SIGQUIT, which asks for a task dump; its default action would kill
    /// the process with a core dump.
    quit: Signal,
}

/// Why a server stops.
#[derive(Debug)]
pub enum Stop {
    /// Ctrl-C (SIGINT).
    Interrupted,
    /// SIGTERM.
    Terminated,
    /// The acceptor ended: it panicked, or accepting failed in a way that
    /// will not pass. The error says so: `the server stopped accepting:
    /// Invalid argument (os error 22)`.
    AcceptorEnded(io::Error),
}

impl Shutdown {
    /// Catches the signals: from here on Ctrl-C and SIGTERM no longer
    /// kill the process but end [`Shutdown::wait`], and SIGQUIT no longer
    /// kills it but prints a task dump while `wait` waits.
    ///
    /// # Errors
    ///
    /// If SIGTERM or SIGQUIT cannot be caught (the process is out of file
    /// descriptors, say): `cannot catch SIGTERM: ...`.
    ///
    /// # Panics
    ///
    /// Outside a loopy runtime.
    ///
    /// # Examples
    ///
    /// See [`Shutdown::wait`].
    pub fn catch() -> io::Result<Shutdown> {
        let catch = |kind, name| {
            signal(kind)
                .map_err(|err| io::Error::new(err.kind(), format!("cannot catch {name}: {err}")))
        };
        Ok(Shutdown {
            interrupt: loopy::signal::ctrl_c(),
            terminate: catch(SignalKind::terminate(), "SIGTERM")?,
            quit: catch(SignalKind::quit(), "SIGQUIT")?,
        })
    }

    /// Waits until the process receives Ctrl-C or SIGTERM or `acceptor`
    /// ends, and says which; prints [`loopy::task::dump`] to stderr on
    /// every SIGQUIT meanwhile.
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
    /// let shutdown = Shutdown::catch().unwrap();
    /// let mut acceptor = loopy::spawn(async { std::io::Error::other("no more") });
    /// let stop = shutdown.wait(&mut acceptor).await.unwrap();
    /// assert!(matches!(stop, Stop::AcceptorEnded(_)));
    /// assert_eq!(stop.to_string(), "the server stopped accepting: no more");
    /// # });
    /// ```
    pub async fn wait(self, acceptor: &mut JoinHandle<io::Error>) -> io::Result<Stop> {
        let Shutdown {
            mut interrupt,
            mut terminate,
            mut quit,
        } = self;
        poll_fn(|cx| {
            // Every dump asked for, until the signal's socket has nothing
            // more and holds the waker for the next.
            while let Poll::Ready(caught) = quit.poll_recv(cx) {
                match caught {
                    Some(()) => loopy::task::dump(),
                    None => return Poll::Ready(Err(no_longer_caught("SIGQUIT", &quit))),
                }
            }
            if let Poll::Ready(caught) = Pin::new(&mut interrupt).poll(cx) {
                return Poll::Ready(caught.map(|()| Stop::Interrupted));
            }
            if let Poll::Ready(caught) = terminate.poll_recv(cx) {
                return Poll::Ready(match caught {
                    Some(()) => Ok(Stop::Terminated),
                    None => Err(no_longer_caught("SIGTERM", &terminate)),
                });
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

/// The error for a signal that can no longer be listened for (a `recv`
/// that returned `None`), which only a broken socket causes.
fn no_longer_caught(name: &str, signal: &Signal) -> io::Error {
    match signal.error() {
        Some(err) => io::Error::new(err.kind(), format!("{name} can no longer be caught: {err}")),
        None => io::Error::other(format!("{name} can no longer be caught")),
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
            Stop::Interrupted | Stop::Terminated => Ok(()),
        }
    }
}

/// What stopped the server, for its log: `Ctrl-C: no longer accepting`,
/// or the acceptor's error.
impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Interrupted => f.write_str("Ctrl-C: no longer accepting"),
            Stop::Terminated => f.write_str("SIGTERM: no longer accepting"),
            Stop::AcceptorEnded(err) => err.fmt(f),
        }
    }
}

/// The process's exit status once every loop of a server has stopped:
/// success, unless a loop ended with an error, which is printed on stderr
/// after `program`'s name.
///
/// # Examples
///
/// ```
/// use std::process::ExitCode;
///
/// let ok = loopy_examples::shutdown::exit_status("server", vec![Ok(()), Ok(())]);
/// assert_eq!(ok, ExitCode::SUCCESS);
/// let failed = std::io::Error::other("the server stopped accepting");
/// let status = loopy_examples::shutdown::exit_status("server", vec![Ok(()), Err(failed)]);
/// assert_eq!(status, ExitCode::FAILURE);
/// ```
pub fn exit_status(program: &str, results: Vec<io::Result<()>>) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for err in results.into_iter().filter_map(Result::err) {
        crate::errln!("{program}: {err}");
        status = ExitCode::FAILURE;
    }
    status
}
