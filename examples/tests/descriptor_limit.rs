//! A server out of file descriptors (`ulimit -n 30`, more clients than
//! that) says so once, waits without spinning, and takes the clients that
//! waited as soon as earlier ones leave. Both servers accept the same way;
//! each is tried.

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use support::{connect, free_port, limit_descriptors, Example};

/// The descriptor limit the servers run with.
const LIMIT: u64 = 30;

/// More clients than a server has descriptors for.
const CLIENTS: usize = 40;

/// What the acceptor says when it runs out.
const OUT_OF_DESCRIPTORS: &str =
    "cannot accept a connection: Too many open files (os error 24); trying again every 100 ms";

/// Starts the server `name` with at most [`LIMIT`] descriptors, connects
/// [`CLIENTS`] clients, and checks how it waits once it has run out: it
/// said so once, and it does not spin.
fn starve(name: &str) -> (Example, Vec<TcpStream>) {
    let port = free_port();
    let mut command = Example::command(name);
    command.args(["--port", &port.to_string()]);
    limit_descriptors(&mut command, LIMIT);
    let mut server = Example::spawn(command, name);
    server.expect(&format!("Listening on 127.0.0.1:{port}"));

    // The kernel completes every connection into the listener's backlog;
    // the server accepts until it has no descriptor left.
    let clients: Vec<TcpStream> = (0..CLIENTS).map(|_| connect(port)).collect();
    server.wait_for(OUT_OF_DESCRIPTORS);

    // Starved, it retries now and then instead of spinning: over a second
    // it uses far less than a second of CPU.
    let (cpu_before, wall_before) = (server.cpu_time(), Instant::now());
    thread::sleep(Duration::from_secs(1));
    let cpu = server.cpu_time() - cpu_before;
    let wall = wall_before.elapsed();
    assert!(
        cpu < wall / 4,
        "starved {name} used {cpu:?} of CPU in {wall:?}"
    );
    // And it said so once, not once per try.
    let said = server
        .printed_so_far()
        .iter()
        .filter(|line| line.text.contains("Too many open files"))
        .count();
    assert_eq!(said, 1, "{name} repeated itself");
    (server, clients)
}

#[test]
fn hello_server_serves_again_once_descriptors_free_up() {
    let (mut server, mut clients) = starve("hello_server");
    // Each client in turn is answered, and leaves: a departure frees a
    // descriptor for one that waited.
    for (n, client) in clients.iter_mut().enumerate() {
        client.write_all(b"hello?\n").unwrap();
        let mut answer = [0; 13];
        client
            .read_exact(&mut answer)
            .unwrap_or_else(|err| panic!("client {n} of {CLIENTS} got no answer: {err}"));
        assert_eq!(&answer, b"Hello World!\n");
        client.shutdown(Shutdown::Both).unwrap();
    }
    server.wait_for("accepting connections again");
}

#[test]
fn the_ticker_server_accepts_again_once_descriptors_free_up() {
    let (mut ticker, clients) = starve("loopy");
    // Each client in turn is accepted, and leaves.
    for client in clients {
        let addr = client.local_addr().unwrap();
        ticker.wait_for(&format!("Accept from {addr}"));
        drop(client);
    }
    ticker.wait_for("accepting connections again");
}
