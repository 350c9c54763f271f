//! `interval(period)` ticks first one period after it was created, and then
//! once a period, never early.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use loopy::interval;

#[loopy::test]
async fn the_first_tick_comes_one_period_after_creation() {
    let period = Duration::from_millis(40);
    let created = Instant::now();
    let mut ticker = interval(period);
    ticker.tick().await;
    assert!(
        created.elapsed() >= period,
        "first tick after {:?}, before one period",
        created.elapsed()
    );
}

#[loopy::test]
async fn ticks_keep_the_period() {
    let period = Duration::from_millis(15);
    let created = Instant::now();
    let mut ticker = loopy::time::interval(period);
    let mut previous = created;
    for n in 1..=8u32 {
        ticker.tick().await;
        let now = Instant::now();
        // Never early against the schedule: tick n is due n periods in.
        assert!(
            now >= created + period * n,
            "tick {n} came {:?} early",
            created + period * n - now
        );
        assert!(now > previous);
        previous = now;
    }
    // Loose upper bound: the schedule is not drifting by whole seconds.
    assert!(created.elapsed() < period * 8 + Duration::from_secs(2));
}

#[loopy::test]
async fn two_intervals_interleave() {
    let fast_ticks = Rc::new(Cell::new(0u32));
    let fast = loopy::spawn({
        let fast_ticks = fast_ticks.clone();
        async move {
            let mut ticker = interval(Duration::from_millis(10));
            loop {
                ticker.tick().await;
                fast_ticks.set(fast_ticks.get() + 1);
            }
        }
    });
    let created = Instant::now();
    let mut slow = interval(Duration::from_millis(100));
    slow.tick().await;
    let ticks = fast_ticks.get();
    // Ten fast periods fit in one slow one; allow for a slow machine,
    // but not for ticks that came early.
    assert!(ticks >= 3, "only {ticks} fast ticks");
    let most = created.elapsed().as_millis() / 10 + 1;
    assert!(
        u128::from(ticks) <= most,
        "{ticks} fast ticks, at most {most} due"
    );
    fast.cancel();
}
