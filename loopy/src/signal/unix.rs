//! Unix signals beyond Ctrl-C, shaped like tokio's `tokio::signal::unix`:
//! [`signal`] makes a [`Signal`] that yields once per delivery of the
//! [`SignalKind`] it listens for.
//!
//! ```
//! use loopy::signal::unix::{signal, SignalKind};
//! use rustix::process::{getpid, kill_process, Signal as Raw};
//!
//! loopy::block_on(async {
//!     let mut hangups = signal(SignalKind::hangup())?;
//!     kill_process(getpid(), Raw::HUP)?;
//!     assert_eq!(hangups.recv().await, Some(()));
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};

use rustix::process::Signal as RawSignal;

use super::self_pipe::Listener;

/// Which signal a [`Signal`] listens for: a signal number, with
/// constructors for the common ones.
///
/// # Examples
///
/// ```
/// use loopy::signal::unix::SignalKind;
///
/// let quit = SignalKind::quit();
/// assert_eq!(SignalKind::from_raw(quit.as_raw()), quit);
/// assert_eq!(quit.to_string(), format!("SIGQUIT ({})", quit.as_raw()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(i32);

impl SignalKind {
    /// The signal with number `signum`, named or not (real-time signals,
    /// say). Whether it can be listened for is checked by [`signal`].
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::from_raw(10).as_raw(), 10);
    /// ```
    pub const fn from_raw(signum: i32) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number, as the system knows it.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::interrupt().as_raw(), 2);
    /// ```
    pub const fn as_raw(self) -> i32 {
        self.0
    }

    /// SIGINT: the terminal's Ctrl-C (see also
    /// [`ctrl_c`](crate::signal::ctrl_c)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::interrupt().to_string(), "SIGINT (2)");
    /// ```
    pub const fn interrupt() -> SignalKind {
        SignalKind(RawSignal::INT.as_raw())
    }

    /// SIGTERM: the polite request to end, sent by `kill` and by service
    /// managers on stop.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::terminate().to_string(), "SIGTERM (15)");
    /// ```
    pub const fn terminate() -> SignalKind {
        SignalKind(RawSignal::TERM.as_raw())
    }

    /// SIGQUIT: the terminal's Ctrl-\.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::quit().to_string(), "SIGQUIT (3)");
    /// ```
    pub const fn quit() -> SignalKind {
        SignalKind(RawSignal::QUIT.as_raw())
    }

    /// SIGHUP: the terminal went away; daemons take it as "reload".
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::hangup().to_string(), "SIGHUP (1)");
    /// ```
    pub const fn hangup() -> SignalKind {
        SignalKind(RawSignal::HUP.as_raw())
    }

    /// SIGUSR1: no meaning but the one a program gives it.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert_ne!(SignalKind::user_defined1(), SignalKind::user_defined2());
    /// ```
    pub const fn user_defined1() -> SignalKind {
        SignalKind(RawSignal::USR1.as_raw())
    }

    /// SIGUSR2: no meaning but the one a program gives it.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert!(SignalKind::user_defined2().to_string().starts_with("SIGUSR2"));
    /// ```
    pub const fn user_defined2() -> SignalKind {
        SignalKind(RawSignal::USR2.as_raw())
    }
}

/// The signals that have a name everywhere loopy runs, for messages.
const NAMES: &[(RawSignal, &str)] = &[
    (RawSignal::HUP, "SIGHUP"),
    (RawSignal::INT, "SIGINT"),
    (RawSignal::QUIT, "SIGQUIT"),
    (RawSignal::ILL, "SIGILL"),
    (RawSignal::TRAP, "SIGTRAP"),
    (RawSignal::ABORT, "SIGABRT"),
    (RawSignal::BUS, "SIGBUS"),
    (RawSignal::FPE, "SIGFPE"),
    (RawSignal::KILL, "SIGKILL"),
    (RawSignal::USR1, "SIGUSR1"),
    (RawSignal::SEGV, "SIGSEGV"),
    (RawSignal::USR2, "SIGUSR2"),
    (RawSignal::PIPE, "SIGPIPE"),
    (RawSignal::ALARM, "SIGALRM"),
    (RawSignal::TERM, "SIGTERM"),
    (RawSignal::CHILD, "SIGCHLD"),
    (RawSignal::CONT, "SIGCONT"),
    (RawSignal::STOP, "SIGSTOP"),
    (RawSignal::TSTP, "SIGTSTP"),
    (RawSignal::TTIN, "SIGTTIN"),
    (RawSignal::TTOU, "SIGTTOU"),
    (RawSignal::URG, "SIGURG"),
    (RawSignal::XCPU, "SIGXCPU"),
    (RawSignal::XFSZ, "SIGXFSZ"),
    (RawSignal::VTALARM, "SIGVTALRM"),
    (RawSignal::PROF, "SIGPROF"),
    (RawSignal::WINCH, "SIGWINCH"),
    (RawSignal::IO, "SIGIO"),
    (RawSignal::SYS, "SIGSYS"),
];

/// `SIGQUIT (3)`, or `signal 40` for a signal without a name here.
impl fmt::Display for SignalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match NAMES.iter().find(|(raw, _)| raw.as_raw() == self.0) {
            Some((_, name)) => write!(f, "{name} ({})", self.0),
            None => write!(f, "signal {}", self.0),
        }
    }
}

