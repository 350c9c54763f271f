//! `Interval`: a timer that ticks at a fixed period.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::sleep::Sleep;

/// Ticks every `period`; made by [`interval`](crate::interval).
///
/// The first tick comes one period after the interval was created (not at
/// once, as in tokio), each following one a period after the one before.
/// If the loop falls behind by more than a period, the missed ticks are
/// skipped rather than fired in a burst, and the schedule keeps its phase:
/// the next tick is the next multiple of the period after the first
/// deadline. Each tick returns the deadline it was scheduled for.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// loopy::block_on(async {
///     let start = Instant::now();
///     let mut ticks = loopy::interval(Duration::from_millis(10));
///     let first = ticks.tick().await;
///     let second = ticks.tick().await;
///     // Ten milliseconds apart, or a multiple if the loop fell behind.
///     assert_eq!((second - first).as_nanos() % 10_000_000, 0);
///     assert!(second > first);
///     assert!(Instant::now() >= start + Duration::from_millis(20));
/// });
/// ```
#[derive(Debug)]
pub struct Interval {
    /// Sleeps until the next tick.
    sleep: Sleep,
    /// Time between ticks; never zero.
    period: Duration,
}

impl Interval {
    pub(crate) fn new(sleep: Sleep, period: Duration) -> Interval {
        Interval { sleep, period }
    }

    /// Waits for the next tick and returns its scheduled time.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick; `Ready` with its scheduled time when due.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.sleep).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let scheduled = self.sleep.deadline();
        let behind = super::now().saturating_duration_since(scheduled);
        // Periods to advance: one, plus every whole period already missed.
        let periods = behind.as_nanos() / self.period.as_nanos() + 1;
        let advance = u64::try_from(self.period.as_nanos() * periods).unwrap_or(u64::MAX);
        self.sleep.reset(far_future_if_overflow(
            scheduled,
            Duration::from_nanos(advance),
        ));
        Poll::Ready(scheduled)
    }

    /// The time between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }
}

/// `base + delta`, or a deadline about thirty years out if that overflows
/// `Instant` (which a sleep will never reach in practice).
pub(crate) fn far_future_if_overflow(base: Instant, delta: Duration) -> Instant {
    base.checked_add(delta)
        .or_else(|| base.checked_add(Duration::from_secs(30 * 365 * 86_400)))
        .unwrap_or(base)
}
