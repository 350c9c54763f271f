//! The client side of one echo connection, as a state machine.

use super::poller::{Poller, Ready};
use super::socket::Socket;
use crate::suite::scenario::{message, BUF_LEN, MESSAGE_LEN};

/// Sends a message, reads its echo back and checks it, repeats.
pub struct Client<'p, P: Poller> {
    /// The connection; `None` once the last round is done and it was closed.
    socket: Option<Socket<'p, P>>,
    /// Which connection this is, for [`message`].
    conn: usize,
    /// The round in progress.
    round: usize,
    /// Rounds to do.
    rounds: usize,
    /// This round's message.
    message: [u8; MESSAGE_LEN],
    /// Bytes of `message` written.
    sent: usize,
    /// The echo, read so far.
    buf: [u8; BUF_LEN],
    /// Bytes of the echo read into `buf`.
    got: usize,
}

impl<'p, P: Poller> Client<'p, P> {
    /// A client that will do `rounds` round trips on `socket`.
    pub fn new(socket: Socket<'p, P>, conn: usize, rounds: usize) -> Self {
        assert!(rounds > 0, "raw client: no rounds to do");
        Self {
            socket: Some(socket),
            conn,
            round: 0,
            rounds,
            message: message(conn, 0),
            sent: 0,
            buf: [0; BUF_LEN],
            got: 0,
        }
    }

    /// Handles `event` for this connection: goes on with the round trips until
    /// the socket has nothing more to give or take. Returns `true` if the last
    /// round finished now (and the connection was closed).
    pub fn on_event(&mut self, event: Ready) -> bool {
        // An event already queued when the client finished.
        let Some(socket) = &mut self.socket else {
            return false;
        };
        socket.on_event(event);
        loop {
            if self.sent < MESSAGE_LEN {
                match socket.write(&self.message[self.sent..]) {
                    Some(written) => self.sent += written,
                    None => return false,
                }
                continue;
            }
            match socket.read(&mut self.buf[self.got..]) {
                Some(0) => panic!("raw client: the server closed early"),
                Some(read) => self.got += read,
                None => return false,
            }
            if self.got < MESSAGE_LEN {
                continue;
            }
            assert_eq!(
                self.buf[..self.got],
                self.message,
                "raw client: echo differs"
            );
            self.round += 1;
            if self.round == self.rounds {
                self.socket = None;
                return true;
            }
            self.message = message(self.conn, self.round);
            self.sent = 0;
            self.got = 0;
        }
    }
}
