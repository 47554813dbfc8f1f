//! The sending half of [`Connection`]: check the transition, then encode.

use http::{Method, Version, header};

use super::Connection;
use crate::encode::Encoder;
use crate::error::{Error, ErrorKind};
use crate::event::{ConnectionTokens, Event, RequestHead, ResponseHead, check_reason};
use crate::framing::{self, Framing};
use crate::head::encode::{self as encode_head, Extra, Style};
use crate::state::{Role, State, Trigger};
use crate::write_buf::WriteBuf;

impl Connection {
    /// Checks that `event` is allowed now and encodes it into `out`.
    ///
    /// Heads get the framing headers the codec decides on (`Transfer-Encoding: chunked`,
    /// `Connection: close` or `keep-alive`, the `Date` set with [`set_date`](Self::set_date)); body
    /// data is queued without being copied, with chunk framing around it when the body is chunked.
    ///
    /// # Errors
    ///
    /// A local [`Error`]: [`ErrorKind::InvalidTransition`] for an event our role cannot send
    /// in our state, [`ErrorKind::BodyLongerThanDeclared`] / [`ErrorKind::BodyShorterThanDeclared`]
    /// against `Content-Length`, [`ErrorKind::TrailersNotAllowed`] on a body that is not
    /// chunked. These move our state to [`State::Error`]. [`ErrorKind::InvalidHead`] (a head
    /// that cannot be sent as it is) writes nothing and changes no state, so a server can
    /// still send a 500 instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::StatusCode;
    /// use spire_h1::{Connection, ErrorKind, Event, ResponseHead, Role, WriteBuf};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    /// while conn.next_event().is_ok_and(|r| !matches!(r, spire_h1::Received::NeedData)) {}
    ///
    /// let mut out = WriteBuf::new();
    /// let mut head = ResponseHead::new(StatusCode::OK);
    /// head.headers.insert("content-length", "2".parse().unwrap());
    /// conn.send(Event::Response(head), &mut out).unwrap();
    /// let err = conn.send(Event::Data(Bytes::from_static(b"toolong")), &mut out).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::BodyLongerThanDeclared);
    /// assert!(err.is_local());
    /// ```
    pub fn send(&mut self, event: Event, out: &mut WriteBuf) -> Result<(), Error> {
        self.send_checked(event, None, out)
    }

    /// Sends a final response head whose body the caller knows to be exactly `body_length`
    /// bytes long.
    ///
    /// The same as [`send`](Self::send) with [`Event::Response`], except that when the head
    /// has neither `Content-Length` nor `Transfer-Encoding`, the codec frames the body with
    /// `body_length` and writes the `Content-Length` field itself: a driver that knows its
    /// body's size needs no `HeaderValue` and no header-map insert for it. No length is
    /// written where none belongs (1xx, 204 and 304, a 2xx to CONNECT), nor for a response
    /// to HEAD whose length is 0 (the length a GET would have had is unknown then).
    ///
    /// # Errors
    ///
    /// As for [`send`](Self::send); sending more or fewer than `body_length` bytes is
    /// [`ErrorKind::BodyLongerThanDeclared`] / [`ErrorKind::BodyShorterThanDeclared`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::StatusCode;
    /// use spire_h1::{Connection, Event, ResponseHead, Role, WriteBuf};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    /// while conn.next_event().is_ok_and(|r| !matches!(r, spire_h1::Received::NeedData)) {}
    ///
    /// let mut out = WriteBuf::new();
    /// conn.send_response_with_length(ResponseHead::new(StatusCode::OK), 2, &mut out).unwrap();
    /// conn.send(Event::Data(Bytes::from_static(b"hi")), &mut out).unwrap();
    /// conn.send(Event::EndOfMessage(None), &mut out).unwrap();
    /// assert_eq!(out.flatten(), "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi");
    /// ```
    pub fn send_response_with_length(
        &mut self,
        head: ResponseHead,
        body_length: u64,
        out: &mut WriteBuf,
    ) -> Result<(), Error> {
        self.send_checked(Event::Response(head), Some(body_length), out)
    }

