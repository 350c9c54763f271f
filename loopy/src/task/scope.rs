//! Scopes: children that may borrow from the caller, polled by the scope.
//!
//! [`scope`] calls its closure with a [`Scope`] handle and returns a future,
//! the *scope future*. Awaiting it runs the closure's future, the *body*,
//! and every child the body (or a child) spawns with [`Scope::spawn`]; it
//! returns the body's output once the body and all the children have ended.
//!
//! # Why the children may borrow
//!
//! The children are not tasks on the loop's run queue: the scope future
//! owns them, in its child table, and polls them itself when their wakers
//! say they are ready (`ready_list.rs`). So a child runs only while the
//! scope future is polled, and the scope future cannot outlive what the
//! children borrow (its type carries their lifetime). When the scope future
//! is dropped, it drops every child before the drop returns. When it is
//! forgotten (`mem::forget`), nobody polls or drops the children ever again:
//! they stop, holding their borrows, and leak, which is safe. Nothing in this
//! file is `unsafe`: the borrow checker proves all of it.
//!
//! A child may not borrow from the body, only from outside the scope: the
//! body ends (and its locals go) while children may still run. The handle's
//! lifetime `'env` is fixed by the caller of `scope`, and `Scope` is
//! invariant in it, so a borrow of a body local cannot be stretched to it:
//!
//! ```compile_fail
//! loopy::block_on(loopy::task::scope(|s| async move {
//!     let local = 1;
//!     s.spawn(async { local + 1 });
//! }));
//! ```
//!
//! # Failure
//!
//! A panic in a child or in the body cancels (drops) every other child,
//! then the body, and the scope future re-raises it with the original
//! payload. In [`try_scope`] the first `Err` does the same and is returned.
//! The table of children and the first error live in a [`Shared`] behind an
//! `Rc`, which the body's and the children's `Scope` handles share.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe, Location};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::context;
use super::ready_list::{Member, MemberWaker, ReadyList};
use super::tasks::ScopedTask;
use crate::unwind;

