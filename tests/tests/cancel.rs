//! Cancelling a task drops its future on the loop thread no later than the
//! next loop turn, so its Drop guards run, and its joiner sees `is_cancelled()`.

use std::cell::{Cell, RefCell};
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

use loopy::{sleep, spawn, yield_now, JoinHandle};
use loopy_tests::DropCount;

#[loopy::test]
async fn cancel_runs_drop_guards_and_the_joiner_sees_cancelled() {
    let drops = DropCount::new();
    let handle = drops.spawn_parked();
    // Let the task start and park in `pending`.
    yield_now().await;
    assert_eq!(drops.get(), 0, "the task must still be alive before cancel");

    handle.cancel();
    let error = handle.await.expect_err("a cancelled task has no output");
    assert!(error.is_cancelled());
    assert!(!error.is_panic());
    assert_eq!(drops.get(), 1, "the guard must be dropped exactly once");
}

#[loopy::test]
async fn cancel_takes_effect_by_the_next_loop_turn() {
    let drops = DropCount::new();
    let handle = drops.spawn_parked();
    yield_now().await;

    handle.cancel();
    // One turn of the loop, without awaiting the handle.
    yield_now().await;
    assert_eq!(drops.get(), 1, "the future must be dropped within one turn");
    assert!(handle.is_finished());
}

#[loopy::test]
async fn cancel_before_the_first_poll_drops_the_future_unpolled() {
    let drops = DropCount::new();
    let polled = Rc::new(Cell::new(false));
    let guard = drops.guard();
    let handle = spawn({
        let polled = polled.clone();
        async move {
            let _guard = guard;
            polled.set(true);
        }
    });
    // Cancelled while it still sits in the run queue.
    handle.cancel();
    yield_now().await;
    assert_eq!(drops.get(), 1);
    assert!(
        !polled.get(),
        "a task cancelled before it ran must never run"
    );
    assert!(handle.await.unwrap_err().is_cancelled());
}

#[loopy::test]
async fn cancelling_a_finished_task_keeps_its_result() {
    let handle = spawn(async { 42 });
    for _ in 0..100 {
        if handle.is_finished() {
            break;
        }
        yield_now().await;
    }
    assert!(
        handle.is_finished(),
        "the task must finish after a few turns"
    );

    handle.cancel();
    yield_now().await;
    assert_eq!(handle.await.expect("cancel after finishing is a no-op"), 42);
}

#[loopy::test]
async fn a_task_may_cancel_itself() {
    let drops = DropCount::new();
    let after_cancel = Rc::new(Cell::new(0));
    // The task finds its own handle here once it has been spawned.
    let own_handle: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::new(RefCell::new(None));

    let guard = drops.guard();
    let handle = spawn({
        let own_handle = own_handle.clone();
        let after_cancel = after_cancel.clone();
        async move {
            let _guard = guard;
            own_handle
                .borrow()
                .as_ref()
                .expect("the handle is stored before the task runs")
                .cancel();
            yield_now().await;
            // Never reached: the future is dropped at the yield above.
            after_cancel.set(after_cancel.get() + 1);
            pending::<()>().await;
        }
    });
    *own_handle.borrow_mut() = Some(handle);

    for _ in 0..5 {
        yield_now().await;
    }
    assert_eq!(drops.get(), 1);
    assert_eq!(after_cancel.get(), 0, "the task ran past its own cancel");
    let handle = own_handle.borrow_mut().take().unwrap();
    assert!(handle.await.unwrap_err().is_cancelled());
}

#[loopy::test]
async fn the_cancel_function_is_the_same_as_the_method() {
    let drops = DropCount::new();
    let handle = drops.spawn_parked();
    yield_now().await;

    loopy::cancel(&handle);
    yield_now().await;
    assert_eq!(drops.get(), 1);
    assert!(handle.await.unwrap_err().is_cancelled());
}

#[loopy::test]
async fn cancelling_one_task_leaves_the_others_running() {
    let drops = DropCount::new();
    let victim = drops.spawn_parked();
    let survivor = spawn(async {
        sleep(Duration::from_millis(20)).await;
        "done"
    });
    yield_now().await;

    victim.cancel();
    assert!(!survivor.is_finished());
    assert_eq!(survivor.await.unwrap(), "done");
    assert_eq!(drops.get(), 1);
    assert!(victim.await.unwrap_err().is_cancelled());
}

/// The default `event_interval`: the most tasks one turn of the loop polls.
const TASKS_PER_TURN: u32 = 61;

#[loopy::test]
async fn cancellation_goes_ahead_of_a_crowd_of_ready_tasks() {
    /// Notes how many spinner polls happened before it was dropped.
    struct Guard {
        polls: Rc<Cell<u32>>,
        dropped_at: Rc<Cell<Option<u32>>>,
    }
    impl Drop for Guard {
        fn drop(&mut self) {
            self.dropped_at.set(Some(self.polls.get()));
        }
    }

    let polls = Rc::new(Cell::new(0u32));
    let dropped_at = Rc::new(Cell::new(None));
    let target = spawn({
        let guard = Guard {
            polls: polls.clone(),
            dropped_at: dropped_at.clone(),
        };
        async move {
            let _guard = guard;
            pending::<()>().await
        }
    });
    // 200 tasks that are always ready: three turns' worth.
    for _ in 0..200 {
        let polls = polls.clone();
        spawn(async move {
            loop {
                polls.set(polls.get() + 1);
                yield_now().await;
            }
        });
    }
    yield_now().await;
    let before = polls.get();
    target.cancel();
    assert!(target.await.unwrap_err().is_cancelled());
    let after = dropped_at.get().expect("the guard was dropped") - before;
    assert!(
        after <= TASKS_PER_TURN,
        "{after} other polls ran between cancel and the drop; one turn is at most {TASKS_PER_TURN}"
    );
}
