//! The self-pipe listener: one registered signal action and the socket it
//! writes to, shared by [`ctrl_c`](super::ctrl_c) and
//! [`unix::signal`](super::unix::signal).

use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::task::{Context, Poll};

use rustix::net::SendFlags;
use signal_hook_registry::SigId;

use super::kind::SignalKind;
use crate::driver::slow_poll;
use crate::io::Async;
use crate::task::context;

/// One action among the process's actions for one signal, and the socket
/// it writes a byte to on each delivery.
pub(super) struct Listener {
    /// This listener's action among the signal's actions; removed when the
    /// listener is dropped.
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
    /// Opens a socket pair and registers an action for `kind` that writes
    /// a byte to it.
    ///
    /// `caller` is the public function being called, named by the panic.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if signal-hook-registry refuses the signal (SIGKILL
    /// and SIGSTOP cannot be caught; SIGILL, SIGFPE and SIGSEGV must not
    /// be), or if the system does not know it; otherwise whatever the
    /// socket pair or the handler's installation failed with.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    pub(super) fn register(kind: SignalKind, caller: &str) -> io::Result<Listener> {
        // Outside a runtime, fail under the caller's name, before a
        // handler is installed for nothing.
        context::expect(caller);
        if signal_hook_registry::FORBIDDEN.contains(&kind.as_raw()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{caller}: {} cannot be caught (SIGKILL and SIGSTOP never reach \
                     a handler; SIGILL, SIGFPE and SIGSEGV keep their default action)",
                    kind
                ),
            ));
        }
        let (wakeup, notify) = UnixStream::pair()?;
        let wakeup = Async::new(wakeup)?;
        let quit = kind == SignalKind::quit();
        // SAFETY: `register` requires the action to be async-signal-safe.
        // It makes a single `send` system call on a socket it owns, with
        // MSG_DONTWAIT so that a full socket never blocks the handler (and
        // MSG_NOSIGNAL, as every send of loopy's, so that a closed reader
        // could never raise SIGPIPE either); it
        // does not allocate, lock or panic (the result, a plain error
        // number at worst, is dropped). A byte that does not fit is not
        // needed: the ones in the socket already wake the loop.
        // signal-hook-registry saves and restores `errno` around actions.
        // A SIGQUIT also bumps one atomic counter, which is as safe: it
        // asks the slow-poll watchdog to name a stuck poll at once, since
        // the loop's own answer to SIGQUIT cannot run until it returns.
        let action = unsafe {
            signal_hook_registry::register(kind.as_raw(), move || {
                if quit {
                    slow_poll::quit_delivered();
                }
                let _ = rustix::net::send(&notify, &[1], SendFlags::DONTWAIT | SendFlags::NOSIGNAL);
            })
        }
        // `sigaction` answers EINVAL (InvalidInput) for a number that is
        // no signal; say which number it was.
        .map_err(|err| {
            io::Error::new(err.kind(), format!("{caller}: cannot handle {kind}: {err}"))
        })?;
        Ok(Listener { action, wakeup })
    }

    /// Waits until the signal has been delivered at least once since the
    /// last call returned, and takes every delivery that is waiting: a
    /// burst of signals that came while nobody looked counts as one.
    ///
    /// # Errors
    ///
    /// If reading the socket fails, or `UnexpectedEof` if it was closed
    /// (which the action, holding the other end until it is removed, never
    /// does by itself).
    pub(super) fn poll_delivery(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.wakeup.poll_read_with(cx, |mut socket| {
            // Each byte is one delivery. Read until the socket is empty so
            // that the next call waits for a delivery that is new.
            let mut bytes = [0; 64];
            let mut taken = 0;
            loop {
                match socket.read(&mut bytes) {
                    Ok(0) => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the socket that signal deliveries are written to was closed",
                        ))
                    }
                    Ok(n) => taken += n,
                    // Nothing (more) to take: wait for the next byte, or
                    // report the ones taken.
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock && taken == 0 => {
                        return Err(err)
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
        })
    }

    /// Closes the reading end's input, so that the next read sees the end
    /// of the stream: how the tests reach the error path.
    #[cfg(test)]
    pub(super) fn shut_down_reading(&self) {
        self.wakeup
            .get_ref()
            .shutdown(std::net::Shutdown::Read)
            .unwrap();
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Returns once no handler runs this action any more; only then is
        // `wakeup` closed (see its invariant).
        signal_hook_registry::unregister(self.action);
    }
}
