//! `Connection`: glue only. It owns the buffers and the two parties' states and picks the
//! reader and writer for the current state; the HTTP rules live in `head/`, `framing.rs`,
//! `decode/` and `encode.rs`.

mod receive;
mod send;

use bytes::{BufMut, BytesMut};
use http::{HeaderValue, Method, Version};

use crate::decode::Decoder;
use crate::encode::Encoder;
use crate::error::Error;
#[cfg(doc)]
use crate::error::ErrorKind;
#[cfg(doc)]
use crate::event::{Event, Received, RequestHead, ResponseHead};
use crate::framing::Framing;
use crate::head::parse::HeadParser;
use crate::limits::Limits;
use crate::state::{Machine, Role, State};
#[cfg(doc)]
use crate::write_buf::WriteBuf;

/// One HTTP/1.1 connection, seen from one [`Role`], without any IO.
///
/// The caller moves bytes; the connection knows HTTP. Its methods come in four kinds (the
/// way quinn-proto documents its connection):
///
/// - **inputs**: [`receive`](Self::receive) or [`read_buf`](Self::read_buf) (peer bytes),
///   [`receive_eof`](Self::receive_eof) (the peer closed its write half),
///   [`set_date`](Self::set_date) (the cached `Date` value), and the configuration setters;
/// - **outputs**: [`next_event`](Self::next_event) (parse at most one event) and
///   [`send`](Self::send) (check the transition, encode into a [`WriteBuf`]);
/// - **getters**: [`our_state`](Self::our_state), [`their_state`](Self::their_state),
///   [`is_keep_alive`](Self::is_keep_alive), [`peer_expects_continue`](Self::peer_expects_continue);
/// - **mutators**: [`start_next_cycle`](Self::start_next_cycle),
///   [`disable_keep_alive`](Self::disable_keep_alive), and
///   [`into_parts`](Self::into_parts) after a protocol switch.
///
/// Call order: after every input, call `next_event` until it returns [`Received::NeedData`] or
/// [`Received::Paused`]; after every `send`, write the `WriteBuf` out. When both parties are
/// [`State::Done`], call `start_next_cycle` to reuse the connection; pipelined bytes stay
/// buffered (and `next_event` answers `Paused`) until then.
///
/// # Protocol choices
///
/// Where RFC 9112 leaves room, the connection picks the strict or the driver-friendly side:
///
/// - **Received requests** are strict: `Transfer-Encoding` must be exactly `chunked` (an
///   unknown coding is 501), never with `Content-Length` and never in HTTP/1.0; repeated
///   `Content-Length` values must be identical; exactly one valid `Host` in HTTP/1.1; obs-fold,
///   whitespace before a colon, control characters and bare-LF line endings are rejected.
/// - **Received responses** accept bare-LF line endings and a `Transfer-Encoding` that does not
///   end in `chunked` (read until close), but reject obs-fold and `Transfer-Encoding` together
///   with `Content-Length`.
/// - **Trailers**: framing, routing and connection fields (`Content-Length`,
///   `Transfer-Encoding`, `Host`, `Connection`, `TE`, `Trailer`, `Upgrade`, `Expect`,
///   `Proxy-Authorization`) are dropped, both when received and when sent.
/// - **Sending**: a response without `Content-Length` is chunked to HTTP/1.1 clients and
///   close-delimited to HTTP/1.0 ones; body data sent for a response to HEAD is discarded;
///   1xx responses to HTTP/1.0 clients are dropped; `Connection: close` (or `keep-alive` for an
///   HTTP/1.0 client) is added when the decision differs from what the head says; a final
///   response to a client still waiting for `100 Continue`, or sent without any request,
///   closes the connection.
/// - **Versions**: HTTP/1.2 and up are read as HTTP/1.1; other majors are 505.
/// - **Pipelining**: a server reads pipelined requests one cycle at a time; a client sends its
///   next request only after [`start_next_cycle`](Self::start_next_cycle).
///
/// # Examples
///
/// ```
/// use http::StatusCode;
/// use spire_h1::{Connection, Event, Received, ResponseHead, Role, WriteBuf};
///
/// let mut conn = Connection::new(Role::Server);
/// conn.receive(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\nGET /next HTTP/1.1\r\n");
/// let Ok(Received::Event(Event::Request(req))) = conn.next_event() else { panic!() };
/// assert_eq!(req.target.as_str(), "/");
/// assert!(matches!(conn.next_event(), Ok(Received::Event(Event::EndOfMessage(None)))));
/// // the next request is buffered but not parsed until this exchange is over
/// assert!(matches!(conn.next_event(), Ok(Received::Paused)));
///
/// let mut out = WriteBuf::new();
/// let mut res = ResponseHead::new(StatusCode::OK);
/// res.headers.insert("content-length", "0".parse().unwrap());
/// conn.send(Event::Response(res), &mut out).unwrap();
/// conn.send(Event::EndOfMessage(None), &mut out).unwrap();
/// assert_eq!(&out.flatten()[..], b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
/// conn.start_next_cycle().unwrap();
/// assert!(matches!(conn.next_event(), Ok(Received::NeedData)));
/// ```
#[derive(Debug)]
pub struct Connection {
    role: Role,
    limits: Limits,
    machine: Machine,
    read_buf: BytesMut,
    eof: bool,
    parser: HeadParser,
    decoder: Option<Decoder>,
    encoder: Option<Encoder>,
    /// Method and version of the request of the current cycle (sent or received).
    request: Option<(Method, Version)>,
    date: Option<HeaderValue>,
    preserve_header_case: bool,
    title_case_headers: bool,
    expect_continue: bool,
    their_framing: Option<Framing>,
    our_framing: Option<Framing>,
    their_error: Option<Error>,
}

