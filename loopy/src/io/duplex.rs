//! `duplex`: a connected pair of in-memory streams, a socket pair with no
//! kernel.
//!
//! Protocol code written against [`TcpStream`](crate::net::TcpStream) (or
//! the `futures-io` traits, or [`loopy::hyper::Io`](crate::hyper)) can be
//! tested over a [`DuplexStream`] instead: the same `recv`, `send`,
//! `send_all`, `recv_exact` and `shutdown`, the same end-of-stream and
//! broken-pipe rules, but every byte stays in this process.
//!
//! # How it works
//!
//! Each direction is one `Pipe`: a bounded buffer of bytes that one end
//! writes and the other reads, shared by the two ends in an `Rc`. A reader
//! that finds the buffer empty leaves its waker in the pipe and returns
//! `Pending`; the writer wakes it when it adds bytes or closes. A writer
//! that finds the buffer full does the same, and the reader wakes it when
//! it takes bytes out. Nothing is registered with the reactor, so a task
//! waiting on a duplex stream is woken by the other end's task alone,
//! never by the poller.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::Shutdown;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::stream_io::{impl_futures_io, StreamIo};

/// Creates a connected pair of in-memory streams, each direction holding at
/// most `capacity` bytes that have been sent and not yet received.
///
/// What one end sends, the other receives, in order. A `send` to a full
/// direction waits until the reader makes room; a `recv` from an empty one
/// waits until bytes arrive or the writer closes. The streams need no
/// runtime to be created, and waiting on them involves no file
/// descriptor.
///
/// # Panics
///
/// If `capacity` is 0: such a pair could never carry a byte, so every
/// `send` would wait for ever. The message names the function and the fix.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let (client, server) = loopy::io::duplex(64);
///     client.send_all(b"ping").await?;
///     let mut buf = [0; 4];
///     server.recv_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn duplex(capacity: usize) -> (DuplexStream, DuplexStream) {
    assert!(
        capacity > 0,
        "loopy::io::duplex: capacity 0 could never carry a byte; give each direction at least 1 byte"
    );
    let one_way = Rc::new(RefCell::new(Pipe::new(capacity)));
    let other_way = Rc::new(RefCell::new(Pipe::new(capacity)));
    let a = DuplexStream {
        incoming: Rc::clone(&one_way),
        outgoing: Rc::clone(&other_way),
    };
    let b = DuplexStream {
        incoming: other_way,
        outgoing: one_way,
    };
    (a, b)
}

/// One end of an in-memory connection made by [`duplex`].
///
/// It behaves as a connected [`TcpStream`](crate::net::TcpStream) does:
/// `recv` returns `Ok(0)` once the peer has shut down its write side (or
/// been dropped) and every byte it sent has been received; `send` fails
/// with `BrokenPipe` once the peer has been dropped or has shut down its
/// read side. `recv` and `send` take `&self`, so one task can read while
/// another writes; each direction keeps one waiting reader's waker and one
/// waiting writer's, so of two tasks waiting to read the same end, only the
/// later is woken. `DuplexStream` and `&DuplexStream` also implement
/// `futures_io::AsyncRead` and `AsyncWrite`.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let (client, server) = loopy::io::duplex(1024);
///     let echo = loopy::spawn(async move {
///         let mut buf = [0; 64];
///         let n = server.recv(&mut buf).await?;
///         server.send_all(&buf[..n]).await
///     });
///     client.send_all(b"hello").await?;
///     let mut buf = [0; 5];
///     client.recv_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hello");
///     echo.await.unwrap()
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct DuplexStream {
    /// The direction this end reads from: the peer's `outgoing`.
    incoming: Rc<RefCell<Pipe>>,
    /// The direction this end writes to: the peer's `incoming`.
    outgoing: Rc<RefCell<Pipe>>,
}

