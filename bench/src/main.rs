//! loopy beside tokio, smol and a raw `polling` loop, in one process, printing
//! one markdown table.
//!
//! # How a run goes
//!
//! For each scenario in turn, every contender runs it once (loopy, tokio,
//! tokio-local, smol, then raw where the scenario does I/O), and that round is
//! repeated `--reps` times, so a noisy second on the machine hits every
//! contender alike. The table shows each contender's median and loopy's ratio
//! to each peer.
//!
//! The parts, in the order a run meets them:
//! - [`options`]: the command line (`--smoke`, `--reps`, `--only`, `--contender`);
//! - [`sizes`]: the fixed workload sizes, and the tiny ones of the smoke mode;
//! - [`harness`]: the interleaved repetitions and the medians;
//! - [`scenario`]: each workload, written once over the [`runtime::Runtime`] trait;
//! - [`runtime`]: one small adapter per contender, so the scenario code is shared;
//! - [`raw`]: the hand-written state machines on `polling`, for the I/O scenarios;
//! - [`table`]: the markdown output;
//! - [`alloc`]: the counting allocator that the memory scenarios read.

mod alloc;
mod baton;
mod dialer;
mod harness;
mod options;
mod raw;
mod runtime;
mod scenario;
mod sizes;
mod table;
mod xorshift;

use std::process::ExitCode;

/// Counts live heap bytes while a memory scenario holds a counting window open.
#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

fn main() -> ExitCode {
    let options = match options::Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("loopy-bench: {message}\n\n{}", options::USAGE);
            return ExitCode::from(2);
        }
    };
    let results = harness::run(&options);
    print!("{}", table::render(&options, &results));
    ExitCode::SUCCESS
}
