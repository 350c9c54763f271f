//! The scheduler example shows each "system call" in order: ids, spawning,
//! sleeping, waiting for a result, cancelling, and a child that knows its
//! parent's id but cannot touch it.

mod support;

use support::Example;

#[test]
fn scheduler_explains_each_step_in_order() {
    let mut scheduler = Example::start("scheduler", &[]);

    scheduler.expect("[task 0 main] I am block_on's own future");
    scheduler.expect("[task 0 main] spawned task 1 (worker)");
    scheduler.expect("[task 0 main] spawned task 2 (spinner)");

    // The worker sleeps between its steps while the spinner keeps running,
    // and its result reaches main only after its last step.
    scheduler.expect("[task 1 worker] step 1 of 3");
    scheduler.expect("[task 2 spinner] still spinning (round 1)");
    scheduler.expect("[task 1 worker] step 3 of 3");
    scheduler.expect("[task 0 main] the worker returned 42");

    // Cancelling drops the spinner's future before its handle reports it.
    scheduler.expect("[task 0 main] cancelling task 2");
    scheduler.expect("[task 2 spinner] cancelled: my future is dropped");
    scheduler.expect("[task 0 main] its handle reports: task 2 was cancelled");

    scheduler.expect("[task 3 parent] spawned task 4 (child)");
    scheduler.expect("[task 4 child] my parent is task 3, but an id is only a name");
    scheduler.expect("[task 3 parent] my child finished");

    scheduler.expect("[task 0 main] dropping the handle of task 5 detaches it");
    scheduler.expect("[task 5 detached] I run to the end on my own");
    scheduler.expect("[task 0 main] a scope's 3 children read my local table and counted 15");
    scheduler.expect("[task 0 main] done");
    assert!(scheduler.exit_status().success());

    // Once cancelled, the spinner never ran again.
    let lines = scheduler.all_lines();
    let cancelled = lines
        .iter()
        .position(|line| line.text.contains("[task 2 spinner] cancelled"))
        .unwrap();
    assert!(lines[cancelled + 1..]
        .iter()
        .all(|line| !line.text.contains("still spinning")));
}