/// Runs `body` with a [`Scope`] whose children may borrow from the caller,
/// and returns the body's output once the body and every child have ended.
///
/// The children run concurrently with the body and each other, polled by
/// the scope future itself. A panic in the body or a child cancels all of
/// them and is re-raised here; dropping the scope future cancels all of
/// them, running their destructors before the drop returns. See the
/// [module docs](mod@crate::task#scopes-and-groups) for how this compares with
/// asyncio, trio and tokio.
///
/// # Panics
///
/// Re-raises the first panic of the body or of a child, after every other
/// child and the body were dropped. A panic in a destructor during that
/// cancellation is reported on stderr by the panic hook and otherwise
/// ignored: the first panic wins.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let words = vec!["a".to_string(), "bb".to_string()];
///     let words = &words;
///     let total = loopy::task::scope(|s| async move {
///         let a = s.spawn(async move { words[0].len() });
///         let b = s.spawn(async move { words[1].len() });
///         a.await + b.await
///     })
///     .await;
///     assert_eq!(total, 3);
/// });
/// ```
pub fn scope<'env, B, Fut>(body: B) -> impl Future<Output = Fut::Output> + 'env
where
    B: FnOnce(Scope<'env>) -> Fut,
    Fut: Future + 'env,
{
    let shared = Rc::new(Shared::new());
    let body = body(Scope {
        shared: Rc::clone(&shared),
    });
    let run = Run::new(shared, body);
    async move {
        match run.await {
            Ok(output) => output,
            Err(never) => match never {},
        }
    }
}

/// Like [`scope`], for fallible work: the body and the children return
/// `Result<_, E>`, and the first `Err` cancels the rest and is returned.
///
/// A child spawned with [`TryScope::spawn`] returns `Result<T, E>`; its
/// handle awaits to the `T`, since an `Err` ends the whole scope.
///
/// No error is lost: the first `Err` is noticed right after the poll that
/// returned it, before any other member is polled, and the others are
/// dropped without being polled again, so they never get to return one.
///
/// # Errors
///
/// The first `Err` returned by the body or by a child.
///
/// # Panics
///
/// As [`scope`]: the first panic of the body or a child is re-raised.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// loopy::block_on(async {
///     let names = ["7", "x", "9"];
///     let names = &names;
///     let sum = loopy::task::try_scope(|s| async move {
///         let slow = s.spawn(async {
///             loopy::sleep(Duration::from_secs(3600)).await;
///             Ok(0)
///         });
///         let mut sum = 0;
///         for name in names {
///             sum += s.spawn(async move { name.parse::<u32>() }).await;
///         }
///         Ok(sum + slow.await)
///     })
///     .await;
///     assert!(sum.is_err(), "\"x\" is not a number, and the sleeper was cancelled");
/// });
/// ```
pub fn try_scope<'env, B, Fut, T, E>(body: B) -> impl Future<Output = Result<T, E>> + 'env
where
    B: FnOnce(TryScope<'env, E>) -> Fut,
    Fut: Future<Output = Result<T, E>> + 'env,
    T: 'env,
    E: 'env,
{
    let shared = Rc::new(Shared::new());
    let body = body(TryScope {
        shared: Rc::clone(&shared),
    });
    let failed = Rc::clone(&shared);
    let body = async move { body.await.map_err(|err| failed.fail(err)).ok() };
    let run = Run::new(shared, body);
    async move {
        let output = run.await?;
        Ok(output.expect("a body that returned Err has set the scope's error"))
    }
}

/// The handle a [`scope`]'s body gets, to spawn children that may borrow
/// anything that outlives the scope (`'env`).
///
/// Clone it to give it to a child, which may then spawn siblings.
///
/// # Examples
///
/// ```
/// loopy::block_on(loopy::task::scope(|s| async move {
///     let inner = s.clone();
///     let parent = s.spawn(async move { inner.spawn(async { 2 }).await * 3 });
///     assert_eq!(parent.await, 6);
/// }));
/// ```
pub struct Scope<'env> {
    /// The scope's children and state, shared by every handle.
    shared: Rc<Shared<'env, Infallible>>,
}

impl<'env> Scope<'env> {
    /// Starts `future` as a child of the scope and returns a handle that
    /// awaits to its output. The child starts running the next time the
    /// scope future is polled, whether or not the handle is awaited;
    /// dropping the handle lets it run on and drops its output.
    ///
    /// # Panics
    ///
    /// If the scope has ended (its future returned or was dropped), for
    /// example when a `Scope` kept from an earlier scope is used.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let mut counts = [0u32; 4];
    ///     let (left, right) = counts.split_at_mut(2);
    ///     loopy::task::scope(|s| async move {
    ///         s.spawn(async move { left[0] += 1 });
    ///         s.spawn(async move { right[1] += 2 });
    ///     })
    ///     .await;
    ///     assert_eq!(counts, [1, 0, 0, 2]);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> ScopedJoinHandle<F::Output>
    where
        F: Future + 'env,
        F::Output: 'env,
    {
        let output = Rc::new(Output::default());
        let slot = Rc::clone(&output);
        let location = Location::caller();
        self.shared
            .add("loopy::task::Scope::spawn", location, async move {
                slot.fill(future.await)
            });
        ScopedJoinHandle { output }
    }
}

impl Clone for Scope<'_> {
    fn clone(&self) -> Self {
        Scope {
            shared: Rc::clone(&self.shared),
        }
    }
}

impl fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.shared.describe("Scope", f)
    }
}

/// The handle a [`try_scope`]'s body gets: like [`Scope`], for children
/// that return `Result<T, E>`.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let out = loopy::task::try_scope(|s| async move {
///         let ok = s.spawn(async { Ok::<_, String>(1) });
///         Ok(ok.await + 1)
///     })
///     .await;
///     assert_eq!(out, Ok(2));
/// });
/// ```
pub struct TryScope<'env, E> {
    /// The scope's children, state and first error, shared by every handle.
    shared: Rc<Shared<'env, E>>,
}

