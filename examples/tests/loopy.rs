//! The ticker server logs a count every second with a timestamp, and every
//! client's connection, chunks and close, while several clients talk at
//! once; Ctrl-C ends it with status 0.

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use support::{connect, free_port, Example};

#[test]
fn counts_logs_every_client_and_stops_on_ctrl_c() {
    let port = free_port();
    let mut ticker = Example::start("loopy", &["--port", &port.to_string()]);
    ticker.expect(&format!("Listening on 127.0.0.1:{port}"));

    let clients: Vec<TcpStream> = (0..3).map(|_| connect(port)).collect();
    for (n, mut client) in clients.iter().enumerate() {
        let addr = client.local_addr().unwrap();
        ticker.wait_for(&format!("Accept from {addr}"));
        client
            .write_all(format!("hello from {n}\n").as_bytes())
            .unwrap();
    }
    for (n, client) in clients.iter().enumerate() {
        let addr = client.local_addr().unwrap();
        ticker.wait_for(&format!("Recvd (from {addr}): b'hello from {n}\\n'"));
    }
    // Bytes that are not printable ASCII are escaped, as Python prints them.
    (&clients[0]).write_all(b"tab\there \xff").unwrap();
    let addr = clients[0].local_addr().unwrap();
    ticker.wait_for(&format!("Recvd (from {addr}): b'tab\\there \\xff'"));
    for client in clients {
        let addr = client.local_addr().unwrap();
        drop(client);
        ticker.wait_for(&format!("Closed {addr}"));
    }
    // A client that resets its connection is logged and closed, and the
    // server goes on.
    let resetting = connect(port);
    let addr = resetting.local_addr().unwrap();
    ticker.wait_for(&format!("Accept from {addr}"));
    rustix::net::sockopt::set_socket_linger(&resetting, Some(Duration::ZERO)).unwrap();
    drop(resetting);
    ticker.wait_for(&format!("Closed {addr}"));

    let first = ticker.expect("INFO  Count: 1");
    let second = ticker.expect("INFO  Count: 2");
    assert!(
        is_timestamped(&first.text),
        "{:?} has no timestamp",
        first.text
    );
    assert!(
        second.at.duration_since(first.at) + Duration::from_millis(500) >= Duration::from_secs(1)
    );

    ticker.interrupt();
    ticker.expect("Ctrl-C: no longer accepting; stopping");
    assert!(ticker.exit_status().success());
}

/// Whether `line` starts with a time of day, `HH:MM:SS.mmmZ `.
fn is_timestamped(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 14
        && bytes.iter().take(12).enumerate().all(|(i, &byte)| match i {
            2 | 5 => byte == b':',
            8 => byte == b'.',
            _ => byte.is_ascii_digit(),
        })
        && &line[12..14] == "Z "
}
