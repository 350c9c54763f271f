//! The echo protocol both TCP scenarios speak, and its server on a runtime.
//!
//! A client sends one 64-byte message, waits until all 64 bytes are back and
//! checks them, then sends the next. The server reads whatever is there (up to
//! [`BUF_LEN`]) and writes it back. Every contender, the raw loop and the
//! blocking clients included, uses these sizes.

use std::io;

use crate::suite::runtime::Runtime;

/// Bytes in one message.
pub const MESSAGE_LEN: usize = 64;

/// The read buffer of servers and clients. Bigger than a message, so a read
/// that returns less than asked shows the socket was drained, which lets tokio
/// and the raw loop skip the read that would only say `WouldBlock`.
pub const BUF_LEN: usize = 4096;

/// Message `round` of connection `conn`: its bytes depend on both, so a lost,
/// doubled or misrouted byte shows.
pub fn message(conn: usize, round: usize) -> [u8; MESSAGE_LEN] {
    std::array::from_fn(|k| (conn * 7 + round * 13 + k * 31) as u8)
}

/// Writes all of `data`, however many `send` calls it takes.
pub async fn send_all<R: Runtime>(stream: &mut R::Stream, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        match R::send(stream, data).await? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            sent => data = &data[sent..],
        }
    }
    Ok(())
}

/// Echoes everything received on `stream` until the peer closes; returns the
/// bytes echoed.
pub async fn echo<R: Runtime>(mut stream: R::Stream) -> io::Result<u64> {
    R::set_nodelay(&stream)?;
    let mut buf = [0; BUF_LEN];
    let mut echoed = 0;
    loop {
        let read = R::recv(&mut stream, &mut buf).await?;
        if read == 0 {
            return Ok(echoed);
        }
        send_all::<R>(&mut stream, &buf[..read]).await?;
        echoed += read as u64;
    }
}

/// Accepts `conns` connections, echoes each in its own task until its client
/// closes, and returns the bytes echoed in all.
pub async fn serve<R: Runtime>(rt: R, listener: R::Listener, conns: usize) -> u64 {
    let mut servers = Vec::with_capacity(conns);
    for _ in 0..conns {
        let stream = R::accept(&listener).await.expect("echo server: accept");
        servers.push(rt.spawn(echo::<R>(stream)));
    }
    let mut echoed = 0;
    for server in servers {
        echoed += server.await.expect("echo server: recv or send");
    }
    echoed
}
