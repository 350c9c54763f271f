//! UDP: `UdpSocket`.

use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use rustix::net::SocketType;

use super::reuse_port;
use crate::io::Async;
use crate::net::std_socket::impl_std_socket;

/// A UDP socket.
///
/// Each `send_to`/`send` sends one datagram and each `recv_from`/`recv`
/// receives one; a datagram larger than the buffer is truncated by the OS.
///
/// # Examples
///
/// ```
/// use loopy::net::UdpSocket;
///
/// loopy::block_on(async {
///     let a = UdpSocket::bind("127.0.0.1:0")?;
///     let b = UdpSocket::bind("127.0.0.1:0")?;
///     a.send_to(b"ping", b.local_addr()?).await?;
///     let mut buf = [0; 16];
///     let (n, from) = b.recv_from(&mut buf).await?;
///     assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UdpSocket {
    io: Async<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds a socket to the first of `addr`'s addresses that works and
    /// registers it with the running loop.
    ///
    /// # Errors
    ///
    /// The OS error of the last address tried, such as `AddrInUse`.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    #[track_caller]
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        crate::task::context::require("loopy::net::UdpSocket::bind");
        UdpSocket::from_std(std::net::UdpSocket::bind(addr)?)
    }

    /// Binds a socket with `SO_REUSEPORT`, so that other sockets (one per
    /// loop of [`loopy::cores`](crate::cores), say) can bind the same port;
    /// the kernel hashes each datagram's source and destination to one of
    /// them, so all datagrams of one peer reach the same socket. See
    /// [`loopy::cores`](crate::cores#shared-ports) for how evenly that
    /// spreads.
    ///
    /// Every socket of the group must set the option.
    ///
    /// # Errors
    ///
    /// The OS error of the last address tried, with the address in the
    /// message, such as `AddrInUse`; `InvalidInput` if `addr` resolves to
    /// no address.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::net::UdpSocket;
    ///
    /// loopy::block_on(async {
    ///     let first = UdpSocket::bind_reuse_port("127.0.0.1:0")?;
    ///     let second = UdpSocket::bind_reuse_port(first.local_addr()?)?;
    ///     assert_eq!(first.local_addr()?, second.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn bind_reuse_port(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        crate::task::context::require("loopy::net::UdpSocket::bind_reuse_port");
        let socket = reuse_port::bind(addr, SocketType::DGRAM, "UdpSocket::bind_reuse_port")?;
        Ok(UdpSocket {
            io: Async::new_nonblocking(std::net::UdpSocket::from(socket))?,
        })
    }

    /// Wraps a socket made with the standard library, putting it in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set or the poller refuses the socket.
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        crate::task::context::require("loopy::net::UdpSocket::from_std");
        socket.set_nonblocking(true)?;
        Ok(UdpSocket {
            io: Async::new_nonblocking(socket)?,
        })
    }

    /// Sends `buf` as one datagram to the first address `addr` resolves to.
    ///
    /// # Errors
    ///
    /// The OS error, or `InvalidInput` if `addr` resolves to nothing.
    pub async fn send_to(&self, buf: &[u8], addr: impl ToSocketAddrs) -> io::Result<usize> {
        let addr = addr.to_socket_addrs()?.next().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "UdpSocket::send_to: the address resolved to no socket address",
            )
        })?;
        self.io.write_with(|socket| socket.send_to(buf, addr)).await
    }

    /// Receives one datagram and the address it came from.
    ///
    /// # Errors
    ///
    /// The OS error.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.read_with(|socket| socket.recv_from(buf)).await
    }

    /// Sets the default peer for `send` and `recv`, and filters received
    /// datagrams to that peer. Immediate: UDP has no handshake.
    ///
    /// # Errors
    ///
    /// The OS error of the last address tried.
    pub fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        self.io.get_ref().connect(addr)
    }

    /// Sends one datagram to the connected peer.
    ///
    /// # Errors
    ///
    /// The OS error, such as `NotConnected` or `ConnectionRefused` (from an
    /// earlier datagram's ICMP reply).
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|socket| socket.send(buf)).await
    }

    /// Receives one datagram from the connected peer.
    ///
    /// # Errors
    ///
    /// The OS error.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|socket| socket.recv(buf)).await
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// The OS error of `getsockname`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The connected peer's address.
    ///
    /// # Errors
    ///
    /// `NotConnected` if `connect` was not called.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

impl_std_socket!(
    UdpSocket,
    std::net::UdpSocket,
    io,
    "UdpSocket::bind(\"127.0.0.1:0\")?"
);
