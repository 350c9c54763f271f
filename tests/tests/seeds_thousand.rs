//! Exploring many schedules is cheap: a thousand seeds of a test with ten
//! tasks, timers and in-memory traffic, each on a fresh paused runtime.
//! Whatever the order, every byte arrives, in order, and the virtual clock
//! ends where the timers say.

use std::time::Duration;

use loopy::io::duplex;
use loopy::{sleep, spawn};

/// Pairs of tasks: one sends over a duplex stream, one echoes.
const PAIRS: u64 = 5;

/// Messages each sender sends.
const MESSAGES: u64 = 4;

#[loopy::test(seeds = 1000, start_paused)]
async fn ten_tasks_with_timers_and_duplex_traffic() {
    let start = loopy::time::now();
    let mut senders = Vec::new();
    let mut echoes = Vec::new();
    for pair in 0..PAIRS {
        // A small capacity, so that senders also wait on backpressure.
        let (near, far) = duplex(3);
        echoes.push(spawn(async move {
            let mut byte = [0u8; 1];
            while far.recv(&mut byte).await.unwrap() == 1 {
                sleep(Duration::from_millis(1)).await;
                far.send_all(&byte).await.unwrap();
            }
        }));
        senders.push(spawn(async move {
            let mut echoed = Vec::new();
            for message in 0..MESSAGES {
                sleep(Duration::from_millis(10 * (pair + 1))).await;
                let sent = [(pair * 16 + message) as u8; 5];
                near.send_all(&sent).await.unwrap();
                let mut back = [0u8; 5];
                near.recv_exact(&mut back).await.unwrap();
                echoed.extend_from_slice(&back);
            }
            near.shutdown(std::net::Shutdown::Write).unwrap();
            echoed
        }));
    }
    for (pair, sender) in (0..PAIRS).zip(senders) {
        let echoed = sender.await.unwrap();
        let expected: Vec<u8> = (0..MESSAGES)
            .flat_map(|message| [(pair * 16 + message) as u8; 5])
            .collect();
        assert_eq!(echoed, expected, "pair {pair}");
    }
    for echo in echoes {
        echo.await.unwrap();
    }
    // The slowest pair: its sleeps, and 5 ms of echo per message.
    let slowest = Duration::from_millis(MESSAGES * (10 * PAIRS + 5));
    assert_eq!(loopy::time::now() - start, slowest);
}
