//! Standard input, read line by line without blocking the loop.
//!
//! # Why stdin needs care
//!
//! The usual way to wait for a file descriptor in the poller is to put it
//! in non-blocking mode. For stdin that would be a bug: the mode belongs to
//! the *open file description*, which stdin shares with the shell that
//! started the program (and with the other programs of a pipeline). A
//! program that made it non-blocking and was then killed by Ctrl-C would
//! leave the shell's terminal non-blocking, and the next program to read it
//! would fail with "Resource temporarily unavailable".
//!
//! So loopy never changes the description it inherited. On the first read
//! it looks at what file descriptor 0 is and picks one of three ways:
//!
//! - **A pipe, FIFO or terminal** is opened again through
//!   `/proc/self/fd/0`. That gives a *new* description of the same pipe or
//!   terminal, private to this process, which can be non-blocking and
//!   registered with the poller like a socket.
//! - **A regular file**, and anything else the poller refuses (such as
//!   `/dev/null`), never blocks: it is read directly, at the position the
//!   shell left it.
//! - **Anything else** (a socket, or a system without `/proc`) is read by
//!   one thread that blocks in `read` on the loop's behalf and wakes the
//!   waiting task when a chunk has arrived. The thread never holds the
//!   program up: a process ends when `main` returns, whatever its other
//!   threads are doing.
//!
//! # One buffer for the process
//!
//! Input is read in chunks, so a read may bring in more than one line.
//! Whatever was read and not yet returned waits in one buffer for the whole
//! process, as with `std::io::stdin()`. A handle is therefore cheap, and
//! `loopy::io::stdin().read_line(&mut line)` with a new handle each time
//! loses nothing. Do not mix it with `std::io::stdin()`, which has a buffer
//! of its own.

use std::fs::File;
use std::future::poll_fn;
use std::io::{self, Read};
use std::sync::{Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;

use rustix::fs::{FileType, Mode, OFlags};

use crate::io::Async;
use crate::task::context;
use crate::unwind::lock;

/// Bytes read from stdin that no `read_line` has returned yet. Shared by
/// every handle, so that a line is not lost with the handle that happened
/// to read it.
static PENDING: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// The reader thread of the fallback, started on its first use.
static READER: ReaderThread = ReaderThread {
    state: Mutex::new(ReaderState {
        started: false,
        wanted: false,
        done: None,
        waiters: Vec::new(),
    }),
    asked: Condvar::new(),
};

/// How many bytes one read asks for.
const CHUNK: usize = 8 * 1024;

/// A handle to the process's standard input, for reading lines without
/// blocking the loop; made by [`stdin`].
///
/// See [`stdin`] for how it reads without changing the shell's stdin. A
/// handle that has read belongs to the runtime it read in; make a new one
/// (they share their buffer) for another runtime.
///
/// # Examples
///
/// ```no_run
/// # loopy::block_on(async {
/// let mut line = String::new();
/// while loopy::io::stdin().read_line(&mut line).await? > 0 {
///     print!("got {line}");
///     line.clear();
/// }
/// # std::io::Result::Ok(())
/// # })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Stdin {
    /// How this handle reads, chosen on its first read.
    source: Option<Source>,
}

/// The lines of standard input, without their line endings; made by
/// [`Stdin::lines`].
///
/// # Examples
///
/// ```no_run
/// # loopy::block_on(async {
/// let mut lines = loopy::io::stdin().lines();
/// while let Some(line) = lines.next_line().await? {
///     println!("{} characters", line.chars().count());
/// }
/// # std::io::Result::Ok(())
/// # })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Lines {
    /// Where the lines come from.
    stdin: Stdin,
}

/// The way a [`Stdin`] handle gets more input.
#[derive(Debug)]
enum Source {
    /// A private, non-blocking description of the pipe or terminal,
    /// registered with the loop.
    Polled(Async<File>),
    /// File descriptor 0 itself, which never blocks (a regular file,
    /// `/dev/null`).
    Direct,
    /// The reader thread, [`READER`].
    Thread,
}

