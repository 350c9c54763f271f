//! `yield_now` puts the task at the back of the run queue, so other ready
//! tasks run first; and a task that is always ready cannot starve timers or I/O.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use loopy::net::UdpSocket;
use loopy::{block_on, sleep, spawn, yield_now};
use loopy_tests::within;

#[loopy::test]
async fn yield_now_lets_another_task_run() {
    let ran = Rc::new(Cell::new(false));
    let _other = spawn({
        let ran = ran.clone();
        async move { ran.set(true) }
    });
    // Spawning only queues the task; it cannot run while we do.
    assert!(!ran.get());
    yield_now().await;
    assert!(ran.get(), "the queued task did not run during the yield");
}

#[test]
fn yielding_tasks_take_turns() {
    let log = block_on(async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let handles: Vec<_> = ['a', 'b', 'c']
            .into_iter()
            .map(|name| {
                let log = log.clone();
                spawn(async move {
                    for _ in 0..3 {
                        log.borrow_mut().push(name);
                        yield_now().await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
        log.take()
    });
    assert_eq!(log.iter().collect::<String>(), "abcabcabc");
}

/// Spawns a task that yields until `stop` is set, counting its polls.
fn spin_until(stop: &Rc<Cell<bool>>) -> loopy::JoinHandle<u64> {
    let stop = stop.clone();
    spawn(async move {
        let mut spins = 0;
        while !stop.get() {
            spins += 1;
            yield_now().await;
        }
        spins
    })
}

#[test]
fn a_busy_task_does_not_starve_timers() {
    within(Duration::from_secs(10), || {
        block_on(async {
            let stop = Rc::new(Cell::new(false));
            let spinner = spin_until(&stop);
            sleep(Duration::from_millis(20)).await;
            stop.set(true);
            assert!(spinner.await.unwrap() > 0);
        });
    });
}

#[test]
fn a_busy_task_does_not_starve_io() {
    within(Duration::from_secs(10), || {
        block_on(async {
            let stop = Rc::new(Cell::new(false));
            let spinner = spin_until(&stop);
            let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
            let addr = receiver.local_addr().unwrap();
            // Sent from another thread once the receiver waits in the poller.
            let sender = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                socket.send_to(b"through", addr).unwrap();
            });
            let mut buf = [0u8; 16];
            let (len, _) = receiver.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..len], b"through");
            stop.set(true);
            assert!(spinner.await.unwrap() > 0);
            sender.join().unwrap();
        });
    });
}

#[loopy::test]
async fn block_on_s_future_takes_its_turn_like_a_task() {
    let spins = Rc::new(Cell::new(0u32));
    let spinner = spawn({
        let spins = spins.clone();
        async move {
            loop {
                spins.set(spins.get() + 1);
                yield_now().await;
            }
        }
    });
    yield_now().await;
    for _ in 0..10 {
        let before = spins.get();
        yield_now().await;
        // One turn of the spinner per yield, as between two tasks.
        assert_eq!(spins.get() - before, 1);
    }
    spinner.cancel();
}
