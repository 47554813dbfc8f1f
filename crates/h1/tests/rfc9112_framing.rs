//! One test per RFC 9112 (and RFC 9110) rule the codec enforces, named after its section.

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Version};
use spire_h1::{
    Connection, ErrorKind, Event, Framing, Limits, Received, RequestHead, ResponseHead, Role,
    State, Target, TargetForm, WriteBuf, response_framing,
};

/// Every event a server parses from `input` (then EOF), or the first error.
fn server_events(input: &[u8]) -> Result<Vec<Event>, spire_h1::Error> {
    events(Connection::new(Role::Server), input)
}

fn events(mut conn: Connection, input: &[u8]) -> Result<Vec<Event>, spire_h1::Error> {
    conn.receive(input);
    let mut out = Vec::new();
    loop {
        match conn.next_event()? {
            Received::Event(Event::ConnectionClosed) => return Ok(out),
            Received::Event(ev) => out.push(ev),
            Received::NeedData | Received::Paused => return Ok(out),
        }
    }
}

fn server_error(input: &[u8]) -> (ErrorKind, Option<StatusCode>) {
    let err = server_events(input).unwrap_err();
    (err.kind(), err.status())
}

fn request_head(events: &[Event]) -> &RequestHead {
    match events.first() {
        Some(Event::Request(head)) => head,
        other => panic!("expected a request, got {other:?}"),
    }
}

/// The body a client reads for `response` to a request with `method`, plus whether it ended.
fn client_body(
    method: Method,
    response: &[u8],
    eof: bool,
) -> Result<(Vec<u8>, bool), spire_h1::Error> {
    let mut conn = Connection::new(Role::Client);
    let mut head = RequestHead::new(
        method.clone(),
        Target::parse(&method, Bytes::from_static(b"/")).unwrap(),
    );
    if method == Method::CONNECT {
        head.target = Target::parse(&method, Bytes::from_static(b"a:443")).unwrap();
    }
    head.headers.insert("host", "a".parse().unwrap());
    let mut out = WriteBuf::new();
    conn.send(Event::Request(head), &mut out).unwrap();
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    conn.receive(response);
    if eof {
        conn.receive_eof();
    }
    let mut body = Vec::new();
    loop {
        match conn.next_event()? {
            Received::Event(Event::Data(d)) => body.extend_from_slice(&d),
            Received::Event(Event::EndOfMessage(_)) => return Ok((body, true)),
            Received::Event(_) => {}
            Received::NeedData | Received::Paused => return Ok((body, false)),
        }
    }
}

const BAD_REQUEST: Option<StatusCode> = Some(StatusCode::BAD_REQUEST);

