//! Which runtime, if any, is running on this thread.
//!
//! `block_on` puts its runtime's core here for as long as it runs, so that
//! `spawn`, `sleep` and the I/O types find the loop they belong to without
//! being handed it, and so that a waker can tell whether it is being woken
//! on its own loop thread.

use std::cell::RefCell;
use std::rc::Rc;

use crate::runtime::Core;

thread_local! {
    /// The core of the runtime whose `block_on` is running on this thread.
    static CURRENT: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
}

/// Calls `f` with the running runtime's core, or `None` outside one (also
/// while the thread's locals are being torn down).
pub(crate) fn with_core<R>(f: impl FnOnce(Option<&Core>) -> R) -> R {
    let core = CURRENT
        .try_with(|current| current.borrow().clone())
        .ok()
        .flatten();
    f(core.as_deref())
}

/// Calls `f` with the running runtime's core.
///
/// # Panics
///
/// Outside a runtime, naming `what` (the public function the user called)
/// and the fix.
pub(crate) fn expect_core<R>(what: &str, f: impl FnOnce(&Core) -> R) -> R {
    with_core(|core| match core {
        Some(core) => f(core),
        None => panic!(
            "{what} called outside a loopy runtime; call it from inside \
             #[loopy::main], loopy::block_on or Runtime::block_on"
        ),
    })
}

/// Makes `core` the running runtime until the guard is dropped.
///
/// # Panics
///
/// If a runtime is already running on this thread: a `block_on` inside a
/// running loop would stop that loop for as long as it runs.
pub(crate) fn enter(core: &Rc<Core>) -> Entered {
    CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        if current.is_some() {
            panic!(
                "loopy::block_on called while a loopy runtime is already running on this \
                 thread; a nested block_on would freeze the outer loop. Use `.await` inside \
                 async code, or loopy::spawn to run the future as a task"
            );
        }
        *current = Some(Rc::clone(core));
    });
    Entered { _private: () }
}

/// Makes `core` the running runtime until the guard is dropped, if that can
/// be done: not while another runtime runs on this thread, nor while the
/// thread's locals are being torn down (a runtime kept in a thread-local
/// and dropped as the thread exits).
pub(crate) fn try_enter(core: &Rc<Core>) -> Option<Entered> {
    CURRENT
        .try_with(|current| {
            let mut current = current.try_borrow_mut().ok()?;
            if current.is_some() {
                return None;
            }
            *current = Some(Rc::clone(core));
            Some(Entered { _private: () })
        })
        .ok()
        .flatten()
}

/// Leaves the runtime on drop, also when `block_on` unwinds.
pub(crate) struct Entered {
    _private: (),
}

impl Drop for Entered {
    fn drop(&mut self) {
        // `try_with`: a destructor must not panic, even during thread exit.
        let core = CURRENT
            .try_with(|current| current.borrow_mut().take())
            .ok()
            .flatten();
        drop(core);
    }
}
