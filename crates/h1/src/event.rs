//! The events that flow in both directions, and spire-h1's own small message heads.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Version, header};

use crate::error::{Error, ErrorKind};
use crate::header_case::OriginalHeaders;
use crate::target::Target;

/// A request line and header section, as parsed or as to be sent.
///
/// Cheap to build from a parse: the target and the header values share the received bytes.
/// [`into_parts`](Self::into_parts) turns it into `http::request::Parts`;
/// [`from_parts`](Self::from_parts) goes the other way for a client.
///
/// # Examples
///
/// ```
/// use http::{Method, Version};
/// use spire_h1::{RequestHead, Target};
///
/// let mut head = RequestHead::new(Method::GET, Target::parse(&Method::GET, "/".into()).unwrap());
/// head.headers.insert("host", "example.com".parse().unwrap());
/// assert_eq!(head.version, Version::HTTP_11);
/// let parts = head.into_parts().unwrap();
/// assert_eq!(parts.uri, "/");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestHead {
    /// The request method.
    pub method: Method,
    /// The request-target, in the form it was sent.
    pub target: Target,
    /// HTTP/1.0 or HTTP/1.1 (higher 1.x minors are read as HTTP/1.1).
    pub version: Version,
    /// The header fields.
    pub headers: HeaderMap,
    /// Original spelling and order of the header names, when recorded or to be reproduced.
    pub original: Option<OriginalHeaders>,
}

impl RequestHead {
    /// An HTTP/1.1 request head with no headers.
    ///
    /// Add headers through the public `headers` field; a client must add `Host` before sending an
    /// HTTP/1.1 request.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::Method;
    /// use spire_h1::{RequestHead, Target};
    ///
    /// let head = RequestHead::new(Method::OPTIONS, Target::parse(&Method::OPTIONS, "*".into()).unwrap());
    /// assert!(head.headers.is_empty());
    /// ```
    pub fn new(method: Method, target: Target) -> Self {
        Self {
            method,
            target,
            version: Version::HTTP_11,
            headers: HeaderMap::new(),
            original: None,
        }
    }

    /// Converts into `http::request::Parts`; the original header case, if any, goes into the
    /// extensions as an [`OriginalHeaders`].
    ///
    /// The target becomes an `http::Uri` (sharing the received bytes); the header map moves as it
    /// is.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidTarget`] if `http::Uri` rejects the target.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::{Connection, Event, Received, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
    /// let Ok(Received::Event(Event::Request(head))) = conn.next_event() else { panic!() };
    /// let request = http::Request::from_parts(head.into_parts().unwrap(), ());
    /// assert_eq!(request.uri().query(), Some("b=1"));
    /// assert_eq!(request.headers()["host"], "example.com");
    /// ```
    pub fn into_parts(self) -> Result<http::request::Parts, Error> {
        let (mut parts, ()) = http::Request::new(()).into_parts();
        parts.uri = self.target.to_uri()?;
        parts.method = self.method;
        parts.version = self.version;
        parts.headers = self.headers;
        if let Some(original) = self.original {
            parts.extensions.insert(original);
        }
        Ok(parts)
    }

    /// Builds a head to send from `http::request::Parts`.
    ///
    /// The target comes from [`Target::from_uri`]; a `Host` header is added from the URI's
    /// authority when missing (RFC 9112 section 3.2: "A client MUST send a Host header field
    /// in all HTTP/1.1 request messages"); an [`OriginalHeaders`] extension is carried over.
    ///
    /// # Examples
    ///
    /// ```
    /// let req = http::Request::get("http://example.com/x").body(()).unwrap();
    /// let head = spire_h1::RequestHead::from_parts(req.into_parts().0);
    /// assert_eq!(head.target.as_str(), "/x");
    /// assert_eq!(head.headers["host"], "example.com");
    /// ```
    pub fn from_parts(mut parts: http::request::Parts) -> Self {
        let target = Target::from_uri(&parts.method, &parts.uri);
        if !parts.headers.contains_key(header::HOST) {
            let host = parts
                .uri
                .authority()
                .and_then(|a| HeaderValue::from_str(a.as_str()).ok());
            if let Some(host) = host {
                parts.headers.insert(header::HOST, host);
            }
        }
        let version = if parts.version == Version::HTTP_10 {
            Version::HTTP_10
        } else {
            Version::HTTP_11
        };
        Self {
            method: parts.method,
            target,
            version,
            headers: parts.headers,
            original: parts.extensions.remove::<OriginalHeaders>(),
        }
    }
}

