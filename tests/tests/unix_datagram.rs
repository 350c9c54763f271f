//! `UnixDatagram`: messages between path sockets with `send_to` and
//! `recv_from`, connected sockets, pairs, abstract names, and waiting for
//! a datagram.

use std::os::unix::net::SocketAddr;
use std::time::Duration;

use loopy::net::UnixDatagram;
use loopy::{spawn, timeout};
use loopy_tests::SocketDir;

#[loopy::test]
async fn send_to_and_recv_from_between_path_sockets() {
    let dir = SocketDir::new();
    let (server_path, client_path) = (dir.path("server.sock"), dir.path("client.sock"));
    let server = UnixDatagram::bind(&server_path).unwrap();
    let client = UnixDatagram::bind(&client_path).unwrap();

    for n in 0..3u8 {
        let sent = client.send_to(&[n; 10], &server_path).await.unwrap();
        assert_eq!(sent, 10);
    }
    // Each datagram arrives whole, in order, with its sender's address.
    let mut buf = [0u8; 64];
    for n in 0..3u8 {
        let (len, from) = server.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..len], &[n; 10]);
        assert_eq!(from.as_pathname(), Some(&*client_path));
    }
    // The reply goes back to the address it came from.
    server.send_to(b"ack", &client_path).await.unwrap();
    let (len, from) = client.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..len], b"ack");
    assert_eq!(from.as_pathname(), Some(&*server_path));
}

#[loopy::test]
async fn recv_waits_for_a_datagram() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let receiver = spawn(async move {
        let mut buf = [0u8; 16];
        let n = b.recv(&mut buf).await.unwrap();
        buf[..n].to_vec()
    });
    loopy::sleep(Duration::from_millis(10)).await;
    assert!(!receiver.is_finished(), "recv returned with nothing sent");
    a.send(b"late").await.unwrap();
    let got = timeout(Duration::from_secs(5), receiver)
        .await
        .expect("the datagram must wake the receiver")
        .unwrap();
    assert_eq!(got, b"late");
}

#[loopy::test]
async fn an_unbound_socket_connects_and_hears_back() {
    let dir = SocketDir::new();
    let path = dir.path("server.sock");
    let server = UnixDatagram::bind(&path).unwrap();
    let client = UnixDatagram::unbound().unwrap();
    assert!(client.peer_addr().is_err());
    client.connect(&path).unwrap();
    assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(&*path));

    client.send(b"hello").await.unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = server.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"hello");
    // An unbound client is unnamed: the server cannot answer it by address.
    assert!(from.is_unnamed());
}

#[loopy::test]
async fn a_pair_keeps_message_boundaries() {
    let (a, b) = UnixDatagram::pair().unwrap();
    a.send(b"one").await.unwrap();
    a.send(b"two!").await.unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
    assert_eq!(&buf[..3], b"one");
    assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
    assert_eq!(&buf[..4], b"two!");
}

#[cfg(target_os = "linux")]
#[loopy::test]
async fn abstract_names_send_receive_and_connect() {
    use std::os::linux::net::SocketAddrExt;

    let pid = std::process::id();
    let server_addr = SocketAddr::from_abstract_name(format!("loopy-test-dgram-s-{pid}")).unwrap();
    let client_addr = SocketAddr::from_abstract_name(format!("loopy-test-dgram-c-{pid}")).unwrap();
    let server = UnixDatagram::bind_addr(&server_addr).unwrap();
    let client = UnixDatagram::bind_addr(&client_addr).unwrap();

    client.send_to_addr(b"to", &server_addr).await.unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = server.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"to");
    assert_eq!(from.as_abstract_name(), client_addr.as_abstract_name());

    server.connect_addr(&client_addr).unwrap();
    server.send(b"back").await.unwrap();
    let n = client.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"back");
}
