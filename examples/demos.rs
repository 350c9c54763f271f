//! Four demos of what a loop does: sleeping tasks, a socket server and
//! client, cancelling a task, and a group of tasks that fail together.
//!
//! Descends from the demo program of the Python event loops loopy grew
//! from, which ran the first three demos on generators and `select()`.
//! Here the server survives a client that goes away, the client reads each
//! echo whole however TCP splits it, and the cancelled task cleans up after
//! itself. The fourth is asyncio's `TaskGroup`, which the Python loops
//! grew into: when one task of a group fails, the others are cancelled.
//!
//! Try it:
//!
//! ```text
//! cargo run --example demos
//! ```
//!
//! It prints, in about nine seconds:
//!
//! ```text
//! --- Sleep Demo ---
//! Start
//! One
//! Two
//! End sleep demo
//! --- Socket Demo ---
//! Server listening on 127.0.0.1:PORT
//! ...
//! All demos completed successfully!
//! ```

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use loopy::net::{TcpListener, TcpStream};
use loopy::task::TaskGroup;
// `command_line` answers `--help`; `outln!` is `println!` that, when
// stdout is closed (`| head -1`), ends the program with one line on
// stderr and status 1 instead of a panic.
use loopy_examples::{command_line, outln};

/// What the client of the socket demo sends, one message at a time.
const MESSAGES: [&str; 3] = [
    "Hello from the client!",
    "This is a test message",
    "Goodbye!",
];

/// What `--help` prints.
const USAGE: &str = "\
usage: demos

Runs four demos of an event loop, one after the other: tasks sleeping at
once, an echo server and its client, a task cancelled, and a group of
tasks cancelled when one of them fails.

  -h, --help    print this and exit";

#[loopy::main]
async fn main() -> io::Result<()> {
    command_line::no_options(USAGE);
    sleep_demo().await;
    socket_demo().await?;
    cancellation_demo().await;
    task_group_demo().await;
    outln!("All demos completed successfully!");
    Ok(())
}

/// Two tasks sleep at once: the loop wakes each when its time comes, and
/// neither blocks the other.
async fn sleep_demo() {
    outln!("--- Sleep Demo ---");
    outln!("Start");
    let start = Instant::now();
    let one = sleeper(Duration::from_secs(1), "One");
    let two = sleeper(Duration::from_secs(2), "Two");
    one.await.expect("the task printing One does not fail");
    two.await.expect("the task printing Two does not fail");
    loopy::sleep_until(start + Duration::from_secs(3)).await;
    outln!("End sleep demo");
}

/// Sleeps for `delay`, then prints `word`.
#[loopy::task]
async fn sleeper(delay: Duration, word: &'static str) {
    loopy::sleep(delay).await;
    outln!("{word}");
}

/// An echo server and a client in two tasks of the same loop.
async fn socket_demo() -> io::Result<()> {
    outln!("--- Socket Demo ---");
    // Bound before either task starts, so the client can connect at once.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = echo_server(listener);
    let client = client(addr);
    client.await.expect("the client task does not panic")?;
    server.cancel();
    let stopped = server.await;
    assert!(stopped.is_err_and(|err| err.is_cancelled()));
    outln!("Socket demo finished");
    Ok(())
}

/// Accepts connections and echoes each in a task of its own.
#[loopy::task]
async fn echo_server(listener: TcpListener) -> io::Result<()> {
    outln!("Server listening on {}", listener.local_addr()?);
    loop {
        let (stream, peer) = listener.accept().await?;
        outln!("New connection from {peer}");
        echo_handler(stream, peer);
    }
}

/// Echoes one connection, and says why if it fails.
#[loopy::task]
async fn echo_handler(stream: TcpStream, peer: SocketAddr) {
    if let Err(err) = echo(&stream, peer).await {
        outln!("Connection error from {peer}: {err}");
    }
}

/// Sends back everything `peer` sends, until it closes its side.
async fn echo(stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
    let mut buf = [0; 1024];
    loop {
        let n = stream.recv(&mut buf).await?;
        if n == 0 {
            outln!("Connection closed from {peer}");
            return Ok(());
        }
        outln!(
            "Received from {peer}: {}",
            String::from_utf8_lossy(&buf[..n])
        );
        stream.send_all(&buf[..n]).await?;
    }
}

/// Sends the messages half a second apart and reads each echo whole, then
/// closes its side and waits until the server has closed the connection.
#[loopy::task]
async fn client(addr: SocketAddr) -> io::Result<()> {
    let stream = TcpStream::connect(addr).await?;
    for (i, message) in MESSAGES.into_iter().enumerate() {
        if i > 0 {
            loopy::sleep(Duration::from_millis(500)).await;
        }
        outln!("Client sending: {message}");
        stream.send_all(message.as_bytes()).await?;
        let mut echo = vec![0; message.len()];
        stream.recv_exact(&mut echo).await?;
        outln!("Client received: {}", String::from_utf8_lossy(&echo));
    }
    outln!("Client finished sending messages");
    stream.shutdown(std::net::Shutdown::Write)?;
    // The server's end of file answers ours: then the connection is done.
    let mut rest = [0; 1];
    while stream.recv(&mut rest).await? > 0 {}
    Ok(())
}

/// A task that would run forever is cancelled: its future is dropped, so
/// its destructors run, and whoever awaits it learns it was cancelled.
async fn cancellation_demo() {
    outln!("--- Cancellation Demo ---");
    let long_running = long_running();
    loopy::sleep(Duration::from_secs(3)).await;
    outln!("Cancelling the task...");
    long_running.cancel();
    match long_running.await {
        Err(err) if err.is_cancelled() => outln!("The joiner saw the task cancelled: {err}"),
        other => outln!("The joiner expected a cancellation but got {other:?}"),
    }
    outln!("Cancellation demo finished");
}

/// Counts its iterations, one a second, until it is cancelled.
#[loopy::task]
async fn long_running() {
    let _cleanup = Cleanup("Long-running task".to_owned());
    for n in 1.. {
        outln!("Long-running task iteration {n}");
        loopy::sleep(Duration::from_secs(1)).await;
    }
}

/// Three workers in a group; the second fails. The first failure that
/// `join_next` brings cancels the rest of the group, and each cancelled
/// worker's destructors run: the group does not outlive its purpose.
async fn task_group_demo() {
    outln!("--- Task Group Demo ---");
    let workers = TaskGroup::new();
    for n in 1..=3 {
        workers.spawn_named("worker", worker(n));
    }
    // Results come in the order the tasks end: the failing worker first,
    // as the others would work for an hour.
    match workers.join_next().await {
        Some(Ok(Err(err))) => outln!("First failure: {err}; cancelling the rest"),
        other => outln!("The group expected a failure but got {other:?}"),
    }
    workers.cancel();
    let mut cancelled = 0;
    while let Some(ended) = workers.join_next().await {
        cancelled += usize::from(ended.is_err_and(|err| err.is_cancelled()));
    }
    outln!("{cancelled} workers cancelled");
    outln!("Task group demo finished");
}

/// Works for an hour, except worker 2, which fails after half a second.
async fn worker(n: u32) -> Result<(), String> {
    let _cleanup = Cleanup(format!("Worker {n}"));
    if n == 2 {
        loopy::sleep(Duration::from_millis(500)).await;
        return Err(format!("worker {n} ran out of work"));
    }
    loopy::sleep(Duration::from_secs(3600)).await;
    Ok(())
}

/// Prints `NAME cleanup` when dropped: when its task's future is dropped,
/// whether the task ended or was cancelled.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        outln!("{} cleanup", self.0);
    }
}
