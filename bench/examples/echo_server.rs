//! A TCP echo server for the "Scaling out" measurement: the same echo on
//! one loopy loop, on N loopy loops sharing the port, on tokio's
//! multi-threaded runtime with one listener, or on N tokio current_thread
//! runtimes sharing the port; `echo_load` drives it from another process.
//!
//! ```text
//! cargo run --release -p loopy-bench --example echo_server -- --runtime loopy --threads 2 --port 9000
//! ```
//!
//! Every design echoes with a 4096-byte buffer and `TCP_NODELAY`, one task
//! per connection. On Ctrl-C (SIGINT) it prints how many connections each
//! loop accepted and exits.

use std::cell::Cell;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Which design serves.
#[derive(Clone, Copy, PartialEq)]
enum Design {
    /// `loopy::cores::run(threads, ..)`, a listener per loop.
    Loopy,
    /// tokio `multi_thread` with `threads` workers and one listener.
    TokioMulti,
    /// `threads` tokio `current_thread` runtimes, a listener each.
    TokioCurrent,
}

/// Command-line settings.
#[derive(Clone, Copy)]
struct Options {
    design: Design,
    threads: usize,
    port: u16,
}

fn main() {
    let options = parse();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let accepted = match options.design {
        Design::Loopy => loopy_loops(addr, options.threads),
        Design::TokioMulti => vec![tokio_multi(addr, options.threads)],
        Design::TokioCurrent => tokio_current(addr, options.threads),
    };
    for (index, count) in accepted.iter().enumerate() {
        println!("loop {index}: accepted {count}");
    }
}

/// One loopy loop per thread, each with its own listener (shared with
/// `SO_REUSEPORT` when there are several), until Ctrl-C.
fn loopy_loops(addr: SocketAddr, threads: usize) -> Vec<usize> {
    loopy::cores::run(threads, move |index| async move {
        let interrupted = loopy::signal::ctrl_c();
        let listener = if threads == 1 {
            loopy::net::TcpListener::bind(addr).expect("bind")
        } else {
            loopy::net::TcpListener::bind_reuse_port(addr).expect("bind")
        };
        println!("loop {index} listening on {addr}");
        let accepted = Rc::new(Cell::new(0));
        let server = loopy::spawn({
            let accepted = Rc::clone(&accepted);
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    accepted.set(accepted.get() + 1);
                    stream.set_nodelay(true).expect("nodelay");
                    loopy::spawn(async move {
                        let mut buf = [0; 4096];
                        while let Ok(n @ 1..) = stream.recv(&mut buf).await {
                            if stream.send_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    });
                }
            }
        });
        interrupted.await.expect("ctrl_c");
        server.cancel();
        accepted.get()
    })
}

/// tokio's multi-threaded runtime, `workers` workers, one listener.
fn tokio_multi(addr: SocketAddr, workers: usize) -> usize {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_io()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        println!("tokio multi_thread({workers}) listening on {addr}");
        tokio_serve(listener).await
    })
}

/// `threads` tokio current_thread runtimes, each on its own thread with
/// its own `SO_REUSEPORT` listener.
fn tokio_current(addr: SocketAddr, threads: usize) -> Vec<usize> {
    let threads: Vec<_> = (0..threads)
        .map(|index| {
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build()
                    .expect("runtime");
                runtime.block_on(async move {
                    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
                    socket.set_reuseport(true).expect("SO_REUSEPORT");
                    socket.bind(addr).expect("bind");
                    let listener = socket.listen(1024).expect("listen");
                    println!("tokio current_thread {index} listening on {addr}");
                    tokio_serve(listener).await
                })
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|thread| thread.join().expect("a tokio thread panicked"))
        .collect()
}

/// Echoes every connection of `listener` in a task of its own until
/// Ctrl-C; how many connections it accepted.
async fn tokio_serve(listener: tokio::net::TcpListener) -> usize {
    let accepted = Arc::new(AtomicUsize::new(0));
    let server = tokio::spawn({
        let accepted = Arc::clone(&accepted);
        async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::Relaxed);
                stream.set_nodelay(true).expect("nodelay");
                tokio::spawn(async move {
                    let mut buf = [0; 4096];
                    while let Ok(n @ 1..) = stream.read(&mut buf).await {
                        if stream.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
            }
        }
    });
    tokio::signal::ctrl_c().await.expect("ctrl_c");
    server.abort();
    accepted.load(Ordering::Relaxed)
}

/// Reads `--runtime loopy|tokio-multi|tokio-current`, `--threads N`,
/// `--port N`.
fn parse() -> Options {
    let mut options = Options {
        design: Design::Loopy,
        threads: 1,
        port: 9000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--runtime" => {
                options.design = match value.as_str() {
                    "loopy" => Design::Loopy,
                    "tokio-multi" => Design::TokioMulti,
                    "tokio-current" => Design::TokioCurrent,
                    _ => usage(&format!("unknown runtime {value:?}")),
                }
            }
            "--threads" => {
                options.threads = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| usage("--threads needs a number above 0"));
            }
            "--port" => {
                options.port = value
                    .parse()
                    .ok()
                    .filter(|&port| port > 0)
                    .unwrap_or_else(|| usage("--port needs a port number above 0"));
            }
            _ => usage(&format!("unknown argument {arg:?}")),
        }
    }
    options
}

/// Prints `problem` and the usage, and exits with status 2.
fn usage(problem: &str) -> ! {
    eprintln!("echo_server: {problem}");
    eprintln!(
        "usage: echo_server [--runtime loopy|tokio-multi|tokio-current] [--threads N] [--port N]"
    );
    std::process::exit(2)
}
