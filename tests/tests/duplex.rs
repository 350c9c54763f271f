//! `loopy::io::duplex`: an in-memory stream pair keeps a socket's promises
//! (order, backpressure, end-of-stream, broken pipe) without the kernel.

use std::cell::Cell;
use std::future::Future;
use std::io::ErrorKind;
use std::net::Shutdown;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_io::{AsyncRead, AsyncWrite};
use loopy::io::{duplex, DuplexStream};
use loopy::{spawn, timeout, yield_now};

/// Receives until end-of-stream, and returns everything received.
///
/// # Panics
///
/// If nothing comes for seconds: a lost wakeup or a missing end-of-stream.
async fn recv_to_end(stream: &DuplexStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 7];
    loop {
        let next = timeout(Duration::from_secs(5), stream.recv(&mut chunk)).await;
        match next.expect("bytes or end-of-stream must come").unwrap() {
            0 => return received,
            n => received.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Bytes that show their order: byte `i` is `i` modulo 251, a prime, so
/// the pattern does not line up with any buffer size.
fn numbered(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[loopy::test]
async fn bytes_arrive_in_the_order_they_were_sent() {
    let (a, b) = duplex(16);
    let message = numbered(10_000);
    let sent = message.clone();
    let writer = spawn(async move {
        for piece in sent.chunks(13) {
            a.send_all(piece).await.unwrap();
        }
    });
    assert_eq!(recv_to_end(&b).await, message);
    writer.await.unwrap();
}

#[loopy::test]
async fn a_full_buffer_makes_send_wait_until_the_reader_makes_room() {
    let (a, b) = duplex(4);
    let sent = timeout(Duration::from_secs(5), a.send(b"abcdef")).await;
    assert_eq!(
        sent.expect("an empty buffer takes bytes at once").unwrap(),
        4,
        "only 4 bytes fit"
    );
    let blocked = timeout(Duration::from_millis(50), a.send(b"ef")).await;
    assert!(blocked.is_err(), "a send to a full buffer must wait");

    let mut buf = [0u8; 3];
    let received = timeout(Duration::from_secs(5), b.recv(&mut buf)).await;
    assert_eq!(received.expect("the bytes sent must arrive").unwrap(), 3);
    assert_eq!(&buf, b"abc");
    assert_eq!(
        a.send(b"efgh").await.unwrap(),
        3,
        "3 bytes of room came back"
    );
    let mut rest = [0u8; 4];
    b.recv_exact(&mut rest).await.unwrap();
    assert_eq!(&rest, b"defg");
}

/// A future that counts how often it is polled.
struct CountPolls<F> {
    inner: Pin<Box<F>>,
    polls: Rc<Cell<u32>>,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.set(self.polls.get() + 1);
        self.inner.as_mut().poll(cx)
    }
}

/// Spawns `future` and returns its handle with the count of its polls.
fn spawn_counted<F: Future + 'static>(future: F) -> (loopy::JoinHandle<F::Output>, Rc<Cell<u32>>) {
    let polls = Rc::new(Cell::new(0));
    let handle = spawn(CountPolls {
        inner: Box::pin(future),
        polls: Rc::clone(&polls),
    });
    (handle, polls)
}

#[loopy::test]
async fn a_waiting_end_is_woken_once_by_its_peer_and_never_polled_in_between() {
    let (a, b) = duplex(8);
    a.send_all(b"12345678").await.unwrap();
    let (writer, writes) = spawn_counted(async move { a.send_all(b"9").await });
    let (c, d) = duplex(8);
    let (reader, reads) = spawn_counted(async move {
        let mut buf = [0u8; 8];
        d.recv(&mut buf).await.map(|n| buf[..n].to_vec())
    });
    for _ in 0..20 {
        yield_now().await;
    }
    assert_eq!(
        writes.get(),
        1,
        "a writer facing a full buffer waits, unpolled"
    );
    assert_eq!(
        reads.get(),
        1,
        "a reader facing an empty buffer waits, unpolled"
    );

    let mut buf = [0u8; 8];
    b.recv_exact(&mut buf).await.unwrap();
    let limit = Duration::from_secs(5);
    let written = timeout(limit, writer).await;
    written
        .expect("the read must wake the writer")
        .unwrap()
        .unwrap();
    assert_eq!(writes.get(), 2, "the read woke the writer once");
    c.send_all(b"x").await.unwrap();
    let read = timeout(limit, reader).await;
    assert_eq!(
        read.expect("the send must wake the reader")
            .unwrap()
            .unwrap(),
        b"x"
    );
    assert_eq!(reads.get(), 2, "the send woke the reader once");
}

#[loopy::test]
async fn recv_returns_zero_after_the_peer_shuts_down_its_write_side() {
    let (a, b) = duplex(64);
    a.send_all(b"bye").await.unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    assert_eq!(recv_to_end(&b).await, b"bye", "the bytes first, then EOF");
    let mut buf = [0u8; 4];
    assert_eq!(b.recv(&mut buf).await.unwrap(), 0, "EOF stays EOF");
    let err = a.send(b"more").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
    // The other direction is still open.
    b.send_all(b"reply").await.unwrap();
    let mut reply = [0u8; 5];
    a.recv_exact(&mut reply).await.unwrap();
    assert_eq!(&reply, b"reply");
}

#[loopy::test]
async fn a_reader_waiting_when_the_peer_is_dropped_sees_end_of_stream() {
    let (a, b) = duplex(64);
    let reader = spawn(async move { recv_to_end(&b).await });
    yield_now().await;
    a.send_all(b"last").await.unwrap();
    drop(a);
    let received = timeout(Duration::from_secs(5), reader)
        .await
        .expect("the drop must wake the reader");
    assert_eq!(received.unwrap(), b"last");
}

#[loopy::test]
async fn send_after_the_peer_is_dropped_fails_with_broken_pipe() {
    let (a, b) = duplex(2);
    a.send_all(b"xy").await.unwrap();
    // A writer waiting for room learns of the drop too.
    let waiting = spawn(async move { a.send_all(b"z").await });
    yield_now().await;
    drop(b);
    let err = timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the drop must wake the writer")
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
}

#[loopy::test]
async fn shutting_down_the_read_side_breaks_the_peers_pipe() {
    let (a, b) = duplex(8);
    a.send_all(b"unread").await.unwrap();
    b.shutdown(Shutdown::Read).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(b.recv(&mut buf).await.unwrap(), 0);
    let err = a.send(b"x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
}

#[loopy::test]
async fn both_directions_flow_at_once_from_two_tasks() {
    // Each side sends far more than the buffer holds before it reads, so
    // neither could finish if the directions shared a buffer or a waker.
    let (a, b) = duplex(32);
    let one_way = numbered(5_000);
    let other_way: Vec<u8> = numbered(7_000).into_iter().rev().collect();
    let side = |stream: DuplexStream, outgoing: Vec<u8>| {
        spawn(async move {
            let stream = Rc::new(stream);
            let sender = spawn({
                let stream = Rc::clone(&stream);
                async move {
                    stream.send_all(&outgoing).await.unwrap();
                    stream.shutdown(Shutdown::Write).unwrap();
                }
            });
            let received = recv_to_end(&stream).await;
            sender.await.unwrap();
            received
        })
    };
    let from_b = side(a, one_way.clone());
    let from_a = side(b, other_way.clone());
    assert_eq!(from_a.await.unwrap(), one_way);
    assert_eq!(from_b.await.unwrap(), other_way);
}

#[loopy::test]
async fn an_echo_server_answers_over_the_futures_io_traits() {
    let (client, server) = duplex(16);
    let echo = spawn(async move {
        let mut server = server;
        let mut buf = [0u8; 5];
        loop {
            let n =
                std::future::poll_fn(|cx| Pin::new(&mut server).poll_read(cx, &mut buf)).await?;
            if n == 0 {
                return std::io::Result::Ok(());
            }
            let mut out = &buf[..n];
            while !out.is_empty() {
                let sent =
                    std::future::poll_fn(|cx| Pin::new(&mut &server).poll_write(cx, out)).await?;
                out = &out[sent..];
            }
        }
    });
    let message = numbered(1_000);
    let mut echoed = vec![0u8; message.len()];
    // Each piece fits the buffer: a client that sent more than fits before
    // reading would deadlock with the echo, as over a real socket.
    for (piece, answer) in message.chunks(8).zip(echoed.chunks_mut(8)) {
        client.send_all(piece).await.unwrap();
        client.recv_exact(answer).await.unwrap();
    }
    assert_eq!(echoed, message);
    let mut client = client;
    std::future::poll_fn(|cx| Pin::new(&mut client).poll_close(cx))
        .await
        .unwrap();
    let ended = timeout(Duration::from_secs(5), echo).await;
    ended
        .expect("the close must end the echo")
        .unwrap()
        .unwrap();
}

#[test]
fn a_pair_needs_no_runtime_to_be_made() {
    let (a, b) = duplex(4);
    loopy::block_on(async move {
        a.send_all(b"ok").await.unwrap();
        let mut buf = [0u8; 2];
        let received = timeout(Duration::from_secs(5), b.recv_exact(&mut buf)).await;
        received.expect("the bytes sent must arrive").unwrap();
        assert_eq!(&buf, b"ok");
    });
}

#[test]
#[should_panic(expected = "loopy::io::duplex: capacity 0 could never carry a byte")]
fn capacity_zero_is_a_clear_panic() {
    let _ = duplex(0);
}
