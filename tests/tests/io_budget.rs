//! A task whose socket always has data never sees `WouldBlock`, so without
//! the per-poll I/O budget it would never return `Pending` and the loop
//! would never get back to its timers. (Tasks that keep yielding are
//! covered in `yield_now.rs`.) The case needs milliseconds; a starved loop
//! needs far longer, or forever, so it runs under a 5 s deadline.
//!
//! Starvation would show as a hang, so each case runs on its own thread and
//! the test fails if it has not finished within a generous deadline.

use std::io::Write;
use std::net::TcpListener as StdListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use loopy_tests::within;

#[test]
fn a_socket_that_always_has_data_does_not_starve_a_timer() {
    within(Duration::from_secs(5), || {
        let listener = StdListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        // A blocking writer keeps the socket's receive buffer full.
        let writer = thread::spawn({
            let stop = Arc::clone(&stop);
            move || {
                let (mut peer, _) = listener.accept().unwrap();
                let chunk = [7u8; 64 * 1024];
                while !stop.load(Ordering::Relaxed) {
                    if peer.write_all(&chunk).is_err() {
                        break;
                    }
                }
            }
        });
        let received = loopy::block_on(async {
            let stream = loopy::net::TcpStream::connect(addr).await.unwrap();
            // Let the buffer fill, so that every recv below finds data.
            thread::sleep(Duration::from_millis(50));
            let reader = loopy::spawn(async move {
                let mut total = 0usize;
                let mut buf = [0u8; 16];
                loop {
                    total += stream.recv(&mut buf).await.unwrap();
                    if total > 1 << 30 {
                        return total;
                    }
                }
            });
            loopy::sleep(Duration::from_millis(20)).await;
            let still_reading = !reader.is_finished();
            reader.cancel();
            assert!(reader.await.unwrap_err().is_cancelled());
            still_reading
        });
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();
        assert!(
            received,
            "the reader should still have been busy when the timer fired"
        );
    });
}
