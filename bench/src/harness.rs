//! The interleaved repetitions and their medians.

use std::time::Instant;

use crate::suite::options::Options;
use crate::suite::scenario::Scenario;

/// One scenario's result.
pub struct Outcome {
    /// The scenario.
    pub scenario: Scenario,
    /// Per contender, in `Options::contenders` order: the median of each of
    /// the scenario's metrics, or `None` if the contender has no such scenario.
    pub medians: Vec<Option<Vec<f64>>>,
}

/// Runs every chosen scenario: `reps` rounds, each running every contender
/// once in turn, so drift on the machine hits all contenders alike.
pub fn run(options: &Options) -> Vec<Outcome> {
    let contenders = &options.contenders;
    options
        .scenarios
        .iter()
        .map(|&scenario| {
            let started = Instant::now();
            let mut samples = vec![Vec::new(); contenders.len()];
            for rep in 1..=options.reps {
                for (&contender, samples) in contenders.iter().zip(&mut samples) {
                    samples.extend(scenario.run(contender, &options.sizes));
                }
                eprintln!(
                    "{}: rep {rep}/{} done at {:.1} s",
                    scenario.name(),
                    options.reps,
                    started.elapsed().as_secs_f64()
                );
            }
            Outcome {
                scenario,
                medians: samples.iter().map(|s| medians(s)).collect(),
            }
        })
        .collect()
}

/// The median of each metric over `samples` (one `Vec` of metrics per
/// repetition); `None` if there are none.
fn medians(samples: &[Vec<f64>]) -> Option<Vec<f64>> {
    let metrics = samples.first()?.len();
    Some(
        (0..metrics)
            .map(|m| {
                let mut values: Vec<f64> = samples.iter().map(|s| s[m]).collect();
                values.sort_by(f64::total_cmp);
                let mid = values.len() / 2;
                if values.len() % 2 == 1 {
                    values[mid]
                } else {
                    (values[mid - 1] + values[mid]) / 2.0
                }
            })
            .collect(),
    )
}
