//! `loopy::io::Async` drives any source with a file descriptor: a real pipe
//! (through `cat`) and a Unix socket pair. Data arrives intact, waiting does
//! not block the loop, and `into_inner` gives the source back.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use loopy::io::Async;
use loopy::{block_on, sleep, spawn, yield_now};
use loopy_tests::{within, Ticker};

/// Several times a pipe's buffer, so the writer must wait for `cat` to drain it.
const SIZE: usize = 1024 * 1024;

/// One `read_with` on a Unix socket: the bytes that were there, up to 16.
async fn read_some(socket: &Async<UnixStream>) -> Vec<u8> {
    let mut buf = [0u8; 16];
    let read = socket
        .read_with(|mut socket: &UnixStream| socket.read(&mut buf))
        .await
        .unwrap();
    buf[..read].to_vec()
}

#[test]
fn data_goes_through_a_pipe_intact() {
    within(Duration::from_secs(20), || {
        let mut cat = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("cat runs on every Unix");
        let to_cat = File::from(OwnedFd::from(cat.stdin.take().unwrap()));
        let from_cat = File::from(OwnedFd::from(cat.stdout.take().unwrap()));
        let data: Vec<u8> = (0..SIZE).map(|n| (n * 7 % 253) as u8).collect();

        let got = block_on(async {
            let to_cat = Async::new(to_cat).unwrap();
            let from_cat = Async::new(from_cat).unwrap();
            let writer = spawn({
                let data = data.clone();
                async move {
                    let mut rest = &data[..];
                    while !rest.is_empty() {
                        let written = to_cat
                            .write_with(|mut pipe: &File| pipe.write(rest))
                            .await
                            .unwrap();
                        rest = &rest[written..];
                    }
                    // Closing our end lets cat see end-of-file and exit.
                    drop(to_cat.into_inner().unwrap());
                }
            });
            let mut got = Vec::new();
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let read = from_cat
                    .read_with(|mut pipe: &File| pipe.read(&mut buf))
                    .await
                    .unwrap();
                if read == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..read]);
            }
            writer.await.unwrap();
            got
        });
        assert!(cat.wait().unwrap().success());
        assert_eq!(got.len(), data.len());
        assert!(got == data, "the bytes came through the pipe changed");
    });
}

#[test]
fn readable_then_read_with_gets_the_data() {
    within(Duration::from_secs(10), || {
        block_on(async {
            let (ours, mut theirs) = UnixStream::pair().unwrap();
            let ours = Async::new(ours).unwrap();
            let reader = spawn(async move {
                ours.readable().await;
                read_some(&ours).await
            });
            for _ in 0..5 {
                yield_now().await;
            }
            assert!(!reader.is_finished(), "read with nothing to read");

            theirs.write_all(b"hello").unwrap();
            assert_eq!(reader.await.unwrap(), b"hello");
        });
    });
}

#[test]
fn read_with_waits_without_blocking_the_loop() {
    within(Duration::from_secs(10), || {
        block_on(async {
            let (ours, mut theirs) = UnixStream::pair().unwrap();
            // Async::new must make the socket non-blocking, or this read would
            // block the thread and with it the ticker below.
            let ours = Async::new(ours).unwrap();
            let reader = spawn(async move { read_some(&ours).await });
            let ticker = Ticker::spawn(Duration::from_millis(2));
            // The ticker goes on while the reader waits; a read that
            // blocked the thread would stop it, and `within` would fail.
            // (Counted, not timed: under valgrind 50 ms may not hold 3 ticks.)
            while ticker.ticks() < 3 {
                sleep(Duration::from_millis(5)).await;
            }

            theirs.write_all(b"late").unwrap();
            assert_eq!(reader.await.unwrap(), b"late");
        });
    });
}

#[loopy::test]
async fn writable_and_write_with_on_a_socket() {
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let ours = Async::new(ours).unwrap();
    ours.writable().await;
    let written = ours
        .write_with(|mut socket: &UnixStream| socket.write(b"to them"))
        .await
        .unwrap();
    assert_eq!(written, 7);
    let mut buf = [0u8; 7];
    theirs.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"to them");
}

#[loopy::test]
async fn into_inner_gives_the_source_back() {
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let fd = ours.as_raw_fd();
    let ours = Async::new(ours).unwrap();
    assert_eq!(ours.get_ref().as_raw_fd(), fd);

    let mut ours: UnixStream = ours.into_inner().unwrap();
    assert_eq!(ours.as_raw_fd(), fd);
    ours.write_all(b"still mine").unwrap();
    let mut buf = [0u8; 10];
    theirs.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"still mine");

    // The fd left the poller, so it can be registered again.
    let again = Async::new(ours).unwrap();
    theirs.write_all(b"again").unwrap();
    assert_eq!(read_some(&again).await, b"again");
}
