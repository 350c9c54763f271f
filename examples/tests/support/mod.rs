//! What the end-to-end tests in `tests/` drive the examples with; each
//! test file includes it with `mod support;`.
//!
//! `cargo test -p loopy-examples` builds the examples before it runs the
//! tests, into `target/<profile>/examples/`. A test starts one as a real
//! process ([`Example::start`]), talks to it as a user would (TCP clients,
//! stdin, signals, a reader that goes away early), and checks the lines it
//! prints ([`Example::expect`]) and how it exits ([`Example::exit_status`]).
//! A few tools look at it from outside as a test must: its CPU time
//! ([`Example::cpu_time`]), a lower descriptor limit
//! ([`limit_descriptors`]), its listening socket ([`Example::listener`]).
//!
//! Nothing here waits without a bound: every wait gives up after
//! [`PATIENCE`] and fails the test with everything the example printed so
//! far. An [`Example`] kills its process when dropped, so a failing test
//! leaves nothing running.
//!
//! Every test binary compiles this module and uses a part of it, so the
//! parts a given test leaves unused are not reported as dead code.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use rustix::io::Errno;
use rustix::process::{Pid, PidfdFlags, PidfdGetfdFlags, Resource, Rlimit, Signal};

/// The longest any single wait lasts before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// An example (or any program) running as a child process, with its stdout
/// and stderr read line by line.
#[derive(Debug)]
pub struct Example {
    /// What the transcript calls the program.
    name: String,
    /// The process; killed on drop if it still runs.
    child: Child,
    /// Lines of stdout and stderr, as the reader threads get them.
    lines: Receiver<Line>,
    /// Every line received so far, for `wait_for` and failure messages.
    transcript: Vec<Line>,
    /// Where the next `expect` starts looking in `transcript`.
    cursor: usize,
}

/// One line the program printed.
#[derive(Clone, Debug)]
pub struct Line {
    /// The text, without its line ending.
    pub text: String,
    /// Where the program printed it.
    pub stream: Stream,
    /// When the harness received it.
    pub at: Instant,
}

