//! A `SharedPort` belongs to one process: its loops' listeners share it,
//! while any other `SharedPort::bind` (another process's, as far as the
//! kernel can tell: sockets have no owner but their user) fails with
//! `AddrInUse`, as a plain listener's bind would.

use std::io;
use std::net::TcpStream;

use loopy::net::{SharedPort, TcpListener};
use loopy::spawn;

#[test]
fn a_second_shared_port_on_the_same_port_is_refused() {
    let port = SharedPort::bind("127.0.0.1:0").unwrap();
    let err = SharedPort::bind(port.local_addr()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
    // Also once the loops' listeners have joined.
    loopy::block_on(async {
        let _first = port.listener().unwrap();
        let _second = port.listener().unwrap();
        let err = SharedPort::bind(port.local_addr()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
        // A plain listener is refused too, as for any taken port.
        let err = TcpListener::bind(port.local_addr()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
    });
}

#[test]
fn a_port_taken_by_a_plain_listener_is_refused() {
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let err = SharedPort::bind(plain.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");
}

/// Clients: enough that both listeners almost surely get some (the
/// chance that the kernel's hash gives all of them to one is 2 × 2^-32).
const CLIENTS: usize = 32;

#[loopy::test]
async fn the_listeners_of_a_shared_port_share_its_connections() {
    let port = SharedPort::bind("127.0.0.1:0").unwrap();
    let addr = port.local_addr();
    let listeners = [port.listener().unwrap(), port.listener().unwrap()];
    let clients = loopy::spawn_blocking(move || {
        (0..CLIENTS)
            .map(|_| TcpStream::connect(addr).unwrap())
            .collect::<Vec<_>>()
    });
    let accepting: Vec<_> = listeners
        .into_iter()
        .map(|listener| {
            spawn(async move {
                let mut accepted = 0;
                while loopy::timeout(std::time::Duration::from_secs(2), listener.accept())
                    .await
                    .is_ok()
                {
                    accepted += 1;
                }
                accepted
            })
        })
        .collect();
    let _clients = clients.await.unwrap();
    let mut counts = Vec::new();
    for task in accepting {
        counts.push(task.await.unwrap());
    }
    assert_eq!(counts.iter().sum::<usize>(), CLIENTS, "{counts:?}");
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
}
