//! timers: many tasks each sleep a pseudo-random 1-50 ms. The wall time says
//! what a timer costs to set, keep and fire; the lateness past each task's own
//! deadline says how precisely it fires.
//!
//! With 100,000 tasks, spawning the last one takes longer than the shortest
//! sleeps, so lateness there also measures a backlog; the 10,000-task run is
//! the one to read it from.

use std::time::{Duration, Instant};

use crate::suite::runtime::Runtime;
use crate::suite::xorshift::XorShift;

/// Every contender draws the same durations in the same order.
const SEED: u64 = 0x5EED_1E55_C0FF_EE00;

/// The shortest and longest sleep, in microseconds.
const SLEEP_US: (u64, u64) = (1_000, 50_000);

/// `tasks` tasks sleep; returns the wall ms, mean and max lateness in µs,
/// and how many woke before their deadline (which must be none).
pub fn run<R: Runtime>(tasks: usize) -> Vec<f64> {
    R::block_on(|rt| async move {
        let start = Instant::now();
        let mut durations = XorShift::new(SEED);
        let sleepers: Vec<_> = (0..tasks)
            .map(|_| {
                let duration = Duration::from_micros(durations.in_range(SLEEP_US.0, SLEEP_US.1));
                rt.spawn(async move {
                    let deadline = Instant::now() + duration;
                    R::sleep(duration).await;
                    Instant::now().checked_duration_since(deadline)
                })
            })
            .collect();
        let (mut total_late, mut max_late, mut early) = (Duration::ZERO, Duration::ZERO, 0);
        for sleeper in sleepers {
            match sleeper.await {
                Some(late) => {
                    total_late += late;
                    max_late = max_late.max(late);
                }
                None => early += 1,
            }
        }
        let wall = start.elapsed();
        let on_time = (tasks - early).max(1) as f64;
        vec![
            wall.as_secs_f64() * 1e3,
            total_late.as_secs_f64() * 1e6 / on_time,
            max_late.as_secs_f64() * 1e6,
            early as f64,
        ]
    })
}
