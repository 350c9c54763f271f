//! A scope's children are tasks to the loop, though the run queue never
//! holds them: each has an id (`task::id()` inside it), a line in the task
//! list under the task that runs its scope, and leaves the list when it
//! ends.

use std::cell::Cell;

#[loopy::test]
async fn a_scopes_children_are_listed_under_their_parent_while_they_live() {
    let inner_id = Cell::new(None);
    let line = Cell::new(0);
    let outer = loopy::task::id();
    loopy::task::scope(|s| {
        let (inner_id, line) = (&inner_id, &line);
        async move {
            line.set(line!() + 1);
            let child = s.spawn(async move {
                inner_id.set(Some(loopy::task::id()));
                loopy::yield_now().await;
            });
            loopy::yield_now().await;
            let list = loopy::task::list();
            let id = inner_id.get().expect("the child ran");
            assert_ne!(id, outer, "the child is a task of its own");
            let info = list.iter().find(|t| t.id() == id).expect("listed");
            assert_eq!(info.parent(), Some(outer));
            assert_eq!(info.location().file(), file!());
            assert_eq!(info.location().line(), line.get());
            let mut out = Vec::new();
            loopy::task::dump_to(&mut out).unwrap();
            let table = String::from_utf8(out).unwrap();
            assert!(
                table
                    .lines()
                    .any(|row| row.starts_with(&format!("  task {id} "))),
                "indented under block_on's future:\n{table}"
            );
            child.await;
        }
    })
    .await;
    let id = inner_id.get().unwrap();
    assert!(
        loopy::task::list().iter().all(|t| t.id() != id),
        "gone once it ended"
    );
    assert_eq!(loopy::task::id(), outer);
}
