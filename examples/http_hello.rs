//! An HTTP/1.1 server that answers every request with `Hello, World!`:
//! hyper's server on loopy, through `loopy::hyper`.
//!
//! - a `POST` is answered instead with its body's length and FNV-1a
//!   checksum, read as it streams in (a client that sends
//!   `Expect: 100-continue` gets `100 Continue` first, from hyper);
//! - one task per connection, all in a `loopy::task::TaskGroup`, with
//!   keep-alive: a client may send many requests on one connection
//!   (HTTP/1.0 clients too);
//! - a client that does not finish its request headers within
//!   `--header-timeout SECS` (default 5) is cut off (hyper's
//!   `header_read_timeout`, on loopy's timer heap); a malformed request
//!   gets `400 Bad Request` and costs only its own connection;
//! - on Ctrl-C or SIGTERM it stops accepting, lets every connection finish
//!   the request in flight (hyper's graceful shutdown; idle keep-alive
//!   connections close at once), waits at most `--grace SECS` (default 5)
//!   for them, cancels the connections still open, and exits with status
//!   0;
//! - with `--threads N`, it runs N independent loops (`loopy::cores::run`),
//!   each with its own listener on the shared port (`SO_REUSEPORT`), and
//!   each stops on the signal.
//!
//! It needs the `hyper` feature of the examples' crate:
//!
//! ```text
//! cargo run -p loopy-examples --features hyper --example http_hello -- --port 8080
//! curl -v http://127.0.0.1:8080/ http://127.0.0.1:8080/
//! ```

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use loopy::net::{TcpListener, TcpStream};
use loopy::task::TaskGroup;
use loopy_examples::acceptor::Acceptor;
use loopy_examples::command_line::{self, unknown};
use loopy_examples::draining::Draining;
use loopy_examples::hello_http;
use loopy_examples::server_loops::run_loops;
use loopy_examples::shutdown::{Shutdown, Stop};
use loopy_examples::{outln, output};

/// What `--help` prints.
const USAGE: &str = "\
usage: http_hello [--port N] [--header-timeout SECS] [--grace SECS] [--threads N]

Answers every HTTP request with \"Hello, World!\", and a POST with its
body's length and FNV-1a checksum.

  --port N                 listen on 127.0.0.1:N (default 8000)
  --header-timeout SECS    cut off a client whose request headers take longer (default 5)
  --grace SECS             on Ctrl-C or SIGTERM, wait this long for requests in flight (default 5)
  --threads N              run N loops, one per thread, sharing the port
                           (default 1; at most 4 per CPU)
  -h, --help               print this and exit";

/// Command-line settings.
#[derive(Clone)]
struct Options {
    /// The port to listen on, on 127.0.0.1.
    port: u16,
    /// How long a client may take to send a request's headers.
    header_timeout: Duration,
    /// How long shutdown waits for the connections to finish.
    grace: Duration,
    /// How many loops serve the port, one per thread.
    threads: usize,
}

fn main() -> ExitCode {
    let options = Options::parse();
    let (port, threads) = (options.port, options.threads);
    run_loops("http_hello", port, threads, move |shutdown, listening| {
        run(options.clone(), shutdown, listening)
    })
}

/// Serves until Ctrl-C or SIGTERM, or until accepting fails for good (an
/// error), then drains the connections.
async fn run(
    options: Options,
    shutdown: Shutdown,
    (listener, which_loop): (TcpListener, String),
) -> io::Result<()> {
    outln!(
        "Listening on http://{} ({which_loop}header timeout {} s); press Ctrl-C to stop",
        listener.local_addr()?,
        options.header_timeout.as_secs()
    );
    // Every connection's task, so that shutdown can wait for them all.
    let connections = Rc::new(TaskGroup::new());
    let draining = Draining::default();
    let acceptor = Acceptor::new(listener, output::stderr_line);
    let mut server = accept_connections(
        acceptor,
        Rc::clone(&connections),
        draining.clone(),
        options.header_timeout,
    );

    let stop = shutdown.wait(&mut server).await?;
    if !matches!(stop, Stop::AcceptorEnded(_)) {
        // Stop accepting: cancelling the acceptor drops the listener.
        server.cancel();
        let _ = server.await;
    }
    outln!("{stop}; finishing {} connection(s)", connections.len());
    draining.start();
    connections.shutdown(options.grace).await;
    // Each connection said how it ended; a panic was printed by the panic
    // hook; the ones the grace period cut off were cancelled.
    let mut cut_off = 0;
    while let Some(ended) = connections.join_next().await {
        cut_off += usize::from(ended.is_err_and(|err| err.is_cancelled()));
    }
    if cut_off > 0 {
        outln!(
            "{} s grace period over; closed the {cut_off} connection(s) left",
            options.grace.as_secs()
        );
    }
    outln!("Stopped");
    stop.into_result()
}

/// Accepts connections and serves each in its own task, until accepting
/// fails for good.
#[loopy::task(name = "acceptor")]
async fn accept_connections(
    mut acceptor: Acceptor,
    connections: Rc<TaskGroup<()>>,
    draining: Draining,
    header_timeout: Duration,
) -> io::Error {
    loop {
        let (stream, peer) = match acceptor.accept_for(&connections).await {
            Ok(accepted) => accepted,
            Err(err) => return err,
        };
        let connection = serve(stream, peer, draining.clone(), header_timeout);
        connections.spawn_named("connection", connection);
    }
}

/// Serves one connection with hyper until the client leaves, errs, or the
/// server drains.
async fn serve(stream: TcpStream, peer: SocketAddr, draining: Draining, header_timeout: Duration) {
    let requests = Rc::new(Cell::new(0));
    let connection = hello_http::connection(stream, header_timeout, Rc::clone(&requests));
    let mut connection = pin!(connection);
    let mut shutting_down = false;
    let ended = poll_fn(|cx| {
        if !shutting_down && draining.poll_started(cx).is_ready() {
            // Finish the request in flight, then close.
            shutting_down = true;
            connection.as_mut().graceful_shutdown();
        }
        connection.as_mut().poll(cx)
    })
    .await;
    let requests = requests.get();
    match ended {
        Ok(()) => outln!("{peer} served {requests} request(s)"),
        Err(err) => outln!("{peer} served {requests} request(s), then: {err}"),
    }
}

impl Options {
    /// Reads `--port N`, `--header-timeout SECS`, `--grace SECS` and
    /// `--threads N`.
    fn parse() -> Options {
        let defaults = Options {
            port: 8000,
            header_timeout: Duration::from_secs(5),
            grace: Duration::from_secs(5),
            threads: 1,
        };
        command_line::parse(USAGE, defaults, |options, arg, args| {
            match arg {
                "--port" => options.port = args.value(arg, "a port number")?,
                "--header-timeout" => {
                    let secs = args.value(arg, "a number of seconds")?;
                    options.header_timeout = Duration::from_secs(secs);
                }
                "--grace" => {
                    let secs = args.value(arg, "a number of seconds")?;
                    options.grace = Duration::from_secs(secs);
                }
                "--threads" => options.threads = args.threads(arg)?,
                _ => return Err(unknown(arg)),
            }
            command_line::shared_port(options.port, options.threads)
        })
    }
}
