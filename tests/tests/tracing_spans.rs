//! With the `tracing` feature, each task is the `runtime.spawn` span that
//! console-subscriber (and so tokio-console) reads: one per task, with its
//! kind, name, id and spawn location, entered once per poll, closed when
//! the task completes; its wakers emit `runtime::waker` events that carry
//! the span's id.
//!
//! A hand-written [`Recorder`] subscriber keeps every span and event, so
//! the tests see exactly what a subscriber is sent.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::future::{poll_fn, Future};
use std::panic::Location;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::thread;

use loopy::task::Builder;
use loopy::{yield_now, JoinHandle};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Event, Metadata, Subscriber};

/// A field's value as the subscriber was given it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Str(String),
    U64(u64),
    Other(String),
}

/// Named fields of a span or event.
type Fields = BTreeMap<String, Value>;

/// One span the subscriber was told of.
#[derive(Clone, Debug)]
struct SpanRecord {
    id: u64,
    name: &'static str,
    target: &'static str,
    fields: Fields,
    /// Whether it was made with no parent.
    root: bool,
    enters: usize,
    exits: usize,
    /// Handles to it that are alive; it closes at zero.
    handles: usize,
    closed: bool,
}

/// One event the subscriber was told of.
#[derive(Clone, Debug)]
struct EventRecord {
    target: &'static str,
    fields: Fields,
}

/// Everything recorded so far.
#[derive(Default)]
struct Recorded {
    spans: BTreeMap<u64, SpanRecord>,
    events: Vec<EventRecord>,
}

/// A `tracing` subscriber that records every span and event.
#[derive(Clone, Default)]
struct Recorder {
    recorded: Arc<Mutex<Recorded>>,
    next_id: Arc<AtomicU64>,
}

impl Recorder {
    fn with<R>(&self, f: impl FnOnce(&mut Recorded) -> R) -> R {
        f(&mut self.recorded.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The `runtime.spawn` spans so far, in the order they were made.
    fn task_spans(&self) -> Vec<SpanRecord> {
        self.with(|r| {
            r.spans
                .values()
                .filter(|span| span.name == "runtime.spawn")
                .cloned()
                .collect()
        })
    }

    /// The task span whose `task.id` field is `id`.
    fn task_span(&self, id: loopy::task::TaskId) -> SpanRecord {
        let id = Value::U64(id.to_string().parse().unwrap());
        let mut spans = self.task_spans();
        spans.retain(|span| span.fields.get("task.id") == Some(&id));
        assert_eq!(
            spans.len(),
            1,
            "one runtime.spawn span per task: {spans:#?}"
        );
        spans.pop().unwrap()
    }

    /// The `op` of each waker event about the span `span`, in order.
    fn waker_ops(&self, span: u64) -> Vec<String> {
        self.with(|r| {
            r.events
                .iter()
                .filter(|e| e.target == "runtime::waker")
                .filter(|e| e.fields.get("task.id") == Some(&Value::U64(span)))
                .map(|e| match &e.fields["op"] {
                    Value::Str(op) => op.clone(),
                    other => panic!("op should be a string, is {other:?}"),
                })
                .collect()
        })
    }

    /// Runs `future` on a new loop with this subscriber as the thread's.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        tracing::dispatcher::with_default(&Dispatch::new(self.clone()), || loopy::block_on(future))
    }
}

struct FieldsVisitor<'a>(&'a mut Fields);

