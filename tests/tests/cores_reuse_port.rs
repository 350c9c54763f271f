//! Shared ports: loops of `loopy::cores::run` each bind their own listener
//! on one port with `TcpListener::bind_reuse_port`, and the kernel spreads
//! connections over all of them; `UdpSocket::bind_reuse_port` spreads
//! datagrams from different peers likewise. A port held without
//! `SO_REUSEPORT` cannot be shared, and the error names the address.

use std::cell::Cell;
use std::io::Read;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use loopy::cores;
use loopy::net::{TcpListener, UdpSocket};
use loopy_tests::within;

const LOOPS: usize = 4;

/// Connections the client opens, each from its own source port: with 4
/// loops the chance that the hash leaves a loop without any is 4 × (3/4)^64,
/// about 4 in 100 million.
const CONNECTIONS: usize = 64;

#[test]
fn every_loop_accepts_connections_on_the_shared_port() {
    // Loop 0 picks the port and hands it to the others; each loop says when
    // it listens; the client closes `done` once it has made its connections.
    let (port_tx, port_rx) = async_channel::unbounded::<u16>();
    let (bound_tx, bound_rx) = async_channel::unbounded::<SocketAddr>();
    let (done_tx, done_rx) = async_channel::bounded::<()>(1);

    let client = std::thread::spawn(move || {
        let mut addr = None;
        for _ in 0..LOOPS {
            addr = Some(bound_rx.recv_blocking().unwrap());
        }
        let tally = std::panic::catch_unwind(|| connect_and_tally(addr.unwrap()));
        // Whatever happened, let the loops end.
        done_tx.close();
        tally.unwrap()
    });

    let accepted = within(Duration::from_secs(30), move || {
        cores::run(LOOPS, move |index| {
            let (port_tx, port_rx) = (port_tx.clone(), port_rx.clone());
            let (bound_tx, done_rx) = (bound_tx.clone(), done_rx.clone());
            async move {
                let listener = if index == 0 {
                    let listener = TcpListener::bind_reuse_port("127.0.0.1:0").unwrap();
                    for _ in 1..LOOPS {
                        port_tx
                            .send(listener.local_addr().unwrap().port())
                            .await
                            .unwrap();
                    }
                    listener
                } else {
                    let port = port_rx.recv().await.unwrap();
                    TcpListener::bind_reuse_port(("127.0.0.1", port)).unwrap()
                };
                bound_tx.send(listener.local_addr().unwrap()).await.unwrap();

                // Answer each connection with this loop's index.
                let accepted = Rc::new(Cell::new(0));
                let server = loopy::spawn({
                    let accepted = Rc::clone(&accepted);
                    async move {
                        loop {
                            let (stream, _) = listener.accept().await.unwrap();
                            accepted.set(accepted.get() + 1);
                            stream.send_all(&[index as u8]).await.unwrap();
                        }
                    }
                });
                assert!(done_rx.recv().await.is_err(), "`done` is only closed");
                server.cancel();
                accepted.get()
            }
        })
    });
    let answered = client.join().unwrap();
    assert_eq!(accepted, answered, "each loop answered what it accepted");
    assert_eq!(accepted.iter().sum::<usize>(), CONNECTIONS);
    assert!(
        accepted.iter().all(|&n| n > 0),
        "every loop accepts some connections: {accepted:?}"
    );
}

/// Opens `CONNECTIONS` connections to `addr` one after the other, and
/// counts how many each loop answered.
fn connect_and_tally(addr: SocketAddr) -> Vec<usize> {
    let mut answered = vec![0; LOOPS];
    for _ in 0..CONNECTIONS {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut index = [0];
        stream.read_exact(&mut index).unwrap();
        answered[usize::from(index[0])] += 1;
    }
    answered
}

#[test]
fn udp_sockets_on_a_shared_port_each_get_datagrams() {
    const PEERS: usize = 32;
    within(Duration::from_secs(20), || {
        loopy::block_on(async {
            let first = UdpSocket::bind_reuse_port("127.0.0.1:0").unwrap();
            let addr = first.local_addr().unwrap();
            let second = UdpSocket::bind_reuse_port(addr).unwrap();
            let received: Vec<Rc<Cell<usize>>> = vec![Rc::default(), Rc::default()];
            let receivers: Vec<_> = [first, second]
                .into_iter()
                .zip(&received)
                .map(|(socket, count)| {
                    let count = Rc::clone(count);
                    loopy::spawn(async move {
                        let mut buf = [0; 8];
                        loop {
                            socket.recv_from(&mut buf).await.unwrap();
                            count.set(count.get() + 1);
                        }
                    })
                })
                .collect();
            // Each datagram from its own peer, so from its own source port.
            for _ in 0..PEERS {
                let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
                peer.send_to(b"hi", addr).await.unwrap();
            }
            let total = || received.iter().map(|count| count.get()).sum::<usize>();
            loopy::timeout(Duration::from_secs(10), async {
                while total() < PEERS {
                    loopy::sleep(Duration::from_millis(1)).await;
                }
            })
            .await
            .expect("every datagram arrives on loopback");
            for receiver in receivers {
                receiver.cancel();
            }
            let counts: Vec<usize> = received.iter().map(|count| count.get()).collect();
            assert!(counts.iter().all(|&n| n > 0), "both get some: {counts:?}");
        });
    });
}

#[test]
fn a_port_bound_without_reuse_port_cannot_be_shared() {
    loopy::block_on(async {
        let plain = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = plain.local_addr().unwrap();
        let err = TcpListener::bind_reuse_port(addr).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
        assert!(
            err.to_string()
                .starts_with(&format!("TcpListener::bind_reuse_port {addr}: ")),
            "{err}"
        );
    });
}

#[test]
fn an_address_list_without_addresses_is_invalid_input() {
    loopy::block_on(async {
        let none: &[SocketAddr] = &[];
        let err = UdpSocket::bind_reuse_port(none).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(
            err.to_string(),
            "UdpSocket::bind_reuse_port: the address resolved to no socket address"
        );
    });
}
