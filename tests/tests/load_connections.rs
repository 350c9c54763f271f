//! 5,000 TCP connections at once on one loop, each echoing 100 messages:
//! every byte comes back, in order, on the connection it was sent on.
//!
//! Both ends live in this process, so the test needs over 10,000 file
//! descriptors: it raises its soft `RLIMIT_NOFILE` to that, and skips
//! (saying why) when the hard limit does not allow it.

use std::rc::Rc;
use std::time::{Duration, Instant};

use loopy::net::{TcpListener, TcpStream};
use loopy_tests::within;
use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

const CONNECTIONS: usize = 5_000;
const MESSAGES: u32 = 100;
/// Messages sent before their echoes are read back.
const BURST: u32 = 10;
/// Connects made at once; the rest wait, so the accept queue never
/// overflows (an overflow costs a one-second SYN retransmit).
const CONNECTS_IN_FLIGHT: usize = 100;
/// Both ends of every connection, the listener, the poller and slack.
const DESCRIPTORS_NEEDED: u64 = 2 * CONNECTIONS as u64 + 100;

/// Raises the soft descriptor limit to `needed`; `Err` says why it cannot.
/// (`None` in an `Rlimit` means no limit.)
fn raise_descriptor_limit(needed: u64) -> Result<(), String> {
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_none_or(|soft| soft >= needed) {
        return Ok(());
    }
    if let Some(hard) = limit.maximum.filter(|&hard| hard < needed) {
        return Err(format!(
            "RLIMIT_NOFILE's hard limit is {hard}, below the {needed} descriptors needed"
        ));
    }
    let raised = Rlimit {
        current: Some(needed),
        maximum: limit.maximum,
    };
    setrlimit(Resource::Nofile, raised)
        .map_err(|err| format!("cannot raise RLIMIT_NOFILE to {needed}: {err}"))
}

/// The `seq`th message of connection `conn`: both numbers, then filler
/// whose length varies, so messages straddle the reads.
fn message(conn: usize, seq: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(40);
    bytes.extend_from_slice(&(conn as u32).to_le_bytes());
    bytes.extend_from_slice(&seq.to_le_bytes());
    bytes.resize(8 + (seq as usize + conn) % 32, (seq % 251) as u8);
    bytes
}

/// Echoes whatever arrives until the peer closes.
async fn echo(stream: TcpStream) {
    let mut buf = [0u8; 256];
    loop {
        match stream.recv(&mut buf).await.unwrap() {
            0 => return,
            n => stream.send_all(&buf[..n]).await.unwrap(),
        }
    }
}

/// Sends the connection's messages in bursts of `BURST` (a pipelining
/// client, and ten times fewer turns of a debug-built loop), checking
/// that each burst comes back whole and in order before the next.
async fn converse(conn: usize, stream: TcpStream) {
    for burst in (0..MESSAGES).step_by(BURST as usize) {
        let sent: Vec<u8> = (burst..burst + BURST)
            .flat_map(|seq| message(conn, seq))
            .collect();
        stream.send_all(&sent).await.unwrap();
        let mut back = vec![0u8; sent.len()];
        stream.recv_exact(&mut back).await.unwrap();
        assert_eq!(back, sent, "connection {conn}, messages {burst}..");
    }
}

#[test]
fn five_thousand_connections_echo_every_byte_in_order_at_scale() {
    if let Err(why) = raise_descriptor_limit(DESCRIPTORS_NEEDED) {
        eprintln!("skipped: {why}");
        return;
    }
    within(Duration::from_secs(120), || {
        loopy::block_on(async {
            let start = Instant::now();
            let listener = Rc::new(TcpListener::bind("127.0.0.1:0").unwrap());
            let addr = listener.local_addr().unwrap();
            let acceptor = loopy::spawn({
                let listener = Rc::clone(&listener);
                async move {
                    let mut echoes = Vec::with_capacity(CONNECTIONS);
                    for _ in 0..CONNECTIONS {
                        let (stream, _) = listener.accept().await.unwrap();
                        echoes.push(loopy::spawn(echo(stream)));
                    }
                    echoes
                }
            });

            let mut streams = Vec::with_capacity(CONNECTIONS);
            for wave in (0..CONNECTIONS).step_by(CONNECTS_IN_FLIGHT) {
                let connects: Vec<_> = (wave..CONNECTIONS.min(wave + CONNECTS_IN_FLIGHT))
                    .map(|_| loopy::spawn(TcpStream::connect(addr)))
                    .collect();
                for connect in connects {
                    streams.push(connect.await.unwrap().unwrap());
                }
            }
            let echoes = acceptor.await.unwrap();
            let connected = start.elapsed();

            let clients: Vec<_> = streams
                .into_iter()
                .enumerate()
                .map(|(conn, stream)| loopy::spawn(converse(conn, stream)))
                .collect();
            for client in clients {
                client.await.unwrap();
            }
            for echo in echoes {
                echo.await.unwrap();
            }
            eprintln!(
                "{CONNECTIONS} connections in {connected:?}, {} messages echoed after {:?}",
                CONNECTIONS * MESSAGES as usize,
                start.elapsed()
            );
        })
    });
}
