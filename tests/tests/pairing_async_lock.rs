//! async-lock on loopy, as the tokio guide says: a Mutex held across an
//! `.await` keeps other tasks out until it is released, and a Semaphore
//! lets no more than its permits in at once.

use std::cell::Cell;
use std::rc::Rc;

use async_lock::{Mutex, Semaphore};

#[loopy::test]
async fn a_mutex_held_across_an_await_excludes_the_other_tasks() {
    let inside = Rc::new(Cell::new(0));
    let lock = Rc::new(Mutex::new(()));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (inside, lock) = (Rc::clone(&inside), Rc::clone(&lock));
            loopy::spawn(async move {
                let _guard = lock.lock().await;
                inside.set(inside.get() + 1);
                assert_eq!(inside.get(), 1, "two tasks inside the mutex");
                loopy::yield_now().await;
                inside.set(inside.get() - 1);
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

#[loopy::test]
async fn a_semaphore_lets_in_no_more_than_its_permits() {
    let inside = Rc::new(Cell::new(0));
    let most = Rc::new(Cell::new(0));
    let permits = Rc::new(Semaphore::new(3));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (inside, most, permits) =
                (Rc::clone(&inside), Rc::clone(&most), Rc::clone(&permits));
            loopy::spawn(async move {
                let _permit = permits.acquire().await;
                inside.set(inside.get() + 1);
                most.set(most.get().max(inside.get()));
                loopy::sleep(std::time::Duration::from_millis(1)).await;
                inside.set(inside.get() - 1);
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(most.get(), 3);
}
