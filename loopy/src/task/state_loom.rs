//! A loom model of the task state word (`State` in `state.rs`).
//!
//! loom runs each scenario under every interleaving (and every outcome the
//! memory orderings allow) of a loop thread and a thread holding a waker.
//! The task's stage is a loom `UnsafeCell`, so loom also reports a stage
//! access that is not ordered before the free, wherever the free happens.
//! What must hold in each: the task is freed exactly once, only after its
//! stage was consumed, and a wake never queues a complete task.
//!
//! Run with `RUSTFLAGS="--cfg loopy_loom" cargo test -p loopy --lib loom --release`.

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;

use super::state::{State, CANCELLED, COMPLETE, HANDLE};

/// What the task's stage holds, as in `raw.rs`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    Running,
    Finished,
    Consumed,
}

/// The parts of a task allocation the state word guards.
struct Task {
    state: State,
    /// Touched by the loop thread, and read by whoever frees the task.
    stage: UnsafeCell<Stage>,
    /// Run queue entries that wakes handed over, each with a reference.
    queued: Mutex<usize>,
    /// How often the task was freed: must end at exactly one.
    frees: AtomicUsize,
}

impl Task {
    fn new() -> Task {
        Task {
            state: State::new(0),
            stage: UnsafeCell::new(Stage::Running),
            queued: Mutex::new(0),
            frees: AtomicUsize::new(0),
        }
    }

    /// `Header::release`: the last reference frees, and by then the stage
    /// must be consumed.
    fn release(&self) {
        if self.state.release() {
            let stage = self.stage.with(|stage| {
                // SAFETY: loom checks that this read is ordered after every
                // write of the loop thread; the stage is a plain value.
                unsafe { *stage }
            });
            assert_eq!(stage, Stage::Consumed, "freed with a live stage");
            self.frees.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn set_stage(&self, to: Stage) {
        // SAFETY: only the loop thread writes the stage, and loom checks
        // the write against every read.
        self.stage.with_mut(|stage| unsafe { *stage = to });
    }

    /// `waker::wake`: a wake that consumes the waker's reference, handing
    /// it to the run queue or dropping it.
    fn wake(&self) {
        if self.state.schedule() {
            *self.queued.lock().unwrap() += 1;
        } else {
            self.release();
        }
    }

    /// `waker::wake_by_ref`: a wake that takes a new reference to queue.
    fn wake_by_ref(&self) {
        if self.state.schedule() {
            self.state.add_ref();
            *self.queued.lock().unwrap() += 1;
        }
    }

    /// `TaskRef::run` followed by `complete`, for a future that returns
    /// (or, cancelled, is dropped) at once; the run queue entry's
    /// reference is released afterwards.
    fn run_to_completion(&self) {
        if self.state.begin_run() & COMPLETE == 0 {
            self.set_stage(Stage::Finished);
            if self.state.complete() & HANDLE == 0 {
                self.set_stage(Stage::Consumed);
            }
        }
        self.release();
    }

    /// `LocalTask::cancel`: queue the task at the front unless it is
    /// queued already or complete.
    fn cancel(&self) {
        if self.state.cancel() {
            self.state.add_ref();
            *self.queued.lock().unwrap() += 1;
        }
    }

    /// The loop's later turns: run every entry the wakes queued (each
    /// finds the task complete) and release its reference.
    fn drain_queue(&self) {
        let entries = std::mem::take(&mut *self.queued.lock().unwrap());
        for _ in 0..entries {
            assert_ne!(
                self.state.begin_run() & COMPLETE,
                0,
                "queued after completion"
            );
            self.release();
        }
    }

    /// `TaskRef::drop_handle` after the handle took the output (or not):
    /// the stage is consumed either way before the reference goes.
    fn drop_handle(&self, took_output: bool) {
        if took_output {
            self.set_stage(Stage::Consumed);
        }
        let prev = self.state.drop_handle();
        if prev & COMPLETE != 0 && !took_output {
            self.set_stage(Stage::Consumed);
        }
        self.release();
    }
}

/// A task whose one waker another thread owns and uses with `remote`,
/// while the loop does `on_loop`; then the loop runs what the wake queued,
/// and the task must have been freed exactly once.
fn against_a_remote_waker(
    remote: impl Fn(&Task) + Copy + Send + Sync + 'static,
    on_loop: impl Fn(&Task) + Send + Sync + 'static,
) {
    loom::model(move || {
        let task = Arc::new(Task::new());
        // The waker the other thread holds.
        task.state.add_ref();
        let waking = {
            let task = Arc::clone(&task);
            thread::spawn(move || remote(&task))
        };
        on_loop(&task);
        task.drain_queue();
        waking.join().unwrap();
        // Entries the wake queued after the loop looked are run later.
        task.drain_queue();
        assert_eq!(task.frees.load(Ordering::Relaxed), 1);
    });
}

/// The loop runs and completes the task, the registry lets go, and the
/// handle takes the output or drops it; meanwhile another thread wakes the
/// task with a waker it owns, then drops the waker.
fn remote_wake_against_completion(took_output: bool, by_ref: bool) {
    against_a_remote_waker(
        move |task| {
            if by_ref {
                task.wake_by_ref();
                task.release();
            } else {
                task.wake();
            }
        },
        move |task| {
            task.run_to_completion();
            // The registry's reference goes when the task completes.
            task.release();
            task.drop_handle(took_output);
        },
    );
}

#[test]
fn loom_remote_wake_while_the_task_completes_and_its_output_is_taken() {
    remote_wake_against_completion(true, false);
}

#[test]
fn loom_remote_wake_while_the_task_completes_and_its_handle_drops_the_output() {
    remote_wake_against_completion(false, false);
}

#[test]
fn loom_remote_wake_by_ref_then_waker_drop_while_the_task_completes() {
    remote_wake_against_completion(false, true);
}

/// The handle is dropped before the task runs (detached), so completion
/// drops the output at once; the other thread's waker may be the last
/// reference and free the task there.
#[test]
fn loom_detached_task_completes_while_a_remote_waker_is_dropped() {
    against_a_remote_waker(Task::wake, |task| {
        task.drop_handle(false);
        task.run_to_completion();
        task.release();
    });
}

/// The handle cancels the task while another thread wakes it: whichever
/// entry the loop reaches first drops the future, later ones find the
/// task complete.
#[test]
fn loom_cancel_while_a_remote_wake_queues_the_task() {
    against_a_remote_waker(Task::wake, |task| {
        task.cancel();
        assert_ne!(task.state.load() & CANCELLED, 0);
        task.run_to_completion();
        task.release();
        task.drop_handle(true);
    });
}
