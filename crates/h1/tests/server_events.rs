//! Server role: bytes in → expected events, and what the server writes back.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Version};
use spire_h1::{
    Connection, ErrorKind, Event, OriginalHeaders, Received, ResponseHead, Role, State, WriteBuf,
};

/// What one `next_event` call gave, in a comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Request(Method, String, Version),
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
        Ok(Received::Event(Event::Request(h))) => {
            Step::Request(h.method, h.target.as_str().to_owned(), h.version)
        }
        Ok(Received::Event(Event::Data(d))) => Step::Data(d.to_vec()),
        Ok(Received::Event(Event::EndOfMessage(t))) => Step::End(t),
        Ok(Received::Event(Event::ConnectionClosed)) => Step::Closed,
        Ok(Received::Event(_)) => Step::Other,
        Ok(Received::NeedData) => Step::NeedData,
        Ok(Received::Paused) => Step::Paused,
        Err(e) => Step::Error(e.kind()),
    }
}

/// Calls `next_event` until `NeedData`, `Paused`, `Closed` or an error.
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

fn server(input: &[u8]) -> Connection {
    let mut conn = Connection::new(Role::Server);
    conn.receive(input);
    conn
}

fn get(target: &str) -> Step {
    Step::Request(Method::GET, target.to_owned(), Version::HTTP_11)
}

