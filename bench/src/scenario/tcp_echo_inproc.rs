//! tcp_echo_inproc: an echo server and its clients, all in the same loop.
//! What a round trip costs when the loop is the only thing running: the
//! syscalls plus the runtime's work around them.

use std::net::SocketAddr;
use std::time::Instant;

use super::echo::{self, BUF_LEN, MESSAGE_LEN};
use super::LOCALHOST;
use crate::suite::raw;
use crate::suite::runtime::Runtime;
use crate::suite::sizes::Echo;

/// Runs the server and `size.conns` clients, each doing `size.rounds` round
/// trips; returns k round trips/s.
pub fn run<R: Runtime>(size: Echo) -> Vec<f64> {
    R::block_on(|rt| async move {
        let start = Instant::now();
        let (listener, addr) = R::bind(LOCALHOST).await.expect("bind");
        let server = rt.spawn(echo::serve(rt.clone(), listener, size.conns));
        let clients: Vec<_> = (0..size.conns)
            .map(|conn| rt.spawn(client::<R>(addr, conn, size.rounds)))
            .collect();
        for client in clients {
            client.await;
        }
        let echoed = server.await;
        finish(size, echoed, start)
    })
}

/// The same on the raw loop over poller `P`.
pub fn run_raw<P: raw::Poller>(size: Echo) -> Vec<f64> {
    let start = Instant::now();
    let echoed = raw::echo_inproc::<P>(size);
    finish(size, echoed, start)
}

/// Checks the server echoed every byte; the throughput since `start`.
fn finish(size: Echo, echoed: u64, start: Instant) -> Vec<f64> {
    let elapsed = start.elapsed();
    let expected = (size.round_trips() * MESSAGE_LEN) as u64;
    assert_eq!(
        echoed, expected,
        "tcp_echo_inproc: server echoed the wrong byte count"
    );
    vec![size.round_trips() as f64 / elapsed.as_secs_f64() / 1e3]
}

/// Connects and does `rounds` round trips, checking every echoed byte.
async fn client<R: Runtime>(addr: SocketAddr, conn: usize, rounds: usize) {
    let mut stream = R::connect(addr).await.expect("connect");
    R::set_nodelay(&stream).expect("set_nodelay");
    let mut buf = [0; BUF_LEN];
    for round in 0..rounds {
        let message = echo::message(conn, round);
        echo::send_all::<R>(&mut stream, &message)
            .await
            .expect("send");
        let mut got = 0;
        while got < MESSAGE_LEN {
            match R::recv(&mut stream, &mut buf[got..]).await.expect("recv") {
                0 => panic!("tcp_echo_inproc: the server closed early"),
                read => got += read,
            }
        }
        assert_eq!(buf[..got], message, "tcp_echo_inproc: echo differs");
    }
}
