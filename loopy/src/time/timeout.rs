//! `Timeout`: a future with a deadline.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::sleep::Sleep;

pin_project! {
    /// The future returned by [`timeout`](crate::timeout).
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        // The future under the deadline; `None` once the deadline passed
        // and it was dropped.
        #[pin]
        future: Option<F>,
        // Ends the race.
        sleep: Sleep,
        // The limit, for the error message.
        limit: Duration,
    }
}

impl<F> Timeout<F> {
    pub(crate) fn new(future: F, sleep: Sleep, limit: Duration) -> Timeout<F> {
        Timeout {
            future: Some(future),
            sleep,
            limit,
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        // The future goes first: one that is ready at the deadline wins.
        if let Some(future) = this.future.as_mut().as_pin_mut() {
            if let Poll::Ready(output) = future.poll(cx) {
                return Poll::Ready(Ok(output));
            }
        }
        match Pin::new(this.sleep).poll(cx) {
            Poll::Ready(()) => {
                // Drop the losing future now, so its cleanup runs before the
                // caller sees the error.
                this.future.set(None);
                Poll::Ready(Err(Elapsed { limit: *this.limit }))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("sleep", &self.sleep)
            .field("limit", &self.limit)
            .finish()
    }
}

/// The error of a [`timeout`](crate::timeout) whose deadline passed first.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// loopy::block_on(async {
///     let err = loopy::timeout(Duration::from_millis(1), std::future::pending::<()>())
///         .await
///         .unwrap_err();
///     assert_eq!(err.to_string(), "timed out after 1ms");
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed {
    /// The time the future was given.
    limit: Duration,
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.limit)
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(elapsed: Elapsed) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed)
    }
}
