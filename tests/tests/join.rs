//! A `JoinHandle` is a future of the task's output: it reports whether the
//! task has finished and which task it belongs to.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use loopy::{block_on, sleep, spawn, task, yield_now};

#[test]
fn joining_gives_the_output() {
    let output = block_on(async { spawn(async { String::from("forty-two") }).await });
    assert_eq!(output.unwrap(), "forty-two");
}

#[loopy::test]
async fn tasks_need_not_be_send() {
    // Rc is !Send: a multi-threaded runtime could not take this task.
    let shared = Rc::new(Cell::new(1));
    let handle = spawn({
        let shared = shared.clone();
        async move {
            yield_now().await;
            shared.set(shared.get() + 1);
            shared
        }
    });
    let returned = handle.await.unwrap();
    assert_eq!(shared.get(), 2);
    assert!(Rc::ptr_eq(&shared, &returned));
}

#[loopy::test]
async fn is_finished_turns_true_when_the_task_completes() {
    let spawned = Instant::now();
    let handle = spawn(sleep(Duration::from_millis(20)));
    assert!(!handle.is_finished(), "a just-spawned task has not run yet");
    for _ in 0..2000 {
        if handle.is_finished() {
            break;
        }
        sleep(Duration::from_millis(1)).await;
    }
    assert!(handle.is_finished(), "the task never finished");
    assert!(
        spawned.elapsed() >= Duration::from_millis(20),
        "finished before its 20 ms sleep was over"
    );
    handle.await.unwrap();
}

#[loopy::test]
async fn the_handle_id_is_the_task_id() {
    let handle = spawn(async { task::id() });
    let id = handle.id();
    assert_eq!(handle.await.unwrap(), id);
}

#[loopy::test]
async fn joining_a_task_that_finished_long_ago() {
    let handle = spawn(async { vec![1, 2, 3] });
    for _ in 0..10 {
        yield_now().await;
    }
    assert_eq!(handle.await.unwrap(), vec![1, 2, 3]);
}

#[loopy::test]
async fn many_tasks_join_with_their_own_outputs() {
    let handles: Vec<_> = (0..1000u64)
        .map(|n| {
            spawn(async move {
                if n % 3 == 0 {
                    yield_now().await;
                }
                n * n
            })
        })
        .collect();
    // Joined last to first, the reverse of the order they finish in.
    for (n, handle) in handles.into_iter().enumerate().rev() {
        let n = n as u64;
        assert_eq!(handle.await.unwrap(), n * n);
    }
}

#[loopy::test]
async fn a_task_can_join_another_task() {
    let inner = spawn(async {
        yield_now().await;
        7
    });
    let outer = spawn(async move { inner.await.unwrap() * 6 });
    assert_eq!(outer.await.unwrap(), 42);
}