/// One of the program's two outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl Example {
    /// A command for the example `name`, ready to be configured (arguments,
    /// stdin) and handed to [`Example::spawn`].
    ///
    /// # Panics
    ///
    /// If the example has not been built (`cargo test` builds them all).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let mut command = support::Example::command("fib");
    /// command.arg("--naive");
    /// let fib = support::Example::spawn(command, "fib");
    /// ```
    pub fn command(name: &str) -> Command {
        let path = examples_dir().join(name);
        assert!(
            path.exists(),
            "example {name} is not built at {}; run the tests with `cargo test -p loopy-examples`",
            path.display()
        );
        let mut command = Command::new(path);
        // The examples' logging must not depend on the caller's setting.
        command.env_remove("RUST_LOG").stdin(Stdio::null());
        command
    }

    /// Starts the example `name` with `args` and no stdin.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let mut demos = support::Example::start("demos", &[]);
    /// demos.expect("--- Sleep Demo ---");
    /// ```
    pub fn start(name: &str, args: &[&str]) -> Example {
        let mut command = Example::command(name);
        command.args(args);
        Example::spawn(command, name)
    }

    /// Starts `command` with its stdout and stderr piped to the harness;
    /// `name` labels it in failure messages.
    ///
    /// # Panics
    ///
    /// If the process cannot be started.
    pub fn spawn(command: Command, name: &str) -> Example {
        Example::spawn_closing(command, name, None)
    }

    /// Starts `command` like [`Example::spawn`], but reads only the first
    /// `lines` lines of `stream` and then closes it, as `| head -n LINES`
    /// does: the program's next write there fails with `EPIPE`.
    ///
    /// # Panics
    ///
    /// If the process cannot be started.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use support::{Example, Stream};
    ///
    /// let demos = Example::spawn_with_head(Example::command("demos"), "demos", Stream::Stdout, 1);
    /// ```
    pub fn spawn_with_head(command: Command, name: &str, stream: Stream, lines: usize) -> Example {
        Example::spawn_closing(command, name, Some((stream, lines)))
    }

    /// Starts `command`, closing `head`'s stream after its number of lines.
    fn spawn_closing(mut command: Command, name: &str, head: Option<(Stream, usize)>) -> Example {
        let limit = |stream| match head {
            Some((closed, lines)) if closed == stream => lines,
            _ => usize::MAX,
        };
        let (stdout_limit, stderr_limit) = (limit(Stream::Stdout), limit(Stream::Stderr));
        let mut child = command
            .stdout(output_for(stdout_limit))
            .stderr(output_for(stderr_limit))
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {name}: {err}"));
        let (sender, lines) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            forward_lines(stdout, Stream::Stdout, stdout_limit, sender.clone());
        }
        if let Some(stderr) = child.stderr.take() {
            forward_lines(stderr, Stream::Stderr, stderr_limit, sender);
        }
        Example {
            name: name.to_string(),
            child,
            lines,
            transcript: Vec::new(),
            cursor: 0,
        }
    }

    /// The process, for its stdin or its id.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Waits for the next line, after the last one `expect` matched, that
    /// contains `needle`, and returns it. Lines in between are skipped, so a
    /// series of `expect`s checks that lines come in that order.
    ///
    /// # Panics
    ///
    /// If no such line comes within [`PATIENCE`] or before the program's
    /// output ends; the message shows everything it printed.
    pub fn expect(&mut self, needle: &str) -> Line {
        let found = self.find(self.cursor, needle);
        self.cursor = found + 1;
        self.transcript[found].clone()
    }

    /// Waits for a line anywhere in the output, before or after the others
    /// looked for, that contains `needle`, and returns it.
    ///
    /// # Panics
    ///
    /// As for [`expect`](Example::expect).
    pub fn wait_for(&mut self, needle: &str) -> Line {
        let found = self.find(0, needle);
        self.transcript[found].clone()
    }

    /// Every line the program prints until its output ends (normally, when
    /// it exits).
    ///
    /// # Panics
    ///
    /// If the output does not end within [`PATIENCE`].
    pub fn all_lines(&mut self) -> Vec<Line> {
        let deadline = Instant::now() + PATIENCE;
        while self.receive(deadline) {}
        assert!(
            Instant::now() < deadline,
            "{} did not end its output in time; it printed:\n{}",
            self.name,
            self.printed()
        );
        self.transcript.clone()
    }

    /// The lines the program has printed so far (as far as the harness has
    /// read them), without waiting for more.
    pub fn printed_so_far(&mut self) -> &[Line] {
        while let Ok(line) = self.lines.try_recv() {
            self.transcript.push(line);
        }
        &self.transcript
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    ///
    /// # Panics
    ///
    /// If the signal cannot be sent.
    pub fn interrupt(&self) {
        self.signal(Signal::INT);
    }

    /// Sends `signal`.
    ///
    /// # Panics
    ///
    /// If the signal cannot be sent.
    pub fn signal(&self, signal: Signal) {
        rustix::process::kill_process(Pid::from_child(&self.child), signal)
            .unwrap_or_else(|err| panic!("cannot send {signal:?} to {}: {err}", self.name));
    }

    /// The CPU time the process has used so far, in user and kernel mode,
    /// as `/proc` counts it (in clock ticks, usually of 10 ms).
    ///
    /// # Panics
    ///
    /// If `/proc` does not show the process.
    pub fn cpu_time(&self) -> Duration {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .unwrap_or_else(|err| panic!("cannot read the stat of {}: {err}", self.name));
        // The fields after the command's name, which is in parentheses and
        // may hold spaces: state is field 3, utime 14 and stime 15.
        let fields: Vec<&str> = stat[stat.rfind(')').expect("stat has a name") + 2..]
            .split(' ')
            .collect();
        let ticks: u64 = fields[11].parse::<u64>().expect("utime is a number")
            + fields[12].parse::<u64>().expect("stime is a number");
        Duration::from_secs_f64(ticks as f64 / rustix::param::clock_ticks_per_second() as f64)
    }

    /// A duplicate of the socket the process listens on at `port`, taken
    /// from it with `pidfd_getfd`: what the test does to it (a
    /// `shutdown`, say) happens to the process's own listener.
    ///
    /// # Panics
    ///
    /// If the process has no such socket, or the kernel does not let the
    /// test take it.
    pub fn listener(&self, port: u16) -> OwnedFd {
        let pid = Pid::from_child(&self.child);
        let pidfd = rustix::process::pidfd_open(pid, PidfdFlags::empty())
            .unwrap_or_else(|err| panic!("cannot open a pidfd for {}: {err}", self.name));
        let fds = fs::read_dir(format!("/proc/{pid}/fd"))
            .unwrap_or_else(|err| panic!("cannot list the descriptors of {}: {err}", self.name));
        for entry in fds {
            let Ok(fd) = entry
                .expect("a descriptor entry")
                .file_name()
                .to_string_lossy()
                .parse::<RawFd>()
            else {
                continue;
            };
            let socket = match rustix::process::pidfd_getfd(&pidfd, fd, PidfdGetfdFlags::empty()) {
                Ok(socket) => socket,
                Err(Errno::PERM) => panic!(
                    "the kernel does not let the test take the descriptors of {} (pidfd_getfd)",
                    self.name
                ),
                // Closed in the meantime: not the listener.
                Err(_) => continue,
            };
            let listening = rustix::net::sockopt::socket_acceptconn(&socket).unwrap_or(false);
            let local = rustix::net::getsockname(&socket)
                .ok()
                .and_then(|addr| std::net::SocketAddr::try_from(addr).ok());
            if listening && local.is_some_and(|local| local.port() == port) {
                return socket;
            }
        }
        panic!("{} has no socket listening on port {port}", self.name)
    }

    /// Waits for the process to exit and returns its status.
    ///
    /// # Panics
    ///
    /// If it is still running after [`PATIENCE`].
    pub fn exit_status(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited for") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not exit in time; it printed:\n{}",
                self.name,
                self.printed()
            );
            // Child processes have no readiness to wait on in std.
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// The index in `transcript` of the first line from `start` on that
    /// contains `needle`, receiving lines as needed.
    fn find(&mut self, start: usize, needle: &str) -> usize {
        let deadline = Instant::now() + PATIENCE;
        let mut from = start;
        loop {
            let position = self.transcript[from..]
                .iter()
                .position(|line| line.text.contains(needle));
            if let Some(position) = position {
                return from + position;
            }
            from = self.transcript.len();
            if !self.receive(deadline) {
                panic!(
                    "{} printed no line containing {needle:?}{}; it printed:\n{}",
                    self.name,
                    if Instant::now() >= deadline {
                        " in time"
                    } else {
                        " before its output ended"
                    },
                    self.printed()
                );
            }
        }
    }

    /// Adds the next line to the transcript; false if none came before
    /// `deadline` or the output has ended.
    fn receive(&mut self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(line) => {
                self.transcript.push(line);
                true
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => false,
        }
    }

    /// The transcript so far, indented, for failure messages.
    fn printed(&self) -> String {
        self.transcript
            .iter()
            .map(|line| format!("    {}\n", line.text))
            .collect()
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        // The test is over (or failed): nothing may outlive it.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A port on 127.0.0.1 that was free a moment ago: the OS picked it for a
/// listener that is closed again before this returns.
///
/// # Examples
///
/// ```
/// let port = support::free_port();
/// assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
/// ```
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("127.0.0.1 has a free port")
        .port()
}

/// A client connected to 127.0.0.1:`port`, whose reads give up after
/// [`PATIENCE`] instead of hanging the test.
///
/// # Panics
///
/// If it cannot connect.
///
/// # Examples
///
/// ```
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let port = listener.local_addr().unwrap().port();
/// let client = support::connect(port);
/// ```
pub fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|err| panic!("cannot connect to 127.0.0.1:{port}: {err}"));
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("a read timeout can be set");
    stream
}

