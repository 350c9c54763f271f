//! Wakers are Send + Sync: a wake from another OS thread reaches a loop that
//! sits in the poller with nothing else to do.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use loopy::{block_on, spawn};
use loopy_tests::within;

/// The state a [`Signal`] shares with the thread that completes it.
#[derive(Default)]
struct SignalState {
    /// Set by the other thread; the future is ready once it is.
    fired: bool,
    /// The waker of the last poll, for the other thread to wake.
    waker: Option<Waker>,
    /// How many times the future was polled, to catch a loop that spins.
    polls: usize,
}

/// A future completed from another thread, like a reply from a worker.
#[derive(Clone, Default)]
struct Signal(Arc<Mutex<SignalState>>);

impl Signal {
    /// Completes the future and wakes its task, as a foreign thread would.
    fn fire(&self) {
        let waker = {
            let mut state = self.0.lock().unwrap();
            state.fired = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Fires the signal from a new thread after `delay`.
    fn fire_later(&self, delay: Duration) -> thread::JoinHandle<()> {
        let signal = self.clone();
        thread::spawn(move || {
            thread::sleep(delay);
            signal.fire();
        })
    }

    fn polls(&self) -> usize {
        self.0.lock().unwrap().polls
    }
}

impl Future for Signal {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        assert_send_sync(cx.waker());
        let mut state = self.0.lock().unwrap();
        state.polls += 1;
        if state.fired {
            Poll::Ready(())
        } else {
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Compiles only for types that may cross and be shared between threads.
fn assert_send_sync<T: Send + Sync>(_: &T) {}

#[test]
fn a_wake_from_another_thread_completes_the_block_on_future() {
    within(Duration::from_secs(10), || {
        let signal = Signal::default();
        let start = Instant::now();
        let thread = signal.fire_later(Duration::from_millis(100));
        block_on(signal.clone());
        assert!(start.elapsed() >= Duration::from_millis(100));
        thread.join().unwrap();
        // Two polls are needed; many more mean the loop spun instead of waiting.
        assert!(
            signal.polls() <= 10,
            "{} polls for one wake",
            signal.polls()
        );
    });
}

#[test]
fn a_wake_from_another_thread_completes_a_spawned_task() {
    within(Duration::from_secs(10), || {
        block_on(async {
            let signal = Signal::default();
            let task = spawn(signal.clone());
            let thread = signal.fire_later(Duration::from_millis(100));
            task.await.unwrap();
            thread.join().unwrap();
        });
    });
}

#[test]
fn wakes_from_many_threads_complete_every_task() {
    within(Duration::from_secs(10), || {
        block_on(async {
            let signals: Vec<Signal> = (0..16).map(|_| Signal::default()).collect();
            let tasks: Vec<_> = signals.iter().map(|s| spawn(s.clone())).collect();
            let threads: Vec<_> = signals
                .iter()
                .enumerate()
                .map(|(n, s)| s.fire_later(Duration::from_millis(20 + 5 * n as u64)))
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            for thread in threads {
                thread.join().unwrap();
            }
        });
    });
}

#[test]
fn a_cross_thread_wake_interrupts_a_long_timer_wait() {
    within(Duration::from_secs(10), || {
        block_on(async {
            // The loop's next deadline is an hour away; only the wake can end the wait.
            let _hour = spawn(loopy::sleep(Duration::from_secs(3600)));
            let signal = Signal::default();
            let thread = signal.fire_later(Duration::from_millis(100));
            signal.await;
            thread.join().unwrap();
        });
    });
}
