//! Support for the code `#[loopy::test]` writes. Not part of the API.
//!
//! The attribute hands the test body, as a closure that makes a fresh
//! future, to [`run_test`] (one run) or [`run_seeds`] (one run per seed).
//! Both build each runtime from the test's [`TestOptions`], let the
//! environment variable `LOOPY_SEED` override the seed, and, when a seeded
//! run fails, fail the test with the seed and the command that replays
//! just that run. With `LOOPY_CHECK_DETERMINISM=1` each seeded run is made
//! twice and the two traces compared (`determinism.rs`).

mod determinism;

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

use crate::driver::rng::Rng;
use crate::Runtime;

/// The base of the seeds `run_seeds` explores when `LOOPY_SEED` is not
/// set: fixed, so that a test explores the same seeds on every machine and
/// a failure seen once is seen again.
const BASE_SEED: u64 = 0;

/// What the options of one `#[loopy::test]` asked for.
#[derive(Clone, Copy, Debug)]
pub struct TestOptions {
    /// The test's path as the attribute saw it, `module_path!()` and the
    /// function's name, for the replay command.
    pub path: &'static str,
    /// `start_paused`: the runtime's clock starts paused.
    pub start_paused: bool,
    /// `seed = N`; `LOOPY_SEED`, when set, wins.
    pub seed: Option<u64>,
}

/// Runs a test body once on a fresh runtime, then fails the test if any
/// task spawned during it panicked, whether or not the test joined that
/// task: a panic in a detached task must not pass unnoticed.
///
/// The run is seeded with `LOOPY_SEED` if set, else with `options.seed`,
/// else not at all; a seeded run that panics fails naming its seed.
///
/// # Panics
///
/// If the runtime cannot be created, if the body panics, if a task
/// panicked, or if `LOOPY_SEED` is not a number.
pub fn run_test<F: Future>(options: TestOptions, mut body: impl FnMut(u64) -> F) -> F::Output {
    match env_seed().or(options.seed) {
        Some(seed) => run_seeded(&options, seed, &mut body),
        None => match run_once(&options, None, body(0)) {
            Ok((output, _)) => output,
            Err(payload) => panic::resume_unwind(payload),
        },
    }
}

/// Runs a test body on `count` fresh runtimes, each with its own seed
/// drawn from a fixed base, and fails the test at the first seed whose run
/// panics or returns an error, naming the seed and the command that
/// replays it. With `LOOPY_SEED` set, runs that one seed only.
///
/// The body receives its run's seed (0 when the run is not seeded); the
/// attribute's closure ignores it, the runner's own tests use it.
///
/// # Panics
///
/// As for [`run_test`]; also if `count` is 0, which the attribute rejects
/// at compile time.
pub fn run_seeds<F>(options: TestOptions, count: u32, mut body: impl FnMut(u64) -> F) -> F::Output
where
    F: Future,
    F::Output: TestOutcome,
{
    assert!(
        count > 0,
        "loopy::__private::run_seeds: count must be at least 1 (write `seeds = 1` or more)"
    );
    if let Some(seed) = env_seed() {
        return run_seeded(&options, seed, &mut body);
    }
    let seeds = Rng::new(BASE_SEED);
    let mut output = None;
    for _ in 0..count {
        let seed = seeds.next_u64();
        let this = run_seeded(&options, seed, &mut body);
        if this.failed() {
            // The harness prints the error; this line says which seed.
            eprintln!("{}", replay(&options, seed));
            return this;
        }
        output = Some(this);
    }
    output.expect("count is at least 1")
}

/// What a test body returned, as far as the seed explorer must know:
/// whether the run failed.
#[diagnostic::on_unimplemented(
    message = "`#[loopy::test(seeds = N)]` cannot tell whether a test returning `{Self}` failed",
    note = "return `()` or a `Result`"
)]
pub trait TestOutcome {
    /// Whether the test failed.
    fn failed(&self) -> bool;
}

impl TestOutcome for () {
    fn failed(&self) -> bool {
        false
    }
}

impl<T, E> TestOutcome for Result<T, E> {
    fn failed(&self) -> bool {
        self.is_err()
    }
}

