//! tcp_echo_inproc on the raw loops: clients and server connections in one
//! poller.

use std::net::{TcpListener, TcpStream};

use super::client::Client;
use super::echo_conn::EchoConn;
use super::poller::Poller;
use super::socket::Socket;
use crate::suite::scenario::LOCALHOST;
use crate::suite::sizes::Echo;

/// Connects `size.conns` pairs, runs every client's round trips to the end,
/// waits for every server connection to see its client close; returns the
/// bytes echoed.
pub fn echo_inproc<P: Poller>(size: Echo) -> u64 {
    let poller = P::new().expect("raw: new poller");
    let listener = TcpListener::bind(LOCALHOST).expect("raw: bind");
    let addr = listener.local_addr().expect("raw: local_addr");
    // Keys: clients are 0..conns, their server connections conns..2*conns.
    let mut clients = Vec::with_capacity(size.conns);
    let mut servers = Vec::with_capacity(size.conns);
    for conn in 0..size.conns {
        // A loopback connect completes at once, so blocking calls set up.
        let client = TcpStream::connect(addr).expect("raw: connect");
        let (server, _) = listener.accept().expect("raw: accept");
        for stream in [&client, &server] {
            stream.set_nodelay(true).expect("raw: set_nodelay");
        }
        let client = Socket::register(&poller, client, conn);
        clients.push(Client::new(client, conn, size.rounds));
        servers.push(EchoConn::new(Socket::register(
            &poller,
            server,
            size.conns + conn,
        )));
    }
    let mut events = P::events();
    let mut closed = 0;
    while closed < size.conns {
        for event in poller.wait(&mut events) {
            if event.key < size.conns {
                // A finished client closed its socket; its server sees that next.
                clients[event.key].on_event(event);
            } else if servers[event.key - size.conns].on_event(event) {
                closed += 1;
            }
        }
    }
    servers.iter().map(|server| server.echoed).sum()
}
