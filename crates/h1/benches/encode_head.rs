//! Encoding a typical response head: a 200 with five header fields and the cached `Date`.
//!
//! Each iteration starts from a server `Connection` that has parsed a GET (so the response
//! is framed for it) and a ready `ResponseHead`, both built outside the timing; the timed
//! part is `Connection::send(Event::Response(..))`, which checks the transition, decides the
//! framing and writes the head into the `WriteBuf`.
//!
//! Run: `cargo bench -p spire-h1 --bench encode_head`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use http::{HeaderValue, StatusCode, header};
use spire_h1::{Connection, Event, ResponseHead, Role, WriteBuf};

const DATE: &str = "Sat, 21 Nov 2026 14:00:00 GMT";

fn response() -> ResponseHead {
    let mut head = ResponseHead::new(StatusCode::OK);
    let h = &mut head.headers;
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("5120"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    h.insert(header::SERVER, HeaderValue::from_static("spire"));
    h.insert(
        header::ETAG,
        HeaderValue::from_static("\"33a64df551425fcc55e4d42a148795d9\""),
    );
    head
}

/// A server connection that has read a GET and waits to answer it, and the head to send.
fn ready() -> (Connection, ResponseHead, WriteBuf) {
    let mut conn = Connection::new(Role::Server);
    conn.set_date(HeaderValue::from_static(DATE));
    conn.receive(b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n");
    conn.next_event().expect("request head");
    conn.next_event().expect("end of request");
    (conn, response(), WriteBuf::new())
}

fn encode_head(c: &mut Criterion) {
    let encoded_len = {
        let (mut conn, head, mut out) = ready();
        conn.send(Event::Response(head), &mut out).expect("send");
        out.len()
    };
    let mut group = c.benchmark_group("encode_head");
    group.throughput(Throughput::Bytes(encoded_len as u64));
    group.bench_function("response_5_headers_and_date", |b| {
        b.iter_batched_ref(
            ready,
            |(conn, head, out)| {
                let head = std::mem::replace(head, ResponseHead::new(StatusCode::OK));
                conn.send(Event::Response(head), out).expect("send");
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, encode_head);
criterion_main!(benches);
