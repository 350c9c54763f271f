//! A server out of file descriptors (`ulimit -n 30`, more clients than
//! that) says so once, waits without spinning, and serves the clients
//! that waited as soon as earlier ones leave.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use loopy_examples::{connect, free_port, limit_descriptors, Example};

/// The descriptor limit the server runs with.
const LIMIT: u64 = 30;

/// More clients than the server has descriptors for.
const CLIENTS: usize = 40;

/// What the acceptor says when it runs out.
const OUT_OF_DESCRIPTORS: &str =
    "cannot accept a connection: Too many open files (os error 24); trying again every 100 ms";

#[test]
fn hello_server_serves_again_once_descriptors_free_up() {
    let port = free_port();
    let mut command = Example::command("hello_server");
    command.args(["--port", &port.to_string()]);
    limit_descriptors(&mut command, LIMIT);
    let mut server = Example::spawn(command, "hello_server");
    server.expect(&format!("Listening on 127.0.0.1:{port}"));

    // The kernel completes every connection into the listener's backlog;
    // the server accepts until it has no descriptor left.
    let mut clients: Vec<TcpStream> = (0..CLIENTS).map(|_| connect(port)).collect();
    server.wait_for(OUT_OF_DESCRIPTORS);

    // Starved, it retries now and then instead of spinning: over a second
    // it uses far less than a second of CPU.
    let (cpu_before, wall_before) = (server.cpu_time(), Instant::now());
    thread::sleep(Duration::from_secs(1));
    let cpu = server.cpu_time() - cpu_before;
    let wall = wall_before.elapsed();
    assert!(
        cpu < wall / 4,
        "the starved server used {cpu:?} of CPU in {wall:?}"
    );
    // And it said so once, not once per try.
    let said = server
        .printed_so_far()
        .iter()
        .filter(|line| line.text.contains("Too many open files"))
        .count();
    assert_eq!(said, 1);

    // Each client in turn is answered, and leaves: a departure frees a
    // descriptor for one that waited.
    for (n, client) in clients.iter_mut().enumerate() {
        client.write_all(b"hello?\n").unwrap();
        let mut answer = [0; 13];
        client
            .read_exact(&mut answer)
            .unwrap_or_else(|err| panic!("client {n} of {CLIENTS} got no answer: {err}"));
        assert_eq!(&answer, b"Hello World!\n");
        client.shutdown(std::net::Shutdown::Both).unwrap();
    }
    server.wait_for("accepting connections again");
    drop(clients);

    // Served again from scratch: a newcomer gets its answer.
    let mut newcomer = connect(port);
    newcomer.write_all(b"and me?\n").unwrap();
    let mut answer = [0; 13];
    newcomer.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"Hello World!\n");
}
