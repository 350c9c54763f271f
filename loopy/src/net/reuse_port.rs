//! Shared ports: sockets bound with `SO_REUSEPORT`.
//!
//! A thread-per-core server (see [`crate::cores`]) gives every loop its
//! own listener on the same port, instead of one listener whose
//! connections would have to be handed between threads. The kernel allows
//! that when every socket sets `SO_REUSEPORT` before `bind` (and, on
//! Linux, all of them belong to the same user).
//!
//! How the kernel spreads connections over the group, and how unevenly
//! at low connection counts, is told in `cores.rs`, under "Shared ports".

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::OwnedFd;

use rustix::net::{sockopt, SocketType};

/// Opens a non-blocking socket of `kind` with `SO_REUSEPORT`, bound to the
/// first of `addrs`'s addresses that works. `what` names the caller in
/// errors.
///
/// # Errors
///
/// For the last address tried, an error of the OS error's kind whose
/// message names the address and the OS error; `InvalidInput` if `addrs`
/// resolves to no address.
pub(crate) fn bind(addrs: impl ToSocketAddrs, kind: SocketType, what: &str) -> io::Result<OwnedFd> {
    let mut last_err = None;
    for addr in addrs.to_socket_addrs()? {
        match bind_one(addr, kind) {
            Ok(socket) => return Ok(socket),
            Err(err) => {
                last_err = Some(io::Error::new(err.kind(), format!("{what} {addr}: {err}")))
            }
        }
    }
    Err(last_err.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what}: the address resolved to no socket address"),
        )
    }))
}

fn bind_one(addr: SocketAddr, kind: SocketType) -> io::Result<OwnedFd> {
    let socket = super::socket_for(addr, kind)?;
    if kind == SocketType::STREAM {
        // As the standard library does for its listeners: a restarted
        // server may bind while old connections linger in TIME_WAIT.
        sockopt::set_socket_reuseaddr(&socket, true)?;
    }
    sockopt::set_socket_reuseport(&socket, true)?;
    rustix::net::bind(&socket, &addr)?;
    Ok(socket)
}
