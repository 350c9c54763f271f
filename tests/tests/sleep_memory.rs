//! Dropping a sleep removes its timer: a million sleeps created, polled once
//! (so each registers a timer) and dropped keep memory flat.
//!
//! A counting global allocator measures the bytes alive before and after.
//! This file holds one test only, so no other test allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use loopy::{sleep, yield_now};

/// The system allocator, counting the bytes it has handed out and not yet
/// taken back, and the most that were ever out at once.
struct Counting;

/// Bytes allocated and not yet freed, over all threads.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The highest `LIVE` has been since the last [`reset_peak`].
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counters only observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's promises about `layout` are passed on to System.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, that is from System, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

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

#[loopy::test]
async fn a_million_dropped_sleeps_keep_memory_flat() {
    // Warm up, so the timer structure and the run queue have their working size.
    churn_sleeps(10_000).await;
    let before = LIVE.load(Ordering::Relaxed);
    reset_peak();

    let start = Instant::now();
    churn_sleeps(SLEEPS).await;
    let took = start.elapsed();

    let after = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    eprintln!("{SLEEPS} sleeps in {took:?}: live {before} -> {after} bytes, peak {peak}");
    assert!(
        after <= before + SLACK,
        "live bytes grew from {before} to {after} over {SLEEPS} dropped sleeps"
    );
    assert!(
        peak <= before + 16 * SLACK,
        "live bytes peaked at {peak} (from {before}) over {SLEEPS} dropped sleeps"
    );
}
