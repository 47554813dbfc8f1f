//! Parsing a request head, side by side with bare `httparse::Request::parse` on the same bytes.
//!
//! Bare httparse is the lower bound: it only finds the pieces of the head in a borrowed
//! buffer, so nothing that builds owned `http` types can be faster. spire-h1 is measured twice:
//! up to its `Event::Request` (`RequestHead` with an `http::HeaderMap`, zero-copy values), and
//! on to an `http::Request<()>` (`RequestHead::into_parts`, which also parses the target into
//! an `http::Uri`). The goal is a full parse within 1.5x of bare httparse. A fourth row,
//! `httparse_to_headermap`, is the floor for any parser that yields `http` types: httparse
//! plus filling one `HeaderMap` with zero-copy values, and nothing else.
//!
//! Each spire-h1 iteration starts from a fresh server `Connection` that already holds the bytes
//! (set up outside the timing, as a driver's read buffer would be); the parsed value is dropped
//! outside the timing too, so both sides are measured for parsing only.
//!
//! Run: `cargo bench -p spire-h1 --bench parse_head`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use spire_h1::{Connection, Event, Received, Role};

/// The smallest valid HTTP/1.1 request.
const MINIMAL_GET: &[u8] = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";

/// A typical browser navigation: about 500 bytes, 12 header fields.
const BROWSER_GET: &[u8] = b"GET /articles/2024/sans-io-http?ref=home&lang=en HTTP/1.1\r\n\
Host: www.example.com\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: en-US,en;q=0.5\r\n\
Accept-Encoding: gzip, deflate, br\r\n\
Referer: https://www.example.com/\r\n\
Connection: keep-alive\r\n\
Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark\r\n\
Upgrade-Insecure-Requests: 1\r\n\
Sec-Fetch-Dest: document\r\n\
Sec-Fetch-Mode: navigate\r\n\
Cache-Control: max-age=0\r\n\r\n";

fn loaded(bytes: &[u8]) -> Connection {
    let mut conn = Connection::new(Role::Server);
    conn.receive(bytes);
    conn
}

fn parse_head(c: &mut Criterion) {
    for (name, bytes) in [("minimal_get", MINIMAL_GET), ("browser_get", BROWSER_GET)] {
        let mut group = c.benchmark_group(format!("parse_head/{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));

        group.bench_function("httparse", |b| {
            b.iter(|| {
                let mut headers = [httparse::EMPTY_HEADER; 16];
                let mut req = httparse::Request::new(&mut headers);
                let status = req.parse(black_box(bytes)).expect("valid request");
                assert!(status.is_complete());
                black_box(req.headers.len())
            });
        });

        // The floor for anything that produces `http` types: httparse, then one `HeaderMap`
        // filled with zero-copy values (what a parser must do at the least, with no
        // validation, framing or target handling on top).
        let shared = bytes::Bytes::copy_from_slice(bytes);
        group.bench_function("httparse_to_headermap", |b| {
            b.iter(|| {
                let mut headers = [httparse::EMPTY_HEADER; 16];
                let mut req = httparse::Request::new(&mut headers);
                let status = req.parse(black_box(&shared[..])).expect("valid request");
                assert!(status.is_complete());
                let mut map = http::HeaderMap::with_capacity(req.headers.len());
                for header in req.headers.iter() {
                    let name =
                        http::HeaderName::from_bytes(header.name.as_bytes()).expect("valid name");
                    let value =
                        http::HeaderValue::from_maybe_shared(shared.slice_ref(header.value))
                            .expect("valid value");
                    map.append(name, value);
                }
                map
            });
        });

        group.bench_function("spire_h1", |b| {
            b.iter_batched_ref(
                || loaded(bytes),
                |conn| match conn.next_event() {
                    Ok(Received::Event(Event::Request(head))) => head,
                    other => panic!("expected a request head, got {other:?}"),
                },
                BatchSize::NumIterations(8),
            );
        });

        group.bench_function("spire_h1_to_http", |b| {
            b.iter_batched_ref(
                || loaded(bytes),
                |conn| match conn.next_event() {
                    Ok(Received::Event(Event::Request(head))) => {
                        let parts = head.into_parts().expect("valid target");
                        http::Request::from_parts(parts, ())
                    }
                    other => panic!("expected a request head, got {other:?}"),
                },
                BatchSize::NumIterations(8),
            );
        });
        group.finish();
    }
}

criterion_group!(benches, parse_head);
criterion_main!(benches);
