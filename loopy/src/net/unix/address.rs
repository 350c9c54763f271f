//! Unix socket addresses: turning the standard library's `SocketAddr`
//! into the kernel's, and errors that say which address failed.
//!
//! A Unix socket address is a filesystem path, a name in Linux's abstract
//! namespace (no file; gone when the last socket closes), or unnamed (an
//! unbound socket, or one end of a pair). The OS reports a failed `bind`
//! or `connect` as "Address already in use" or "No such file or directory"
//! without saying which address; loopy's errors add it, keeping the kind
//! and the OS error (as the error's `source`).

use std::error::Error;
use std::fmt;
use std::io;
use std::os::unix::net::SocketAddr;
use std::path::Path;

use rustix::net::SocketAddrUnix;

/// Describes `addr` for an error message: the path in quotes, `@name`
/// for an abstract name (as `ss` shows them), or "an unnamed address".
pub(crate) fn describe(addr: &SocketAddr) -> String {
    if let Some(path) = addr.as_pathname() {
        return describe_path(path);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::linux::net::SocketAddrExt;
        if let Some(name) = addr.as_abstract_name() {
            return format!("@{}", name.escape_ascii());
        }
    }
    "an unnamed address".to_owned()
}

/// Describes a filesystem path for an error message.
pub(crate) fn describe_path(path: &Path) -> String {
    format!("{path:?}")
}

/// The kernel's form of `addr`, for the calls the standard library only
/// offers blocking (`connect` on a stream socket).
///
/// # Errors
///
/// `InvalidInput` if `addr` is unnamed (there is nothing to connect to),
/// or if the path is too long for a socket address.
pub(crate) fn to_kernel(addr: &SocketAddr) -> io::Result<SocketAddrUnix> {
    let kernel = if let Some(path) = addr.as_pathname() {
        SocketAddrUnix::new(path)
    } else {
        abstract_to_kernel(addr).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "a Unix socket cannot connect to an unnamed address",
            )
        })?
    };
    kernel.map_err(|errno| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not a valid Unix socket address: {errno}",
                describe(addr)
            ),
        )
    })
}

/// The kernel's form of an abstract name, `None` if `addr` has none.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn abstract_to_kernel(addr: &SocketAddr) -> Option<rustix::io::Result<SocketAddrUnix>> {
    use std::os::linux::net::SocketAddrExt;
    addr.as_abstract_name()
        .map(SocketAddrUnix::new_abstract_name)
}

/// Only Linux has abstract names.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn abstract_to_kernel(_: &SocketAddr) -> Option<rustix::io::Result<SocketAddrUnix>> {
    None
}

/// `error`, of the same kind, with a message that says what was being done
/// and to which address: `binding "/run/app.sock": Address in use (os error 98)`.
/// The original error stays reachable as the `source`.
pub(crate) fn naming(error: io::Error, action: &'static str, address: String) -> io::Error {
    io::Error::new(
        error.kind(),
        AddressError {
            action,
            address,
            error,
        },
    )
}

/// An I/O error on a Unix socket address, with that address.
#[derive(Debug)]
struct AddressError {
    /// What was being done, as a verb: "binding", "connecting to".
    action: &'static str,
    /// The address, already described for people (see [`describe`]).
    address: String,
    /// What the OS (or the standard library) said.
    error: io::Error,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.action, self.address, self.error)
    }
}

impl Error for AddressError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.error)
    }
}
