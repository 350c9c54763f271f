//! Signals: [`ctrl_c`], a future that resolves when the user presses
//! Ctrl-C, and [`unix::signal`], a stream of deliveries of any signal that
//! can be caught.
//!
//! # How a signal reaches the loop
//!
//! A signal handler interrupts whatever thread the kernel picks, between
//! any two instructions, so it may do almost nothing: no locks, no
//! allocation, and so no waking of wakers. What it may do is one system
//! call. loopy's handler writes one byte to a socket, the classic
//! *self-pipe trick*: the other end of the socket is registered with the
//! loop like any other socket, so the byte wakes the task that waits for
//! the signal through the poller, on the loop's own thread
//! (`self_pipe.rs`).
//!
//! Each [`CtrlC`] future and each [`unix::Signal`] owns its socket pair and
//! its own action among the process's actions for its signal (kept by
//! [`signal-hook-registry`](https://docs.rs/signal-hook-registry), which
//! runs every registered action on each delivery). So any number of them
//! can wait at once, in one task or many, and one delivery reaches them
//! all. Dropping one removes its action.
//!
//! # A handled signal no longer does what it did by default
//!
//! By default SIGINT, SIGTERM, SIGHUP, SIGUSR1 and most others terminate a
//! process. The first call to [`ctrl_c`] or [`unix::signal`] for a signal
//! installs a handler for it, for the whole process and until it exits:
//! from then on the signal reaches the listeners that exist and does
//! nothing else, even after they are gone. A program that listens for
//! SIGINT or SIGTERM therefore decides itself what they mean, and should
//! end when they come.

mod ctrl_c;
mod kind;
mod self_pipe;
pub mod unix;

pub use ctrl_c::{ctrl_c, CtrlC};
