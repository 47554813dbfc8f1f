//! [`Error`]: the one error type of spire-conn, opaque, with a kind and a source chain.
//!
//! A connection fails for reasons that live at different levels: the peer sent bytes that do
//! not parse, a timer fired, the socket failed, the user's service or body failed. [`Error`]
//! says which, in words, at this level only; the lower-level cause (a spire-h1 parse error, an
//! `std::io::Error`, an `h2::Error`, the service's own error) is its
//! [`source()`](std::error::Error::source).

use std::fmt;

use spire_service::BoxError;

/// What kind of failure an [`Error`] reports.
///
/// The kinds cover both protocols and both roles, whether or not a driver that produces a
/// given kind exists yet: a kind never depends on a feature or on which driver is compiled in.
/// [`Error::kind`] returns it so that code can `match`; the `is_*` predicates on [`Error`]
/// group the kinds the way most callers ask.
///
/// # Examples
///
/// ```
/// use spire_conn::{Error, ErrorKind};
///
/// fn describe(err: &Error) -> &'static str {
///     match err.kind() {
///         ErrorKind::Parse => "the peer sent garbage",
///         ErrorKind::HeaderTimeout | ErrorKind::KeepAliveTimeout => "too slow",
///         _ => "something else",
///     }
/// }
/// # let _ = describe;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The peer sent a message that could not be parsed or is not allowed (HTTP/1; the
    /// spire-h1 error is the source and carries the status to answer with).
    Parse,
    /// The peer did not finish sending a message head in time (HTTP/1).
    HeaderTimeout,
    /// The peer did not answer a keep-alive PING in time (HTTP/2).
    KeepAliveTimeout,
    /// The transport took none of the queued bytes for the whole write timeout: the peer
    /// stopped reading (HTTP/1).
    WriteTimeout,
    /// The connection or stream closed before a message was complete.
    Closed,
    /// An operation was given up because the other side of it went away, for example an
    /// upgrade whose connection ended before it could be handed over.
    Canceled,
    /// Reading from or writing to the transport failed; the `std::io::Error` is the source.
    Io,
    /// The peer broke the HTTP/2 protocol, or the connection was torn down with an HTTP/2
    /// error code (`GOAWAY` or `RST_STREAM`); the `h2::Error` is the source.
    Protocol,
    /// Receiving a message body failed (the stream was reset, or the connection broke).
    Body,
    /// The user's service returned an error; it is the source.
    UserService,
    /// The user's response or request body returned an error while it was being sent; it
    /// is the source.
    UserBody,
    /// The user's message head could not be sent as given (for example, HTTP/2 refused a
    /// header).
    UserHead,
    /// [`upgrade::on`](crate::upgrade::on) was called on a message that the connection will
    /// not upgrade.
    NoUpgrade,
}

/// An error from a connection, a stream, a received body or an upgrade.
///
/// The type is opaque: ask what happened with [`kind`](Self::kind) or the `is_*` predicates,
/// and walk [`source()`](std::error::Error::source) for the cause. `Display` describes this
/// level only, in lowercase words without a trailing period; the exact wording is not part of
/// the API.
///
/// # Examples
///
/// ```
/// use spire_body::BodyExt;
/// use spire_conn::Incoming;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // An empty body never fails; a real one from a broken connection would yield an
/// // `Error` whose `is_body()` is true.
/// let collected = Incoming::empty().collect().await.unwrap();
/// assert!(collected.to_bytes().is_empty());
/// # }
/// ```
pub struct Error {
    kind: ErrorKind,
    source: Option<BoxError>,
}

