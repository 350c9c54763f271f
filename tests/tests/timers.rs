//! Timers fire in deadline order and never before their deadline.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use loopy::{block_on, sleep, sleep_until, spawn};

#[test]
fn sleeps_fire_in_deadline_order() {
    let order = block_on(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        // Spawned out of order; each pushes its delay when it wakes.
        let handles: Vec<_> = [50u64, 10, 40, 0, 30, 20]
            .into_iter()
            .map(|ms| {
                let order = order.clone();
                spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    order.borrow_mut().push(ms);
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
        order.take()
    });
    assert_eq!(order, vec![0, 10, 20, 30, 40, 50]);
}

#[test]
fn timers_due_in_the_same_turn_still_fire_in_deadline_order() {
    let order = block_on(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        // Far enough out that every task arms its timer before the first
        // deadline, even on a slow machine or under valgrind.
        let base = Instant::now() + Duration::from_millis(200);
        let handles: Vec<_> = [7u64, 3, 9, 1, 5, 8, 2, 6, 4]
            .into_iter()
            .map(|step| {
                let order = order.clone();
                spawn(async move {
                    sleep_until(base + Duration::from_millis(step)).await;
                    order.borrow_mut().push(step);
                })
            })
            .collect();
        // Let every task arm its timer, then hold the loop past all the
        // deadlines, so they all expire in one turn.
        loopy::yield_now().await;
        assert!(
            order.borrow().is_empty(),
            "no deadline may pass before all are armed"
        );
        std::thread::sleep(
            (base + Duration::from_millis(15)).saturating_duration_since(Instant::now()),
        );
        for handle in handles {
            handle.await.unwrap();
        }
        order.take()
    });
    assert_eq!(order, (1..=9).collect::<Vec<_>>());
}

#[loopy::test]
async fn a_sleep_never_ends_before_its_deadline() {
    // Whole and fractional milliseconds: rounding a deadline down would show.
    let delays = (0..100u64).map(|n| Duration::from_micros(n * 173 % 15_000));
    let handles: Vec<_> = delays
        .map(|delay| {
            spawn(async move {
                let deadline = Instant::now() + delay;
                sleep(delay).await;
                (deadline, Instant::now())
            })
        })
        .collect();
    for handle in handles {
        let (deadline, woke) = handle.await.unwrap();
        assert!(woke >= deadline, "woke {:?} early", deadline - woke);
    }
}

#[loopy::test]
async fn sleep_until_never_ends_before_its_instant() {
    for micros in [1, 900, 1_000, 1_100, 2_500, 10_000] {
        let deadline = Instant::now() + Duration::from_micros(micros);
        loopy::time::sleep_until(deadline).await;
        let woke = Instant::now();
        assert!(woke >= deadline, "woke {:?} early", deadline - woke);
    }
}

#[loopy::test]
async fn a_deadline_in_the_past_or_zero_sleep_completes() {
    let past = Instant::now();
    sleep(Duration::from_millis(2)).await;
    sleep_until(past).await;
    sleep(Duration::ZERO).await;
    loopy::time::sleep(Duration::ZERO).await;
}

#[test]
fn many_timers_with_one_deadline_all_fire() {
    let fired = block_on(async {
        let deadline = Instant::now() + Duration::from_millis(20);
        let handles: Vec<_> = (0..500)
            .map(|_| {
                spawn(async move {
                    sleep_until(deadline).await;
                    Instant::now() >= deadline
                })
            })
            .collect();
        let mut fired = 0;
        for handle in handles {
            if handle.await.unwrap() {
                fired += 1;
            }
        }
        fired
    });
    assert_eq!(fired, 500);
}
