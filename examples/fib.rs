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
//! - with `--inline`, the recursion runs inside the task, on the loop's
//!   thread: the original's mistake, kept to be seen. While it computes the
//!   loop is frozen, the heartbeat stops, and loopy warns of the slow poll;
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
//! cargo run --example fib -- --inline    # then type 40, and watch them stop
//! ```

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use loopy_examples::command_line::{self, unknown};
use loopy_examples::{errln, outln};

/// The largest N whose Fibonacci number fits in a `u128`.
const MAX: u64 = 186;

/// The largest N that `--naive` and `--inline` take: fib(50) makes some 40
/// billion calls.
const NAIVE_MAX: u64 = 50;

/// How often the heartbeat ticks.
const HEARTBEAT: Duration = Duration::from_millis(500);

/// What `--help` prints.
const USAGE: &str = "\
usage: fib [--naive | --inline]

Answers each number typed on stdin with its Fibonacci number, while a
heartbeat on stderr shows that the loop runs.

  --naive       compute by the recursive definition, on a blocking thread
  --inline      compute by the recursive definition inside the task, which
                freezes the loop (the mistake to see)
  -h, --help    print this and exit";

/// How the Fibonacci numbers are computed.
#[derive(Clone, Copy, PartialEq)]
enum Method {
    /// By adding up, in the task: quick.
    Adding,
    /// By the recursive definition, on a blocking thread (`--naive`).
    Naive,
    /// By the recursive definition, in the task (`--inline`).
    Inline,
}

#[loopy::main]
async fn main() -> ExitCode {
    let method = command_line::parse(USAGE, Method::Adding, |method, arg, _| {
        *method = match arg {
            "--naive" => Method::Naive,
            "--inline" => Method::Inline,
            _ => return Err(unknown(arg)),
        };
        Ok(())
    });
    let heartbeat = heartbeat();
    let answered = answer_lines(method).await;
    heartbeat.cancel();
    match answered {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            errln!("fib: reading stdin failed: {err}");
            ExitCode::FAILURE
        }
        Err(err) => {
            errln!("fib: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Answers each line of stdin until its end; a task of its own, so that
/// the slow-poll warning of `--inline` can name it.
#[loopy::task(name = "answers")]
async fn answer_lines(method: Method) -> io::Result<()> {
    let (limit, option) = match method {
        Method::Adding => (MAX, ""),
        Method::Naive => (NAIVE_MAX, "--naive"),
        Method::Inline => (NAIVE_MAX, "--inline"),
    };
    errln!("Type a number from 0 to {limit} and press Enter; Ctrl-D ends.");
    let mut lines = loopy::io::stdin().lines();
    loop {
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::InvalidData => {
                outln!("error: that line is not valid UTF-8");
                continue;
            }
            Err(err) => return Err(err),
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match text.parse::<u64>() {
            Err(_) => outln!("error: {text:?} is not a whole number from 0 to {limit}"),
            Ok(n) if n > limit && method != Method::Adding => outln!(
                "error: fib({n}) would take far too long with {option}; the largest is fib({limit})"
            ),
            Ok(n) if n > limit => {
                outln!("error: fib({n}) does not fit in 128 bits; the largest is fib({limit})")
            }
            Ok(n) => match method {
                Method::Adding => outln!("fib({n}) = {}", fib(n)),
                // The recursion runs on a blocking thread; this task waits
                // for it without holding up the loop.
                Method::Naive => match loopy::spawn_blocking(move || fib_naive(n)).await {
                    Ok(value) => outln!("fib({n}) = {value}"),
                    Err(err) => outln!("error: computing fib({n}) failed: {err}"),
                },
                // The recursion runs right here: until it returns, no other
                // task runs, no timer fires, no socket is read.
                Method::Inline => outln!("fib({n}) = {}", fib_naive(n)),
            },
        }
    }
}

/// Ticks every [`HEARTBEAT`], forever.
#[loopy::task(name = "heartbeat")]
async fn heartbeat() {
    let mut ticks = loopy::interval(HEARTBEAT);
    for n in 1.. {
        ticks.tick().await;
        errln!("heartbeat {n}: the loop is alive");
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
/// purpose, to keep a thread (or, with `--inline`, the loop) busy.
fn fib_naive(n: u64) -> u128 {
    if n < 2 {
        n.into()
    } else {
        fib_naive(n - 1) + fib_naive(n - 2)
    }
}
