//! Every socket type lends its descriptor (`AsFd`, `AsRawFd`), so options
//! loopy has no method for can be set with rustix on a socket loopy made.

use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use loopy::net::{TcpListener, UdpSocket, UnixDatagram, UnixListener, UnixStream};
use loopy_tests::tcp_pair;
use rustix::net::sockopt;

#[loopy::test]
async fn keepalive_and_linger_set_on_an_accepted_socket_read_back() {
    let (_client, accepted) = tcp_pair().await;
    sockopt::set_socket_keepalive(&accepted, true).unwrap();
    sockopt::set_socket_linger(&accepted, Some(Duration::from_secs(3))).unwrap();
    assert!(sockopt::socket_keepalive(&accepted).unwrap());
    assert_eq!(
        sockopt::socket_linger(&accepted).unwrap(),
        Some(Duration::from_secs(3))
    );
    // The option is the socket's, not a copy's: loopy's own getter sees it.
    sockopt::set_tcp_nodelay(&accepted, true).unwrap();
    assert!(accepted.nodelay().unwrap());
}

/// The descriptor is the one the socket really uses: its address read
/// through it is the socket's own.
#[loopy::test]
async fn every_socket_type_lends_its_own_descriptor() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let bound = rustix::net::getsockname(&listener).unwrap();
    assert_eq!(
        bound.try_into().ok(),
        Some(listener.local_addr().unwrap()),
        "TcpListener"
    );
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let bound = rustix::net::getsockname(&udp).unwrap();
    assert_eq!(
        bound.try_into().ok(),
        Some(udp.local_addr().unwrap()),
        "UdpSocket"
    );

    let (a, b) = UnixStream::pair().unwrap();
    let (c, d) = UnixDatagram::pair().unwrap();
    let name = format!("loopy-test-as-fd-{}", std::process::id());
    let addr =
        <std::os::unix::net::SocketAddr as std::os::linux::net::SocketAddrExt>::from_abstract_name(
            name,
        )
        .unwrap();
    let unix_listener = UnixListener::bind_addr(&addr).unwrap();
    for fd in [
        a.as_fd(),
        b.as_fd(),
        c.as_fd(),
        d.as_fd(),
        unix_listener.as_fd(),
    ] {
        assert_eq!(
            sockopt::socket_domain(fd).unwrap(),
            rustix::net::AddressFamily::UNIX
        );
    }
    assert_eq!(a.as_raw_fd(), a.as_fd().as_raw_fd());
    assert_eq!(listener.as_raw_fd(), listener.as_fd().as_raw_fd());
    assert_ne!(a.as_raw_fd(), b.as_raw_fd());
}
