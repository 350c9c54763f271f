//! A misuse panics at the caller's line, not inside loopy: every public
//! entry point that can panic for "outside a runtime" (or a nested
//! `block_on`, or `advance` on a clock that is not paused) carries
//! `#[track_caller]`. One test, since it swaps the process's panic hook.

use std::os::unix::net::UnixStream;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs `misuse`, which must panic, and returns the file and line the
/// panic hook saw.
fn where_it_panicked(misuse: impl FnOnce()) -> (String, u32) {
    let seen = Arc::new(Mutex::new(None));
    let previous = panic::take_hook();
    panic::set_hook({
        let seen = Arc::clone(&seen);
        Box::new(move |info| {
            let location = info.location().expect("panics have a location");
            *seen.lock().unwrap() = Some((location.file().to_owned(), location.line()));
        })
    });
    let result = panic::catch_unwind(AssertUnwindSafe(misuse));
    panic::set_hook(previous);
    assert!(result.is_err(), "the misuse must panic");
    let seen = seen.lock().unwrap().take();
    seen.expect("the hook saw the panic")
}

/// A misuse and the line it is on.
macro_rules! case {
    ($misuse:expr) => {
        (
            line!(),
            Box::new(|| {
                let _misused = $misuse;
            }) as Box<dyn FnOnce()>,
        )
    };
}

#[test]
fn misuse_panics_point_at_the_callers_line() {
    let cases = [
        case!(loopy::spawn(async {})),
        case!(loopy::task::Builder::new().spawn(async {})),
        case!(loopy::task::id()),
        case!(loopy::task::list()),
        case!(loopy::spawn_blocking(|| ())),
        case!(loopy::io::Async::new(UnixStream::pair().unwrap().0)),
        case!(loopy::time::advance(Duration::from_secs(1))),
        case!(loopy::block_on(async { loopy::block_on(async {}) })),
        case!(loopy::net::TcpListener::bind("127.0.0.1:0")),
        case!(loopy::net::UdpSocket::bind("127.0.0.1:0")),
        case!(loopy::net::UnixStream::pair()),
    ];
    for (line, misuse) in cases {
        let (file, at) = where_it_panicked(misuse);
        assert_eq!(
            (file.as_str(), at),
            (file!(), line),
            "the case on line {line}"
        );
    }
}
