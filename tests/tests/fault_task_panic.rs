//! A task that panics while it holds a registered socket: the socket is
//! closed (the peer reads end-of-stream) and deregistered, and the loop
//! goes on serving everything else.

use std::time::Duration;

use loopy::{sleep, timeout};
use loopy_tests::{no_descriptor_leaks, open_fds, poller_registrations, tcp_pair, within};

#[test]
fn a_panicking_task_closes_and_deregisters_its_socket() {
    within(Duration::from_secs(20), || {
        no_descriptor_leaks(|| {
            loopy::block_on(async {
                let registered = poller_registrations();
                let (client, server) = tcp_pair().await;
                let fds = open_fds();
                let doomed = loopy::spawn(async move {
                    let mut buf = [0u8; 1];
                    server.recv(&mut buf).await.unwrap();
                    panic!("a task panics while it holds a registered socket");
                });
                sleep(Duration::from_millis(10)).await;
                client.send_all(b"x").await.unwrap();

                let error = doomed.await.unwrap_err();
                assert!(error.is_panic(), "{error}");
                assert_eq!(open_fds(), fds - 1, "the server socket was closed");
                assert_eq!(
                    poller_registrations(),
                    registered + 1,
                    "only the client is still registered"
                );
                let mut buf = [0u8; 1];
                let n = timeout(Duration::from_secs(5), client.recv(&mut buf))
                    .await
                    .expect("the peer of a closed socket reads end-of-stream")
                    .unwrap();
                assert_eq!(n, 0);

                // The loop carries on: a new connection works end to end.
                let (a, b) = tcp_pair().await;
                a.send_all(b"on").await.unwrap();
                let mut buf = [0u8; 2];
                b.recv_exact(&mut buf).await.unwrap();
                assert_eq!(&buf, b"on");
            })
        })
    });
}
