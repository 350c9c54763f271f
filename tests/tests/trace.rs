//! The trace: `Builder::trace(true)` (which `#[loopy::main(trace)]` sets) or
//! `LOOPY_TRACE=1` prints one line per event of the loop, `LOOPY_TRACE=turns`
//! one line per turn, and without either the loop prints nothing. The lines
//! go to the process's own stderr, so each case runs in a child: this test
//! binary started again, running only `child`.

use std::future::pending;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::process::Command;
use std::time::Duration;

use loopy::io::Async;
use loopy::task::Builder;

/// Tells the child how to trace: `on`, `off`, or `env` (leave it to
/// `LOOPY_TRACE`).
const CHILD_ENV: &str = "LOOPY_TRACE_CHILD";

/// A short program with one of each event: a spawn, a sleep, a socket
/// read, a cancellation and a panic.
#[test]
#[ignore = "run in a child process by the tests below"]
fn child() {
    let mode = std::env::var(CHILD_ENV).expect("started by the tests below");
    let builder = loopy::Runtime::builder();
    let builder = match mode.as_str() {
        "on" | "short read" => builder.trace(true),
        "off" => builder.trace(false),
        _ => builder,
    };
    let rt = builder.build().unwrap();
    if mode == "short read" {
        return rt.block_on(short_read_then_quiet());
    }
    rt.block_on(async {
        let sleeper = Builder::new().name("sleeper").spawn(async {
            loopy::sleep(Duration::from_millis(5)).await;
            7
        });
        let (ours, theirs) = UnixStream::pair().unwrap();
        let theirs = Async::new(theirs).unwrap();
        eprintln!("child: reader fd {}", theirs.get_ref().as_raw_fd());
        let reader = Builder::new().name("reader").spawn(async move {
            let mut byte = [0];
            theirs.read_with(|mut s| s.read(&mut byte)).await.unwrap();
        });
        let doomed = Builder::new().name("doomed").spawn(pending::<()>());
        drop(
            Builder::new()
                .name("panicker")
                .spawn(async { panic!("boom") }),
        );
        assert_eq!(sleeper.await.unwrap(), 7);
        (&ours).write_all(b"x").unwrap();
        reader.await.unwrap();
        doomed.cancel();
        assert!(doomed.await.unwrap_err().is_cancelled());
    });
}

/// A read shorter than its buffer, then no event for longer than the
/// grace period a short read is trusted for: the loop rechecks the socket.
async fn short_read_then_quiet() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    eprintln!("child: reader fd {}", theirs.as_raw_fd());
    let theirs = loopy::net::UnixStream::from_std(theirs).unwrap();
    (&ours).write_all(b"x").unwrap();
    // A wait takes in the byte's event first, so none comes after the read.
    loopy::sleep(Duration::from_millis(5)).await;
    let mut buf = [0; 16];
    assert_eq!(theirs.recv(&mut buf).await.unwrap(), 1);
    let reader = loopy::spawn(async move {
        let mut buf = [0; 16];
        theirs.recv(&mut buf).await.unwrap()
    });
    loopy::sleep(Duration::from_millis(100)).await;
    (&ours).write_all(b"y").unwrap();
    assert_eq!(reader.await.unwrap(), 1);
}

/// Runs `child` with trace mode `mode` and `LOOPY_TRACE` set to `env` (or
/// unset), and returns what it wrote to stderr.
fn child_stderr(mode: &str, env: Option<&str>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, mode)
        .env("RUST_BACKTRACE", "0")
        .env_remove("LOOPY_TRACE");
    if let Some(env) = env {
        command.env("LOOPY_TRACE", env);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "the child failed: {output:?}");
    String::from_utf8(output.stderr).unwrap()
}

/// The lines of the trace, without their timestamps; panics if a trace
/// line has no `+1.234s  ` stamp.
fn events(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with('+'))
        .map(|line| {
            let (stamp, event) = line.split_once("s  ").expect("a timestamp");
            assert!(stamp[1..].parse::<f64>().is_ok(), "bad stamp in {line:?}");
            event
        })
        .collect()
}

/// Asserts that `expected` occur in `lines` in this order (each as the
/// start of a line), with anything between.
fn assert_in_order(lines: &[&str], expected: &[String], stderr: &str) {
    let mut rest = lines.iter();
    for want in expected {
        assert!(
            rest.any(|line| line.starts_with(want.as_str())),
            "missing, or out of order: {want:?}\n{stderr}"
        );
    }
}

