//! 64 MiB to a slow reader: every byte arrives, and the writer's memory
//! stays flat, because loopy buffers nothing of its own: `send_all` waits
//! for the kernel's socket buffer instead of queueing the rest.
//!
//! The reader sleeps between small reads; the writer produces the stream
//! one 64 KiB chunk at a time. A counting global allocator measures the
//! peak heap over the transfer. This file holds one test only, so no
//! other test allocates meanwhile.

use std::time::{Duration, Instant};

use loopy::sleep;
use loopy_tests::heap::{self, Counting};
use loopy_tests::{tcp_pair, within};

#[global_allocator]
static HEAP: Counting = Counting;

const TOTAL: usize = 64 << 20;
const CHUNK: usize = 64 << 10;
const READ: usize = 32 << 10;
/// Far below the 64 MiB a writer that queued everything would hold.
const HEAP_BOUND: usize = 4 << 20;

/// FNV-1a over a byte stream, fed in pieces.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Checksum(u64);

impl Checksum {
    fn new() -> Checksum {
        Checksum(0xcbf2_9ce4_8422_2325)
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Fills `chunk` with the stream's bytes from `offset` on: not a repeating
/// pattern, so a lost or doubled chunk changes the checksum.
fn fill(chunk: &mut [u8], offset: usize) {
    for (i, byte) in chunk.iter_mut().enumerate() {
        let n = (offset + i) as u64;
        *byte = (n ^ (n >> 8) ^ (n >> 17)).wrapping_mul(31) as u8;
    }
}

#[test]
fn sixty_four_mebibytes_reach_a_slow_reader_intact_at_scale() {
    within(Duration::from_secs(120), || {
        loopy::block_on(async {
            let (writer, reader) = tcp_pair().await;
            let before = heap::live();
            heap::reset_peak();
            let start = Instant::now();

            let sender = loopy::spawn(async move {
                let mut chunk = vec![0u8; CHUNK];
                let mut sum = Checksum::new();
                for offset in (0..TOTAL).step_by(CHUNK) {
                    fill(&mut chunk, offset);
                    sum.feed(&chunk);
                    writer.send_all(&chunk).await.unwrap();
                }
                sum
            });
            let mut buf = vec![0u8; READ];
            let mut received = 0;
            let mut sum = Checksum::new();
            loop {
                match reader.recv(&mut buf).await.unwrap() {
                    0 => break,
                    n => {
                        sum.feed(&buf[..n]);
                        received += n;
                    }
                }
                sleep(Duration::from_millis(1)).await;
            }
            let sent = sender.await.unwrap();
            let took = start.elapsed();
            let peak = heap::peak() - before;

            eprintln!("{received} bytes in {took:?}; heap peak {peak} bytes above the start");
            assert_eq!(received, TOTAL);
            assert_eq!(sum, sent, "the bytes received differ from the bytes sent");
            assert!(
                peak < HEAP_BOUND,
                "the heap grew by {peak} bytes while 64 MiB went to a slow reader"
            );
        })
    });
}