impl<'env, E: 'env> TryScope<'env, E> {
    /// Starts `future` as a child; its `Ok` value goes to the returned
    /// handle, and an `Err` ends the scope with that error, cancelling
    /// every other child and the body.
    ///
    /// # Panics
    ///
    /// If the scope has ended, as [`Scope::spawn`].
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let out: Result<(), &str> = loopy::task::try_scope(|s| async move {
    ///         s.spawn(async { Err::<(), _>("no") });
    ///         std::future::pending().await
    ///     })
    ///     .await;
    ///     assert_eq!(out, Err("no"));
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F, T>(&self, future: F) -> ScopedJoinHandle<T>
    where
        F: Future<Output = Result<T, E>> + 'env,
        T: 'env,
    {
        let output = Rc::new(Output::default());
        let slot = Rc::clone(&output);
        let failed = Rc::clone(&self.shared);
        let location = Location::caller();
        self.shared
            .add("loopy::task::TryScope::spawn", location, async move {
                match future.await {
                    Ok(value) => slot.fill(value),
                    Err(err) => failed.fail(err),
                }
            });
        ScopedJoinHandle { output }
    }
}

impl<E> Clone for TryScope<'_, E> {
    fn clone(&self) -> Self {
        TryScope {
            shared: Rc::clone(&self.shared),
        }
    }
}

impl<E> fmt::Debug for TryScope<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.shared.describe("TryScope", f)
    }
}

/// Awaits a scope child's output.
///
/// There is no error case: a child that panics or fails takes the whole
/// scope, and whoever awaits this handle, down with it.
///
/// # Panics
///
/// When polled again after it returned the output.
///
/// # Examples
///
/// ```
/// loopy::block_on(loopy::task::scope(|s| async move {
///     let child = s.spawn(async { "out" });
///     assert_eq!(child.await, "out");
/// }));
/// ```
pub struct ScopedJoinHandle<T> {
    /// Where the child leaves its output.
    output: Rc<Output<T>>,
}

impl<T> Future for ScopedJoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.output.poll_take(cx.waker())
    }
}

impl<T> fmt::Debug for ScopedJoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let finished = !matches!(*self.output.state.borrow(), OutputState::Waiting(_));
        f.debug_struct("ScopedJoinHandle")
            .field("finished", &finished)
            .finish()
    }
}

/// A child's output, on its way from the child to its handle.
struct Output<T> {
    /// Loop thread only, like the scope.
    state: RefCell<OutputState<T>>,
}

/// Where a child's output is.
enum OutputState<T> {
    /// The child runs; here is the waker of whoever awaits the handle.
    Waiting(Option<Waker>),
    /// The child returned this.
    Ready(T),
    /// The handle has returned it.
    Taken,
}

impl<T> Default for Output<T> {
    fn default() -> Self {
        Output {
            state: RefCell::new(OutputState::Waiting(None)),
        }
    }
}

impl<T> Output<T> {
    /// The child returned `value`: keep it and wake whoever awaits it.
    fn fill(&self, value: T) {
        let old = self.state.replace(OutputState::Ready(value));
        if let OutputState::Waiting(Some(waker)) = old {
            waker.wake();
        }
    }

    fn poll_take(&self, waker: &Waker) -> Poll<T> {
        let mut state = self.state.borrow_mut();
        match &mut *state {
            OutputState::Waiting(awaiter) => {
                if !awaiter.as_ref().is_some_and(|old| old.will_wake(waker)) {
                    *awaiter = Some(waker.clone());
                }
                Poll::Pending
            }
            OutputState::Ready(_) => match std::mem::replace(&mut *state, OutputState::Taken) {
                OutputState::Ready(value) => Poll::Ready(value),
                _ => unreachable!("matched Ready just above"),
            },
            OutputState::Taken => {
                panic!("loopy::task::ScopedJoinHandle polled again after it returned the output")
            }
        }
    }
}

/// A child future, with its output handling folded in.
type ChildFuture<'env> = Pin<Box<dyn Future<Output = ()> + 'env>>;

/// A child in the table.
struct Child<'env> {
    future: ChildFuture<'env>,
    /// Its waker, which also says whether a ready-list entry is fresh.
    waker: Arc<MemberWaker>,
    /// Its id and record in the task list, shared with the loop; `None`
    /// when the scope was started outside a runtime.
    record: Option<Rc<ScopedTask>>,
}

