//! A task started by `#[loopy::task]` is cancelled through its handle, and it
//! owns its arguments until then, even one bound to `_`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Records when it is dropped.
struct Guard(Rc<Cell<bool>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[loopy::task]
async fn wait_forever(_: Guard, polls: Rc<Cell<u32>>) {
    loop {
        polls.set(polls.get() + 1);
        loopy::sleep(Duration::from_secs(3600)).await;
    }
}

#[loopy::main]
async fn main() {
    let dropped = Rc::new(Cell::new(false));
    let polls = Rc::new(Cell::new(0));
    let handle = wait_forever(Guard(dropped.clone()), polls.clone());
    loopy::sleep(Duration::from_millis(10)).await;
    assert_eq!(polls.get(), 1, "the task ran up to its sleep");
    assert!(
        !dropped.get(),
        "the task holds its `_` argument while it runs"
    );

    handle.cancel();
    let error = handle.await.expect_err("a cancelled task has no output");
    assert!(error.is_cancelled());
    assert!(dropped.get(), "cancelling drops the task and its arguments");
    assert_eq!(polls.get(), 1);
}
