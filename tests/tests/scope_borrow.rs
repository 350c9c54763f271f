//! A scope's children borrow from the caller: a shared `&Vec`, disjoint
//! `&mut` halves, and the `Scope` handle itself for nested spawns.

use std::time::Duration;

#[test]
fn children_borrow_a_local_vec() {
    loopy::block_on(async {
        let words = vec!["a".to_string(), "bb".to_string()];
        let words = &words;
        let total = loopy::task::scope(|s| async move {
            let a = s.spawn(async move { words[0].len() });
            let b = s.spawn(async move { words[1].len() });
            a.await + b.await
        })
        .await;
        assert_eq!(total, 3);
    });
}

#[test]
fn children_write_to_a_mut_split_concurrently() {
    loopy::block_on(async {
        let mut table = vec![0u32; 8];
        let (left, right) = table.split_at_mut(4);
        loopy::task::scope(|s| async move {
            // Both sleep between writes, so they run interleaved.
            s.spawn(async move {
                for cell in left.iter_mut() {
                    *cell = 1;
                    loopy::sleep(Duration::from_millis(1)).await;
                }
            });
            s.spawn(async move {
                for cell in right.iter_mut() {
                    *cell = 2;
                    loopy::sleep(Duration::from_millis(1)).await;
                }
            });
        })
        .await;
        assert_eq!(table, [1, 1, 1, 1, 2, 2, 2, 2]);
    });
}

#[test]
fn the_scope_waits_for_children_whose_handles_were_dropped() {
    loopy::block_on(async {
        let mut done = [false; 3];
        let flags = &mut done;
        loopy::task::scope(|s| async move {
            for (n, flag) in flags.iter_mut().enumerate() {
                drop(s.spawn(async move {
                    loopy::sleep(Duration::from_millis(5 * n as u64)).await;
                    *flag = true;
                }));
            }
        })
        .await;
        assert_eq!(done, [true; 3]);
    });
}

#[test]
fn a_scope_inside_a_scope_borrows_from_both() {
    loopy::block_on(async {
        let outer = [10, 20];
        let outer = &outer;
        let sum = loopy::task::scope(|s| async move {
            let first = s.spawn(async move {
                let inner = [1, 2];
                let inner = &inner;
                loopy::task::scope(|t| async move {
                    let x = t.spawn(async move { outer[0] + inner[0] });
                    let y = t.spawn(async move { outer[1] + inner[1] });
                    x.await + y.await
                })
                .await
            });
            first.await
        })
        .await;
        assert_eq!(sum, 33);
    });
}

#[test]
fn a_child_spawns_a_sibling_through_a_cloned_handle() {
    loopy::block_on(async {
        let base = 5;
        let base = &base;
        let out = loopy::task::scope(|s| async move {
            let again = s.clone();
            s.spawn(async move { again.spawn(async move { *base * 2 }).await })
                .await
        })
        .await;
        assert_eq!(out, 10);
    });
}

#[test]
fn spawning_after_the_scope_ended_panics_naming_the_fix() {
    loopy::block_on(async {
        let kept = loopy::task::scope(|s| async move { s }).await;
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            kept.spawn(async {});
        }))
        .unwrap_err();
        let message = loopy_tests::panic_message(&*err);
        assert!(
            message.contains("loopy::task::Scope::spawn called after its scope ended"),
            "{message}"
        );
        assert!(
            message.contains("spawn children only from the scope's body"),
            "{message}"
        );
    });
}
