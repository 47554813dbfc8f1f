//! Two spire-h1 connections back to back, client ⇄ server, with no socket between them.
//!
//! [`Pair`] is h11's `ConnectionPair` for spire: send an event on one side, and the pair
//! carries the encoded bytes to the other side and returns the events that side parsed. Tests
//! of keep-alive, pipelining, upgrades and `Expect: 100-continue` read as a conversation.

use bytes::{Bytes, BytesMut};
use spire_h1::{Connection, Error, Event, Received, Role, WriteBuf};

/// A client [`Connection`] and a server [`Connection`] wired to each other.
///
/// Every [`send`](Self::send) encodes the event on the sending side, hands the bytes to the
/// other side (in one piece, or in pieces of at most [`set_max_piece`](Self::set_max_piece)
/// bytes) and calls `next_event` there until it answers `NeedData` or `Paused`. The bytes
/// of the last send stay readable through [`last_bytes`](Self::last_bytes), for assertions
/// on the wire format.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use http::{Method, StatusCode};
/// use spire_h1::{Event, RequestHead, ResponseHead, Role, State, Target};
/// use spire_test::pair::Pair;
///
/// let mut pair = Pair::new();
/// let mut req = RequestHead::new(Method::GET, Target::parse(&Method::GET, "/".into())?);
/// req.headers.insert("host", "example.com".parse()?);
/// // a request without a body: the client still ends it; no bytes, the server knew already
/// let got = pair.send(Role::Client, Event::Request(req.clone()))?;
/// assert_eq!(got, [Event::Request(req), Event::EndOfMessage(None)]);
/// assert!(pair.send(Role::Client, Event::EndOfMessage(None))?.is_empty());
///
/// let mut res = ResponseHead::new(StatusCode::OK);
/// res.headers.insert("content-length", "2".parse()?);
/// pair.send(Role::Server, Event::Response(res))?;
/// let got = pair.send(Role::Server, Event::Data(Bytes::from_static(b"hi")))?;
/// assert_eq!(got, [Event::Data(Bytes::from_static(b"hi")), Event::EndOfMessage(None)]);
/// pair.send(Role::Server, Event::EndOfMessage(None))?;
///
/// assert_eq!(pair.client().our_state(), State::Done);
/// pair.start_next_cycle()?;
/// assert_eq!(pair.server().their_state(), State::Idle);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Pair {
    client: Connection,
    server: Connection,
    max_piece: usize,
    last_bytes: Bytes,
}

impl Default for Pair {
    fn default() -> Self {
        Self::new()
    }
}

impl Pair {
    /// A fresh client and server with the default limits.
    pub fn new() -> Self {
        Self::with_connections(Connection::new(Role::Client), Connection::new(Role::Server))
    }

    /// A pair of connections configured by the caller (limits, header case, date).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Limits, Role};
    /// use spire_test::pair::Pair;
    ///
    /// let server = Connection::with_limits(Role::Server, Limits::default().with_max_headers(4));
    /// let mut pair = Pair::with_connections(Connection::new(Role::Client), server);
    /// assert_eq!(pair.server().role(), Role::Server);
    /// ```
    ///
    /// # Panics
    ///
    /// If `client` does not have [`Role::Client`] or `server` does not have
    /// [`Role::Server`].
    pub fn with_connections(client: Connection, server: Connection) -> Self {
        assert_eq!(
            client.role(),
            Role::Client,
            "the client side needs Role::Client"
        );
        assert_eq!(
            server.role(),
            Role::Server,
            "the server side needs Role::Server"
        );
        Self {
            client,
            server,
            max_piece: usize::MAX,
            last_bytes: Bytes::new(),
        }
    }

