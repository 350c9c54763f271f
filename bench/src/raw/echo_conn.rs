//! The server side of one echo connection, as a state machine.

use std::ops::Range;

use super::poller::{Poller, Ready};
use super::socket::Socket;
use crate::suite::scenario::BUF_LEN;

/// Reads what is there, writes it back, repeats; until the peer closes.
pub struct EchoConn<'p, P: Poller> {
    /// The connection; `None` once the peer closed and it was dropped.
    socket: Option<Socket<'p, P>>,
    /// What was read.
    buf: [u8; BUF_LEN],
    /// The part of `buf` read but not yet written back.
    pending: Range<usize>,
    /// Bytes echoed so far, for the scenario's check.
    pub echoed: u64,
}

impl<'p, P: Poller> EchoConn<'p, P> {
    /// Serves `socket`.
    pub fn new(socket: Socket<'p, P>) -> Self {
        Self {
            socket: Some(socket),
            buf: [0; BUF_LEN],
            pending: 0..0,
            echoed: 0,
        }
    }

    /// Handles `event` for this connection: echoes until the socket has
    /// nothing more to give or take. Returns `true` if the peer closed now.
    pub fn on_event(&mut self, event: Ready) -> bool {
        // An event already queued when the connection closed.
        let Some(socket) = &mut self.socket else {
            return false;
        };
        socket.on_event(event);
        loop {
            if self.pending.is_empty() {
                match socket.read(&mut self.buf) {
                    Some(0) => {
                        self.socket = None;
                        return true;
                    }
                    Some(read) => {
                        self.pending = 0..read;
                        self.echoed += read as u64;
                    }
                    None => return false,
                }
            } else {
                match socket.write(&self.buf[self.pending.clone()]) {
                    Some(written) => self.pending.start += written,
                    None => return false,
                }
            }
        }
    }
}
