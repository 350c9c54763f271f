//! A peer that resets its connection: the task reading or writing gets
//! `ConnectionReset` or `BrokenPipe`, the process is not killed by
//! `SIGPIPE`, and the loop's other connections carry on.
//!
//! The standard library ignores `SIGPIPE` before `main`, which would hide a
//! write without `MSG_NOSIGNAL`; these tests put the signal back to its
//! default action (death) first. Each test gives back every descriptor.

use std::io::{ErrorKind, Read};
use std::net::TcpStream as StdStream;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};
use loopy::{sleep, timeout};
use loopy_tests::{no_descriptor_leaks, tcp_pair, within};

const LIMIT: Duration = Duration::from_secs(20);

/// Makes `SIGPIPE` kill the process again, as it does in C programs.
fn sigpipe_kills() {
    // SAFETY: `signal` with `SIG_DFL` installs no handler code; it only
    // changes the process's disposition for SIGPIPE.
    let previous = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    assert_ne!(previous, libc::SIG_ERR, "signal(SIGPIPE, SIG_DFL) failed");
}

/// Closes `stream` with a reset (RST) instead of an orderly FIN.
fn reset(stream: StdStream) {
    rustix::net::sockopt::set_socket_linger(&stream, Some(Duration::ZERO)).unwrap();
    drop(stream);
}

/// A loopy client connected to a blocking peer: `(ours, theirs)`.
async fn connect_to_peer() -> (TcpStream, StdStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ours = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    // The kernel finished the handshake, so this accept returns at once.
    let (theirs, _) = listener.accept().unwrap();
    (ours, theirs)
}

/// Echoes one message over a fresh connection: the loop still serves.
async fn echo_round_trip(bystander: &(TcpStream, TcpStream), message: &[u8]) {
    let (client, server) = bystander;
    client.send_all(message).await.unwrap();
    let mut buf = vec![0u8; message.len()];
    server.recv_exact(&mut buf).await.unwrap();
    server.send_all(&buf).await.unwrap();
    client.recv_exact(&mut buf).await.unwrap();
    assert_eq!(buf, message);
}

#[test]
fn a_reset_while_a_task_waits_to_read_is_connection_reset() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            sigpipe_kills();
            loopy::block_on(async {
                let bystander = tcp_pair().await;
                let (ours, theirs) = connect_to_peer().await;
                let reader = loopy::spawn(async move {
                    let mut buf = [0u8; 64];
                    ours.recv(&mut buf).await
                });
                // Let the reader park on the socket, then reset under it.
                sleep(Duration::from_millis(20)).await;
                reset(theirs);

                let result = timeout(Duration::from_secs(5), reader)
                    .await
                    .expect("the reset must wake the reader")
                    .unwrap();
                let error = result.expect_err("a reset is an error, not end-of-stream");
                assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
                echo_round_trip(&bystander, b"still here").await;
            })
        })
    });
}

#[test]
fn a_reset_while_a_task_writes_is_broken_pipe_or_reset_not_sigpipe() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            sigpipe_kills();
            loopy::block_on(async {
                let bystander = tcp_pair().await;
                let (ours, mut theirs) = connect_to_peer().await;
                let writer = loopy::spawn(async move {
                    // Far more than the socket buffers hold: the writer has
                    // to wait for the peer, and is waiting when it resets.
                    let chunk = vec![1u8; 1 << 20];
                    let first = loop {
                        if let Err(error) = ours.send_all(&chunk).await {
                            break error;
                        }
                    };
                    // The reset is reported once; from then on the socket
                    // is a broken pipe, which is where SIGPIPE would come.
                    let again = ours.send(b"more").await.unwrap_err();
                    (first, again)
                });
                // The peer reads a little, then resets mid-transfer. Its
                // reads must not block the loop the writer runs on.
                theirs.set_nonblocking(true).unwrap();
                let mut buf = [0u8; 4096];
                let mut received = 0;
                while received < 64 * 1024 {
                    match theirs.read(&mut buf) {
                        Ok(n) => received += n,
                        Err(error) if error.kind() == ErrorKind::WouldBlock => {
                            sleep(Duration::from_millis(1)).await
                        }
                        Err(error) => panic!("the peer's read failed: {error}"),
                    }
                }
                reset(theirs);

                let (first, again) = timeout(Duration::from_secs(5), writer)
                    .await
                    .expect("the reset must wake the writer")
                    .unwrap();
                assert!(
                    matches!(
                        first.kind(),
                        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
                    ),
                    "{first}"
                );
                assert_eq!(again.kind(), ErrorKind::BrokenPipe, "{again}");
                echo_round_trip(&bystander, b"still here").await;
            })
        })
    });
}

#[test]
fn a_server_goes_on_accepting_after_a_client_resets() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            sigpipe_kills();
            loopy::block_on(async {
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                let addr = listener.local_addr().unwrap();
                let server = loopy::spawn(async move {
                    let mut failures = 0;
                    for _ in 0..2 {
                        let (stream, _) = listener.accept().await.unwrap();
                        let mut buf = [0u8; 5];
                        // The first client resets before it is answered.
                        if stream.recv_exact(&mut buf).await.is_err()
                            || stream.send_all(&buf).await.is_err()
                        {
                            failures += 1;
                        }
                    }
                    failures
                });
                // The kernel completes the handshake for the listener, so
                // this blocking connect returns at once. (Not on a
                // spawn_blocking thread: one still holding a waker when the
                // runtime is dropped would keep the poller's descriptors
                // open past the count.)
                reset(StdStream::connect(addr).unwrap());
                let polite = TcpStream::connect(addr).await.unwrap();
                polite.send_all(b"hello").await.unwrap();
                let mut buf = [0u8; 5];
                polite.recv_exact(&mut buf).await.unwrap();
                assert_eq!(&buf, b"hello");
                assert_eq!(server.await.unwrap(), 1);
            })
        })
    });
}

#[test]
fn a_unix_stream_whose_peer_is_gone_is_a_broken_pipe_not_sigpipe() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            sigpipe_kills();
            loopy::block_on(async {
                let (ours, theirs) = loopy::net::UnixStream::pair().unwrap();
                drop(theirs);
                let error = ours.send(b"anyone?").await.unwrap_err();
                assert_eq!(error.kind(), ErrorKind::BrokenPipe, "{error}");
                let error = ours.send_all(b"still?").await.unwrap_err();
                assert_eq!(error.kind(), ErrorKind::BrokenPipe, "{error}");
            })
        })
    });
}
