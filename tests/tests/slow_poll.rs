//! The slow-poll warning: a single poll that runs longer than the threshold
//! (100 ms by default) is reported on stderr with the task's id, name and
//! spawn location, once while it still runs and again when it ends; short
//! polls, however many, are not. A SIGQUIT during a stuck poll names it at
//! once. The warning goes to the process's own stderr, so each case runs
//! in a child: this test binary started again, running only `child`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Tells the child which case to run.
const CHILD_ENV: &str = "LOOPY_SLOW_POLL_CHILD";

/// Blocks the loop for `millis` in one poll, the Fibonacci seed's mistake.
#[loopy::task(name = "hog")]
async fn hog(millis: u64) {
    std::thread::sleep(Duration::from_millis(millis));
}

/// Blocks for 1 ms in each of many polls: busy, but never slow.
#[loopy::task(name = "nibbler")]
async fn nibbler() {
    for _ in 0..300 {
        std::thread::sleep(Duration::from_millis(1));
        loopy::yield_now().await;
    }
}

#[test]
#[ignore = "run in a child process by the tests below"]
fn child() {
    let case = std::env::var(CHILD_ENV).expect("started by the tests below");
    let builder = loopy::Runtime::builder();
    let rt = match case.as_str() {
        "off" => builder.slow_poll(Duration::ZERO),
        "short threshold" => builder.slow_poll(Duration::from_millis(40)),
        "stuck" => builder.slow_poll(Duration::from_secs(1)),
        "quit" => builder.slow_poll(Duration::from_secs(60)),
        _ => builder,
    }
    .build()
    .unwrap();
    rt.block_on(async {
        match case.as_str() {
            "short polls" => nibbler().await.unwrap(),
            "block_on" => std::thread::sleep(Duration::from_millis(200)),
            "short threshold" => hog(80).await.unwrap(),
            "scope" => {
                loopy::task::scope(|s| async move {
                    eprintln!(
                        "child: the scope's child is spawned on line {}",
                        line!() + 1
                    );
                    s.spawn(async { std::thread::sleep(Duration::from_millis(200)) });
                })
                .await
            }
            "stuck" => {
                eprintln!("child: stuck from now");
                hog(5000).await.unwrap();
            }
            "quit" => {
                let _quit =
                    loopy::signal::unix::signal(loopy::signal::unix::SignalKind::quit()).unwrap();
                eprintln!("child: stuck from now");
                hog(4000).await.unwrap();
            }
            _ => {
                // Print the line the spawn is on, for the test to check.
                eprintln!("child: hog spawned on line {}", line!() + 1);
                hog(200).await.unwrap();
            }
        }
    });
}

/// Runs the `case` in a child and returns what it wrote to stderr.
fn child_stderr(case: &str) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, case)
        .env_remove("LOOPY_TRACE")
        .output()
        .unwrap();
    assert!(output.status.success(), "the child failed: {output:?}");
    String::from_utf8(output.stderr).unwrap()
}

/// The slow-poll warnings in `stderr` made when a poll ended.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("loopy: slow poll: ") && line.contains(" ran for "))
        .collect()
}

/// The slow-poll warnings in `stderr` made while a poll still ran.
fn while_running(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| {
            line.starts_with("loopy: slow poll: ") && line.contains(" has been running ")
        })
        .collect()
}

/// Runs `case` in a child and says how long after the child said it is
/// stuck the first "has been running" line came, and its text; `signal`,
/// if given, is sent to the child that long after it said so.
fn time_to_name(case: &str, signal: Option<Duration>) -> (Duration, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, case)
        .env_remove("LOOPY_TRACE")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = rustix::process::Pid::from_child(&child);
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let stuck = loop {
        let line = lines
            .next()
            .expect("the child says when it is stuck")
            .unwrap();
        if line == "child: stuck from now" {
            break Instant::now();
        }
    };
    let sender = signal.map(|after| {
        std::thread::spawn(move || {
            std::thread::sleep(after);
            rustix::process::kill_process(pid, rustix::process::Signal::QUIT).unwrap();
        })
    });
    let named = loop {
        let line = lines.next().expect("a line naming the stuck task").unwrap();
        if line.contains(" has been running ") {
            break line;
        }
    };
    let took = stuck.elapsed();
    assert!(child.wait().unwrap().success());
    if let Some(sender) = sender {
        sender.join().unwrap();
    }
    (took, named)
}

