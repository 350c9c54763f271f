//! The fib example reads stdin through the loop: an answer or an error line
//! for every line, a heartbeat that never stops (not while waiting for
//! input, not while `--naive` computes) except when `--inline` computes on
//! the loop itself, which loopy then warns of, status 0 at the end of input, and
//! the shell's stdin left as it was. Stdin is tried as a pipe, a terminal,
//! a socket, a regular file and `/dev/null`, which loopy reads in three
//! different ways.

mod support;

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::process::{ChildStdin, Stdio};
use std::time::Instant;

use rustix::process::Signal;
use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
use support::{Example, Stream};

/// Starts fib with `args`, reading from `stdin`.
fn start_fib(args: &[&str], stdin: Stdio) -> Example {
    let mut command = Example::command("fib");
    command.args(args).stdin(stdin);
    Example::spawn(command, "fib")
}

/// Starts fib reading from a pipe, and returns the pipe's writing end.
fn start_fib_on_a_pipe(args: &[&str]) -> (Example, ChildStdin) {
    let mut fib = start_fib(args, Stdio::piped());
    let input = fib.child().stdin.take().expect("stdin is piped");
    (fib, input)
}

/// Whether `fib`'s descriptor 0 (the description it shares with whoever
/// started it) is in non-blocking mode, as `/proc` tells.
fn stdin_is_nonblocking(fib: &mut Example) -> bool {
    let fdinfo = fs::read_to_string(format!("/proc/{}/fdinfo/0", fib.child().id()))
        .expect("/proc shows the child's descriptors");
    let flags = fdinfo
        .lines()
        .find_map(|line| line.strip_prefix("flags:"))
        .expect("fdinfo has a flags line");
    let flags = u32::from_str_radix(flags.trim(), 8).expect("the flags are octal");
    flags & rustix::fs::OFlags::NONBLOCK.bits() != 0
}

/// Sends each of `questions` and waits for the answer that goes with it.
fn ask(fib: &mut Example, input: &mut impl Write, questions: &[(&[u8], &str)]) {
    for (question, answer) in questions {
        input.write_all(question).unwrap();
        fib.expect(answer);
    }
}

/// What every kind of stdin is asked, and what fib answers.
const QUESTIONS: &[(&[u8], &str)] = &[
    (b"10\n", "fib(10) = 55"),
    (b"0\n1\n", "fib(1) = 1"),
    (
        b"186\n",
        "fib(186) = 332825110087067562321196029789634457848",
    ),
    (
        b"187\n",
        "error: fib(187) does not fit in 128 bits; the largest is fib(186)",
    ),
    (
        b"ten\n",
        "error: \"ten\" is not a whole number from 0 to 186",
    ),
    (b"-1\n", "error: \"-1\" is not a whole number from 0 to 186"),
    (b"\xff\xfe\n", "error: that line is not valid UTF-8"),
    (b"  7 \r\n", "fib(7) = 13"),
];

#[test]
fn answers_lines_from_a_pipe_and_leaves_the_pipe_blocking() {
    let (mut fib, mut input) = start_fib_on_a_pipe(&[]);
    // Waiting for input blocks nothing: the heartbeat ticks.
    fib.wait_for("heartbeat 2: the loop is alive");
    ask(&mut fib, &mut input, QUESTIONS);
    // loopy reads the pipe through a description of its own; the one it
    // shares with its parent stays blocking.
    assert!(!stdin_is_nonblocking(&mut fib));

    // A last line without '\n' is answered at the end of input, and the
    // end of input ends the program with status 0.
    input.write_all(b"12").unwrap();
    drop(input);
    fib.expect("fib(12) = 144");
    assert!(fib.exit_status().success());
}

#[test]
fn answers_lines_from_a_socket() {
    // loopy cannot reopen a socket through /proc: a thread reads it.
    let (mut input, stdin) = UnixStream::pair().unwrap();
    let mut fib = start_fib(&[], Stdio::from(OwnedFd::from(stdin)));
    fib.wait_for("heartbeat 2: the loop is alive");
    ask(&mut fib, &mut input, QUESTIONS);
    input.write_all(b"12").unwrap();
    input.shutdown(std::net::Shutdown::Write).unwrap();
    fib.expect("fib(12) = 144");
    assert!(fib.exit_status().success());
}

#[test]
fn answers_lines_from_a_terminal_and_leaves_it_blocking() {
    // A new pseudo-terminal: we type at the master end, fib reads the other.
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let terminal = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(OsStr::from_bytes(name.as_bytes()))
        .unwrap();
    let mut fib = start_fib(&[], Stdio::from(terminal));
    let mut keyboard = fs::File::from(master);
    ask(&mut fib, &mut keyboard, QUESTIONS);
    assert!(!stdin_is_nonblocking(&mut fib));
    // Ctrl-D on an empty line is the end of input.
    keyboard.write_all(b"\x04").unwrap();
    assert!(fib.exit_status().success());
}

