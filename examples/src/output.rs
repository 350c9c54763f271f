//! What the examples print, and what happens when nobody reads it.
//!
//! `println!` panics when stdout is closed: after `cargo run --example
//! demos | head -1` the reader is gone and every write fails with `EPIPE`
//! (Rust ignores `SIGPIPE`, so the write reports it instead of the signal
//! killing the process). A panic in a task ends only that task, so a server
//! whose acceptor printed would live on, deaf. The examples therefore print
//! their output with [`outln!`](crate::outln), which ends the whole program
//! with one line on stderr and status 1 when stdout is closed, and their
//! greetings, heartbeats and complaints with [`errln!`](crate::errln),
//! which, like any log, goes on silently when stderr is closed: there is
//! nowhere left to complain to.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process;
use std::sync::OnceLock;

/// Prints a line to stdout like `println!`; if stdout is closed (or fails
/// otherwise), ends the program with a line on stderr that says so, and
/// status 1.
///
/// # Examples
///
/// ```
/// loopy_examples::outln!("fib({}) = {}", 10, 55);
/// ```
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::stdout_line(::std::format_args!($($arg)*))
    };
}

/// Prints a line to stderr like `eprintln!`, and carries on if it cannot.
///
/// # Examples
///
/// ```
/// loopy_examples::errln!("heartbeat {}: the loop is alive", 1);
/// ```
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::stderr_line(::std::format_args!($($arg)*))
    };
}

/// What [`outln!`](crate::outln) does: writes `line` and a newline to
/// stdout, or ends the program.
///
/// # Examples
///
/// ```
/// loopy_examples::output::stdout_line(format_args!("{} connected", "127.0.0.1:40000"));
/// ```
pub fn stdout_line(line: fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    // Flushed at once, so the line leaves (or fails) here and now.
    if let Err(err) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        stderr_line(format_args!(
            "{}: cannot write to stdout: {err}; stopping",
            program()
        ));
        process::exit(1);
    }
}

/// What [`errln!`](crate::errln) does: writes `line` and a newline to
/// stderr, if it can.
///
/// # Examples
///
/// ```
/// loopy_examples::output::stderr_line(format_args!("Listening on {}", "127.0.0.1:8000"));
/// ```
pub fn stderr_line(line: fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// The name the program was started as, without its directory, which the
/// examples put before their complaints: `hello_server: ...`.
///
/// # Examples
///
/// ```
/// let name = loopy_examples::output::program();
/// assert!(!name.is_empty() && !name.contains('/'));
/// ```
pub fn program() -> &'static str {
    static PROGRAM: OnceLock<String> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        std::env::args_os()
            .next()
            .as_deref()
            .and_then(|path| Path::new(path).file_name())
            .map_or_else(
                || "example".to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
    })
}
