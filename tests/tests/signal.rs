//! `loopy::signal::ctrl_c()` resolves on SIGINT: every future waiting for
//! it, in any task, including one made before the signal and polled only
//! after it; and the process is not killed.
//!
//! The test sends SIGINT to its own process, so this file holds a single
//! test that does: another one running at the same time would see the
//! signal too.

use std::process::Command;
use std::time::Duration;

use loopy::signal::ctrl_c;
use loopy_tests::within;

/// Sends SIGINT to this process, as Ctrl-C in a terminal would.
fn press_ctrl_c() {
    let status = Command::new("kill")
        .args(["-INT", &std::process::id().to_string()])
        .status()
        .expect("`kill` runs on every Unix");
    assert!(status.success());
}

#[test]
fn one_sigint_resolves_every_waiting_ctrl_c() {
    within(Duration::from_secs(20), || {
        loopy::block_on(async {
            let waiting: Vec<_> = (0..3).map(|_| loopy::spawn(ctrl_c())).collect();
            // Made now, polled only after the signal has come.
            let later = ctrl_c();
            // Let the tasks start waiting.
            loopy::yield_now().await;
            assert!(waiting.iter().all(|task| !task.is_finished()));

            press_ctrl_c();
            for task in waiting {
                task.await.unwrap().unwrap();
            }
            later.await.unwrap();

            // A second Ctrl-C resolves a second round, and still does not
            // kill the process.
            let again = loopy::spawn(ctrl_c());
            loopy::yield_now().await;
            press_ctrl_c();
            again.await.unwrap().unwrap();
        });
    });
}

#[test]
fn ctrl_c_outside_a_runtime_panics_naming_itself() {
    let panic = std::panic::catch_unwind(ctrl_c).unwrap_err();
    let message = loopy_tests::panic_message(&*panic);
    assert!(
        message.starts_with("loopy::signal::ctrl_c called outside a loopy runtime"),
        "{message}"
    );
}
