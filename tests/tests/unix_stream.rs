//! `UnixListener` and `UnixStream`: echo over a path socket, a pair,
//! abstract names, both ends' addresses, shutdown, two tasks sharing a
//! stream, and a connect that waits while the listener's queue is full.

use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use loopy::net::{UnixListener, UnixStream};
use loopy::{spawn, timeout};
use loopy_tests::SocketDir;

/// Reads until end-of-stream, giving up after a few seconds.
async fn recv_to_end(stream: &UnixStream) -> Vec<u8> {
    let mut all = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        let n = timeout(Duration::from_secs(5), stream.recv(&mut buf))
            .await
            .expect("end-of-stream must arrive")
            .unwrap();
        if n == 0 {
            return all;
        }
        all.extend_from_slice(&buf[..n]);
    }
}

#[loopy::test]
async fn echo_over_a_path_socket() {
    let dir = SocketDir::new();
    let path = dir.path("echo.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let server = spawn(async move {
        // Two clients, one after the other, each echoed until it closes.
        for _ in 0..2 {
            let (stream, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            loop {
                let n = stream.recv(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                stream.send_all(&buf[..n]).await.unwrap();
            }
        }
    });
    for client in 0..2u8 {
        let stream = UnixStream::connect(&path).await.unwrap();
        for round in 0..10u8 {
            let message = [client, round, 0xAA, 0x55];
            stream.send_all(&message).await.unwrap();
            let mut back = [0u8; 4];
            stream.recv_exact(&mut back).await.unwrap();
            assert_eq!(back, message);
        }
    }
    timeout(Duration::from_secs(5), server)
        .await
        .expect("the server sees both clients close")
        .unwrap();
}

#[loopy::test]
async fn both_ends_agree_on_the_addresses() {
    let dir = SocketDir::new();
    let path = dir.path("addr.sock");
    let listener = UnixListener::bind(&path).unwrap();
    assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(&*path));

    let client = UnixStream::connect(&path).await.unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    assert!(peer.is_unnamed(), "the client did not bind");
    assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(&*path));
    assert!(client.local_addr().unwrap().is_unnamed());
    assert_eq!(server.local_addr().unwrap().as_pathname(), Some(&*path));
}

#[loopy::test]
async fn a_pair_talks_both_ways() {
    let (a, b) = UnixStream::pair().unwrap();
    a.send_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    b.recv_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");
    b.send_all(b"pong").await.unwrap();
    a.recv_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"pong");
}

#[loopy::test]
async fn more_than_the_socket_buffer_gets_through() {
    let (a, b) = UnixStream::pair().unwrap();
    let data: Vec<u8> = (0..4 * 1024 * 1024).map(|n| (n % 251) as u8).collect();
    let writer = spawn({
        let data = data.clone();
        async move {
            a.send_all(&data).await.unwrap();
            a.shutdown(Shutdown::Write).unwrap();
        }
    });
    let got = recv_to_end(&b).await;
    writer.await.unwrap();
    assert!(got == data, "the bytes came through changed");
}

#[loopy::test]
async fn shutdown_write_gives_the_peer_end_of_stream() {
    let (a, b) = UnixStream::pair().unwrap();
    a.send(b"last words").await.unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    assert_eq!(recv_to_end(&b).await, b"last words");
    // The other direction still works after a write shutdown.
    b.send_all(b"reply").await.unwrap();
    let mut buf = [0u8; 5];
    a.recv_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"reply");
}

#[loopy::test]
async fn recv_exact_says_how_much_came_before_the_peer_closed() {
    let (a, b) = UnixStream::pair().unwrap();
    a.send_all(b"abc").await.unwrap();
    drop(a);
    let error = b.recv_exact(&mut [0; 5]).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
    assert!(error.to_string().contains("3 of 5"), "{error}");
}

#[loopy::test]
async fn two_tasks_share_one_stream() {
    let (a, b) = UnixStream::pair().unwrap();
    let a = Rc::new(a);
    let reader = spawn({
        let a = Rc::clone(&a);
        async move {
            let mut buf = [0u8; 3];
            a.recv_exact(&mut buf).await.unwrap();
            buf
        }
    });
    a.send_all(b"abc").await.unwrap();
    let mut buf = [0u8; 3];
    b.recv_exact(&mut buf).await.unwrap();
    b.send_all(&buf).await.unwrap();
    assert_eq!(&reader.await.unwrap(), b"abc");
}

#[cfg(target_os = "linux")]
#[loopy::test]
async fn abstract_names_listen_and_connect_without_a_file() {
    use std::os::linux::net::SocketAddrExt;

    let name = format!("loopy-test-stream-{}", std::process::id());
    let addr = SocketAddr::from_abstract_name(&name).unwrap();
    let listener = UnixListener::bind_addr(&addr).unwrap();
    let bound = listener.local_addr().unwrap();
    assert_eq!(bound.as_abstract_name(), Some(name.as_bytes()));
    assert!(bound.as_pathname().is_none());

    let client = UnixStream::connect_addr(&addr).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    assert_eq!(
        client.peer_addr().unwrap().as_abstract_name(),
        Some(name.as_bytes())
    );
    client.send_all(b"abstract").await.unwrap();
    let mut buf = [0u8; 8];
    server.recv_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"abstract");
}

/// A listener with a backlog of zero: the kernel queues one connection and
/// answers the next `connect` with `EAGAIN` until that one is accepted.
fn listener_with_no_backlog(path: &std::path::Path) -> UnixListener {
    use rustix::net::{AddressFamily, SocketAddrUnix, SocketType};
    let socket = rustix::net::socket(AddressFamily::UNIX, SocketType::STREAM, None).unwrap();
    rustix::net::bind(&socket, &SocketAddrUnix::new(path).unwrap()).unwrap();
    rustix::net::listen(&socket, 0).unwrap();
    UnixListener::from_std(socket.into()).unwrap()
}

#[loopy::test]
async fn connect_waits_while_the_listeners_queue_is_full() {
    let dir = SocketDir::new();
    let path = dir.path("full.sock");
    let listener = listener_with_no_backlog(&path);
    let first = UnixStream::connect(&path).await.unwrap();
    let second = spawn({
        let path = path.clone();
        async move { UnixStream::connect(path).await }
    });
    // The queue is full: the second connect must wait, not fail.
    loopy::sleep(Duration::from_millis(20)).await;
    assert!(!second.is_finished(), "connect gave up on a full queue");
    let (_accepted_first, _) = listener.accept().await.unwrap();
    let second = timeout(Duration::from_secs(5), second)
        .await
        .expect("connect must go through once the queue has room")
        .unwrap()
        .unwrap();
    let (accepted_second, _) = listener.accept().await.unwrap();
    second.send_all(b"in").await.unwrap();
    let mut buf = [0u8; 2];
    accepted_second.recv_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"in");
    drop(first);
}
