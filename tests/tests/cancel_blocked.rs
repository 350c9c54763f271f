//! Cancelling a task that is parked in `accept`, `recv` or `sleep`: its
//! guards run, and the socket it owned is closed once the loop has turned.

use std::io::ErrorKind;
use std::time::Duration;

use loopy::net::TcpListener;
use loopy::{sleep, spawn, timeout, yield_now};
use loopy_tests::{tcp_pair, DropCount};

#[loopy::test]
async fn cancel_a_task_blocked_in_sleep() {
    let drops = DropCount::new();
    let guard = drops.guard();
    let handle = spawn(async move {
        let _guard = guard;
        sleep(Duration::from_secs(3600)).await;
    });
    yield_now().await;

    handle.cancel();
    yield_now().await;
    assert_eq!(drops.get(), 1);
    // block_on returning at all shows the hour-long timer was not waited for.
    assert!(handle.await.unwrap_err().is_cancelled());
}

#[loopy::test]
async fn cancel_a_task_blocked_in_accept_closes_the_listener() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let drops = DropCount::new();
    let guard = drops.guard();
    let handle = spawn(async move {
        let _guard = guard;
        listener.accept().await.map(|_| ())
    });
    yield_now().await;
    assert!(!handle.is_finished(), "accept must wait for a client");

    handle.cancel();
    yield_now().await;
    assert_eq!(drops.get(), 1);
    // The listener went with the task's future: nobody listens on the port now.
    let refused = std::net::TcpStream::connect(addr).expect_err("the listener is closed");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    assert!(handle.await.unwrap_err().is_cancelled());
}

#[loopy::test]
async fn cancel_a_task_blocked_in_recv_closes_the_stream() {
    let (client, server) = tcp_pair().await;

    let drops = DropCount::new();
    let guard = drops.guard();
    let handle = spawn(async move {
        let _guard = guard;
        let mut buf = [0u8; 64];
        server.recv(&mut buf).await
    });
    yield_now().await;
    assert!(!handle.is_finished(), "recv must wait for data");

    handle.cancel();
    yield_now().await;
    assert_eq!(drops.get(), 1);
    // The server side was closed, so the client reads end-of-stream.
    let mut buf = [0u8; 64];
    let read = timeout(Duration::from_secs(5), client.recv(&mut buf))
        .await
        .expect("the peer's close must reach the client")
        .unwrap();
    assert_eq!(read, 0);
    assert!(handle.await.unwrap_err().is_cancelled());
}
