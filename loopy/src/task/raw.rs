//! The task harness: one heap allocation per task, holding its state word,
//! its future and, later, its output.
//!
//! A spawned future is moved into a [`TaskCell`], a header followed by a
//! *stage*: first `Running(future)`, then `Finished(result)`, then
//! `Consumed` once the result was handed over or dropped. Everything else
//! in loopy sees the cell only through [`TaskRef`], a counted pointer to its
//! [`Header`], and reaches the typed parts through the header's vtable.
//!
//! # Which thread touches what
//!
//! Tasks are not `Send`: their futures and outputs live and die on the loop
//! thread. Wakers, though, are `Send + Sync`, so a reference inside a waker
//! can travel to another thread. The types say which is which:
//!
//! - a [`TaskRef`] may be anywhere (in a waker, in the runtime's [`Remote`]
//!   half). It can only touch the atomic state word, reach the `Remote`,
//!   and release its reference, freeing the cell if it was the last;
//! - a [`LocalTask`] is `!Send`, and exists only on the task's loop thread:
//!   made there by `allocate`, or from a `TaskRef` by the run queue, which
//!   checks that the task is its own. Polling the task, completing it and
//!   handing over its output are its methods alone.
//!
//! Freeing the cell on any thread is sound because of one invariant:
//!
//! **When the last reference goes, the stage is `Consumed`.** The registry
//! holds a reference until the task completes (or the runtime cancels it on
//! drop); completion drops the output at once unless a `JoinHandle` or a
//! `TaskGroup` holds a claim on it; the handle and the group, which cannot
//! leave the loop thread, take or drop the output before they let their
//! references go. So freeing the cell on any
//! thread drops nothing but the header's `Send` parts.

use std::cell::UnsafeCell;
use std::future::Future;
use std::marker::PhantomData;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::awaiter::Awaiter;
use super::context;
use super::info::TaskStats;
use super::join::{panic_message, Failure, JoinError};
use super::poll_note::Parked;
use super::run_queue::{self, Remote};
use super::span::TaskSpan;
use super::state::{State, CANCELLED, COMPLETE, GROUP, HANDLE, SCHEDULED};
use super::waker;
use super::TaskId;
use crate::driver::trace::WakeCause;
use crate::unwind;

/// The untyped front of every task allocation.
pub(crate) struct Header {
    /// State bits, reference count and registry slot (see `state.rs`). The
    /// only field that other threads write.
    pub(crate) state: State,
    /// The typed operations on the cell behind this header.
    vtable: &'static TaskVTable,
    /// Where a wake from another thread sends the task. Never changes.
    pub(crate) remote: Arc<Remote>,
    /// The task's id, for `task::id()` and `JoinHandle::id()`. Never changes.
    pub(crate) id: TaskId,
    /// The waker of whoever awaits the `JoinHandle`, in one word
    /// (`awaiter.rs`). Loop thread only.
    awaiter: Awaiter,
    /// Where it was spawned, by whom, its polls and what it waits on, for
    /// the task list. Loop thread only.
    pub(crate) stats: TaskStats,
    /// The task's span for tokio-console, entered for each poll; zero-sized
    /// without the `tracing` feature (see `span.rs`).
    pub(crate) span: TaskSpan,
}

// Every task pays for each byte here, and a task's allocation decides how
// fast spawning is (see docs/performance.md): a field added to the header
// has to say why it is worth it, starting by changing this number.
#[cfg(all(target_pointer_width = "64", not(feature = "tracing")))]
const _: () = assert!(std::mem::size_of::<Header>() == 64);

/// Operations that need the concrete future type, erased behind a pointer.
struct TaskVTable {
    /// Polls the future once, or drops it when the flag says the task was
    /// cancelled, and says whether the stage became `Finished`.
    run: unsafe fn(NonNull<Header>, bool) -> Ran,
    /// Moves the result out of a `Finished` stage into `*dst`, which is an
    /// `Option<Result<F::Output, JoinError>>`.
    read_output: unsafe fn(NonNull<Header>, *mut ()),
    /// Drops whatever the stage holds, leaving it `Consumed`.
    drop_stage: unsafe fn(NonNull<Header>),
    /// Frees the allocation.
    dealloc: unsafe fn(NonNull<Header>),
}

