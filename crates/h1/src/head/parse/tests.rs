use bytes::BytesMut;
use http::{Method, StatusCode, Version};

use super::*;

fn request(input: &[u8]) -> Result<Option<RequestHead>, Error> {
    HeadParser::default().parse_request(
        &mut BytesMut::from(input),
        &Limits::default(),
        false,
        false,
    )
}

fn request_kind(input: &[u8]) -> ErrorKind {
    request(input).unwrap_err().kind()
}

#[test]
fn parses_request_head_zero_copy() {
    let mut buf =
        BytesMut::from(&b"GET /a?b HTTP/1.1\r\nHost: example.com\r\nX-Y:  z \r\n\r\nrest"[..]);
    let base = buf.as_ptr() as usize;
    let head = HeadParser::default()
        .parse_request(&mut buf, &Limits::default(), true, false)
        .unwrap()
        .unwrap();
    assert_eq!(head.method, Method::GET);
    assert_eq!(head.target.as_str(), "/a?b");
    assert_eq!(head.version, Version::HTTP_11);
    assert_eq!(head.headers["x-y"], "z");
    assert_eq!(head.target.as_bytes().as_ptr() as usize, base + 4);
    assert_eq!(head.headers["host"].as_bytes().as_ptr() as usize, base + 25);
    let original: Vec<&[u8]> = head.original.as_ref().unwrap().iter().collect();
    assert_eq!(original, [&b"Host"[..], b"X-Y"]);
    assert_eq!(&buf[..], b"rest");
}

#[test]
fn skips_leading_empty_lines() {
    let head = request(b"\r\n\r\nGET / HTTP/1.0\r\n\r\n").unwrap().unwrap();
    assert_eq!(head.version, Version::HTTP_10);
}

#[test]
fn partial_heads_need_more() {
    assert!(request(b"GET / HTTP/1.1\r\nHost: a\r\n").unwrap().is_none());
    assert!(request(b"GE").unwrap().is_none());
    assert!(request(b"GET / HTTP/2").unwrap().is_none());
}

#[test]
fn higher_minor_versions_are_read_as_http_11() {
    let head = request(b"GET / HTTP/1.7\r\nHost: a\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(head.version, Version::HTTP_11);
}

#[test]
fn other_major_versions_are_unsupported() {
    assert_eq!(
        request_kind(b"GET / HTTP/2.0\r\n\r\n"),
        ErrorKind::UnsupportedVersion
    );
    assert_eq!(
        request_kind(b"GET / HTTP/3.0\r\nHost: a\r\n\r\n"),
        ErrorKind::UnsupportedVersion
    );
    assert_eq!(
        request_kind(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ErrorKind::UnsupportedVersion
    );
    assert_eq!(
        request_kind(b"GET / HTTP/0.9\r\n\r\n"),
        ErrorKind::UnsupportedVersion
    );
    assert_eq!(
        request_kind(b"GET /\r\n\r\n"),
        ErrorKind::UnsupportedVersion
    );
    assert_eq!(
        request_kind(b"GET / HTTX/1.1\r\n\r\n"),
        ErrorKind::BadStartLine
    );
    assert_eq!(
        request_kind(b"GET / HTTP/1.10\r\n\r\n"),
        ErrorKind::BadStartLine
    );
}

#[test]
fn malformed_header_lines_are_rejected() {
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        ErrorKind::BadHeader
    );
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"),
        ErrorKind::BadHeader
    );
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\r\nHost: a\x01b\r\n\r\n"),
        ErrorKind::BadHeader
    );
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"),
        ErrorKind::BadHeader
    );
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\r\nX\x7f: a\r\n\r\n"),
        ErrorKind::BadHeader
    );
}

