//! `ByteStream<T>`: what every connected stream socket does the same way.
//!
//! A TCP connection and a Unix stream connection differ only in how they
//! are opened and addressed; once connected, both are a descriptor that
//! moves bytes in order. `TcpStream` and `UnixStream` each hold a
//! `ByteStream` of their standard-library type and hand `recv`, `send`,
//! `send_all`, `recv_exact`, `shutdown`, the non-blocking connect and the
//! `futures_io` traits over to it.

use std::io;
use std::net::Shutdown;
use std::os::fd::AsFd;
use std::task::{Context, Poll};

use rustix::io::Errno;
use rustix::net::{RecvFlags, SendFlags};

use crate::io::stream_io::StreamIo;
use crate::io::Async;

/// A connected stream socket registered with the loop.
pub(crate) struct ByteStream<T: AsFd> {
    /// The socket and its readiness; every operation goes through it.
    io: Async<T>,
}

impl<T: AsFd> ByteStream<T> {
    /// Registers `socket`, which is already in non-blocking mode.
    pub(crate) fn from_nonblocking(socket: T) -> io::Result<ByteStream<T>> {
        Ok(ByteStream {
            io: Async::new_nonblocking(socket)?,
        })
    }

    /// Puts `socket` in non-blocking mode and registers it.
    pub(crate) fn new(socket: T) -> io::Result<ByteStream<T>> {
        Ok(ByteStream {
            io: Async::new(socket)?,
        })
    }

    /// Finishes a non-blocking connect: `started` is what `connect` on
    /// `socket` returned. If the handshake is still in progress, wait until
    /// the socket is writable, then ask it whether the handshake worked.
    pub(crate) async fn finish_connect(
        socket: T,
        started: rustix::io::Result<()>,
    ) -> io::Result<ByteStream<T>> {
        let in_progress = match started {
            Ok(()) => false,
            Err(Errno::INPROGRESS) => true,
            Err(errno) => return Err(errno.into()),
        };
        let stream = ByteStream::from_nonblocking(socket)?;
        if in_progress {
            // Writable, as the kernel says, once the handshake has ended,
            // one way or the other.
            stream.io.writable().await;
            if let Err(errno) = rustix::net::sockopt::socket_error(stream.get_ref())? {
                return Err(errno.into());
            }
        }
        Ok(stream)
    }

    /// The standard-library socket inside.
    pub(crate) fn get_ref(&self) -> &T {
        self.io.get_ref()
    }

    /// Waits until a read would not block; see [`Async::readable`].
    pub(crate) async fn readable(&self) {
        self.io.readable().await
    }

    /// Waits until a write would not block; see [`Async::writable`].
    pub(crate) async fn writable(&self) {
        self.io.writable().await
    }

    /// Deregisters the socket and returns it, in blocking mode; see
    /// [`Async::into_inner`].
    pub(crate) fn into_inner(self) -> io::Result<T> {
        self.io.into_inner()
    }

    /// Shuts down one or both directions; immediate.
    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let how = match how {
            Shutdown::Read => rustix::net::Shutdown::Read,
            Shutdown::Write => rustix::net::Shutdown::Write,
            Shutdown::Both => rustix::net::Shutdown::Both,
        };
        Ok(rustix::net::shutdown(self.get_ref(), how)?)
    }

    /// `poll_recv` into a buffer that need not be initialised: the kernel
    /// writes the bytes, nothing zero-fills `buf` first. Returns how many
    /// of `buf`'s first bytes are now initialised.
    #[cfg(feature = "hyper")]
    pub(crate) fn poll_recv_uninit(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [std::mem::MaybeUninit<u8>],
    ) -> Poll<io::Result<usize>> {
        let len = buf.len();
        self.poll_read_stream(cx, len, |socket| {
            let (received, _) = rustix::io::read(socket, &mut *buf)?;
            Ok(received.len())
        })
    }

    /// Runs the read `op` into a buffer of `len` bytes. A read shorter than
    /// its buffer emptied the socket (true of stream sockets), so the
    /// reactor may skip the read that would only say `WouldBlock`.
    #[inline]
    fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let received = self.io.poll_read_with(cx, op);
        if let Poll::Ready(Ok(n)) = received {
            if n > 0 && n < len {
                self.io.short_read();
            }
        }
        received
    }
}

impl<T: AsFd> StreamIo for ByteStream<T> {
    /// The poll form of `recv`.
    #[inline]
    fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let len = buf.len();
        // `recv(2)` straight from rustix rather than through libc's
        // wrapper, which, once the process has a second thread, turns on
        // thread cancellation around every call.
        self.poll_read_stream(cx, len, |socket| {
            Ok(rustix::net::recv(socket, &mut *buf, RecvFlags::empty())?.0)
        })
    }

    /// The poll form of `send`. Always `send(2)` with `MSG_NOSIGNAL`, so
    /// that a peer that is gone is a `BrokenPipe` error and never a
    /// `SIGPIPE` (which kills a process that has not ignored it). The
    /// standard library's `write` does that for TCP, but for Unix streams
    /// only in recent versions: not in Rust 1.82, which loopy supports.
    #[inline]
    fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_with(cx, |socket| {
            Ok(rustix::net::send(socket, buf, SendFlags::NOSIGNAL)?)
        })
    }
}
