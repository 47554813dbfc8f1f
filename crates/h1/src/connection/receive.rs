//! The receiving half of [`Connection`]: pick the reader for the peer's state.

use http::{Method, Version};

use super::Connection;
use crate::decode::{Decoded, Decoder};
use crate::error::{Error, ErrorKind};
use crate::event::{ConnectionTokens, Event, Received, expects_continue};
use crate::framing::{self, Framing};
use crate::head::validate;
use crate::state::{Role, State, Trigger};

impl Connection {
    /// Parses at most one event from the buffered bytes.
    ///
    /// Which reader runs depends on the peer's state: a request or response head, a body decoder,
    /// or nothing (`Paused` while waiting for [`start_next_cycle`](Self::start_next_cycle) or after
    /// a protocol switch). Each call consumes at most one event's worth of bytes.
    ///
    /// # Errors
    ///
    /// A remote [`Error`] if the peer's bytes are malformed or exceed the [`Limits`](crate::Limits); the peer
    /// moves to [`State::Error`], keep-alive turns off, and later calls return the same error.
    /// A server answers with [`Error::status`] and closes.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use spire_h1::{Connection, Event, Received, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
    /// assert!(matches!(conn.next_event(), Ok(Received::Event(Event::Request(_)))));
    /// assert!(matches!(conn.next_event(), Ok(Received::Event(Event::Data(d))) if d == "hi"));
    /// assert!(matches!(conn.next_event(), Ok(Received::Event(Event::EndOfMessage(None)))));
    /// assert!(matches!(conn.next_event(), Ok(Received::NeedData)));
    ///
    /// let mut bad = Connection::new(Role::Server);
    /// bad.receive(b"GET / HTTP/1.1\r\n\r\n"); // no Host
    /// assert_eq!(bad.next_event().unwrap_err().status(), Some(StatusCode::BAD_REQUEST));
    /// ```
    pub fn next_event(&mut self) -> Result<Received, Error> {
        if let Some(err) = self.their_error {
            return Err(err);
        }
        let received = self.next_event_inner();
        if let Err(err) = received {
            self.machine.set_error(self.role.peer());
            self.their_error = Some(err);
        }
        received
    }

    fn next_event_inner(&mut self) -> Result<Received, Error> {
        let peer = self.role.peer();
        match (self.machine.state(peer), peer) {
            (State::Idle, Role::Client) => self.read_request_head(),
            (State::Idle | State::SendResponse, Role::Server) => self.read_response_head(),
            (State::SendBody, _) => self.read_body(),
            (State::Done | State::MustClose, _) if self.eof && self.read_buf.is_empty() => {
                self.peer_closed()
            }
            (State::Closed, _) => Ok(Received::Event(Event::ConnectionClosed)),
            (State::MightSwitchProtocol | State::SwitchedProtocol, _) => Ok(Received::Paused),
            _ if self.read_buf.is_empty() => Ok(Received::NeedData),
            _ => Ok(Received::Paused),
        }
    }

    fn peer_closed(&mut self) -> Result<Received, Error> {
        self.machine
            .fire(self.role.peer(), Trigger::ConnectionClosed)
            .map_err(|_| Error::new(ErrorKind::IncompleteMessage))?;
        Ok(Received::Event(Event::ConnectionClosed))
    }

    /// The head is incomplete: wait, or at EOF close cleanly if nothing was started.
    fn head_incomplete(&mut self) -> Result<Received, Error> {
        match (self.eof, self.read_buf.is_empty()) {
            (false, _) => Ok(Received::NeedData),
            (true, true) => self.peer_closed(),
            (true, false) => Err(Error::new(ErrorKind::IncompleteMessage)),
        }
    }

