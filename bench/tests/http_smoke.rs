//! The HTTP benchmark's server cannot rot: on each runtime, `http_server`
//! on port 0 answers two keep-alive requests on one connection with
//! `Hello, World!`, and on SIGTERM exits with status 0.
//!
//! `cargo test` builds the package's examples before its tests, into
//! `target/<profile>/examples/`, next to this test's `deps/`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The longest any read waits before the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// The `http_server` example, built beside this test.
fn http_server() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    deps.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join("http_server")
}

/// The server process, killed if the test fails before it exits.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads one response with a `content-length` body from `reader`; returns
/// its status line and body.
fn read_response(reader: &mut BufReader<TcpStream>) -> (String, String) {
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut length = None;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.trim().parse::<usize>().unwrap());
            }
        }
    }
    let mut body = vec![0; length.expect("a content-length header")];
    reader.read_exact(&mut body).unwrap();
    (
        status.trim_end().to_owned(),
        String::from_utf8(body).unwrap(),
    )
}

/// How `child` exited, waiting at most `PATIENCE`.
///
/// # Panics
///
/// If it is still running after that.
fn exit_status(child: &mut Child) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    while start.elapsed() < PATIENCE {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("still running {} s after SIGTERM", PATIENCE.as_secs());
}

#[test]
fn every_runtime_answers_keep_alive_requests_and_stops_on_sigterm() {
    for runtime in ["loopy", "tokio", "tokio-local"] {
        let mut server = Server(
            Command::new(http_server())
                .args(["--runtime", runtime, "--port", "0"])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let mut stdout = BufReader::new(server.0.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{runtime}: {line:?}"));

        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        // Two requests on one connection: the second is served only if
        // the connection was kept alive.
        for path in ["/", "/again"] {
            write!(writer, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
            let (status, body) = read_response(&mut reader);
            assert_eq!(status, "HTTP/1.1 200 OK", "{runtime} {path}");
            assert_eq!(body, "Hello, World!", "{runtime} {path}");
        }

        rustix::process::kill_process(
            rustix::process::Pid::from_child(&server.0),
            rustix::process::Signal::TERM,
        )
        .unwrap();
        assert!(exit_status(&mut server.0).success(), "{runtime}");
    }
}
