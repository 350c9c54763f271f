//! Helpers shared by loopy's behaviour tests in `tests/*.rs`.
//!
//! The tests count instead of mocking: a [`DropCount`] hands out guards whose
//! drops it counts, so a test can see that a cancelled future really was
//! dropped; a [`Ticker`] counts the periods a task sleeps through, so a test
//! can see that the loop kept running. [`tcp_pair`] opens a connection on
//! 127.0.0.1, a [`SocketDir`] is a fresh directory for Unix socket files.
//! [`within`] runs a test body on its own thread so that a
//! deadlock fails the test instead of hanging the run, and [`panic_message`]
//! reads the text out of a panic payload. [`no_descriptor_leaks`] checks
//! that a test gives back every file descriptor it opened, and
//! [`poller_registrations`] counts what the loop's poller watches, and
//! [`heap::Counting`] counts the bytes a test binary has allocated.
//! [`seed_failure`] checks that a seeded run's failure names its seed and
//! replays.

pub mod heap;
pub mod seed_failure;

use std::any::Any;
use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};
use loopy::JoinHandle;

/// Counts the drops of the [`Guard`]s it hands out.
///
/// Move a guard into a future; when the future is dropped (it finished, was
/// cancelled, or its runtime went away) the count goes up by one.
///
/// # Examples
///
/// ```
/// let drops = loopy_tests::DropCount::new();
/// let guard = drops.guard();
/// assert_eq!(drops.get(), 0);
/// drop(guard);
/// assert_eq!(drops.get(), 1);
/// ```
#[derive(Clone, Debug, Default)]
pub struct DropCount {
    /// Shared with every guard; each guard adds one when dropped.
    count: Rc<Cell<usize>>,
}

impl DropCount {
    /// A counter at zero.
    pub fn new() -> DropCount {
        DropCount::default()
    }

    /// A guard that adds one to this counter when it is dropped.
    pub fn guard(&self) -> Guard {
        Guard {
            count: self.count.clone(),
        }
    }

    /// How many guards have been dropped so far.
    pub fn get(&self) -> usize {
        self.count.get()
    }

    /// Spawns a task that holds a guard of this counter and waits forever,
    /// so the count goes up exactly when the task's future is dropped.
    ///
    /// # Panics
    ///
    /// Outside a loopy runtime, like `loopy::spawn`.
    ///
    /// # Examples
    ///
    /// ```
    /// let drops = loopy_tests::DropCount::new();
    /// loopy::block_on(async {
    ///     let parked = drops.spawn_parked();
    ///     loopy::yield_now().await;
    ///     assert_eq!(drops.get(), 0);
    ///     parked.cancel();
    ///     assert!(parked.await.unwrap_err().is_cancelled());
    /// });
    /// assert_eq!(drops.get(), 1);
    /// ```
    pub fn spawn_parked(&self) -> JoinHandle<()> {
        let guard = self.guard();
        loopy::spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        })
    }
}

/// Adds one to its [`DropCount`] when dropped (the test's `finally:` block).
///
/// # Examples
///
/// ```
/// let drops = loopy_tests::DropCount::new();
/// {
///     let _guard = drops.guard();
/// }
/// assert_eq!(drops.get(), 1);
/// ```
#[derive(Debug)]
pub struct Guard {
    /// The counter this guard reports its drop to.
    count: Rc<Cell<usize>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.count.set(self.count.get() + 1);
    }
}

/// A task that sleeps `period` over and over and counts how often it woke:
/// proof that the loop keeps running while something else waits or blocks.
/// Dropping the ticker cancels its task.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// loopy::block_on(async {
///     let ticker = loopy_tests::Ticker::spawn(Duration::from_millis(1));
///     loopy::sleep(Duration::from_millis(20)).await;
///     assert!(ticker.ticks() > 0);
/// });
/// ```
#[derive(Debug)]
pub struct Ticker {
    /// How many periods the task has slept through so far.
    ticks: Rc<Cell<usize>>,
    /// The counting task, cancelled when the ticker is dropped.
    task: JoinHandle<()>,
}

impl Ticker {
    /// Spawns the counting task on the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a loopy runtime, like `loopy::spawn`.
    pub fn spawn(period: Duration) -> Ticker {
        let ticks = Rc::new(Cell::new(0));
        let task = loopy::spawn({
            let ticks = ticks.clone();
            async move {
                loop {
                    loopy::sleep(period).await;
                    ticks.set(ticks.get() + 1);
                }
            }
        });
        Ticker { ticks, task }
    }

    /// How many times the task has woken so far.
    pub fn ticks(&self) -> usize {
        self.ticks.get()
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.task.cancel();
    }
}

/// A connected TCP pair on 127.0.0.1 with an ephemeral port: `(client, server)`.
///
/// # Panics
///
/// If the loopback connection cannot be made, or outside a loopy runtime.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let (client, server) = loopy_tests::tcp_pair().await;
///     client.send(b"hi").await.unwrap();
///     let mut buf = [0u8; 2];
///     assert_eq!(server.recv(&mut buf).await.unwrap(), 2);
/// });
/// ```
pub async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// A fresh, empty directory for Unix socket files, removed with what is
/// in it when dropped, so tests in one process never share a path.
///
/// # Examples
///
/// ```
/// let dir = loopy_tests::SocketDir::new();
/// let path = dir.path("a.sock");
/// assert!(path.starts_with(dir.root()) && !path.exists());
/// ```
#[derive(Debug)]
pub struct SocketDir {
    /// The directory itself, unique to this process and this `SocketDir`.
    root: PathBuf,
}

