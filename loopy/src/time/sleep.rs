//! `Sleep`: a future that is ready once its deadline has passed.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Instant;

use crate::driver::timer_heap::TimerKey;
use crate::task::context::{self, Handle};

/// The future returned by [`sleep`](crate::sleep) and
/// [`sleep_until`](crate::sleep_until).
///
/// It arms a timer on its first poll (unless the deadline has already
/// passed) and disarms it when dropped, so a sleep that loses a race costs
/// nothing afterwards.
///
/// # Panics
///
/// Polling it outside a running loopy runtime panics.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    /// When the sleep ends.
    deadline: Instant,
    /// The armed timer, from the first `Pending` poll on.
    timer: Option<ArmedTimer>,
}

/// A timer in a runtime's heap, removed when this is dropped.
struct ArmedTimer {
    /// The runtime that polled the sleep first, whose heap has the timer.
    handle: Rc<Handle>,
    key: TimerKey,
}

impl Drop for ArmedTimer {
    fn drop(&mut self) {
        self.handle.timers.remove(self.key);
    }
}

impl Sleep {
    pub(crate) fn new(deadline: Instant) -> Sleep {
        Sleep {
            deadline,
            timer: None,
        }
    }

    /// When the sleep ends (or ended).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let at = Instant::now() + Duration::from_millis(5);
    /// assert_eq!(loopy::sleep_until(at).deadline(), at);
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Moves the deadline, also of a sleep that has already finished.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// loopy::block_on(async {
    ///     let mut sleep = loopy::sleep(Duration::from_secs(3600));
    ///     sleep.reset(Instant::now() + Duration::from_millis(1));
    ///     sleep.await;
    /// });
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        if let Some(timer) = &self.timer {
            timer.handle.timers.reset(timer.key, deadline);
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self.deadline;
        match &self.timer {
            Some(timer) => {
                let ready = timer.handle.timers.poll_timer(timer.key, cx.waker());
                if ready.is_pending() {
                    timer.handle.tasks.parked_on_timer(deadline);
                }
                ready
            }
            None => {
                let handle = context::expect("loopy::sleep");
                if deadline <= handle.clock.now() {
                    return Poll::Ready(());
                }
                let key = handle.timers.insert(deadline, cx.waker());
                handle.tasks.parked_on_timer(deadline);
                self.timer = Some(ArmedTimer { handle, key });
                Poll::Pending
            }
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("armed", &self.timer.is_some())
            .finish()
    }
}
