//! The loop's clock, and instants as plain words.
//!
//! # The clock
//!
//! A runtime reads the time through its [`Clock`]: the real one, or, for
//! tests, a *paused* one that moves only when told to. A paused clock
//! starts at the real time when the runtime is built and then stands
//! still. It moves when a task calls `time::advance`, and it jumps
//! forward by itself, straight to the next timer's deadline, when the loop
//! has nothing to do and nothing but a timer could wake it: no task ready,
//! no task waiting on a descriptor, no `spawn_blocking` job running. While
//! anything may still come from outside (a socket, a pipe, a thread), the
//! clock stands still, so a timeout never fires while real I/O may yet
//! arrive.
//!
//! # Instants as words
//!
//! The loop keeps a few times in hot places (when a task was spawned, when
//! a task's timer is due) where an `Instant`, two words and opaque, would
//! cost a field or a lock-free store it cannot have. So it keeps them as
//! nanoseconds since the process's time zero, in one `u64`, good for 584
//! years; [`nanos`] and [`instant`] convert both ways.

use std::cell::Cell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What a runtime reads the time from.
pub(crate) struct Clock {
    /// The paused time; `None` when the clock is the real one.
    paused: Option<Cell<Instant>>,
}

impl Clock {
    /// The real clock, or a paused one standing at the real time now.
    pub(crate) fn new(paused: bool) -> Clock {
        Clock {
            paused: paused.then(|| Cell::new(Instant::now())),
        }
    }

    /// The time now, as this clock says.
    #[inline]
    pub(crate) fn now(&self) -> Instant {
        match &self.paused {
            Some(paused) => paused.get(),
            None => Instant::now(),
        }
    }

    /// The time now, given the real time now: saves a clock read when the
    /// caller has one.
    #[inline]
    pub(crate) fn now_given(&self, real: Instant) -> Instant {
        match &self.paused {
            Some(paused) => paused.get(),
            None => real,
        }
    }

    /// Whether the clock is paused.
    pub(crate) fn is_paused(&self) -> bool {
        self.paused.is_some()
    }

    /// Moves a paused clock forward to `to` (never back); `false` if the
    /// clock is not paused.
    pub(crate) fn move_to(&self, to: Instant) -> bool {
        match &self.paused {
            Some(paused) => {
                paused.set(paused.get().max(to));
                true
            }
            None => false,
        }
    }
}

/// The process's time zero for [`nanos`].
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// `at` as nanoseconds since the process's time zero; times before it
/// count as zero.
pub(crate) fn nanos(at: Instant) -> u64 {
    let since = at.saturating_duration_since(epoch());
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
}

/// The instant that [`nanos`] turned into `nanos`.
pub(crate) fn instant(nanos: u64) -> Instant {
    epoch() + Duration::from_nanos(nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_clock_moves_only_forward_and_only_when_told() {
        let clock = Clock::new(true);
        let start = clock.now();
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(clock.now(), start, "standing still");
        assert!(clock.move_to(start + Duration::from_secs(5)));
        assert_eq!(clock.now(), start + Duration::from_secs(5));
        assert!(clock.move_to(start));
        assert_eq!(clock.now(), start + Duration::from_secs(5), "never back");

        let real = Clock::new(false);
        assert!(!real.move_to(start + Duration::from_secs(5)));
        assert!(real.now() < start + Duration::from_secs(5));
    }

    #[test]
    fn nanos_and_instant_are_inverse() {
        // Times before the first call count as zero: start the clock first.
        nanos(Instant::now());
        let now = Instant::now();
        let back = instant(nanos(now));
        assert!(back <= now && now - back < Duration::from_micros(1));
    }
}
