//! group_join_10k, taskgroup_join_10k and spawn_join_10k: spawn 10,000
//! children that each return a number and join them all, over and over.
//! group_join_10k does it the runtime's structured way (loopy:
//! `task::scope`; tokio: a `JoinSet`, with `spawn` or, under a `LocalSet`,
//! `spawn_local`); taskgroup_join_10k the same with loopy's `TaskGroup`
//! drained with `join_next` as the `JoinSet` is; spawn_join_10k does it
//! with plain spawn and one handle per child, on every runtime.

use std::future::Future;
use std::time::Instant;

use tokio::task::JoinSet;

use crate::suite::runtime::{Loopy, Runtime, Spawn, SpawnLocal, Tokio};

/// The sum every round must come to.
fn expected(children: usize) -> u64 {
    let n = children as u64;
    n * (n - 1) / 2
}

/// Runs `round` `rounds` times on `R`; returns M children/s.
fn timed<R, F>(children: usize, rounds: usize, round: impl Fn(R) -> F + 'static) -> Vec<f64>
where
    R: Runtime,
    F: Future<Output = u64>,
{
    R::block_on(|rt| async move {
        let start = Instant::now();
        for _ in 0..rounds {
            let sum = round(rt.clone()).await;
            assert_eq!(sum, expected(children), "group_join: wrong sum of outputs");
        }
        let elapsed = start.elapsed();
        vec![(children * rounds) as f64 / elapsed.as_secs_f64() / 1e6]
    })
}

/// Plain spawn and one handle per child.
pub fn spawn_handles<R: Runtime>(children: usize, rounds: usize) -> Vec<f64> {
    timed::<R, _>(children, rounds, move |rt: R| async move {
        let handles: Vec<_> = (0..children as u64)
            .map(|i| rt.spawn(async move { i }))
            .collect();
        join_in_order(handles).await
    })
}

/// loopy's `task::scope`, children joined through their handles.
pub fn loopy_scope(children: usize, rounds: usize) -> Vec<f64> {
    timed::<Loopy, _>(children, rounds, move |_| {
        loopy::task::scope(move |s| async move {
            let handles: Vec<_> = (0..children as u64)
                .map(|i| s.spawn(async move { i }))
                .collect();
            join_in_order(handles).await
        })
    })
}

/// loopy's `TaskGroup`, joined in completion order.
pub fn loopy_task_group(children: usize, rounds: usize) -> Vec<f64> {
    timed::<Loopy, _>(children, rounds, move |_| async move {
        let group = loopy::task::TaskGroup::new();
        for i in 0..children as u64 {
            group.spawn(async move { i });
        }
        let mut sum = 0;
        while let Some(out) = group.join_next().await {
            sum += out.expect("task panicked");
        }
        sum
    })
}

/// tokio's `JoinSet` with `tokio::spawn`, joined in completion order.
pub fn tokio_join_set(children: usize, rounds: usize) -> Vec<f64> {
    timed::<Tokio<Spawn>, _>(children, rounds, move |_| async move {
        let mut set = JoinSet::new();
        for i in 0..children as u64 {
            set.spawn(async move { i });
        }
        drain(set).await
    })
}

/// tokio's `JoinSet` with `spawn_local` under the adapter's `LocalSet`.
pub fn tokio_join_set_local(children: usize, rounds: usize) -> Vec<f64> {
    timed::<Tokio<SpawnLocal>, _>(children, rounds, move |_| async move {
        let mut set = JoinSet::new();
        for i in 0..children as u64 {
            set.spawn_local(async move { i });
        }
        drain(set).await
    })
}

/// Awaits every handle in spawn order, summing the outputs.
async fn join_in_order(handles: Vec<impl Future<Output = u64>>) -> u64 {
    let mut sum = 0;
    for handle in handles {
        sum += handle.await;
    }
    sum
}

/// Joins every task of `set`, summing the outputs.
async fn drain(mut set: JoinSet<u64>) -> u64 {
    let mut sum = 0;
    while let Some(out) = set.join_next().await {
        sum += out.expect("task panicked");
    }
    sum
}
