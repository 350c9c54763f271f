//! The HTTP hello server, driven by `curl` and by raw sockets: keep-alive
//! with several requests on one connection, HTTP/1.0, a 10 MB upload with
//! `Expect: 100-continue` answered with its checksum, a malformed request
//! answered with 400 while the server lives on, headers sent too slowly
//! cut off by `header_read_timeout`, a clean Ctrl-C, a request still in
//! flight cut off after the grace period, and two loops on one port
//! (`--threads 2`) that SIGTERM stops together.
//!
//! Needs `curl` (`.ci/run` installs it) and the examples' `hyper` feature:
//! `cargo test -p loopy-examples --features hyper --test http_hello`.

mod support;

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use support::{connect, free_port, read_to_end, Example};

/// Starts the server on a free port with `args` and waits until it listens.
fn start_server(args: &[&str]) -> (Example, u16) {
    let port = free_port();
    let port_arg = port.to_string();
    let mut all_args = vec!["--port", port_arg.as_str()];
    all_args.extend_from_slice(args);
    let mut server = Example::start("http_hello", &all_args);
    server.expect(&format!("Listening on http://127.0.0.1:{port}"));
    (server, port)
}

/// Runs curl with `args` and returns what it printed on stdout.
fn curl(args: &[&str]) -> String {
    curl_with_stderr(args).0
}

/// Runs curl with `args` and returns what it printed on stdout and stderr.
fn curl_with_stderr(args: &[&str]) -> (String, String) {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "20"])
        .args(args)
        .output()
        .expect("curl must be installed (apt-get install curl)");
    assert!(output.status.success(), "curl {args:?} failed: {output:?}");
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (text(output.stdout), text(output.stderr))
}

/// The server's checksum, computed here on our own: 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn a_10_mb_upload_with_expect_100_continue_gets_its_checksum_back() {
    let (_server, port) = start_server(&[]);
    let body: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let file = std::env::temp_dir().join(format!("loopy-http-upload-{}", std::process::id()));
    std::fs::write(&file, &body).unwrap();
    let data = format!("@{}", file.display());
    let url = format!("http://127.0.0.1:{port}/upload");
    let (printed, trace) = curl_with_stderr(&[
        "--verbose",
        "--header",
        "Expect: 100-continue",
        "--data-binary",
        &data,
        &url,
    ]);
    std::fs::remove_file(&file).unwrap();
    assert!(trace.contains("HTTP/1.1 100 Continue"), "{trace}");
    assert_eq!(
        printed,
        format!("{} bytes, FNV-1a {:016x}\n", body.len(), fnv1a(&body))
    );
}

#[test]
fn curl_sends_several_requests_on_one_kept_alive_connection() {
    let (mut server, port) = start_server(&[]);
    let url = format!("http://127.0.0.1:{port}/");
    // After each response curl prints how many connections it opened for it.
    let printed = curl(&["--write-out", "|%{num_connects}\n", &url, &url, &url]);
    assert_eq!(
        printed,
        "Hello, World!|1\nHello, World!|0\nHello, World!|0\n"
    );
    server.wait_for("served 3 request(s)");
}

#[test]
fn curl_speaking_http_1_0_gets_an_answer() {
    let (_server, port) = start_server(&[]);
    let url = format!("http://127.0.0.1:{port}/");
    let printed = curl(&["--http1.0", "--include", &url]);
    assert!(printed.starts_with("HTTP/1.0 200 OK\r\n"), "{printed}");
    assert!(printed.ends_with("\r\n\r\nHello, World!"), "{printed}");
}

#[test]
fn a_malformed_request_gets_400_and_the_server_lives_on() {
    let (_server, port) = start_server(&[]);
    let mut client = connect(port);
    client.write_all(b"NOT HTTP AT ALL\r\n\r\n").unwrap();
    let answer = read_to_end(&mut client);
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );

    let url = format!("http://127.0.0.1:{port}/");
    assert_eq!(curl(&[&url]), "Hello, World!");
}