    /// Delivers bytes to the receiving side in pieces of at most `max_piece` bytes (at
    /// least 1), calling `next_event` after each piece. The default delivers each send in one
    /// piece.
    ///
    /// Body data then arrives as several `Data` events; [`coalesce_data`] joins them again.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::Method;
    /// use spire_h1::{Event, RequestHead, Role, Target};
    /// use spire_test::pair::Pair;
    ///
    /// let mut pair = Pair::new();
    /// pair.set_max_piece(1);
    /// let mut req = RequestHead::new(Method::GET, Target::parse(&Method::GET, "/".into())?);
    /// req.headers.insert("host", "a".parse()?);
    /// let got = pair.send(Role::Client, Event::Request(req))?;
    /// assert_eq!(got.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_max_piece(&mut self, max_piece: usize) {
        self.max_piece = max_piece.max(1);
    }

    /// The client side.
    pub fn client(&mut self) -> &mut Connection {
        &mut self.client
    }

    /// The server side.
    pub fn server(&mut self) -> &mut Connection {
        &mut self.server
    }

    /// The side that has `role`.
    pub fn side(&mut self, role: Role) -> &mut Connection {
        match role {
            Role::Client => &mut self.client,
            Role::Server => &mut self.server,
        }
    }

    /// The bytes the last [`send`](Self::send) or [`send_all`](Self::send_all) put on the
    /// wire.
    pub fn last_bytes(&self) -> &Bytes {
        &self.last_bytes
    }

    /// Sends `event` from the side with role `from` and returns the events the other side
    /// parsed from the resulting bytes (possibly none, for example while a body is still
    /// incomplete).
    ///
    /// Sending [`Event::ConnectionClosed`] also tells the other side that the peer closed
    /// (`receive_eof`), as a socket would.
    ///
    /// # Errors
    ///
    /// The sending side's local [`Error`] if the event is not allowed, or the receiving
    /// side's remote `Error` if it could not parse the bytes. [`Error::is_local`] tells them
    /// apart.
    pub fn send(&mut self, from: Role, event: Event) -> Result<Vec<Event>, Error> {
        self.send_all(from, [event])
    }

    /// Sends several events from `from`, then delivers all their bytes at once and returns
    /// what the other side parsed.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send); on a local error nothing is delivered.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::Method;
    /// use spire_h1::{Event, RequestHead, Role, Target};
    /// use spire_test::pair::Pair;
    ///
    /// let mut pair = Pair::new();
    /// let mut req = RequestHead::new(Method::POST, Target::parse(&Method::POST, "/".into())?);
    /// req.headers.insert("host", "a".parse()?);
    /// req.headers.insert("transfer-encoding", "chunked".parse()?);
    /// let body = Bytes::from_static(b"abc");
    /// let got = pair.send_all(
    ///     Role::Client,
    ///     [Event::Request(req.clone()), Event::Data(body.clone()), Event::EndOfMessage(None)],
    /// )?;
    /// assert_eq!(got, [Event::Request(req), Event::Data(body), Event::EndOfMessage(None)]);
    /// assert!(pair.last_bytes().ends_with(b"3\r\nabc\r\n0\r\n\r\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_all(
        &mut self,
        from: Role,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Vec<Event>, Error> {
        let mut out = WriteBuf::new();
        let mut closed = false;
        for event in events {
            closed |= event == Event::ConnectionClosed;
            self.side(from).send(event, &mut out)?;
        }
        self.last_bytes = out.flatten();
        let bytes = self.last_bytes.clone();
        let max_piece = self.max_piece;
        let to = self.side(from.peer());
        let mut received = Vec::new();
        for piece in bytes.chunks(max_piece) {
            to.receive(piece);
            drain(to, &mut received)?;
        }
        if closed {
            to.receive_eof();
            drain(to, &mut received)?;
        }
        Ok(received)
    }

    /// Delivers raw bytes to the side with role `to`, as if its peer had written them, and
    /// returns what it parsed. For malformed input that no encoder would produce.
    ///
    /// # Errors
    ///
    /// The receiving side's remote [`Error`] if it could not parse the bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{ErrorKind, Role};
    /// use spire_test::{bytes::request, pair::Pair};
    ///
    /// let mut pair = Pair::new();
    /// let raw = request("GET", "/").header("Host", "a").header("Content-Length", "x").to_bytes();
    /// let err = pair.receive(Role::Server, &raw).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidContentLength);
    /// ```
    pub fn receive(&mut self, to: Role, bytes: &[u8]) -> Result<Vec<Event>, Error> {
        let max_piece = self.max_piece;
        let side = self.side(to);
        let mut received = Vec::new();
        for piece in bytes.chunks(max_piece) {
            side.receive(piece);
            drain(side, &mut received)?;
        }
        Ok(received)
    }

    /// Starts the next request/response cycle on both sides.
    ///
    /// # Errors
    ///
    /// The first side's [`Error`] if either side is not ready (see
    /// [`Connection::start_next_cycle`]).
    pub fn start_next_cycle(&mut self) -> Result<(), Error> {
        self.client.start_next_cycle()?;
        self.server.start_next_cycle()
    }
}

