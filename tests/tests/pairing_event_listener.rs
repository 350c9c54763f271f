//! event-listener on loopy, as the tokio guide says (tokio's `Notify`): a
//! task parked on an `Event` is woken by `notify`, and only by it.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use event_listener::Event;

#[loopy::test]
async fn notify_wakes_a_parked_listener() {
    let event = Rc::new(Event::new());
    let woken = Rc::new(Cell::new(false));
    let waiter = loopy::spawn({
        let (event, woken) = (Rc::clone(&event), Rc::clone(&woken));
        async move {
            event.listen().await;
            woken.set(true);
        }
    });
    loopy::sleep(Duration::from_millis(50)).await;
    assert!(!woken.get(), "woken without a notify");
    event.notify(1);
    loopy::timeout(Duration::from_secs(10), waiter)
        .await
        .expect("notify did not wake the listener")
        .unwrap();
    assert!(woken.get());
}