/// One direction of a duplex pair: bytes written by one end and not yet
/// read by the other.
struct Pipe {
    /// The bytes in flight, oldest first; never more than `capacity`.
    /// Grows as needed, so a large capacity costs nothing until used.
    bytes: VecDeque<u8>,
    /// The most bytes `bytes` may hold; a writer that finds it full waits.
    capacity: usize,
    /// The writing end shut down its write side or was dropped: once
    /// `bytes` is empty, the reader sees end-of-stream.
    write_closed: bool,
    /// The reading end shut down its read side or was dropped: nobody will
    /// read again, so a send fails with `BrokenPipe`.
    read_closed: bool,
    /// The task waiting for bytes (or for the end of the stream), woken by
    /// a write or a close.
    reader: Option<Waker>,
    /// The task waiting for room, woken by a read or a close.
    writer: Option<Waker>,
}

impl Pipe {
    /// An empty, open direction of `capacity` bytes.
    fn new(capacity: usize) -> Pipe {
        Pipe {
            bytes: VecDeque::new(),
            capacity,
            write_closed: false,
            read_closed: false,
            reader: None,
            writer: None,
        }
    }

    /// Ends the writing side and hands back the reader's waker, so that a
    /// waiting reader sees the end of the stream.
    fn close_write(&mut self) -> Option<Waker> {
        self.write_closed = true;
        self.reader.take()
    }

    /// Ends the reading side: the bytes in flight will never be read, so
    /// they go, and a waiting writer's waker comes back to learn that its
    /// pipe is broken.
    fn close_read(&mut self) -> Option<Waker> {
        self.read_closed = true;
        self.bytes = VecDeque::new();
        self.writer.take()
    }
}

/// Stores `waker` in `slot`, reusing the one there if it wakes the same task.
fn store(slot: &mut Option<Waker>, waker: &Waker) {
    match slot {
        Some(stored) if stored.will_wake(waker) => {}
        _ => *slot = Some(waker.clone()),
    }
}

/// Wakes `waker`, if any, after the pipe's borrow has ended (a waker may
/// run code that polls this very stream).
fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl StreamIo for DuplexStream {
    fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let mut pipe = self.incoming.borrow_mut();
        if pipe.bytes.is_empty() {
            if pipe.write_closed || pipe.read_closed {
                return Poll::Ready(Ok(0));
            }
            store(&mut pipe.reader, cx.waker());
            return Poll::Pending;
        }
        // Copy from the front, which a `VecDeque` may hold in two pieces.
        let n = buf.len().min(pipe.bytes.len());
        for (to, from) in buf.iter_mut().zip(pipe.bytes.drain(..n)) {
            *to = from;
        }
        // Room was made: a writer waiting for it can go on.
        let writer = pipe.writer.take();
        drop(pipe);
        wake(writer);
        Poll::Ready(Ok(n))
    }

    fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let mut pipe = self.outgoing.borrow_mut();
        if pipe.read_closed || pipe.write_closed {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "DuplexStream::send: the stream's write side is closed \
                 (the peer was dropped or shut down its read side, or this end shut down its write side)",
            )));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let room = pipe.capacity - pipe.bytes.len();
        if room == 0 {
            store(&mut pipe.writer, cx.waker());
            return Poll::Pending;
        }
        let n = buf.len().min(room);
        pipe.bytes.extend(&buf[..n]);
        // Bytes arrived: a reader waiting for them can go on.
        let reader = pipe.reader.take();
        drop(pipe);
        wake(reader);
        Poll::Ready(Ok(n))
    }
}