/// A task allocation: the header first, so a pointer to the cell is a
/// pointer to its header.
#[repr(C)]
struct TaskCell<F: Future> {
    header: Header,
    /// Loop thread only.
    stage: UnsafeCell<Stage<F>>,
}

/// What a task holds over its life.
enum Stage<F: Future> {
    Running(F),
    /// The output, or why there is none (the `JoinError` is made when the
    /// handle takes it, with the id from the header).
    Finished(Result<F::Output, Failure>),
    Consumed,
}

/// What running a task once did. (`repr(u8)`: a plain tag, so that the
/// loop tells `Unfinished` from the rest with one compare.)
#[repr(u8)]
pub(crate) enum Ran {
    /// The task was polled and is pending.
    Unfinished,
    /// The task returned.
    Finished,
    /// The task's future was dropped: it was cancelled.
    Cancelled,
    /// The task panicked (or its destructor did, when it was cancelled);
    /// here is the panic's message, if it had one.
    Panicked(Option<Box<str>>),
}

/// A counted reference to a task, which may be on any thread. Dropping it
/// releases the reference; the last one frees the task.
pub(crate) struct TaskRef {
    ptr: NonNull<Header>,
}

/// A counted reference to a task on its loop thread, where the task may be
/// run and its output taken. `!Send`: it never leaves that thread.
pub(crate) struct LocalTask {
    task: TaskRef,
    /// Keeps the type `!Send` and `!Sync`.
    _local: PhantomData<*const ()>,
}

// SAFETY: a `TaskRef` that leaves the loop thread (inside a waker or the
// remote queue) is only used there to read and update the atomic state word,
// to reach the `Arc<Remote>`, which is `Send + Sync`, and to drop a
// reference. Dropping the last reference frees the cell; by the module's
// invariant the stage is `Consumed` by then, so only the header's `Arc` and
// its awaiter's `Waker`, both `Send`, are dropped on that thread.
unsafe impl Send for TaskRef {}

impl TaskRef {
    /// Allocates a task holding `future`, queued and with a handle, and
    /// returns its first three references.
    pub(crate) fn allocate<F>(
        future: F,
        id: TaskId,
        slot: u32,
        remote: Arc<Remote>,
        stats: TaskStats,
        span: TaskSpan,
    ) -> NewTask
    where
        F: Future + 'static,
    {
        let cell = Box::new(TaskCell {
            header: Header {
                state: State::new(slot),
                vtable: &TaskCell::<F>::VTABLE,
                remote,
                id,
                awaiter: Awaiter::new(),
                stats,
                span,
            },
            stage: UnsafeCell::new(Stage::Running(future)),
        });
        let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
        // The task was made here, by the loop thread that will run it.
        let local = || LocalTask {
            task: TaskRef { ptr },
            _local: PhantomData,
        };
        NewTask {
            registry: local(),
            queued: local(),
            handle: local(),
        }
    }

    /// Wraps a pointer that carries one reference.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a live task header, and the caller must own one
    /// of its references, which moves into the returned value.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> TaskRef {
        TaskRef { ptr }
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: we own a reference, so the allocation is live.
        unsafe { self.ptr.as_ref() }
    }

    /// Takes one more reference.
    pub(crate) fn clone_ref(&self) -> TaskRef {
        self.header().add_ref();
        TaskRef { ptr: self.ptr }
    }

    /// Whether the task is queued (or on its way to a queue).
    pub(crate) fn is_scheduled(&self) -> bool {
        self.header().state.load() & SCHEDULED != 0
    }

    #[inline]
    pub(crate) fn is_complete(&self) -> bool {
        self.header().state.load() & COMPLETE != 0
    }
}