/// Calls `next_event` until `NeedData`, `Paused`, an error, or `ConnectionClosed` (after which
/// every call would answer `ConnectionClosed` again).
fn drain(conn: &mut Connection, received: &mut Vec<Event>) -> Result<(), Error> {
    loop {
        match conn.next_event()? {
            Received::Event(Event::ConnectionClosed) => {
                received.push(Event::ConnectionClosed);
                return Ok(());
            }
            Received::Event(event) => received.push(event),
            Received::NeedData | Received::Paused => return Ok(()),
        }
    }
}

/// Joins runs of adjacent [`Event::Data`] into one `Data` event and drops empty ones.
///
/// How a body is cut into `Data` events depends on how its bytes arrived; the body itself
/// does not. Comparing coalesced event lists compares what was received, not how.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_h1::Event;
/// use spire_test::pair::coalesce_data;
///
/// let events = vec![
///     Event::Data(Bytes::from_static(b"he")),
///     Event::Data(Bytes::from_static(b"llo")),
///     Event::EndOfMessage(None),
/// ];
/// assert_eq!(
///     coalesce_data(events),
///     [Event::Data(Bytes::from_static(b"hello")), Event::EndOfMessage(None)]
/// );
/// ```
pub fn coalesce_data(events: impl IntoIterator<Item = Event>) -> Vec<Event> {
    let mut out = Vec::new();
    let mut data: Option<BytesMut> = None;
    for event in events {
        match event {
            Event::Data(piece) => {
                if !piece.is_empty() {
                    data.get_or_insert_with(BytesMut::new)
                        .extend_from_slice(&piece);
                }
            }
            other => {
                if let Some(joined) = data.take() {
                    out.push(Event::Data(joined.freeze()));
                }
                out.push(other);
            }
        }
    }
    if let Some(joined) = data {
        out.push(Event::Data(joined.freeze()));
    }
    out
}

#[cfg(test)]
mod tests {
    use http::{Method, StatusCode};
    use spire_h1::{ErrorKind, RequestHead, ResponseHead, State, Target};

    use super::*;

    fn get(target: &str) -> RequestHead {
        let method = Method::GET;
        let mut head = RequestHead::new(
            method.clone(),
            Target::parse(&method, target.to_owned().into()).unwrap(),
        );
        head.headers.insert("host", "example.com".parse().unwrap());
        head
    }

    /// A 200 with its reason phrase spelled out, so that it compares equal to the parsed head.
    fn ok(length: usize) -> ResponseHead {
        let mut head = ResponseHead::new(StatusCode::OK);
        head.reason = Some(Bytes::from_static(b"OK"));
        head.headers
            .insert("content-length", length.to_string().parse().unwrap());
        head
    }

    #[test]
    fn pair_request_arrives_as_sent_with_end_of_message() {
        let mut pair = Pair::new();
        let got = pair.send(Role::Client, Event::Request(get("/a"))).unwrap();
        assert_eq!(got, [Event::Request(get("/a")), Event::EndOfMessage(None)]);
        assert_eq!(
            &pair.last_bytes()[..],
            b"GET /a HTTP/1.1\r\nhost: example.com\r\n\r\n"
        );
        assert_eq!(pair.server().their_state(), State::Done);
        assert_eq!(pair.server().our_state(), State::SendResponse);
    }

