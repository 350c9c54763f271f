//! Between the loops of `loopy::cores::run`, the ecosystem's channels carry
//! work and replies: a request sent from loop 0 through an `async-channel`
//! is served on loop 1 and its reply comes back to loop 0.

use std::time::Duration;

use loopy::cores;
use loopy_tests::within;

/// A number to double, and where to send the answer.
type Request = (u64, async_channel::Sender<Reply>);

/// The doubled number, and the loop and thread that doubled it.
type Reply = (u64, usize, Option<String>);

#[test]
fn a_request_crosses_to_another_loop_and_its_reply_comes_back() {
    let (requests, incoming) = async_channel::unbounded::<Request>();
    let outputs = within(Duration::from_secs(20), move || {
        cores::run(2, move |index| {
            let (requests, incoming) = (requests.clone(), incoming.clone());
            async move {
                if index == 0 {
                    let (reply_to, replies) = async_channel::bounded(1);
                    requests.send((21, reply_to)).await.unwrap();
                    let reply = replies.recv().await.unwrap();
                    // No more work: loop 1's `recv` fails and it ends.
                    requests.close();
                    let here = std::thread::current().name().map(str::to_owned);
                    (Some(reply), here)
                } else {
                    let mut served = 0;
                    while let Ok((n, reply_to)) = incoming.recv().await {
                        let thread = std::thread::current().name().map(str::to_owned);
                        reply_to
                            .send((n * 2, cores::index(), thread))
                            .await
                            .unwrap();
                        served += 1;
                    }
                    assert_eq!(served, 1);
                    (None, None)
                }
            }
        })
    });
    let reply = (42, 1, Some("loopy-core-1".to_owned()));
    assert_eq!(
        outputs,
        [(Some(reply), Some("loopy-core-0".to_owned())), (None, None)]
    );
}
