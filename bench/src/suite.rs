//! loopy beside tokio, smol and raw loops on `polling` and on epoll, in one
//! process, printing one markdown table.
//!
//! Two targets include this file as `mod suite` (so its modules name each
//! other `crate::suite::..`): the bench `benches/compare.rs`, which
//! `cargo bench -p loopy-bench` runs, and the smoke test `tests/smoke.rs`,
//! which `cargo test` runs. The peers are dev-dependencies, so the package
//! has no library or binary of its own.
//!
//! # How a run goes
//!
//! For each scenario in turn, every contender runs it once (loopy, tokio,
//! tokio-local, smol, then raw and raw-epoll where the scenario does I/O), and that round is
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
//! - [`raw`]: the hand-written state machines on `polling` and on epoll, for the
//!   I/O scenarios;
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

/// Counts live heap bytes while a memory scenario holds a counting window open.
#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// Runs what the command line `args` (those after the program name) asks
/// for and returns the table. Progress goes to stderr meanwhile.
///
/// # Errors
///
/// A message naming the argument that was not understood, then the usage.
pub fn run(args: impl IntoIterator<Item = String>) -> Result<String, String> {
    let options = options::Options::parse(args.into_iter())
        .map_err(|message| format!("{message}\n\n{}", options::USAGE))?;
    let results = harness::run(&options);
    Ok(table::render(&options, &results))
}
