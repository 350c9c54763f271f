//! memory: heap bytes per idle task and per idle accepted connection, read
//! from the counting allocator as the growth of live bytes while they are
//! made.
//!
//! The handles (join handles, streams) go into a vector allocated before the
//! count starts, so what is counted is what the runtime allocates for a task
//! or a connection, not the handle the user holds. The runtime's own tables
//! (run queue, slab, registration pages) are counted where they grow.

use std::cell::Cell;
use std::future;
use std::rc::Rc;

use super::LOCALHOST;
use crate::suite::alloc::Window;
use crate::suite::dialer::Dialer;
use crate::suite::raw;
use crate::suite::runtime::Runtime;

/// Spawns `tasks` tasks that each wait forever, once every one has been
/// polled; returns bytes per task.
pub fn idle_tasks<R: Runtime>(tasks: usize) -> Vec<f64> {
    R::block_on(|rt| async move {
        let parked = Rc::new(Cell::new(0));
        let mut handles = Vec::with_capacity(tasks);
        let window = Window::open();
        for _ in 0..tasks {
            let parked = parked.clone();
            handles.push(rt.spawn(async move {
                parked.set(parked.get() + 1);
                future::pending::<()>().await;
            }));
        }
        while parked.get() < tasks {
            R::yield_now().await;
        }
        let bytes = window.live_bytes();
        drop(window);
        drop(handles);
        vec![bytes as f64 / tasks as f64]
    })
}

/// Accepts `conns` connections and holds them; returns bytes per connection.
pub fn idle_conns<R: Runtime>(conns: usize) -> Vec<f64> {
    R::block_on(|_| async move {
        let (listener, addr) = R::bind(LOCALHOST).await.expect("bind");
        let mut held = Vec::with_capacity(conns);
        let dialer = Dialer::start(addr, conns);
        let window = Window::open();
        while held.len() < conns {
            held.push(R::accept(&listener).await.expect("accept"));
            dialer.accepted(held.len());
        }
        let bytes = window.live_bytes();
        drop(window);
        dialer.finish();
        vec![bytes as f64 / conns as f64]
    })
}

/// The same on the raw loop over poller `P`.
pub fn idle_conns_raw<P: raw::Poller>(conns: usize) -> Vec<f64> {
    let listener = std::net::TcpListener::bind(LOCALHOST).expect("bind");
    let dialer = Dialer::start(listener.local_addr().expect("local_addr"), conns);
    let bytes = raw::hold_idle::<P>(listener, conns, |accepted| dialer.accepted(accepted));
    dialer.finish();
    vec![bytes as f64 / conns as f64]
}
