//! `Connection::send_response_with_length`: the codec writes `Content-Length` for a body
//! whose size the caller knows, exactly where a length belongs.

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use spire_h1::{Connection, ErrorKind, Event, Received, ResponseHead, Role, State, WriteBuf};

/// A server connection that has read `request` and is ready to respond.
fn server_after(request: &[u8]) -> Connection {
    let mut conn = Connection::new(Role::Server);
    conn.receive(request);
    while conn
        .next_event()
        .is_ok_and(|r| !matches!(r, Received::NeedData | Received::Paused))
    {}
    conn
}

fn head(status: StatusCode) -> ResponseHead {
    ResponseHead::new(status)
}

fn written(out: &mut WriteBuf) -> String {
    String::from_utf8(out.flatten().to_vec()).unwrap()
}

#[test]
fn a_known_length_frames_the_body_and_is_written_once() {
    let mut conn = server_after(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), 5, &mut out)
        .unwrap();
    conn.send(Event::Data(Bytes::from_static(b"hello")), &mut out)
        .unwrap();
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    assert_eq!(
        written(&mut out),
        "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"
    );
    assert_eq!(conn.our_state(), State::Done);
}

#[test]
fn the_length_is_enforced_like_a_declared_one() {
    let mut conn = server_after(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), 2, &mut out)
        .unwrap();
    let err = conn
        .send(Event::Data(Bytes::from_static(b"three")), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyLongerThanDeclared);

    let mut conn = server_after(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), 4, &mut out)
        .unwrap();
    conn.send(Event::Data(Bytes::from_static(b"ab")), &mut out)
        .unwrap();
    let err = conn.send(Event::EndOfMessage(None), &mut out).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyShorterThanDeclared);
}

#[test]
fn large_lengths_are_written_in_full() {
    let mut conn = server_after(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), u64::MAX, &mut out)
        .unwrap();
    assert_eq!(
        written(&mut out),
        "HTTP/1.1 200 OK\r\ncontent-length: 18446744073709551615\r\n\r\n"
    );
}

#[test]
fn a_head_response_carries_the_length_a_get_would_have_but_no_body() {
    let mut conn = server_after(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), 13, &mut out)
        .unwrap();
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    assert_eq!(
        written(&mut out),
        "HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\n"
    );
}

#[test]
fn a_head_response_with_length_zero_says_nothing_about_the_length() {
    let mut conn = server_after(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), 0, &mut out)
        .unwrap();
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    assert_eq!(written(&mut out), "HTTP/1.1 200 OK\r\n\r\n");
}

#[test]
fn no_length_where_none_belongs() {
    for status in [StatusCode::NO_CONTENT, StatusCode::NOT_MODIFIED] {
        let mut conn = server_after(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        let mut out = WriteBuf::new();
        conn.send_response_with_length(head(status), 0, &mut out)
            .unwrap();
        conn.send(Event::EndOfMessage(None), &mut out).unwrap();
        let text = written(&mut out);
        assert!(!text.contains("content-length"), "{status}: {text}");
    }
    let mut conn = server_after(b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), 0, &mut out)
        .unwrap();
    assert_eq!(written(&mut out), "HTTP/1.1 200 OK\r\n\r\n");
    assert_eq!(conn.our_state(), State::SwitchedProtocol);
}

#[test]
fn a_head_that_frames_itself_wins() {
    let mut conn = server_after(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    let mut response = head(StatusCode::OK);
    response
        .headers
        .insert("content-length", HeaderValue::from_static("3"));
    conn.send_response_with_length(response, 3, &mut out)
        .unwrap();
    assert_eq!(
        written(&mut out),
        "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n"
    );

    let mut conn = server_after(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut out = WriteBuf::new();
    let mut response = head(StatusCode::OK);
    response
        .headers
        .insert("transfer-encoding", HeaderValue::from_static("chunked"));
    conn.send_response_with_length(response, 3, &mut out)
        .unwrap();
    conn.send(Event::Data(Bytes::from_static(b"abc")), &mut out)
        .unwrap();
    conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    assert_eq!(
        written(&mut out),
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    );
}

#[test]
fn an_http10_client_gets_the_length_and_its_keep_alive_rules() {
    let mut conn = server_after(b"GET / HTTP/1.0\r\n\r\n");
    let mut out = WriteBuf::new();
    conn.send_response_with_length(head(StatusCode::OK), 2, &mut out)
        .unwrap();
    assert_eq!(
        written(&mut out),
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n"
    );
}

#[test]
fn only_a_server_sends_responses() {
    let mut conn = Connection::new(Role::Client);
    let mut out = WriteBuf::new();
    let err = conn
        .send_response_with_length(head(StatusCode::OK), 1, &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransition);
}