/// A status line and header section, as parsed or as to be sent.
///
/// Received heads keep the reason phrase as sent; [`into_parts`](Self::into_parts) and
/// [`from_parts`](Self::from_parts) convert to and from `http::response::Parts`.
///
/// # Examples
///
/// ```
/// use http::StatusCode;
/// use spire_h1::ResponseHead;
///
/// let head = ResponseHead::new(StatusCode::NOT_FOUND);
/// let parts = head.into_parts();
/// assert_eq!(parts.status, 404);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseHead {
    /// HTTP/1.0 or HTTP/1.1.
    pub version: Version,
    /// The status code.
    pub status: StatusCode,
    /// The reason phrase as received, or to send; `None` sends the canonical phrase.
    pub reason: Option<Bytes>,
    /// The header fields.
    pub headers: HeaderMap,
    /// Original spelling and order of the header names, when recorded or to be reproduced.
    pub original: Option<OriginalHeaders>,
}

impl ResponseHead {
    /// An HTTP/1.1 response head with no headers and the canonical reason phrase.
    ///
    /// Add headers through the public `headers` field. Without `Content-Length` the connection
    /// chooses the framing (see [`response_framing`](crate::response_framing)).
    ///
    /// # Examples
    ///
    /// ```
    /// let head = spire_h1::ResponseHead::new(http::StatusCode::OK);
    /// assert!(head.reason.is_none());
    /// ```
    pub fn new(status: StatusCode) -> Self {
        Self {
            version: Version::HTTP_11,
            status,
            reason: None,
            headers: HeaderMap::new(),
            original: None,
        }
    }

    /// Converts into `http::response::Parts` (the original header case goes into the
    /// extensions).
    ///
    /// The reason phrase is dropped: `http::Response` has no place for it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_h1::ResponseHead;
    ///
    /// let mut head = ResponseHead::new(http::StatusCode::CREATED);
    /// head.headers.insert("location", "/items/7".parse().unwrap());
    /// let response = http::Response::from_parts(head.into_parts(), ());
    /// assert_eq!(response.headers()["location"], "/items/7");
    /// ```
    pub fn into_parts(self) -> http::response::Parts {
        let (mut parts, ()) = http::Response::new(()).into_parts();
        parts.status = self.status;
        parts.version = self.version;
        parts.headers = self.headers;
        if let Some(original) = self.original {
            parts.extensions.insert(original);
        }
        parts
    }

    /// Builds a head to send from `http::response::Parts` (an [`OriginalHeaders`] extension is
    /// carried over).
    ///
    /// Any version other than HTTP/1.0 is sent as HTTP/1.1.
    ///
    /// # Examples
    ///
    /// ```
    /// let res = http::Response::builder().status(204).body(()).unwrap();
    /// let head = spire_h1::ResponseHead::from_parts(res.into_parts().0);
    /// assert_eq!(head.status, 204);
    /// ```
    pub fn from_parts(mut parts: http::response::Parts) -> Self {
        let version = if parts.version == Version::HTTP_10 {
            Version::HTTP_10
        } else {
            Version::HTTP_11
        };
        Self {
            version,
            status: parts.status,
            reason: None,
            headers: parts.headers,
            original: parts.extensions.remove::<OriginalHeaders>(),
        }
    }
}

