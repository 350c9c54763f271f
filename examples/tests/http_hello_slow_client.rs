//! `http_hello`'s connection handler driven in memory: the test is the
//! client, over `loopy::io::duplex`, on a paused clock. A client that
//! trickles its request headers a byte a second is cut off at exactly the
//! header read timeout of virtual time, while the test takes a moment of
//! real time, even after the clock has moved far; a client that finishes its headers a millisecond before the
//! deadline is answered.
//!
//! Needs the examples' `hyper` feature:
//! `cargo test -p loopy-examples --features hyper --test http_hello_slow_client`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use loopy::io::{duplex, DuplexStream};
use loopy::{sleep, spawn};
use loopy_examples::hello_http::{connection, HELLO};

/// The server's header read timeout, in virtual time.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// A request whose headers take longer to trickle in than the timeout
/// allows at a byte a second.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a slow client\r\n\r\n";

/// Receives until the server closes the stream; returns what came.
async fn recv_to_end(client: &DuplexStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 512];
    loop {
        match client.recv(&mut chunk).await.unwrap() {
            0 => return received,
            n => received.extend_from_slice(&chunk[..n]),
        }
    }
}

#[loopy::test(start_paused)]
async fn a_slow_client_is_cut_off_at_exactly_the_header_timeout() {
    let real = Instant::now();
    slow_client().await;
    assert!(
        real.elapsed() < Duration::from_secs(10),
        "30 virtual seconds take far less real time"
    );
}

#[loopy::test(start_paused)]
async fn the_header_timeout_goes_by_the_paused_clock_after_it_moved() {
    // hyper adds the timeout to its timer's `now`: the virtual time, not
    // the wall clock's, or a deadline would be in the virtual past here.
    loopy::time::advance(HEADER_TIMEOUT * 100).await;
    slow_client().await;
}

/// Serves one client that trickles its headers a byte a second, and checks
/// that it is cut off, unanswered, at exactly `HEADER_TIMEOUT` of virtual
/// time.
async fn slow_client() {
    let (client, server) = duplex(1024);
    let client = Rc::new(client);
    let requests = Rc::new(Cell::new(0));
    let start = loopy::time::now();
    let serving = spawn(connection(server, HEADER_TIMEOUT, Rc::clone(&requests)));
    let trickling = {
        let client = Rc::clone(&client);
        spawn(async move {
            for byte in REQUEST.chunks(1) {
                if client.send_all(byte).await.is_err() {
                    return; // the server cut the client off
                }
                sleep(Duration::from_secs(1)).await;
            }
            panic!("the whole request went out before the header timeout");
        })
    };

    let received = recv_to_end(&client).await;
    let closed_after = loopy::time::now() - start;
    assert_eq!(
        closed_after, HEADER_TIMEOUT,
        "closed at its virtual deadline"
    );
    assert!(received.is_empty(), "no response: {received:?}");
    let ended = serving.await.unwrap();
    let err = ended.expect_err("the connection ends with the timeout");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(requests.get(), 0);
    trickling.await.unwrap();
}

#[loopy::test(start_paused)]
async fn headers_finished_just_before_the_deadline_are_answered() {
    let (client, server) = duplex(1024);
    let requests = Rc::new(Cell::new(0));
    let start = loopy::time::now();
    let serving = spawn(connection(server, HEADER_TIMEOUT, Rc::clone(&requests)));
    let (head, last) = REQUEST.split_at(REQUEST.len() - 1);
    client.send_all(head).await.unwrap();
    sleep(HEADER_TIMEOUT - Duration::from_millis(1)).await;
    client.send_all(last).await.unwrap();
    let mut chunk = [0u8; 512];
    let n = client.recv(&mut chunk).await.unwrap();
    let response = String::from_utf8_lossy(&chunk[..n]).into_owned();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.ends_with(HELLO), "{response}");
    assert_eq!(requests.get(), 1);
    assert_eq!(
        loopy::time::now() - start,
        HEADER_TIMEOUT - Duration::from_millis(1)
    );
    drop(client);
    serving.await.unwrap().unwrap();
}
