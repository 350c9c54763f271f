//! What the example programs share.
//!
//! The examples (`demos.rs`, `hello_server.rs`, `scheduler.rs`, `fib.rs`,
//! `loopy.rs`, `http_hello.rs`) each show one thing loopy does, and should read as that
//! thing alone. What every program needs besides, and must get right the
//! same way, lives here once:
//!
//! - [`output`]: printing that ends the program cleanly when stdout is
//!   closed (`| head -1`) instead of panicking;
//! - [`command_line`]: options, `--help` and the answer to a mistake;
//! - [`acceptor`]: a listening socket whose error says which address and
//!   what to do, and an accept loop that rides out running out of file
//!   descriptors instead of stopping for good;
//! - [`server_loops`]: how a server binds its port and starts its loops.
//! - [`draining`]: the word a server gives its connection tasks to finish
//!   up when it stops.
//! - [`shutdown`]: what a server waits for in its main task: Ctrl-C,
//!   SIGTERM, or its acceptor's end;
//! - `hello_http` (feature `hyper`): what `http_hello` serves on each
//!   connection, over any stream, so that a test can drive it in memory.
//!
//! The machinery the end-to-end tests drive the programs with (child
//! processes, signals, descriptor limits) lives with the tests, in
//! `tests/support/`.

pub mod acceptor;
pub mod command_line;
pub mod draining;
#[cfg(feature = "hyper")]
pub mod hello_http;
pub mod output;
pub mod server_loops;
pub mod shutdown;
