//! `into_split`: two tasks, one per half, move data both ways at once.
//!
//! Each side sends far more than the socket buffers hold while the other
//! direction is busy too; the halves finish only if reading and writing
//! really proceed together.

use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use loopy::net::{OwnedReadHalf, OwnedWriteHalf, UnixStream};
use loopy::{spawn, timeout};
use loopy_tests::tcp_pair;

const BYTES: usize = 4 << 20;

/// Sends `BYTES` bytes counting up through the write half, while the read
/// half, in another task, takes `BYTES` bytes and checks them; returns when
/// both are done.
async fn full_duplex<S: 'static>(read: OwnedReadHalf<S>, write: OwnedWriteHalf<S>)
where
    for<'a> &'a S: AsyncRead + AsyncWrite,
{
    let writer = spawn(async move {
        let chunk: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
        for _ in 0..BYTES / chunk.len() {
            write.send_all(&chunk).await.unwrap();
        }
        write
    });
    let reader = spawn(async move {
        let mut buf = vec![0; 64 * 1024];
        let mut seen = 0;
        while seen < BYTES {
            let n = read.recv(&mut buf).await.unwrap();
            assert_ne!(n, 0, "the peer closed after {seen} bytes");
            for (i, byte) in buf[..n].iter().enumerate() {
                assert_eq!(*byte, ((seen + i) % 256) as u8);
            }
            seen += n;
        }
        read
    });
    let write = writer.await.unwrap();
    let read = reader.await.unwrap();
    read.reunite(write).expect("the halves of one stream");
}

#[loopy::test]
async fn tcp_halves_in_two_tasks_send_and_receive_at_once() {
    let (client, server) = tcp_pair().await;
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let both = async {
        let server = spawn(full_duplex(server_read, server_write));
        full_duplex(client_read, client_write).await;
        server.await.unwrap();
    };
    timeout(Duration::from_secs(60), both)
        .await
        .expect("full duplex over split TCP halves stalled");
}

#[loopy::test]
async fn unix_halves_in_two_tasks_send_and_receive_at_once() {
    let (a, b) = UnixStream::pair().unwrap();
    let (a_read, a_write) = a.into_split();
    let (b_read, b_write) = b.into_split();
    let both = async {
        let b = spawn(full_duplex(b_read, b_write));
        full_duplex(a_read, a_write).await;
        b.await.unwrap();
    };
    timeout(Duration::from_secs(60), both)
        .await
        .expect("full duplex over split Unix halves stalled");
}
