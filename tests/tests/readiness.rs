//! `Async::readable()` and `writable()` resolve only once the operation
//! would not block.
//!
//! A freshly wrapped socket with nothing to read stays pending, and
//! resolves when data arrives; a socket whose send buffer was filled
//! behind loopy's back (through `get_ref()`) is not writable until the peer
//! drains it. The pending checks use a timeout of 100 ms: waiting longer
//! could only make a wrong "ready" more likely to show.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use loopy::io::Async;
use loopy::timeout;

const SHORT: Duration = Duration::from_millis(100);
const LONG: Duration = Duration::from_secs(10);

/// A connected pair on 127.0.0.1, made with the standard library:
/// `(ours, theirs)`, ours wrapped for the loop, theirs blocking.
fn wrapped_pair() -> (Async<TcpStream>, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let theirs = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (ours, _) = listener.accept().unwrap();
    (Async::new(ours).unwrap(), theirs)
}

#[loopy::test]
async fn readable_waits_for_data_on_a_fresh_socket() {
    let (ours, mut theirs) = wrapped_pair();
    assert!(
        timeout(SHORT, ours.readable()).await.is_err(),
        "readable() resolved on a socket with nothing to read"
    );

    theirs.write_all(b"x").unwrap();
    timeout(LONG, ours.readable())
        .await
        .expect("readable() did not resolve after data arrived");
    let mut buf = [0; 1];
    assert_eq!(ours.get_ref().read(&mut buf).unwrap(), 1);

    // Drained again through get_ref(): waiting again means waiting.
    assert!(
        timeout(SHORT, ours.readable()).await.is_err(),
        "readable() resolved after the data was read behind loopy's back"
    );
}

/// Writes through `get_ref()` until the kernel says `WouldBlock`.
fn fill_send_buffer(stream: &Async<TcpStream>) -> usize {
    let chunk = [7u8; 64 * 1024];
    let mut sent = 0;
    loop {
        match stream.get_ref().write(&chunk) {
            Ok(n) => sent += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return sent,
            Err(err) => panic!("filling the send buffer: {err}"),
        }
    }
}

#[loopy::test]
async fn writable_waits_while_the_send_buffer_is_full() {
    let (ours, mut theirs) = wrapped_pair();
    timeout(LONG, ours.writable())
        .await
        .expect("a fresh socket with an empty send buffer is writable");

    let sent = fill_send_buffer(&ours);
    assert!(
        timeout(SHORT, ours.writable()).await.is_err(),
        "writable() resolved while the send buffer was full"
    );

    // The peer drains everything on a thread of its own.
    let drain = std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        let mut received = 0;
        while received < sent {
            received += theirs.read(&mut buf).unwrap();
        }
        theirs
    });
    timeout(LONG, ours.writable())
        .await
        .expect("writable() did not resolve after the peer drained the socket");
    drop(drain.join().unwrap());
}
