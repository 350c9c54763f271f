//! wake_chain: tasks in a ring pass one token, each waking the next through a
//! [`Baton`]. What a same-thread wake costs, from `wake()` to the woken task
//! running.

use std::rc::Rc;
use std::time::Instant;

use crate::suite::baton::Baton;
use crate::suite::runtime::Runtime;

/// `ring` tasks pass a token around until it has been passed `wakes` times;
/// returns M wakes/s.
pub fn run<R: Runtime>(ring: usize, wakes: usize) -> Vec<f64> {
    assert_eq!(
        wakes % ring,
        0,
        "wake_chain: wakes must be a multiple of ring"
    );
    let laps = wakes / ring;
    R::block_on(|rt| async move {
        let batons: Rc<[Baton]> = (0..ring).map(|_| Baton::default()).collect();
        let tasks: Vec<_> = (0..ring)
            .map(|i| {
                let batons = batons.clone();
                rt.spawn(async move {
                    let next = &batons[(i + 1) % ring];
                    for _ in 0..laps {
                        let token = batons[i].receive().await;
                        next.pass(token + 1);
                    }
                })
            })
            .collect();
        let start = Instant::now();
        batons[0].pass(0);
        for task in tasks {
            task.await;
        }
        let elapsed = start.elapsed();
        // The last pass lands back in slot 0, where no one waits any more.
        assert_eq!(
            batons[0].take(),
            Some(wakes as u64),
            "wake_chain: lost the token"
        );
        vec![wakes as f64 / elapsed.as_secs_f64() / 1e6]
    })
}
