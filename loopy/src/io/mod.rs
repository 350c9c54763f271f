//! I/O on any file descriptor ([`Async`]), on standard input ([`stdin`]),
//! and in memory ([`duplex`]).

mod async_fd;
mod duplex;
mod stdin;
pub(crate) mod stream_io;

pub use async_fd::Async;
pub use duplex::{duplex, DuplexStream};
pub use stdin::{stdin, Lines, Stdin};
