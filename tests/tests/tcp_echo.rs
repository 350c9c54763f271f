//! 100 concurrent connections each echo 1,000 messages of varied length and
//! content through one loop, and every byte comes back intact.
//!
//! The server speaks the seed programs' vocabulary (`listen`, `accept`,
//! `recv`, `send`); the clients use the methods on `TcpStream`.

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use loopy::net::{self, TcpListener, TcpStream};
use loopy::{block_on, spawn, timeout};

const CONNECTIONS: usize = 100;
const MESSAGES: usize = 1_000;

/// Sends all of `data`, however many `send` calls it takes.
async fn send_all(stream: &TcpStream, mut data: &[u8]) {
    while !data.is_empty() {
        let sent = stream.send(data).await.unwrap();
        assert!(sent > 0, "send wrote nothing");
        data = &data[sent..];
    }
}

/// Receives exactly `buf.len()` bytes.
async fn recv_exact(stream: &TcpStream, buf: &mut [u8]) {
    let mut filled = 0;
    while filled < buf.len() {
        let read = stream.recv(&mut buf[filled..]).await.unwrap();
        assert!(read > 0, "the echo server closed early");
        filled += read;
    }
}

/// Message `index` of connection `client`: its length and bytes both depend
/// on the pair, so a message that went to the wrong client, or a byte that
/// was lost or doubled, shows.
fn message(client: usize, index: usize) -> Vec<u8> {
    let len = 1 + (client * 131 + index * 17) % 600;
    (0..len)
        .map(|k| (client * 7 + index * 13 + k * 31) as u8)
        .collect()
}

/// Echoes everything it receives on one connection until the client closes.
async fn echo(stream: TcpStream) {
    let mut buf = vec![0u8; 4096];
    loop {
        let read = net::recv(&stream, &mut buf).await.unwrap();
        if read == 0 {
            return;
        }
        let mut rest = &buf[..read];
        while !rest.is_empty() {
            let sent = net::send(&stream, rest).await.unwrap();
            rest = &rest[sent..];
        }
    }
}

/// Accepts `CONNECTIONS` clients, each served by its own task.
async fn serve(listener: TcpListener) {
    let mut servers = Vec::new();
    for _ in 0..CONNECTIONS {
        let (stream, _) = net::accept(&listener).await.unwrap();
        servers.push(spawn(echo(stream)));
    }
    for server in servers {
        server.await.unwrap();
    }
}

/// Sends each message and reads it back before the next; returns the bytes checked.
async fn client(addr: SocketAddr, id: usize) -> usize {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let mut checked = 0;
    let mut back = Vec::new();
    for index in 0..MESSAGES {
        let sent = message(id, index);
        send_all(&stream, &sent).await;
        back.resize(sent.len(), 0);
        recv_exact(&stream, &mut back).await;
        assert!(
            back == sent,
            "client {id} message {index} came back changed"
        );
        checked += back.len();
    }
    checked
}

#[test]
fn hundred_connections_echo_a_thousand_messages_each() {
    let checked = block_on(async {
        let listener = net::listen("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = spawn(serve(listener));
        let clients: Vec<_> = (0..CONNECTIONS).map(|id| spawn(client(addr, id))).collect();

        let done = Rc::new(Cell::new(0));
        let checked = timeout(Duration::from_secs(60), async {
            let mut checked = 0;
            for client in clients {
                checked += client.await.unwrap();
                done.set(done.get() + 1);
            }
            checked
        })
        .await
        .unwrap_or_else(|_| panic!("only {} of {CONNECTIONS} clients finished", done.get()));
        // The clients dropped their streams, so every echo task sees end-of-stream.
        server.await.unwrap();
        checked
    });
    let expected: usize = (0..CONNECTIONS)
        .flat_map(|id| (0..MESSAGES).map(move |index| message(id, index).len()))
        .sum();
    assert_eq!(checked, expected);
}
