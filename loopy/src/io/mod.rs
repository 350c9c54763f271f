//! I/O on any file descriptor ([`Async`]) and on standard input
//! ([`stdin`]).

mod async_fd;
mod stdin;

pub use async_fd::Async;
pub use stdin::{stdin, Lines, Stdin};
