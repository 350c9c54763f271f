//! A port served with `--threads` belongs to one process: a second
//! `hello_server` on the same port, with or without `--threads`, fails as
//! it would against any taken port, with the address named once and
//! status 1, and the first server goes on alone.

mod support;

use std::io::{Read, Write};

use rustix::process::Signal;
use support::{connect, free_port, Example, Stream};

/// Runs a second server on `port` with `threads` to its end; it must fail.
fn second_server_fails(port: &str, threads: &str) {
    let mut second = Example::start("hello_server", &["--port", port, "--threads", threads]);
    let status = second.exit_status();
    let lines = second.all_lines();
    let errors: Vec<&str> = lines
        .iter()
        .filter(|line| line.stream == Stream::Stderr)
        .map(|line| line.text.as_str())
        .collect();
    assert_eq!(status.code(), Some(1), "{lines:?}");
    assert_eq!(
        errors,
        [format!(
            "hello_server: cannot listen on 127.0.0.1:{port}: Address already in use (os error 98); \
             choose another with --port"
        )],
        "one line, naming the address once"
    );
    assert!(
        !lines.iter().any(|line| line.text.starts_with("Listening")),
        "{lines:?}"
    );
}

#[test]
fn a_second_server_on_a_shared_port_is_refused() {
    let port = free_port().to_string();
    let mut first = Example::start("hello_server", &["--port", &port, "--threads", "2"]);
    first.wait_for(&format!("Listening on 127.0.0.1:{port} (loop 0 of 2,"));
    first.wait_for(&format!("Listening on 127.0.0.1:{port} (loop 1 of 2,"));

    second_server_fails(&port, "2");
    second_server_fails(&port, "1");

    // The first server still answers, on every connection.
    for _ in 0..8 {
        let mut client = connect(port.parse().unwrap());
        client.write_all(b"hi\n").unwrap();
        let mut answer = [0; 13];
        client.read_exact(&mut answer).unwrap();
        assert_eq!(&answer, b"Hello World!\n");
    }
    first.signal(Signal::TERM);
    assert!(first.exit_status().success());
}
