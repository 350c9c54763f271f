//! A registered stream and the readiness its events have announced.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use super::poller::{Poller, Ready};
use super::registered::Registered;

/// A nonblocking stream in the raw loop.
pub struct Socket<'p, P: Poller> {
    /// The stream, registered edge-triggered.
    stream: Registered<'p, P, TcpStream>,
    /// An event said readable, and no read has since found it drained.
    readable: bool,
    /// An event said writable, and no write has since found the buffer full.
    writable: bool,
}

impl<'p, P: Poller> Socket<'p, P> {
    /// Makes `stream` nonblocking and registers it under `key`. It starts
    /// ready for nothing: registering an edge-triggered socket reports its
    /// current readiness as the first event.
    pub fn register(poller: &'p P, stream: TcpStream, key: usize) -> Self {
        stream.set_nonblocking(true).expect("raw: set_nonblocking");
        Self {
            stream: Registered::new(poller, stream, key).expect("raw: register"),
            readable: false,
            writable: false,
        }
    }

    /// Notes what `event` says the socket is ready for.
    pub fn on_event(&mut self, event: Ready) {
        self.readable |= event.readable;
        self.writable |= event.writable;
    }

    /// Reads into `buf` if the socket may hold data; `None` if it holds none
    /// now (an event will say when it does). `Some(0)` means the peer closed.
    pub fn read(&mut self, buf: &mut [u8]) -> Option<usize> {
        let len = buf.len();
        attempt(&mut self.readable, len, || self.stream.get().read(buf))
    }

    /// Writes from `buf` if the socket may take data; `None` if its buffer is
    /// full now (an event will say when it is not).
    pub fn write(&mut self, buf: &[u8]) -> Option<usize> {
        attempt(&mut self.writable, buf.len(), || {
            self.stream.get().write(buf)
        })
    }
}

/// Runs a read or write of up to `len` bytes if `ready` says it may do
/// something, again while a signal interrupts it. Clears `ready` when the
/// syscall says `WouldBlock` (then returns `None`) or moves fewer than `len`
/// bytes (the socket is drained, or its buffer full). Any other error is a
/// bug in the bench.
///
/// Clearing on a short read is safe for the echo protocol only: `polling`
/// does not register `EPOLLRDHUP` (raw-epoll does, but keeps this rule so
/// that both run the same machines), so if data and the peer's FIN arrived
/// before one wait, their single edge would be spent on the data and the EOF
/// never announced. Here a peer closes only after it has read its last echo,
/// so its FIN always comes after the server's last read, with an edge of its
/// own.
fn attempt(
    ready: &mut bool,
    len: usize,
    mut syscall: impl FnMut() -> io::Result<usize>,
) -> Option<usize> {
    while *ready {
        match syscall() {
            Ok(n) => {
                *ready = n == len;
                return Some(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => *ready = false,
            Err(e) => panic!("raw: socket read or write failed: {e}"),
        }
    }
    None
}