#[test]
fn the_trace_tells_each_event_in_order() {
    let stderr = child_stderr("on", None);
    let fd = stderr
        .lines()
        .find_map(|line| line.strip_prefix("child: reader fd "))
        .expect("the child says its reader's descriptor");
    let here = file!();
    let expected = [
        "turn 1".to_owned(),
        format!("task 1 \"sleeper\" spawned at {here}:"),
        format!("task 2 \"reader\" spawned at {here}:"),
        format!("task 3 \"doomed\" spawned at {here}:"),
        format!("task 4 \"panicker\" spawned at {here}:"),
        "block_on's future polled: pending, waiting: task 1".to_owned(),
        "task 1 \"sleeper\" polled: pending, waiting: timer due in ".to_owned(),
        format!("task 2 \"reader\" polled: pending, waiting: fd {fd} readable"),
        "task 3 \"doomed\" polled: pending, waiting: a wake from outside the loop".to_owned(),
        "task 4 \"panicker\" panicked: boom".to_owned(),
        "1 timer fired".to_owned(),
        "task 1 \"sleeper\" woken by a timer".to_owned(),
        "block_on's future woken by task 1 finishing".to_owned(),
        "task 1 \"sleeper\" polled: ready, finished".to_owned(),
        format!("task 2 \"reader\" woken by fd {fd}"),
        "task 2 \"reader\" polled: ready, finished".to_owned(),
        "task 3 \"doomed\" cancelled by block_on's future".to_owned(),
        "task 3 \"doomed\" cancelled".to_owned(),
        "block_on's future polled: ready".to_owned(),
    ];
    let events = events(&stderr);
    assert_in_order(&events, &expected, &stderr);
    assert!(
        events
            .iter()
            .any(|line| line.starts_with("task 1 \"sleeper\" spawned at ")
                && line.ends_with(" by block_on's future")),
        "the spawn line names the parent:\n{stderr}"
    );
    assert!(
        events
            .iter()
            .any(|line| line.starts_with("poller wait: asked ")
                && line.contains(", slept ")
                && line.contains(" event")),
        "{stderr}"
    );
}

#[test]
#[cfg(any(target_os = "linux", target_os = "android"))]
fn a_short_read_no_event_confirms_is_rechecked_and_the_trace_says_so() {
    let stderr = child_stderr("short read", None);
    let fd = stderr
        .lines()
        .find_map(|line| line.strip_prefix("child: reader fd "))
        .expect("the child says its reader's descriptor");
    let wanted = format!("rechecking fd {fd} after a short read");
    assert!(
        events(&stderr).iter().any(|line| line.starts_with(&wanted)),
        "{stderr}"
    );
}

#[test]
fn a_panic_nobody_joins_is_reported_with_the_tasks_name_and_location() {
    // The report comes whether or not the trace is on.
    let stderr = child_stderr("off", None);
    let report = stderr
        .lines()
        .find(|line| line.starts_with("loopy: task 4 \"panicker\""))
        .unwrap_or_else(|| panic!("no report:\n{stderr}"));
    assert!(
        report.contains(&format!("(spawned at {}:", file!())),
        "{report}"
    );
    assert!(
        report.ends_with("panicked, and no JoinHandle is left to report it: boom"),
        "{report}"
    );
}

#[test]
fn loopy_trace_turns_prints_one_line_per_turn() {
    let stderr = child_stderr("env", Some("turns"));
    let lines = events(&stderr);
    assert!(lines.len() >= 2, "{stderr}");
    assert!(
        lines.iter().all(|line| line.starts_with("turn ")),
        "{stderr}"
    );
    assert!(lines[0].starts_with("turn 1: ran "), "{stderr}");
    assert!(
        lines.iter().any(|l| l.contains("fired 1 timer")),
        "{stderr}"
    );
    assert!(lines.iter().any(|l| l.contains(", waited ")), "{stderr}");
}

#[test]
fn loopy_trace_1_turns_on_every_event() {
    let stderr = child_stderr("env", Some("1"));
    assert!(
        events(&stderr).contains(&"task 1 \"sleeper\" woken by a timer"),
        "{stderr}"
    );
}

#[test]
fn the_environment_wins_over_the_code() {
    let stderr = child_stderr("on", Some("0"));
    assert!(events(&stderr).is_empty(), "{stderr}");
}

#[test]
fn a_bad_loopy_trace_is_reported_and_ignored() {
    let stderr = child_stderr("off", Some("loud"));
    assert!(
        stderr.contains("loopy: LOOPY_TRACE=loud is not a trace level; use 1 (every event), turns (one line per turn) or 0 (off)"),
        "{stderr}"
    );
    assert!(events(&stderr).is_empty(), "{stderr}");
}

#[test]
fn without_trace_the_loop_prints_nothing() {
    let stderr = child_stderr("off", None);
    assert!(events(&stderr).is_empty(), "{stderr}");
}
