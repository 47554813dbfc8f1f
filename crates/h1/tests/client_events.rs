//! Client role: what the client writes, and response bytes in → expected events.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Version};
use spire_h1::{
    Connection, ErrorKind, Event, Received, RequestHead, Role, State, Target, WriteBuf,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Informational(StatusCode),
    Response(StatusCode, Version),
    Data(Vec<u8>),
    End(Option<HeaderMap>),
    Closed,
    NeedData,
    Paused,
    Error(ErrorKind),
    Other,
}

fn step(conn: &mut Connection) -> Step {
    match conn.next_event() {
        Ok(Received::Event(Event::Informational(h))) => Step::Informational(h.status),
        Ok(Received::Event(Event::Response(h))) => Step::Response(h.status, h.version),
        Ok(Received::Event(Event::Data(d))) => Step::Data(d.to_vec()),
        Ok(Received::Event(Event::EndOfMessage(t))) => Step::End(t),
        Ok(Received::Event(Event::ConnectionClosed)) => Step::Closed,
        Ok(Received::Event(_)) => Step::Other,
        Ok(Received::NeedData) => Step::NeedData,
        Ok(Received::Paused) => Step::Paused,
        Err(e) => Step::Error(e.kind()),
    }
}

fn drain(conn: &mut Connection) -> Vec<Step> {
    let mut steps = Vec::new();
    loop {
        let s = step(conn);
        let stop = matches!(
            s,
            Step::NeedData | Step::Paused | Step::Error(_) | Step::Closed
        );
        steps.push(s);
        if stop {
            return steps;
        }
    }
}

fn request(
    method: Method,
    target: &'static str,
    headers: &[(&'static str, &'static str)],
) -> RequestHead {
    let mut head = RequestHead::new(
        method.clone(),
        Target::parse(&method, Bytes::from_static(target.as_bytes())).unwrap(),
    );
    head.headers
        .insert("host", HeaderValue::from_static("example.com"));
    for (k, v) in headers {
        head.headers.append(*k, HeaderValue::from_static(v));
    }
    head
}

/// A client that has sent a bodiless request; returns the connection and the request bytes.
fn sent(
    method: Method,
    target: &'static str,
    headers: &[(&'static str, &'static str)],
) -> (Connection, Vec<u8>) {
    let mut conn = Connection::new(Role::Client);
    let mut out = WriteBuf::new();
    conn.send(Event::Request(request(method, target, headers)), &mut out)
        .unwrap();
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    (conn, out.flatten().to_vec())
}

const OK: Step = Step::Response(StatusCode::OK, Version::HTTP_11);

#[test]
fn client_writes_request_line_and_headers() {
    let (conn, wire) = sent(Method::GET, "/a?b=c", &[("accept", "*/*")]);
    assert_eq!(
        wire,
        b"GET /a?b=c HTTP/1.1\r\nhost: example.com\r\naccept: */*\r\n\r\n"
    );
    assert_eq!(
        (conn.our_state(), conn.their_state()),
        (State::Done, State::SendResponse)
    );
}

#[test]
fn client_reads_length_delimited_response_and_reuses_connection() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    assert_eq!(
        drain(&mut conn),
        [
            OK,
            Step::Data(b"hello".to_vec()),
            Step::End(None),
            Step::NeedData
        ]
    );
    conn.start_next_cycle().unwrap();
    assert_eq!(
        (conn.our_state(), conn.their_state()),
        (State::Idle, State::Idle)
    );
}

#[test]
fn client_response_to_head_has_no_body() {
    let (mut conn, _) = sent(Method::HEAD, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    assert_eq!(drain(&mut conn), [OK, Step::End(None), Step::NeedData]);
}

#[test]
fn client_204_and_304_have_no_body() {
    for status in [204u16, 304] {
        let (mut conn, _) = sent(Method::GET, "/", &[]);
        conn.receive(format!("HTTP/1.1 {status} X\r\nContent-Length: 3\r\n\r\n").as_bytes());
        let status = StatusCode::from_u16(status).unwrap();
        assert_eq!(
            drain(&mut conn),
            [
                Step::Response(status, Version::HTTP_11),
                Step::End(None),
                Step::NeedData
            ]
        );
    }
}

#[test]
fn client_informational_then_final() {
    let (mut conn, _) = sent(Method::POST, "/", &[("content-length", "0")]);
    conn.receive(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(
        drain(&mut conn),
        [
            Step::Informational(StatusCode::CONTINUE),
            Step::Informational(StatusCode::from_u16(103).unwrap()),
            OK,
            Step::End(None),
            Step::NeedData
        ]
    );
}

#[test]
fn client_close_delimited_response() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\n\r\nsome");
    assert_eq!(
        drain(&mut conn),
        [OK, Step::Data(b"some".to_vec()), Step::NeedData]
    );
    assert!(!conn.is_keep_alive());
    conn.receive(b" more");
    conn.receive_eof();
    assert_eq!(
        drain(&mut conn),
        [Step::Data(b" more".to_vec()), Step::End(None), Step::Closed]
    );
    assert_eq!(conn.their_state(), State::Closed);
}

#[test]
fn client_chunked_response_with_trailers() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;x\r\npedia\r\n0\r\nExpires: never\r\n\r\n");
    let mut trailers = HeaderMap::new();
    trailers.insert("expires", HeaderValue::from_static("never"));
    assert_eq!(
        drain(&mut conn),
        [
            OK,
            Step::Data(b"wiki".to_vec()),
            Step::Data(b"pedia".to_vec()),
            Step::End(Some(trailers)),
            Step::NeedData
        ]
    );
}

