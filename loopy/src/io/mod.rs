//! I/O on any file descriptor: [`Async`].

mod async_fd;

pub use async_fd::Async;
