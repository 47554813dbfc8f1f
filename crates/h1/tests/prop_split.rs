//! The defining property of a sans-IO parser: any split of the input gives the same events
//! as one read (body data may arrive in different pieces; it is compared concatenated).

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use proptest::prelude::*;
use spire_h1::{
    Connection, ErrorKind, Event, Limits, Received, RequestHead, ResponseHead, Role, State, Target,
    WriteBuf,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Head(String),
    Data(Vec<u8>),
    End(Option<HeaderMap>),
    Closed,
    Error(ErrorKind),
}

const REQUESTS: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"\r\nGET /a?b HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nUser-Agent: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello worldGET / HTTP/1.1\r\nHost: b\r\n\r\n",
    b"POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n1\r\n \r\n0\r\nX-T: 1\r\n\r\n",
    b"POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /n HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET / HTTP/1.2\r\nHost: a\r\n\r\n",
    b"GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    b"GET /\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nshort",
    b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\nframes",
    b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\nHost: a\n\n",
];

const RESPONSES: &[&[u8]] = &[
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nA: b\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n\r\nuntil close",
    b"HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
    b"HTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 101 Switching Protocols\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"HTTP/2.0 200 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
];

fn push(outs: &mut Vec<Out>, out: Out) {
    if let (Out::Data(new), Some(Out::Data(prev))) = (&out, outs.last_mut()) {
        prev.extend_from_slice(new);
        return;
    }
    outs.push(out);
}

/// Parses everything available; a server answers each request and starts the next cycle.
/// Returns false once the connection cannot go on.
fn drain(conn: &mut Connection, outs: &mut Vec<Out>) -> bool {
    loop {
        match conn.next_event() {
            Ok(Received::Event(Event::Request(h))) => {
                push(outs, Out::Head(format!("{} {}", h.method, h.target)));
            }
            Ok(Received::Event(Event::Informational(h) | Event::Response(h))) => {
                push(outs, Out::Head(h.status.to_string()));
            }
            Ok(Received::Event(Event::Data(d))) => push(outs, Out::Data(d.to_vec())),
            Ok(Received::Event(Event::EndOfMessage(t))) => push(outs, Out::End(t)),
            Ok(Received::Event(Event::ConnectionClosed)) => {
                push(outs, Out::Closed);
                return false;
            }
            Ok(Received::NeedData) => return true,
            Ok(Received::Paused) => {
                if conn.role() == Role::Server
                    && conn.their_state() == State::Done
                    && conn.our_state() == State::SendResponse
                {
                    let mut head = ResponseHead::new(StatusCode::OK);
                    head.headers.insert("content-length", "0".parse().unwrap());
                    let mut out = WriteBuf::new();
                    conn.send(Event::Response(head), &mut out).unwrap();
                    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
                }
                if conn.start_next_cycle().is_err() {
                    return false;
                }
            }
            Err(e) => {
                push(outs, Out::Error(e.kind()));
                return false;
            }
        }
    }
}

/// Small limits, so that inputs of a few hundred bytes reach every limit.
fn tight() -> Limits {
    Limits::default()
        .with_max_head_size(96)
        .with_max_request_line(24)
        .with_max_headers(4)
        .with_max_trailer_size(24)
        .with_max_chunk_extension(6)
        .with_max_body_size(Some(12))
}

fn connection(role: Role, limits: Limits) -> Connection {
    let mut conn = Connection::with_limits(role, limits);
    if role == Role::Client {
        let mut head = RequestHead::new(
            Method::GET,
            Target::parse(&Method::GET, Bytes::from_static(b"/")).unwrap(),
        );
        head.headers.insert("host", "a".parse().unwrap());
        head.headers
            .insert("connection", "upgrade".parse().unwrap());
        head.headers.insert("upgrade", "x".parse().unwrap());
        let mut out = WriteBuf::new();
        conn.send(Event::Request(head), &mut out).unwrap();
        conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    }
    conn
}

