//! A TCP server that answers every line with `Hello World!`, to many
//! clients at once, on one thread (or one loop per thread with
//! `--threads N`).
//!
//! Descends from the "hello world" socket server of the Python event loops
//! loopy grew from. The original had no error handling, no timeouts and no
//! way to stop, and its replies had to fit one `send`. This one:
//!
//! - answers every line, however the lines arrive in chunks, and sends each
//!   reply whole, however big;
//! - disconnects a client that has been idle for 60 s (`--idle-timeout
//!   SECS`), with a goodbye line: one that sends nothing, and one that
//!   stops reading its answers, so that a reply waits that long for room;
//! - loses only the one connection when a client resets it mid-line;
//! - on Ctrl-C or SIGTERM stops accepting, says goodbye to every client,
//!   closes the connections and exits with status 0;
//! - out of file descriptors, waits for clients to leave and then accepts
//!   again; if it can no longer accept at all, it says goodbye the same
//!   way and exits with status 1;
//! - on SIGQUIT (`Ctrl-\`) prints its tasks (the acceptor, a client task
//!   per connection) with what each waits for, and carries on;
//! - with `--threads N`, runs N independent loops (`loopy::cores::run`),
//!   each with its own listener on the shared port (`SO_REUSEPORT`), its
//!   own clients and its own signal handling: a signal stops every loop,
//!   and the process exits once all have said their goodbyes.
//!
//! Try it, with a few clients in other terminals:
//!
//! ```text
//! cargo run --example hello_server -- --port 8000 --idle-timeout 60 --threads 2
//! nc 127.0.0.1 8000
//! ```

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};
use loopy::task::TaskGroup;
use loopy_examples::acceptor::Acceptor;
use loopy_examples::command_line::{self, unknown};
use loopy_examples::draining::Draining;
use loopy_examples::server_loops::run_loops;
use loopy_examples::shutdown::{Shutdown, Stop};
use loopy_examples::{outln, output};

/// The answer to every line.
const HELLO: &[u8] = b"Hello World!\n";

/// What a client gets when the server shuts down.
const SHUTTING_DOWN: &[u8] = b"The server is shutting down. Goodbye!\n";

/// How long a goodbye to one client may take before it is closed anyway:
/// the grace period of the clients' group on shutdown.
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(1);

/// What `--help` prints.
const USAGE: &str = "\
usage: hello_server [--port N] [--idle-timeout SECS] [--threads N]

Answers every line with \"Hello World!\", to many clients at once.

  --port N               listen on 127.0.0.1:N (default 8000)
  --idle-timeout SECS    disconnect a client silent for SECS seconds (default 60)
  --threads N            run N loops, one per thread, sharing the port
                         (default 1; at most 4 per CPU)
  -h, --help             print this and exit

Ctrl-C or SIGTERM says goodbye to every client and exits;
Ctrl-\\ (SIGQUIT) prints every task to stderr and carries on.";

/// Command-line settings, which every loop gets a copy of.
#[derive(Clone)]
struct Options {
    /// The port to listen on, on 127.0.0.1.
    port: u16,
    /// How long a client may stay silent before it is disconnected.
    idle_timeout: Duration,
    /// How many loops to run, each on its own thread.
    threads: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    let (port, threads) = (options.port, options.threads);
    run_loops("hello_server", port, threads, move |shutdown, listening| {
        run(options.clone(), shutdown, listening)
    })
}

/// Serves until Ctrl-C or SIGTERM, or until accepting fails for good (an
/// error), then says goodbye to every client.
async fn run(
    options: Options,
    shutdown: Shutdown,
    (listener, which_loop): (TcpListener, String),
) -> io::Result<()> {
    outln!(
        "Listening on {} ({which_loop}idle timeout {} s); press Ctrl-C to stop",
        listener.local_addr()?,
        options.idle_timeout.as_secs()
    );
    // Every client's task, so that shutdown can reach them all.
    let clients = Rc::new(TaskGroup::new());
    let draining = Draining::default();
    let acceptor = Acceptor::new(listener, output::stderr_line);
    let mut server = accept_clients(
        acceptor,
        Rc::clone(&clients),
        draining.clone(),
        options.idle_timeout,
    );

    let stop = shutdown.wait(&mut server).await?;
    if !matches!(stop, Stop::AcceptorEnded(_)) {
        // Stop accepting: cancelling the server task drops the listener.
        server.cancel();
        let _ = server.await;
    }
    outln!("{stop}; closing {} client(s)", clients.len());
    // Each client says goodbye and closes; one that does not take its
    // goodbye in time is cancelled, which closes its connection.
    draining.start();
    clients.shutdown(GOODBYE_TIMEOUT).await;
    outln!("Stopped");
    stop.into_result()
}

