//! hyper 1.x on loopy (the `hyper` feature).
//!
//! hyper brings its own HTTP machinery but no runtime: it asks for I/O
//! through its `rt::Read`/`rt::Write` traits, for spawning through
//! `rt::Executor`, and for time through `rt::Timer`. This module answers
//! each with loopy:
//!
//! - [`Io`] wraps a [`TcpStream`](crate::net::TcpStream),
//!   [`UnixStream`](crate::net::UnixStream), or anything with
//!   `futures_io::AsyncRead`/`AsyncWrite`. loopy's own streams read
//!   straight into hyper's uninitialised buffer.
//! - [`Executor`] spawns on the running loop. Its futures need not be
//!   `Send`, so HTTP/2's per-stream tasks work on one thread.
//! - [`Timer`] hands out sleeps that are `Send + Sync`, as hyper requires,
//!   yet are timers in loopy's own heap: `header_read_timeout` and the
//!   keep-alive timeouts fire with loopy's precision and need no thread.
//!
//! # Examples
//!
//! An HTTP/1.1 server (with hyper's `server` and `http1` features) gives
//! hyper the three, one task per connection:
//!
//! ```no_run
//! use std::convert::Infallible;
//! use std::time::Duration;
//!
//! use hyper::server::conn::http1;
//! use hyper::service::service_fn;
//! use hyper::{body::Incoming, Request, Response};
//!
//! #[loopy::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = loopy::net::TcpListener::bind("127.0.0.1:8080")?;
//!     loop {
//!         let (stream, _) = listener.accept().await?;
//!         loopy::spawn(async move {
//!             let hello = service_fn(|_: Request<Incoming>| async {
//!                 Ok::<_, Infallible>(Response::new(String::from("Hello, World!")))
//!             });
//!             let served = http1::Builder::new()
//!                 .timer(loopy::hyper::Timer::new())
//!                 .header_read_timeout(Duration::from_secs(5))
//!                 .serve_connection(loopy::hyper::Io::new(stream), hello)
//!                 .await;
//!             if let Err(err) = served {
//!                 eprintln!("connection failed: {err}");
//!             }
//!         });
//!     }
//! }
//! ```
//!
//! `tests/tests/hyper_http1.rs` in loopy's repository runs such a server
//! and talks to it.
//!
//! What hyper then does with them, by hand:
//!
//! ```
//! use std::future::poll_fn;
//! use std::pin::Pin;
//! use std::time::Duration;
//! use hyper::rt::{Executor as _, Timer as _, Write as _};
//!
//! loopy::block_on(async {
//!     let (server, client) = loopy::net::UnixStream::pair()?;
//!     let mut io = loopy::hyper::Io::new(server);
//!     // A "connection task", spawned on the loop.
//!     loopy::hyper::Executor::new().execute(async move {
//!         poll_fn(|cx| Pin::new(&mut io).poll_write(cx, b"HTTP/1.1 200 OK\r\n")).await
//!     });
//!     // A timeout, on loopy's timer heap.
//!     loopy::hyper::Timer::new().sleep(Duration::from_millis(1)).await;
//!     let mut buf = [0; 17];
//!     client.recv_exact(&mut buf).await?;
//!     assert_eq!(&buf, b"HTTP/1.1 200 OK\r\n");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

mod executor;
mod io;
mod timer;

pub use executor::Executor;
pub use io::Io;
pub use timer::{SendSleep, Timer};
