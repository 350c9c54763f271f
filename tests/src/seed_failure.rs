//! What a failed seeded run says, for the tests of bugs that seeds find:
//! [`assert_found_and_replayed`] explores a buggy test body under many
//! seeds, checks that the failure names its seed and the command that
//! replays it, and replays that seed to see the same failure again.
//! [`replayed_seed`] reads the seed out of such a failure.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

use loopy::__private::{run_seeds, run_test, TestOptions, TestOutcome};

use crate::panic_message;

/// Runs `body` under `count` seeds as `#[loopy::test(seeds = count)]`
/// would, expects a run to fail with a message containing `symptom` and
/// ending with the replay command for the test `name`, then runs the seed
/// it names three times more, alone, as the replay command would, and
/// expects the same failure each time. Returns that seed.
///
/// # Panics
///
/// If every seed passes, if the failure lacks the symptom or the replay
/// command, or if a replay passes or fails another way.
pub fn assert_found_and_replayed<F>(
    options: TestOptions,
    count: u32,
    symptom: &str,
    mut body: impl FnMut(u64) -> F,
) -> u64
where
    F: Future,
    F::Output: TestOutcome,
{
    let found = failure_of(|| {
        run_seeds(options, count, &mut body);
    });
    assert!(found.contains(symptom), "{found}");
    let name = options
        .path
        .split_once("::")
        .map_or(options.path, |(_, name)| name);
    let seed = replayed_seed(&found, name);
    let replay = TestOptions {
        seed: Some(seed),
        ..options
    };
    for _ in 0..3 {
        let again = failure_of(|| {
            run_test(replay, &mut body);
        });
        assert_eq!(again, found, "the replay of seed {seed} fails the same way");
    }
    seed
}

/// The seed that a failure's last line names, after checking that the
/// line is the replay command for the test `name`.
///
/// # Panics
///
/// If the message does not end with that line.
pub fn replayed_seed(message: &str, name: &str) -> u64 {
    let seed: u64 = message
        .rsplit("LOOPY_SEED=")
        .next()
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| panic!("no LOOPY_SEED=<seed> in {message:?}"));
    let line = format!(
        "the test failed with seed {seed}; replay just it with: LOOPY_SEED={seed} cargo test {name}"
    );
    assert!(
        message.ends_with(&line),
        "{message:?} must end with {line:?}"
    );
    seed
}

/// The message of the panic that `run` ends with.
fn failure_of(run: impl FnOnce()) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(run)).expect_err("the run must fail");
    panic_message(&*payload).to_owned()
}
