//! `Sleep`: a future that is ready once its deadline has passed.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use crate::task::deadline::Deadline;

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
    /// The wait on the loop's timer heap.
    deadline: Deadline,
}

impl Sleep {
    pub(crate) fn new(deadline: Instant) -> Sleep {
        Sleep {
            deadline: Deadline::new(deadline),
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
        self.deadline.instant()
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
        self.deadline.reset(deadline);
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.deadline.poll_elapsed(cx, "loopy::sleep")
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline.instant())
            .field("armed", &self.deadline.is_armed())
            .finish()
    }
}
