//! Fibonacci numbers for the numbers typed on stdin, while a heartbeat shows
//! that the loop never stops.
//!
//! Descends from the Python loops' Fibonacci program, which read numbers
//! from the terminal inside the event loop and handed the slow, recursive
//! computation to a pool of threads. Here:
//!
//! - stdin is read line by line through the loop ([`loopy::io::stdin`]),
//!   so waiting for the next number blocks nothing;
//! - every line gets an answer: `fib(N) = ...`, exact (in a `u128`) up to
//!   N = 186, or an error line saying what was wrong, and then the program
//!   goes on;
//! - a heartbeat task prints a tick every 500 ms on stderr;
//! - with `--naive`, each number is computed with the recursive definition
//!   on [`loopy::spawn_blocking`], so even `fib(45)`, which takes seconds,
//!   leaves the heartbeat ticking;
//! - the end of input ends the program, with status 0.
//!
//! Answers and errors go to stdout, one line per line of input; the
//! greeting and the heartbeat go to stderr.
//!
//! Try it:
//!
//! ```text
//! printf '10\n50\nx\n' | cargo run --example fib
//! cargo run --example fib -- --naive     # then type 45, and watch the ticks
//! ```

use std::io;
use std::process::ExitCode;
use std::time::Duration;

/// The largest N whose Fibonacci number fits in a `u128`.
const MAX: u64 = 186;

/// The largest N that `--naive` takes: fib(50) makes some 40 billion calls.
const NAIVE_MAX: u64 = 50;

/// How often the heartbeat ticks.
const HEARTBEAT: Duration = Duration::from_millis(500);

#[loopy::main]
async fn main() -> ExitCode {
    let naive = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--naive") => true,
        Some(other) => {
            eprintln!("fib: unknown argument {other:?}");
            eprintln!("usage: fib [--naive]");
            return ExitCode::from(2);
        }
    };
    let heartbeat = loopy::spawn(heartbeat());
    let answered = answer_lines(naive).await;
    heartbeat.cancel();
    match answered {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fib: reading stdin failed: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Answers each line of stdin until its end.
async fn answer_lines(naive: bool) -> io::Result<()> {
    let limit = if naive { NAIVE_MAX } else { MAX };
    eprintln!("Type a number from 0 to {limit} and press Enter; Ctrl-D ends.");
    let mut lines = loopy::io::stdin().lines();
    loop {
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::InvalidData => {
                println!("error: that line is not valid UTF-8");
                continue;
            }
            Err(err) => return Err(err),
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match text.parse::<u64>() {
            Err(_) => println!("error: {text:?} is not a whole number from 0 to {limit}"),
            Ok(n) if n > limit && naive => println!(
                "error: fib({n}) would take far too long with --naive; the largest is fib({limit})"
            ),
            Ok(n) if n > limit => {
                println!("error: fib({n}) does not fit in 128 bits; the largest is fib({limit})")
            }
            Ok(n) if naive => {
                // The recursion runs on a blocking thread; this task waits
                // for it without holding up the loop.
                match loopy::spawn_blocking(move || fib_naive(n)).await {
                    Ok(value) => println!("fib({n}) = {value}"),
                    Err(err) => println!("error: computing fib({n}) failed: {err}"),
                }
            }
            Ok(n) => println!("fib({n}) = {}", fib(n)),
        }
    }
}

/// Ticks every [`HEARTBEAT`], forever.
async fn heartbeat() {
    let mut ticks = loopy::interval(HEARTBEAT);
    for n in 1.. {
        ticks.tick().await;
        eprintln!("heartbeat {n}: the loop is alive");
    }
}

/// The `n`th Fibonacci number, by adding up; `n` is at most [`MAX`].
fn fib(n: u64) -> u128 {
    if n == 0 {
        return 0;
    }
    // fib(k - 1) and fib(k), from k = 1 up to n; never one step further,
    // which for n = 186 would not fit.
    let (mut previous, mut current) = (0u128, 1u128);
    for _ in 1..n {
        (previous, current) = (current, previous + current);
    }
    current
}

/// The `n`th Fibonacci number, by the recursive definition: slow on
/// purpose, to keep a thread busy.
fn fib_naive(n: u64) -> u128 {
    if n < 2 {
        n.into()
    } else {
        fib_naive(n - 1) + fib_naive(n - 2)
    }
}
