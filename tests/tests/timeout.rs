//! `timeout` gives the inner future's output if it is fast enough, and
//! otherwise `Elapsed`, dropping (cancelling) the inner future.

use std::cell::Cell;
use std::error::Error;
use std::fmt::{Debug, Display};
use std::future::pending;
use std::rc::Rc;
use std::time::{Duration, Instant};

use loopy::time::Elapsed;
use loopy::{block_on, sleep, spawn, timeout};
use loopy_tests::DropCount;

#[loopy::test]
async fn a_slow_future_gives_elapsed_and_is_dropped() {
    let drops = DropCount::new();
    let guard = drops.guard();
    let start = Instant::now();
    let result = timeout(Duration::from_millis(50), async move {
        let _guard = guard;
        sleep(Duration::from_secs(3600)).await;
    })
    .await;
    let _: Elapsed = result.expect_err("an hour is longer than 50 ms");
    assert!(
        start.elapsed() >= Duration::from_millis(50),
        "timed out early"
    );
    assert_eq!(drops.get(), 1, "the inner future must be dropped");
}

#[loopy::test]
async fn a_fast_future_gives_its_output() {
    let result = timeout(Duration::from_secs(5), async {
        sleep(Duration::from_millis(10)).await;
        7
    })
    .await;
    assert_eq!(result.unwrap(), 7);
    let ready = loopy::time::timeout(Duration::from_secs(5), async { 8 }).await;
    assert_eq!(ready.unwrap(), 8);
}

#[loopy::test]
async fn the_inner_future_is_dropped_when_it_completes_in_time() {
    let drops = DropCount::new();
    let guard = drops.guard();
    let result = timeout(Duration::from_secs(5), async move {
        let _guard = guard;
        sleep(Duration::from_millis(5)).await;
    })
    .await;
    assert!(result.is_ok());
    assert_eq!(drops.get(), 1);
}

#[loopy::test]
async fn timing_out_a_join_handle_leaves_the_task_running() {
    let finished = Rc::new(Cell::new(false));
    let task = spawn({
        let finished = finished.clone();
        async move {
            sleep(Duration::from_millis(60)).await;
            finished.set(true);
        }
    });
    // The timeout drops the handle, which only detaches the task.
    assert!(timeout(Duration::from_millis(10), task).await.is_err());
    for _ in 0..200 {
        if finished.get() {
            break;
        }
        sleep(Duration::from_millis(5)).await;
    }
    assert!(finished.get(), "the task was cancelled, not detached");
}

fn assert_error_type<E: Error + Debug + Display + 'static>() {}

#[test]
fn elapsed_is_a_std_error() {
    assert_error_type::<Elapsed>();
    let elapsed = block_on(timeout(Duration::from_millis(1), pending::<()>())).unwrap_err();
    assert!(!elapsed.to_string().is_empty());
    assert!(!format!("{elapsed:?}").is_empty());
    let boxed: Box<dyn Error> = Box::new(elapsed);
    assert!(!boxed.to_string().is_empty());
}
