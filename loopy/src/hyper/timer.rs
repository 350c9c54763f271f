//! `Timer` and `SendSleep`: hyper's timeouts on loopy's timer heap.
//!
//! hyper keeps its sleeps as `Pin<Box<dyn hyper::rt::Sleep>>`, and that
//! trait demands `Send + Sync`. loopy's own [`Sleep`](crate::time::Sleep)
//! is neither: it holds an `Rc` of the runtime's timer heap. A
//! [`SendSleep`] holds no handle to the heap at all: only its timer's key
//! and the heap's list of orphaned timers (`driver/orphaned_timers.rs`, an `Arc`).
//! Whenever it needs the heap (to arm, poll, reset or remove its timer),
//! it takes it from the runtime running on the current thread, after
//! checking that this is the runtime whose heap holds the key.
//!
//! Dropped on the loop thread, a `SendSleep` removes its timer at once,
//! as `Sleep` does. Dropped anywhere else (another thread, or while its
//! runtime is not running), it cannot touch the heap: it leaves the key
//! on the orphan list, and the loop removes the timer at its next look at
//! the timers, before firing any, so the orphan wakes nobody.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::driver::orphaned_timers::OrphanedTimers;
use crate::driver::timer_heap::{TimerHeap, TimerKey};
use crate::task::context;
use crate::time::far_future_if_overflow;

/// hyper's timer, on loopy's timer heap: give it to hyper's connection
/// builders (`.timer(Timer::new())`) to make `header_read_timeout` and
/// the keep-alive timeouts work.
///
/// `Timer` holds nothing: its sleeps find the runtime they are polled on,
/// so one `Timer` serves any loopy runtime. Its `now` is
/// [`loopy::time::now`](crate::time::now), so hyper's deadlines follow a
/// paused clock too.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use hyper::rt::Timer as _;
///
/// loopy::block_on(async {
///     let start = Instant::now();
///     loopy::hyper::Timer::new().sleep(Duration::from_millis(5)).await;
///     assert!(start.elapsed() >= Duration::from_millis(5));
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Timer;

impl Timer {
    /// A timer.
    ///
    /// # Examples
    ///
    /// ```
    /// let _timer = loopy::hyper::Timer::new();
    /// ```
    pub fn new() -> Timer {
        Timer
    }
}

impl ::hyper::rt::Timer for Timer {
    /// The loop's time, which a paused clock sets: hyper adds its timeouts
    /// to this, so they fall due on the clock the sleeps go by.
    fn now(&self) -> Instant {
        crate::time::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(SendSleep::until(deadline_after(duration)))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(SendSleep::until(deadline))
    }

