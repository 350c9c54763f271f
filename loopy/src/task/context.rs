//! The loop this thread runs, as the code running on it finds it.
//!
//! `spawn`, `sleep` and `Async::new` are plain functions: nobody hands them
//! the runtime. They find the loop through the thread's **context**, the
//! one thread-local of loopy, which `Runtime::block_on` fills for as long
//! as it runs. It holds:
//!
//! - the loop's [`Handle`]: its parts (the tasks and their run queue, the
//!   timers, the reactor, the blocking pool), its I/O budget and its
//!   instruments, which the parts' users reach from here;
//! - who is calling wakers right now, so the trace can say who woke a task;
//! - which loop of `cores::run` this thread is.
//!
//! The context sits with the tasks because waking a task is its hottest
//! use: a wake on the loop thread finds the run queue through it. The
//! parts it holds (`driver/reactor.rs`, `driver/timer_heap.rs`, ...)
//! know nothing of it, nor of tasks: data flows down into them, and their
//! wakers flow back up through the run queue.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::task::Waker;

use super::instruments::Instruments;
use super::tasks::Tasks;
use crate::driver::blocking_pool::BlockingPool;
use crate::driver::budget::Budget;
use crate::driver::clock::Clock;
use crate::driver::reactor::Reactor;
use crate::driver::timer_heap::TimerHeap;
use crate::driver::trace::WakeCause;
use crate::unwind;

/// The parts of one loop, shared by its runtime and the code running on it.
pub(crate) struct Handle {
    /// The live tasks and the run queue.
    pub(crate) tasks: Tasks,
    /// Timers, ordered by deadline.
    pub(crate) timers: TimerHeap,
    /// The poller and the descriptors registered with it.
    pub(crate) reactor: Reactor,
    /// Threads for `spawn_blocking`.
    pub(crate) blocking: BlockingPool,
    /// I/O operations the running poll may still complete.
    pub(crate) budget: Budget,
    /// The time, real or paused, that timers go by.
    pub(crate) clock: Rc<Clock>,
    /// The trace, the poll timing and the slow-poll watch.
    pub(crate) instruments: Instruments,
}

/// The thread's view of the loop it runs.
struct Context {
    /// The running loop's parts; `None` outside `block_on`.
    handle: RefCell<Option<Rc<Handle>>>,
    /// Who is calling wakers now (`WakeCause::Code` unless the loop says
    /// otherwise), for the trace's "woken by" lines.
    cause: Cell<WakeCause>,
    /// The index of this thread's loop among those of `cores::run`;
    /// `None` on any other thread.
    loop_index: Cell<Option<usize>>,
}

thread_local! {
    /// This thread's context.
    static CONTEXT: Context = const {
        Context {
            handle: RefCell::new(None),
            cause: Cell::new(WakeCause::Code),
            loop_index: Cell::new(None),
        }
    };
}

/// Calls `f` with the running loop's handle, or `None` outside a runtime
/// (also while the thread's locals are being torn down). The handle stays
/// borrowed while `f` runs, so `f` must not start or end a `block_on`:
/// queueing or spawning a task is fine, and is what this is for.
#[inline]
pub(crate) fn with<R>(f: impl FnOnce(Option<&Handle>) -> R) -> R {
    let mut f = Some(f);
    let done = CONTEXT.try_with(|cx| match cx.handle.try_borrow() {
        Ok(handle) => Some((f.take().expect("called once"))(handle.as_deref())),
        Err(_) => None,
    });
    match done {
        Ok(Some(out)) => out,
        _ => (f.take().expect("not called yet"))(None),
    }
}

/// The running loop's handle, for keeping (a `Sleep` keeps its timer
/// heap's).
///
/// # Panics
///
/// Outside a runtime, naming `what` (the public function the user called)
/// and the fix, at the caller's location.
#[track_caller]
pub(crate) fn expect(what: &str) -> Rc<Handle> {
    match CONTEXT.try_with(|cx| cx.handle.borrow().clone()) {
        Ok(Some(handle)) => handle,
        _ => outside(what),
    }
}

/// Calls `f` with the running loop's handle, borrowed: cheaper than
/// [`expect`] when nothing keeps it.
///
/// # Panics
///
/// As [`expect`].
#[track_caller]
#[inline]
pub(crate) fn with_expected<R>(what: &str, f: impl FnOnce(&Handle) -> R) -> R {
    match with(|handle| handle.map(f)) {
        Some(out) => out,
        None => outside(what),
    }
}

/// Checks that a loop runs on this thread, so that a public function
/// fails under its own name (`what`) and at its caller's line before it
/// does anything else.
///
/// # Panics
///
/// As [`expect`].
#[track_caller]
pub(crate) fn require(what: &str) {
    if !is_entered() {
        outside(what);
    }
}

/// The panic of a function that needs a runtime and found none.
#[track_caller]
#[cold]
fn outside(what: &str) -> ! {
    panic!(
        "{what} called outside a loopy runtime; call it from inside \
         #[loopy::main], loopy::block_on or Runtime::block_on"
    )
}

/// Whether a loop runs on this thread.
pub(crate) fn is_entered() -> bool {
    with(|handle| handle.is_some())
}

/// Makes `handle` the loop this thread runs until the returned guard is
/// dropped; `None` if another loop runs on this thread, or the thread is
/// exiting.
pub(crate) fn enter(handle: &Rc<Handle>) -> Option<Entered> {
    CONTEXT
        .try_with(|cx| {
            let mut current = cx.handle.try_borrow_mut().ok()?;
            if current.is_some() {
                return None;
            }
            *current = Some(Rc::clone(handle));
            Some(Entered(()))
        })
        .ok()
        .flatten()
}

/// Empties the context on drop, also when `block_on` unwinds.
pub(crate) struct Entered(());

impl Drop for Entered {
    fn drop(&mut self) {
        // `try_with`: a destructor must not panic, even during thread exit.
        let handle = CONTEXT
            .try_with(|cx| cx.handle.borrow_mut().take())
            .ok()
            .flatten();
        drop(handle);
    }
}

/// Runs `wake`, which calls wakers on behalf of `cause`, so that the trace
/// can say who woke each task.
#[inline]
pub(crate) fn waking<R>(cause: WakeCause, wake: impl FnOnce() -> R) -> R {
    let before = CONTEXT.try_with(|cx| cx.cause.replace(cause));
    let out = wake();
    if let Ok(before) = before {
        let _ = CONTEXT.try_with(|cx| cx.cause.set(before));
    }
    out
}

/// Wakes a waker parked on descriptor `fd`, on the descriptor's behalf; a
/// panic in the waker stops here.
pub(crate) fn wake_for_fd(fd: i32, waker: Waker) {
    waking(WakeCause::Fd(fd), || unwind::wake_contained(waker));
}

/// Who is calling wakers now.
pub(crate) fn cause() -> WakeCause {
    CONTEXT
        .try_with(|cx| cx.cause.get())
        .unwrap_or(WakeCause::Code)
}

/// Which loop of `cores::run` this thread is, if it is one.
pub(crate) fn loop_index() -> Option<usize> {
    CONTEXT.try_with(|cx| cx.loop_index.get()).ok().flatten()
}

/// Marks this thread as loop `index` of `cores::run`.
pub(crate) fn set_loop_index(index: usize) {
    let _ = CONTEXT.try_with(|cx| cx.loop_index.set(Some(index)));
}
