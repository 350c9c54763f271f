//! Dropping a `JoinHandle` detaches its task: the task keeps running.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use loopy::{sleep, spawn, yield_now};

#[loopy::test]
async fn a_detached_task_keeps_running() {
    let steps = Rc::new(Cell::new(0));
    let handle = spawn({
        let steps = steps.clone();
        async move {
            for _ in 0..5 {
                steps.set(steps.get() + 1);
                yield_now().await;
            }
            sleep(Duration::from_millis(10)).await;
            steps.set(steps.get() + 1);
        }
    });
    drop(handle);

    for _ in 0..500 {
        if steps.get() == 6 {
            break;
        }
        sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(steps.get(), 6, "the detached task stopped early");
}

#[loopy::test]
async fn a_detached_task_can_spawn_and_detach_more() {
    let done = Rc::new(Cell::new(0));
    {
        let done = done.clone();
        spawn(async move {
            for _ in 0..10 {
                let done = done.clone();
                spawn(async move {
                    yield_now().await;
                    done.set(done.get() + 1);
                });
            }
        });
    }
    for _ in 0..100 {
        if done.get() == 10 {
            break;
        }
        yield_now().await;
    }
    assert_eq!(done.get(), 10);
}
