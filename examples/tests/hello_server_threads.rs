//! `hello_server --threads 2`: two loops, each with its own listener on the
//! shared port; every client is answered, whichever loop the kernel gave
//! it; SIGTERM stops both loops, each saying goodbye to its own clients,
//! and the process exits with status 0. A port of 0 cannot be shared.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;

use rustix::process::Signal;
use support::{connect, free_port, read_to_end, Example};

const HELLO: &str = "Hello World!\n";

/// Clients: enough that both loops almost surely get some (the chance that
/// the kernel's hash gives all of them to one loop is 2 × (1/2)^16).
const CLIENTS: usize = 16;

#[test]
fn two_loops_share_the_port_and_sigterm_stops_both() {
    let port = free_port().to_string();
    let mut server = Example::start("hello_server", &["--port", &port, "--threads", "2"]);
    server.wait_for(&format!("Listening on 127.0.0.1:{port} (loop 0 of 2,"));
    server.wait_for(&format!("Listening on 127.0.0.1:{port} (loop 1 of 2,"));

    let port = port.parse().unwrap();
    let mut clients: Vec<TcpStream> = (0..CLIENTS).map(|_| connect(port)).collect();
    for client in &mut clients {
        client.write_all(b"hello?\n").unwrap();
        let mut answer = vec![0; HELLO.len()];
        client.read_exact(&mut answer).unwrap();
        assert_eq!(answer, HELLO.as_bytes());
    }

    server.signal(Signal::TERM);
    for client in &mut clients {
        assert_eq!(
            read_to_end(client),
            "The server is shutting down. Goodbye!\n"
        );
    }
    // Each loop closes its own clients (both had some), and together they
    // closed them all.
    let lines = server.all_lines();
    let closed: Vec<usize> = lines
        .iter()
        .filter_map(|line| {
            line.text
                .strip_prefix("SIGTERM: no longer accepting; closing ")
        })
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(closed.len(), 2, "{closed:?}");
    assert!(closed.iter().all(|&n| n > 0), "{closed:?}");
    assert_eq!(closed.iter().sum::<usize>(), CLIENTS);
    let stopped = lines.iter().filter(|line| line.text == "Stopped").count();
    assert_eq!(stopped, 2, "both loops stopped");
    assert!(server.exit_status().success());
}

#[test]
fn port_0_cannot_be_shared_by_threads() {
    let mut server = Example::start("hello_server", &["--threads", "2", "--port", "0"]);
    server.wait_for("--port 0 cannot be shared by --threads; choose a port");
    assert_eq!(server.exit_status().code(), Some(2));
}
