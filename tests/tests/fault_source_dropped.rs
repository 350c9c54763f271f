//! A source dropped while another task waits on it wakes that task, which
//! then finds the source gone instead of sleeping forever; and the slot and
//! descriptor number it leaves behind carry no stale readiness to the next
//! source that takes them.

use std::cell::RefCell;
use std::future::poll_fn;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use loopy::io::Async;
use loopy::{sleep, timeout};
use loopy_tests::{no_descriptor_leaks, poller_registrations, within};

/// A connected pair on 127.0.0.1: `(ours, theirs)`, ours wrapped for the
/// loop.
fn wrapped_pair() -> (Async<TcpStream>, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let theirs = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (ours, _) = listener.accept().unwrap();
    (Async::new(ours).unwrap(), theirs)
}

/// A socket two tasks share: one reads through it, one may drop it.
type Shared = Rc<RefCell<Option<Async<TcpStream>>>>;

/// Reads from the shared socket, borrowing it only while polling, so the
/// other task can take it away between polls. A socket that is gone is
/// `NotConnected`.
async fn read_shared(shared: Shared) -> io::Result<usize> {
    let mut buf = [0u8; 16];
    poll_fn(|cx| match &*shared.borrow() {
        Some(io) => io.poll_read_with(cx, |mut socket| socket.read(&mut buf)),
        None => Poll::Ready(Err(io::Error::new(
            ErrorKind::NotConnected,
            "the socket was dropped while this task waited on it",
        ))),
    })
    .await
}

#[test]
fn a_waiter_is_woken_when_its_source_is_dropped() {
    within(Duration::from_secs(20), || {
        no_descriptor_leaks(|| {
            loopy::block_on(async {
                let registered = poller_registrations();
                let (ours, theirs) = wrapped_pair();
                let number = ours.get_ref().as_raw_fd();
                let shared: Shared = Rc::new(RefCell::new(Some(ours)));
                let reader = loopy::spawn(read_shared(Rc::clone(&shared)));
                // Let the reader park its waker on the socket.
                sleep(Duration::from_millis(20)).await;
                assert!(!reader.is_finished(), "nothing was sent yet");

                drop(shared.borrow_mut().take());
                let error = timeout(Duration::from_secs(5), reader)
                    .await
                    .expect("the waiter of a dropped source was never woken")
                    .unwrap()
                    .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::NotConnected, "{error}");
                assert_eq!(poller_registrations(), registered);
                drop(theirs);

                // The next socket reuses the descriptor number (the lowest
                // free one) and the reactor slot; it starts with nothing
                // to read, and nothing of the old one's past wakes it.
                let (again, mut peer) = wrapped_pair();
                assert_eq!(again.get_ref().as_raw_fd(), number, "the number was reused");
                assert!(
                    timeout(Duration::from_millis(100), again.readable())
                        .await
                        .is_err(),
                    "a socket with nothing to read was reported readable"
                );
                peer.write_all(b"new").unwrap();
                let mut buf = [0u8; 8];
                let n = timeout(
                    Duration::from_secs(5),
                    again.read_with(|mut socket| socket.read(&mut buf)),
                )
                .await
                .expect("the new socket's data must wake its reader")
                .unwrap();
                assert_eq!(&buf[..n], b"new");
            })
        })
    });
}
