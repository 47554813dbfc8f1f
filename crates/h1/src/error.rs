//! The one error type of spire-h1: what went wrong, whose fault it was, and what to answer.

use std::fmt;

use http::StatusCode;

/// What went wrong while parsing peer bytes or while checking a local `send`.
///
/// Remote kinds describe malformed or unacceptable peer input; local kinds describe misuse of
/// the [`Connection`](crate::Connection) API by the caller. [`Error::is_local`] tells them apart
/// and [`Error::status`] maps remote kinds to the status a server should answer with.
///
/// # Examples
///
/// ```
/// use spire_h1::{Connection, ErrorKind, Role};
///
/// let mut conn = Connection::new(Role::Server);
/// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n");
/// let err = conn.next_event().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidContentLength);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request line or status line is malformed (bad method, target characters, spacing).
    BadStartLine,
    /// The request-target is not valid for its method (RFC 9112 section 3.2).
    InvalidTarget,
    /// The request line is longer than [`Limits::max_request_line`](crate::Limits::max_request_line).
    RequestLineTooLong,
    /// The head is larger than [`Limits::max_head_size`](crate::Limits::max_head_size).
    HeadTooLarge,
    /// More header lines than [`Limits::max_headers`](crate::Limits::max_headers).
    HeaderCount,
    /// A header line is malformed: bad name, control character in a value, obs-fold,
    /// whitespace before the colon, or a bare CR.
    BadHeader,
    /// A `Host` header is missing, repeated or invalid (RFC 9112 section 3.2).
    InvalidHost,
    /// A `Content-Length` value is not a valid decimal number or repeated values differ.
    InvalidContentLength,
    /// The framing is ambiguous: `Transfer-Encoding` with `Content-Length`, `chunked` not last
    /// or applied twice, or `Transfer-Encoding` in an HTTP/1.0 request.
    AmbiguousFraming,
    /// A transfer coding other than `chunked` was used in a request (501).
    UnsupportedTransferCoding,
    /// The HTTP version is not HTTP/1.x (505).
    UnsupportedVersion,
    /// The chunked body is malformed: bad size, bad CRLF, bad extension.
    BadChunk,
    /// A chunk extension is longer than [`Limits::max_chunk_extension`](crate::Limits::max_chunk_extension).
    ChunkExtensionTooLong,
    /// The trailer section is malformed.
    BadTrailer,
    /// The trailer section is larger than [`Limits::max_trailer_size`](crate::Limits::max_trailer_size).
    TrailersTooLarge,
    /// The body is larger than [`Limits::max_body_size`](crate::Limits::max_body_size) (413).
    BodyTooLarge,
    /// The peer closed the connection in the middle of a message.
    IncompleteMessage,
    /// The peer sent a response status the protocol does not allow here (e.g. 101 without an
    /// upgrade offer).
    UnexpectedStatus,
    /// Local misuse: the event is not allowed in the current state.
    InvalidTransition,
    /// Local misuse: more body bytes were sent than `Content-Length` declared (or a body on a
    /// message that cannot have one).
    BodyLongerThanDeclared,
    /// Local misuse: the message ended before `Content-Length` bytes were sent.
    BodyShorterThanDeclared,
    /// Local misuse: trailers were sent on a message that is not chunked.
    TrailersNotAllowed,
    /// Local misuse: the head to send is invalid (bad framing headers, bad reason phrase,
    /// 1xx status sent as a final response, ...).
    InvalidHead,
}

impl ErrorKind {
    /// Whether this kind is caused by the local caller rather than the peer.
    fn is_local(self) -> bool {
        matches!(
            self,
            Self::InvalidTransition
                | Self::BodyLongerThanDeclared
                | Self::BodyShorterThanDeclared
                | Self::TrailersNotAllowed
                | Self::InvalidHead
        )
    }

