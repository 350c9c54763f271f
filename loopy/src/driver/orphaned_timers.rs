//! Timers whose owner was dropped away from their loop.
//!
//! A runtime's `TimerHeap` lives on the loop thread and may only be
//! touched there. A sleep that can move between threads (hyper's timers
//! must be `Send + Sync`, see `hyper/timer.rs`) may be dropped on another
//! thread, or while its runtime is not running; it then cannot take its
//! entry out of the heap itself. It leaves the entry's key here instead,
//! and the loop removes the entry at its next look at the timers
//! (`TimerHeap::fire_due`), before anything fires, so an orphaned timer
//! never wakes anyone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// The keys (`K`, the heap's `TimerKey`) of timers to remove, shared by a
/// runtime's heap with the sleeps armed in it.
#[derive(Debug)]
pub(crate) struct OrphanedTimers<K> {
    /// Whether `keys` may be non-empty, so the loop looks without locking.
    any: AtomicBool,
    /// Timers left behind, not yet removed from the heap.
    keys: Mutex<Vec<K>>,
}

impl<K> Default for OrphanedTimers<K> {
    fn default() -> Self {
        OrphanedTimers {
            any: AtomicBool::new(false),
            keys: Mutex::new(Vec::new()),
        }
    }
}

impl<K> OrphanedTimers<K> {
    /// Leaves `key` for the loop to remove; callable from any thread.
    pub(crate) fn push(&self, key: K) {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(key);
        self.any.store(true, Ordering::Release);
    }

    /// Takes every key left so far (none, without locking, if nothing was).
    pub(crate) fn take(&self) -> Vec<K> {
        if !self.any.swap(false, Ordering::Acquire) {
            return Vec::new();
        }
        std::mem::take(&mut *self.keys.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
