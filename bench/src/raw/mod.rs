//! The raw baselines: the I/O scenarios written straight on a poller, with
//! hand-written state machines and no futures, tasks or wakers. They are
//! what a loop costs when it does nothing but the syscalls, so they are the
//! limits the runtimes are measured against.
//!
//! The state machines (`client.rs`, `echo_conn.rs`, `socket.rs`) and the
//! loops around them (`inproc.rs`, `serve.rs`, `idle.rs`) are written once
//! over the [`Poller`] trait (`poller.rs`) and run on two pollers:
//! `polling::Poller` (`polling_poller.rs`), the one loopy stands on, for the
//! raw contender; and [`Epoll`] (`epoll.rs`), one `epoll_wait` per wait, for
//! the raw-epoll contender, the limit for a readiness loop on Linux.
//!
//! They are as lean as a hand-written loop gets: every socket is registered
//! once, edge-triggered, for reading and writing; each socket remembers what
//! the last event said it was ready for and forgets it when a syscall says
//! `WouldBlock`, or when a read comes back shorter than asked (the socket is
//! drained, so asking again would only say `WouldBlock`; safe for the echo
//! protocol, not in general: see `socket.rs`). The message and buffer sizes
//! are the runtimes' (see `scenario::echo`).

mod client;
mod echo_conn;
mod epoll;
mod idle;
mod inproc;
mod poller;
mod polling_poller;
mod registered;
mod serve;
mod socket;

pub use self::epoll::Epoll;
pub use self::idle::hold_idle;
pub use self::inproc::echo_inproc;
pub use self::poller::Poller;
pub use self::serve::echo_serve;

use std::num::NonZeroUsize;

/// Events taken from the poller per wait: enough for every socket of the
/// echo scenarios at once.
const EVENTS_PER_WAIT: NonZeroUsize = match NonZeroUsize::new(1024) {
    Some(n) => n,
    None => unreachable!(),
};
