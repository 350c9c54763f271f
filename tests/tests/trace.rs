//! `Builder::trace(true)`, which `#[loopy::main(trace)]` sets, makes each
//! turn of the loop print one line to stderr; without it the loop prints
//! nothing. The lines go to the process's own stderr, so each case runs in
//! a child: this test binary started again, running only `child`.

use std::process::Command;
use std::time::Duration;

/// Tells the child whether to trace: `on` or `off`.
const CHILD_ENV: &str = "LOOPY_TRACE_CHILD";

#[test]
#[ignore = "run in a child process by the tests below"]
fn child() {
    let trace = std::env::var(CHILD_ENV).expect("started by the tests below") == "on";
    let rt = loopy::Runtime::builder().trace(trace).build().unwrap();
    rt.block_on(async {
        loopy::spawn(async {}).await.unwrap();
        loopy::sleep(Duration::from_millis(5)).await;
    });
}

/// Runs `child` with tracing `on` or `off` and returns what it wrote to
/// stderr.
fn child_stderr(trace: &str) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, trace)
        .output()
        .unwrap();
    assert!(output.status.success(), "the child failed: {output:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn trace_prints_a_line_for_each_turn() {
    let stderr = child_stderr("on");
    let turns: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("loopy: turn "))
        .collect();
    assert!(turns.len() >= 2, "{stderr}");
    assert!(turns[0].starts_with("loopy: turn 1: ran "), "{stderr}");
    assert!(
        turns.iter().any(|line| line.contains("fired 1 timer")),
        "{stderr}"
    );
    assert!(
        turns.iter().any(|line| line.contains(", waited ")),
        "{stderr}"
    );
}

#[test]
fn without_trace_the_loop_prints_nothing() {
    let stderr = child_stderr("off");
    assert!(!stderr.contains("loopy: turn"), "{stderr}");
}