/// One step of an HTTP/1.1 exchange; the same events are received and sent.
///
/// A server receives `Request`, `Data` and `EndOfMessage` and sends `Informational`, `Response`,
/// `Data` and `EndOfMessage`; a client the other way round. Either side receives or sends
/// `ConnectionClosed`.
///
/// # Examples
///
/// ```
/// use bytes::Bytes;
/// use spire_h1::Event;
///
/// let ev = Event::Data(Bytes::from_static(b"hello"));
/// assert!(matches!(ev, Event::Data(ref d) if d.len() == 5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A request head (client → server).
    Request(RequestHead),
    /// A 1xx response head other than a switch (server → client); also 103 Early Hints.
    Informational(ResponseHead),
    /// A final response head, or 101 Switching Protocols.
    Response(ResponseHead),
    /// A piece of body. Received pieces are slices of the received bytes.
    Data(Bytes),
    /// The end of the message, with trailers if the body was chunked and had any.
    EndOfMessage(Option<HeaderMap>),
    /// The peer closed its side (received), or we are closing ours (sent).
    ConnectionClosed,
}

/// What [`Connection::next_event`](crate::Connection::next_event) produced.
///
/// `NeedData` and `Paused` are h11's sentinels, as variants of one enum.
///
/// # Examples
///
/// ```
/// use spire_h1::{Connection, Received, Role};
///
/// let mut conn = Connection::new(Role::Server);
/// conn.receive(b"GET / HTT");
/// assert!(matches!(conn.next_event(), Ok(Received::NeedData)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// An event from the peer.
    Event(Event),
    /// More bytes are needed (or [`receive_eof`](crate::Connection::receive_eof)).
    NeedData,
    /// Nothing will be parsed until [`start_next_cycle`](crate::Connection::start_next_cycle)
    /// (pipelined bytes are kept), or ever if the protocol switched. The driver should stop
    /// reading from the socket meanwhile: the codec does not bound the buffered bytes then.
    Paused,
}

/// The `Connection` header tokens of a message that matter to the codec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ConnectionTokens {
    pub(crate) close: bool,
    pub(crate) keep_alive: bool,
    pub(crate) upgrade: bool,
}

impl ConnectionTokens {
    /// Reads every `Connection` line (RFC 9110 section 7.6.1: `Connection = #connection-option`,
    /// case-insensitive tokens).
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        let mut tokens = Self::default();
        for value in headers.get_all(header::CONNECTION) {
            for token in value.as_bytes().split(|&b| b == b',') {
                let token = token.trim_ascii();
                if token.eq_ignore_ascii_case(b"close") {
                    tokens.close = true;
                } else if token.eq_ignore_ascii_case(b"keep-alive") {
                    tokens.keep_alive = true;
                } else if token.eq_ignore_ascii_case(b"upgrade") {
                    tokens.upgrade = true;
                }
            }
        }
        tokens
    }

    /// RFC 9112 section 9.3: "If the "close" connection option is present ..., the connection
    /// will not persist after the current response; else, If the received protocol is HTTP/1.1
    /// (or later), the connection will persist after the current response; else, If the
    /// received protocol is HTTP/1.0, the "keep-alive" connection option is present, ... the
    /// connection will persist after the current response; otherwise, The connection will
    /// close after the current response."
    pub(crate) fn persistent(self, version: Version) -> bool {
        !self.close && (version != Version::HTTP_10 || self.keep_alive)
    }
}

/// Whether a request carries `Expect: 100-continue` (RFC 9110 section 10.1.1: "A server that
/// receives a 100-continue expectation in an HTTP/1.0 request MUST ignore that expectation").
pub(crate) fn expects_continue(version: Version, headers: &HeaderMap) -> bool {
    version != Version::HTTP_10
        && headers.get_all(header::EXPECT).iter().any(|v| {
            v.as_bytes()
                .trim_ascii()
                .eq_ignore_ascii_case(b"100-continue")
        })
}

/// Checks a reason phrase to send: `reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )`
/// (RFC 9112 section 4).
pub(crate) fn check_reason(reason: &[u8]) -> Result<(), Error> {
    if reason
        .iter()
        .all(|&b| b == b'\t' || b == b' ' || (b >= 0x21 && b != 0x7f))
    {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidHead))
    }
}
