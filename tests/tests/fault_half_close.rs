//! Half-close: a peer that shuts down its writing side still reads.
//!
//! The server sees end-of-stream after the request, writes its reply
//! anyway, and the peer receives all of it before its own end-of-stream.

use std::net::Shutdown;
use std::time::Duration;

use loopy_tests::{no_descriptor_leaks, tcp_pair, within};

#[test]
fn a_reply_after_the_peers_shutdown_write_arrives() {
    within(Duration::from_secs(20), || {
        no_descriptor_leaks(|| {
            loopy::block_on(async {
                let (client, server) = tcp_pair().await;
                let server = loopy::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 7];
                    loop {
                        match server.recv(&mut buf).await.unwrap() {
                            0 => break,
                            n => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    // End-of-stream seen; the other direction still works.
                    let reply: Vec<u8> = request.iter().rev().copied().collect();
                    server.send_all(&reply).await.unwrap();
                    server.shutdown(Shutdown::Write).unwrap();
                    request.len()
                });

                client
                    .send_all(b"a request in several reads")
                    .await
                    .unwrap();
                client.shutdown(Shutdown::Write).unwrap();
                let mut reply = Vec::new();
                let mut buf = [0u8; 5];
                loop {
                    match client.recv(&mut buf).await.unwrap() {
                        0 => break,
                        n => reply.extend_from_slice(&buf[..n]),
                    }
                }
                assert_eq!(reply, b"sdaer lareves ni tseuqer a");
                assert_eq!(server.await.unwrap(), reply.len());
                // A second read past the end still says end-of-stream.
                assert_eq!(client.recv(&mut buf).await.unwrap(), 0);
            })
        })
    });
}
