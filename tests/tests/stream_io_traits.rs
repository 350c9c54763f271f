//! `TcpStream`, `UnixStream` and their references implement the
//! ecosystem's `futures_io` `AsyncRead` and `AsyncWrite`, including waiting
//! when the socket is full or empty, and `poll_close` ending the stream for
//! the peer.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use loopy::net::UnixStream;
use loopy::{spawn, timeout};
use loopy_tests::tcp_pair;

/// More than the socket buffers hold, so the writer has to wait for the reader.
const SIZE: usize = 4 * 1024 * 1024;

fn pattern() -> Vec<u8> {
    (0..SIZE).map(|n| (n % 251) as u8).collect()
}

/// Writes all of `data` through `AsyncWrite`, then flushes and closes,
/// handing `writer` back: still open, so only `poll_close` can have ended
/// the stream for the reader.
async fn write_all_and_close<W: AsyncWrite + Unpin>(mut writer: W, mut data: &[u8]) -> W {
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
    writer
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

/// The owned `writer` sends [`SIZE`] bytes and closes while the borrowed
/// `reader` reads them all.
async fn owned_writes_and_borrowed_reads<W, R>(writer: W, reader: R)
where
    W: AsyncWrite + Unpin + 'static,
    for<'a> &'a R: AsyncRead + Unpin,
{
    let data = pattern();
    let writing = spawn({
        let data = data.clone();
        async move { write_all_and_close(writer, &data).await }
    });
    let got = timeout(Duration::from_secs(20), read_to_end(&reader))
        .await
        .expect("poll_close must end the stream")
        .unwrap();
    drop(writing.await.unwrap());
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the bytes came through changed");
}

/// The borrowed `writer` sends [`SIZE`] bytes and closes while the owned
/// `reader` reads them all.
async fn borrowed_writes_and_owned_reads<W, R>(writer: W, reader: R)
where
    for<'a> &'a W: AsyncWrite + Unpin,
    R: AsyncRead + Unpin + 'static,
{
    let data = pattern();
    let reading = spawn(async move { read_to_end(reader).await });
    write_all_and_close(&writer, &data).await;
    let got = timeout(Duration::from_secs(20), reading)
        .await
        .expect("poll_close must end the stream")
        .unwrap()
        .unwrap();
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the bytes came through changed");
}

#[loopy::test]
async fn tcp_owned_stream_writes_and_borrowed_stream_reads() {
    let (client, server) = tcp_pair().await;
    owned_writes_and_borrowed_reads(client, server).await;
}

#[loopy::test]
async fn tcp_borrowed_stream_writes_and_owned_stream_reads() {
    let (client, server) = tcp_pair().await;
    borrowed_writes_and_owned_reads(server, client).await;
}

#[loopy::test]
async fn unix_owned_stream_writes_and_borrowed_stream_reads() {
    let (a, b) = UnixStream::pair().unwrap();
    owned_writes_and_borrowed_reads(a, b).await;
}

#[loopy::test]
async fn unix_borrowed_stream_writes_and_owned_stream_reads() {
    let (a, b) = UnixStream::pair().unwrap();
    borrowed_writes_and_owned_reads(a, b).await;
}
