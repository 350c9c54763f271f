//! memory_conn on the raw loops: accepted connections held registered and idle.

use std::net::TcpListener;

use super::poller::Poller;
use super::registered::Registered;
use super::serve::accept;
use super::socket::Socket;
use crate::suite::alloc::Window;

/// Accepts `conns` connections on `listener`, registering each, and calls
/// `on_accept` with the count after each; returns the heap bytes that grew
/// meanwhile.
pub fn hold_idle<P: Poller>(
    listener: TcpListener,
    conns: usize,
    mut on_accept: impl FnMut(usize),
) -> isize {
    let poller = P::new().expect("raw: new poller");
    listener
        .set_nonblocking(true)
        .expect("raw: set_nonblocking");
    // Key 0 is the listener's; connection `i` has key `i + 1`.
    let listener = Registered::new(&poller, listener, 0).expect("raw: register");
    let mut held = Vec::with_capacity(conns);
    let mut events = P::events();
    let window = Window::open();
    while held.len() < conns {
        // Which events came does not matter: the listener is the only
        // source that is ever read.
        poller.wait(&mut events).for_each(drop);
        while let Some(stream) = accept(listener.get()) {
            held.push(Socket::register(&poller, stream, held.len() + 1));
            on_accept(held.len());
        }
    }
    window.live_bytes()
}
