//! A scope cancels its children: on a panic, when it is dropped, and when
//! it is forgotten it stops them without touching what they borrowed.

use std::cell::RefCell;
use std::future::{self, Future};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use loopy_tests::DropCount;

/// Records its name in `log` when dropped.
struct Named<'a> {
    name: &'static str,
    log: &'a RefCell<Vec<&'static str>>,
}

impl Drop for Named<'_> {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.name);
    }
}

#[test]
fn a_panicking_child_cancels_the_rest_and_is_re_raised() {
    loopy::block_on(async {
        let log = RefCell::new(Vec::new());
        let log = &log;
        let scope = loopy::task::scope(|s| async move {
            let _body = Named { name: "body", log };
            s.spawn(async move {
                let _a = Named { name: "a", log };
                future::pending::<()>().await;
            });
            s.spawn(async move {
                let _b = Named { name: "b", log };
                future::pending::<()>().await;
            });
            s.spawn(async move {
                loopy::yield_now().await;
                panic!("child failed");
            })
            .await;
        });
        let err = CatchUnwind(Box::pin(scope)).await.unwrap_err();
        assert_eq!(loopy_tests::panic_message(&*err), "child failed");
        // Children in slot order, then the body.
        assert_eq!(*log.borrow(), ["a", "b", "body"]);
    });
}

#[test]
fn a_panicking_body_cancels_the_children() {
    loopy::block_on(async {
        let drops = DropCount::new();
        let d = &drops;
        let scope = loopy::task::scope(|s| async move {
            for _ in 0..3 {
                let guard = d.guard();
                s.spawn(async move {
                    let _guard = guard;
                    future::pending::<()>().await;
                });
            }
            loopy::yield_now().await;
            panic!("body failed");
        });
        let err = CatchUnwind(Box::pin(scope)).await.unwrap_err();
        assert_eq!(loopy_tests::panic_message(&*err), "body failed");
        assert_eq!(drops.get(), 3);
    });
}

#[test]
fn dropping_the_scope_runs_every_childs_destructor_before_the_drop_returns() {
    loopy::block_on(async {
        let drops = DropCount::new();
        let d = &drops;
        let scope = loopy::task::scope(|s| async move {
            for _ in 0..4 {
                let guard = d.guard();
                s.spawn(async move {
                    let _guard = guard;
                    loopy::sleep(Duration::from_secs(3600)).await;
                });
            }
            future::pending::<()>().await;
        });
        let out = loopy::timeout(Duration::from_millis(20), scope).await;
        assert!(out.is_err());
        assert_eq!(
            drops.get(),
            4,
            "the timeout dropped the scope, and with it the children"
        );
    });
}

#[test]
fn a_panicking_destructor_during_cancellation_is_contained_and_the_first_panic_wins() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("destructor failed");
        }
    }
    loopy::block_on(async {
        let drops = DropCount::new();
        let d = &drops;
        let scope = loopy::task::scope(|s| async move {
            s.spawn(async move {
                let _boom = PanicOnDrop;
                future::pending::<()>().await;
            });
            let guard = d.guard();
            s.spawn(async move {
                let _guard = guard;
                future::pending::<()>().await;
            });
            loopy::yield_now().await;
            panic!("first");
        });
        let err = CatchUnwind(Box::pin(scope)).await.unwrap_err();
        assert_eq!(loopy_tests::panic_message(&*err), "first");
        assert_eq!(
            drops.get(),
            1,
            "the child after the panicking one was still dropped"
        );
    });
}

/// The address of the forgotten scope future, for the leak check.
static FORGOTTEN: AtomicUsize = AtomicUsize::new(0);

#[test]
fn a_forgotten_scope_stops_its_children_and_leaves_the_borrow_alone() {
    loopy::block_on(async {
        let polls = std::cell::Cell::new(0);
        {
            let data = vec![1u64, 2, 3];
            let data = &data;
            let polls = &polls;
            let mut scope = Box::pin(loopy::task::scope(|s| async move {
                s.spawn(async move {
                    loop {
                        polls.set(polls.get() + 1);
                        assert_eq!(data.iter().sum::<u64>(), 6);
                        loopy::yield_now().await;
                    }
                });
                future::pending::<()>().await;
            }));
            let mut cx = Context::from_waker(Waker::noop());
            for _ in 0..3 {
                assert!(scope.as_mut().poll(&mut cx).is_pending());
            }
            // Keep the address where valgrind's leak check will find it:
            // the forgotten scope is leaked on purpose, and "still
            // reachable" rather than lost.
            FORGOTTEN.store(&*scope as *const _ as *const () as usize, Ordering::Relaxed);
            std::mem::forget(scope);
            // `data` is freed here; the child still holds `&data`.
        }
        let seen = polls.get();
        assert!(seen > 0);
        for _ in 0..10 {
            loopy::yield_now().await;
        }
        assert_eq!(
            polls.get(),
            seen,
            "nobody polls a forgotten scope's children"
        );
    });
}

/// `catch_unwind` for a future: what the scope re-raises, caught.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.0.as_mut();
        match panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