/// Starts listening for `kind`: from the moment this returns, each
/// delivery of the signal to the process is kept for the returned
/// [`Signal`].
///
/// The first call for a signal replaces what it did by default
/// (terminating the process, for most) for the rest of the process's life;
/// see the [module documentation](crate::signal). Any number of `Signal`s
/// may listen for the same kind, in one task or many: each sees each
/// delivery.
///
/// # Errors
///
/// `InvalidInput`, with a message naming the signal, for a signal that
/// cannot be caught (SIGKILL, SIGSTOP), one whose default action loopy
/// will not replace (SIGILL, SIGFPE, SIGSEGV) and a number that is no
/// signal. Otherwise, if the socket pair or the handler could not be set
/// up (the process is out of file descriptors, say).
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```
/// use loopy::signal::unix::{signal, SignalKind};
///
/// loopy::block_on(async {
///     let refused = signal(SignalKind::from_raw(9)).unwrap_err();
///     assert_eq!(refused.kind(), std::io::ErrorKind::InvalidInput);
///     assert!(refused.to_string().contains("SIGKILL"));
///
///     let reloads = signal(SignalKind::hangup())?;
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    Ok(Signal {
        kind,
        listener: Listener::register(kind, "loopy::signal::unix::signal")?,
        failure: None,
    })
}

/// The deliveries of one signal, made by [`signal`]; [`recv`](Signal::recv)
/// waits for the next.
///
/// Deliveries that come while nobody waits are kept, but several of them
/// may count as one. Dropping the `Signal` stops the listening (the
/// signal's default action does not come back).
///
/// # Examples
///
/// ```
/// use loopy::signal::unix::{signal, SignalKind};
/// use rustix::process::{getpid, kill_process, Signal as Raw};
///
/// loopy::block_on(async {
///     let mut first = signal(SignalKind::user_defined1())?;
///     let mut second = signal(SignalKind::user_defined1())?;
///     kill_process(getpid(), Raw::USR1)?;
///     // Both see the delivery.
///     assert_eq!(first.recv().await, Some(()));
///     assert_eq!(second.recv().await, Some(()));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Signal {
    /// The signal listened for, for `Debug`.
    kind: SignalKind,
    /// This `Signal`'s action among the signal's actions, and the socket
    /// it writes to.
    listener: Listener,
    /// Why the listener's socket could no longer be read, once that
    /// happened; `recv` has returned `None` since. Kept so that the cause
    /// is not lost ([`Signal::error`]).
    failure: Option<io::Error>,
}

impl Signal {
    /// Waits for the next delivery of the signal: `Some(())` once per
    /// delivery, or once for several that came while nobody waited.
    ///
    /// A delivery that came after the previous `recv` returned (or after
    /// [`signal`], for the first) is never missed, even if it came before
    /// this call.
    ///
    /// Returns `None` only if the listener's socket can no longer be read,
    /// which no signal causes; [`error`](Signal::error) then says why, and
    /// every later call returns `None` too. A loop
    /// `while let Some(()) = sig.recv().await` ends then.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future before it completes loses no
    /// delivery.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::{signal, SignalKind};
    /// use rustix::process::{getpid, kill_process, Signal as Raw};
    ///
    /// loopy::block_on(async {
    ///     let mut sig = signal(SignalKind::user_defined2())?;
    ///     let mut seen = 0;
    ///     for _ in 0..3 {
    ///         kill_process(getpid(), Raw::USR2)?;
    ///         sig.recv().await;
    ///         seen += 1;
    ///     }
    ///     assert_eq!(seen, 3);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll form of [`recv`](Signal::recv), for hand-written futures
    /// and streams: `Ready(Some(()))` if the signal has come since the last
    /// `Ready`, and otherwise `Pending`, with `cx`'s waker woken on the
    /// next delivery.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::task::Poll;
    /// use loopy::signal::unix::{signal, SignalKind};
    ///
    /// loopy::block_on(async {
    ///     let mut sig = signal(SignalKind::user_defined1())?;
    ///     // Nothing delivered yet.
    ///     let now = poll_fn(|cx| Poll::Ready(sig.poll_recv(cx))).await;
    ///     assert!(now.is_pending());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        if self.failure.is_some() {
            return Poll::Ready(None);
        }
        match self.listener.poll_delivery(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Some(())),
            Poll::Ready(Err(err)) => {
                self.failure = Some(err);
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// Why [`recv`](Signal::recv) returned `None`: the error that reading
    /// the listener's socket failed with. `None` while deliveries still
    /// come through.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::{signal, SignalKind};
    ///
    /// loopy::block_on(async {
    ///     let sig = signal(SignalKind::user_defined1())?;
    ///     assert!(sig.error().is_none());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn error(&self) -> Option<&io::Error> {
        self.failure.as_ref()
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("kind", &self.kind)
            .field("failure", &self.failure)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_signals_the_way_shells_do() {
        assert_eq!(SignalKind::from_raw(9).to_string(), "SIGKILL (9)");
        assert_eq!(SignalKind::from_raw(6).to_string(), "SIGABRT (6)");
        assert_eq!(SignalKind::from_raw(14).to_string(), "SIGALRM (14)");
        assert_eq!(SignalKind::from_raw(0).to_string(), "signal 0");
    }

    #[test]
    fn recv_is_none_for_good_once_the_socket_cannot_be_read() {
        crate::block_on(async {
            let mut sig = signal(SignalKind::user_defined2()).unwrap();
            sig.listener.shut_down_reading();
            assert_eq!(sig.recv().await, None);
            assert_eq!(sig.recv().await, None);
            let err = sig.error().expect("the cause is kept");
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        });
    }
}
