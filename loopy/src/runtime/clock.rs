//! Instants as plain words.
//!
//! The loop keeps a few times in hot places (when a task was spawned, when
//! a task's timer is due) where an `Instant`, two words and opaque, would
//! cost a field or a lock-free store it cannot have. So it keeps them as
//! nanoseconds since the process's time zero, in one `u64`, good for 584
//! years; [`nanos`] and [`instant`] convert both ways.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

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
    fn nanos_and_instant_are_inverse() {
        // Times before the first call count as zero: start the clock first.
        nanos(Instant::now());
        let now = Instant::now();
        let back = instant(nanos(now));
        assert!(back <= now && now - back < Duration::from_micros(1));
    }
}
