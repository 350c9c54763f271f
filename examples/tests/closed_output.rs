//! A closed stdout (`cargo run --example NAME | head -1`) ends every
//! example that prints its results there with one line on stderr and
//! status 1: no panic, no backtrace, no server left running deaf. Where the
//! output is only a log (fib's heartbeat, the ticker server's log on
//! stderr), a closed one is ignored and the program carries on.

mod support;

use std::io::Write;
use std::process::Stdio;

use support::{connect, free_port, Example, Line, Stream};

/// Checks that `example` ended with status 1 and said, in one line on
/// stderr, that its stdout was closed, and nothing about a panic.
fn ends_saying_stdout_is_closed(mut example: Example, name: &str) {
    assert_eq!(example.exit_status().code(), Some(1));
    let stderr: Vec<Line> = example
        .all_lines()
        .into_iter()
        .filter(|line| line.stream == Stream::Stderr)
        .collect();
    let said: Vec<&str> = stderr
        .iter()
        .map(|line| line.text.as_str())
        .filter(|text| text.contains("stdout") || text.contains("panicked"))
        .collect();
    assert_eq!(
        said,
        [format!(
            "{name}: cannot write to stdout: Broken pipe (os error 32); stopping"
        )],
        "{name} printed on stderr: {stderr:#?}"
    );
}

#[test]
fn demos_and_scheduler_stop_when_stdout_closes() {
    for name in ["demos", "scheduler"] {
        let example = Example::spawn_with_head(Example::command(name), name, Stream::Stdout, 1);
        ends_saying_stdout_is_closed(example, name);
    }
}

#[test]
fn fib_stops_at_its_first_answer_after_stdout_closes() {
    let mut command = Example::command("fib");
    command.stdin(Stdio::piped());
    let mut fib = Example::spawn_with_head(command, "fib", Stream::Stdout, 0);
    let mut input = fib.child().stdin.take().expect("stdin is piped");
    input.write_all(b"10\n").unwrap();
    ends_saying_stdout_is_closed(fib, "fib");
}

#[test]
fn hello_server_stops_instead_of_going_deaf_when_stdout_closes() {
    let port = free_port();
    let mut command = Example::command("hello_server");
    command.args(["--port", &port.to_string()]);
    // The reader takes the "Listening" line and goes away.
    let mut server = Example::spawn_with_head(command, "hello_server", Stream::Stdout, 1);
    server.expect("Listening on");
    // The next line, for this client's connection, finds stdout closed.
    let _client = connect(port);
    ends_saying_stdout_is_closed(server, "hello_server");
}

#[test]
fn fib_goes_on_when_the_heartbeat_has_no_reader() {
    let mut command = Example::command("fib");
    command.arg("--naive").stdin(Stdio::piped());
    // Nobody reads stderr: the greeting already finds it closed.
    let mut fib = Example::spawn_with_head(command, "fib", Stream::Stderr, 0);
    let mut input = fib.child().stdin.take().expect("stdin is piped");
    // Long enough (most of a second, or more) for heartbeats to find
    // stderr closed too.
    input.write_all(b"40\n").unwrap();
    fib.expect("fib(40) = 102334155");
    drop(input);
    assert!(fib.exit_status().success());
}

#[test]
fn the_ticker_server_goes_on_when_its_log_has_no_reader() {
    let port = free_port();
    let mut command = Example::command("loopy");
    command.args(["--port", &port.to_string()]);
    // The reader takes the log's first line and goes away.
    let mut ticker = Example::spawn_with_head(command, "loopy", Stream::Stderr, 1);
    ticker.expect("Listening on");
    let mut client = connect(port);
    client.write_all(b"anyone there?\n").unwrap();
    // Ctrl-C, logged to nobody, still ends it well.
    ticker.interrupt();
    assert!(ticker.exit_status().success());
}
