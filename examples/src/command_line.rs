//! The examples' command lines: each example lists its options in a usage
//! text and reads them with [`parse`], so that all of them answer the same
//! way: `--help` (or `-h`) prints the usage on stdout and exits with status
//! 0; a mistake prints what was wrong and the usage on stderr and exits
//! with status 2, as `clap` and most Unix tools do.

use std::process;
use std::str::FromStr;

use crate::output::program;
use crate::{errln, outln};

/// The arguments still to come, for an example's reader to take its
/// options' values from.
#[derive(Debug)]
pub struct Arguments {
    /// The program's arguments, without its name, from the current one on.
    rest: std::env::Args,
}

impl Arguments {
    /// Takes the next argument as the value of `option`, parsed; `what`
    /// says what it must be, for the message if it is missing or is not.
    ///
    /// # Errors
    ///
    /// `--port needs a port number` if there is no next argument,
    /// `--port: "x" is not a port number` if it does not parse.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use loopy_examples::command_line::{parse, unknown};
    ///
    /// let port = parse("usage: server [--port N]", 8000u16, |port, arg, args| {
    ///     match arg {
    ///         "--port" => *port = args.value("--port", "a port number")?,
    ///         _ => return Err(unknown(arg)),
    ///     }
    ///     Ok(())
    /// });
    /// ```
    pub fn value<T: FromStr>(&mut self, option: &str, what: &str) -> Result<T, String> {
        let value = self
            .rest
            .next()
            .ok_or_else(|| format!("{option} needs {what}"))?;
        value
            .parse()
            .map_err(|_| format!("{option}: {value:?} is not {what}"))
    }

    /// Takes the next argument as the number of loops `option` (that is,
    /// `--threads`) asks for: at least one, and at most
    /// [`LOOPS_PER_CPU`] per CPU this process may use.
    ///
    /// # Errors
    ///
    /// As [`value`](Arguments::value), for 0, and for more than the bound.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use loopy_examples::command_line::{parse, unknown};
    ///
    /// let threads = parse("usage: server [--threads N]", 1, |threads, arg, args| {
    ///     match arg {
    ///         "--threads" => *threads = args.threads("--threads")?,
    ///         _ => return Err(unknown(arg)),
    ///     }
    ///     Ok(())
    /// });
    /// ```
    pub fn threads(&mut self, option: &str) -> Result<usize, String> {
        let threads = self.value(option, "a number of threads")?;
        check_threads(option, threads, available_cpus())
    }
}

/// How many loops per CPU `--threads` accepts. A loop per CPU is the most
/// that can run at once; a few more can still help when some wait on
/// blocking calls; thousands only cost memory and descriptors, and starve
/// each other (every one would look stuck to the slow-poll watchdog).
pub const LOOPS_PER_CPU: usize = 4;

/// The CPUs this process may use (1 if that cannot be known).
fn available_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |cpus| cpus.get())
}

/// `threads` if `option` may ask for that many loops on `cpus` CPUs.
///
/// # Errors
///
/// For 0, and for more than [`LOOPS_PER_CPU`] per CPU, saying why.
///
/// # Examples
///
/// ```
/// use loopy_examples::command_line::check_threads;
///
/// assert_eq!(check_threads("--threads", 8, 2), Ok(8));
/// let refused = check_threads("--threads", 9, 2).unwrap_err();
/// assert_eq!(
///     refused,
///     "--threads: 9 is more than 4 loops per CPU (this machine has 2 CPUs); use at most 8"
/// );
/// assert!(check_threads("--threads", 0, 2).is_err());
/// ```
pub fn check_threads(option: &str, threads: usize, cpus: usize) -> Result<usize, String> {
    let most = cpus * LOOPS_PER_CPU;
    match threads {
        0 => Err(format!("{option}: 0 threads would serve nobody")),
        threads if threads > most => Err(format!(
            "{option}: {threads} is more than {LOOPS_PER_CPU} loops per CPU \
             (this machine has {cpus} CPUs); use at most {most}"
        )),
        threads => Ok(threads),
    }
}

/// Refuses `--port 0` with more than one thread: each loop would bind a
/// free port of its own instead of sharing one.
///
/// # Errors
///
/// The message for the user, in that case.
///
/// # Examples
///
/// ```
/// use loopy_examples::command_line::shared_port;
///
/// assert!(shared_port(8000, 2).is_ok());
/// assert!(shared_port(0, 1).is_ok());
/// assert!(shared_port(0, 2).is_err());
/// ```
pub fn shared_port(port: u16, threads: usize) -> Result<(), String> {
    if port == 0 && threads > 1 {
        return Err("--port 0 cannot be shared by --threads; choose a port".into());
    }
    Ok(())
}

/// Reads the program's arguments into `options`, which start as the
/// defaults, and returns them.
///
/// `read` gets each argument but `--help` and `-h`, with the ones after it,
/// and sets what it means in `options`; it answers an argument it does not
/// know with `Err(unknown(arg))`.
///
/// `--help` prints `usage` on stdout and ends the program with status 0;
/// an error from `read` prints `PROGRAM: error` and `usage` on stderr and
/// ends it with status 2.
///
/// # Examples
///
/// ```no_run
/// use loopy_examples::command_line::{parse, unknown};
///
/// let naive = parse("usage: fib [--naive]", false, |naive, arg, _| {
///     match arg {
///         "--naive" => *naive = true,
///         _ => return Err(unknown(arg)),
///     }
///     Ok(())
/// });
/// ```
pub fn parse<T>(
    usage: &str,
    mut options: T,
    mut read: impl FnMut(&mut T, &str, &mut Arguments) -> Result<(), String>,
) -> T {
    let mut args = Arguments {
        rest: std::env::args(),
    };
    // The program's own name.
    args.rest.next();
    while let Some(arg) = args.rest.next() {
        if arg == "--help" || arg == "-h" {
            outln!("{usage}");
            process::exit(0);
        }
        if let Err(message) = read(&mut options, &arg, &mut args) {
            errln!("{}: {message}", program());
            errln!("{usage}");
            process::exit(2);
        }
    }
    options
}

/// Reads the command line of a program that takes no options: answers
/// `--help` with `usage` (status 0) and any other argument with what was
/// wrong and `usage` (status 2), as [`parse`] does.
///
/// # Examples
///
/// ```no_run
/// loopy_examples::command_line::no_options("usage: demos");
/// ```
pub fn no_options(usage: &str) {
    parse(usage, (), |(), arg, _| Err(unknown(arg)));
}

/// The message for an argument nobody knows: `unknown argument "--prot"`.
///
/// # Examples
///
/// ```
/// assert_eq!(
///     loopy_examples::command_line::unknown("--prot"),
///     r#"unknown argument "--prot""#
/// );
/// ```
pub fn unknown(arg: &str) -> String {
    format!("unknown argument {arg:?}")
}
