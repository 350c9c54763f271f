//! Owned halves of a stream: `into_split` for two tasks, one reading and
//! one writing.
//!
//! A stream's `recv` and `send` take `&self` already, so two tasks could
//! share it in an `Rc`. The halves are that `Rc` with a direction each:
//! the read half offers only reads and `AsyncRead`, the write half only
//! writes and `AsyncWrite`, so each task's type says what it does (tokio's
//! `OwnedReadHalf` and `OwnedWriteHalf`). The socket closes when the last
//! half is dropped; [`OwnedReadHalf::reunite`] puts the two back together.

use std::error::Error;
use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use crate::io::stream_io::{recv_exact, send_all};

/// The reading half of a [`TcpStream`](super::TcpStream) or
/// [`UnixStream`](super::UnixStream), from `into_split`.
///
/// # Examples
///
/// ```
/// use loopy::net::UnixStream;
///
/// loopy::block_on(async {
///     let (a, b) = UnixStream::pair()?;
///     let (reader, writer) = a.into_split();
///     let echo = loopy::spawn(async move {
///         let mut buf = [0; 4];
///         reader.recv_exact(&mut buf).await.map(|()| buf)
///     });
///     b.send_all(b"ping").await?;
///     assert_eq!(&echo.await.unwrap()?, b"ping");
///     drop(writer);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct OwnedReadHalf<S> {
    /// The stream, shared with the write half.
    stream: Rc<S>,
}

/// The writing half of a [`TcpStream`](super::TcpStream) or
/// [`UnixStream`](super::UnixStream), from `into_split`.
///
/// Dropping it does not shut the write side down (the read half still
/// holds the socket); call `shutdown(Shutdown::Write)` on the stream or
/// `close` from `futures-io`'s `AsyncWriteExt` for that.
///
/// # Examples
///
/// ```
/// use loopy::net::UnixStream;
///
/// loopy::block_on(async {
///     let (a, b) = UnixStream::pair()?;
///     let (_reader, writer) = a.into_split();
///     writer.send_all(b"hi").await?;
///     let mut buf = [0; 2];
///     b.recv_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct OwnedWriteHalf<S> {
    /// The stream, shared with the read half.
    stream: Rc<S>,
}

/// Splits `stream` into its two halves.
pub(crate) fn split<S>(stream: S) -> (OwnedReadHalf<S>, OwnedWriteHalf<S>) {
    let stream = Rc::new(stream);
    let read = OwnedReadHalf {
        stream: Rc::clone(&stream),
    };
    (read, OwnedWriteHalf { stream })
}

impl<S> OwnedReadHalf<S>
where
    for<'a> &'a S: AsyncRead,
{
    /// Receives up to `buf.len()` bytes; `Ok(0)` means the peer closed its
    /// side (or `buf` is empty). The same as the stream's `recv`.
    ///
    /// # Errors
    ///
    /// The OS error, such as `ConnectionReset`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
    ///     let (reader, _writer) = a.into_split();
    ///     b.send_all(b"x").await?;
    ///     let mut buf = [0; 8];
    ///     assert_eq!(reader.recv(&mut buf).await?, 1);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn recv<'a>(&'a self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        poll_fn(move |cx| self.poll_recv(cx, buf))
    }

    /// Receives exactly `buf.len()` bytes.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the peer closes first, or the OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, b) = loopy::net::UnixStream::pair()?;
    ///     let (reader, _writer) = a.into_split();
    ///     b.send_all(b"abc").await?;
    ///     let mut buf = [0; 3];
    ///     reader.recv_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"abc");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn recv_exact(&self, buf: &mut [u8]) -> io::Result<()> {
        recv_exact(|cx, buf| self.poll_recv(cx, buf), buf).await
    }

    /// The poll form of `recv`: the stream's `AsyncRead`.
    fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.stream).poll_read(cx, buf)
    }
}

impl<S> OwnedReadHalf<S> {
    /// Puts the two halves of one stream back together.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], holding both halves, if they came from two
    /// different streams.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     let (reader, writer) = a.into_split();
    ///     let a = reader.reunite(writer).expect("halves of one stream");
    ///     assert!(a.peer_addr().is_ok());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reunite(self, write: OwnedWriteHalf<S>) -> Result<S, ReuniteError<S>> {
        if !Rc::ptr_eq(&self.stream, &write.stream) {
            return Err(ReuniteError(self, write));
        }
        drop(write);
        Ok(Rc::into_inner(self.stream).expect("a stream has exactly two halves"))
    }
}

impl<S> OwnedWriteHalf<S>
where
    for<'a> &'a S: AsyncWrite,
{
    /// Sends some of `buf` and returns how much. The same as the stream's
    /// `send`.
    ///
    /// # Errors
    ///
    /// The OS error, such as `BrokenPipe` or `ConnectionReset`.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     let (_reader, writer) = a.into_split();
    ///     assert_eq!(writer.send(b"hi").await?, 2);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn send<'a>(&'a self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        poll_fn(move |cx| self.poll_send(cx, buf))
    }

    /// Sends all of `buf`, however many sends that takes.
    ///
    /// # Errors
    ///
    /// The OS error; some of `buf` may have been sent by then.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     let (_reader, writer) = a.into_split();
    ///     writer.send_all(b"hello").await?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn send_all(&self, buf: &[u8]) -> io::Result<()> {
        send_all(|cx, buf| self.poll_send(cx, buf), buf).await
    }

    /// The poll form of `send`: the stream's `AsyncWrite`.
    fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.stream).poll_write(cx, buf)
    }
}

impl<S> AsyncRead for OwnedReadHalf<S>
where
    for<'a> &'a S: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_recv(cx, buf)
    }
}

impl<S> AsyncWrite for OwnedWriteHalf<S>
where
    for<'a> &'a S: AsyncWrite,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_send(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.stream).poll_flush(cx)
    }

    /// Shuts down the write side, so the peer reads end-of-file.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.stream).poll_close(cx)
    }
}

impl<S: fmt::Debug> fmt::Debug for OwnedReadHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedReadHalf").field(&self.stream).finish()
    }
}

impl<S: fmt::Debug> fmt::Debug for OwnedWriteHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedWriteHalf").field(&self.stream).finish()
    }
}

/// The two halves given to [`OwnedReadHalf::reunite`], handed back
/// because they belong to different streams.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let (a, b) = loopy::net::UnixStream::pair()?;
///     let (a_reader, _a_writer) = a.into_split();
///     let (_b_reader, b_writer) = b.into_split();
///     let loopy::net::ReuniteError(_reader, _writer) =
///         a_reader.reunite(b_writer).unwrap_err();
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct ReuniteError<S>(pub OwnedReadHalf<S>, pub OwnedWriteHalf<S>);

impl<S> fmt::Debug for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReuniteError(..)")
    }
}

impl<S> fmt::Display for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("reunite: the two halves belong to different streams")
    }
}

impl<S> Error for ReuniteError<S> {}