#[test]
fn answers_lines_from_a_file_and_from_dev_null() {
    let path = std::env::temp_dir().join(format!("loopy-fib-input-{}", std::process::id()));
    fs::write(&path, b"5\nfive\n6").unwrap();
    let mut fib = start_fib(&[], Stdio::from(fs::File::open(&path).unwrap()));
    fib.expect("fib(5) = 5");
    fib.expect("error: \"five\" is not a whole number");
    fib.expect("fib(6) = 8");
    assert!(fib.exit_status().success());
    fs::remove_file(&path).unwrap();

    let mut fib = start_fib(&[], Stdio::null());
    assert!(fib.exit_status().success());
    assert!(!fib
        .all_lines()
        .iter()
        .any(|line| line.text.contains("fib(")));
}

#[test]
fn ctrl_c_ends_fib_while_a_read_is_pending() {
    // On a pipe, read through the poller...
    let (mut fib, input) = start_fib_on_a_pipe(&[]);
    interrupt_while_reading(&mut fib);
    drop(input);
    // ...and on a socket, read by a thread blocked in `read`.
    let (input, stdin) = UnixStream::pair().unwrap();
    let mut fib = start_fib(&[], Stdio::from(OwnedFd::from(stdin)));
    interrupt_while_reading(&mut fib);
    drop(input);
}

/// Sends SIGINT to `fib` while its input is open and empty, and checks that
/// the signal ends it.
fn interrupt_while_reading(fib: &mut Example) {
    fib.wait_for("heartbeat 1: the loop is alive");
    fib.interrupt();
    assert_eq!(fib.exit_status().signal(), Some(Signal::INT.as_raw()));
}

#[test]
fn naive_computation_leaves_the_heartbeat_ticking() {
    let (mut fib, mut input) = start_fib_on_a_pipe(&["--naive"]);
    ask(
        &mut fib,
        &mut input,
        &[
            (b"20\n", "fib(20) = 6765"),
            (
                b"51\n",
                "error: fib(51) would take far too long with --naive; the largest is fib(50)",
            ),
        ],
    );
    // fib(45) keeps a thread busy for seconds; the loop ticks on meanwhile.
    input.write_all(b"45\n").unwrap();
    let asked = Instant::now();
    let mut ticks_since = 0;
    while ticks_since < 2 {
        if fib.expect("the loop is alive").at > asked {
            ticks_since += 1;
        }
    }
    assert!(!fib
        .printed_so_far()
        .iter()
        .any(|line| line.text.starts_with("fib(45)")));
}

#[test]
fn inline_computation_freezes_the_heartbeat() {
    let (mut fib, mut input) = start_fib_on_a_pipe(&["--inline"]);
    ask(
        &mut fib,
        &mut input,
        &[
            (b"20\n", "fib(20) = 6765"),
            (
                b"51\n",
                "error: fib(51) would take far too long with --inline; the largest is fib(50)",
            ),
        ],
    );
    fib.wait_for("heartbeat 1: the loop is alive");
    // fib(42) keeps the loop itself busy for seconds, four heartbeats or
    // more: none comes until the answer has. (One printed just before the
    // question may still be on its way.)
    input.write_all(b"42\n").unwrap();
    let asked = Instant::now();
    let answer = fib.expect("fib(42) = 267914296");
    let ticks_meanwhile = fib
        .printed_so_far()
        .iter()
        .filter(|line| line.text.contains("the loop is alive"))
        .filter(|line| line.at > asked && line.at < answer.at)
        .count();
    assert!(
        ticks_meanwhile <= 1,
        "{ticks_meanwhile} heartbeats while the loop computed"
    );
    // loopy noticed, and named the task that held the loop: while it held
    // it, then with its name once it let go.
    let holding = fib.wait_for("has been running");
    assert!(
        holding
            .text
            .contains("slow poll: task 2 (spawned at examples/fib.rs:"),
        "{holding:?}"
    );
    let warning = fib.wait_for("ran for at least");
    assert!(
        warning
            .text
            .contains("slow poll: task 2 \"answers\" (spawned at examples/fib.rs:"),
        "{warning:?}"
    );
    // The loop comes back to life after.
    fib.expect("the loop is alive");
    drop(input);
    assert!(fib.exit_status().success());
}

/// The lines that fib, started with `args`, prints on stderr that warn of
/// a slow poll once it ended, for one question taking a few hundred
/// milliseconds of naive recursion (or nothing, without it).
fn slow_poll_warnings(args: &[&str]) -> Vec<String> {
    let (mut fib, mut input) = start_fib_on_a_pipe(args);
    ask(&mut fib, &mut input, &[(b"39\n", "fib(39) = 63245986")]);
    drop(input);
    assert!(fib.exit_status().success());
    fib.all_lines()
        .into_iter()
        .filter(|line| {
            line.stream == Stream::Stderr
                && line.text.contains("slow poll")
                && line.text.contains(" ran for ")
        })
        .map(|line| line.text)
        .collect()
}

#[test]
fn only_inline_computation_polls_slowly() {
    assert_eq!(slow_poll_warnings(&[]), [] as [String; 0]);
    assert_eq!(slow_poll_warnings(&["--naive"]), [] as [String; 0]);
    let inline = slow_poll_warnings(&["--inline"]);
    assert_eq!(inline.len(), 1, "{inline:#?}");
}
