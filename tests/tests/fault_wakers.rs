//! Wakers that outlive what they wake: called after their task finished,
//! after the runtime was dropped, and from another thread after that.
//! None of it crashes, and none of it wakes a task it does not belong to.

use std::cell::Cell;
use std::future::{pending, poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use loopy::{sleep, yield_now, Runtime};
use loopy_tests::{no_descriptor_leaks, within};

const LIMIT: Duration = Duration::from_secs(20);

/// The waker of the task that awaits this.
async fn own_waker() -> Waker {
    poll_fn(|cx| Poll::Ready(cx.waker().clone())).await
}

/// A future that never completes and counts how often it is polled: a
/// wake that reaches its task by mistake shows as an extra poll.
struct CountPolls(Rc<Cell<usize>>);

impl Future for CountPolls {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        self.0.set(self.0.get() + 1);
        Poll::Pending
    }
}

/// Spawns a task that is polled once and then never woken by anyone, and
/// returns its poll count.
fn spawn_bystander() -> Rc<Cell<usize>> {
    let polls = Rc::new(Cell::new(0));
    // Detached: the runtime drops it at shutdown.
    drop(loopy::spawn(CountPolls(Rc::clone(&polls))));
    polls
}

#[test]
fn the_waker_of_a_finished_task_wakes_nothing() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            loopy::block_on(async {
                let stale = loopy::spawn(own_waker()).await.unwrap();
                let bystander = spawn_bystander();
                yield_now().await;
                assert_eq!(bystander.get(), 1);

                stale.wake_by_ref();
                let remote = stale.clone();
                thread::spawn(move || remote.wake()).join().unwrap();
                stale.wake();
                sleep(Duration::from_millis(10)).await;
                assert_eq!(bystander.get(), 1, "a stale waker woke another task");
            })
        })
    });
}

#[test]
fn wakers_used_after_their_runtime_was_dropped_do_nothing() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            let (here, there) = {
                let runtime = Runtime::new().unwrap();
                // Two wakers of a task that finished in that runtime.
                runtime.block_on(async {
                    let waker = loopy::spawn(own_waker()).await.unwrap();
                    (waker.clone(), waker)
                })
            };
            // The waker of a task still pending when its runtime went.
            let pending_waker = {
                let runtime = Runtime::new().unwrap();
                let waker = runtime.block_on(async {
                    let (tx, rx) = std::sync::mpsc::channel();
                    drop(loopy::spawn(async move {
                        tx.send(own_waker().await).unwrap();
                        pending::<()>().await;
                    }));
                    // Until the task has run (under a seed, it may not be
                    // the first to).
                    loop {
                        if let Ok(waker) = rx.try_recv() {
                            break waker;
                        }
                        yield_now().await;
                    }
                });
                drop(runtime);
                waker
            };

            // A new runtime with a task of its own on the same thread.
            let runtime = Runtime::new().unwrap();
            runtime.block_on(async {
                let bystander = spawn_bystander();
                yield_now().await;
                here.wake_by_ref();
                pending_waker.wake_by_ref();
                let from_afar = thread::spawn(move || {
                    there.wake_by_ref();
                    there.wake();
                    pending_waker.wake();
                });
                from_afar.join().unwrap();
                here.wake();
                sleep(Duration::from_millis(10)).await;
                assert_eq!(
                    bystander.get(),
                    1,
                    "a dead runtime's waker woke a live task"
                );
            });
        })
    });
}
