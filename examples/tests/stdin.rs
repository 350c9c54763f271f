//! A read from `loopy::io::stdin()` that is still waiting when the program's
//! main future returns does not keep the program from exiting, whether
//! stdin is a pipe (read through the poller) or a socket (read by a thread
//! blocked in `read`).
//!
//! The program is this test binary itself, started again as a child with
//! [`CHILD`] set to run only [`child_reads_a_line_then_returns`].

mod support;

use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::Example;

/// Set in the environment of the child; its value is the input's kind.
const CHILD: &str = "LOOPY_STDIN_TEST_CHILD";

/// Starts this binary as a child that runs only the child's half of the
/// tests, with `stdin`.
fn start_child(kind: &str, stdin: Stdio) -> Example {
    let mut command =
        Command::new(std::env::current_exe().expect("the test binary knows its path"));
    command
        .args([
            "child_reads_a_line_then_returns",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD, kind)
        .stdin(stdin);
    Example::spawn(command, &format!("the stdin child on a {kind}"))
}

/// Sends the child a line, and checks that it exits successfully while its
/// input is still open and a second read waits on it.
fn exits_with_a_read_pending(mut child: Example, input: &mut impl Write) {
    child.expect("child: reading");
    input.write_all(b"first line\n").unwrap();
    child.expect("child: got \"first line\"; now returning with a read pending");
    assert!(child.exit_status().success());
}

#[test]
fn main_returns_while_a_read_waits_on_a_pipe() {
    let mut child = start_child("pipe", Stdio::piped());
    let mut input = child.child().stdin.take().expect("stdin is piped");
    exits_with_a_read_pending(child, &mut input);
}

#[test]
fn main_returns_while_a_read_waits_on_a_socket() {
    let (mut input, stdin) = UnixStream::pair().unwrap();
    let child = start_child("socket", Stdio::from(OwnedFd::from(stdin)));
    exits_with_a_read_pending(child, &mut input);
}

/// The child's half: reads one line, leaves a task waiting for the next,
/// and returns. Does nothing unless started by the tests above.
#[test]
#[ignore = "the child half of the other tests here, which run it in a child process"]
fn child_reads_a_line_then_returns() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    loopy::block_on(async {
        let mut lines = loopy::io::stdin().lines();
        println!("child: reading");
        let first = lines.next_line().await.unwrap().unwrap();
        let second = loopy::spawn(async move { lines.next_line().await });
        // Let the second read start and find nothing to read.
        loopy::sleep(Duration::from_millis(100)).await;
        assert!(!second.is_finished());
        println!("child: got {first:?}; now returning with a read pending");
    });
}