/// Runs the body with `seed`; a panic fails the test naming the seed. With
/// `LOOPY_CHECK_DETERMINISM=1` the run is made twice, and the test fails
/// if the two traces differ.
fn run_seeded<F: Future>(
    options: &TestOptions,
    seed: u64,
    body: &mut impl FnMut(u64) -> F,
) -> F::Output {
    let mut run = || match run_once(options, Some(seed), body(seed)) {
        Ok(run) => run,
        Err(payload) => seed_failed(options, seed, payload),
    };
    let (output, trace) = run();
    if checking_determinism() {
        let (again, second_trace) = run();
        if let Some(difference) = determinism::first_difference(&trace, &second_trace) {
            panic!(
                "seed {seed} is not deterministic: {difference}\n{}",
                replay(options, seed)
            );
        }
        return again;
    }
    output
}

/// The lines of `rt`'s trace so far, for the determinism check; empty
/// unless the check is on (only then are they kept).
fn trace_events(rt: &Runtime) -> Vec<String> {
    rt.take_trace().unwrap_or_default()
}

/// Whether `LOOPY_CHECK_DETERMINISM=1` asks for each seeded run twice.
fn checking_determinism() -> bool {
    std::env::var_os("LOOPY_CHECK_DETERMINISM").is_some_and(|value| value == "1")
}

/// Runs `body` on a fresh runtime seeded with `seed`, catching a panic of
/// the body or of any task; returns the body's output and the run's trace
/// events.
fn run_once<F: Future>(
    options: &TestOptions,
    seed: Option<u64>,
    body: F,
) -> std::thread::Result<(F::Output, Vec<String>)> {
    let mut builder = Runtime::builder().start_paused(options.start_paused);
    if let Some(seed) = seed {
        builder = builder.seed(seed);
        if checking_determinism() {
            // Every event, kept rather than printed, for the comparison.
            builder = builder.trace(true).keep_trace();
        }
    }
    let rt = builder
        .build()
        .unwrap_or_else(|err| panic!("#[loopy::test] could not create a runtime: {err}"));
    panic::catch_unwind(AssertUnwindSafe(move || {
        let output = rt.block_on(body);
        let trace = trace_events(&rt);
        let panics = rt.into_task_panics();
        if panics.count > 0 {
            panic!(
                "{} task(s) spawned by this test panicked; the first: {}",
                panics.count,
                panics.first.as_deref().unwrap_or("(no message)")
            );
        }
        (output, trace)
    }))
}

/// Fails the test for the panic `payload` of the run with `seed`, keeping
/// its message (so `#[should_panic(expected = ...)]` still matches).
fn seed_failed(options: &TestOptions, seed: u64, payload: Box<dyn Any + Send>) -> ! {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    panic!("{message}\n{}", replay(options, seed))
}

/// The line that names a failing seed and how to run just it again.
fn replay(options: &TestOptions, seed: u64) -> String {
    // `module_path!()` starts with the crate's name; the harness's test
    // names do not.
    let name = options
        .path
        .split_once("::")
        .map_or(options.path, |(_, name)| name);
    format!("the test failed with seed {seed}; replay just it with: LOOPY_SEED={seed} cargo test {name}")
}

/// The seed `LOOPY_SEED` sets, if it is set.
///
/// # Panics
///
/// If it is set to anything but a whole number.
fn env_seed() -> Option<u64> {
    parse_seed(std::env::var("LOOPY_SEED").ok().as_deref())
}

/// `LOOPY_SEED`'s value as a seed.
fn parse_seed(value: Option<&str>) -> Option<u64> {
    let value = value?.trim();
    match value.parse() {
        Ok(seed) => Some(seed),
        Err(_) => panic!(
            "LOOPY_SEED must be a whole number from 0 to {}, like LOOPY_SEED=42; it is {value:?}",
            u64::MAX
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_seed, replay, TestOptions};

    #[test]
    fn loopy_seed_is_a_whole_number() {
        assert_eq!(parse_seed(None), None);
        assert_eq!(parse_seed(Some("42")), Some(42));
        assert_eq!(parse_seed(Some(" 7\n")), Some(7));
        let bad = std::panic::catch_unwind(|| parse_seed(Some("forty-two"))).unwrap_err();
        let message = bad.downcast_ref::<String>().unwrap();
        assert!(
            message.starts_with("LOOPY_SEED must be a whole number")
                && message.contains("forty-two"),
            "{message}"
        );
    }

    #[test]
    fn the_replay_line_names_the_seed_and_the_test_without_its_crate() {
        let options = TestOptions {
            path: "my_tests::orders::two_tasks",
            start_paused: false,
            seed: None,
        };
        assert_eq!(
            replay(&options, 99),
            "the test failed with seed 99; replay just it with: \
             LOOPY_SEED=99 cargo test orders::two_tasks"
        );
    }
}
