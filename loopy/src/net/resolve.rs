//! `ToSocketAddrs`: addresses for `connect`, resolved off the loop.
//!
//! The standard library's `ToSocketAddrs` resolves a host name with
//! `getaddrinfo`, which blocks the thread for as long as the resolver
//! takes (a slow DNS server: seconds). On a loop's thread that would stop
//! every task. So `connect` takes loopy's own `ToSocketAddrs`, as tokio's
//! does: an address that is already numeric (a `SocketAddr`, an IP and a
//! port, `"127.0.0.1:80"`) is used at once, and only a host name is
//! handed to [`spawn_blocking`](crate::spawn_blocking), whose thread waits
//! for the resolver while the loop goes on.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// What [`TcpStream::connect`](super::TcpStream::connect) accepts: the
/// standard library's address forms, with host names resolved on a
/// [`spawn_blocking`](crate::spawn_blocking) thread instead of the loop's.
///
/// Implemented for `SocketAddr` (and its V4 and V6 forms), `(IpAddr, u16)`
/// (and the V4 and V6 forms), `&[SocketAddr]`, `"host:port"` as `&str` or
/// `String`, `(&str, u16)`, `(String, u16)`, and references to all of
/// them. It is sealed: only loopy implements it.
///
/// # Examples
///
/// ```
/// use loopy::net::{TcpListener, TcpStream};
///
/// loopy::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0")?;
///     let port = listener.local_addr()?.port();
///     // Numeric: connects at once. A name: resolved off the loop.
///     TcpStream::connect(format!("127.0.0.1:{port}")).await?;
///     TcpStream::connect(("localhost", port)).await?;
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait ToSocketAddrs: sealed::Resolve {}

/// An address given as a name still to be resolved, or as numbers.
#[derive(Debug)]
pub enum Resolution {
    /// The addresses, known without asking a resolver.
    Known(Vec<SocketAddr>),
    /// `"host:port"`, for `getaddrinfo` on another thread.
    Lookup(String),
}

mod sealed {
    /// How an address becomes a [`Resolution`](super::Resolution); kept
    /// in a private module so that no one else implements
    /// [`ToSocketAddrs`](super::ToSocketAddrs).
    pub trait Resolve {
        /// The addresses, or the name to look up.
        fn resolution(&self) -> super::Resolution;
    }
}

/// The addresses `addr` stands for, from a `spawn_blocking` thread when
/// it is a host name.
///
/// # Errors
///
/// The resolver's error, or `Other` if its thread panicked.
pub(crate) async fn resolve(addr: &impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
    match addr.resolution() {
        Resolution::Known(addrs) => Ok(addrs),
        Resolution::Lookup(name) => crate::spawn_blocking(move || {
            std::net::ToSocketAddrs::to_socket_addrs(&name).map(Iterator::collect)
        })
        .await
        .unwrap_or_else(|_| {
            Err(io::Error::other(
                "loopy::net: the thread resolving a host name panicked",
            ))
        }),
    }
}

/// `host` and `port` as numbers if `host` is an IP address, else as a
/// name to look up.
fn host_port(host: &str, port: u16) -> Resolution {
    match host.parse::<IpAddr>() {
        Ok(ip) => Resolution::Known(vec![SocketAddr::new(ip, port)]),
        Err(_) => Resolution::Lookup(format!("{host}:{port}")),
    }
}

/// Implements `ToSocketAddrs` for types that are numbers already.
macro_rules! known {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {}
        impl sealed::Resolve for $ty {
            fn resolution(&self) -> Resolution {
                Resolution::Known(std::net::ToSocketAddrs::to_socket_addrs(self)
                    .map(Iterator::collect)
                    .unwrap_or_default())
            }
        }
    )*};
}

known!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

impl ToSocketAddrs for [SocketAddr] {}
impl sealed::Resolve for [SocketAddr] {
    fn resolution(&self) -> Resolution {
        Resolution::Known(self.to_vec())
    }
}

impl ToSocketAddrs for str {}
impl sealed::Resolve for str {
    fn resolution(&self) -> Resolution {
        match self.parse::<SocketAddr>() {
            Ok(addr) => Resolution::Known(vec![addr]),
            Err(_) => Resolution::Lookup(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}
impl sealed::Resolve for String {
    fn resolution(&self) -> Resolution {
        self.as_str().resolution()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl sealed::Resolve for (&str, u16) {
    fn resolution(&self) -> Resolution {
        host_port(self.0, self.1)
    }
}

impl ToSocketAddrs for (String, u16) {}
impl sealed::Resolve for (String, u16) {
    fn resolution(&self) -> Resolution {
        host_port(&self.0, self.1)
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrs + ?Sized> sealed::Resolve for &T {
    fn resolution(&self) -> Resolution {
        (**self).resolution()
    }
}
