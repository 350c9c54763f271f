//! Networking: TCP, UDP and Unix domain sockets driven by the loop.
//!
//! Besides the types, this module offers the Python loops' vocabulary as
//! free functions: `listen`, `accept`, `connect`, `recv`, `send`.
//!
//! # Examples
//!
//! ```
//! use loopy::net::{accept, connect, listen, recv, send};
//!
//! loopy::block_on(async {
//!     let server = listen("127.0.0.1:0")?;
//!     let addr = server.local_addr()?;
//!     let client = loopy::spawn(async move {
//!         let stream = connect(addr).await?;
//!         send(&stream, b"hi").await
//!     });
//!     let (stream, _) = accept(&server).await?;
//!     let mut buf = [0; 2];
//!     let n = recv(&stream, &mut buf).await?;
//!     assert_eq!(&buf[..n], b"hi");
//!     client.await.unwrap()?;
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

pub(crate) mod byte_stream;
mod resolve;
mod reuse_port;
mod shared_port;
mod split;
mod std_socket;
mod tcp;
mod udp;
mod unix;

use std::io;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;

use rustix::net::{AddressFamily, SocketFlags, SocketType};

pub use resolve::ToSocketAddrs;
pub use shared_port::SharedPort;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use tcp::{TcpListener, TcpStream};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixListener, UnixStream};

/// Binds a TCP listener; the same as [`TcpListener::bind`].
///
/// # Errors
///
/// As for [`TcpListener::bind`].
pub fn listen(addr: impl std::net::ToSocketAddrs) -> io::Result<TcpListener> {
    TcpListener::bind(addr)
}

/// Waits for a connection on `listener`; the same as
/// [`TcpListener::accept`].
///
/// # Errors
///
/// As for [`TcpListener::accept`].
pub async fn accept(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    listener.accept().await
}

/// Connects to `addr`; the same as [`TcpStream::connect`].
///
/// # Errors
///
/// As for [`TcpStream::connect`].
pub async fn connect(addr: impl self::ToSocketAddrs) -> io::Result<TcpStream> {
    TcpStream::connect(addr).await
}

/// Receives from `stream`; the same as [`TcpStream::recv`].
///
/// # Errors
///
/// As for [`TcpStream::recv`].
pub async fn recv(stream: &TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    stream.recv(buf).await
}

/// Sends some of `buf` on `stream`; the same as [`TcpStream::send`].
///
/// # Errors
///
/// As for [`TcpStream::send`].
pub async fn send(stream: &TcpStream, buf: &[u8]) -> io::Result<usize> {
    stream.send(buf).await
}

/// A new non-blocking, close-on-exec socket of `kind` for `addr`'s address
/// family.
fn socket_for(addr: SocketAddr, kind: SocketType) -> io::Result<OwnedFd> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
    Ok(rustix::net::socket_with(family, kind, flags, None)?)
}
