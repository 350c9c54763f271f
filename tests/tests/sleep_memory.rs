//! Dropping a sleep removes its timer, and cancelling a task frees it: a
//! million sleeps created, polled once (so each registers a timer) and
//! dropped, and a hundred thousand tasks spawned and cancelled, keep the
//! heap flat and leave the poller watching what it watched before.
//!
//! A counting global allocator measures the bytes alive before and after.
//! The heap counters are process-wide, so the tests in this file take
//! turns (`SERIAL`) and no other test shares the binary.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, Instant};

use loopy::net::UdpSocket;
use loopy::{sleep, yield_now};
use loopy_tests::heap::{self, Counting};
use loopy_tests::{poller_registrations, DropCount};

#[global_allocator]
static HEAP: Counting = Counting;

/// Held for a whole test, so the two tests' allocations never overlap.
static SERIAL: Mutex<()> = Mutex::new(());

/// Creates `count` sleeps with distinct far-off deadlines, polls each once so
/// that it registers its timer, and drops it; yields to the loop now and then
/// as a real program would.
async fn churn_sleeps(count: u32) {
    for n in 0..count {
        let mut sleeping = pin!(sleep(
            Duration::from_secs(3600) + Duration::from_nanos(n.into())
        ));
        poll_fn(|cx| {
            assert!(sleeping.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        if n % 1000 == 999 {
            yield_now().await;
        }
    }
}

const SLEEPS: u32 = 1_000_000;
/// A leak of one byte per sleep would be 1 MB; a real timer entry is bigger.
const SLACK: usize = 64 * 1024;

/// Asserts that the heap is back within `SLACK` of `before`, and that its
/// peak stayed within sixteen times that, after `what`.
fn assert_flat(before: usize, what: &str) {
    let (after, peak) = (heap::live(), heap::peak());
    eprintln!("{what}: live {before} -> {after} bytes, peak {peak}");
    assert!(
        after <= before + SLACK,
        "live bytes grew from {before} to {after} over {what}"
    );
    assert!(
        peak <= before + 16 * SLACK,
        "live bytes peaked at {peak} (from {before}) over {what}"
    );
}

/// Runs `body` on a runtime of its own once no other test of this file
/// runs (a runtime waiting for its turn would report a slow poll).
fn in_turn(body: impl std::future::Future<Output = ()>) {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    loopy::block_on(body);
}

#[test]
fn a_million_dropped_sleeps_keep_memory_flat() {
    in_turn(async {
        // Warm up, so the timer structure and the run queue have their
        // working size.
        churn_sleeps(10_000).await;
        let before = heap::live();
        heap::reset_peak();

        let start = Instant::now();
        churn_sleeps(SLEEPS).await;
        eprintln!("{SLEEPS} sleeps in {:?}", start.elapsed());
        assert_flat(before, "a million dropped sleeps");
    });
}

const TASKS: usize = 100_000;
/// Tasks spawned before the batch is cancelled.
const BATCH: usize = 1_000;
/// One task in this many also holds a registered socket.
const WITH_SOCKET: usize = 100;

/// Spawns `count` tasks in batches; each waits on a far-off sleep (every
/// `WITH_SOCKET`th on a UDP socket too) until it is cancelled. Returns
/// how many futures were dropped.
async fn churn_tasks(count: usize) -> usize {
    let drops = DropCount::new();
    for first in (0..count).step_by(BATCH) {
        let handles: Vec<_> = (first..first + BATCH)
            .map(|n| {
                let guard = drops.guard();
                let socket =
                    (n % WITH_SOCKET == 0).then(|| UdpSocket::bind("127.0.0.1:0").unwrap());
                loopy::spawn(async move {
                    let _guard = guard;
                    if let Some(socket) = socket {
                        let mut buf = [0u8; 1];
                        let _ = socket.recv(&mut buf).await;
                    }
                    sleep(Duration::from_secs(3600)).await;
                })
            })
            .collect();
        // Let every task run once, so each has armed its timer (or, with a
        // socket, parked on it).
        yield_now().await;
        for handle in &handles {
            handle.cancel();
        }
        for handle in handles {
            assert!(handle.await.unwrap_err().is_cancelled());
        }
    }
    drops.get()
}

#[test]
fn a_hundred_thousand_cancelled_tasks_keep_memory_flat() {
    in_turn(async {
        churn_tasks(BATCH).await;
        let registered = poller_registrations();
        let before = heap::live();
        heap::reset_peak();

        let start = Instant::now();
        assert_eq!(
            churn_tasks(TASKS).await,
            TASKS,
            "every future is dropped once"
        );
        eprintln!("{TASKS} tasks in {:?}", start.elapsed());
        assert_flat(before, "a hundred thousand cancelled tasks");
        assert_eq!(poller_registrations(), registered);
    });
}
