//! loopy's tasks in tokio-console.
//!
//! With the `tracing` feature, every loopy task is a `runtime.spawn` span
//! and its wakers emit `runtime::waker` events, the shapes that
//! `console-subscriber` looks for. This program installs that subscriber
//! (it serves the console on 127.0.0.1:6669 from a thread of its own) and
//! runs a few named tasks for a while, so that `tokio-console` can list
//! them with their polls, wakes and spawn locations:
//!
//! - `ticker` wakes every 100 ms and counts;
//! - `hasher` sends a computation to `spawn_blocking` every second (the
//!   console shows that task's kind as `blocking`);
//! - `idle` waits on a timer far in the future, so it shows as idle;
//! - every two seconds `spawner` starts a short `job` that finishes after a
//!   few polls, so the console also shows completed tasks.
//!
//! console-subscriber refuses to start unless it was built with
//! `--cfg tokio_unstable`, which tokio needs for tokio's *own* task spans;
//! loopy's tasks need nothing from tokio, and `console_without_tokio_unstable`
//! is the flag that says so:
//!
//! ```text
//! RUSTFLAGS="--cfg console_without_tokio_unstable" \
//!     cargo run -p loopy-examples --features tracing --example console -- --seconds 120
//! tokio-console    # in another terminal
//! ```

use std::time::Duration;

use loopy_examples::command_line::{self, unknown};
use loopy_examples::errln;

const USAGE: &str = "\
usage: console [--seconds N]

Runs a few named loopy tasks for N seconds (default 60) with
console-subscriber installed; watch them with `tokio-console`.";

#[loopy::main]
async fn main() {
    let seconds = command_line::parse(USAGE, 60u64, |seconds, arg, args| {
        match arg {
            "--seconds" => *seconds = args.value("--seconds", "a number of seconds")?,
            _ => return Err(unknown(arg)),
        }
        Ok(())
    });
    console_subscriber::init();
    errln!("serving tokio-console on 127.0.0.1:6669 for {seconds} s; run `tokio-console`");

    let tasks = [ticker(), hasher(), idle(), spawner()];
    loopy::sleep(Duration::from_secs(seconds)).await;
    for task in &tasks {
        task.cancel();
    }
}

/// Wakes every 100 ms, forever.
#[loopy::task(name = "ticker")]
async fn ticker() {
    let mut ticks = loopy::interval(Duration::from_millis(100));
    loop {
        ticks.tick().await;
    }
}

/// Hands a small computation to a blocking thread every second.
#[loopy::task(name = "hasher")]
async fn hasher() {
    let mut seed = 1u64;
    loop {
        seed = loopy::spawn_blocking(move || (0..1_000_000u64).fold(seed, mix))
            .await
            .expect("the computation does not panic");
        loopy::sleep(Duration::from_secs(1)).await;
    }
}

/// One step of a cheap hash, for the blocking work.
fn mix(state: u64, n: u64) -> u64 {
    (state ^ n).wrapping_mul(0x100_0000_01b3)
}

/// Waits on a timer that never fires while the program runs.
#[loopy::task(name = "idle")]
async fn idle() {
    loopy::sleep(Duration::from_secs(24 * 3600)).await;
}

/// Starts a short-lived `job` every two seconds.
#[loopy::task(name = "spawner")]
async fn spawner() {
    loop {
        drop(job());
        loopy::sleep(Duration::from_secs(2)).await;
    }
}

/// Runs for three polls, then finishes.
#[loopy::task(name = "job")]
async fn job() {
    for _ in 0..2 {
        loopy::sleep(Duration::from_millis(50)).await;
    }
}