    /// Refuses everything once our side failed, and moves it to [`State::Error`] when a
    /// send fails for any reason but a head that cannot be sent as it is.
    fn send_checked(
        &mut self,
        event: Event,
        body_length: Option<u64>,
        out: &mut WriteBuf,
    ) -> Result<(), Error> {
        if self.our_state() == State::Error {
            return Err(Error::new(ErrorKind::InvalidTransition));
        }
        let sent = self.send_inner(event, body_length, out);
        if let Err(err) = sent
            && err.kind() != ErrorKind::InvalidHead
        {
            self.machine.set_error(self.role);
        }
        sent
    }

    /// `body_length` is the exact length of a final response's body, when the caller
    /// knows it.
    fn send_inner(
        &mut self,
        event: Event,
        body_length: Option<u64>,
        out: &mut WriteBuf,
    ) -> Result<(), Error> {
        let style = Style {
            title_case: self.title_case_headers,
        };
        match (self.role, event) {
            (Role::Client, Event::Request(head)) => self.send_request(head, style, out),
            (Role::Server, Event::Informational(head)) => self.send_informational(head, style, out),
            (Role::Server, Event::Response(head)) => {
                self.send_response(head, body_length, style, out)
            }
            (_, Event::Data(data)) => {
                let encoder = self
                    .encoder
                    .as_mut()
                    .ok_or(Error::new(ErrorKind::InvalidTransition))?;
                encoder.data(data, out)?;
                self.machine.fire(self.role, Trigger::Data)
            }
            (_, Event::EndOfMessage(trailers)) => {
                let mut encoder = self
                    .encoder
                    .take()
                    .ok_or(Error::new(ErrorKind::InvalidTransition))?;
                encoder.end(trailers, style, out)?;
                if matches!(encoder, Encoder::UntilClose) {
                    self.machine.disable_keep_alive();
                }
                self.machine.fire(self.role, Trigger::EndOfMessage)
            }
            (_, Event::ConnectionClosed) => self.machine.fire(self.role, Trigger::ConnectionClosed),
            _ => Err(Error::new(ErrorKind::InvalidTransition)),
        }
    }

    fn send_request(
        &mut self,
        head: RequestHead,
        style: Style,
        out: &mut WriteBuf,
    ) -> Result<(), Error> {
        if self.our_state() != State::Idle || self.their_state() != State::Idle {
            return Err(Error::new(ErrorKind::InvalidTransition));
        }
        let framing = framing::outgoing_request_framing(head.version, &head.headers)?;
        // RFC 9112 section 3.2: "A client MUST send a Host header field in all HTTP/1.1
        // request messages."
        if head.version == Version::HTTP_11
            && head.headers.get_all(header::HOST).iter().count() != 1
        {
            return Err(Error::new(ErrorKind::InvalidHead));
        }
        let tokens = ConnectionTokens::of(&head.headers);
        if head.method == Method::CONNECT
            || (tokens.upgrade && head.headers.contains_key(header::UPGRADE))
        {
            self.machine.propose_switch();
        }
        self.machine.fire(Role::Client, Trigger::Request)?;
        self.machine.fire(Role::Server, Trigger::PeerRequest)?;
        if !tokens.persistent(head.version) {
            self.machine.disable_keep_alive();
        }
        let extra = Extra {
            chunked: framing == Framing::Chunked
                && !head.headers.contains_key(header::TRANSFER_ENCODING),
            ..Extra::default()
        };
        encode_head::request(&head, style, extra, out.scratch());
        out.commit_scratch();
        self.parser.recycle(head.headers);
        self.request = Some((head.method, head.version));
        self.encoder = Some(Encoder::new(framing, false));
        self.our_framing = Some(framing);
        Ok(())
    }

