//! Whoever awaits a task's `JoinHandle`, kept in one word.
//!
//! When a task completes, the loop wakes whoever awaits its handle, so the
//! task's header keeps that waker. A `Waker` is two words, a data pointer
//! and a vtable, and every task would pay for both (a task's size decides
//! how fast spawning is; see docs/performance.md). But the awaiter is
//! nearly always another loopy task, awaiting the handle in its own
//! future, and then the vtable is known: it is loopy's own (`waker.rs`).
//! So the header keeps one word, which is
//!
//! - null: nobody awaits the handle;
//! - a task header's address, with its low bit clear: a loopy task's
//!   waker, kept without its vtable, with the reference to that task that
//!   the waker owned;
//! - an address with its low bit set: any other waker, boxed
//!   (`block_on`'s future, a combinator's own waker, another executor's).
//!
//! Task headers and boxed wakers are both aligned to at least two bytes,
//! so the low bit of their addresses is free for the tag.

use std::cell::Cell;
use std::ptr::{self, NonNull};
use std::task::Waker;

use super::raw::Header;
use super::waker;

/// The low bit of a word that holds a boxed waker.
const BOXED: usize = 1;

// The tag needs the low bit of both kinds of address free.
const _: () = assert!(std::mem::align_of::<Header>() > BOXED);
const _: () = assert!(std::mem::align_of::<Waker>() > BOXED);

/// The waker of whoever awaits a task's `JoinHandle`. Loop thread only,
/// except that the last reference to the task may drop it anywhere, which
/// a `Waker`, being `Send`, allows.
pub(crate) struct Awaiter(Cell<*mut u8>);

impl Awaiter {
    /// Nobody awaits yet.
    pub(crate) fn new() -> Awaiter {
        Awaiter(Cell::new(ptr::null_mut()))
    }

    /// Remembers `waker` to wake when the task completes, unless the waker
    /// remembered already wakes the same task.
    pub(crate) fn register(&self, waker: &Waker) {
        if self.holds(waker) {
            return;
        }
        let word = match waker::task_of(waker) {
            Some(task) => {
                // The clone's reference stays with the word; `take` builds
                // the waker back from it.
                std::mem::forget(waker.clone());
                task.as_ptr().cast::<u8>()
            }
            None => Box::into_raw(Box::new(waker.clone()))
                .cast::<u8>()
                .wrapping_add(BOXED),
        };
        drop(Self::decode(self.0.replace(word)));
    }

    /// Takes the waker out; nobody awaits any more.
    #[inline]
    pub(crate) fn take(&self) -> Option<Waker> {
        Self::decode(self.0.replace(ptr::null_mut()))
    }

    /// Whether the waker remembered wakes the same task as `waker`.
    fn holds(&self, waker: &Waker) -> bool {
        let word = self.0.get();
        if word.is_null() {
            false
        } else if word as usize & BOXED == 0 {
            waker::task_of(waker).is_some_and(|task| task.as_ptr().cast() == word)
        } else {
            // SAFETY: a word with the tag came from `Box::into_raw` in
            // `register` and is still owned by this `Awaiter`.
            let boxed = unsafe { &*word.wrapping_sub(BOXED).cast::<Waker>() };
            boxed.will_wake(waker)
        }
    }

    /// The waker a word taken out of the cell holds.
    #[inline]
    fn decode(word: *mut u8) -> Option<Waker> {
        let ptr = NonNull::new(word)?;
        Some(if word as usize & BOXED == 0 {
            // SAFETY: an untagged word is `task_of` of a waker `register`
            // forgot, whose reference it owns; taken out of the cell, it
            // is decoded once.
            unsafe { waker::rebuild(ptr.cast::<Header>()) }
        } else {
            // SAFETY: a tagged word came from `Box::into_raw` in `register`;
            // taken out of the cell, it is unboxed once.
            *unsafe { Box::from_raw(word.wrapping_sub(BOXED).cast::<Waker>()) }
        })
    }
}

impl Drop for Awaiter {
    #[inline]
    fn drop(&mut self) {
        drop(self.take());
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::sync::Arc;
    use std::task::Poll;

    use super::*;
    use crate::task::state::REF_ONE;
    use crate::task::tests::CountingWaker;

    /// The references to the task that `waker` wakes.
    fn refs(waker: &Waker) -> usize {
        let header = waker::task_of(waker).expect("a loopy task's waker");
        // SAFETY: `waker` keeps the task alive.
        (unsafe { header.as_ref() }.state.load() as u32 as usize) / REF_ONE
    }

    #[test]
    fn a_tasks_waker_is_one_word_that_keeps_one_reference() {
        crate::block_on(async {
            crate::spawn(async {
                let waker = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
                let before = refs(&waker);
                let awaiter = Awaiter::new();
                awaiter.register(&waker);
                let word = awaiter.0.get();
                assert_eq!(word.cast_const().cast(), waker.data(), "no box, no tag");
                assert_eq!(refs(&waker), before + 1);
                awaiter.register(&waker.clone());
                assert_eq!(refs(&waker), before + 1, "one reference, not two");
                let taken = awaiter.take().expect("the waker comes back");
                assert!(taken.will_wake(&waker));
                assert!(awaiter.take().is_none());
                drop(taken);
                assert_eq!(refs(&waker), before);
                awaiter.register(&waker);
                drop(awaiter);
                assert_eq!(refs(&waker), before, "dropped with the awaiter");
            })
            .await
            .unwrap();
        });
    }

    #[test]
    fn any_other_waker_is_boxed_and_let_go_once() {
        let (first, second) = (
            Arc::new(CountingWaker::default()),
            Arc::new(CountingWaker::default()),
        );
        let awaiter = Awaiter::new();
        awaiter.register(&Waker::from(Arc::clone(&first)));
        assert_eq!(awaiter.0.get() as usize & BOXED, BOXED);
        assert_eq!(Arc::strong_count(&first), 2);
        let boxed = awaiter.0.get();
        awaiter.register(&Waker::from(Arc::clone(&first)));
        assert_eq!(awaiter.0.get(), boxed, "the same waker stays in its box");
        assert_eq!(Arc::strong_count(&first), 2);
        awaiter.register(&Waker::from(Arc::clone(&second)));
        assert_eq!(Arc::strong_count(&first), 1, "the old waker is dropped");
        awaiter.take().expect("the new one comes back").wake();
        assert_eq!(second.wakes(), 1);
        assert_eq!(first.wakes(), 0);
        assert_eq!(Arc::strong_count(&second), 1);
        awaiter.register(&Waker::from(Arc::clone(&second)));
        drop(awaiter);
        assert_eq!(Arc::strong_count(&second), 1, "dropped with the awaiter");
    }
}
