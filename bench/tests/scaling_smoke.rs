//! The "Scaling out" programs cannot rot: for each design, `echo_server`
//! with two threads serves `echo_load` (tiny sizes), prints a table row,
//! and on SIGINT stops, saying how many connections each loop accepted.
//!
//! `cargo test` builds the package's examples before its tests, into
//! `target/<profile>/examples/`, next to this test's `deps/`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The longest any wait lasts before the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// Connections the load opens, on two client threads.
const CONNECTIONS: usize = 8;

/// A built example of this package.
fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    deps.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name)
}

/// The server process, killed if the test fails before it exits.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_design_serves_the_load_and_reports_its_loops() {
    for (design, listeners) in [("loopy", 2), ("tokio-multi", 1), ("tokio-current", 2)] {
        // A port that was free a moment ago.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
            .to_string();
        let mut server = Server(
            Command::new(example("echo_server"))
                .args(["--runtime", design, "--threads", "2", "--port", &port])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let lines = read_lines(&mut server.0);
        for _ in 0..listeners {
            let line = lines.recv_timeout(PATIENCE).unwrap();
            assert!(line.contains("listening on"), "{design}: {line}");
        }

        let load = Command::new(example("echo_load"))
            .args(["--port", &port, "--pid", &server.0.id().to_string()])
            .args(["--connections", &CONNECTIONS.to_string(), "--clients", "2"])
            .args(["--rounds", "20", "--reps", "1"])
            .output()
            .unwrap();
        assert!(load.status.success(), "{design}: {load:?}");
        let row = String::from_utf8(load.stdout).unwrap();
        assert_eq!(row.matches('|').count(), 6, "{design}: {row}");

        rustix::process::kill_process(
            rustix::process::Pid::from_child(&server.0),
            rustix::process::Signal::INT,
        )
        .unwrap();
        let accepted: Vec<usize> = (0..listeners)
            .map(|_| {
                let line = lines.recv_timeout(PATIENCE).unwrap();
                let count = line
                    .split_once(": accepted ")
                    .map(|(_, n)| n.parse().unwrap());
                count.unwrap_or_else(|| panic!("{design}: {line}"))
            })
            .collect();
        assert_eq!(accepted.iter().sum::<usize>(), CONNECTIONS, "{design}");
        assert!(server.0.wait().unwrap().success(), "{design}");
    }
}

/// The child's stdout, line by line, as a thread reads it.
fn read_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines() {
            if send.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    lines
}
