//! hyper's HTTP/1.1 server on `loopy::hyper`: keep-alive over TCP and Unix
//! sockets and over an in-memory `loopy::io::duplex` pair, and `header_read_timeout` cutting off a client that sends its
//! headers too slowly (which needs `Timer`'s sleeps to fire).
//!
//! Run with `cargo test -p loopy-tests --features hyper`.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use futures_io::{AsyncRead, AsyncWrite};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use loopy::hyper::{Io, Timer};
use loopy::io::{duplex, DuplexStream};
use loopy::net::{TcpStream, UnixStream};
use loopy::{spawn, timeout, JoinHandle};
use loopy_tests::tcp_pair;

/// How long the server waits for a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_millis(300);

/// The answer to every request.
const HELLO: &str = "Hello, World!";

/// Serves one connection with hyper until the client leaves or times out.
fn serve<T>(stream: T) -> JoinHandle<hyper::Result<()>>
where
    T: AsyncRead + AsyncWrite + Unpin + 'static,
{
    spawn(async move {
        let hello = service_fn(|_: Request<hyper::body::Incoming>| async {
            Ok::<_, Infallible>(Response::new(HELLO.to_owned()))
        });
        http1::Builder::new()
            .timer(Timer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .keep_alive(true)
            .serve_connection(Io::new(stream), hello)
            .await
    })
}

/// Something to send requests on and read responses from.
trait Client {
    async fn send_all(&self, buf: &[u8]) -> std::io::Result<()>;
    async fn recv(&self, buf: &mut [u8]) -> std::io::Result<usize>;
}

impl Client for TcpStream {
    async fn send_all(&self, buf: &[u8]) -> std::io::Result<()> {
        TcpStream::send_all(self, buf).await
    }
    async fn recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        TcpStream::recv(self, buf).await
    }
}

impl Client for UnixStream {
    async fn send_all(&self, buf: &[u8]) -> std::io::Result<()> {
        UnixStream::send_all(self, buf).await
    }
    async fn recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        UnixStream::recv(self, buf).await
    }
}

impl Client for DuplexStream {
    async fn send_all(&self, buf: &[u8]) -> std::io::Result<()> {
        DuplexStream::send_all(self, buf).await
    }
    async fn recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        DuplexStream::recv(self, buf).await
    }
}

/// Reads one response whose body is `HELLO`, and returns it whole.
async fn read_hello(client: &impl Client) -> String {
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while !response.ends_with(HELLO.as_bytes()) {
        let n = timeout(Duration::from_secs(5), client.recv(&mut buf))
            .await
            .expect("the response must come")
            .unwrap();
        assert!(n > 0, "the server closed mid-response: {response:?}");
        response.extend_from_slice(&buf[..n]);
    }
    String::from_utf8(response).unwrap()
}

/// Sends three requests on one connection and checks each answer.
async fn three_requests_on_one_connection(client: &impl Client) {
    for _ in 0..3 {
        client
            .send_all(b"GET / HTTP/1.1\r\nHost: loopy\r\n\r\n")
            .await
            .unwrap();
        let response = read_hello(client).await;
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.contains("content-length: 13\r\n"), "{response}");
    }
}

/// Serves `stream` while `client` sends three requests on it, then leaves:
/// the connection must end cleanly.
async fn keep_alive<C, S>(client: C, stream: S)
where
    C: Client,
    S: AsyncRead + AsyncWrite + Unpin + 'static,
{
    let server = serve(stream);
    three_requests_on_one_connection(&client).await;
    drop(client);
    timeout(Duration::from_secs(5), server)
        .await
        .expect("the connection ends when the client leaves")
        .unwrap()
        .unwrap();
}

#[loopy::test]
async fn keep_alive_over_tcp() {
    let (client, stream) = tcp_pair().await;
    keep_alive(client, stream).await;
}

#[loopy::test]
async fn keep_alive_over_a_unix_socket() {
    let (client, stream) = UnixStream::pair().unwrap();
    keep_alive(client, stream).await;
}

#[loopy::test]
async fn keep_alive_over_an_in_memory_duplex() {
    // Smaller than one response, so hyper's writes wait for room too.
    let (client, stream) = duplex(64);
    keep_alive(client, stream).await;
}

#[loopy::test]
async fn slow_headers_are_cut_off_by_header_read_timeout() {
    let (client, stream) = UnixStream::pair().unwrap();
    let server = serve(stream);
    let start = Instant::now();
    client
        .send_all(b"GET / HTTP/1.1\r\nHost: lo")
        .await
        .unwrap();
    // The rest of the headers never comes: the server must give up.
    let mut buf = [0u8; 1024];
    loop {
        let n = timeout(Duration::from_secs(5), client.recv(&mut buf))
            .await
            .expect("header_read_timeout must close the connection")
            .unwrap();
        if n == 0 {
            break;
        }
    }
    assert!(start.elapsed() >= HEADER_READ_TIMEOUT);
    let result = server.await.unwrap();
    assert!(result.is_err(), "hyper reports the timeout");
}
