//! A panicking task does not take the loop down: its joiner gets the panic as
//! a `JoinError`, and the other tasks keep running. A panic in the future given
//! to `block_on` reaches the caller of `block_on`.

use std::error::Error;
use std::fmt::{Debug, Display};
use std::panic::{catch_unwind, AssertUnwindSafe};

use loopy::{block_on, spawn, yield_now, JoinError};
use loopy_tests::panic_message;

#[test]
fn a_panicking_task_gives_a_panic_error() {
    block_on(async {
        let handle = spawn(async {
            yield_now().await;
            panic!("task 7 broke");
        });
        let error: JoinError = handle.await.expect_err("the task panicked");
        assert!(error.is_panic());
        assert!(!error.is_cancelled());
        let payload = error.into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"task 7 broke"));
    });
}

#[test]
fn a_formatted_panic_message_survives_into_panic() {
    block_on(async {
        let number = 9;
        let handle = spawn(async move {
            panic!("task {number} broke");
        });
        let payload = handle.await.unwrap_err().into_panic();
        assert_eq!(payload.downcast_ref::<String>().unwrap(), "task 9 broke");
    });
}

#[test]
fn other_tasks_keep_running_after_a_panic() {
    block_on(async {
        let ticker = spawn(async {
            let mut ticks = 0;
            for _ in 0..20 {
                ticks += 1;
                yield_now().await;
            }
            ticks
        });
        let panicker = spawn(async {
            yield_now().await;
            panic!("in the middle of the ticker");
        });
        assert!(panicker.await.unwrap_err().is_panic());
        assert_eq!(ticker.await.unwrap(), 20);
        // The loop still takes new work.
        assert_eq!(spawn(async { "after" }).await.unwrap(), "after");
    });
}

#[test]
fn a_panic_in_the_block_on_future_propagates() {
    let result = catch_unwind(|| {
        block_on(async {
            yield_now().await;
            panic!("from the main future");
        })
    });
    let payload = result.expect_err("block_on must pass the panic on");
    assert_eq!(panic_message(&*payload), "from the main future");

    // The thread can run a loop again afterwards.
    assert_eq!(block_on(async { spawn(async { 5 }).await.unwrap() }), 5);
}

#[test]
fn a_panic_in_the_block_on_future_still_drops_its_tasks() {
    let drops = loopy_tests::DropCount::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        block_on(async {
            drops.spawn_parked();
            yield_now().await;
            panic!("leaving with a task still pending");
        })
    }));
    assert!(result.is_err());
    assert_eq!(drops.get(), 1, "the pending task must be dropped on unwind");
}

fn assert_error_type<E: Error + Debug + Display + 'static>() {}

#[test]
fn join_error_is_a_std_error_with_distinct_messages() {
    assert_error_type::<JoinError>();
    let (cancelled, panicked) = block_on(async {
        let pending = spawn(std::future::pending::<()>());
        pending.cancel();
        let cancelled = pending.await.unwrap_err();
        let panicked = spawn(async { panic!("x") }).await.unwrap_err();
        (cancelled, panicked)
    });
    let (cancelled, panicked) = (cancelled.to_string(), panicked.to_string());
    assert!(!cancelled.is_empty());
    assert!(!panicked.is_empty());
    assert_ne!(cancelled, panicked, "Display must tell cancel from panic");
    // Usable where any error goes.
    let boxed: Box<dyn Error> = Box::new(block_on(async {
        spawn(async { panic!("y") }).await.unwrap_err()
    }));
    assert!(!format!("{boxed:?}").is_empty());
}

#[test]
fn a_destructor_that_panics_when_the_runtime_drops_a_task_fails_the_test() {
    /// Panics when dropped, as a careless drop guard might.
    struct PanicsOnDrop;
    impl Drop for PanicsOnDrop {
        fn drop(&mut self) {
            panic!("guard failed during shutdown");
        }
    }
    let outcome = std::panic::catch_unwind(|| {
        let options = loopy::__private::TestOptions {
            path: "panic::case",
            start_paused: false,
            seed: None,
        };
        loopy::__private::run_test(options, |_| async {
            loopy::spawn(async {
                let _guard = PanicsOnDrop;
                std::future::pending::<()>().await
            });
            loopy::yield_now().await;
        })
    });
    let payload = outcome.expect_err("the test runner must report the panic");
    assert!(
        panic_message(payload.as_ref()).contains("guard failed during shutdown"),
        "{}",
        panic_message(payload.as_ref())
    );
}