/// The fallback: a thread that blocks in `read` when a task asks it to.
#[derive(Debug)]
struct ReaderThread {
    state: Mutex<ReaderState>,
    /// Signalled when a task asks for a read.
    asked: Condvar,
}

/// What the reader thread and the tasks tell each other.
#[derive(Debug)]
struct ReaderState {
    /// Whether the thread runs; it is started by the first request.
    started: bool,
    /// A task waits for input and the thread has not begun a read for it.
    wanted: bool,
    /// What the last read gave and no task has taken yet: the number of
    /// bytes added to `PENDING` (0 at the end of input), or the error.
    done: Option<io::Result<usize>>,
    /// The tasks waiting for `done`.
    waiters: Vec<Waker>,
}

/// A handle to the process's standard input.
///
/// Reading is asynchronous: while no line is there, the task waits and the
/// loop runs others. Handles share one buffer, so making one per read is
/// fine; do not mix them with `std::io::stdin()`, which has its own.
///
/// Stdin's open file description is shared with the shell, so loopy never
/// makes it non-blocking. A pipe or terminal is opened again through
/// `/proc/self/fd/0`, which gives a description of its own, and that one
/// waits in the poller; a regular file (or `/dev/null`) is read directly,
/// as it never blocks; anything else (a socket, a system without `/proc`)
/// is read by a helper thread. A pending read never keeps the program from
/// exiting, on Ctrl-C or when `main` returns.
///
/// # Examples
///
/// ```no_run
/// #[loopy::main]
/// async fn main() -> std::io::Result<()> {
///     let mut lines = loopy::io::stdin().lines();
///     while let Some(line) = lines.next_line().await? {
///         println!("you said {line:?}");
///     }
///     Ok(())
/// }
/// ```
pub fn stdin() -> Stdin {
    Stdin { source: None }
}

impl Stdin {
    /// Reads one line, including its `'\n'`, and appends it to `buf`;
    /// returns how many bytes were appended.
    ///
    /// At the end of input it returns `Ok(0)`. A last line without a
    /// `'\n'` is returned as it is. Dropping the future before it is done
    /// loses no input: the next read starts where this one stopped.
    ///
    /// # Errors
    ///
    /// `InvalidData` if the line is not UTF-8 (the line is skipped, so the
    /// next read goes on with the next line), and any error from reading
    /// stdin.
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # loopy::block_on(async {
    /// let mut name = String::new();
    /// loopy::io::stdin().read_line(&mut name).await?;
    /// println!("hello, {}", name.trim_end());
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn read_line(&mut self, buf: &mut String) -> io::Result<usize> {
        loop {
            if let Some(line) = take_line(false)? {
                buf.push_str(&line);
                return Ok(line.len());
            }
            if self.fill().await? == 0 {
                // The end of input: what is left is the last line, without
                // its '\n'.
                let line = take_line(true)?.unwrap_or_default();
                buf.push_str(&line);
                return Ok(line.len());
            }
        }
    }

    /// The lines of stdin, without their `"\n"` or `"\r\n"`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # loopy::block_on(async {
    /// let mut lines = loopy::io::stdin().lines();
    /// let first = lines.next_line().await?;
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn lines(self) -> Lines {
        Lines { stdin: self }
    }

    /// Reads more input into `PENDING`; returns how many bytes came, 0 at
    /// the end of input.
    async fn fill(&mut self) -> io::Result<usize> {
        let source = match &mut self.source {
            Some(source) => source,
            none => none.insert(Source::open()?),
        };
        match source {
            Source::Polled(file) => {
                file.read_with(|mut file| fill_in_place(|chunk| file.read(chunk)))
                    .await
            }
            Source::Direct => fill_in_place(|chunk| io::stdin().read(chunk)),
            Source::Thread => poll_fn(|cx| READER.poll_fill(cx)).await,
        }
    }
}