impl LocalTask {
    /// Makes `task` a local reference.
    ///
    /// # Safety
    ///
    /// The caller must be on the loop thread of the runtime the task
    /// belongs to.
    pub(crate) unsafe fn from_ref(task: TaskRef) -> LocalTask {
        LocalTask {
            task,
            _local: PhantomData,
        }
    }

    pub(crate) fn header(&self) -> &Header {
        self.task.header()
    }

    /// One more local reference.
    pub(crate) fn clone_local(&self) -> LocalTask {
        LocalTask {
            task: self.task.clone_ref(),
            _local: PhantomData,
        }
    }

    /// One more reference, for anywhere.
    pub(crate) fn to_ref(&self) -> TaskRef {
        self.task.clone_ref()
    }

    /// Whether the task is queued (or on its way to a queue).
    pub(crate) fn is_scheduled(&self) -> bool {
        self.task.is_scheduled()
    }

    #[inline]
    pub(crate) fn is_complete(&self) -> bool {
        self.task.is_complete()
    }

    /// Runs the task once: drops its future if it was cancelled, or polls
    /// it. When the task finishes in this run, its result is stored for the
    /// handle (or dropped) and its awaiter is woken. The task must not be
    /// complete (a queued task that completed since is skipped by the loop).
    #[inline]
    pub(crate) fn run(&self) -> Ran {
        let header = self.header();
        let prev = header.state.begin_run();
        debug_assert!(prev & COMPLETE == 0, "a complete task is never run");
        let ran = {
            // The span is entered for the poll (or the drop) and exited
            // before `complete` closes it.
            let _polling = header.span.enter();
            // SAFETY: we are on the loop thread (`LocalTask`), the only one
            // that touches the stage, and the task is not complete, so its
            // stage is `Running`.
            unsafe { (header.vtable.run)(self.task.ptr, prev & CANCELLED != 0) }
        };
        if !matches!(ran, Ran::Unfinished) {
            self.complete();
        }
        ran
    }

    /// Marks the stage `Finished` as complete: wake the awaiter, or drop the
    /// result nobody can take.
    fn complete(&self) {
        let header = self.header();
        header.span.close();
        let prev = header.state.complete();
        if prev & HANDLE != 0 {
            if let Some(awaiter) = header.awaiter.take() {
                context::waking(WakeCause::TaskDone(header.id.0), || {
                    unwind::wake_contained(awaiter);
                });
            }
        } else if prev & GROUP == 0 {
            // SAFETY: loop thread (`LocalTask`); nobody can ever take this
            // result.
            unsafe { (header.vtable.drop_stage)(self.task.ptr) };
        }
    }

    /// Asks for the task's future to be dropped on the loop thread; a no-op
    /// once the task has completed. A task that is not queued joins the
    /// *front* of the run queue, so its future is dropped no later than the
    /// next turn; a task that is queued already keeps its place, and its
    /// entry drops the future when it comes up.
    pub(crate) fn cancel(&self) {
        let queue = self.header().state.cancel();
        context::waking(WakeCause::Cancel, || {
            run_queue::cancelled(self.to_ref(), queue);
        });
    }

    /// Drops a pending task's future now, as if it had been cancelled and
    /// taken off the run queue. Used when the runtime shuts down.
    pub(crate) fn cancel_now(&self) -> Ran {
        self.header().state.set_cancelled();
        self.run()
    }

    /// Whether a `JoinHandle` for the task is alive.
    pub(crate) fn has_handle(&self) -> bool {
        self.header().state.load() & HANDLE != 0
    }

    /// Whether a `TaskGroup` may take the task's result.
    pub(crate) fn in_group(&self) -> bool {
        self.header().state.load() & GROUP != 0
    }

    /// A `TaskGroup` takes a claim on the result.
    pub(crate) fn join_group(&self) {
        self.header().state.join_group();
    }

