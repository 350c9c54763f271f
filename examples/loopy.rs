//! The ticker server: a count every second and a TCP server that logs what
//! it receives, in one loop.
//!
//! Descends from the program that gave loopy its name: a Python loop that
//! printed `Count: N` every second while a socket server on port 1234
//! printed every connection and every chunk it received, to show that
//! timers and sockets share one loop. Here everything goes through the
//! `log` facade with a timestamp, a client that resets its connection is
//! logged and forgotten, and Ctrl-C ends the program with status 0.
//!
//! Try it, and connect from other terminals:
//!
//! ```text
//! cargo run --example loopy -- --port 1234
//! nc 127.0.0.1 1234
//! ```
//!
//! `RUST_LOG=warn` hides the ticks and the traffic.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use log::{error, info, warn};
use loopy::net::{TcpListener, TcpStream};

/// The port the Python original listened on.
const DEFAULT_PORT: u16 = 1234;

#[loopy::main]
async fn main() -> ExitCode {
    init_logger();
    let outcome = match port_from_args() {
        Ok(port) => run(port).await.map_err(|err| err.to_string()),
        Err(message) => Err(format!("{message}; usage: loopy [--port N]")),
    };
    if let Err(message) = outcome {
        error!("{message}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn run(port: u16) -> io::Result<()> {
    // From here on Ctrl-C is ours to handle, not a kill.
    let interrupted = loopy::signal::ctrl_c();
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    info!("Listening on {}", listener.local_addr()?);
    let _ticker = loopy::spawn(count());
    let server = loopy::spawn(serve(listener));
    interrupted.await?;
    info!("Ctrl-C: stopping");
    // Ending `main` drops the ticker and the clients' tasks with the
    // runtime; the server's error, if it had one, is worth a line.
    server.cancel();
    if let Ok(Err(err)) = server.await {
        error!("The server had stopped: {err}");
    }
    Ok(())
}

/// Logs `Count: N` once a second.
async fn count() {
    let mut ticks = loopy::interval(Duration::from_secs(1));
    for n in 1u64.. {
        ticks.tick().await;
        info!("Count: {n}");
    }
}

/// Accepts connections and logs each in a task of its own.
async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        info!("Accept from {peer}");
        loopy::spawn(async move {
            if let Err(err) = log_received(&stream, peer).await {
                warn!("Error from {peer}: {err}");
            }
            info!("Closed {peer}");
        });
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

/// Reads `--port N`, the only argument.
fn port_from_args() -> Result<u16, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(DEFAULT_PORT),
        [flag, port] if flag == "--port" => port
            .parse()
            .map_err(|_| format!("--port: {port:?} is not a port number")),
        _ => Err(format!("unexpected arguments {args:?}")),
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
