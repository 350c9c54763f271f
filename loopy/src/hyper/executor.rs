//! `Executor`: hyper's background futures, spawned on the running loop.

use std::future::Future;

/// Spawns the futures hyper hands over (HTTP/2's connection and stream
/// tasks, a client's connection) as loopy tasks on the running loop.
///
/// The futures need not be `Send`: everything runs on the loop thread.
/// Each task is detached; hyper learns of its end through its own
/// channels.
///
/// # Panics
///
/// `execute` panics outside a running loopy runtime, like
/// [`spawn`](crate::spawn).
///
/// # Examples
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use hyper::rt::Executor as _;
///
/// loopy::block_on(async {
///     let ran = Rc::new(Cell::new(false)); // not Send
///     let flag = Rc::clone(&ran);
///     loopy::hyper::Executor::new().execute(async move { flag.set(true) });
///     loopy::yield_now().await;
///     assert!(ran.get());
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Executor;

impl Executor {
    /// An executor for the runtime running when it spawns.
    ///
    /// # Examples
    ///
    /// ```
    /// let _executor = loopy::hyper::Executor::new();
    /// ```
    pub fn new() -> Executor {
        Executor
    }
}

impl<F> ::hyper::rt::Executor<F> for Executor
where
    F: Future + 'static,
{
    fn execute(&self, future: F) {
        // Detached: dropping the handle lets the task run on.
        drop(crate::spawn(async move {
            future.await;
        }));
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use ::hyper::rt::Executor as _;

    use super::*;

    /// The contract: `Executor` is `Clone + Default`.
    fn clone_of_default<E: Clone + Default>() -> E {
        E::default().clone()
    }

    #[test]
    fn spawns_a_future_that_is_not_send_on_the_loop() {
        crate::block_on(async {
            let runs = Rc::new(Cell::new(0));
            let executor = clone_of_default::<Executor>();
            for _ in 0..3 {
                let runs = Rc::clone(&runs);
                executor.clone().execute(async move {
                    crate::yield_now().await;
                    runs.set(runs.get() + 1);
                });
            }
            assert_eq!(runs.get(), 0, "spawned, not run inline");
            let all_ran = async {
                while runs.get() < 3 {
                    crate::yield_now().await;
                }
            };
            crate::timeout(std::time::Duration::from_secs(5), all_ran)
                .await
                .expect("the spawned futures must run");
        });
    }
}