fn respond(
    conn: &mut Connection,
    status: StatusCode,
    headers: &[(&'static str, &'static str)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = ResponseHead::new(status);
    for (k, v) in headers {
        head.headers.append(*k, HeaderValue::from_static(v));
    }
    let mut out = WriteBuf::new();
    conn.send(Event::Response(head), &mut out).unwrap();
    if !body.is_empty() {
        conn.send(Event::Data(Bytes::copy_from_slice(body)), &mut out)
            .unwrap();
    }
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    out.flatten().to_vec()
}

#[test]
fn server_simple_get() {
    let mut conn = server(b"GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(
        drain(&mut conn),
        [get("/index.html"), Step::End(None), Step::NeedData]
    );
    assert_eq!(
        (conn.their_state(), conn.our_state()),
        (State::Done, State::SendResponse)
    );
}

#[test]
fn server_post_with_content_length() {
    let mut conn = server(b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
    let steps = drain(&mut conn);
    assert_eq!(
        steps[1..],
        [
            Step::Data(b"hello".to_vec()),
            Step::End(None),
            Step::NeedData
        ]
    );
}

#[test]
fn server_body_arrives_in_pieces() {
    let mut conn = server(b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nab");
    assert_eq!(
        drain(&mut conn)[1..],
        [Step::Data(b"ab".to_vec()), Step::NeedData]
    );
    conn.receive(b"cdef");
    assert_eq!(
        drain(&mut conn),
        [
            Step::Data(b"cdef".to_vec()),
            Step::End(None),
            Step::NeedData
        ]
    );
}

#[test]
fn server_chunked_request_with_trailers() {
    let mut conn = server(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 9\r\n\r\n");
    let steps = drain(&mut conn);
    let mut trailers = HeaderMap::new();
    trailers.insert("x-sum", HeaderValue::from_static("9"));
    assert_eq!(
        steps[1..],
        [
            Step::Data(b"abc".to_vec()),
            Step::Data(b"de".to_vec()),
            Step::End(Some(trailers)),
            Step::NeedData
        ]
    );
}

#[test]
fn server_pipelined_requests_wait_for_next_cycle() {
    let mut conn = server(b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(drain(&mut conn), [get("/1"), Step::End(None), Step::Paused]);
    assert_eq!(step(&mut conn), Step::Paused);
    respond(&mut conn, StatusCode::OK, &[("content-length", "0")], b"");
    conn.start_next_cycle().unwrap();
    assert_eq!(
        drain(&mut conn),
        [get("/2"), Step::End(None), Step::NeedData]
    );
}

#[test]
fn server_start_next_cycle_requires_both_done() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    assert_eq!(
        conn.start_next_cycle().unwrap_err().kind(),
        ErrorKind::InvalidTransition
    );
}

#[test]
fn server_expect_continue() {
    let mut conn =
        server(b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
    assert_eq!(drain(&mut conn).len(), 2);
    assert!(conn.peer_expects_continue());
    let mut out = WriteBuf::new();
    conn.send(
        Event::Informational(ResponseHead::new(StatusCode::CONTINUE)),
        &mut out,
    )
    .unwrap();
    assert_eq!(&out.flatten()[..], b"HTTP/1.1 100 Continue\r\n\r\n");
    assert!(!conn.peer_expects_continue());
    assert_eq!(conn.our_state(), State::SendResponse);
    conn.receive(b"ok");
    assert_eq!(
        drain(&mut conn),
        [Step::Data(b"ok".to_vec()), Step::End(None), Step::NeedData]
    );
}

#[test]
fn server_expect_continue_cleared_by_body_and_ignored_for_http10() {
    let mut conn = server(
        b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok",
    );
    conn.next_event().unwrap();
    assert!(conn.peer_expects_continue());
    conn.next_event().unwrap();
    assert!(!conn.peer_expects_continue());
    let mut conn = server(b"PUT /f HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
    conn.next_event().unwrap();
    assert!(!conn.peer_expects_continue());
}

#[test]
fn server_eof_handling() {
    let mut idle = server(b"");
    idle.receive_eof();
    assert_eq!(step(&mut idle), Step::Closed);
    assert_eq!(idle.their_state(), State::Closed);

    let mut mid_head = server(b"GET / HTTP/1.1\r\nHo");
    mid_head.receive_eof();
    assert_eq!(
        step(&mut mid_head),
        Step::Error(ErrorKind::IncompleteMessage)
    );

    let mut mid_body = server(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nabc");
    mid_body.receive_eof();
    assert_eq!(
        drain(&mut mid_body)[1..],
        [
            Step::Data(b"abc".to_vec()),
            Step::Error(ErrorKind::IncompleteMessage)
        ]
    );
    assert_eq!(mid_body.their_state(), State::Error);
    // the error is sticky
    assert_eq!(
        step(&mut mid_body),
        Step::Error(ErrorKind::IncompleteMessage)
    );

    let mut after_request = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    after_request.receive_eof();
    assert_eq!(
        drain(&mut after_request),
        [get("/"), Step::End(None), Step::Closed]
    );
    // the client half-closed; we can still answer
    respond(
        &mut after_request,
        StatusCode::OK,
        &[("content-length", "0")],
        b"",
    );
}

#[test]
fn server_http10_gets_close_delimited_response() {
    let mut conn = server(b"GET / HTTP/1.0\r\n\r\n");
    drain(&mut conn);
    assert!(!conn.is_keep_alive());
    let wire = respond(&mut conn, StatusCode::OK, &[], b"hi");
    assert_eq!(wire, b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nhi");
    assert_eq!(conn.our_state(), State::MustClose);
    assert_eq!(conn.their_state(), State::MustClose);
}

#[test]
fn server_http10_keep_alive_is_honoured() {
    let mut conn = server(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    drain(&mut conn);
    assert!(conn.is_keep_alive());
    let wire = respond(&mut conn, StatusCode::OK, &[("content-length", "2")], b"hi");
    assert_eq!(
        wire,
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nhi"
    );
    conn.start_next_cycle().unwrap();
}

#[test]
fn server_http11_response_without_length_is_chunked_with_date() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    conn.set_date(HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"));
    drain(&mut conn);
    let wire = respond(&mut conn, StatusCode::OK, &[], b"hello");
    assert_eq!(
        wire,
        b"HTTP/1.1 200 OK\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    );
    assert!(conn.is_keep_alive());
}

#[test]
fn server_connection_close_request_means_must_close() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    drain(&mut conn);
    let wire = respond(&mut conn, StatusCode::OK, &[("content-length", "0")], b"");
    assert_eq!(
        wire,
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    assert_eq!(
        conn.start_next_cycle().unwrap_err().kind(),
        ErrorKind::InvalidTransition
    );
    assert_eq!(conn.our_state(), State::MustClose);
}

#[test]
fn server_response_connection_close_disables_keep_alive() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    respond(
        &mut conn,
        StatusCode::OK,
        &[("connection", "close"), ("content-length", "0")],
        b"",
    );
    assert!(!conn.is_keep_alive());
}

#[test]
fn server_head_response_discards_body_keeps_length() {
    let mut conn = server(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    let wire = respond(
        &mut conn,
        StatusCode::OK,
        &[("content-length", "5")],
        b"hello",
    );
    assert_eq!(wire, b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n");
    conn.start_next_cycle().unwrap();
}

#[test]
fn server_websocket_upgrade_switches_protocol() {
    let mut conn = server(b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello");
    assert_eq!(
        drain(&mut conn),
        [get("/ws"), Step::End(None), Step::Paused]
    );
    assert_eq!(conn.their_state(), State::MightSwitchProtocol);
    let mut head = ResponseHead::new(StatusCode::SWITCHING_PROTOCOLS);
    head.headers
        .insert("upgrade", HeaderValue::from_static("websocket"));
    head.headers
        .insert("connection", HeaderValue::from_static("upgrade"));
    let mut out = WriteBuf::new();
    conn.send(Event::Response(head), &mut out).unwrap();
    assert_eq!(
        (conn.our_state(), conn.their_state()),
        (State::SwitchedProtocol, State::SwitchedProtocol)
    );
    assert_eq!(step(&mut conn), Step::Paused);
    assert_eq!(&conn.into_parts().read_buf[..], b"\x81\x05hello");
}

#[test]
fn server_upgrade_declined_continues_normally() {
    let mut conn =
        server(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n");
    drain(&mut conn);
    respond(&mut conn, StatusCode::OK, &[("content-length", "0")], b"");
    assert_eq!(conn.their_state(), State::Done);
    conn.start_next_cycle().unwrap();
}

#[test]
fn server_101_without_upgrade_is_rejected_locally() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    let mut out = WriteBuf::new();
    let err = conn
        .send(
            Event::Response(ResponseHead::new(StatusCode::SWITCHING_PROTOCOLS)),
            &mut out,
        )
        .unwrap_err();
    assert!(err.is_local());
    assert!(out.is_empty());
    // an invalid head changes no state: a fallback response is still possible
    respond(
        &mut conn,
        StatusCode::INTERNAL_SERVER_ERROR,
        &[("content-length", "0")],
        b"",
    );
}

#[test]
fn server_connect_tunnel() {
    let mut conn =
        server(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01");
    assert_eq!(drain(&mut conn)[1..], [Step::End(None), Step::Paused]);
    let mut out = WriteBuf::new();
    conn.send(Event::Response(ResponseHead::new(StatusCode::OK)), &mut out)
        .unwrap();
    assert_eq!(&out.flatten()[..], b"HTTP/1.1 200 OK\r\n\r\n");
    assert_eq!(conn.our_state(), State::SwitchedProtocol);
    assert_eq!(&conn.into_parts().read_buf[..], b"\x16\x03\x01");
}

#[test]
fn server_answers_after_a_parse_error() {
    let mut conn = server(b"GET / HTTP/1.1\r\n\r\n");
    let err = conn.next_event().unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(conn.their_state(), State::Error);
    let wire = respond(
        &mut conn,
        StatusCode::BAD_REQUEST,
        &[("content-length", "0")],
        b"",
    );
    assert_eq!(
        wire,
        b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    assert_eq!(conn.our_state(), State::MustClose);
}

#[test]
fn server_local_misuse_moves_our_state_to_error() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    let mut out = WriteBuf::new();
    let err = conn
        .send(Event::Data(Bytes::from_static(b"x")), &mut out)
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.status()),
        (ErrorKind::InvalidTransition, None)
    );
    assert_eq!(conn.our_state(), State::Error);

    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    let mut head = ResponseHead::new(StatusCode::OK);
    head.headers
        .insert("content-length", HeaderValue::from_static("1"));
    conn.send(Event::Response(head), &mut out).unwrap();
    let err = conn
        .send(Event::Data(Bytes::from_static(b"xy")), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyLongerThanDeclared);
    assert_eq!(conn.our_state(), State::Error);
}

#[test]
fn server_preserves_header_case_and_order() {
    let mut conn =
        server(b"GET / HTTP/1.1\r\nX-lower-Upper: 1\r\nHOST: a\r\nx-lower-upper: 2\r\n\r\n");
    conn.set_preserve_header_case(true);
    let Ok(Received::Event(Event::Request(req))) = conn.next_event() else {
        panic!("expected a request")
    };
    let original = req.original.clone().unwrap();
    let names: Vec<&[u8]> = original.iter().collect();
    assert_eq!(names, [&b"X-lower-Upper"[..], b"HOST", b"x-lower-upper"]);
    drain(&mut conn);
    // echo the request headers back in their original spelling and order
    let mut head = ResponseHead::new(StatusCode::OK);
    head.headers = req.headers.clone();
    head.headers
        .insert("content-length", HeaderValue::from_static("0"));
    let mut with_length: OriginalHeaders = original.iter().map(Bytes::copy_from_slice).collect();
    with_length.push("Content-Length");
    head.original = Some(with_length);
    let mut out = WriteBuf::new();
    conn.send(Event::Response(head), &mut out).unwrap();
    assert_eq!(&out.flatten()[..], b"HTTP/1.1 200 OK\r\nX-lower-Upper: 1\r\nHOST: a\r\nx-lower-upper: 2\r\nContent-Length: 0\r\n\r\n");
}

#[test]
fn server_title_case_headers() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    conn.set_title_case_headers(true);
    drain(&mut conn);
    let wire = respond(
        &mut conn,
        StatusCode::OK,
        &[("x-powered-by", "spire"), ("content-length", "0")],
        b"",
    );
    assert_eq!(
        wire,
        b"HTTP/1.1 200 OK\r\nX-Powered-By: spire\r\nContent-Length: 0\r\n\r\n"
    );
}

#[test]
fn server_read_buf_is_the_zero_copy_input() {
    let mut conn = Connection::new(Role::Server);
    conn.read_buf()
        .extend_from_slice(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz");
    let base = conn.read_buf().as_ptr() as usize;
    conn.next_event().unwrap();
    let Ok(Received::Event(Event::Data(data))) = conn.next_event() else {
        panic!("expected data")
    };
    assert_eq!(data.as_ptr() as usize, base + 47);
}

#[test]
fn server_http_1_2_is_served_as_http_11() {
    let mut conn = server(b"GET / HTTP/1.2\r\nHost: a\r\n\r\n");
    assert_eq!(drain(&mut conn)[0], get("/"));
}

#[test]
fn server_informational_103_early_hints() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    let mut hints = ResponseHead::new(StatusCode::from_u16(103).unwrap());
    hints
        .headers
        .insert("link", HeaderValue::from_static("</a.css>; rel=preload"));
    let mut out = WriteBuf::new();
    conn.send(Event::Informational(hints), &mut out).unwrap();
    assert_eq!(
        &out.flatten()[..],
        b"HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n"
    );
    let err = conn
        .send(
            Event::Informational(ResponseHead::new(StatusCode::OK)),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidHead);
}

#[test]
fn server_client_closing_after_done() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    respond(&mut conn, StatusCode::OK, &[("content-length", "0")], b"");
    conn.receive_eof();
    assert_eq!(step(&mut conn), Step::Closed);
    let mut out = WriteBuf::new();
    conn.send(Event::ConnectionClosed, &mut out).unwrap();
    assert_eq!(conn.our_state(), State::Closed);
}

#[test]
fn server_final_response_to_waiting_expect_continue_closes() {
    let mut conn =
        server(b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
    drain(&mut conn);
    let wire = respond(
        &mut conn,
        StatusCode::PAYLOAD_TOO_LARGE,
        &[("content-length", "0")],
        b"",
    );
    assert_eq!(
        wire,
        b"HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    assert!(!conn.is_keep_alive());
    assert!(!conn.peer_expects_continue());
}

#[test]
fn server_response_without_request_closes() {
    let mut conn = Connection::new(Role::Server);
    let wire = respond(
        &mut conn,
        StatusCode::REQUEST_TIMEOUT,
        &[("content-length", "0")],
        b"",
    );
    assert_eq!(
        wire,
        b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    assert_eq!(conn.our_state(), State::MustClose);
}

#[test]
fn server_informational_to_http10_client_is_dropped() {
    let mut conn = server(b"GET / HTTP/1.0\r\n\r\n");
    drain(&mut conn);
    let mut out = WriteBuf::new();
    conn.send(
        Event::Informational(ResponseHead::new(StatusCode::from_u16(103).unwrap())),
        &mut out,
    )
    .unwrap();
    assert!(out.is_empty());
    assert_eq!(conn.our_state(), State::SendResponse);
}

#[test]
fn server_disable_keep_alive_for_graceful_shutdown() {
    let mut conn = server(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    drain(&mut conn);
    assert!(conn.is_keep_alive());
    conn.disable_keep_alive();
    let wire = respond(&mut conn, StatusCode::OK, &[("content-length", "0")], b"");
    assert_eq!(
        wire,
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    assert_eq!(
        (conn.our_state(), conn.their_state()),
        (State::MustClose, State::MustClose)
    );
    assert!(conn.start_next_cycle().is_err());
}

#[test]
fn the_next_request_has_only_its_own_headers() {
    // The codec reuses the map of the response it sent for the next request's fields; none
    // of the response's fields may show through.
    let mut conn = Connection::new(Role::Server);
    conn.receive(b"GET /1 HTTP/1.1\r\nHost: a\r\nX-First: 1\r\n\r\n");
    assert!(matches!(
        conn.next_event(),
        Ok(Received::Event(Event::Request(_)))
    ));
    assert!(matches!(
        conn.next_event(),
        Ok(Received::Event(Event::EndOfMessage(None)))
    ));
    let mut out = WriteBuf::new();
    let mut response = ResponseHead::new(StatusCode::OK);
    for (name, value) in [
        ("x-secret", "s"),
        ("content-type", "text/plain"),
        ("x-other", "o"),
    ] {
        response
            .headers
            .insert(name, HeaderValue::from_static(value));
    }
    conn.send_response_with_length(response, 0, &mut out)
        .unwrap();
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    conn.start_next_cycle().unwrap();

    conn.receive(b"GET /2 HTTP/1.1\r\nHost: b\r\n\r\n");
    let Ok(Received::Event(Event::Request(head))) = conn.next_event() else {
        panic!("expected the second request");
    };
    assert_eq!(head.headers.len(), 1, "{:?}", head.headers);
    assert_eq!(head.headers["host"], "b");
}
