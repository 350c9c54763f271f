//! async-channel on loopy, as the tokio guide says: a bounded channel
//! between tasks of one loop carries every message in order and holds a
//! fast sender back until the receiver takes some.

use std::cell::Cell;
use std::rc::Rc;

#[loopy::test]
async fn a_bounded_channel_carries_everything_in_order_with_backpressure() {
    let (tx, rx) = async_channel::bounded(4);
    let sent = Rc::new(Cell::new(0));
    let producer = loopy::spawn({
        let sent = Rc::clone(&sent);
        async move {
            for n in 0..1000u32 {
                tx.send(n).await.unwrap();
                sent.set(n + 1);
            }
        }
    });
    loopy::yield_now().await;
    assert_eq!(
        sent.get(),
        4,
        "the sender must wait once the channel is full"
    );
    for expected in 0..1000u32 {
        assert_eq!(rx.recv().await.unwrap(), expected);
    }
    producer.await.unwrap();
    assert!(rx.recv().await.is_err(), "closed once the sender is gone");
}
