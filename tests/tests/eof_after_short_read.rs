//! A peer's end-of-file is never lost behind a short read.
//!
//! When data and the peer's FIN arrive before the same wait, epoll reports
//! one edge for both. The reader gets the data in a read shorter than its
//! buffer; if that short read were taken to mean "drained", nothing would
//! ever report the FIN and the next `recv` would wait forever. These tests
//! build exactly that sequence and require the EOF to arrive (under a
//! deadline of seconds, so a hang fails instead of stalling the suite).

use std::io::Write;
use std::net::{Shutdown, TcpStream as StdStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use loopy::net::TcpListener;
use loopy_tests::within;

/// Reads everything a peer sends after the loop was made to miss the data
/// and the FIN arriving; returns the bytes read before EOF.
fn read_until_eof_after_a_coalesced_fin(payload: &'static [u8]) -> Vec<u8> {
    loopy::block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (go, ready) = mpsc::channel::<()>();
        let peer = thread::spawn(move || {
            let mut stream = StdStream::connect(addr).unwrap();
            ready.recv().unwrap();
            stream.write_all(payload).unwrap();
            stream.shutdown(Shutdown::Write).unwrap();
            stream
        });
        let (stream, _) = listener.accept().await.unwrap();
        let reader = loopy::spawn(async move {
            let mut received = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                match stream.recv(&mut buf).await.unwrap() {
                    0 => return received,
                    n => received.extend_from_slice(&buf[..n]),
                }
            }
        });
        // The reader finds nothing yet and parks on the socket.
        loopy::yield_now().await;
        // Now the peer sends and shuts down while the loop is held, so the
        // data and the FIN reach the socket before the loop's next wait.
        go.send(()).unwrap();
        thread::sleep(Duration::from_millis(100));
        let received = reader.await.unwrap();
        drop(peer.join().unwrap());
        received
    })
}

#[test]
fn eof_behind_a_short_read_is_seen() {
    let received = within(Duration::from_secs(10), || {
        read_until_eof_after_a_coalesced_fin(b"hello, then goodbye")
    });
    assert_eq!(received, b"hello, then goodbye");
}

#[test]
fn eof_behind_a_full_buffer_is_seen() {
    let received = within(Duration::from_secs(10), || {
        read_until_eof_after_a_coalesced_fin(&[9u8; 10_000])
    });
    assert_eq!(received, vec![9u8; 10_000]);
}