#[test]
fn a_stuck_poll_is_named_while_it_runs_within_twice_the_threshold() {
    // Threshold 1 s; the task sleeps 5 s in one poll.
    let (took, line) = time_to_name("stuck", None);
    assert!(took < Duration::from_secs(2), "{took:?}: {line}");
    assert!(
        line.starts_with("loopy: slow poll: task 1 (spawned at tests/tests/slow_poll.rs:"),
        "{line}"
    );
}

#[test]
fn a_sigquit_during_a_stuck_poll_names_it_at_once() {
    // Threshold 60 s: only the signal can make the watchdog speak.
    let (took, line) = time_to_name("quit", Some(Duration::from_millis(500)));
    assert!(took < Duration::from_millis(3500), "{took:?}: {line}");
    assert!(line.contains("task 1 (spawned at "), "{line}");
}

/// The "at least" duration a warning gives, in milliseconds.
fn at_least_millis(warning: &str) -> f64 {
    let after = warning.split("ran for at least ").nth(1).expect(warning);
    let number = after.split(' ').next().unwrap();
    match number.strip_suffix("ms") {
        Some(ms) => ms.parse().unwrap(),
        None => number.strip_suffix('s').unwrap().parse::<f64>().unwrap() * 1e3,
    }
}

#[test]
fn a_200ms_poll_is_reported_with_the_tasks_name_and_location() {
    let stderr = child_stderr("default");
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("child: hog spawned on line "))
        .unwrap();
    let warnings = warnings(&stderr);
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert_eq!(while_running(&stderr).len(), 1, "{stderr}");
    let warning = warnings[0];
    let expected = format!(
        "loopy: slow poll: task 1 \"hog\" (spawned at {}:{line}:17) ran for at least ",
        file!()
    );
    assert!(
        warning.starts_with(&expected),
        "{warning}\nwanted {expected}"
    );
    let millis = at_least_millis(warning);
    assert!((100.0..=5000.0).contains(&millis), "{warning}");
    assert!(
        warning.ends_with("(threshold 100.0ms); move blocking work to loopy::spawn_blocking"),
        "{warning}"
    );
}

#[test]
fn a_slow_poll_inside_a_scopes_child_names_the_child() {
    let stderr = child_stderr("scope");
    let line: u32 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("child: the scope's child is spawned on line "))
        .unwrap()
        .parse()
        .unwrap();
    let warnings = warnings(&stderr);
    assert_eq!(warnings.len(), 1, "{stderr}");
    // The child's own id and spawn site, not the scope's task's (rustfmt
    // may break the spawn over the next line).
    let named = |line| format!("task 1 (spawned at {}:{line}:", file!());
    assert!(
        warnings[0].contains(&named(line)) || warnings[0].contains(&named(line + 1)),
        "{stderr}"
    );
}

#[test]
fn many_1ms_polls_are_never_reported() {
    let stderr = child_stderr("short polls");
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert!(while_running(&stderr).is_empty(), "{stderr}");
}

#[test]
fn block_ons_own_future_is_named_too() {
    let stderr = child_stderr("block_on");
    let warnings = warnings(&stderr);
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("loopy: slow poll: block_on's future (spawned at "),
        "{stderr}"
    );
}

#[test]
fn the_threshold_can_be_lowered() {
    let stderr = child_stderr("short threshold");
    let warnings = warnings(&stderr);
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("(threshold 40.0ms)"), "{stderr}");
}

#[test]
fn a_zero_threshold_turns_the_warning_off() {
    let stderr = child_stderr("off");
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert!(while_running(&stderr).is_empty(), "{stderr}");
}
