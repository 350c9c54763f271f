//! A local channel's round trip on loopy: `async-channel` against the
//! least a channel on one thread can be (a `VecDeque` and a waker in an
//! `Rc<RefCell<..>>`), to decide whether loopy needs a channel of its own.
//!
//! Two tasks pass a number back and forth through two channels, `TRIPS`
//! times; each run prints round trips per second. `cargo run --release -p
//! loopy-bench --example channel_round_trip`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Instant;

/// Round trips per run.
const TRIPS: u64 = 1_000_000;

/// Runs per channel; the median is printed.
const RUNS: usize = 7;

/// The smallest single-thread channel: a queue and the receiver's waker.
struct Local<T> {
    /// Messages sent and not yet received, and the waiting receiver.
    shared: Rc<RefCell<(VecDeque<T>, Option<Waker>)>>,
}

impl<T> Local<T> {
    fn new() -> Local<T> {
        Local {
            shared: Rc::new(RefCell::new((VecDeque::new(), None))),
        }
    }

    fn clone(&self) -> Local<T> {
        Local {
            shared: Rc::clone(&self.shared),
        }
    }

    fn send(&self, value: T) {
        let mut shared = self.shared.borrow_mut();
        shared.0.push_back(value);
        if let Some(waker) = shared.1.take() {
            waker.wake();
        }
    }

    async fn recv(&self) -> T {
        poll_fn(|cx| {
            let mut shared = self.shared.borrow_mut();
            match shared.0.pop_front() {
                Some(value) => Poll::Ready(value),
                None => {
                    shared.1 = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await
    }
}

/// Round trips per second through `Local` channels.
fn local() -> f64 {
    loopy::block_on(async {
        let (ping, pong) = (Local::new(), Local::new());
        let (ping_rx, pong_tx) = (ping.clone(), pong.clone());
        let echo = loopy::spawn(async move {
            for _ in 0..TRIPS {
                let n: u64 = ping_rx.recv().await;
                pong_tx.send(n + 1);
            }
        });
        let start = Instant::now();
        let mut n = 0;
        for _ in 0..TRIPS {
            ping.send(n);
            n = pong.recv().await;
        }
        let rate = TRIPS as f64 / start.elapsed().as_secs_f64();
        echo.await.unwrap();
        assert_eq!(n, TRIPS);
        rate
    })
}

/// Round trips per second through `async_channel` channels of capacity 1.
fn async_channel() -> f64 {
    loopy::block_on(async {
        let (ping_tx, ping_rx) = async_channel::bounded(1);
        let (pong_tx, pong_rx) = async_channel::bounded(1);
        let echo = loopy::spawn(async move {
            for _ in 0..TRIPS {
                let n: u64 = ping_rx.recv().await.unwrap();
                pong_tx.send(n + 1).await.unwrap();
            }
        });
        let start = Instant::now();
        let mut n = 0;
        for _ in 0..TRIPS {
            ping_tx.send(n).await.unwrap();
            n = pong_rx.recv().await.unwrap();
        }
        let rate = TRIPS as f64 / start.elapsed().as_secs_f64();
        echo.await.unwrap();
        assert_eq!(n, TRIPS);
        rate
    })
}

/// The median of `RUNS` runs of `run`.
fn median(run: fn() -> f64) -> f64 {
    let mut rates: Vec<f64> = (0..RUNS).map(|_| run()).collect();
    rates.sort_by(f64::total_cmp);
    rates[RUNS / 2]
}

fn main() {
    let local = median(local);
    let async_channel = median(async_channel);
    println!("| channel | round trips/s (median of {RUNS}) |");
    println!("|---|---|");
    println!("| Rc<RefCell<VecDeque>> + waker | {:.2} M |", local / 1e6);
    println!(
        "| async-channel bounded(1) | {:.2} M |",
        async_channel / 1e6
    );
    println!("async-channel / local: {:.2}", async_channel / local);
}
