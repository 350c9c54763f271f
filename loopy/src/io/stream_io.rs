//! What every byte stream offers once it can receive and send without
//! waiting: `recv`, `send`, `send_all` and `recv_exact`, written once over
//! two poll functions, and the `futures-io` traits over the same two. The
//! sockets of `net/` and the in-memory `duplex` streams share them.

use std::future::{poll_fn, Future};
use std::io;
use std::task::{Context, Poll};

/// What a byte stream does once it can receive and send without waiting:
/// `recv`, `send`, `send_all` and `recv_exact` written once over the two
/// poll functions, for the sockets here and for `loopy::io::duplex`.
pub(crate) trait StreamIo {
    /// Receives up to `buf.len()` bytes into `buf` if any are there;
    /// `Ok(0)` is end-of-stream.
    fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;

    /// Sends some of `buf` if there is room, and returns how much.
    fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;

    /// Receives up to `buf.len()` bytes; `Ok(0)` is end-of-stream.
    fn recv<'a>(&'a self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        poll_fn(move |cx| self.poll_recv(cx, buf))
    }

    /// Receives exactly `buf.len()` bytes, or fails with `UnexpectedEof`
    /// saying how many came before the peer closed.
    async fn recv_exact(&self, buf: &mut [u8]) -> io::Result<()> {
        recv_exact(|cx, buf| self.poll_recv(cx, buf), buf).await
    }

    /// Sends some of `buf` and returns how much.
    fn send<'a>(&'a self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a {
        poll_fn(move |cx| self.poll_send(cx, buf))
    }

    /// Sends all of `buf`, however many sends that takes.
    async fn send_all(&self, buf: &[u8]) -> io::Result<()> {
        send_all(|cx, buf| self.poll_send(cx, buf), buf).await
    }
}

/// Receives exactly `buf.len()` bytes through `poll_recv`, or fails with
/// `UnexpectedEof` saying how many came before the peer closed. Shared by
/// the streams, their read halves and `StreamIo`.
pub(crate) async fn recv_exact(
    mut poll_recv: impl FnMut(&mut Context<'_>, &mut [u8]) -> Poll<io::Result<usize>>,
    buf: &mut [u8],
) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        match poll_fn(|cx| poll_recv(cx, &mut buf[filled..])).await? {
            0 => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "recv_exact: the peer closed the connection after {filled} of {} bytes",
                        buf.len()
                    ),
                ))
            }
            n => filled += n,
        }
    }
    Ok(())
}

/// Sends all of `buf` through `poll_send`, however many sends that takes.
/// Shared by the streams, their write halves and `StreamIo`.
pub(crate) async fn send_all(
    mut poll_send: impl FnMut(&mut Context<'_>, &[u8]) -> Poll<io::Result<usize>>,
    mut buf: &[u8],
) -> io::Result<()> {
    while !buf.is_empty() {
        match poll_fn(|cx| poll_send(cx, buf)).await? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => buf = &buf[n..],
        }
    }
    Ok(())
}

/// Implements `futures_io::AsyncRead` and `AsyncWrite` for `$stream` and
/// `&$stream`. The owned impls forward to the borrowed ones, as
/// `Async<T>`'s do.
///
/// - `impl_futures_io!(Socket)`, for a socket whose field `stream` is a
///   [`ByteStream`]; with the `hyper` feature it also gives `Socket` the
///   read into an uninitialised buffer that `loopy::hyper::Io` uses.
/// - `impl_futures_io!(@traits Stream)`, for any stream with the methods
///   `poll_recv`, `poll_send` and `shutdown` of its own (`@traits Stream,
///   field` to find them on a field): the traits only.
macro_rules! impl_futures_io {
    ($stream:ty) => {
        #[cfg(feature = "hyper")]
        impl $stream {
            /// Receives into a buffer that need not be initialised (for
            /// `loopy::hyper::Io`); returns how many bytes arrived.
            pub(crate) fn poll_recv_uninit(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut [std::mem::MaybeUninit<u8>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.stream.poll_recv_uninit(cx, buf)
            }
        }

        impl_futures_io!(@traits $stream, stream);
    };
    (@traits $stream:ty $(, $field:ident)?) => {
        impl futures_io::AsyncRead for &$stream {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self$(.$field)?.poll_recv(cx, buf)
            }
        }

        impl futures_io::AsyncWrite for &$stream {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self$(.$field)?.poll_send(cx, buf)
            }

            /// A stream has no buffer in user space to flush.
            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }

            /// Shuts down the write side, so the peer reads end-of-file.
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(self$(.$field)?.shutdown(std::net::Shutdown::Write))
            }
        }

        impl futures_io::AsyncRead for $stream {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::pin::Pin::new(&mut &*self).poll_read(cx, buf)
            }
        }

        impl futures_io::AsyncWrite for $stream {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::pin::Pin::new(&mut &*self).poll_write(cx, buf)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut &*self).poll_flush(cx)
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut &*self).poll_close(cx)
            }
        }
    };
}

pub(crate) use impl_futures_io;
