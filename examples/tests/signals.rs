//! The two servers take SIGTERM, as a service manager or `kill` sends it,
//! the way they take Ctrl-C: they stop accepting, the hello server says
//! goodbye to every client, and both exit with status 0. SIGQUIT (`Ctrl-\`)
//! makes them print their tasks, by name, and carry on.

mod support;

use std::io::{Read, Write};

use rustix::process::Signal;
use support::{connect, free_port, read_to_end, Example, Line, Stream};

/// Starts the server `name` on a free port and waits until it listens.
fn start_server(name: &str) -> (Example, u16) {
    let port = free_port();
    let mut server = Example::start(name, &["--port", &port.to_string()]);
    server.expect(&format!("Listening on 127.0.0.1:{port}"));
    (server, port)
}

#[test]
fn sigterm_ends_hello_server_with_goodbyes_and_status_0() {
    let (mut server, port) = start_server("hello_server");
    let mut clients = [connect(port), connect(port)];
    server.wait_for("(2 connected)");
    server.signal(Signal::TERM);
    for client in &mut clients {
        assert_eq!(
            read_to_end(client),
            "The server is shutting down. Goodbye!\n"
        );
    }
    server.expect("SIGTERM: no longer accepting; closing 2 client(s)");
    server.expect("Stopped");
    assert_eq!(server.exit_status().code(), Some(0));
}

#[test]
fn sigterm_ends_the_ticker_server_with_status_0() {
    let (mut ticker, port) = start_server("loopy");
    let client = connect(port);
    ticker.wait_for(&format!("Accept from {}", client.local_addr().unwrap()));
    ticker.signal(Signal::TERM);
    ticker.expect("SIGTERM: no longer accepting; stopping");
    // Its client is cancelled on the way out, and says so.
    ticker.expect(&format!("Closed {}", client.local_addr().unwrap()));
    ticker.expect("Stopped");
    assert_eq!(ticker.exit_status().code(), Some(0));
}

/// Sends SIGQUIT and returns the rows of the task dump that follows, after
/// its header; `rows` names the tasks expected, in order of their ids.
fn dump(server: &mut Example, rows: &[&str]) -> Vec<Line> {
    server.signal(Signal::QUIT);
    let header = server.expect("spawned at");
    assert!(header.text.starts_with("task "), "{header:?}");
    assert_eq!(header.stream, Stream::Stderr);
    server.expect("block_on's future");
    rows.iter().map(|row| server.expect(row)).collect()
}

#[test]
fn sigquit_makes_hello_server_list_its_clients_and_carry_on() {
    let (mut server, port) = start_server("hello_server");
    let mut clients = [connect(port), connect(port)];
    server.wait_for("(2 connected)");

    let rows = dump(&mut server, &["\"acceptor\"", "\"client\"", "\"client\""]);
    for row in &rows[1..] {
        // Each client's task waits for its next line, or its idle timeout,
        // and was spawned by the acceptor.
        assert!(row.text.contains("waiting: fd"), "{row:?}");
        assert!(row.text.contains("examples/hello_server.rs:"), "{row:?}");
    }

    // It carries on, and dumps again when asked again.
    for client in &mut clients {
        client.write_all(b"still there?\n").unwrap();
        let mut answer = [0; 13];
        client.read_exact(&mut answer).unwrap();
        assert_eq!(&answer, b"Hello World!\n");
    }
    dump(&mut server, &["\"acceptor\"", "\"client\"", "\"client\""]);
    server.interrupt();
    assert_eq!(server.exit_status().code(), Some(0));
}

#[test]
fn sigquit_makes_the_ticker_server_list_its_tasks_and_carry_on() {
    let (mut ticker, port) = start_server("loopy");
    let client = connect(port);
    ticker.wait_for(&format!("Accept from {}", client.local_addr().unwrap()));
    dump(&mut ticker, &["\"ticker\"", "\"acceptor\"", "\"client\""]);
    ticker.expect("Count: 1");
    ticker.signal(Signal::TERM);
    assert_eq!(ticker.exit_status().code(), Some(0));
}
