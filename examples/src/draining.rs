//! The word a server gives its connection tasks when it stops: "finish
//! up". Each task hears it in its own way: `hello_server`'s clients stop
//! answering and say goodbye, `http_hello`'s connections let hyper finish
//! the request in flight. The server then gives them a grace period
//! (`TaskGroup::shutdown`) and cancels whichever are still running.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Tells every connection task that the server is shutting down; clones
/// share one word.
///
/// # Examples
///
/// ```
/// use loopy_examples::draining::Draining;
///
/// # loopy::block_on(async {
/// let draining = Draining::default();
/// let heard = draining.clone();
/// let task = loopy::spawn(async move { heard.unless_started(std::future::pending::<()>()).await });
/// loopy::yield_now().await;
/// draining.start();
/// assert_eq!(task.await.unwrap(), None);
/// # });
/// ```
#[derive(Clone, Debug, Default)]
pub struct Draining {
    /// Shared by the server and every connection task.
    state: Rc<RefCell<DrainingState>>,
}

/// Whether shutdown began, and who to tell when it does.
#[derive(Debug, Default)]
struct DrainingState {
    /// Set once, when the server stops accepting.
    started: bool,
    /// The connection tasks waiting to hear it.
    waiters: Vec<Waker>,
}

impl Draining {
    /// Begins the shutdown and wakes every task waiting to hear it.
    ///
    /// # Examples
    ///
    /// See [`Draining`].
    pub fn start(&self) {
        let waiters = {
            let mut state = self.state.borrow_mut();
            state.started = true;
            std::mem::take(&mut state.waiters)
        };
        for waiter in waiters {
            waiter.wake();
        }
    }

    /// Ready once the shutdown began; until then keeps `cx`'s waker.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use loopy_examples::draining::Draining;
    ///
    /// # loopy::block_on(async {
    /// let draining = Draining::default();
    /// draining.start();
    /// poll_fn(|cx| draining.poll_started(cx)).await;
    /// # });
    /// ```
    pub fn poll_started(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.borrow_mut();
        if state.started {
            return Poll::Ready(());
        }
        if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            state.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }

    /// Runs `work` to its end, `Some` of its output, unless the shutdown
    /// begins first: then `work` is dropped where it waits, and `None`.
    ///
    /// # Examples
    ///
    /// See [`Draining`].
    pub async fn unless_started<F: Future>(&self, work: F) -> Option<F::Output> {
        let mut work = pin!(work);
        poll_fn(|cx| {
            if self.poll_started(cx).is_ready() {
                return Poll::Ready(None);
            }
            work.as_mut().poll(cx).map(Some)
        })
        .await
    }
}
