//! Ctrl-C (SIGINT) and SIGTERM stop every loop of `loopy::cores::run`:
//! each loop awaits its own `ctrl_c()` or `signal(SignalKind::terminate())`,
//! the one signal reaches them all, `run` returns once all have finished,
//! and the process exits with status 0.
//!
//! The signal goes to a child process, so that it cannot reach the other
//! tests: the test binary runs itself again with `CHILD` set to the test's
//! name, and in that process the test plays the server instead.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use loopy::signal::unix::{signal, SignalKind};
use rustix::process::{kill_process, Pid, Signal};

/// Set in the child's environment to the test's name: run the loops, not
/// the test.
const CHILD: &str = "LOOPY_TESTS_CORES_CTRL_C_CHILD";

const LOOPS: usize = 4;

/// How long the child may take for each step.
const PATIENCE: Duration = Duration::from_secs(20);

#[test]
fn ctrl_c_ends_every_loop_and_the_process_exits_0() {
    const TEST: &str = "ctrl_c_ends_every_loop_and_the_process_exits_0";
    if std::env::var(CHILD).as_deref() == Ok(TEST) {
        serve_until(|| async { loopy::signal::ctrl_c().await.unwrap() });
    } else {
        signal_the_child(TEST, Signal::INT);
    }
}

#[test]
fn sigterm_ends_every_loop_and_the_process_exits_0() {
    const TEST: &str = "sigterm_ends_every_loop_and_the_process_exits_0";
    if std::env::var(CHILD).as_deref() == Ok(TEST) {
        serve_until(|| async {
            let mut terminate = signal(SignalKind::terminate()).unwrap();
            terminate.recv().await.unwrap();
        });
    } else {
        signal_the_child(TEST, Signal::TERM);
    }
}

/// The parent's part: runs the test `test` in a child process, waits
/// until all its loops listen, sends `signal`, and checks that every loop
/// stopped and the child exited with status 0.
fn signal_the_child(test: &str, signal: Signal) {
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", test, "--nocapture", "--test-threads=1"])
            .env(CHILD, test)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let lines = read_lines(&mut child.0);
    let wait_for = |prefix: &str| {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        while seen.len() < LOOPS {
            let line = lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("the child printed {seen:?}, not {LOOPS} `{prefix}`"));
            // Anywhere in the line: the harness's `test ... ` may precede it.
            if let Some((_, index)) = line.split_once(prefix) {
                seen.push(index.parse::<usize>().unwrap());
            }
        }
        seen.sort();
        seen
    };
    // Every loop listens for the signal before it is sent.
    assert_eq!(wait_for("ready "), [0, 1, 2, 3]);

    kill_process(Pid::from_child(&child.0), signal).unwrap();

    assert_eq!(wait_for("stopped "), [0, 1, 2, 3]);
    let status = wait_with_patience(&mut child.0);
    assert!(status.success(), "the child exited with {status}");
}

/// The child process, killed if the test fails before it exits.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // An error means it has exited already.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The child's part: four loops that each wait for the signal, with the
/// listener `listen` makes.
fn serve_until<F, Fut>(listen: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let stopped = loopy::cores::run(LOOPS, move |index| {
        let signalled = loopy::spawn(listen());
        async move {
            // Let the listener task install its handler first.
            loopy::yield_now().await;
            println!("ready {index}");
            signalled.await.unwrap();
            println!("stopped {index}");
            index
        }
    });
    assert_eq!(stopped, [0, 1, 2, 3]);
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

/// Waits for the child to exit; fails after `PATIENCE`.
fn wait_with_patience(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            panic!("the child was still running {PATIENCE:?} after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