impl Error {
    /// Creates an error of `kind` with no source.
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// Attaches the lower-level cause.
    pub(crate) fn with(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Wraps an `h2` error from the connection or a stream, keeping IO failures apart from
    /// protocol ones.
    pub(crate) fn from_h2(err: h2::Error) -> Self {
        if err.is_io() {
            match err.into_io() {
                Some(io) => Self::new(ErrorKind::Io).with(io),
                None => Self::new(ErrorKind::Io),
            }
        } else {
            Self::new(ErrorKind::Protocol).with(err)
        }
    }

    /// Returns the kind of this error.
    ///
    /// # Examples
    ///
    /// ```
    /// # use spire_conn::ErrorKind;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut req = http::Request::new(());
    /// let err = spire_conn::upgrade::on(&mut req).await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NoUpgrade);
    /// # }
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Returns `true` if the peer sent a message that could not be parsed.
    pub fn is_parse(&self) -> bool {
        self.kind == ErrorKind::Parse
    }

    /// Returns `true` if a timer fired: a head that took too long to arrive, or a keep-alive
    /// PING that was not answered.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::HeaderTimeout | ErrorKind::KeepAliveTimeout | ErrorKind::WriteTimeout
        )
    }

    /// Returns `true` if the connection or stream closed before a message was complete.
    pub fn is_closed(&self) -> bool {
        self.kind == ErrorKind::Closed
    }

    /// Returns `true` if an operation was given up because its other side went away.
    pub fn is_canceled(&self) -> bool {
        self.kind == ErrorKind::Canceled
    }

    /// Returns `true` if the transport failed.
    pub fn is_io(&self) -> bool {
        self.kind == ErrorKind::Io
    }

    /// Returns `true` if the failure is an HTTP/2 protocol error or error code.
    pub fn is_protocol(&self) -> bool {
        self.kind == ErrorKind::Protocol
    }

    /// Returns `true` if receiving a message body failed.
    pub fn is_body(&self) -> bool {
        self.kind == ErrorKind::Body
    }

    /// Returns `true` if the user's code caused the failure: the service, a body it
    /// returned, a head it built, or an upgrade it asked for.
    pub fn is_user(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::UserService
                | ErrorKind::UserBody
                | ErrorKind::UserHead
                | ErrorKind::NoUpgrade
        )
    }

    /// Describes this level of the error, without its source.
    fn description(&self) -> &'static str {
        match self.kind {
            ErrorKind::Parse => "invalid HTTP message received",
            ErrorKind::HeaderTimeout => "timed out reading a message head",
            ErrorKind::KeepAliveTimeout => "keep-alive ping was not answered in time",
            ErrorKind::WriteTimeout => "timed out writing to a peer that stopped reading",
            ErrorKind::Closed => "connection closed before the message completed",
            ErrorKind::Canceled => "operation was canceled",
            ErrorKind::Io => "connection i/o failed",
            ErrorKind::Protocol => "http/2 protocol error",
            ErrorKind::Body => "error receiving a message body",
            ErrorKind::UserService => "service returned an error",
            ErrorKind::UserBody => "user body returned an error",
            ErrorKind::UserHead => "user message head could not be sent",
            ErrorKind::NoUpgrade => "no upgrade is available for this message",
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("spire_conn::Error");
        tuple.field(&self.kind);
        if let Some(source) = &self.source {
            tuple.field(source);
        }
        tuple.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn display_describes_this_level_only() {
        let err = Error::new(ErrorKind::UserService).with("database is down");
        assert_eq!(err.to_string(), "service returned an error");
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("database is down")
        );
    }

    #[test]
    fn display_is_lowercase_without_trailing_period() {
        let kinds = [
            ErrorKind::Parse,
            ErrorKind::HeaderTimeout,
            ErrorKind::KeepAliveTimeout,
            ErrorKind::WriteTimeout,
            ErrorKind::Closed,
            ErrorKind::Canceled,
            ErrorKind::Io,
            ErrorKind::Protocol,
            ErrorKind::Body,
            ErrorKind::UserService,
            ErrorKind::UserBody,
            ErrorKind::UserHead,
            ErrorKind::NoUpgrade,
        ];
        for kind in kinds {
            let text = Error::new(kind).to_string();
            assert!(!text.ends_with('.'), "{text:?}");
            let first = text.chars().next().expect("non-empty description");
            assert!(first.is_lowercase(), "{text:?}");
        }
    }

    #[test]
    fn predicates_match_their_kinds() {
        assert!(Error::new(ErrorKind::Parse).is_parse());
        assert!(Error::new(ErrorKind::HeaderTimeout).is_timeout());
        assert!(Error::new(ErrorKind::KeepAliveTimeout).is_timeout());
        assert!(Error::new(ErrorKind::WriteTimeout).is_timeout());
        assert!(Error::new(ErrorKind::Closed).is_closed());
        assert!(Error::new(ErrorKind::Canceled).is_canceled());
        assert!(Error::new(ErrorKind::Io).is_io());
        assert!(Error::new(ErrorKind::Protocol).is_protocol());
        assert!(Error::new(ErrorKind::Body).is_body());
        assert!(Error::new(ErrorKind::UserBody).is_user());
        assert!(Error::new(ErrorKind::NoUpgrade).is_user());
        assert!(!Error::new(ErrorKind::Body).is_user());
        assert!(!Error::new(ErrorKind::Parse).is_timeout());
    }

    #[test]
    fn source_chain_reaches_the_root_cause() {
        let io = std::io::Error::other("connection reset");
        let err = Error::new(ErrorKind::Io).with(io);
        let source = err.source().expect("io source");
        assert!(source.downcast_ref::<std::io::Error>().is_some());
        assert!(Error::new(ErrorKind::Closed).source().is_none());
    }

    #[test]
    fn from_h2_reason_is_a_protocol_error() {
        let reset = h2::Error::from(h2::Reason::ENHANCE_YOUR_CALM);
        let err = Error::from_h2(reset);
        assert!(err.is_protocol());
        assert!(!err.is_io());
        let source = err
            .source()
            .and_then(|s| s.downcast_ref::<h2::Error>())
            .expect("the h2 error is the source");
        assert_eq!(source.reason(), Some(h2::Reason::ENHANCE_YOUR_CALM));
    }

    #[test]
    fn debug_shows_kind_and_source() {
        let err = Error::new(ErrorKind::Body).with("reset");
        let text = format!("{err:?}");
        assert!(text.contains("Body"), "{text}");
        assert!(text.contains("reset"), "{text}");
    }
}
