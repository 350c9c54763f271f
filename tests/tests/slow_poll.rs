//! The slow-poll warning: a single poll that runs longer than the threshold
//! (100 ms by default) is reported on stderr with the task's id, name and
//! spawn location; short polls, however many, are not. The warning goes to
//! the process's own stderr, so each case runs in a child: this test
//! binary started again, running only `child`.

use std::process::Command;
use std::time::Duration;

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
        _ => builder,
    }
    .build()
    .unwrap();
    rt.block_on(async {
        match case.as_str() {
            "short polls" => nibbler().await.unwrap(),
            "block_on" => std::thread::sleep(Duration::from_millis(200)),
            "short threshold" => hog(80).await.unwrap(),
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

/// The slow-poll warnings in `stderr`.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("loopy: slow poll: "))
        .collect()
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
fn many_1ms_polls_are_never_reported() {
    let stderr = child_stderr("short polls");
    assert!(warnings(&stderr).is_empty(), "{stderr}");
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
}
