//! [`ctrl_c`]: wait for one SIGINT.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::self_pipe::Listener;
use super::unix::SignalKind;

/// Waits for Ctrl-C: the future resolves when the process receives SIGINT.
///
/// The handler is in place as soon as `ctrl_c` returns, so a SIGINT that
/// arrives before the future is first polled still counts. Every `CtrlC`
/// that exists when the signal comes resolves.
///
/// Calling it replaces the default action of SIGINT (terminating the
/// process) for the rest of the process's life; see the
/// [module documentation](crate::signal).
///
/// # Errors
///
/// The future fails if the socket pair or the handler could not be set up
/// (the process is out of file descriptors, say), or if its socket can no
/// longer be read.
///
/// # Panics
///
/// Outside a running loopy runtime.
///
/// # Examples
///
/// ```no_run
/// #[loopy::main]
/// async fn main() -> std::io::Result<()> {
///     println!("working; press Ctrl-C to stop");
///     loopy::signal::ctrl_c().await?;
///     println!("stopping");
///     Ok(())
/// }
/// ```
pub fn ctrl_c() -> CtrlC {
    CtrlC {
        listener: Listener::register(SignalKind::interrupt(), "loopy::signal::ctrl_c")
            .map_err(Some),
    }
}

/// A future that resolves on the next SIGINT; made by [`ctrl_c`].
///
/// # Examples
///
/// ```
/// use rustix::process::{getpid, kill_process, Signal};
///
/// loopy::block_on(async {
///     let interrupted = loopy::signal::ctrl_c();
///     // The handler is in place from here on: the process survives this.
///     kill_process(getpid(), Signal::INT)?;
///     interrupted.await
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct CtrlC {
    /// This future's SIGINT action, or why it could not be set up, which
    /// the first poll reports (and takes, hence the `Option`).
    listener: Result<Listener, Option<io::Error>>,
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().listener {
            // A few SIGINTs at once are one Ctrl-C as far as this future
            // is concerned.
            Ok(listener) => listener.poll_delivery(cx),
            Err(err) => Poll::Ready(Err(err
                .take()
                .expect("a loopy::signal::CtrlC that failed was polled again"))),
        }
    }
}

impl fmt::Debug for CtrlC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtrlC")
            .field("registered", &self.listener.is_ok())
            .finish()
    }
}