impl DuplexStream {
    /// Receives up to `buf.len()` bytes, waiting until at least one is
    /// there; `Ok(0)` means the peer shut down its write side or was
    /// dropped, and every byte it sent has been received (or `buf` is
    /// empty).
    ///
    /// # Errors
    ///
    /// None at present; the `io::Result` matches `TcpStream::recv`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::io::duplex(16);
    ///     a.send_all(b"hi").await?;
    ///     drop(a);
    ///     let mut buf = [0; 16];
    ///     assert_eq!(b.recv(&mut buf).await?, 2);
    ///     assert_eq!(b.recv(&mut buf).await?, 0, "end of stream");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn recv<'a>(&'a self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        StreamIo::recv(self, buf)
    }

    /// Receives exactly `buf.len()` bytes.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the peer closes first.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::io::duplex(16);
    ///     a.send_all(b"abc").await?;
    ///     drop(a);
    ///     let mut buf = [0; 4];
    ///     let err = b.recv_exact(&mut buf).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_exact(&self, buf: &mut [u8]) -> io::Result<()> {
        StreamIo::recv_exact(self, buf).await
    }

    /// Sends as much of `buf` as there is room for, waiting until there is
    /// room for at least one byte, and returns how much; see
    /// [`send_all`](DuplexStream::send_all) to send all of it.
    ///
    /// # Errors
    ///
    /// `BrokenPipe` once the peer was dropped or shut down its read side,
    /// or this end shut down its write side.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::io::duplex(4);
    ///     assert_eq!(a.send(b"abcdef").await?, 4, "only 4 bytes of room");
    ///     drop(b);
    ///     let err = a.send(b"x").await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn send<'a>(&'a self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        StreamIo::send(self, buf)
    }

    /// Sends all of `buf`, waiting for room as often as it takes.
    ///
    /// # Errors
    ///
    /// As for [`send`](DuplexStream::send); some of `buf` may have been
    /// sent by then.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::io::duplex(2);
    ///     let reader = loopy::spawn(async move {
    ///         let mut buf = [0; 6];
    ///         b.recv_exact(&mut buf).await.map(|()| buf)
    ///     });
    ///     a.send_all(b"abcdef").await?;
    ///     assert_eq!(&reader.await.unwrap()?, b"abcdef");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_all(&self, buf: &[u8]) -> io::Result<()> {
        StreamIo::send_all(self, buf).await
    }

    /// Shuts down the read side, the write side or both; immediate.
    ///
    /// After `Shutdown::Write`, the peer's `recv` returns `Ok(0)` once it
    /// has read what was sent, and this end's `send` fails with
    /// `BrokenPipe`. After `Shutdown::Read`, this end's `recv` returns
    /// `Ok(0)`, bytes not yet read are dropped, and the peer's `send` fails
    /// with `BrokenPipe`. Shutting down a side twice is harmless.
    ///
    /// # Errors
    ///
    /// None at present; the `io::Result` matches `TcpStream::shutdown`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Shutdown;
    ///
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::io::duplex(16);
    ///     a.send_all(b"last words").await?;
    ///     a.shutdown(Shutdown::Write)?;
    ///     let mut buf = Vec::new();
    ///     let mut chunk = [0; 4];
    ///     loop {
    ///         match b.recv(&mut chunk).await? {
    ///             0 => break,
    ///             n => buf.extend_from_slice(&chunk[..n]),
    ///         }
    ///     }
    ///     assert_eq!(buf, b"last words");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        if matches!(how, Shutdown::Write | Shutdown::Both) {
            let reader = self.outgoing.borrow_mut().close_write();
            wake(reader);
        }
        if matches!(how, Shutdown::Read | Shutdown::Both) {
            let writer = self.incoming.borrow_mut().close_read();
            wake(writer);
        }
        Ok(())
    }
}

impl Drop for DuplexStream {
    /// Closes both directions, as dropping a socket does: the peer reads
    /// end-of-stream and its sends fail with `BrokenPipe`.
    fn drop(&mut self) {
        let _ = self.shutdown(Shutdown::Both);
    }
}

impl fmt::Debug for DuplexStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (incoming, outgoing) = (self.incoming.borrow(), self.outgoing.borrow());
        f.debug_struct("DuplexStream")
            .field("capacity", &incoming.capacity)
            .field("incoming", &incoming.bytes.len())
            .field("outgoing", &outgoing.bytes.len())
            .finish()
    }
}

impl_futures_io!(@traits DuplexStream);
