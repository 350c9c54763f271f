//! 100,000 children in one scope: all are spawned, run and joined, and the
//! memory comes back at the end. (That a wake polls only the woken child is
//! `scope_wake.rs`.)

use std::cell::Cell;

#[global_allocator]
static HEAP: loopy_tests::heap::Counting = loopy_tests::heap::Counting;

const CHILDREN: usize = 100_000;

#[test]
fn a_hundred_thousand_children_are_joined_and_their_memory_returned() {
    loopy::block_on(async {
        let polls = Cell::new(0usize);
        let polls = &polls;
        let before = loopy_tests::heap::live();
        let total = loopy::task::scope(|s| async move {
            let handles: Vec<_> = (0..CHILDREN)
                .map(|n| {
                    s.spawn(async move {
                        polls.set(polls.get() + 1);
                        loopy::yield_now().await;
                        polls.set(polls.get() + 1);
                        n as u64
                    })
                })
                .collect();
            let mut total = 0;
            for handle in handles {
                total += handle.await;
            }
            total
        })
        .await;
        assert_eq!(total, (CHILDREN as u64 - 1) * CHILDREN as u64 / 2);
        // Two polls per child: one to yield, one to return.
        assert_eq!(polls.get(), 2 * CHILDREN);
        let after = loopy_tests::heap::live();
        assert!(
            after <= before + 4096,
            "{} bytes still live after the scope",
            after - before
        );
    });
}