    fn description(self) -> &'static str {
        match self {
            Self::BadStartLine => "malformed start line",
            Self::InvalidTarget => "invalid request-target",
            Self::RequestLineTooLong => "request line too long",
            Self::HeadTooLarge => "message head too large",
            Self::HeaderCount => "too many header fields",
            Self::BadHeader => "malformed header field",
            Self::InvalidHost => "missing, repeated or invalid host header",
            Self::InvalidContentLength => "invalid content-length",
            Self::AmbiguousFraming => "ambiguous message framing",
            Self::UnsupportedTransferCoding => "unsupported transfer coding",
            Self::UnsupportedVersion => "unsupported http version",
            Self::BadChunk => "malformed chunked encoding",
            Self::ChunkExtensionTooLong => "chunk extension too long",
            Self::BadTrailer => "malformed trailer section",
            Self::TrailersTooLarge => "trailer section too large",
            Self::BodyTooLarge => "message body too large",
            Self::IncompleteMessage => "connection closed before the message was complete",
            Self::UnexpectedStatus => "unexpected response status",
            Self::InvalidTransition => "event not allowed in the current state",
            Self::BodyLongerThanDeclared => "body longer than declared",
            Self::BodyShorterThanDeclared => "body shorter than declared",
            Self::TrailersNotAllowed => "trailers sent on a message that is not chunked",
            Self::InvalidHead => "invalid message head to send",
        }
    }
}

/// The error returned by [`Connection::next_event`](crate::Connection::next_event) and
/// [`Connection::send`](crate::Connection::send).
///
/// An opaque value: match on [`kind`](Self::kind), ask [`status`](Self::status) what a server
/// should answer, and [`is_local`](Self::is_local) / [`is_remote`](Self::is_remote) whose fault
/// it was. After a remote error the peer's state is [`State::Error`](crate::State::Error); after
/// a local error our state is. The `Display` wording is not stable.
///
/// # Examples
///
/// ```
/// use http::StatusCode;
/// use spire_h1::{Connection, Role};
///
/// let mut conn = Connection::new(Role::Server);
/// conn.receive(b"GET / HTTP/2.0\r\n\r\n");
/// let err = conn.next_event().unwrap_err();
/// assert!(err.is_remote());
/// assert_eq!(err.status(), Some(StatusCode::HTTP_VERSION_NOT_SUPPORTED));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Whether the caller misused the API (a bad `send`), not the peer.
    pub fn is_local(&self) -> bool {
        self.kind.is_local()
    }

    /// Whether the peer sent something malformed or unacceptable.
    pub fn is_remote(&self) -> bool {
        !self.kind.is_local()
    }

    /// The status a server should answer with before closing, `None` for local misuse.
    ///
    /// 400 for malformed input, 413 for a body over the limit, 414 for a request line over the
    /// limit, 431 for header sections over the limits, 501 for an unknown transfer coding and
    /// 505 for an HTTP version other than 1.x. A client that gets a remote error also gets a
    /// status here; it is only meaningful to a server.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use spire_h1::{Connection, Role};
    ///
    /// let mut conn = Connection::new(Role::Server);
    /// conn.receive(b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
    /// let err = conn.next_event().unwrap_err();
    /// assert_eq!(err.status(), Some(StatusCode::NOT_IMPLEMENTED));
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        if self.is_local() {
            return None;
        }
        Some(match self.kind {
            ErrorKind::RequestLineTooLong => StatusCode::URI_TOO_LONG,
            ErrorKind::HeadTooLarge | ErrorKind::HeaderCount | ErrorKind::TrailersTooLarge => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            ErrorKind::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedTransferCoding => StatusCode::NOT_IMPLEMENTED,
            ErrorKind::UnsupportedVersion => StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            _ => StatusCode::BAD_REQUEST,
        })
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.description())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_maps_kinds_to_codes() {
        assert_eq!(
            Error::new(ErrorKind::HeaderCount).status(),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        assert_eq!(
            Error::new(ErrorKind::RequestLineTooLong).status(),
            Some(StatusCode::URI_TOO_LONG)
        );
        assert_eq!(
            Error::new(ErrorKind::BadChunk).status(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            Error::new(ErrorKind::BodyTooLarge).status(),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        assert_eq!(Error::new(ErrorKind::InvalidTransition).status(), None);
    }

    #[test]
    fn local_and_remote_are_exclusive() {
        let local = Error::new(ErrorKind::BodyShorterThanDeclared);
        assert!(local.is_local() && !local.is_remote());
        let remote = Error::from(ErrorKind::BadHeader);
        assert!(remote.is_remote() && !remote.is_local());
        assert_eq!(remote.to_string(), "malformed header field");
    }
}
