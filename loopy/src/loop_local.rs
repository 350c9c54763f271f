//! How code running on the loop finds the parts of its loop.
//!
//! `spawn`, `sleep` and `Async::new` are plain functions: nobody hands them
//! the runtime. Each part of the loop that such a function needs (the
//! tasks, the timers, the reactor, the blocking pool) keeps its own
//! thread-local slot, which `Runtime::block_on` fills for as long as it
//! runs. So a wake reaches the run queue through the run queue's own slot,
//! a sleep reaches the timer heap through the heap's, and no part climbs
//! back up to the runtime to find another one below it.
//!
//! This file holds the one way to declare, fill and read such a slot.

use std::cell::RefCell;
use std::rc::Rc;
use std::thread::LocalKey;

/// A part of the running loop, seen from code on the loop thread.
pub(crate) type LoopLocal<T> = RefCell<Option<Rc<T>>>;

/// Calls `f` with the part in `slot`, or `None` outside a runtime (also
/// while the thread's locals are being torn down). The slot stays borrowed
/// while `f` runs, so `f` must not start or end a `block_on`: queueing a
/// task or spawning one is fine, and is what this is for.
#[inline]
pub(crate) fn with<T, R>(
    slot: &'static LocalKey<LoopLocal<T>>,
    f: impl FnOnce(Option<&T>) -> R,
) -> R {
    let mut f = Some(f);
    let done = slot.try_with(|part| match part.try_borrow() {
        Ok(part) => Some((f.take().expect("called once"))(part.as_deref())),
        Err(_) => None,
    });
    match done {
        Ok(Some(out)) => out,
        _ => (f.take().expect("not called yet"))(None),
    }
}

/// Clones the part in `slot`.
///
/// # Panics
///
/// Outside a runtime, naming `what` (the public function the user called)
/// and the fix.
pub(crate) fn expect<T>(slot: &'static LocalKey<LoopLocal<T>>, what: &str) -> Rc<T> {
    match slot.try_with(|part| part.borrow().clone()).ok().flatten() {
        Some(part) => part,
        None => panic!(
            "{what} called outside a loopy runtime; call it from inside \
             #[loopy::main], loopy::block_on or Runtime::block_on"
        ),
    }
}

/// Puts `part` into `slot` until the returned guard is dropped; `None` if
/// the slot is taken or the thread's locals are being torn down.
pub(crate) fn fill<T: 'static>(
    slot: &'static LocalKey<LoopLocal<T>>,
    part: &Rc<T>,
) -> Option<Filled<T>> {
    slot.try_with(|current| {
        let mut current = current.try_borrow_mut().ok()?;
        if current.is_some() {
            return None;
        }
        *current = Some(Rc::clone(part));
        Some(Filled { slot })
    })
    .ok()
    .flatten()
}

/// Empties its slot on drop, also when `block_on` unwinds.
pub(crate) struct Filled<T: 'static> {
    slot: &'static LocalKey<LoopLocal<T>>,
}

impl<T: 'static> Drop for Filled<T> {
    fn drop(&mut self) {
        // `try_with`: a destructor must not panic, even during thread exit.
        let part = self
            .slot
            .try_with(|current| current.borrow_mut().take())
            .ok()
            .flatten();
        drop(part);
    }
}