/// What is left of a [`Connection`] after [`into_parts`](Connection::into_parts).
///
/// Use it after the connection reached [`State::SwitchedProtocol`]: `read_buf` then holds the bytes
/// the peer sent after the head of the 101 (or 2xx to CONNECT), which belong to the new protocol
/// and must be read before anything from the socket.
///
/// # Examples
///
/// ```
/// let parts = spire_h1::Connection::new(spire_h1::Role::Client).into_parts();
/// assert!(parts.read_buf.is_empty());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Parts {
    /// Bytes received but not parsed: after a protocol switch, the first bytes of the new
    /// protocol.
    pub read_buf: BytesMut,
    /// Our role.
    pub role: Role,
}

impl Connection {
    /// A connection in `role` with the default [`Limits`].
    ///
    /// The connection starts with both parties Idle, keep-alive on, no `Date` value, and header
    /// case neither preserved nor title-cased.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Role, State};
    ///
    /// let conn = Connection::new(Role::Client);
    /// assert_eq!(conn.our_state(), State::Idle);
    /// ```
    pub fn new(role: Role) -> Self {
        Self::with_limits(role, Limits::default())
    }

    /// A connection in `role` with the given limits.
    ///
    /// The limits bound what the peer can make the connection buffer; see [`Limits`] for the
    /// defaults and the status each limit maps to.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, ErrorKind, Limits, Role};
    ///
    /// let mut conn = Connection::with_limits(Role::Server, Limits::default().with_max_headers(1));
    /// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n");
    /// assert_eq!(conn.next_event().unwrap_err().kind(), ErrorKind::HeaderCount);
    /// ```
    pub fn with_limits(role: Role, limits: Limits) -> Self {
        Self {
            role,
            limits,
            machine: Machine::new(),
            read_buf: BytesMut::with_capacity(8 * 1024),
            eof: false,
            parser: HeadParser::default(),
            decoder: None,
            encoder: None,
            request: None,
            date: None,
            preserve_header_case: false,
            title_case_headers: false,
            expect_continue: false,
            their_framing: None,
            our_framing: None,
            their_error: None,
        }
    }

    /// Appends bytes received from the peer (copies them; see [`read_buf`](Self::read_buf)).
    ///
    /// Call [`next_event`](Self::next_event) afterwards until it returns `NeedData` or `Paused`.
    /// Bytes can be given in pieces of any size: the events are the same as for one piece.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Event, Received, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET / HTTP/1.1\r\n");
    /// assert!(matches!(conn.next_event(), Ok(Received::NeedData)));
    /// conn.receive(b"Host: a\r\n\r\n");
    /// assert!(matches!(conn.next_event(), Ok(Received::Event(Event::Request(_)))));
    /// ```
    pub fn receive(&mut self, bytes: &[u8]) {
        self.read_buf.put_slice(bytes);
    }

    /// The receive buffer, for a driver that reads the socket straight into it.
    ///
    /// Body data events are slices of this buffer, so reading into it avoids the copy that
    /// [`receive`](Self::receive) makes. The driver decides how much to reserve; it should
    /// stop reading while [`next_event`](Self::next_event) answers [`Received::Paused`],
    /// otherwise a pipelining peer can make it grow without bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::BufMut;
    /// use spire_h1::{Connection, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.read_buf().put_slice(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    /// assert!(conn.next_event().is_ok());
    /// ```
    pub fn read_buf(&mut self) -> &mut BytesMut {
        &mut self.read_buf
    }

