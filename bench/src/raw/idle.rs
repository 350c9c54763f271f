//! memory_conn on the raw loop: accepted connections held registered and idle.

use std::net::TcpListener;

use polling::{Events, Poller};

use super::registered::Registered;
use super::serve::accept;
use super::socket::Socket;
use super::{wait, EVENTS_PER_WAIT};
use crate::suite::alloc::Window;

/// Accepts `conns` connections on `listener`, registering each, and calls
/// `on_accept` with the count after each; returns the heap bytes that grew
/// meanwhile.
pub fn hold_idle(listener: TcpListener, conns: usize, mut on_accept: impl FnMut(usize)) -> isize {
    let poller = Poller::new().expect("raw: Poller::new");
    listener
        .set_nonblocking(true)
        .expect("raw: set_nonblocking");
    // Key 0 is the listener's; connection `i` has key `i + 1`.
    let listener = Registered::new(&poller, listener, 0).expect("raw: register");
    let mut held = Vec::with_capacity(conns);
    let mut events = Events::with_capacity(EVENTS_PER_WAIT);
    let window = Window::open();
    while held.len() < conns {
        wait(&poller, &mut events);
        while let Some(stream) = accept(listener.get()) {
            held.push(Socket::register(&poller, stream, held.len() + 1));
            on_accept(held.len());
        }
    }
    window.live_bytes()
}
