use http::{Method, StatusCode};
use spire_h1::{ErrorKind, State};

use super::drive::{App, Plan};
use super::*;

/// Config byte + message, fed one byte at a time.
fn bytewise(config: u8, message: &[u8]) -> Vec<u8> {
    let mut input = vec![config & !0b111];
    input.extend_from_slice(message);
    input
}

#[test]
fn plan_reads_config_bits_and_split_lengths() {
    let plan = Plan::new(&[0b1011_1010, 0, 2, b'a', b'b', b'c', b'd', b'e', b'f', b'g']);
    assert!(plan.eof && plan.tight && plan.preserve_case);
    assert_eq!(plan.choice, 2);
    assert_eq!(plan.lengths, [0, 2]);
    assert_eq!(plan.pieces(), [&b"a"[..], b"bcd", b"e", b"fg"]);
}

#[test]
fn plan_without_lengths_feeds_one_byte_at_a_time_and_survives_short_input() {
    let plan = Plan::new(&[0, b'x', b'y']);
    assert_eq!(plan.pieces(), [&b"x"[..], b"y"]);
    // more length bytes announced than there are bytes: no message, no panic
    let plan = Plan::new(&[0b111, 1]);
    assert!(plan.message.is_empty() && plan.pieces().is_empty());
    assert!(Plan::new(&[]).message.is_empty());
}

#[test]
fn request_parse_sees_pipelined_requests_and_answers_each() {
    let message = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
    let input = bytewise(0, message);
    let plan = Plan::new(&input);
    let outcome = plan.check(Role::Server, &[], &App::server(0));
    assert_eq!(outcome.error, None);
    let methods: Vec<_> = outcome
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Request(head) => Some(head.method.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(methods, [Method::GET, Method::POST]);
    assert!(
        outcome
            .events
            .contains(&Event::Data(Bytes::from_static(b"hi")))
    );
    // the harness answered the second request and started a third cycle
    assert_eq!(outcome.states, (State::Idle, State::Idle));
}

#[test]
fn request_parse_reports_the_same_error_for_any_split() {
    let message =
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for config in [0u8, 0b1000, 0b0001] {
        let mut input = vec![config];
        if config & 0b111 != 0 {
            input.push(6);
        }
        input.extend_from_slice(message);
        let plan = Plan::new(&input);
        let outcome = plan.check(Role::Server, &[], &App::server(0));
        assert_eq!(outcome.error, Some(ErrorKind::AmbiguousFraming));
        assert!(outcome.events.is_empty());
    }
}

#[test]
fn request_parse_answers_before_the_body_and_accepts_switches() {
    let post = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
    h1_request_parse(&bytewise(0b1100_0000, post));
    let upgrade =
        b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\nfirst frame";
    let input = bytewise(0b0100_0000, upgrade);
    let outcome = Plan::new(&input).check(Role::Server, &[], &App::server(1));
    assert_eq!(outcome.states.0, State::SwitchedProtocol);
    h1_request_parse(&input);
    h1_request_parse(&bytewise(
        0b0100_1000,
        b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    ));
}

#[test]
fn response_parse_covers_head_connect_and_upgrade_requests() {
    let cases: [(u8, &[u8]); 4] = [
        (0, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
        (1, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
        (2, b"HTTP/1.1 200 Connection established\r\n\r\ntunnel bytes"),
        (3, b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"),
    ];
    for (method, message) in cases {
        // no EOF: the harness has already sent its next request, which a close would cut off
        let input = bytewise(method << 6, message);
        let plan = Plan::new(&input);
        let outcome = plan.check(Role::Client, &[], &App::Client { method });
        assert_eq!(outcome.error, None, "method {method}: {outcome:?}");
        assert!(
            matches!(outcome.events.first(), Some(Event::Response(head)) if head.status.is_success() || head.status == StatusCode::SWITCHING_PROTOCOLS),
            "method {method}: {outcome:?}"
        );
        h1_response_parse(&input);
    }
}

#[test]
fn response_parse_reads_a_close_delimited_body_until_eof() {
    let input = bytewise(0b1000, b"HTTP/1.0 200 OK\r\n\r\nall of this");
    let outcome = Plan::new(&input).check(Role::Client, &[], &App::Client { method: 0 });
    assert_eq!(
        outcome.events[1..],
        [
            Event::Data(Bytes::from_static(b"all of this")),
            Event::EndOfMessage(None),
            Event::ConnectionClosed
        ]
    );
}

#[test]
fn chunked_decode_matches_the_reference_decoder() {
    h1_chunked_decode(&bytewise(
        0,
        b"5;a=b\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
    ));
    h1_chunked_decode(&bytewise(0b1000, b"0\r\n\r\n"));
    // an empty body and nothing after it: only the request head and its end
    h1_chunked_decode(&bytewise(0, b"0\r\n\r\n"));
    h1_chunked_decode(&bytewise(0, b"3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n"));
    h1_chunked_decode(&bytewise(0b1000, b"zz\r\n"));
}

#[test]
fn reference_chunked_accepts_the_strict_subset_only() {
    assert_eq!(
        reference_chunked(b"3\r\nabc\r\n0\r\n\r\n"),
        Some(b"abc".to_vec())
    );
    assert_eq!(
        reference_chunked(b"A;x\r\n0123456789\r\n0;y=1\r\n\r\n"),
        Some(b"0123456789".to_vec())
    );
    assert_eq!(reference_chunked(b"0\r\n\r\n"), Some(Vec::new()));
    for rejected in [
        &b"3\r\nabc\r\n0\r\n"[..],
        b"3\nabc\r\n0\r\n\r\n",
        b"3\r\nabcd\r\n0\r\n\r\n",
        b"0\r\nTrailer: 1\r\n\r\n",
        b"0\r\n\r\nGET",
        b"-1\r\n",
        b"10000000000000000\r\n",
        b"3 ;x\r\nabc\r\n0\r\n\r\n",
    ] {
        assert_eq!(reference_chunked(rejected), None, "{rejected:?}");
    }
}

#[test]
fn roundtrip_survives_generated_messages() {
    h1_roundtrip(b"");
    h1_roundtrip(&[0]);
    // a spread of deterministic inputs: every byte value in every position
    for seed in 0u8..=255 {
        let input: Vec<u8> = (0..200u16)
            .map(|i| {
                seed.wrapping_mul(31)
                    .wrapping_add((i as u8).wrapping_mul(seed | 1))
            })
            .collect();
        h1_roundtrip(&input);
    }
}

#[test]
fn source_yields_zeros_when_exhausted() {
    let mut src = Source { data: &[7] };
    assert_eq!(src.byte(), 7);
    assert_eq!(src.byte(), 0);
    assert_eq!(src.below(3), 0);
}
