//! A client and a server connection back to back, no sockets: keep-alive decisions over
//! several exchanges.

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode, Version};
use spire_h1::{
    Connection, Event, Received, RequestHead, ResponseHead, Role, State, Target, WriteBuf,
};

struct Pair {
    client: Connection,
    server: Connection,
}

/// Moves everything in `out` into `to`, then reads events until `NeedData` or `Paused`.
fn deliver(out: &mut WriteBuf, to: &mut Connection) -> Vec<Event> {
    to.receive(&out.flatten());
    let mut events = Vec::new();
    while let Ok(Received::Event(ev)) = to.next_event() {
        let closed = matches!(ev, Event::ConnectionClosed);
        events.push(ev);
        if closed {
            break;
        }
    }
    events
}

impl Pair {
    fn new() -> Self {
        Self {
            client: Connection::new(Role::Client),
            server: Connection::new(Role::Server),
        }
    }

    /// One exchange; returns the events each side received.
    fn exchange(
        &mut self,
        version: Version,
        req_headers: &[(&'static str, &'static str)],
        res_headers: &[(&'static str, &'static str)],
        body: &'static [u8],
    ) -> (Vec<Event>, Vec<Event>) {
        let mut head = RequestHead::new(
            Method::GET,
            Target::parse(&Method::GET, Bytes::from_static(b"/")).unwrap(),
        );
        head.version = version;
        head.headers.insert("host", HeaderValue::from_static("a"));
        for (k, v) in req_headers {
            head.headers.append(*k, HeaderValue::from_static(v));
        }
        let mut out = WriteBuf::new();
        self.client.send(Event::Request(head), &mut out).unwrap();
        self.client
            .send(Event::EndOfMessage(None), &mut out)
            .unwrap();
        let at_server = deliver(&mut out, &mut self.server);

        let mut head = ResponseHead::new(StatusCode::OK);
        for (k, v) in res_headers {
            head.headers.append(*k, HeaderValue::from_static(v));
        }
        self.server.send(Event::Response(head), &mut out).unwrap();
        self.server
            .send(Event::Data(Bytes::from_static(body)), &mut out)
            .unwrap();
        self.server
            .send(Event::EndOfMessage(None), &mut out)
            .unwrap();
        let at_client = deliver(&mut out, &mut self.client);
        (at_server, at_client)
    }

    fn next_cycle(&mut self) -> bool {
        let client = self.client.start_next_cycle().is_ok();
        let server = self.server.start_next_cycle().is_ok();
        assert_eq!(client, server, "both sides must agree on keep-alive");
        client
    }
}

#[test]
fn pair_http11_keeps_alive_across_exchanges() {
    let mut pair = Pair::new();
    for _ in 0..3 {
        let (at_server, at_client) = pair.exchange(Version::HTTP_11, &[], &[], b"body");
        assert_eq!(at_server.len(), 2);
        assert!(matches!(&at_client[1], Event::Data(d) if d == "body"));
        assert!(pair.client.is_keep_alive() && pair.server.is_keep_alive());
        assert!(pair.next_cycle());
    }
}

#[test]
fn pair_client_close_ends_the_connection() {
    let mut pair = Pair::new();
    pair.exchange(Version::HTTP_11, &[("connection", "close")], &[], b"x");
    assert_eq!(pair.server.our_state(), State::MustClose);
    assert_eq!(pair.client.their_state(), State::MustClose);
    assert!(!pair.next_cycle());
}

#[test]
fn pair_server_close_ends_the_connection() {
    let mut pair = Pair::new();
    pair.exchange(Version::HTTP_11, &[], &[("connection", "close")], b"x");
    assert!(!pair.client.is_keep_alive());
    assert!(!pair.next_cycle());
}

#[test]
fn pair_http10_with_keep_alive_and_length_persists() {
    let mut pair = Pair::new();
    let (_, at_client) = pair.exchange(
        Version::HTTP_10,
        &[("connection", "keep-alive")],
        &[("content-length", "2")],
        b"ok",
    );
    let Event::Response(head) = &at_client[0] else {
        panic!("expected a response")
    };
    assert_eq!(head.headers["connection"], "keep-alive");
    assert!(pair.next_cycle());
}

#[test]
fn pair_http10_without_length_is_close_delimited() {
    let mut pair = Pair::new();
    let (_, at_client) = pair.exchange(
        Version::HTTP_10,
        &[("connection", "keep-alive")],
        &[],
        b"streamed",
    );
    // the client cannot see the end of a close-delimited body until the server closes
    assert!(matches!(at_client.last(), Some(Event::Data(_))));
    assert_eq!(pair.server.our_state(), State::MustClose);
    pair.server
        .send(Event::ConnectionClosed, &mut WriteBuf::new())
        .unwrap();
    pair.client.receive_eof();
    assert!(matches!(
        pair.client.next_event(),
        Ok(Received::Event(Event::EndOfMessage(None)))
    ));
    assert!(matches!(
        pair.client.next_event(),
        Ok(Received::Event(Event::ConnectionClosed))
    ));
    assert!(!pair.next_cycle());
}
