//! tcp_echo_external: the echo server in the loop, its clients on one other OS
//! thread with blocking std sockets. What a server loop costs when the load
//! comes from outside, as it does in production.
//!
//! The client thread goes round-robin: in each round it writes one message to
//! every connection, then reads the echo from every connection in the same
//! order. So the server always has up to 64 requests in flight, and a round
//! trip's latency is the time from writing a message to having read its echo.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::echo::{self, MESSAGE_LEN};
use super::LOCALHOST;
use crate::suite::raw;
use crate::suite::runtime::Runtime;
use crate::suite::sizes::Echo;

/// What the client thread measured.
struct Report {
    /// From the first timed write to the last read.
    elapsed: Duration,
    /// One round-trip latency per message, in nanoseconds.
    latencies: Vec<u64>,
}

/// Serves `size.conns` external connections on runtime `R`; returns k round
/// trips/s, p50 and p99 latency in µs.
pub fn run<R: Runtime>(size: Echo) -> Vec<f64> {
    let (clients, echoed) = R::block_on(|rt| async move {
        let (listener, addr) = R::bind(LOCALHOST).await.expect("bind");
        let clients = start_clients(addr, size);
        (clients, echo::serve(rt, listener, size.conns).await)
    });
    finish(size, clients, echoed)
}

/// The same with the server on the raw loop over poller `P`.
pub fn run_raw<P: raw::Poller>(size: Echo) -> Vec<f64> {
    let listener = std::net::TcpListener::bind(LOCALHOST).expect("bind");
    let clients = start_clients(listener.local_addr().expect("local_addr"), size);
    let echoed = raw::echo_serve::<P>(listener, size.conns);
    finish(size, clients, echoed)
}

/// Starts the client thread.
fn start_clients(addr: SocketAddr, size: Echo) -> JoinHandle<Report> {
    thread::Builder::new()
        .name("echo-clients".into())
        .spawn(move || clients(addr, size))
        .expect("spawning the client thread")
}

/// Waits for the clients; checks the server echoed every byte, the handshake
/// round included; the numbers.
fn finish(size: Echo, clients: JoinHandle<Report>, echoed: u64) -> Vec<f64> {
    let mut report = clients.join().expect("the client thread panicked");
    let expected = ((size.round_trips() + size.conns) * MESSAGE_LEN) as u64;
    assert_eq!(
        echoed, expected,
        "tcp_echo_external: server echoed the wrong byte count"
    );
    report.latencies.sort_unstable();
    let percentile = |p: usize| {
        let index = (report.latencies.len() * p / 100).min(report.latencies.len() - 1);
        report.latencies[index] as f64 / 1e3
    };
    vec![
        size.round_trips() as f64 / report.elapsed.as_secs_f64() / 1e3,
        percentile(50),
        percentile(99),
    ]
}

/// The client thread: connects every connection, does one untimed handshake
/// round (numbered after the timed ones, so the server has accepted them all),
/// then `size.rounds` timed rounds; closes the connections by dropping them.
fn clients(addr: SocketAddr, size: Echo) -> Report {
    let mut streams: Vec<TcpStream> = (0..size.conns)
        .map(|_| {
            let stream = TcpStream::connect(addr).expect("connect");
            stream.set_nodelay(true).expect("set_nodelay");
            stream
        })
        .collect();
    let mut sent_at = vec![Instant::now(); size.conns];
    let mut latencies = Vec::with_capacity(size.round_trips());
    round(&mut streams, size.rounds, &mut sent_at, &mut Vec::new());
    let start = Instant::now();
    for r in 0..size.rounds {
        round(&mut streams, r, &mut sent_at, &mut latencies);
    }
    Report {
        elapsed: start.elapsed(),
        latencies,
    }
}

/// One round: message `round` to every connection, then every echo back,
/// each checked; pushes one latency per connection.
fn round(
    streams: &mut [TcpStream],
    round: usize,
    sent_at: &mut [Instant],
    latencies: &mut Vec<u64>,
) {
    for (conn, stream) in streams.iter_mut().enumerate() {
        sent_at[conn] = Instant::now();
        stream
            .write_all(&echo::message(conn, round))
            .expect("write");
    }
    let mut buf = [0; MESSAGE_LEN];
    for (conn, stream) in streams.iter_mut().enumerate() {
        stream.read_exact(&mut buf).expect("read");
        latencies.push(sent_at[conn].elapsed().as_nanos() as u64);
        assert_eq!(
            buf,
            echo::message(conn, round),
            "tcp_echo_external: echo differs"
        );
    }
}