    fn read_request_head(&mut self) -> Result<Received, Error> {
        let Some(head) = self.parser.parse_request(
            &mut self.read_buf,
            &self.limits,
            self.preserve_header_case,
            self.eof,
        )?
        else {
            return self.head_incomplete();
        };
        let seen = self.parser.seen();
        let framing = validate::request(&head, seen)?;
        self.check_body_limit(framing)?;
        let tokens = if seen.connection {
            ConnectionTokens::of(&head.headers)
        } else {
            ConnectionTokens::default()
        };
        // RFC 9110 section 7.8: "A server MUST ignore an Upgrade header field that is received
        // in an HTTP/1.0 request."
        let upgrade = head.version == Version::HTTP_11 && tokens.upgrade && seen.upgrade;
        if upgrade || head.method == Method::CONNECT {
            self.machine.propose_switch();
        }
        self.machine.fire(Role::Client, Trigger::Request)?;
        self.machine.fire(Role::Server, Trigger::PeerRequest)?;
        if !tokens.persistent(head.version) {
            self.machine.disable_keep_alive();
        }
        self.expect_continue = seen.expect
            && framing != Framing::Length(0)
            && expects_continue(head.version, &head.headers);
        self.request = Some((head.method.clone(), head.version));
        self.decoder = Some(Decoder::new(framing));
        self.their_framing = Some(framing);
        Ok(Received::Event(Event::Request(head)))
    }

    fn read_response_head(&mut self) -> Result<Received, Error> {
        let Some(head) = self.parser.parse_response(
            &mut self.read_buf,
            &self.limits,
            self.preserve_header_case,
            self.eof,
        )?
        else {
            return self.head_incomplete();
        };
        let unexpected = Error::new(ErrorKind::UnexpectedStatus);
        let method = self
            .request
            .as_ref()
            .map_or(Method::GET, |(m, _)| m.clone());
        let switch = head.status == http::StatusCode::SWITCHING_PROTOCOLS
            || (method == Method::CONNECT && head.status.is_success());
        if switch {
            // RFC 9110 section 15.2.2: 101 answers an Upgrade the client sent; a 2xx to CONNECT
            // turns the connection into a tunnel (RFC 9110 section 9.3.6).
            if !self.machine.pending_switch() {
                return Err(unexpected);
            }
            self.machine.accept_switch().map_err(|_| unexpected)?;
            return Ok(Received::Event(Event::Response(head)));
        }
        if head.status.is_informational() {
            self.machine
                .fire(Role::Server, Trigger::Informational)
                .map_err(|_| unexpected)?;
            return Ok(Received::Event(Event::Informational(head)));
        }
        let framing = framing::received_response_framing(&method, head.status, &head.headers)?;
        self.check_body_limit(framing)?;
        self.machine
            .fire(Role::Server, Trigger::Response)
            .map_err(|_| unexpected)?;
        self.machine.decline_switch();
        if !ConnectionTokens::of(&head.headers).persistent(head.version)
            || framing == Framing::UntilClose
        {
            self.machine.disable_keep_alive();
        }
        self.decoder = Some(Decoder::new(framing));
        self.their_framing = Some(framing);
        Ok(Received::Event(Event::Response(head)))
    }

    fn check_body_limit(&self, framing: Framing) -> Result<(), Error> {
        match (framing, self.limits.max_body_size()) {
            (Framing::Length(n), Some(max)) if n > max => Err(Error::new(ErrorKind::BodyTooLarge)),
            _ => Ok(()),
        }
    }

    fn read_body(&mut self) -> Result<Received, Error> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Err(Error::new(ErrorKind::IncompleteMessage));
        };
        let decoded = match decoder.decode(&mut self.read_buf, &self.limits)? {
            Decoded::NeedData if self.eof => decoder.decode_eof()?,
            decoded => decoded,
        };
        match decoded {
            Decoded::Data(data) => {
                self.expect_continue = false;
                Ok(Received::Event(Event::Data(data)))
            }
            Decoded::End(trailers) => {
                self.decoder = None;
                self.machine.fire(self.role.peer(), Trigger::EndOfMessage)?;
                Ok(Received::Event(Event::EndOfMessage(trailers)))
            }
            Decoded::NeedData => Ok(Received::NeedData),
        }
    }
}
