//! `connect` with a host name resolves it on a `spawn_blocking` thread, not
//! on the loop: while the resolver is held up, the loop's other tasks run,
//! and a numeric address connects without waiting for it.
//!
//! To hold the resolver up without relying on DNS, the runtime gets one
//! blocking thread, and a closure occupies it until the test lets go;
//! "localhost" (from /etc/hosts) can only be resolved after that.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};
use loopy::{sleep, spawn, spawn_blocking, Runtime};

#[test]
fn a_name_waits_for_the_resolver_thread_while_the_loop_goes_on() {
    let runtime = Runtime::builder().max_blocking_threads(1).build().unwrap();
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (release, hold) = mpsc::channel::<()>();
        let occupied = spawn_blocking(move || hold.recv());

        let connected = Rc::new(Cell::new(false));
        let by_name = spawn({
            let connected = Rc::clone(&connected);
            async move {
                let stream = TcpStream::connect(("localhost", port)).await;
                connected.set(true);
                stream
            }
        });

        // The loop is free: other tasks, timers and numeric connects run.
        let ticks = spawn(async {
            for _ in 0..5 {
                sleep(Duration::from_millis(20)).await;
            }
        });
        ticks.await.unwrap();
        let numeric = TcpStream::connect(format!("127.0.0.1:{port}")).await;
        assert!(
            numeric.is_ok(),
            "a numeric address must not wait for the resolver"
        );
        assert!(
            !connected.get(),
            "the name was resolved while the only blocking thread was busy: on the loop"
        );

        release.send(()).unwrap();
        occupied.await.unwrap().unwrap();
        let stream = by_name
            .await
            .unwrap()
            .expect("connect(\"localhost\", port)");
        assert_eq!(stream.peer_addr().unwrap().port(), port);
    });
}

#[loopy::test]
async fn connect_takes_a_name_from_etc_hosts() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stream = loopy::net::connect(format!("localhost:{port}")).await;
    let stream = stream.expect("localhost resolves through /etc/hosts");
    assert!(stream.peer_addr().unwrap().ip().is_loopback());
}
