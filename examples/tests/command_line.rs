//! Every example answers `--help` with its usage on stdout and status 0,
//! and an argument it does not know with what was wrong and its usage on
//! stderr and status 2, the same way; a server whose port is taken says
//! which address and what to do, with status 1.

mod support;

use std::net::TcpListener;

use support::{Example, Line, Stream};

/// The five examples.
const EXAMPLES: [&str; 5] = ["demos", "hello_server", "scheduler", "fib", "loopy"];

/// Runs `name` with `args` to its end: its status code and what it printed.
fn run(name: &str, args: &[&str]) -> (Option<i32>, Vec<Line>) {
    let mut example = Example::start(name, args);
    let status = example.exit_status();
    (status.code(), example.all_lines())
}

/// The texts of `lines` printed on `stream`.
fn texts(lines: &[Line], stream: Stream) -> Vec<&str> {
    lines
        .iter()
        .filter(|line| line.stream == stream)
        .map(|line| line.text.as_str())
        .collect()
}

#[test]
fn help_prints_the_usage_on_stdout_and_exits_0() {
    for name in EXAMPLES {
        for flag in ["--help", "-h"] {
            let (status, lines) = run(name, &[flag]);
            assert_eq!(status, Some(0), "{name} {flag}: {lines:#?}");
            let stdout = texts(&lines, Stream::Stdout);
            assert!(
                stdout[0].starts_with(&format!("usage: {name}")),
                "{name} {flag}: {lines:#?}"
            );
            assert!(
                stdout.iter().any(|text| text.contains("--help")),
                "{name} {flag}: {lines:#?}"
            );
            assert_eq!(
                texts(&lines, Stream::Stderr),
                [] as [&str; 0],
                "{name} {flag}"
            );
        }
    }
}

#[test]
fn an_unknown_argument_prints_the_usage_on_stderr_and_exits_2() {
    for name in EXAMPLES {
        let (status, lines) = run(name, &["--bogus"]);
        assert_eq!(status, Some(2), "{name}: {lines:#?}");
        assert_eq!(texts(&lines, Stream::Stdout), [] as [&str; 0], "{name}");
        let stderr = texts(&lines, Stream::Stderr);
        assert_eq!(stderr[0], format!("{name}: unknown argument \"--bogus\""));
        assert!(
            stderr[1].starts_with(&format!("usage: {name}")),
            "{name}: {lines:#?}"
        );
        // The usage on stderr is the one --help prints.
        let (_, help) = run(name, &["--help"]);
        assert_eq!(stderr[1..], texts(&help, Stream::Stdout)[..], "{name}");
    }
}

#[test]
fn a_bad_value_says_what_was_wrong() {
    let (status, lines) = run("hello_server", &["--port", "eighty"]);
    assert_eq!(status, Some(2));
    assert_eq!(
        texts(&lines, Stream::Stderr)[0],
        "hello_server: --port: \"eighty\" is not a port number"
    );
    let (status, lines) = run("hello_server", &["--idle-timeout"]);
    assert_eq!(status, Some(2));
    assert_eq!(
        texts(&lines, Stream::Stderr)[0],
        "hello_server: --idle-timeout needs a number of seconds"
    );
}

#[test]
fn a_port_in_use_is_named_with_the_way_out_and_status_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for name in ["hello_server", "loopy"] {
        let (status, lines) = run(name, &["--port", &port]);
        assert_eq!(status, Some(1), "{name}: {lines:#?}");
        assert_eq!(
            texts(&lines, Stream::Stderr),
            [format!(
                "{name}: cannot listen on 127.0.0.1:{port}: Address already in use (os error 98); \
                 choose another with --port"
            )]
        );
    }
}