/// Accepts clients and serves each in its own task, until accepting fails
/// for good.
#[loopy::task(name = "acceptor")]
async fn accept_clients(
    mut acceptor: Acceptor,
    clients: Rc<TaskGroup<()>>,
    draining: Draining,
    idle_timeout: Duration,
) -> io::Error {
    loop {
        let (stream, peer) = match acceptor.accept_for(&clients).await {
            Ok(accepted) => accepted,
            Err(err) => return err,
        };
        clients.spawn_named(
            "client",
            serve(stream, peer, draining.clone(), idle_timeout),
        );
        outln!("{peer} connected ({} connected)", clients.len());
    }
}

/// Serves one client until it leaves, falls silent or fails, or until the
/// server shuts down: then says goodbye and closes the connection.
async fn serve(stream: TcpStream, peer: SocketAddr, draining: Draining, idle: Duration) {
    match draining.unless_started(answer_lines(&stream, idle)).await {
        Some(Ok(Ended::Left)) => outln!("{peer} left"),
        Some(Ok(Ended::Idle)) => {
            outln!("{peer} was idle for {} s, disconnected", idle.as_secs());
        }
        Some(Err(err)) => outln!("{peer} dropped: {err}"),
        None => {
            say_goodbye(&stream, SHUTTING_DOWN).await;
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// How a client's session ended, when it did not fail.
enum Ended {
    /// The client closed the connection.
    Left,
    /// The client sent nothing, or took none of a reply, for the idle
    /// timeout.
    Idle,
}

/// Answers every line the client sends until it closes its side or is
/// idle for `idle`: sends nothing, or reads none of its answers, for that
/// long.
async fn answer_lines(stream: &TcpStream, idle: Duration) -> io::Result<Ended> {
    let mut buf = [0; 4096];
    // Whether bytes of a line without its '\n' have come.
    let mut partial_line = false;
    loop {
        let Ok(received) = loopy::timeout(idle, stream.recv(&mut buf)).await else {
            return Ok(idle_goodbye(stream, idle).await);
        };
        let chunk = &buf[..received?];
        if chunk.is_empty() {
            // A last line without '\n' is a line too.
            if partial_line {
                send_unless_idle(stream, HELLO, idle).await?;
            }
            return Ok(Ended::Left);
        }
        let lines = chunk.iter().filter(|&&byte| byte == b'\n').count();
        partial_line = chunk.last() != Some(&b'\n');
        // All the answers for this chunk in one reply, sent whole.
        if !send_unless_idle(stream, &HELLO.repeat(lines), idle).await? {
            return Ok(idle_goodbye(stream, idle).await);
        }
    }
}

/// Sends `reply` whole, unless the client takes none of it for `idle` (a
/// client that stops reading is idle too): then `false`. Each part the
/// client takes starts the wait again, so a slow reader is not idle.
async fn send_unless_idle(
    stream: &TcpStream,
    mut reply: &[u8],
    idle: Duration,
) -> io::Result<bool> {
    while !reply.is_empty() {
        let Ok(sent) = loopy::timeout(idle, stream.send(reply)).await else {
            return Ok(false);
        };
        match sent? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            sent => reply = &reply[sent..],
        }
    }
    Ok(true)
}

/// Tells an idle client why it is being disconnected, if it still takes
/// a line.
async fn idle_goodbye(stream: &TcpStream, idle: Duration) -> Ended {
    let goodbye = format!("You have been idle for {} s. Goodbye!\n", idle.as_secs());
    say_goodbye(stream, goodbye.as_bytes()).await;
    Ended::Idle
}

/// Sends `goodbye`, unless the client does not take it within
/// [`GOODBYE_TIMEOUT`] or is gone already: it is leaving either way.
async fn say_goodbye(stream: &TcpStream, goodbye: &[u8]) {
    let _ = loopy::timeout(GOODBYE_TIMEOUT, stream.send_all(goodbye)).await;
}

impl Options {
    /// Reads `--port N`, `--idle-timeout SECS` and `--threads N`.
    fn parse() -> Options {
        let defaults = Options {
            port: 8000,
            idle_timeout: Duration::from_secs(60),
            threads: 1,
        };
        command_line::parse(USAGE, defaults, |options, arg, args| {
            match arg {
                "--port" => options.port = args.value(arg, "a port number")?,
                "--threads" => options.threads = args.threads(arg)?,
                "--idle-timeout" => {
                    let secs = args.value(arg, "a number of seconds")?;
                    options.idle_timeout = Duration::from_secs(secs);
                }
                _ => return Err(unknown(arg)),
            }
            command_line::shared_port(options.port, options.threads)
        })
    }
}
