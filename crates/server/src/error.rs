//! [`Error`]: the one error type of spire-server, opaque, with a kind and a source chain.
//!
//! Most failures a server sees belong to one connection (a peer that never sends a byte, a
//! connection that breaks); they end that connection, are logged with `tracing`, and never
//! stop the server. The few that end [`serve`](crate::serve) itself are reported to its
//! caller. Either way the lower-level cause (a [`spire_conn::Error`], an `std::io::Error`,
//! the user's own error) is the [`source()`](std::error::Error::source).

use std::fmt;

use spire_service::BoxError;

/// What kind of failure an [`Error`] reports.
///
/// # Examples
///
/// ```
/// use spire_server::{Error, ErrorKind};
///
/// fn is_peer_fault(err: &Error) -> bool {
///     matches!(err.kind(), ErrorKind::DetectionTimeout | ErrorKind::Connection)
/// }
/// # let _ = is_peer_fault;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The [`MakeService`](spire_service::make::MakeService) failed: its readiness failed
    /// (which ends the server), or making one connection's service failed (which closes
    /// that connection). The user's error is the source.
    MakeService,
    /// The peer did not send enough bytes to tell HTTP/1 from HTTP/2 within the detection
    /// timeout ([`Timeouts::detection`](crate::Timeouts::detection)).
    DetectionTimeout,
    /// Reading the first bytes of a connection failed; the `std::io::Error` is the source.
    Io,
    /// Serving a connection failed; the [`spire_conn::Error`] is the source.
    Connection,
    /// The connection was still open when the graceful-shutdown drain deadline
    /// ([`Timeouts::drain`](crate::Timeouts::drain)) passed, and was closed.
    DrainTimeout,
}

/// An error from serving: a connection that failed, or the server itself.
///
/// The type is opaque: ask what happened with [`kind`](Self::kind) or the `is_*` predicates,
/// and walk [`source()`](std::error::Error::source) for the cause. `Display` describes this
/// level only, in lowercase words without a trailing period; the exact wording is not part of
/// the API.
///
/// # Examples
///
/// ```no_run
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use spire_body::Full;
/// use spire_conn::Incoming;
/// use spire_service::service_fn;
///
/// # #[tokio::main]
/// # async fn main() -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let service = service_fn(|_req: http::Request<Incoming>| async {
///     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"hi"))))
/// });
/// if let Err(err) = spire_server::serve(listener, service).await {
///     eprintln!("server stopped: {err} ({:?})", err.kind());
/// }
/// # Ok(())
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

    /// Returns the kind of this error.
    ///
    /// # Examples
    ///
    /// ```
    /// fn is_quiet_peer(err: &spire_server::Error) -> bool {
    ///     // A port scanner, or a client that connected and went quiet.
    ///     err.kind() == spire_server::ErrorKind::DetectionTimeout
    /// }
    /// # let _ = is_quiet_peer;
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Returns `true` if a timer ended the connection: protocol detection or the drain
    /// deadline. (Timeouts inside HTTP, such as a slow request head, are
    /// [`Connection`](ErrorKind::Connection) errors whose source says
    /// [`is_timeout`](spire_conn::Error::is_timeout).)
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::DetectionTimeout | ErrorKind::DrainTimeout
        )
    }

    /// Returns `true` if the user's make-service failed.
    pub fn is_make_service(&self) -> bool {
        self.kind == ErrorKind::MakeService
    }

    /// Returns `true` if serving a connection failed (the source is a
    /// [`spire_conn::Error`]).
    pub fn is_connection(&self) -> bool {
        self.kind == ErrorKind::Connection
    }

    /// Returns `true` if the transport failed before a protocol was chosen.
    pub fn is_io(&self) -> bool {
        self.kind == ErrorKind::Io
    }

    fn description(&self) -> &'static str {
        match self.kind {
            ErrorKind::MakeService => "make service failed",
            ErrorKind::DetectionTimeout => "timed out detecting the protocol",
            ErrorKind::Io => "connection i/o failed",
            ErrorKind::Connection => "error serving a connection",
            ErrorKind::DrainTimeout => "connection closed at the graceful shutdown deadline",
        }
    }
}

impl From<spire_conn::Error> for Error {
    fn from(err: spire_conn::Error) -> Self {
        Self::new(ErrorKind::Connection).with(err)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("spire_server::Error");
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
    fn display_is_this_level_lowercase_without_period() {
        let kinds = [
            ErrorKind::MakeService,
            ErrorKind::DetectionTimeout,
            ErrorKind::Io,
            ErrorKind::Connection,
            ErrorKind::DrainTimeout,
        ];
        for kind in kinds {
            let text = Error::new(kind).with("cause").to_string();
            assert!(!text.ends_with('.'), "{text:?}");
            assert!(!text.contains("cause"), "{text:?}");
            assert!(
                text.chars().next().is_some_and(char::is_lowercase),
                "{text:?}"
            );
        }
    }

    #[test]
    fn predicates_match_their_kinds() {
        assert!(Error::new(ErrorKind::DetectionTimeout).is_timeout());
        assert!(Error::new(ErrorKind::DrainTimeout).is_timeout());
        assert!(!Error::new(ErrorKind::Io).is_timeout());
        assert!(Error::new(ErrorKind::Io).is_io());
        assert!(Error::new(ErrorKind::MakeService).is_make_service());
        assert!(Error::new(ErrorKind::Connection).is_connection());
    }

    #[test]
    fn source_chain_reaches_the_cause() {
        let err = Error::new(ErrorKind::Io).with(std::io::Error::other("reset"));
        let source = err.source().expect("io source");
        assert!(source.downcast_ref::<std::io::Error>().is_some());
        assert!(Error::new(ErrorKind::DrainTimeout).source().is_none());
        let text = format!("{err:?}");
        assert!(text.contains("Io") && text.contains("reset"), "{text}");
    }
}
