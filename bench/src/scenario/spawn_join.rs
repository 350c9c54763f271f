//! spawn_join: spawn many tasks that each return a number, then await every
//! handle. What a task costs from birth to join.

use std::time::Instant;

use crate::suite::runtime::Runtime;

/// Spawns `tasks` tasks, joins them all, checks the sum; returns M tasks/s.
pub fn run<R: Runtime>(tasks: usize) -> Vec<f64> {
    R::block_on(|rt| async move {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks as u64)
            .map(|i| rt.spawn(async move { i }))
            .collect();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await;
        }
        let elapsed = start.elapsed();
        let n = tasks as u64;
        assert_eq!(sum, n * (n - 1) / 2, "spawn_join: wrong sum of outputs");
        vec![tasks as f64 / elapsed.as_secs_f64() / 1e6]
    })
}
