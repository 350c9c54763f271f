//! A server whose accept loop ends, here because its listening socket is
//! shut down from outside, ends too, with the reason and status 1, instead
//! of living on deaf; the hello server still says goodbye to its clients.

mod support;

use std::net::Shutdown;

use support::{connect, free_port, read_to_end, Example, Stream};

/// Starts `name` on a free port, shuts its listening socket down, and
/// checks that it exits with status 1 and says why.
fn shut_down_the_listener_of(name: &str, before: impl FnOnce(&mut Example, u16)) -> Example {
    let port = free_port();
    let mut server = Example::start(name, &["--port", &port.to_string()]);
    server.expect(&format!("Listening on 127.0.0.1:{port}"));
    before(&mut server, port);
    // The listener is shared with the test: shutting it down makes the
    // server's next accept fail for good (EINVAL).
    let listener = std::net::TcpListener::from(server.listener(port));
    rustix::net::shutdown(&listener, rustix::net::Shutdown::Both).unwrap();
    assert_eq!(server.exit_status().code(), Some(1));
    let last = server
        .all_lines()
        .into_iter()
        .rev()
        .find(|line| line.stream == Stream::Stderr)
        .expect("the server says why it ended");
    assert_eq!(
        last.text,
        format!("{name}: the server stopped accepting: Invalid argument (os error 22)")
    );
    server
}

#[test]
fn hello_server_ends_with_its_acceptor_and_says_goodbye() {
    let mut client = None;
    let mut server = shut_down_the_listener_of("hello_server", |server, port| {
        client = Some(connect(port));
        server.wait_for("(1 connected)");
    });
    let mut client = client.unwrap();
    assert_eq!(
        read_to_end(&mut client),
        "The server is shutting down. Goodbye!\n"
    );
    server.wait_for(
        "the server stopped accepting: Invalid argument (os error 22); closing 1 client(s)",
    );
    client.shutdown(Shutdown::Both).unwrap();
}

#[test]
fn the_ticker_server_ends_with_its_acceptor() {
    shut_down_the_listener_of("loopy", |_, _| {});
}