    /// The group's `join_next`: the result of the completed task, unless
    /// its handle took it first; the group's claim ends either way.
    ///
    /// # Safety
    ///
    /// `T` must be the output type of the future this task was spawned
    /// with, and the task must be complete.
    pub(crate) unsafe fn take_for_group<T>(&self) -> Option<Result<T, JoinError>> {
        debug_assert!(self.is_complete());
        let mut out: Option<Result<T, JoinError>> = None;
        // SAFETY: complete, so the stage is `Finished` or `Consumed`, and
        // `read_output` checks which; the caller promises `T`; loop thread
        // (`LocalTask`).
        unsafe { (self.header().vtable.read_output)(self.task.ptr, (&raw mut out).cast()) };
        if out.is_none() {
            // The handle took it: the claim ends. (Kept when the group took
            // it, so that the handle can say so.)
            self.header().state.leave_group();
        }
        out
    }

    /// The group lets go without taking the result (it was dropped, or the
    /// task was still running when the group gave up on it).
    pub(crate) fn leave_group(&self) {
        let prev = self.header().state.leave_group();
        if prev & COMPLETE != 0 && prev & HANDLE == 0 {
            // SAFETY: loop thread (`LocalTask`); with the group gone and no
            // handle, nobody can take this result.
            unsafe { (self.header().vtable.drop_stage)(self.task.ptr) };
        }
    }

    /// The `JoinHandle`'s poll: the result if the task completed, else
    /// remember `waker` and return `Pending`.
    ///
    /// # Safety
    ///
    /// `T` must be the output type of the future this task was spawned
    /// with.
    pub(crate) unsafe fn poll_output<T>(&self, waker: &Waker) -> Poll<Result<T, JoinError>> {
        let header = self.header();
        if !self.is_complete() {
            header.awaiter.register(waker);
            context::with(|handle| {
                if let Some(handle) = handle {
                    handle.tasks.parked(Parked::Task(header.state.slot()));
                }
            });
            return Poll::Pending;
        }
        let mut out: Option<Result<T, JoinError>> = None;
        // SAFETY: complete, so the stage is `Finished` or `Consumed` and
        // `read_output` checks which; the caller promises `T` matches the
        // stage's output type; loop thread.
        unsafe { (header.vtable.read_output)(self.task.ptr, (&raw mut out).cast()) };
        if out.is_none() && self.in_group() {
            // A `TaskGroup`'s `join_next` asked first and took it.
            return Poll::Ready(Err(JoinError::taken(header.id)));
        }
        Poll::Ready(out.expect("loopy::JoinHandle polled again after it returned its result"))
    }

    /// The `JoinHandle` lets go: clear `HANDLE` and drop a result it never
    /// took.
    pub(crate) fn drop_handle(&self) {
        let header = self.header();
        let prev = header.state.drop_handle();
        header.awaiter.take();
        if prev & COMPLETE != 0 && prev & GROUP == 0 {
            // SAFETY: loop thread (`LocalTask`); the handle was the only one
            // who could take the result.
            unsafe { (header.vtable.drop_stage)(self.task.ptr) };
        }
    }
}

/// The references a fresh task starts with.
pub(crate) struct NewTask {
    /// Held by the runtime's registry until the task completes.
    pub(crate) registry: LocalTask,
    /// Held by the run queue: a new task is ready to run.
    pub(crate) queued: LocalTask,
    /// Held by the `JoinHandle`.
    pub(crate) handle: LocalTask,
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: we own one reference, which we now release.
        unsafe { Header::release(self.ptr) }
    }
}

impl Header {
    /// Takes one more reference to the task.
    pub(crate) fn add_ref(&self) {
        self.state.add_ref();
    }

    /// Releases one reference, freeing the task if it was the last.
    ///
    /// # Safety
    ///
    /// The caller must own one reference to the live task at `ptr`, and may
    /// not use it afterwards.
    pub(crate) unsafe fn release(ptr: NonNull<Header>) {
        // SAFETY: the caller owns a reference, so the header is live.
        let header = unsafe { ptr.as_ref() };
        if header.state.release() {
            // SAFETY: that was the last reference: nobody else can reach the
            // cell. The stage is `Consumed` (module invariant), so freeing
            // it here drops only `Send` parts, whatever the thread.
            unsafe { (header.vtable.dealloc)(ptr) }
        }
    }
}

