//! Time: sleeping, deadlines and periodic ticks.
//!
//! Every timer of a runtime lives in one `TimerHeap`, ordered by
//! deadline; each turn of the loop fires the ones that are due and sleeps
//! in the poller no longer than until the next one. Deadlines are exact
//! `Instant`s: a timer never fires before its deadline, and is not rounded
//! to milliseconds (the poller's wait uses a nanosecond timer).
//!
//! # A paused clock
//!
//! A runtime built with
//! [`start_paused(true)`](crate::runtime::Builder::start_paused) (or a
//! `#[loopy::test(start_paused)]`) reads the time from a clock that stands
//! still, so a test of timeouts runs in no time and the same way every
//! time. [`now`] follows it, and [`sleep`], [`sleep_until`], [`timeout`]
//! and [`interval`] all go by it. It moves in two ways:
//!
//! - [`advance`] moves it forward, fires the timers that became due, and
//!   lets their tasks run before the caller goes on;
//! - when the loop has nothing ready and nothing but a timer could wake it,
//!   it jumps to the next timer's deadline by itself.
//!
//! "Nothing but a timer": while any task waits on a real descriptor (a
//! socket, a pipe, stdin, a signal) or a `spawn_blocking` job is running,
//! the clock does not jump; it moves only by `advance`, and the loop waits
//! for the descriptor or the job in real time. So a timeout never fires
//! while real I/O may still arrive. In-memory I/O
//! ([`io::duplex`](crate::io)) is not real I/O: waiting on it does not stop
//! the clock.
//!
//! tokio's paused clock differs: it advances to the next timer whenever the
//! runtime has no work, also while a task waits on a socket, so a timeout
//! can fire while a real reply is on its way; and its auto-advance cannot
//! be turned off. loopy's rule trades that for tests that wait, in real
//! time, for what really comes from outside.

mod interval;
mod sleep;
mod timeout;

use std::future::Future;
use std::time::{Duration, Instant};

pub use interval::Interval;
pub use sleep::Sleep;
pub use timeout::{Elapsed, Timeout};

pub(crate) use interval::far_future_if_overflow;

use crate::driver::trace::WakeCause;
use crate::task::context;
use crate::unwind;

/// The time now, as the running loop's clock says: `Instant::now()`,
/// unless the runtime's clock is paused (outside a runtime, always
/// `Instant::now()`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let rt = loopy::Runtime::builder().start_paused(true).build()?;
/// rt.block_on(async {
///     let start = loopy::time::now();
///     loopy::time::advance(Duration::from_secs(90)).await;
///     assert_eq!(loopy::time::now() - start, Duration::from_secs(90));
/// });
/// # std::io::Result::Ok(())
/// ```
pub fn now() -> Instant {
    context::with(|handle| handle.map_or_else(Instant::now, |handle| handle.clock.now()))
}

/// Moves the running loop's paused clock forward by `by` and fires the
/// timers that became due; awaiting the returned future lets the tasks
/// they woke run before the caller goes on. See [the rules of the paused
/// clock](self#a-paused-clock).
///
/// The clock moves when `advance` is called, whether or not the future is
/// awaited.
///
/// # Panics
///
/// Outside a runtime, and on a runtime whose clock is not paused.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let rt = loopy::Runtime::builder().start_paused(true).build()?;
/// rt.block_on(async {
///     let alarm = loopy::spawn(loopy::sleep(Duration::from_secs(30)));
///     loopy::yield_now().await; // the alarm arms its timer
///     loopy::time::advance(Duration::from_secs(29)).await;
///     assert!(!alarm.is_finished());
///     loopy::time::advance(Duration::from_secs(1)).await;
///     assert!(alarm.is_finished());
/// });
/// # std::io::Result::Ok(())
/// ```
#[track_caller]
pub fn advance(by: Duration) -> crate::task::YieldNow {
    let handle = context::expect("loopy::time::advance");
    let to = far_future_if_overflow(handle.clock.now(), by);
    if !handle.clock.move_to(to) {
        panic!(
            "loopy::time::advance called on a runtime whose clock is not paused; build it \
             with Runtime::builder().start_paused(true), or write #[loopy::test(start_paused)]"
        );
    }
    handle.timers.fire_due(
        to,
        |count| handle.instruments.timers_fired(count),
        |due| context::waking(WakeCause::Timer, || unwind::wake_all_contained(due)),
    );
    crate::task::yield_now()
}

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
    Sleep::new(far_future_if_overflow(now(), duration))
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
