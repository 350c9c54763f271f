//! The contenders, and the one trait their adapters implement so each scenario
//! is written once.
//!
//! An adapter only renames: `spawn` is the runtime's own spawn, `recv` its own
//! idiomatic read (`AsyncReadExt::read` for tokio and smol, `recv` for loopy),
//! and so on. No adapter adds a queue, a lock or an allocation of its own.

mod assert_send;
mod loopy;
mod smol;
mod tokio;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// Who runs a scenario. The raw loops (on `polling`, and on epoll itself) are
/// contenders too, but not [`Runtime`]s: they have no tasks, so they run only
/// the I/O scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contender {
    /// loopy: `Runtime::block_on`, `loopy::spawn`.
    Loopy,
    /// tokio's current_thread runtime with `tokio::spawn`.
    Tokio,
    /// tokio's current_thread runtime with a `LocalSet` and `spawn_local`:
    /// the fair match for a runtime whose tasks need not be `Send`.
    TokioLocal,
    /// `async_executor::LocalExecutor` driven by `async_io::block_on`.
    Smol,
    /// Hand-written state machines on `polling`, no futures.
    Raw,
    /// The same state machines on epoll directly, one `epoll_wait` per
    /// wait: the limit for a readiness loop.
    RawEpoll,
}

impl Contender {
    /// Every contender, in the interleaving order.
    pub const ALL: [Contender; 6] = [
        Contender::Loopy,
        Contender::Tokio,
        Contender::TokioLocal,
        Contender::Smol,
        Contender::Raw,
        Contender::RawEpoll,
    ];

    /// The column name, also accepted by `--contender`.
    pub fn name(self) -> &'static str {
        match self {
            Contender::Loopy => "loopy",
            Contender::Tokio => "tokio",
            Contender::TokioLocal => "tokio-local",
            Contender::Smol => "smol",
            Contender::Raw => "raw",
            Contender::RawEpoll => "raw-epoll",
        }
    }
}

pub use self::loopy::Loopy;
pub use self::smol::Smol;
pub use self::tokio::{Spawn, SpawnLocal, Tokio};

/// What a scenario needs from a runtime. A value of the type is a handle to
/// the running runtime, given to the scenario's main future by `block_on`.
pub trait Runtime: Clone + 'static {
    /// A bound TCP listener.
    type Listener: 'static;
    /// A connected TCP stream.
    type Stream: 'static;

    /// Builds a fresh runtime, runs `main(handle)` on it to completion, and
    /// drops the runtime, with any tasks still in it.
    fn block_on<M, F>(main: M) -> F::Output
    where
        M: FnOnce(Self) -> F,
        F: Future;

    /// Spawns `task` now; the returned future waits for its output.
    ///
    /// # Panics
    ///
    /// Awaiting the returned future panics if the task panicked.
    fn spawn<F>(&self, task: F) -> impl Future<Output = F::Output> + 'static
    where
        F: Future + 'static,
        F::Output: 'static;

    /// Lets the other ready tasks run once before this one goes on.
    fn yield_now() -> impl Future<Output = ()>;

    /// Sleeps for `duration`, measured from the call.
    fn sleep(duration: Duration) -> impl Future<Output = ()>;

    /// Binds a listener to `addr` and says which address it got.
    fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<(Self::Listener, SocketAddr)>>;

    /// Accepts one connection.
    fn accept(listener: &Self::Listener) -> impl Future<Output = io::Result<Self::Stream>>;

    /// Connects to `addr`.
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>>;

    /// Turns Nagle's algorithm off, as every contender does on every stream.
    fn set_nodelay(stream: &Self::Stream) -> io::Result<()>;

    /// Reads what is there, up to `buf.len()` bytes; 0 means the peer closed.
    fn recv<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a;

    /// Writes some of `buf`; returns how much.
    fn send<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a;
}
