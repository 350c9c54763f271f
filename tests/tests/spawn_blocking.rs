//! `spawn_blocking` runs a closure on a bounded pool of threads and wakes the
//! loop when it is done; the loop keeps running other tasks meanwhile.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use loopy::{block_on, spawn_blocking, Runtime};
use loopy_tests::{panic_message, Ticker};

#[loopy::test]
async fn the_closure_runs_off_the_loop_thread_and_returns_its_value() {
    let loop_thread = thread::current().id();
    let (value, thread_id) = spawn_blocking(|| (6 * 7, thread::current().id()))
        .await
        .unwrap();
    assert_eq!(value, 42);
    assert_ne!(thread_id, loop_thread);
}

#[test]
fn a_panic_in_the_closure_becomes_a_panic_error() {
    block_on(async {
        let error = spawn_blocking(|| -> u8 { panic!("blocking work failed") })
            .await
            .expect_err("the closure panicked");
        assert!(error.is_panic());
        assert_eq!(panic_message(&*error.into_panic()), "blocking work failed");
        // The pool survives the panic.
        assert_eq!(spawn_blocking(|| 1).await.unwrap(), 1);
    });
}

#[loopy::test]
async fn the_loop_keeps_running_while_a_closure_blocks() {
    let ticker = Ticker::spawn(Duration::from_millis(10));
    spawn_blocking(|| thread::sleep(Duration::from_millis(300)))
        .await
        .unwrap();
    // Thirty ticks fit in 300 ms; a stalled loop would show none.
    let ticks = ticker.ticks();
    assert!(ticks >= 5, "only {ticks} ticks while blocking");
}

#[test]
fn the_pool_is_bounded_by_max_blocking_threads() {
    let rt = Runtime::builder().max_blocking_threads(2).build().unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                spawn_blocking(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
    });
    let most = most.load(Ordering::SeqCst);
    assert!(most <= 2, "{most} closures ran at once with a cap of 2");
}

#[loopy::test]
async fn many_closures_all_complete() {
    let handles: Vec<_> = (0..200u64).map(|n| spawn_blocking(move || n * 2)).collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, 2 * (0..200).sum::<u64>());
}

/// Jobs handed in while one pool thread sits idle still each get a thread:
/// all four must be running at the same moment. Each job waits (at most
/// five seconds) for the others to arrive; if the pool ran them one after
/// another, none would see the rest.
#[loopy::test]
async fn jobs_submitted_to_a_pool_with_an_idle_thread_run_side_by_side() {
    use std::sync::{Condvar, Mutex};

    // One thread now exists; give it time to park as idle.
    spawn_blocking(|| ()).await.unwrap();
    thread::sleep(Duration::from_millis(50));

    let arrived = Arc::new((Mutex::new(0usize), Condvar::new()));
    let jobs: Vec<_> = (0..4)
        .map(|_| {
            let arrived = Arc::clone(&arrived);
            spawn_blocking(move || {
                let (count, all_here) = &*arrived;
                let mut count = count.lock().unwrap();
                *count += 1;
                all_here.notify_all();
                let (count, _) = all_here
                    .wait_timeout_while(count, Duration::from_secs(5), |n| *n < 4)
                    .unwrap();
                *count >= 4
            })
        })
        .collect();
    for job in jobs {
        assert!(
            job.await.unwrap(),
            "a job ran without the other three beside it"
        );
    }
}
