//! Random sequences of task operations, from fixed seeds: spawn, cancel,
//! drop a handle, wake from another thread, sleep, timeout, yield.
//!
//! Whatever the order, every handle that is awaited resolves once, with
//! the task's own result or a cancellation; every task's drop guard runs
//! exactly once; and no future is polled after it returned. A small
//! xorshift generator makes the sequences, so a failing seed replays.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use loopy::{sleep, timeout, yield_now, JoinHandle};
use loopy_tests::{within, DropCount};

/// xorshift64: enough randomness to shuffle operations, and reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A door another thread opens: the future is ready once it is open.
#[derive(Clone, Default)]
struct Gate(Arc<Mutex<(bool, Option<Waker>)>>);

impl Gate {
    /// Opens the gate from a new thread and wakes whoever waits.
    fn open_from_thread(&self) -> thread::JoinHandle<()> {
        let gate = self.clone();
        thread::spawn(move || {
            let waker = {
                let mut state = gate.0.lock().unwrap();
                state.0 = true;
                state.1.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        })
    }
}

impl Future for Gate {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.lock().unwrap();
        if state.0 {
            Poll::Ready(())
        } else {
            state.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Wraps a future and counts it in `late_polls` if it is polled after it
/// returned. (Counted rather than asserted: a detached task's panic would
/// reach no handle, and the test would never hear of it.)
struct Checked<F> {
    /// The task's body.
    future: Pin<Box<F>>,
    /// Whether `future` has returned.
    done: bool,
    /// Polls after a return, of every task in the sequence.
    late_polls: Rc<Cell<usize>>,
}

impl<F: Future> Future for Checked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if self.done {
            self.late_polls.set(self.late_polls.get() + 1);
            return Poll::Pending;
        }
        let output = self.future.as_mut().poll(cx);
        self.done = output.is_ready();
        output
    }
}

/// What a task does before it returns its number.
#[derive(Clone, Copy, Debug)]
enum Step {
    Yield,
    Sleep(u64),
    /// Waits for its gate, which the driver opens from another thread.
    Gate,
    /// Waits for its gate under a timeout that may or may not expire.
    GateWithin(u64),
}

/// A task the driver still holds a handle to.
struct Live {
    /// Awaited at the end of the sequence.
    handle: JoinHandle<u64>,
    /// What the task returns if it is not cancelled first.
    expected: u64,
    /// Whether the driver cancelled it while it had not finished: then
    /// its future must be dropped before it runs again. A cancel after
    /// the finish keeps the result.
    cancelled: bool,
}

fn random_step(rng: &mut XorShift) -> Step {
    match rng.below(4) {
        0 => Step::Yield,
        1 => Step::Sleep(rng.below(3)),
        2 => Step::Gate,
        _ => Step::GateWithin(rng.below(3)),
    }
}

/// Runs one random sequence of `ops` operations; panics on a broken promise.
fn run_sequence(seed: u64, ops: usize) {
    let drops = DropCount::new();
    let late_polls = Rc::new(Cell::new(0));
    let mut spawned = 0;
    loopy::block_on(async {
        let mut rng = XorShift(seed);
        let mut live: Vec<Live> = Vec::new();
        let mut gates: Vec<Gate> = Vec::new();
        let mut openers = Vec::new();
        for _ in 0..ops {
            match rng.below(8) {
                0..=2 => {
                    let expected = rng.next();
                    let steps: Vec<Step> =
                        (0..rng.below(4)).map(|_| random_step(&mut rng)).collect();
                    let gate = Gate::default();
                    gates.push(gate.clone());
                    let guard = drops.guard();
                    let body = async move {
                        let _guard = guard;
                        for step in steps {
                            match step {
                                Step::Yield => yield_now().await,
                                Step::Sleep(ms) => sleep(Duration::from_millis(ms)).await,
                                Step::Gate => gate.clone().await,
                                Step::GateWithin(ms) => {
                                    let _ = timeout(Duration::from_millis(ms), gate.clone()).await;
                                }
                            }
                        }
                        expected
                    };
                    let handle = loopy::spawn(Checked {
                        future: Box::pin(body),
                        done: false,
                        late_polls: Rc::clone(&late_polls),
                    });
                    spawned += 1;
                    live.push(Live {
                        handle,
                        expected,
                        cancelled: false,
                    });
                }
                3 if !live.is_empty() => {
                    let pick = rng.below(live.len() as u64) as usize;
                    let task = &mut live[pick];
                    task.cancelled |= !task.handle.is_finished();
                    task.handle.cancel();
                }
                4 if !live.is_empty() => {
                    let pick = rng.below(live.len() as u64) as usize;
                    drop(live.swap_remove(pick));
                }
                5 if !gates.is_empty() => {
                    let pick = rng.below(gates.len() as u64) as usize;
                    openers.push(gates.swap_remove(pick).open_from_thread());
                }
                6 => sleep(Duration::from_millis(rng.below(2))).await,
                _ => yield_now().await,
            }
        }
        // Open every gate still shut, so every task can finish.
        for gate in gates.drain(..) {
            openers.push(gate.open_from_thread());
        }
        for opener in openers {
            opener.join().unwrap();
        }
        for task in live {
            match (task.handle.await, task.cancelled) {
                (Ok(value), false) => {
                    assert_eq!(value, task.expected, "seed {seed}: a result went astray")
                }
                (Err(error), true) => assert!(error.is_cancelled(), "seed {seed}: {error}"),
                (Ok(value), true) => panic!("seed {seed}: a cancelled task returned {value}"),
                (Err(error), false) => panic!("seed {seed}: {error} for a task never cancelled"),
            }
        }
        // Detached tasks finish on their own, now that every gate is
        // open; a future dropped twice would end this wait early and fail
        // the count below.
        while drops.get() < spawned {
            sleep(Duration::from_millis(1)).await;
        }
    });
    assert_eq!(
        drops.get(),
        spawned,
        "seed {seed}: every future is dropped exactly once"
    );
    assert_eq!(
        late_polls.get(),
        0,
        "seed {seed}: a task was polled after it completed"
    );
}

#[test]
fn random_operation_sequences_keep_every_promise() {
    within(Duration::from_secs(60), || {
        for seed in [
            0x9E37_79B9_7F4A_7C15,
            1,
            42,
            0xDEAD_BEEF,
            7_777_777,
            31_337,
            2024,
            12_345_678,
        ] {
            run_sequence(seed, 400);
        }
    });
}