impl Drop for Child<'_> {
    fn drop(&mut self) {
        // The child has ended, or was cancelled: the task list forgets it.
        if let Some(record) = &self.record {
            context::with(|handle| {
                if let Some(handle) = handle {
                    handle.tasks.scoped_ended(record.id);
                }
            });
        }
    }
}

/// What the scope's handles share with the scope future.
///
/// `'env` is invariant here (it sits inside a `RefCell`), which is what
/// keeps children from borrowing the body's locals (see the module docs).
struct Shared<'env, E> {
    /// The children, by slot. A slot is `None` when free (then it is in
    /// `free`) or while its child is out being polled.
    children: RefCell<Vec<Option<Child<'env>>>>,
    /// Free slots, reused before the table grows.
    free: RefCell<Vec<usize>>,
    /// How many children have not ended.
    live: Cell<usize>,
    /// The members woken since the scope future last looked.
    ready: Arc<ReadyList>,
    /// The first `Err` a `try_scope` member returned.
    error: RefCell<Option<E>>,
    /// The scope future returned or was dropped: spawning is a bug now.
    ended: Cell<bool>,
}

impl<'env, E> Shared<'env, E> {
    fn new() -> Shared<'env, E> {
        let ready = Arc::new(ReadyList::default());
        Shared {
            children: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            live: Cell::new(0),
            ready,
            error: RefCell::new(None),
            ended: Cell::new(false),
        }
    }

    /// Puts `future` in a free slot, ready to be polled. `what` names the
    /// user's function for the panic message.
    fn add(
        &self,
        what: &str,
        location: &'static Location<'static>,
        future: impl Future<Output = ()> + 'env,
    ) {
        assert!(
            !self.ended.get(),
            "{what} called after its scope ended; spawn children only from the scope's body or \
             its other children, while `scope(..).await` has not returned"
        );
        let future: ChildFuture<'env> = Box::pin(future);
        let mut children = self.children.borrow_mut();
        let slot = self.free.borrow_mut().pop().unwrap_or(children.len());
        let waker = MemberWaker::new_ready(Member::Child(slot), &self.ready);
        let record = context::with(|handle| handle.map(|handle| handle.tasks.add_scoped(location)));
        let child = Some(Child {
            future,
            waker,
            record,
        });
        match children.get_mut(slot) {
            Some(free) => *free = child,
            None => children.push(child),
        }
        self.live.set(self.live.get() + 1);
    }

    /// Keeps the first error; an `Err` after it cannot happen (see
    /// [`try_scope`]), but would be dropped.
    fn fail(&self, err: E) {
        self.error.borrow_mut().get_or_insert(err);
    }

    /// Polls the child in `slot` if the entry is fresh; `Err` with the
    /// payload if it panicked.
    fn poll_child(&self, slot: usize) -> std::thread::Result<()> {
        let taken = self
            .children
            .borrow_mut()
            .get_mut(slot)
            .and_then(Option::take);
        let Some(mut child) = taken else {
            return Ok(());
        };
        if !child.waker.unqueue() {
            self.children.borrow_mut()[slot] = Some(child);
            return Ok(());
        }
        // The table is not borrowed while the child runs: it may spawn.
        let waker = Waker::from(Arc::clone(&child.waker));
        let mut cx = Context::from_waker(&waker);
        let future = &mut child.future;
        let mut poll = || panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
        // The child is the running task while it runs: the instruments
        // see it as one.
        let polled = match &child.record {
            Some(record) => context::with(|handle| match handle {
                Some(handle) => handle.instruments.poll_nested(
                    &handle.tasks,
                    record.id,
                    &record.stats,
                    &mut poll,
                    |polled| matches!(polled, Ok(Poll::Ready(()))),
                ),
                None => poll(),
            }),
            None => poll(),
        };
        match polled {
            Ok(Poll::Pending) => self.children.borrow_mut()[slot] = Some(child),
            Ok(Poll::Ready(())) => {
                self.end_child(slot);
                drop(child);
            }
            Err(payload) => {
                self.end_child(slot);
                unwind::drop_contained(child);
                return Err(payload);
            }
        }
        Ok(())
    }

    /// Frees `slot`, whose child has ended.
    fn end_child(&self, slot: usize) {
        self.free.borrow_mut().push(slot);
        self.live.set(self.live.get() - 1);
    }

    /// Drops every child, in slot order, until none is left (a destructor
    /// may spawn). A panicking destructor stops at `drop_contained`; the
    /// panic hook has reported it.
    fn cancel_children(&self) {
        loop {
            let children = std::mem::take(&mut *self.children.borrow_mut());
            if children.is_empty() {
                break;
            }
            self.free.borrow_mut().clear();
            self.live.set(0);
            for child in children.into_iter().flatten() {
                unwind::drop_contained(child);
            }
        }
    }

    fn describe(&self, kind: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(kind)
            .field("children", &self.live.get())
            .field("ended", &self.ended.get())
            .finish()
    }
}

