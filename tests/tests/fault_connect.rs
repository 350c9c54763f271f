//! Connections that cannot be made: a closed port is refused at once, a
//! connect that cannot complete is ended by `timeout`, and neither leaves
//! a descriptor or a poller registration behind.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::time::Duration;

use loopy::net::TcpStream;
use loopy::timeout;
use loopy_tests::{no_descriptor_leaks, poller_registrations, within};
use rustix::net::{AddressFamily, SocketType};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn refused_connects_leave_nothing_behind() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            loopy::block_on(async {
                let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                let addr = gone.local_addr().unwrap();
                drop(gone);
                let registered = poller_registrations();
                for _ in 0..100 {
                    let error = TcpStream::connect(addr).await.unwrap_err();
                    assert_eq!(error.kind(), ErrorKind::ConnectionRefused, "{error}");
                }
                assert_eq!(poller_registrations(), registered);
            })
        })
    });
}

/// A listener on 127.0.0.1 whose accept queue holds a single connection
/// (backlog 0) and that never accepts: once one connection waits in the
/// queue, Linux drops further SYNs and those connects stay in progress.
fn listener_that_never_accepts() -> (OwnedFd, SocketAddr) {
    let socket = rustix::net::socket(AddressFamily::INET, SocketType::STREAM, None).unwrap();
    let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
    rustix::net::bind(&socket, &any_port).unwrap();
    rustix::net::listen(&socket, 0).unwrap();
    let addr = match rustix::net::getsockname(&socket).unwrap().try_into() {
        Ok(addr) => addr,
        Err(_) => panic!("getsockname of an INET socket gave another family"),
    };
    (socket, addr)
}

#[test]
fn timeout_ends_a_connect_that_cannot_complete() {
    within(LIMIT, || {
        no_descriptor_leaks(|| {
            loopy::block_on(async {
                let (listener, addr) = listener_that_never_accepts();
                let registered = poller_registrations();
                let mut queued = Vec::new();
                let mut outcomes = Vec::new();
                // The first connects fill the accept queue; one after that
                // must hang until the timeout ends it. Each ended connect
                // is dropped, so it may take a few for the queue to fill.
                for _ in 0..4 {
                    match timeout(Duration::from_millis(300), TcpStream::connect(addr)).await {
                        Ok(stream) => queued.push(stream.expect("the handshake completed")),
                        Err(elapsed) => outcomes.push(elapsed),
                    }
                }
                assert!(
                    !queued.is_empty(),
                    "not one connect completed, so the listener does not work"
                );
                assert!(
                    !outcomes.is_empty(),
                    "{} connects to a full accept queue all completed",
                    queued.len()
                );
                // The timed-out connects took their sockets with them.
                assert_eq!(poller_registrations(), registered + queued.len());
                drop(queued);
                drop(listener);
            })
        })
    });
}
