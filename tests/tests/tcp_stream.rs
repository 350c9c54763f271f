//! A `TcpStream`'s addresses, `shutdown`, `set_nodelay`, and two tasks sharing
//! one stream through `Rc` (recv and send take `&self`).

use std::net::Shutdown;
use std::rc::Rc;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};
use loopy::{spawn, timeout, yield_now};
use loopy_tests::tcp_pair;

#[loopy::test]
async fn both_ends_agree_on_the_addresses() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let listen_addr = listener.local_addr().unwrap();
    assert!(listen_addr.ip().is_loopback());
    assert_ne!(
        listen_addr.port(),
        0,
        "port 0 must be replaced by a real port"
    );

    let client = TcpStream::connect(listen_addr).await.unwrap();
    let (server, client_addr) = listener.accept().await.unwrap();
    assert_eq!(client.peer_addr().unwrap(), listen_addr);
    assert_eq!(client.local_addr().unwrap(), client_addr);
    assert_eq!(server.peer_addr().unwrap(), client_addr);
    assert_eq!(server.local_addr().unwrap(), listen_addr);
}

#[loopy::test]
async fn connect_takes_a_host_and_port_string() {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = loopy::net::connect(format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    assert_eq!(client.peer_addr().unwrap().port(), port);
}

#[loopy::test]
async fn shutdown_write_gives_the_peer_end_of_stream() {
    let (client, server) = tcp_pair().await;
    client.send(b"last words").await.unwrap();
    client.shutdown(Shutdown::Write).unwrap();

    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    loop {
        let read = timeout(Duration::from_secs(5), server.recv(&mut buf))
            .await
            .expect("end-of-stream must arrive")
            .unwrap();
        if read == 0 {
            break;
        }
        got.extend_from_slice(&buf[..read]);
    }
    assert_eq!(got, b"last words");
    // The other direction still works after a write shutdown.
    server.send(b"reply").await.unwrap();
    let read = client.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..read], b"reply");
}

#[loopy::test]
async fn set_nodelay_is_applied() {
    let (client, server) = tcp_pair().await;
    client.set_nodelay(true).unwrap();
    client.set_nodelay(false).unwrap();
    server.set_nodelay(true).unwrap();
    client.send(b"x").await.unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(server.recv(&mut buf).await.unwrap(), 1);
}

#[loopy::test]
async fn two_tasks_share_one_stream() {
    let (client, server) = tcp_pair().await;
    let client = Rc::new(client);
    const ROUNDS: u8 = 50;

    // One task only reads the stream while another only writes it.
    let reader = spawn({
        let client = client.clone();
        async move {
            let mut got = Vec::new();
            let mut buf = [0u8; 16];
            while got.len() < usize::from(ROUNDS) {
                let read = client.recv(&mut buf).await.unwrap();
                assert!(read > 0);
                got.extend_from_slice(&buf[..read]);
            }
            got
        }
    });
    let writer = spawn({
        let client = client.clone();
        async move {
            for n in 0..ROUNDS {
                client.send(&[n]).await.unwrap();
                yield_now().await;
            }
        }
    });

    // The server echoes byte by byte.
    let mut buf = [0u8; 16];
    let mut echoed = 0;
    while echoed < usize::from(ROUNDS) {
        let read = server.recv(&mut buf).await.unwrap();
        server.send(&buf[..read]).await.unwrap();
        echoed += read;
    }
    writer.await.unwrap();
    assert_eq!(reader.await.unwrap(), (0..ROUNDS).collect::<Vec<_>>());
}