#[test]
fn client_http10_response_is_not_persistent() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(
        drain(&mut conn)[0],
        Step::Response(StatusCode::OK, Version::HTTP_10)
    );
    assert!(!conn.is_keep_alive());
    assert_eq!(conn.their_state(), State::MustClose);
}

#[test]
fn client_upgrade_accepted() {
    let (mut conn, _) = sent(
        Method::GET,
        "/chat",
        &[("connection", "upgrade"), ("upgrade", "websocket")],
    );
    assert_eq!(conn.our_state(), State::MightSwitchProtocol);
    conn.receive(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00");
    assert_eq!(
        drain(&mut conn),
        [
            Step::Response(StatusCode::SWITCHING_PROTOCOLS, Version::HTTP_11),
            Step::Paused
        ]
    );
    assert_eq!(
        (conn.our_state(), conn.their_state()),
        (State::SwitchedProtocol, State::SwitchedProtocol)
    );
    assert_eq!(&conn.into_parts().read_buf[..], b"\x81\x00");
}

#[test]
fn client_upgrade_declined() {
    let (mut conn, _) = sent(
        Method::GET,
        "/",
        &[("connection", "upgrade"), ("upgrade", "h2c")],
    );
    conn.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(drain(&mut conn), [OK, Step::End(None), Step::NeedData]);
    assert_eq!(conn.our_state(), State::Done);
    conn.start_next_cycle().unwrap();
}

#[test]
fn client_unexpected_101_is_an_error() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 101 Switching Protocols\r\n\r\n");
    assert_eq!(step(&mut conn), Step::Error(ErrorKind::UnexpectedStatus));
    assert_eq!(conn.their_state(), State::Error);
}

#[test]
fn client_connect_tunnel() {
    let (mut conn, wire) = sent(Method::CONNECT, "example.com:443", &[]);
    assert!(wire.starts_with(b"CONNECT example.com:443 HTTP/1.1\r\n"));
    conn.receive(b"HTTP/1.1 200 Connection Established\r\n\r\ntls");
    assert_eq!(drain(&mut conn), [OK, Step::Paused]);
    assert_eq!(&conn.into_parts().read_buf[..], b"tls");
}

#[test]
fn client_connect_refused_has_a_body() {
    let (mut conn, _) = sent(Method::CONNECT, "example.com:443", &[]);
    conn.receive(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
    let steps = drain(&mut conn);
    assert_eq!(
        steps[1..],
        [Step::Data(b"no".to_vec()), Step::End(None), Step::NeedData]
    );
    assert_eq!(conn.our_state(), State::Done);
}

#[test]
fn client_request_body_framing() {
    let mut conn = Connection::new(Role::Client);
    let mut out = WriteBuf::new();
    conn.send(
        Event::Request(request(Method::POST, "/", &[("content-length", "3")])),
        &mut out,
    )
    .unwrap();
    let err = conn
        .send(Event::Data(Bytes::from_static(b"abcd")), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyLongerThanDeclared);
    assert_eq!(conn.our_state(), State::Error);

    let mut conn = Connection::new(Role::Client);
    let mut out = WriteBuf::new();
    conn.send(
        Event::Request(request(
            Method::POST,
            "/",
            &[("transfer-encoding", "chunked")],
        )),
        &mut out,
    )
    .unwrap();
    conn.send(Event::Data(Bytes::from_static(b"abcd")), &mut out)
        .unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("x-t", HeaderValue::from_static("1"));
    conn.send(Event::EndOfMessage(Some(trailers)), &mut out)
        .unwrap();
    assert!(
        out.flatten()
            .ends_with(b"\r\n\r\n4\r\nabcd\r\n0\r\nx-t: 1\r\n\r\n")
    );
}

#[test]
fn client_request_without_host_is_rejected_without_state_change() {
    let mut conn = Connection::new(Role::Client);
    let head = RequestHead::new(
        Method::GET,
        Target::parse(&Method::GET, Bytes::from_static(b"/")).unwrap(),
    );
    let mut out = WriteBuf::new();
    let err = conn.send(Event::Request(head), &mut out).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidHead);
    assert!(out.is_empty());
    assert_eq!(conn.our_state(), State::Idle);
}

