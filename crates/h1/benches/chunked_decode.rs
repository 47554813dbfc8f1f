//! Decoding 1 MiB of chunked request body, sent in 8 KiB chunks (and, for the per-chunk
//! cost, in 256-byte chunks). The goal is above 1 GB/s.
//!
//! Chunk data is handed out as zero-copy slices of the read buffer, so the decoder only reads
//! the framing: throughput grows with the chunk size. Each iteration starts from a server `Connection` that holds the request head and the whole
//! chunked body (copied in outside the timing, as a driver's reads would have put it there) and
//! has already parsed the head; the timed part calls `next_event` until `EndOfMessage`,
//! collecting the zero-copy `Data` slices.
//!
//! Run: `cargo bench -p spire-h1 --bench chunked_decode`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use spire_h1::{Connection, Event, Received, Role};

const BODY_LEN: usize = 1024 * 1024;

/// The request head and its chunked body of `BODY_LEN` bytes in chunks of `chunk_len`.
fn message(chunk_len: usize) -> Vec<u8> {
    let mut wire =
        b"POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    let chunk: Vec<u8> = (0..chunk_len).map(|i| (i % 251) as u8).collect();
    for _ in 0..BODY_LEN / chunk_len {
        wire.extend_from_slice(format!("{chunk_len:x}\r\n").as_bytes());
        wire.extend_from_slice(&chunk);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\n\r\n");
    wire
}

fn loaded(wire: &[u8]) -> Connection {
    let mut conn = Connection::new(Role::Server);
    conn.receive(wire);
    match conn.next_event() {
        Ok(Received::Event(Event::Request(_))) => conn,
        other => panic!("expected the request head, got {other:?}"),
    }
}

/// Reads the body to its end; returns how many body bytes arrived.
fn decode(conn: &mut Connection) -> usize {
    let mut total = 0;
    loop {
        match conn.next_event() {
            Ok(Received::Event(Event::Data(data))) => total += black_box(data).len(),
            Ok(Received::Event(Event::EndOfMessage(_))) => return total,
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn chunked_decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("chunked_decode");
    group.throughput(Throughput::Bytes(BODY_LEN as u64));
    for (name, chunk_len) in [
        ("1MiB_in_8KiB_chunks", 8 * 1024),
        ("1MiB_in_256B_chunks", 256),
    ] {
        let wire = message(chunk_len);
        assert_eq!(decode(&mut loaded(&wire)), BODY_LEN);
        group.bench_function(name, |b| {
            b.iter_batched_ref(|| loaded(&wire), decode, BatchSize::PerIteration);
        });
    }
    group.finish();
}

criterion_group!(benches, chunked_decode);
criterion_main!(benches);
