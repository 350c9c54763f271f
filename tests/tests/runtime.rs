//! A `Runtime` runs `block_on` calls in turn, keeps its tasks between them,
//! and drops the tasks still pending when it is dropped.

use std::cell::Cell;
use std::rc::Rc;
use std::thread;
use std::time::Duration;

use loopy::{block_on, sleep, spawn, yield_now, Runtime};
use loopy_tests::DropCount;

#[test]
fn block_on_returns_the_output() {
    assert_eq!(block_on(async { 1 + 1 }), 2);
    let rt = Runtime::new().unwrap();
    assert_eq!(rt.block_on(async { "two" }), "two");
}

#[test]
fn the_builder_builds_a_working_runtime() {
    let rt = Runtime::builder()
        .trace(false)
        .max_blocking_threads(2)
        .event_interval(7)
        .build()
        .unwrap();
    let sum = rt.block_on(async {
        let handles: Vec<_> = (0..20).map(|n| spawn(async move { n })).collect();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.unwrap();
        }
        sleep(Duration::from_millis(1)).await;
        sum + loopy::spawn_blocking(|| 1000).await.unwrap()
    });
    assert_eq!(sum, 190 + 1000);
}

#[test]
fn a_task_spawned_in_one_block_on_finishes_in_the_next() {
    let rt = Runtime::new().unwrap();
    let mut handle = None;
    rt.block_on(async {
        handle = Some(spawn(async {
            sleep(Duration::from_millis(20)).await;
            "second"
        }));
    });
    let handle = handle.unwrap();
    assert!(!handle.is_finished(), "its timer cannot have fired yet");
    assert_eq!(rt.block_on(handle).unwrap(), "second");
}

#[test]
fn a_detached_task_progresses_across_block_on_calls() {
    let rt = Runtime::new().unwrap();
    let ticks = Rc::new(Cell::new(0));
    rt.block_on({
        let ticks = ticks.clone();
        async move {
            spawn(async move {
                loop {
                    ticks.set(ticks.get() + 1);
                    yield_now().await;
                }
            });
        }
    });
    let after_first = ticks.get();
    rt.block_on(async {
        for _ in 0..10 {
            yield_now().await;
        }
    });
    assert!(
        ticks.get() > after_first,
        "the task did not run during the second block_on"
    );
}

#[test]
fn dropping_the_runtime_drops_pending_tasks() {
    let drops = DropCount::new();
    let rt = Runtime::new().unwrap();
    let sleeping = drops.guard();
    let never_polled = drops.guard();
    rt.block_on(async {
        drops.spawn_parked();
        spawn(async move {
            let _guard = sleeping;
            sleep(Duration::from_secs(3600)).await;
        });
        yield_now().await;
        // Spawned last and never given a turn.
        spawn(async move {
            let _guard = never_polled;
        });
    });
    assert_eq!(drops.get(), 0, "the tasks are still alive in the runtime");
    drop(rt);
    assert_eq!(drops.get(), 3, "every pending task's destructor must run");
}

#[test]
fn runtimes_on_different_threads_are_independent() {
    let threads: Vec<_> = (0..4u64)
        .map(|n| {
            thread::spawn(move || {
                block_on(async move {
                    let handles: Vec<_> = (0..100u64)
                        .map(|k| {
                            spawn(async move {
                                yield_now().await;
                                n * 1000 + k
                            })
                        })
                        .collect();
                    let mut sum = 0;
                    for handle in handles {
                        sum += handle.await.unwrap();
                    }
                    sum
                })
            })
        })
        .collect();
    for (n, thread) in (0..4u64).zip(threads) {
        assert_eq!(thread.join().unwrap(), n * 100_000 + 4950);
    }
}

#[test]
fn one_runtime_after_another_on_the_same_thread() {
    for round in 0..3 {
        let rt = Runtime::new().unwrap();
        let value = rt.block_on(async move { spawn(async move { round }).await.unwrap() });
        assert_eq!(value, round);
    }
}

#[test]
fn a_runtime_dropped_as_its_thread_exits_shuts_down_cleanly() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    thread_local! {
        static KEPT: std::cell::RefCell<Option<loopy::Runtime>> = const { std::cell::RefCell::new(None) };
    }
    /// Counts its drops, from any thread.
    struct Guard(Arc<AtomicUsize>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    let drops = Arc::new(AtomicUsize::new(0));
    let worker = std::thread::spawn({
        let drops = Arc::clone(&drops);
        move || {
            // Touch `KEPT` first: thread-locals are destroyed in the reverse
            // order of first use, so it goes after loopy's own, and the
            // runtime is dropped when loopy's context is already gone.
            KEPT.with(|_| ());
            let rt = loopy::Runtime::new().unwrap();
            rt.block_on(async move {
                let guard = Guard(drops);
                loopy::spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await
                });
                loopy::yield_now().await;
            });
            KEPT.with(|kept| *kept.borrow_mut() = Some(rt));
        }
    });
    worker.join().expect("the thread exited cleanly");
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the pending task was dropped"
    );
}
