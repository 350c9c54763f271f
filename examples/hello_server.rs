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

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};
use loopy::task::TaskId;
use loopy::JoinHandle;
use loopy_examples::acceptor::Acceptor;
use loopy_examples::command_line::{self, unknown};
use loopy_examples::server_loops::run_loops;
use loopy_examples::shutdown::{Shutdown, Stop};
use loopy_examples::{outln, output};

/// The answer to every line.
const HELLO: &[u8] = b"Hello World!\n";

/// What a client gets when the server shuts down.
const SHUTTING_DOWN: &[u8] = b"The server is shutting down. Goodbye!\n";

/// How long a goodbye to one client may take before it is closed anyway.
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

/// A connected client: its connection, shared with its task, so that the
/// server can say goodbye on shutdown.
struct Client {
    /// The connection, which outlives the task when the server cancels it
    /// to say goodbye.
    stream: Rc<TcpStream>,
    /// The task serving the client, to cancel on shutdown.
    task: JoinHandle<()>,
}

/// The clients connected now, by the id of the task serving each.
type Clients = Rc<RefCell<HashMap<TaskId, Client>>>;

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
    let clients = Clients::default();
    let acceptor = Acceptor::new(listener, output::stderr_line);
    let mut server = accept_clients(acceptor, Rc::clone(&clients), options.idle_timeout);

    let stop = shutdown.wait(&mut server).await?;
    if !matches!(stop, Stop::AcceptorEnded(_)) {
        // Stop accepting: cancelling the server task drops the listener.
        server.cancel();
        let _ = server.await;
    }
    let clients: Vec<Client> = clients.borrow_mut().drain().map(|(_, c)| c).collect();
    outln!("{stop}; closing {} client(s)", clients.len());
    let goodbyes: Vec<_> = clients.into_iter().map(close).collect();
    for goodbye in goodbyes {
        let _ = goodbye.await;
    }
    outln!("Stopped");
    stop.into_result()
}

/// Accepts clients and serves each in its own task, until accepting fails
/// for good.
#[loopy::task(name = "acceptor")]
async fn accept_clients(
    mut acceptor: Acceptor,
    clients: Clients,
    idle_timeout: Duration,
) -> io::Error {
    loop {
        let (stream, peer) = match acceptor.accept().await {
            Ok(accepted) => accepted,
            Err(err) => return err,
        };
        let stream = Rc::new(stream);
        let task = serve(Rc::clone(&stream), peer, Rc::clone(&clients), idle_timeout);
        // The task has not run yet (it runs when this one waits), so it
        // finds itself in the map when it ends.
        let mut clients = clients.borrow_mut();
        clients.insert(task.id(), Client { stream, task });
        outln!("{peer} connected ({} connected)", clients.len());
    }
}

/// Serves one client until it leaves, falls silent or fails, then removes
/// it from `clients`.
#[loopy::task(name = "client")]
async fn serve(stream: Rc<TcpStream>, peer: SocketAddr, clients: Clients, idle: Duration) {
    match answer_lines(&stream, idle).await {
        Ok(Ended::Left) => outln!("{peer} left"),
        Ok(Ended::Idle) => outln!("{peer} was idle for {} s, disconnected", idle.as_secs()),
        Err(err) => outln!("{peer} dropped: {err}"),
    }
    clients.borrow_mut().remove(&loopy::task::id());
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

/// Stops serving the client, says goodbye and closes the connection.
#[loopy::task(name = "goodbye")]
async fn close(client: Client) {
    client.task.cancel();
    // Wait until the task has dropped its share of the connection.
    let _ = client.task.await;
    say_goodbye(&client.stream, SHUTTING_DOWN).await;
    let _ = client.stream.shutdown(std::net::Shutdown::Both);
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