impl Lines {
    /// The next line, without its line ending; `None` at the end of input.
    ///
    /// Dropping the future before it is done loses no input.
    ///
    /// # Errors
    ///
    /// As for [`Stdin::read_line`]: `InvalidData` for a line that is not
    /// UTF-8 (the next call goes on with the next line).
    ///
    /// # Panics
    ///
    /// Outside a running loopy runtime.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # loopy::block_on(async {
    /// let mut lines = loopy::io::stdin().lines();
    /// while let Some(line) = lines.next_line().await? {
    ///     println!("{line}");
    /// }
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if self.stdin.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        Ok(Some(line))
    }
}

impl Source {
    /// Picks how to read stdin; see the module documentation.
    fn open() -> io::Result<Source> {
        // Only a pipe or terminal needs the loop, but every kind of stdin
        // asks for one, so that a program does not work or panic depending
        // on how it was started.
        context::expect("loopy::io::Stdin::read_line");
        // A regular file never blocks, and reading it through descriptor 0
        // keeps the position shared with the shell. If fd 0 cannot even be
        // examined (it is closed), std's stdin reports what reading it
        // gives.
        let regular = rustix::fs::fstat(io::stdin())
            .map_or(true, |stat| FileType::from_raw_mode(stat.st_mode).is_file());
        if regular {
            return Ok(Source::Direct);
        }
        let reopened = rustix::fs::open(
            "/proc/self/fd/0",
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        );
        match reopened {
            Ok(fd) => match Async::new_nonblocking(File::from(fd)) {
                Ok(file) => Ok(Source::Polled(file)),
                // epoll refuses descriptors that are always ready.
                Err(err) if err.raw_os_error() == Some(rustix::io::Errno::PERM.raw_os_error()) => {
                    Ok(Source::Direct)
                }
                Err(err) => Err(err),
            },
            // A socket cannot be opened through /proc; nothing can without it.
            Err(_) => Ok(Source::Thread),
        }
    }
}

impl ReaderThread {
    /// Takes the result of the thread's last read, or asks for a read and
    /// waits for it.
    fn poll_fill(&'static self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut state = lock(&self.state);
        if let Some(done) = state.done.take() {
            return Poll::Ready(done);
        }
        if !state.started {
            thread::Builder::new()
                .name("loopy-stdin".into())
                .spawn(|| self.run())?;
            state.started = true;
        }
        state.wanted = true;
        self.asked.notify_one();
        if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            state.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }

    /// The thread: for each request, one blocking read, then wake the tasks.
    fn run(&self) {
        let mut chunk = vec![0; CHUNK];
        let mut state = lock(&self.state);
        loop {
            while !state.wanted {
                state = self
                    .asked
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            state.wanted = false;
            // Block without holding the lock, so tasks can still ask.
            drop(state);
            let read = loop {
                match io::stdin().read(&mut chunk) {
                    // A signal handler (Ctrl-C's, say) ran on this thread.
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    read => break read,
                }
            };
            if let Ok(n) = read {
                lock(&PENDING).extend_from_slice(&chunk[..n]);
            }
            state = lock(&self.state);
            state.done = Some(read);
            for waker in state.waiters.drain(..) {
                waker.wake();
            }
        }
    }
}

/// Runs the non-blocking `read` into the end of `PENDING`; returns what it
/// returned.
fn fill_in_place(read: impl FnOnce(&mut [u8]) -> io::Result<usize>) -> io::Result<usize> {
    let mut pending = lock(&PENDING);
    let old_len = pending.len();
    pending.resize(old_len + CHUNK, 0);
    let read = read(&mut pending[old_len..]);
    pending.truncate(old_len + *read.as_ref().unwrap_or(&0));
    read
}

/// Takes the first line out of `PENDING`; at the end of input (`at_end`),
/// also a last line without a `'\n'`.
fn take_line(at_end: bool) -> io::Result<Option<String>> {
    let mut pending = lock(&PENDING);
    let len = match pending.iter().position(|&byte| byte == b'\n') {
        Some(newline) => newline + 1,
        None if at_end && !pending.is_empty() => pending.len(),
        None => return Ok(None),
    };
    let line: Vec<u8> = pending.drain(..len).collect();
    String::from_utf8(line).map(Some).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "a line read from stdin is not valid UTF-8",
        )
    })
}
