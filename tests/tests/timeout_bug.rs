//! A timeout bug found under the paused clock: a watchdog declares its
//! peer dead when no heartbeat comes within one heartbeat period, exactly
//! the period and no margin. Each heartbeat and the watchdog's deadline
//! then fall due at the same virtual instant, and which one wins depends on
//! the order of two timers with equal deadlines. First-in first-out fires
//! the sender's timer first (it was armed first), so the bug hides; a
//! seeded schedule fires them in either order, `seeds = 64` finds the order
//! that fails, and the printed seed fails again on replay. The paused clock
//! makes the virtual seconds take no real time and every deadline exact, so
//! every run of a seed ends the same way.

use std::time::Duration;

use loopy::__private::{run_seeds, TestOptions};
use loopy::io::duplex;
use loopy::{sleep, spawn, timeout};
use loopy_tests::seed_failure::assert_found_and_replayed;

/// How the bug shows when the watchdog's timer fires first.
const DECLARED_DEAD: &str = "the watchdog declared a live peer dead";

/// How often the peer sends a heartbeat.
const PERIOD: Duration = Duration::from_secs(1);

/// How many heartbeats the peer sends.
const HEARTBEATS: u32 = 3;

/// Options as the attribute writes them for `timeout_bug::buggy`, paused.
const OPTIONS: TestOptions = TestOptions {
    path: "timeout_bug::buggy",
    start_paused: true,
    seed: None,
};

/// A peer that sends a heartbeat every `PERIOD`, and a watchdog that waits
/// at most `patience` for each; returns the virtual time the watchdog
/// watched.
async fn watch(patience: Duration) -> Duration {
    let (peer, watchdog) = duplex(64);
    let start = loopy::time::now();
    let sender = spawn(async move {
        for _ in 0..HEARTBEATS {
            sleep(PERIOD).await;
            peer.send_all(b"beat").await.unwrap();
        }
    });
    let watcher = spawn(async move {
        let mut beat = [0u8; 4];
        for _ in 0..HEARTBEATS {
            timeout(patience, watchdog.recv_exact(&mut beat))
                .await
                .expect(DECLARED_DEAD)
                .unwrap();
        }
    });
    // The watchdog first: when it fails, the sender fails after it.
    watcher.await.unwrap_or_else(|err| panic!("{err}"));
    sender.await.unwrap();
    loopy::time::now() - start
}

/// The bug: the watchdog's patience is exactly the heartbeat period, so a
/// heartbeat on time races the deadline.
async fn buggy() {
    assert_eq!(watch(PERIOD).await, PERIOD * HEARTBEATS);
}

/// The fix: patience strictly longer than the period.
async fn fixed() {
    let patience = PERIOD + Duration::from_millis(1);
    assert_eq!(watch(patience).await, PERIOD * HEARTBEATS);
}

#[loopy::test(start_paused)]
async fn the_bug_hides_in_first_in_first_out_order() {
    buggy().await;
}

#[test]
fn sixty_four_seeds_find_it_and_the_printed_seed_replays_it() {
    let real = std::time::Instant::now();
    assert_found_and_replayed(OPTIONS, 64, DECLARED_DEAD, |_| buggy());
    assert!(
        real.elapsed() < Duration::from_secs(10),
        "64 runs of 3 virtual seconds each take no real time to speak of"
    );
}

#[test]
fn the_fix_passes_under_every_seed() {
    run_seeds(OPTIONS, 64, |_| fixed());
}
