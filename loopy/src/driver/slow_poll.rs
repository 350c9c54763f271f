//! The slow-poll warning: naming the task that freezes the loop.
//!
//! The lesson of the Fibonacci seed is that a task which computes instead
//! of awaiting stops every other task: while one poll runs, nothing else
//! does. loopy warns when a single poll runs longer than a threshold
//! (100 ms unless `Runtime::builder().slow_poll(..)` says otherwise),
//! naming the task, where it was spawned and how long it held the loop.
//!
//! The warning is on by default, so it has to be nearly free. Reading the
//! clock around every poll would double the cost of a poll, so the loop
//! does not time its polls. Instead it counts them: before each poll it
//! stores the poll's number (one plain store), and around each wait on the
//! poller it says that it is asleep. One watchdog thread per process looks
//! at the counters of every loop a few times per threshold. A loop that is
//! awake and whose count has not moved for a whole threshold is stuck in
//! one poll; the watchdog marks that poll's number, and the loop, when the
//! poll ends, compares the mark with the number (one load) and prints the
//! warning. Only then does it read the clock. (A loop stuck between polls,
//! in its own code, is not reported: the mark then names a poll that has
//! ended.)
//!
//! The price is precision: the watchdog looks every quarter threshold, so
//! a poll is reported once it ran for at least the threshold, for sure once
//! it ran for a quarter more, and its length is known to within a quarter
//! threshold (exactly, when the runtime times its polls anyway, as it does
//! while tracing). An idle loop, asleep in the poller, is never reported.
//!
//! A stuck poll is named twice: by the watchdog, *while* it runs (the
//! moment a user needs it), and by the loop once it ends, with its total.
//! The watchdog may not touch the loop's tasks, so before each poll the
//! loop also publishes the task's id and the number of its spawn location
//! in the process's table of places (`places.rs`; two more plain stores);
//! the task's name, which lives in the loop's registry, waits for
//! the second line. A SIGQUIT that arrives while a poll is stuck (the
//! signal that asks a loopy server for its task dump, which cannot run
//! until the poll returns) makes the watchdog name the stuck task at once.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::thread;
use std::time::{Duration, Instant};

use super::places;
use super::trace::{self, Short, TaskLabel};
use crate::unwind;

/// The default threshold.
pub(crate) const DEFAULT_THRESHOLD: Duration = Duration::from_millis(100);

/// A loop's side of the watch.
pub(crate) struct SlowPollWatch {
    /// What the watchdog reads.
    shared: Arc<Watched>,
    /// The loop's own copy of `shared.seq`, so that bumping it is a store.
    seq: Cell<u64>,
}

/// The counters of one loop, read by the watchdog thread.
struct Watched {
    /// The number of the poll that started last.
    seq: AtomicU64,
    /// The id of the task that poll runs (0 for `block_on`'s future).
    task: AtomicU64,
    /// Where that task was spawned: a number in `places`, `u32::MAX`
    /// before the first poll.
    place: AtomicU32,
    /// Which loop of `cores::run` this is, if it is one, for the line.
    loop_index: Option<usize>,
    /// Whether the loop is asleep in the poller.
    asleep: AtomicBool,
    /// The `seq` of a poll the watchdog found slow; 0 if none.
    flagged: AtomicU64,
    /// When the watchdog first saw the flagged poll running, in
    /// nanoseconds since the watchdog's epoch.
    first_seen: AtomicU64,
    /// How long a poll may run before it is reported.
    threshold: Duration,
}

/// A poll that ran too long.
pub(crate) struct SlowPoll {
    /// At least this long, and less than a quarter threshold more.
    pub(crate) at_least: Duration,
    pub(crate) threshold: Duration,
}

impl SlowPollWatch {
    /// Starts watching a loop (loop `loop_index` of `cores::run`, if it
    /// is one), or `None` for a zero threshold (off).
    pub(crate) fn new(threshold: Duration, loop_index: Option<usize>) -> Option<SlowPollWatch> {
        if threshold.is_zero() {
            return None;
        }
        let shared = Arc::new(Watched {
            seq: AtomicU64::new(0),
            task: AtomicU64::new(0),
            place: AtomicU32::new(u32::MAX),
            loop_index,
            asleep: AtomicBool::new(false),
            flagged: AtomicU64::new(0),
            first_seen: AtomicU64::new(0),
            threshold,
        });
        Watchdog::get().watch(&shared);
        Some(SlowPollWatch {
            shared,
            seq: Cell::new(0),
        })
    }

    /// A poll of task `task`, spawned at place number `place`, starts.
    #[inline]
    pub(crate) fn poll_started(&self, task: u64, place: u32) {
        let seq = self.seq.get() + 1;
        self.seq.set(seq);
        self.shared.task.store(task, Ordering::Relaxed);
        self.shared.place.store(place, Ordering::Relaxed);
        // Release: the watchdog that sees this number sees the task too.
        self.shared.seq.store(seq, Ordering::Release);
    }

    /// The task and spawn place of the poll that started last, if one
    /// did.
    pub(crate) fn published(&self) -> Option<(u64, u32)> {
        let place = self.shared.place.load(Ordering::Relaxed);
        (place != u32::MAX).then(|| (self.shared.task.load(Ordering::Relaxed), place))
    }

    /// The poll that started last has ended; was it slow?
    #[inline]
    pub(crate) fn poll_ended(&self) -> Option<SlowPoll> {
        if self.shared.flagged.load(Ordering::Acquire) != self.seq.get() {
            return None;
        }
        self.slow()
    }