impl<F: Future + 'static> TaskCell<F> {
    const VTABLE: TaskVTable = TaskVTable {
        run: Self::run,
        read_output: Self::read_output,
        drop_stage: Self::drop_stage,
        dealloc: Self::dealloc,
    };

    /// # Safety
    ///
    /// `ptr` must point to a live `TaskCell<F>`, on the loop thread.
    unsafe fn stage<'a>(ptr: NonNull<Header>) -> &'a mut Stage<F> {
        // SAFETY: the header is the first field of a `repr(C)` `TaskCell<F>`,
        // so the cast recovers the cell; only the loop thread touches the
        // stage, and no other reference to it is alive while one of these
        // functions runs.
        unsafe { &mut *ptr.cast::<TaskCell<F>>().as_ref().stage.get() }
    }

    /// # Safety
    ///
    /// See [`TaskCell::stage`]; the stage must be `Running`.
    unsafe fn run(ptr: NonNull<Header>, cancelled: bool) -> Ran {
        // SAFETY: forwarded from our caller.
        let stage = unsafe { Self::stage(ptr) };
        let Stage::Running(future) = stage else {
            unreachable!("only a running task is run");
        };
        let result = if cancelled {
            // Drop the future here, on the loop thread, so its drop guards
            // run now; a panicking destructor is reported like a panic.
            let old = mem::replace(stage, Stage::Consumed);
            match panic::catch_unwind(AssertUnwindSafe(move || drop(old))) {
                Ok(()) => Err(Failure::Cancelled),
                Err(payload) => Err(Failure::Panic(payload)),
            }
        } else {
            let waker = waker::borrowed(ptr);
            let mut cx = Context::from_waker(&waker);
            // SAFETY: the future lives inside the heap cell and is never
            // moved out of it until it is dropped.
            let future = unsafe { Pin::new_unchecked(future) };
            match panic::catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx))) {
                Ok(Poll::Pending) => return Ran::Unfinished,
                Ok(Poll::Ready(output)) => Ok(output),
                Err(payload) => Err(Failure::Panic(payload)),
            }
        };
        let ran = match &result {
            Ok(_) => Ran::Finished,
            Err(Failure::Cancelled) => Ran::Cancelled,
            Err(Failure::Panic(payload)) => Ran::Panicked(panic_message(&**payload).map(Box::from)),
        };
        // The old stage may still hold the (panicked or finished) future;
        // drop it without letting a second panic escape into the loop.
        let old = mem::replace(stage, Stage::Finished(result));
        unwind::drop_contained(old);
        ran
    }

    /// # Safety
    ///
    /// See [`TaskCell::stage`]; `dst` must point to an
    /// `Option<Result<F::Output, JoinError>>`.
    unsafe fn read_output(ptr: NonNull<Header>, dst: *mut ()) {
        // SAFETY: forwarded from our caller.
        let stage = unsafe { Self::stage(ptr) };
        if let Stage::Finished(result) = mem::replace(stage, Stage::Consumed) {
            // SAFETY: the header is live while the caller holds a reference.
            let id = unsafe { ptr.as_ref() }.id;
            let result = result.map_err(|failure| failure.into_error(id));
            // SAFETY: our caller promises the type of `dst`.
            unsafe { *dst.cast::<Option<Result<F::Output, JoinError>>>() = Some(result) };
        }
    }

    /// # Safety
    ///
    /// See [`TaskCell::stage`].
    unsafe fn drop_stage(ptr: NonNull<Header>) {
        // SAFETY: forwarded from our caller.
        let old = mem::replace(unsafe { Self::stage(ptr) }, Stage::Consumed);
        unwind::drop_contained(old);
    }

    /// # Safety
    ///
    /// `ptr` must come from `allocate::<F>` and no reference may remain.
    unsafe fn dealloc(ptr: NonNull<Header>) {
        // SAFETY: the pointer came from `Box::leak` of a `TaskCell<F>` and
        // this is the last use of it.
        drop(unsafe { Box::from_raw(ptr.cast::<TaskCell<F>>().as_ptr()) });
    }
}
