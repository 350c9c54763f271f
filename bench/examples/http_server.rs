//! The HTTP benchmark's server: hyper 1.x's HTTP/1.1 server with
//! keep-alive answering every request with `Hello, World!`, on the runtime
//! chosen with `--runtime`; `bench/http.sh` drives it with `wrk`.
//!
//! ```text
//! cargo run --release -p loopy-bench --features hyper --example http_server -- --runtime loopy --port 8080
//! ```
//!
//! - `loopy`: `loopy::block_on`, `loopy::spawn` per connection, hyper
//!   through `loopy::hyper::{Io, Timer}`;
//! - `tokio`: a current_thread runtime, `tokio::spawn` per connection,
//!   hyper through hyper-util's `TokioIo` and `TokioTimer`;
//! - `tokio-local`: the same runtime inside a `LocalSet`, `spawn_local`.
//!
//! Like with like: one handler, one `http1::Builder` setup (keep-alive,
//! the runtime's own timer so hyper's default 30 s header read timeout is
//! armed on every side), `TCP_NODELAY` on every connection, a listener on
//! 127.0.0.1 bound before the runtime starts. `--port 0` takes a free port;
//! the server prints `listening on ADDR` once it can be reached. SIGTERM or
//! SIGINT stops it: the listener is dropped, and the connections with the
//! runtime, and it exits with status 0.

use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::io::{self, Write as _};
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::pin;
use std::process::ExitCode;
use std::task::{Context, Poll};

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};

/// The body of every response.
const HELLO: &str = "Hello, World!";

/// What `--help` and a bad argument print.
const USAGE: &str = "usage: http_server [--runtime loopy|tokio|tokio-local] [--port N]";

/// Which runtime serves.
#[derive(Clone, Copy)]
enum Runtime {
    /// loopy's loop, `loopy::spawn`.
    Loopy,
    /// tokio current_thread, `tokio::spawn`.
    Tokio,
    /// tokio current_thread in a `LocalSet`, `spawn_local`.
    TokioLocal,
}

fn main() -> ExitCode {
    let (runtime, port) = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("http_server: {err}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    match serve(runtime, port) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("http_server: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Binds 127.0.0.1:`port`, says where, and serves on `runtime` until
/// SIGTERM or SIGINT.
fn serve(runtime: Runtime, port: u16) -> io::Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|err| io::Error::new(err.kind(), format!("binding {addr}: {err}")))?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    match runtime {
        Runtime::Loopy => loopy::block_on(serve_loopy(listener, local))?,
        Runtime::Tokio => tokio_runtime()?.block_on(serve_tokio(listener, local, false))?,
        Runtime::TokioLocal => {
            let local_set = tokio::task::LocalSet::new();
            tokio_runtime()?.block_on(local_set.run_until(serve_tokio(listener, local, true)))?;
        }
    }
    Ok(())
}

/// The one handler every runtime serves.
async fn hello(_: Request<Incoming>) -> Result<Response<String>, Infallible> {
    Ok(Response::new(HELLO.to_owned()))
}

/// The one HTTP/1.1 setup every runtime serves with, given the runtime's
/// own timer.
fn http1_builder(timer: impl hyper::rt::Timer + Send + Sync + 'static) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder.timer(timer).keep_alive(true);
    builder
}

/// Prints the address the load generator should use; the line is flushed
/// so a parent reading a pipe sees it at once.
fn announce(addr: SocketAddr) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "listening on {addr}")?;
    stdout.flush()
}

/// Runs `server` until either of two signals is received (or its
/// listening ends), given how to poll one of them; then drops `server`.
///
/// # Errors
///
/// The error that ended `server` (accepting failed).
async fn until_signal<S>(
    server: impl Future<Output = io::Result<Infallible>>,
    first: &mut S,
    second: &mut S,
    poll_recv: impl Fn(&mut S, &mut Context<'_>) -> Poll<Option<()>>,
) -> io::Result<()> {
    let mut server = pin!(server);
    poll_fn(|cx| {
        if poll_recv(first, cx).is_ready() || poll_recv(second, cx).is_ready() {
            return Poll::Ready(Ok(()));
        }
        server
            .as_mut()
            .poll(cx)
            .map(|ended| ended.map(|never| match never {}))
    })
    .await
}

/// Serves on loopy until SIGTERM or SIGINT.
async fn serve_loopy(listener: std::net::TcpListener, addr: SocketAddr) -> io::Result<()> {
    use loopy::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let listener = loopy::net::TcpListener::from_std(listener)?;
    announce(addr)?;
    let server = async move {
        loop {
            let (stream, _) = listener.accept().await?;
            stream.set_nodelay(true)?;
            loopy::spawn(async move {
                let io = loopy::hyper::Io::new(stream);
                // A client that leaves mid-request ends only its connection.
                let _ = http1_builder(loopy::hyper::Timer::new())
                    .serve_connection(io, service_fn(hello))
                    .await;
            });
        }
    };
    until_signal(server, &mut terminate, &mut interrupt, |s, cx| {
        s.poll_recv(cx)
    })
    .await
}

/// A tokio current_thread runtime with I/O and timers.
fn tokio_runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Serves on tokio until SIGTERM or SIGINT, spawning each connection with
/// `spawn_local` when `local` (inside a `LocalSet`), else `tokio::spawn`.
async fn serve_tokio(
    listener: std::net::TcpListener,
    addr: SocketAddr,
    local: bool,
) -> io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    announce(addr)?;
    let server = async move {
        loop {
            let (stream, _) = listener.accept().await?;
            stream.set_nodelay(true)?;
            let connection = async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                // A client that leaves mid-request ends only its connection.
                let _ = http1_builder(hyper_util::rt::TokioTimer::new())
                    .serve_connection(io, service_fn(hello))
                    .await;
            };
            if local {
                tokio::task::spawn_local(connection);
            } else {
                tokio::spawn(connection);
            }
        }
    };
    until_signal(server, &mut terminate, &mut interrupt, |s, cx| {
        s.poll_recv(cx)
    })
    .await
}

/// Reads `--runtime NAME` (default loopy) and `--port N` (default 8000).
///
/// # Errors
///
/// `InvalidInput` naming the argument that was unknown, missing its value,
/// or had a value that is not one of the choices.
fn parse(mut args: impl Iterator<Item = String>) -> io::Result<(Runtime, u16)> {
    let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
    let (mut runtime, mut port) = (Runtime::Loopy, 8000);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| invalid(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--runtime" => {
                runtime = match value()?.as_str() {
                    "loopy" => Runtime::Loopy,
                    "tokio" => Runtime::Tokio,
                    "tokio-local" => Runtime::TokioLocal,
                    other => return Err(invalid(format!("unknown runtime `{other}`"))),
                }
            }
            "--port" => {
                let text = value()?;
                port = text
                    .parse()
                    .map_err(|_| invalid(format!("--port wants a port number, not `{text}`")))?;
            }
            other => return Err(invalid(format!("unknown argument `{other}`"))),
        }
    }
    Ok((runtime, port))
}