    #[test]
    fn pair_keep_alive_runs_two_cycles() {
        let mut pair = Pair::new();
        for target in ["/1", "/2"] {
            pair.send_all(
                Role::Client,
                [Event::Request(get(target)), Event::EndOfMessage(None)],
            )
            .unwrap();
            let got = pair
                .send_all(
                    Role::Server,
                    [
                        Event::Response(ok(1)),
                        Event::Data(Bytes::from_static(b"x")),
                        Event::EndOfMessage(None),
                    ],
                )
                .unwrap();
            assert_eq!(
                got,
                [
                    Event::Response(ok(1)),
                    Event::Data(Bytes::from_static(b"x")),
                    Event::EndOfMessage(None)
                ]
            );
            assert!(pair.client().is_keep_alive());
            pair.start_next_cycle().unwrap();
        }
        assert_eq!(pair.client().our_state(), State::Idle);
    }

    #[test]
    fn pair_byte_by_byte_delivery_splits_data_but_not_the_body() {
        let mut pair = Pair::new();
        pair.set_max_piece(1);
        pair.send(Role::Client, Event::Request(get("/"))).unwrap();
        let got = pair
            .send_all(
                Role::Server,
                [
                    Event::Response(ok(3)),
                    Event::Data(Bytes::from_static(b"abc")),
                    Event::EndOfMessage(None),
                ],
            )
            .unwrap();
        assert_eq!(got.len(), 5, "head, three one-byte Data, end: {got:?}");
        assert_eq!(
            coalesce_data(got),
            [
                Event::Response(ok(3)),
                Event::Data(Bytes::from_static(b"abc")),
                Event::EndOfMessage(None)
            ]
        );
    }

    #[test]
    fn pair_local_error_is_reported_and_nothing_is_delivered() {
        let mut pair = Pair::new();
        let err = pair
            .send(Role::Client, Event::Data(Bytes::from_static(b"early")))
            .unwrap_err();
        assert!(err.is_local());
        assert_eq!(err.kind(), ErrorKind::InvalidTransition);
        assert!(pair.last_bytes().is_empty());
    }

    #[test]
    fn pair_receive_reports_remote_errors() {
        let mut pair = Pair::new();
        let err = pair
            .receive(
                Role::Server,
                b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            )
            .unwrap_err();
        assert!(err.is_remote());
        assert_eq!(pair.server().their_state(), State::Error);
    }

    #[test]
    fn pair_connection_closed_reaches_the_peer_as_eof() {
        let mut pair = Pair::new();
        pair.send(Role::Client, Event::Request(get("/"))).unwrap();
        let mut res = ResponseHead::new(StatusCode::OK);
        res.headers.insert("connection", "close".parse().unwrap());
        pair.send(Role::Server, Event::Response(res)).unwrap();
        let got = pair
            .send_all(
                Role::Server,
                [
                    Event::Data(Bytes::from_static(b"tail")),
                    Event::EndOfMessage(None),
                    Event::ConnectionClosed,
                ],
            )
            .unwrap();
        assert_eq!(
            coalesce_data(got.clone()).first(),
            Some(&Event::Data(Bytes::from_static(b"tail")))
        );
        assert_eq!(got.last(), Some(&Event::ConnectionClosed));
        assert_eq!(pair.client().their_state(), State::Closed);
    }

    #[test]
    #[should_panic(expected = "Role::Client")]
    fn pair_with_connections_rejects_swapped_roles() {
        let _ =
            Pair::with_connections(Connection::new(Role::Server), Connection::new(Role::Server));
    }

    #[test]
    fn coalesce_data_drops_empty_pieces_and_keeps_separate_runs() {
        let events = vec![
            Event::Data(Bytes::new()),
            Event::EndOfMessage(None),
            Event::Data(Bytes::from_static(b"a")),
            Event::Data(Bytes::new()),
            Event::Data(Bytes::from_static(b"b")),
        ];
        assert_eq!(
            coalesce_data(events),
            [
                Event::EndOfMessage(None),
                Event::Data(Bytes::from_static(b"ab"))
            ]
        );
    }
}