/// Reads everything `stream` sends until it closes the connection.
///
/// # Panics
///
/// If reading fails or takes longer than the stream's read timeout.
///
/// # Examples
///
/// ```
/// use std::io::Write;
///
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = support::connect(listener.local_addr().unwrap().port());
/// let (mut server, _) = listener.accept().unwrap();
/// server.write_all(b"bye\n").unwrap();
/// drop(server);
/// assert_eq!(support::read_to_end(&mut client), "bye\n");
/// ```
pub fn read_to_end(stream: &mut TcpStream) -> String {
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .unwrap_or_else(|err| panic!("reading until the server closed failed: {err}"));
    text
}

/// Where cargo put the examples: `target/<profile>/examples`, beside the
/// `deps` directory that holds the running test binary.
fn examples_dir() -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary knows its path");
    test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in target/<profile>/deps")
        .join("examples")
}

/// What a program's output is connected to: a pipe to the harness, or,
/// for a program none of whose output is read (`limit` 0), a pipe whose
/// reading end is closed before the program starts, so that even its first
/// write fails.
fn output_for(limit: usize) -> Stdio {
    if limit > 0 {
        return Stdio::piped();
    }
    let (reader, writer) = rustix::pipe::pipe().expect("a pipe can be made");
    drop(reader);
    Stdio::from(writer)
}

/// Sends each of the first `limit` lines read from `output` to `lines`, on
/// a thread of its own, and then closes `output`.
fn forward_lines(
    output: impl Read + Send + 'static,
    stream: Stream,
    limit: usize,
    lines: Sender<Line>,
) {
    thread::spawn(move || {
        let mut output = Some(BufReader::new(output).lines());
        let mut taken = 0;
        while let Some(Ok(text)) = output.as_mut().and_then(Iterator::next) {
            taken += 1;
            if taken == limit {
                // Closed before the last line is handed over, so that once
                // a test has seen it, the program's next write fails.
                output = None;
            }
            let line = Line {
                text,
                stream,
                at: Instant::now(),
            };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
}

/// Makes `command` start its process with at most `limit` file
/// descriptors (`RLIMIT_NOFILE`), as `ulimit -n LIMIT` does in a shell.
///
/// # Examples
///
/// ```no_run
/// let mut command = support::Example::command("hello_server");
/// support::limit_descriptors(&mut command, 30);
/// ```
pub fn limit_descriptors(command: &mut Command, limit: u64) {
    let limit = Rlimit {
        current: Some(limit),
        maximum: Some(limit),
    };
    let set_limit = move || rustix::process::setrlimit(Resource::Nofile, limit).map_err(Into::into);
    // SAFETY: the closure runs in the child between fork and exec, where
    // only async-signal-safe calls are allowed; it makes one system call,
    // setrlimit, and neither allocates nor takes a lock.
    unsafe {
        command.pre_exec(set_limit);
    }
}
