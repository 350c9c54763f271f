//! The echo server of tcp_echo_external on the raw loops.

use std::io;
use std::net::TcpListener;

use super::echo_conn::EchoConn;
use super::poller::Poller;
use super::registered::Registered;
use super::socket::Socket;

/// The listener's key; connection `i` has key `i + 1`.
const LISTENER: usize = 0;

/// Accepts `conns` connections on `listener` and echoes on each until its
/// client closes; returns the bytes echoed.
pub fn echo_serve<P: Poller>(listener: TcpListener, conns: usize) -> u64 {
    let poller = P::new().expect("raw: new poller");
    listener
        .set_nonblocking(true)
        .expect("raw: set_nonblocking");
    let listener = Registered::new(&poller, listener, LISTENER).expect("raw: register");
    let mut servers: Vec<EchoConn<P>> = Vec::with_capacity(conns);
    let mut events = P::events();
    let mut closed = 0;
    while closed < conns {
        for event in poller.wait(&mut events) {
            if event.key != LISTENER {
                closed += usize::from(servers[event.key - 1].on_event(event));
                continue;
            }
            // Edge-triggered: accept until the backlog is empty.
            while let Some(stream) = accept(listener.get()) {
                stream.set_nodelay(true).expect("raw: set_nodelay");
                let socket = Socket::register(&poller, stream, servers.len() + 1);
                servers.push(EchoConn::new(socket));
            }
        }
    }
    servers.iter().map(|server| server.echoed).sum()
}

/// Accepts one connection, or `None` if none is waiting.
pub fn accept(listener: &TcpListener) -> Option<std::net::TcpStream> {
    loop {
        match listener.accept() {
            Ok((stream, _)) => return Some(stream),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
            Err(e) => panic!("raw: accept failed: {e}"),
        }
    }
}
