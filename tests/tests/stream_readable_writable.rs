//! `readable()` and `writable()` on the streams are honest: each resolves
//! only when a read (a write) would not block, as `Async`'s do.

use std::time::Duration;

use loopy::net::UnixStream;
use loopy::timeout;
use loopy_tests::tcp_pair;

#[loopy::test]
async fn readable_waits_for_data_and_for_nothing_else() {
    let (client, server) = tcp_pair().await;
    let early = timeout(Duration::from_millis(100), server.readable()).await;
    assert!(early.is_err(), "readable with nothing to read");
    client.send_all(b"x").await.unwrap();
    timeout(Duration::from_secs(10), server.readable())
        .await
        .expect("readable once data has come");
    let mut buf = [0; 1];
    assert_eq!(server.recv(&mut buf).await.unwrap(), 1);
    // Drained again: not readable until more comes.
    let drained = timeout(Duration::from_millis(100), server.readable()).await;
    assert!(drained.is_err(), "readable after the data was taken");
}

#[loopy::test]
async fn writable_waits_while_the_send_buffer_is_full() {
    let (a, b) = UnixStream::pair().unwrap();
    timeout(Duration::from_secs(10), a.writable())
        .await
        .expect("a fresh stream is writable");
    // Fill the buffers: send until a send would block.
    let chunk = [0u8; 64 * 1024];
    while timeout(Duration::from_millis(100), a.send(&chunk))
        .await
        .is_ok()
    {}
    let full = timeout(Duration::from_millis(100), a.writable()).await;
    assert!(full.is_err(), "writable with the send buffer full");
    // The peer drains everything; there is room again.
    let mut buf = vec![0u8; 1 << 20];
    while timeout(Duration::from_millis(100), b.recv(&mut buf))
        .await
        .is_ok()
    {}
    timeout(Duration::from_secs(10), a.writable())
        .await
        .expect("writable once the peer has drained the buffer");
}