    /// Moves the sleep's timer in the heap when it is one of ours, instead
    /// of allocating a new sleep.
    fn reset(&self, sleep: &mut Pin<Box<dyn ::hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<SendSleep>() {
            Some(ours) => ours.get_mut().reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// `now + duration`, or a deadline in the far future if that overflows.
fn deadline_after(duration: Duration) -> Instant {
    far_future_if_overflow(crate::time::now(), duration)
}

/// A sleep that is `Send + Sync`, for hyper, yet a timer in the heap of
/// the loopy runtime that polls it, like [`Sleep`](crate::time::Sleep).
/// [`Timer`] makes them.
///
/// It arms its timer on the first poll that finds the deadline still
/// ahead, in the runtime running on that thread. Polled on another
/// runtime later, it moves its timer there.
///
/// # Panics
///
/// Polling it outside a running loopy runtime panics.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// fn shareable<T: Send + Sync>(value: T) -> T {
///     value
/// }
///
/// loopy::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(5);
///     shareable(loopy::hyper::SendSleep::until(deadline)).await;
///     assert!(Instant::now() >= deadline);
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SendSleep {
    /// When the sleep ends.
    deadline: Instant,
    /// The armed timer, from the first `Pending` poll on.
    timer: Option<HeapKey>,
}

/// A timer in some runtime's heap, named so that any thread can hold it.
struct HeapKey {
    /// The timer's slot in the heap.
    key: TimerKey,
    /// The heap's orphan list: where the key goes if it is dropped away
    /// from the loop, and what tells the heap apart from other runtimes'.
    orphans: Arc<OrphanedTimers<TimerKey>>,
}

impl HeapKey {
    /// Whether `timers` is the heap that holds this timer.
    fn is_in(&self, timers: &TimerHeap) -> bool {
        Arc::ptr_eq(&self.orphans, timers.orphans())
    }

    /// Removes the timer: at once on its loop thread, else through the
    /// orphan list.
    fn remove(self) {
        context::with(|handle| match handle.map(|handle| &handle.timers) {
            Some(timers) if self.is_in(timers) => timers.remove(self.key),
            _ => self.orphans.push(self.key),
        });
    }
}

impl SendSleep {
    /// A sleep that ends at `deadline`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let at = Instant::now() + Duration::from_millis(1);
    /// assert_eq!(loopy::hyper::SendSleep::until(at).deadline(), at);
    /// ```
    pub fn until(deadline: Instant) -> SendSleep {
        SendSleep {
            deadline,
            timer: None,
        }
    }

    /// When the sleep ends (or ended).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let at = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(loopy::hyper::SendSleep::until(at).deadline(), at);
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Moves the deadline, earlier or later, even after the sleep ended;
    /// an armed timer moves in the heap. Done off the loop thread, the
    /// timer is given up instead and armed again by the next poll.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// loopy::block_on(async {
    ///     let mut sleep = loopy::hyper::SendSleep::until(Instant::now() + Duration::from_secs(60));
    ///     let soon = Instant::now() + Duration::from_millis(5);
    ///     sleep.reset(soon);
    ///     sleep.await;
    ///     assert!(Instant::now() >= soon);
    /// });
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        let Some(timer) = self.timer.take() else {
            return;
        };
        let moved = context::with(|handle| match handle.map(|handle| &handle.timers) {
            Some(timers) if timer.is_in(timers) => {
                timers.reset(timer.key, deadline);
                true
            }
            _ => false,
        });
        if moved {
            self.timer = Some(timer);
        } else {
            timer.remove();
        }
    }
}

impl Future for SendSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let handle = context::expect("polling loopy::hyper::SendSleep");
        let timers = &handle.timers;
        match &this.timer {
            Some(timer) if timer.is_in(timers) => {
                let ready = timers.poll_timer(timer.key, cx.waker());
                if ready.is_pending() {
                    handle
                        .tasks
                        .parked_on_timer(timer.key, this.deadline, timers);
                }
                return ready;
            }
            // Armed in another runtime: leave that timer to its loop.
            Some(_) => this.timer.take().expect("matched Some").remove(),
            None => {}
        }
        if this.deadline <= handle.clock.now() {
            return Poll::Ready(());
        }
        let key = timers.insert(this.deadline, cx.waker());
        this.timer = Some(HeapKey {
            key,
            orphans: Arc::clone(timers.orphans()),
        });
        handle.tasks.parked_on_timer(key, this.deadline, timers);
        Poll::Pending
    }
}

impl ::hyper::rt::Sleep for SendSleep {}

impl Drop for SendSleep {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            timer.remove();
        }
    }
}

