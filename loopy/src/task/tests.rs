//! Unit tests of the task harness's unsafe edges: references and stages
//! that outlive the runtime, cross the thread boundary, or race with
//! completion. Each test counts drops (a leaked or doubled drop fails it)
//! and runs under valgrind in CI, which catches the use-after-free or leak
//! that a count cannot see.

use std::cell::{Cell, RefCell};
use std::future::{pending, poll_fn};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::task::{Poll, Waker};
use std::thread;

use crate::{spawn, yield_now, JoinHandle, Runtime};

/// A waker that counts its wakes, for the unit tests of `task/`.
#[derive(Default)]
pub(super) struct CountingWaker(AtomicUsize);

impl CountingWaker {
    /// Wakes so far.
    pub(super) fn wakes(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl std::task::Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Counts drops, from any thread.
#[derive(Clone, Default)]
struct Drops(Arc<AtomicUsize>);

impl Drops {
    fn guard(&self) -> DropGuard {
        DropGuard(Arc::clone(&self.0))
    }

    fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Adds one to its `Drops` when dropped.
struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// The waker of the task that awaits this.
async fn own_waker() -> Waker {
    poll_fn(|cx| Poll::Ready(cx.waker().clone())).await
}

#[test]
fn a_waker_woken_and_dropped_on_another_thread_after_the_runtime_is_gone() {
    let drops = Drops::default();
    let runtime = Runtime::new().unwrap();
    let waker = runtime.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel();
        let guard = drops.guard();
        drop(spawn(async move {
            let _guard = guard;
            tx.send(own_waker().await).unwrap();
            pending::<()>().await;
        }));
        yield_now().await;
        rx.recv().unwrap()
    });
    drop(runtime);
    assert_eq!(drops.get(), 1, "the runtime dropped the pending future");

    // The waker holds the last reference: the cell is freed over there.
    thread::spawn(move || {
        waker.wake_by_ref();
        let twin = waker.clone();
        waker.wake();
        drop(twin);
    })
    .join()
    .unwrap();
    assert_eq!(drops.get(), 1);
}

#[test]
fn a_handle_dropped_after_the_runtime_drops_the_untaken_output_once() {
    let drops = Drops::default();
    let runtime = Runtime::new().unwrap();
    let (finished, waker, pending_task) = runtime.block_on(async {
        let guard = drops.guard();
        let (tx, rx) = std::sync::mpsc::channel();
        let finished = spawn(async move {
            tx.send(own_waker().await).unwrap();
            guard
        });
        let guard = drops.guard();
        let pending_task = spawn(async move {
            let _guard = guard;
            pending::<()>().await;
        });
        yield_now().await;
        assert!(finished.is_finished());
        (finished, rx.recv().unwrap(), pending_task)
    });
    assert_eq!(drops.get(), 0, "the output waits for its handle");
    drop(runtime);
    assert_eq!(drops.get(), 1, "the pending future went with the runtime");
    drop(pending_task);
    assert_eq!(drops.get(), 1);
    // The waker keeps the task's cell alive; the output must go with the
    // handle all the same, here on the loop thread, not with the cell.
    drop(finished);
    assert_eq!(drops.get(), 2, "the output went with its handle");
    thread::spawn(move || drop(waker)).join().unwrap();
    assert_eq!(drops.get(), 2);
}

#[test]
fn a_task_that_cancels_itself_is_dropped_at_its_next_await() {
    let drops = Drops::default();
    Runtime::new().unwrap().block_on(async {
        let own: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
        let polls = Rc::new(Cell::new(0));
        let guard = drops.guard();
        let handle = spawn({
            let own = Rc::clone(&own);
            let polls = Rc::clone(&polls);
            async move {
                let _guard = guard;
                polls.set(polls.get() + 1);
                own.borrow().as_ref().unwrap().cancel();
                yield_now().await;
                polls.set(polls.get() + 1);
            }
        });
        let observer = spawn(async {});
        *own.borrow_mut() = Some(handle);
        observer.await.unwrap();
        yield_now().await;
        let handle = own.borrow_mut().take().unwrap();
        assert!(handle.await.unwrap_err().is_cancelled());
        assert_eq!(polls.get(), 1, "never polled after cancelling itself");
    });
    assert_eq!(drops.get(), 1);
}

#[test]
fn a_task_that_cancels_itself_and_returns_keeps_its_result() {
    Runtime::new().unwrap().block_on(async {
        let own: Rc<RefCell<Option<JoinHandle<u32>>>> = Rc::default();
        let handle = spawn({
            let own = Rc::clone(&own);
            async move {
                own.borrow().as_ref().unwrap().cancel();
                7
            }
        });
        *own.borrow_mut() = Some(handle);
        yield_now().await;
        let handle = own.borrow_mut().take().unwrap();
        assert_eq!(handle.await.unwrap(), 7);
    });
}

#[test]
fn a_detached_task_finishes_while_a_remote_wake_is_in_flight() {
    const ROUNDS: usize = 200;
    let drops = Drops::default();
    Runtime::new().unwrap().block_on(async {
        for _ in 0..ROUNDS {
            let start = Arc::new(Barrier::new(2));
            let guard = drops.guard();
            let (tx, rx) = std::sync::mpsc::channel();
            // Detached at once: the task's own references are the only ones.
            drop(spawn({
                let start = Arc::clone(&start);
                async move {
                    let _guard = guard;
                    tx.send(own_waker().await).unwrap();
                    start.wait();
                    // Finish while the other thread wakes.
                }
            }));
            let waking = thread::spawn(move || {
                let waker: Waker = rx.recv().unwrap();
                start.wait();
                for _ in 0..10 {
                    waker.wake_by_ref();
                }
                waker.wake();
            });
            // The task runs now (under a seed, maybe after a few turns); it
            // and the thread meet at the barrier.
            while !waking.is_finished() {
                yield_now().await;
            }
            waking.join().unwrap();
            yield_now().await;
        }
    });
    assert_eq!(drops.get(), ROUNDS);
}
