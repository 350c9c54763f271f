//! The split halves share one socket: it closes when both are dropped, and
//! not before.

use std::time::Duration;

use loopy::net::UnixStream;
use loopy::timeout;
use loopy_tests::tcp_pair;

#[loopy::test]
async fn dropping_both_tcp_halves_closes_the_connection() {
    let (client, server) = tcp_pair().await;
    let (read, write) = client.into_split();
    let mut buf = [0; 1];

    drop(read);
    let open = timeout(Duration::from_millis(200), server.recv(&mut buf)).await;
    assert!(open.is_err(), "the write half alone still holds the socket");
    write.send_all(b"x").await.unwrap();
    assert_eq!(server.recv(&mut buf).await.unwrap(), 1);

    drop(write);
    let eof = timeout(Duration::from_secs(10), server.recv(&mut buf))
        .await
        .expect("the peer saw no end-of-file after both halves were dropped");
    assert_eq!(eof.unwrap(), 0);
}

#[loopy::test]
async fn dropping_both_unix_halves_closes_the_connection() {
    let (a, b) = UnixStream::pair().unwrap();
    let (read, write) = a.into_split();
    let mut buf = [0; 1];

    drop(write);
    let open = timeout(Duration::from_millis(200), b.recv(&mut buf)).await;
    assert!(open.is_err(), "the read half alone still holds the socket");

    drop(read);
    let eof = timeout(Duration::from_secs(10), b.recv(&mut buf))
        .await
        .expect("the peer saw no end-of-file after both halves were dropped");
    assert_eq!(eof.unwrap(), 0);
}

#[loopy::test]
async fn halves_of_two_streams_do_not_reunite() {
    let (a, b) = UnixStream::pair().unwrap();
    let (a_read, _a_write) = a.into_split();
    let (_b_read, b_write) = b.into_split();
    let err = a_read.reunite(b_write).unwrap_err();
    assert!(err.to_string().contains("different streams"));
}
