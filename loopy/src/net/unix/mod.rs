//! Unix domain sockets: `UnixListener`, `UnixStream` and `UnixDatagram`.
//!
//! They have the shape of the TCP and UDP types, with Unix addresses: a
//! filesystem path where TCP takes `host:port`, and the standard
//! library's `std::os::unix::net::SocketAddr` where an address comes back
//! (or, with the `*_addr` forms, goes in, for Linux's abstract names).
//! `UnixStream` shares everything after connecting with `TcpStream`
//! (`net/byte_stream.rs`); `address.rs` converts addresses and names
//! them in errors.

mod address;
mod datagram;
mod listener;
mod stream;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use stream::UnixStream;
