//! `#[loopy::test]` makes real tests: these run under the test harness, which
//! trybuild's pass cases (plain programs) cannot reach.

use std::cell::Cell;
use std::num::ParseIntError;
use std::rc::Rc;
use std::time::{Duration, Instant};

#[loopy::test]
async fn the_body_runs_on_a_runtime() {
    let ran = Rc::new(Cell::new(false));
    let flag = ran.clone();
    let start = Instant::now();
    loopy::spawn(async move { flag.set(true) }).await.unwrap();
    loopy::sleep(Duration::from_millis(5)).await;
    assert!(ran.get());
    assert!(start.elapsed() >= Duration::from_millis(5));
}

#[loopy::test]
async fn a_result_is_returned_like_a_plain_test() -> Result<(), ParseIntError> {
    let port: u16 = "8080".parse()?;
    assert_eq!(port, 8080);
    Ok(())
}

#[loopy::test]
#[should_panic(expected = "the body panicked")]
async fn a_panic_in_the_body_fails_the_test() {
    loopy::yield_now().await;
    panic!("the body panicked");
}

#[loopy::test]
#[should_panic(expected = "a detached task panicked")]
async fn a_panic_in_a_task_nobody_joined_fails_the_test() {
    drop(loopy::spawn(async { panic!("a detached task panicked") }));
    loopy::sleep(Duration::from_millis(10)).await;
}

#[loopy::test]
#[ignore = "checks that #[ignore] reaches the harness: this test must not run"]
async fn other_attributes_reach_the_harness() {
    panic!("an ignored test ran");
}
