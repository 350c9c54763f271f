//! What `http_hello` serves on each connection: hyper's HTTP/1.1 server
//! with keep-alive and a header read timeout on loopy's timer heap, and
//! the service that answers `Hello, World!`, or for a `POST` its body's
//! length and FNV-1a checksum.
//!
//! The program hands [`connection`] a `TcpStream`; a test can hand it one
//! end of a `loopy::io::duplex` pair and be the client itself, with no
//! socket, under a paused clock.

use std::cell::Cell;
use std::future::poll_fn;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::server::conn::http1::{self, Connection};
use hyper::service::{service_fn, HttpService};
use hyper::{Method, Request, Response};
use loopy::hyper::Io;

/// The body of every response to a request that is not a `POST`.
pub const HELLO: &str = "Hello, World!";

/// One HTTP/1.1 connection over `stream`, answered by the hello service,
/// cut off if a request's headers take longer than `header_timeout`;
/// `requests` counts the requests it answers. Await it to serve the
/// connection until the client leaves; `graceful_shutdown` finishes the
/// request in flight, then closes.
///
/// # Examples
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
///
/// use loopy_examples::hello_http::connection;
///
/// loopy::block_on(async {
///     let (client, server) = loopy::io::duplex(1024);
///     let requests = Rc::new(Cell::new(0));
///     let serving = loopy::spawn(connection(server, Duration::from_secs(5), Rc::clone(&requests)));
///     client.send_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await?;
///     let mut response = Vec::new();
///     let mut chunk = [0u8; 256];
///     loop {
///         match client.recv(&mut chunk).await? {
///             0 => break,
///             n => response.extend_from_slice(&chunk[..n]),
///         }
///     }
///     assert!(String::from_utf8_lossy(&response).ends_with("Hello, World!"));
///     serving.await.unwrap().unwrap();
///     assert_eq!(requests.get(), 1);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn connection<T>(
    stream: T,
    header_timeout: Duration,
    requests: Rc<Cell<u64>>,
) -> Connection<Io<T>, impl HttpService<Incoming, ResBody = String, Error = hyper::Error>>
where
    Io<T>: hyper::rt::Read + hyper::rt::Write + Unpin,
{
    let hello = service_fn(move |request: Request<Incoming>| {
        requests.set(requests.get() + 1);
        answer(request)
    });
    http1::Builder::new()
        .timer(loopy::hyper::Timer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true)
        .serve_connection(Io::new(stream), hello)
}

/// `Hello, World!`, or for a `POST` the length and checksum of its body,
/// which is read frame by frame as it arrives, never held whole.
///
/// # Errors
///
/// If the body cannot be read (the client went away mid-upload).
async fn answer(request: Request<Incoming>) -> hyper::Result<Response<String>> {
    if request.method() != Method::POST {
        return Ok(Response::new(HELLO.to_owned()));
    }
    let mut body = request.into_body();
    let mut checksum = Checksum::default();
    // Polling the body is what makes hyper send `100 Continue`.
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        if let Ok(data) = frame?.into_data() {
            checksum.add(&data);
        }
    }
    Ok(Response::new(format!(
        "{} bytes, FNV-1a {:016x}\n",
        checksum.len, checksum.hash
    )))
}

/// The length and 64-bit FNV-1a hash of the bytes added so far: a
/// checksum simple enough for a client to compute the same way.
struct Checksum {
    /// How many bytes were added.
    len: u64,
    /// FNV-1a of those bytes.
    hash: u64,
}

impl Default for Checksum {
    fn default() -> Checksum {
        Checksum {
            len: 0,
            hash: 0xcbf2_9ce4_8422_2325,
        }
    }
}

impl Checksum {
    /// Adds `bytes` to the checksum.
    fn add(&mut self, bytes: &[u8]) {
        self.len += bytes.len() as u64;
        for &byte in bytes {
            self.hash = (self.hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