fn run_with(limits: Limits, role: Role, input: &[u8], sizes: &[usize], eof: bool) -> Vec<Out> {
    let mut conn = connection(role, limits);
    let mut outs = Vec::new();
    let mut rest = input;
    let mut sizes = sizes.iter().copied().cycle();
    while !rest.is_empty() {
        let n = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
        let (piece, tail) = rest.split_at(n);
        rest = tail;
        conn.receive(piece);
        if !drain(&mut conn, &mut outs) {
            return outs;
        }
    }
    if eof {
        conn.receive_eof();
        drain(&mut conn, &mut outs);
    }
    outs
}

fn run(role: Role, input: &[u8], sizes: &[usize], eof: bool) -> Vec<Out> {
    run_with(Limits::default(), role, input, sizes, eof)
}

fn whole(role: Role, input: &[u8], eof: bool) -> Vec<Out> {
    run(role, input, &[usize::MAX], eof)
}

#[test]
fn split_corpus_byte_by_byte_matches_one_read() {
    for input in REQUESTS {
        assert_eq!(
            run(Role::Server, input, &[1], true),
            whole(Role::Server, input, true),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
    for input in RESPONSES {
        assert_eq!(
            run(Role::Client, input, &[1], true),
            whole(Role::Client, input, true),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn split_corpus_produces_the_expected_events() {
    // guards against a split test that compares two equally wrong runs
    let outs = whole(Role::Server, REQUESTS[2], true);
    assert_eq!(
        outs[..3],
        [
            Out::Head("POST /u".into()),
            Out::Data(b"hello world".to_vec()),
            Out::End(None)
        ]
    );
    assert_eq!(outs[3], Out::Head("GET /".into()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn split_requests_match_one_read(eof in any::<bool>(), index in 0..REQUESTS.len(), sizes in prop::collection::vec(1usize..48, 1..16)) {
        let input = REQUESTS[index];
        prop_assert_eq!(run(Role::Server, input, &sizes, eof), whole(Role::Server, input, eof));
    }

    #[test]
    fn split_responses_match_one_read(eof in any::<bool>(), index in 0..RESPONSES.len(), sizes in prop::collection::vec(1usize..48, 1..16)) {
        let input = RESPONSES[index];
        prop_assert_eq!(run(Role::Client, input, &sizes, eof), whole(Role::Client, input, eof));
    }

    #[test]
    fn split_mutated_input_matches_one_read(
        eof in any::<bool>(),
        index in 0..REQUESTS.len(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        tail in prop::collection::vec(any::<u8>(), 0..32),
        sizes in prop::collection::vec(1usize..48, 1..16),
        server in any::<bool>(),
    ) {
        let source = if server { REQUESTS[index] } else { RESPONSES[index % RESPONSES.len()] };
        let mut input = source.to_vec();
        for (at, byte) in edits {
            let i = at.index(input.len());
            input[i] = byte;
        }
        input.extend_from_slice(&tail);
        let role = if server { Role::Server } else { Role::Client };
        prop_assert_eq!(run(role, &input, &sizes, eof), whole(role, &input, eof));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_split_the_same(eof in any::<bool>(), input in prop::collection::vec(any::<u8>(), 0..256), sizes in prop::collection::vec(1usize..32, 1..8), server in any::<bool>()) {
        let role = if server { Role::Server } else { Role::Client };
        prop_assert_eq!(run(role, &input, &sizes, eof), whole(role, &input, eof));
    }

    #[test]
    fn split_with_tight_limits_matches_one_read(
        eof in any::<bool>(),
        index in 0..REQUESTS.len() + RESPONSES.len(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        sizes in prop::collection::vec(1usize..48, 1..16),
    ) {
        let (role, source) = match REQUESTS.get(index) {
            Some(request) => (Role::Server, *request),
            None => (Role::Client, RESPONSES[index - REQUESTS.len()]),
        };
        let mut input = source.to_vec();
        for (at, byte) in edits {
            let i = at.index(input.len());
            input[i] = byte;
        }
        let split = run_with(tight(), role, &input, &sizes, eof);
        prop_assert_eq!(split, run_with(tight(), role, &input, &[usize::MAX], eof));
    }
}
