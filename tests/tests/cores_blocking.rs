//! Each loop of `loopy::cores::run` has its own `spawn_blocking` pool, with
//! its own cap: two loops capped at one blocking thread each can run a
//! blocking job at the same time (with one shared pool of one thread, the
//! second job would wait for the first, which waits for the second).

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

#[test]
fn each_loop_has_its_own_blocking_pool() {
    let rendezvous = Arc::new(Rendezvous {
        arrived: Mutex::new(0),
        changed: Condvar::new(),
        expected: 2,
    });
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