    /// The poll that just ended was flagged: for how long, at least?
    #[cold]
    fn slow(&self) -> Option<SlowPoll> {
        let first_seen = Duration::from_nanos(self.shared.first_seen.load(Ordering::Relaxed));
        Some(SlowPoll {
            at_least: Watchdog::get().epoch.elapsed().saturating_sub(first_seen),
            threshold: self.shared.threshold,
        })
    }

    /// The loop goes to sleep in the poller (`true`) or wakes up.
    pub(crate) fn asleep(&self, asleep: bool) {
        self.shared.asleep.store(asleep, Ordering::Relaxed);
    }
}

/// The one thread that watches every loop of the process.
struct Watchdog {
    /// The loops to watch; dead ones are dropped as they are found.
    loops: Mutex<Vec<Weak<Watched>>>,
    /// Signalled when a loop is added, to wake a watchdog with none.
    added: Condvar,
    /// Time zero of `Watched::first_seen`.
    epoch: Instant,
}

/// The watchdog's memory of one loop.
struct Sighting {
    watched: Weak<Watched>,
    /// The poll number it last saw, and when it first saw it.
    seq: u64,
    since: Instant,
    /// Looks left in which a SIGQUIT still asks to name a stuck poll: two,
    /// since the look that hears of it may be the first to see the poll.
    asked: u8,
}

impl Watchdog {
    fn get() -> &'static Watchdog {
        static WATCHDOG: OnceLock<&'static Watchdog> = OnceLock::new();
        WATCHDOG.get_or_init(|| {
            let watchdog: &'static Watchdog = Box::leak(Box::new(Watchdog {
                loops: Mutex::new(Vec::new()),
                added: Condvar::new(),
                epoch: Instant::now(),
            }));
            // Without the thread there is no warning, but the loop works:
            // say so once instead of failing the runtime.
            if let Err(err) = thread::Builder::new()
                .name("loopy-slow-poll".into())
                .spawn(move || watchdog.run())
            {
                eprintln!("loopy: no slow-poll warnings: cannot start the watchdog thread: {err}");
            }
            watchdog
        })
    }

    fn watch(&self, watched: &Arc<Watched>) {
        unwind::lock(&self.loops).push(Arc::downgrade(watched));
        self.added.notify_one();
    }

    /// Looks at every loop a few times per threshold, forever.
    fn run(&self) {
        let mut sightings: Vec<Sighting> = Vec::new();
        let mut quits_seen = QUITS.load(Ordering::Relaxed);
        loop {
            // Take in new loops; sleep while there are none.
            {
                let mut loops = unwind::lock(&self.loops);
                while loops.is_empty() && sightings.is_empty() {
                    loops = self
                        .added
                        .wait(loops)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                sightings.extend(loops.drain(..).map(|watched| Sighting {
                    watched,
                    seq: 0,
                    since: Instant::now(),
                    asked: 0,
                }));
            }
            let now = Instant::now();
            let quits = QUITS.load(Ordering::Relaxed);
            let quit = std::mem::replace(&mut quits_seen, quits) != quits;
            let mut period = Duration::from_secs(1);
            sightings.retain_mut(|sighting| {
                let Some(watched) = sighting.watched.upgrade() else {
                    return false;
                };
                period = period.min(watched.threshold / 4);
                if quit {
                    sighting.asked = 2;
                }
                let asked = sighting.asked > 0;
                sighting.asked = sighting.asked.saturating_sub(1);
                let seq = watched.seq.load(Ordering::Acquire);
                if watched.asleep.load(Ordering::Relaxed) || seq != sighting.seq {
                    // Asleep, or in a poll not seen before.
                    sighting.seq = seq;
                    sighting.since = now;
                    return true;
                }
                let running = now - sighting.since;
                if running >= watched.threshold && watched.flagged.load(Ordering::Relaxed) != seq {
                    let first_seen = sighting.since - self.epoch;
                    watched
                        .first_seen
                        .store(first_seen.as_nanos() as u64, Ordering::Relaxed);
                    watched.flagged.store(seq, Ordering::Release);
                    name_stuck(&watched, running);
                } else if asked {
                    sighting.asked = 0;
                    name_stuck(&watched, running);
                }
                true
            });
            thread::sleep(period.max(Duration::from_millis(1)));
        }
    }
}

/// SIGQUITs delivered so far: each asks the watchdog to name the polls
/// that are stuck right now.
static QUITS: AtomicU64 = AtomicU64::new(0);

/// A SIGQUIT arrived. Async-signal-safe: one atomic add.
pub(crate) fn quit_delivered() {
    QUITS.fetch_add(1, Ordering::Relaxed);
}

/// Says on stderr which task `watched`'s loop has been stuck in for at
/// least `running`, while it still runs.
fn name_stuck(watched: &Watched, running: Duration) {
    let id = watched.task.load(Ordering::Relaxed);
    let location = places::get(watched.place.load(Ordering::Relaxed));
    let task = TaskLabel { id, name: None };
    let at = location.map_or_else(String::new, |at| format!(" (spawned at {at})"));
    let on = watched
        .loop_index
        .map_or_else(String::new, |index| format!("loop {index}: "));
    trace::warn(format_args!(
        "{on}slow poll: {task}{at} has been running for at least {} without yielding, and no \
         other task can run until it returns (threshold {}); move blocking work to \
         loopy::spawn_blocking",
        Short(running),
        Short(watched.threshold),
    ));
}
