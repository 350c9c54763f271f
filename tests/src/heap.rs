//! A global allocator that counts: how many bytes are live now, and the
//! most that were live at once since the last [`reset_peak`].
//!
//! A test binary that wants the numbers installs it:
//!
//! ```
//! #[global_allocator]
//! static HEAP: loopy_tests::heap::Counting = loopy_tests::heap::Counting;
//!
//! let before = loopy_tests::heap::live();
//! let buffer = vec![0u8; 4096];
//! assert!(loopy_tests::heap::live() >= before + 4096);
//! # drop(buffer);
//! ```
//!
//! The counters are process-wide, so a test that reads them must be the
//! only one allocating: one test per binary, or bodies serialized.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes it has handed out and not
/// yet taken back.
#[derive(Debug)]
pub struct Counting;

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

/// Bytes live now (zero unless [`Counting`] is the global allocator).
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The most bytes live at once since the last [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Starts a new peak measurement from what is live now.
pub fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}
