//! `into_std` leaves the loop: the socket is deregistered (so it can be
//! registered again), keeps its connection, and is back in blocking mode.

use std::io::{Read, Write};

use loopy::net::{TcpListener, TcpStream, UdpSocket, UnixStream};
use loopy_tests::tcp_pair;
use rustix::fs::OFlags;

fn is_blocking(fd: impl std::os::fd::AsFd) -> bool {
    !rustix::fs::fcntl_getfl(fd)
        .unwrap()
        .contains(OFlags::NONBLOCK)
}

#[loopy::test]
async fn a_tcp_stream_goes_to_std_and_back_with_its_connection() {
    let (client, server) = tcp_pair().await;
    let mut std_client = client.into_std().unwrap();
    assert!(is_blocking(&std_client));
    std_client.write_all(b"ping").unwrap();
    let mut buf = [0; 4];
    server.recv_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");

    // Registering it again works only if into_std deregistered it.
    let client = TcpStream::from_std(std_client).unwrap();
    server.send_all(b"pong").await.unwrap();
    client.recv_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"pong");
}

#[loopy::test]
async fn listeners_datagrams_and_unix_streams_round_trip_too() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let std_listener = listener.into_std().unwrap();
    assert!(is_blocking(&std_listener));
    let listener = TcpListener::from_std(std_listener).unwrap();
    let _client = TcpStream::connect(addr).await.unwrap();
    listener.accept().await.unwrap();

    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let std_udp = udp.into_std().unwrap();
    assert!(is_blocking(&std_udp));
    UdpSocket::from_std(std_udp).unwrap();

    let (a, b) = UnixStream::pair().unwrap();
    let mut std_a = a.into_std().unwrap();
    assert!(is_blocking(&std_a));
    b.send_all(b"hi").await.unwrap();
    let mut buf = [0; 2];
    std_a.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hi");
}
