//! The load for the "Scaling out" measurement: drives `echo_server` (or any
//! echo server) from another process, and reads the server's own CPU time
//! and context switches from `/proc` around each timed run.
//!
//! ```text
//! cargo run --release -p loopy-bench --example echo_load -- --port 9000 --pid PID
//! ```
//!
//! Each repetition opens `--connections` new connections (64) on
//! `--clients` threads (1), each thread going round-robin over its share as
//! `tcp_echo_external` does: one 64-byte message to every connection, then
//! every echo back, so up to 64 requests are in flight. One untimed round
//! first, then `--rounds` timed rounds (2000). After `--reps` repetitions
//! (5) it prints the medians as a markdown table row: round trips/s, p99
//! latency, server CPU-seconds per 100k round trips, round trips per server
//! CPU-second, and server context switches per 100k round trips.

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// Bytes per message.
const MESSAGE_LEN: usize = 64;

/// Command-line settings.
#[derive(Clone, Copy)]
struct Options {
    port: u16,
    pid: u32,
    connections: usize,
    clients: usize,
    rounds: usize,
    reps: usize,
}

/// What `/proc` says the server has used so far, over all its threads.
#[derive(Clone, Copy)]
struct Usage {
    /// Time on a CPU, user and kernel (from each thread's `schedstat`).
    cpu: Duration,
    /// Voluntary and involuntary context switches.
    switches: u64,
}

/// One repetition's numbers.
struct Run {
    round_trips_per_sec: f64,
    p99_us: f64,
    cpu_secs_per_100k: f64,
    round_trips_per_cpu_sec: f64,
    switches_per_100k: f64,
}

fn main() {
    let options = parse();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let runs: Vec<Run> = (0..options.reps).map(|_| measure(addr, options)).collect();
    let median = |value: fn(&Run) -> f64| {
        let mut values: Vec<f64> = runs.iter().map(value).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    println!(
        "| {:.1} | {:.0} | {:.3} | {:.0} | {:.0} |",
        median(|run| run.round_trips_per_sec) / 1e3,
        median(|run| run.p99_us),
        median(|run| run.cpu_secs_per_100k),
        median(|run| run.round_trips_per_cpu_sec) / 1e3,
        median(|run| run.switches_per_100k),
    );
}

/// One repetition: connect, warm up, then the timed rounds between two
/// readings of the server's usage.
fn measure(addr: SocketAddr, options: Options) -> Run {
    let per_client = options.connections / options.clients;
    let ready = std::sync::Barrier::new(options.clients + 1);
    let (before, after, elapsed, mut latencies) = thread::scope(|scope| {
        let clients: Vec<_> = (0..options.clients)
            .map(|_| {
                let ready = &ready;
                scope.spawn(move || {
                    let mut streams: Vec<TcpStream> = (0..per_client)
                        .map(|_| {
                            let stream = TcpStream::connect(addr).expect("connect");
                            stream.set_nodelay(true).expect("nodelay");
                            stream
                        })
                        .collect();
                    let mut latencies = Vec::new();
                    round(&mut streams, &mut Vec::new());
                    // Timed from here, for every client thread at once.
                    ready.wait();
                    for _ in 0..options.rounds {
                        round(&mut streams, &mut latencies);
                    }
                    latencies
                })
            })
            .collect();
        ready.wait();
        let before = server_usage(options.pid);
        let start = Instant::now();
        let latencies: Vec<u64> = clients
            .into_iter()
            .flat_map(|client| client.join().expect("a client thread panicked"))
            .collect();
        (
            before,
            server_usage(options.pid),
            start.elapsed(),
            latencies,
        )
    });
    latencies.sort_unstable();
    let round_trips = latencies.len() as f64;
    let cpu = (after.cpu - before.cpu).as_secs_f64();
    let switches = (after.switches - before.switches) as f64;
    Run {
        round_trips_per_sec: round_trips / elapsed.as_secs_f64(),
        p99_us: latencies[latencies.len() * 99 / 100] as f64 / 1e3,
        cpu_secs_per_100k: cpu / round_trips * 1e5,
        round_trips_per_cpu_sec: round_trips / cpu,
        switches_per_100k: switches / round_trips * 1e5,
    }
}

/// One round: a message to every connection, then every echo back, each
/// checked; one latency (ns) per connection.
fn round(streams: &mut [TcpStream], latencies: &mut Vec<u64>) {
    let message = [7u8; MESSAGE_LEN];
    let mut sent_at = Vec::with_capacity(streams.len());
    for stream in streams.iter_mut() {
        sent_at.push(Instant::now());
        stream.write_all(&message).expect("write");
    }
    let mut echo = [0; MESSAGE_LEN];
    for (stream, sent_at) in streams.iter_mut().zip(sent_at) {
        stream.read_exact(&mut echo).expect("read");
        latencies.push(sent_at.elapsed().as_nanos() as u64);
        assert_eq!(echo, message, "the echo differs");
    }
}

/// The server's CPU time and context switches so far, summed over its
/// threads.
fn server_usage(pid: u32) -> Usage {
    let mut total = Usage {
        cpu: Duration::ZERO,
        switches: 0,
    };
    let tasks = fs::read_dir(format!("/proc/{pid}/task")).expect("the server's /proc entry");
    for task in tasks {
        let task = task.expect("a /proc task").path();
        // A thread may exit between the listing and the reads.
        let (Ok(schedstat), Ok(status)) = (
            fs::read_to_string(task.join("schedstat")),
            fs::read_to_string(task.join("status")),
        ) else {
            continue;
        };
        let on_cpu: u64 = schedstat
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse().ok())
            .expect("schedstat");
        total.cpu += Duration::from_nanos(on_cpu);
        total.switches += status
            .lines()
            .filter(|line| line.contains("ctxt_switches:"))
            .map(|line| {
                line.split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse::<u64>().ok())
                    .expect("status")
            })
            .sum::<u64>();
    }
    total
}

/// Reads the options; see the module documentation.
fn parse() -> Options {
    let mut options = Options {
        port: 9000,
        pid: 0,
        connections: 64,
        clients: 1,
        rounds: 2000,
        reps: 5,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value: u64 = args
            .next()
            .and_then(|value| value.parse().ok())
            .filter(|&value| value > 0)
            .unwrap_or_else(|| usage(&format!("{arg} needs a number above 0")));
        match arg.as_str() {
            "--port" => {
                options.port = value
                    .try_into()
                    .unwrap_or_else(|_| usage("--port: too big"))
            }
            "--pid" => options.pid = value.try_into().unwrap_or_else(|_| usage("--pid: too big")),
            "--connections" => options.connections = value as usize,
            "--clients" => options.clients = value as usize,
            "--rounds" => options.rounds = value as usize,
            "--reps" => options.reps = value as usize,
            _ => usage(&format!("unknown argument {arg:?}")),
        }
    }
    if options.pid == 0 {
        usage("--pid (the server's process id) is required");
    }
    if options.connections % options.clients != 0 {
        usage("--connections must be a multiple of --clients");
    }
    options
}

/// Prints `problem` and the usage, and exits with status 2.
fn usage(problem: &str) -> ! {
    eprintln!("echo_load: {problem}");
    eprintln!(
        "usage: echo_load --pid PID [--port N] [--connections N] [--clients N] [--rounds N] [--reps N]"
    );
    std::process::exit(2)
}