    /// The peer closed its write half; nothing more will be received.
    ///
    /// `next_event` then ends a close-delimited body, reports
    /// [`Event::ConnectionClosed`] between messages, and
    /// [`ErrorKind::IncompleteMessage`] inside one.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Event, Received, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive_eof();
    /// assert!(matches!(conn.next_event(), Ok(Received::Event(Event::ConnectionClosed))));
    /// ```
    pub fn receive_eof(&mut self) {
        self.eof = true;
    }

    /// The current `Date` header value, added to every response that has none.
    ///
    /// spire-h1 never reads a clock: the driver refreshes this value (once a second).
    ///
    /// # Examples
    ///
    /// ```
    /// use http::{HeaderValue, StatusCode};
    /// use spire_h1::{Connection, Event, ResponseHead, Role, WriteBuf};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.set_date(HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"));
    /// let mut out = WriteBuf::new();
    /// conn.send(Event::Response(ResponseHead::new(StatusCode::BAD_REQUEST)), &mut out).unwrap();
    /// let bytes = out.flatten();
    /// assert!(bytes.windows(5).any(|w| w == b"date:"));
    /// ```
    pub fn set_date(&mut self, value: HeaderValue) {
        self.date = Some(value);
    }

    /// Records the original spelling and order of received header names in
    /// [`RequestHead::original`] / [`ResponseHead::original`] (off by default).
    ///
    /// Costs one zero-copy slice per header line. Combined with passing the same
    /// [`OriginalHeaders`](crate::OriginalHeaders) to the head that is sent, a proxy can forward
    /// header names byte for byte.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Event, Received, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.set_preserve_header_case(true);
    /// conn.receive(b"GET / HTTP/1.1\r\nHOST: a\r\n\r\n");
    /// let Ok(Received::Event(Event::Request(head))) = conn.next_event() else { panic!() };
    /// assert_eq!(head.original.unwrap().iter().next(), Some(&b"HOST"[..]));
    /// ```
    pub fn set_preserve_header_case(&mut self, enabled: bool) {
        self.preserve_header_case = enabled;
    }

    /// Writes header names in Title-Case (`Content-Type`) instead of lowercase, unless a
    /// head carries its own [`OriginalHeaders`](crate::OriginalHeaders) (off by default).
    ///
    /// Only the spelling changes; header names are case-insensitive, but some old peers are not.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use spire_h1::{Connection, Event, ResponseHead, Role, WriteBuf};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.set_title_case_headers(true);
    /// let mut head = ResponseHead::new(StatusCode::NO_CONTENT);
    /// head.headers.insert("x-request-id", "7".parse().unwrap());
    /// let mut out = WriteBuf::new();
    /// conn.send(Event::Response(head), &mut out).unwrap();
    /// assert!(out.flatten().starts_with(b"HTTP/1.1 204 No Content\r\nX-Request-Id: 7\r\n"));
    /// ```
    pub fn set_title_case_headers(&mut self, enabled: bool) {
        self.title_case_headers = enabled;
    }

    /// Our role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Our party's state.
    pub fn our_state(&self) -> State {
        self.machine.state(self.role)
    }

    /// The peer's state.
    pub fn their_state(&self) -> State {
        self.machine.state(self.role.peer())
    }

    /// Whether the connection can be reused after this exchange (RFC 9112 section 9.3):
    /// version and `Connection` tokens of both messages, `close` anywhere wins, and no error.
    pub fn is_keep_alive(&self) -> bool {
        self.machine.keep_alive()
    }

    /// Server role: the client sent `Expect: 100-continue` and waits before sending its body.
    ///
    /// True from the request head until we send any response head or the first body bytes
    /// arrive. The driver answers with `Event::Informational` 100 when it wants the body.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    /// conn.next_event().unwrap();
    /// assert!(conn.peer_expects_continue());
    /// ```
    pub fn peer_expects_continue(&self) -> bool {
        self.expect_continue
    }

