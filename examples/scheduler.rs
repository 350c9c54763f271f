//! The "system call" scheduler: task ids, new tasks, sleeping, waiting for a
//! task and killing one, each step explained in one line.
//!
//! Descends from the Python scheduler in which tasks were generators that
//! `yield`ed system calls to the loop: `GetTid()`, `NewTask(target)`,
//! `WaitTask(tid)` and `KillTask(tid)`. On loopy these are
//! [`loopy::task::id()`], calling a function marked `#[loopy::task]` (which
//! spawns it as a task named after the function and hands back its
//! [`loopy::JoinHandle`]), `.await` on that handle and
//! [`JoinHandle::cancel`](loopy::JoinHandle::cancel).
//!
//! One thing is different on purpose. In the original any task could
//! `KillTask` or `WaitTask` any id, even the task that created it. In loopy
//! an id is only a name: waiting and cancelling need the `JoinHandle`,
//! which `spawn` gives to the spawner alone and which cannot be copied. So
//! these are *capabilities*, and a task cannot kill the one that created it.
//!
//! Last, [`loopy::task::scope`] runs children that borrow a table from
//! `main`'s stack: the scope polls them itself and ends after the last one.
//!
//! Try it:
//!
//! ```text
//! cargo run --example scheduler
//! ```

use std::fmt::Display;
use std::time::Duration;

use loopy::task::TaskId;
// `command_line` answers `--help`; `outln!` is `println!` that, when
// stdout is closed (`| head -1`), ends the program with one line on
// stderr and status 1 instead of a panic.
use loopy_examples::{command_line, outln};

/// What `--help` prints.
const USAGE: &str = "\
usage: scheduler

Shows the \"system calls\" of a scheduler on loopy: task ids, spawning,
sleeping, waiting for a task and cancelling one.

  -h, --help    print this and exit";

#[loopy::main]
async fn main() {
    command_line::no_options(USAGE);
    say("I am block_on's own future; loopy::task::id() gives me id 0");

    let worker = worker();
    say(format_args!(
        "spawned task {} (worker); the JoinHandle I got back is the only way to wait for it or cancel it",
        worker.id()
    ));
    let spinner = spinner();
    say(format_args!(
        "spawned task {} (spinner), which would spin forever",
        spinner.id()
    ));

    say("waiting for the worker's result; the loop runs the other tasks meanwhile");
    match worker.await {
        Ok(answer) => say(format_args!("the worker returned {answer}")),
        Err(err) => say(format_args!("the worker failed: {err}")),
    }

    say(format_args!(
        "cancelling task {} (the spinner)",
        spinner.id()
    ));
    spinner.cancel();
    match spinner.await {
        Err(err) if err.is_cancelled() => say(format_args!("its handle reports: {err}")),
        other => say(format_args!("expected a cancellation, got {other:?}")),
    }

    let parent = parent();
    match parent.await {
        Ok(()) => say("the parent task finished: its child could not touch it"),
        Err(err) => say(format_args!("the parent failed: {err}")),
    }

    let detached = detached();
    say(format_args!(
        "dropping the handle of task {} detaches it: I give up waiting for it and cancelling it",
        detached.id()
    ));
    drop(detached);
    // One turn of the loop, in which the detached task runs.
    loopy::yield_now().await;

    // A scope's children are polled by the scope itself, not queued as
    // tasks, so they may borrow from this stack frame.
    let table = [("apples", 3), ("pears", 5), ("plums", 7)];
    let rows = &table;
    let total: u32 = loopy::task::scope(|s| async move {
        let counts: Vec<_> = rows
            .iter()
            .map(|(_, count)| s.spawn(async move { *count }))
            .collect();
        let mut total = 0;
        for count in counts {
            total += count.await;
        }
        total
    })
    .await;
    say(format_args!(
        "a scope's {} children read my local table and counted {total}; the scope ended after the last of them",
        table.len()
    ));
    say("done");
}

/// Works in three steps, sleeping between them, and returns an answer.
#[loopy::task]
async fn worker() -> u32 {
    for step in 1..=3 {
        say(format_args!(
            "step {step} of 3, then I sleep 100 ms without blocking anyone"
        ));
        loopy::sleep(Duration::from_millis(100)).await;
    }
    42
}

/// Spins until it is cancelled.
#[loopy::task]
async fn spinner() {
    let _drop = Announce("cancelled: my future is dropped, so my destructors run");
    for round in 1.. {
        say(format_args!("still spinning (round {round})"));
        loopy::sleep(Duration::from_millis(130)).await;
    }
}

/// Spawns a child that knows the parent's id but has no handle to it, and
/// waits for the child.
#[loopy::task]
async fn parent() {
    let me = loopy::task::id();
    let child = child(me);
    say(format_args!(
        "spawned task {} (child) and told it my id; I keep its handle",
        child.id()
    ));
    match child.await {
        Ok(()) => say("my child finished, and I waited for it with the handle I hold"),
        Err(err) => say(format_args!("my child failed: {err}")),
    }
}

/// Knows its parent's id, and can do nothing to the parent with it.
#[loopy::task]
async fn child(parent: TaskId) {
    say(format_args!(
        "my parent is task {parent}, but an id is only a name: loopy has no kill(id) or wait(id), \
         and no handle to my parent exists for me, so I cannot cancel it or wait for it"
    ));
}

/// Runs to its end with nobody waiting for it.
#[loopy::task]
async fn detached() {
    say("I run to the end on my own: nobody can wait for me or cancel me");
}

/// Prints a line prefixed with the task's id and name, the way the Python
/// tasks printed their `GetTid()`.
fn say(what: impl Display) {
    let name = loopy::task::name().unwrap_or_else(|| "main".to_string());
    outln!("[task {} {name}] {what}", loopy::task::id());
}

/// Says something when it is dropped.
struct Announce(&'static str);

impl Drop for Announce {
    fn drop(&mut self) {
        say(self.0);
    }
}
