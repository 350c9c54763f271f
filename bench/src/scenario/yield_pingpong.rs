//! yield_pingpong: two tasks each yield many times, so the loop switches
//! between them on every yield. What one trip through the run queue costs.

use std::time::Instant;

use crate::suite::runtime::Runtime;

/// Two tasks each yield `yields` times; returns M switches/s.
pub fn run<R: Runtime>(yields: usize) -> Vec<f64> {
    R::block_on(|rt| async move {
        let start = Instant::now();
        let a = rt.spawn(yielder::<R>(yields));
        let b = rt.spawn(yielder::<R>(yields));
        let switches = a.await + b.await;
        let elapsed = start.elapsed();
        assert_eq!(switches, 2 * yields, "yield_pingpong: lost yields");
        vec![switches as f64 / elapsed.as_secs_f64() / 1e6]
    })
}

/// Yields `yields` times and says how many it did.
async fn yielder<R: Runtime>(yields: usize) -> usize {
    let mut done = 0;
    for _ in 0..yields {
        R::yield_now().await;
        done += 1;
    }
    done
}