#[test]
fn limits_are_enforced() {
    let limits = Limits::default()
        .with_max_request_line(32)
        .with_max_head_size(64)
        .with_max_headers(2);
    let parse = |input: &[u8]| {
        HeadParser::default().parse_request(&mut BytesMut::from(input), &limits, false, false)
    };
    let long_target = format!("GET /{} HTTP/1.1\r\n", "a".repeat(40));
    assert_eq!(
        parse(long_target.as_bytes()).unwrap_err().kind(),
        ErrorKind::RequestLineTooLong
    );
    assert_eq!(
        parse(&long_target.as_bytes()[..36]).unwrap_err().kind(),
        ErrorKind::RequestLineTooLong
    );
    let big = format!("GET / HTTP/1.1\r\nX: {}\r\n", "b".repeat(60));
    assert_eq!(
        parse(big.as_bytes()).unwrap_err().kind(),
        ErrorKind::HeadTooLarge
    );
    assert_eq!(
        parse(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")
            .unwrap_err()
            .kind(),
        ErrorKind::HeaderCount
    );
}

#[test]
fn many_headers_use_the_heap_fallback() {
    let limits = Limits::default().with_max_headers(300);
    let mut input = String::from("GET / HTTP/1.1\r\n");
    for i in 0..250 {
        input.push_str(&format!("x-{i}: {i}\r\n"));
    }
    input.push_str("\r\n");
    let head = HeadParser::default()
        .parse_request(&mut BytesMut::from(input.as_bytes()), &limits, false, false)
        .unwrap()
        .unwrap();
    assert_eq!(head.headers.len(), 250);
}

#[test]
fn byte_by_byte_feeding_parses_once_complete() {
    let input = b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n";
    let mut parser = HeadParser::default();
    let mut buf = BytesMut::new();
    for (i, &b) in input.iter().enumerate() {
        buf.extend_from_slice(&[b]);
        let parsed = parser
            .parse_request(&mut buf, &Limits::default(), false, false)
            .unwrap();
        assert_eq!(parsed.is_some(), i == input.len() - 1, "at byte {i}");
    }
}

#[test]
fn parses_response_head() {
    let mut buf = BytesMut::from(&b"HTTP/1.1 404 Not Here\r\nContent-Length: 0\r\n\r\n"[..]);
    let head = HeadParser::default()
        .parse_response(&mut buf, &Limits::default(), false, false)
        .unwrap()
        .unwrap();
    assert_eq!(head.status, StatusCode::NOT_FOUND);
    assert_eq!(head.reason.as_deref(), Some(&b"Not Here"[..]));
    let mut buf = BytesMut::from(&b"HTTP/1.2 200 OK\r\n\r\n"[..]);
    let head = HeadParser::default()
        .parse_response(&mut buf, &Limits::default(), false, false)
        .unwrap()
        .unwrap();
    assert_eq!(head.version, Version::HTTP_11);
    let mut buf = BytesMut::from(&b"HTTP/2.0 200 OK\r\n\r\n"[..]);
    let err = HeadParser::default()
        .parse_response(&mut buf, &Limits::default(), false, false)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedVersion);
}

#[test]
fn bare_lf_in_request_head_is_rejected() {
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\nHost: a\r\n\r\n"),
        ErrorKind::BadHeader
    );
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\r\nHost: a\r\nX: y\n\r\n"),
        ErrorKind::BadHeader
    );
    assert_eq!(
        request_kind(b"GET / HTTP/1.1\r\nHost: a\n\n"),
        ErrorKind::BadHeader
    );
    // a bare LF before the request line is an ignorable empty line, not part of the head
    assert!(
        request(b"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
            .unwrap()
            .is_some()
    );
}

#[test]
fn bare_lf_in_response_head_is_accepted() {
    let mut buf = BytesMut::from(&b"HTTP/1.1 200 OK\nContent-Length: 0\n\n"[..]);
    let head = HeadParser::default().parse_response(&mut buf, &Limits::default(), false, false);
    assert_eq!(head.unwrap().unwrap().status, StatusCode::OK);
}