#[test]
fn rfc9112_2_2_empty_lines_before_request_line_are_ignored() {
    let events = server_events(b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    assert_eq!(request_head(&events).method, Method::GET);
}

#[test]
fn rfc9112_2_3_higher_minor_version_is_served_as_http_11() {
    let events = server_events(b"GET / HTTP/1.9\r\nHost: a\r\n\r\n").unwrap();
    assert_eq!(request_head(&events).version, Version::HTTP_11);
}

#[test]
fn rfc9112_2_3_other_major_version_is_answered_with_505() {
    for input in [
        &b"GET / HTTP/2.0\r\nHost: a\r\n\r\n"[..],
        b"GET / HTTP/3.0\r\n\r\n",
        b"GET / HTTP/0.9\r\n\r\n",
        b"GET /\r\n\r\n",
    ] {
        assert_eq!(
            server_error(input),
            (
                ErrorKind::UnsupportedVersion,
                Some(StatusCode::HTTP_VERSION_NOT_SUPPORTED)
            )
        );
    }
}

/// RFC 9112 section 3: `request-line = method SP request-target SP HTTP-version`. A line
/// with a version but no method or no target is malformed (400), not an HTTP/0.9 request.
#[test]
fn rfc9112_3_request_line_missing_a_part_is_400() {
    for input in [
        &b"GET/ HTTP/1.1\r\nHost: a\r\n\r\n"[..],
        b"GET HTTP/1.1\r\nHost: a\r\n\r\n",
        b" / HTTP/1.1\r\nHost: a\r\n\r\n",
    ] {
        assert_eq!(
            server_error(input),
            (ErrorKind::BadStartLine, Some(StatusCode::BAD_REQUEST)),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn rfc9112_3_request_line_over_limit_is_414() {
    let input = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "x".repeat(9000));
    assert_eq!(
        server_error(input.as_bytes()),
        (
            ErrorKind::RequestLineTooLong,
            Some(StatusCode::URI_TOO_LONG)
        )
    );
    // also while the line is still arriving
    let mut conn = Connection::new(Role::Server);
    conn.receive(format!("GET /{}", "x".repeat(9000)).as_bytes());
    assert_eq!(
        conn.next_event().unwrap_err().kind(),
        ErrorKind::RequestLineTooLong
    );
}

#[test]
fn rfc9112_3_2_http11_request_without_host_is_rejected() {
    assert_eq!(
        server_error(b"GET / HTTP/1.1\r\n\r\n"),
        (ErrorKind::InvalidHost, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_3_2_more_than_one_host_is_rejected() {
    assert_eq!(
        server_error(b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
        (ErrorKind::InvalidHost, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_3_2_invalid_host_is_rejected() {
    assert_eq!(
        server_error(b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
        (ErrorKind::InvalidHost, BAD_REQUEST)
    );
    assert_eq!(
        server_error(b"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"),
        (ErrorKind::InvalidHost, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_3_2_http10_request_without_host_is_accepted() {
    assert!(server_events(b"GET / HTTP/1.0\r\n\r\n").is_ok());
}

#[test]
fn rfc9112_3_2_1_origin_form() {
    let events = server_events(b"GET /where?q=now HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    assert_eq!(request_head(&events).target.form(), TargetForm::Origin);
}

#[test]
fn rfc9112_3_2_2_absolute_form() {
    let events =
        server_events(b"GET http://www.example.org/pub/WWW/ HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    let head = request_head(&events);
    assert_eq!(head.target.form(), TargetForm::Absolute);
    assert_eq!(
        head.clone().into_parts().unwrap().uri.host(),
        Some("www.example.org")
    );
}

#[test]
fn rfc9112_3_2_3_authority_form_only_with_connect() {
    let events =
        server_events(b"CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n\r\n")
            .unwrap();
    assert_eq!(request_head(&events).target.form(), TargetForm::Authority);
    assert_eq!(
        server_error(b"GET www.example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n"),
        (ErrorKind::InvalidTarget, BAD_REQUEST)
    );
    assert_eq!(
        server_error(b"CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n"),
        (ErrorKind::InvalidTarget, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_3_2_4_asterisk_form_only_with_options() {
    let events = server_events(b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    assert_eq!(request_head(&events).target.form(), TargetForm::Asterisk);
    assert_eq!(
        server_error(b"GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
        (ErrorKind::InvalidTarget, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_5_1_whitespace_between_name_and_colon_is_rejected() {
    assert_eq!(
        server_error(b"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"),
        (ErrorKind::BadHeader, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_5_2_obs_fold_in_request_is_rejected() {
    assert_eq!(
        server_error(b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n"),
        (ErrorKind::BadHeader, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_5_header_section_over_limit_is_431() {
    let input = format!(
        "GET / HTTP/1.1\r\nHost: a\r\nCookie: {}\r\n\r\n",
        "c".repeat(70_000)
    );
    assert_eq!(
        server_error(input.as_bytes()),
        (
            ErrorKind::HeadTooLarge,
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        )
    );
}

#[test]
fn rfc9112_5_too_many_header_lines_is_431() {
    let mut input = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
    for i in 0..100 {
        input.push_str(&format!("X-{i}: v\r\n"));
    }
    input.push_str("\r\n");
    assert_eq!(
        server_error(input.as_bytes()),
        (
            ErrorKind::HeaderCount,
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        )
    );
}

#[test]
fn rfc9110_5_5_control_character_in_value_is_rejected() {
    assert_eq!(
        server_error(b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x1bb\r\n\r\n"),
        (ErrorKind::BadHeader, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_6_1_transfer_encoding_in_http10_request_is_rejected() {
    assert_eq!(
        server_error(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        (ErrorKind::AmbiguousFraming, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_6_1_unknown_transfer_coding_is_501() {
    let (kind, status) = server_error(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    );
    assert_eq!(
        (kind, status),
        (
            ErrorKind::UnsupportedTransferCoding,
            Some(StatusCode::NOT_IMPLEMENTED)
        )
    );
}

#[test]
fn rfc9112_6_1_chunked_applied_twice_is_rejected() {
    assert_eq!(
        server_error(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
        (ErrorKind::AmbiguousFraming, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_6_3_te_and_cl_in_request_is_rejected() {
    let input = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n";
    assert_eq!(
        server_error(input),
        (ErrorKind::AmbiguousFraming, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_6_3_chunked_not_final_in_request_is_rejected() {
    assert_eq!(
        server_error(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        (ErrorKind::AmbiguousFraming, BAD_REQUEST)
    );
}

#[test]
fn rfc9112_6_3_chunked_not_final_in_response_reads_until_close() {
    let (body, ended) = client_body(
        Method::GET,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz",
        true,
    )
    .unwrap();
    assert_eq!((body, ended), (b"zzz".to_vec(), true));
}

#[test]
fn rfc9112_6_3_response_to_head_has_no_body() {
    let (body, ended) = client_body(
        Method::HEAD,
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
        false,
    )
    .unwrap();
    assert_eq!((body, ended), (vec![], true));
}

#[test]
fn rfc9112_6_3_1xx_204_304_have_no_body() {
    for status in ["204 No Content", "304 Not Modified"] {
        let input = format!("HTTP/1.1 {status}\r\nContent-Length: 10\r\n\r\n");
        assert_eq!(
            client_body(Method::GET, input.as_bytes(), false).unwrap(),
            (vec![], true)
        );
    }
    let informational = client_body(
        Method::GET,
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
        false,
    );
    assert_eq!(informational.unwrap(), (b"x".to_vec(), true));
}

#[test]
fn rfc9112_6_3_2xx_to_connect_has_no_body() {
    let mut conn = Connection::new(Role::Client);
    let mut head = RequestHead::new(
        Method::CONNECT,
        Target::parse(&Method::CONNECT, Bytes::from_static(b"a:443")).unwrap(),
    );
    head.headers.insert("host", "a:443".parse().unwrap());
    conn.send(Event::Request(head), &mut WriteBuf::new())
        .unwrap();
    conn.send(Event::EndOfMessage(None), &mut WriteBuf::new())
        .unwrap();
    conn.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\ntunnel");
    assert!(matches!(
        conn.next_event(),
        Ok(Received::Event(Event::Response(_)))
    ));
    assert!(matches!(conn.next_event(), Ok(Received::Paused)));
    assert_eq!(conn.their_state(), State::SwitchedProtocol);
}

#[test]
fn rfc9112_6_3_invalid_content_length_is_unrecoverable() {
    assert_eq!(
        server_error(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5a\r\n\r\n"),
        (ErrorKind::InvalidContentLength, BAD_REQUEST)
    );
    let err = client_body(
        Method::GET,
        b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
        false,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidContentLength);
}

#[test]
fn rfc9112_6_3_content_length_delimits_the_body() {
    let (body, ended) = client_body(
        Method::GET,
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef",
        false,
    )
    .unwrap();
    assert_eq!((body, ended), (b"abc".to_vec(), true));
}

#[test]
fn rfc9112_6_3_request_without_framing_has_empty_body() {
    let events = server_events(b"POST / HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    assert!(matches!(
        events.as_slice(),
        [Event::Request(_), Event::EndOfMessage(None)]
    ));
}

#[test]
fn rfc9112_6_3_response_without_framing_reads_until_close() {
    assert_eq!(
        client_body(Method::GET, b"HTTP/1.1 200 OK\r\n\r\nabc", false).unwrap(),
        (b"abc".to_vec(), false)
    );
    assert_eq!(
        client_body(Method::GET, b"HTTP/1.1 200 OK\r\n\r\nabc", true).unwrap(),
        (b"abc".to_vec(), true)
    );
}

#[test]
fn rfc9112_6_3_te_and_cl_in_response_is_rejected() {
    let err = client_body(
        Method::GET,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        false,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AmbiguousFraming);
}

#[test]
fn rfc9112_6_1_response_framing_to_http10_is_close_delimited() {
    let h = HeaderMap::new();
    assert_eq!(
        response_framing(&Method::GET, Version::HTTP_10, StatusCode::OK, &h),
        Ok(Framing::UntilClose)
    );
    assert_eq!(
        response_framing(&Method::GET, Version::HTTP_11, StatusCode::OK, &h),
        Ok(Framing::Chunked)
    );
}

#[test]
fn rfc9110_8_6_content_length_on_204_is_not_sent() {
    let mut conn = Connection::new(Role::Server);
    conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    conn.next_event().unwrap();
    let mut head = ResponseHead::new(StatusCode::NO_CONTENT);
    head.headers.insert("content-length", "0".parse().unwrap());
    assert_eq!(
        conn.send(Event::Response(head), &mut WriteBuf::new())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidHead
    );
}

#[test]
fn rfc9112_7_1_chunk_size_overflow_is_rejected() {
    let input =
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n";
    assert_eq!(server_error(input), (ErrorKind::BadChunk, BAD_REQUEST));
}

#[test]
fn rfc9112_7_1_1_unknown_chunk_extensions_are_ignored() {
    let events = server_events(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b;c=\"d\"\r\nhi\r\n0;z\r\n\r\n").unwrap();
    assert!(matches!(&events[1], Event::Data(d) if d == "hi"));
    assert!(matches!(&events[2], Event::EndOfMessage(None)));
}

#[test]
fn rfc9112_7_1_2_trailer_fields_are_delivered() {
    let events = server_events(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nDigest: x\r\n\r\n",
    )
    .unwrap();
    assert!(matches!(&events[1], Event::EndOfMessage(Some(t)) if t["digest"] == "x"));
}

#[test]
fn rfc9112_8_incomplete_length_delimited_body_is_an_error() {
    let mut conn = Connection::new(Role::Server);
    conn.receive(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab");
    conn.receive_eof();
    conn.next_event().unwrap();
    conn.next_event().unwrap();
    assert_eq!(
        conn.next_event().unwrap_err().kind(),
        ErrorKind::IncompleteMessage
    );
}

#[test]
fn rfc9112_8_incomplete_chunked_body_is_an_error() {
    let err = client_body(
        Method::GET,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
        true,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IncompleteMessage);
}

#[test]
fn rfc9112_9_3_http11_persists_by_default() {
    let mut conn = Connection::new(Role::Server);
    conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    conn.next_event().unwrap();
    assert!(conn.is_keep_alive());
}

#[test]
fn rfc9112_9_3_close_option_disables_persistence() {
    let mut conn = Connection::new(Role::Server);
    conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n");
    conn.next_event().unwrap();
    assert!(!conn.is_keep_alive());
}

#[test]
fn rfc9112_9_3_http10_persists_only_with_keep_alive() {
    let mut plain = Connection::new(Role::Server);
    plain.receive(b"GET / HTTP/1.0\r\n\r\n");
    plain.next_event().unwrap();
    assert!(!plain.is_keep_alive());
    let mut keep = Connection::new(Role::Server);
    keep.receive(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    keep.next_event().unwrap();
    assert!(keep.is_keep_alive());
}

#[test]
fn rfc9110_15_5_14_body_over_limit_is_413() {
    let limits = Limits::default().with_max_body_size(Some(10));
    let mut conn = Connection::with_limits(Role::Server, limits);
    conn.receive(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
    let err = conn.next_event().unwrap_err();
    assert_eq!(
        (err.kind(), err.status()),
        (ErrorKind::BodyTooLarge, Some(StatusCode::PAYLOAD_TOO_LARGE))
    );
}