    fn send_informational(
        &mut self,
        head: ResponseHead,
        style: Style,
        out: &mut WriteBuf,
    ) -> Result<(), Error> {
        if head.status == http::StatusCode::SWITCHING_PROTOCOLS {
            return self.send_response(head, None, style, out);
        }
        if !head.status.is_informational() || head.headers.contains_key(header::CONTENT_LENGTH) {
            return Err(Error::new(ErrorKind::InvalidHead));
        }
        if let Some(reason) = &head.reason {
            check_reason(reason)?;
        }
        self.machine.fire(Role::Server, Trigger::Informational)?;
        self.expect_continue = false;
        // RFC 9110 section 15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0 client."
        // 1xx responses are optional hints, so it is dropped rather than refused.
        if self
            .request
            .as_ref()
            .is_some_and(|(_, v)| *v == Version::HTTP_10)
        {
            return Ok(());
        }
        encode_head::response(&head, style, Extra::default(), out.scratch())?;
        out.commit_scratch();
        Ok(())
    }

    /// `body_length`: the exact body length the caller knows, if any (see
    /// [`send_response_with_length`](Self::send_response_with_length)).
    fn send_response(
        &mut self,
        head: ResponseHead,
        body_length: Option<u64>,
        style: Style,
        out: &mut WriteBuf,
    ) -> Result<(), Error> {
        let (method, version) = self
            .request
            .clone()
            .unwrap_or((Method::GET, Version::HTTP_11));
        if let Some(reason) = &head.reason {
            check_reason(reason)?;
        }
        let switch = head.status == http::StatusCode::SWITCHING_PROTOCOLS
            || (method == Method::CONNECT && head.status.is_success());
        if switch {
            if !self.machine.pending_switch() {
                return Err(Error::new(ErrorKind::InvalidHead));
            }
            self.machine.accept_switch()?;
            self.expect_continue = false;
            return encode_head::response(&head, style, Extra::default(), out.scratch())
                .map(|()| out.commit_scratch());
        }
        if head.status.is_informational() {
            return Err(Error::new(ErrorKind::InvalidHead));
        }
        let mut framing = framing::response_framing(&method, version, head.status, &head.headers)?;
        let unframed = !head.headers.contains_key(header::CONTENT_LENGTH)
            && !head.headers.contains_key(header::TRANSFER_ENCODING);
        let content_length = body_length.filter(|&length| {
            unframed
                && if method == Method::HEAD {
                    length > 0 && !framing::response_has_no_body(&Method::GET, head.status)
                } else {
                    !framing::response_has_no_body(&method, head.status)
                }
        });
        if let Some(length) = content_length
            && method != Method::HEAD
        {
            framing = Framing::Length(length);
        }
        self.machine.fire(Role::Server, Trigger::Response)?;
        // A response without a request (a 408, or a 400 for a request that did not parse) ends
        // the connection: there is no cycle to complete.
        if self.request.is_none() {
            self.machine.disable_keep_alive();
        }
        self.machine.decline_switch();
        // RFC 9110 section 10.1.1: "A server that responds with a final status code before
        // reading the entire request content SHOULD indicate whether it intends to close the
        // connection ... or continue reading the request content." A client still waiting for
        // 100 (Continue) may or may not send its body now, so the only safe choice is to close.
        let unread_body = std::mem::take(&mut self.expect_continue);
        let tokens = ConnectionTokens::of(&head.headers);
        if tokens.close || framing == Framing::UntilClose || unread_body {
            self.machine.disable_keep_alive();
        }
        let connection: Option<&'static [u8]> =
            match (self.machine.keep_alive(), tokens.close, tokens.keep_alive) {
                (false, false, _) => Some(b"close"),
                (true, _, false) if version == Version::HTTP_10 => Some(b"keep-alive"),
                _ => None,
            };
        let extra = Extra {
            date: self.date.as_ref(),
            chunked: framing == Framing::Chunked
                && !head.headers.contains_key(header::TRANSFER_ENCODING),
            connection,
            content_length,
        };
        encode_head::response(&head, style, extra, out.scratch())?;
        out.commit_scratch();
        self.parser.recycle(head.headers);
        self.encoder = Some(Encoder::new(framing, method == Method::HEAD));
        self.our_framing = Some(framing);
        Ok(())
    }
}
