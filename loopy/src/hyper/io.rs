//! `Io<T>`: a stream, as hyper's `rt::Read` and `rt::Write`.
//!
//! hyper reads into a buffer it has not initialised (`rt::ReadBuf`), to
//! spare zero-filling memory the kernel is about to overwrite. A loopy
//! [`TcpStream`] or [`UnixStream`] inside `Io` reads into it exactly so,
//! with `read(2)` on the socket. Any other stream only has
//! `futures_io::AsyncRead`, which takes `&mut [u8]`, an initialised
//! buffer: for those, `Io` zero-fills the part of hyper's buffer that has
//! never been initialised before handing it over. `ReadBuf` remembers how
//! much is initialised, so a buffer hyper reuses is filled only once.
//!
//! Which of the two a stream gets is decided by its type (`T` is compared
//! with loopy's stream types through `Any`); the compiler folds the test
//! away.

use std::any::Any;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use ::hyper::rt::{Read, ReadBufCursor, Write};
use futures_io::{AsyncRead, AsyncWrite};

use crate::net::{TcpStream, UnixStream};

/// A stream wrapped for hyper: `Io<T>` implements `hyper::rt::Read` when
/// `T` is an `Unpin + 'static` `futures_io::AsyncRead` (`'static` because
/// loopy's own streams are recognised by type, to read without
/// zero-filling), and `hyper::rt::Write` when `T` is an `Unpin`
/// `futures_io::AsyncWrite`. loopy's `TcpStream` and `UnixStream` do both.
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::mem::MaybeUninit;
/// use std::pin::Pin;
/// use hyper::rt::{Read, ReadBuf};
/// use loopy::hyper::Io;
/// use loopy::net::UnixStream;
///
/// loopy::block_on(async {
///     let (a, b) = UnixStream::pair()?;
///     a.send_all(b"GET / HTTP/1.1\r\n\r\n").await?;
///     let mut io = Io::new(b);
///     let mut storage = [MaybeUninit::<u8>::uninit(); 64];
///     let mut buf = ReadBuf::uninit(&mut storage);
///     poll_fn(|cx| Pin::new(&mut io).poll_read(cx, buf.unfilled())).await?;
///     assert_eq!(buf.filled(), b"GET / HTTP/1.1\r\n\r\n");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Io<T> {
    /// The stream hyper reads and writes through.
    inner: T,
}