#[test]
fn client_cannot_send_a_response() {
    let mut conn = Connection::new(Role::Client);
    let err = conn
        .send(
            Event::Response(spire_h1::ResponseHead::new(StatusCode::OK)),
            &mut WriteBuf::new(),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransition);
}

#[test]
fn client_connection_close_request() {
    let (mut conn, _) = sent(Method::GET, "/", &[("connection", "close")]);
    assert!(!conn.is_keep_alive());
    assert_eq!(conn.our_state(), State::MustClose);
    conn.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(drain(&mut conn), [OK, Step::End(None), Step::NeedData]);
    assert_eq!(conn.their_state(), State::MustClose);
}

#[test]
fn client_server_closing_mid_response_is_an_error() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\nContent-Le");
    conn.receive_eof();
    assert_eq!(step(&mut conn), Step::Error(ErrorKind::IncompleteMessage));
}

#[test]
fn client_extra_bytes_after_response_pause() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n");
    assert_eq!(drain(&mut conn), [OK, Step::End(None), Step::Paused]);
}

#[test]
fn client_from_http_parts() {
    let req = http::Request::post("http://example.com:8080/upload?x=1")
        .header("content-length", "0")
        .body(())
        .unwrap();
    let head = RequestHead::from_parts(req.into_parts().0);
    let mut conn = Connection::new(Role::Client);
    let mut out = WriteBuf::new();
    conn.send(Event::Request(head), &mut out).unwrap();
    assert_eq!(
        &out.flatten()[..],
        b"POST /upload?x=1 HTTP/1.1\r\ncontent-length: 0\r\nhost: example.com:8080\r\n\r\n"
    );
}

#[test]
fn client_response_head_into_http_parts() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.set_preserve_header_case(true);
    conn.receive(b"HTTP/1.1 201 Created\r\nX-Id: 7\r\nContent-Length: 0\r\n\r\n");
    let Ok(Received::Event(Event::Response(head))) = conn.next_event() else {
        panic!("expected a response")
    };
    let parts = head.into_parts();
    assert_eq!(parts.status, StatusCode::CREATED);
    assert_eq!(parts.headers["x-id"], "7");
    assert_eq!(
        parts
            .extensions
            .get::<spire_h1::OriginalHeaders>()
            .map(|o| o.len()),
        Some(2)
    );
}

#[test]
fn client_response_strictness() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(step(&mut conn), Step::Error(ErrorKind::BadHeader));

    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n");
    assert_eq!(step(&mut conn), Step::Error(ErrorKind::AmbiguousFraming));

    // bare LF line endings are tolerated from servers
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 OK\nContent-Length: 1\n\nx");
    assert_eq!(
        drain(&mut conn),
        [
            OK,
            Step::Data(b"x".to_vec()),
            Step::End(None),
            Step::NeedData
        ]
    );
}

/// RFC 9112 section 4: `reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )`. A phrase with
/// obs-text bytes (not UTF-8) is kept as received, byte for byte.
#[test]
fn rfc9112_4_obs_text_reason_phrase_is_kept() {
    let (mut conn, _) = sent(Method::GET, "/", &[]);
    conn.receive(b"HTTP/1.1 200 Ok \xe9t\xe9\r\nContent-Length: 0\r\n\r\n");
    let Ok(Received::Event(Event::Response(head))) = conn.next_event() else {
        panic!("expected a response head");
    };
    assert_eq!(head.reason.as_deref(), Some(&b"Ok \xe9t\xe9"[..]));
}

#[test]
fn client_keeps_utf8_and_empty_reason_phrases() {
    for (bytes, reason) in [
        (
            &b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"[..],
            &b"Not Found"[..],
        ),
        (&b"HTTP/1.1 204 \r\n\r\n"[..], &b""[..]),
        (&b"HTTP/1.1 204\r\n\r\n"[..], &b""[..]),
    ] {
        let (mut conn, _) = sent(Method::GET, "/", &[]);
        conn.receive(bytes);
        let Ok(Received::Event(Event::Response(head))) = conn.next_event() else {
            panic!("expected a response head for {bytes:?}");
        };
        assert_eq!(
            head.reason.as_deref().unwrap_or_default(),
            reason,
            "{bytes:?}"
        );
    }
}
