//! How a server starts its loops, the same way in every example: its port
//! bound once in `main` ([`ServerPort`]), then one loop per `--threads`,
//! each catching the signals and taking its listener before it serves.
//!
//! Whatever keeps the server from starting (the port is taken, a loop
//! cannot be built or set up for want of descriptors) is one line on
//! stderr and status 1, however many loops there are; an error a loop
//! meets later, while serving, is told once all the loops have stopped.

use std::future::Future;
use std::io;
use std::process::ExitCode;
use std::sync::Arc;

use loopy::net::TcpListener;

use crate::acceptor::ServerPort;
use crate::shutdown::{self, Shutdown};

/// Runs `serve` on `threads` loops sharing 127.0.0.1:`port`, and returns
/// the process's exit status: each loop's `serve` gets the loop's
/// [`Shutdown`] and its listener with the words that name the loop.
/// `program` names the server in its error lines.
///
/// # Examples
///
/// ```no_run
/// use loopy_examples::server_loops::run_loops;
///
/// let status = run_loops("server", 8000, 2, |shutdown, (listener, which_loop)| async move {
///     println!("{which_loop}on {}", listener.local_addr()?);
///     shutdown.wait(&mut loopy::spawn(std::future::pending())).await?;
///     Ok(())
/// });
/// ```
pub fn run_loops<F, Fut>(program: &'static str, port: u16, threads: usize, serve: F) -> ExitCode
where
    F: Fn(Shutdown, (TcpListener, String)) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = io::Result<()>> + 'static,
{
    // Bound once, here: a taken port is one error, not one per loop.
    let port = match ServerPort::claim(port, threads) {
        Ok(port) => Arc::new(port),
        Err(err) => return shutdown::exit_status(program, vec![Err(err)]),
    };
    let serve = Arc::new(serve);
    // One loop per thread; each serves the connections the kernel gives it.
    let loops = loopy::cores::try_run(threads, move |_| {
        let (port, serve) = (Arc::clone(&port), Arc::clone(&serve));
        async move {
            // A loop that cannot set up (out of descriptors, say) stops
            // every loop: one error, status 1. From here on Ctrl-C and
            // SIGTERM are ours to handle, not a kill.
            let shutdown = Shutdown::catch()?;
            let listening = port.listen_on_loop()?;
            // A failure later on is the loop's result, told once all the
            // loops have stopped.
            io::Result::Ok(serve(shutdown, listening).await)
        }
    });
    match loops {
        Ok(results) => shutdown::exit_status(program, results),
        Err(err) => shutdown::exit_status(program, vec![Err(err)]),
    }
}