#[test]
fn headers_sent_too_slowly_are_cut_off() {
    let (mut server, port) = start_server(&["--header-timeout", "1"]);
    let mut client = connect(port);
    let start = Instant::now();
    client.write_all(b"GET / HTTP/1.1\r\nHost: lo").unwrap();
    // The rest of the headers never comes: the server hangs up.
    let mut rest = Vec::new();
    client
        .read_to_end(&mut rest)
        .expect("the server closes the connection before the read timeout");
    assert!(start.elapsed() >= Duration::from_secs(1));
    server.wait_for("served 0 request(s), then:");

    let url = format!("http://127.0.0.1:{port}/");
    assert_eq!(curl(&[&url]), "Hello, World!");
}

#[test]
fn ctrl_c_closes_kept_alive_connections_and_exits_0() {
    // A grace period and header timeout longer than the harness waits:
    // only hyper's graceful shutdown can close the idle connection in time.
    let (mut server, port) = start_server(&["--grace", "60", "--header-timeout", "60"]);
    let mut client = connect(port);
    get_hello(&mut client);
    // The connection is idle, kept alive: Ctrl-C must close it.
    server.interrupt();
    server.expect("Ctrl-C: no longer accepting; finishing 1 connection(s)");
    assert_eq!(read_to_end(&mut client), "");
    server.expect("Stopped");
    assert!(server.exit_status().success());
}

#[test]
fn a_request_still_in_flight_after_the_grace_period_is_cut_off() {
    let (mut server, port) = start_server(&["--grace", "1"]);
    let mut client = connect(port);
    // A POST whose body never ends: the request stays in flight. Its
    // `100 Continue` says the server is reading the body.
    client
        .write_all(b"POST / HTTP/1.1\r\nHost: loopy\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
        .unwrap();
    let mut go_on = [0; 25];
    client.read_exact(&mut go_on).unwrap();
    assert_eq!(&go_on, b"HTTP/1.1 100 Continue\r\n\r\n");
    client.write_all(b"half").unwrap();
    server.interrupt();
    server.expect("Ctrl-C: no longer accepting; finishing 1 connection(s)");
    server.expect("1 s grace period over; closed the 1 connection(s) left");
    server.expect("Stopped");
    assert!(server.exit_status().success());
    let _ = read_to_end(&mut client);
}

/// Reads one response to a `GET /` on `client`, up to its body.
fn get_hello(client: &mut std::net::TcpStream) {
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: loopy\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0; 1024];
    while !answer.ends_with(b"Hello, World!") {
        let n = client.read(&mut buf).unwrap();
        assert!(n > 0, "the server closed mid-response");
        answer.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn two_loops_share_the_port_and_sigterm_stops_both() {
    // Enough connections that both loops almost surely get some (all to
    // one loop has a chance of 2 × (1/2)^16).
    const CONNECTIONS: usize = 16;
    let port = free_port();
    let port_arg = port.to_string();
    let mut server = Example::start(
        "http_hello",
        &["--port", &port_arg, "--threads", "2", "--grace", "60"],
    );
    server.wait_for(&format!(
        "Listening on http://127.0.0.1:{port} (loop 0 of 2,"
    ));
    server.wait_for(&format!(
        "Listening on http://127.0.0.1:{port} (loop 1 of 2,"
    ));
    let mut clients: Vec<_> = (0..CONNECTIONS).map(|_| connect(port)).collect();
    for client in &mut clients {
        get_hello(client);
    }

    // Every connection is idle and kept alive: each loop closes its own.
    server.signal(rustix::process::Signal::TERM);
    for client in &mut clients {
        assert_eq!(read_to_end(client), "");
    }
    let lines = server.all_lines();
    let finished: Vec<usize> = lines
        .iter()
        .filter_map(|line| {
            line.text
                .strip_prefix("SIGTERM: no longer accepting; finishing ")
        })
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(finished.len(), 2, "{finished:?}");
    assert!(finished.iter().all(|&n| n > 0), "{finished:?}");
    assert_eq!(finished.iter().sum::<usize>(), CONNECTIONS);
    let stopped = lines.iter().filter(|line| line.text == "Stopped").count();
    assert_eq!(stopped, 2, "both loops stopped");
    assert!(server.exit_status().success());
}

#[test]
fn port_0_cannot_be_shared_by_threads() {
    let mut server = Example::start("http_hello", &["--threads", "2", "--port", "0"]);
    server.wait_for("--port 0 cannot be shared by --threads; choose a port");
    assert_eq!(server.exit_status().code(), Some(2));
}