    /// The message of this cycle proposed a protocol switch (an `Upgrade` the codec honours,
    /// or `CONNECT`) that no final response has answered yet.
    ///
    /// A server driver reads it right after the request head, to decide whether the exchange
    /// may hand the connection over; only a 101 (or a 2xx to `CONNECT`) sent while it is true
    /// switches protocols. It turns false once a response accepts or declines the switch, and
    /// at [`start_next_cycle`](Self::start_next_cycle).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET /chat HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n");
    /// conn.next_event().unwrap();
    /// assert!(conn.is_switch_proposed());
    ///
    /// let mut plain = Connection::new(Role::Server);
    /// plain.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    /// plain.next_event().unwrap();
    /// assert!(!plain.is_switch_proposed());
    /// ```
    pub fn is_switch_proposed(&self) -> bool {
        self.machine.pending_switch()
    }

    /// How the body of the message being received (or last received) in this cycle is
    /// delimited, once its head has been parsed.
    ///
    /// A driver uses it for the body's size hint: `Framing::Length(n)` is an exact size,
    /// [`Framing::Empty`] an empty body.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Framing, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n");
    /// assert_eq!(conn.their_framing(), None);
    /// conn.next_event().unwrap();
    /// assert_eq!(conn.their_framing(), Some(Framing::Length(42)));
    /// ```
    pub fn their_framing(&self) -> Option<Framing> {
        self.their_framing
    }

    /// How the body of the message we are sending (or last sent) in this cycle is delimited,
    /// once its head has been sent; see [`response_framing`](crate::response_framing).
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use spire_h1::{Connection, Event, Framing, ResponseHead, Role, WriteBuf};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    /// conn.next_event().unwrap();
    /// conn.send(Event::Response(ResponseHead::new(StatusCode::OK)), &mut WriteBuf::new()).unwrap();
    /// assert_eq!(conn.our_framing(), Some(Framing::Chunked));
    /// ```
    pub fn our_framing(&self) -> Option<Framing> {
        self.our_framing
    }

    /// Turns keep-alive off: the connection closes after the current exchange.
    ///
    /// For a graceful shutdown. A response not sent yet gets `Connection: close`; parties that
    /// are [`State::Done`] move to [`State::MustClose`]. Keep-alive cannot be turned back on.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use spire_h1::{Connection, Event, ResponseHead, Role, WriteBuf};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    /// conn.next_event().unwrap();
    /// conn.disable_keep_alive();
    /// let mut head = ResponseHead::new(StatusCode::OK);
    /// head.headers.insert("content-length", "0".parse().unwrap());
    /// let mut out = WriteBuf::new();
    /// conn.send(Event::Response(head), &mut out).unwrap();
    /// assert!(out.flatten().ends_with(b"connection: close\r\n\r\n"));
    /// ```
    pub fn disable_keep_alive(&mut self) {
        self.machine.disable_keep_alive();
    }

    /// Both parties [`State::Done`] → both [`State::Idle`], keeping buffered bytes.
    ///
    /// The request method and version, the 100-continue flag and the framing of the finished
    /// exchange are forgotten; bytes of a pipelined next message stay in the read buffer and are
    /// parsed by the next [`next_event`](Self::next_event).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidTransition`] if either party is not `Done` (for example keep-alive
    /// is off and they are `MustClose`).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, ErrorKind, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// assert_eq!(conn.start_next_cycle().unwrap_err().kind(), ErrorKind::InvalidTransition);
    /// ```
    pub fn start_next_cycle(&mut self) -> Result<(), Error> {
        self.machine.start_next_cycle()?;
        self.request = None;
        self.expect_continue = false;
        self.decoder = None;
        self.encoder = None;
        self.their_framing = None;
        self.our_framing = None;
        Ok(())
    }

    /// Gives up the connection, returning the unparsed bytes (after
    /// [`State::SwitchedProtocol`], the start of the new protocol's stream).
    ///
    /// The connection is consumed; nothing that was parsed but not returned is lost, because events
    /// are only produced by `next_event`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Received, Role, State};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n\x16\x03");
    /// while !matches!(conn.next_event(), Ok(Received::Paused)) {}
    /// # let mut out = spire_h1::WriteBuf::new();
    /// # conn.send(spire_h1::Event::Response(spire_h1::ResponseHead::new(http::StatusCode::OK)), &mut out).unwrap();
    /// assert_eq!(conn.our_state(), State::SwitchedProtocol);
    /// assert_eq!(&conn.into_parts().read_buf[..], b"\x16\x03");
    /// ```
    pub fn into_parts(self) -> Parts {
        Parts {
            read_buf: self.read_buf,
            role: self.role,
        }
    }
}
