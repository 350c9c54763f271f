//! The waker of a task: a pointer to its header behind a `RawWakerVTable`.
//!
//! Cloning a waker takes a reference to the task, dropping it releases one,
//! and waking it sets the task's `SCHEDULED` bit and, if the bit was clear,
//! hands a reference to the run queue. A second wake of a task that is
//! already queued stops at the bit and costs one atomic operation. Each
//! operation tells tokio-console about itself when the `tracing` feature
//! is on (see `span.rs`).

use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::raw::{Header, TaskRef};
use super::run_queue;
use super::span::WakerOp;

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker for the task at `ptr` that does not own a reference: the caller
/// keeps the task alive for as long as the waker is used (a task being
/// polled is kept alive by the run queue entry the loop took it from).
pub(crate) fn borrowed(ptr: NonNull<Header>) -> ManuallyDrop<Waker> {
    let raw = raw_waker(ptr.as_ptr().cast_const().cast());
    // SAFETY: `VTABLE`'s functions uphold the `RawWaker` contract for a data
    // pointer to a live task header: `clone` takes a reference, `wake` and
    // `drop` release one, `wake_by_ref` takes its own. `ManuallyDrop` keeps
    // this borrowed waker from releasing a reference it never took.
    ManuallyDrop::new(unsafe { Waker::from_raw(raw) })
}

/// The header of the task `waker` wakes, if it is a loopy task's waker.
pub(crate) fn task_of(waker: &Waker) -> Option<NonNull<Header>> {
    if std::ptr::eq(waker.vtable(), &VTABLE) {
        // Every waker with this vtable was made by `borrowed` or `clone`,
        // whose data pointer is a task header.
        NonNull::new(waker.data().cast_mut().cast())
    } else {
        None
    }
}

/// Rebuilds the waker of the task at `ptr`, which [`task_of`] took apart.
///
/// # Safety
///
/// `ptr` must be [`task_of`] of a waker that was then forgotten, so that
/// its reference to the task moves into the waker returned.
pub(crate) unsafe fn rebuild(ptr: NonNull<Header>) -> Waker {
    let raw = raw_waker(ptr.as_ptr().cast_const().cast());
    // SAFETY: the same data pointer and vtable as the forgotten waker, and
    // its reference, which the caller hands over.
    unsafe { Waker::from_raw(raw) }
}

/// A task waker's parts: `ptr`, a task header, and loopy's vtable.
fn raw_waker(ptr: *const ()) -> RawWaker {
    RawWaker::new(ptr, &VTABLE)
}

/// Queues a task that was woken, handing over the reference `task` owns.
pub(crate) fn schedule(task: TaskRef) {
    if mark_scheduled(&task) {
        run_queue::push(task);
    }
}

/// Queues a task that was woken, taking a new reference for the queue.
pub(crate) fn schedule_by_ref(task: &TaskRef) {
    if mark_scheduled(task) {
        run_queue::push(task.clone_ref());
    }
}

/// Sets `SCHEDULED`; returns whether the task must now be queued (it was
/// neither queued already nor complete).
fn mark_scheduled(task: &TaskRef) -> bool {
    task.header().state.schedule()
}

/// # Safety
///
/// `ptr` is the data pointer of a waker made by [`borrowed`] or [`clone`]:
/// it points to a task header that the waker keeps alive.
unsafe fn clone(ptr: *const ()) -> RawWaker {
    // SAFETY: see the function's contract; the waker keeps the header alive.
    let header = unsafe { &*ptr.cast::<Header>() };
    header.add_ref();
    header.span.waker(WakerOp::Clone);
    raw_waker(ptr)
}

/// # Safety
///
/// As for [`clone`], and the waker owns one reference, which this consumes.
unsafe fn wake(ptr: *const ()) {
    // SAFETY: the waker's reference moves into the `TaskRef`.
    let task = unsafe { TaskRef::from_raw(NonNull::new_unchecked(ptr.cast_mut().cast())) };
    task.header().span.waker(WakerOp::Wake);
    schedule(task);
}

/// # Safety
///
/// As for [`clone`].
unsafe fn wake_by_ref(ptr: *const ()) {
    // SAFETY: the waker's reference is borrowed for the call, not consumed:
    // `ManuallyDrop` keeps the `TaskRef` from releasing it.
    let task = ManuallyDrop::new(unsafe {
        TaskRef::from_raw(NonNull::new_unchecked(ptr.cast_mut().cast()))
    });
    task.header().span.waker(WakerOp::WakeByRef);
    schedule_by_ref(&task);
}

/// # Safety
///
/// As for [`wake`].
unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: the waker owns one reference, released here, once (dropping
    // the `TaskRef` releases it).
    let task = unsafe { TaskRef::from_raw(NonNull::new_unchecked(ptr.cast_mut().cast())) };
    task.header().span.waker(WakerOp::Drop);
}
