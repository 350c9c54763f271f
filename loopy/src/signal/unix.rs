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

use super::self_pipe::Listener;

pub use super::kind::SignalKind;

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
