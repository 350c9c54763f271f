//! Every task has a unique id, shown with Display; a task spawned through
//! `task::Builder` with a name sees it through `task::name()`.

use std::collections::HashSet;

use loopy::task::{self, TaskId};
use loopy::{block_on, spawn, yield_now};

#[test]
fn task_ids_are_unique_and_displayable() {
    let ids: Vec<TaskId> = block_on(async {
        let handles: Vec<_> = (0..100).map(|_| spawn(async { task::id() })).collect();
        let mut ids = Vec::new();
        for handle in handles {
            let id = handle.id();
            assert_eq!(handle.await.unwrap(), id);
            ids.push(id);
        }
        ids
    });
    let unique: HashSet<TaskId> = ids.iter().copied().collect();
    assert_eq!(unique.len(), 100, "two tasks shared an id");
    let shown: HashSet<String> = ids.iter().map(|id| id.to_string()).collect();
    assert_eq!(shown.len(), 100, "two ids display the same");
    assert!(ids.iter().all(|id| !format!("{id:?}").is_empty()));
}

#[loopy::test]
async fn a_task_keeps_its_id_across_awaits() {
    let handle = spawn(async {
        let first = task::id();
        yield_now().await;
        (first, task::id())
    });
    let id = handle.id();
    assert_eq!(handle.await.unwrap(), (id, id));
}

#[loopy::test]
async fn a_named_task_sees_its_name() {
    let named = task::Builder::new().name("echo").spawn(async {
        let before = task::name();
        yield_now().await;
        (before, task::name())
    });
    let unnamed = spawn(async {
        yield_now().await;
        task::name()
    });
    let (before, after) = named.await.unwrap();
    assert_eq!(before.as_deref(), Some("echo"));
    assert_eq!(
        after.as_deref(),
        Some("echo"),
        "the name was lost at an await"
    );
    assert_eq!(unnamed.await.unwrap(), None);
}

#[loopy::test]
async fn names_do_not_leak_between_interleaved_tasks() {
    let handles: Vec<_> = ["first", "second", "third"]
        .into_iter()
        .map(|name| {
            task::Builder::new().name(name).spawn(async move {
                for _ in 0..3 {
                    assert_eq!(task::name().as_deref(), Some(name));
                    yield_now().await;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
}

#[test]
fn name_outside_a_task_is_none() {
    assert_eq!(task::name(), None);
}