impl<T> Io<T> {
    /// Wraps `inner` for hyper.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     let _io = loopy::hyper::Io::new(a);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new(inner: T) -> Io<T> {
        Io { inner }
    }

    /// The wrapped stream.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     let io = loopy::hyper::Io::new(a);
    ///     assert!(io.get_ref().peer_addr()?.is_unnamed());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     let mut io = loopy::hyper::Io::new(a);
    ///     let _stream: &mut loopy::net::UnixStream = io.get_mut();
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// loopy::block_on(async {
    ///     let (a, _b) = loopy::net::UnixStream::pair()?;
    ///     let a: loopy::net::UnixStream = loopy::hyper::Io::new(a).into_inner();
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncRead + Unpin + 'static> Read for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let inner: &dyn Any = &this.inner;
        let received = if let Some(stream) = inner.downcast_ref::<TcpStream>() {
            // SAFETY: `poll_recv_uninit` only ever writes received bytes
            // into the slice, never uninitialised memory.
            ready!(stream.poll_recv_uninit(cx, unsafe { buf.as_mut() }))?
        } else if let Some(stream) = inner.downcast_ref::<UnixStream>() {
            // SAFETY: as above.
            ready!(stream.poll_recv_uninit(cx, unsafe { buf.as_mut() }))?
        } else {
            let unfilled = buf.initialize_unfilled();
            let room = unfilled.len();
            let read = ready!(Pin::new(&mut this.inner).poll_read(cx, unfilled))?;
            // A safe `AsyncRead` may claim more than it could have read;
            // believing it would hand hyper bytes past the buffer.
            if read > room {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("an AsyncRead said it read {read} bytes into a buffer of {room}"),
                )));
            }
            read
        };
        // SAFETY: the read initialised the first `received` bytes of the
        // unfilled part (the kernel wrote them, or they were zero-filled
        // before `poll_read` wrote them).
        unsafe { buf.advance(received) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> Write for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    /// Closes the write side (`poll_close`), so the peer reads end-of-file.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::mem::MaybeUninit;
    use std::net::Shutdown;

    use ::hyper::rt::ReadBuf;

    use super::*;

    /// What the storage holds before any read: not zero, so that a
    /// zero-fill would show.
    const UNTOUCHED: u8 = 0xA5;

    /// One `poll_read` of hyper's, into the unfilled part of `buf`.
    async fn read_once<T: AsyncRead + Unpin + 'static>(
        io: &mut Io<T>,
        buf: &mut ReadBuf<'_>,
    ) -> io::Result<()> {
        poll_fn(|cx| Pin::new(&mut *io).poll_read(cx, buf.unfilled())).await
    }

    /// Storage that hyper's `ReadBuf::uninit` takes for uninitialised, yet
    /// holds `UNTOUCHED` in every byte, so a test can see what was written.
    fn marked_storage<const N: usize>() -> [MaybeUninit<u8>; N] {
        [MaybeUninit::new(UNTOUCHED); N]
    }

    /// The bytes of `storage`, all of which `marked_storage` initialised.
    fn bytes(storage: &[MaybeUninit<u8>]) -> Vec<u8> {
        // SAFETY: `marked_storage` initialised every byte, and reads only
        // ever write initialised bytes over them.
        storage
            .iter()
            .map(|byte| unsafe { byte.assume_init() })
            .collect()
    }

    #[test]
    fn loopy_streams_read_into_uninitialised_memory_without_zero_filling() {
        crate::block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            let (tcp_a, tcp_b) = tcp_pair().await;
            a.send_all(b"hello").await.unwrap();
            tcp_a.send_all(b"hello").await.unwrap();
            check_uninit_read(Io::new(b)).await;
            check_uninit_read(Io::new(tcp_b)).await;
        });
    }

    async fn check_uninit_read<T: AsyncRead + Unpin + 'static>(mut io: Io<T>) {
        let mut storage = marked_storage::<16>();
        let mut buf = ReadBuf::uninit(&mut storage);
        read_once(&mut io, &mut buf).await.unwrap();
        assert_eq!(buf.filled(), b"hello");
        let mut expected = b"hello".to_vec();
        expected.resize(16, UNTOUCHED);
        assert_eq!(
            bytes(&storage),
            expected,
            "the rest must not be zero-filled"
        );
    }

    #[test]
    fn partial_reads_fill_exactly_what_arrived() {
        crate::block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            let mut io = Io::new(b);
            let mut storage = marked_storage::<8>();
            let mut buf = ReadBuf::uninit(&mut storage);

            a.send_all(b"abc").await.unwrap();
            read_once(&mut io, &mut buf).await.unwrap();
            assert_eq!(buf.filled(), b"abc");
            // The next read appends; more is sent than fits.
            a.send_all(b"defghijk").await.unwrap();
            read_once(&mut io, &mut buf).await.unwrap();
            assert_eq!(buf.filled(), b"abcdefgh");
            // The rest waits for the next buffer.
            let mut rest = marked_storage::<8>();
            let mut rest_buf = ReadBuf::uninit(&mut rest);
            read_once(&mut io, &mut rest_buf).await.unwrap();
            assert_eq!(rest_buf.filled(), b"ijk");
        });
    }

    #[test]
    fn end_of_stream_fills_nothing() {
        crate::block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            drop(a);
            let mut io = Io::new(b);
            let mut storage = marked_storage::<8>();
            let mut buf = ReadBuf::uninit(&mut storage);
            read_once(&mut io, &mut buf).await.unwrap();
            assert!(buf.filled().is_empty());
        });
    }

    /// A `futures_io` reader that is not a loopy stream: it hands out its
    /// bytes at most `chunk` at a time.
    struct Chunked {
        data: Vec<u8>,
        chunk: usize,
    }

    impl AsyncRead for Chunked {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data.drain(..n);
            Poll::Ready(Ok(n))
        }
    }

    #[test]
    fn other_futures_io_readers_get_an_initialised_buffer() {
        crate::block_on(async {
            let data = b"0123456789".to_vec();
            let mut io = Io::new(Chunked { data, chunk: 4 });
            let mut storage = marked_storage::<16>();
            let mut buf = ReadBuf::uninit(&mut storage);
            for expected in [&b"0123"[..], b"01234567", b"0123456789", b"0123456789"] {
                read_once(&mut io, &mut buf).await.unwrap();
                assert_eq!(buf.filled(), expected);
            }
            // Documented: the unfilled part was zeroed before the reader saw it.
            let mut expected = b"0123456789".to_vec();
            expected.resize(16, 0);
            assert_eq!(bytes(&storage), expected);
        });
    }

    /// A reader that claims to have read more than its buffer holds.
    struct Boastful;

    impl AsyncRead for Boastful {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Ok(buf.len() + 1))
        }
    }

    #[test]
    fn a_reader_that_claims_too_many_bytes_is_an_error_not_a_buffer_overrun() {
        crate::block_on(async {
            let mut io = Io::new(Boastful);
            let mut storage = marked_storage::<8>();
            let mut buf = ReadBuf::uninit(&mut storage);
            let err = read_once(&mut io, &mut buf).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(
                err.to_string().contains("9 bytes into a buffer of 8"),
                "{err}"
            );
            assert!(buf.filled().is_empty());
        });
    }

    #[test]
    fn writes_arrive_and_shutdown_ends_the_stream() {
        crate::block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            let mut io = Io::new(a);
            let mut data: &[u8] = b"HTTP/1.1 200 OK\r\n\r\n";
            while !data.is_empty() {
                let n = poll_fn(|cx| Pin::new(&mut io).poll_write(cx, data))
                    .await
                    .unwrap();
                data = &data[n..];
            }
            poll_fn(|cx| Pin::new(&mut io).poll_flush(cx))
                .await
                .unwrap();
            poll_fn(|cx| Pin::new(&mut io).poll_shutdown(cx))
                .await
                .unwrap();
            let mut got = Vec::new();
            let mut chunk = [0; 64];
            loop {
                match b.recv(&mut chunk).await.unwrap() {
                    0 => break,
                    n => got.extend_from_slice(&chunk[..n]),
                }
            }
            assert_eq!(got, b"HTTP/1.1 200 OK\r\n\r\n");
            // Only the write side closed: `io`'s stream can still read.
            b.send_all(b"x").await.unwrap();
            assert_eq!(io.get_ref().recv(&mut chunk).await.unwrap(), 1);
            io.get_ref().shutdown(Shutdown::Both).unwrap();
        });
    }

    /// A connected TCP pair on 127.0.0.1.
    async fn tcp_pair() -> (TcpStream, TcpStream) {
        let listener = crate::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (client, server)
    }
}
