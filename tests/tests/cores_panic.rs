//! A panic in one loop's future stops the other loops (their futures and
//! their tasks are dropped, even while they wait forever) and then reaches
//! the caller of `loopy::cores::run` with its own payload; a later panic
//! (here, a destructor that panics as its loop is stopped) does not take
//! its place.

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use loopy::cores;
use loopy_tests::{panic_message, within};

/// Adds one to its counter when dropped; unlike `DropCount`'s guards it
/// may be counted from any thread.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_panicking_loop_stops_the_others_then_run_re_raises_it() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let (panic, dropped_before_return) = within(Duration::from_secs(20), {
        let dropped = Arc::clone(&dropped);
        move || {
            let counter = Arc::clone(&dropped);
            let panic = catch_unwind(move || {
                cores::run(4, move |index| {
                    let counter = Arc::clone(&counter);
                    async move {
                        if index == 2 {
                            // Let the others start waiting first.
                            loopy::sleep(Duration::from_millis(20)).await;
                            panic!("loop 2 gives up");
                        }
                        // A task and the loop's own future, both waiting forever.
                        let guard = Counted(Arc::clone(&counter));
                        loopy::spawn(async move {
                            let _guard = guard;
                            std::future::pending::<()>().await;
                        });
                        let _guard = Counted(counter);
                        std::future::pending::<()>().await
                    }
                })
            })
            .unwrap_err();
            (panic, dropped.load(Ordering::SeqCst))
        }
    });
    assert_eq!(panic_message(&*panic), "loop 2 gives up");
    // Three loops, each with a future and a task.
    assert_eq!(dropped_before_return, 6);
}

#[test]
fn a_panicking_task_does_not_stop_its_loop() {
    let outputs = within(Duration::from_secs(20), || {
        cores::run(2, |_| async {
            let failed = loopy::spawn(async { panic!("only this task") });
            failed.await.unwrap_err().is_panic()
        })
    });
    assert_eq!(outputs, [true, true]);
}

/// Panics when dropped: a loop whose stopping goes wrong too.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("loop 0's destructor, second");
    }
}

#[test]
fn the_first_panic_is_the_one_re_raised() {
    let panic = within(Duration::from_secs(20), || {
        catch_unwind(|| {
            cores::run(2, |index| async move {
                if index == 1 {
                    loopy::sleep(Duration::from_millis(20)).await;
                    panic!("loop 1, first");
                }
                let _dropped_when_stopped = PanicsOnDrop;
                std::future::pending::<()>().await
            })
        })
        .unwrap_err()
    });
    assert_eq!(panic_message(&*panic), "loop 1, first");
}
