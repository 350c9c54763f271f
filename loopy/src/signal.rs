//! Signals: [`ctrl_c`], a future that resolves when the user presses Ctrl-C.
//!
//! # How a signal reaches the loop
//!
//! A signal handler interrupts whatever thread the kernel picks, between
//! any two instructions, so it may do almost nothing: no locks, no
//! allocation, and so no waking of wakers. What it may do is one system
//! call. loopy's handler writes one byte to a socket, the classic
//! *self-pipe trick*: the other end of the socket is registered with the
//! loop like any other socket, so the byte wakes the task that waits in
//! [`ctrl_c`] through the poller, on the loop's own thread.
//!
//! Each [`CtrlC`] future owns its socket pair and its own action among the
//! process's SIGINT actions (kept by
//! [`signal-hook-registry`](https://docs.rs/signal-hook-registry), which
//! runs every registered action on each signal). So any number of them can
//! wait at once, in one task or many, and one Ctrl-C resolves them all.
//! Dropping a `CtrlC` removes its action.
//!
//! # Ctrl-C no longer kills the process
//!
//! By default SIGINT terminates a process. The first call to [`ctrl_c`]
//! installs a handler for SIGINT, for the whole process and until it exits:
//! from then on Ctrl-C resolves the `CtrlC` futures that exist and does
//! nothing else, even after they are gone. A program that calls `ctrl_c`
//! therefore decides itself what Ctrl-C means, and should end when it
//! resolves.

use std::fmt;
use std::future::Future;
use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::task::{Context, Poll};

use rustix::net::SendFlags;
use rustix::process::Signal;
use signal_hook_registry::SigId;

use crate::context;
use crate::io::Async;

/// Waits for Ctrl-C: the future resolves when the process receives SIGINT.
///
/// The handler is in place as soon as `ctrl_c` returns, so a SIGINT that
/// arrives before the future is first polled still counts. Every `CtrlC`
/// that exists when the signal comes resolves.
///
/// Calling it replaces the default action of SIGINT (terminating the
/// process) for the rest of the process's life; see the
/// [module documentation](self).
///
/// # Errors
///
/// The future fails if the socket pair or the handler could not be set up
/// (the process is out of file descriptors, say).
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
        listener: Listener::register().map_err(Some),
    }
}

/// A future that resolves on the next SIGINT; made by [`ctrl_c`].
///
/// # Examples
///
/// ```no_run
/// loopy::block_on(async {
///     let interrupted = loopy::signal::ctrl_c();
///     // ... the handler is in place from here on ...
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

/// One registered SIGINT action and the socket it writes to.
struct Listener {
    /// This listener's action among the process's SIGINT actions; removed
    /// when the listener is dropped.
    action: SigId,
    /// The end of the socket pair that the loop watches. The action owns
    /// the other end.
    ///
    /// # Invariant
    ///
    /// Open for as long as `action` is registered: `Drop` removes the
    /// action before this field is dropped, so the handler never writes to
    /// a socket whose reader is gone (which could raise SIGPIPE).
    wakeup: Async<UnixStream>,
}

impl Listener {
    /// Opens a socket pair and registers a SIGINT action that writes a
    /// byte to it.
    fn register() -> io::Result<Listener> {
        // Outside a runtime, fail under this function's name, before a
        // handler is installed for nothing.
        context::expect_core("loopy::signal::ctrl_c", |_| ());
        let (wakeup, notify) = UnixStream::pair()?;
        let wakeup = Async::new(wakeup)?;
        // SAFETY: `register` requires the action to be async-signal-safe.
        // It makes a single `send` system call on a socket it owns, with
        // MSG_DONTWAIT so that a full socket never blocks the handler; it
        // does not allocate, lock or panic (the result, a plain error
        // number at worst, is dropped). A byte that does not fit is not
        // needed: the ones in the socket already wake the loop.
        // signal-hook-registry saves and restores `errno` around actions.
        let action = unsafe {
            signal_hook_registry::register(Signal::INT.as_raw(), move || {
                let _ = rustix::net::send(&notify, &[1], SendFlags::DONTWAIT);
            })
        }?;
        Ok(Listener { action, wakeup })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Returns once no handler runs this action any more; only then is
        // `wakeup` closed (see its invariant).
        signal_hook_registry::unregister(self.action);
    }
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().listener {
            Ok(listener) => {
                // Any byte means a SIGINT came; a few at once are one
                // Ctrl-C as far as this future is concerned.
                let mut bytes = [0; 16];
                listener
                    .wakeup
                    .poll_read_with(cx, |mut socket| socket.read(&mut bytes))
                    .map_ok(|_| ())
            }
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
