//! What every socket type shares with the standard library's: its
//! descriptor (`AsFd`, `AsRawFd`) and the way back (`into_std`).
//!
//! Through `AsFd`, any option loopy has no method for (`SO_KEEPALIVE`,
//! `SO_LINGER`, buffer sizes) can be set with rustix or socket2 on a
//! socket loopy made, an accepted one included.

/// Implements `AsFd`, `AsRawFd` and `into_std` for the socket type `$ty`,
/// whose field `$field` (an `Async` or a `ByteStream`) holds a `$std`.
/// `$make` is a doctest expression that builds a `$ty` on a running loop.
macro_rules! impl_std_socket {
    ($ty:ident, $std:ty, $field:ident, $make:literal) => {
        impl std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                std::os::fd::AsFd::as_fd(self.$field.get_ref())
            }
        }

        impl std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                std::os::fd::AsRawFd::as_raw_fd(self.$field.get_ref())
            }
        }

        impl $ty {
            #[doc = concat!(
                                "Deregisters the socket from the loop and returns it as a `",
                                stringify!($std),
                                "`, back in blocking mode.\n\n",
                                "tokio's `into_std` leaves the socket non-blocking; loopy ",
                                "gives back what the standard library's own type is ",
                                "expected to be. Call `set_nonblocking(true)` on it before ",
                                "handing it to another event loop.\n\n",
                                "# Errors\n\n",
                                "If the blocking mode cannot be restored; the socket is ",
                                "deregistered either way.\n\n",
                                "# Examples\n\n",
                                "```\n",
                                "# #[allow(unused_imports)] use loopy::net::*;\n",
                                "loopy::block_on(async {\n",
                                "    let socket = ", $make, ";\n",
                                "    let std_socket = socket.into_std()?;\n",
                                "    assert!(std_socket.local_addr().is_ok());\n",
                                "    std::io::Result::Ok(())\n",
                                "})?;\n",
                                "# std::io::Result::Ok(())\n",
                                "```"
                            )]
            pub fn into_std(self) -> std::io::Result<$std> {
                self.$field.into_inner()
            }
        }
    };
}

pub(crate) use impl_std_socket;
