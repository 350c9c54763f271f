//! UDP round trips on 127.0.0.1: `send_to`/`recv_from` and, after `connect`,
//! `send`/`recv`; a receiver waiting in `recv` is woken by a datagram.

use std::time::Duration;

use loopy::net::UdpSocket;
use loopy::{spawn, timeout, yield_now};

#[loopy::test]
async fn send_to_and_recv_from_round_trip() {
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    assert_ne!(a_addr.port(), 0);

    assert_eq!(a.send_to(b"ping", b_addr).await.unwrap(), 4);
    let mut buf = [0u8; 64];
    let (len, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..len], b"ping");
    assert_eq!(from, a_addr);

    b.send_to(b"pong!", from).await.unwrap();
    let (len, from) = a.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..len], b"pong!");
    assert_eq!(from, b_addr);
}

#[loopy::test]
async fn connected_sockets_send_and_recv() {
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    a.connect(b.local_addr().unwrap()).unwrap();
    b.connect(a.local_addr().unwrap()).unwrap();

    let mut buf = [0u8; 2048];
    for n in 0..100usize {
        let datagram: Vec<u8> = (0..n * 13 % 1500).map(|k| (k + n) as u8).collect();
        assert_eq!(a.send(&datagram).await.unwrap(), datagram.len());
        let len = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..len], &datagram[..], "datagram {n}");
        b.send(&buf[..len]).await.unwrap();
        let len = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..len], &datagram[..], "reply {n}");
    }
}

#[loopy::test]
async fn a_waiting_receiver_is_woken_by_a_datagram() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = receiver.local_addr().unwrap();
    let task = spawn(async move {
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        for _ in 0..10 {
            let (len, _) = receiver.recv_from(&mut buf).await.unwrap();
            got.push(buf[..len].to_vec());
        }
        got
    });
    // The receiver parks in recv_from before anything is sent.
    yield_now().await;
    assert!(!task.is_finished());

    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for n in 0..10u8 {
        sender.send_to(&[n; 3], addr).await.unwrap();
        yield_now().await;
    }
    let got = timeout(Duration::from_secs(5), task)
        .await
        .expect("every datagram must wake the receiver")
        .unwrap();
    assert_eq!(got, (0..10u8).map(|n| vec![n; 3]).collect::<Vec<_>>());
}
