//! `TaskGroup`: results in the order the tasks finish, `None` at once when
//! empty, cancel and drop cancel every task (their destructors run),
//! `shutdown(grace)` cancels only what outlives the grace, and a result
//! goes to whoever asks first, the handle or `join_next`.

use std::future::Future;
use std::time::Duration;

use loopy::task::TaskGroup;
use loopy_tests::DropCount;

#[loopy::test(start_paused)]
async fn results_come_in_the_order_the_tasks_finish() {
    let group = TaskGroup::new();
    for secs in [3, 1, 2] {
        group.spawn(async move {
            loopy::sleep(Duration::from_secs(secs)).await;
            secs
        });
    }
    assert_eq!(group.len(), 3);
    let mut order = Vec::new();
    while let Some(result) = group.join_next().await {
        order.push(result.unwrap());
    }
    assert_eq!(order, [1, 2, 3]);
    assert!(group.is_empty());
}

#[loopy::test]
async fn join_next_on_an_empty_group_is_none_at_once() {
    let group = TaskGroup::<()>::new();
    let polls = std::cell::Cell::new(0);
    let next = std::future::poll_fn(|cx| {
        polls.set(polls.get() + 1);
        std::pin::pin!(group.join_next()).poll(cx)
    });
    assert!(next.await.is_none());
    assert_eq!(polls.get(), 1, "no waiting");
}

#[loopy::test]
async fn cancel_cancels_every_task_at_once_and_their_destructors_run() {
    let drops = DropCount::new();
    let group = TaskGroup::new();
    for _ in 0..3 {
        let guard = drops.guard();
        group.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
    }
    loopy::yield_now().await;
    group.cancel();
    assert_eq!(group.len(), 3, "cancel returns at once");
    let mut cancelled = 0;
    while let Some(result) = group.join_next().await {
        cancelled += usize::from(result.unwrap_err().is_cancelled());
    }
    assert_eq!(cancelled, 3);
    assert_eq!(drops.get(), 3);
}

#[loopy::test(start_paused)]
async fn shutdown_cancels_only_what_outlives_the_grace() {
    let drops = DropCount::new();
    let group = TaskGroup::new();
    for secs in [1, 2, 10, 20] {
        let guard = drops.guard();
        group.spawn(async move {
            let _guard = guard;
            loopy::sleep(Duration::from_secs(secs)).await;
            secs
        });
    }
    let start = loopy::time::now();
    group.shutdown(Duration::from_secs(5)).await;
    assert_eq!(loopy::time::now() - start, Duration::from_secs(5));
    assert_eq!(drops.get(), 4, "every task has ended");
    let mut finished = Vec::new();
    let mut cancelled = 0;
    while let Some(result) = group.join_next().await {
        match result {
            Ok(secs) => finished.push(secs),
            Err(err) => cancelled += usize::from(err.is_cancelled()),
        }
    }
    assert_eq!(finished, [1, 2]);
    assert_eq!(cancelled, 2);
}

#[loopy::test(start_paused)]
async fn shutdown_returns_as_soon_as_every_task_ended_by_itself() {
    let group = TaskGroup::new();
    group.spawn(loopy::sleep(Duration::from_secs(1)));
    let start = loopy::time::now();
    group.shutdown(Duration::from_secs(60)).await;
    assert_eq!(loopy::time::now() - start, Duration::from_secs(1));
    assert!(group.join_next().await.unwrap().is_ok());
}

#[loopy::test]
async fn dropping_the_group_cancels_its_tasks() {
    let drops = DropCount::new();
    let group = TaskGroup::new();
    let guard = drops.guard();
    let handle = group.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    loopy::yield_now().await;
    drop(group);
    assert!(handle.await.unwrap_err().is_cancelled());
    assert_eq!(drops.get(), 1);
}

#[loopy::test]
async fn results_nobody_takes_are_dropped_with_the_group() {
    let drops = DropCount::new();
    let group = TaskGroup::new();
    let guard = drops.guard();
    let waker = std::rc::Rc::new(std::cell::Cell::new(None));
    group.spawn({
        let waker = waker.clone();
        async move {
            // A waker kept alive keeps the task's allocation alive too, so
            // only the group letting go can drop the result.
            let own = std::future::poll_fn(|cx| std::task::Poll::Ready(cx.waker().clone())).await;
            waker.set(Some(own));
            guard
        }
    });
    loopy::yield_now().await;
    assert_eq!(drops.get(), 0, "kept for join_next");
    drop(group);
    assert_eq!(drops.get(), 1);
    drop(waker);
}

#[loopy::test]
async fn the_result_goes_to_whoever_asks_first() {
    let group = TaskGroup::new();
    let first = group.spawn(async { 1 });
    let second = group.spawn(async { 2 });
    assert_eq!(first.await.unwrap(), 1, "the handle asked first");
    assert_eq!(group.join_next().await.unwrap().unwrap(), 2);
    assert!(group.join_next().await.is_none(), "1 is not reported again");
    let err = second.await.unwrap_err();
    assert!(err.is_taken() && !err.is_cancelled(), "{err}");
}

#[loopy::test]
async fn group_tasks_keep_their_names_and_spawn_sites() {
    let group = TaskGroup::new();
    let line = line!() + 1;
    let handle = group.spawn_named("client", std::future::pending::<()>());
    loopy::yield_now().await;
    let list = loopy::task::list();
    let info = list.iter().find(|t| t.id() == handle.id()).unwrap();
    assert_eq!(info.name(), Some("client"));
    assert_eq!(
        (info.location().file(), info.location().line()),
        (file!(), line)
    );
}
