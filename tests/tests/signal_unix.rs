//! `loopy::signal::unix::signal(kind)` yields one `Some(())` per delivery of
//! its signal and nothing for others; deliveries that come while nobody
//! waits are kept (several may count as one); every `Signal` for a kind sees
//! each delivery; signals that cannot be caught are `InvalidInput`.
//!
//! The tests raise signals at their own process, which all the tests of
//! this file share, so they take turns ([`one_at_a_time`]): a SIGUSR1
//! raised by one test must not reach another test's listener. They raise
//! only signals a listener exists for, so the default action (ending the
//! process) never runs.

use std::io;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use loopy::signal::unix::{signal, Signal, SignalKind};
use loopy_tests::{panic_message, within};
use rustix::process::{getpid, kill_process, Signal as RawSignal};

/// How long a listener must stay quiet to count as "woke for nothing".
const QUIET: Duration = Duration::from_millis(200);

/// Makes the tests of this file run one after another while they raise
/// signals.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    // A test that failed while holding the lock leaves nothing to repair.
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sends `signal` to this process, as `kill -SIG` from a shell would.
fn raise(signal: RawSignal) {
    kill_process(getpid(), signal).unwrap();
}

/// Whether `sig` yields anything within [`QUIET`].
async fn wakes(sig: &mut Signal) -> bool {
    loopy::timeout(QUIET, sig.recv()).await.is_ok()
}

#[test]
fn each_delivery_is_one_some() {
    let _turn = one_at_a_time();
    within(Duration::from_secs(20), || {
        loopy::block_on(async {
            let mut sig = signal(SignalKind::user_defined1()).unwrap();
            for _ in 0..3 {
                raise(RawSignal::USR1);
                assert_eq!(sig.recv().await, Some(()));
                assert!(!wakes(&mut sig).await, "one delivery gave two Somes");
            }
        });
    });
}

#[test]
fn deliveries_while_nobody_waits_are_kept() {
    let _turn = one_at_a_time();
    within(Duration::from_secs(20), || {
        loopy::block_on(async {
            let mut sig = signal(SignalKind::user_defined2()).unwrap();

            // Two before anyone waits: at least one Some, at most two.
            raise(RawSignal::USR2);
            raise(RawSignal::USR2);
            assert_eq!(sig.recv().await, Some(()));
            let _maybe_second = wakes(&mut sig).await;
            assert!(!wakes(&mut sig).await, "two deliveries gave three Somes");

            // One between two waits, while no `recv` is pending: kept.
            raise(RawSignal::USR2);
            loopy::sleep(Duration::from_millis(20)).await;
            assert!(wakes(&mut sig).await, "a delivery between waits was lost");

            // One while a task is parked in `recv`: wakes it.
            let waiter = loopy::spawn(async move { sig.recv().await });
            loopy::sleep(Duration::from_millis(20)).await;
            assert!(!waiter.is_finished());
            raise(RawSignal::USR2);
            assert_eq!(waiter.await.unwrap(), Some(()));
        });
    });
}

#[test]
fn every_signal_for_a_kind_sees_each_delivery() {
    let _turn = one_at_a_time();
    within(Duration::from_secs(20), || {
        loopy::block_on(async {
            let parked = loopy::spawn(async {
                let mut sig = signal(SignalKind::hangup()).unwrap();
                sig.recv().await
            });
            let mut first = signal(SignalKind::hangup()).unwrap();
            let mut second = signal(SignalKind::hangup()).unwrap();
            // Let the task start listening and wait.
            loopy::sleep(Duration::from_millis(20)).await;

            raise(RawSignal::HUP);
            assert_eq!(first.recv().await, Some(()));
            assert_eq!(second.recv().await, Some(()));
            assert_eq!(parked.await.unwrap(), Some(()));

            // A dropped listener takes no delivery from the others.
            drop(first);
            raise(RawSignal::HUP);
            assert_eq!(second.recv().await, Some(()));
        });
    });
}

#[test]
fn a_listener_hears_only_its_own_signal() {
    let _turn = one_at_a_time();
    within(Duration::from_secs(20), || {
        loopy::block_on(async {
            let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
            let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
            raise(RawSignal::USR1);
            assert_eq!(usr1.recv().await, Some(()));
            assert!(!wakes(&mut usr2).await, "SIGUSR1 woke a SIGUSR2 listener");
        });
    });
}

#[test]
fn signals_that_cannot_be_caught_are_invalid_input() {
    loopy::block_on(async {
        for (raw, name) in [
            (RawSignal::KILL, "SIGKILL"),
            (RawSignal::STOP, "SIGSTOP"),
            (RawSignal::SEGV, "SIGSEGV"),
        ] {
            let err = signal(SignalKind::from_raw(raw.as_raw())).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{name}: {err}");
            assert!(err.to_string().contains(name), "{err}");
        }
        // Numbers that are no signal at all.
        for raw in [0, -1, 100_000] {
            let err = signal(SignalKind::from_raw(raw)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{raw}: {err}");
            assert!(err.to_string().contains(&format!("signal {raw}")), "{err}");
        }
    });
}

#[test]
fn signal_outside_a_runtime_panics_naming_itself() {
    let panic = std::panic::catch_unwind(|| signal(SignalKind::hangup())).unwrap_err();
    let message = panic_message(&*panic);
    assert!(
        message.starts_with("loopy::signal::unix::signal called outside a loopy runtime"),
        "{message}"
    );
}
