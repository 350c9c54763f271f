//! Each loop of `loopy::cores::run` has its own `spawn_blocking` pool, with
//! its own cap: two loops capped at one blocking thread each can run a
//! blocking job at the same time (with one shared pool of one thread, the
//! second job would wait for the first, which waits for the second), while
//! within one loop so capped the second job does wait for the first.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use loopy::cores;
use loopy_tests::within;

/// Blocking jobs that each wait until `expected` of them have arrived.
struct Rendezvous {
    arrived: Mutex<usize>,
    changed: Condvar,
    expected: usize,
}

impl Rendezvous {
    /// Arrives and waits for the others; whether all came within `limit`.
    fn meet(&self, limit: Duration) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.changed.notify_all();
        let (arrived, _) = self
            .changed
            .wait_timeout_while(arrived, limit, |arrived| *arrived < self.expected)
            .unwrap();
        *arrived == self.expected
    }
}

impl Rendezvous {
    /// A rendezvous for two.
    fn of_two() -> Arc<Rendezvous> {
        Arc::new(Rendezvous {
            arrived: Mutex::new(0),
            changed: Condvar::new(),
            expected: 2,
        })
    }
}

#[test]
fn each_loop_has_its_own_blocking_pool() {
    let rendezvous = Rendezvous::of_two();
    let outputs = within(Duration::from_secs(30), move || {
        let one_blocking_thread = loopy::Runtime::builder().max_blocking_threads(1);
        cores::Builder::new()
            .runtime(one_blocking_thread)
            .run(2, move |_| {
                let rendezvous = Arc::clone(&rendezvous);
                async move {
                    loopy::spawn_blocking(move || {
                        let met = rendezvous.meet(Duration::from_secs(10));
                        // The pool's threads are not the loop's thread.
                        (met, cores::index())
                    })
                    .await
                    .unwrap()
                }
            })
    });
    assert_eq!(outputs, [(true, 0), (true, 0)]);
}

#[test]
fn the_runtime_settings_given_to_the_builder_cap_each_loops_pool() {
    let rendezvous = Rendezvous::of_two();
    let met = within(Duration::from_secs(30), move || {
        let one_blocking_thread = loopy::Runtime::builder().max_blocking_threads(1);
        cores::Builder::new()
            .runtime(one_blocking_thread)
            .run(1, move |_| {
                let rendezvous = Arc::clone(&rendezvous);
                async move {
                    let jobs: Vec<_> = (0..2)
                        .map(|_| {
                            let rendezvous = Arc::clone(&rendezvous);
                            loopy::spawn_blocking(move || rendezvous.meet(Duration::from_secs(1)))
                        })
                        .collect();
                    let mut met = Vec::new();
                    for job in jobs {
                        met.push(job.await.unwrap());
                    }
                    met
                }
            })
    });
    // The one thread runs the first job, which gives up waiting for the
    // second; only then does the second run, and find the first arrived.
    assert_eq!(met, [vec![false, true]]);
}
