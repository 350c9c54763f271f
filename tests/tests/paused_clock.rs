//! The paused clock: it jumps to the next timer only when nothing else can
//! wake the loop, stands still while real I/O or a blocking job may still
//! come, and moves by `advance`.

use std::cell::Cell;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

use loopy::io::Async;
use loopy::Runtime;
use loopy_tests::{panic_message, within};

fn paused() -> Runtime {
    Runtime::builder().start_paused(true).build().unwrap()
}

#[test]
fn an_hour_of_sleep_takes_no_time_and_moves_the_clock_by_an_hour() {
    let real = Instant::now();
    let moved = paused().block_on(async {
        let start = loopy::time::now();
        loopy::sleep(Duration::from_secs(3600)).await;
        loopy::time::now() - start
    });
    assert_eq!(moved, Duration::from_secs(3600));
    assert!(real.elapsed() < Duration::from_secs(10));
}

#[test]
fn timers_fire_in_deadline_order_at_their_exact_virtual_times() {
    let fired = paused().block_on(async {
        let start = loopy::time::now();
        let at = |secs| async move {
            loopy::sleep(Duration::from_secs(secs)).await;
            loopy::time::now() - start
        };
        let (a, b) = (loopy::spawn(at(30)), loopy::spawn(at(5)));
        (a.await.unwrap(), b.await.unwrap())
    });
    assert_eq!(fired, (Duration::from_secs(30), Duration::from_secs(5)));
}

#[test]
fn a_timeout_does_not_fire_while_a_task_waits_on_a_real_socket() {
    within(Duration::from_secs(30), || {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            (&ours).write_all(b"x").unwrap();
            ours
        });
        let read = paused().block_on(async {
            let theirs = Async::new(theirs).unwrap();
            let mut byte = [0];
            // One virtual millisecond; the byte takes 200 real ones. A
            // clock that jumped to the deadline would time out.
            loopy::timeout(
                Duration::from_millis(1),
                theirs.read_with(|mut s| std::io::Read::read(&mut s, &mut byte)),
            )
            .await
        });
        assert_eq!(read.expect("the clock stood still").unwrap(), 1);
        drop(writer.join());
    });
}

#[test]
fn a_timeout_does_not_fire_while_a_blocking_job_runs() {
    within(Duration::from_secs(30), || {
        let out = paused().block_on(async {
            loopy::timeout(
                Duration::from_millis(1),
                loopy::spawn_blocking(|| {
                    std::thread::sleep(Duration::from_millis(200));
                    7
                }),
            )
            .await
        });
        assert_eq!(out.expect("the clock stood still").unwrap(), 7);
    });
}

#[test]
fn advance_fires_what_became_due_and_lets_it_run_before_returning() {
    paused().block_on(async {
        let rang = Rc::new(Cell::new(false));
        let alarm = loopy::spawn({
            let rang = Rc::clone(&rang);
            async move {
                loopy::sleep(Duration::from_secs(30)).await;
                rang.set(true);
            }
        });
        loopy::yield_now().await;
        loopy::time::advance(Duration::from_secs(29)).await;
        assert!(!rang.get(), "not due yet");
        loopy::time::advance(Duration::from_secs(1)).await;
        assert!(rang.get(), "ran before advance returned");
        alarm.await.unwrap();
    });
}

#[test]
fn intervals_and_timeouts_go_by_the_paused_clock() {
    paused().block_on(async {
        let start = loopy::time::now();
        let mut ticks = loopy::interval(Duration::from_secs(10));
        for n in 1..=3 {
            ticks.tick().await;
            assert_eq!(loopy::time::now() - start, Duration::from_secs(10 * n));
        }
        let slow = loopy::timeout(
            Duration::from_secs(5),
            loopy::sleep(Duration::from_secs(60)),
        );
        assert!(slow.await.is_err());
        assert_eq!(loopy::time::now() - start, Duration::from_secs(35));
    });
}

#[test]
fn advance_on_a_clock_that_is_not_paused_is_a_clear_panic() {
    let rt = Runtime::new().unwrap();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            drop(loopy::time::advance(Duration::from_secs(1)));
        })
    }))
    .unwrap_err();
    let message = panic_message(&*err);
    assert!(message.contains("clock is not paused"), "{message}");
    assert!(message.contains("start_paused"), "{message}");
}

#[test]
fn now_is_the_real_time_outside_a_runtime_and_on_a_real_clock() {
    let before = Instant::now();
    assert!(loopy::time::now() >= before);
    let inside = Runtime::new()
        .unwrap()
        .block_on(async { loopy::time::now() });
    assert!(inside >= before);
}

/// Under any seed, `advance` still lets what became due run before it
/// returns: the seeded schedule shuffles the tasks, but keeps `block_on`'s
/// future behind the tasks that were queued before it was woken.
#[loopy::test(start_paused, seeds = 32)]
async fn advance_lets_what_became_due_run_first_under_every_seed() {
    let rang = Rc::new(Cell::new(0));
    let alarms: Vec<_> = (0..4)
        .map(|_| {
            let rang = Rc::clone(&rang);
            loopy::spawn(async move {
                loopy::sleep(Duration::from_secs(1)).await;
                rang.set(rang.get() + 1);
            })
        })
        .collect();
    loopy::yield_now().await;
    loopy::time::advance(Duration::from_secs(1)).await;
    assert_eq!(rang.get(), 4, "every alarm ran before advance returned");
    for alarm in alarms {
        alarm.await.unwrap();
    }
}