impl fmt::Debug for SendSleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendSleep")
            .field("deadline", &self.deadline)
            .field("armed", &self.timer.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};

    use ::hyper::rt::Timer as _;

    use super::*;

    /// Counts the wakes of a waker.
    #[derive(Default)]
    struct WakeCount(AtomicUsize);

    impl Wake for WakeCount {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// How many timers the running runtime's heap holds armed.
    fn armed_timers() -> usize {
        context::expect("armed_timers").timers.armed()
    }

    /// Polls `sleep` once with `waker` and says whether it was ready.
    fn poll_with(sleep: Pin<&mut (dyn ::hyper::rt::Sleep + '_)>, waker: &Waker) -> bool {
        sleep.poll(&mut Context::from_waker(waker)).is_ready()
    }

    #[test]
    fn sleeps_are_send_and_sync() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<SendSleep>();
        send_and_sync::<Timer>();
    }

    #[test]
    fn a_sleep_ends_after_its_duration_on_loopy_s_heap() {
        crate::block_on(async {
            let start = Instant::now();
            let mut sleep = Timer::new().sleep(Duration::from_millis(20));
            assert!(!poll_with(sleep.as_mut(), Waker::noop()));
            assert_eq!(armed_timers(), 1, "the sleep is a timer in loopy's heap");
            sleep.await;
            assert!(start.elapsed() >= Duration::from_millis(20));
            assert_eq!(armed_timers(), 0);
        });
    }

    #[test]
    fn hyper_s_now_follows_a_paused_clock() {
        let rt = crate::Runtime::builder()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            let timer = Timer::new();
            let start = ::hyper::rt::Timer::now(&timer);
            crate::time::advance(Duration::from_secs(100)).await;
            let now = ::hyper::rt::Timer::now(&timer);
            assert_eq!(now - start, Duration::from_secs(100));
            assert_eq!(now, crate::time::now());
        });
    }

    #[test]
    fn reset_moves_the_timer_in_place_both_ways() {
        crate::block_on(async {
            let timer = Timer::new();
            let mut sleep = timer.sleep(Duration::from_secs(60));
            assert!(!poll_with(sleep.as_mut(), Waker::noop()));
            let before: *const dyn ::hyper::rt::Sleep = &*sleep;

            // Earlier: it ends soon, not in a minute.
            let soon = Instant::now() + Duration::from_millis(10);
            timer.reset(&mut sleep, soon);
            assert!(
                std::ptr::addr_eq(before, &*sleep),
                "reset must not allocate a new sleep"
            );
            assert_eq!(armed_timers(), 1, "moved, not duplicated");
            crate::timeout(Duration::from_secs(5), sleep.as_mut())
                .await
                .expect("the reset deadline must fire");
            assert!(Instant::now() >= soon);

            // Later, after it ended: it sleeps again until the new deadline.
            let later = Instant::now() + Duration::from_millis(20);
            timer.reset(&mut sleep, later);
            assert!(!poll_with(sleep.as_mut(), Waker::noop()));
            sleep.as_mut().await;
            assert!(Instant::now() >= later);
        });
    }

    #[test]
    fn reset_of_a_foreign_sleep_replaces_it() {
        struct Foreign;
        impl Future for Foreign {
            type Output = ();
            fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
                Poll::Pending
            }
        }
        impl ::hyper::rt::Sleep for Foreign {}

        crate::block_on(async {
            let mut sleep: Pin<Box<dyn ::hyper::rt::Sleep>> = Box::pin(Foreign);
            Timer::new().reset(&mut sleep, Instant::now());
            crate::timeout(Duration::from_secs(5), sleep)
                .await
                .expect("the replacement ends at the new deadline");
        });
    }

    #[test]
    fn dropping_a_sleep_on_its_loop_removes_its_timer() {
        crate::block_on(async {
            let mut sleep = Timer::new().sleep(Duration::from_secs(60));
            assert!(!poll_with(sleep.as_mut(), Waker::noop()));
            assert_eq!(armed_timers(), 1);
            drop(sleep);
            assert_eq!(armed_timers(), 0);
        });
    }

    #[test]
    fn a_sleep_dropped_on_another_thread_is_removed_by_the_loop_and_wakes_nobody() {
        crate::block_on(async {
            let wakes = Arc::new(WakeCount::default());
            let waker = Waker::from(Arc::clone(&wakes));
            let mut sleep = Timer::new().sleep(Duration::from_millis(10));
            assert!(!poll_with(sleep.as_mut(), &waker));
            std::thread::spawn(move || drop(sleep)).join().unwrap();
            // The loop cannot have been told yet; its next look removes it.
            assert_eq!(armed_timers(), 1);
            crate::sleep(Duration::from_millis(30)).await;
            assert_eq!(armed_timers(), 0, "the orphan must be removed");
            assert_eq!(wakes.0.load(Ordering::SeqCst), 0, "an orphan must not fire");
        });
    }

    #[test]
    fn a_sleep_polled_on_another_runtime_moves_there() {
        let mut sleep = Timer::new().sleep(Duration::from_millis(10));
        crate::block_on(async {
            assert!(!poll_with(sleep.as_mut(), Waker::noop()));
        });
        // The first runtime is not running: the sleep cannot reach its heap.
        crate::block_on(async {
            crate::timeout(
                Duration::from_secs(5),
                poll_fn(|cx| sleep.as_mut().poll(cx)),
            )
            .await
            .expect("the sleep must fire on the runtime polling it");
            assert_eq!(armed_timers(), 0);
        });
    }
}