impl Visit for FieldsVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), Value::Str(value.into()));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), Value::U64(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), Value::Other(format!("{value:?}")));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = Fields::new();
        attrs.record(&mut FieldsVisitor(&mut fields));
        let span = SpanRecord {
            id,
            name: attrs.metadata().name(),
            target: attrs.metadata().target(),
            fields,
            root: attrs.is_root(),
            enters: 0,
            exits: 0,
            handles: 1,
            closed: false,
        };
        self.with(|r| r.spans.insert(id, span));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        self.with(|r| {
            let span = r.spans.get_mut(&span.into_u64()).unwrap();
            values.record(&mut FieldsVisitor(&mut span.fields));
        });
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut FieldsVisitor(&mut fields));
        let target = event.metadata().target();
        self.with(|r| r.events.push(EventRecord { target, fields }));
    }

    fn enter(&self, span: &Id) {
        self.with(|r| r.spans.get_mut(&span.into_u64()).unwrap().enters += 1);
    }

    fn exit(&self, span: &Id) {
        self.with(|r| r.spans.get_mut(&span.into_u64()).unwrap().exits += 1);
    }

    fn clone_span(&self, id: &Id) -> Id {
        self.with(|r| r.spans.get_mut(&id.into_u64()).unwrap().handles += 1);
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        self.with(|r| {
            let span = r.spans.get_mut(&id.into_u64()).unwrap();
            span.handles -= 1;
            span.closed = span.handles == 0;
            span.closed
        })
    }
}

/// Spawns `future` and says where: `loopy::spawn` takes its location from
/// our caller, as this does.
#[track_caller]
fn spawn_here<F: Future + 'static>(future: F) -> (JoinHandle<F::Output>, &'static Location<'static>)
where
    F::Output: 'static,
{
    (loopy::spawn(future), Location::caller())
}

/// The location fields a span should have for a task spawned at `at`.
fn location_fields(at: &Location<'_>) -> [(&'static str, Value); 3] {
    [
        ("loc.file", Value::Str(at.file().into())),
        ("loc.line", Value::U64(at.line().into())),
        ("loc.col", Value::U64(at.column().into())),
    ]
}

/// Asserts that `span` has each of `expected` among its fields.
fn assert_fields(span: &SpanRecord, expected: &[(&str, Value)]) {
    for (name, value) in expected {
        assert_eq!(
            span.fields.get(*name),
            Some(value),
            "field {name} of {span:#?}"
        );
    }
}

#[loopy::task(name = "countdown")]
async fn countdown() {
    yield_now().await;
}

#[test]
fn each_task_is_one_runtime_spawn_span_with_its_kind_name_id_and_location() {
    let recorder = Recorder::default();
    let (plain, plain_at, named, blocking, attribute, attribute_line) = recorder.block_on(async {
        let (plain, plain_at) = spawn_here(async {});
        let named = Builder::new().name("worker").spawn(async {});
        let blocking = loopy::spawn_blocking(|| 7);
        let (attribute, attribute_line) = (countdown(), line!());
        let ids = (plain.id(), named.id(), blocking.id(), attribute.id());
        plain.await.unwrap();
        named.await.unwrap();
        assert_eq!(blocking.await.unwrap(), 7);
        attribute.await.unwrap();
        (ids.0, plain_at, ids.1, ids.2, ids.3, attribute_line)
    });
    assert_eq!(recorder.task_spans().len(), 4, "one span per task");

    let span = recorder.task_span(plain);
    assert_eq!(span.target, "tokio::task");
    assert!(span.root, "a task's span has no parent");
    assert_fields(&span, &[("kind", Value::Str("task".into()))]);
    assert_fields(&span, &location_fields(plain_at));
    assert_eq!(span.fields.get("task.name"), None, "an unnamed task");

    let span = recorder.task_span(named);
    assert_fields(
        &span,
        &[
            ("kind", Value::Str("task".into())),
            ("task.name", Value::Str("worker".into())),
            ("loc.file", Value::Str(file!().into())),
        ],
    );

    let span = recorder.task_span(blocking);
    assert_fields(&span, &[("kind", Value::Str("blocking".into()))]);

    let span = recorder.task_span(attribute);
    assert_fields(
        &span,
        &[
            ("kind", Value::Str("task".into())),
            ("task.name", Value::Str("countdown".into())),
            ("loc.file", Value::Str(file!().into())),
            ("loc.line", Value::U64(attribute_line.into())),
        ],
    );
}

