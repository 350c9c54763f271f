//! The ticker server: a count every second and a TCP server that logs what
//! it receives, in one loop.
//!
//! Descends from the program that gave loopy its name: a Python loop that
//! printed `Count: N` every second while a socket server on port 1234
//! printed every connection and every chunk it received, to show that
//! timers and sockets share one loop. Here everything goes through the
//! `log` facade with a timestamp, a client that resets its connection is
//! logged and forgotten, Ctrl-C or SIGTERM closes every connection (the
//! clients' tasks are one `TaskGroup`) and ends the program with status 0,
//! and SIGQUIT (`Ctrl-\`) prints its tasks and lets it carry on.
//!
//! Try it, and connect from other terminals:
//!
//! ```text
//! cargo run --example loopy -- --port 1234
//! nc 127.0.0.1 1234
//! ```
//!
//! `RUST_LOG=warn` hides the ticks and the traffic; `--help` tells the
//! options.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use log::{info, warn};
use loopy::net::TcpStream;
use loopy::task::TaskGroup;
use loopy_examples::acceptor::{self, Acceptor};
use loopy_examples::command_line::{self, unknown};
use loopy_examples::errln;
use loopy_examples::shutdown::{Shutdown, Stop};

/// The port the Python original listened on.
const DEFAULT_PORT: u16 = 1234;

/// What `--help` prints.
const USAGE: &str = "\
usage: loopy [--port N]

Logs a count every second, and every connection and chunk a TCP server
receives, in one loop. RUST_LOG=warn hides the ticks and the traffic.

  --port N      listen on 127.0.0.1:N (default 1234)
  -h, --help    print this and exit

Ctrl-C or SIGTERM exits; Ctrl-\\ (SIGQUIT) prints every task to stderr
and carries on.";

#[loopy::main]
async fn main() -> ExitCode {
    init_logger();
    let port = command_line::parse(USAGE, DEFAULT_PORT, |port, arg, args| {
        match arg {
            "--port" => *port = args.value(arg, "a port number")?,
            _ => return Err(unknown(arg)),
        }
        Ok(())
    });
    match run(port).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            errln!("loopy: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Ticks and serves until Ctrl-C or SIGTERM, or until accepting fails for
/// good (an error).
async fn run(port: u16) -> io::Result<()> {
    // From here on Ctrl-C and SIGTERM are ours to handle, not a kill.
    let shutdown = Shutdown::catch()?;
    let listener = acceptor::listen(port)?;
    info!("Listening on {}", listener.local_addr()?);
    let _ticker = count();
    let clients = Rc::new(TaskGroup::new());
    let acceptor = Acceptor::new(listener, |line| warn!("{line}"));
    let mut server = serve(acceptor, Rc::clone(&clients));
    let stop = shutdown.wait(&mut server).await?;
    if !matches!(stop, Stop::AcceptorEnded(_)) {
        info!("{stop}; stopping");
    }
    // The clients only log what comes, so they need no grace: each is
    // cancelled, and says so, before `Stopped`. Ending `main` drops the
    // ticker and the server with the runtime.
    clients.shutdown(Duration::ZERO).await;
    info!("Stopped");
    stop.into_result()
}

/// Logs `Count: N` once a second.
#[loopy::task(name = "ticker")]
async fn count() {
    let mut ticks = loopy::interval(Duration::from_secs(1));
    for n in 1u64.. {
        ticks.tick().await;
        info!("Count: {n}");
    }
}

/// Accepts connections and logs each in a task of its own, until accepting
/// fails for good.
#[loopy::task(name = "acceptor")]
async fn serve(mut acceptor: Acceptor, clients: Rc<TaskGroup<()>>) -> io::Error {
    loop {
        let (stream, peer) = match acceptor.accept_for(&clients).await {
            Ok(accepted) => accepted,
            Err(err) => return err,
        };
        info!("Accept from {peer}");
        clients.spawn_named("client", log_client(stream, peer));
    }
}

/// Logs what `peer` sends and when it leaves, or when the server closes
/// the connection on its way out.
async fn log_client(stream: TcpStream, peer: SocketAddr) {
    let _closed = Closed(peer);
    if let Err(err) = log_received(&stream, peer).await {
        warn!("Error from {peer}: {err}");
    }
}

/// Logs `Closed PEER` when dropped: when its client task ends, or is
/// cancelled.
struct Closed(SocketAddr);

impl Drop for Closed {
    fn drop(&mut self) {
        info!("Closed {}", self.0);
    }
}

/// Logs every chunk `peer` sends, until it closes its side.
async fn log_received(stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
    let mut buf = [0; 4096];
    loop {
        match stream.recv(&mut buf).await? {
            0 => return Ok(()),
            // Written much as Python prints bytes: b'hi\n'.
            n => info!("Recvd (from {peer}): b'{}'", buf[..n].escape_ascii()),
        }
    }
}

/// Logs to stderr as `HH:MM:SS.mmmZ LEVEL message` (UTC), at level info
/// unless `RUST_LOG` says otherwise.
fn init_logger() {
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Info)
        .parse_default_env()
        .format(|out, record| {
            let since_epoch = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let secs = since_epoch.as_secs() % 86_400;
            writeln!(
                out,
                "{:02}:{:02}:{:02}.{:03}Z {:<5} {}",
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                since_epoch.subsec_millis(),
                record.level(),
                record.args()
            )
        })
        .init();
}
