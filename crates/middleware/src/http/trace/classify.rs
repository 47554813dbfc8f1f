//! [`Classify`]: what counts as a failure; [`ServerErrorsAsFailures`] and
//! [`StatusInRangeAsFailures`], and the [`FailureClass`] both give.

use std::fmt;
use std::ops::RangeInclusive;

use http::{HeaderMap, Response, StatusCode};

/// What a [`Classify`] makes of a response head.
///
/// # Examples
///
/// ```
/// use http::{Response, StatusCode};
/// use spire_middleware::http::trace::{Classification, Classify, FailureClass, ServerErrorsAsFailures};
///
/// let mut response = Response::new(());
/// *response.status_mut() = StatusCode::BAD_GATEWAY;
/// assert_eq!(
///     ServerErrorsAsFailures::new().classify_response(&response),
///     Classification::Failure(FailureClass::Status(StatusCode::BAD_GATEWAY)),
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classification<F> {
    /// The response is a success.
    Success,
    /// The response is a failure, of this class.
    Failure(F),
    /// The head does not tell; decide at the end of the body with
    /// [`Classify::classify_eos`] (gRPC puts its status in the trailers).
    AtEndOfStream,
}

/// Decides which responses and errors are failures, for
/// [`TraceHooks::on_failure`](super::TraceHooks::on_failure).
///
/// The [`Trace`](super::Trace) service clones its classifier once per call, into the
/// response future and then the response body: keep clones cheap.
///
/// # Examples
///
/// Count only `503 Service Unavailable` as a failure:
///
/// ```
/// use http::{Response, StatusCode};
/// use spire_middleware::http::trace::{Classification, Classify};
///
/// #[derive(Clone, Copy)]
/// struct Unavailable;
///
/// impl Classify for Unavailable {
///     type Failure = String;
///
///     fn classify_response<B>(&self, response: &Response<B>) -> Classification<String> {
///         if response.status() == StatusCode::SERVICE_UNAVAILABLE {
///             Classification::Failure("unavailable".to_owned())
///         } else {
///             Classification::Success
///         }
///     }
///
///     fn classify_error<E: std::fmt::Display>(&self, error: &E) -> String {
///         error.to_string()
///     }
/// }
///
/// assert_eq!(Unavailable.classify_response(&Response::new(())), Classification::Success);
/// ```
pub trait Classify {
    /// The class of a failure, handed to
    /// [`TraceHooks::on_failure`](super::TraceHooks::on_failure).
    type Failure: fmt::Display;

    /// Classifies a response by its head, as soon as the response future resolves.
    fn classify_response<B>(&self, response: &Response<B>) -> Classification<Self::Failure>;

    /// Classifies the end of a response body whose head was classified
    /// [`AtEndOfStream`](Classification::AtEndOfStream); `trailers` are the body's trailers,
    /// if it sent any.
    ///
    /// # Errors
    ///
    /// The failure class, when the end of the stream says the response failed. The default
    /// always returns `Ok(())`.
    fn classify_eos(&self, trailers: Option<&HeaderMap>) -> Result<(), Self::Failure> {
        let _ = trailers;
        Ok(())
    }

    /// Classifies an error of the service or of the response body: every error is a
    /// failure; this names its class.
    fn classify_error<E: fmt::Display>(&self, error: &E) -> Self::Failure;
}

/// The failure class given by [`ServerErrorsAsFailures`] and [`StatusInRangeAsFailures`].
///
/// # Examples
///
/// ```
/// use http::StatusCode;
/// use spire_middleware::http::trace::FailureClass;
///
/// assert_eq!(FailureClass::Status(StatusCode::INTERNAL_SERVER_ERROR).to_string(), "status 500");
/// assert_eq!(FailureClass::Error("reset".to_owned()).to_string(), "error: reset");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureClass {
    /// A response whose status counts as a failure.
    Status(StatusCode),
    /// The service or the body failed; the error's `Display`. Made only on failure, so the
    /// allocation is off the success path.
    Error(String),
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => write!(f, "status {}", status.as_u16()),
            Self::Error(error) => write!(f, "error: {error}"),
        }
    }
}

/// The server-side classifier, and the default: `5xx` responses and errors are failures;
/// everything else, `4xx` included (the client's mistake, not the server's), is a success.
///
/// # Examples
///
/// ```
/// use http::{Response, StatusCode};
/// use spire_middleware::http::trace::{Classification, Classify, ServerErrorsAsFailures};
///
/// let mut response = Response::new(());
/// *response.status_mut() = StatusCode::NOT_FOUND;
/// assert_eq!(ServerErrorsAsFailures::new().classify_response(&response), Classification::Success);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ServerErrorsAsFailures {
    _private: (),
}

impl ServerErrorsAsFailures {
    /// Creates the classifier.
    ///
    /// # Examples
    ///
    /// ```
    /// let _classifier = spire_middleware::http::trace::ServerErrorsAsFailures::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl Classify for ServerErrorsAsFailures {
    type Failure = FailureClass;

    #[inline]
    fn classify_response<B>(&self, response: &Response<B>) -> Classification<FailureClass> {
        if response.status().is_server_error() {
            Classification::Failure(FailureClass::Status(response.status()))
        } else {
            Classification::Success
        }
    }

    fn classify_error<E: fmt::Display>(&self, error: &E) -> FailureClass {
        FailureClass::Error(error.to_string())
    }
}

/// A classifier for which statuses in a range, and errors, are failures. For a client,
/// [`for_client`](Self::for_client) counts `4xx` and `5xx`: both mean the call did not do
/// what was asked.
///
/// # Examples
///
/// ```
/// use http::{Response, StatusCode};
/// use spire_middleware::http::trace::{Classification, Classify, FailureClass, StatusInRangeAsFailures};
///
/// let mut response = Response::new(());
/// *response.status_mut() = StatusCode::NOT_FOUND;
/// assert_eq!(
///     StatusInRangeAsFailures::for_client().classify_response(&response),
///     Classification::Failure(FailureClass::Status(StatusCode::NOT_FOUND)),
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusInRangeAsFailures {
    start: u16,
    end: u16,
}

impl StatusInRangeAsFailures {
    /// Creates a classifier for which the statuses in `range` (inclusive, as numbers) are
    /// failures.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::trace::StatusInRangeAsFailures;
    ///
    /// let classifier = StatusInRangeAsFailures::new(500..=599);
    /// assert_eq!(classifier.range(), 500..=599);
    /// ```
    #[must_use]
    pub const fn new(range: RangeInclusive<u16>) -> Self {
        Self {
            start: *range.start(),
            end: *range.end(),
        }
    }

    /// The client-side classifier: `400..=599` are failures.
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::trace::StatusInRangeAsFailures;
    ///
    /// assert_eq!(StatusInRangeAsFailures::for_client().range(), 400..=599);
    /// ```
    #[must_use]
    pub const fn for_client() -> Self {
        Self::new(400..=599)
    }

    /// The statuses that are failures.
    #[must_use]
    pub const fn range(&self) -> RangeInclusive<u16> {
        self.start..=self.end
    }
}

impl Classify for StatusInRangeAsFailures {
    type Failure = FailureClass;

    #[inline]
    fn classify_response<B>(&self, response: &Response<B>) -> Classification<FailureClass> {
        let status = response.status();
        if (self.start..=self.end).contains(&status.as_u16()) {
            Classification::Failure(FailureClass::Status(status))
        } else {
            Classification::Success
        }
    }

    fn classify_error<E: fmt::Display>(&self, error: &E) -> FailureClass {
        FailureClass::Error(error.to_string())
    }
}
