//! An OS thread that opens connections to a listener for the idle-connection
//! memory scenario, without allocating while the count runs.

use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle};

/// Connections the dialer may have open beyond those accepted, so the
/// listener's backlog (128 for std's `bind`) never overflows and no SYN waits
/// a second for its retry.
const MAX_AHEAD: usize = 64;

/// What the dialer thread and the accepting loop share.
struct Shared {
    /// Passed by both once the dialer has allocated all it needs.
    start: Barrier,
    /// Passed by both when the loop has measured; then the dialer closes.
    finish: Barrier,
    /// Connections the loop has accepted so far.
    accepted: AtomicUsize,
}

/// The dialer thread, between [`Dialer::start`] and [`Dialer::finish`].
pub struct Dialer {
    /// What the thread shares with the accepting loop.
    shared: Arc<Shared>,
    /// The thread, joined by [`Dialer::finish`].
    thread: JoinHandle<()>,
}

impl Dialer {
    /// Starts a thread that will open `conns` connections to `addr`, and
    /// returns once it is ready to: from here until [`Dialer::finish`] it
    /// allocates nothing.
    pub fn start(addr: SocketAddr, conns: usize) -> Self {
        let shared = Arc::new(Shared {
            start: Barrier::new(2),
            finish: Barrier::new(2),
            accepted: AtomicUsize::new(0),
        });
        let thread = thread::Builder::new()
            .name("dialer".into())
            .spawn({
                let shared = shared.clone();
                move || {
                    let mut streams = Vec::with_capacity(conns);
                    shared.start.wait();
                    for dialed in 0..conns {
                        while dialed >= shared.accepted.load(Ordering::Acquire) + MAX_AHEAD {
                            thread::yield_now();
                        }
                        streams.push(TcpStream::connect(addr).expect("dialer: connect"));
                    }
                    shared.finish.wait();
                }
            })
            .expect("spawning the dialer thread");
        shared.start.wait();
        Self { shared, thread }
    }

    /// Tells the dialer how many connections the loop has accepted.
    pub fn accepted(&self, count: usize) {
        self.shared.accepted.store(count, Ordering::Release);
    }

    /// Lets the dialer close its connections, and waits for it.
    pub fn finish(self) {
        self.shared.finish.wait();
        self.thread.join().expect("the dialer thread panicked");
    }
}
