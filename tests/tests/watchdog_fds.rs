//! The slow-poll watchdog thread keeps none of the program's descriptors.
//!
//! The watchdog leaves the process's descriptor table, so that the loop's
//! syscalls do not pay for a shared one: it takes a private copy and closes
//! everything in it. Both halves are checked here, in a process of their
//! own (this file has one test) so that the watchdog starts only after the
//! listener below exists: the watchdog ends up with none of the program's
//! descriptors, and a socket the program opened before the watchdog started stops
//! listening as soon as the program drops it.

use std::fs;
use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

/// Waits up to ten seconds for `found` to return something.
fn eventually<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        thread::sleep(Duration::from_millis(10));
    }
}

/// `/proc/self/task/<tid>` of the thread named `name`, if there is one.
fn thread_dir(name: &str) -> Option<PathBuf> {
    fs::read_dir("/proc/self/task").ok()?.find_map(|task| {
        let dir = task.ok()?.path();
        let comm = fs::read_to_string(dir.join("comm")).ok()?;
        (comm.trim_end() == name).then_some(dir)
    })
}

#[test]
fn the_watchdog_holds_no_descriptor_and_keeps_no_socket_open() {
    // Opened before any runtime, so the table the watchdog copies has it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();

    // The first runtime with the slow-poll warning on (the default) starts
    // the watchdog.
    loopy::block_on(async {});
    let watchdog = eventually("the watchdog thread", || thread_dir("loopy-slow-poll"));
    let held = || -> Vec<RawFd> {
        fs::read_dir(watchdog.join("fd"))
            .unwrap()
            .filter_map(|fd| fd.ok()?.file_name().to_str()?.parse().ok())
            .collect()
    };
    // Under valgrind its own descriptors stay in the watchdog's table (it
    // refuses to let them be closed); none of the program's may.
    let program = [0, 1, 2, listener.as_raw_fd()];
    eventually("the watchdog to close its copied descriptors", || {
        let held = held();
        (!program.iter().any(|fd| held.contains(fd))).then_some(())
    });

    drop(listener);
    match TcpStream::connect(addr) {
        Err(err) if err.kind() == ErrorKind::ConnectionRefused => {}
        other => panic!("the dropped listener still answers: {other:?}"),
    }
}
