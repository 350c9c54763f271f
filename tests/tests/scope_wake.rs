//! A wake of one scope child polls that child, not every child: the scope
//! keeps a ready list, so a scope of many waiting children stays cheap.

use std::cell::Cell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

/// A flag a child waits on, opened by the body.
#[derive(Default)]
struct Gate {
    open: Cell<bool>,
    waiter: Cell<Option<Waker>>,
}

const CHILDREN: usize = 2_000;

#[test]
fn waking_one_child_polls_that_child_alone() {
    loopy::block_on(async {
        let polls = Cell::new(0usize);
        let polls = &polls;
        let gates: Vec<Rc<Gate>> = (0..CHILDREN).map(|_| Rc::default()).collect();
        let gates = &gates;
        loopy::task::scope(|s| async move {
            for gate in gates {
                let gate = Rc::clone(gate);
                s.spawn(poll_fn(move |cx| {
                    polls.set(polls.get() + 1);
                    if gate.open.get() {
                        return Poll::Ready(());
                    }
                    gate.waiter.set(Some(cx.waker().clone()));
                    Poll::Pending
                }));
            }
            // Let every child run once and wait; then open the gates one by
            // one, letting the scope poll between openings.
            loopy::yield_now().await;
            for gate in gates {
                gate.open.set(true);
                gate.waiter.take().expect("the child waits").wake();
                loopy::yield_now().await;
            }
        })
        .await;
        assert_eq!(
            polls.get(),
            2 * CHILDREN,
            "each child: one poll to wait, one to finish"
        );
    });
}
