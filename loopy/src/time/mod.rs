//! Time: sleeping, deadlines and periodic ticks.
//!
//! Every timer of a runtime lives in one `TimerHeap`, ordered by
//! deadline; each turn of the loop fires the ones that are due and sleeps
//! in the poller no longer than until the next one. Deadlines are exact
//! `Instant`s: a timer never fires before its deadline, and is not rounded
//! to milliseconds (the poller's wait uses a nanosecond timer).

mod interval;
mod sleep;
mod timeout;

use std::future::Future;
use std::time::{Duration, Instant};

pub use interval::Interval;
pub use sleep::Sleep;
pub use timeout::{Elapsed, Timeout};

pub(crate) use interval::far_future_if_overflow;

/// Waits until `duration` has passed.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// loopy::block_on(async {
///     let start = Instant::now();
///     loopy::sleep(Duration::from_millis(20)).await;
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::new(far_future_if_overflow(Instant::now(), duration))
}

/// Waits until `deadline`.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// loopy::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(20);
///     loopy::sleep_until(deadline).await;
///     assert!(Instant::now() >= deadline);
/// });
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline)
}

/// Runs `future` with a time limit: its output, or [`Elapsed`] if `limit`
/// passes first, in which case the future is dropped (cancelled) before the
/// error is returned.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// loopy::block_on(async {
///     let fast = loopy::timeout(Duration::from_secs(5), async { 1 }).await;
///     assert_eq!(fast, Ok(1));
///     let slow = loopy::timeout(Duration::from_millis(5), loopy::sleep(Duration::from_secs(5))).await;
///     assert!(slow.is_err());
/// });
/// ```
pub fn timeout<F: Future>(limit: Duration, future: F) -> Timeout<F> {
    Timeout::new(future, sleep(limit), limit)
}

/// Ticks every `period`, the first tick one period from now; see
/// [`Interval`].
///
/// # Panics
///
/// If `period` is zero: an interval that is always due would never let the
/// task go.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// loopy::block_on(async {
///     let mut ticks = loopy::interval(Duration::from_millis(5));
///     for _ in 0..3 {
///         ticks.tick().await;
///     }
/// });
/// ```
pub fn interval(period: Duration) -> Interval {
    assert!(
        !period.is_zero(),
        "loopy::interval called with a zero period; pass a period of at least 1ns"
    );
    Interval::new(sleep(period), period)
}
