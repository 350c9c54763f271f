//! A global allocator that counts live heap bytes, but only while a
//! [`Window`] is open, so the throughput scenarios pay one relaxed load per
//! allocation and nothing more.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};

/// Whether a window is open. Read on every allocation; written twice per window.
static COUNTING: AtomicBool = AtomicBool::new(false);

/// Bytes allocated minus bytes freed while counting. It goes negative when a
/// window frees memory that was allocated before it opened; the window's
/// reading is a difference, so that is fine.
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, plus the count.
pub struct Counting;

/// Adds `delta` bytes to the count if a window is open.
fn count(delta: isize) {
    if COUNTING.load(Relaxed) {
        LIVE.fetch_add(delta, Relaxed);
    }
}

// SAFETY: every method hands the call to `System` unchanged and only adds
// bookkeeping on atomics, which neither allocates nor touches the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc_zeroed` is passed on as it is.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: the caller's contract for `dealloc` is passed on as it is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc` is passed on as it is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

/// While it lives, heap bytes are counted; [`Window::live_bytes`] reads how
/// many more are live now than when it opened. One window at a time.
pub struct Window {
    /// The count when the window opened.
    start: isize,
}

impl Window {
    /// Starts counting.
    pub fn open() -> Self {
        assert!(
            !COUNTING.swap(true, Relaxed),
            "alloc::Window::open: a window is already open; drop it first"
        );
        Self {
            start: LIVE.load(Relaxed),
        }
    }

    /// Live heap bytes now, minus live heap bytes when the window opened.
    pub fn live_bytes(&self) -> isize {
        LIVE.load(Relaxed) - self.start
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        COUNTING.store(false, Relaxed);
    }
}
