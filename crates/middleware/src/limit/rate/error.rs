//! [`RateLimited`].

use std::fmt;
use std::time::Duration;

/// A [`KeyedRateLimit`](super::KeyedRateLimit) turned a call away: its key had used up
/// the budget of the current period.
///
/// The call never reached the inner service. [`retry_after`](Self::retry_after) says when
/// the key's next window opens (an HTTP layer can turn it into `429` with `Retry-After`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use spire_middleware::limit::rate::RateLimited;
///
/// let err = RateLimited::new(Duration::from_millis(250));
/// assert_eq!(err.retry_after(), Duration::from_millis(250));
/// assert_eq!(err.to_string(), "rate limit exceeded");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RateLimited {
    retry_after: Duration,
}

impl RateLimited {
    /// Creates the error, with how long the caller should wait before trying again.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let _err = spire_middleware::limit::rate::RateLimited::new(Duration::from_secs(1));
    /// ```
    #[must_use]
    pub const fn new(retry_after: Duration) -> Self {
        Self { retry_after }
    }

    /// How long until the key's budget is renewed.
    #[must_use]
    pub const fn retry_after(&self) -> Duration {
        self.retry_after
    }
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rate limit exceeded")
    }
}

impl std::error::Error for RateLimited {}
