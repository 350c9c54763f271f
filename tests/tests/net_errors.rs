//! Network failures come back as `std::io::Error` with the OS error kept:
//! never a panic, never swallowed.

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::time::Duration;

use loopy::net::{self, TcpListener, TcpStream, UdpSocket};
use loopy::{sleep, timeout};

/// An address on 127.0.0.1 where, a moment ago, a listener was and now none is.
fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// The error of a call that must fail; the sockets need not be `Debug`.
fn failure<T>(result: io::Result<T>, why: &str) -> io::Error {
    match result {
        Ok(_) => panic!("succeeded, but must fail: {why}"),
        Err(error) => error,
    }
}

#[loopy::test]
async fn connect_to_a_closed_port_is_refused() {
    let addr = closed_port();
    let error = failure(TcpStream::connect(addr).await, "nobody listens");
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused, "{error}");
    assert!(error.raw_os_error().is_some(), "the OS error must be kept");

    let error = failure(net::connect(addr).await, "nobody listens");
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused, "{error}");
}

#[loopy::test]
async fn bind_on_a_port_in_use_fails_with_addr_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let error = failure(TcpListener::bind(addr), "the port is taken");
    assert_eq!(error.kind(), ErrorKind::AddrInUse, "{error}");
    let error = failure(net::listen(addr), "the port is taken");
    assert_eq!(error.kind(), ErrorKind::AddrInUse, "{error}");

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let error = failure(
        TcpListener::bind(listener.local_addr().unwrap()),
        "taken by loopy",
    );
    assert_eq!(error.kind(), ErrorKind::AddrInUse, "{error}");

    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let error = failure(
        UdpSocket::bind(udp.local_addr().unwrap()),
        "the port is taken",
    );
    assert_eq!(error.kind(), ErrorKind::AddrInUse, "{error}");
}

#[loopy::test]
async fn a_malformed_address_is_an_error() {
    assert!(TcpListener::bind("no port here").is_err());
    assert!(UdpSocket::bind("127.0.0.1:not-a-port").is_err());
    assert!(TcpStream::connect("no port here").await.is_err());
}

#[loopy::test]
async fn recv_after_the_peer_resets_gives_connection_reset() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    // The handshake is done by the kernel, so this accept does not block.
    let (server, _) = listener.accept().unwrap();
    client.send(b"unread by the server").await.unwrap();
    sleep(Duration::from_millis(20)).await;
    // Closing with unread data sends a reset instead of a normal close.
    drop(server);
    sleep(Duration::from_millis(20)).await;

    let mut buf = [0u8; 64];
    let result = timeout(Duration::from_secs(5), async {
        loop {
            match client.recv(&mut buf).await {
                Ok(0) => return Ok(0),
                Ok(_) => continue,
                Err(error) => return Err(error),
            }
        }
    })
    .await
    .expect("the reset must wake the reader");
    let error = failure(result, "a reset connection is an error, not end-of-stream");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
}

#[loopy::test]
async fn a_connected_udp_socket_reports_an_unreachable_port() {
    let gone = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = gone.local_addr().unwrap();
    drop(gone);

    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(addr).unwrap();
    socket.send(b"anyone?").await.unwrap();
    let mut buf = [0u8; 16];
    let error = timeout(Duration::from_secs(5), socket.recv(&mut buf))
        .await
        .expect("the ICMP error must wake the reader")
        .expect_err("nobody is there");
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused, "{error}");
}
