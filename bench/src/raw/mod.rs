//! The raw baseline: the I/O scenarios written straight on `polling`, with
//! hand-written state machines and no futures, tasks or wakers. It is what a
//! loop costs when it does nothing but the syscalls, so it is the limit the
//! runtimes are measured against.
//!
//! It is as lean as a hand-written loop on `polling` gets: every socket is
//! registered once, edge-triggered, for reading and writing; each socket
//! remembers what the last event said it was ready for and forgets it when a
//! syscall says `WouldBlock`, or when a read comes back shorter than asked
//! (the socket is drained, so asking again would only say `WouldBlock`; safe
//! for the echo protocol, not in general: see `socket.rs`). The message and
//! buffer sizes are the runtimes' (see `scenario::echo`).

mod client;
mod echo_conn;
mod idle;
mod inproc;
mod registered;
mod serve;
mod socket;

pub use self::idle::hold_idle;
pub use self::inproc::echo_inproc;
pub use self::serve::echo_serve;

use std::num::NonZeroUsize;

use polling::{Events, Poller};

/// Events taken from the poller per wait: enough for every socket of the
/// echo scenarios at once.
const EVENTS_PER_WAIT: NonZeroUsize = match NonZeroUsize::new(1024) {
    Some(n) => n,
    None => unreachable!(),
};

/// Waits for the next batch of events, dropping the previous batch first
/// (`Poller::wait` appends).
fn wait(poller: &Poller, events: &mut Events) {
    events.clear();
    poller.wait(events, None).expect("raw: Poller::wait");
}