#[test]
fn a_task_spawned_inside_a_task_gets_a_span_of_its_own() {
    let recorder = Recorder::default();
    let (outer, inner) = recorder.block_on(async {
        let outer = loopy::spawn(async {
            let inner = loopy::spawn(async {});
            inner.id()
        });
        let outer_id = outer.id();
        let inner_id = outer.await.unwrap();
        yield_now().await;
        (outer_id, inner_id)
    });
    let (outer, inner) = (recorder.task_span(outer), recorder.task_span(inner));
    assert_ne!(outer.id, inner.id);
    assert!(
        inner.root,
        "spawned during the outer task's poll, yet not its child"
    );
}

#[test]
fn the_span_is_entered_once_per_poll_and_closed_when_the_task_completes() {
    let recorder = Recorder::default();
    let spans = recorder.clone();
    recorder.block_on(async move {
        // Three polls: two yields, then the end.
        let task = loopy::spawn(async {
            yield_now().await;
            yield_now().await;
        });
        let id = task.id();
        while !task.is_finished() {
            let span = spans.task_span(id);
            assert!(!span.closed, "closed before the task completed");
            assert_eq!(span.enters, span.exits, "entered only while polled");
            yield_now().await;
        }
        // The handle is still alive, holding the task's allocation, and
        // its result is not taken yet: the span is closed all the same.
        let span = spans.task_span(id);
        assert_eq!((span.enters, span.exits), (3, 3), "{span:#?}");
        assert!(span.closed, "still open after the task completed");
        assert_eq!(span.handles, 0);
        task.await.unwrap();
    });
}

#[test]
fn a_cancelled_task_and_one_dropped_with_the_runtime_close_their_spans() {
    let recorder = Recorder::default();
    let spans = recorder.clone();
    let left = recorder.block_on(async move {
        let cancelled = loopy::spawn(std::future::pending::<()>());
        let left = loopy::spawn(std::future::pending::<()>());
        yield_now().await;
        cancelled.cancel();
        let id = cancelled.id();
        assert!(cancelled.await.unwrap_err().is_cancelled());
        assert!(spans.task_span(id).closed);
        // Dropping the handle detaches the task; it never finishes.
        left.id()
    });
    assert!(
        recorder.task_span(left).closed,
        "the runtime's drop completes it"
    );
}

/// A future that does each waker operation once, one of them on another
/// thread, and finishes on its second poll.
fn every_waker_op() -> impl Future<Output = ()> {
    let mut polled = false;
    poll_fn(move |cx| {
        if polled {
            return Poll::Ready(());
        }
        polled = true;
        let waker = cx.waker().clone();
        waker.wake_by_ref();
        drop(waker.clone());
        // The other thread reports to the same subscriber.
        let dispatch = tracing::dispatcher::get_default(Dispatch::clone);
        thread::spawn(move || tracing::dispatcher::with_default(&dispatch, || waker.wake()))
            .join()
            .unwrap();
        Poll::Pending
    })
}

#[test]
fn wakers_tell_the_subscriber_what_they_do_with_the_span_id_from_any_thread() {
    let recorder = Recorder::default();
    let expected = [
        "waker.clone",
        "waker.wake_by_ref",
        "waker.clone",
        "waker.drop",
        "waker.wake",
        "waker.clone",
    ];
    let spans = recorder.clone();
    recorder.block_on(async move {
        let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
        let task = loopy::spawn({
            let kept = Rc::clone(&kept);
            async move {
                every_waker_op().await;
                // Keep a waker beyond the task's end.
                poll_fn(|cx| {
                    *kept.borrow_mut() = Some(cx.waker().clone());
                    Poll::Ready(())
                })
                .await;
            }
        });
        let span = spans.task_span(task.id()).id;
        task.await.unwrap();
        assert_eq!(spans.waker_ops(span), expected);
        // The task is over: dropping its last waker says nothing, since
        // the span's id may belong to another span by now.
        drop(kept.take());
        assert_eq!(spans.waker_ops(span), expected);
    });
}
