//! `--threads` fails like the rest of the command line: more loops than
//! 4 per CPU is a usage error (status 2, with the reason), and a server
//! whose loops cannot start (out of file descriptors) prints one line and
//! exits with status 1: no panic per loop, no abort.

mod support;

use support::{free_port, limit_descriptors, Example, Stream};

#[test]
fn more_than_four_loops_per_cpu_is_a_usage_error() {
    let cpus = std::thread::available_parallelism().unwrap().get();
    let too_many = (cpus * 4 + 1).to_string();
    let mut server = Example::start("hello_server", &["--threads", &too_many]);
    assert_eq!(server.exit_status().code(), Some(2));
    let lines = server.all_lines();
    assert_eq!(
        lines[0].text,
        format!(
            "hello_server: --threads: {too_many} is more than 4 loops per CPU \
             (this machine has {cpus} CPUs); use at most {}",
            cpus * 4
        )
    );
    assert_eq!(
        lines[1].text,
        "usage: hello_server [--port N] [--idle-timeout SECS] [--threads N]"
    );
}

#[test]
fn loops_that_cannot_start_print_one_line_and_exit_1() {
    let cpus = std::thread::available_parallelism().unwrap().get();
    let loops = cpus * 4;
    let threads = loops.to_string();
    let port = free_port().to_string();
    // Each loop needs about five descriptors (its poller, its waker, two
    // signals, its listener): these limits run out at different steps.
    for limit in [2 * loops, 3 * loops, 4 * loops + 4] {
        let limit = limit as u64;
        let mut command = Example::command("hello_server");
        command.args(["--port", &port, "--threads", &threads]);
        limit_descriptors(&mut command, limit);
        let mut server = Example::spawn(command, "hello_server");
        let status = server.exit_status();
        let lines = server.all_lines();
        let errors: Vec<&str> = lines
            .iter()
            .filter(|line| line.stream == Stream::Stderr)
            .map(|line| line.text.as_str())
            .collect();
        assert_eq!(status.code(), Some(1), "ulimit -n {limit}: {lines:?}");
        assert_eq!(errors.len(), 1, "ulimit -n {limit}: {lines:?}");
        assert!(
            errors[0].starts_with("hello_server: ")
                && errors[0].ends_with("Too many open files (os error 24)"),
            "ulimit -n {limit}: {lines:?}"
        );
    }
}
