//! What the loop drives: the parts of a runtime that know nothing of tasks.
//!
//! Each part holds what it is given (a waker, a descriptor, a job) and
//! hands wakers back when their time comes; none imports the tasks, the
//! context or the loop. Data flows down into them from the loop
//! (`runtime/`) and the tasks' context (`task/context.rs`), and wakes flow
//! back up through the run queue. In the order a turn uses them:
//!
//! - `budget.rs`: how much I/O one poll may do;
//! - `timer_heap.rs` (and `orphaned_timers.rs`, for hyper's `Send`
//!   sleeps): the sleeping tasks' wakers by deadline;
//! - `reactor.rs`, `source.rs` and `short_reads.rs` (epoll only): the
//!   poller, the descriptors and their readiness;
//! - `blocking_pool.rs`: the threads behind `spawn_blocking`;
//! - `clock.rs`: the real or paused clock, and instants as words;
//! - `rng.rs`: the seeded schedule's random numbers;
//! - `trace.rs`, `slow_poll.rs` and `places.rs`: how the loop talks about
//!   itself, the watchdog that names a poll that holds the loop, and the
//!   table of source places both name tasks by.

pub(crate) mod blocking_pool;
pub(crate) mod budget;
pub(crate) mod clock;
#[cfg(feature = "hyper")]
pub(crate) mod orphaned_timers;
pub(crate) mod places;
pub(crate) mod reactor;
pub(crate) mod rng;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) mod short_reads;
pub(crate) mod slow_poll;
pub(crate) mod source;
pub(crate) mod timer_heap;
pub(crate) mod trace;
