//! futures-lite on loopy, as the tokio guide says: `or` is `select!` (the
//! first to finish wins, the other is dropped), `zip` is `join!`, and its
//! `AsyncReadExt`/`AsyncWriteExt` work over loopy's TCP streams.

use std::time::Duration;

use futures_lite::{future, AsyncReadExt, AsyncWriteExt};
use loopy_tests::tcp_pair;

#[loopy::test]
async fn or_takes_the_first_to_finish_and_zip_waits_for_both() {
    let slow = async {
        loopy::sleep(Duration::from_secs(3600)).await;
        "slow"
    };
    let fast = async {
        loopy::sleep(Duration::from_millis(1)).await;
        "fast"
    };
    assert_eq!(future::or(slow, fast).await, "fast");

    let a = async {
        loopy::sleep(Duration::from_millis(2)).await;
        1
    };
    let b = async {
        loopy::sleep(Duration::from_millis(1)).await;
        2
    };
    assert_eq!(future::zip(a, b).await, (1, 2));
}

#[loopy::test]
async fn the_extension_traits_read_and_write_loopy_streams() {
    let (mut client, mut server) = tcp_pair().await;
    let writer = loopy::spawn(async move {
        client.write_all(&[7; 100_000]).await.unwrap();
        client.close().await.unwrap();
    });
    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    writer.await.unwrap();
    assert_eq!(got, vec![7; 100_000]);
}
