//! [`StatusClass`]: the six ways a call can end, as the metrics count them.

use http::StatusCode;

/// The class of a call's outcome: the first digit of its response status, or
/// [`Failed`](Self::Failed) when the service returned an error and no response.
///
/// # Examples
///
/// ```
/// use http::StatusCode;
/// use spire_middleware::http::metrics::StatusClass;
///
/// assert_eq!(StatusClass::of(StatusCode::NOT_FOUND), StatusClass::ClientError);
/// assert_eq!(StatusClass::ClientError.to_string(), "4xx");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusClass {
    /// `1xx`.
    Informational,
    /// `2xx`.
    Success,
    /// `3xx`.
    Redirection,
    /// `4xx`.
    ClientError,
    /// `5xx`, and the non-standard `600`–`999` that `http` also accepts.
    ServerError,
    /// The service failed: an error, no response.
    Failed,
}

impl StatusClass {
    /// Every class, in the order of [`index`](Self::index).
    pub const ALL: [Self; 6] = [
        Self::Informational,
        Self::Success,
        Self::Redirection,
        Self::ClientError,
        Self::ServerError,
        Self::Failed,
    ];

    /// The class of a response with `status`.
    ///
    /// # Examples
    ///
    /// ```
    /// use http::StatusCode;
    /// use spire_middleware::http::metrics::StatusClass;
    ///
    /// assert_eq!(StatusClass::of(StatusCode::OK), StatusClass::Success);
    /// assert_eq!(StatusClass::of(StatusCode::BAD_GATEWAY), StatusClass::ServerError);
    /// ```
    #[must_use]
    pub const fn of(status: StatusCode) -> Self {
        match status.as_u16() {
            100..=199 => Self::Informational,
            200..=299 => Self::Success,
            300..=399 => Self::Redirection,
            400..=499 => Self::ClientError,
            _ => Self::ServerError,
        }
    }

    /// This class's position in [`ALL`](Self::ALL) and in
    /// [`MetricsSnapshot::classes`](super::MetricsSnapshot::classes).
    ///
    /// # Examples
    ///
    /// ```
    /// use spire_middleware::http::metrics::StatusClass;
    ///
    /// assert_eq!(StatusClass::Failed.index(), 5);
    /// ```
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for StatusClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Informational => "1xx",
            Self::Success => "2xx",
            Self::Redirection => "3xx",
            Self::ClientError => "4xx",
            Self::ServerError => "5xx",
            Self::Failed => "failed",
        })
    }
}
