//! Tasks as `tracing` spans, so that tokio-console can list them (the
//! `tracing` feature).
//!
//! tokio-console knows nothing of loopy. It talks to `console-subscriber`, a
//! `tracing` layer that recognises tasks by the spans and events tokio
//! emits for them. With the `tracing` feature, loopy emits the same ones:
//!
//! - **Spawn.** Each task gets a span named `runtime.spawn`, target
//!   `tokio::task`, with the fields `kind` (`task`, or `blocking` for
//!   `spawn_blocking`), `task.name` (when it has one), `task.id` (loopy's
//!   [`TaskId`]) and the spawn location as `loc.file`, `loc.line` and
//!   `loc.col`. The span has no parent: a task spawned inside another is
//!   not part of it.
//! - **Poll.** The task's span is entered for each poll and exited after
//!   it (`raw.rs`); the console counts polls and busy time from that.
//! - **Completion.** The span is closed when the task completes, however it
//!   does, before anybody takes its result (`raw.rs`).
//! - **Wakers.** Every operation of the task's waker (`waker.rs`) emits an
//!   event with target `runtime::waker`, `op` = `waker.wake`,
//!   `waker.wake_by_ref`, `waker.clone` or `waker.drop`, and `task.id` =
//!   the *span's* id, as tokio does: that is how the subscriber finds the
//!   task the waker belongs to. Wakers may run on any thread, so they read
//!   only what never changes (the span id) and an atomic flag.
//!
//! Without the feature [`TaskSpan`] is zero-sized and each function here is
//! empty and inlined: the default build has no field and makes no call.

#[cfg(feature = "tracing")]
use std::cell::Cell;
use std::panic::Location;
#[cfg(feature = "tracing")]
use std::sync::atomic::{AtomicBool, Ordering};

use super::TaskId;

/// What made a task, as its span's `kind` field says.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// `spawn`, `task::Builder::spawn` or `#[loopy::task]`.
    Task,
    /// The task that waits for a `spawn_blocking` closure.
    Blocking,
}

/// What a waker was asked to do, as its event's `op` field says.
#[derive(Clone, Copy, Debug)]
pub(crate) enum WakerOp {
    Wake,
    WakeByRef,
    Clone,
    Drop,
}

/// A task's `runtime.spawn` span; it lives in the task's header.
pub(crate) struct TaskSpan {
    /// The span while the task runs; taken, and so closed, when it
    /// completes. Out of the cell while a poll has it entered. Loop thread
    /// only.
    #[cfg(feature = "tracing")]
    span: Cell<Option<tracing::Span>>,
    /// The span's id, for the waker events; `None` when no subscriber
    /// wanted the span. Never changes, so any thread may read it.
    #[cfg(feature = "tracing")]
    id: Option<u64>,
    /// Set when the span closes: a waker used after that says nothing,
    /// since the subscriber may have given the id to a new span.
    #[cfg(feature = "tracing")]
    closed: AtomicBool,
}

// Without the feature a task pays nothing for its span.
#[cfg(not(feature = "tracing"))]
const _: () = assert!(std::mem::size_of::<TaskSpan>() == 0);

/// A poll's hold on the task's span, entered until this is dropped.
pub(crate) struct Polling<'a> {
    /// Where the span goes back to when the poll is over.
    #[cfg(feature = "tracing")]
    home: &'a Cell<Option<tracing::Span>>,
    /// The span, entered; `None` once the task completed.
    #[cfg(feature = "tracing")]
    entered: Option<tracing::span::EnteredSpan>,
    /// Holds the lifetime when there is no span to hold.
    #[cfg(not(feature = "tracing"))]
    borrows: std::marker::PhantomData<&'a TaskSpan>,
}

impl TaskSpan {
    /// Opens the span of a task spawned at `location`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    #[inline]
    pub(crate) fn new(
        id: TaskId,
        name: Option<&str>,
        location: &'static Location<'static>,
        kind: Kind,
    ) -> TaskSpan {
        #[cfg(feature = "tracing")]
        {
            let span = tracing::trace_span!(
                target: "tokio::task",
                parent: None,
                "runtime.spawn",
                kind = kind.as_str(),
                task.name = name,
                task.id = id.0,
                loc.file = location.file(),
                loc.line = location.line(),
                loc.col = location.column(),
            );
            TaskSpan {
                id: span.id().map(|id| id.into_u64()),
                span: Cell::new(Some(span)),
                closed: AtomicBool::new(false),
            }
        }
        #[cfg(not(feature = "tracing"))]
        TaskSpan {}
    }

    /// Enters the span for one poll, until the returned guard is dropped.
    /// Loop thread only.
    #[inline]
    pub(crate) fn enter(&self) -> Polling<'_> {
        Polling {
            #[cfg(feature = "tracing")]
            home: &self.span,
            #[cfg(feature = "tracing")]
            entered: self.span.take().map(tracing::Span::entered),
            #[cfg(not(feature = "tracing"))]
            borrows: std::marker::PhantomData,
        }
    }

    /// Closes the span: the task completed. Loop thread only, and not while
    /// a poll has the span entered.
    #[inline]
    pub(crate) fn close(&self) {
        #[cfg(feature = "tracing")]
        {
            self.closed.store(true, Ordering::Release);
            drop(self.span.take());
        }
    }

    /// Tells the subscriber what a waker of this task did. Any thread.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    #[inline]
    pub(crate) fn waker(&self, op: WakerOp) {
        #[cfg(feature = "tracing")]
        if let Some(id) = self.id {
            if !self.closed.load(Ordering::Acquire) {
                tracing::trace!(target: "runtime::waker", op = op.as_str(), task.id = id);
            }
        }
    }
}

#[cfg(feature = "tracing")]
impl Drop for Polling<'_> {
    fn drop(&mut self) {
        // Exit the span and put it back for the next poll.
        self.home.set(self.entered.take().map(|span| span.exit()));
    }
}

#[cfg(feature = "tracing")]
impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Task => "task",
            Kind::Blocking => "blocking",
        }
    }
}

#[cfg(feature = "tracing")]
impl WakerOp {
    fn as_str(self) -> &'static str {
        match self {
            WakerOp::Wake => "waker.wake",
            WakerOp::WakeByRef => "waker.wake_by_ref",
            WakerOp::Clone => "waker.clone",
            WakerOp::Drop => "waker.drop",
        }
    }
}