/// The scope future: polls the body and the ready children.
struct Run<'env, Fut: Future, E> {
    /// The handles' shared state.
    shared: Rc<Shared<'env, E>>,
    /// The body until it returns; boxed so the scope future is `Unpin` and
    /// the body can be dropped after the children.
    body: Option<Pin<Box<Fut>>>,
    /// The body's waker, and its entry on the ready list.
    body_member: Arc<MemberWaker>,
    /// The same, as a `Waker`, made once.
    body_waker: Waker,
    /// The body's output, kept until the last child has ended.
    output: Option<Fut::Output>,
}

impl<'env, Fut: Future + 'env, E> Run<'env, Fut, E> {
    fn new(shared: Rc<Shared<'env, E>>, body: Fut) -> Self {
        let body_member = MemberWaker::new_ready(Member::Body, &shared.ready);
        let body_waker = Waker::from(Arc::clone(&body_member));
        Run {
            shared,
            body: Some(Box::pin(body)),
            body_member,
            body_waker,
            output: None,
        }
    }

    /// Polls the body, if it still runs; `Err` with the payload if it
    /// panicked.
    fn poll_body(&mut self) -> std::thread::Result<()> {
        let Some(body) = self.body.as_mut() else {
            return Ok(());
        };
        self.body_member.unqueue();
        let mut cx = Context::from_waker(&self.body_waker);
        match panic::catch_unwind(AssertUnwindSafe(|| body.as_mut().poll(&mut cx)))? {
            Poll::Ready(output) => {
                self.output = Some(output);
                self.body = None;
            }
            Poll::Pending => {}
        }
        Ok(())
    }
}

impl<Fut: Future, E> Run<'_, Fut, E> {
    /// Ends the scope: drops the children, then the body.
    fn cancel(&mut self) {
        self.shared.ended.set(true);
        self.shared.cancel_children();
        if let Some(body) = self.body.take() {
            unwind::drop_contained(body);
        }
    }
}

impl<Fut: Future, E> Unpin for Run<'_, Fut, E> {}

impl<'env, Fut: Future + 'env, E> Future for Run<'env, Fut, E> {
    type Output = Result<Fut::Output, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.shared.ready.set_poller(cx.waker());
        // Poll what was woken before this poll; what is woken during it has
        // woken our task again, and runs on a later turn of the loop.
        for member in this.shared.ready.take() {
            let polled = match member {
                Member::Body => this.poll_body(),
                Member::Child(slot) => this.shared.poll_child(slot),
            };
            if let Err(payload) = polled {
                this.cancel();
                panic::resume_unwind(payload);
            }
            let error = this.shared.error.borrow_mut().take();
            if let Some(err) = error {
                this.cancel();
                return Poll::Ready(Err(err));
            }
        }
        if this.body.is_none() && this.shared.live.get() == 0 {
            this.shared.ended.set(true);
            let output = this.output.take();
            return Poll::Ready(Ok(
                output.expect("loopy::task::scope polled after it returned")
            ));
        }
        Poll::Pending
    }
}

impl<Fut: Future, E> Drop for Run<'_, Fut, E> {
    fn drop(&mut self) {
        self.cancel();
    }
}
