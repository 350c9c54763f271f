//! `hello_server --idle-timeout 2`: a client that sends lines but never
//! reads the answers is idle too. Once its receive buffer and the server's
//! send buffer are full, the reply waits for room; after the idle timeout
//! the server disconnects it, as it does a client that stops sending.

mod support;

use std::io::Write;
use std::thread;

use support::{connect, free_port, Example};

#[test]
fn a_client_that_never_reads_is_disconnected_after_the_idle_timeout() {
    let port = free_port();
    let mut server = Example::start(
        "hello_server",
        &["--port", &port.to_string(), "--idle-timeout", "2"],
    );
    server.wait_for("Listening on");

    let mut client = connect(port);
    // Sends empty lines (13 bytes of answer for each byte sent) until the
    // server closes the connection; reads nothing.
    let writer = thread::spawn(move || {
        let lines = [b'\n'; 64 * 1024];
        let mut sent = 0usize;
        while client.write_all(&lines).is_ok() {
            sent += lines.len();
        }
        sent
    });
    server.wait_for("was idle for 2 s, disconnected");
    // The writer sees the connection go (a reset or a broken pipe).
    let sent = writer.join().unwrap();
    assert!(sent > 0);
}
