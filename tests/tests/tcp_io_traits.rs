//! `TcpStream` and `&TcpStream` implement the ecosystem's `futures_io`
//! `AsyncRead` and `AsyncWrite`, including waiting when the socket is full
//! or empty, and `poll_close` ending the stream for the peer.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use loopy::{spawn, timeout};
use loopy_tests::tcp_pair;

/// More than the socket buffers hold, so the writer has to wait for the reader.
const SIZE: usize = 4 * 1024 * 1024;

fn pattern() -> Vec<u8> {
    (0..SIZE).map(|n| (n % 251) as u8).collect()
}

/// Writes all of `data` through `AsyncWrite`, then flushes and closes.
async fn write_all_and_close<W: AsyncWrite + Unpin>(mut writer: W, mut data: &[u8]) {
    while !data.is_empty() {
        let written = poll_fn(|cx| Pin::new(&mut writer).poll_write(cx, data))
            .await
            .unwrap();
        assert!(written > 0);
        data = &data[written..];
    }
    poll_fn(|cx| Pin::new(&mut writer).poll_flush(cx))
        .await
        .unwrap();
    poll_fn(|cx| Pin::new(&mut writer).poll_close(cx))
        .await
        .unwrap();
}

/// Reads through `AsyncRead` until end-of-stream.
async fn read_to_end<R: AsyncRead + Unpin>(mut reader: R) -> io::Result<Vec<u8>> {
    let mut all = Vec::new();
    let mut buf = vec![0u8; 8192];
    loop {
        let read = poll_fn(|cx| Pin::new(&mut reader).poll_read(cx, &mut buf)).await?;
        if read == 0 {
            return Ok(all);
        }
        all.extend_from_slice(&buf[..read]);
    }
}

#[loopy::test]
async fn owned_stream_writes_and_borrowed_stream_reads() {
    let (client, server) = tcp_pair().await;
    let data = pattern();
    let writer = spawn({
        let data = data.clone();
        async move { write_all_and_close(client, &data).await }
    });
    let got = timeout(Duration::from_secs(20), read_to_end(&server))
        .await
        .expect("poll_close must end the stream")
        .unwrap();
    writer.await.unwrap();
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the bytes came through changed");
}

#[loopy::test]
async fn borrowed_stream_writes_and_owned_stream_reads() {
    let (client, server) = tcp_pair().await;
    let data = pattern();
    let reader = spawn(async move { read_to_end(client).await });
    write_all_and_close(&server, &data).await;
    let got = timeout(Duration::from_secs(20), reader)
        .await
        .expect("poll_close must end the stream")
        .unwrap()
        .unwrap();
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the bytes came through changed");
}