impl SocketDir {
    /// Creates the directory under the system's temporary directory.
    ///
    /// # Panics
    ///
    /// If the directory cannot be created.
    pub fn new() -> SocketDir {
        /// Tells the directories of one process apart.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("loopy-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        SocketDir { root }
    }

    /// `name` inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Default for SocketDir {
    fn default() -> SocketDir {
        SocketDir::new()
    }
}

impl Drop for SocketDir {
    fn drop(&mut self) {
        // A leftover directory in /tmp is harmless; a panic here is not.
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Runs `body` on a fresh thread and returns its result, or panics if it has
/// not finished after `limit`.
///
/// Use it around anything that could deadlock, so that a hang fails the test
/// rather than the whole run. A panic in `body` is passed on unchanged.
///
/// # Panics
///
/// If `body` panics, or runs longer than `limit` (the thread is then left
/// behind, stuck).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let answer = loopy_tests::within(Duration::from_secs(5), || 6 * 7);
/// assert_eq!(answer, 42);
/// ```
pub fn within<T, F>(limit: Duration, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done, finished) = mpsc::channel();
    let worker = thread::spawn(move || {
        let result = body();
        // The receiver is gone only if we already gave up waiting.
        let _ = done.send(());
        result
    });
    match finished.recv_timeout(limit) {
        // Sent, or the thread panicked and dropped the sender: join tells which.
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Ok(result) => result,
            Err(payload) => std::panic::resume_unwind(payload),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the test body did not finish within {limit:?}: deadlock or lost wakeup")
        }
    }
}

/// The text of a panic payload: the `&str` or `String` given to `panic!`.
///
/// # Panics
///
/// If the payload is neither (a `std::panic::panic_any` of another type).
///
/// # Examples
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
/// assert_eq!(loopy_tests::panic_message(&*payload), "boom 7");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        panic!("the panic payload is neither &str nor String")
    }
}

/// How many file descriptors this process has open, from `/proc/self/fd`.
///
/// # Panics
///
/// If `/proc/self/fd` cannot be read (not Linux, or no procfs).
///
/// # Examples
///
/// ```
/// let before = loopy_tests::open_fds();
/// let file = std::fs::File::open("/proc/self/exe").unwrap();
/// assert!(loopy_tests::open_fds() >= before + 1);
/// # drop(file);
/// ```
pub fn open_fds() -> usize {
    fs::read_dir("/proc/self/fd")
        .expect("reading /proc/self/fd")
        .count()
}

/// Serializes the bodies given to [`no_descriptor_leaks`] in one test
/// binary, so that one test's sockets do not show in another's count.
static FD_ACCOUNTING: Mutex<()> = Mutex::new(());

/// Runs `body` and panics if it left more (or fewer) file descriptors open
/// than there were before it started.
///
/// Tests in one binary run on parallel threads and share the process's
/// descriptor table, so every test in a binary that uses this must run its
/// whole body inside it: the bodies then run one at a time. Give `body`
/// its own runtime (`loopy::block_on` inside it), so that the poller's own
/// descriptors come and go within the count.
///
/// # Panics
///
/// If the count differs afterwards, or `body` panics (passed on).
///
/// # Examples
///
/// ```
/// loopy_tests::no_descriptor_leaks(|| {
///     loopy::block_on(async {
///         let (a, b) = loopy_tests::tcp_pair().await;
///         drop((a, b));
///     })
/// });
/// ```
pub fn no_descriptor_leaks<T>(body: impl FnOnce() -> T) -> T {
    // A test that failed inside poisons the lock; the next one still runs.
    let _serial = FD_ACCOUNTING.lock().unwrap_or_else(PoisonError::into_inner);
    let before = open_fds();
    let result = body();
    let after = open_fds();
    assert_eq!(
        after, before,
        "open file descriptors went from {before} to {after}"
    );
    result
}

/// How many descriptors the pollers of this process watch: the `tfd:`
/// lines of every epoll instance's `/proc/self/fdinfo` entry. Inside one
/// runtime in a test binary that runs one test at a time (see
/// [`no_descriptor_leaks`]), that is the loop's registrations.
///
/// # Panics
///
/// If `/proc/self/fd` cannot be read.
///
/// # Examples
///
/// ```
/// loopy::block_on(async {
///     let before = loopy_tests::poller_registrations();
///     let listener = loopy::net::TcpListener::bind("127.0.0.1:0").unwrap();
///     assert_eq!(loopy_tests::poller_registrations(), before + 1);
///     drop(listener);
///     assert_eq!(loopy_tests::poller_registrations(), before);
/// });
/// ```
pub fn poller_registrations() -> usize {
    let mut count = 0;
    for entry in fs::read_dir("/proc/self/fd").expect("reading /proc/self/fd") {
        // A descriptor closed since the listing was made is skipped.
        let Ok(entry) = entry else { continue };
        let Ok(target) = fs::read_link(entry.path()) else {
            continue;
        };
        if target.to_string_lossy() != "anon_inode:[eventpoll]" {
            continue;
        }
        let info = format!("/proc/self/fdinfo/{}", entry.file_name().to_string_lossy());
        if let Ok(text) = fs::read_to_string(info) {
            count += text.lines().filter(|line| line.starts_with("tfd:")).count();
        }
    }
    count
}
